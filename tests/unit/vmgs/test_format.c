// SPDX-License-Identifier: MIT
/* Format, header encoding, the sequence rule, best-fit and id names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "helpers.h"
#include "internal.h"
#include "wire.h"

static void test_default_file_matches_reference(void **state)
{
	/* Test vector from the format facts (§1.3). */
	static const uint8_t head[36] = {
		0x47, 0x55, 0x45, 0x53, 0x54, 0x52, 0x54, 0x53, 0x00,
		0x00, 0x03, 0x00, 0x28, 0xed, 0x2e, 0x6d, 0x01, 0x00,
		0x00, 0x00, 0xa8, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct vmgs *v = t_new(VMGS_DEFAULT_CAPACITY);
	uint64_t len;
	uint8_t *img = t_image(v, &len);
	uint8_t zero[512] = { 0 };
	struct vhd_footer f;
	struct vmgs_file_info fi;

	(void)state;
	assert_int_equal(len, 4194816);
	assert_memory_equal(img, head, sizeof(head));
	assert_memory_equal(img + 512, zero, sizeof(zero));
	vhd_footer_decode(img + len - 512, &f);
	assert_memory_equal(f.cookie, "conectix", 8);
	assert_int_equal(f.current_size, VMGS_DEFAULT_CAPACITY);
	assert_int_equal(f.disk_type, 2);
	assert_int_equal(f.checksum, vhd_footer_checksum(img + len - 512));
	assert_int_equal(vmgs_stat(v, 63, &fi), VMGS_OK);
	assert_int_equal(fi.block_offset, 3);
	assert_int_equal(fi.valid_bytes, 4096);
	assert_int_equal(vmgs_stat(v, 1, &fi), VMGS_E_NOT_FOUND);
	assert_false(vmgs_is_encrypted(v));
	free(img);
	vmgs_close(v);
}

static void test_header_roundtrip(void **state)
{
	struct vmgs_header h, d;
	uint8_t b[VMGS_HEADER_SIZE];

	(void)state;
	memset(&h, 0, sizeof(h));
	h.signature = VMGS_SIGNATURE;
	h.version = VMGS_VERSION_3;
	h.sequence = 0xfffffffe;
	h.header_size = VMGS_HEADER_SIZE;
	h.file_table_offset = 7;
	h.file_table_size = 1;
	h.encryption_algorithm = 1;
	h.keys[1].wrapped[31] = 0xaa;
	h.keys[0].nonce[0] = 0x55;
	vmgs_header_encode(&h, b);
	put_le32(b + 12, vmgs_header_crc(b));
	assert_int_equal(vmgs_header_validate(b), VMGS_OK);
	vmgs_header_decode(b, &d);
	assert_int_equal(d.sequence, 0xfffffffe);
	assert_int_equal(b[36], 0x55);
	assert_int_equal(b[36 + 64 + 63], 0xaa);
	b[20] ^= 1; /* header size */
	assert_int_equal(vmgs_header_validate(b), VMGS_E_BAD_HEADER);
	b[20] ^= 1;
	b[100] ^= 1; /* covered only by the CRC */
	assert_int_equal(vmgs_header_validate(b), VMGS_E_BAD_HEADER);
}

static void test_sequence_rule(void **state)
{
	struct vmgs_header a = { .sequence = 0xffffffff },
			   b = { .sequence = 0 };
	enum vmgs_err e;

	(void)state;
	/* 0 is newer than 0xffffffff: the counter wraps. */
	assert_int_equal(vmgs_header_select(&a, VMGS_OK, &b, VMGS_OK, &e), 1);
	b.sequence = 5;
	a.sequence = 4;
	assert_int_equal(vmgs_header_select(&a, VMGS_OK, &b, VMGS_OK, &e), 1);
	a.sequence = 6;
	assert_int_equal(vmgs_header_select(&a, VMGS_OK, &b, VMGS_OK, &e), 0);
	a.sequence = 7;
	assert_int_equal(vmgs_header_select(&a, VMGS_OK, &b, VMGS_OK, &e), -1);
	assert_int_equal(e, VMGS_E_BAD_SEQUENCE);
	a.sequence = 5;
	assert_int_equal(vmgs_header_select(&a, VMGS_OK, &b, VMGS_OK, &e), -1);
	assert_int_equal(
		vmgs_header_select(&a, VMGS_E_BAD_HEADER, &b, VMGS_OK, &e), 1);
	assert_int_equal(
		vmgs_header_select(&a, VMGS_OK, &b, VMGS_E_BAD_HEADER, &e), 0);
	assert_int_equal(vmgs_header_select(&a, VMGS_E_BAD_HEADER, &b,
					    VMGS_E_BAD_HEADER, &e),
			 -1);
	assert_int_equal(e, VMGS_E_BAD_HEADER);
}

