// SPDX-License-Identifier: MIT
/* ECDSA/RSA verification helpers. */
#include "mv_sig.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

int mv_ecdsa_verify_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg,
		       size_t len, const uint8_t *r, const uint8_t *s, size_t n)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(r, (int)n, NULL),
	       *bs = BN_bin2bn(s, (int)n, NULL);
	unsigned char *der = NULL;
	int derlen, ok = 0;

	if (!sig || !br || !bs || !ECDSA_SIG_set0(sig, br, bs)) {
		BN_free(br);
		BN_free(bs);
		goto out;
	}
	derlen = i2d_ECDSA_SIG(sig, &der);
	if (derlen > 0)
		ok = mv_sig_verify(key, md, 0, msg, len, der, (size_t)derlen);
out:
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	return ok;
}

int mv_sig_verify(EVP_PKEY *key, const EVP_MD *md, int pss, const uint8_t *msg,
		  size_t len, const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = 0;

	if (!ctx)
		return 0;
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) != 1)
		goto out;
	if (pss &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1))
		goto out;
	ok = EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1;
out:
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

EVP_PKEY *mv_pubkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *key = NULL;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return key;
}

EVP_PKEY *mv_ec_key_from_xy(int nid, const uint8_t *xy, size_t len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *key = NULL;
	uint8_t pt[1 + 132];

	if (!bld || len > sizeof(pt) - 1)
		goto out;
	pt[0] = 0x04; /* uncompressed point */
	memcpy(pt + 1, xy, len);
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     OBJ_nid2sn(nid), 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
					      len + 1))
		goto out;
	key = mv_pubkey_from_params("EC", bld);
out:
	OSSL_PARAM_BLD_free(bld);
	ERR_clear_error();
	return key;
}

int mv_key_is_ec(EVP_PKEY *key, int nid)
{
	char name[64];
	size_t n;

	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
		return 0;
	if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
					   name, sizeof(name), &n) != 1)
		return 0;
	return OBJ_sn2nid(name) == nid || OBJ_ln2nid(name) == nid ||
	       EC_curve_nist2nid(name) == nid;
}
