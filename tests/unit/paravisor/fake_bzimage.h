/* SPDX-License-Identifier: MIT */
/* A minimal synthetic bzImage for tests: a valid 2.15 setup header, four
 * setup sectors and `kernel` bytes of protected-mode "kernel". */
#ifndef MANTLE_TEST_FAKE_BZIMAGE_H
#define MANTLE_TEST_FAKE_BZIMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mantle_bytes.h"

#define FAKE_SETUP_SIZE (5 * 512)
#define FAKE_PREF (16u << 20)

/* Returns a malloc'd image of FAKE_SETUP_SIZE + kernel bytes. */
static inline uint8_t *fake_bzimage(size_t kernel, size_t *len)
{
	size_t n = FAKE_SETUP_SIZE + kernel;
	uint8_t *b = calloc(1, n);

	if (!b)
		abort();
	b[0x1F1] = 4; /* setup_sects */
	put_le16(b + 0x1FE, 0xAA55);
	b[0x201] = 0x6A; /* header ends at 0x26C */
	memcpy(b + 0x202, "HdrS", 4);
	put_le16(b + 0x206, 0x020F);
	b[0x211] = 0x01; /* LOADED_HIGH */
	put_le32(b + 0x22C, 0x7FFFFFFF); /* initrd_addr_max */
	put_le32(b + 0x230, 0x200000); /* kernel_alignment */
	b[0x234] = 1; /* relocatable */
	put_le16(b + 0x236, 0x7F); /* xloadflags: XLF_KERNEL_64 | ... */
	put_le32(b + 0x238, 2047); /* cmdline_size */
	put_le32(b + 0x248, 0x100); /* payload_offset */
	put_le32(b + 0x24C, 0x10); /* payload_length */
	put_le64(b + 0x258, FAKE_PREF);
	put_le32(b + 0x260, (uint32_t)(kernel + (1u << 20))); /* init_size */
	for (size_t i = 0; i < kernel; i++)
		b[FAKE_SETUP_SIZE + i] = (uint8_t)(i * 7 + 1);
	*len = n;
	return b;
}

#endif
