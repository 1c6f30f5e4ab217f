/* SPDX-License-Identifier: MIT */
/* Certificate loading and explicit chain checks on top of OpenSSL 3. */
#ifndef MV_X509_H
#define MV_X509_H

#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_result.h"

/*
 * Loads every certificate of a PEM bundle, or one DER certificate. Returns
 * the number loaded (>= 1) or -1 when the data holds no certificate.
 */
int mv_certs_load(const uint8_t *buf, size_t len, STACK_OF(X509) * *out);
int mv_certs_load_file(const char *path, STACK_OF(X509) * *out);

/* One-line RFC 2253 subject; caller frees. */
char *mv_x509_subject(const X509 *x);
void mv_x509_fingerprint(const X509 *x, uint8_t out[32]);

/* Validity at time t (seconds since the epoch): 0 ok, -1 not yet, 1 expired. */
int mv_x509_time_check(const X509 *x, int64_t t);

/* 1 when the signature is RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48. */
int mv_x509_is_pss384(const X509 *x);

/* 1 when issuer's key verifies child's signature and names match. */
int mv_x509_signed_by(X509 *child, X509 *issuer);

/*
 * Checks an explicit chain (leaf first, root last): each certificate signed
 * by the next and valid at t, issuers are CAs, the root is self-signed.
 * Records subjects, passes and failures in r; returns 0 when all hold.
 */
int mv_chain_check(struct mv_result *r, X509 *const *chain, int n, int64_t t,
		   const char *label);

/* Finds a certificate by exact subject CN in a stack, or NULL. */
X509 *mv_certs_find_cn(STACK_OF(X509) * sk, const char *cn);
/* The certificate's subject CN into buf (empty if none). */
void mv_x509_cn(const X509 *x, char *buf, size_t len);

#endif
