// SPDX-License-Identifier: MIT
/*
 * The VMGS key protector (vmgs_protector.h, VMGS-KEY.md): its bytes, the
 * checks on them, and the wrap under the derived key.
 */
#include "vmgs_protector.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "mantle_bytes.h"

/* The wrapping key is HMAC-SHA-256(derived key, this label): the derived
 * key itself is never used for anything but this one derivation. */
static const char kek_label[] = "mantle vmgs protector kek v1";

static const char *const kp_errs[VMGS_KP_E_COUNT] = {
	[VMGS_KP_OK] = "ok",
	[VMGS_KP_E_SIZE] = "the key protector has the wrong size",
	[VMGS_KP_E_MAGIC] = "the key protector's magic, version or size "
			    "field is wrong",
	[VMGS_KP_E_TEE] = "the key protector is not for SNP",
	[VMGS_KP_E_RESERVED] = "a reserved byte of the key protector is set",
	[VMGS_KP_E_REQUEST] = "the key protector names a key request the "
			      "paravisor never makes",
	[VMGS_KP_E_UNWRAP] = "the key protector does not unwrap with the "
			     "derived key (another chip's VMGS, or a "
			     "tampered or swapped protector)",
	[VMGS_KP_E_CRYPTO] = "OpenSSL failed",
};

const char *vmgs_kp_strerror(enum vmgs_kp_err e)
{
	return (unsigned)e < VMGS_KP_E_COUNT ? kp_errs[e] : "unknown error";
}

static const char *const policy_names[] = {
	[VMGS_KEY_POLICY_DEFAULT] = "default",
	[VMGS_KEY_POLICY_MEASUREMENT] = "measurement",
};

const char *vmgs_key_policy_name(enum vmgs_key_policy p)
{
	return (unsigned)p < 2 ? policy_names[p] : "?";
}

int vmgs_key_policy_parse(const char *s, enum vmgs_key_policy *p)
{
	for (unsigned i = 0; i < 2; i++) {
		if (!strcmp(s, policy_names[i])) {
			*p = (enum vmgs_key_policy)i;
			return 0;
		}
	}
	return -1;
}

static uint64_t policy_fields(enum vmgs_key_policy p)
{
	return p == VMGS_KEY_POLICY_MEASUREMENT ? VMGS_KP_FIELDS_MEASUREMENT :
						  VMGS_KP_FIELDS_DEFAULT;
}

void vmgs_kp_request(enum vmgs_key_policy p, uint64_t tcb,
		     struct snp_derived_key_req *r)
{
	memset(r, 0, sizeof(*r));
	r->root_key_select = SNP_ROOT_KEY_VCEK;
	r->guest_field_select = policy_fields(p);
	r->vmpl = 0;
	r->guest_svn = 0;
	r->tcb_version = tcb;
}

static void req_encode(const struct snp_derived_key_req *r, uint8_t *p)
{
	memset(p, 0, SNP_KEY_REQ_SIZE);
	put_le32(p + SNP_KEY_OFF(root_key_select), r->root_key_select);
	put_le32(p + SNP_KEY_OFF(rsvd), r->rsvd);
	put_le64(p + SNP_KEY_OFF(guest_field_select), r->guest_field_select);
	put_le32(p + SNP_KEY_OFF(vmpl), r->vmpl);
	put_le32(p + SNP_KEY_OFF(guest_svn), r->guest_svn);
	put_le64(p + SNP_KEY_OFF(tcb_version), r->tcb_version);
}

static void req_decode(const uint8_t *p, struct snp_derived_key_req *r)
{
	r->root_key_select = get_le32(p + SNP_KEY_OFF(root_key_select));
	r->rsvd = get_le32(p + SNP_KEY_OFF(rsvd));
	r->guest_field_select = get_le64(p + SNP_KEY_OFF(guest_field_select));
	r->vmpl = get_le32(p + SNP_KEY_OFF(vmpl));
	r->guest_svn = get_le32(p + SNP_KEY_OFF(guest_svn));
	r->tcb_version = get_le64(p + SNP_KEY_OFF(tcb_version));
}

/* The header (the AAD) for request r and iv. */
static void header_encode(const struct snp_derived_key_req *r,
			  const uint8_t iv[VMGS_KP_IV_LEN], uint8_t *out)
{
	memset(out, 0, VMGS_KP_AAD_LEN);
	memcpy(out, VMGS_KP_MAGIC, VMGS_KP_MAGIC_LEN);
	put_le32(out + VMGS_KP_OFF(version), VMGS_KP_VERSION);
	put_le32(out + VMGS_KP_OFF(size), VMGS_KP_SIZE);
	put_le32(out + VMGS_KP_OFF(tee_type), VMGS_KP_TEE_SNP);
	out[VMGS_KP_OFF(mix_measurement)] =
		!!(r->guest_field_select & SNP_FIELD_MEASUREMENT);
	req_encode(r, out + VMGS_KP_OFF(key_req));
	memcpy(out + VMGS_KP_OFF(iv), iv, VMGS_KP_IV_LEN);
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return !acc;
}

/* The request of a stored protector, against what the paravisor sends. */
static enum vmgs_kp_err check_request(const uint8_t *hdr, struct vmgs_kp *kp)
{
	uint8_t mix = hdr[VMGS_KP_OFF(mix_measurement)];
	struct snp_derived_key_req want;

