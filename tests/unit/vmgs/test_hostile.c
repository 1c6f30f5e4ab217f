// SPDX-License-Identifier: MIT
/*
 * Hostile files: every malformed input gets its named error from open and
 * a report from check, never a crash or an over-read (run under SAN=1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "helpers.h"
#include "internal.h"

static uint8_t *img;
static uint64_t img_len;
static uint8_t key[32];

/* Base: encrypted VMGS with a plaintext and an encrypted file. */
static int setup(void **s)
{
	struct vmgs *v = t_new(TEST_CAP);

	(void)s;
	t_key(key, 0x42);
	assert_int_equal(vmgs_write(v, 6, "plain", 5, 0), VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	assert_int_equal(
		vmgs_write(v, 3, "secret data", 11, VMGS_WRITE_ENCRYPT),
		VMGS_OK);
	img = t_image(v, &img_len);
	vmgs_close(v);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	free(img);
	return 0;
}

static void count_cb(void *arg, enum vmgs_check_kind kind, enum vmgs_err code,
		     const char *where, const char *msg)
{
	(void)kind;
	(void)code;
	assert_non_null(where);
	assert_true(strlen(msg) > 0);
	(*(unsigned *)arg)++;
}

/* Open must fail with want, and check must report at least one error. */
static void expect(const uint8_t *im, uint64_t len, unsigned flags,
		   enum vmgs_err want, enum vmgs_err want_check)
{
	struct vmgs *v = NULL;
	struct vmgs_io io;
	struct vmgs_check_result r;
	unsigned n = 0;

	assert_int_equal(t_open(im, len, flags, &v), want);
	if (v)
		vmgs_close(v);
	assert_int_equal(vmgs_io_mem_new(&io, im, len), VMGS_OK);
	assert_int_equal(vmgs_check(&io, flags, key, count_cb, &n, &r),
			 want_check);
	if (want_check != VMGS_OK) {
		assert_true(r.errors > 0);
		assert_true(n >= r.errors);
	}
	vmgs_io_close(&io);
}

static uint8_t *copy(void)
{
	uint8_t *c = malloc((size_t)img_len);

	assert_non_null(c);
	memcpy(c, img, (size_t)img_len);
	return c;
}

static void test_clean_file_checks_clean(void **s)
{
	struct vmgs_io io;
	struct vmgs_check_result r;
	unsigned n = 0;

	(void)s;
	expect(img, img_len, 0, VMGS_OK, VMGS_OK);
	assert_int_equal(vmgs_io_mem_new(&io, img, img_len), VMGS_OK);
	assert_int_equal(vmgs_check(&io, 0, key, count_cb, &n, &r), VMGS_OK);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.tags_verified, 3); /* slot, EFT, file 3 */
	vmgs_io_close(&io);
}

static void test_truncated_and_sizes(void **s)
{
	uint8_t small[600] = { 0 };

	(void)s;
	expect(img, 0, 0, VMGS_E_EMPTY, VMGS_E_EMPTY);
	expect(img, 100, 0, VMGS_E_FILE_SIZE, VMGS_E_FILE_SIZE);
	expect(img, img_len - 1, 0, VMGS_E_FILE_SIZE, VMGS_E_FILE_SIZE);
	/* Cut at a sector boundary: the footer is gone. */
	expect(img, img_len - 512, 0, VMGS_E_NO_FOOTER, VMGS_E_NO_FOOTER);
	expect(img, img_len - 4096, 0, VMGS_E_NO_FOOTER, VMGS_E_NO_FOOTER);
	/* Raw open of a too-small image. */
	expect(small, 512, VMGS_OPEN_RAW, VMGS_E_FILE_SIZE, VMGS_E_FILE_SIZE);
	/* Raw, but table entries point past the (shorter) end. */
	expect(img, 8192 * 2, VMGS_OPEN_RAW, VMGS_E_BAD_TABLE,
	       VMGS_E_BAD_TABLE);
}

static void test_bad_footer(void **s)
{
	uint8_t *c = copy(), *f = c + img_len - 512;

	(void)s;
	f[70] ^= 1; /* unique id: only the checksum notices */
	expect(c, img_len, 0, VMGS_E_BAD_FOOTER, VMGS_E_BAD_FOOTER);
	f[70] ^= 1;
	put_be32(f + 60, 3); /* dynamic disk */
	put_be32(f + 64, vhd_footer_checksum(f));
	expect(c, img_len, 0, VMGS_E_BAD_FOOTER, VMGS_E_BAD_FOOTER);
	put_be32(f + 60, 2);
	put_be64(f + 48, img_len); /* claims more than the file holds */
	put_be32(f + 64, vhd_footer_checksum(f));
	expect(c, img_len, 0, VMGS_E_BAD_FOOTER, VMGS_E_BAD_FOOTER);
	put_be64(f + 48, UINT64_MAX - 511);
	put_be32(f + 64, vhd_footer_checksum(f));
	expect(c, img_len, 0, VMGS_E_BAD_FOOTER, VMGS_E_BAD_FOOTER);
	put_be64(f + 48, 1024); /* smaller than the minimum VMGS */
	put_be32(f + 64, vhd_footer_checksum(f));
	expect(c, img_len, 0, VMGS_E_FILE_SIZE, VMGS_E_FILE_SIZE);
	memcpy(f, "conectiy", 8);
	expect(c, img_len, 0, VMGS_E_NO_FOOTER, VMGS_E_NO_FOOTER);
	free(c);
}

