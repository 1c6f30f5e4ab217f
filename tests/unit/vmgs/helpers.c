// SPDX-License-Identifier: MIT
#include "helpers.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "internal.h"
#include "wire.h"

struct vmgs *t_new(uint64_t capacity)
{
	struct vmgs_io io;
	struct vmgs *v = NULL;

	assert_int_equal(
		vmgs_io_mem_new(&io, NULL, capacity + VMGS_VHD_FOOTER_SIZE),
		VMGS_OK);
	assert_int_equal(vmgs_format(&io, capacity, VMGS_OPEN_WRITE, &v),
			 VMGS_OK);
	return v;
}

uint8_t *t_image(struct vmgs *v, uint64_t *len)
{
	uint8_t *img = malloc((size_t)v->io.size);

	assert_non_null(img);
	memcpy(img, vmgs_io_mem_data(&v->io), (size_t)v->io.size);
	*len = v->io.size;
	return img;
}

enum vmgs_err t_open(const uint8_t *img, uint64_t len, unsigned flags,
		     struct vmgs **out)
{
	struct vmgs_io io;
	enum vmgs_err e;

	assert_int_equal(vmgs_io_mem_new(&io, img, len), VMGS_OK);
	e = vmgs_open(&io, flags, out);
	if (e)
		vmgs_io_close(&io);
	return e;
}

static int active_slot(const uint8_t *img)
{
	struct vmgs_header h[2];
	enum vmgs_err s[2], err;

	for (int i = 0; i < 2; i++) {
		vmgs_header_decode(img + 512 * i, &h[i]);
		s[i] = vmgs_header_validate(img + 512 * i);
	}
	return vmgs_header_select(&h[0], s[0], &h[1], s[1], &err);
}

uint8_t *t_entry(uint8_t *img, unsigned id)
{
	int slot = active_slot(img);
	struct vmgs_header h;

	assert_true(slot >= 0);
	vmgs_header_decode(img + 512 * slot, &h);
	return img + (uint64_t)h.file_table_offset * VMGS_BLOCK_SIZE +
	       id * VMGS_ENTRY_SIZE;
}

void t_fix_crc(uint8_t *img, unsigned slot)
{
	uint8_t *h = img + 512 * slot;

	put_le32(h + 12, vmgs_header_crc(h));
}

void t_key(uint8_t key[VMGS_KEY_SIZE], uint8_t fill)
{
	memset(key, fill, VMGS_KEY_SIZE);
}
