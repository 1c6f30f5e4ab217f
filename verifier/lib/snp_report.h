/* SPDX-License-Identifier: MIT */
/* AMD SEV-SNP ATTESTATION_REPORT (versions 2 to 5): layout and decoding. */
#ifndef SNP_REPORT_H
#define SNP_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_result.h"

#define SNP_REPORT_SIZE 0x4A0
#define SNP_SIGNED_LEN 0x2A0
#define SNP_SIG_ALGO_ECDSA_P384_SHA384 1

/* Wire layout, all integers little-endian; only used for its offsets. */
struct snp_report_wire {
	uint8_t version[4];
	uint8_t guest_svn[4];
	uint8_t policy[8];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint8_t vmpl[4];
	uint8_t sig_algo[4];
	uint8_t current_tcb[8];
	uint8_t platform_info[8];
	uint8_t signer_info[4];
	uint8_t rsvd0[4];
	uint8_t report_data[64];
	uint8_t measurement[48];
	uint8_t host_data[32];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48];
	uint8_t report_id[32];
	uint8_t report_id_ma[32];
	uint8_t reported_tcb[8];
	uint8_t cpuid_fam;
	uint8_t cpuid_mod;
	uint8_t cpuid_step;
	uint8_t rsvd1[21];
	uint8_t chip_id[64];
	uint8_t committed_tcb[8];
	uint8_t current_fw[3]; /* build, minor, major */
	uint8_t rsvd2;
	uint8_t committed_fw[3];
	uint8_t rsvd3;
	uint8_t launch_tcb[8];
	uint8_t launch_mit_vector[8];
	uint8_t current_mit_vector[8];
	uint8_t rsvd4[0x2A0 - 0x208];
	uint8_t sig_r[72]; /* little-endian, 48 meaningful bytes */
	uint8_t sig_s[72];
	uint8_t sig_rsvd[368];
};

_Static_assert(sizeof(struct snp_report_wire) == SNP_REPORT_SIZE,
	       "SNP report size");
_Static_assert(offsetof(struct snp_report_wire, report_data) == 0x50,
	       "report_data");
_Static_assert(offsetof(struct snp_report_wire, reported_tcb) == 0x180,
	       "reported_tcb");
_Static_assert(offsetof(struct snp_report_wire, chip_id) == 0x1A0, "chip_id");
_Static_assert(offsetof(struct snp_report_wire, launch_tcb) == 0x1F0,
	       "launch_tcb");
_Static_assert(offsetof(struct snp_report_wire, rsvd4) == 0x208, "rsvd4");
_Static_assert(offsetof(struct snp_report_wire, sig_r) == SNP_SIGNED_LEN,
	       "signature");

/* Pointer to a field of a parsed report's raw bytes. */
#define SNP_FIELD(r, f) ((r)->raw + offsetof(struct snp_report_wire, f))
#define SNP_REPORT_DATA offsetof(struct snp_report_wire, report_data)

/* POLICY bits. */
#define SNP_POLICY_SMT (1ull << 16)
#define SNP_POLICY_RSVD1 (1ull << 17) /* must be 1 */
#define SNP_POLICY_MIGRATE_MA (1ull << 18)
#define SNP_POLICY_DEBUG (1ull << 19)
#define SNP_POLICY_SINGLE_SOCKET (1ull << 20)
#define SNP_POLICY_MBZ (~0ull << 26)

enum snp_product { SNP_UNKNOWN, SNP_MILAN, SNP_GENOA, SNP_TURIN };

/* One TCB_VERSION decoded for a product's layout. */
struct snp_tcb {
	uint8_t fmc, bl, tee, snp, ucode;
	uint8_t raw[8];
};

struct snp_report {
	const uint8_t *raw; /* the SNP_REPORT_SIZE input bytes */
	uint32_t version, guest_svn, vmpl, sig_algo, signer_info;
	uint64_t policy, platform_info;
	unsigned int signing_key; /* 0 VCEK, 1 VLEK, 7 none */
	uint8_t cpuid_fam, cpuid_mod, cpuid_step;
	uint8_t sig_r[48], sig_s[48]; /* big-endian */
};

/*
 * Decodes the fixed header. Returns MV_OK, MV_BADINPUT (wrong size) or
 * MV_FAIL (unsupported version); err gets a reason.
 */
int snp_report_parse(const uint8_t *buf, size_t len, struct snp_report *r,
		     char *err, size_t errlen);

/* Checks every must-be-zero range and reserved bit; failures go to res. */
int snp_report_check_mbz(const struct snp_report *r, struct mv_result *res);

/* Product from CPUID fields (v3+), SNP_UNKNOWN when absent. */
enum snp_product snp_report_product(const struct snp_report *r);
const char *snp_product_name(enum snp_product p);
/* Product from a KDS productName ("Milan-B0", "Genoa", "Turin"). */
enum snp_product snp_product_from_name(const char *name);

void snp_tcb_decode(const uint8_t raw[8], enum snp_product p,
		    struct snp_tcb *t);
json_t *snp_tcb_json(const struct snp_tcb *t, enum snp_product p);

/* Adds every decoded field to obj. */
void snp_report_to_json(const struct snp_report *r, enum snp_product p,
			json_t *obj);

#endif
