// SPDX-License-Identifier: MIT
/* TDX quote parsing and verification (v4, v5), with collateral. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mv_util.h"
#include "mv_x509.h"
#include "tdx_verify.h"
#include "testdata.h"

#define G "go-tdx-guest/"
#define T_2023 1688169600 /* 2023-07-01T00:00:00Z */
#define T_2026 1770076800 /* 2026-02-03T00:00:00Z */

static X509 *root(void)
{
	STACK_OF(X509) *sk = NULL;
	X509 *x;

	assert_int_equal(
		mv_certs_load_file(mvt_path(G "intel_sgx_root_ca.pem"), &sk),
		1);
	x = X509_dup(sk_X509_value(sk, 0));
	sk_X509_pop_free(sk, X509_free);
	return x;
}

static int verify(const uint8_t *b, size_t n, X509 *rt, const char *coll,
		  int64_t t)
{
	struct mv_result r;
	int rc;

	mv_result_init(&r, "t");
	rc = tdx_verify_quote(&r, b, n, rt, coll, t);
	mv_result_free(&r);
	return rc;
}

static void test_parse_v4_v5(void **state)
{
	static const char mrtd[] = "6363b8043668a3ad953278e10389574d326c6749fb"
				   "78aa810ecd9336923db86f22fc00b8dcd404bc10d5"
				   "e119d7215cbb";
	struct tdx_quote q;
	uint8_t *b, want[48];
	size_t n;
	char err[128];

	(void)state;
	mvt_load(G "tdx_prod_quote_SPR_E4.dat", &b, &n);
	assert_int_equal(tdx_quote_parse(b, n, &q, err, sizeof(err)), MV_OK);
	assert_int_equal(q.version, 4);
	assert_int_equal(q.signed_len, 632);
	assert_int_equal(q.trailing, 39);
	assert_int_equal(q.qe_auth_len, 32);
	mv_unhex(mrtd, want, 48);
	assert_memory_equal(q.body + TDB_MRTD, want, 48);
	/* Truncations are bad input; other versions are unsupported. */
	assert_int_equal(tdx_quote_parse(b, 40, &q, err, sizeof(err)),
			 MV_BADINPUT);
	assert_int_equal(tdx_quote_parse(b, 700, &q, err, sizeof(err)),
			 MV_BADINPUT);
	b[0] = 3;
	assert_int_equal(tdx_quote_parse(b, n, &q, err, sizeof(err)), MV_FAIL);
	b[0] = 4;
	b[4] = 0; /* SGX, not TDX */
	assert_int_equal(tdx_quote_parse(b, n, &q, err, sizeof(err)),
			 MV_BADINPUT);
	free(b);
	mvt_load(G "quote_v5_sample.dat", &b, &n);
	assert_int_equal(tdx_quote_parse(b, n, &q, err, sizeof(err)), MV_OK);
	assert_int_equal(q.version, 5);
	assert_int_equal(q.body_type, 3);
	assert_int_equal(q.body_size, TDX_BODY15_SIZE);
	assert_int_equal(q.signed_len, 702);
	b[48] = 7; /* unknown body type */
	assert_int_equal(tdx_quote_parse(b, n, &q, err, sizeof(err)), MV_FAIL);
	free(b);
}

static void test_samples_verify(void **state)
{
	static const char *const quotes[] = {
		G "tdx_prod_quote_SPR_E4.dat",
		G "ccel/cos-113-tdx-quote.dat",
		"azure-cvm-attestation-tools/td_quote_v4.dat",
		"azure-cvm-attestation-tools/td_quote_v5.dat",
		"trustee/az-tdx-vtpm/td-quote.bin",
		G "quote_v5_sample.dat"
	};
	X509 *rt = root();
	uint8_t *b;
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
		mvt_load(quotes[i], &b, &n);
		assert_int_equal(verify(b, n, rt, NULL, T_2026), MV_OK);
		free(b);
	}
	/* The v5 sample's PCK leaf is valid only from 2026-01-27. */
	mvt_load(G "quote_v5_sample.dat", &b, &n);
	assert_int_equal(verify(b, n, rt, NULL, T_2023), MV_FAIL);
	free(b);
	X509_free(rt);
}

static void test_tamper(void **state)
{
	X509 *rt = root();
	struct tdx_quote q;
	uint8_t *b;
	size_t n, i;
	char err[128];

	(void)state;
	mvt_load(G "tdx_prod_quote_SPR_E4.dat", &b, &n);
	assert_int_equal(tdx_quote_parse(b, n, &q, err, sizeof(err)), 0);
	/* Every byte of header+body, and of the QE report. */
	for (i = 0; i < q.signed_len; i++) {
		b[i] ^= 0x04;
		if (verify(b, n, rt, NULL, T_2026) == MV_OK)
			fail_msg("quote byte %zu changed but verified", i);
		b[i] ^= 0x04;
	}
	for (i = 0; i < SGX_REPORT_SIZE; i += 7) {
		size_t off = (size_t)(q.qe_report - b) + i;

		b[off] ^= 0x04;
		if (verify(b, n, rt, NULL, T_2026) == MV_OK)
			fail_msg("QE report byte %zu changed but verified", i);
		b[off] ^= 0x04;
	}
	assert_int_equal(verify(b, n, rt, NULL, T_2026), MV_OK);
	free(b);
	X509_free(rt);
}

