// SPDX-License-Identifier: MIT
#define _DEFAULT_SOURCE
/*
 * The optional map op: file data encrypted into and decrypted out of an
 * io's private memory must give the same files, tails and tag checks as
 * the copy path, and only the in-memory layer may offer it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "internal.h"

#define CAP (4u << 20)
#define BIG 300000u /* largest file; buffers hold one byte more */

/* How the wrapper below answers map. */
enum map_mode {
	MAP_NONE, /* no map op at all: the copy path */
	MAP_PASS, /* the in-memory layer's map */
	MAP_DECLINE, /* a map op that always returns NULL */
	MAP_MODES
};

/* An io over an in-memory one that counts what the library asks of it. */
struct wrap {
	struct vmgs_io inner;
	enum map_mode mode;
	uint64_t maps, map_bytes, read_bytes, write_bytes;
};

static int w_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct wrap *w = ctx;

	w->read_bytes += len;
	return w->inner.ops->read(w->inner.ctx, off, buf, len);
}

static int w_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct wrap *w = ctx;

	w->write_bytes += len;
	return w->inner.ops->write(w->inner.ctx, off, buf, len);
}

static int w_flush(void *ctx)
{
	struct wrap *w = ctx;

	return w->inner.ops->flush(w->inner.ctx);
}

/* The test closes the inner io itself, after looking at its image. */
static void w_destroy(void *ctx)
{
	(void)ctx;
}

static void *w_map(void *ctx, uint64_t off, size_t len)
{
	struct wrap *w = ctx;

	w->maps++;
	if (w->mode == MAP_DECLINE)
		return NULL;
	w->map_bytes += len;
	return w->inner.ops->map(w->inner.ctx, off, len);
}

static const struct vmgs_io_ops nomap_ops = {
	.read = w_read,
	.write = w_write,
	.flush = w_flush,
	.destroy = w_destroy,
};

static const struct vmgs_io_ops map_ops = {
	.read = w_read,
	.write = w_write,
	.flush = w_flush,
	.destroy = w_destroy,
	.map = w_map,
};

/* Wraps a copy of img (NULL: CAP bytes of 0xa5 garbage) in io. */
static void wrap_new(struct wrap *w, struct vmgs_io *io, enum map_mode mode,
		     uint32_t sector, const uint8_t *img)
{
	memset(w, 0, sizeof(*w));
	w->mode = mode;
	if (img) {
		assert_int_equal(vmgs_io_mem_new(&w->inner, img, CAP), VMGS_OK);
	} else {
		uint8_t *junk = malloc(CAP);

		assert_non_null(junk);
		memset(junk, 0xa5, CAP);
		assert_int_equal(vmgs_io_mem_new(&w->inner, junk, CAP),
				 VMGS_OK);
		free(junk);
	}
	io->ops = mode == MAP_NONE ? &nomap_ops : &map_ops;
	io->ctx = w;
	io->size = CAP;
	io->sector_size = sector;
}

static uint8_t *pattern(uint64_t len, uint8_t seed)
{
	uint8_t *p = malloc(len ? (size_t)len : 1);

	assert_non_null(p);
	for (uint64_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 13 + (i >> 8));
	return p;
}

/* Sizes around sector, block and chunk edges; 0 owns a block too. */
static const uint64_t sizes[] = { 0,	1,     511,   512,   513,    4095, 4096,
				  4097, 65535, 65536, 65537, 200003, BIG };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define ENC_ID(i) (1 + (i)) /* ids 1..13 encrypted */
#define PLAIN_ID(i) (21 + (i)) /* ids 21..33 plaintext */

