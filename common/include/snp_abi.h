/* SPDX-License-Identifier: MIT */
/*
 * The AMD SEV-SNP firmware ABI as Mantle uses it: the one definition of the
 * guest message header, the MSG_REPORT_REQ/RSP and MSG_KEY_REQ/RSP payloads,
 * the ATTESTATION_REPORT v3 field offsets, the secrets page and the
 * extended-report certificate table. The paravisor's guest-request client
 * (paravisor/snp), the simulated secure processor (sp-simulator/) and the
 * verifier all speak these bytes.
 *
 * Sources (facts, not code): SEV-SNP Firmware ABI 56860; Linux
 * include/uapi/linux/sev-guest.h and drivers/virt/coco/sev-guest;
 * ../shared/design/ATTESTATION-FACTS.md §1. Every integer is little-endian
 * on the wire. The structs below name the offsets (SNP_*_OFF); bytes are
 * read and written with mantle_bytes.h, never by casting a buffer.
 */
#ifndef MANTLE_SNP_ABI_H
#define MANTLE_SNP_ABI_H

#include <stddef.h>
#include <stdint.h>

/* --- guest message header (96 bytes) ----------------------------------- */

#define SNP_MSG_HDR_SIZE 96u
#define SNP_MSG_PAGE_SIZE 4096u /* one request or response page */
#define SNP_MSG_MAX_PAYLOAD (SNP_MSG_PAGE_SIZE - SNP_MSG_HDR_SIZE)
#define SNP_AUTHTAG_LEN 16u /* GCM tag, in the first 16 of 32 bytes */
#define SNP_AAD_OFF 0x30u /* AAD: header bytes 0x30..0x5F */
#define SNP_AAD_LEN 48u
#define SNP_IV_LEN 12u /* le64(seqno) then 4 zero bytes */
#define SNP_VMPCK_LEN 32u
#define SNP_VMPCK_COUNT 4u
#define SNP_AEAD_AES_256_GCM 1u
#define SNP_MSG_HDR_VERSION 1u
#define SNP_SEQNO_MAX 0xfffffffeull /* the secrets page keeps 32 bits */

struct snp_msg_hdr {
	uint8_t authtag[32];
	uint64_t msg_seqno;
	uint8_t rsvd1[8];
	uint8_t algo;
	uint8_t hdr_version;
	uint16_t hdr_sz;
	uint8_t msg_type;
	uint8_t msg_version;
	uint16_t msg_sz;
	uint32_t rsvd2;
	uint8_t msg_vmpck;
	uint8_t rsvd3[35];
};

#define SNP_HDR_OFF(f) offsetof(struct snp_msg_hdr, f)
_Static_assert(sizeof(struct snp_msg_hdr) == SNP_MSG_HDR_SIZE, "hdr size");
_Static_assert(SNP_HDR_OFF(msg_seqno) == 0x20, "seqno");
_Static_assert(SNP_HDR_OFF(rsvd1) == 0x28, "rsvd1");
_Static_assert(SNP_HDR_OFF(algo) == 0x30, "algo");
_Static_assert(SNP_HDR_OFF(hdr_version) == 0x31, "hdr_version");
_Static_assert(SNP_HDR_OFF(hdr_sz) == 0x32, "hdr_sz");
_Static_assert(SNP_HDR_OFF(msg_type) == 0x34, "msg_type");
_Static_assert(SNP_HDR_OFF(msg_version) == 0x35, "msg_version");
_Static_assert(SNP_HDR_OFF(msg_sz) == 0x36, "msg_sz");
_Static_assert(SNP_HDR_OFF(rsvd2) == 0x38, "rsvd2");
_Static_assert(SNP_HDR_OFF(msg_vmpck) == 0x3C, "msg_vmpck");
_Static_assert(SNP_HDR_OFF(rsvd3) == 0x3D, "rsvd3");
_Static_assert(SNP_AAD_OFF + SNP_AAD_LEN == SNP_MSG_HDR_SIZE, "aad");

