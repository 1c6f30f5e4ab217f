// SPDX-License-Identifier: MIT
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct timespec start;

void pv_log_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &start);
}

uint64_t pv_uptime_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - start.tv_sec) * 1000 +
	       (uint64_t)((now.tv_nsec - start.tv_nsec) / 1000000);
}

/* One write(2) per line, so lines from several vCPU threads never mix. */
void pv_log(const char *fmt, ...)
{
	char line[1024];
	size_t n = sizeof("mantle-paravisor: ") - 1;
	va_list ap;
	int r;

	memcpy(line, "mantle-paravisor: ", n);
	va_start(ap, fmt);
	r = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	n += (size_t)r < sizeof(line) - n - 1 ? (size_t)r :
						sizeof(line) - n - 2;
	line[n++] = '\n';
	while (n) {
		ssize_t w = write(STDERR_FILENO, line, n);

		if (w <= 0)
			return;
		n -= (size_t)w;
	}
}
