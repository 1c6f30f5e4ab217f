// SPDX-License-Identifier: MIT
/* Unit tests of the payload disk writer and the launch configuration. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "commands.h"
#include "launch.h"
#include "mantle_pv_status.h"
#include "payload.h"
#include "payload_measure.h"

/* KERNEL "KERNEL", INITRD "INITRAMFS", CMDLINE PV_CMDLINE, CONFIG for a
 * 256M guest (vcpus 2, mem 768M). */
#define LAUNCH_VECTOR                                      \
	"5e507466f1e968ce29bbbcc01178b9599d03256c0cab9d15" \
	"0906253224550e770345248f97bc18dc04ebbc27888a0cbb"
/* The same image with --accel kvm: two paravisor vCPUs. */
#define LAUNCH_VECTOR_KVM                                  \
	"333395a3ad32b1c920a120d2b93e37567e2f1b2ba2e89044" \
	"c6fbf75d29f0f500698d94893c4cd16648f71d16d9daebaf"

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void test_plan_layout(void **state)
{
	struct payload_layout l;

	(void)state;
	assert_int_equal(payload_plan(&l, 2, 256ULL << 20, 5000, 1, 13), 0);
	assert_int_equal(l.kernel_off, 4096);
	assert_int_equal(l.initrd_off, 4096 + 8192);
	assert_int_equal(l.cmdline_off, 4096 + 8192 + 4096);
	assert_int_equal(l.disk_size, 4096 + 8192 + 4096 + 4096);

	assert_int_equal(payload_plan(&l, 1, 64ULL << 20, 4096, 0, 0), 0);
	assert_int_equal(l.initrd_off, 0);
	assert_int_equal(l.cmdline_off, 0);
	assert_int_equal(l.disk_size, 8192);

	assert_int_equal(payload_plan(&l, 1, 64ULL << 20, 0, 0, 0), -1);
	assert_int_equal(payload_plan(&l, 1, 64ULL << 20, 1, 0, 4096), -1);
}

