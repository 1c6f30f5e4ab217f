// SPDX-License-Identifier: MIT
/* I/O layer over a private heap buffer. */
#include <stdlib.h>
#include <string.h>

#include "vmgs/vmgs.h"

struct mem_ctx {
	uint8_t *buf;
	uint64_t len;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem_ctx *m = ctx;

	if (off > m->len || len > m->len - off)
		return -1;
	memcpy(buf, m->buf + off, len);
	return 0;
}

static int mem_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct mem_ctx *m = ctx;

	if (off > m->len || len > m->len - off)
		return -1;
	memcpy(m->buf + off, buf, len);
	return 0;
}

/* The buffer is private to this io and stable: safe to hand out. */
static void *mem_map(void *ctx, uint64_t off, size_t len)
{
	struct mem_ctx *m = ctx;

	if (off > m->len || len > m->len - off || !m->buf)
		return NULL;
	return m->buf + off;
}

static int mem_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static void mem_destroy(void *ctx)
{
	struct mem_ctx *m = ctx;

	free(m->buf);
	free(m);
}

static const struct vmgs_io_ops mem_ops = {
	.read = mem_read,
	.write = mem_write,
	.flush = mem_flush,
	.destroy = mem_destroy,
	.map = mem_map,
};

enum vmgs_err vmgs_io_mem_new(struct vmgs_io *io, const void *data,
			      uint64_t len)
{
	struct mem_ctx *m;

	if (!io || len > SIZE_MAX)
		return VMGS_E_INVAL;
	m = malloc(sizeof(*m));
	if (!m)
		return VMGS_E_NOMEM;
	m->buf = len ? malloc((size_t)len) : NULL;
	if (len && !m->buf) {
		free(m);
		return VMGS_E_NOMEM;
	}
	if (len && data)
		memcpy(m->buf, data, (size_t)len);
	else if (len)
		memset(m->buf, 0, (size_t)len);
	m->len = len;
	io->ops = &mem_ops;
	io->ctx = m;
	io->size = len;
	io->sector_size = 512;
	return VMGS_OK;
}

const uint8_t *vmgs_io_mem_data(const struct vmgs_io *io)
{
	if (!io || io->ops != &mem_ops)
		return NULL;
	return ((const struct mem_ctx *)io->ctx)->buf;
}
