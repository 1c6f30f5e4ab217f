// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the evidence bundle and the policy. The input is split at the
 * first NUL: policy JSON before it, bundle JSON after (no NUL: both).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char fallback[] = "{\"mantle_policy_version\":1,"
				       "\"trusted_roots\":[\"AMD ARK-Milan\"],"
				       "\"allowed_vmpls\":[0],\"min_tcb\":"
				       "{\"snp\":1},\"reference_pcrs\":"
				       "{\"0\":\"00\"}}";
	const uint8_t *nul = memchr(data, 0, size);
	const uint8_t *ev = nul ? nul + 1 : data;
	size_t evlen = nul ? size - (size_t)(ev - data) : size;
	struct mv_policy pol;
	struct mv_result r;
	enum mv_tier tier;
	json_t *ear = NULL;
	char err[160];

	if (mv_policy_load(data, nul ? (size_t)(nul - data) : size, &pol, err,
			   sizeof(err)) &&
	    mv_policy_load((const uint8_t *)fallback, sizeof(fallback) - 1,
			   &pol, err, sizeof(err)))
		return 0;
	if (!mv_result_init(&r, "fuzz")) {
		mv_evidence_appraise(ev, evlen, &pol, 1748736000, &r, &ear,
				     &tier);
		json_decref(ear);
		mv_result_free(&r);
	}
	mv_policy_free(&pol);
	return 0;
}
