/* SPDX-License-Identifier: MIT */
/* AMD VCEK/VLEK certificate extensions (OID arc 1.3.6.1.4.1.3704.1). */
#ifndef SNP_VCEK_H
#define SNP_VCEK_H

#include <jansson.h>
#include <openssl/x509.h>
#include <stdint.h>

/* SPL value not present in the certificate. */
#define SNP_SPL_ABSENT (-1)

struct snp_vcek_ext {
	long struct_version; /* -1 when absent */
	char product_name[64]; /* "" when absent */
	long spl[10]; /* index 1..9 = OID .3.N; SNP_SPL_ABSENT */
	uint8_t hwid[64];
	size_t hwid_len; /* 0 (VLEK), 8 (Turin) or 64 */
	int hwid_wrapped; /* stored as an OCTET STRING, not raw */
	char csp_id[128]; /* VLEK only */
};

/* SPL indexes (last arc of 1.3.6.1.4.1.3704.1.3.N). */
enum {
	SNP_SPL_BL = 1,
	SNP_SPL_TEE = 2,
	SNP_SPL_SNP = 3,
	SNP_SPL_UCODE = 8,
	SNP_SPL_FMC = 9
};

/* Decodes the AMD extensions; returns 0, or -1 with a reason in err. */
int snp_vcek_ext_parse(const X509 *x, struct snp_vcek_ext *e, char *err,
		       size_t errlen);
json_t *snp_vcek_ext_json(const struct snp_vcek_ext *e);

#endif
