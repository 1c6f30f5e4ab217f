/* SPDX-License-Identifier: MIT */
/*
 * The paravisor's SNP guest-request client: what Linux's sev-guest driver
 * does for a guest, done for the paravisor (VMPL0) with VMPCK0. It owns the
 * VMPCKs taken from the secrets page, the sequence numbers, and the rule
 * that any error after a request was sent retires the key for the rest of
 * the boot (Linux snp_disable_vmpck): a host that replays, reorders,
 * corrupts or withholds a response gets a clear error, never a wrong key
 * or report. The transport (on `nested`: the hostif control channel, relayed
 * by `mantle` to mantle-sp) carries opaque bytes and is untrusted.
 *
 * Sequence numbers as in sev-guest: request seqno = stored + 1, a response
 * must carry request seqno + 1, type request + 1 and the same version; after
 * any request that reached the firmware the stored count advances by 2.
 *
 * What retires the key (every error after the request was handed to the
 * transport, as Linux's snp_send_guest_request disables the VMPCK on any
 * transport or firmware error and on any response it cannot verify):
 *   - no response, or the host/firmware refused the message (the transport
 *     returned -1 or nothing): SNP_GUEST_E_TRANSPORT;
 *   - a response that does not open under the VMPCK, or answers another
 *     seqno, type, version or key, or whose payload is not the type's
 *     layout: SNP_GUEST_E_RESPONSE.
 * What does not: an authentic, in-sequence response whose payload status
 * is not 0 (e.g. INVALID_PARAM for a bad key request) returns
 * SNP_GUEST_E_FIRMWARE with the status in fw_status and keeps the key.
 * The firmware itself sealed that answer under the next sequence number, so
 * both ends are still in step, nothing was forged, and Linux likewise hands
 * such a response to user space without disabling the key. Errors found
 * before sending (SNP_GUEST_E_INVALID, _SEQNO_EXHAUSTED) keep the key too.
 * The client is not thread-safe: one caller at a time.
 */
#ifndef MANTLE_SNP_GUEST_H
#define MANTLE_SNP_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "snp_abi.h"

/* One exchange of a sealed request for a sealed response. Returns 0 with
 * *rsp_len set, or -1 when nothing came back (withheld, channel failure).
 * Must never resend on its own: the firmware consumed a sequence number. */
struct snp_guest_transport {
	int (*exchange)(void *arg, const uint8_t *req, size_t req_len,
			uint8_t *rsp, size_t rsp_cap, size_t *rsp_len);
	void *arg;
};

enum snp_guest_err {
	SNP_GUEST_OK = 0,
	SNP_GUEST_E_RETIRED, /* the key was retired by an earlier error */
	SNP_GUEST_E_NO_KEY, /* the secrets page holds no such VMPCK */
	SNP_GUEST_E_SEQNO_EXHAUSTED, /* the 32-bit counter ran out */
	SNP_GUEST_E_TRANSPORT, /* no response (withheld or channel down) */
	SNP_GUEST_E_RESPONSE, /* response malformed, forged, replayed or
			       * reordered (wrong seqno, type or version) */
	SNP_GUEST_E_FIRMWARE, /* the firmware answered with an error status */
	SNP_GUEST_E_INVALID, /* the caller's request is invalid */
	SNP_GUEST_E_COUNT
};

const char *snp_guest_strerror(enum snp_guest_err e);

struct snp_guest {
	uint8_t vmpck[SNP_VMPCK_LEN];
	uint32_t seqno; /* last used, as in the secrets page's OS area */
	unsigned int vmpck_id;
	int retired;
	struct snp_guest_transport t;
	uint32_t fw_status; /* the last SNP_GUEST_E_FIRMWARE status */
};

/* Takes VMPCK vmpck_id and its counter from a secrets page (SNP layout,
 * snp_abi.h). An all-zero VMPCK is "no key" (SNP zeroes the VMPCKs of
 * lower-privileged levels). */
enum snp_guest_err snp_guest_init(struct snp_guest *g,
				  const uint8_t secrets[SNP_SECRETS_SIZE],
				  unsigned int vmpck_id,
				  const struct snp_guest_transport *t);

/* MSG_REPORT_REQ: REPORT_DATA = user_data exactly. */
enum snp_guest_err
snp_guest_report(struct snp_guest *g,
		 const uint8_t user_data[SNP_REPORT_DATA_LEN], uint32_t vmpl,
		 uint8_t report[SNP_REPORT_SIZE]);

/* MSG_KEY_REQ. */
enum snp_guest_err snp_guest_derive_key(struct snp_guest *g,
					const struct snp_derived_key_req *r,
					uint8_t key[SNP_DERIVED_KEY_LEN]);

/* Wipes the key (also done on every error after sending). */
void snp_guest_retire(struct snp_guest *g);

#endif