static void test_mem_map_bounds(void **state)
{
	struct vmgs_io io, f;
	const uint8_t *base;
	char path[] = "/tmp/vmgs-map-XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(vmgs_io_mem_new(&io, NULL, 8192), VMGS_OK);
	base = vmgs_io_mem_data(&io);
	assert_non_null(io.ops->map);
	assert_ptr_equal(io.ops->map(io.ctx, 0, 8192), base);
	assert_ptr_equal(io.ops->map(io.ctx, 4096, 4096), base + 4096);
	assert_null(io.ops->map(io.ctx, 4096, 4097));
	assert_null(io.ops->map(io.ctx, 8192, 1));
	assert_null(io.ops->map(io.ctx, 8193, 0));
	assert_null(io.ops->map(io.ctx, UINT64_MAX, 2));
	assert_null(io.ops->map(io.ctx, 512, SIZE_MAX));

	/* Storage others can touch never maps: it keeps the copy path. */
	assert_int_equal(vmgs_io_fault_new(&f, base, 8192, UINT64_MAX),
			 VMGS_OK);
	assert_null(f.ops->map);
	vmgs_io_close(&f);
	vmgs_io_close(&io);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vmgs_io_file_create(&io, path, 8192), VMGS_OK);
	assert_null(io.ops->map);
	vmgs_io_close(&io);
	unlink(path);
}

