// SPDX-License-Identifier: MIT
/*
 * libvmgs.so as a consumer (the paravisor) sees it: the public header
 * only, and nothing but the public API exported.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vmgs/vmgs.h"

static void test_public_api_round_trip(void **s)
{
	static const uint8_t key[VMGS_KEY_SIZE] = { 7 };
	struct vmgs_check_result r;
	struct vmgs_io io;
	struct vmgs *v;
	uint8_t buf[16];
	uint64_t n;

	(void)s;
	assert_int_equal(vmgs_io_mem_new(&io, NULL, 65536 + 512), VMGS_OK);
	assert_int_equal(vmgs_format(&io, 65536, VMGS_OPEN_WRITE, &v), VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	assert_int_equal(vmgs_write(v, VMGS_FID_TPM_NVRAM, "tpm state", 9,
				    VMGS_WRITE_ENCRYPT),
			 VMGS_OK);
	assert_int_equal(
		vmgs_read_into(v, VMGS_FID_TPM_NVRAM, 0, buf, sizeof(buf), &n),
		VMGS_OK);
	assert_int_equal(n, 9);
	assert_memory_equal(buf, "tpm state", 9);
	assert_int_equal(vmgs_read_into(v, VMGS_FID_TPM_NVRAM, 0, buf, 4, &n),
			 VMGS_E_TOO_BIG);
	assert_int_equal(vmgs_check(&io, 0, key, NULL, NULL, &r), VMGS_OK);
	vmgs_close(v);
}

static void test_only_public_symbols(void **s)
{
	void *self = dlopen(NULL, RTLD_NOW);

	(void)s;
	assert_non_null(self);
	assert_non_null(dlsym(self, "vmgs_open"));
	assert_null(dlsym(self, "vmgs_txn_commit"));
	assert_null(dlsym(self, "vmgs_header_crc"));
	dlclose(self);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_api_round_trip),
		cmocka_unit_test(test_only_public_symbols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
