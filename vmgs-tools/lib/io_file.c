// SPDX-License-Identifier: MIT
/* I/O layer over a regular file (pread/pwrite/fdatasync). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmgs/vmgs.h"

struct file_ctx {
	int fd;
};

/* Moves all of len at off: reads into rp, or writes wp when rp is NULL. */
static int xfer(int fd, uint64_t off, uint8_t *rp, const uint8_t *wp,
		size_t len)
{
	while (len) {
		ssize_t n = rp ? pread(fd, rp, len, (off_t)off) :
				 pwrite(fd, wp, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (rp)
			rp += n;
		else
			wp += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct file_ctx *f = ctx;

	return xfer(f->fd, off, buf, NULL, len);
}

static int file_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct file_ctx *f = ctx;

	return xfer(f->fd, off, NULL, buf, len);
}

static int file_flush(void *ctx)
{
	struct file_ctx *f = ctx;

	return fdatasync(f->fd) == 0 ? 0 : -1;
}

static void file_destroy(void *ctx)
{
	struct file_ctx *f = ctx;

	close(f->fd);
	free(f);
}

static const struct vmgs_io_ops file_ops = {
	.read = file_read,
	.write = file_write,
	.flush = file_flush,
	.destroy = file_destroy,
};

static enum vmgs_err wrap(struct vmgs_io *io, int fd)
{
	struct file_ctx *f;
	struct stat st;

	if (fstat(fd, &st) != 0) {
		int err = errno;

		close(fd);
		errno = err; /* callers report the reason */
		return VMGS_E_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return VMGS_E_IO;
	}
	f = malloc(sizeof(*f));
	if (!f) {
		close(fd);
		return VMGS_E_NOMEM;
	}
	f->fd = fd;
	io->ops = &file_ops;
	io->ctx = f;
	io->size = (uint64_t)st.st_size;
	io->sector_size = 512;
	return VMGS_OK;
}

enum vmgs_err vmgs_io_file_open(struct vmgs_io *io, const char *path,
				bool writable)
{
	int fd;

	if (!io || !path)
		return VMGS_E_INVAL;
	fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return VMGS_E_IO;
	return wrap(io, fd);
}

enum vmgs_err vmgs_io_file_create(struct vmgs_io *io, const char *path,
				  uint64_t size)
{
	int fd;

	if (!io || !path)
		return VMGS_E_INVAL;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return VMGS_E_IO;
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		return VMGS_E_IO;
	}
	return wrap(io, fd);
}

void vmgs_io_close(struct vmgs_io *io)
{
	if (io && io->ops) {
		io->ops->destroy(io->ctx);
		io->ops = NULL;
		io->ctx = NULL;
	}
}