	req_decode(hdr + VMGS_KP_OFF(key_req), &kp->req);
	if (mix > 1)
		return VMGS_KP_E_REQUEST;
	kp->policy =
		mix ? VMGS_KEY_POLICY_MEASUREMENT : VMGS_KEY_POLICY_DEFAULT;
	vmgs_kp_request(kp->policy, kp->req.tcb_version, &want);
	if (memcmp(&want, &kp->req, sizeof(want)))
		return VMGS_KP_E_REQUEST;
	return VMGS_KP_OK;
}

enum vmgs_kp_err vmgs_kp_decode(const uint8_t *buf, size_t len,
				struct vmgs_kp *kp)
{
	memset(kp, 0, sizeof(*kp));
	if (len != VMGS_KP_SIZE)
		return VMGS_KP_E_SIZE;
	if (memcmp(buf, VMGS_KP_MAGIC, VMGS_KP_MAGIC_LEN) ||
	    get_le32(buf + VMGS_KP_OFF(version)) != VMGS_KP_VERSION ||
	    get_le32(buf + VMGS_KP_OFF(size)) != VMGS_KP_SIZE)
		return VMGS_KP_E_MAGIC;
	if (get_le32(buf + VMGS_KP_OFF(tee_type)) != VMGS_KP_TEE_SNP)
		return VMGS_KP_E_TEE;
	if (!all_zero(buf + VMGS_KP_OFF(reserved1), 3) ||
	    !all_zero(buf + VMGS_KP_OFF(reserved2), 4))
		return VMGS_KP_E_RESERVED;
	if (check_request(buf, kp))
		return VMGS_KP_E_REQUEST;
	memcpy(kp->aad, buf, VMGS_KP_AAD_LEN);
	memcpy(kp->iv, buf + VMGS_KP_OFF(iv), VMGS_KP_IV_LEN);
	memcpy(kp->wrapped, buf + VMGS_KP_OFF(wrapped), VMGS_KP_KEY_LEN);
	memcpy(kp->tag, buf + VMGS_KP_OFF(tag), VMGS_KP_TAG_LEN);
	return VMGS_KP_OK;
}

static int make_kek(const uint8_t derived[SNP_DERIVED_KEY_LEN], uint8_t kek[32])
{
	unsigned int n = 32;

	return HMAC(EVP_sha256(), derived, SNP_DERIVED_KEY_LEN,
		    (const uint8_t *)kek_label, sizeof(kek_label) - 1, kek,
		    &n) && n == 32 ?
		       0 :
		       -1;
}

/* AES-256-GCM of one 32-byte key: enc 1 seals (tag out), 0 opens (tag in).
 * Returns 0, -1 for an OpenSSL failure, 1 for a tag that does not match. */
static int gcm_key(int enc, const uint8_t kek[32], const uint8_t *iv,
		   const uint8_t *aad, const uint8_t *in, uint8_t *out,
		   uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	if (!c)
		return -1;
	ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, VMGS_KP_IV_LEN,
				 NULL) &&
	     EVP_CipherInit_ex(c, NULL, NULL, kek, iv, enc) &&
	     EVP_CipherUpdate(c, NULL, &n, aad, VMGS_KP_AAD_LEN) &&
	     EVP_CipherUpdate(c, out, &n, in, VMGS_KP_KEY_LEN) &&
	     n == VMGS_KP_KEY_LEN;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG,
					 VMGS_KP_TAG_LEN, tag);
	if (!ok) {
		EVP_CIPHER_CTX_free(c);
		return -1;
	}
	ok = EVP_CipherFinal_ex(c, out + n, &n);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG,
					 VMGS_KP_TAG_LEN, tag);
	EVP_CIPHER_CTX_free(c);
	if (!ok && !enc)
		return 1;
	return ok ? 0 : -1;
}

enum vmgs_kp_err vmgs_kp_seal(const uint8_t derived[SNP_DERIVED_KEY_LEN],
			      const struct snp_derived_key_req *r,
			      const uint8_t dek[VMGS_KP_KEY_LEN],
			      uint8_t out[VMGS_KP_SIZE])
{
	uint8_t iv[VMGS_KP_IV_LEN], kek[32];
	int rc;

	memset(out, 0, VMGS_KP_SIZE);
	if (RAND_bytes(iv, sizeof(iv)) != 1 || make_kek(derived, kek))
		return VMGS_KP_E_CRYPTO;
	header_encode(r, iv, out);
	rc = gcm_key(1, kek, iv, out, dek, out + VMGS_KP_OFF(wrapped),
		     out + VMGS_KP_OFF(tag));
	OPENSSL_cleanse(kek, sizeof(kek));
	if (rc)
		memset(out, 0, VMGS_KP_SIZE);
	return rc ? VMGS_KP_E_CRYPTO : VMGS_KP_OK;
}

enum vmgs_kp_err vmgs_kp_open(const uint8_t derived[SNP_DERIVED_KEY_LEN],
			      const struct vmgs_kp *kp,
			      uint8_t dek[VMGS_KP_KEY_LEN])
{
	uint8_t kek[32], tag[VMGS_KP_TAG_LEN];
	int rc;

	if (make_kek(derived, kek))
		return VMGS_KP_E_CRYPTO;
	memcpy(tag, kp->tag, sizeof(tag));
	rc = gcm_key(0, kek, kp->iv, kp->aad, kp->wrapped, dek, tag);
	OPENSSL_cleanse(kek, sizeof(kek));
	if (rc)
		OPENSSL_cleanse(dek, VMGS_KP_KEY_LEN);
	return rc < 0 ? VMGS_KP_E_CRYPTO : rc ? VMGS_KP_E_UNWRAP : VMGS_KP_OK;
}
