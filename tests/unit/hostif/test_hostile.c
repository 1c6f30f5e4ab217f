// SPDX-License-Identifier: MIT
/* Hostile-host SPEC grammar and the seeded generator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hostif_hostile.h"

static void test_parse_full(void **state)
{
	(void)state;
	struct hostif_hostile h;
	char err[128];

	assert_int_equal(
		hostif_hostile_parse(
			"seed=0x2a,ctl-corrupt=0.05,ctl-truncate=0.000001,"
			"ctl-replay=1,ctl-reorder=0,ctl-withhold=0.5,"
			"vmgs-short=0.25,vmgs-torn=1.0,vmgs-bitflip=0.123456,"
			"storm=5000",
			&h, err, sizeof(err)),
		0);
	assert_int_equal(h.seed, 42);
	assert_int_equal(h.ppm[HOSTIF_FAULT_CTL_CORRUPT], 50000);
	assert_int_equal(h.ppm[HOSTIF_FAULT_CTL_TRUNCATE], 1);
	assert_int_equal(h.ppm[HOSTIF_FAULT_CTL_REPLAY], HOSTIF_PPM);
	assert_int_equal(h.ppm[HOSTIF_FAULT_CTL_REORDER], 0);
	assert_int_equal(h.ppm[HOSTIF_FAULT_CTL_WITHHOLD], 500000);
	assert_int_equal(h.ppm[HOSTIF_FAULT_VMGS_SHORT], 250000);
	assert_int_equal(h.ppm[HOSTIF_FAULT_VMGS_TORN], HOSTIF_PPM);
	assert_int_equal(h.ppm[HOSTIF_FAULT_VMGS_BITFLIP], 123456);
	assert_int_equal(h.storm, 5000);
}

static void expect_bad(const char *spec, const char *why)
{
	struct hostif_hostile h;
	char err[128] = "";

	assert_int_equal(hostif_hostile_parse(spec, &h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, why));
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_bad("", "empty");
	expect_bad("seed", "expected KEY=VALUE");
	expect_bad("seed=", "expected KEY=VALUE");
	expect_bad("=1", "expected KEY=VALUE");
	expect_bad("seed=1,", "expected KEY=VALUE");
	expect_bad("ctl-explode=0.1", "unknown key");
	expect_bad("seed=1,seed=2", "key given twice");
	expect_bad("ctl-corrupt=1.5", "probability");
	expect_bad("ctl-corrupt=0.1234567", "probability");
	expect_bad("ctl-corrupt=-0.1", "probability");
	expect_bad("ctl-corrupt=.5", "probability");
	expect_bad("ctl-corrupt=50%", "probability");
	expect_bad("seed=18446744073709551616", "bad seed");
	expect_bad("seed=12a", "bad seed");
	expect_bad("storm=1000001", "storm");
	expect_bad("storm=0x", "storm");
}

static void test_defaults_and_max(void **state)
{
	(void)state;
	struct hostif_hostile h;

	assert_int_equal(hostif_hostile_parse("vmgs-kill=7", &h, NULL, 0), 0);
	assert_int_equal(h.vmgs_kill, 7);
	expect_bad("vmgs-kill=x", "vmgs-kill");
	expect_bad("vmgs-kill=1,vmgs-kill=2", "twice");
	assert_int_equal(hostif_hostile_parse("storm=1000000", &h, NULL, 0), 0);
	assert_int_equal(h.seed, 1);
	assert_int_equal(h.storm, HOSTIF_STORM_MAX);
	assert_int_equal(
		hostif_hostile_parse("seed=18446744073709551615", &h, NULL, 0),
		0);
	assert_int_equal(h.seed, UINT64_MAX);
}

/* Same seed, same decisions; another seed, other decisions. */
static void test_reproducible(void **state)
{
	(void)state;
	struct hostif_hostile a, b, c;
	unsigned fired = 0, differ = 0;

	assert_int_equal(
		hostif_hostile_parse("seed=7,ctl-corrupt=0.3", &a, NULL, 0), 0);
	b = a;
	assert_int_equal(
		hostif_hostile_parse("seed=8,ctl-corrupt=0.3", &c, NULL, 0), 0);
	for (int i = 0; i < 1000; i++) {
		bool x = hostif_hostile_roll(&a, HOSTIF_FAULT_CTL_CORRUPT);
		bool y = hostif_hostile_roll(&b, HOSTIF_FAULT_CTL_CORRUPT);

		assert_int_equal(x, y);
		fired += x;
		differ +=
			x != hostif_hostile_roll(&c, HOSTIF_FAULT_CTL_CORRUPT);
		/* A fault with probability 0 never fires. */
		assert_false(hostif_hostile_roll(&a, HOSTIF_FAULT_VMGS_TORN));
	}
	assert_int_equal(a.injected[HOSTIF_FAULT_CTL_CORRUPT], fired);
	/* 0.3 of 1000 draws: far from 0 and 1000 for any sane generator. */
	assert_in_range(fired, 200, 400);
	assert_true(differ > 0);
	assert_string_equal(hostif_hostile_name(HOSTIF_FAULT_VMGS_TORN),
			    "vmgs-torn");
	assert_non_null(strstr(hostif_hostile_usage, "vmgs-bitflip=P"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_defaults_and_max),
		cmocka_unit_test(test_reproducible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
