// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fio_open_regular(const char *path, const char *what, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "mantle: %s %s: %s\n", what, path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "mantle: %s %s: not a regular file\n", what,
			path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int fio_read_file(const char *path, const char *what, uint64_t max,
		  uint8_t **buf, size_t *len)
{
	uint64_t size, got = 0;
	uint8_t *p;
	int fd = fio_open_regular(path, what, &size);

	if (fd < 0)
		return -1;
	if (size > max) {
		fprintf(stderr, "mantle: %s %s: %llu bytes, more than %llu\n",
			what, path, (unsigned long long)size,
			(unsigned long long)max);
		close(fd);
		return -1;
	}
	p = malloc(size ? (size_t)size : 1);
	if (!p) {
		fprintf(stderr, "mantle: %s %s: out of memory\n", what, path);
		close(fd);
		return -1;
	}
	while (got < size) {
		ssize_t n = read(fd, p + got, (size_t)(size - got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "mantle: %s %s: %s\n", what, path,
				n ? strerror(errno) : "file shrank while read");
			free(p);
			close(fd);
			return -1;
		}
		got += (uint64_t)n;
	}
	close(fd);
	*buf = p;
	*len = (size_t)size;
	return 0;
}

int fio_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

int fio_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
