// SPDX-License-Identifier: MIT
/* host/pvwatch.c: which paravisor VM log lines are kernel failures, and the
 * incremental scan of a log that grows while QEMU runs. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pvwatch.h"

static void test_failure_lines(void **state)
{
	(void)state;
	/* seen on this platform: the live-patch int3 oops and its panic */
	assert_true(pvwatch_is_failure(
		"[    9.561130] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI"));
	assert_true(
		pvwatch_is_failure("[    9.574642] Kernel panic - not "
				   "syncing: Fatal exception in interrupt"));
	assert_true(pvwatch_is_failure(
		"[   12.1] BUG: kernel NULL pointer dereference, address: 0"));
	assert_true(pvwatch_is_failure(
		"[ 5.0] kernel BUG at arch/x86/kernel/alternative.c:2531!"));
	assert_true(pvwatch_is_failure("[ 30.0] watchdog: BUG: soft lockup - "
				       "CPU#0 stuck for 26s!"));
	assert_true(pvwatch_is_failure(
		"[ 60.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"));
	assert_true(pvwatch_is_failure(
		"[1.0] general protection fault, probably for non-canonical"));
}

static void test_not_failure_lines(void **state)
{
	(void)state;
	/* the kernel's own harmless lines */
	assert_false(pvwatch_is_failure("[    8.481048] kvm: kvm [160]: vcpu0, "
					"guest rIP: 0xffff Unhandled WRMSR"));
	assert_false(pvwatch_is_failure(
		"[    0.000000] Command line: console=ttyS0 quiet panic=-1"));
	assert_false(pvwatch_is_failure("[ 1.0] WARNING: CPU: 0 PID: 1 at x"));
	/* not the kernel's: mantle's, the paravisor's, QEMU's lines */
	assert_false(pvwatch_is_failure("mantle-paravisor: BUG: not a kernel "
					"line"));
	assert_false(pvwatch_is_failure("mantle: Oops: not a kernel line"));
	assert_false(pvwatch_is_failure("qemu-system-x86_64: Kernel panic"));
	/* malformed timestamps */
	assert_false(pvwatch_is_failure("[] Oops: x"));
	assert_false(pvwatch_is_failure("[ abc] Oops: x"));
	assert_false(pvwatch_is_failure("[ 1.0 Oops: x"));
	assert_false(pvwatch_is_failure(""));
	assert_false(pvwatch_is_failure("["));
}

struct logfile {
	char path[64];
	FILE *f;
};

static void log_open(struct logfile *l, const char *before)
{
	int fd;

	snprintf(l->path, sizeof(l->path), "/tmp/mantle-pvwatch.XXXXXX");
	fd = mkstemp(l->path);
	assert_true(fd >= 0);
	l->f = fdopen(fd, "w");
	assert_non_null(l->f);
	fputs(before, l->f);
	fflush(l->f);
}

static void log_add(struct logfile *l, const char *s)
{
	fputs(s, l->f);
	fflush(l->f);
}

static void log_close(struct logfile *l)
{
	fclose(l->f);
	unlink(l->path);
}

static void test_scan_grows(void **state)
{
	struct logfile l;
	struct pvwatch w;

	(void)state;
	/* what mantle wrote before QEMU started is not looked at */
	log_open(&l, "[ 0.0] Oops: written before the watch started\n");
	assert_int_equal(pvwatch_open(&w, l.path), 0);
	assert_int_equal(pvwatch_poll(&w), 0);
	log_add(&l, "mantle-pvinit: started\r\n[  9.5] kvm: ok\n[  9.56");
	assert_int_equal(pvwatch_poll(&w), 0);
	/* a line split across two polls is one line */
	log_add(&l, "1130] Oops: int3: 0000 [#1]\r\n[ 9.57] RIP: x\n");
	assert_int_equal(pvwatch_poll(&w), 1);
	assert_string_equal(w.first, "[  9.561130] Oops: int3: 0000 [#1]");
	/* the first failure is kept */
	log_add(&l, "[ 9.6] Kernel panic - not syncing\n");
	assert_int_equal(pvwatch_poll(&w), 1);
	assert_string_equal(w.first, "[  9.561130] Oops: int3: 0000 [#1]");
	pvwatch_close(&w);
	log_close(&l);
}

static void test_last_line_without_newline(void **state)
{
	struct logfile l;
	struct pvwatch w;

	(void)state;
	log_open(&l, "");
	assert_int_equal(pvwatch_open(&w, l.path), 0);
	log_add(&l, "[ 3.0] Kernel panic - not syncing: x");
	assert_int_equal(pvwatch_poll(&w), 0); /* the line may go on */
	assert_int_equal(pvwatch_finish(&w), 1); /* QEMU is gone: it ended */
	assert_string_equal(w.first, "[ 3.0] Kernel panic - not syncing: x");
	pvwatch_close(&w);
	log_close(&l);
}

static void test_long_line_is_cut_not_overflowed(void **state)
{
	struct logfile l;
	struct pvwatch w;
	char big[3 * PVWATCH_LINE_MAX];

	(void)state;
	log_open(&l, "");
	assert_int_equal(pvwatch_open(&w, l.path), 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_add(&l, big); /* no timestamp: not a kernel line */
	log_add(&l, " Oops: far past the cut\n[ 1.0] fine\n");
	assert_int_equal(pvwatch_finish(&w), 0);
	/* a kernel failure with a long tail still counts */
	log_add(&l, "[ 2.0] BUG: ");
	log_add(&l, big);
	log_add(&l, "\n");
	assert_int_equal(pvwatch_poll(&w), 1);
	assert_int_equal(strlen(w.first), PVWATCH_LINE_MAX);
	pvwatch_close(&w);
	log_close(&l);
}

static void test_unreadable_log(void **state)
{
	struct pvwatch w;

	(void)state;
	assert_int_equal(pvwatch_open(&w, "/nonexistent/mantle/log"), -1);
	assert_int_equal(pvwatch_poll(&w), 0);
	pvwatch_close(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failure_lines),
		cmocka_unit_test(test_not_failure_lines),
		cmocka_unit_test(test_scan_grows),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_long_line_is_cut_not_overflowed),
		cmocka_unit_test(test_unreadable_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
