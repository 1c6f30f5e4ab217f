/* SPDX-License-Identifier: MIT */
/*
 * The exit statuses of the paravisor VM: what mantle-paravisor returns, and
 * what the paravisor VM's /init reports on the mantle.status port ("MANTLE-
 * STATUS <n>", host/status.c parses it). One list, PV_STATUS_LIST, gives
 * each status its value and its name; the enum, the name table and the
 * shell assignments /init sources (generated at image build time by
 * paravisor/image/pv_status_sh.c) all come from it, so the host, the
 * paravisor and /init never retype a number. `mantle run` maps a status to
 * its own exit code in host/status.c.
 */
#ifndef MANTLE_PV_STATUS_H
#define MANTLE_PV_STATUS_H

#include <stddef.h>

/* X(ID, VALUE, NAME): NAME is the short word logs and tests use. */
#define PV_STATUS_LIST(X)                                                     \
	/* mantle-paravisor (paravisor/vmm/README.md, "Exit status") */       \
	X(PV_EXIT_POWEROFF, 0, "poweroff") /* the guest powered off */        \
	X(PV_EXIT_SETUP, 1, "setup") /* usage or set-up error */              \
	X(PV_EXIT_CRASH, 2, "crash") /* guest triple fault */                 \
	X(PV_EXIT_INTERNAL, 3, "internal") /* error, reboot limit */          \
	X(PV_EXIT_SIGNAL, 4, "signal") /* stopped by SIGTERM/INT/HUP */       \
	X(PV_EXIT_VMGS, 5, "vmgs-damaged") /* VMGS refused, untouched */      \
	X(PV_EXIT_HOSTIF, 6, "no-control") /* no session, VMGS unread */      \
	X(PV_EXIT_GUEST_STALLED, 7, "stalled") /* no progress: stall.h */     \
	X(PV_EXIT_GUEST_PANIC, 8, "guest-panic") /* said so: pvpanic */       \
	/* The VMGS refused untouched (paravisor/vmgs/VMGS-KEY.md) */         \
	X(PV_EXIT_VMGS_LOCKED, 9, "vmgs-locked") /* does not unlock */        \
	X(PV_EXIT_VMGS_PLAINTEXT, 10, "vmgs-plaintext") /* a downgrade */     \
	X(PV_EXIT_VMGS_POLICY, 11, "vmgs-policy") /* other key policy */      \
	X(PV_EXIT_NO_SP, 12, "no-secure-processor") /* no key: no VMGS */     \
	/* The vTPM's state in the VMGS (file 3) is there and unusable */     \
	X(PV_EXIT_TPM_STATE, 13, "tpm-state") /* left untouched */            \
	/* /init: no console, status or control port, or no payload disk */   \
	X(PV_EXIT_INIT, 125, "init")                                          \
	/* /init's shell reports a killed child as 128 + signal: SIGSYS is  \
	 * seccomp killing mantle-paravisor (paravisor/vmm/guard.c). */ \
	X(PV_EXIT_KILLED_SIGSYS, 128 + 31, "killed-sigsys")

/* mantle-paravisor's default --stall-timeout: PV_EXIT_GUEST_STALLED after
 * this many seconds in which no vCPU made progress (paravisor/vmm/stall.h).
 * `mantle run` names it when it explains that status. */
#define PV_STALL_TIMEOUT_S 120

enum pv_status {
#define PV_STATUS_ENUM(id, value, name) id = (value),
	PV_STATUS_LIST(PV_STATUS_ENUM)
#undef PV_STATUS_ENUM
};

struct pv_status_entry {
	int value;
	const char
		*id; /* "PV_EXIT_POWEROFF": what /init's variables are named */
	const char *name;
};

/* The name table, in PV_STATUS_LIST's order; *n gets its length. */
static inline const struct pv_status_entry *pv_status_table(size_t *n)
{
	static const struct pv_status_entry table[] = {
#define PV_STATUS_ROW(id, value, name) { (value), #id, (name) },
		PV_STATUS_LIST(PV_STATUS_ROW)
#undef PV_STATUS_ROW
	};

	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

/* The name of a status, or NULL if it is none of PV_STATUS_LIST. */
static inline const char *pv_status_name(int status)
{
	size_t n;
	const struct pv_status_entry *t = pv_status_table(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].value == status)
			return t[i].name;
	return NULL;
}

#endif /* MANTLE_PV_STATUS_H */
