// SPDX-License-Identifier: MIT
/* Certificate helpers: loading, names, validity, PSS parameters, chains. */
#include "mv_x509.h"
#include "mv_util.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

static int is_pem(const uint8_t *buf, size_t len)
{
	static const char tag[] = "-----BEGIN";
	size_t i;

	for (i = 0; i + sizeof(tag) - 1 <= len; i++)
		if (!memcmp(buf + i, tag, sizeof(tag) - 1))
			return 1;
	return 0;
}

int mv_certs_load(const uint8_t *buf, size_t len, STACK_OF(X509) * *out)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	const unsigned char *p = buf;
	X509 *x;

	if (!sk || len > MV_MAX_FILE)
		goto fail;
	if (is_pem(buf, len)) {
		BIO *bio = BIO_new_mem_buf(buf, (int)len);

		while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
			sk_X509_push(sk, x);
		BIO_free(bio);
	} else {
		x = d2i_X509(NULL, &p, (long)len);
		if (x)
			sk_X509_push(sk, x);
	}
	ERR_clear_error();
	if (sk_X509_num(sk) < 1)
		goto fail;
	*out = sk;
	return sk_X509_num(sk);
fail:
	sk_X509_pop_free(sk, X509_free);
	return -1;
}

int mv_certs_load_file(const char *path, STACK_OF(X509) * *out)
{
	uint8_t *buf;
	size_t len;
	int n;

	if (mv_read_file(path, &buf, &len))
		return -1;
	mv_maybe_unhex(buf, &len); /* DER given as hex text */
	n = mv_certs_load(buf, len, out);
	free(buf);
	return n;
}

char *mv_x509_subject(const X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *s = NULL, *data;
	long n;

	if (!bio)
		return NULL;
	X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
			   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(bio, &data);
	s = malloc((size_t)n + 1);
	if (s) {
		memcpy(s, data, (size_t)n);
		s[n] = 0;
	}
	BIO_free(bio);
	return s;
}

void mv_x509_cn(const X509 *x, char *buf, size_t len)
{
	buf[0] = 0;
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf,
				  (int)len);
}

X509 *mv_certs_find_cn(STACK_OF(X509) * sk, const char *cn)
{
	char buf[256];
	int i;

	for (i = 0; i < sk_X509_num(sk); i++) {
		mv_x509_cn(sk_X509_value(sk, i), buf, sizeof(buf));
		if (!strcmp(buf, cn))
			return sk_X509_value(sk, i);
	}
	return NULL;
}

void mv_x509_fingerprint(const X509 *x, uint8_t out[32])
{
	unsigned int n = 32;

	memset(out, 0, 32);
	X509_digest(x, EVP_sha256(), out, &n);
}

int mv_x509_time_check(const X509 *x, int64_t t)
{
	time_t tt = (time_t)t;

	if (X509_cmp_time(X509_get0_notBefore(x), &tt) > 0)
		return -1;
	if (X509_cmp_time(X509_get0_notAfter(x), &tt) < 0)
		return 1;
	return 0;
}

static int algor_is_sha384(const X509_ALGOR *a)
{
	const ASN1_OBJECT *obj;

	/* An absent hash means SHA-1 (RFC 4055 default). */
	if (!a)
		return 0;
	X509_ALGOR_get0(&obj, NULL, NULL, a);
	return OBJ_obj2nid(obj) == NID_sha384;
}

int mv_x509_is_pss384(const X509 *x)
{
	const X509_ALGOR *alg;
	const ASN1_OBJECT *obj;
	const void *pval;
	int ptype, ok = 0;
	RSA_PSS_PARAMS *pss;
	X509_ALGOR *mgfhash;

	X509_get0_signature(NULL, &alg, x);
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (OBJ_obj2nid(obj) != NID_rsassaPss || ptype != V_ASN1_SEQUENCE)
		return 0;
	pss = ASN1_item_unpack(pval, ASN1_ITEM_rptr(RSA_PSS_PARAMS));
	if (!pss)
		return 0;
	if (!algor_is_sha384(pss->hashAlgorithm) || !pss->maskGenAlgorithm ||
	    !pss->saltLength || ASN1_INTEGER_get(pss->saltLength) != 48)
		goto out;
	X509_ALGOR_get0(&obj, &ptype, &pval, pss->maskGenAlgorithm);
	if (OBJ_obj2nid(obj) != NID_mgf1 || ptype != V_ASN1_SEQUENCE)
		goto out;
	/* MGF1's parameter is the AlgorithmIdentifier of its hash. */
	mgfhash = ASN1_item_unpack(pval, ASN1_ITEM_rptr(X509_ALGOR));
	ok = algor_is_sha384(mgfhash);
	X509_ALGOR_free(mgfhash);
out:
	RSA_PSS_PARAMS_free(pss);
	return ok;
}

int mv_x509_signed_by(X509 *child, X509 *issuer)
{
	EVP_PKEY *key = X509_get0_pubkey(issuer);
	int ok;

	if (!key)
		return 0;
	if (X509_check_issued(issuer, child) != X509_V_OK) {
		/* Name or key-identifier mismatch: still try the signature. */
		if (X509_NAME_cmp(X509_get_issuer_name(child),
				  X509_get_subject_name(issuer)))
			return 0;
	}
	ok = X509_verify(child, key) == 1;
	ERR_clear_error();
	return ok;
}

static void record_subject(struct mv_result *r, const X509 *x)
{
	char *s = mv_x509_subject(x);

	if (s)
		json_array_append_new(r->certs, json_string(s));
	free(s);
}

int mv_chain_check(struct mv_result *r, X509 *const *chain, int n, int64_t t,
		   const char *label)
{
	char cn[128];
	int i, bad = 0, tc;

	for (i = 0; i < n; i++) {
		X509 *x = chain[i];
		X509 *issuer = i + 1 < n ? chain[i + 1] : chain[i];

		record_subject(r, x);
		mv_x509_cn(x, cn, sizeof(cn));
		tc = mv_x509_time_check(x, t);
		if (tc) {
			mv_fail(r, MV_FAIL, "%s: certificate '%s' is %s", label,
				cn, tc < 0 ? "not yet valid" : "expired");
			bad = 1;
		}
		if (!mv_x509_signed_by(x, issuer)) {
			mv_fail(r, MV_FAIL,
				"%s: certificate '%s' is not signed by '%s'",
				label, cn,
				i + 1 < n ? "the next certificate" : "itself");
			bad = 1;
		}
		if (i > 0 && X509_check_ca(x) < 1) {
			mv_fail(r, MV_FAIL, "%s: issuer '%s' is not a CA",
				label, cn);
			bad = 1;
		}
	}
	if (!bad)
		mv_pass(r, "%s: chain of %d certificates valid", label, n);
	return bad ? -1 : 0;
}
