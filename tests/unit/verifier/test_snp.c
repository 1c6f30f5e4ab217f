// SPDX-License-Identifier: MIT
/* SEV-SNP report parser, VCEK extensions and end-to-end verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mv_util.h"
#include "mv_x509.h"
#include "snp_verify.h"
#include "testdata.h"

#define MILAN_CA "go-sev-guest/ask_ark_milan.pem"
#define T_2025 1748736000 /* 2025-06-01T00:00:00Z */

static void fresh(struct mv_result *r)
{
	assert_int_equal(mv_result_init(r, "test"), 0);
}

static void test_parse_size_and_version(void **state)
{
	uint8_t buf[SNP_REPORT_SIZE + 1] = { 0 };
	struct snp_report rep;
	char err[128];

	(void)state;
	assert_int_equal(snp_report_parse(buf, SNP_REPORT_SIZE - 1, &rep, err,
					  sizeof(err)),
			 MV_BADINPUT);
	assert_int_equal(snp_report_parse(buf, SNP_REPORT_SIZE + 1, &rep, err,
					  sizeof(err)),
			 MV_BADINPUT);
	buf[0] = 1;
	assert_int_equal(
		snp_report_parse(buf, SNP_REPORT_SIZE, &rep, err, sizeof(err)),
		MV_FAIL);
	buf[0] = 6;
	assert_int_equal(
		snp_report_parse(buf, SNP_REPORT_SIZE, &rep, err, sizeof(err)),
		MV_FAIL);
	buf[0] = 5;
	assert_int_equal(
		snp_report_parse(buf, SNP_REPORT_SIZE, &rep, err, sizeof(err)),
		MV_OK);
	assert_int_equal(rep.version, 5);
}

