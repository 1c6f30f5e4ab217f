// SPDX-License-Identifier: MIT
/* The e820 builder and the 64-bit boot protocol set-up in guest memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot.h"
#include "e820.h"
#include "mantle_bytes.h"
#include "fake_bzimage.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Entries are sorted, disjoint, and RAM adds up to mem. */
static void check_e820(uint64_t mem, int want_entries)
{
	struct e820_entry e[8];
	uint64_t ram = 0, prev_end = 0;
	int n = e820_build(mem, e, 8);

	assert_int_equal(n, want_entries);
	for (int i = 0; i < n; i++) {
		assert_true(e[i].addr >= prev_end);
		assert_true(e[i].size > 0);
		prev_end = e[i].addr + e[i].size;
		if (e[i].type == E820_RAM)
			ram += e[i].size;
		else
			assert_int_equal(e[i].type, E820_RESERVED);
	}
	/* RAM lost to the reserved holes below 1 MiB: 0x98000..0x100000
	 * (the pv bus area, the EBDA, the ACPI tables). */
	assert_int_equal(ram, mem - (0x100000 - 0x98000));
}

static void test_e820(void **state)
{
	struct e820_entry e[8];
	struct mem_split s;

	(void)state;
	check_e820(256 * MiB, 4);
	check_e820(3 * GiB, 4);
	check_e820(5 * GiB, 5);
	mem_split(5 * GiB, &s);
	assert_int_equal(s.low_end, 3 * GiB);
	assert_int_equal(s.high_size, 2 * GiB);
	assert_int_equal(e820_build(5 * GiB, e, 8), 5);
	assert_int_equal(e[4].addr, 4 * GiB);
	assert_int_equal(e[2].addr, 0xE0000); /* the ACPI tables: reserved */
	assert_int_equal(e[2].type, E820_RESERVED);
	assert_int_equal(e820_build(MiB, e, 8), -1);
	assert_int_equal(e820_build(256 * MiB, e, 4), -1);
}

/* The encoded table: the MEASUREMENT.md bytes, little-endian whatever the
 * host, and agreeing with e820_build() entry by entry. */
