// SPDX-License-Identifier: MIT
/*
 * Fault-injecting I/O layer for crash-consistency tests, in the spirit of
 * SQLite's test VFS: a durable image plus a log of the writes since the
 * last flush. Write number fail_at fails and freezes the device; the test
 * then asks which image a power loss would leave.
 */
#include <stdlib.h>
#include <string.h>

#include "vmgs/vmgs.h"

struct pending {
	uint64_t off;
	size_t len;
	uint8_t *data;
};

struct fault_ctx {
	uint8_t *live; /* what reads see */
	uint8_t *durable; /* what survives a crash */
	uint64_t len;
	uint64_t writes;
	uint64_t fail_at;
	bool tripped;
	struct pending
		*log; /* unflushed writes; the last may be the torn one */
	unsigned nlog;
	bool last_torn;
};

static void log_clear(struct fault_ctx *f)
{
	for (unsigned i = 0; i < f->nlog; i++)
		free(f->log[i].data);
	free(f->log);
	f->log = NULL;
	f->nlog = 0;
}

static int log_add(struct fault_ctx *f, uint64_t off, const void *buf,
		   size_t len)
{
	struct pending *n = realloc(f->log, (f->nlog + 1) * sizeof(*n));

	if (!n)
		return -1;
	f->log = n;
	n[f->nlog].data = malloc(len ? len : 1);
	if (!n[f->nlog].data)
		return -1;
	memcpy(n[f->nlog].data, buf, len);
	n[f->nlog].off = off;
	n[f->nlog].len = len;
	f->nlog++;
	return 0;
}

static int fault_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct fault_ctx *f = ctx;

	if (f->tripped || off > f->len || len > f->len - off)
		return -1;
	memcpy(buf, f->live + off, len);
	return 0;
}

static int fault_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct fault_ctx *f = ctx;

	if (f->tripped || off > f->len || len > f->len - off)
		return -1;
	if (f->writes++ == f->fail_at) {
		/* The failing write may reach the medium torn: log its half. */
		f->tripped = true;
		if (log_add(f, off, buf, len / 2) == 0)
			f->last_torn = true;
		return -1;
	}
	if (log_add(f, off, buf, len) != 0)
		return -1;
	memcpy(f->live + off, buf, len);
	return 0;
}

static int fault_flush(void *ctx)
{
	struct fault_ctx *f = ctx;

	if (f->tripped)
		return -1;
	memcpy(f->durable, f->live, f->len);
	log_clear(f);
	return 0;
}

static void fault_destroy(void *ctx)
{
	struct fault_ctx *f = ctx;

	log_clear(f);
	free(f->live);
	free(f->durable);
	free(f);
}

static const struct vmgs_io_ops fault_ops = {
	.read = fault_read,
	.write = fault_write,
	.flush = fault_flush,
	.destroy = fault_destroy,
};

enum vmgs_err vmgs_io_fault_new(struct vmgs_io *io, const void *data,
				uint64_t len, uint64_t fail_at)
{
	struct fault_ctx *f;

	if (!io || !data || !len || len > SIZE_MAX)
		return VMGS_E_INVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return VMGS_E_NOMEM;
	f->live = malloc((size_t)len);
	f->durable = malloc((size_t)len);
	if (!f->live || !f->durable) {
		fault_destroy(f);
		return VMGS_E_NOMEM;
	}
	memcpy(f->live, data, (size_t)len);
	memcpy(f->durable, data, (size_t)len);
	f->len = len;
	f->fail_at = fail_at;
	io->ops = &fault_ops;
	io->ctx = f;
	io->size = len;
	io->sector_size = 512;
	return VMGS_OK;
}

static struct fault_ctx *fctx(const struct vmgs_io *io)
{
	return io && io->ops == &fault_ops ? io->ctx : NULL;
}

uint64_t vmgs_io_fault_writes(const struct vmgs_io *io)
{
	struct fault_ctx *f = fctx(io);

	return f ? f->writes : 0;
}

unsigned vmgs_io_fault_pending(const struct vmgs_io *io)
{
	struct fault_ctx *f = fctx(io);

	return f ? f->nlog : 0;
}

bool vmgs_io_fault_tripped(const struct vmgs_io *io)
{
	struct fault_ctx *f = fctx(io);

	return f && f->tripped;
}

enum vmgs_err vmgs_io_fault_crash_image(const struct vmgs_io *io, uint64_t keep,
					uint8_t **out, uint64_t *out_len)
{
	struct fault_ctx *f = fctx(io);
	uint8_t *img;

	if (!f || !out || !out_len)
		return VMGS_E_INVAL;
	img = malloc((size_t)f->len);
	if (!img)
		return VMGS_E_NOMEM;
	memcpy(img, f->durable, (size_t)f->len);
	for (unsigned i = 0; i < f->nlog; i++) {
		bool torn = f->last_torn && i + 1 == f->nlog;
		uint64_t bit = torn ? 1ull << 63 : 1ull << (i < 63 ? i : 62);

		if (keep & bit)
			memcpy(img + f->log[i].off, f->log[i].data,
			       f->log[i].len);
	}
	*out = img;
	*out_len = f->len;
	return VMGS_OK;
}
