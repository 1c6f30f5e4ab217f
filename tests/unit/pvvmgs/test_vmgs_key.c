// SPDX-License-Identifier: MIT
/*
 * The VMGS key policy (vmgs_key.h) on an in-memory VMGS with fake chips:
 * provisioned encrypted with no plaintext left, reopened, and every
 * refusal (other chip, tampered or swapped or host-made protector,
 * plaintext downgrade, policy, no secure processor) leaving the bytes as
 * they were; provisioning killed at every write never loses a key with
 * data behind it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_sp.h"
#include "mem_store.h"

static const char secret_data[] = "MANTLE-TEST-STATE: nobody but the "
				  "paravisor may read this sentence";

struct env {
	struct fake_chip chip;
	struct mem_store m;
	struct vmgs_key_cfg cfg;
	char why[512];
};

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_chip_init(&e->chip, 1, 1);
	mem_store_init(&e->m, NULL);
	e->cfg = (struct vmgs_key_cfg){ .sp = &e->chip.sp };
	return e;
}

static int setup(void **state)
{
	*state = env_new();
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	mem_store_free(&e->m);
	free(e);
	return 0;
}

static enum vmgs_key_result open_v(struct env *e, bool may_provision,
				   struct vmgs **v)
{
	enum vmgs_key_result r = vmgs_key_open(&e->m.st, &e->cfg, may_provision,
					       v, e->why, sizeof(e->why));

	print_message("  %s: %s\n", vmgs_key_result_name(r), e->why);
	assert_true((*v != NULL) ==
		    (r == VMGS_KEY_OPENED || r == VMGS_KEY_PROVISIONED));
	return r;
}

/* Opens, asserts result want, closes. */
static void expect(struct env *e, bool may_provision, enum vmgs_key_result want)
{
	struct vmgs *v = NULL;

	assert_int_equal(open_v(e, may_provision, &v), want);
	if (v)
		vmgs_close(v);
}

/* Refused, and not one byte written. */
static void expect_refused(struct env *e, enum vmgs_key_result want)
{
	uint8_t *before = malloc(MEM_STORE_SIZE);

	assert_non_null(before);
	memcpy(before, e->m.buf, MEM_STORE_SIZE);
	expect(e, true, want);
	assert_memory_equal(before, e->m.buf, MEM_STORE_SIZE);
	free(before);
}

/* Provisions e's VMGS and writes the secret as paravisor state. */
static void provision_with_data(struct env *e)
{
	struct vmgs *v = NULL;

	assert_int_equal(open_v(e, true, &v), VMGS_KEY_PROVISIONED);
	assert_true(vmgs_is_encrypted(v) && vmgs_is_unlocked(v));
	assert_int_equal(vmgs_key_write_state(v, VMGS_FID_BIOS_NVRAM,
					      secret_data, sizeof(secret_data)),
			 VMGS_OK);
	vmgs_close(v);
}

/* The live key protector (the table's file 11; freed blocks may hold
 * older copies). */
static uint8_t *find_protector(struct env *e)
{
	struct vmgs_file_info info;
	struct vmgs_io io;
	struct vmgs *v;
	uint8_t *p;

	ms_io_new(&e->m, &io);
	assert_int_equal(vmgs_open(&io, VMGS_OPEN_RAW, &v), VMGS_OK);
	assert_int_equal(vmgs_stat(v, VMGS_FID_HW_KEY_PROTECTOR, &info),
			 VMGS_OK);
	vmgs_close(v);
	p = e->m.buf + (uint64_t)info.block_offset * VMGS_BLOCK_SIZE;
	assert_memory_equal(p, VMGS_KP_MAGIC, VMGS_KP_MAGIC_LEN);
	return p;
}

/* The datastore key, recovered the way only the chip can. */
static void recover_dek(struct env *e, uint8_t dek[32])
{
	struct vmgs_kp kp;
	uint8_t k[32];

	assert_int_equal(vmgs_kp_decode(find_protector(e), VMGS_KP_SIZE, &kp),
			 VMGS_KP_OK);
	assert_int_equal(fake_chip_derive(&e->chip, &kp.req, k), 0);
	assert_int_equal(vmgs_kp_open(k, &kp, dek), VMGS_KP_OK);
}