static void test_bad_headers(void **s)
{
	uint8_t *c = copy();
	int act;
	struct vmgs_headers hs;
	struct vmgs_io io;

	(void)s;
	assert_int_equal(vmgs_io_mem_new(&io, c, img_len), VMGS_OK);
	assert_int_equal(vmgs_read_headers(&io, 0, &hs), VMGS_OK);
	vmgs_io_close(&io);
	act = hs.active;
	/* Corrupt CRC of the active header: the other one (older) wins. */
	c[512 * act + 150] ^= 0xff;
	{
		struct vmgs *v;

		assert_int_equal(t_open(c, img_len, 0, &v), VMGS_OK);
		assert_int_equal(v->active, 1 - act);
		vmgs_close(v);
	}
	/* A torn header next to a valid one: consistent, only a warning. */
	{
		struct vmgs_io io2;
		struct vmgs_check_result r;
		unsigned n = 0;

		assert_int_equal(vmgs_io_mem_new(&io2, c, img_len), VMGS_OK);
		assert_int_equal(vmgs_check(&io2, 0, key, count_cb, &n, &r),
				 VMGS_OK);
		assert_int_equal(r.errors, 0);
		assert_int_equal(r.warnings, 1);
		assert_int_equal(r.active_header, 1 - act);
		vmgs_io_close(&io2);
	}
	/* Both broken. */
	c[512 * (1 - act) + 150] ^= 0xff;
	expect(c, img_len, 0, VMGS_E_BAD_HEADER, VMGS_E_BAD_HEADER);
	memcpy(c, img, 1024);
	/* Sequences not consecutive. */
	put_le32(c + 512 * act + 16, get_le32(c + 512 * act + 16) + 5);
	t_fix_crc(c, act);
	expect(c, img_len, 0, VMGS_E_BAD_SEQUENCE, VMGS_E_BAD_SEQUENCE);
	memcpy(c, img, 1024);
	/* Version 2, size field, table offset/size, algorithm. */
	static const struct {
		unsigned off;
		uint32_t val;
	} bad[] = { { 8, 0x20000 }, { 20, 167 }, { 24, 1 }, { 28, 2 } };
	for (unsigned i = 0; i < 4; i++) {
		memcpy(c, img, 1024);
		put_le32(c + 512 * act + bad[i].off, bad[i].val);
		t_fix_crc(c, act);
		c[512 * (1 - act)] ^= 1; /* older header invalid too */
		expect(c, img_len, 0, VMGS_E_BAD_HEADER, VMGS_E_BAD_HEADER);
	}
	memcpy(c, img, 1024);
	put_le16(c + 512 * act + 32, 2);
	t_fix_crc(c, act);
	c[512 * (1 - act)] ^= 1;
	expect(c, img_len, 0, VMGS_E_BAD_HEADER, VMGS_E_BAD_HEADER);
	/* Table offset beyond the capacity (valid header otherwise). */
	memcpy(c, img, 1024);
	put_le32(c + 512 * act + 24, 0xfffffff0u);
	t_fix_crc(c, act);
	expect(c, img_len, 0, VMGS_E_BAD_TABLE, VMGS_E_BAD_TABLE);
	/* Empty and v1. */
	memset(c, 0, 1024);
	expect(c, img_len, 0, VMGS_E_EMPTY, VMGS_E_EMPTY);
	memcpy(c + 512, "EFI PART", 8);
	expect(c, img_len, 0, VMGS_E_V1_FORMAT, VMGS_E_V1_FORMAT);
	free(c);
}

