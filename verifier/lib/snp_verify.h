/* SPDX-License-Identifier: MIT */
/* SEV-SNP report verification against a VCEK/VLEK and the AMD chain. */
#ifndef SNP_VERIFY_H
#define SNP_VERIFY_H

#include <openssl/x509.h>
#include <stdint.h>

#include "mv_result.h"
#include "snp_report.h"
#include "snp_vcek.h"

/* A checked endorsement chain, reusable across reports (the cache). */
struct snp_trust {
	X509 *leaf, *issuer, *root;
	EVP_PKEY *key; /* leaf public key, owned by leaf */
	struct snp_vcek_ext ext;
	int is_vlek;
	enum snp_product product; /* from productName */
	int chain_ok;
};

/*
 * vcek: leaf first (further certificates may repeat the chain); ca: the
 * AS(V)K and ARK. Checks the chain at time t and records it in r.
 * Returns MV_OK, MV_FAIL (chain content) or MV_BADINPUT.
 */
int snp_trust_load(struct snp_trust *t, STACK_OF(X509) * vcek,
		   STACK_OF(X509) * ca, int64_t at, struct mv_result *r);
void snp_trust_free(struct snp_trust *t);

/* Verifies one report with a loaded trust; fills r. Returns r->status. */
int snp_verify_report(const struct snp_trust *t, const uint8_t *buf, size_t len,
		      struct mv_result *r);

#endif
