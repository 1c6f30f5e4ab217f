// SPDX-License-Identifier: MIT
/*
 * Unit tests of the paravisor VM status report, of the shared status table
 * (common/include/mantle_pv_status.h) and of the L0 CPU check.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qemu.h"
#include "status.h"

static int parse(const char *s)
{
	return status_parse(s, strlen(s));
}

static void test_status_parse(void **state)
{
	(void)state;
	assert_int_equal(parse("MANTLE-STATUS 0\n"), 0);
	assert_int_equal(parse("MANTLE-STATUS 2\n"), 2);
	assert_int_equal(parse("MANTLE-STATUS 125\n"), 125);
	assert_int_equal(parse("MANTLE-STATUS 255\n"), 255);
}

static void test_status_rejects(void **state)
{
	(void)state;
	assert_int_equal(parse(""), -1);
	assert_int_equal(parse("MANTLE-STATUS 0"), -1);
	assert_int_equal(parse("MANTLE-STATUS \n"), -1);
	assert_int_equal(parse("MANTLE-STATUS 256\n"), -1);
	assert_int_equal(parse("MANTLE-STATUS 1000\n"), -1);
	assert_int_equal(parse("MANTLE-STATUS 01\n"), -1);
	assert_int_equal(parse("MANTLE-STATUS -1\n"), -1);
	assert_int_equal(parse("MANTLE-STATUS 1\n\n"), -1);
	assert_int_equal(parse("mantle-status 1\n"), -1);
	assert_int_equal(parse("MANTLE-STATUS 1 \n"), -1);
	assert_int_equal(status_parse("MANTLE-STATUS 1\n", 5), -1);
}

static void test_status_to_exit(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(status_to_exit(PV_EXIT_POWEROFF, &why), RUN_OK);
	assert_non_null(why);
	assert_int_equal(status_to_exit(PV_EXIT_CRASH, &why), RUN_GUEST_CRASH);
	assert_non_null(strstr(why, "crashed"));
	assert_int_equal(status_to_exit(PV_EXIT_SETUP, &why),
			 RUN_PARAVISOR_ERROR);
	assert_int_equal(status_to_exit(PV_EXIT_INTERNAL, &why),
			 RUN_PARAVISOR_ERROR);
	assert_int_equal(status_to_exit(PV_EXIT_SIGNAL, &why),
			 RUN_PARAVISOR_ERROR);
	assert_int_equal(status_to_exit(PV_EXIT_INIT, &why), RUN_PV_VM_FAILED);
	assert_int_equal(status_to_exit(PV_EXIT_VMGS, &why), RUN_VMGS_REFUSED);
	assert_non_null(strstr(why, "damaged"));
	assert_int_equal(status_to_exit(PV_EXIT_VMGS_LOCKED, &why),
			 RUN_VMGS_REFUSED);
	assert_non_null(strstr(why, "another chip"));
	assert_int_equal(status_to_exit(PV_EXIT_VMGS_PLAINTEXT, &why),
			 RUN_VMGS_REFUSED);
	assert_non_null(strstr(why, "downgrade"));
	assert_int_equal(status_to_exit(PV_EXIT_VMGS_POLICY, &why),
			 RUN_VMGS_REFUSED);
	assert_int_equal(status_to_exit(PV_EXIT_NO_SP, &why), RUN_VMGS_REFUSED);
	assert_non_null(strstr(why, "secure processor"));
	assert_int_equal(status_to_exit(PV_EXIT_TPM_STATE, &why),
			 RUN_VMGS_REFUSED);
	assert_non_null(strstr(why, "vTPM's state"));
	assert_int_equal(status_to_exit(PV_EXIT_HOSTIF, &why),
			 RUN_CONTROL_FAILED);
	assert_int_equal(status_to_exit(PV_EXIT_GUEST_STALLED, &why),
			 RUN_GUEST_STALLED);
	assert_non_null(strstr(
		why, "no progress for --stall-timeout seconds (default 120)"));
	assert_non_null(strstr(why, "vCPU dump is in the log"));
	assert_int_equal(RUN_GUEST_STALLED, 8);
	assert_int_equal(status_to_exit(PV_EXIT_GUEST_PANIC, &why),
			 RUN_GUEST_CRASH);
	assert_non_null(strstr(why, "panicked"));
	assert_int_equal(status_to_exit(77, &why), RUN_PARAVISOR_ERROR);
	assert_non_null(strstr(why, "unknown"));
	assert_int_equal(status_to_exit(PV_EXIT_KILLED_SIGSYS, &why),
			 RUN_PARAVISOR_ERROR);
	assert_non_null(strstr(why, "SIGSYS"));
	assert_int_equal(status_to_exit(128 + 9, &why), RUN_PARAVISOR_ERROR);
	assert_non_null(strstr(why, "killed by a signal"));
}

/* The values mantle-paravisor returns (its --help and README) and the ones
 * /init reports itself: the shell's 128 + SIGSYS for a seccomp kill. */