static void test_e820_encode(void **state)
{
	static const uint8_t want_256m[80] = {
		0,    0,    0, 0, 0, 0, 0,    0,    0x00, 0x80, 0x09, 0, 0, 0,
		0,    0,    1, 0, 0, 0, 0x00, 0x80, 0x09, 0,	0,    0, 0, 0,
		0x00, 0x80, 0, 0, 0, 0, 0,    0,    2,	  0,	0,    0, 0, 0,
		0x0e, 0,    0, 0, 0, 0, 0,    0,    0x02, 0,	0,    0, 0, 0,
		2,    0,    0, 0, 0, 0, 0x10, 0,    0,	  0,	0,    0, 0, 0,
		0xf0, 0x0f, 0, 0, 0, 0, 1,    0,    0,	  0,
	};
	uint8_t buf[E820_TABLE_MAX];
	struct e820_entry e[E820_MAX_ENTRIES];

	(void)state;
	assert_int_equal(e820_encode(256 * MiB, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, want_256m, sizeof(want_256m));
	assert_int_equal(e820_encode(5 * GiB, buf, sizeof(buf)), 5);
	assert_int_equal(e820_build(5 * GiB, e, E820_MAX_ENTRIES), 5);
	for (unsigned int i = 0; i < 5; i++) {
		const uint8_t *p = buf + i * E820_ENTRY_BYTES;

		assert_int_equal(get_le64(p), e[i].addr);
		assert_int_equal(get_le64(p + 8), e[i].size);
		assert_int_equal(get_le32(p + 16), e[i].type);
	}
	/* Too small a buffer or too little memory: refused. */
	assert_int_equal(e820_encode(5 * GiB, buf, 99), -1);
	assert_int_equal(e820_encode(256 * MiB, buf, 79), -1);
	assert_int_equal(e820_encode(MiB, buf, sizeof(buf)), -1);
}

static void test_plan(void **state)
{
	struct bzimage_info bz;
	struct boot_plan p;
	char err[256];
	size_t len;
	uint8_t *img = fake_bzimage(4096, &len);

	(void)state;
	assert_int_equal(bzimage_parse(img, len, &bz, err, sizeof(err)), 0);
	assert_int_equal(boot_plan(&bz, 256 * MiB, 3 * MiB + 17, 13, &p, err,
				   sizeof(err)),
			 0);
	assert_int_equal(p.kernel_gpa, 16 * MiB);
	assert_int_equal(p.entry, 16 * MiB + 0x200);
	assert_int_equal(p.initrd_gpa % 4096, 0);
	assert_true(p.initrd_gpa >= p.kernel_end);
	assert_true(p.initrd_gpa + p.initrd_size <= 256 * MiB);
	assert_true(p.initrd_gpa + p.initrd_size > 256 * MiB - 4096);

	/* initrd_addr_max caps the placement. */
	bz.initrd_addr_max = 64 * MiB - 1;
	assert_int_equal(
		boot_plan(&bz, 256 * MiB, MiB, 0, &p, err, sizeof(err)), 0);
	assert_true(p.initrd_gpa + p.initrd_size <= 64 * MiB);

	/* Too large for the room between the kernel and the top. */
	assert_int_equal(
		boot_plan(&bz, 256 * MiB, 60 * MiB, 0, &p, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "initrd too large for guest memory"));
	assert_int_equal(
		boot_plan(&bz, 256 * MiB, UINT64_MAX, 0, &p, err, sizeof(err)),
		-1);
	/* Kernel does not fit at all. */
	assert_int_equal(boot_plan(&bz, 16 * MiB, 0, 0, &p, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "kernel needs memory"));
	/* Command line longer than the kernel takes. */
	assert_int_equal(
		boot_plan(&bz, 256 * MiB, 0, 2048, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "command line"));
	free(img);
}

static void test_write(void **state)
{
	const uint64_t mem = 64 * MiB;
	struct bzimage_info bz;
	struct boot_plan p;
	struct boot_regs r;
	char err[256];
	size_t len;
	uint8_t *img = fake_bzimage(4096, &len);
	uint8_t *ram = calloc(1, mem);
	uint8_t *bp;

	(void)state;
	assert_non_null(ram);
	assert_int_equal(bzimage_parse(img, len, &bz, err, sizeof(err)), 0);
	assert_int_equal(boot_plan(&bz, mem, 8192, 5, &p, err, sizeof(err)), 0);
	assert_int_equal(
		boot_write(ram, mem, mem, &bz, img, &p, "hello", 5, 0xE0000),
		0);
	/* The kernel's protected-mode part at its load address. */
	assert_memory_equal(ram + p.kernel_gpa, img + FAKE_SETUP_SIZE, 4096);
	bp = ram + BOOT_PARAMS_GPA;
	/* The header copied, then the loader's fields. */
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_int_equal(bp[0x210], 0xFF);
	assert_int_equal(bp[0x211] & 0x81, 0x81);
	assert_int_equal(get_le32(bp + 0x228), BOOT_CMDLINE_GPA);
	assert_int_equal(get_le32(bp + 0x218), p.initrd_gpa);
	assert_int_equal(get_le32(bp + 0x21C), 8192);
	assert_int_equal(get_le64(bp + 0x070), 0xE0000);
	assert_int_equal(bp[0x1E8], 4);
	assert_int_equal(get_le64(bp + 0x2D0), 0); /* first entry at 0 */
	assert_int_equal(get_le64(bp + 0x2D0 + 20 * 3), 0x100000);
	{
		/* The table in boot_params is e820_encode()'s, byte for byte:
		 * what both sides measure. */
		uint8_t t[E820_TABLE_MAX];

		assert_int_equal(e820_encode(mem, t, sizeof(t)), 4);
		assert_memory_equal(bp + BP_E820_TABLE, t,
				    4 * E820_ENTRY_BYTES);
	}
	assert_string_equal((char *)ram + BOOT_CMDLINE_GPA, "hello");
	/* Identity map: PML4 -> PDPT -> 2 MiB pages. */
	assert_int_equal(get_le64(ram + BOOT_PML4_GPA), BOOT_PDPT_GPA | 3);
	assert_int_equal(get_le64(ram + BOOT_PDPT_GPA + 8),
			 (BOOT_PD_GPA + 4096) | 3);
	assert_int_equal(get_le64(ram + BOOT_PD_GPA + 8 * 5),
			 (5ull << 21) | 0x83);
	assert_int_equal(get_le64(ram + BOOT_PD_GPA + 8 * 2047),
			 (2047ull << 21) | 0x83);
	/* GDT: 64-bit code at 0x10, flat data at 0x18. */
	assert_int_equal(get_le64(ram + BOOT_GDT_GPA + 0x10),
			 0x00AF9B000000FFFFull);
	assert_int_equal(get_le64(ram + BOOT_GDT_GPA + 0x18),
			 0x00CF93000000FFFFull);

	/* The real-mode reset stub at F000:FFF0: out 0x602, 1. */
	assert_memory_equal(ram + BOOT_RESET_STUB_GPA,
			    "\xBA\x02\x06\xB0\x01\xEE\xF4", 7);

	boot_regs(&p, &r);
	assert_int_equal(r.rip, 16 * MiB + 0x200);
	assert_int_equal(r.rsi, BOOT_PARAMS_GPA);
	assert_int_equal(r.cr3, BOOT_PML4_GPA);
	assert_true(r.cr0 & 0x80000001u);
	assert_int_equal(r.efer & 0x500, 0x500);
	assert_int_equal(r.cs, 0x10);
	assert_int_equal(r.ds, 0x18);
	/* RAM too small for the plan. */
	assert_int_equal(boot_write(ram, 16 * MiB, mem, &bz, img, &p, "", 0, 0),
			 -1);
	free(ram);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_e820),
		cmocka_unit_test(test_e820_encode),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
