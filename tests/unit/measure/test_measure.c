// SPDX-License-Identifier: MIT
/*
 * Known-answer tests for paravisor/measure: the vectors were computed
 * independently (Python hashlib) from the encoding in paravisor/MEASUREMENT.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "measure.h"

static void hex(const uint8_t *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void assert_hex(const uint8_t *p, size_t len, const char *want)
{
	char buf[2 * MEASURE_SHA384_LEN + 1];

	assert_true(len <= MEASURE_SHA384_LEN);
	hex(p, len, buf);
	assert_string_equal(buf, want);
}

static void test_launch_chain_vector(void **state)
{
	struct measure_launch m;

	(void)state;
	measure_launch_init(&m);
	assert_hex(m.digest, 48,
		   "000000000000000000000000000000000000000000000000"
		   "000000000000000000000000000000000000000000000000");
	assert_int_equal(
		measure_launch_extend(&m, MEASURE_LAUNCH_KERNEL, "kernel", 6),
		0);
	assert_hex(m.digest, 48,
		   "75e4170d592f7f87d406b5c65b93432ae474f6d372c43bc0"
		   "304dcc9d5dd4f16de602ccebec621f423587559879447d05");
	assert_int_equal(
		measure_launch_extend(&m, MEASURE_LAUNCH_INITRD, NULL, 0), 0);
	assert_hex(m.digest, 48,
		   "cfca5a593e80ae43697945f67d50d2e03517e8b923e8c48c"
		   "8a93a4982b43447c9b5b6d153767404f922a48f608e35133");
	assert_int_equal(measure_launch_extend(&m, MEASURE_LAUNCH_CMDLINE,
					       "console=ttyS0", 13),
			 0);
	assert_hex(m.digest, 48,
		   "12071fd5a02f9d265d664a9c559c628e8b0127062e60fa0d"
		   "9978d0b3cdfe485dcc2ea2d185bfe13f85753bf859e8c6e9");
	assert_int_equal(
		measure_launch_extend(&m, MEASURE_LAUNCH_CONFIG, "\x01\x02", 2),
		0);
	assert_hex(m.digest, 48,
		   "4379481fde9927bf88732b9d3c64c4076d21e9e3edb737a2"
		   "1e115315b6d9dce0aefee5ec1262aa9960006768c44923c9");
}

/* The type and the length are bound: moving a byte between records or
 * changing a record's type changes the result. */
static void test_launch_binds_type_and_length(void **state)
{
	struct measure_launch a, b;

	(void)state;
	measure_launch_init(&a);
	measure_launch_init(&b);
	assert_int_equal(measure_launch_extend(&a, 1, "ab", 2), 0);
	assert_int_equal(measure_launch_extend(&a, 2, "c", 1), 0);
	assert_int_equal(measure_launch_extend(&b, 1, "a", 1), 0);
	assert_int_equal(measure_launch_extend(&b, 2, "bc", 2), 0);
	assert_memory_not_equal(a.digest, b.digest, 48);

	measure_launch_init(&a);
	measure_launch_init(&b);
	assert_int_equal(measure_launch_extend(&a, 1, "x", 1), 0);
	assert_int_equal(measure_launch_extend(&b, 2, "x", 1), 0);
	assert_memory_not_equal(a.digest, b.digest, 48);
}

static void test_launch_rejects_bad_input(void **state)
{
	struct measure_launch m;

	(void)state;
	measure_launch_init(&m);
	assert_int_equal(measure_launch_extend(&m, 0, "x", 1), -1);
	assert_int_equal(measure_launch_extend(&m, 5, "x", 1), -1);
	assert_int_equal(measure_launch_extend(&m, 1, NULL, 3), -1);
	/* A refused record leaves the chain untouched. */
	assert_hex(m.digest, 48,
		   "000000000000000000000000000000000000000000000000"
		   "000000000000000000000000000000000000000000000000");
}

static void test_log_vectors(void **state)
{
	struct measure_log log;

	(void)state;
	measure_log_init(&log);
	assert_int_equal(log.count, 0);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_KERNEL, "abc", 3), 0);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_INITRD, NULL, 0), 0);
	assert_int_equal(
		measure_log_add(&log, MEASURE_EV_CMDLINE, "console=ttyS0", 13),
		0);
	assert_int_equal(log.count, 3);

	assert_int_equal(log.ev[0].pcr, 4);
	assert_int_equal(log.ev[0].size, 3);
	assert_hex(log.ev[0].sha256, 32,
		   "ba7816bf8f01cfea414140de5dae2223"
		   "b00361a396177a9cb410ff61f20015ad");
	assert_hex(log.ev[0].sha384, 48,
		   "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
		   "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
	assert_int_equal(log.ev[1].pcr, 9);
	assert_int_equal(log.ev[1].size, 0);
	assert_hex(log.ev[1].sha256, 32,
		   "e3b0c44298fc1c149afbf4c8996fb924"
		   "27ae41e4649b934ca495991b7852b855");
	assert_int_equal(log.ev[2].pcr, 8);
	assert_hex(log.ev[2].sha384, 48,
		   "6bc3e553061da5b341317ef0aafb0ea0c091923e57a22ec2"
		   "2ddddb988366d42a1130c6a983365a663e743a2d7d25b2a9");
}