static void test_status_values(void **state)
{
	(void)state;
	assert_int_equal(PV_EXIT_POWEROFF, 0);
	assert_int_equal(PV_EXIT_SETUP, 1);
	assert_int_equal(PV_EXIT_CRASH, 2);
	assert_int_equal(PV_EXIT_INTERNAL, 3);
	assert_int_equal(PV_EXIT_SIGNAL, 4);
	assert_int_equal(PV_EXIT_VMGS, 5);
	assert_int_equal(PV_EXIT_HOSTIF, 6);
	assert_int_equal(PV_EXIT_GUEST_STALLED, 7);
	assert_string_equal(pv_status_name(PV_EXIT_GUEST_STALLED), "stalled");
	assert_int_equal(PV_EXIT_GUEST_PANIC, 8);
	assert_string_equal(pv_status_name(PV_EXIT_GUEST_PANIC), "guest-panic");
	assert_int_equal(PV_EXIT_VMGS_LOCKED, 9);
	assert_int_equal(PV_EXIT_VMGS_PLAINTEXT, 10);
	assert_int_equal(PV_EXIT_VMGS_POLICY, 11);
	assert_int_equal(PV_EXIT_NO_SP, 12);
	assert_int_equal(PV_EXIT_TPM_STATE, 13);
	assert_string_equal(pv_status_name(PV_EXIT_TPM_STATE), "tpm-state");
	assert_int_equal(PV_EXIT_INIT, 125);
	assert_int_equal(PV_EXIT_KILLED_SIGSYS, 128 + SIGSYS);
}

/* Every status has a name and an identifier, none twice; each fits the
 * one byte of a MANTLE-STATUS line; `mantle run` knows every one. */
static void test_status_table(void **state)
{
	size_t n;
	const struct pv_status_entry *t = pv_status_table(&n);
	char line[32];
	const char *why;

	(void)state;
	assert_int_equal(n, 16);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].name);
		assert_true(t[i].name[0] != 0);
		assert_true(strncmp(t[i].id, "PV_EXIT_", 8) == 0);
		assert_string_equal(pv_status_name(t[i].value), t[i].name);
		for (size_t j = 0; j < i; j++) {
			assert_int_not_equal(t[i].value, t[j].value);
			assert_string_not_equal(t[i].name, t[j].name);
			assert_string_not_equal(t[i].id, t[j].id);
		}
		snprintf(line, sizeof(line), "MANTLE-STATUS %d\n", t[i].value);
		assert_int_equal(parse(line), t[i].value);
		status_to_exit(t[i].value, &why);
		assert_null(strstr(why, "unknown"));
	}
	assert_null(pv_status_name(77));
}

/* /init takes every number from the generated pv-status.sh: it names only
 * statuses of the table and sets no status from a literal. */
static void test_init_uses_table(void **state)
{
	FILE *f = fopen("paravisor/image/init", "r");
	char line[512];
	int sourced = 0, named = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;
		size_t n;
		const struct pv_status_entry *t = pv_status_table(&n);

		sourced += strstr(line, ". /etc/mantle/pv-status.sh") == line;
		for (const char *r = line; (r = strstr(r, "rc=")); r += 3)
			assert_false(r[3] >= '0' && r[3] <= '9');
		while ((p = strstr(p, "PV_EXIT_"))) {
			size_t len = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
			int found = 0;

			for (size_t i = 0; i < n; i++)
				found |= strlen(t[i].id) == len &&
					 !strncmp(t[i].id, p, len);
			assert_true(found);
			named++;
			p += len;
		}
	}
	fclose(f);
	assert_int_equal(sourced, 1);
	assert_true(named >= 1);
}

static void test_cpuinfo_virt(void **state)
{
	(void)state;
	assert_int_equal(cpuinfo_has_virt("processor\t: 0\nflags\t\t: fpu "
					  "vme svm lm\n"),
			 0);
	assert_int_equal(cpuinfo_has_virt("flags\t\t: fpu vmx"), 0);
	/* PVM: /dev/kvm without svm/vmx; words containing them do not count */
	assert_int_equal(
		cpuinfo_has_virt("flags\t\t: fpu svmx vmxe hypervisor\n"
				 "model name\t: svm vmx\n"),
		-1);
	assert_int_equal(cpuinfo_has_virt(""), -1);
}

static void test_qemu_cmdline(void **state)
{
	struct qemu_paths p = { .qemu = "/usr/bin/qemu-system-x86_64",
				.pv_kernel = "k",
				.pv_initrd = "i",
				.log = "/tmp/log",
				.payload = "/tmp/p",
				.console_sock = "/tmp/s",
				.status_file = "/tmp/st",
				.control_sock = "/tmp/c" };
	struct pv_config c = { .vcpus = 2, .mem_bytes = 768ULL << 20 };
	struct qemu_cmd q;
	int found_mem = 0, found_drive = 0, found_ctl = 0;

	(void)state;
	assert_int_equal(qemu_build(&q, &p, &c, ACCEL_TCG), 0);
	assert_null(q.argv[q.argc]);
	for (int i = 0; i + 1 < q.argc; i++) {
		if (!strcmp(q.argv[i], "-m"))
			found_mem = !strcmp(q.argv[i + 1], "768M");
		if (!strcmp(q.argv[i], "-drive"))
			found_drive = !strcmp(q.argv[i + 1],
					      "file=/tmp/p,if=virtio,"
					      "format=raw,readonly=on");
	}
	for (int i = 0; i < q.argc; i++)
		found_ctl += !strcmp(q.argv[i], "socket,id=gctl,path=/tmp/c") ||
			     !strcmp(q.argv[i], "virtserialport,chardev=gctl,"
						"name=mantle.control");
	assert_true(found_mem);
	assert_true(found_drive);
	assert_int_equal(found_ctl, 2);
	p.log = "/tmp/a,b";
	assert_int_equal(qemu_build(&q, &p, &c, ACCEL_TCG), -1);
	p.log = "/tmp/log";
	p.control_sock = "/tmp/c,d";
	assert_int_equal(qemu_build(&q, &p, &c, ACCEL_TCG), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_status_rejects),
		cmocka_unit_test(test_status_to_exit),
		cmocka_unit_test(test_status_values),
		cmocka_unit_test(test_status_table),
		cmocka_unit_test(test_init_uses_table),
		cmocka_unit_test(test_cpuinfo_virt),
		cmocka_unit_test(test_qemu_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
