/* SPDX-License-Identifier: MIT */
/*
 * The VMGS open policy over the control channel, apart from the port and
 * the thread so that unit tests drive it against a real hostif server. The
 * key policy itself (provision encrypted, unlock, refuse) is
 * paravisor/vmgs/vmgs_key.h; this layer reads again what a host may have
 * answered wrongly once.
 */
#ifndef MANTLE_VMM_CONTROL_VMGS_H
#define MANTLE_VMM_CONTROL_VMGS_H

#include <stddef.h>

#include "hostif_vmgs.h"
#include "vmgs_key.h"

/* Whole opens tried before a refused or unreachable VMGS is given up. An
 * encrypted open reads five times (headers, tables, key protector, extended
 * table), each a chance for a host fault: 8 gives a host that damages half
 * the reads the same odds as 4 gave the plaintext open of before. */
#define PV_VMGS_OPEN_TRIES 8

enum pv_vmgs_result {
	PV_VMGS_NONE, /* the host serves no VMGS */
	PV_VMGS_OPENED, /* an encrypted VMGS, unlocked */
	PV_VMGS_PROVISIONED, /* it was empty: provisioned encrypted now */
	PV_VMGS_DAMAGED, /* not empty and not valid: refused, untouched */
	PV_VMGS_LOCKED, /* does not unlock (other chip, tampered, swapped) */
	PV_VMGS_PLAINTEXT, /* unencrypted with data (a downgrade): refused */
	PV_VMGS_POLICY, /* sealed under the other key policy: refused */
	PV_VMGS_NO_SP, /* no key from the secure processor: refused */
	PV_VMGS_UNREACHABLE, /* the channel failed on every try */
	PV_VMGS_RESULT_COUNT
};

/*
 * Opens the VMGS the host serves, read-write, with the key policy cfg
 * (vmgs_key.h; cfg->sp NULL refuses every VMGS). A read that fails or is
 * refused is read again (a host fault once is not damage); all zero must
 * be seen twice before it is provisioned; a VMGS refused on every try is
 * never written. *out is the unlocked VMGS for OPENED and PROVISIONED,
 * else NULL; why gets a one-line account.
 */
enum pv_vmgs_result pv_vmgs_open(struct hostif_client *c,
				 const struct vmgs_key_cfg *cfg,
				 struct vmgs **out, char *why, size_t whylen);

const char *pv_vmgs_result_name(enum pv_vmgs_result r);

/* The paravisor exit status of a result (mantle_pv_status.h), 0 for the
 * ones it starts with. */
int pv_vmgs_exit_status(enum pv_vmgs_result r);

#endif
