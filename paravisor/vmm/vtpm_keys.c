// SPDX-License-Identifier: MIT
/*
 * The EK and the AK at each power-on (vtpm.h step 3; paravisor/vmm/
 * README.md "EK and AK"). Both are primary keys of the endorsement
 * hierarchy, so TPM2_CreatePrimary with the same template gives the same
 * key for as long as the endorsement seed lasts: the paravisor recreates
 * them at every boot instead of trusting what the TPM's NV holds, which
 * the guest can write.
 *
 *  - EK: the TCG EK Credential Profile's RSA-2048 low-range template;
 *    its public part is kept in struct vtpm_keys and logged, the key is
 *    flushed, never persisted (the guest may persist it itself).
 *  - AK: a restricted RSA-2048 RSASSA-SHA256 signing key, persisted at
 *    0x81000003. Whatever is there is read back first: the same public
 *    area byte for byte is kept; anything else is a substituted AK
 *    (CVE-2025-49707), evicted with platform authorization (which may
 *    evict any persistent object), logged and counted, and the real AK
 *    persisted in its place.
 *
 * Authorization. CreatePrimary in the endorsement hierarchy needs
 * endorsementAuth, and persisting an endorsement key at an owner-range
 * handle needs ownerAuth (platformAuth may only persist platform-hierarchy
 * objects at platform-range handles). Both are empty unless the guest set
 * them, and the paravisor knows no password the guest set; so it reads
 * TPM_PT_PERMANENT first and never tries a password it does not have:
 *  - endorsementAuth set: no EK, no AK this boot (have_* 0), and the
 *    object at 0x81000003 is left alone: it cannot be checked, so it is
 *    neither evicted nor reported;
 *  - ownerAuth set: the EK and AK are created and reported, a substitute
 *    at 0x81000003 is still evicted, but the AK cannot be persisted:
 *    0x81000003 stays empty (ak_persisted 0, ak_unpersisted counted).
 * Every other persistent handle and NV index is never touched.
 */
#include "vtpm.h"
#include "log.h"

#include <string.h>

#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#define RSA_2048_BYTES 256

/* TCG EK Credential Profile, template L-1 (RSA 2048, low range): the
 * authPolicy is PolicyA with SHA-256 (PolicySecret(TPM_RH_ENDORSEMENT)). */
static const TPM2B_PUBLIC ek_template = {
	.publicArea = {
		.type = TPM2_ALG_RSA,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = TPMA_OBJECT_FIXEDTPM |
				    TPMA_OBJECT_FIXEDPARENT |
				    TPMA_OBJECT_SENSITIVEDATAORIGIN |
				    TPMA_OBJECT_ADMINWITHPOLICY |
				    TPMA_OBJECT_RESTRICTED |
				    TPMA_OBJECT_DECRYPT,
		.authPolicy = {
			.size = 32,
			.buffer = { 0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xB3,
				    0xF8, 0x1A, 0x90, 0xCC, 0x8D, 0x46, 0xA5,
				    0xD7, 0x24, 0xFD, 0x52, 0xD7, 0x6E, 0x06,
				    0x52, 0x0B, 0x64, 0xF2, 0xA1, 0xDA, 0x1B,
				    0x33, 0x14, 0x69, 0xAA },
		},
		.parameters.rsaDetail = {
			.symmetric = { .algorithm = TPM2_ALG_AES,
				       .keyBits.aes = 128,
				       .mode.aes = TPM2_ALG_CFB },
			.scheme = { .scheme = TPM2_ALG_NULL },
			.keyBits = 2048,
			.exponent = 0,
		},
		.unique.rsa = { .size = RSA_2048_BYTES },
	},
};

/* The AK (OPENVMM-FACTS §4.4): restricted signing, RSASSA-SHA256, no
 * policy, no password needed to sign (userWithAuth, empty authValue). */
