/* SPDX-License-Identifier: MIT */
/* A minimal synthetic bzImage for tests: a valid 2.15 setup header, four
 * setup sectors and `kernel` bytes of protected-mode "kernel". */
#ifndef MANTLE_TEST_FAKE_BZIMAGE_H
#define MANTLE_TEST_FAKE_BZIMAGE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_SETUP_SIZE (5 * 512)
#define FAKE_PREF (16u << 20)

static inline void fake_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void fake_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void fake_put64(uint8_t *p, uint64_t v)
{
	fake_put32(p, (uint32_t)v);
	fake_put32(p + 4, (uint32_t)(v >> 32));
}

/* Returns a malloc'd image of FAKE_SETUP_SIZE + kernel bytes. */
static inline uint8_t *fake_bzimage(size_t kernel, size_t *len)
{
	size_t n = FAKE_SETUP_SIZE + kernel;
	uint8_t *b = calloc(1, n);

	if (!b)
		abort();
	b[0x1F1] = 4; /* setup_sects */
	fake_put16(b + 0x1FE, 0xAA55);
	b[0x201] = 0x6A; /* header ends at 0x26C */
	memcpy(b + 0x202, "HdrS", 4);
	fake_put16(b + 0x206, 0x020F);
	b[0x211] = 0x01; /* LOADED_HIGH */
	fake_put32(b + 0x22C, 0x7FFFFFFF); /* initrd_addr_max */
	fake_put32(b + 0x230, 0x200000); /* kernel_alignment */
	b[0x234] = 1; /* relocatable */
	fake_put16(b + 0x236, 0x7F); /* xloadflags: XLF_KERNEL_64 | ... */
	fake_put32(b + 0x238, 2047); /* cmdline_size */
	fake_put32(b + 0x248, 0x100); /* payload_offset */
	fake_put32(b + 0x24C, 0x10); /* payload_length */
	fake_put64(b + 0x258, FAKE_PREF);
	fake_put32(b + 0x260, (uint32_t)(kernel + (1u << 20))); /* init_size */
	for (size_t i = 0; i < kernel; i++)
		b[FAKE_SETUP_SIZE + i] = (uint8_t)(i * 7 + 1);
	*len = n;
	return b;
}

#endif
