// SPDX-License-Identifier: MIT
/* TPMS_ATTEST parsing and TPM quote verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "mv_util.h"
#include "testdata.h"
#include "tpm_attest.h"
#include "tpm_verify.h"

#define DIR "azure-cvm-tooling/"

/* A quote over PCRs 0-23 of SHA-256 with extraData "abc". */
static size_t build_attest(uint8_t *b, const uint8_t digest[32])
{
	static const uint8_t
		head[] = {
			0xff, 0x54, 0x43, 0x47, 0x80, 0x18, /* magic, type */
			0x00, 0x02, 0x00, 0x0b, /* signer (nameAlg) */
			0x00, 0x03, 'a',  'b',	'c', /* extraData */
			0,    0,    0,	  0,	0,    0,    0, 1,    0,
			0,    0,    2,	  0,	0,    0,    3, 1, /* clock */
			0,    0,    0,	  0,	0,    0,    0, 9, /* firmware */
			0,    0,    0,	  1,	0x00, 0x0b, 3, 0xff, 0xff,
			0xff, /* selection */
			0x00, 0x20 /* digest size */
		};

	memcpy(b, head, sizeof(head));
	memcpy(b + sizeof(head), digest, 32);
	return sizeof(head) + 32;
}

static void test_parse_synthetic(void **state)
{
	uint8_t b[128], d[32] = { 1 };
	struct tpm_attest a;
	char err[128];
	size_t n = build_attest(b, d);

	(void)state;
	assert_int_equal(tpm_attest_parse(b, n, &a, err, sizeof(err)), 0);
	assert_int_equal(a.extra_len, 3);
	assert_memory_equal(a.extra, "abc", 3);
	assert_int_equal(a.clock, 1);
	assert_int_equal(a.reset_count, 2);
	assert_int_equal(a.restart_count, 3);
	assert_int_equal(a.nbanks, 1);
	assert_int_equal(a.banks[0].hash_alg, TPM_ALG_SHA256);
	assert_int_equal(a.banks[0].mask, 0xffffff);
	assert_int_equal(a.digest_len, 32);
	/* Every truncation is "not a TPMS_ATTEST"; so are trailing bytes. */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(tpm_attest_parse(b, i, &a, err, sizeof(err)),
				 MV_BADINPUT);
	assert_int_equal(tpm_attest_parse(b, n + 1, &a, err, sizeof(err)),
			 MV_BADINPUT);
	b[0] = 0;
	assert_int_equal(tpm_attest_parse(b, n, &a, err, sizeof(err)), MV_FAIL);
	b[0] = 0xff;
	b[5] = 0x17; /* certify, not quote */
	assert_int_equal(tpm_attest_parse(b, n, &a, err, sizeof(err)), MV_FAIL);
}

static void test_signature_formats(void **state)
{
	const uint8_t rsassa[] = { 0x00, 0x14, 0x00, 0x0b, 0x00, 0x02, 1, 2 };
	const uint8_t ecdsa[] = { 0x00, 0x18, 0x00, 0x0b, 0x00,
				  0x01, 1,    0x00, 0x01, 2 };
	const uint8_t bad[] = { 0x00, 0x14, 0x00, 0x0b, 0x00, 0x05, 1 };
	struct tpm_signature s;

	(void)state;
	assert_int_equal(tpm_signature_parse(rsassa, sizeof(rsassa), &s), 0);
	assert_int_equal(s.sig_len, 2);
	assert_int_equal(tpm_signature_parse(ecdsa, sizeof(ecdsa), &s), 0);
	assert_int_equal(s.sig_len, 1);
	assert_int_equal(s.s_len, 1);
	assert_int_equal(tpm_signature_parse(bad, sizeof(bad), &s), -1);
}

static EVP_PKEY *load_ak(const char *rel)
{
	FILE *f = fopen(mvt_path(rel), "r");
	EVP_PKEY *k;

	assert_non_null(f);
	k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(k);
	return k;
}