static void test_header_encoding(void **state)
{
	struct payload_layout l;
	uint8_t h[PAYLOAD_HDR_SIZE];

	(void)state;
	assert_int_equal(payload_plan(&l, 3, 0x12345678ULL << 21, 4097, 10, 5),
			 0);
	memset(h, 0xaa, sizeof(h));
	payload_encode_header(&l, h);
	assert_memory_equal(h, "MNTLPAY1", 8);
	assert_int_equal(le(h + 8, 4), 1);
	assert_int_equal(le(h + 12, 4), 4096);
	assert_int_equal(le(h + 16, 4), 0);
	assert_int_equal(le(h + 20, 4), 3);
	assert_int_equal(le(h + 24, 8), 0x12345678ULL << 21);
	assert_int_equal(le(h + 32, 8), 4096);
	assert_int_equal(le(h + 40, 8), 4097);
	assert_int_equal(le(h + 48, 8), 4096 + 8192);
	assert_int_equal(le(h + 56, 8), 10);
	assert_int_equal(le(h + 64, 8), 4096 + 8192 + 4096);
	assert_int_equal(le(h + 72, 8), 5);
	for (unsigned int i = 80; i < PAYLOAD_HDR_SIZE; i++)
		assert_int_equal(h[i], 0);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_write_disk(void **state)
{
	char dir[] = "/tmp/mantle-ut.XXXXXX";
	char k[64], i[64], d[64];
	uint8_t kern[5000], buf[4096 * 5];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(k, sizeof(k), "%s/k", dir);
	snprintf(i, sizeof(i), "%s/i", dir);
	snprintf(d, sizeof(d), "%s/d", dir);
	for (size_t n = 0; n < sizeof(kern); n++)
		kern[n] = (uint8_t)(n * 7);
	write_file(k, kern, sizeof(kern));
	write_file(i, "INITRD", 6);
	assert_int_equal(
		payload_write(d, k, i, "console=ttyS0", 2, 256ULL << 20, 0), 0);
	f = fopen(d, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 4096 * 5);
	assert_int_equal(fgetc(f), EOF); /* exactly the planned size */
	fclose(f);
	assert_memory_equal(buf, "MNTLPAY1", 8);
	assert_memory_equal(buf + 4096, kern, sizeof(kern));
	assert_int_equal(buf[4096 + sizeof(kern)], 0); /* padding */
	assert_memory_equal(buf + 4096 * 3, "INITRD", 6);
	assert_memory_equal(buf + 4096 * 4, "console=ttyS0", 13);
	assert_int_equal(le(buf + 72, 8), 13);

	/* a missing initrd is a clear error, not a short disk */
	assert_int_equal(payload_write(d, k, "/nonexistent/initrd", "", 1,
				       64ULL << 20, 0),
			 -1);
	/* a directory is not a kernel */
	assert_int_equal(payload_write(d, dir, NULL, "", 1, 64ULL << 20, 0),
			 -1);
	unlink(k);
	unlink(i);
	unlink(d);
	rmdir(dir);
}

static void test_pv_config(void **state)
{
	struct pv_config c;
	uint8_t r[PV_CONFIG_SIZE];

	(void)state;
	pv_config_for(&c, 256ULL << 20, ACCEL_KVM, 0);
	assert_int_equal(c.vcpus, 2);
	assert_int_equal(c.mem_bytes, 768ULL << 20);
	pv_config_encode(&c, r);
	assert_int_equal(le(r, 4), 1);
	assert_int_equal(le(r + 4, 4), 2);
	/* under TCG one vCPU, whatever the guest has (host/launch.h) */
	pv_config_for(&c, 256ULL << 20, ACCEL_TCG, 0);
	assert_int_equal(c.vcpus, 1);
	assert_int_equal(c.mem_bytes, 768ULL << 20);
	pv_config_encode(&c, r);
	assert_int_equal(le(r + 4, 4), 1);
	/* --pv-cpus overrides either accelerator's count */
	pv_config_for(&c, 256ULL << 20, ACCEL_TCG, 2);
	assert_int_equal(c.vcpus, 2);
	pv_config_for(&c, 256ULL << 20, ACCEL_KVM, 1);
	assert_int_equal(c.vcpus, 1);
	assert_int_equal(le(r + 8, 8), 768ULL << 20);
	assert_int_equal(le(r + 16, 8), 0);
}

/* The launch measurement of a tiny image, against a value computed with
 * Python hashlib from MEASUREMENT.md. */
static void test_launch_of_image(void **state)
{
	char dir[] = "/tmp/mantle-ut.XXXXXX";
	char k[64], i[64];
	struct measure_launch m;
	struct pv_config c;
	char hex[97];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pv_image_paths(dir, k, i, sizeof(k)), 0);
	write_file(k, "KERNEL", 6);
	write_file(i, "INITRAMFS", 9);
	pv_config_for(&c, 256ULL << 20, ACCEL_KVM, 0);
	assert_int_equal(pv_launch_measure(dir, &c, &m), 0);
	for (int n = 0; n < 48; n++)
		sprintf(hex + 2 * n, "%02x", m.digest[n]);
	assert_string_equal(hex, LAUNCH_VECTOR_KVM);
	pv_config_for(&c, 256ULL << 20, ACCEL_TCG, 0);
	assert_int_equal(pv_launch_measure(dir, &c, &m), 0);
	for (int n = 0; n < 48; n++)
		sprintf(hex + 2 * n, "%02x", m.digest[n]);
	assert_string_equal(hex, LAUNCH_VECTOR);
	/* --vmgs-key-policy measurement is on the measured command line:
	 * another launch measurement. */
	assert_string_equal(pv_cmdline(&c), PV_CMDLINE);
	c.vmgs_key_measurement = 1;
	pv_config_cmdline(&c);
	assert_string_equal(pv_cmdline(&c),
			    "console=ttyS0 quiet panic=-1 "
			    "mantle.vmgs_key_policy=measurement");
	assert_int_equal(pv_launch_measure(dir, &c, &m), 0);
	for (int n = 0; n < 48; n++)
		sprintf(hex + 2 * n, "%02x", m.digest[n]);
	assert_string_not_equal(hex, LAUNCH_VECTOR);
	/* So is --tpm none, alone or with it; the default adds nothing. */
	c.tpm = MANTLE_TPM_NONE;
	pv_config_cmdline(&c);
	assert_string_equal(
		pv_cmdline(&c),
		"console=ttyS0 quiet panic=-1 "
		"mantle.vmgs_key_policy=measurement mantle.tpm=none");
	c.vmgs_key_measurement = 0;
	pv_config_cmdline(&c);
	assert_string_equal(pv_cmdline(&c),
			    "console=ttyS0 quiet panic=-1 mantle.tpm=none");
	/* --stall-timeout: a word when not the default, none when it is. */
	c.stall_timeout_s = 45;
	pv_config_cmdline(&c);
	assert_string_equal(pv_cmdline(&c),
			    "console=ttyS0 quiet panic=-1 mantle.tpm=none "
			    "mantle.stall_timeout=45");
	c.stall_timeout_s = PV_STALL_TIMEOUT_S;
	pv_config_cmdline(&c);
	assert_string_equal(pv_cmdline(&c),
			    "console=ttyS0 quiet panic=-1 mantle.tpm=none");
	c.stall_timeout_s = 0;
	assert_int_equal(pv_launch_measure(dir, &c, &m), 0);
	for (int n = 0; n < 48; n++)
		sprintf(hex + 2 * n, "%02x", m.digest[n]);
	assert_string_not_equal(hex, LAUNCH_VECTOR);
	/* --tpm tis: its own word, its own measurement */
	c.tpm = MANTLE_TPM_TIS;
	pv_config_cmdline(&c);
	assert_string_equal(pv_cmdline(&c),
			    "console=ttyS0 quiet panic=-1 mantle.tpm=tis");
	assert_int_equal(pv_launch_measure(dir, &c, &m), 0);
	for (int n = 0; n < 48; n++)
		sprintf(hex + 2 * n, "%02x", m.digest[n]);
	assert_string_not_equal(hex, LAUNCH_VECTOR);
	c.tpm = MANTLE_TPM_CRB;
	pv_config_cmdline(&c);
	unlink(k);
	assert_int_equal(pv_launch_measure(dir, &c, &m), -1);
	unlink(i);
	rmdir(dir);
}

