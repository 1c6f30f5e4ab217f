// SPDX-License-Identifier: MIT
/* Logging to stderr with the "mantle-sp:" prefix (the host's log). */
#include "sp.h"

#include <stdarg.h>
#include <stdio.h>

#include <openssl/err.h>

static int quiet;

void sp_log_quiet(int on)
{
	quiet = on;
}

void sp_log(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fputs("mantle-sp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sp_log_ssl(const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (quiet) {
		ERR_clear_error();
		return;
	}
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	sp_log("%s: %s", what, e ? buf : "OpenSSL failed");
	ERR_clear_error();
}
