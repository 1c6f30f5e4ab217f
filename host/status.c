// SPDX-License-Identifier: MIT
#include "status.h"

#include <string.h>

/* The explanation of PV_EXIT_GUEST_STALLED names the paravisor's default
 * stall timeout. */
_Static_assert(PV_STALL_TIMEOUT_S == 120, "status_map names 120 s");

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

/* What `mantle run` makes of each status of the shared contract. */
static const struct {
	enum pv_status status;
	enum run_exit code;
	const char *why;
} status_map[] = {
	{ PV_EXIT_POWEROFF, RUN_OK, "the guest powered off" },
	{ PV_EXIT_SETUP, RUN_PARAVISOR_ERROR,
	  "the paravisor could not start the guest" },
	{ PV_EXIT_CRASH, RUN_GUEST_CRASH,
	  "the guest crashed (the vCPU registers are in the log)" },
	{ PV_EXIT_INTERNAL, RUN_PARAVISOR_ERROR,
	  "the paravisor stopped: too many reboots, an unhandled exit or an "
	  "internal error" },
	{ PV_EXIT_SIGNAL, RUN_PARAVISOR_ERROR,
	  "the paravisor was stopped by a signal" },
	{ PV_EXIT_VMGS, RUN_VMGS_REFUSED,
	  "the paravisor refused the VMGS: it is damaged (left untouched, not "
	  "formatted)" },
	{ PV_EXIT_HOSTIF, RUN_CONTROL_FAILED,
	  "the paravisor got no control session from the host, or could not "
	  "read the VMGS through it" },
	{ PV_EXIT_GUEST_STALLED, RUN_GUEST_STALLED,
	  "the guest made no progress for --stall-timeout seconds (default "
	  "120): every vCPU halted with nothing to wake it; the paravisor's "
	  "vCPU dump is in the log" },
	{ PV_EXIT_GUEST_PANIC, RUN_GUEST_CRASH,
	  "the guest kernel panicked (it said so through the pvpanic device; "
	  "its console shows why)" },
	{ PV_EXIT_VMGS_LOCKED, RUN_VMGS_REFUSED,
	  "the paravisor refused the VMGS: it does not unlock with the key "
	  "the secure processor derives (another chip's VMGS, or a tampered "
	  "or swapped key protector; left untouched)" },
	{ PV_EXIT_VMGS_PLAINTEXT, RUN_VMGS_REFUSED,
	  "the paravisor refused the VMGS: it is not encrypted and holds data "
	  "(an old or substituted VMGS: a downgrade; left untouched; "
	  "--vmgs-reprovision replaces it)" },
	{ PV_EXIT_VMGS_POLICY, RUN_VMGS_REFUSED,
	  "the paravisor refused the VMGS: its key is sealed under the other "
	  "--vmgs-key-policy (left untouched; --vmgs-reprovision replaces it)" },
	{ PV_EXIT_NO_SP, RUN_VMGS_REFUSED,
	  "the paravisor refused the VMGS: no key from the secure processor, "
	  "and a VMGS is never opened or created without one (left "
	  "untouched)" },
	{ PV_EXIT_TPM_STATE, RUN_VMGS_REFUSED,
	  "the paravisor refused the vTPM's state in the VMGS (file 3): it "
	  "does not decrypt or libtpms refuses it; never replaced by a new "
	  "TPM, which would lose the guest's keys (left untouched)" },
	{ PV_EXIT_INIT, RUN_PV_VM_FAILED,
	  "the paravisor VM found no console port or payload disk" },
	{ PV_EXIT_KILLED_SIGSYS, RUN_PARAVISOR_ERROR,
	  "the paravisor was killed by SIGSYS: it made a system call outside "
	  "its seccomp allowlist" },
};

int status_to_exit(int status, const char **why)
{
	for (size_t i = 0; i < sizeof(status_map) / sizeof(status_map[0]);
	     i++) {
		if ((int)status_map[i].status == status) {
			*why = status_map[i].why;
			return status_map[i].code;
		}
	}
	/* Any other signal that killed it (the shell's 128 + signal). */
	if (status > 128 && status < 128 + 65) {
		*why = "the paravisor was killed by a signal (status 128 + "
		       "signal number)";
		return RUN_PARAVISOR_ERROR;
	}
	*why = "the paravisor exited with an unknown status";
	return RUN_PARAVISOR_ERROR;
}
