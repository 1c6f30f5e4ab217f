// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

int fio_open_regular(const char *path, const char *what, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		mantle_err("%s %s: %s\n", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		mantle_err("%s %s: not a regular file\n", what, path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int fio_map_file(const char *path, const char *what, uint64_t max,
		 const uint8_t **buf, size_t *len)
{
	static const uint8_t empty[1];
	uint64_t size;
	void *p;
	int fd = fio_open_regular(path, what, &size);

	if (fd < 0)
		return -1;
	if (size > max || size > SIZE_MAX) {
		mantle_err("%s %s: %llu bytes, more than %llu\n", what, path,
			   (unsigned long long)size, (unsigned long long)max);
		close(fd);
		return -1;
	}
	if (!size) {
		close(fd);
		*buf = empty;
		*len = 0;
		return 0;
	}
	p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		mantle_err("%s %s: %s\n", what, path, strerror(errno));
		return -1;
	}
	*buf = p;
	*len = (size_t)size;
	return 0;
}

void fio_unmap(const uint8_t *buf, size_t len)
{
	if (len)
		munmap((void *)buf, len);
}

/* Writes all of buf, retrying short writes and EINTR; at: pwrite at off. */
static int write_loop(int fd, const void *buf, size_t len, int at, off_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = at ? pwrite(fd, p, len, off) : write(fd, p, len);

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

int fio_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	return write_loop(fd, buf, len, 1, off);
}

int fio_write_all(int fd, const void *buf, size_t len)
{
	return write_loop(fd, buf, len, 0, 0);
}

int fio_listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

int fio_exe_dir(char *dir, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return (size_t)snprintf(dir, size, "%s", exe) < size ? 0 : -1;
}
