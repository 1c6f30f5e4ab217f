// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the VMGS key protector parser (vmgs_protector.h), the bytes a
 * host can put in file 11. Oracle: what decode accepts is a request the
 * paravisor itself makes (VCEK, VMPL 0, SVN 0, one of the two field
 * selects), and an unwrap under a derived key the input cannot know never
 * succeeds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmgs_protector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t derived[SNP_DERIVED_KEY_LEN] = { 0x6b, 0x65,
							      0x79 };
	struct snp_derived_key_req want;
	struct vmgs_kp kp;
	uint8_t dek[VMGS_KP_KEY_LEN];

	if (vmgs_kp_decode(data, size, &kp) != VMGS_KP_OK)
		return 0;
	if (size != VMGS_KP_SIZE)
		abort();
	vmgs_kp_request(kp.policy, kp.req.tcb_version, &want);
	if (memcmp(&want, &kp.req, sizeof(want)))
		abort();
	/* The seeds are sealed under this key: a hit is a seed, or a forgery
	 * of GCM. Only the seeds' own bytes may unwrap. */
	if (vmgs_kp_open(derived, &kp, dek) == VMGS_KP_OK &&
	    memcmp(dek, "fuzz seed datastore key 32 bytes", VMGS_KP_KEY_LEN))
		abort();
	return 0;
}
