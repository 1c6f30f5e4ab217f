// SPDX-License-Identifier: MIT
/*
 * ATTESTATION_REPORT v3 (SPEC.md §2.3; snp_abi.h offsets), signed over
 * bytes [0, 0x2A0) with the chip's VCEK: ECDSA P-384 with SHA-384, R and S
 * stored as 72-byte little-endian integers.
 */
#include "sp.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "mantle_bytes.h"
#include "sp_platform.h"

static void fill(const struct sp_chip *c, const struct sp_vm *vm,
		 const uint8_t *user_data, uint32_t vmpl, uint8_t *r)
{
	static const uint8_t fw[3] = { SP_FW_BUILD, SP_FW_MINOR, SP_FW_MAJOR };
	static const uint32_t tcb_offs[] = { SNP_R_CURRENT_TCB,
					     SNP_R_REPORTED_TCB,
					     SNP_R_COMMITTED_TCB,
					     SNP_R_LAUNCH_TCB };

	memset(r, 0, SNP_REPORT_SIZE);
	put_le32(r + SNP_R_VERSION, SNP_REPORT_VERSION);
	put_le32(r + SNP_R_GUEST_SVN, vm->guest_svn);
	put_le64(r + SNP_R_POLICY, vm->policy);
	memcpy(r + SNP_R_FAMILY_ID, vm->family_id, SP_ID_LEN);
	memcpy(r + SNP_R_IMAGE_ID, vm->image_id, SP_ID_LEN);
	put_le32(r + SNP_R_VMPL, vmpl);
	put_le32(r + SNP_R_SIG_ALGO, SNP_SIG_ALGO_ECDSA_P384_SHA384);
	for (size_t i = 0; i < sizeof(tcb_offs) / sizeof(tcb_offs[0]); i++)
		put_le64(r + tcb_offs[i], c->tcb);
	put_le64(r + SNP_R_PLATFORM_INFO, SP_PLATFORM_INFO);
	put_le32(r + SNP_R_KEY_INFO, SP_KEY_INFO);
	memcpy(r + SNP_R_REPORT_DATA, user_data, SNP_REPORT_DATA_LEN);
	memcpy(r + SNP_R_MEASUREMENT, vm->measurement, SNP_MEASUREMENT_LEN);
	memcpy(r + SNP_R_HOST_DATA, vm->host_data, SP_HOST_DATA_LEN);
	/* No ID block, no author key: their digests stay zero. */
	memcpy(r + SNP_R_REPORT_ID, vm->report_id, SP_REPORT_ID_LEN);
	memset(r + SNP_R_REPORT_ID_MA, 0xff, SP_REPORT_ID_LEN);
	r[SNP_R_CPUID_FAM_ID] = SP_CPUID_FAM;
	r[SNP_R_CPUID_MOD_ID] = SP_CPUID_MOD;
	r[SNP_R_CPUID_STEP] = SP_CPUID_STEP;
	memcpy(r + SNP_R_CHIP_ID, c->chip_id, SNP_CHIP_ID_LEN);
	memcpy(r + SNP_R_CURRENT_VERSION, fw, sizeof(fw));
	memcpy(r + SNP_R_COMMITTED_VERSION, fw, sizeof(fw));
}

/* ECDSA over the signed range; R and S little-endian into the report. */
static int sign(EVP_PKEY *key, uint8_t *r)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t der[160];
	const uint8_t *p = der;
	size_t dlen = sizeof(der);
	ECDSA_SIG *sig = NULL;
	const BIGNUM *br, *bs;
	int ok = m &&
		 EVP_DigestSignInit(m, NULL, EVP_sha384(), NULL, key) == 1 &&
		 EVP_DigestSign(m, der, &dlen, r, SNP_R_SIGNED_LEN) == 1;

	if (ok)
		sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	if (sig) {
		ECDSA_SIG_get0(sig, &br, &bs);
		ok = BN_bn2lebinpad(br, r + SNP_R_SIGNATURE,
				    SNP_SIG_COMPONENT_LEN) > 0 &&
		     BN_bn2lebinpad(bs,
				    r + SNP_R_SIGNATURE + SNP_SIG_COMPONENT_LEN,
				    SNP_SIG_COMPONENT_LEN) > 0;
	}
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(m);
	return sig && ok ? 0 : -1;
}

int sp_report_build(const struct sp_chip *c, const struct sp_vm *vm,
		    const uint8_t user_data[SNP_REPORT_DATA_LEN], uint32_t vmpl,
		    uint8_t report[SNP_REPORT_SIZE])
{
	fill(c, vm, user_data, vmpl, report);
	if (sign(c->vcek, report)) {
		sp_log_ssl("cannot sign the report");
		memset(report, 0, SNP_REPORT_SIZE);
		return -1;
	}
	return 0;
}
