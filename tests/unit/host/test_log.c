// SPDX-License-Identifier: MIT
/* Unit tests of host/log.c: the "mantle: " prefix on stderr and in the log
 * file, one write a line, long lines cut but still ending in a newline. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

/* What fd holds from its start, NUL-terminated in buf. */
static size_t slurp(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	assert_true(n >= 0);
	buf[n] = '\0';
	return (size_t)n;
}

static void test_log_line(void **state)
{
	int fd = memfd_create("log", 0);
	char buf[64];

	(void)state;
	assert_true(fd >= 0);
	mantle_log(fd, "hostif: %s=%u\n", "frames_ok", 7u);
	assert_int_equal(slurp(fd, buf, sizeof(buf)), 28);
	assert_string_equal(buf, "mantle: hostif: frames_ok=7\n");
	close(fd);
}

static void test_log_long_line_cut(void **state)
{
	static char text[3000], buf[4000];
	int fd = memfd_create("log", 0);
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	memset(text, 'x', sizeof(text) - 1);
	mantle_log(fd, "%s\n", text);
	n = slurp(fd, buf, sizeof(buf));
	assert_int_equal(n, MANTLE_LOG_LINE - 1);
	assert_memory_equal(buf, "mantle: xxx", 11);
	assert_int_equal(buf[n - 2], 'x');
	assert_int_equal(buf[n - 1], '\n');
	close(fd);
}

static void test_err_prefixes(void **state)
{
	int fd = memfd_create("stderr", 0), saved = dup(STDERR_FILENO);
	char buf[128];

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	mantle_err("--log %s: %s\n", "/x", "No such file or directory");
	mantle_cmd_err("run", "--kernel is required\n");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	slurp(fd, buf, sizeof(buf));
	assert_string_equal(buf, "mantle: --log /x: No such file or directory\n"
				 "mantle run: --kernel is required\n");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_line),
		cmocka_unit_test(test_log_long_line_cut),
		cmocka_unit_test(test_err_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
