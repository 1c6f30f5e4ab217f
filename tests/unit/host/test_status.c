// SPDX-License-Identifier: MIT
/* Unit tests of the paravisor VM status report and of the L0 CPU check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
	assert_int_equal(status_to_exit(PV_EXIT_HOSTIF, &why),
			 RUN_CONTROL_FAILED);
	assert_int_equal(status_to_exit(77, &why), RUN_PARAVISOR_ERROR);
	assert_non_null(strstr(why, "unknown"));
	assert_int_equal(status_to_exit(PV_EXIT_KILLED_SIGSYS, &why),
			 RUN_PARAVISOR_ERROR);
	assert_non_null(strstr(why, "SIGSYS"));
	assert_int_equal(status_to_exit(128 + 9, &why), RUN_PARAVISOR_ERROR);
	assert_non_null(strstr(why, "killed by a signal"));
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
		cmocka_unit_test(test_cpuinfo_virt),
		cmocka_unit_test(test_qemu_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
