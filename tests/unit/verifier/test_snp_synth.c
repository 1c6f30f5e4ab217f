// SPDX-License-Identifier: MIT
/*
 * A synthetic AMD-style chain (ARK -> ASK -> VCEK, RSA-PSS SHA-384 salt 48)
 * with a Mantle-simulator root, and v5 Turin reports signed by that VCEK.
 * Covers what no real sample does: report v5, the Turin TCB layout with
 * fmcSPL, an 8-byte hwID, ucodeSPL >= 128, and the "simulated" flag.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "mv_util.h"
#include "snp_verify.h"

#define NOW 1748736000
static const uint8_t hwid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void add_ext_der(X509 *x, const char *oid, const uint8_t *der, int len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext;

	ASN1_OCTET_STRING_set(os, der, len);
	ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
}

static void add_int(X509 *x, const char *oid, long v)
{
	ASN1_INTEGER *ai = ASN1_INTEGER_new();
	unsigned char *der = NULL;
	int len;

	ASN1_INTEGER_set(ai, v);
	len = i2d_ASN1_INTEGER(ai, &der);
	add_ext_der(x, oid, der, len);
	OPENSSL_free(der);
	ASN1_INTEGER_free(ai);
}

static void sign_pss(X509 *x, EVP_PKEY *key)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;

	assert_int_equal(
		EVP_DigestSignInit(ctx, &pctx, EVP_sha384(), NULL, key), 1);
	EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
	EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48);
	EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384());
	assert_true(X509_sign_ctx(x, ctx) > 0);
	EVP_MD_CTX_free(ctx);
}

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *ikey, int ca)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *bc;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				   (const unsigned char *)"Mantle", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_NAME_free(name);
	X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, NULL);
	X509_time_adj_ex(X509_getm_notAfter(x), 3650, 0, NULL);
	ASN1_TIME_set(X509_getm_notBefore(x), NOW - 86400);
	ASN1_TIME_set(X509_getm_notAfter(x), NOW + 86400 * 365);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	if (ca) {
		bc = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
					 "critical,CA:TRUE");
		X509_add_ext(x, bc, -1);
		X509_EXTENSION_free(bc);
	}
	return x;
	(void)ikey;
}

struct chain {
	EVP_PKEY *ark_key, *ask_key, *vcek_key;
	X509 *ark, *ask, *vcek;
};

static struct chain ch;

static int setup(void **state)
{
	(void)state;
	ch.ark_key = EVP_RSA_gen(2048);
	ch.ask_key = EVP_RSA_gen(2048);
	ch.vcek_key = EVP_EC_gen("P-384");
	ch.ark = make_cert("ARK-Turin", ch.ark_key, NULL, NULL, 1);
	sign_pss(ch.ark, ch.ark_key);
	ch.ask = make_cert("SEV-Turin", ch.ask_key, ch.ark, ch.ark_key, 1);
	sign_pss(ch.ask, ch.ark_key);
	ch.vcek = make_cert("SEV-VCEK", ch.vcek_key, ch.ask, ch.ask_key, 0);
	add_int(ch.vcek, "1.3.6.1.4.1.3704.1.1", 1);
	add_ext_der(ch.vcek, "1.3.6.1.4.1.3704.1.2",
		    (const uint8_t *)"\x16\x05Turin", 7);
	add_int(ch.vcek, "1.3.6.1.4.1.3704.1.3.9", 3); /* fmc */
	add_int(ch.vcek, "1.3.6.1.4.1.3704.1.3.1", 4); /* bl */
	add_int(ch.vcek, "1.3.6.1.4.1.3704.1.3.2", 5); /* tee */
	add_int(ch.vcek, "1.3.6.1.4.1.3704.1.3.3", 6); /* snp */
	add_int(ch.vcek, "1.3.6.1.4.1.3704.1.3.8", 200); /* ucode >= 128 */
	add_ext_der(ch.vcek, "1.3.6.1.4.1.3704.1.4", hwid, 8);
	sign_pss(ch.vcek, ch.ask_key);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	X509_free(ch.ark);
	X509_free(ch.ask);
	X509_free(ch.vcek);
	EVP_PKEY_free(ch.ark_key);
	EVP_PKEY_free(ch.ask_key);
	EVP_PKEY_free(ch.vcek_key);
	return 0;
}

/* Signs bytes [0, 0x2A0) and stores R and S little-endian. */
static void sign_report(uint8_t *rep)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t der[128], be[48];
	size_t dlen = sizeof(der);
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig;
	int i;

	EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, ch.vcek_key);
	assert_int_equal(EVP_DigestSign(ctx, der, &dlen, rep, SNP_SIGNED_LEN),
			 1);
	sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	ECDSA_SIG_get0(sig, &r, &s);
	memset(rep + SNP_SIGNED_LEN, 0, SNP_REPORT_SIZE - SNP_SIGNED_LEN);
	BN_bn2binpad(r, be, 48);
	for (i = 0; i < 48; i++)
		rep[SNP_SIGNED_LEN + i] = be[47 - i];
	BN_bn2binpad(s, be, 48);
	for (i = 0; i < 48; i++)
		rep[SNP_SIGNED_LEN + 72 + i] = be[47 - i];
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
}

