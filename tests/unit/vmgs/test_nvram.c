// SPDX-License-Identifier: MIT
/* UEFI variable store: parse, edit, serialize; malformed records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "vmgs/nvram.h"

static size_t add_var(uint8_t *b, const char *name, const uint8_t guid[16],
		      const void *data, uint16_t dlen)
{
	uint16_t nb = (uint16_t)(2 * (strlen(name) + 1));

	memset(b, 0, 48);
	put_le32(b + 4, 48u + nb + dlen);
	put_le32(b + 8, 7);
	memcpy(b + 28, guid, 16);
	put_le16(b + 44, nb);
	put_le16(b + 46, dlen);
	for (size_t i = 0; i <= strlen(name); i++)
		put_le16(b + 48 + 2 * i, (uint8_t)name[i]);
	memcpy(b + 48 + nb, data, dlen);
	return 48u + nb + dlen;
}

static uint8_t blob[4096];
static size_t blob_len;

static int setup(void **s)
{
	static const uint8_t order[4] = { 1, 0, 2, 0 };
	static const uint8_t other[16] = { 9, 9, 9 };

	(void)s;
	blob_len = add_var(blob, "BootOrder", vmgs_efi_global_guid, order, 4);
	blob_len += add_var(blob + blob_len, "Boot0001", vmgs_efi_global_guid,
			    "\1\0\0\0\4\0D\0\0\0", 10);
	blob_len += add_var(blob + blob_len, "Boot0002", vmgs_efi_global_guid,
			    "x", 1);
	blob_len += add_var(blob + blob_len, "db", other, "", 0);
	return 0;
}

static void test_parse_edit_roundtrip(void **s)
{
	struct vmgs_nvram n;
	uint8_t *out;
	size_t len;
	char name[32];

	(void)s;
	assert_int_equal(vmgs_nvram_parse(blob, blob_len, &n), VMGS_OK);
	assert_int_equal(n.count, 4);
	vmgs_nvram_name(&n.vars[1], name, sizeof(name));
	assert_string_equal(name, "Boot0001");
	assert_int_equal(vmgs_nvram_find(&n, vmgs_efi_global_guid, "Boot0002"),
			 2);
	assert_int_equal(vmgs_nvram_find(&n, vmgs_efi_global_guid, "db"), -1);
	assert_int_equal(vmgs_nvram_serialize(&n, &out, &len), VMGS_OK);
	assert_int_equal(len, blob_len);
	assert_memory_equal(out, blob, len);
	free(out);
	vmgs_nvram_remove(&n, 1);
	assert_int_equal(vmgs_nvram_serialize(&n, &out, &len), VMGS_OK);
	vmgs_nvram_free(&n);
	assert_int_equal(vmgs_nvram_parse(out, len, &n), VMGS_OK);
	assert_int_equal(n.count, 3);
	assert_int_equal(vmgs_nvram_find(&n, vmgs_efi_global_guid, "Boot0001"),
			 -1);
	vmgs_nvram_free(&n);
	free(out);
}

static void test_malformed(void **s)
{
	uint8_t b[4096];
	struct vmgs_nvram n;

	(void)s;
	/* Every truncation of a valid blob is rejected or parses a prefix. */
	for (size_t cut = 1; cut < blob_len; cut++) {
		enum vmgs_err e = vmgs_nvram_parse(blob, cut, &n);

		assert_true(e == VMGS_E_BAD_NVRAM || e == VMGS_OK);
		if (e == VMGS_OK)
			vmgs_nvram_free(&n);
	}
	memcpy(b, blob, blob_len);
	put_le32(b, 1); /* not a variable record */
	assert_int_equal(vmgs_nvram_parse(b, blob_len, &n), VMGS_E_BAD_NVRAM);
	memcpy(b, blob, blob_len);
	put_le32(b + 4, 0xffffffffu); /* length past the end */
	assert_int_equal(vmgs_nvram_parse(b, blob_len, &n), VMGS_E_BAD_NVRAM);
	memcpy(b, blob, blob_len);
	put_le16(b + 44, 3); /* odd name size, length mismatch */
	assert_int_equal(vmgs_nvram_parse(b, blob_len, &n), VMGS_E_BAD_NVRAM);
	memcpy(b, blob, blob_len);
	b[48 + 18] = 'X'; /* name without NUL terminator */
	assert_int_equal(vmgs_nvram_parse(b, blob_len, &n), VMGS_E_BAD_NVRAM);
	memcpy(b, blob, blob_len);
	assert_int_equal(vmgs_nvram_parse(b, blob_len + 5, &n),
			 VMGS_E_BAD_NVRAM); /* trailing garbage */
	assert_int_equal(vmgs_nvram_parse(NULL, 0, &n), VMGS_OK);
	vmgs_nvram_free(&n);
}