static void test_best_fit(void **state)
{
	/* used: [2,4) [6,7) [10,13); capacity 20: gaps 4..6(2) 7..10(3) 13..20(7) */
	const uint32_t used[3][2] = { { 10, 3 }, { 2, 2 }, { 6, 1 } };
	uint32_t off;

	(void)state;
	assert_int_equal(vmgs_best_fit(used, 3, 20, 1, &off), VMGS_OK);
	assert_int_equal(off, 4);
	assert_int_equal(vmgs_best_fit(used, 3, 20, 3, &off), VMGS_OK);
	assert_int_equal(off, 7);
	assert_int_equal(vmgs_best_fit(used, 3, 20, 4, &off), VMGS_OK);
	assert_int_equal(off, 13);
	assert_int_equal(vmgs_best_fit(used, 3, 20, 8, &off), VMGS_E_NO_SPACE);
	/* Tie between two 2-block gaps goes to the lower offset. */
	const uint32_t tie[2][2] = { { 4, 1 }, { 7, 13 } };
	assert_int_equal(vmgs_best_fit(tie, 2, 20, 2, &off), VMGS_OK);
	assert_int_equal(off, 2);
	assert_int_equal(vmgs_best_fit(NULL, 0, 20, 18, &off), VMGS_OK);
	assert_int_equal(off, 2);
}

static void test_file_id_names(void **state)
{
	unsigned id;

	(void)state;
	assert_int_equal(vmgs_file_id_parse("TPM_NVRAM", &id), VMGS_OK);
	assert_int_equal(id, 3);
	assert_int_equal(vmgs_file_id_parse("bios_nvram", &id), VMGS_OK);
	assert_int_equal(id, 1);
	assert_int_equal(vmgs_file_id_parse("17", &id), VMGS_OK);
	assert_int_equal(id, 17);
	assert_int_equal(vmgs_file_id_parse("0x3f", &id), VMGS_OK);
	assert_int_equal(id, 63);
	assert_int_equal(vmgs_file_id_parse("64", &id), VMGS_E_BAD_FILE_ID);
	assert_int_equal(vmgs_file_id_parse("-1", &id), VMGS_E_BAD_FILE_ID);
	assert_int_equal(vmgs_file_id_parse("3x", &id), VMGS_E_BAD_FILE_ID);
	assert_int_equal(vmgs_file_id_parse("", &id), VMGS_E_BAD_FILE_ID);
	assert_string_equal(vmgs_file_id_name(14), "HIBERNATION_TOKEN");
	assert_null(vmgs_file_id_name(12));
	for (int e = 0; e < VMGS_E_COUNT; e++)
		assert_non_null(vmgs_errname((enum vmgs_err)e));
}

static void test_format_rejects_bad_sizes(void **state)
{
	struct vmgs_io io;
	struct vmgs *v;

	(void)state;
	assert_int_equal(vmgs_io_mem_new(&io, NULL, 16384 + 512), VMGS_OK);
	assert_int_equal(vmgs_format(&io, 16384 - 512, 0, &v),
			 VMGS_E_FILE_SIZE);
	assert_int_equal(vmgs_format(&io, 16384 + 100, 0, &v),
			 VMGS_E_FILE_SIZE);
	assert_int_equal(vmgs_format(&io, 16384 + 512, 0, &v),
			 VMGS_E_FILE_SIZE); /* no room for the footer */
	assert_int_equal(vmgs_format(&io, 16384, 0, &v), VMGS_OK);
	vmgs_close(v);
}

static void test_reformat_is_an_update(void **state)
{
	struct vmgs *v = t_new(TEST_CAP), *n;
	uint64_t len;
	uint8_t *img, *after;
	struct vmgs_io io;
	uint8_t k[32];

	(void)state;
	t_key(k, 1);
	assert_int_equal(vmgs_write(v, 3, "abc", 3, 0), VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, k), VMGS_OK);
	img = t_image(v, &len);
	vmgs_close(v);
	assert_int_equal(vmgs_io_mem_new(&io, img, len), VMGS_OK);
	assert_int_equal(vmgs_format(&io, TEST_CAP, VMGS_OPEN_WRITE, &n),
			 VMGS_OK);
	assert_false(vmgs_is_encrypted(n));
	assert_int_equal(n->hdr.sequence, 4); /* format 1, write, key, this */
	after = t_image(n, &len);
	/* Same container: the footer is kept as it was. */
	assert_memory_equal(after + len - 512, img + len - 512, 512);
	{
		struct vmgs_file_info fi;

		assert_int_equal(vmgs_stat(n, 3, &fi), VMGS_E_NOT_FOUND);
	}
	vmgs_close(n);
	/* A different capacity starts over from scratch. */
	assert_int_equal(vmgs_io_mem_new(&io, after, len), VMGS_OK);
	assert_int_equal(vmgs_format(&io, TEST_CAP - 4096, VMGS_OPEN_WRITE, &n),
			 VMGS_OK);
	assert_int_equal(n->hdr.sequence, 1);
	vmgs_close(n);
	free(img);
	free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_file_matches_reference),
		cmocka_unit_test(test_header_roundtrip),
		cmocka_unit_test(test_sequence_rule),
		cmocka_unit_test(test_best_fit),
		cmocka_unit_test(test_file_id_names),
		cmocka_unit_test(test_format_rejects_bad_sizes),
		cmocka_unit_test(test_reformat_is_an_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
