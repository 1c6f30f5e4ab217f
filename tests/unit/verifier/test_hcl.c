// SPDX-License-Identifier: MIT
/* HCLA report parsing, claims binding and claims surfacing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hcl_report.h"
#include "mantle_bytes.h"
#include "mv_util.h"
#include "snp_report.h"
#include "tdx_quote.h"
#include "testdata.h"

static void test_parse_snp_sample(void **state)
{
	struct hcl_report h;
	struct mv_result r;
	uint8_t *b;
	size_t n;
	char err[128];
	json_t *claims;

	(void)state;
	mvt_load("trustee/az-snp-vtpm/hcl-report.bin", &b, &n);
	assert_int_equal(hcl_report_parse(b, n, &h, err, sizeof(err)), MV_OK);
	assert_int_equal(h.report_type, HCL_TYPE_SNP);
	assert_int_equal(h.request_type, 2);
	assert_int_equal(h.hash_type, 1);
	assert_int_equal(h.claims[0], '{');
	mv_result_init(&r, "t");
	assert_int_equal(hcl_check_binding(&h, h.hw + 0x50, &r), 0);
	claims = hcl_claims(&h, &r);
	assert_non_null(claims);
	assert_non_null(hcl_claims_key(claims, "HCLAkPub"));
	assert_non_null(hcl_claims_key(claims, "HCLEkPub"));
	assert_null(hcl_claims_key(claims, "nope"));
	assert_int_equal(json_array_size(json_object_get(r.root, "key_ids")),
			 2);
	assert_int_equal(r.status, MV_OK);
	json_decref(claims);
	mv_result_free(&r);
	/* One changed byte of the claims breaks the binding. */
	b[HCL_CLAIMS_OFFSET + 10] ^= 1;
	mv_result_init(&r, "t");
	assert_int_equal(hcl_check_binding(&h, h.hw + 0x50, &r), -1);
	assert_int_equal(r.status, MV_FAIL);
	mv_result_free(&r);
	free(b);
}

static void test_parse_tdx_sample(void **state)
{
	struct hcl_report h;
	struct mv_result r;
	uint8_t *b;
	size_t n;
	char err[128];

	(void)state;
	mvt_load("azure-cvm-attestation-tools/snp_hcl_report.bin", &b, &n);
	assert_int_equal(hcl_report_parse(b, n, &h, err, sizeof(err)), MV_OK);
	assert_int_equal(h.report_type, HCL_TYPE_TDX);
	mv_result_init(&r, "t");
	assert_int_equal(hcl_check_binding(&h, h.hw + TDREPORT_REPORTDATA, &r),
			 0);
	mv_result_free(&r);
	free(b);
}

static void test_malformed(void **state)
{
	uint8_t b[2048] = { 0 };
	struct hcl_report h;
	struct mv_result r;
	char err[128];
	const char claims[] = "{\"keys\":[";

	(void)state;
	assert_int_equal(hcl_report_parse(b, sizeof(b), &h, err, sizeof(err)),
			 MV_BADINPUT);
	memcpy(b, "HCLA", 4);
	assert_int_equal(hcl_report_parse(b, 100, &h, err, sizeof(err)),
			 MV_BADINPUT);
	b[HCL_IGVM_OFFSET + 4] = 1; /* version */
	b[HCL_IGVM_OFFSET + 8] = 3; /* TVM: unsupported */
	b[HCL_IGVM_OFFSET + 12] = 1; /* SHA-256 */
	assert_int_equal(hcl_report_parse(b, sizeof(b), &h, err, sizeof(err)),
			 MV_FAIL);
	b[HCL_IGVM_OFFSET + 8] = 2;
	/* Claims size beyond the input. */
	b[HCL_IGVM_OFFSET + 16] = 0xff;
	b[HCL_IGVM_OFFSET + 17] = 0xff;
	assert_int_equal(hcl_report_parse(b, sizeof(b), &h, err, sizeof(err)),
			 MV_FAIL);
	/* Consistent sizes, but the claims are not JSON. */
	b[HCL_IGVM_OFFSET] = 20 + sizeof(claims) - 1;
	b[HCL_IGVM_OFFSET + 16] = sizeof(claims) - 1;
	b[HCL_IGVM_OFFSET + 17] = 0;
	memcpy(b + HCL_CLAIMS_OFFSET, claims, sizeof(claims) - 1);
	assert_int_equal(hcl_report_parse(b, sizeof(b), &h, err, sizeof(err)),
			 MV_OK);
	mv_result_init(&r, "t");
	assert_null(hcl_claims(&h, &r));
	assert_int_equal(r.status, MV_FAIL);
	mv_result_free(&r);
}

/*
 * A version 2 request (capability bitmap) whose input ends inside the
 * bitmap: its claims would start past the end, so it must not fit. (The
 * hand-offset parser accepted it and pointed the claims beyond the input.)
 */
static void test_v2_claims_past_end(void **state)
{
	uint8_t *b = calloc(1, HCL_CLAIMS_OFFSET);
	struct hcl_report h;
	char err[128];

	(void)state;
	assert_non_null(b);
	memcpy(b, "HCLA", 4);
	put_le32(b + HCL_IGVM_OFFSET, HCL_IGVM_HDR + 4 + 1); /* data size */
	put_le32(b + HCL_IGVM_OFFSET + 4, 2); /* version 2 */
	put_le32(b + HCL_IGVM_OFFSET + 8, HCL_TYPE_SNP);
	put_le32(b + HCL_IGVM_OFFSET + 12, 1); /* SHA-256 */
	put_le32(b + HCL_IGVM_OFFSET + 16, 1); /* one byte of claims */
	assert_int_equal(
		hcl_report_parse(b, HCL_CLAIMS_OFFSET, &h, err, sizeof(err)),
		MV_FAIL);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_v2_claims_past_end),
		cmocka_unit_test(test_parse_snp_sample),
		cmocka_unit_test(test_parse_tdx_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
