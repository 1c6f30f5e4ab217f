/* SPDX-License-Identifier: MIT */
/* TPM 2.0 quote verification: signature, nonce, PCR digest. */
#ifndef TPM_VERIFY_H
#define TPM_VERIFY_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_result.h"

#define TPM_PCR_BANK_SIZE (24 * 32)

/*
 * pcrs: NULL or the SHA-256 bank (TPM_PCR_BANK_SIZE bytes); nonce: NULL or
 * the expected extraData. Fills r ("quote", "pcrs") and returns r->status.
 */
int tpm_quote_verify(const uint8_t *attest, size_t alen, const uint8_t *sig,
		     size_t slen, EVP_PKEY *ak, const uint8_t *pcrs,
		     const uint8_t *nonce, size_t nonce_len,
		     struct mv_result *r);

#endif
