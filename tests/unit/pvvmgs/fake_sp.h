/* SPDX-License-Identifier: MIT */
/*
 * A fake secure processor for the VMGS key tests: one "chip" is one secret;
 * a derived key is HMAC-SHA-256(secret, the request's fields and the guest
 * fields it selects), so two chips never derive the same key and the same
 * chip always does for the same inputs. Test code only.
 */
#ifndef MANTLE_TEST_FAKE_SP_H
#define MANTLE_TEST_FAKE_SP_H

#include <stdint.h>

#include "vmgs_key.h"

struct fake_chip {
	uint8_t secret[32];
	uint8_t measurement[48]; /* of the running paravisor */
	uint64_t policy; /* the guest policy */
	uint64_t tcb; /* the current TCB */
	int fail; /* every request fails (secure processor gone) */
	unsigned derives; /* requests answered */
	struct vmgs_key_sp sp; /* derive, tcb, arg = this chip */
};

/* A chip whose secret is every byte = seed; measurement all m. */
void fake_chip_init(struct fake_chip *c, uint8_t seed, uint8_t m);

int fake_chip_derive(void *arg, const struct snp_derived_key_req *r,
		     uint8_t key[SNP_DERIVED_KEY_LEN]);

#endif
