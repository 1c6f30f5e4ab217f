// SPDX-License-Identifier: MIT
/*
 * Crash consistency. Each operation runs over the fault-injecting I/O
 * layer once per write boundary; the write at that boundary fails. For
 * every subset of the writes not yet flushed (each torn or not), the image
 * a power loss could leave must reopen to exactly the old or exactly the
 * new contents.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "internal.h"

static uint8_t k1[32], k2[32];

struct snap {
	enum vmgs_err open_err;
	int key; /* 0 none, 1 = k1, 2 = k2 */
	enum vmgs_err rd[VMGS_FILE_COUNT];
	uint8_t *data[VMGS_FILE_COUNT];
	uint64_t len[VMGS_FILE_COUNT];
};

static void snap_take(const uint8_t *img, uint64_t len, struct snap *s)
{
	struct vmgs *v;

	memset(s, 0, sizeof(*s));
	s->open_err = t_open(img, len, 0, &v);
	if (s->open_err)
		return;
	if (vmgs_is_encrypted(v)) {
		if (vmgs_unlock(v, k1) == VMGS_OK)
			s->key = 1;
		else if (vmgs_unlock(v, k2) == VMGS_OK)
			s->key = 2;
	}
	for (unsigned i = 1; i < 63; i++)
		s->rd[i] = vmgs_read(v, i, 0, &s->data[i], &s->len[i]);
	vmgs_close(v);
}

static bool snap_equal(const struct snap *a, const struct snap *b)
{
	if (a->open_err != b->open_err || a->key != b->key)
		return false;
	for (unsigned i = 1; i < 63; i++) {
		if (a->rd[i] != b->rd[i] || a->len[i] != b->len[i])
			return false;
		if (a->len[i] && memcmp(a->data[i], b->data[i], a->len[i]))
			return false;
	}
	return true;
}

static void snap_free(struct snap *s)
{
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++)
		free(s->data[i]);
}

typedef enum vmgs_err (*op_fn)(struct vmgs *v);

static uint8_t big[3 * 4096 + 100];
static uint8_t huge[150000];

static enum vmgs_err op_write(struct vmgs *v)
{
	return vmgs_write(v, 3, big, sizeof(big), VMGS_WRITE_OVERWRITE);
}

static enum vmgs_err op_write_enc(struct vmgs *v)
{
	enum vmgs_err e = vmgs_unlock(v, k1);

	return e ? e :
		   vmgs_write(v, 3, big, 5000,
			      VMGS_WRITE_OVERWRITE | VMGS_WRITE_ENCRYPT);
}

/* Several I/O chunks: more write boundaries inside one file. */
static enum vmgs_err op_write_big_enc(struct vmgs *v)
{
	enum vmgs_err e = vmgs_unlock(v, k1);

	return e ? e :
		   vmgs_write(v, 9, huge, sizeof(huge),
			      VMGS_WRITE_OVERWRITE | VMGS_WRITE_ENCRYPT);
}

static enum vmgs_err op_delete(struct vmgs *v)
{
	return vmgs_delete(v, 3);
}

static enum vmgs_err op_move(struct vmgs *v)
{
	enum vmgs_err e = vmgs_is_encrypted(v) ? vmgs_unlock(v, k1) : VMGS_OK;

	return e ? e : vmgs_move(v, 3, 17, true);
}

static enum vmgs_err op_encrypt(struct vmgs *v)
{
	return vmgs_add_first_key(v, k1);
}

static enum vmgs_err op_roll(struct vmgs *v)
{
	enum vmgs_err e = vmgs_unlock(v, k1);

	return e ? e : vmgs_roll_key(v, k2);
}

/* Base image: files 3 and 17, optionally encrypted. */
static uint8_t *base_image(bool enc, uint64_t *len)
{
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t *img;

	if (enc)
		assert_int_equal(vmgs_add_first_key(v, k1), VMGS_OK);
	assert_int_equal(
		vmgs_write(v, 3, "old three", 9, enc ? VMGS_WRITE_ENCRYPT : 0),
		VMGS_OK);
	assert_int_equal(vmgs_write(v, 17, "old seventeen", 13, 0), VMGS_OK);
	assert_int_equal(vmgs_write(v, 6, "kp", 2, 0), VMGS_OK);
	img = t_image(v, len);
	vmgs_close(v);
	return img;
}

