// SPDX-License-Identifier: MIT
/*
 * The simulated chip's AMD-shaped certificates (SPEC.md §5): ARK
 * (self-signed) -> ASK (CA, pathlen 0) -> VCEK, every signature RSA-PSS
 * SHA-384 with MGF1-SHA-384 and salt 48, the VCEK carrying AMD's
 * extensions (1.3.6.1.4.1.3704.1.*). Every subject says O=Mantle, which
 * verifiers treat as simulated.
 */
#include "sp.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "sp_platform.h"

#define SP_CERT_YEARS 25
#define AMD_ARC "1.3.6.1.4.1.3704.1."

static const struct {
	const char *cn;
	const char *basic; /* basicConstraints, NULL for none */
	const char *usage; /* keyUsage */
} kinds[] = {
	[SP_CERT_ARK] = { "ARK-Mantle-Simulated", "critical,CA:TRUE",
			  "critical,keyCertSign,cRLSign" },
	[SP_CERT_ASK] = { "ASK-Mantle-Simulated", "critical,CA:TRUE,pathlen:0",
			  "critical,keyCertSign,cRLSign" },
	[SP_CERT_VCEK] = { "VCEK-Mantle-Simulated", NULL,
			   "critical,digitalSignature" },
};

static X509_NAME *subject(const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	const struct {
		const char *f, *v;
	} rdn[] = {
		{ "C", "US" },
		{ "O", "Mantle" },
		{ "OU", "Simulated secure processor (not hardware)" },
		{ "CN", cn },
	};

	for (size_t i = 0; n && i < sizeof(rdn) / sizeof(rdn[0]); i++) {
		if (!X509_NAME_add_entry_by_txt(n, rdn[i].f, MBSTRING_UTF8,
						(const unsigned char *)rdn[i].v,
						-1, -1, 0)) {
			X509_NAME_free(n);
			return NULL;
		}
	}
	return n;
}

