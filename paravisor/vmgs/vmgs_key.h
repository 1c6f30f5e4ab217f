/* SPDX-License-Identifier: MIT */
/*
 * The VMGS encrypted at rest with a key the host never holds
 * (paravisor/vmgs/VMGS-KEY.md). A new or empty VMGS is formatted encrypted
 * under a random datastore key, kept only wrapped (vmgs_protector.h) under
 * a key the secure processor derives (MSG_KEY_REQ); later boots derive the
 * same key and unlock. Whatever does not unlock is refused and left
 * byte-for-byte untouched, unless the operator asked to reprovision.
 *
 * Nothing here knows how the secure processor is reached: the caller hands
 * in a struct vmgs_key_sp (on SNP: snp_guest.h's client, vmgs_key_snp.c;
 * in the unit tests: a fake chip).
 */
#ifndef MANTLE_VMGS_KEY_H
#define MANTLE_VMGS_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snp_abi.h"
#include "vmgs/vmgs.h"
#include "vmgs_protector.h"

/* MSG_KEY_REQ: 0 with key filled, or -1 (no key: retired, no secure
 * processor, firmware error). */
typedef int (*vmgs_key_derive_fn)(void *arg,
				  const struct snp_derived_key_req *req,
				  uint8_t key[SNP_DERIVED_KEY_LEN]);
/* The platform's current TCB (an attestation report's REPORTED_TCB): 0, or
 * -1 when it is not known. */
typedef int (*vmgs_key_tcb_fn)(void *arg, uint64_t *tcb);

/* The seam to the secure processor. */
struct vmgs_key_sp {
	vmgs_key_derive_fn derive;
	vmgs_key_tcb_fn tcb; /* may be NULL: TCB 0 at provisioning */
	/* May be NULL: why the last call failed, for the log line. */
	const char *(*strerror)(void *arg);
	void *arg;
};

/* Where the VMGS is: a fresh io over it on every call (raw or not, as
 * flags say), so that a refused open never leaves a handle behind. */
struct vmgs_key_store {
	enum vmgs_err (*io_new)(void *arg, struct vmgs_io *io);
	void *arg;
	unsigned flags; /* vmgs_open flags: VMGS_OPEN_WRITE (+ RAW) */
};

struct vmgs_key_cfg {
	const struct vmgs_key_sp *sp; /* NULL: none, every VMGS refused */
	enum vmgs_key_policy policy;
	bool reprovision; /* a VMGS that would be refused is made anew */
};

enum vmgs_key_result {
	VMGS_KEY_OPENED, /* unlocked with the derived key */
	VMGS_KEY_PROVISIONED, /* new: formatted encrypted now */
	VMGS_KEY_EMPTY, /* empty, and the caller did not allow provisioning */
	VMGS_KEY_IO, /* a read or write failed */
	VMGS_KEY_DAMAGED, /* libvmgs refused the container */
	VMGS_KEY_LOCKED, /* does not unlock: other chip, tampered, swapped */
	VMGS_KEY_PLAINTEXT, /* unencrypted and holding data: a downgrade */
	VMGS_KEY_POLICY, /* sealed under the other key policy */
	VMGS_KEY_NO_SP, /* no key from the secure processor */
	VMGS_KEY_RESULT_COUNT
};

const char *vmgs_key_result_name(enum vmgs_key_result r);

/*
 * Opens the VMGS of st with a key only the secure processor can derive.
 * may_provision: an empty VMGS (all zero, or formatted with no file but a
 * key protector: a provisioning that died) may be provisioned now; else
 * VMGS_KEY_EMPTY, nothing written. Refusals write nothing. *out is the
 * unlocked VMGS for OPENED and PROVISIONED, else NULL; why gets one line.
 */
enum vmgs_key_result vmgs_key_open(const struct vmgs_key_store *st,
				   const struct vmgs_key_cfg *cfg,
				   bool may_provision, struct vmgs **out,
				   char *why, size_t whylen);

/* Paravisor state goes into the VMGS only through this: encrypted. */
enum vmgs_err vmgs_key_write_state(struct vmgs *v, unsigned id,
				   const void *data, uint64_t len);

/*
 * ... and comes out only through this: a file the authenticated extended
 * table does not mark encrypted (one the host put there) is refused with
 * VMGS_E_NOT_ENCRYPTED, never returned as state. As vmgs_read_into.
 */
enum vmgs_err vmgs_key_read_state(struct vmgs *v, unsigned id, uint8_t *buf,
				  uint64_t cap, uint64_t *len);

#endif
