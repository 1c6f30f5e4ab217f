/* SPDX-License-Identifier: MIT */
/* Azure-style HCL attestation report ("HCLA"): layout and claims binding. */
#ifndef HCL_REPORT_H
#define HCL_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_result.h"

#define HCL_SIGNATURE 0x414C4348u /* "HCLA" */
#define HCL_HW_OFFSET 32
#define HCL_HW_SIZE 1184
#define HCL_IGVM_OFFSET (HCL_HW_OFFSET + HCL_HW_SIZE) /* 1216 */
#define HCL_IGVM_HDR 20
#define HCL_CLAIMS_OFFSET (HCL_IGVM_OFFSET + HCL_IGVM_HDR) /* 1236 */
#define HCL_TDREPORT_SIZE 1024

_Static_assert(HCL_IGVM_OFFSET == 1216, "IGVM request data offset");
_Static_assert(HCL_CLAIMS_OFFSET == 1236, "runtime claims offset");

enum { HCL_TYPE_SNP = 2, HCL_TYPE_TDX = 4 };

struct hcl_report {
	uint32_t hdr_version, report_size, request_type, status;
	uint32_t data_size, igvm_version, report_type, hash_type, var_size;
	const uint8_t *hw; /* HCL_HW_SIZE bytes */
	const uint8_t *claims; /* runtime claims, exactly as stored */
	size_t claims_len;
};

/* MV_OK, MV_BADINPUT (not an HCLA report) or MV_FAIL (bad inner fields). */
int hcl_report_parse(const uint8_t *buf, size_t len, struct hcl_report *h,
		     char *err, size_t errlen);

/* report_data of the hardware report == hash(claims) || zeros. 0 or -1. */
int hcl_check_binding(const struct hcl_report *h, const uint8_t *report_data,
		      struct mv_result *r);

/* Parses the claims JSON and surfaces it (and the key ids) in r. */
json_t *hcl_claims(const struct hcl_report *h, struct mv_result *r);

/* The JWK in claims with this kid, or NULL (borrowed reference). */
json_t *hcl_claims_key(json_t *claims, const char *kid);

void hcl_header_json(const struct hcl_report *h, json_t *o);

#endif
