// SPDX-License-Identifier: MIT
/* JOSE helpers, policy parsing and evidence appraisal into EAR claims. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "eventlog.h"
#include "evidence.h"
#include "hcl_report.h"
#include "mv_jose.h"
#include "mv_sig.h"
#include "mv_util.h"
#include "mv_x509.h"
#include "policy.h"
#include "testdata.h"
#include "tpm_attest.h"

static void test_b64url(void **state)
{
	static const char *const vec[][2] = {
		{ "", "" },	   { "f", "Zg" },	 { "fo", "Zm8" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg" }, { "\xfb\xff", "-_8" }
	};
	uint8_t out[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		char *s = mv_b64url((const uint8_t *)vec[i][0],
				    strlen(vec[i][0]));

		assert_string_equal(s, vec[i][1]);
		free(s);
		assert_int_equal(mv_unb64url(vec[i][1], out, sizeof(out)),
				 (long)strlen(vec[i][0]));
		assert_memory_equal(out, vec[i][0], strlen(vec[i][0]));
	}
	assert_int_equal(mv_unb64url("Zm9v!", out, sizeof(out)), -1);
	assert_int_equal(mv_unb64url("Zm9vYmFy", out, 2), -1);
}

static void test_jwt_es384(void **state)
{
	EVP_PKEY *key = EVP_EC_gen("P-384"), *pub;
	json_t *claims = json_pack("{s:s}", "eat_profile", "x"), *jwk;
	char *jwt, *dot1, *dot2;
	uint8_t sig[128];

	(void)state;
	jwt = mv_jwt_es384(claims, key);
	assert_non_null(jwt);
	dot1 = strchr(jwt, '.');
	dot2 = strrchr(jwt, '.');
	assert_true(dot1 && dot2 > dot1);
	assert_int_equal(mv_unb64url(dot2 + 1, sig, sizeof(sig)), 96);
	jwk = mv_pkey_to_jwk(key);
	assert_string_equal(json_string_value(json_object_get(jwk, "crv")),
			    "P-384");
	pub = mv_jwk_to_pkey(jwk);
	assert_non_null(pub);
	assert_true(mv_ecdsa_verify_rs(pub, EVP_sha384(), (uint8_t *)jwt,
				       (size_t)(dot2 - jwt), sig, sig + 48,
				       48));
	sig[0] ^= 1;
	assert_false(mv_ecdsa_verify_rs(pub, EVP_sha384(), (uint8_t *)jwt,
					(size_t)(dot2 - jwt), sig, sig + 48,
					48));
	/* Not a P-384 key: no JWK. */
	EVP_PKEY_free(pub);
	pub = EVP_EC_gen("P-256");
	assert_null(mv_pkey_to_jwk(pub));
	EVP_PKEY_free(pub);
	EVP_PKEY_free(key);
	json_decref(jwk);
	json_decref(claims);
	free(jwt);
}

static int load_policy(const char *text, struct mv_policy *p)
{
	char err[160];

	return mv_policy_load((const uint8_t *)text, strlen(text), p, err,
			      sizeof(err));
}

static void test_policy(void **state)
{
	STACK_OF(X509) *sk = NULL;
	struct mv_policy p;

	(void)state;
	assert_int_equal(load_policy("[]", &p), -1);
	assert_int_equal(load_policy("{\"mantle_policy_version\":2,"
				     "\"trusted_roots\":[\"x\"]}",
				     &p),
			 -1);
	assert_int_equal(load_policy("{\"mantle_policy_version\":1,"
				     "\"trusted_roots\":[]}",
				     &p),
			 -1);
	assert_int_equal(load_policy("{\"mantle_policy_version\":1,"
				     "\"trusted_roots\":[\"x\"],\"tyop\":1}",
				     &p),
			 -1);
	assert_int_equal(load_policy("{\"mantle_policy_version\":1,"
				     "\"trusted_roots\":[\"x\"],"
				     "\"reference_measurements\":[\"00\"]}",
				     &p),
			 -1);
	assert_int_equal(load_policy("{\"mantle_policy_version\":1,"
				     "\"trusted_roots\":[\"AMD ARK-Genoa\","
				     "\"69D063B45344D26A2E94E1F4210DE49EF5553"
				     "08287D4C174445C95639A540BCD\"],"
				     "\"allow_debug\":true}",
				     &p),
			 0);
	assert_true(p.allow_debug);
	assert_true(
		mv_certs_load_file(mvt_path("go-sev-guest/ask_ark_genoa.pem"),
				   &sk) == 2);
	assert_true(mv_policy_root_trusted(&p, sk_X509_value(sk, 1)));
	assert_false(mv_policy_root_trusted(&p, sk_X509_value(sk, 0)));
	sk_X509_pop_free(sk, X509_free);
	assert_true(
		mv_certs_load_file(mvt_path("go-sev-guest/ask_ark_milan.pem"),
				   &sk) == 2);
	assert_true(mv_policy_root_trusted(&p, sk_X509_value(sk, 1)));
	sk_X509_pop_free(sk, X509_free);
	mv_policy_free(&p);
}