static void test_new_vmgs_encrypted(void **state)
{
	struct env *e = *state;
	uint8_t dek[32];
	struct vmgs_check_result res;
	struct vmgs_io io;
	struct vmgs *v = NULL;
	uint8_t buf[256];
	uint64_t len;

	provision_with_data(e);
	recover_dek(e, dek);
	/* Neither the key nor the state is anywhere in the bytes. */
	assert_null(memmem(e->m.buf, MEM_STORE_SIZE, dek, sizeof(dek)));
	assert_null(memmem(e->m.buf, MEM_STORE_SIZE, "MANTLE-TEST-STATE", 17));
	assert_null(memmem(e->m.buf, MEM_STORE_SIZE, "nobody but", 10));
	/* vmgstool check's view without a key: clean; with it: tags. */
	ms_io_new(&e->m, &io);
	assert_int_equal(vmgs_check(&io, VMGS_OPEN_RAW, NULL, NULL, NULL, &res),
			 VMGS_OK);
	assert_int_equal(res.errors, 0);
	assert_int_equal(vmgs_check(&io, VMGS_OPEN_RAW, dek, NULL, NULL, &res),
			 VMGS_OK);
	assert_int_equal(res.errors, 0);
	assert_true(res.tags_verified >= 2);
	/* Reopened (not provisioned again), the state reads back. */
	assert_int_equal(open_v(e, false, &v), VMGS_KEY_OPENED);
	assert_int_equal(vmgs_key_read_state(v, VMGS_FID_BIOS_NVRAM, buf,
					     sizeof(buf), &len),
			 VMGS_OK);
	assert_int_equal(len, sizeof(secret_data));
	assert_memory_equal(buf, secret_data, len);
	/* A plaintext file is never state (the host can place one). */
	assert_int_equal(vmgs_write(v, VMGS_FID_TPM_NVRAM, "host", 4, 0),
			 VMGS_OK);
	assert_int_equal(vmgs_key_read_state(v, VMGS_FID_TPM_NVRAM, buf,
					     sizeof(buf), &len),
			 VMGS_E_NOT_ENCRYPTED);
	assert_int_equal(len, 0);
	assert_int_equal(vmgs_key_read_state(v, VMGS_FID_HW_KEY_PROTECTOR, buf,
					     sizeof(buf), &len),
			 VMGS_E_NOT_ENCRYPTED);
	assert_int_equal(vmgs_key_read_state(v, VMGS_FID_TPM_PPI, buf,
					     sizeof(buf), &len),
			 VMGS_E_NOT_FOUND);
	vmgs_close(v);
}

static void test_other_chip_refused(void **state)
{
	struct env *e = *state;

	provision_with_data(e);
	fake_chip_init(&e->chip, 2, 1);
	expect_refused(e, VMGS_KEY_LOCKED);
	fake_chip_init(&e->chip, 1, 1);
	expect(e, false, VMGS_KEY_OPENED);
}

static void test_every_protector_byte_refused(void **state)
{
	struct env *e = *state;
	uint8_t *kp;

	provision_with_data(e);
	kp = find_protector(e);
	for (size_t i = 0; i < VMGS_KP_SIZE; i++) {
		kp[i] ^= 0x5a;
		expect_refused(e, VMGS_KEY_LOCKED);
		kp[i] ^= 0x5a;
	}
	expect(e, false, VMGS_KEY_OPENED);
}

/* Another VMGS's protector (same chip, same policy) unwraps to a key
 * that opens no slot of this one. */
static void test_swapped_protector_refused(void **state)
{
	struct env *e = *state;
	struct env *o = env_new();

	provision_with_data(e);
	provision_with_data(o);
	memcpy(find_protector(e), find_protector(o), VMGS_KP_SIZE);
	expect_refused(e, VMGS_KEY_LOCKED);
	mem_store_free(&o->m);
	free(o);
}

/* The host builds a whole VMGS of its own: a key it chose, wrapped under
 * a key it can derive itself, with the request rq. */
