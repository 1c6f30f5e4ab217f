// SPDX-License-Identifier: MIT
/*
 * Every key the simulated chip derives (SPEC.md §4): CHIP_ID, the VCEK
 * signing key and the VCEK root key per TCB, and MSG_KEY_REQ's derived key.
 * All are HKDF-SHA-384 with salt "mantle-sp" and info = label || 0x00 ||
 * context, so two chips (two root secrets) share nothing.
 */
#include "sp.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>

#include "mantle_bytes.h"
#include "sp_platform.h"

#define SP_KDF_SALT "mantle-sp"
#define SP_KDF_INFO_MAX 256u

int sp_hkdf(const uint8_t *ikm, size_t ikm_len, const char *label,
	    const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len)
{
	uint8_t info[SP_KDF_INFO_MAX];
	size_t ll = strlen(label);
	OSSL_PARAM p[5];
	EVP_KDF_CTX *kc;
	EVP_KDF *kdf;
	int ok;

	if (ll + 1 + ctx_len > sizeof(info))
		return -1;
	memcpy(info, label, ll);
	info[ll] = 0;
	if (ctx_len)
		memcpy(info + ll + 1, ctx, ctx_len);
	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)"SHA384", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)ikm, ikm_len);
	p[2] = OSSL_PARAM_construct_octet_string(
		OSSL_KDF_PARAM_SALT, (void *)SP_KDF_SALT, strlen(SP_KDF_SALT));
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info,
						 ll + 1 + ctx_len);
	p[4] = OSSL_PARAM_construct_end();
	ok = kc && EVP_KDF_derive(kc, out, out_len, p) == 1;
	EVP_KDF_CTX_free(kc);
	OPENSSL_cleanse(info, sizeof(info));
	return ok ? 0 : -1;
}

int sp_kdf_chip_id(const uint8_t root[SP_ROOT_SECRET_LEN],
		   uint8_t chip_id[SNP_CHIP_ID_LEN])
{
	memcpy(chip_id, SP_CHIP_ID_PREFIX, SP_CHIP_ID_PREFIX_LEN);
	return sp_hkdf(root, SP_ROOT_SECRET_LEN, "chip-id", NULL, 0,
		       chip_id + SP_CHIP_ID_PREFIX_LEN,
		       SNP_CHIP_ID_LEN - SP_CHIP_ID_PREFIX_LEN);
}

/* An EC P-384 key pair from the private scalar d. */
static EVP_PKEY *ec_from_scalar(const BIGNUM *d, BN_CTX *bc)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
	EC_POINT *q = g ? EC_POINT_new(g) : NULL;
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pc = NULL;
	EVP_PKEY *k = NULL;
	uint8_t pub[1 + 2 * 48];

	if (!q || !b || !EC_POINT_mul(g, q, d, NULL, NULL, bc) ||
	    EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, pub,
			       sizeof(pub), bc) != sizeof(pub) ||
	    !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME,
					     "secp384r1", 0) ||
	    !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pub,
					      sizeof(pub)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(b);
	pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !pc || EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &k, EVP_PKEY_KEYPAIR, params) != 1)
		k = NULL;
out:
	EVP_PKEY_CTX_free(pc);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	EC_POINT_free(q);
	EC_GROUP_free(g);
	return k;
}

EVP_PKEY *sp_kdf_vcek(const uint8_t root[SP_ROOT_SECRET_LEN], uint64_t tcb)
{
	uint8_t ctx[8], okm[64];
	BN_CTX *bc = BN_CTX_secure_new();
	BIGNUM *d = BN_secure_new(), *n1 = BN_new();
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
	EVP_PKEY *k = NULL;

	put_le64(ctx, tcb);
	/* d = 1 + (64 bytes mod (n - 1)): uniform enough, never zero. */
	if (!bc || !d || !n1 || !g ||
	    sp_hkdf(root, SP_ROOT_SECRET_LEN, "vcek", ctx, sizeof(ctx), okm,
		    sizeof(okm)) ||
	    !BN_bin2bn(okm, sizeof(okm), d) ||
	    !BN_copy(n1, EC_GROUP_get0_order(g)) || !BN_sub_word(n1, 1) ||
	    !BN_mod(d, d, n1, bc) || !BN_add_word(d, 1))
		goto out;
	k = ec_from_scalar(d, bc);
out:
	OPENSSL_cleanse(okm, sizeof(okm));
	EC_GROUP_free(g);
	BN_free(n1);
	BN_clear_free(d);
	BN_CTX_free(bc);
	return k;
}

