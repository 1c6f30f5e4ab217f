/* SPDX-License-Identifier: MIT */
/*
 * The VMGS key protector (paravisor/vmgs/VMGS-KEY.md, normative): the one
 * definition of the bytes the paravisor keeps in VMGS file 11
 * (HW_KEY_PROTECTOR), unencrypted, so that it is readable before unlock.
 * It carries the MSG_KEY_REQ the wrapping key was derived with and the
 * VMGS datastore key wrapped under AES-256-GCM with every header byte as
 * AAD. The file is hostile input: vmgs_protector_decode() accepts only
 * what the paravisor itself would have written.
 */
#ifndef MANTLE_VMGS_PROTECTOR_H
#define MANTLE_VMGS_PROTECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "snp_abi.h"

#define VMGS_KP_MAGIC "MNTLVMKP"
#define VMGS_KP_MAGIC_LEN 8
#define VMGS_KP_VERSION 1u
#define VMGS_KP_SIZE 120u
#define VMGS_KP_TEE_SNP 0u /* as OpenHCL's v3 tee_type */
#define VMGS_KP_IV_LEN 12u
#define VMGS_KP_KEY_LEN 32u
#define VMGS_KP_TAG_LEN 16u

/* The layout, every integer little-endian (names the offsets only). */
struct vmgs_kp_wire {
	char magic[VMGS_KP_MAGIC_LEN];
	uint32_t version;
	uint32_t size;
	uint32_t tee_type;
	uint8_t mix_measurement;
	uint8_t reserved1[3];
	uint8_t key_req[SNP_KEY_REQ_SIZE]; /* struct snp_derived_key_req */
	uint8_t iv[VMGS_KP_IV_LEN];
	uint8_t reserved2[4];
	uint8_t wrapped[VMGS_KP_KEY_LEN];
	uint8_t tag[VMGS_KP_TAG_LEN];
};
#define VMGS_KP_OFF(f) offsetof(struct vmgs_kp_wire, f)
/* Everything before the wrapped key is authenticated as AAD. */
#define VMGS_KP_AAD_LEN VMGS_KP_OFF(wrapped)

_Static_assert(sizeof(struct vmgs_kp_wire) == VMGS_KP_SIZE, "size");
_Static_assert(VMGS_KP_OFF(version) == 8, "version");
_Static_assert(VMGS_KP_OFF(size) == 12, "size field");
_Static_assert(VMGS_KP_OFF(tee_type) == 16, "tee_type");
_Static_assert(VMGS_KP_OFF(mix_measurement) == 20, "mix_measurement");
_Static_assert(VMGS_KP_OFF(key_req) == 24, "key_req");
_Static_assert(VMGS_KP_OFF(iv) == 56, "iv");
_Static_assert(VMGS_KP_OFF(reserved2) == 68, "reserved2");
_Static_assert(VMGS_KP_OFF(wrapped) == 72, "wrapped");
_Static_assert(VMGS_KP_OFF(tag) == 104, "tag");
_Static_assert(VMGS_KP_AAD_LEN == 72, "aad");

/* The two key policies: what GUEST_FIELD_SELECT mixes in. */
enum vmgs_key_policy {
	VMGS_KEY_POLICY_DEFAULT, /* survives a paravisor update */
	VMGS_KEY_POLICY_MEASUREMENT, /* bound to this launch measurement */
};
#define VMGS_KP_FIELDS_DEFAULT                                         \
	(SNP_FIELD_POLICY | SNP_FIELD_IMAGE_ID | SNP_FIELD_FAMILY_ID | \
	 SNP_FIELD_GUEST_SVN | SNP_FIELD_TCB_VERSION)
#define VMGS_KP_FIELDS_MEASUREMENT \
	(VMGS_KP_FIELDS_DEFAULT | SNP_FIELD_MEASUREMENT)

const char *vmgs_key_policy_name(enum vmgs_key_policy p);
/* "default" or "measurement"; 0, or -1 for anything else. */
int vmgs_key_policy_parse(const char *s, enum vmgs_key_policy *p);

/* The MSG_KEY_REQ the paravisor sends for policy p at TCB tcb. */
void vmgs_kp_request(enum vmgs_key_policy p, uint64_t tcb,
		     struct snp_derived_key_req *r);

/* TCB a is at or below b in every component byte (SNP's TCB_VERSION:
 * boot loader, TEE, reserved, SNP, microcode SVNs). */
static inline int vmgs_kp_tcb_le(uint64_t a, uint64_t b)
{
	for (int i = 0; i < 64; i += 8)
		if (((a >> i) & 0xff) > ((b >> i) & 0xff))
			return 0;
	return 1;
}

/* A decoded protector: what its header says, and the sealed key. */
struct vmgs_kp {
	enum vmgs_key_policy policy;
	struct snp_derived_key_req req;
	uint8_t iv[VMGS_KP_IV_LEN];
	uint8_t wrapped[VMGS_KP_KEY_LEN];
	uint8_t tag[VMGS_KP_TAG_LEN];
	uint8_t aad[VMGS_KP_AAD_LEN]; /* the header bytes as stored */
};

enum vmgs_kp_err {
	VMGS_KP_OK = 0,
	VMGS_KP_E_SIZE, /* not exactly VMGS_KP_SIZE bytes */
	VMGS_KP_E_MAGIC, /* magic, version or size field wrong */
	VMGS_KP_E_TEE, /* not an SNP protector */
	VMGS_KP_E_RESERVED, /* a reserved byte is not zero */
	VMGS_KP_E_REQUEST, /* a key request the paravisor never sends */
	VMGS_KP_E_UNWRAP, /* GCM refused: other chip, tampered or swapped */
	VMGS_KP_E_CRYPTO, /* OpenSSL failed (incl. no randomness) */
	VMGS_KP_E_COUNT
};

const char *vmgs_kp_strerror(enum vmgs_kp_err e);

/*
 * Checks buf as hostile input. Accepts only version 1, SNP, zero reserved
 * bytes, and a key request vmgs_kp_request() makes (VCEK root, VMPL 0,
 * guest SVN 0, the field select of one of the two policies, agreeing with
 * mix_measurement). Says nothing about the wrapped key: only the unwrap
 * does.
 */
enum vmgs_kp_err vmgs_kp_decode(const uint8_t *buf, size_t len,
				struct vmgs_kp *kp);

/*
 * Wraps dek for the request r under KEK = HMAC-SHA-256(derived, label), where
 * derived is the key MSG_KEY_REQ returned for r: a new random IV, the header
 * as AAD. out gets VMGS_KP_SIZE bytes.
 */
enum vmgs_kp_err vmgs_kp_seal(const uint8_t derived[SNP_DERIVED_KEY_LEN],
			      const struct snp_derived_key_req *r,
			      const uint8_t dek[VMGS_KP_KEY_LEN],
			      uint8_t out[VMGS_KP_SIZE]);

/* Unwraps kp's key under the KEK of derived; VMGS_KP_E_UNWRAP if it does
 * not authenticate (dek then holds nothing). */
enum vmgs_kp_err vmgs_kp_open(const uint8_t derived[SNP_DERIVED_KEY_LEN],
			      const struct vmgs_kp *kp,
			      uint8_t dek[VMGS_KP_KEY_LEN]);

#endif
