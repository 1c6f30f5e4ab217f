/* SPDX-License-Identifier: MIT */
/*
 * mantle <-> mantle-sp: how the `mantle` launcher talks to the simulated
 * secure processor (sp-simulator/, one process per VM, one simulated chip
 * per state directory). The one definition of these bytes; sp-simulator/
 * SPEC.md is the normative text.
 *
 * Transport: mantle starts `mantle-sp --state DIR --ipc-fd 3` with one end
 * of a SOCK_SEQPACKET socketpair on fd 3, so message boundaries are kept.
 * mantle sends one request and reads exactly one reply before the next.
 * Every message is a 16-byte header then the payload:
 *
 *   0:4 magic "MSP1"  4:2 type  6:2 reserved (0)  8:4 length  12:4 status
 *
 * status is 0 in requests and an SP_ST_* in replies. The simulator treats
 * every request as hostile input: `mantle` is the untrusted host.
 */
#ifndef MANTLE_SP_IPC_H
#define MANTLE_SP_IPC_H

#include <stdint.h>

#include "snp_abi.h"

#define SP_IPC_MAGIC "MSP1"
#define SP_IPC_HDR_SIZE 16u
#define SP_IPC_MAX_PAYLOAD (64u * 1024u)
#define SP_IPC_FD 3 /* mantle-sp's end of the socketpair */

enum sp_ipc_type {
	/* Launch the VM: the simulator reads the image itself and measures
	 * it (paravisor/MEASUREMENT.md level 1), makes four fresh VMPCKs and
	 * the secrets page. Once per process; a second LAUNCH is refused.
	 * Payload: policy le64 @0, host_data[32] @8, config record[24] @40
	 * (MEASUREMENT.md), then three strings, each le16 length + bytes (no
	 * NUL): kernel path, initrd path, kernel command line.
	 * Reply: measurement[48] @0, then the secrets page (4096 bytes). */
	SP_IPC_LAUNCH = 1,
	/* One SNP guest request: payload = the request message as the guest
	 * wrote it (header + encrypted payload, at most one page). Reply: the
	 * response message (header + encrypted payload), or an error status
	 * with no payload. Never retried by anyone: the firmware consumed a
	 * sequence number (hostif/SPEC.md, SP_MSG). */
	SP_IPC_GUEST_MSG = 2,
	/* The certificate table of the extended guest request (snp_abi.h,
	 * GUID-keyed: VCEK, ASK, ARK as DER). Payload empty. */
	SP_IPC_GET_CERTS = 3,
	/* ASK then ARK as PEM (`mantle sim-ca`). Payload empty. */
	SP_IPC_EXPORT_CA = 4,
};

enum sp_ipc_status {
	SP_ST_OK = 0,
	SP_ST_MALFORMED = 1, /* header, length or payload not as defined */
	SP_ST_NOT_LAUNCHED = 2, /* a guest request before LAUNCH */
	SP_ST_LAUNCHED = 3, /* a second LAUNCH */
	SP_ST_IMAGE = 4, /* the image could not be read or measured */
	SP_ST_GUEST_MSG = 5, /* the guest message was refused (bad header,
			      * tag, sequence number, key index, type): the
			      * firmware's answer to a request it will not
			      * serve, as SNP returns an error in SW_EXITINFO2 */
	SP_ST_INTERNAL = 6, /* the simulator failed (state, OpenSSL) */
};

/* The launch request's fixed part, before the three strings. */
#define SP_LAUNCH_POLICY_OFF 0u
#define SP_LAUNCH_HOST_DATA_OFF 8u
#define SP_LAUNCH_CONFIG_OFF 40u
#define SP_LAUNCH_CONFIG_LEN 24u
#define SP_LAUNCH_FIXED 64u
#define SP_LAUNCH_REPLY_SIZE (SNP_MEASUREMENT_LEN + SNP_SECRETS_SIZE)

/* The guest policy `mantle run` launches with: ABI 0.31 as Azure's, SMT
 * allowed, reserved bit 17 set, no debug, no migration agent. */
#define SP_DEFAULT_POLICY (0x1full | (1ull << 16) | SNP_POLICY_RSVD1)

#endif
