// SPDX-License-Identifier: MIT
/*
 * libFuzzer: JSON documents the verifier reads from hostile sources: HCLA
 * runtime claims, and PCS collateral scanned for its signed member.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hcl_report.h"
#include "mv_jsonraw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hcl_report h;
	struct mv_result r;
	const char *p;
	size_t n;
	json_t *c;

	memset(&h, 0, sizeof(h));
	h.claims = data;
	h.claims_len = size;
	if (!mv_result_init(&r, "fuzz")) {
		c = hcl_claims(&h, &r);
		if (c)
			hcl_claims_key(c, "HCLAkPub");
		json_decref(c);
		mv_result_free(&r);
	}
	if (!mv_json_raw_member((const char *)data, size, "tcbInfo", &p, &n) &&
	    (p < (const char *)data || p + n > (const char *)data + size))
		__builtin_trap();
	mv_json_raw_member((const char *)data, size, "enclaveIdentity", &p, &n);
	return 0;
}
