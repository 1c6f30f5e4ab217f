/* SPDX-License-Identifier: MIT */
/* base64url, JWKs and ES384 JWTs (RFC 7515/7517/7518/7638). */
#ifndef MV_JOSE_H
#define MV_JOSE_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

/* Unpadded base64url; caller frees. */
char *mv_b64url(const uint8_t *p, size_t len);
/* Decodes unpadded (or padded) base64url; returns bytes or -1. */
long mv_unb64url(const char *s, uint8_t *out, size_t max);

/* Public key from an RSA or EC (P-256/P-384) JWK, or NULL. */
EVP_PKEY *mv_jwk_to_pkey(const json_t *jwk);

/* Public JWK of an EC P-384 key, with "kid" = RFC 7638 thumbprint. */
json_t *mv_pkey_to_jwk(EVP_PKEY *key);

/* Compact JWS (header.payload.signature), ES384; caller frees. */
char *mv_jwt_es384(const json_t *claims, EVP_PKEY *key);

#endif
