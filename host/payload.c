// SPDX-License-Identifier: MIT
/* Writing the guest payload disk (paravisor/PAYLOAD.md). */
#define _GNU_SOURCE
#include "payload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "opts.h"

/* What `mantle run` accepts fits what the paravisor accepts. */
_Static_assert(MANTLE_MAX_CPUS == PAYLOAD_MAX_CPUS, "--cpus");
_Static_assert(MANTLE_MIN_MEM == PAYLOAD_MIN_MEM, "--mem");
_Static_assert(MANTLE_MAX_CMDLINE == PAYLOAD_MAX_CMDLINE, "--cmdline");

/* The biggest kernel or initrd the host hands on (the paravisor applies the
 * real limit, guest memory). */
#define PAYLOAD_MAX_PIECE (4096ULL * MANTLE_MIB)

static uint64_t align_up(uint64_t v)
{
	return (v + PAYLOAD_ALIGN - 1) & ~(uint64_t)(PAYLOAD_ALIGN - 1);
}

int payload_plan(struct payload_layout *l, uint32_t cpus, uint64_t mem_bytes,
		 uint64_t kernel_size, uint64_t initrd_size,
		 uint64_t cmdline_size)
{
	uint64_t pos = PAYLOAD_HDR_SIZE;

	if (!kernel_size || kernel_size > PAYLOAD_MAX_PIECE ||
	    initrd_size > PAYLOAD_MAX_PIECE ||
	    cmdline_size > MANTLE_MAX_CMDLINE)
		return -1;
	memset(l, 0, sizeof(*l));
	l->cpus = cpus;
	l->mem_bytes = mem_bytes;
	l->kernel_off = pos;
	l->kernel_size = kernel_size;
	pos = align_up(pos + kernel_size);
	if (initrd_size) {
		l->initrd_off = pos;
		l->initrd_size = initrd_size;
		pos = align_up(pos + initrd_size);
	}
	if (cmdline_size) {
		l->cmdline_off = pos;
		l->cmdline_size = cmdline_size;
		pos = align_up(pos + cmdline_size);
	}
	l->disk_size = pos;
	return 0;
}

void payload_encode_header(const struct payload_layout *l, uint8_t *hdr)
{
	struct payload_fields f = payload_fields_v1(l->cpus, l->mem_bytes);

	f.kernel = (struct payload_piece){ l->kernel_off, l->kernel_size };
	f.initrd = (struct payload_piece){ l->initrd_off, l->initrd_size };
	f.cmdline = (struct payload_piece){ l->cmdline_off, l->cmdline_size };
	f.flags = l->flags;
	payload_hdr_encode(&f, hdr);
}

/* Copy exactly len bytes of src (an open file) to dst at off. */
static int copy_piece(int dst, uint64_t off, int src, uint64_t len,
		      const char *name)
{
	uint8_t buf[1 << 16];

	while (len) {
		size_t want = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t n = read(src, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mantle_err("%s: %s\n", name,
				   n ? strerror(errno) :
				       "file shrank while read");
			return -1;
		}
		if (fio_pwrite_all(dst, buf, (size_t)n, (off_t)off)) {
			mantle_err("writing the payload disk: %s\n",
				   strerror(errno));
			return -1;
		}
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int payload_write(const char *path, const char *kernel, const char *initrd,
		  const char *cmdline, uint32_t cpus, uint64_t mem_bytes,
		  uint32_t flags)
{
	uint8_t hdr[PAYLOAD_HDR_SIZE];
	struct payload_layout l;
	uint64_t ksize, isize = 0;
	int kfd, ifd = -1, dfd = -1, ret = -1;
	size_t clen = strlen(cmdline);

	kfd = fio_open_regular(kernel, "--kernel", &ksize);
	if (kfd < 0)
		return -1;
	if (initrd) {
		ifd = fio_open_regular(initrd, "--initrd", &isize);
		if (ifd < 0)
			goto out;
	}
	if (payload_plan(&l, cpus, mem_bytes, ksize, isize, clen)) {
		mantle_err("the kernel must be 1 byte to 4G and the "
			   "initrd at most 4G\n");
		goto out;
	}
	l.flags = flags;
	payload_encode_header(&l, hdr);
	dfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (dfd < 0) {
		mantle_err("%s: %s\n", path, strerror(errno));
		goto out;
	}
	if (fio_pwrite_all(dfd, hdr, sizeof(hdr), 0) ||
	    (clen &&
	     fio_pwrite_all(dfd, cmdline, clen, (off_t)l.cmdline_off)) ||
	    ftruncate(dfd, (off_t)l.disk_size)) {
		mantle_err("writing the payload disk %s: %s\n", path,
			   strerror(errno));
		goto out;
	}
	if (copy_piece(dfd, l.kernel_off, kfd, ksize, kernel) ||
	    (ifd >= 0 && copy_piece(dfd, l.initrd_off, ifd, isize, initrd)))
		goto out;
	ret = 0;
out:
	if (dfd >= 0 && close(dfd) && !ret) {
		mantle_err("%s: %s\n", path, strerror(errno));
		ret = -1;
	}
	if (ifd >= 0)
		close(ifd);
	close(kfd);
	return ret;
}