int sp_tcb_le(uint64_t a, uint64_t b)
{
	for (int i = 0; i < 8; i++)
		if (((a >> (8 * i)) & 0xff) > ((b >> (8 * i)) & 0xff))
			return 0;
	return 1;
}

/* SNP refuses what it cannot honour: reserved bits, a VMPL above 3 or
 * below the key's, a guest SVN or TCB above the current ones. */
static int req_valid(const struct sp_chip *c, const struct sp_vm *vm,
		     const struct snp_derived_key_req *r, uint32_t key_vmpl)
{
	return r->root_key_select <= SNP_ROOT_KEY_VMRK && r->rsvd == 0 &&
	       !(r->guest_field_select & ~SNP_FIELD_ALL) &&
	       r->vmpl >= key_vmpl && r->vmpl < SNP_VMPCK_COUNT &&
	       r->guest_svn <= vm->guest_svn &&
	       sp_tcb_le(r->tcb_version, c->tcb);
}

/* The context (SPEC.md §4.3): le32 vmpl, le32 root_key_select, le64
 * guest_field_select, then each selected field in bit order; an
 * unselected field contributes nothing. p holds SP_KDF_CTX_MAX bytes. */
#define SP_KDF_CTX_MAX (16u + 8 + 2 * SP_ID_LEN + SNP_MEASUREMENT_LEN + 4 + 8)
static size_t kdf_context(const struct sp_vm *vm,
			  const struct snp_derived_key_req *r, uint8_t *p)
{
	uint8_t policy[8], svn[4], tcb[8];
	const struct {
		uint64_t bit;
		const uint8_t *val;
		size_t len;
	} fields[] = {
		{ SNP_FIELD_POLICY, policy, sizeof(policy) },
		{ SNP_FIELD_IMAGE_ID, vm->image_id, SP_ID_LEN },
		{ SNP_FIELD_FAMILY_ID, vm->family_id, SP_ID_LEN },
		{ SNP_FIELD_MEASUREMENT, vm->measurement, SNP_MEASUREMENT_LEN },
		{ SNP_FIELD_GUEST_SVN, svn, sizeof(svn) },
		{ SNP_FIELD_TCB_VERSION, tcb, sizeof(tcb) },
	};
	size_t n = 16;

	put_le64(policy, vm->policy);
	put_le32(svn, r->guest_svn);
	put_le64(tcb, r->tcb_version);
	put_le32(p, r->vmpl);
	put_le32(p + 4, r->root_key_select);
	put_le64(p + 8, r->guest_field_select);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!(r->guest_field_select & fields[i].bit))
			continue;
		memcpy(p + n, fields[i].val, fields[i].len);
		n += fields[i].len;
	}
	return n;
}

/* The root key: the VMRK, or the VCEK root of the TCB the request names
 * (its tcb_version when selected, else the current TCB). */
static int root_key(const struct sp_chip *c, const struct sp_vm *vm,
		    const struct snp_derived_key_req *r,
		    uint8_t out[SP_ROOT_KEY_LEN])
{
	uint8_t tcb[8];

	if (r->root_key_select == SNP_ROOT_KEY_VMRK) {
		memcpy(out, vm->vmrk, SP_ROOT_KEY_LEN);
		return 0;
	}
	put_le64(tcb, r->guest_field_select & SNP_FIELD_TCB_VERSION ?
			      r->tcb_version :
			      c->tcb);
	return sp_hkdf(c->root, SP_ROOT_SECRET_LEN, "vcek-root", tcb,
		       sizeof(tcb), out, SP_ROOT_KEY_LEN);
}

int sp_kdf_derive(const struct sp_chip *c, const struct sp_vm *vm,
		  const struct snp_derived_key_req *r, uint32_t key_vmpl,
		  uint8_t key[SNP_DERIVED_KEY_LEN])
{
	uint8_t rk[SP_ROOT_KEY_LEN], ctx[SP_KDF_CTX_MAX];
	size_t n;
	int rc;

	memset(key, 0, SNP_DERIVED_KEY_LEN);
	if (!req_valid(c, vm, r, key_vmpl))
		return SNP_STATUS_INVALID_PARAM;
	n = kdf_context(vm, r, ctx);
	rc = root_key(c, vm, r, rk) ||
	     sp_hkdf(rk, sizeof(rk), "derived-key", ctx, n, key,
		     SNP_DERIVED_KEY_LEN);
	OPENSSL_cleanse(rk, sizeof(rk));
	if (rc) {
		memset(key, 0, SNP_DERIVED_KEY_LEN);
		return -1;
	}
	return SNP_STATUS_SUCCESS;
}
