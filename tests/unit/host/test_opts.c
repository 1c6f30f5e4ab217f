// SPDX-License-Identifier: MIT
/* Unit tests of host/opts.c: sizes, ranges and the option parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "opts.h"

static void test_parse_size(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(parse_size("512M", &v), 0);
	assert_int_equal(v, 512ULL << 20);
	assert_int_equal(parse_size("1G", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("1g", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("65536K", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(parse_size("4096B", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("256", &v), 0); /* MiB, as QEMU's -m */
	assert_int_equal(v, 256ULL << 20);
}

static void test_parse_size_rejects(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("M", &v), -1);
	assert_int_equal(parse_size("-1M", &v), -1);
	assert_int_equal(parse_size(" 1M", &v), -1);
	assert_int_equal(parse_size("1MB", &v), -1);
	assert_int_equal(parse_size("1T", &v), -1);
	assert_int_equal(parse_size("1.5G", &v), -1);
	assert_int_equal(parse_size("18446744073709551615G", &v), -1);
	assert_int_equal(parse_size("99999999999999999999999", &v), -1);
	assert_int_equal(parse_size("17179869184G", &v), -1);
	assert_int_equal(parse_size(NULL, &v), -1);
	assert_int_equal(v, 7); /* untouched on error */
}

static void test_parse_uint(void **state)
{
	unsigned int v = 9;

	(void)state;
	assert_int_equal(parse_uint("8", 1, 8, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(parse_uint("9", 1, 8, &v), -1);
	assert_int_equal(parse_uint("0", 1, 8, &v), -1);
	assert_int_equal(parse_uint("", 1, 8, &v), -1);
	assert_int_equal(parse_uint("+2", 1, 8, &v), -1);
	assert_int_equal(parse_uint("2x", 1, 8, &v), -1);
	assert_int_equal(parse_uint("99999999999999999999", 0, 86400, &v), -1);
	assert_int_equal(v, 8);
}

static int parse(struct mantle_opts *o, int argc, const char **argv)
{
	return opts_parse(argc, (char **)argv, o);
}

static void test_opts_defaults_and_values(void **state)
{
	const char *a[] = { "run",
			    "--kernel",
			    "k",
			    "--initrd",
			    "i",
			    "--cmdline",
			    "console=ttyS0 x=1",
			    "--cpus",
			    "2",
			    "--mem",
			    "1G",
			    "--timeout",
			    "30",
			    "--accel",
			    "kvm",
			    "--pv-cpus",
			    "3",
			    "--log",
			    "/tmp/l",
			    "--paravisor-image",
			    "d" };
	const char *d[] = { "run" };
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 1, d), 0);
	assert_null(o.kernel);
	assert_null(o.initrd);
	assert_string_equal(o.cmdline, MANTLE_DEFAULT_CMDLINE);
	assert_int_equal(o.cpus, 1);
	assert_int_equal(o.mem_bytes, MANTLE_DEFAULT_MEM);
	assert_int_equal(o.timeout_s, 0);
	assert_int_equal(o.accel, ACCEL_TCG);
	assert_int_equal(o.pv_cpus, 0); /* by accelerator */
	assert_string_equal(o.log, MANTLE_DEFAULT_LOG);

	assert_int_equal(parse(&o, 21, a), 0);
	assert_string_equal(o.kernel, "k");
	assert_string_equal(o.initrd, "i");
	assert_string_equal(o.cmdline, "console=ttyS0 x=1");
	assert_int_equal(o.cpus, 2);
	assert_int_equal(o.mem_bytes, 1ULL << 30);
	assert_int_equal(o.timeout_s, 30);
	assert_int_equal(o.accel, ACCEL_KVM);
	assert_int_equal(o.pv_cpus, 3);
	assert_string_equal(o.log, "/tmp/l");
	assert_string_equal(o.pv_image, "d");
	assert_int_equal(o.help, 0);
}

static void test_opts_rejects(void **state)
{
	static const char *bad[][3] = {
		{ "run", "--cpus", "0" },    { "run", "--cpus", "9" },
		{ "run", "--mem", "63M" },   { "run", "--mem", "17G" },
		{ "run", "--mem", "65M" },   { "run", "--mem", "lots" },
		{ "run", "--accel", "hvf" }, { "run", "--timeout", "-1" },
		{ "run", "--bogus", "1" },   { "run", "--log", "" },
		{ "run", "stray", "arg" },   { "run", "--vmgs", "" },
		{ "run", "--hostile", "" },  { "run", "--pv-cpus", "0" },
		{ "run", "--pv-cpus", "5" }, { "run", "--pv-cpus", "x" },
	};
	const char *missing[] = { "run", "--kernel" };
	struct mantle_opts o;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(&o, 3, bad[i]), -1);
	assert_int_equal(parse(&o, 2, missing), -1);
}