static void test_hcl_akpub_jwk(void **state)
{
	struct hcl_report h;
	struct mv_result r;
	uint8_t *b;
	size_t n;
	char err[128];
	json_t *claims;
	EVP_PKEY *k;

	(void)state;
	mvt_load("trustee/az-snp-vtpm/hcl-report.bin", &b, &n);
	assert_int_equal(hcl_report_parse(b, n, &h, err, sizeof(err)), 0);
	mv_result_init(&r, "t");
	claims = hcl_claims(&h, &r);
	k = mv_jwk_to_pkey(hcl_claims_key(claims, "HCLAkPub"));
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_bits(k), 2048);
	EVP_PKEY_free(k);
	json_decref(claims);
	mv_result_free(&r);
	free(b);
}

static char *hex_of(const char *rel)
{
	uint8_t *b;
	size_t n;
	char *s;

	mvt_load(rel, &b, &n);
	s = mv_hex(b, n);
	free(b);
	return s;
}

static char *text_of(const char *rel)
{
	uint8_t *b;
	size_t n;

	mvt_load(rel, &b, &n);
	return (char *)b;
}

static enum mv_tier appraise_as(json_t *ev, const char *policy,
				const char *submod, int *rc)
{
	struct mv_policy p;
	struct mv_result r;
	enum mv_tier tier = TIER_NONE;
	json_t *ear = NULL;
	char *s = json_dumps(ev, 0);

	assert_int_equal(load_policy(policy, &p), 0);
	mv_result_init(&r, "t");
	*rc = mv_evidence_appraise((uint8_t *)s, strlen(s), &p, 1748736000, &r,
				   &ear, &tier);
	if (*rc == MV_OK) {
		json_t *sub = json_object_get(json_object_get(ear, "submods"),
					      submod);

		assert_non_null(sub);
		assert_non_null(json_object_get(sub, "ear.status"));
		assert_non_null(
			json_object_get(sub, "ear.trustworthiness-vector"));
		assert_string_equal(
			json_string_value(json_object_get(ear, "eat_profile")),
			MV_EAR_PROFILE);
	}
	json_decref(ear);
	mv_result_free(&r);
	mv_policy_free(&p);
	free(s);
	return tier;
}

static enum mv_tier appraise(json_t *ev, const char *policy, int *rc)
{
	return appraise_as(ev, policy, "sev-snp-hcl", rc);
}

/* A DER certificate sample as PEM text. */
static char *der_pem(const char *rel)
{
	STACK_OF(X509) *sk = NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	assert_true(mv_certs_load_file(mvt_path(rel), &sk) == 1);
	PEM_write_bio_X509(bio, sk_X509_value(sk, 0));
	n = BIO_get_mem_data(bio, &p);
	out = strndup(p, (size_t)n);
	BIO_free(bio);
	sk_X509_pop_free(sk, X509_free);
	return out;
}

static void test_evidence_azure_snp(void **state)
{
	const char *pol = "{\"mantle_policy_version\":1,\"trusted_roots\":"
			  "[\"AMD ARK-Milan\"],\"allowed_vmpls\":[0]}";
	char *rep = hex_of("trustee/az-snp-vtpm/hcl-report.bin");
	char *att = hex_of("trustee/az-snp-vtpm/tpm-quote-attest.bin");
	char *sig = hex_of("trustee/az-snp-vtpm/tpm-quote-sig.bin");
	char *pcrs = hex_of("trustee/az-snp-vtpm/tpm-pcrs-sha256.bin");
	char *vcek = text_of("trustee/az-snp-vtpm/vcek.pem");
	json_t *ev;
	int rc;

	(void)state;
	ev = json_pack("{s:i, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s, s:s}}",
		       "mantle_evidence_version", 1, "nonce",
		       "6368616c6c656e6765", "hcl", "report", rep, "snp",
		       "vcek", vcek, "tpm", "attest", att, "signature", sig,
		       "pcrs", pcrs);
	assert_non_null(ev);
	/* Provisional firmware in this report: a warning. */
	assert_int_equal(appraise(ev, pol, &rc), TIER_WARNING);
	assert_int_equal(rc, MV_OK);
	/* Wrong nonce: contraindicated. */
	json_object_set_new(ev, "nonce", json_string("00"));
	assert_int_equal(appraise(ev, pol, &rc), TIER_CONTRA);
	/* Untrusted root: contraindicated. */
	json_object_set_new(ev, "nonce", json_string("6368616c6c656e6765"));
	assert_int_equal(appraise(ev,
				  "{\"mantle_policy_version\":1,"
				  "\"trusted_roots\":[\"AMD ARK-Turin\"]}",
				  &rc),
			 TIER_CONTRA);
	/* Missing VCEK: unusable bundle. */
	json_object_del(ev, "snp");
	appraise(ev, pol, &rc);
	assert_int_equal(rc, MV_BADINPUT);
	json_decref(ev);
	free(rep);
	free(att);
	free(sig);
	free(pcrs);
	free(vcek);
}

