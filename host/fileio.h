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
/* Read a whole regular file of at most max bytes into a malloc'd buffer
 * (*buf is non-NULL even for an empty file). 0 or -1 with a message. */
int fio_read_file(const char *path, const char *what, uint64_t max,
		  uint8_t **buf, size_t *len);
int fio_pwrite_all(int fd, const void *buf, size_t len, off_t off);
int fio_write_all(int fd, const void *buf, size_t len);

#endif