/* A random positive 128-bit serial number. */
static int set_serial(X509 *x)
{
	uint8_t b[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return 0;
	b[0] = (b[0] & 0x7f) | 0x01;
	bn = BN_bin2bn(b, sizeof(b), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok;
}

static int add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = e && X509_add_ext(x, e, -1);

	X509_EXTENSION_free(e);
	return ok;
}

/* An extension whose value octets are der[0..len). */
static int add_raw_ext(X509 *x, const char *oid, const uint8_t *der, int len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int ok = 0;

	if (obj && os && ASN1_OCTET_STRING_set(os, der, len))
		e = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	if (e)
		ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return ok;
}

static int add_int_ext(X509 *x, const char *oid, long v)
{
	ASN1_INTEGER *ai = ASN1_INTEGER_new();
	unsigned char *der = NULL;
	int len = -1, ok;

	if (ai && ASN1_INTEGER_set(ai, v))
		len = i2d_ASN1_INTEGER(ai, &der);
	ok = len > 0 && add_raw_ext(x, oid, der, len);
	OPENSSL_free(der);
	ASN1_INTEGER_free(ai);
	return ok;
}

static int add_ia5_ext(X509 *x, const char *oid, const char *s)
{
	ASN1_IA5STRING *a = ASN1_IA5STRING_new();
	unsigned char *der = NULL;
	int len = -1, ok;

	if (a && ASN1_STRING_set(a, s, (int)strlen(s)))
		len = i2d_ASN1_IA5STRING(a, &der);
	ok = len > 0 && add_raw_ext(x, oid, der, len);
	OPENSSL_free(der);
	ASN1_IA5STRING_free(a);
	return ok;
}

/* AMD's VCEK extensions: structVersion, productName, the SPLs (Milan
 * layout: spl4..spl7 are TCB bytes 2..5), hwID = CHIP_ID raw. */
static int add_amd_exts(X509 *x, uint64_t tcb,
			const uint8_t chip_id[SNP_CHIP_ID_LEN])
{
	static const struct {
		const char *oid;
		unsigned int byte;
	} spl[] = {
		{ AMD_ARC "3.1", 0 }, { AMD_ARC "3.2", 1 },
		{ AMD_ARC "3.3", 6 }, { AMD_ARC "3.4", 2 },
		{ AMD_ARC "3.5", 3 }, { AMD_ARC "3.6", 4 },
		{ AMD_ARC "3.7", 5 }, { AMD_ARC "3.8", 7 },
	};
	int ok = add_int_ext(x, AMD_ARC "1", 0) &&
		 add_ia5_ext(x, AMD_ARC "2", SP_PRODUCT_NAME);

	for (size_t i = 0; ok && i < sizeof(spl) / sizeof(spl[0]); i++)
		ok = add_int_ext(x, spl[i].oid,
				 (long)((tcb >> (8 * spl[i].byte)) & 0xff));
	return ok && add_raw_ext(x, AMD_ARC "4", chip_id, SNP_CHIP_ID_LEN);
}

static int add_exts(X509 *x, enum sp_cert_kind kind, const X509 *issuer,
		    uint64_t tcb, const uint8_t *chip_id)
{
	X509V3_CTX ctx;

	X509V3_set_ctx(&ctx, issuer ? (X509 *)issuer : x, x, NULL, NULL, 0);
	if (kinds[kind].basic &&
	    !add_conf_ext(x, &ctx, NID_basic_constraints, kinds[kind].basic))
		return 0;
	if (!add_conf_ext(x, &ctx, NID_key_usage, kinds[kind].usage) ||
	    !add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash"))
		return 0;
	if (issuer && !add_conf_ext(x, &ctx, NID_authority_key_identifier,
				    "keyid:always"))
		return 0;
	return kind != SP_CERT_VCEK || add_amd_exts(x, tcb, chip_id);
}

static int sign_pss(X509 *x, EVP_PKEY *key)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	int ok = m &&
		 EVP_DigestSignInit(m, &pc, EVP_sha384(), NULL, key) == 1 &&
		 EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) > 0 &&
		 EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, 48) > 0 &&
		 EVP_PKEY_CTX_set_rsa_mgf1_md(pc, EVP_sha384()) > 0 &&
		 X509_sign_ctx(x, m) > 0;

	EVP_MD_CTX_free(m);
	return ok;
}

static int set_names_and_times(X509 *x, enum sp_cert_kind kind,
			       const X509 *issuer)
{
	X509_NAME *n = subject(kinds[kind].cn);
	int ok = n && X509_set_subject_name(x, n) &&
		 X509_set_issuer_name(
			 x, issuer ? X509_get_subject_name(issuer) : n);

	X509_NAME_free(n);
	/* From a day back (clock skew) for 25 years, as AMD's roots. */
	return ok && X509_gmtime_adj(X509_getm_notBefore(x), -86400) &&
	       X509_time_adj_ex(X509_getm_notAfter(x), 365 * SP_CERT_YEARS, 0,
				NULL);
}

X509 *sp_x509_make(enum sp_cert_kind kind, EVP_PKEY *subject_key,
		   const X509 *issuer, EVP_PKEY *issuer_key, uint64_t tcb,
		   const uint8_t chip_id[SNP_CHIP_ID_LEN])
{
	X509 *x = X509_new();

	if (!x || !X509_set_version(x, X509_VERSION_3) || !set_serial(x) ||
	    !set_names_and_times(x, kind, issuer) ||
	    !X509_set_pubkey(x, subject_key) ||
	    !add_exts(x, kind, issuer, tcb, chip_id) ||
	    !sign_pss(x, issuer_key)) {
		sp_log_ssl("cannot make a certificate");
		X509_free(x);
		return NULL;
	}
	return x;
}

int sp_x509_key_matches(const X509 *cert, const EVP_PKEY *key)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);

	return pub && EVP_PKEY_eq(pub, key) == 1;
}