static void test_signature_little_endian(void **state)
{
	uint8_t buf[SNP_REPORT_SIZE] = { 2 };
	struct snp_report rep;
	char err[128];

	(void)state;
	buf[SNP_SIGNED_LEN] = 0x11; /* least significant byte of R */
	buf[SNP_SIGNED_LEN + 47] = 0x22; /* most significant byte of R */
	buf[SNP_SIGNED_LEN + 72] = 0x33; /* least significant byte of S */
	assert_int_equal(
		snp_report_parse(buf, sizeof(buf), &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.sig_r[0], 0x22);
	assert_int_equal(rep.sig_r[47], 0x11);
	assert_int_equal(rep.sig_s[47], 0x33);
}

static void test_mbz_ranges(void **state)
{
	static const size_t bad_offsets[] = { 0x04C,	  0x18B, 0x19F,
					      0x1EB,	  0x1EF, 0x1F8,
					      0x208,	  0x29F, 0x2A0 + 48,
					      0x2E8 + 71, 0x330, 0x49F };
	uint8_t buf[SNP_REPORT_SIZE] = { 3 };
	struct snp_report rep;
	struct mv_result r;
	char err[128];
	size_t i;

	(void)state;
	buf[0x0A] = 0x02; /* POLICY bit 17 */
	snp_report_parse(buf, sizeof(buf), &rep, err, sizeof(err));
	fresh(&r);
	assert_int_equal(snp_report_check_mbz(&rep, &r), 0);
	mv_result_free(&r);
	for (i = 0; i < sizeof(bad_offsets) / sizeof(bad_offsets[0]); i++) {
		buf[bad_offsets[i]] = 1;
		snp_report_parse(buf, sizeof(buf), &rep, err, sizeof(err));
		fresh(&r);
		assert_int_equal(snp_report_check_mbz(&rep, &r), -1);
		assert_int_equal(r.status, MV_FAIL);
		mv_result_free(&r);
		buf[bad_offsets[i]] = 0;
	}
	/* v5 mitigation vectors are allowed; v3 must have them zero. */
	buf[0] = 5;
	buf[0x1F8] = 1;
	snp_report_parse(buf, sizeof(buf), &rep, err, sizeof(err));
	fresh(&r);
	assert_int_equal(snp_report_check_mbz(&rep, &r), 0);
	mv_result_free(&r);
	/* POLICY bit 17 clear, and a reserved SIGNING_KEY value. */
	buf[0x0A] = 0;
	snp_report_parse(buf, sizeof(buf), &rep, err, sizeof(err));
	fresh(&r);
	assert_int_equal(snp_report_check_mbz(&rep, &r), -1);
	mv_result_free(&r);
	buf[0x0A] = 2;
	buf[0x48] = 2 << 2;
	snp_report_parse(buf, sizeof(buf), &rep, err, sizeof(err));
	fresh(&r);
	assert_int_equal(snp_report_check_mbz(&rep, &r), -1);
	mv_result_free(&r);
}

static void test_tcb_layouts(void **state)
{
	const uint8_t raw[8] = { 1, 2, 3, 4, 0, 0, 7, 8 };
	struct snp_tcb t;

	(void)state;
	snp_tcb_decode(raw, SNP_MILAN, &t);
	assert_int_equal(t.bl, 1);
	assert_int_equal(t.tee, 2);
	assert_int_equal(t.snp, 7);
	assert_int_equal(t.ucode, 8);
	snp_tcb_decode(raw, SNP_TURIN, &t);
	assert_int_equal(t.fmc, 1);
	assert_int_equal(t.bl, 2);
	assert_int_equal(t.tee, 3);
	assert_int_equal(t.snp, 4);
	assert_int_equal(t.ucode, 8);
}

static X509 *load_cert(const char *rel)
{
	STACK_OF(X509) *sk = NULL;
	X509 *x;

	assert_true(mv_certs_load_file(mvt_path(rel), &sk) >= 1);
	x = X509_dup(sk_X509_value(sk, 0));
	sk_X509_pop_free(sk, X509_free);
	return x;
}

static void test_vcek_hwid_encodings(void **state)
{
	struct snp_vcek_ext raw, wrapped;
	char err[128];
	X509 *a = load_cert("trustee/snp/test-vcek-invalid-legacy.der");
	X509 *b = load_cert("trustee/snp/test-vcek-invalid-new.der");
	int i;

	(void)state;
	assert_int_equal(snp_vcek_ext_parse(a, &raw, err, sizeof(err)), 0);
	assert_int_equal(snp_vcek_ext_parse(b, &wrapped, err, sizeof(err)), 0);
	assert_int_equal(raw.hwid_len, 64);
	assert_int_equal(wrapped.hwid_len, 64);
	assert_false(raw.hwid_wrapped);
	assert_true(wrapped.hwid_wrapped);
	for (i = 0; i < 64; i++)
		assert_int_equal(raw.hwid[i], i);
	assert_memory_equal(raw.hwid, wrapped.hwid, 64);
	X509_free(a);
	X509_free(b);
}

static void test_vcek_turin_and_vlek(void **state)
{
	static const uint8_t turin_hwid[8] = { 0x1e, 0x55, 0x0a, 0x8e,
					       0xe5, 0xcf, 0x9f, 0x4d };
	struct snp_vcek_ext e;
	char err[128];
	X509 *x = load_cert("virtee-sev/vcek_turin.der");

	(void)state;
	assert_int_equal(snp_vcek_ext_parse(x, &e, err, sizeof(err)), 0);
	assert_string_equal(e.product_name, "Turin");
	assert_int_equal(e.struct_version, 1);
	assert_int_equal(e.spl[SNP_SPL_FMC], 0);
	assert_int_equal(e.spl[SNP_SPL_UCODE], 9);
	assert_int_equal(e.spl[4], SNP_SPL_ABSENT);
	assert_int_equal(e.hwid_len, 8);
	assert_memory_equal(e.hwid, turin_hwid, 8);
	X509_free(x);
	x = load_cert("trustee/snp/test-vlek.der");
	assert_int_equal(snp_vcek_ext_parse(x, &e, err, sizeof(err)), 0);
	assert_int_equal(e.spl[SNP_SPL_UCODE], 217); /* 02 02 00 d9 */
	assert_int_equal(e.hwid_len, 0);
	assert_string_equal(e.csp_id, "CN=cc-us-east-2.amazonaws.com");
	X509_free(x);
}

/* Verifies report with the given certificates; returns the status. */
static int verify(const char *report, const char *vcek, const char *ca,
		  int64_t t, struct mv_result *r)
{
	STACK_OF(X509) *v = NULL, *c = NULL;
	struct snp_trust trust;
	uint8_t *buf;
	size_t len;

	mvt_load(report, &buf, &len);
	assert_true(mv_certs_load_file(mvt_path(vcek), &v) >= 1);
	assert_true(mv_certs_load_file(mvt_path(ca), &c) >= 1);
	fresh(r);
	if (snp_trust_load(&trust, v, c, t, r) != MV_BADINPUT)
		snp_verify_report(&trust, buf, len, r);
	snp_trust_free(&trust);
	sk_X509_pop_free(v, X509_free);
	sk_X509_pop_free(c, X509_free);
	free(buf);
	return r->status;
}

static void test_samples_verify(void **state)
{
	struct mv_result r;

	(void)state;
	assert_int_equal(verify("go-sev-guest/attestation.bin",
				"go-sev-guest/vcek_milan.der", MILAN_CA, T_2025,
				&r),
			 MV_OK);
	/* DEBUG allowed is a warning, not a failure. */
	assert_true(json_array_size(r.warnings) >= 1);
	mv_result_free(&r);
	assert_int_equal(verify("virtee-sev/report_milan.hex",
				"virtee-sev/vcek_milan.der", MILAN_CA, T_2025,
				&r),
			 MV_OK);
	mv_result_free(&r);
	assert_int_equal(verify("trustee/snp/test-report.bin",
				"trustee/snp/test-vcek.der", MILAN_CA, T_2025,
				&r),
			 MV_OK);
	mv_result_free(&r);
	assert_int_equal(verify("trustee/snp/e2e-genoa-report-v3.bin",
				"trustee/snp/e2e-genoa-vcek.der",
				"go-sev-guest/ask_ark_genoa.pem", T_2025, &r),
			 MV_OK);
	mv_result_free(&r);
	assert_int_equal(verify("trustee/snp/test-vlek-report.bin",
				"trustee/snp/test-vlek.der",
				"go-sev-guest/ask_ark_milan_vlek.pem", T_2025,
				&r),
			 MV_OK);
	mv_result_free(&r);
}

static void test_wrong_chain_and_time(void **state)
{
	struct mv_result r;

	(void)state;
	/* Genoa VCEK against the Milan chain. */
	assert_int_equal(verify("trustee/snp/e2e-genoa-report-v3.bin",
				"trustee/snp/e2e-genoa-vcek.der", MILAN_CA,
				T_2025, &r),
			 MV_FAIL);
	mv_result_free(&r);
	/* VLEK against the VCEK chain (ASK instead of ASVK). */
	assert_int_equal(verify("trustee/snp/test-vlek-report.bin",
				"trustee/snp/test-vlek.der", MILAN_CA, T_2025,
				&r),
			 MV_FAIL);
	mv_result_free(&r);
	/* Another chip's VCEK: signature, CHIP_ID and TCB all differ. */
	assert_int_equal(verify("go-sev-guest/attestation.bin",
				"virtee-sev/vcek_milan.der", MILAN_CA, T_2025,
				&r),
			 MV_FAIL);
	mv_result_free(&r);
	/* The VLEK expired on 2025-12-10 and was not valid before 2024. */
	assert_int_equal(verify("trustee/snp/test-vlek-report.bin",
				"trustee/snp/test-vlek.der",
				"go-sev-guest/ask_ark_milan_vlek.pem",
				1798761600 /* 2027-01-01 */, &r),
			 MV_FAIL);
	mv_result_free(&r);
	assert_int_equal(verify("trustee/snp/test-vlek-report.bin",
				"trustee/snp/test-vlek.der",
				"go-sev-guest/ask_ark_milan_vlek.pem",
				1672531200 /* 2023-01-01 */, &r),
			 MV_FAIL);
	mv_result_free(&r);
}

/* The real Turin VCEK (no report exists) chains to ARK-Turin. */
static void test_turin_chain(void **state)
{
	STACK_OF(X509) *v = NULL, *c = NULL;
	struct snp_trust trust;
	struct mv_result r;

	(void)state;
	assert_true(mv_certs_load_file(mvt_path("virtee-sev/vcek_turin.der"),
				       &v) == 1);
	assert_true(mv_certs_load_file(
			    mvt_path("go-sev-guest/ask_ark_turin_vcek.pem"),
			    &c) == 2);
	fresh(&r);
	assert_int_equal(snp_trust_load(&trust, v, c, T_2025, &r), MV_OK);
	assert_true(trust.chain_ok);
	assert_int_equal(trust.product, SNP_TURIN);
	assert_string_equal(json_string_value(json_object_get(r.root, "root")),
			    "AMD ARK-Turin");
	snp_trust_free(&trust);
	mv_result_free(&r);
	sk_X509_pop_free(c, X509_free);
	assert_true(mv_certs_load_file(mvt_path(MILAN_CA), &c) == 2);
	fresh(&r);
	assert_int_equal(snp_trust_load(&trust, v, c, T_2025, &r), MV_FAIL);
	assert_false(trust.chain_ok);
	snp_trust_free(&trust);
	mv_result_free(&r);
	sk_X509_pop_free(c, X509_free);
	sk_X509_pop_free(v, X509_free);
}

/* Every single-byte change in [0, 0x2A0) must be rejected. */
static void test_tamper_every_signed_byte(void **state)
{
	STACK_OF(X509) *v = NULL, *c = NULL;
	struct snp_trust trust;
	struct mv_result r;
	uint8_t *buf;
	size_t len, i;

	(void)state;
	mvt_load("trustee/snp/test-report.bin", &buf, &len);
	assert_true(mv_certs_load_file(mvt_path("trustee/snp/test-vcek.der"),
				       &v) >= 1);
	assert_true(mv_certs_load_file(mvt_path(MILAN_CA), &c) >= 1);
	fresh(&r);
	assert_int_equal(snp_trust_load(&trust, v, c, T_2025, &r), MV_OK);
	mv_result_free(&r);
	for (i = 0; i < SNP_SIGNED_LEN; i++) {
		buf[i] ^= 0x01;
		fresh(&r);
		if (snp_verify_report(&trust, buf, len, &r) == MV_OK)
			fail_msg("byte 0x%zx changed but report verified", i);
		assert_true(json_array_size(r.reasons) > 0);
		mv_result_free(&r);
		buf[i] ^= 0x01;
	}
	fresh(&r);
	assert_int_equal(snp_verify_report(&trust, buf, len, &r), MV_OK);
	mv_result_free(&r);
	snp_trust_free(&trust);
	sk_X509_pop_free(v, X509_free);
	sk_X509_pop_free(c, X509_free);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_and_version),
		cmocka_unit_test(test_signature_little_endian),
		cmocka_unit_test(test_mbz_ranges),
		cmocka_unit_test(test_tcb_layouts),
		cmocka_unit_test(test_vcek_hwid_encodings),
		cmocka_unit_test(test_vcek_turin_and_vlek),
		cmocka_unit_test(test_samples_verify),
		cmocka_unit_test(test_wrong_chain_and_time),
		cmocka_unit_test(test_turin_chain),
		cmocka_unit_test(test_tamper_every_signed_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
