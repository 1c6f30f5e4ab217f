// SPDX-License-Identifier: MIT
/* libFuzzer: SEV-SNP report parsing, must-be-zero checks and decoding. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mv_util.h"
#include "snp_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snp_report rep;
	struct mv_result r;
	uint8_t *copy = malloc(size ? size : 1);
	char err[160];
	size_t len = size;
	json_t *o;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	mv_maybe_unhex(copy, &len); /* the CLI accepts hex too */
	if (snp_report_parse(copy, len, &rep, err, sizeof(err)) !=
		    MV_BADINPUT &&
	    !mv_result_init(&r, "fuzz")) {
		o = json_object();
		snp_report_to_json(&rep, snp_report_product(&rep), o);
		snp_report_to_json(&rep, SNP_TURIN, o);
		snp_report_check_mbz(&rep, &r);
		json_decref(o);
		mv_result_free(&r);
	}
	free(copy);
	return 0;
}
