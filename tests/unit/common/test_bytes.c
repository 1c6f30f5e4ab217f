// SPDX-License-Identifier: MIT
/* common/include/mantle_bytes.h: byte order of every load and store, and the
 * read cursor's bounds and sticky error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mantle_bytes.h"
#include "mantle_hex.h"

static const uint8_t seq[8] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08
};

static void test_loads(void **state)
{
	(void)state;
	assert_int_equal(get_le16(seq), 0x0201);
	assert_int_equal(get_le32(seq), 0x04030201);
	assert_true(get_le64(seq) == 0x0807060504030201ull);
	assert_int_equal(get_be16(seq), 0x0102);
	assert_int_equal(get_be32(seq), 0x01020304);
	assert_true(get_be64(seq) == 0x0102030405060708ull);
}

static void test_stores_round_trip(void **state)
{
	uint8_t b[8];

	(void)state;
	put_le16(b, 0x0201);
	assert_memory_equal(b, seq, 2);
	put_le32(b, 0x04030201);
	assert_memory_equal(b, seq, 4);
	put_le64(b, 0x0807060504030201ull);
	assert_memory_equal(b, seq, 8);
	put_be16(b, 0x0102);
	assert_memory_equal(b, seq, 2);
	put_be32(b, 0x01020304);
	assert_memory_equal(b, seq, 4);
	put_be64(b, 0x0102030405060708ull);
	assert_memory_equal(b, seq, 8);
	/* top bits survive: no sign extension through int promotion */
	put_le32(b, 0xfedcba98);
	assert_int_equal(get_le32(b), 0xfedcba98);
	put_be64(b, 0xffeeddccbbaa9988ull);
	assert_true(get_be64(b) == 0xffeeddccbbaa9988ull);
}

static void test_cursor_reads_in_order(void **state)
{
	struct cursor c = cur_init(seq, sizeof(seq));

	(void)state;
	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_le16(&c), 0x0302);
	assert_int_equal(cur_be32(&c), 0x04050607);
	assert_int_equal(cur_left(&c), 1);
	assert_int_equal(c.off, 7);
	assert_true(cur_ok(&c));
	assert_int_equal(cur_u8(&c), 0x08);
	assert_int_equal(cur_left(&c), 0);
	assert_true(cur_ok(&c));
}

static void test_cursor_overrun_sticks(void **state)
{
	struct cursor c = cur_init(seq, sizeof(seq));
	uint8_t out[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	(void)state;
	cur_skip(&c, 6);
	assert_int_equal(cur_le32(&c), 0); /* 2 left: fails */
	assert_false(cur_ok(&c));
	assert_int_equal(c.off, 6); /* a failed read consumes nothing */
	/* later reads fail too, even ones that would fit */
	assert_int_equal(cur_u8(&c), 0);
	assert_null(cur_take(&c, 0));
	assert_int_equal(cur_left(&c), 0);
	cur_copy(&c, out, sizeof(out));
	assert_memory_equal(out, "\0\0\0\0", 4);
}

static void test_cursor_huge_length_no_wrap(void **state)
{
	struct cursor c = cur_init(seq, sizeof(seq));

	(void)state;
	cur_skip(&c, 3);
	assert_null(cur_take(&c, SIZE_MAX)); /* off + n would wrap */
	assert_false(cur_ok(&c));
}

static void test_cursor_fail_and_empty(void **state)
{
	struct cursor c = cur_init(NULL, 0);
	struct cursor d = cur_init(seq, sizeof(seq));

	(void)state;
	assert_true(cur_ok(&c));
	assert_non_null(cur_take(&d, 0));
	assert_int_equal(cur_le16(&c), 0);
	assert_false(cur_ok(&c));
	cur_fail(&d);
	assert_false(cur_ok(&d));
	assert_int_equal(cur_u8(&d), 0);
}

static void test_hex_nibble(void **state)
{
	(void)state;
	assert_int_equal(hex_nibble('0'), 0);
	assert_int_equal(hex_nibble('9'), 9);
	assert_int_equal(hex_nibble('a'), 10);
	assert_int_equal(hex_nibble('F'), 15);
	assert_int_equal(hex_nibble('g'), -1);
	assert_int_equal(hex_nibble('/'), -1);
	assert_int_equal(hex_nibble(':'), -1);
	assert_int_equal(hex_nibble('@'), -1);
	assert_int_equal(hex_nibble('`'), -1);
	assert_int_equal(hex_nibble(0), -1);
	assert_int_equal(hex_nibble((char)0xb0), -1); /* signed char */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_stores_round_trip),
		cmocka_unit_test(test_cursor_reads_in_order),
		cmocka_unit_test(test_cursor_overrun_sticks),
		cmocka_unit_test(test_cursor_huge_length_no_wrap),
		cmocka_unit_test(test_cursor_fail_and_empty),
		cmocka_unit_test(test_hex_nibble),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
