// SPDX-License-Identifier: MIT
/*
 * vmgstool end to end: subcommands, option spellings, exit codes and the
 * output automation relies on (query-size prints only the number, --json
 * parses).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#ifndef VMGSTOOL
#define VMGSTOOL "build/bin/vmgstool"
#endif

static char dir[] = "/tmp/vmgstool-test-XXXXXX";
static char out[8192];

/* Runs vmgstool with the arguments (NULL-terminated); stdout into out. */
static int run(const char *arg, ...)
{
	const char *argv[32] = { VMGSTOOL };
	char path[512];
	int n = 1, status;
	va_list ap;
	pid_t pid;
	FILE *f;

	va_start(ap, arg);
	for (const char *a = arg; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	snprintf(path, sizeof(path), "%s/stdout", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen(path, "w", stdout) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(126);
		execv(VMGSTOOL, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = (int)fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	fclose(f);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static char *p(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void put(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(p(name), "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static int setup(void **s)
{
	uint8_t k1[32], k2[32];

	(void)s;
	assert_non_null(mkdtemp(dir));
	memset(k1, 0x11, 32);
	memset(k2, 0x22, 32);
	put("k1", k1, 32);
	put("k2", k2, 32);
	put("short", k1, 31);
	put("data", "hello vmgs", 10);
	return 0;
}

static int teardown(void **s)
{
	char cmd[600];

	(void)s;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_create_write_query(void **s)
{
	char f[512];
	FILE *fp;

	(void)s;
	snprintf(f, sizeof(f), "%s/a.vmgs", dir);
	assert_int_equal(run("create", "--file-path", f, NULL), 0);
	fp = fopen(f, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	assert_int_equal(ftell(fp), 4194816);
	fclose(fp);
	assert_int_equal(run("create", "-f", f, NULL), 1);
	assert_int_equal(run("create", "-f", f, "--force-create", NULL), 0);
	assert_int_equal(
		run("write", "-f", f, "-d", p("data"), "-i", "TPM_NVRAM", NULL),
		0);
	assert_int_equal(
		run("write", "-f", f, "-d", p("data"), "-i", "3", NULL), 1);
	assert_int_equal(run("write", "-f", f, "-d", p("data"), "-i", "3",
			     "--allow-overwrite", NULL),
			 0);
	assert_int_equal(run("query-size", "-f", f, "-i", "3", NULL), 0);
	assert_string_equal(out, "10\n");
	assert_int_equal(run("query-size", "--file-path", f, "--file-id",
			     "BIOS_NVRAM", NULL),
			 4);
	assert_int_equal(run("query-size", "-f", f, "-i", "bogus", NULL), 1);
	assert_int_equal(run("dump", "-f", f, "-i", "3", "--raw-stdout", NULL),
			 0);
	assert_string_equal(out, "hello vmgs");
	assert_int_equal(run("move", "-f", f, "--src-file-id", "3",
			     "--dst-file-id", "TPM_NVRAM_BACKUP", NULL),
			 0);
	assert_int_equal(run("query-size", "-f", f, "-i", "17", NULL), 0);
	assert_int_equal(run("delete", "-f", f, "-i", "17", NULL), 0);
	assert_int_equal(run("delete", "-f", f, "-i", "17", NULL), 4);
	assert_int_equal(run("query-encryption", "-f", f, NULL), 2);
	assert_int_equal(run("check", "-f", f, NULL), 0);
}

static void test_encryption_and_keys(void **s)
{
	char f[512];

	(void)s;
	snprintf(f, sizeof(f), "%s/e.vmgs", dir);
	assert_int_equal(run("create", "-f", f, "-k", p("k1"), NULL), 1);
	assert_int_equal(
		run("create", "-f", f, "-k", p("short"), "-e", "AES_GCM", NULL),
		1);
	assert_int_equal(run("create", "-f", f, "-s", "65536", "-k", p("k1"),
			     "-e", "AES_GCM", NULL),
			 0);
	assert_int_equal(run("query-encryption", "-f", f, NULL), 7);
	assert_int_equal(run("write", "-f", f, "-d", p("data"), "-i", "1", "-k",
			     p("k1"), NULL),
			 0);
	assert_int_equal(run("write", "-f", f, "-d", p("data"), "-i",
			     "VM_UNIQUE_ID", NULL),
			 0);
	assert_int_equal(run("query-encryption", "-f", f, NULL), 6);
	assert_int_equal(run("write", "-f", f, "-d", p("data"), "-i",
			     "KEY_PROTECTOR", NULL),
			 0);
	assert_int_equal(run("query-encryption", "-f", f, NULL), 0);
	assert_int_equal(run("dump", "-f", f, "-i", "1", "-k", p("k1"),
			     "--raw-stdout", NULL),
			 0);
	assert_string_equal(out, "hello vmgs");
	/* Without the key: ciphertext, not the data. */
	assert_int_equal(run("dump", "-f", f, "-i", "1", "--raw-stdout", NULL),
			 0);
	assert_true(strcmp(out, "hello vmgs") != 0);
	assert_int_equal(run("update-key", "-f", f, "-k", p("k1"), "-n",
			     p("k2"), "-e", "AES_GCM", NULL),
			 0);
	assert_int_equal(run("dump", "-f", f, "-i", "1", "-k", p("k1"), NULL),
			 1);
	assert_int_equal(run("dump", "-f", f, "-i", "1", "-k", p("k2"),
			     "--raw-stdout", NULL),
			 0);
	assert_string_equal(out, "hello vmgs");
	assert_int_equal(run("check", "-f", f, "-k", p("k2"), NULL), 0);
	assert_int_equal(run("check", "-f", f, "-k", p("k1"), NULL), 1);
	assert_int_equal(run("encrypt", "-f", f, "-k", p("k1"), NULL), 1);
}

static void test_json_outputs(void **s)
{
	char f[512];
	json_error_t err;
	json_t *j;

	(void)s;
	snprintf(f, sizeof(f), "%s/j.vmgs", dir);
	assert_int_equal(run("create", "-f", f, "-s", "65536", NULL), 0);
	assert_int_equal(
		run("write", "-f", f, "-d", p("data"), "-i", "5", NULL), 0);
	assert_int_equal(run("dump-headers", "-f", f, "--json", NULL), 0);
	j = json_loads(out, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "active")), 1);
	json_decref(j);
	assert_int_equal(run("dump-file-table", "-f", f, "--json", NULL), 0);
	j = json_loads(out, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "files")), 3);
	json_decref(j);
	assert_int_equal(run("query-size", "-f", f, "-i", "5", "--json", NULL),
			 0);
	j = json_loads(out, 0, &err);
	assert_int_equal(json_integer_value(json_object_get(j, "size")), 10);
	json_decref(j);
	assert_int_equal(run("check", "-f", f, "--json", NULL), 0);
	j = json_loads(out, 0, &err);
	assert_true(json_is_true(json_object_get(j, "ok")));
	json_decref(j);
	assert_int_equal(run("query-encryption", "-f", f, "--json", NULL), 2);
	j = json_loads(out, 0, &err);
	assert_true(json_is_false(json_object_get(j, "encrypted")));
	json_decref(j);
}

static void test_hostile_files(void **s)
{
	char f[512];
	FILE *fp;

	(void)s;
	snprintf(f, sizeof(f), "%s/h.vmgs", dir);
	put("empty", "", 0);
	assert_int_equal(run("dump-headers", "-f", p("empty"), NULL), 3);
	assert_int_equal(run("query-size", "-f", p("empty"), "-i", "1", NULL),
			 3);
	assert_int_equal(run("create", "-f", f, "-s", "65536", NULL), 0);
	/* Corrupt the active header's CRC and the footer. */
	fp = fopen(f, "r+b");
	assert_non_null(fp);
	fseek(fp, 12, SEEK_SET);
	fputc(0x55, fp);
	fclose(fp);
	assert_int_equal(run("check", "-f", f, NULL), 1);
	assert_non_null(strstr(out, "CRC-32 mismatch"));
	assert_int_equal(run("check", "-f", f, "--json", NULL), 1);
	assert_int_equal(run("dump-file-table", "-f", f, NULL), 1);
	assert_int_equal(run("dump-headers", "-f", f, "--raw", NULL), 1);
	/* A raw image needs --raw. */
	assert_int_equal(
		run("create", "-f", p("r.vmgs"), "-s", "65536", "--raw", NULL),
		0);
	assert_int_equal(run("dump-file-table", "-f", p("r.vmgs"), NULL), 1);
	assert_int_equal(
		run("dump-file-table", "-f", p("r.vmgs"), "--raw", NULL), 0);
}

static void test_help_and_usage(void **s)
{
	(void)s;
	assert_int_equal(run("--help", NULL), 0);
	assert_non_null(strstr(out, "SYNOPSIS"));
	assert_non_null(strstr(out, "EXIT STATUS"));
	assert_int_equal(run("check", "--help", NULL), 0);
	assert_non_null(strstr(out, "vmgstool check"));
	assert_int_equal(run("uefi-nvram", "dump", "--help", NULL), 0);
	assert_non_null(strstr(out, "uefi-nvram dump"));
	assert_int_equal(run("frobnicate", NULL), 1);
	assert_int_equal(run("write", "-f", p("a.vmgs"), NULL), 1);
	assert_int_equal(run("query-size", "-f", p("a.vmgs"), "-i", "1",
			     "--bogus", NULL),
			 1);
}

/* One UEFI variable record (48-byte header, UTF-16 name, data). */
static size_t nv_var(uint8_t *b, const char *name, const uint8_t guid[16],
		     const void *data, uint16_t dlen)
{
	uint16_t nb = (uint16_t)(2 * (strlen(name) + 1));
	uint32_t rlen = 48u + nb + dlen;

	memset(b, 0, rlen);
	memcpy(b + 4, &rlen, 4); /* test host is little-endian (x86) */
	b[8] = 7;
	memcpy(b + 28, guid, 16);
	memcpy(b + 44, &nb, 2);
	memcpy(b + 46, &dlen, 2);
	for (size_t i = 0; i < strlen(name); i++)
		b[48 + 2 * i] = (uint8_t)name[i];
	memcpy(b + 48 + nb, data, dlen);
	return rlen;
}

static void test_uefi_nvram(void **s)
{
	static const uint8_t global[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93,
					    0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0,
					    0x98, 0x03, 0x2b, 0x8c };
	static const uint8_t other[16] = { 0, 1, 2,  3,	 4,  5,	 6,  7,
					   8, 9, 10, 11, 12, 13, 14, 15 };
	static const uint8_t order[4] = { 1, 0, 2, 0 };
	static const uint8_t opt[14] = { 1, 0,	 0, 0, 4, 0,	'D',
					 0, 'k', 0, 0, 0, 0x7f, 0xff };
	uint8_t blob[1024];
	size_t n = 0;
	char f[512];
	json_error_t err;
	json_t *j;

	(void)s;
	snprintf(f, sizeof(f), "%s/n.vmgs", dir);
	n += nv_var(blob + n, "BootOrder", global, order, 4);
	n += nv_var(blob + n, "Boot0001", global, opt, 14);
	n += nv_var(blob + n, "Boot0002", global, opt, 14);
	n += nv_var(blob + n, "Other", other, "xyz", 3);
	put("nvram", blob, n);
	assert_int_equal(run("create", "-f", f, "-s", "65536", "-k", p("k1"),
			     "-e", "AES_GCM", NULL),
			 0);
	assert_int_equal(run("write", "-f", f, "-d", p("nvram"), "-i",
			     "BIOS_NVRAM", "-k", p("k1"), NULL),
			 0);
	assert_int_equal(run("uefi-nvram", "dump", "-f", f, NULL), 1);
	assert_int_equal(
		run("uefi-nvram", "dump", "-f", f, "-k", p("k1"), NULL), 0);
	assert_non_null(strstr(out, "Boot0001"));
	assert_non_null(strstr(out, "order=0001,0002"));
	assert_int_equal(run("uefi-nvram", "remove-boot-entries", "-f", f, "-k",
			     p("k1"), "-n", NULL),
			 0);
	assert_non_null(strstr(out, "would remove Boot0002"));
	assert_int_equal(run("uefi-nvram", "remove-boot-entries", "-f", f, "-k",
			     p("k1"), NULL),
			 0);
	assert_int_equal(run("uefi-nvram", "remove-entry", "-f", f, "-k",
			     p("k1"), "-n", "Other", "-v",
			     "03020100-0504-0706-0809-0a0b0c0d0e0f", NULL),
			 0);
	assert_int_equal(run("uefi-nvram", "remove-entry", "-f", f, "-k",
			     p("k1"), "-n", "Other", "-v",
			     "03020100-0504-0706-0809-0a0b0c0d0e0f", NULL),
			 1);
	assert_int_equal(run("uefi-nvram", "dump", "-f", f, "-k", p("k1"),
			     "--json", NULL),
			 0);
	j = json_loads(out, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	/* Still encrypted after the edits. */
	assert_int_equal(run("check", "-f", f, "-k", p("k1"), "--json", NULL),
			 0);
	j = json_loads(out, 0, &err);
	assert_int_equal(
		json_integer_value(json_object_get(j, "tags_verified")), 3);
	json_decref(j);
}

static void test_legacy_syntax(void **s)
{
	char f[512];

	(void)s;
	snprintf(f, sizeof(f), "%s/l.vmgs", dir);
	assert_int_equal(run("-c", "-filepath", f, "-filesize", "65536", NULL),
			 0);
	assert_int_equal(run("-w", "-filepath", f, "-datapath", p("data"),
			     "-fileid", "RTC_SKEW", NULL),
			 0);
	assert_int_equal(run("-w", "-filepath", f, "-datapath", p("data"),
			     "-fileid", "4", "-ow", NULL),
			 0);
	assert_int_equal(run("-qs", "-filepath", f, "-fileid", "4", NULL), 0);
	assert_string_equal(out, "10\n");
	assert_int_equal(run("-e", "-filepath", f, "-keypath", p("k1"), "-ea",
			     "AES_GCM", NULL),
			 0);
	assert_int_equal(run("-uk", "-filepath", f, "-keypath", p("k1"),
			     "-newkeypath", p("k2"), NULL),
			 0);
	assert_int_equal(run("-rh", "-filepath", f, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_write_query),
		cmocka_unit_test(test_encryption_and_keys),
		cmocka_unit_test(test_json_outputs),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_help_and_usage),
		cmocka_unit_test(test_legacy_syntax),
		cmocka_unit_test(test_uefi_nvram),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
