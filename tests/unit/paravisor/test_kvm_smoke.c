// SPDX-License-Identifier: MIT
/*
 * The VMM end to end on /dev/kvm with tiny hand-made "kernels" (a bzImage
 * header around a few instructions at the 64-bit entry): console output,
 * ACPI power-off, ACPI reset and the reboot limit, triple fault, SIGTERM,
 * the stall watchdog, set-up errors and their reasons. Where KVM is
 * unusable each KVM test skips with the probe's reason, and only the VMM's
 * clear error about that is tested. A Linux guest is tested in the
 * paravisor VM instead
 * (tests/integration/paravisor_*.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_bzimage.h"
#include "mantle_bytes.h"
#include "host.h"
#include "log.h"
#include "payload.h"
#include "platform.h"
#include "vmm.h"

#define MiB (1ull << 20)
#define KERNEL_BYTES 4096

static char disk_path[] = "/tmp/mantle-smoke-disk.XXXXXX";
static char con_path[] = "/tmp/mantle-smoke-con.XXXXXX";
static char log_path[] = "/tmp/mantle-smoke-log.XXXXXX";
/* The VMM's log (its stderr) of the last run_vmm(). */
static char vmm_log[16384];

/* out "OK\n" to COM1, then the given tail. */
static const uint8_t say_ok[] = { 0x66, 0xBA, 0xF8, 0x03, 0xB0, 'O', 0xEE,
				  0xB0, 'K',  0xEE, 0xB0, '\n', 0xEE };
/* ACPI S5: out 0x600, (5 << 2) | SLP_EN */
static const uint8_t poweroff[] = { 0x66, 0xBA, 0x00, 0x06, 0xB0, 0x34, 0xEE };
/* ACPI reset: out 0x602, 1 */
static const uint8_t reset[] = { 0x66, 0xBA, 0x02, 0x06, 0xB0, 0x01, 0xEE };
/* ud2 with an empty IDT: #UD, #DF, triple fault */
static const uint8_t crash[] = { 0x0F, 0x0B };
static const uint8_t hang[] = { 0xF4, 0xEB, 0xFD }; /* hlt; jmp hlt */
static const uint8_t spin[] = { 0xEB, 0xFE }; /* jmp . (interrupts off) */

/* A payload disk with the code at the kernel's 64-bit entry. */
static void write_disk(const uint8_t *tail, size_t tail_len)
{
	static uint8_t disk[4096 * 4];
	size_t len;
	uint8_t *img = fake_bzimage(KERNEL_BYTES, &len);
	uint8_t *entry = img + FAKE_SETUP_SIZE + 0x200;
	FILE *f;

	memcpy(entry, say_ok, sizeof(say_ok));
	memcpy(entry + sizeof(say_ok), tail, tail_len);
	memcpy(entry + sizeof(say_ok) + tail_len, hang, sizeof(hang));
	memset(disk, 0, sizeof(disk));
	memcpy(disk, "MNTLPAY1", 8);
	put_le32(disk + 8, 1);
	put_le32(disk + 12, 4096);
	put_le32(disk + 20, 1); /* cpus */
	put_le64(disk + 24, 64 * MiB);
	put_le64(disk + 32, 4096);
	put_le64(disk + 40, len);
	put_le64(disk + 64, 4096 + 8192); /* command line */
	put_le64(disk + 72, 4);
	assert_true(len <= 8192);
	memcpy(disk + 4096, img, len);
	memcpy(disk + 4096 + 8192, "test", 4);
	f = fopen(disk_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(disk, 1, sizeof(disk), f), sizeof(disk));
	fclose(f);
	free(img);
}

/* Reads the last run's VMM log into vmm_log and repeats it on stderr, so
 * that the test log still shows it. */