static void test_guid_text(void **s)
{
	uint8_t g[16];
	char txt[37];

	(void)s;
	assert_int_equal(
		vmgs_guid_parse("8BE4DF61-93CA-11D2-AA0D-00E098032B8C", g),
		VMGS_OK);
	assert_memory_equal(g, vmgs_efi_global_guid, 16);
	vmgs_guid_format(g, txt);
	assert_string_equal(txt, "8be4df61-93ca-11d2-aa0d-00e098032b8c");
	assert_int_equal(
		vmgs_guid_parse("8BE4DF61-93CA-11D2-AA0D-00E098032B8", g),
		VMGS_E_INVAL);
	assert_int_equal(
		vmgs_guid_parse("8BE4DF61x93CA-11D2-AA0D-00E098032B8C", g),
		VMGS_E_INVAL);
	assert_int_equal(
		vmgs_guid_parse("8BE4DF61-93CA-11D2-AA0D-00E098032BXC", g),
		VMGS_E_INVAL);
}

static void count_sig(void *arg, const struct vmgs_sig *sg)
{
	assert_true(sg->len > 0);
	(*(unsigned *)arg)++;
}

static void test_signature_lists(void **s)
{
	uint8_t b[512] = { 0 };
	unsigned n = 0;
	size_t len;

	(void)s;
	/* Two 48-byte SHA-256 entries, then one list with a 4-byte header. */
	memcpy(b, vmgs_efi_cert_sha256_guid, 16);
	put_le32(b + 16, 28 + 2 * 48);
	put_le32(b + 24, 48);
	len = 28 + 2 * 48;
	memcpy(b + len, vmgs_efi_cert_x509_guid, 16);
	put_le32(b + len + 16, 28 + 4 + 20);
	put_le32(b + len + 20, 4);
	put_le32(b + len + 24, 20);
	len += 28 + 4 + 20;
	assert_int_equal(vmgs_siglist_walk(b, len, count_sig, &n), VMGS_OK);
	assert_int_equal(n, 3);
	/* Truncated, sizes that do not divide, tiny or huge entries. */
	assert_int_equal(vmgs_siglist_walk(b, len - 1, NULL, NULL),
			 VMGS_E_BAD_NVRAM);
	assert_int_equal(vmgs_siglist_walk(b, 20, NULL, NULL),
			 VMGS_E_BAD_NVRAM);
	put_le32(b + 24, 47);
	assert_int_equal(vmgs_siglist_walk(b, len, NULL, NULL),
			 VMGS_E_BAD_NVRAM);
	put_le32(b + 24, 16);
	assert_int_equal(vmgs_siglist_walk(b, len, NULL, NULL),
			 VMGS_E_BAD_NVRAM);
	put_le32(b + 24, 48);
	put_le32(b + 20, 0xffffffffu); /* header size */
	assert_int_equal(vmgs_siglist_walk(b, len, NULL, NULL),
			 VMGS_E_BAD_NVRAM);
	put_le32(b + 20, 0);
	put_le32(b + 16, 0xffffffffu); /* list size */
	assert_int_equal(vmgs_siglist_walk(b, len, NULL, NULL),
			 VMGS_E_BAD_NVRAM);
	assert_int_equal(vmgs_siglist_walk(b, 0, NULL, NULL), VMGS_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_edit_roundtrip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_guid_text),
		cmocka_unit_test(test_signature_lists),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