static void test_wrong_root(void **state)
{
	STACK_OF(X509) *sk = NULL;
	uint8_t *b;
	size_t n;

	(void)state;
	mvt_load(G "tdx_prod_quote_SPR_E4.dat", &b, &n);
	assert_true(
		mv_certs_load_file(mvt_path("go-sev-guest/ask_ark_milan.pem"),
				   &sk) >= 1);
	assert_int_equal(verify(b, n, sk_X509_value(sk, 1), NULL, T_2026),
			 MV_FAIL);
	sk_X509_pop_free(sk, X509_free);
	free(b);
}

/* Builds a collateral directory from the samples, optionally tampering. */
static void make_collateral(char *dir, int tamper_tcb)
{
	static const char *const files[][2] = {
		{ "tcb_info.json", G "sample_tcbInfo_response" },
		{ "tcb_info_issuer_chain.pem", G "tcb_info_issuer_chain.pem" },
		{ "qe_identity.json", G "sample_qeIdentity_response" },
		{ "qe_identity_issuer_chain.pem",
		  G "qe_identity_issuer_chain.pem" },
		{ "pckcrl", G "pckcrl" },
		{ "pck_crl_issuer_chain.pem", G "pck_crl_issuer_chain.pem" },
		{ "rootcrl.der", G "rootcrl.der" },
	};
	char path[512];
	uint8_t *b;
	size_t n, i;
	FILE *f;

	strcpy(dir, "/tmp/mv-tdx-coll-XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *p = mvt_path(files[i][1]);

		assert_int_equal(mv_read_file(p, &b, &n), 0);
		if (tamper_tcb && i == 0) {
			char *s = strstr((char *)b, "\"pcesvn\":11");

			assert_non_null(s);
			s[10] = '2';
		}
		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(b, 1, n, f), n);
		fclose(f);
		free(b);
	}
}

static void remove_collateral(const char *dir)
{
	static const char *const names[] = {
		"tcb_info.json",    "tcb_info_issuer_chain.pem",
		"qe_identity.json", "qe_identity_issuer_chain.pem",
		"pckcrl",	    "pck_crl_issuer_chain.pem",
		"rootcrl.der"
	};
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void test_collateral(void **state)
{
	X509 *rt = root();
	char dir[64];
	uint8_t *b;
	size_t n;

	(void)state;
	mvt_load(G "tdx_prod_quote_SPR_E4.dat", &b, &n);
	make_collateral(dir, 0);
	assert_int_equal(verify(b, n, rt, dir, T_2023), MV_OK);
	/* The CRLs and the TCB signing certificate are stale by 2026. */
	assert_int_equal(verify(b, n, rt, dir, T_2026), MV_FAIL);
	remove_collateral(dir);
	make_collateral(dir, 1);
	assert_int_equal(verify(b, n, rt, dir, T_2023), MV_FAIL);
	remove_collateral(dir);
	free(b);
	X509_free(rt);
}

/*
 * TCB info v3 with tdxModuleIdentities (its signing certificate in the
 * samples expired before it was issued, so only the appraisal logic is
 * tested): quote_v5_sample runs module TDX_01 at minor SVN 0x0b >= 6.
 */
static void test_module_identities(void **state)
{
	STACK_OF(X509) *pck = NULL;
	struct tdx_pck_ext ext;
	struct tdx_quote q;
	struct mv_result r;
	json_t *doc, *info;
	uint8_t *b;
	size_t n;
	char err[128];

	(void)state;
	mvt_load(G "quote_v5_sample.dat", &b, &n);
	assert_int_equal(tdx_quote_parse(b, n, &q, err, sizeof(err)), 0);
	assert_true(mv_certs_load(q.pck_chain, q.pck_chain_len, &pck) > 0);
	assert_int_equal(tdx_pck_ext_parse(sk_X509_value(pck, 0), &ext), 0);
	doc = json_load_file(mvt_path(G "sample_tcbinfo_response_v5"), 0, NULL);
	info = json_object_get(doc, "tcbInfo");
	assert_non_null(info);
	mv_result_init(&r, "t");
	tdx_check_tcb_info(&r, info, &q, &ext);
	assert_int_equal(r.status, MV_OK);
	assert_string_equal(json_string_value(json_object_get(
				    r.root, "tdx_module_tcb_status")),
			    "UpToDate");
	mv_result_free(&r);
	/* An older minor SVN falls to an OutOfDate level: a warning. */
	b[(size_t)(q.body - b) + TDB_TEE_TCB_SVN] = 4;
	mv_result_init(&r, "t");
	tdx_check_tcb_info(&r, info, &q, &ext);
	assert_int_equal(r.status, MV_OK);
	assert_string_equal(json_string_value(json_object_get(
				    r.root, "tdx_module_tcb_status")),
			    "OutOfDate");
	mv_result_free(&r);
	/* A major version with no identity fails. */
	b[(size_t)(q.body - b) + TDB_TEE_TCB_SVN + 1] = 7;
	mv_result_init(&r, "t");
	tdx_check_tcb_info(&r, info, &q, &ext);
	assert_int_equal(r.status, MV_FAIL);
	mv_result_free(&r);
	/* Another platform's TCB info. */
	json_object_set_new(info, "fmspc", json_string("50806f000000"));
	mv_result_init(&r, "t");
	tdx_check_tcb_info(&r, info, &q, &ext);
	assert_int_equal(r.status, MV_FAIL);
	mv_result_free(&r);
	json_decref(doc);
	sk_X509_pop_free(pck, X509_free);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4_v5),
		cmocka_unit_test(test_samples_verify),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_collateral),
		cmocka_unit_test(test_module_identities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
