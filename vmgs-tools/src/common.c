// SPDX-License-Identifier: MIT
/* Helpers shared by the vmgstool subcommands. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int verbose;

int exit_for(enum vmgs_err e)
{
	switch (e) {
	case VMGS_OK:
		return EXIT_OK;
	case VMGS_E_EMPTY:
		return EXIT_EMPTY;
	case VMGS_E_NOT_FOUND:
		return EXIT_NOT_FOUND;
	case VMGS_E_V1_FORMAT:
		return EXIT_V1_FORMAT;
	case VMGS_E_NOT_ENCRYPTED:
		return EXIT_NOT_ENCRYPTED;
	default:
		return EXIT_ERROR;
	}
}

int fail(const char *what, enum vmgs_err e)
{
	/* For I/O errors the system's reason is the useful part. */
	if (e == VMGS_E_IO && errno)
		fprintf(stderr, "vmgstool: %s: %s: %s [%s]\n", what,
			vmgs_strerror(e), strerror(errno), vmgs_errname(e));
	else
		fprintf(stderr, "vmgstool: %s: %s [%s]\n", what,
			vmgs_strerror(e), vmgs_errname(e));
	return exit_for(e);
}

int fail_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("vmgstool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

enum vmgs_err open_vmgs(const struct args *a, bool writable, struct vmgs **v)
{
	struct vmgs_io io;
	enum vmgs_err e;

	errno = 0;
	e = vmgs_io_file_open(&io, a->file, writable);
	if (e)
		return e;
	e = vmgs_open(&io,
		      (writable ? VMGS_OPEN_WRITE : 0) |
			      (a->raw ? VMGS_OPEN_RAW : 0),
		      v);
	if (e)
		vmgs_io_close(&io);
	return e;
}

int read_file(const char *path, uint64_t max, uint8_t **buf, uint64_t *len)
{
	struct stat st;
	uint8_t *b;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail_msg("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail_msg("%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return fail_msg("%s: %lld bytes, more than the %llu allowed",
				path, (long long)st.st_size,
				(unsigned long long)max);
	}
	b = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!b) {
		close(fd);
		return fail_msg("%s: out of memory", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(b);
			close(fd);
			return fail_msg("%s: read error", path);
		}
		got += (size_t)n;
	}
	close(fd);
	*buf = b;
	*len = got;
	return EXIT_OK;
}

int write_file(const char *path, const uint8_t *buf, uint64_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return fail_msg("%s: %s", path, strerror(errno));
	if ((len && fwrite(buf, 1, (size_t)len, f) != len) || fclose(f) != 0)
		return fail_msg("%s: write error", path);
	return EXIT_OK;
}

int load_key(const char *path, uint8_t key[VMGS_KEY_SIZE])
{
	uint8_t *b;
	uint64_t n;
	int rc = read_file(path, 4096, &b, &n);

	if (rc)
		return rc;
	if (n != VMGS_KEY_SIZE) {
		free(b);
		return fail_msg("%s: a key file holds exactly 32 bytes, this "
				"one has %llu",
				path, (unsigned long long)n);
	}
	memcpy(key, b, VMGS_KEY_SIZE);
	memset(b, 0, VMGS_KEY_SIZE);
	free(b);
	return EXIT_OK;
}

int load_optional_key(const char *path, uint8_t key[VMGS_KEY_SIZE])
{
	return path ? load_key(path, key) : EXIT_OK;
}

int open_unlocked(const struct args *a, bool writable, struct vmgs **v)
{
	uint8_t key[VMGS_KEY_SIZE];
	enum vmgs_err e;
	int rc;

	rc = load_optional_key(a->key, key);
	if (rc)
		return rc;
	e = open_vmgs(a, writable, v);
	if (e)
		return fail(a->file, e);
	if (a->key) {
		e = vmgs_unlock(*v, key);
		memset(key, 0, sizeof(key));
		if (e) {
			vmgs_close(*v);
			return fail("unlock", e);
		}
	}
	return EXIT_OK;
}

int print_json(json_t *j)
{
	int rc = j && json_dumpf(j, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;

	json_decref(j);
	if (rc)
		return fail_msg("JSON output failed");
	putchar('\n');
	return EXIT_OK;
}