/* MSG_TYPE: a response is its request's type + 1. */
enum snp_msg_type {
	SNP_MSG_INVALID = 0,
	SNP_MSG_CPUID_REQ = 1,
	SNP_MSG_CPUID_RSP = 2,
	SNP_MSG_KEY_REQ = 3,
	SNP_MSG_KEY_RSP = 4,
	SNP_MSG_REPORT_REQ = 5,
	SNP_MSG_REPORT_RSP = 6,
};
#define SNP_MSG_VERSION 1u /* of REPORT and KEY messages */

/* Firmware status in a response payload. */
#define SNP_STATUS_SUCCESS 0x00u
#define SNP_STATUS_INVALID_PARAM 0x16u
#define SNP_STATUS_INVALID_KEY 0x27u

/* --- MSG_REPORT_REQ (96 bytes) / MSG_REPORT_RSP (32 + report) ---------- */

#define SNP_REPORT_DATA_LEN 64u
#define SNP_REPORT_REQ_SIZE 96u
struct snp_report_req {
	uint8_t user_data[SNP_REPORT_DATA_LEN];
	uint32_t vmpl;
	uint8_t rsvd[28]; /* must be zero */
};
_Static_assert(sizeof(struct snp_report_req) == SNP_REPORT_REQ_SIZE, "req");
_Static_assert(offsetof(struct snp_report_req, vmpl) == 0x40, "vmpl");

#define SNP_REPORT_SIZE 0x4A0u /* ATTESTATION_REPORT, 1184 bytes */
#define SNP_REPORT_RSP_HDR 0x20u /* status, report_size, 24 reserved */
#define SNP_REPORT_RSP_SIZE (SNP_REPORT_RSP_HDR + SNP_REPORT_SIZE)
#define SNP_REPORT_RSP_STATUS_OFF 0x00u
#define SNP_REPORT_RSP_SIZE_OFF 0x04u
_Static_assert(SNP_REPORT_RSP_SIZE <= SNP_MSG_MAX_PAYLOAD, "rsp fits");

/* --- MSG_KEY_REQ (32 bytes) / MSG_KEY_RSP (64 bytes) ------------------- */

#define SNP_KEY_REQ_SIZE 32u
struct snp_derived_key_req {
	uint32_t root_key_select; /* bit 0: 0 VCEK, 1 VMRK */
	uint32_t rsvd;
	uint64_t guest_field_select; /* SNP_FIELD_* */
	uint32_t vmpl;
	uint32_t guest_svn;
	uint64_t tcb_version;
};
#define SNP_KEY_OFF(f) offsetof(struct snp_derived_key_req, f)
_Static_assert(sizeof(struct snp_derived_key_req) == SNP_KEY_REQ_SIZE, "req");
_Static_assert(SNP_KEY_OFF(guest_field_select) == 8, "gfs");
_Static_assert(SNP_KEY_OFF(vmpl) == 16, "vmpl");
_Static_assert(SNP_KEY_OFF(guest_svn) == 20, "guest_svn");
_Static_assert(SNP_KEY_OFF(tcb_version) == 24, "tcb_version");

#define SNP_ROOT_KEY_VCEK 0u
#define SNP_ROOT_KEY_VMRK 1u

/* GUEST_FIELD_SELECT: what is mixed into a derived key. */
#define SNP_FIELD_POLICY (1ull << 0)
#define SNP_FIELD_IMAGE_ID (1ull << 1)
#define SNP_FIELD_FAMILY_ID (1ull << 2)
#define SNP_FIELD_MEASUREMENT (1ull << 3)
#define SNP_FIELD_GUEST_SVN (1ull << 4)
#define SNP_FIELD_TCB_VERSION (1ull << 5)
#define SNP_FIELD_ALL 0x3full /* every bit this ABI version defines */

#define SNP_DERIVED_KEY_LEN 32u
#define SNP_KEY_RSP_SIZE 64u
#define SNP_KEY_RSP_STATUS_OFF 0x00u
#define SNP_KEY_RSP_KEY_OFF 0x20u /* after status and 28 reserved bytes */

/* --- ATTESTATION_REPORT v3 (field offsets) ----------------------------- */

