// SPDX-License-Identifier: MIT
#define _DEFAULT_SOURCE
/* Round trips: plaintext and encrypted files, delete, move, key rolls. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "internal.h"
#include "mantle_bytes.h"

static uint8_t *pattern(uint64_t len, uint8_t seed)
{
	uint8_t *p = malloc(len ? (size_t)len : 1);

	assert_non_null(p);
	for (uint64_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 9));
	return p;
}

static void expect_file(struct vmgs *v, unsigned id, const uint8_t *want,
			uint64_t len)
{
	uint8_t *got;
	uint64_t n;

	assert_int_equal(vmgs_read(v, id, 0, &got, &n), VMGS_OK);
	assert_int_equal(n, len);
	if (len)
		assert_memory_equal(got, want, (size_t)len);
	free(got);
}

static struct vmgs *reopen(struct vmgs *v)
{
	uint64_t len;
	uint8_t *img = t_image(v, &len);
	struct vmgs *n;

	vmgs_close(v);
	assert_int_equal(t_open(img, len, VMGS_OPEN_WRITE, &n), VMGS_OK);
	free(img);
	return n;
}

static void test_plain_roundtrip(void **state)
{
	static const uint64_t sizes[] = { 0,	1,    511,  512,
					  4095, 4096, 4097, 40000 };
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t *d[8];

	(void)state;
	for (unsigned i = 0; i < 8; i++) {
		d[i] = pattern(sizes[i], (uint8_t)i);
		assert_int_equal(vmgs_write(v, 1 + i, d[i], sizes[i], 0),
				 VMGS_OK);
	}
	v = reopen(v);
	for (unsigned i = 0; i < 8; i++) {
		struct vmgs_file_info fi;

		expect_file(v, 1 + i, d[i], sizes[i]);
		assert_int_equal(vmgs_stat(v, 1 + i, &fi), VMGS_OK);
		assert_int_equal(fi.valid_bytes, sizes[i]);
		free(d[i]);
	}
	vmgs_close(v);
}

static void test_overwrite_delete_move(void **state)
{
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t *a = pattern(5000, 1), *b = pattern(300, 2), *got;
	uint64_t n;

	(void)state;
	assert_int_equal(vmgs_write(v, 3, a, 5000, 0), VMGS_OK);
	assert_int_equal(vmgs_write(v, 3, b, 300, 0), VMGS_E_EXISTS);
	assert_int_equal(vmgs_write(v, 3, b, 300, VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	expect_file(v, 3, b, 300);
	assert_int_equal(vmgs_move(v, 3, 17, false), VMGS_OK);
	assert_int_equal(vmgs_read(v, 3, 0, &got, &n), VMGS_E_NOT_FOUND);
	expect_file(v, 17, b, 300);
	assert_int_equal(vmgs_write(v, 3, a, 5000, 0), VMGS_OK);
	assert_int_equal(vmgs_move(v, 3, 17, false), VMGS_E_EXISTS);
	assert_int_equal(vmgs_move(v, 3, 17, true), VMGS_OK);
	expect_file(v, 17, a, 5000);
	assert_int_equal(vmgs_delete(v, 17), VMGS_OK);
	assert_int_equal(vmgs_delete(v, 17), VMGS_E_NOT_FOUND);
	assert_int_equal(vmgs_delete(v, 0), VMGS_E_BAD_FILE_ID);
	assert_int_equal(vmgs_delete(v, 63), VMGS_E_BAD_FILE_ID);
	assert_int_equal(vmgs_read(v, 63, 0, &got, &n), VMGS_E_BAD_FILE_ID);
	assert_int_equal(vmgs_write(v, 64, a, 1, 0), VMGS_E_BAD_FILE_ID);
	v = reopen(v);
	assert_int_equal(vmgs_read(v, 17, 0, &got, &n), VMGS_E_NOT_FOUND);
	free(a);
	free(b);
	vmgs_close(v);
}

static void test_no_space(void **state)
{
	struct vmgs *v = t_new(VMGS_MIN_CAPACITY); /* 4 blocks: 2 in use */
	uint8_t *a = pattern(8192, 3);

	(void)state;
	/* Copy-on-write needs a new table block plus the data. */
	assert_int_equal(vmgs_write(v, 1, a, 4096, 0), VMGS_E_NO_SPACE);
	assert_int_equal(vmgs_write(v, 1, a, 1 << 20, 0), VMGS_E_TOO_BIG);
	free(a);
	vmgs_close(v);
}

