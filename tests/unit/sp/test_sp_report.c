// SPDX-License-Identifier: MIT
/* mantle-sp reports (sp_report.c): every field at its offset, must-be-zero
 * ranges zero, and the signature verifies with the VCEK certificate's
 * public key through OpenSSL (R and S little-endian, 72 bytes each). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "mantle_bytes.h"
#include "sp_fixture.h"
#include "sp_platform.h"

static struct fx fx;
static uint8_t rep[SNP_REPORT_SIZE];

static int setup(void **state)
{
	uint8_t data[64];

	(void)state;
	fx_open(&fx);
	fx_launch(&fx);
	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(0xc0 ^ i);
	assert_int_equal(sp_report_build(&fx.chip, &fx.sp.vm, data, 1, rep), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_close(&fx);
	return 0;
}

static int zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static void test_fields(void **state)
{
	uint8_t m[48];

	(void)state;
	assert_int_equal(get_le32(rep + 0x000), 3);
	assert_int_equal(get_le32(rep + 0x004), 0);
	assert_int_equal(get_le64(rep + 0x008), SP_DEFAULT_POLICY);
	assert_true(zero(rep + 0x010, 32)); /* FAMILY_ID, IMAGE_ID */
	assert_int_equal(get_le32(rep + 0x030), 1);
	assert_int_equal(get_le32(rep + 0x034), 1);
	assert_int_equal(get_le64(rep + 0x038), SP_TCB);
	assert_int_equal(get_le64(rep + 0x040), SP_PLATFORM_INFO);
	assert_int_equal(get_le32(rep + 0x048), 0); /* VCEK, chip unmasked */
	assert_true(zero(rep + 0x04C, 4));
	for (int i = 0; i < 64; i++)
		assert_int_equal(rep[0x050 + i], 0xc0 ^ i);
	fx_hex(FX_MEASUREMENT, m, 48);
	assert_memory_equal(rep + 0x090, m, 48);
	for (int i = 0; i < 32; i++)
		assert_int_equal(rep[0x0C0 + i], 0x42);
	assert_true(zero(rep + 0x0E0, 96)); /* ID and author key digests */
	assert_memory_equal(rep + 0x140, fx.sp.vm.report_id, 32);
	assert_false(zero(rep + 0x140, 32));
	for (int i = 0; i < 32; i++)
		assert_int_equal(rep[0x160 + i], 0xff);
	assert_int_equal(get_le64(rep + 0x180), SP_TCB);
	assert_int_equal(rep[0x188], 0x19);
	assert_int_equal(rep[0x189], 0x01);
	assert_int_equal(rep[0x18A], 0x01);
	assert_true(zero(rep + 0x18B, 0x1A0 - 0x18B));
	assert_memory_equal(rep + 0x1A0, "MANTLE-SIMULATED", 16);
	assert_memory_equal(rep + 0x1A0, fx.chip.chip_id, 64);
	assert_int_equal(get_le64(rep + 0x1E0), SP_TCB);
	assert_int_equal(rep[0x1E8], SP_FW_BUILD);
	assert_int_equal(rep[0x1E9], SP_FW_MINOR);
	assert_int_equal(rep[0x1EA], SP_FW_MAJOR);
	assert_int_equal(rep[0x1EB], 0);
	assert_memory_equal(rep + 0x1EC, rep + 0x1E8, 4);
	assert_int_equal(get_le64(rep + 0x1F0), SP_TCB);
	assert_true(zero(rep + 0x1F8, 0x2A0 - 0x1F8));
	/* R and S: 48 significant bytes, then zero to the end. */
	assert_true(zero(rep + 0x2A0 + 48, 24));
	assert_true(zero(rep + 0x2E8 + 48, 24));
	assert_true(zero(rep + 0x330, SNP_REPORT_SIZE - 0x330));
}

/* OpenSSL's own verification, from the VCEK certificate's key. */
static int verify(const uint8_t *r)
{
	uint8_t be_r[48], be_s[48], *der = NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int len, ok;

	for (int i = 0; i < 48; i++) {
		be_r[i] = r[0x2A0 + 47 - i];
		be_s[i] = r[0x2E8 + 47 - i];
	}
	ECDSA_SIG_set0(sig, BN_bin2bn(be_r, 48, NULL),
		       BN_bin2bn(be_s, 48, NULL));
	len = i2d_ECDSA_SIG(sig, &der);
	ok = EVP_DigestVerifyInit(m, NULL, EVP_sha384(), NULL,
				  X509_get0_pubkey(fx.chip.vcek_cert)) == 1 &&
	     EVP_DigestVerify(m, der, (size_t)len, r, 0x2A0) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(m);
	return ok;
}

static void test_signature(void **state)
{
	uint8_t copy[SNP_REPORT_SIZE];

	(void)state;
	assert_true(verify(rep));
	memcpy(copy, rep, sizeof(copy));
	copy[0x090] ^= 1; /* the measurement */
	assert_false(verify(copy));
	memcpy(copy, rep, sizeof(copy));
	copy[0x29F] ^= 1; /* the last signed byte */
	assert_false(verify(copy));
	memcpy(copy, rep, sizeof(copy));
	copy[0x2A0] ^= 1; /* R */
	assert_false(verify(copy));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_signature),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
