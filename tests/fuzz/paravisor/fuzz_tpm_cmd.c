// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the response parsers of tpm_cmd.h (the paravisor's own TPM
 * commands) on arbitrary bytes. Input: one byte choosing the parser, then
 * the response. A parser must return an error or fill its outputs within
 * their bounds; never read past the response.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpm_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tpm_pub pub;
	TPML_PCR_SELECTION sel;
	uint8_t *rsp;
	uint32_t h = 0, attrs = 0, rc = 0;

	if (size < 1)
		return 0;
	/* An exact-size copy, so ASan sees any read past the end. */
	rsp = malloc(size - 1 ? size - 1 : 1);
	if (!rsp)
		return 0;
	memcpy(rsp, data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		rc = tpm_rsp_plain(rsp, size - 1);
		break;
	case 1:
		rc = tpm_rsp_create_primary(rsp, size - 1, &h, &pub);
		break;
	case 2:
		rc = tpm_rsp_read_public(rsp, size - 1, &pub);
		break;
	case 3:
		rc = tpm_rsp_pcr_banks(rsp, size - 1, &sel);
		if (rc == 0 && sel.count > TPM2_NUM_PCR_BANKS)
			abort();
		break;
	case 4:
		rc = tpm_rsp_permanent(rsp, size - 1, &attrs);
		break;
	default:
		rc = tpm_rsp_pcr_allocate(rsp, size - 1);
		break;
	}
	if (rc == 0 && (data[0] % 6 == 1 || data[0] % 6 == 2) &&
	    (pub.raw_len > sizeof(pub.raw) || pub.raw_len != 2u + pub.pub.size))
		abort();
	free(rsp);
	return 0;
}
