// SPDX-License-Identifier: MIT
/*
 * libvmgs I/O over the control channel (paravisor side). The geometry the
 * host reports is hostile input: it is checked once here and the io then
 * refuses any access outside it, so libvmgs never asks for bytes the host
 * did not promise. Read data is only handed on once its reply matched.
 */
#include <stdlib.h>

#include "hostif_vmgs.h"

struct chan_io {
	struct hostif_client *c;
	uint64_t size;
};

static int in_range(const struct chan_io *ci, uint64_t off, size_t len)
{
	return off % HOSTIF_SECTOR == 0 && len % HOSTIF_SECTOR == 0 &&
	       off <= ci->size && len <= ci->size - off &&
	       len / HOSTIF_SECTOR <= UINT32_MAX;
}

static int io_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct chan_io *ci = ctx;

	if (!in_range(ci, off, len))
		return -1;
	return hostif_client_vmgs_read(ci->c, off / HOSTIF_SECTOR,
				       (uint32_t)(len / HOSTIF_SECTOR), buf) ?
		       -1 :
		       0;
}

static int io_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct chan_io *ci = ctx;

	if (!in_range(ci, off, len))
		return -1;
	return hostif_client_vmgs_write(ci->c, off / HOSTIF_SECTOR,
					(uint32_t)(len / HOSTIF_SECTOR), buf) ?
		       -1 :
		       0;
}

static int io_flush(void *ctx)
{
	struct chan_io *ci = ctx;

	return hostif_client_vmgs_flush(ci->c) ? -1 : 0;
}

static void io_destroy(void *ctx)
{
	free(ctx);
}

static const struct vmgs_io_ops chan_ops = {
	.read = io_read,
	.write = io_write,
	.flush = io_flush,
	.destroy = io_destroy,
};

enum vmgs_err hostif_vmgs_io_new(struct hostif_client *c, struct vmgs_io *io)
{
	struct chan_io *ci;
	uint32_t ss;
	uint64_t n;

	if (!c || !io)
		return VMGS_E_INVAL;
	if (hostif_client_vmgs_info(c, &ss, &n))
		return VMGS_E_IO;
	/* Geometry from the host: bounded before anything is sized by it. */
	if ((ss != 512 && ss != 4096) ||
	    n > VMGS_MAX_FILE_BYTES / HOSTIF_SECTOR ||
	    n * HOSTIF_SECTOR < VMGS_MIN_CAPACITY || (n * HOSTIF_SECTOR) % ss)
		return VMGS_E_FILE_SIZE;
	ci = malloc(sizeof(*ci));
	if (!ci)
		return VMGS_E_NOMEM;
	ci->c = c;
	ci->size = n * HOSTIF_SECTOR;
	io->ops = &chan_ops;
	io->ctx = ci;
	io->size = ci->size;
	io->sector_size = ss;
	return VMGS_OK;
}

enum vmgs_err hostif_vmgs_open(struct hostif_client *c, unsigned flags,
			       struct vmgs **out, int *formatted)
{
	struct vmgs_io io;
	unsigned may_format = !(flags & HOSTIF_VMGS_NO_FORMAT);
	enum vmgs_err e;

	if (formatted)
		*formatted = 0;
	flags &= ~HOSTIF_VMGS_NO_FORMAT;
	e = hostif_vmgs_io_new(c, &io);
	if (e)
		return e;
	flags |= VMGS_OPEN_RAW;
	e = vmgs_open(&io, flags, out);
	if (e == VMGS_E_EMPTY && may_format && (flags & VMGS_OPEN_WRITE)) {
		/* Never formatted: both headers all zero. Anything else stays. */
		e = vmgs_format(&io, io.size, flags, out);
		if (!e && formatted)
			*formatted = 1;
	}
	if (e)
		vmgs_io_close(&io);
	return e;
}