static void test_opts_vmgs_hostile(void **state)
{
	static char long_spec[MANTLE_MAX_HOSTILE + 2];
	const char *a[] = { "run", "--vmgs", "/tmp/x.vmgs", "--hostile",
			    "seed=3,ctl-corrupt=0.5" };
	const char *b[] = { "run", "--hostile", long_spec };
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 5, a), 0);
	assert_string_equal(o.vmgs, "/tmp/x.vmgs");
	assert_string_equal(o.hostile, "seed=3,ctl-corrupt=0.5");
	assert_int_equal(parse(&o, 1, a), 0);
	assert_null(o.vmgs);
	assert_null(o.hostile);
	/* The grammar is hostif's; only the size is checked here. */
	memset(long_spec, 'a', MANTLE_MAX_HOSTILE);
	assert_int_equal(parse(&o, 3, b), 0);
	long_spec[MANTLE_MAX_HOSTILE] = 'a';
	assert_int_equal(parse(&o, 3, b), -1);
}

/* The VMGS key policy and the reprovision flag (VMGS-KEY.md). */
static void test_opts_vmgs_key(void **state)
{
	const char *a[] = { "run", "--vmgs-key-policy", "measurement",
			    "--vmgs-reprovision" };
	const char *d[] = { "run", "--vmgs-key-policy", "default" };
	const char *bad[] = { "run", "--vmgs-key-policy", "Measurement" };
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 1, a), 0);
	assert_int_equal(o.vmgs_key_measurement, 0);
	assert_int_equal(o.vmgs_reprovision, 0);
	assert_int_equal(parse(&o, 4, a), 0);
	assert_int_equal(o.vmgs_key_measurement, 1);
	assert_int_equal(o.vmgs_reprovision, 1);
	assert_int_equal(parse(&o, 3, d), 0);
	assert_int_equal(o.vmgs_key_measurement, 0);
	assert_int_equal(parse(&o, 3, bad), -1);
}

/* --tpm crb|tis|none. */
static void test_opts_tpm(void **state)
{
	const char *none[] = { "run", "--tpm", "none" };
	const char *crb[] = { "run", "--tpm", "crb" };
	const char *tis[] = { "run", "--tpm", "tis" };
	const char *bad[] = { "run", "--tpm", "CRB" };
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 1, none), 0);
	assert_int_equal(o.tpm, MANTLE_TPM_CRB);
	assert_int_equal(parse(&o, 3, none), 0);
	assert_int_equal(o.tpm, MANTLE_TPM_NONE);
	assert_int_equal(parse(&o, 3, crb), 0);
	assert_int_equal(o.tpm, MANTLE_TPM_CRB);
	assert_int_equal(parse(&o, 3, tis), 0);
	assert_int_equal(o.tpm, MANTLE_TPM_TIS);
	assert_int_equal(parse(&o, 3, bad), -1);
}

/* --stall-timeout: 10 to 86400 seconds, never 0 (no endless wait). */
static void test_opts_stall_timeout(void **state)
{
	const char *ok[] = { "run", "--stall-timeout", "45" };
	const char *zero[] = { "run", "--stall-timeout", "0" };
	const char *small[] = { "run", "--stall-timeout", "9" };
	const char *big[] = { "run", "--stall-timeout", "86401" };
	const char *junk[] = { "run", "--stall-timeout", "45s" };
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 1, ok), 0);
	assert_int_equal(o.stall_timeout_s, 0);
	assert_int_equal(parse(&o, 3, ok), 0);
	assert_int_equal(o.stall_timeout_s, 45);
	assert_int_equal(parse(&o, 3, zero), -1);
	assert_int_equal(parse(&o, 3, small), -1);
	assert_int_equal(parse(&o, 3, big), -1);
	assert_int_equal(parse(&o, 3, junk), -1);
}

