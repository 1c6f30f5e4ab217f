// SPDX-License-Identifier: MIT
/* The payload disk header parser, fed hostile headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "payload.h"

#define MiB (1ull << 20)
#define DISK (64 * MiB)
#define MEM_MAX (4096 * MiB)

/* The hostile headers are written straight into the on-disk layout. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian");
static struct payload_hdr h;
static char err[256];
static struct payload_info info;

static void valid(void)
{
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, "MNTLPAY1", 8);
	h.version = 1;
	h.header_size = 4096;
	h.cpus = 2;
	h.mem_bytes = 256 * MiB;
	h.kernel_off = 4096;
	h.kernel_size = 12 * MiB;
	h.initrd_off = 4096 + 12 * MiB;
	h.initrd_size = 2 * MiB + 5;
	h.cmdline_off = 4096 + 16 * MiB;
	h.cmdline_size = 13;
	err[0] = 0;
}

static int parse(void)
{
	return payload_parse(&h, sizeof(h), DISK, MEM_MAX, &info, err,
			     sizeof(err));
}

/* The parse fails and the message names the problem. */
static void expect_fail(const char *needle)
{
	assert_int_equal(parse(), -1);
	assert_non_null(strstr(err, needle));
}

static void test_valid(void **state)
{
	(void)state;
	valid();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.cpus, 2);
	assert_int_equal(info.mem_bytes, 256 * MiB);
	assert_int_equal(info.kernel.off, 4096);
	assert_int_equal(info.kernel.size, 12 * MiB);
	assert_int_equal(info.initrd.size, 2 * MiB + 5);
	assert_int_equal(info.cmdline.size, 13);
}

static void test_no_initrd_no_cmdline(void **state)
{
	(void)state;
	valid();
	h.initrd_off = h.initrd_size = 0;
	h.cmdline_off = h.cmdline_size = 0;
	assert_int_equal(parse(), 0);
	assert_int_equal(info.initrd.size, 0);
}

static void test_truncated(void **state)
{
	(void)state;
	valid();
	assert_int_equal(
		payload_parse(&h, 4095, DISK, MEM_MAX, &info, err, sizeof(err)),
		-1);
	assert_int_equal(payload_parse(&h, sizeof(h), 4095, MEM_MAX, &info, err,
				       sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "too small"));
}

static void test_magic_version_flags(void **state)
{
	(void)state;
	valid();
	h.magic[7] = '2';
	expect_fail("magic");
	valid();
	h.version = 2;
	expect_fail("version");
	valid();
	h.header_size = 512;
	expect_fail("header_size");
	valid();
	h.flags = 0x80000000u;
	expect_fail("flags");
	valid();
	h.reserved[4015] = 1;
	expect_fail("reserved byte 4095");
}

static void test_cpus_mem(void **state)
{
	(void)state;
	valid();
	h.cpus = 0;
	expect_fail("cpus");
	valid();
	h.cpus = 9;
	expect_fail("cpus");
	valid();
	h.mem_bytes = 32 * MiB;
	expect_fail("mem_bytes");
	valid();
	h.mem_bytes = 256 * MiB + 4096;
	expect_fail("mem_bytes");
	valid();
	h.mem_bytes = 8192 * MiB;
	expect_fail("limit");
}

static void test_pieces_out_of_range(void **state)
{
	(void)state;
	valid();
	h.kernel_size = 0;
	expect_fail("kernel is empty");
	valid();
	h.kernel_off = 4097;
	expect_fail("multiple of 4096");
	valid();
	h.kernel_off = 0;
	expect_fail("overlaps the header");
	valid();
	h.kernel_off = DISK - 4096;
	expect_fail("beyond the disk");
	valid();
	/* off + size would wrap around 2^64 */
	h.initrd_off = 0xFFFFFFFFFFFFF000ull;
	h.initrd_size = 0x2000;
	expect_fail("beyond the disk");
	valid();
	h.initrd_off = 8192;
	h.initrd_size = 0;
	expect_fail("size 0 but offset");
	valid();
	h.cmdline_size = 4096;
	expect_fail("command line of 4096");
}

static void test_too_large(void **state)
{
	static const uint64_t big = 1ull << 40;

	(void)state;
	valid();
	h.kernel_size = 257 * MiB; /* above the cap, inside the disk */
	assert_int_equal(payload_parse(&h, sizeof(h), big, MEM_MAX, &info, err,
				       sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "kernel of"));
	valid();
	h.mem_bytes = 64 * MiB;
	h.initrd_size = 65 * MiB;
	assert_int_equal(payload_parse(&h, sizeof(h), big, MEM_MAX, &info, err,
				       sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "initrd too large for guest memory"));
}

static void test_overlap(void **state)
{
	(void)state;
	valid();
	h.initrd_off = h.kernel_off + h.kernel_size - 4096;
	expect_fail("overlap");
	valid();
	h.cmdline_off = h.initrd_off + 4096;
	expect_fail("overlap");
	valid();
	h.cmdline_off = h.kernel_off;
	expect_fail("overlap");
	/* Adjacent pieces are fine. */
	valid();
	h.initrd_off = h.kernel_off + h.kernel_size;
	assert_int_equal(parse(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_no_initrd_no_cmdline),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_magic_version_flags),
		cmocka_unit_test(test_cpus_mem),
		cmocka_unit_test(test_pieces_out_of_range),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
