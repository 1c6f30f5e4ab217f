// SPDX-License-Identifier: MIT
/*
 * common/include/mantle_payload.h, end to end: what the host's writer
 * (host/payload.c) puts on the disk, the paravisor's parser
 * (paravisor/vmm/payload.c) reads back field for field; the same header
 * made malformed or truncated, the parser refuses.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/payload.h"
#include "paravisor/vmm/payload.h"

#define MiB (1ull << 20)
#define MEM_MAX (4096 * MiB)

static uint8_t hdr[PAYLOAD_HDR_SIZE];
static struct payload_layout lay;
static struct payload_info info;
static char err[256];

/* The host plans and encodes a header for these sizes. */
static void host_header(uint32_t cpus, uint64_t mem, uint64_t kernel,
			uint64_t initrd, uint64_t cmdline)
{
	assert_int_equal(payload_plan(&lay, cpus, mem, kernel, initrd, cmdline),
			 0);
	memset(hdr, 0x5a, sizeof(hdr));
	payload_encode_header(&lay, hdr);
}

static int pv_parse(size_t len, uint64_t disk_size)
{
	err[0] = 0;
	return payload_parse(hdr, len, disk_size, MEM_MAX, &info, err,
			     sizeof(err));
}

static void expect_refused(size_t len, uint64_t disk_size, const char *why)
{
	assert_int_equal(pv_parse(len, disk_size), -1);
	assert_non_null(strstr(err, why));
}

static void expect_same_as_plan(void)
{
	assert_int_equal(info.cpus, lay.cpus);
	assert_true(info.mem_bytes == lay.mem_bytes);
	assert_true(info.kernel.off == lay.kernel_off);
	assert_true(info.kernel.size == lay.kernel_size);
	assert_true(info.initrd.off == lay.initrd_off);
	assert_true(info.initrd.size == lay.initrd_size);
	assert_true(info.cmdline.off == lay.cmdline_off);
	assert_true(info.cmdline.size == lay.cmdline_size);
}

