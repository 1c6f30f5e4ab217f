// SPDX-License-Identifier: MIT
/* mantle-sp derivations (sp_kdf.c): known-answer vectors computed
 * independently from SPEC.md §4 (Python hmac), determinism, and which
 * inputs change the MSG_KEY_REQ key (every selected field, VMPL, root key
 * select, TCB) and which do not (unselected fields). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sp_fixture.h"
#include "sp_platform.h"

static struct sp_chip chip;
static struct sp_vm vm;

static int setup(void **state)
{
	(void)state;
	sp_log_quiet(1);
	memset(&chip, 0, sizeof(chip));
	for (int i = 0; i < 64; i++)
		chip.root[i] = (uint8_t)i;
	chip.tcb = SP_TCB;
	memset(&vm, 0, sizeof(vm));
	vm.launched = 1;
	vm.policy = SP_DEFAULT_POLICY;
	memset(vm.image_id, 0x11, sizeof(vm.image_id));
	memset(vm.family_id, 0x22, sizeof(vm.family_id));
	memset(vm.measurement, 0x33, sizeof(vm.measurement));
	memset(vm.vmrk, 0x44, sizeof(vm.vmrk));
	return 0;
}

static void derive(const struct snp_derived_key_req *r, uint8_t *key)
{
	assert_int_equal(sp_kdf_derive(&chip, &vm, r, 0, key),
			 SNP_STATUS_SUCCESS);
}

static void test_vectors(void **state)
{
	uint8_t key[32], want[32], id[64], want_id[64];
	const struct snp_derived_key_req all = {
		.guest_field_select = SNP_FIELD_ALL,
		.vmpl = 1,
		.tcb_version = SNP_TCB(1, 0, 1, 0),
	};
	const struct snp_derived_key_req vmrk = { .root_key_select = 1 };
	const struct snp_derived_key_req meas = {
		.guest_field_select = SNP_FIELD_MEASUREMENT,
		.vmpl = 2,
	};

	(void)state;
	assert_int_equal(sp_kdf_chip_id(chip.root, id), 0);
	fx_hex("4d414e544c452d53494d554c415445447852ae6decd46c864d1edd8a3b52ee"
	       "588cfd5117d9ca55ef61bfcfa38289c99405e68709c4fab4de33638f057d19"
	       "abab",
	       want_id, 64);
	assert_memory_equal(id, want_id, 64);
	derive(&all, key);
	fx_hex("e64d5e5c3ef7be9cd52c782597d58633467a7a35b91616c8f4572c0bae469806",
	       want, 32);
	assert_memory_equal(key, want, 32);
	derive(&vmrk, key);
	fx_hex("4cc3caaf9ba0eec657e83ff2eef749e4a8beb646b7e7af3caac5a00dec2da56b",
	       want, 32);
	assert_memory_equal(key, want, 32);
	derive(&meas, key);
	fx_hex("cfc4fd0b9752773bb7e2607ded609596194140ba77323634fabbb9b27a0d2ec5",
	       want, 32);
	assert_memory_equal(key, want, 32);
}

/* Each field: the vm value it reads, so the test can change it. */
static uint8_t *field_byte(uint64_t bit)
{
	switch (bit) {
	case SNP_FIELD_POLICY:
		return (uint8_t *)&vm.policy; /* any byte of it will do */
	case SNP_FIELD_IMAGE_ID:
		return vm.image_id;
	case SNP_FIELD_FAMILY_ID:
		return vm.family_id;
	case SNP_FIELD_MEASUREMENT:
		return vm.measurement + 47;
	default:
		return NULL;
	}
}

static void test_field_select(void **state)
{
	uint8_t base[32], k[32], k2[32];
	struct snp_derived_key_req r = { 0 };

	(void)state;
	derive(&r, base);
	derive(&r, k);
	assert_memory_equal(base, k, 32); /* deterministic */
	for (uint64_t bit = 1; bit <= SNP_FIELD_TCB_VERSION; bit <<= 1) {
		uint8_t *b = field_byte(bit);

		r.guest_field_select = bit;
		derive(&r, k);
		assert_memory_not_equal(base, k, 32);
		if (!b)
			continue;
		/* Selected: the field's value changes the key. */
		*b ^= 0x80;
		derive(&r, k2);
		assert_memory_not_equal(k, k2, 32);
		/* Unselected: it changes nothing. */
		r.guest_field_select = SNP_FIELD_ALL & ~bit;
		derive(&r, k2);
		*b ^= 0x80;
		derive(&r, k);
		assert_memory_equal(k, k2, 32);
		r.guest_field_select = 0;
	}
}