static const TPM2B_PUBLIC ak_template = {
	.publicArea = {
		.type = TPM2_ALG_RSA,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = TPMA_OBJECT_FIXEDTPM |
				    TPMA_OBJECT_FIXEDPARENT |
				    TPMA_OBJECT_SENSITIVEDATAORIGIN |
				    TPMA_OBJECT_USERWITHAUTH |
				    TPMA_OBJECT_NODA |
				    TPMA_OBJECT_RESTRICTED |
				    TPMA_OBJECT_SIGN_ENCRYPT,
		.parameters.rsaDetail = {
			.symmetric = { .algorithm = TPM2_ALG_NULL },
			.scheme = { .scheme = TPM2_ALG_RSASSA,
				    .details.rsassa.hashAlg = TPM2_ALG_SHA256 },
			.keyBits = 2048,
			.exponent = 0,
		},
		.unique.rsa = { .size = RSA_2048_BYTES },
	},
};

const TPM2B_PUBLIC *vtpm_ek_template(void)
{
	return &ek_template;
}

const TPM2B_PUBLIC *vtpm_ak_template(void)
{
	return &ak_template;
}

/* The TPMT_PUBLIC bytes of p with unique replaced by the template's. */
static size_t marshal_shape(const TPM2B_PUBLIC *p, const TPM2B_PUBLIC *tmpl,
			    uint8_t *buf, size_t cap)
{
	TPMT_PUBLIC t = p->publicArea;
	size_t off = 0;

	t.unique = tmpl->publicArea.unique;
	return Tss2_MU_TPMT_PUBLIC_Marshal(&t, buf, cap, &off) ? 0 : off;
}

int vtpm_pub_matches(const struct tpm_pub *got, const TPM2B_PUBLIC *tmpl)
{
	uint8_t a[sizeof(TPMT_PUBLIC)], b[sizeof(TPMT_PUBLIC)];
	size_t na = marshal_shape(&got->pub, tmpl, a, sizeof(a));
	size_t nb = marshal_shape(tmpl, tmpl, b, sizeof(b));

	return na && na == nb && memcmp(a, b, na) == 0 &&
	       got->pub.publicArea.type == TPM2_ALG_RSA &&
	       got->pub.publicArea.unique.rsa.size == RSA_2048_BYTES;
}