/* Runs op with the fault at write `fail_at`; returns the handle. */
static enum vmgs_err run_op(const uint8_t *img, uint64_t len, op_fn op,
			    uint64_t fail_at, struct vmgs **out)
{
	struct vmgs_io io;

	assert_int_equal(vmgs_io_fault_new(&io, img, len, fail_at), VMGS_OK);
	assert_int_equal(vmgs_open(&io, VMGS_OPEN_WRITE, out), VMGS_OK);
	return op(*out);
}

static unsigned check_crashes(const struct vmgs_io *io, const struct snap *old,
			      const struct snap *new)
{
	unsigned n = vmgs_io_fault_pending(io), images = 0;

	assert_true(n < 16);
	for (uint64_t m = 0; m < (1ull << n); m++) {
		for (int torn = 0; torn < 2; torn++) {
			uint64_t keep = m | (torn ? 1ull << 63 : 0);
			uint8_t *img;
			uint64_t len;
			struct snap s;

			assert_int_equal(
				vmgs_io_fault_crash_image(io, keep, &img, &len),
				VMGS_OK);
			snap_take(img, len, &s);
			if (!snap_equal(&s, old) && !snap_equal(&s, new))
				fail_msg("crash image (mask %llx) is neither "
					 "old nor new (open %d)",
					 (unsigned long long)keep, s.open_err);
			snap_free(&s);
			free(img);
			images++;
		}
	}
	return images;
}

static void scenario(bool enc, op_fn op)
{
	uint64_t len, writes, nlen;
	uint8_t *base = base_image(enc, &len), *nimg;
	struct snap old, new;
	struct vmgs *v;
	unsigned images = 0;

	snap_take(base, len, &old);
	assert_int_equal(old.open_err, VMGS_OK);
	assert_int_equal(run_op(base, len, op, UINT64_MAX, &v), VMGS_OK);
	writes = vmgs_io_fault_writes(&v->io);
	assert_true(writes >= 2);
	assert_int_equal(vmgs_io_fault_crash_image(&v->io, 0, &nimg, &nlen),
			 VMGS_OK);
	snap_take(nimg, nlen, &new);
	assert_false(snap_equal(&old, &new));
	vmgs_close(v);
	free(nimg);

	for (uint64_t k = 0; k < writes; k++) {
		enum vmgs_err e = run_op(base, len, op, k, &v);

		assert_int_equal(e, VMGS_E_IO);
		assert_true(vmgs_io_fault_tripped(&v->io));
		/* A failed write poisons the handle. */
		assert_int_equal(vmgs_write(v, 5, "z", 1, 0), VMGS_E_POISONED);
		images += check_crashes(&v->io, &old, &new);
		vmgs_close(v);
	}
	assert_true(images >= 2 * writes);
	print_message("crash: %llu write boundaries, %u crash images\n",
		      (unsigned long long)writes, images);
	snap_free(&old);
	snap_free(&new);
	free(base);
}

static void test_crash_write(void **s)
{
	(void)s;
	scenario(false, op_write);
}

static void test_crash_write_encrypted(void **s)
{
	(void)s;
	scenario(true, op_write_enc);
}

static void test_crash_write_multi_chunk(void **s)
{
	(void)s;
	scenario(true, op_write_big_enc);
}

static void test_crash_delete(void **s)
{
	(void)s;
	scenario(false, op_delete);
	scenario(true, op_delete);
}

static void test_crash_move(void **s)
{
	(void)s;
	scenario(false, op_move);
	scenario(true, op_move);
}

static void test_crash_encrypt(void **s)
{
	(void)s;
	scenario(false, op_encrypt);
}

static void test_crash_key_roll(void **s)
{
	(void)s;
	scenario(true, op_roll);
}

