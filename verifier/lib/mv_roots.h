/* SPDX-License-Identifier: MIT */
/* Built-in hardware roots of trust (AMD ARKs, Intel SGX Root CA). */
#ifndef MV_ROOTS_H
#define MV_ROOTS_H

#include <openssl/x509.h>

#include "mv_result.h"

/* Name of a built-in hardware root matching x's SHA-256, or NULL. */
const char *mv_root_known(const X509 *x);

/*
 * Records what the root is: a built-in hardware root, Mantle's simulated
 * secure processor (subject O=Mantle, sets "simulated"), or another root
 * that the caller chose to trust (a warning).
 */
void mv_root_describe(struct mv_result *r, const X509 *root);

#endif