/* "sha256=<hex>" of the marshalled TPM2B_PUBLIC, into out (72 bytes). */
static void pub_hash(const struct tpm_pub *p, char out[72])
{
	uint8_t d[32];
	unsigned int i;

	strcpy(out, "sha256=");
	if (EVP_Digest(p->raw, p->raw_len, d, NULL, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < sizeof(d); i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

/* CreatePrimary(ENDORSEMENT, tmpl), checked; *h the transient handle. */
static int create_checked(const struct tpm_io *io, const char *name,
			  const TPM2B_PUBLIC *tmpl, uint32_t *h,
			  struct tpm_pub *out)
{
	uint32_t rc =
		tpm_cmd_create_primary(io, TPM2_RH_ENDORSEMENT, tmpl, h, out);

	if (rc) {
		pv_log("vtpm: cannot create the %s: %s 0x%x", name,
		       tpm_cmd_strerror(rc), (unsigned int)rc);
		return -1;
	}
	if (!vtpm_pub_matches(out, tmpl)) {
		pv_log("vtpm: the %s the TPM created does not have its "
		       "template; not reported",
		       name);
		tpm_cmd_flush_context(io, *h);
		return -1;
	}
	return 0;
}

static void make_ek(struct vtpm_keys *k, const struct tpm_io *io)
{
	char hash[72];
	uint32_t h;

	if (create_checked(io, "EK", &ek_template, &h, &k->ek) < 0)
		return;
	tpm_cmd_flush_context(io, h);
	k->have_ek = 1;
	pub_hash(&k->ek, hash);
	pv_log("vtpm: EK public %s (RSA-2048, TCG template L-1; not "
	       "persisted)",
	       hash);
}

/* Whatever is at TPM_AK_HANDLE and is not the AK goes. 1: the AK is
 * already there; 0: the handle is free now; -1: failed. */
static int ak_clear_slot(struct vtpm_keys *k, const struct tpm_io *io)
{
	struct tpm_pub cur;
	uint32_t rc = tpm_cmd_read_public(io, TPM_AK_HANDLE, &cur);

	if (rc == TPM_RC_HANDLE_1)
		return 0;
	if (rc == 0 && cur.raw_len == k->ak.raw_len &&
	    memcmp(cur.raw, k->ak.raw, cur.raw_len) == 0)
		return 1;
	if (rc) {
		pv_log("vtpm: cannot read 0x%x: %s 0x%x", TPM_AK_HANDLE,
		       tpm_cmd_strerror(rc), (unsigned int)rc);
		return -1;
	}
	k->ak_substitutes++;
	pv_log("vtpm: 0x%x holds a key that is not the AK (a substituted "
	       "AK, CVE-2025-49707): evicting it (%llu so far)",
	       TPM_AK_HANDLE, (unsigned long long)k->ak_substitutes);
	rc = tpm_cmd_evict_control(io, TPM2_RH_PLATFORM, TPM_AK_HANDLE,
				   TPM_AK_HANDLE);
	if (rc) {
		pv_log("vtpm: cannot evict it: %s 0x%x", tpm_cmd_strerror(rc),
		       (unsigned int)rc);
		return -1;
	}
	return 0;
}

/* The AK at TPM_AK_HANDLE: kept, or persisted from transient handle h. */
static const char *ak_install(struct vtpm_keys *k, const struct tpm_io *io,
			      uint32_t h, uint32_t perm)
{
	int slot = ak_clear_slot(k, io);
	uint32_t rc;

	if (slot == 1) {
		k->ak_persisted = 1;
		return "kept";
	}
	if (slot < 0)
		return "not persisted";
	if (perm & TPMA_PERMANENT_OWNERAUTHSET) {
		pv_log("vtpm: the guest set an owner password: the AK cannot "
		       "be persisted this boot");
		return "not persisted";
	}
	rc = tpm_cmd_evict_control(io, TPM2_RH_OWNER, h, TPM_AK_HANDLE);
	if (rc) {
		pv_log("vtpm: cannot persist the AK: %s 0x%x",
		       tpm_cmd_strerror(rc), (unsigned int)rc);
		return "not persisted";
	}
	k->ak_persisted = 1;
	return "persisted";
}

static void make_ak(struct vtpm_keys *k, const struct tpm_io *io, uint32_t perm)
{
	const char *what;
	char hash[72];
	uint32_t h;

	if (create_checked(io, "AK", &ak_template, &h, &k->ak) < 0)
		return;
	k->have_ak = 1;
	what = ak_install(k, io, h, perm);
	tpm_cmd_flush_context(io, h);
	if (!k->ak_persisted)
		k->ak_unpersisted++;
	pub_hash(&k->ak, hash);
	pv_log("vtpm: AK public %s at 0x%x: %s", hash, TPM_AK_HANDLE, what);
}

void vtpm_keys_provision(struct vtpm_keys *k, const struct tpm_io *io)
{
	uint32_t perm = 0;
	uint32_t rc = tpm_cmd_permanent(io, &perm);

	k->have_ek = k->have_ak = k->ak_persisted = 0;
	if (rc) {
		pv_log("vtpm: cannot read TPM_PT_PERMANENT: %s 0x%x; no EK, "
		       "no AK",
		       tpm_cmd_strerror(rc), (unsigned int)rc);
		return;
	}
	if (perm & TPMA_PERMANENT_ENDORSEMENTAUTHSET) {
		pv_log("vtpm: the guest set an endorsement password: no EK, "
		       "no AK this boot; 0x%x left unchecked and unreported",
		       TPM_AK_HANDLE);
		return;
	}
	make_ek(k, io);
	make_ak(k, io, perm);
}