static void test_sample_quote(void **state)
{
	uint8_t *att, *sig, *pcrs, tpmt[6 + 256];
	size_t alen, slen, plen, i;
	EVP_PKEY *ak = load_ak(DIR "akpub.pem");
	struct mv_result r;

	(void)state;
	mvt_load(DIR "tpm_quote_attest.bin", &att, &alen);
	mvt_load(DIR "tpm_quote_sig_rsassa_sha256.bin", &sig, &slen);
	mvt_load(DIR "tpm_quote_pcrs_sha256_0-23.bin", &pcrs, &plen);
	assert_int_equal(plen, TPM_PCR_BANK_SIZE);
	mv_result_init(&r, "t");
	assert_int_equal(tpm_quote_verify(att, alen, sig, slen, ak, pcrs,
					  (const uint8_t *)"challenge", 9, &r),
			 MV_OK);
	mv_result_free(&r);
	/* The same signature wrapped as a TPMT_SIGNATURE (RSASSA, SHA-256). */
	memcpy(tpmt, "\x00\x14\x00\x0b\x01\x00", 6);
	memcpy(tpmt + 6, sig, 256);
	mv_result_init(&r, "t");
	assert_int_equal(tpm_quote_verify(att, alen, tpmt, sizeof(tpmt), ak,
					  pcrs, NULL, 0, &r),
			 MV_OK);
	mv_result_free(&r);
	/* Wrong nonce. */
	mv_result_init(&r, "t");
	assert_int_equal(tpm_quote_verify(att, alen, sig, slen, ak, pcrs,
					  (const uint8_t *)"challengf", 9, &r),
			 MV_FAIL);
	mv_result_free(&r);
	/* A changed PCR value no longer matches the digest. */
	pcrs[5 * 32] ^= 1;
	mv_result_init(&r, "t");
	assert_int_equal(
		tpm_quote_verify(att, alen, sig, slen, ak, pcrs, NULL, 0, &r),
		MV_FAIL);
	mv_result_free(&r);
	pcrs[5 * 32] ^= 1;
	/* Every single-byte change of the signed TPMS_ATTEST is rejected. */
	for (i = 0; i < alen; i++) {
		att[i] ^= 0x80;
		mv_result_init(&r, "t");
		if (tpm_quote_verify(att, alen, sig, slen, ak, pcrs, NULL, 0,
				     &r) == MV_OK)
			fail_msg("attest byte %zu changed but verified", i);
		mv_result_free(&r);
		att[i] ^= 0x80;
	}
	EVP_PKEY_free(ak);
	free(att);
	free(sig);
	free(pcrs);
}

static void test_ecdsa_tpmt(void **state)
{
	uint8_t att[128], d[32] = { 0 }, der[80], tpmt[4 + 2 + 32 + 2 + 32];
	EVP_PKEY *key = EVP_EC_gen("P-256");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const unsigned char *p = der;
	size_t n = build_attest(att, d), dlen = sizeof(der);
	ECDSA_SIG *es;
	const BIGNUM *br, *bs;
	struct mv_result r;

	(void)state;
	assert_non_null(key);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key),
			 1);
	assert_int_equal(EVP_DigestSign(ctx, der, &dlen, att, n), 1);
	es = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	ECDSA_SIG_get0(es, &br, &bs);
	memcpy(tpmt, "\x00\x18\x00\x0b\x00\x20", 6);
	BN_bn2binpad(br, tpmt + 6, 32);
	memcpy(tpmt + 38, "\x00\x20", 2);
	BN_bn2binpad(bs, tpmt + 40, 32);
	mv_result_init(&r, "t");
	assert_int_equal(tpm_quote_verify(att, n, tpmt, sizeof(tpmt), key, NULL,
					  (const uint8_t *)"abc", 3, &r),
			 MV_OK);
	mv_result_free(&r);
	tpmt[10] ^= 1;
	mv_result_init(&r, "t");
	assert_int_equal(tpm_quote_verify(att, n, tpmt, sizeof(tpmt), key, NULL,
					  NULL, 0, &r),
			 MV_FAIL);
	mv_result_free(&r);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_synthetic),
		cmocka_unit_test(test_signature_formats),
		cmocka_unit_test(test_ecdsa_tpmt),
		cmocka_unit_test(test_sample_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
