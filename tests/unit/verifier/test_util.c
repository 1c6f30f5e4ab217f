// SPDX-License-Identifier: MIT
/* Hex detection, RFC 3339 parsing and the raw JSON member scanner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mv_jsonraw.h"
#include "mv_util.h"

static void test_maybe_unhex(void **state)
{
	uint8_t a[] = "  0aFf10\n";
	uint8_t b[] = "0aF";
	uint8_t c[] = "zz";
	uint8_t d[] = { 0x0a, 0xff };
	size_t n;

	(void)state;
	n = sizeof(a) - 1;
	assert_int_equal(mv_maybe_unhex(a, &n), 1);
	assert_int_equal(n, 3);
	assert_int_equal(a[0], 0x0a);
	assert_int_equal(a[1], 0xff);
	assert_int_equal(a[2], 0x10);
	n = sizeof(b) - 1;
	assert_int_equal(mv_maybe_unhex(b, &n), 0);
	assert_int_equal(n, 3);
	n = sizeof(c) - 1;
	assert_int_equal(mv_maybe_unhex(c, &n), 0);
	n = sizeof(d);
	assert_int_equal(mv_maybe_unhex(d, &n), 0);
	assert_int_equal(n, 2);
}

static void test_unhex(void **state)
{
	uint8_t out[4];

	(void)state;
	assert_int_equal(mv_unhex("00ff7A", out, sizeof(out)), 3);
	assert_int_equal(out[2], 0x7a);
	assert_int_equal(mv_unhex("0", out, sizeof(out)), -1);
	assert_int_equal(mv_unhex("0011223344", out, sizeof(out)), -1);
	assert_int_equal(mv_unhex("0g", out, sizeof(out)), -1);
}

static void test_time(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(mv_parse_time("2025-06-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 1748736000);
	assert_int_equal(mv_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(mv_parse_time("2025-06-01T02:00:00.5+02:00", &t), 0);
	assert_int_equal(t, 1748736000);
	assert_int_equal(mv_parse_time("2024-02-29T23:59:59Z", &t), 0);
	assert_int_equal(t, 1709251199);
	assert_int_equal(mv_parse_time("2025-06-01", &t), -1);
	assert_int_equal(mv_parse_time("2025-13-01T00:00:00Z", &t), -1);
	assert_int_equal(mv_parse_time("2025-06-01T00:00:00", &t), -1);
	assert_int_equal(mv_parse_time("2025-06-01T00:00:00Zjunk", &t), -1);
}

static void test_json_raw_member(void **state)
{
	const char *doc = "{ \"a\" : [1, {\"x\":\"}\"}] ,\"tcbInfo\":{\"k\":"
			  "\"v\\\"}\",\"n\":[1,2]} ,\"signature\":\"ab\"}";
	const char *p;
	size_t n;

	(void)state;
	assert_int_equal(
		mv_json_raw_member(doc, strlen(doc), "tcbInfo", &p, &n), 0);
	assert_int_equal(n, strlen("{\"k\":\"v\\\"}\",\"n\":[1,2]}"));
	assert_memory_equal(p, "{\"k\":\"v\\\"}\",\"n\":[1,2]}", n);
	assert_int_equal(
		mv_json_raw_member(doc, strlen(doc), "signature", &p, &n), 0);
	assert_memory_equal(p, "\"ab\"", n);
	assert_int_equal(mv_json_raw_member(doc, strlen(doc), "x", &p, &n), -1);
	assert_int_equal(mv_json_raw_member("{\"a\":", 5, "a", &p, &n), -1);
	assert_int_equal(mv_json_raw_member("[1]", 3, "a", &p, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maybe_unhex),
		cmocka_unit_test(test_unhex),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_json_raw_member),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
