// SPDX-License-Identifier: MIT
/* The launcher's logging helper (log.h). */
#define _POSIX_C_SOURCE 200809L /* flockfile */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"

#define PREFIX "mantle: "

/* The prefix and the message, held together against the services thread. */
__attribute__((format(printf, 2, 0))) static void
verr(const char *cmd, const char *fmt, va_list ap)
{
	flockfile(stderr);
	if (cmd)
		fprintf(stderr, "mantle %s: ", cmd);
	else
		fputs(PREFIX, stderr);
	vfprintf(stderr, fmt, ap);
	funlockfile(stderr);
}

void mantle_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(NULL, fmt, ap);
	va_end(ap);
}

void mantle_cmd_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(cmd, fmt, ap);
	va_end(ap);
}

void mantle_log(int fd, const char *fmt, ...)
{
	char buf[MANTLE_LOG_LINE];
	size_t len = sizeof(PREFIX) - 1;
	va_list ap;
	int n;

	memcpy(buf, PREFIX, len);
	va_start(ap, fmt);
	n = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	len += (size_t)n;
	if (len >= sizeof(buf)) {
		len = sizeof(buf) - 1;
		buf[len - 1] = '\n';
	}
	fio_write_all(fd, buf, len); /* one write: see log.h */
}
