// SPDX-License-Identifier: MIT
#include "status.h"

#include <string.h>

#define STATUS_PREFIX "MANTLE-STATUS "

int status_parse(const char *buf, size_t len)
{
	size_t plen = strlen(STATUS_PREFIX), i;
	int v = 0;

	if (len < plen + 2 || len > plen + 4 ||
	    memcmp(buf, STATUS_PREFIX, plen))
		return -1;
	if (buf[len - 1] != '\n')
		return -1;
	for (i = plen; i < len - 1; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		v = v * 10 + (buf[i] - '0');
	}
	/* No leading zeros: exactly one spelling per value. */
	if (buf[plen] == '0' && len - 1 - plen > 1)
		return -1;
	return v <= 255 ? v : -1;
}

int status_to_exit(int status, const char **why)
{
	switch (status) {
	case PV_EXIT_POWEROFF:
		*why = "the guest powered off";
		return RUN_OK;
	case PV_EXIT_SETUP:
		*why = "the paravisor could not start the guest";
		return RUN_PARAVISOR_ERROR;
	case PV_EXIT_CRASH:
		*why = "the guest crashed (the vCPU registers are in the log)";
		return RUN_GUEST_CRASH;
	case PV_EXIT_INTERNAL:
		*why = "the paravisor stopped: too many reboots, an "
		       "unhandled exit or an internal error";
		return RUN_PARAVISOR_ERROR;
	case PV_EXIT_SIGNAL:
		*why = "the paravisor was stopped by a signal";
		return RUN_PARAVISOR_ERROR;
	case PV_EXIT_VMGS:
		*why = "the paravisor refused the VMGS: it is damaged (left "
		       "untouched, not formatted)";
		return RUN_VMGS_REFUSED;
	case PV_EXIT_HOSTIF:
		*why = "the paravisor got no control session from the host, "
		       "or could not read the VMGS through it";
		return RUN_CONTROL_FAILED;
	case PV_EXIT_INIT:
		*why = "the paravisor VM found no console port or payload disk";
		return RUN_PV_VM_FAILED;
	case PV_EXIT_KILLED_SIGSYS:
		/* The shell in /init reports a killed child as 128 + signal. */
		*why = "the paravisor was killed by SIGSYS: it made a system "
		       "call outside its seccomp allowlist";
		return RUN_PARAVISOR_ERROR;
	default:
		if (status > 128 && status < 128 + 65) {
			*why = "the paravisor was killed by a signal (status "
			       "128 + signal number)";
			return RUN_PARAVISOR_ERROR;
		}
		*why = "the paravisor exited with an unknown status";
		return RUN_PARAVISOR_ERROR;
	}
}
