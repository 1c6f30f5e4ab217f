// SPDX-License-Identifier: MIT
/* JOSE helpers for the EAR result and the HCLA runtime-claims keys. */
#include "mv_jose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv_sig.h"

static const char b64u[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *mv_b64url(const uint8_t *p, size_t len)
{
	char *s = malloc(len / 3 * 4 + 5), *o = s;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | p[i + 1] << 8 | p[i + 2];

		*o++ = b64u[v >> 18];
		*o++ = b64u[(v >> 12) & 63];
		*o++ = b64u[(v >> 6) & 63];
		*o++ = b64u[v & 63];
	}
	if (len - i == 1) {
		*o++ = b64u[p[i] >> 2];
		*o++ = b64u[(p[i] & 3) << 4];
	} else if (len - i == 2) {
		*o++ = b64u[p[i] >> 2];
		*o++ = b64u[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = b64u[(p[i + 1] & 15) << 2];
	}
	*o = 0;
	return s;
}

long mv_unb64url(const char *s, uint8_t *out, size_t max)
{
	uint32_t acc = 0;
	size_t n = 0;
	int bits = 0;
	const char *c;

	for (c = s; *c && *c != '='; c++) {
		const char *pos = *c ? strchr(b64u, *c) : NULL;
		int v;

		if (*c == '+')
			v = 62;
		else if (*c == '/')
			v = 63;
		else if (pos)
			v = (int)(pos - b64u);
		else
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= max)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)n;
}

static BIGNUM *jwk_bn(const json_t *jwk, const char *name)
{
	const char *s = json_string_value(json_object_get(jwk, name));
	uint8_t buf[1024];
	long n;

	if (!s || strlen(s) > sizeof(buf) * 4 / 3 + 4)
		return NULL;
	n = mv_unb64url(s, buf, sizeof(buf));
	return n > 0 ? BN_bin2bn(buf, (int)n, NULL) : NULL;
}

static EVP_PKEY *rsa_from_jwk(const json_t *jwk)
{
	BIGNUM *n = jwk_bn(jwk, "n"), *e = jwk_bn(jwk, "e");
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *key = NULL;

	if (!n || !e || !bld || BN_num_bits(n) < 2048 ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto out;
	key = mv_pubkey_from_params("RSA", bld);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	ERR_clear_error();
	return key;
}

static EVP_PKEY *ec_from_jwk(const json_t *jwk)
{
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	const char *x = json_string_value(json_object_get(jwk, "x"));
	const char *y = json_string_value(json_object_get(jwk, "y"));
	uint8_t xy[96];
	size_t sz;
	int nid;

	if (!crv || !x || !y)
		return NULL;
	if (!strcmp(crv, "P-256")) {
		nid = NID_X9_62_prime256v1;
		sz = 32;
	} else if (!strcmp(crv, "P-384")) {
		nid = NID_secp384r1;
		sz = 48;
	} else {
		return NULL;
	}
	if (mv_unb64url(x, xy, sz) != (long)sz ||
	    mv_unb64url(y, xy + sz, sz) != (long)sz)
		return NULL;
	return mv_ec_key_from_xy(nid, xy, 2 * sz);
}

EVP_PKEY *mv_jwk_to_pkey(const json_t *jwk)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));

	if (!kty)
		return NULL;
	if (!strcmp(kty, "RSA"))
		return rsa_from_jwk(jwk);
	if (!strcmp(kty, "EC"))
		return ec_from_jwk(jwk);
	return NULL;
}

json_t *mv_pkey_to_jwk(EVP_PKEY *key)
{
	uint8_t pt[1 + 96], dig[32];
	char *x, *y, *kid, tp[256];
	unsigned int dlen;
	size_t n = 0;
	json_t *jwk;

	if (!mv_key_is_ec(key, NID_secp384r1) ||
	    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pt,
					    sizeof(pt), &n) != 1 ||
	    n != sizeof(pt) || pt[0] != 0x04)
		return NULL;
	x = mv_b64url(pt + 1, 48);
	y = mv_b64url(pt + 49, 48);
	/* RFC 7638: members in lexicographic order, no whitespace. */
	snprintf(tp, sizeof(tp),
		 "{\"crv\":\"P-384\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
		 x, y);
	EVP_Digest(tp, strlen(tp), dig, &dlen, EVP_sha256(), NULL);
	kid = mv_b64url(dig, 32);
	jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC",
			"crv", "P-384", "x", x, "y", y, "kid", kid, "alg",
			"ES384", "use", "sig");
	free(x);
	free(y);
	free(kid);
	return jwk;
}

static char *b64_json(const json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS), *b;

	if (!s)
		return NULL;
	b = mv_b64url((const uint8_t *)s, strlen(s));
	free(s);
	return b;
}

char *mv_jwt_es384(const json_t *claims, EVP_PKEY *key)
{
	json_t *jwk = mv_pkey_to_jwk(key), *hdr;
	char *h = NULL, *p = NULL, *input = NULL, *sig = NULL, *out = NULL;
	uint8_t der[128], rs[96];
	const BIGNUM *r, *s;
	const unsigned char *dp = der;
	size_t dlen = sizeof(der), len;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *es = NULL;

	if (!jwk || !ctx)
		goto out;
	hdr = json_pack("{s:s, s:s, s:O}", "alg", "ES384", "typ", "JWT", "kid",
			json_object_get(jwk, "kid"));
	h = b64_json(hdr);
	json_decref(hdr);
	p = b64_json(claims);
	if (!h || !p)
		goto out;
	len = strlen(h) + 1 + strlen(p);
	input = malloc(len + 1);
	if (!input)
		goto out;
	snprintf(input, len + 1, "%s.%s", h, p);
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, der, &dlen, (const uint8_t *)input, len) != 1)
		goto out;
	es = d2i_ECDSA_SIG(NULL, &dp, (long)dlen);
	if (!es)
		goto out;
	/* JWS ES384 signatures are R || S, 48 bytes each, big-endian. */
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, rs, 48) != 48 || BN_bn2binpad(s, rs + 48, 48) != 48)
		goto out;
	sig = mv_b64url(rs, sizeof(rs));
	out = sig ? malloc(len + 2 + strlen(sig)) : NULL;
	if (out)
		snprintf(out, len + 2 + strlen(sig), "%s.%s", input, sig);
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	json_decref(jwk);
	free(h);
	free(p);
	free(input);
	free(sig);
	return out;
}