static void host_made_vmgs(struct env *e, const struct snp_derived_key_req *rq,
			   const uint8_t kek_derived[32])
{
	static const uint8_t host_dek[32] = { 0x42 };
	uint8_t kp[VMGS_KP_SIZE];
	struct vmgs_io io;
	struct vmgs *v = NULL;

	assert_int_equal(vmgs_kp_seal(kek_derived, rq, host_dek, kp),
			 VMGS_KP_OK);
	/* A request vmgs_kp_seal writes but the paravisor never makes. */
	memset(e->m.buf, 0, MEM_STORE_SIZE);
	ms_io_new(&e->m, &io);
	assert_int_equal(vmgs_format(&io, MEM_STORE_SIZE,
				     VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
			 VMGS_OK);
	assert_int_equal(
		vmgs_write(v, VMGS_FID_HW_KEY_PROTECTOR, kp, sizeof(kp), 0),
		VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, host_dek), VMGS_OK);
	assert_int_equal(vmgs_write(v, VMGS_FID_BIOS_NVRAM, "host", 4,
				    VMGS_WRITE_ENCRYPT),
			 VMGS_OK);
	vmgs_close(v);
}

/* CVE-2025-53781 class: a protector the host supplied never makes the
 * paravisor accept a key it did not derive itself. */
static void test_host_supplied_protector_refused(void **state)
{
	struct env *e = *state;
	struct snp_derived_key_req rq;
	uint8_t k[32];
	unsigned before;

	/* 1. Nothing mixed in: any VM on this chip derives that key. */
	vmgs_kp_request(VMGS_KEY_POLICY_DEFAULT, e->chip.tcb, &rq);
	rq.guest_field_select = 0;
	assert_int_equal(fake_chip_derive(&e->chip, &rq, k), 0);
	host_made_vmgs(e, &rq, k);
	before = e->chip.derives;
	expect_refused(e, VMGS_KEY_LOCKED);
	assert_int_equal(e->chip.derives, before); /* not even asked */
	/* 2. The right request, a key the host made up. */
	vmgs_kp_request(VMGS_KEY_POLICY_DEFAULT, e->chip.tcb, &rq);
	memset(k, 0x77, sizeof(k));
	host_made_vmgs(e, &rq, k);
	expect_refused(e, VMGS_KEY_LOCKED);
	/* 3. Launched with the measurement policy; the host derived the
	 * default-policy key in a VM of its own (other measurement). */
	e->chip.measurement[0] ^= 1;
	assert_int_equal(fake_chip_derive(&e->chip, &rq, k), 0);
	e->chip.measurement[0] ^= 1;
	host_made_vmgs(e, &rq, k);
	e->cfg.policy = VMGS_KEY_POLICY_MEASUREMENT;
	expect_refused(e, VMGS_KEY_POLICY);
	/* 4. Nothing is taken from a host VMGS, even with reprovision: it
	 * is replaced by one under a new key. */
	e->cfg.reprovision = true;
	expect(e, true, VMGS_KEY_PROVISIONED);
}