static void test_bad_entries(void **s)
{
	uint8_t *c = copy(), *e;
	uint32_t cap = TEST_CAP / 4096;

	(void)s;
	/* Out of range: offset, end, huge sizes, header area. */
	static const struct {
		uint32_t off, alloc;
		uint64_t valid;
		enum vmgs_err err;
	} bad[] = {
		{ 1, 1, 10, VMGS_E_BAD_TABLE },
		{ 0xffffffffu, 1, 10, VMGS_E_BAD_TABLE },
		{ 60, 0xffffffffu, 10, VMGS_E_BAD_TABLE },
		{ 60, 10, 10, VMGS_E_BAD_TABLE },
		{ 60, 1, 4097, VMGS_E_BAD_TABLE },
		{ 60, 1, UINT64_MAX, VMGS_E_BAD_TABLE },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(c, img, (size_t)img_len);
		e = t_entry(c, 17);
		put_le32(e, bad[i].off);
		put_le32(e + 4, bad[i].alloc);
		put_le64(e + 8, bad[i].valid);
		expect(c, img_len, 0, bad[i].err, bad[i].err);
	}
	/* A file inside the file table's block. */
	memcpy(c, img, (size_t)img_len);
	memcpy(t_entry(c, 17), t_entry(c, 0), 8);
	expect(c, img_len, 0, VMGS_E_OVERLAP, VMGS_E_OVERLAP);
	/* Two files sharing blocks. */
	memcpy(c, img, (size_t)img_len);
	memcpy(t_entry(c, 20), t_entry(c, 3), 64);
	expect(c, img_len, 0, VMGS_E_OVERLAP, VMGS_E_OVERLAP);
	/* Largest legal file that ends exactly at the capacity is fine. */
	memcpy(c, img, (size_t)img_len);
	e = t_entry(c, 17);
	put_le32(e, cap - 1);
	put_le32(e + 4, 1);
	put_le64(e + 8, 4096);
	expect(c, img_len, 0, VMGS_OK, VMGS_OK);
	free(c);
}

static void test_bad_tags(void **s)
{
	uint8_t *c = copy(), *e;
	struct vmgs_io io;
	struct vmgs_check_result r;
	unsigned n = 0;

	(void)s;
	/* Flip a tag byte of file 3: check names the file. */
	e = t_entry(c, 3);
	e[28] ^= 1;
	assert_int_equal(vmgs_io_mem_new(&io, c, img_len), VMGS_OK);
	assert_int_equal(vmgs_check(&io, 0, key, count_cb, &n, &r),
			 VMGS_E_AUTH);
	assert_int_equal(r.errors, 1);
	/* Without the key the tags cannot be checked: only a warning. */
	assert_int_equal(vmgs_check(&io, 0, NULL, count_cb, &n, &r), VMGS_OK);
	assert_true(r.warnings >= 1);
	vmgs_io_close(&io);
	/* Wrong key. */
	memcpy(c, img, (size_t)img_len);
	assert_int_equal(vmgs_io_mem_new(&io, c, img_len), VMGS_OK);
	{
		uint8_t wrong[32];

		t_key(wrong, 0x43);
		assert_int_equal(vmgs_check(&io, 0, wrong, count_cb, &n, &r),
				 VMGS_E_WRONG_KEY);
	}
	vmgs_io_close(&io);
	/* Key slot tag flipped: the right key no longer opens it. */
	{
		struct vmgs *v;
		int act;

		assert_int_equal(t_open(c, img_len, 0, &v), VMGS_OK);
		act = v->active;
		vmgs_close(v);
		c[512 * act + 36 + 16] ^= 1;
		t_fix_crc(c, act);
		assert_int_equal(t_open(c, img_len, 0, &v), VMGS_OK);
		assert_int_equal(vmgs_unlock(v, key), VMGS_E_WRONG_KEY);
		vmgs_close(v);
	}
	free(c);
}

/* Random single-byte corruptions anywhere in the metadata never crash. */
static void test_random_corruption(void **s)
{
	uint8_t *c = copy();
	uint32_t x = 12345;

	(void)s;
	for (int i = 0; i < 3000; i++) {
		struct vmgs *v;
		struct vmgs_check_result r;
		struct vmgs_io io;
		uint64_t pos;

		memcpy(c, img, (size_t)img_len);
		x = x * 1103515245 + 12345;
		/* Headers, tables and the footer are where the parser looks. */
		pos = (x >> 8) % 4;
		pos = pos == 0 ? (x >> 12) % 1024 :
		      pos == 3 ? img_len - 512 + (x >> 12) % 512 :
				 8192 + (x >> 12) % (8 * 4096);
		c[pos] ^= (uint8_t)(1 + (x >> 24) % 255);
		if (t_open(c, img_len, 0, &v) == VMGS_OK) {
			for (unsigned id = 1; id < 63; id++) {
				uint8_t *d;
				uint64_t n;

				if (vmgs_read(v, id, VMGS_READ_RAW, &d, &n) ==
				    VMGS_OK)
					free(d);
			}
			vmgs_unlock(v, key);
			vmgs_close(v);
		}
		assert_int_equal(vmgs_io_mem_new(&io, c, img_len), VMGS_OK);
		vmgs_check(&io, 0, key, NULL, NULL, &r);
		vmgs_io_close(&io);
	}
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_file_checks_clean),
		cmocka_unit_test(test_truncated_and_sizes),
		cmocka_unit_test(test_bad_footer),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_bad_tags),
		cmocka_unit_test(test_random_corruption),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
