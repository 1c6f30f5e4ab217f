/* SPDX-License-Identifier: MIT */
/* Error messages of the pure parsers: formatted into a caller buffer. */
#ifndef MANTLE_VMM_ERRF_H
#define MANTLE_VMM_ERRF_H

#include <stddef.h>

/* Format into err (if non-NULL) and return -1. */
int errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
