// SPDX-License-Identifier: MIT
/* The key protector's bytes (vmgs_protector.h): layout, checks, wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_sp.h"
#include "mantle_bytes.h"
#include "vmgs_protector.h"

static const uint8_t dek[32] = {
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
	0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5,
	0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef
};

/* A protector sealed on chip c under policy p. */
static void seal(struct fake_chip *c, enum vmgs_key_policy p,
		 uint8_t out[VMGS_KP_SIZE])
{
	struct snp_derived_key_req r;
	uint8_t k[32];

	vmgs_kp_request(p, c->tcb, &r);
	assert_int_equal(fake_chip_derive(c, &r, k), 0);
	assert_int_equal(vmgs_kp_seal(k, &r, dek, out), VMGS_KP_OK);
}

/* Decode and unwrap on chip c, as the paravisor does. */
static enum vmgs_kp_err open_on(struct fake_chip *c, const uint8_t *buf,
				size_t len, uint8_t out[32])
{
	struct vmgs_kp kp;
	uint8_t k[32];
	enum vmgs_kp_err e = vmgs_kp_decode(buf, len, &kp);

	if (e)
		return e;
	if (fake_chip_derive(c, &kp.req, k))
		return VMGS_KP_E_UNWRAP;
	return vmgs_kp_open(k, &kp, out);
}

static void test_layout(void **state)
{
	struct fake_chip c;
	uint8_t b[VMGS_KP_SIZE], out[32];
	struct vmgs_kp kp;

	(void)state;
	fake_chip_init(&c, 1, 1);
	seal(&c, VMGS_KEY_POLICY_MEASUREMENT, b);
	assert_memory_equal(b, "MNTLVMKP", 8);
	assert_int_equal(get_le32(b + 8), 1);
	assert_int_equal(get_le32(b + 12), VMGS_KP_SIZE);
	assert_int_equal(get_le32(b + 16), VMGS_KP_TEE_SNP);
	assert_int_equal(b[20], 1);
	assert_int_equal(get_le32(b + 24), SNP_ROOT_KEY_VCEK);
	assert_int_equal(get_le64(b + 32), VMGS_KP_FIELDS_MEASUREMENT);
	assert_int_equal(get_le32(b + 40), 0);
	assert_int_equal(get_le64(b + 48), c.tcb);
	assert_int_equal(vmgs_kp_decode(b, sizeof(b), &kp), VMGS_KP_OK);
	assert_int_equal(kp.policy, VMGS_KEY_POLICY_MEASUREMENT);
	assert_null(memmem(b, sizeof(b), dek, sizeof(dek)));
	assert_int_equal(open_on(&c, b, sizeof(b), out), VMGS_KP_OK);
	assert_memory_equal(out, dek, 32);
	/* Default policy: no measurement mixed in. */
	seal(&c, VMGS_KEY_POLICY_DEFAULT, b);
	assert_int_equal(b[20], 0);
	assert_int_equal(get_le64(b + 32), VMGS_KP_FIELDS_DEFAULT);
	assert_int_equal(open_on(&c, b, sizeof(b), out), VMGS_KP_OK);
}

/* Every byte, every bit flipped: refused, never another key. */
static void test_every_flip_refused(void **state)
{
	struct fake_chip c;
	uint8_t b[VMGS_KP_SIZE], out[32];

	(void)state;
	fake_chip_init(&c, 1, 1);
	seal(&c, VMGS_KEY_POLICY_DEFAULT, b);
	for (size_t i = 0; i < sizeof(b); i++) {
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			assert_int_not_equal(open_on(&c, b, sizeof(b), out),
					     VMGS_KP_OK);
			b[i] ^= (uint8_t)(1u << bit);
		}
	}
	assert_int_equal(open_on(&c, b, sizeof(b), out), VMGS_KP_OK);
	assert_int_equal(open_on(&c, b, sizeof(b) - 1, out), VMGS_KP_E_SIZE);
}

static void test_other_chip(void **state)
{
	struct fake_chip a, b;
	uint8_t kp[VMGS_KP_SIZE], out[32];

	(void)state;
	fake_chip_init(&a, 1, 1);
	fake_chip_init(&b, 2, 1);
	seal(&a, VMGS_KEY_POLICY_DEFAULT, kp);
	assert_int_equal(open_on(&b, kp, sizeof(kp), out), VMGS_KP_E_UNWRAP);
}

/* A protector naming a request the paravisor never makes is refused
 * before anything is derived: with GUEST_FIELD_SELECT 0 a VM the host
 * launches on the same chip derives the same key. */
static void test_foreign_requests_refused(void **state)
{
	static const struct {
		size_t off;
		uint64_t v;
		int wide;
	} bad[] = {
		{ 24 + 0, SNP_ROOT_KEY_VMRK, 0 }, /* root key */
		{ 24 + 4, 1, 0 }, /* rsvd */
		{ 24 + 8, 0, 1 }, /* nothing mixed in */
		{ 24 + 8, SNP_FIELD_ALL, 1 },
		{ 24 + 8, SNP_FIELD_MEASUREMENT, 1 },
		{ 24 + 16, 1, 0 }, /* VMPL 1 */
		{ 24 + 20, 7, 0 }, /* guest SVN */
	};
	struct fake_chip c;
	uint8_t b[VMGS_KP_SIZE], t[VMGS_KP_SIZE];
	struct vmgs_kp kp;

	(void)state;
	fake_chip_init(&c, 1, 1);
	seal(&c, VMGS_KEY_POLICY_DEFAULT, b);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(t, b, sizeof(t));
		if (bad[i].wide)
			put_le64(t + bad[i].off, bad[i].v);
		else
			put_le32(t + bad[i].off, (uint32_t)bad[i].v);
		assert_int_equal(vmgs_kp_decode(t, sizeof(t), &kp),
				 VMGS_KP_E_REQUEST);
	}
	/* mix_measurement must agree with the field select. */
	memcpy(t, b, sizeof(t));
	t[20] = 1;
	assert_int_equal(vmgs_kp_decode(t, sizeof(t), &kp), VMGS_KP_E_REQUEST);
}

static void test_policy_names(void **state)
{
	enum vmgs_key_policy p;

	(void)state;
	assert_int_equal(vmgs_key_policy_parse("measurement", &p), 0);
	assert_int_equal(p, VMGS_KEY_POLICY_MEASUREMENT);
	assert_int_equal(vmgs_key_policy_parse("default", &p), 0);
	assert_int_equal(p, VMGS_KEY_POLICY_DEFAULT);
	assert_int_equal(vmgs_key_policy_parse("Measurement", &p), -1);
	assert_int_equal(vmgs_key_policy_parse("", &p), -1);
	for (int e = 0; e < VMGS_KP_E_COUNT; e++)
		assert_non_null(vmgs_kp_strerror((enum vmgs_kp_err)e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_every_flip_refused),
		cmocka_unit_test(test_other_chip),
		cmocka_unit_test(test_foreign_requests_refused),
		cmocka_unit_test(test_policy_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