static void test_opts_pipe(void **state)
{
	static const char *bad[] = {
		"log", /* no '=' */
		"=/tmp/s", /* empty name */
		"Log=/tmp/s", /* upper case */
		"a b=/tmp/s", /* space */
		"a/b=/tmp/s", /* slash */
		"abcdefghijklmnop=/s", /* 16 characters */
		"log=", /* empty path */
	};
	static char long_path[160];
	const char *two[] = { "run", "--pipe", "log=/tmp/a.sock", "--pipe",
			      "x-1_z=/tmp/b=c.sock" };
	const char *dup[] = { "run", "--pipe", "log=/tmp/a", "--pipe",
			      "log=/tmp/b" };
	const char *lp[] = { "run", "--pipe", long_path };
	const char *many[2 + 2 * MANTLE_MAX_PIPES + 2];
	char names[MANTLE_MAX_PIPES + 1][24];
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 5, two), 0);
	assert_int_equal(o.npipes, 2);
	assert_string_equal(o.pipes[0].name, "log");
	assert_string_equal(o.pipes[0].path, "/tmp/a.sock");
	/* The name ends at the first '=': the path may hold more. */
	assert_string_equal(o.pipes[1].name, "x-1_z");
	assert_string_equal(o.pipes[1].path, "/tmp/b=c.sock");
	assert_int_equal(parse(&o, 1, two), 0);
	assert_int_equal(o.npipes, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *a[] = { "run", "--pipe", bad[i] };

		assert_int_equal(parse(&o, 3, a), -1);
	}
	assert_int_equal(parse(&o, 5, dup), -1);
	/* 15 characters is the longest name. */
	{
		const char *a[] = { "run", "--pipe", "abcdefghijklmno=/s" };

		assert_int_equal(parse(&o, 3, a), 0);
		assert_string_equal(o.pipes[0].name, "abcdefghijklmno");
	}
	/* A socket path longer than sun_path holds. */
	memcpy(long_path, "p=/", 3);
	memset(long_path + 3, 'a', 107);
	assert_int_equal(parse(&o, 3, lp), -1);
	long_path[2 + 107] = '\0';
	assert_int_equal(parse(&o, 3, lp), 0);
	/* At most 16. */
	many[0] = "run";
	for (int i = 0; i <= MANTLE_MAX_PIPES; i++) {
		snprintf(names[i], sizeof(names[i]), "p%d=/tmp/s%d", i, i);
		many[1 + 2 * i] = "--pipe";
		many[2 + 2 * i] = names[i];
	}
	assert_int_equal(parse(&o, 1 + 2 * MANTLE_MAX_PIPES, many), 0);
	assert_int_equal(o.npipes, MANTLE_MAX_PIPES);
	assert_int_equal(parse(&o, 3 + 2 * MANTLE_MAX_PIPES, many), -1);
}

static void test_opts_cmdline_limit(void **state)
{
	static char long_cmd[MANTLE_MAX_CMDLINE + 2];
	const char *a[] = { "run", "--cmdline", long_cmd };
	struct mantle_opts o;

	(void)state;
	memset(long_cmd, 'a', MANTLE_MAX_CMDLINE);
	long_cmd[MANTLE_MAX_CMDLINE] = '\0';
	assert_int_equal(parse(&o, 3, a), 0);
	long_cmd[MANTLE_MAX_CMDLINE] = 'a';
	long_cmd[MANTLE_MAX_CMDLINE + 1] = '\0';
	assert_int_equal(parse(&o, 3, a), -1);
}

/* --pcrs and --event-log: mantle measure only, a non-empty path. */
static void test_opts_measure_tpm(void **state)
{
	const char *m[] = { "measure", "--kernel",    "k",
			    "--pcrs",  "--event-log", "/tmp/ev" };
	const char *run[] = { "run", "--kernel", "k", "--pcrs" };
	const char *run_log[] = { "run", "--event-log", "/tmp/ev" };
	const char *empty[] = { "measure", "--event-log", "" };
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 6, m), 0);
	assert_int_equal(o.pcrs, 1);
	assert_string_equal(o.event_log, "/tmp/ev");
	assert_int_equal(parse(&o, 2, m), -1); /* --kernel without a value */
	assert_int_equal(parse(&o, 3, m), 0);
	assert_int_equal(o.pcrs, 0);
	assert_null(o.event_log);
	assert_int_equal(parse(&o, 4, run), -1);
	assert_int_equal(parse(&o, 3, run_log), -1);
	assert_int_equal(parse(&o, 3, empty), -1);
}

static void test_opts_help(void **state)
{
	const char *a[] = { "run", "--help" };
	struct mantle_opts o;

	(void)state;
	assert_int_equal(parse(&o, 2, a), 0);
	assert_int_equal(o.help, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_size_rejects),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_opts_defaults_and_values),
		cmocka_unit_test(test_opts_rejects),
		cmocka_unit_test(test_opts_cmdline_limit),
		cmocka_unit_test(test_opts_pipe),
		cmocka_unit_test(test_opts_vmgs_hostile),
		cmocka_unit_test(test_opts_vmgs_key),
		cmocka_unit_test(test_opts_measure_tpm),
		cmocka_unit_test(test_opts_tpm),
		cmocka_unit_test(test_opts_stall_timeout),
		cmocka_unit_test(test_opts_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
