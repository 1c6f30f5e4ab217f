// SPDX-License-Identifier: MIT
/* libFuzzer: TPMS_ATTEST and TPMT_SIGNATURE parsing. */
#include <stddef.h>
#include <stdint.h>

#include "tpm_attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm_signature s;
	struct tpm_attest a;
	char err[160];

	if (!tpm_attest_parse(data, size, &a, err, sizeof(err)))
		json_decref(tpm_attest_json(&a));
	tpm_signature_parse(data, size, &s);
	return 0;
}
