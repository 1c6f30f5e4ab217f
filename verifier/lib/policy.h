/* SPDX-License-Identifier: MIT */
/* The appraisal policy file (schema in verifier/EVIDENCE.md). */
#ifndef POLICY_H
#define POLICY_H

#include <jansson.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

struct mv_policy {
	json_t *doc;
	uint8_t digest[32]; /* SHA-256 of the file: the policy id */
	json_t *trusted_roots; /* strings: built-in name or SHA-256 hex */
	json_t *measurements; /* hex SNP MEASUREMENT / TDX MRTD, or NULL */
	json_t *min_tcb; /* SNP {bootloader, tee, snp, microcode, fmc} */
	json_t *min_tee_tcb_svn; /* TDX: hex of 16 bytes, bytewise minimum */
	json_t *allowed_vmpls; /* integers, or NULL for any */
	json_t *reference_pcrs; /* {"<index>": "<sha256 hex>"} */
	int allow_debug;
	int allow_provisional_firmware;
	int require_nonce;
};

/* Parses and validates the policy; 0, or -1 with a reason in err. */
int mv_policy_load(const uint8_t *buf, size_t len, struct mv_policy *p,
		   char *err, size_t errlen);
void mv_policy_free(struct mv_policy *p);

/* 1 when the policy trusts this root certificate. */
int mv_policy_root_trusted(const struct mv_policy *p, const X509 *root);

#endif
