/* SPDX-License-Identifier: MIT */
/* Intel TDX quote (v4, v5) and TDREPORT layouts. */
#ifndef TDX_QUOTE_H
#define TDX_QUOTE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define TDX_HEADER_SIZE 48
#define TDX_BODY10_SIZE 584 /* TDX 1.0 report body */
#define TDX_BODY15_SIZE 648 /* TDX 1.5: + TEE_TCB_SVN_2, MRSERVICETD */
#define TDX_TEE_TYPE 0x81
#define TDX_ATT_KEY_ECDSA_P256 2
#define TDX_CERT_QE_REPORT 6
#define TDX_CERT_PCK_CHAIN 5
#define TDX_CERT_HDR 6 /* certification data: u16 type, u32 size */
#define TDX_ECDSA_SIZE 64 /* P-256 signature (R, S) or key (X, Y) */
#define SGX_REPORT_SIZE 384

/* Offsets inside the SGX report of the quoting enclave (QE report). */
enum {
	SGX_REPORT_MISCSELECT = 0x010,
	SGX_REPORT_ATTRIBUTES = 0x030,
	SGX_REPORT_MRENCLAVE = 0x040,
	SGX_REPORT_MRSIGNER = 0x080,
	SGX_REPORT_ISVPRODID = 0x100,
	SGX_REPORT_ISVSVN = 0x102,
	SGX_REPORT_DATA = 0x140,
};
_Static_assert(SGX_REPORT_DATA + 64 == SGX_REPORT_SIZE, "SGX report");

/* Offsets inside the TD report body (quote) and the TDREPORT. */
enum {
	TDB_TEE_TCB_SVN = 0x000,
	TDB_MRSEAM = 0x010,
	TDB_MRSIGNERSEAM = 0x040,
	TDB_SEAM_ATTR = 0x070,
	TDB_TD_ATTR = 0x078,
	TDB_XFAM = 0x080,
	TDB_MRTD = 0x088,
	TDB_MRCONFIGID = 0x0B8,
	TDB_MROWNER = 0x0E8,
	TDB_MROWNERCONFIG = 0x118,
	TDB_RTMR0 = 0x148,
	TDB_REPORTDATA = 0x208,
	TDB_TEE_TCB_SVN2 = 0x248,
	TDB_MRSERVICETD = 0x258,
};
_Static_assert(TDB_RTMR0 + 4 * 48 == TDB_REPORTDATA, "four RTMRs");
_Static_assert(TDB_REPORTDATA + 64 == TDX_BODY10_SIZE, "TDX 1.0 body");
_Static_assert(TDB_MRSERVICETD + 48 == TDX_BODY15_SIZE, "TDX 1.5 body");

/* TDREPORT (1024 bytes): REPORTMACSTRUCT, TEE_TCB_INFO, TDINFO. */
#define TDREPORT_REPORTDATA 128
#define TDREPORT_TDINFO 512 /* ATTRIBUTES, XFAM, MRTD, ..., RTMR0..3 */

struct tdx_quote {
	uint16_t version, att_key_type;
	uint32_t tee_type;
	uint16_t body_type; /* 2 = TDX 1.0, 3 = TDX 1.5 */
	const uint8_t *body;
	size_t body_size, signed_len;
	const uint8_t *sig, *att_key; /* 64 bytes each, big-endian */
	const uint8_t *qe_report, *qe_sig, *qe_auth;
	uint16_t qe_auth_len;
	const uint8_t *pck_chain;
	uint32_t pck_chain_len;
	size_t trailing; /* bytes after the signature data */
};

/* MV_OK, MV_BADINPUT (truncated, not TDX) or MV_FAIL (bad inner fields). */
int tdx_quote_parse(const uint8_t *buf, size_t len, struct tdx_quote *q,
		    char *err, size_t errlen);
json_t *tdx_quote_json(const struct tdx_quote *q);
json_t *tdreport_json(const uint8_t *tdreport);

#endif