/* The e820 vector of MEASUREMENT.md: the 80-byte table of a 256M guest. */
static void test_e820_event_vector(void **state)
{
	static const uint8_t table[80] = {
		0,    0,    0, 0, 0, 0, 0,    0,    0x00, 0x80, 0x09, 0, 0, 0,
		0,    0,    1, 0, 0, 0, 0x00, 0x80, 0x09, 0,	0,    0, 0, 0,
		0x00, 0x80, 0, 0, 0, 0, 0,    0,    2,	  0,	0,    0, 0, 0,
		0x0e, 0,    0, 0, 0, 0, 0,    0,    0x02, 0,	0,    0, 0, 0,
		2,    0,    0, 0, 0, 0, 0x10, 0,    0,	  0,	0,    0, 0, 0,
		0xf0, 0x0f, 0, 0, 0, 0, 1,    0,    0,	  0,
	};
	struct measure_log log;

	(void)state;
	measure_log_init(&log);
	assert_int_equal(
		measure_log_add(&log, MEASURE_EV_E820, table, sizeof(table)),
		0);
	assert_int_equal(log.ev[0].type, MEASURE_EV_E820);
	assert_int_equal(log.ev[0].pcr, 1);
	assert_int_equal(log.ev[0].size, 80);
	assert_hex(log.ev[0].sha256, 32,
		   "78b73ffc29a0159c23e86108848a2876"
		   "fefae5048f589485729ebdc0d733d2c0");
	assert_hex(log.ev[0].sha384, 48,
		   "ac6261873e434c28e568db5b16127f1f7d23b15ef89f353e"
		   "d0e6f8de7061254bdfcad7e4ea8f9e49564dc1d1316fbad8");
}

static void test_log_full_and_unknown(void **state)
{
	struct measure_log log;

	(void)state;
	measure_log_init(&log);
	assert_int_equal(measure_log_add(&log, 99, "x", 1), -1);
	assert_int_equal(measure_log_add(&log, 0, "x", 1), -1);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_E820 + 1, "x", 1),
			 -1);
	assert_int_equal(log.count, 0);
	for (int i = 0; i < MEASURE_MAX_EVENTS; i++)
		assert_int_equal(measure_log_add(&log, MEASURE_EV_ACPI, "t", 1),
				 0);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_ACPI, "t", 1), -1);
	assert_int_equal(log.count, MEASURE_MAX_EVENTS);
}

static void test_print_format(void **state)
{
	struct measure_log log;
	struct measure_launch m;
	char buf[1024];
	FILE *f;
	size_t n;

	(void)state;
	measure_log_init(&log);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_KERNEL, "abc", 3), 0);
	measure_launch_init(&m);
	f = tmpfile();
	assert_non_null(f);
	measure_log_print(&log, f);
	measure_launch_print(&m, f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(
		buf, "MEASURE event=kernel pcr=4 size=3 "
		     "sha256=ba7816bf8f01cfea414140de5dae2223"
		     "b00361a396177a9cb410ff61f20015ad "
		     "sha384=cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
		     "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7\n"
		     "MEASURE launch="
		     "000000000000000000000000000000000000000000000000"
		     "000000000000000000000000000000000000000000000000\n");
}

static void test_event_names(void **state)
{
	(void)state;
	assert_string_equal(measure_event_name(MEASURE_EV_KERNEL), "kernel");
	assert_string_equal(measure_event_name(MEASURE_EV_INITRD), "initrd");
	assert_string_equal(measure_event_name(MEASURE_EV_CMDLINE), "cmdline");
	assert_string_equal(measure_event_name(MEASURE_EV_ACPI), "acpi");
	assert_string_equal(measure_event_name(MEASURE_EV_E820), "e820");
	assert_string_equal(measure_event_name(42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_launch_chain_vector),
		cmocka_unit_test(test_launch_binds_type_and_length),
		cmocka_unit_test(test_launch_rejects_bad_input),
		cmocka_unit_test(test_log_vectors),
		cmocka_unit_test(test_e820_event_vector),
		cmocka_unit_test(test_log_full_and_unknown),
		cmocka_unit_test(test_print_format),
		cmocka_unit_test(test_event_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
