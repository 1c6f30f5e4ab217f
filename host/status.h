/* SPDX-License-Identifier: MIT */
/*
 * The paravisor VM's exit report. Its /init writes "MANTLE-STATUS <n>\n" on
 * the mantle.status virtio-serial port once mantle-paravisor has exited; the
 * host reads it from a file after QEMU exits. The paravisor VM is outside the
 * host's control, so the text is parsed strictly.
 */
#ifndef MANTLE_HOST_STATUS_H
#define MANTLE_HOST_STATUS_H

#include <stddef.h>

#include "mantle_pv_status.h"

/* The statuses themselves (enum pv_status, PV_EXIT_*) are the shared
 * contract's: common/include/mantle_pv_status.h. */

/* The status in buf[0..len), 0..255, or -1 if it is not exactly one
 * "MANTLE-STATUS <decimal>\n" line. */
int status_parse(const char *buf, size_t len);

/* `mantle run` exit codes. */
enum run_exit {
	RUN_OK = 0,
	RUN_USAGE =
		1, /* bad option, unreadable file, QEMU or SVM/VMX missing */
	RUN_GUEST_CRASH = 2,
	RUN_PARAVISOR_ERROR = 3,
	RUN_PV_VM_FAILED = 4, /* QEMU failed or no status was reported */
	RUN_VMGS_REFUSED = 5, /* the paravisor refused the VMGS (untouched) */
	RUN_CONTROL_FAILED = 6, /* the control channel or VMGS service failed */
	RUN_PV_KERNEL = 7, /* the paravisor VM's kernel oopsed or panicked */
	RUN_GUEST_STALLED = 8, /* no vCPU made progress (stall watchdog) */
	RUN_TIMEOUT = 124,
	RUN_INTERRUPTED = 130,
};

/* The `mantle run` exit code and a one-line explanation for a status. */
int status_to_exit(int status, const char **why);

#endif