static void test_round_trip(void **state)
{
	static const struct {
		uint32_t cpus;
		uint64_t mem, kernel, initrd, cmdline;
	} cases[] = {
		{ 1, 64 * MiB, 1, 0, 0 },
		{ 2, 256 * MiB, 12 * MiB + 1, 2 * MiB + 5, 13 },
		{ 8, 4096 * MiB, 256 * MiB, 4095 * MiB, PAYLOAD_MAX_CMDLINE },
		{ 3, 130 * MiB, 4096, 4096, 4096 - 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		host_header(cases[i].cpus, cases[i].mem, cases[i].kernel,
			    cases[i].initrd, cases[i].cmdline);
		assert_int_equal(pv_parse(sizeof(hdr), lay.disk_size), 0);
		expect_same_as_plan();
	}
}

/* Every field survives encode -> decode, whatever its value. */
static void test_fields_codec(void **state)
{
	struct payload_fields f = {
		.version = 0x01020304,
		.header_size = 0x05060708,
		.flags = 0x80000001,
		.cpus = 0xfffffffe,
		.mem_bytes = 0x1122334455667788ull,
		.kernel = { 0x0102030405060708ull, 0x1112131415161718ull },
		.initrd = { 0x2122232425262728ull, 0x3132333435363738ull },
		.cmdline = { 0xfedcba9876543210ull, 1 },
	};
	struct payload_fields g;

	(void)state;
	memset(hdr, 0xff, sizeof(hdr));
	payload_hdr_encode(&f, hdr);
	assert_memory_equal(hdr, PAYLOAD_MAGIC, PAYLOAD_MAGIC_LEN);
	assert_int_equal(hdr[PAYLOAD_OFF(version)], 0x04); /* little-endian */
	for (size_t i = PAYLOAD_OFF(reserved); i < sizeof(hdr); i++)
		assert_int_equal(hdr[i], 0);
	memset(&g, 0, sizeof(g));
	payload_hdr_decode(hdr, &g);
	assert_memory_equal(&f, &g, sizeof(f));
}

static void test_truncated(void **state)
{
	(void)state;
	host_header(2, 256 * MiB, 5000, 10, 5);
	expect_refused(0, lay.disk_size, "too small");
	expect_refused(PAYLOAD_HDR_SIZE - 1, lay.disk_size, "too small");
	expect_refused(sizeof(hdr), PAYLOAD_HDR_SIZE - 1, "too small");
	/* The disk cut short of its last piece, the command line. */
	expect_refused(sizeof(hdr), lay.cmdline_off + 4, "beyond the disk");
	expect_refused(sizeof(hdr), lay.kernel_off, "beyond the disk");
	assert_int_equal(pv_parse(sizeof(hdr), lay.cmdline_off + 5), 0);
}

static void test_malformed(void **state)
{
	(void)state;
	host_header(2, 256 * MiB, 5000, 10, 5);
	hdr[PAYLOAD_OFF(magic) + 7] ^= 1;
	expect_refused(sizeof(hdr), lay.disk_size, "magic");
	host_header(2, 256 * MiB, 5000, 10, 5);
	put_le32(hdr + PAYLOAD_OFF(version), PAYLOAD_VERSION + 1);
	expect_refused(sizeof(hdr), lay.disk_size, "version");
	host_header(2, 256 * MiB, 5000, 10, 5);
	put_le32(hdr + PAYLOAD_OFF(header_size), 512);
	expect_refused(sizeof(hdr), lay.disk_size, "header_size");
	host_header(2, 256 * MiB, 5000, 10, 5);
	hdr[PAYLOAD_OFF(flags) + 3] = 0x80;
	expect_refused(sizeof(hdr), lay.disk_size, "flags");
	host_header(2, 256 * MiB, 5000, 10, 5);
	hdr[PAYLOAD_HDR_SIZE - 1] = 1;
	expect_refused(sizeof(hdr), lay.disk_size, "reserved byte 4095");
	host_header(2, 256 * MiB, 5000, 10, 5);
	put_le64(hdr + PAYLOAD_OFF(initrd_off), lay.kernel_off);
	expect_refused(sizeof(hdr), lay.disk_size, "overlap");
	/* What the host plans but the paravisor does not accept. */
	host_header(PAYLOAD_MAX_CPUS + 1, 256 * MiB, 5000, 0, 0);
	expect_refused(sizeof(hdr), lay.disk_size, "cpus");
	host_header(1, 64 * MiB + 4096, 5000, 0, 0);
	expect_refused(sizeof(hdr), lay.disk_size, "mem_bytes");
	host_header(1, 64 * MiB, 5000, 65 * MiB, 0);
	expect_refused(sizeof(hdr), lay.disk_size, "initrd too large");
}

/* The whole disk as `mantle run` writes it: the parser accepts its header
 * and size, and each piece lies where the header says. */
static void test_written_disk(void **state)
{
	char dir[] = "/tmp/mantle-ut.XXXXXX", k[64], d[64], cmd[16];
	static const char kernel[] = "KERNEL-BYTES";
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(k, sizeof(k), "%s/k", dir);
	snprintf(d, sizeof(d), "%s/d", dir);
	f = fopen(k, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(kernel, 1, sizeof(kernel), f), sizeof(kernel));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(payload_write(d, k, NULL, "quiet", 4, 512 * MiB, 0),
			 0);
	assert_int_equal(stat(d, &st), 0);
	f = fopen(d, "rb");
	assert_non_null(f);
	assert_int_equal(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	assert_int_equal(pv_parse(sizeof(hdr), (uint64_t)st.st_size), 0);
	assert_int_equal(info.cpus, 4);
	assert_true(info.mem_bytes == 512 * MiB);
	assert_int_equal(info.initrd.size, 0);
	assert_int_equal(info.cmdline.size, 5);
	assert_int_equal(fseek(f, (long)info.cmdline.off, SEEK_SET), 0);
	assert_int_equal(fread(cmd, 1, 5, f), 5);
	assert_memory_equal(cmd, "quiet", 5);
	assert_int_equal(info.flags, 0);
	fclose(f);
	/* --vmgs-reprovision travels as the header's flag bit 0. */
	assert_int_equal(payload_write(d, k, NULL, "quiet", 4, 512 * MiB,
				       PAYLOAD_F_VMGS_REPROVISION),
			 0);
	f = fopen(d, "rb");
	assert_non_null(f);
	assert_int_equal(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	fclose(f);
	assert_int_equal(pv_parse(sizeof(hdr), (uint64_t)st.st_size), 0);
	assert_int_equal(info.flags, PAYLOAD_F_VMGS_REPROVISION);
	unlink(k);
	unlink(d);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_fields_codec),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_written_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