/* Formatting over a valid VMGS is one more atomic update. */
static void test_crash_reformat(void **s)
{
	uint64_t len, writes, nlen;
	uint8_t *base = base_image(true, &len), *img;
	struct snap old, new;
	struct vmgs_io io;
	struct vmgs *v;
	unsigned images = 0;

	(void)s;
	snap_take(base, len, &old);
	assert_int_equal(vmgs_io_fault_new(&io, base, len, UINT64_MAX),
			 VMGS_OK);
	assert_int_equal(vmgs_format(&io, TEST_CAP, 0, &v), VMGS_OK);
	assert_false(vmgs_is_encrypted(v));
	writes = vmgs_io_fault_writes(&v->io);
	assert_int_equal(vmgs_io_fault_crash_image(&v->io, 0, &img, &nlen),
			 VMGS_OK);
	snap_take(img, nlen, &new);
	free(img);
	vmgs_close(v);
	assert_int_equal(new.open_err, VMGS_OK);
	assert_int_equal(new.rd[3], VMGS_E_NOT_FOUND);
	for (uint64_t k = 0; k < writes; k++) {
		assert_int_equal(vmgs_io_fault_new(&io, base, len, k), VMGS_OK);
		assert_int_equal(vmgs_format(&io, TEST_CAP, 0, &v), VMGS_E_IO);
		images += check_crashes(&io, &old, &new);
		vmgs_io_close(&io);
	}
	print_message("crash: %llu write boundaries, %u crash images\n",
		      (unsigned long long)writes, images);
	snap_free(&old);
	snap_free(&new);
	free(base);
}

static void test_crash_format(void **s)
{
	uint64_t len = TEST_CAP + 512, writes;
	uint8_t *zero = calloc(1, len);
	struct snap old, new;
	struct vmgs_io io;
	struct vmgs *v;

	(void)s;
	snap_take(zero, len, &old);
	assert_int_equal(vmgs_io_fault_new(&io, zero, len, UINT64_MAX),
			 VMGS_OK);
	assert_int_equal(vmgs_format(&io, TEST_CAP, 0, &v), VMGS_OK);
	writes = vmgs_io_fault_writes(&v->io);
	{
		uint8_t *img;
		uint64_t n;

		assert_int_equal(vmgs_io_fault_crash_image(&v->io, 0, &img, &n),
				 VMGS_OK);
		snap_take(img, n, &new);
		free(img);
	}
	assert_int_equal(new.open_err, VMGS_OK);
	vmgs_close(v);
	for (uint64_t k = 0; k < writes; k++) {
		assert_int_equal(vmgs_io_fault_new(&io, zero, len, k), VMGS_OK);
		assert_int_equal(vmgs_format(&io, TEST_CAP, 0, &v), VMGS_E_IO);
		/* Old = never formatted (empty) or a footer only. */
		unsigned n = vmgs_io_fault_pending(&io);

		for (uint64_t m = 0; m < (1ull << n); m++) {
			uint8_t *img;
			uint64_t il;
			struct snap st;

			vmgs_io_fault_crash_image(&io, m | 1ull << 63, &img,
						  &il);
			snap_take(img, il, &st);
			assert_true(st.open_err == VMGS_E_EMPTY ||
				    st.open_err == VMGS_E_NO_FOOTER ||
				    snap_equal(&st, &new));
			snap_free(&st);
			free(img);
		}
		vmgs_io_close(&io);
	}
	snap_free(&old);
	snap_free(&new);
	free(zero);
}

static int setup(void **s)
{
	(void)s;
	t_key(k1, 0xa1);
	t_key(k2, 0xb2);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13 + 1);
	for (size_t i = 0; i < sizeof(huge); i++)
		huge[i] = (uint8_t)(i * 7 + 3);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_write),
		cmocka_unit_test(test_crash_write_encrypted),
		cmocka_unit_test(test_crash_write_multi_chunk),
		cmocka_unit_test(test_crash_delete),
		cmocka_unit_test(test_crash_move),
		cmocka_unit_test(test_crash_encrypt),
		cmocka_unit_test(test_crash_key_roll),
		cmocka_unit_test(test_crash_format),
		cmocka_unit_test(test_crash_reformat),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
