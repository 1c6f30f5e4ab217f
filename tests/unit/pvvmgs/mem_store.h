/* SPDX-License-Identifier: MIT */
/*
 * A VMGS store over a buffer the test owns (or over another io, such as
 * libvmgs's fault injector): every io_new borrows it, so the bytes outlive
 * every handle and a refusal can be compared byte for byte. Test code only.
 */
#ifndef MANTLE_TEST_MEM_STORE_H
#define MANTLE_TEST_MEM_STORE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmgs_key.h"

#define MEM_STORE_SIZE (256u * 1024)

struct mem_store {
	uint8_t *buf; /* MEM_STORE_SIZE bytes, or NULL with inner */
	struct vmgs_io *inner; /* delegate to this io instead */
	struct vmgs_key_store st;
};

static int ms_read(void *ctx, uint64_t off, void *b, size_t len)
{
	struct mem_store *m = ctx;

	if (m->inner)
		return m->inner->ops->read(m->inner->ctx, off, b, len);
	memcpy(b, m->buf + off, len);
	return 0;
}

static int ms_write(void *ctx, uint64_t off, const void *b, size_t len)
{
	struct mem_store *m = ctx;

	if (m->inner)
		return m->inner->ops->write(m->inner->ctx, off, b, len);
	memcpy(m->buf + off, b, len);
	return 0;
}

static int ms_flush(void *ctx)
{
	struct mem_store *m = ctx;

	return m->inner ? m->inner->ops->flush(m->inner->ctx) : 0;
}

static void ms_destroy(void *ctx)
{
	(void)ctx;
}

static const struct vmgs_io_ops ms_ops = { .read = ms_read,
					   .write = ms_write,
					   .flush = ms_flush,
					   .destroy = ms_destroy };

static enum vmgs_err ms_io_new(void *arg, struct vmgs_io *io)
{
	struct mem_store *m = arg;

	io->ops = &ms_ops;
	io->ctx = m;
	io->size = m->inner ? m->inner->size : MEM_STORE_SIZE;
	io->sector_size = m->inner ? m->inner->sector_size : 512;
	return VMGS_OK;
}

/* A store over a new all-zero buffer (inner NULL) or over inner. */
static inline void mem_store_init(struct mem_store *m, struct vmgs_io *inner)
{
	m->inner = inner;
	m->buf = inner ? NULL : calloc(1, MEM_STORE_SIZE);
	m->st = (struct vmgs_key_store){ .io_new = ms_io_new,
					 .arg = m,
					 .flags = VMGS_OPEN_WRITE |
						  VMGS_OPEN_RAW };
}

static inline void mem_store_free(struct mem_store *m)
{
	free(m->buf);
	m->buf = NULL;
}

#endif