static void turin_report(uint8_t *rep, int version)
{
	/* Turin TCB: fmc, bl, tee, snp, 0, 0, 0, ucode. */
	static const uint8_t tcb[8] = { 3, 4, 5, 6, 0, 0, 0, 200 };

	memset(rep, 0, SNP_REPORT_SIZE);
	rep[0] = (uint8_t)version;
	rep[0x0A] = 0x02; /* POLICY bit 17 */
	rep[0x34] = 1; /* ECDSA P-384 SHA-384 */
	memcpy(rep + 0x38, tcb, 8);
	memcpy(rep + 0x180, tcb, 8);
	memcpy(rep + 0x1E0, tcb, 8);
	memcpy(rep + 0x1F0, tcb, 8);
	rep[0x188] = 0x1A; /* family: Turin */
	rep[0x189] = 0x02;
	memcpy(rep + 0x1A0, hwid, 8);
	if (version >= 5)
		rep[0x1F8] = rep[0x200] = 0x0f; /* mitigation vectors */
}

static int verify(const uint8_t *rep, struct mv_result *r)
{
	STACK_OF(X509) *v = sk_X509_new_null(), *c = sk_X509_new_null();
	struct snp_trust t;

	sk_X509_push(v, ch.vcek);
	sk_X509_push(c, ch.ask);
	sk_X509_push(c, ch.ark);
	mv_result_init(r, "t");
	if (snp_trust_load(&t, v, c, NOW, r) != MV_BADINPUT)
		snp_verify_report(&t, rep, SNP_REPORT_SIZE, r);
	snp_trust_free(&t);
	sk_X509_free(v);
	sk_X509_free(c);
	return r->status;
}

static int has_reason(const struct mv_result *r, const char *part)
{
	json_t *v;
	size_t i;

	json_array_foreach(r->reasons, i,
			   v) if (strstr(json_string_value(v), part)) return 1;
	return 0;
}

static void test_turin_v5_verifies(void **state)
{
	uint8_t rep[SNP_REPORT_SIZE];
	struct mv_result r;
	json_t *tcb;

	(void)state;
	turin_report(rep, 5);
	sign_report(rep);
	assert_int_equal(verify(rep, &r), MV_OK);
	assert_true(json_is_true(json_object_get(r.root, "simulated")));
	tcb = json_object_get(json_object_get(r.root, "report"),
			      "reported_tcb");
	assert_int_equal(json_integer_value(json_object_get(tcb, "fmc")), 3);
	assert_int_equal(json_integer_value(json_object_get(tcb, "snp")), 6);
	assert_int_equal(json_integer_value(json_object_get(tcb, "microcode")),
			 200);
	assert_non_null(json_object_get(json_object_get(r.root, "report"),
					"current_mit_vector"));
	mv_result_free(&r);
}

static void test_turin_checks(void **state)
{
	uint8_t rep[SNP_REPORT_SIZE];
	struct mv_result r;

	(void)state;
	/* v3 must have zero mitigation vectors. */
	turin_report(rep, 3);
	rep[0x1F8] = 1;
	sign_report(rep);
	assert_int_equal(verify(rep, &r), MV_FAIL);
	assert_true(has_reason(&r, "reserved field mitigation vectors"));
	mv_result_free(&r);
	/* Milan layout would read SNP from byte 6: TCB mismatch. */
	turin_report(rep, 5);
	rep[0x188] = 0x19;
	rep[0x189] = 0x01;
	sign_report(rep);
	assert_int_equal(verify(rep, &r), MV_FAIL);
	assert_true(has_reason(&r, "report CPUID says Milan"));
	mv_result_free(&r);
	/* A different fmc SPL. */
	turin_report(rep, 5);
	rep[0x180] = 2;
	sign_report(rep);
	assert_int_equal(verify(rep, &r), MV_FAIL);
	assert_true(has_reason(&r, "REPORTED_TCB fmc"));
	mv_result_free(&r);
	/* CHIP_ID bytes past the 8-byte Turin hwID must be zero. */
	turin_report(rep, 5);
	rep[0x1A8] = 1;
	sign_report(rep);
	assert_int_equal(verify(rep, &r), MV_FAIL);
	assert_true(has_reason(&r, "CHIP_ID does not match"));
	mv_result_free(&r);
	/* Unsigned report (SIGNING_KEY 7). */
	turin_report(rep, 5);
	rep[0x48] = 7 << 2;
	sign_report(rep);
	assert_int_equal(verify(rep, &r), MV_FAIL);
	assert_true(has_reason(&r, "not signed (SIGNING_KEY 7)"));
	mv_result_free(&r);
}

/* A VCEK signed with PKCS#1 v1.5 instead of RSA-PSS is not accepted. */
static void test_chain_needs_pss(void **state)
{
	uint8_t rep[SNP_REPORT_SIZE];
	struct mv_result r;
	X509 *pss = ch.vcek;

	(void)state;
	ch.vcek = X509_dup(pss);
	assert_true(X509_sign(ch.vcek, ch.ask_key, EVP_sha384()) > 0);
	turin_report(rep, 5);
	sign_report(rep);
	assert_int_equal(verify(rep, &r), MV_FAIL);
	assert_true(has_reason(&r, "not signed with RSA-PSS"));
	mv_result_free(&r);
	X509_free(ch.vcek);
	ch.vcek = pss;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turin_v5_verifies),
		cmocka_unit_test(test_turin_checks),
		cmocka_unit_test(test_chain_needs_pss),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