static void read_vmm_log(void)
{
	FILE *f = fopen(log_path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(vmm_log, 1, sizeof(vmm_log) - 1, f);
	vmm_log[n] = 0;
	fclose(f);
	fputs(vmm_log, stderr);
}

/* Run the VMM in a child, its log in vmm_log; returns its exit code.
 * stall_s: the stall watchdog's timeout (0: off). */
static int run_vmm_stall(unsigned int max_reboots, unsigned int stall_s)
{
	char err[256];
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct vmm_opts o = { .ops = &platform_nested_ops,
				      .max_reboots = max_reboots,
				      .mem_max = 1ull << 32,
				      .stall_timeout_s = stall_s };
		int fd = open(log_path, O_WRONLY | O_TRUNC | O_CLOEXEC);

		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(98);
		pv_log_start();
		o.host = host_open(disk_path, con_path, err, sizeof(err));
		if (!o.host)
			_exit(99);
		_exit(vmm_run(&o));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	read_vmm_log();
	return WEXITSTATUS(status);
}

static int run_vmm(unsigned int max_reboots)
{
	return run_vmm_stall(max_reboots, 0);
}

static size_t console(char *buf, size_t cap)
{
	FILE *f = fopen(con_path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = 0;
	fclose(f);
	assert_int_equal(truncate(con_path, 0), 0);
	return n;
}

static int setup(void **state)
{
	int fd;

	(void)state;
	fd = mkstemp(disk_path);
	assert_true(fd >= 0);
	close(fd);
	fd = mkstemp(con_path);
	assert_true(fd >= 0);
	close(fd);
	fd = mkstemp(log_path);
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(disk_path);
	unlink(con_path);
	unlink(log_path);
	return 0;
}

static int kvm_usable(char *err, size_t errlen)
{
	return platform_nested_ops.probe(err, errlen) == 0;
}

/* Each KVM test starts here: where KVM is unusable it skips, with why. */
static void need_kvm(void)
{
	char err[256] = "";

	if (!kvm_usable(err, sizeof(err))) {
		printf("SKIP: /dev/kvm unusable: %s\n", err);
		skip();
	}
}

/* Boots the code `tail` (after "OK\n"): the VMM's exit status and the
 * guest's console must be the expected ones. */
static void boot_expect(const uint8_t *tail, size_t tail_len,
			unsigned int max_reboots, int status, const char *out)
{
	char got[256];

	need_kvm();
	write_disk(tail, tail_len);
	assert_int_equal(run_vmm(max_reboots), status);
	console(got, sizeof(got));
	assert_string_equal(got, out);
}

static void test_poweroff(void **state)
{
	(void)state;
	boot_expect(poweroff, sizeof(poweroff), 3, PV_EXIT_POWEROFF, "OK\n");
}

static void test_reboot_limit(void **state)
{
	(void)state;
	/* Two reboots allowed: three boots, then status 3. */
	boot_expect(reset, sizeof(reset), 2, PV_EXIT_INTERNAL, "OK\nOK\nOK\n");
}

static void test_triple_fault(void **state)
{
	(void)state;
	boot_expect(crash, sizeof(crash), 3, PV_EXIT_CRASH, "OK\n");
}

static void test_sigterm(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	need_kvm();
	write_disk(hang, sizeof(hang));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		struct vmm_opts o = { .ops = &platform_nested_ops,
				      .max_reboots = 0,
				      .mem_max = 1ull << 32 };

		pv_log_start();
		o.host = host_open(disk_path, con_path, err, sizeof(err));
		_exit(o.host ? vmm_run(&o) : 99);
	}
	/* Until the guest is up (its "OK" on the console), then stop it. */
	for (int i = 0; i < 500; i++) {
		char out[16];
		FILE *f = fopen(con_path, "rb");
		size_t n = f ? fread(out, 1, sizeof(out), f) : 0;

		if (f)
			fclose(f);
		if (n >= 3)
			break;
		usleep(10000);
	}
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), PV_EXIT_SIGNAL);
	assert_int_equal(truncate(con_path, 0), 0);
}

/* A guest that halts with interrupts off (the boot state) and nothing to
 * wake it: the stall watchdog stops it after 2 s and says what it waits
 * on. */
static void test_stall(void **state)
{
	int status;

	(void)state;
	need_kvm();
	write_disk(hang, sizeof(hang));
	status = run_vmm_stall(0, 2);
	assert_int_equal(truncate(con_path, 0), 0);
	if (strstr(vmm_log, "stall watchdog off: vCPU 0: KVM_GET_STATS_FD")) {
		printf("SKIP: no KVM_GET_STATS_FD (Linux < 5.14)\n");
		skip();
	}
	assert_int_equal(status, PV_EXIT_GUEST_STALLED);
	assert_non_null(
		strstr(vmm_log, "stall: no vCPU made progress for 2 s"));
	assert_non_null(strstr(vmm_log, "stall: vCPU 0: halted rip="));
	assert_non_null(strstr(vmm_log, "IF=0; no event pending; LAPIC"));
	assert_non_null(strstr(vmm_log, "nothing can wake the guest"));
	assert_non_null(strstr(vmm_log, "result=stalled exit=7"));
}

