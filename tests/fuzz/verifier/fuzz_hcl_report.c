// SPDX-License-Identifier: MIT
/* libFuzzer: HCLA report parsing, claims binding and claims JSON. */
#include <stddef.h>
#include <stdint.h>

#include "hcl_report.h"
#include "snp_report.h"
#include "tdx_quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hcl_report h;
	struct mv_result r;
	json_t *claims, *hdr;
	char err[160];

	if (hcl_report_parse(data, size, &h, err, sizeof(err)) ||
	    mv_result_init(&r, "fuzz"))
		return 0;
	hdr = json_object();
	hcl_header_json(&h, hdr);
	json_decref(hdr);
	if (h.report_type == HCL_TYPE_TDX)
		json_decref(tdreport_json(h.hw));
	hcl_check_binding(
		&h,
		h.report_type == HCL_TYPE_SNP ?
			h.hw + offsetof(struct snp_report_wire, report_data) :
			h.hw + TDREPORT_REPORTDATA,
		&r);
	claims = hcl_claims(&h, &r);
	if (claims)
		hcl_claims_key(claims, "HCLAkPub");
	json_decref(claims);
	mv_result_free(&r);
	return 0;
}