/* Writes every size encrypted and plain through a wrap in `mode`. */
static uint8_t *write_all(enum map_mode mode, uint32_t sector,
			  const uint8_t key[VMGS_KEY_SIZE], uint8_t **data)
{
	struct wrap w;
	struct vmgs_io io;
	struct vmgs *v;
	uint64_t total = 0;
	uint8_t *img = malloc(CAP);

	assert_non_null(img);
	wrap_new(&w, &io, mode, sector, NULL);
	assert_int_equal(
		vmgs_format(&io, CAP, VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
		VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	for (unsigned i = 0; i < NSIZES; i++) {
		assert_int_equal(vmgs_write(v, ENC_ID(i), data[i], sizes[i],
					    VMGS_WRITE_ENCRYPT),
				 VMGS_OK);
		assert_int_equal(
			vmgs_write(v, PLAIN_ID(i), data[i], sizes[i], 0),
			VMGS_OK);
		total += 2 * sizes[i];
	}
	vmgs_close(v);
	if (mode == MAP_PASS) {
		/* Each file data went through map; write() saw only tables. */
		/* Plus format's EFT placeholder. */
		assert_int_equal(w.maps, 2 * NSIZES + 1);
		assert_true(w.map_bytes >= total);
		/* Per update: table, EFT and header; plus format's clears. */
		assert_true(w.write_bytes <= (2 * NSIZES + 4) * 3 * 4096);
		assert_true(w.write_bytes < total / 2);
	} else {
		assert_int_equal(w.map_bytes, 0);
		assert_int_equal(w.maps,
				 mode == MAP_DECLINE ? 2 * NSIZES + 1 : 0);
		assert_true(w.write_bytes >= total);
	}
	memcpy(img, vmgs_io_mem_data(&w.inner), CAP);
	vmgs_io_close(&w.inner);
	return img;
}

/* Reads every file back through a wrap in `mode` and checks tails. */
static void read_all(const uint8_t *img, enum map_mode mode, uint32_t sector,
		     const uint8_t key[VMGS_KEY_SIZE], uint8_t **data)
{
	struct wrap w;
	struct vmgs_io io;
	struct vmgs *v;
	uint64_t total = 0, n;
	uint8_t *buf = malloc(BIG + 1);

	assert_non_null(buf);
	wrap_new(&w, &io, mode, sector, img);
	assert_int_equal(vmgs_open(&io, VMGS_OPEN_RAW, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	w.read_bytes = 0;
	for (unsigned i = 0; i < NSIZES; i++) {
		unsigned ids[2] = { ENC_ID(i), PLAIN_ID(i) };

		for (unsigned k = 0; k < 2; k++) {
			const struct vmgs_entry *e = &v->ft[ids[k]];
			const uint8_t *at = img + (uint64_t)e->offset * 4096;
			uint64_t span = sizes[i] ? (sizes[i] + sector - 1) /
							   sector * sector :
						   sector;

			memset(buf, 0x5a, BIG + 1);
			assert_int_equal(
				vmgs_read_into(v, ids[k], 0, buf, BIG, &n),
				VMGS_OK);
			assert_int_equal(n, sizes[i]);
			if (n)
				assert_memory_equal(buf, data[i], (size_t)n);
			assert_int_equal(buf[n], 0x5a); /* nothing past it */
			/* The stored tail of the last sector is zeros. */
			for (uint64_t b = sizes[i]; b < span; b++)
				assert_int_equal(at[b], 0);
			/* The plain copy is stored as is; the other is not. */
			if (k == 1 && n)
				assert_memory_equal(at, data[i], (size_t)n);
			else if (n >= 16)
				assert_memory_not_equal(at, data[i], 16);
			total += sizes[i];
		}
	}
	if (mode == MAP_PASS)
		assert_int_equal(w.read_bytes, 0);
	else
		assert_true(w.read_bytes >= total);
	vmgs_close(v);
	vmgs_io_close(&w.inner);
	free(buf);
}

/* Every writer path read back by every reader path, 512 and 4K sectors. */
static void test_map_and_copy_paths_agree(void **state)
{
	static const uint32_t sector[] = { 512, 4096 };
	uint8_t key[VMGS_KEY_SIZE], *data[NSIZES];

	(void)state;
	t_key(key, 0x3c);
	for (unsigned i = 0; i < NSIZES; i++)
		data[i] = pattern(sizes[i], (uint8_t)i);
	for (unsigned s = 0; s < 2; s++) {
		for (unsigned wm = 0; wm < MAP_MODES; wm++) {
			uint8_t *img = write_all(wm, sector[s], key, data);

			for (unsigned rm = 0; rm < MAP_MODES; rm++)
				read_all(img, rm, sector[s], key, data);
			free(img);
		}
	}
	for (unsigned i = 0; i < NSIZES; i++)
		free(data[i]);
}

/* A flipped ciphertext byte is caught through map and the buffer wiped. */
static void test_map_tamper_wiped(void **state)
{
	uint8_t key[VMGS_KEY_SIZE], *data[NSIZES], *img, *buf;
	uint64_t n;

	(void)state;
	t_key(key, 0x3d);
	for (unsigned i = 0; i < NSIZES; i++)
		data[i] = pattern(sizes[i], (uint8_t)(i + 100));
	img = write_all(MAP_PASS, 512, key, data);
	buf = malloc(BIG + 1);
	assert_non_null(buf);
	for (unsigned rm = 0; rm < MAP_MODES; rm++) {
		/* 200003 bytes: flip one in the middle and one in the tail. */
		for (unsigned f = 0; f < 2; f++) {
			struct wrap w;
			struct vmgs_io io;
			struct vmgs *v;
			uint8_t *copy = malloc(CAP);
			uint64_t at;

			assert_non_null(copy);
			memcpy(copy, img, CAP);
			wrap_new(&w, &io, rm, 512, copy);
			assert_int_equal(vmgs_open(&io, VMGS_OPEN_RAW, &v),
					 VMGS_OK);
			assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
			at = (uint64_t)v->ft[ENC_ID(11)].offset * 4096 +
			     (f ? 200002 : 100000);
			vmgs_close(v);
			vmgs_io_close(&w.inner);
			copy[at] ^= 0x20;
			wrap_new(&w, &io, rm, 512, copy);
			assert_int_equal(vmgs_open(&io, VMGS_OPEN_RAW, &v),
					 VMGS_OK);
			assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
			memset(buf, 0x5a, BIG + 1);
			assert_int_equal(
				vmgs_read_into(v, ENC_ID(11), 0, buf, BIG, &n),
				VMGS_E_AUTH);
			for (unsigned b = 0; b < 200003; b++)
				assert_int_equal(buf[b], 0);
			/* The other files still read. */
			assert_int_equal(
				vmgs_read_into(v, ENC_ID(12), 0, buf, BIG, &n),
				VMGS_OK);
			assert_memory_equal(buf, data[12], BIG);
			vmgs_close(v);
			vmgs_io_close(&w.inner);
			free(copy);
		}
	}
	free(buf);
	free(img);
	for (unsigned i = 0; i < NSIZES; i++)
		free(data[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_map_bounds),
		cmocka_unit_test(test_map_and_copy_paths_agree),
		cmocka_unit_test(test_map_tamper_wiped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