static void test_vmpl_root_tcb(void **state)
{
	uint8_t base[32], k[32];
	struct snp_derived_key_req r = { 0 };

	(void)state;
	derive(&r, base);
	r.vmpl = 1;
	derive(&r, k);
	assert_memory_not_equal(base, k, 32);
	r.vmpl = 0;
	r.root_key_select = SNP_ROOT_KEY_VMRK;
	derive(&r, k);
	assert_memory_not_equal(base, k, 32);
	/* The VMRK is per launch; the VCEK root is per chip. */
	vm.vmrk[0] ^= 1;
	derive(&r, base);
	assert_memory_not_equal(base, k, 32);
	vm.vmrk[0] ^= 1;
	r.root_key_select = SNP_ROOT_KEY_VCEK;
	/* A lower TCB selected gives another key; the same TCB value
	 * unselected is ignored. */
	r.guest_field_select = SNP_FIELD_TCB_VERSION;
	r.tcb_version = SNP_TCB(1, 1, 1, 0);
	derive(&r, base);
	r.tcb_version = SNP_TCB(1, 1, 0, 1);
	derive(&r, k);
	assert_memory_not_equal(base, k, 32);
	r.guest_field_select = 0;
	derive(&r, base);
	r.tcb_version = 0;
	derive(&r, k);
	assert_memory_equal(base, k, 32);
	/* Another chip (root secret): another key. */
	chip.root[63] ^= 1;
	derive(&r, base);
	chip.root[63] ^= 1;
	assert_memory_not_equal(base, k, 32);
}

static void test_refused(void **state)
{
	uint8_t k[32];
	const struct snp_derived_key_req bad[] = {
		{ .root_key_select = 2 },
		{ .rsvd = 1 },
		{ .guest_field_select = 1ull << 6 },
		{ .vmpl = 4 },
		{ .guest_svn = 1 },
		{ .tcb_version = SNP_TCB(1, 1, 1, 2) },
		{ .tcb_version = SP_TCB | 1ull << 24 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sp_kdf_derive(&chip, &vm, &bad[i], 0, k),
				 SNP_STATUS_INVALID_PARAM);
	/* Below the key's own VMPL. */
	const struct snp_derived_key_req low = { .vmpl = 1 };
	assert_int_equal(sp_kdf_derive(&chip, &vm, &low, 2, k),
			 SNP_STATUS_INVALID_PARAM);
	assert_int_equal(sp_kdf_derive(&chip, &vm, &low, 1, k),
			 SNP_STATUS_SUCCESS);
}

static void test_tcb_le_and_vcek(void **state)
{
	EVP_PKEY *a, *b, *c;

	(void)state;
	assert_true(sp_tcb_le(SP_TCB, SP_TCB));
	assert_true(sp_tcb_le(0, SP_TCB));
	/* Per component, not as a number: ucode 0 but bl 2 is not lower. */
	assert_false(sp_tcb_le(SNP_TCB(2, 0, 0, 0), SNP_TCB(1, 0, 0, 1)));
	a = sp_kdf_vcek(chip.root, SP_TCB);
	b = sp_kdf_vcek(chip.root, SP_TCB);
	c = sp_kdf_vcek(chip.root, SNP_TCB(1, 1, 1, 2));
	assert_non_null(a);
	assert_non_null(c);
	assert_int_equal(EVP_PKEY_eq(a, b), 1);
	assert_int_not_equal(EVP_PKEY_eq(a, c), 1);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	EVP_PKEY_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vectors, setup),
		cmocka_unit_test_setup(test_field_select, setup),
		cmocka_unit_test_setup(test_vmpl_root_tcb, setup),
		cmocka_unit_test_setup(test_refused, setup),
		cmocka_unit_test_setup(test_tcb_le_and_vcek, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
