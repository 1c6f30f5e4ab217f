// SPDX-License-Identifier: MIT
/* The bzImage setup header parser, fed broken and hostile images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bzimage.h"
#include "fake_bzimage.h"

static uint8_t *img;
static size_t len;
static struct bzimage_info bz;
static char err[256];

static int setup(void **state)
{
	(void)state;
	img = fake_bzimage(8192, &len);
	err[0] = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(img);
	return 0;
}

static void expect_fail(const char *needle)
{
	assert_int_equal(bzimage_parse(img, len, &bz, err, sizeof(err)), -1);
	assert_non_null(strstr(err, needle));
}

static void test_valid(void **state)
{
	(void)state;
	assert_int_equal(bzimage_parse(img, len, &bz, err, sizeof(err)), 0);
	assert_int_equal(bz.version, 0x020F);
	assert_int_equal(bz.hdr_end, 0x26C);
	assert_int_equal(bz.setup_size, 2560);
	assert_int_equal(bz.kernel_off, 2560);
	assert_int_equal(bz.kernel_size, 8192);
	assert_int_equal(bz.pref_address, 16u << 20);
	assert_int_equal(bz.init_size, 8192 + (1u << 20));
	assert_int_equal(bz.cmdline_size, 2047);
	assert_int_equal(bz.kernel_alignment, 0x200000);
}

static void test_setup_sects_zero_means_four(void **state)
{
	(void)state;
	img[0x1F1] = 0;
	assert_int_equal(bzimage_parse(img, len, &bz, err, sizeof(err)), 0);
	assert_int_equal(bz.setup_size, 2560);
}

static void test_truncated(void **state)
{
	(void)state;
	assert_int_equal(bzimage_parse(img, 0x27F, &bz, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too short"));
	assert_int_equal(bzimage_parse(NULL, 0, &bz, err, sizeof(err)), -1);
	/* Setup sectors reaching the end leave no kernel. */
	assert_int_equal(bzimage_parse(img, 2560, &bz, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "leave no kernel"));
	img[0x1F1] = 0xFF;
	expect_fail("leave no kernel");
}

static void test_not_a_bzimage(void **state)
{
	(void)state;
	img[0x1FE] = 0;
	expect_fail("not a bzImage");
	img[0x1FE] = 0x55;
	memcpy(img + 0x202, "ELF!", 4);
	expect_fail("not a bzImage");
}

static void test_old_or_32bit(void **state)
{
	(void)state;
	put_le16(img + 0x206, 0x0209);
	expect_fail("too old");
	put_le16(img + 0x206, 0x020F);
	img[0x236] = 0;
	expect_fail("64-bit");
	img[0x236] = 1;
	img[0x211] = 0;
	expect_fail("loaded high");
}

static void test_header_bounds(void **state)
{
	(void)state;
	img[0x201] = 0x10; /* header ends at 0x212: too short */
	expect_fail("setup header ends");
	img[0x201] = 0xFF; /* 0x301: beyond the zero page's room */
	expect_fail("setup header ends");
}

static void test_bad_fields(void **state)
{
	(void)state;
	put_le32(img + 0x230, 0x300000);
	expect_fail("kernel_alignment");
	put_le32(img + 0x230, 0x200000);
	put_le64(img + 0x258, 0x1234);
	expect_fail("pref_address");
	put_le64(img + 0x258, 1ull << 40);
	expect_fail("pref_address");
	put_le64(img + 0x258, 16u << 20);
	put_le32(img + 0x260, 100);
	expect_fail("init_size");
	put_le32(img + 0x260, 1u << 24);
	put_le32(img + 0x248, 8190);
	expect_fail("payload");
	put_le32(img + 0x248, 0xFFFFFFF0u); /* offset + length wraps */
	expect_fail("payload");
	put_le32(img + 0x248, 0);
	put_le32(img + 0x238, 0);
	expect_fail("cmdline_size");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_setup_sects_zero_means_four, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_a_bzimage, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_old_or_32bit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_header_bounds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_fields, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