/* The e820 event of a 256M guest (MEASUREMENT.md vector, Python hashlib):
 * fifth, PCR 1, 4 entries of 20 bytes. */
#define E820_256M_SHA256 \
	"78b73ffc29a0159c23e86108848a2876fefae5048f589485729ebdc0d733d2c0"

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	for (size_t j = 0; j < n; j++)
		sprintf(out + 2 * j, "%02x", p[j]);
}

static void test_payload_events_e820(void **state)
{
	char dir[] = "/tmp/mantle-ut.XXXXXX";
	char k[64];
	struct measure_log a, b;
	char hex[65];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(k, sizeof(k), "%s/k", dir);
	write_file(k, "abc", 3);
	assert_int_equal(payload_measure(k, NULL, "", 2, 256ULL << 20,
					 MANTLE_TPM_CRB, &a),
			 0);
	assert_int_equal(a.count, 5);
	assert_int_equal(a.ev[4].type, MEASURE_EV_E820);
	assert_int_equal(a.ev[4].pcr, 1);
	assert_int_equal(a.ev[4].size, 80);
	hex_of(a.ev[4].sha256, 32, hex);
	assert_string_equal(hex, E820_256M_SHA256);
	/* --mem changes the memory map event, and nothing before it. */
	assert_int_equal(payload_measure(k, NULL, "", 2, 258ULL << 20,
					 MANTLE_TPM_CRB, &b),
			 0);
	assert_int_equal(b.count, 5);
	assert_memory_equal(a.ev, b.ev, 3 * sizeof(a.ev[0]));
	assert_memory_not_equal(a.ev[4].sha256, b.ev[4].sha256, 32);
	/* Over 3 GiB a fifth (high) RAM entry appears. */
	assert_int_equal(
		payload_measure(k, NULL, "", 2, 5ULL << 30, MANTLE_TPM_CRB, &b),
		0);
	assert_int_equal(b.ev[4].size, 100);
	/* Below the 2 MiB minimum there is no map and so no measurement. */
	assert_int_equal(
		payload_measure(k, NULL, "", 2, 1ULL << 20, MANTLE_TPM_CRB, &b),
		-1);
	/* --tpm tis changes the ACPI tables event only (its TPM2 table),
	 * and differs from --tpm none too. */
	assert_int_equal(payload_measure(k, NULL, "", 2, 256ULL << 20,
					 MANTLE_TPM_TIS, &b),
			 0);
	assert_int_equal(b.ev[3].type, MEASURE_EV_ACPI);
	assert_memory_equal(a.ev, b.ev, 3 * sizeof(a.ev[0]));
	assert_memory_not_equal(a.ev[3].sha256, b.ev[3].sha256, 32);
	assert_memory_equal(a.ev[4].sha256, b.ev[4].sha256, 32);
	struct measure_log n;
	assert_int_equal(payload_measure(k, NULL, "", 2, 256ULL << 20,
					 MANTLE_TPM_NONE, &n),
			 0);
	assert_memory_not_equal(n.ev[3].sha256, b.ev[3].sha256, 32);
	assert_memory_not_equal(n.ev[3].sha256, a.ev[3].sha256, 32);
	unlink(k);
	rmdir(dir);
}

/* --paravisor-image wins; otherwise ../paravisor beside the binary's dir. */
static void test_pv_image_dir(void **state)
{
	struct mantle_opts o;
	char out[4096];
	const char *suffix = "/../paravisor";

	(void)state;
	memset(&o, 0, sizeof(o));
	o.pv_image = "some/dir";
	assert_int_equal(pv_image_dir(&o, out, sizeof(out)), 0);
	assert_string_equal(out, "some/dir");
	assert_int_equal(pv_image_dir(&o, out, 4), -1);
	o.pv_image = NULL;
	assert_int_equal(pv_image_dir(&o, out, sizeof(out)), 0);
	assert_true(out[0] == '/');
	assert_true(strlen(out) > strlen(suffix));
	assert_string_equal(out + strlen(out) - strlen(suffix), suffix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_layout),
		cmocka_unit_test(test_header_encoding),
		cmocka_unit_test(test_write_disk),
		cmocka_unit_test(test_pv_config),
		cmocka_unit_test(test_launch_of_image),
		cmocka_unit_test(test_pv_image_dir),
		cmocka_unit_test(test_payload_events_e820),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
