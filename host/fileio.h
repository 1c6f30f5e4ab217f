/* SPDX-License-Identifier: MIT */
/* Small file helpers with clear errors for the launcher. */
#ifndef MANTLE_HOST_FILEIO_H
#define MANTLE_HOST_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Open a regular file for reading; *size gets its size. Prints
 * "mantle: <what> <path>: <reason>" and returns -1 on error. */
int fio_open_regular(const char *path, const char *what, uint64_t *size);
/*
 * Map a whole regular file of at most max bytes read-only, so that hashing a
 * large initrd allocates nothing. *buf is non-NULL even for an empty file;
 * release with fio_unmap(). 0 or -1 with a message. (A file truncated while
 * mapped raises SIGBUS; these are the invoking user's own files.)
 */
int fio_map_file(const char *path, const char *what, uint64_t max,
		 const uint8_t **buf, size_t *len);
void fio_unmap(const uint8_t *buf, size_t len);
int fio_pwrite_all(int fd, const void *buf, size_t len, off_t off);
int fio_write_all(int fd, const void *buf, size_t len);
/* A non-blocking, close-on-exec Unix stream socket listening at path
 * (backlog 1), or -1 with errno set. */
int fio_listen_unix(const char *path);

/* The directory of the running mantle binary (/proc/self/exe without its
 * last component) into dir: 0, or -1 if unknown or too long. */
int fio_exe_dir(char *dir, size_t size);

#endif