#define SNP_REPORT_VERSION 3u
#define SNP_R_VERSION 0x000u
#define SNP_R_GUEST_SVN 0x004u
#define SNP_R_POLICY 0x008u
#define SNP_R_FAMILY_ID 0x010u /* 16 */
#define SNP_R_IMAGE_ID 0x020u /* 16 */
#define SNP_R_VMPL 0x030u
#define SNP_R_SIG_ALGO 0x034u /* 1: ECDSA P-384 with SHA-384 */
#define SNP_R_CURRENT_TCB 0x038u
#define SNP_R_PLATFORM_INFO 0x040u
#define SNP_R_KEY_INFO 0x048u /* bits 4:2 signing key: 0 VCEK */
#define SNP_R_REPORT_DATA 0x050u /* 64 */
#define SNP_R_MEASUREMENT 0x090u /* 48 */
#define SNP_R_HOST_DATA 0x0C0u /* 32 */
#define SNP_R_ID_KEY_DIGEST 0x0E0u /* 48 */
#define SNP_R_AUTHOR_KEY_DIGEST 0x110u /* 48 */
#define SNP_R_REPORT_ID 0x140u /* 32 */
#define SNP_R_REPORT_ID_MA 0x160u /* 32 */
#define SNP_R_REPORTED_TCB 0x180u
#define SNP_R_CPUID_FAM_ID 0x188u
#define SNP_R_CPUID_MOD_ID 0x189u
#define SNP_R_CPUID_STEP 0x18Au
#define SNP_R_CHIP_ID 0x1A0u /* 64 */
#define SNP_R_COMMITTED_TCB 0x1E0u
#define SNP_R_CURRENT_VERSION 0x1E8u /* build, minor, major */
#define SNP_R_COMMITTED_VERSION 0x1ECu
#define SNP_R_LAUNCH_TCB 0x1F0u
#define SNP_R_SIGNATURE 0x2A0u /* R 72 LE, S 72 LE, zero to the end */
#define SNP_R_SIGNED_LEN SNP_R_SIGNATURE
#define SNP_SIG_COMPONENT_LEN 72u
#define SNP_SIG_ALGO_ECDSA_P384_SHA384 1u
#define SNP_MEASUREMENT_LEN 48u
#define SNP_CHIP_ID_LEN 64u
#define SNP_POLICY_RSVD1 (1ull << 17) /* reserved, must be one */
#define SNP_POLICY_DEBUG (1ull << 19)

/* TCB_VERSION of Milan/Genoa: byte 0 boot loader, 1 TEE, 6 SNP, 7 ucode. */
#define SNP_TCB(bl, tee, snp, ucode)                                     \
	((uint64_t)(bl) | (uint64_t)(tee) << 8 | (uint64_t)(snp) << 48 | \
	 (uint64_t)(ucode) << 56)

/* --- secrets page (4096 bytes) ----------------------------------------- */

#define SNP_SECRETS_SIZE 4096u
#define SNP_SECRETS_VERSION_OFF 0x000u
#define SNP_SECRETS_FMS_OFF 0x008u
#define SNP_SECRETS_GOSVW_OFF 0x010u /* 16 */
#define SNP_SECRETS_VMPCK_OFF(n) (0x020u + 0x20u * (unsigned)(n))
#define SNP_SECRETS_SEQNO_OFF(n) (0x0A0u + 4u * (unsigned)(n)) /* OS area */
#define SNP_SECRETS_VERSION 3u
_Static_assert(SNP_SECRETS_VMPCK_OFF(3) + SNP_VMPCK_LEN ==
		       SNP_SECRETS_SEQNO_OFF(0),
	       "vmpck3 ends where the OS area starts");

/* --- extended-report certificate table --------------------------------- */

/* Entries of {GUID[16] (mixed-endian), le32 offset, le32 length}, ending
 * with an all-zero entry; offsets from the start of the table. */
#define SNP_CERT_ENTRY_SIZE 24u
#define SNP_CERT_GUID_VCEK "63da758d-e664-4564-adc5-f4b93be8accd"
#define SNP_CERT_GUID_ASK "4ab7b379-bbac-4fe4-a02f-05aef327c782"
#define SNP_CERT_GUID_ARK "c0b406a4-a803-4952-9743-3fb6014cd0ae"
#define SNP_CERT_TABLE_MAX (16u * 1024u) /* SEV_FW_BLOB_MAX_SIZE */

#endif