/* Today's format (or a host's substitute) holding data: a downgrade. */
static void test_plaintext_refused_unless_reprovision(void **state)
{
	struct env *e = *state;
	struct vmgs_io io;
	struct vmgs *v = NULL;
	uint64_t len;
	uint8_t buf[64];

	ms_io_new(&e->m, &io);
	assert_int_equal(vmgs_format(&io, MEM_STORE_SIZE,
				     VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
			 VMGS_OK);
	assert_int_equal(vmgs_write(v, VMGS_FID_BIOS_NVRAM, "plain", 5, 0),
			 VMGS_OK);
	vmgs_close(v);
	expect_refused(e, VMGS_KEY_PLAINTEXT);
	e->cfg.reprovision = true;
	assert_int_equal(open_v(e, false, &v), VMGS_KEY_PROVISIONED);
	assert_true(vmgs_is_encrypted(v));
	assert_int_equal(vmgs_read_into(v, VMGS_FID_BIOS_NVRAM, 0, buf,
					sizeof(buf), &len),
			 VMGS_E_NOT_FOUND);
	vmgs_close(v);
	/* --vmgs-reprovision keeps a VMGS that opens. */
	expect(e, false, VMGS_KEY_OPENED);
}

/* Formatted with no data (a provisioning that died early): empty. */
static void test_formatted_empty_is_empty(void **state)
{
	struct env *e = *state;
	uint8_t *before = malloc(MEM_STORE_SIZE);
	struct vmgs_io io;
	struct vmgs *v = NULL;

	assert_non_null(before);
	ms_io_new(&e->m, &io);
	assert_int_equal(vmgs_format(&io, MEM_STORE_SIZE,
				     VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
			 VMGS_OK);
	vmgs_close(v);
	memcpy(before, e->m.buf, MEM_STORE_SIZE);
	expect(e, false, VMGS_KEY_EMPTY);
	assert_memory_equal(before, e->m.buf, MEM_STORE_SIZE);
	free(before);
	expect(e, true, VMGS_KEY_PROVISIONED);
}

static void test_measurement_policy(void **state)
{
	struct env *e = *state;

	e->cfg.policy = VMGS_KEY_POLICY_MEASUREMENT;
	provision_with_data(e);
	e->chip.measurement[47] ^= 0x80; /* another paravisor */
	expect_refused(e, VMGS_KEY_LOCKED);
	e->chip.measurement[47] ^= 0x80;
	expect(e, false, VMGS_KEY_OPENED);
	/* The launch's policy must be the sealed one, both ways. */
	e->cfg.policy = VMGS_KEY_POLICY_DEFAULT;
	expect_refused(e, VMGS_KEY_POLICY);
}

static void test_default_policy_survives_update(void **state)
{
	struct env *e = *state;

	provision_with_data(e);
	e->chip.measurement[0] ^= 0xff; /* an updated paravisor */
	expect(e, false, VMGS_KEY_OPENED);
	e->cfg.policy = VMGS_KEY_POLICY_MEASUREMENT;
	expect_refused(e, VMGS_KEY_POLICY);
	e->cfg.reprovision = true;
	expect(e, false, VMGS_KEY_PROVISIONED);
	e->cfg.reprovision = false;
	expect(e, false, VMGS_KEY_OPENED);
}

/* A newer TCB still derives the recorded (older) one's key; a protector
 * claiming a TCB above the current one gets no key. */
static void test_tcb(void **state)
{
	struct env *e = *state;
	unsigned before;

	provision_with_data(e);
	e->chip.tcb += 1;
	expect(e, false, VMGS_KEY_OPENED);
	e->chip.tcb -= 2; /* rolled back below the recorded TCB */
	before = e->chip.derives;
	expect_refused(e, VMGS_KEY_LOCKED);
	assert_int_equal(e->chip.derives, before);
}

static void test_no_secure_processor(void **state)
{
	struct env *e = *state;

	/* Not even an all-zero VMGS is formatted without one. */
	e->cfg.sp = NULL;
	expect_refused(e, VMGS_KEY_NO_SP);
	e->cfg.reprovision = true;
	expect_refused(e, VMGS_KEY_NO_SP);
	e->cfg.sp = &e->chip.sp;
	e->chip.fail = 1;
	expect_refused(e, VMGS_KEY_NO_SP);
	for (size_t i = 0; i < MEM_STORE_SIZE; i++)
		assert_int_equal(e->m.buf[i], 0);
	e->chip.fail = 0;
	e->cfg.reprovision = false;
	provision_with_data(e);
	e->chip.fail = 1;
	expect_refused(e, VMGS_KEY_NO_SP);
}

/* The newest header damaged (a bad read, or a torn write of it): the
 * other slot is an encrypted version too, never the empty VMGS of before
 * encryption, which would be provisioned anew. */
static void test_newest_header_damaged(void **state)
{
	struct env *e = *state;
	struct vmgs_headers h;
	struct vmgs_io io;

	provision_with_data(e);
	ms_io_new(&e->m, &io);
	assert_int_equal(vmgs_read_headers(&io, VMGS_OPEN_RAW, &h), VMGS_OK);
	assert_true(h.active == 0 || h.active == 1);
	e->m.buf[(size_t)h.active * 512 + 40] ^= 0xff;
	expect(e, false, VMGS_KEY_OPENED);
	e->m.buf[(size_t)h.active * 512 + 40] ^= 0xff;
	/* Right after provisioning, before any state was written, too. */
	memset(e->m.buf, 0, MEM_STORE_SIZE);
	expect(e, true, VMGS_KEY_PROVISIONED);
	assert_int_equal(vmgs_read_headers(&io, VMGS_OPEN_RAW, &h), VMGS_OK);
	e->m.buf[(size_t)h.active * 512 + 40] ^= 0xff;
	expect(e, false, VMGS_KEY_OPENED);
}

static void test_damage_refused(void **state)
{
	struct env *e = *state;

	provision_with_data(e);
	memset(e->m.buf, 0xee, 2 * 4096); /* both headers */
	expect_refused(e, VMGS_KEY_DAMAGED);
	e->cfg.reprovision = true;
	expect(e, false, VMGS_KEY_PROVISIONED);
}

/* Every byte of the file table flipped: refused untouched, or (a byte
 * nothing reads) opened with the state intact; never other data. */
static void test_tampered_table(void **state)
{
	struct env *e = *state;
	struct vmgs_headers h;
	struct vmgs_io io;
	unsigned refused = 0;
	uint8_t *ft;

	provision_with_data(e);
	ms_io_new(&e->m, &io);
	assert_int_equal(vmgs_read_headers(&io, VMGS_OPEN_RAW, &h), VMGS_OK);
	ft = e->m.buf + (uint64_t)h.h[h.active].file_table_offset * 4096;
	for (size_t i = 0; i < 4096; i += 3) {
		struct vmgs *v = NULL;
		enum vmgs_key_result r;
		uint8_t buf[256];
		uint64_t len;

		ft[i] ^= 0x21;
		r = vmgs_key_open(&e->m.st, &e->cfg, false, &v, e->why,
				  sizeof(e->why));
		if (v) {
			assert_int_equal(r, VMGS_KEY_OPENED);
			if (!vmgs_read_into(v, VMGS_FID_BIOS_NVRAM, 0, buf,
					    sizeof(buf), &len))
				assert_memory_equal(buf, secret_data, len);
			vmgs_close(v);
		} else {
			refused++;
		}
		ft[i] ^= 0x21;
	}
	assert_true(refused > 0);
	expect(e, false, VMGS_KEY_OPENED);
}

/* The state a crash image opens to: nothing lost but nothing there, or
 * the whole encrypted VMGS. */
static void check_crash_image(const uint8_t *img, uint64_t len)
{
	struct env *e = env_new();
	struct vmgs *v = NULL;
	enum vmgs_key_result r;

	assert_int_equal(len, MEM_STORE_SIZE);
	memcpy(e->m.buf, img, MEM_STORE_SIZE);
	r = vmgs_key_open(&e->m.st, &e->cfg, false, &v, e->why, sizeof(e->why));
	if (r == VMGS_KEY_OPENED)
		vmgs_close(v);
	else
		assert_int_equal(r, VMGS_KEY_EMPTY);
	expect(e, true,
	       r == VMGS_KEY_OPENED ? VMGS_KEY_OPENED : VMGS_KEY_PROVISIONED);
	mem_store_free(&e->m);
	free(e);
}

static void test_provisioning_killed_at_every_write(void **state)
{
	static const uint64_t keeps[] = { 0, ~0ull >> 1, ~0ull, 1ull << 63 };
	struct env *e = *state;
	uint8_t *zero = calloc(1, MEM_STORE_SIZE);
	uint64_t at = 0;

	assert_non_null(zero);
	for (;; at++) {
		struct vmgs_io fio;
		struct mem_store fm;
		struct vmgs *v = NULL;
		enum vmgs_key_result r;

		assert_int_equal(
			vmgs_io_fault_new(&fio, zero, MEM_STORE_SIZE, at),
			VMGS_OK);
		mem_store_init(&fm, &fio);
		r = vmgs_key_open(&fm.st, &e->cfg, true, &v, e->why,
				  sizeof(e->why));
		if (!vmgs_io_fault_tripped(&fio)) {
			assert_int_equal(r, VMGS_KEY_PROVISIONED);
			vmgs_close(v);
			vmgs_io_close(&fio);
			break;
		}
		assert_int_equal(r, VMGS_KEY_IO);
		for (size_t k = 0; k < sizeof(keeps) / sizeof(keeps[0]); k++) {
			uint8_t *img;
			uint64_t len;

			assert_int_equal(vmgs_io_fault_crash_image(
						 &fio, keeps[k], &img, &len),
					 VMGS_OK);
			check_crash_image(img, len);
			free(img);
		}
		vmgs_io_close(&fio);
	}
	free(zero);
	print_message("  provisioning survives a crash at each of %llu "
		      "writes\n",
		      (unsigned long long)at);
	assert_true(at >= 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_new_vmgs_encrypted),
		T(test_other_chip_refused),
		T(test_every_protector_byte_refused),
		T(test_swapped_protector_refused),
		T(test_host_supplied_protector_refused),
		T(test_plaintext_refused_unless_reprovision),
		T(test_formatted_empty_is_empty),
		T(test_measurement_policy),
		T(test_default_policy_survives_update),
		T(test_tcb),
		T(test_no_secure_processor),
		T(test_newest_header_damaged),
		T(test_damage_refused),
		T(test_tampered_table),
		T(test_provisioning_killed_at_every_write),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
