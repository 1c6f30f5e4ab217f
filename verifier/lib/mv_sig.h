/* SPDX-License-Identifier: MIT */
/* Signature checks shared by the formats (OpenSSL EVP). */
#ifndef MV_SIG_H
#define MV_SIG_H

#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stddef.h>
#include <stdint.h>

/* ECDSA over msg with big-endian r and s of n bytes each; 1 if valid. */
int mv_ecdsa_verify_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg,
		       size_t len, const uint8_t *r, const uint8_t *s,
		       size_t n);

/* Any EVP signature (DER ECDSA, PKCS#1 v1.5) ; pss selects RSA-PSS. */
int mv_sig_verify(EVP_PKEY *key, const EVP_MD *md, int pss, const uint8_t *msg,
		  size_t len, const uint8_t *sig, size_t siglen);

/* EC public key from raw big-endian X||Y on the named curve (NID). */
EVP_PKEY *mv_ec_key_from_xy(int nid, const uint8_t *xy, size_t len);
/* A public key of OpenSSL type ("RSA", "EC") from bld's parameters, or NULL. */
EVP_PKEY *mv_pubkey_from_params(const char *type, OSSL_PARAM_BLD *bld);

/* 1 when key is EC on curve nid. */
int mv_key_is_ec(EVP_PKEY *key, int nid);

#endif
