// SPDX-License-Identifier: MIT
/* Pss accounting from /proc/self/smaps, with guest RAM counted apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "memstat.h"

static void test_guest_ram_apart(void **state)
{
	const size_t len = 8u << 20;
	uint64_t total, ram, total2, ram2;
	uint8_t *m;

	(void)state;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(memstat_pss(m, &total, &ram), 0);
	assert_true(ram < 1024); /* untouched: (almost) nothing resident */
	memset(m, 1, len); /* touch all 8 MiB */
	assert_int_equal(memstat_pss(m, &total2, &ram2), 0);
	assert_true(ram2 >= 8192);
	assert_true(total2 >= ram2 + 1); /* the rest of the process counts */
	/*
	 * The 8 MiB are counted in the total and apart, never in the rest
	 * of the process: the total grows by (about) them and the rest does
	 * not. 4 MiB of slack absorbs the Pss drift of shared pages.
	 */
	assert_true(total2 >= total + 8192 - 4096);
	assert_true(total2 - ram2 < total - ram + 4096);
	/* A pointer that starts no mapping attributes nothing. */
	assert_int_equal(memstat_pss(m + 4096, &total, &ram), 0);
	assert_int_equal(ram, 0);
	munmap(m, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_ram_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