/* A guest spinning with interrupts off is not stalled (stall.h): it runs
 * guest code and takes exits. Past twice the 2 s timeout, SIGTERM stops
 * it; the watchdog was on and never fired. */
static void test_spin_not_stalled(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	need_kvm();
	write_disk(spin, sizeof(spin));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		struct vmm_opts o = { .ops = &platform_nested_ops,
				      .mem_max = 1ull << 32,
				      .stall_timeout_s = 2 };
		int fd = open(log_path, O_WRONLY | O_TRUNC | O_CLOEXEC);

		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(98);
		pv_log_start();
		o.host = host_open(disk_path, con_path, err, sizeof(err));
		_exit(o.host ? vmm_run(&o) : 99);
	}
	sleep(5);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	read_vmm_log();
	assert_int_equal(truncate(con_path, 0), 0);
	if (strstr(vmm_log, "stall watchdog off: vCPU 0: KVM_GET_STATS_FD")) {
		printf("SKIP: no KVM_GET_STATS_FD (Linux < 5.14)\n");
		skip();
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), PV_EXIT_SIGNAL);
	assert_null(strstr(vmm_log, "stall: no vCPU made progress"));
	assert_non_null(strstr(vmm_log, "stall watchdog: longest time"));
}

static void test_not_a_bzimage(void **state)
{
	FILE *f;
	uint8_t junk[4096];

	(void)state;
	need_kvm();
	write_disk(poweroff, sizeof(poweroff));
	memset(junk, 0x5A, sizeof(junk));
	f = fopen(disk_path, "r+b");
	assert_non_null(f);
	fseek(f, 4096, SEEK_SET);
	fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	assert_int_equal(run_vmm(3), PV_EXIT_SETUP);
	assert_non_null(strstr(vmm_log, "kernel: not a bzImage: no boot flag"));
	assert_non_null(strstr(vmm_log, "result=setup-error"));
}

static void test_initrd_too_large(void **state)
{
	uint8_t field[8];
	FILE *f;

	(void)state;
	need_kvm();
	write_disk(poweroff, sizeof(poweroff));
	/* 50 MiB of initrd cannot fit above a kernel at 16 MiB in 64 MiB. */
	f = fopen(disk_path, "r+b");
	assert_non_null(f);
	memset(field, 0, sizeof(field));
	put_le64(field, 16384);
	fseek(f, 48, SEEK_SET);
	assert_int_equal(fwrite(field, 1, 8, f), 8);
	put_le64(field, 50 * MiB);
	assert_int_equal(fwrite(field, 1, 8, f), 8);
	fclose(f);
	assert_int_equal(truncate(disk_path, 16384 + 50 * MiB), 0);
	assert_int_equal(run_vmm(3), PV_EXIT_SETUP);
	assert_non_null(strstr(vmm_log, "initrd too large for guest memory: "
					"52428800 bytes do not fit"));
	assert_non_null(strstr(vmm_log, "result=setup-error"));
}

/* Where KVM is unusable, what the VMM says about it is what can be tested. */
static void test_no_kvm_clear_error(void **state)
{
	char err[256] = "";

	(void)state;
	if (kvm_usable(err, sizeof(err))) {
		printf("SKIP: /dev/kvm usable: its unusable-KVM error cannot "
		       "be provoked here\n");
		skip();
	}
	assert_int_equal(platform_nested_ops.probe(err, sizeof(err)), -1);
	assert_non_null(strstr(err, "KVM unavailable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_poweroff),
		cmocka_unit_test(test_reboot_limit),
		cmocka_unit_test(test_triple_fault),
		cmocka_unit_test(test_sigterm),
		cmocka_unit_test(test_stall),
		cmocka_unit_test(test_spin_not_stalled),
		cmocka_unit_test(test_not_a_bzimage),
		cmocka_unit_test(test_initrd_too_large),
		cmocka_unit_test(test_no_kvm_clear_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
