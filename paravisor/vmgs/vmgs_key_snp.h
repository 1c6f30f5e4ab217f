/* SPDX-License-Identifier: MIT */
/*
 * The VMGS key's secure processor on SNP (and on `nested`, mantle-sp behind
 * the same guest-request protocol): struct vmgs_key_sp over the paravisor's
 * guest-request client (paravisor/snp/snp_guest.h). MSG_KEY_REQ derives the
 * key; the current TCB is REPORTED_TCB of a MSG_REPORT_REQ report.
 *
 * Every guest message is a chance for a hostile host to make the client
 * retire VMPCK0, so the answers are kept for the boot's VMGS open (the open
 * reads the VMGS again after a bad read, and each read again would ask
 * again): the TCB, and the last derived key with its request, held in the
 * paravisor's memory (which holds the VMGS keys anyway) until
 * vmgs_key_snp_forget().
 */
#ifndef MANTLE_VMGS_KEY_SNP_H
#define MANTLE_VMGS_KEY_SNP_H

#include <stdbool.h>

#include "snp_guest.h"
#include "vmgs_key.h"

struct vmgs_key_snp {
	struct snp_guest *g;
	enum snp_guest_err err; /* of the last call */
	bool have_tcb, have_key;
	uint64_t tcb;
	struct snp_derived_key_req req;
	uint8_t key[SNP_DERIVED_KEY_LEN];
};

/* The seam over g, through a (both must outlive every use of it). */
struct vmgs_key_sp vmgs_key_sp_snp(struct vmgs_key_snp *a, struct snp_guest *g);

/* The current TCB, when the caller has it already (e.g. from a report it
 * asked for anyway): one guest message less for a host to damage. */
void vmgs_key_snp_set_tcb(struct vmgs_key_snp *a, uint64_t tcb);

/* Wipes what a keeps (call once the VMGS is open or refused). */
void vmgs_key_snp_forget(struct vmgs_key_snp *a);

#endif