/* A TPM2 quote (extraData 0xabcd, SHA-256 PCR 0-23) signed by ak. */
static void sign_quote(EVP_PKEY *ak, const uint8_t *pcrs, char **atthex,
		       char **sighex)
{
	uint8_t att[128], dig[32], sig[128];
	size_t n = 0, slen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int dlen;

	EVP_Digest(pcrs, 24 * 32, dig, &dlen, EVP_sha256(), NULL);
	memcpy(att, "\xff\x54\x43\x47\x80\x18\x00\x00\x00\x02\xab\xcd", 12);
	n = 12;
	memset(att + n, 0, 17 + 8); /* clock info, firmware */
	n += 25;
	memcpy(att + n, "\x00\x00\x00\x01\x00\x0b\x03\xff\xff\xff\x00\x20", 12);
	n += 12;
	memcpy(att + n, dig, 32);
	n += 32;
	EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, ak);
	assert_int_equal(EVP_DigestSign(ctx, sig, &slen, att, n), 1);
	EVP_MD_CTX_free(ctx);
	*atthex = mv_hex(att, n);
	*sighex = mv_hex(sig, slen);
}

/*
 * SNP report + a quote signed by a PEM AK over the PCRs that the real
 * glinux-alex event log replays to, + that log: the TPM and event-log path.
 */
static void test_evidence_eventlog(void **state)
{
	const char *pol = "{\"mantle_policy_version\":1,\"trusted_roots\":"
			  "[\"AMD ARK-Milan\"],\"allow_debug\":true}";
	uint8_t *logb, pcrs[24 * 32] = { 0 };
	size_t loglen;
	struct evlog *ev = calloc(1, sizeof(*ev));
	EVP_PKEY *ak = EVP_EC_gen("P-256");
	char err[128], *akpem, *loghex, *atthex, *sighex, *pcrhex, *rep, *vcek;
	BIO *bio = BIO_new(BIO_s_mem());
	json_t *bundle;
	long pemlen;
	int rc, i;

	(void)state;
	mvt_load("go-tpm-tools/glinux-alex.bin", &logb, &loglen);
	assert_int_equal(evlog_replay(logb, loglen, ev, err, sizeof(err)), 0);
	for (i = 0; i < 24; i++)
		memcpy(pcrs + 32 * i, evlog_bank(ev, TPM_ALG_SHA256)->pcr[i],
		       32);
	sign_quote(ak, pcrs, &atthex, &sighex);
	PEM_write_bio_PUBKEY(bio, ak);
	pemlen = BIO_get_mem_data(bio, &akpem);
	akpem = strndup(akpem, (size_t)pemlen);
	loghex = mv_hex(logb, loglen);
	pcrhex = mv_hex(pcrs, sizeof(pcrs));
	rep = hex_of("go-sev-guest/attestation.bin");
	vcek = text_of("go-sev-guest/ask_ark_milan.pem");
	bundle = json_pack("{s:i, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}, "
			   "s:s}",
			   "mantle_evidence_version", 1, "nonce", "abcd", "snp",
			   "report", rep, "ca", vcek, "tpm", "attest", atthex,
			   "signature", sighex, "pcrs", pcrhex, "ak", akpem,
			   "eventlog", loghex);
	assert_non_null(bundle);
	/* The VCEK is not in the bundle yet: unusable. */
	appraise_as(bundle, pol, "sev-snp", &rc);
	assert_int_equal(rc, MV_BADINPUT);
	free(vcek);
	vcek = der_pem("go-sev-guest/vcek_milan.der");
	json_object_set_new(json_object_get(bundle, "snp"), "vcek",
			    json_string(vcek));
	/* AK not bound to hardware and debug allowed: a warning. */
	assert_int_equal(appraise_as(bundle, pol, "sev-snp", &rc),
			 TIER_WARNING);
	assert_int_equal(rc, MV_OK);
	/* A validly quoted PCR value that the log does not replay to. */
	pcrs[32 * 4] ^= 1;
	free(pcrhex);
	free(atthex);
	free(sighex);
	pcrhex = mv_hex(pcrs, sizeof(pcrs));
	sign_quote(ak, pcrs, &atthex, &sighex);
	json_object_set_new(json_object_get(bundle, "tpm"), "pcrs",
			    json_string(pcrhex));
	json_object_set_new(json_object_get(bundle, "tpm"), "attest",
			    json_string(atthex));
	json_object_set_new(json_object_get(bundle, "tpm"), "signature",
			    json_string(sighex));
	assert_int_equal(appraise_as(bundle, pol, "sev-snp", &rc), TIER_CONTRA);
	json_decref(bundle);
	free(ev);
	free(logb);
	free(akpem);
	free(loghex);
	free(atthex);
	free(sighex);
	free(pcrhex);
	free(rep);
	free(vcek);
	BIO_free(bio);
	EVP_PKEY_free(ak);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_jwt_es384),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_hcl_akpub_jwk),
		cmocka_unit_test(test_evidence_azure_snp),
		cmocka_unit_test(test_evidence_eventlog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
