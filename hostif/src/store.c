// SPDX-License-Identifier: MIT
/*
 * The host's VMGS file (host side): a fixed-VHD1 file whose data part is
 * served as 512-byte sectors. The footer is checked with libvmgs when the
 * file is opened and is outside every range the service accepts.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "vmgs/vmgs.h"

struct hostif_store {
	struct vmgs_io io;
	uint64_t data_bytes;
};

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, why);
	return -1;
}

/*
 * libvmgs builds VHD footers only inside vmgs_format, so the footer for an
 * all-zero data part is taken from a format done in memory.
 */
static enum vmgs_err default_footer(uint8_t foot[VMGS_VHD_FOOTER_SIZE])
{
	struct vmgs_io mem, keep;
	struct vmgs *v;
	enum vmgs_err e;

	e = vmgs_io_mem_new(&mem, NULL, HOSTIF_VMGS_DEFAULT_FILE_SIZE);
	if (e)
		return e;
	keep = mem;
	e = vmgs_format(&mem, VMGS_DEFAULT_CAPACITY, 0, &v);
	if (e) {
		vmgs_io_close(&mem);
		return e;
	}
	memcpy(foot, vmgs_io_mem_data(&keep) + VMGS_DEFAULT_CAPACITY,
	       VMGS_VHD_FOOTER_SIZE);
	vmgs_close(v);
	return VMGS_OK;
}

static int create(const char *path, char *err, size_t errlen)
{
	uint8_t foot[VMGS_VHD_FOOTER_SIZE];
	struct vmgs_io io;
	enum vmgs_err e = default_footer(foot);

	if (e)
		return fail(err, errlen, path, vmgs_strerror(e));
	e = vmgs_io_file_create(&io, path, HOSTIF_VMGS_DEFAULT_FILE_SIZE);
	if (e)
		return fail(err, errlen, path, vmgs_strerror(e));
	if (io.ops->write(io.ctx, VMGS_DEFAULT_CAPACITY, foot, sizeof(foot)) ||
	    io.ops->flush(io.ctx)) {
		vmgs_io_close(&io);
		remove(path);
		return fail(err, errlen, path, "cannot write the VHD footer");
	}
	vmgs_io_close(&io);
	return 0;
}

int hostif_store_open(const char *path, struct hostif_store **out, char *err,
		      size_t errlen)
{
	struct hostif_store *st;
	struct vmgs_headers hdrs;
	struct stat sb;
	enum vmgs_err e;

	if (!path || !out)
		return fail(err, errlen, "(null)", "no path");
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			return fail(err, errlen, path, strerror(errno));
		if (create(path, err, errlen))
			return -1;
	} else if (!S_ISREG(sb.st_mode)) {
		return fail(err, errlen, path, "not a regular file");
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return fail(err, errlen, path, "out of memory");
	e = vmgs_io_file_open(&st->io, path, true);
	if (e) {
		free(st);
		return fail(err, errlen, path, vmgs_strerror(e));
	}
	/*
	 * Only the container matters here: the paravisor judges the VMGS
	 * inside (formats an empty one, refuses a damaged one).
	 */
	e = vmgs_read_headers(&st->io, 0, &hdrs);
	if (e == VMGS_E_NO_FOOTER || e == VMGS_E_BAD_FOOTER ||
	    e == VMGS_E_FILE_SIZE || e == VMGS_E_IO || e == VMGS_E_NOMEM ||
	    e == VMGS_E_INVAL ||
	    st->io.size < VMGS_VHD_FOOTER_SIZE + VMGS_MIN_CAPACITY) {
		vmgs_io_close(&st->io);
		free(st);
		return fail(err, errlen, path,
			    e ? vmgs_strerror(e) : "file too small");
	}
	st->data_bytes = st->io.size - VMGS_VHD_FOOTER_SIZE;
	*out = st;
	return 0;
}

uint64_t hostif_store_sectors(const struct hostif_store *st)
{
	return st->data_bytes / HOSTIF_SECTOR;
}

void hostif_store_close(struct hostif_store *st)
{
	if (!st)
		return;
	vmgs_io_close(&st->io);
	free(st);
}

/* The range check that keeps the footer out of reach. */
static int in_data(const struct hostif_store *st, uint64_t off, size_t len)
{
	return off <= st->data_bytes && len <= st->data_bytes - off;
}

int hostif_store_read(struct hostif_store *st, uint64_t off, void *buf,
		      size_t len)
{
	if (!in_data(st, off, len))
		return -1;
	return st->io.ops->read(st->io.ctx, off, buf, len);
}

int hostif_store_write(struct hostif_store *st, uint64_t off, const void *buf,
		       size_t len)
{
	if (!in_data(st, off, len))
		return -1;
	return st->io.ops->write(st->io.ctx, off, buf, len);
}

int hostif_store_flush(struct hostif_store *st)
{
	return st->io.ops->flush(st->io.ctx);
}