static void test_encrypted_roundtrip_and_tamper(void **state)
{
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t key[32], *a = pattern(10000, 9), *got, *img;
	uint64_t n, len;
	struct vmgs_entry before;

	(void)state;
	t_key(key, 0x11);
	assert_int_equal(vmgs_write(v, 6, "plain", 5, 0), VMGS_OK);
	assert_int_equal(vmgs_write(v, 3, a, 10000, VMGS_WRITE_ENCRYPT),
			 VMGS_E_NOT_ENCRYPTED);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_E_ENCRYPTED);
	assert_int_equal(vmgs_write(v, 3, a, 10000, VMGS_WRITE_ENCRYPT),
			 VMGS_OK);
	before = v->ft[3];
	/* A rewrite uses a fresh key and nonce. */
	assert_int_equal(vmgs_write(v, 3, a, 10000,
				    VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	assert_memory_not_equal(before.nonce, v->ft[3].nonce, 12);
	assert_memory_not_equal(before.tag, v->ft[3].tag, 16);
	img = t_image(v, &len);
	vmgs_close(v);

	/* Without the key: plaintext file readable, encrypted one locked. */
	assert_int_equal(t_open(img, len, 0, &v), VMGS_OK);
	assert_true(vmgs_is_encrypted(v));
	expect_file(v, 6, (const uint8_t *)"plain", 5);
	assert_int_equal(vmgs_read(v, 3, 0, &got, &n), VMGS_E_LOCKED);
	assert_int_equal(vmgs_read(v, 3, VMGS_READ_RAW, &got, &n), VMGS_OK);
	assert_memory_not_equal(got, a, 10000);
	free(got);
	t_key(key, 0x12);
	assert_int_equal(vmgs_unlock(v, key), VMGS_E_WRONG_KEY);
	t_key(key, 0x11);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	expect_file(v, 3, a, 10000);
	expect_file(v, 6, (const uint8_t *)"plain", 5);
	vmgs_close(v);

	/* One flipped byte of ciphertext is reported, never returned. */
	t_entry(img, 3); /* active table must exist */
	{
		uint8_t *e = t_entry(img, 3);
		uint32_t off = get_le32(e);

		img[(uint64_t)off * 4096 + 5000] ^= 0x01;
	}
	assert_int_equal(t_open(img, len, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	got = (uint8_t *)1;
	assert_int_equal(vmgs_read(v, 3, 0, &got, &n), VMGS_E_AUTH);
	assert_null(got);
	vmgs_close(v);

	/* A flipped byte in the extended file table stops the unlock. */
	{
		uint8_t *e = t_entry(img, 63);
		uint32_t off = get_le32(e);

		img[(uint64_t)off * 4096 + 100] ^= 0x80;
	}
	assert_int_equal(t_open(img, len, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, key), VMGS_E_AUTH);
	vmgs_close(v);
	free(img);
	free(a);
}

static void test_key_roll(void **state)
{
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t k1[32], k2[32], k3[32], *a = pattern(7000, 4), *img;
	uint64_t len;

	(void)state;
	t_key(k1, 1);
	t_key(k2, 2);
	t_key(k3, 3);
	assert_int_equal(vmgs_roll_key(v, k2), VMGS_E_NOT_ENCRYPTED);
	assert_int_equal(vmgs_add_first_key(v, k1), VMGS_OK);
	assert_int_equal(vmgs_write(v, 3, a, 7000, VMGS_WRITE_ENCRYPT),
			 VMGS_OK);
	assert_int_equal(vmgs_write(v, 1, a, 100, VMGS_WRITE_ENCRYPT), VMGS_OK);
	assert_int_equal(vmgs_roll_key(v, k2), VMGS_OK);
	assert_int_equal(v->key_slot, 1);
	img = t_image(v, &len);
	vmgs_close(v);
	assert_int_equal(t_open(img, len, VMGS_OPEN_WRITE, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, k1), VMGS_E_WRONG_KEY);
	assert_int_equal(vmgs_unlock(v, k2), VMGS_OK);
	expect_file(v, 3, a, 7000);
	expect_file(v, 1, a, 100);
	/* Roll again: back into slot 0. */
	assert_int_equal(vmgs_roll_key(v, k3), VMGS_OK);
	assert_int_equal(v->key_slot, 0);
	free(img);
	img = t_image(v, &len);
	vmgs_close(v);
	assert_int_equal(t_open(img, len, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, k2), VMGS_E_WRONG_KEY);
	assert_int_equal(vmgs_unlock(v, k1), VMGS_E_WRONG_KEY);
	assert_int_equal(vmgs_unlock(v, k3), VMGS_OK);
	expect_file(v, 3, a, 7000);
	expect_file(v, 1, a, 100);
	vmgs_close(v);
	free(img);
	free(a);
}

static void test_locked_operations(void **state)
{
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t k[32], *img;
	uint64_t len;

	(void)state;
	t_key(k, 7);
	assert_int_equal(vmgs_add_first_key(v, k), VMGS_OK);
	assert_int_equal(vmgs_write(v, 2, "x", 1, VMGS_WRITE_ENCRYPT), VMGS_OK);
	img = t_image(v, &len);
	vmgs_close(v);
	assert_int_equal(t_open(img, len, VMGS_OPEN_WRITE, &v), VMGS_OK);
	assert_int_equal(vmgs_write(v, 4, "y", 1, VMGS_WRITE_ENCRYPT),
			 VMGS_E_LOCKED);
	assert_int_equal(vmgs_move(v, 2, 5, false), VMGS_E_LOCKED);
	assert_int_equal(vmgs_roll_key(v, k), VMGS_E_LOCKED);
	/* Plaintext writes without the key keep the EFT as it is. */
	assert_int_equal(vmgs_write(v, 6, "kp", 2, 0), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, k), VMGS_OK);
	expect_file(v, 6, (const uint8_t *)"kp", 2);
	expect_file(v, 2, (const uint8_t *)"x", 1);
	vmgs_close(v);
	/* Read-only handles refuse changes. */
	assert_int_equal(t_open(img, len, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_write(v, 6, "kp", 2, 0), VMGS_E_INVAL);
	vmgs_close(v);
	free(img);
}

static void test_file_io_layer(void **state)
{
	char path[] = "/tmp/vmgs-unit-XXXXXX";
	int fd = mkstemp(path);
	struct vmgs_io io;
	struct vmgs *v;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(vmgs_io_file_create(&io, path, TEST_CAP + 512),
			 VMGS_OK);
	assert_int_equal(vmgs_format(&io, TEST_CAP, VMGS_OPEN_WRITE, &v),
			 VMGS_OK);
	assert_int_equal(vmgs_write(v, 9, "hello", 5, 0), VMGS_OK);
	vmgs_close(v);
	assert_int_equal(vmgs_io_file_open(&io, path, false), VMGS_OK);
	assert_int_equal(vmgs_open(&io, 0, &v), VMGS_OK);
	expect_file(v, 9, (const uint8_t *)"hello", 5);
	vmgs_close(v);
	/* Without the footer only --raw opens it. */
	assert_int_equal(truncate(path, TEST_CAP), 0);
	assert_int_equal(vmgs_io_file_open(&io, path, false), VMGS_OK);
	assert_int_equal(vmgs_open(&io, 0, &v), VMGS_E_NO_FOOTER);
	assert_int_equal(vmgs_open(&io, VMGS_OPEN_RAW, &v), VMGS_OK);
	expect_file(v, 9, (const uint8_t *)"hello", 5);
	vmgs_close(v);
	unlink(path);
	close(fd);
}

/* Files spanning many I/O chunks, with unaligned tails, 512 and 4K sectors. */
static void test_multi_chunk_and_4k_sectors(void **state)
{
	static const uint32_t sector[] = { 512, 4096 };
	uint8_t k[32], *big = pattern(300001, 4);

	(void)state;
	t_key(k, 3);
	for (unsigned si = 0; si < 2; si++) {
		struct vmgs_io io;
		struct vmgs *v;
		uint8_t *img;
		uint64_t len;

		assert_int_equal(vmgs_io_mem_new(&io, NULL, 1 << 20), VMGS_OK);
		io.sector_size = sector[si];
		assert_int_equal(vmgs_format(&io, 1 << 20,
					     VMGS_OPEN_WRITE | VMGS_OPEN_RAW,
					     &v),
				 VMGS_OK);
		assert_int_equal(vmgs_add_first_key(v, k), VMGS_OK);
		assert_int_equal(
			vmgs_write(v, 3, big, 300001, VMGS_WRITE_ENCRYPT),
			VMGS_OK);
		assert_int_equal(vmgs_write(v, 4, big + 1, 300000, 0), VMGS_OK);
		img = t_image(v, &len);
		vmgs_close(v);
		assert_int_equal(vmgs_io_mem_new(&io, img, len), VMGS_OK);
		io.sector_size = sector[si];
		assert_int_equal(vmgs_open(&io, VMGS_OPEN_RAW, &v), VMGS_OK);
		assert_int_equal(vmgs_unlock(v, k), VMGS_OK);
		expect_file(v, 3, big, 300001);
		expect_file(v, 4, big + 1, 300000);
		vmgs_close(v);
		/* The second header sits at the sector size. */
		assert_int_equal(img[0], 'G');
		assert_int_equal(img[sector[si]], 'G');
		if (sector[si] == 4096)
			assert_int_equal(img[512], 0);
		free(img);
	}
	free(big);
}

/* A file that fills its blocks exactly must not touch the next block. */
static void test_exact_block_files_do_not_spill(void **state)
{
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t *x = pattern(4096, 1), *b = pattern(4096, 2),
		*a = pattern(4096, 3);
	struct vmgs_file_info fa, fb;

	(void)state;
	assert_int_equal(vmgs_write(v, 1, x, 4096, 0), VMGS_OK);
	assert_int_equal(vmgs_write(v, 2, b, 4096, 0), VMGS_OK);
	assert_int_equal(vmgs_delete(v, 1), VMGS_OK);
	assert_int_equal(vmgs_write(v, 3, a, 4096, 0), VMGS_OK);
	assert_int_equal(vmgs_stat(v, 3, &fa), VMGS_OK);
	assert_int_equal(vmgs_stat(v, 2, &fb), VMGS_OK);
	assert_int_equal(fa.block_offset + 1, fb.block_offset);
	expect_file(v, 2, b, 4096);
	expect_file(v, 3, a, 4096);
	free(x);
	free(a);
	free(b);
	vmgs_close(v);
}

/* Random writes, overwrites, deletes and moves against a model. */
static void test_random_ops_match_model(void **state)
{
	static const uint64_t sizes[] = { 0, 1, 512, 4095, 4096, 8192, 9000 };
	uint8_t *model[8] = { 0 };
	uint64_t mlen[8] = { 0 };
	bool has[8] = { 0 };
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t k[32];
	uint32_t x = 7;

	(void)state;
	t_key(k, 9);
	assert_int_equal(vmgs_add_first_key(v, k), VMGS_OK);
	for (int step = 0; step < 400; step++) {
		unsigned id, op;

		x = x * 1103515245 + 12345;
		id = 1 + (x >> 8) % 7;
		op = (x >> 16) % 4;
		if (op <= 1) {
			uint64_t len = sizes[(x >> 20) % 7];

			free(model[id]);
			model[id] = pattern(len, (uint8_t)step);
			mlen[id] = len;
			has[id] = true;
			assert_int_equal(
				vmgs_write(
					v, id, model[id], len,
					VMGS_WRITE_OVERWRITE |
						(op ? VMGS_WRITE_ENCRYPT : 0)),
				VMGS_OK);
		} else if (op == 2) {
			assert_int_equal(vmgs_delete(v, id),
					 has[id] ? VMGS_OK : VMGS_E_NOT_FOUND);
			has[id] = false;
		} else {
			unsigned dst = 1 + (id % 7);

			assert_int_equal(vmgs_move(v, id, dst, true),
					 has[id] ? VMGS_OK : VMGS_E_NOT_FOUND);
			if (has[id]) {
				free(model[dst]);
				model[dst] = model[id];
				mlen[dst] = mlen[id];
				has[dst] = true;
				model[id] = NULL;
				has[id] = false;
			}
		}
		if (step % 40 == 39) {
			v = reopen(v);
			assert_int_equal(vmgs_unlock(v, k), VMGS_OK);
		}
		for (unsigned i = 1; i < 8; i++) {
			uint8_t *got;
			uint64_t n;

			if (!has[i]) {
				assert_int_equal(vmgs_read(v, i, 0, &got, &n),
						 VMGS_E_NOT_FOUND);
				continue;
			}
			expect_file(v, i, model[i], mlen[i]);
		}
	}
	for (unsigned i = 0; i < 8; i++)
		free(model[i]);
	vmgs_close(v);
}

/* Every encryption in a long series uses a distinct (key, nonce). */
static void test_key_nonce_never_repeat(void **state)
{
	enum { N = 150 };
	static uint8_t pairs[3 * N][VMGS_KEY_SIZE + 12];
	struct vmgs *v = t_new(TEST_CAP);
	uint8_t k[32];
	unsigned n = 0;

	(void)state;
	t_key(k, 5);
	assert_int_equal(vmgs_add_first_key(v, k), VMGS_OK);
	for (unsigned i = 0; i < N; i++) {
		unsigned id = 1 + i % 5;

		assert_int_equal(
			vmgs_write(v, id, "same bytes", 10,
				   VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			VMGS_OK);
		/* The file's own pair, and the EFT's (metadata key) pair. */
		memcpy(pairs[n], v->eft[id].key, 32);
		memcpy(pairs[n++] + 32, v->ft[id].nonce, 12);
		memcpy(pairs[n], v->mk, 32);
		memcpy(pairs[n++] + 32, v->ft[63].nonce, 12);
		if (i % 50 == 49) {
			/* A key roll re-wraps: its slot nonce is fresh too. */
			k[0]++;
			assert_int_equal(vmgs_roll_key(v, k), VMGS_OK);
			memcpy(pairs[n], k, 32);
			memcpy(pairs[n++] + 32, v->hdr.keys[v->key_slot].nonce,
			       12);
		}
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			assert_memory_not_equal(pairs[i], pairs[j],
						sizeof(pairs[i]));
	vmgs_close(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_roundtrip),
		cmocka_unit_test(test_overwrite_delete_move),
		cmocka_unit_test(test_no_space),
		cmocka_unit_test(test_encrypted_roundtrip_and_tamper),
		cmocka_unit_test(test_key_roll),
		cmocka_unit_test(test_locked_operations),
		cmocka_unit_test(test_file_io_layer),
		cmocka_unit_test(test_key_nonce_never_repeat),
		cmocka_unit_test(test_exact_block_files_do_not_spill),
		cmocka_unit_test(test_multi_chunk_and_4k_sectors),
		cmocka_unit_test(test_random_ops_match_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
