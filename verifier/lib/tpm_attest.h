/* SPDX-License-Identifier: MIT */
/* TPM 2.0 TPMS_ATTEST (quote) and TPMT_SIGNATURE decoding (big-endian). */
#ifndef TPM_ATTEST_H
#define TPM_ATTEST_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#define TPM_GENERATED_VALUE 0xFF544347u
#define TPM_ST_ATTEST_QUOTE 0x8018
#define TPM_ALG_SHA1 0x0004
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_SHA384 0x000C
#define TPM_ALG_SHA512 0x000D
#define TPM_ALG_RSASSA 0x0014
#define TPM_ALG_RSAPSS 0x0016
#define TPM_ALG_ECDSA 0x0018
#define TPM_MAX_BANKS 16
#define TPM_PCRS 24

struct tpm_pcr_bank {
	uint16_t hash_alg;
	uint32_t mask; /* bit n = PCR n (PCRs 0..23) */
};

struct tpm_attest {
	uint32_t magic;
	uint16_t type;
	const uint8_t *signer, *extra, *digest;
	uint16_t signer_len, extra_len, digest_len;
	uint64_t clock, firmware;
	uint32_t reset_count, restart_count;
	uint8_t safe;
	uint32_t nbanks;
	struct tpm_pcr_bank banks[TPM_MAX_BANKS];
};

/*
 * Decodes a quote. Returns 0; MV_BADINPUT when truncated or with trailing
 * bytes; MV_FAIL for a wrong magic/type or malformed selection. err gets a
 * reason.
 */
int tpm_attest_parse(const uint8_t *buf, size_t len, struct tpm_attest *a,
		     char *err, size_t errlen);
json_t *tpm_attest_json(const struct tpm_attest *a);

/* Name of a TPM hash algorithm, NULL if unknown; digest size or 0. */
const char *tpm_alg_name(uint16_t alg);
size_t tpm_alg_size(uint16_t alg);
/* The OpenSSL digest of a TPM_ALG_SHA*, or NULL for any other. */
const EVP_MD *tpm_alg_md(uint16_t alg);

struct tpm_signature {
	uint16_t sig_alg, hash_alg; /* 0 when the input was not a TPMT */
	const uint8_t *sig, *s; /* RSA/DER signature, or ECDSA r and s */
	size_t sig_len, s_len;
};

/* Decodes a TPMT_SIGNATURE; returns -1 if buf is not one (raw signature). */
int tpm_signature_parse(const uint8_t *buf, size_t len,
			struct tpm_signature *s);

#endif
