// SPDX-License-Identifier: MIT
/* Accesses nobody claims: a guest hammering unclaimed ports and MMIO is
 * counted exactly, writes no log line while it does, and costs no more
 * than a counter; the run ends with one `unclaimed:` summary line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "diag.h"
#include "iobus.h"

#define HAMMER 1000000u

static struct diag d;
static struct iobus bus;
static char logbuf[8192];
static FILE *capture;
static int saved_stderr;

static void claimed_read(void *priv, uint16_t off, uint8_t *data,
			 unsigned int size)
{
	(void)priv;
	(void)off;
	memset(data, 0, size);
}

static const struct io_ops dev = { "dev", 0x600, 4, claimed_read, NULL };

static int setup(void **state)
{
	(void)state;
	memset(&d, 0, sizeof(d));
	iobus_init(&bus);
	return iobus_add(&bus, &dev, NULL);
}

/* The paravisor log (stderr) into a temporary file until log_end(). */
static void log_begin(void)
{
	capture = tmpfile();
	assert_non_null(capture);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
}

/* Restores stderr; the captured text in logbuf, its length returned. */
static size_t log_end(void)
{
	size_t n;

	assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
	close(saved_stderr);
	rewind(capture);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, capture);
	logbuf[n] = '\0';
	fclose(capture);
	return n;
}

/* One port access through the bus and diag, as vcpu.c's exit_io does. */
static void port_access(uint16_t port, int is_write, uint8_t size)
{
	uint8_t data[4] = { 0x5A, 0, 0, 0 };
	struct vmexit e = { .kind = VMEXIT_IO,
			    .port = port,
			    .size = size,
			    .is_write = (uint8_t)is_write,
			    .count = 1,
			    .data = data };
	int claimed = iobus_access(&bus, port, is_write, data, size) == 0;

	diag_io(&d, &e, data, claimed);
	if (!claimed && !is_write)
		assert_int_equal(data[0], 0xFF);
}

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void test_hammer_ports(void **state)
{
	double t0;

	(void)state;
	log_begin();
	t0 = seconds();
	port_access(0x600, 0, 1); /* claimed: not counted as unclaimed */
	for (unsigned int i = 0; i < HAMMER; i++)
		port_access(0xCFE, 0, 2);
	for (unsigned int i = 0; i < HAMMER / 2; i++)
		port_access((uint16_t)(0x2000 + (i & 0xFF)), 1, 1);
	/* A counter per access, never a log line: well under a second for
	 * 1.5 million accesses even under ASan (microseconds each). */
	assert_true(seconds() - t0 < 5.0);
	assert_int_equal(log_end(), 0);

	assert_int_equal(d.unclaimed_port.reads, HAMMER);
	assert_int_equal(d.unclaimed_port.writes, HAMMER / 2);
	assert_int_equal(d.unclaimed_port.first, 0xCFE + 1);
	assert_int_equal(bus.unclaimed, HAMMER + HAMMER / 2);
	assert_int_equal(d.unclaimed_mmio.reads + d.unclaimed_mmio.writes, 0);

	log_begin();
	diag_log_unclaimed(&d);
	log_end();
	assert_string_equal(logbuf,
			    "mantle-paravisor: unclaimed: 1000000 port reads, "
			    "500000 port writes (first: 0xcfe), 0 MMIO reads, "
			    "0 MMIO writes\n");
}

static void test_hammer_mmio(void **state)
{
	uint8_t data[8] = { 0 };
	struct vmexit e = { .kind = VMEXIT_MMIO, .data = data, .len = 4 };

	(void)state;
	log_begin();
	for (unsigned int i = 0; i < HAMMER; i++) {
		e.addr = 0xFED00000u + (i & 0xFFF);
		e.is_write = (uint8_t)(i & 1);
		diag_mmio(&d, &e, 0);
	}
	diag_mmio(&d, &e, 1); /* claimed: an exit, not unclaimed */
	assert_int_equal(log_end(), 0);
	assert_int_equal(d.mmio, HAMMER + 1);
	assert_int_equal(d.unclaimed_mmio.reads, HAMMER / 2);
	assert_int_equal(d.unclaimed_mmio.writes, HAMMER / 2);
	log_begin();
	diag_log_unclaimed(&d);
	log_end();
	assert_string_equal(logbuf,
			    "mantle-paravisor: unclaimed: 0 port reads, 0 port "
			    "writes, 500000 MMIO reads, 500000 MMIO writes "
			    "(first: 0xfed00000)\n");
}

/* The end of a run: the summary, then the exits line; nothing else. */
static void test_summary_at_end(void **state)
{
	char *nl;

	(void)state;
	port_access(0x80, 1, 1);
	log_begin();
	diag_log_exits(&d, 0, 0, "poweroff", 0);
	log_end();
	nl = strchr(logbuf, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_string_equal(
		logbuf, "mantle-paravisor: unclaimed: 0 port reads, 1 port "
			"writes (first: 0x80), 0 MMIO reads, 0 MMIO writes");
	assert_non_null(strstr(nl + 1, "mantle-paravisor: exits: "));
	assert_null(strchr(strchr(nl + 1, '\n') + 1, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_hammer_ports, setup),
		cmocka_unit_test_setup(test_hammer_mmio, setup),
		cmocka_unit_test_setup(test_summary_at_end, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
