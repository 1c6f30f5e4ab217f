/* SPDX-License-Identifier: MIT */
/*
 * The machine: guest RAM, the payload loaded into it (measured), devices,
 * and one thread per vCPU. vmm_run() boots the payload, handles reboots and
 * returns the process exit code.
 */
#ifndef MANTLE_VMM_VMM_H
#define MANTLE_VMM_VMM_H

/* The exit codes vmm_run() returns (PV_EXIT_*, paravisor/vmm/README.md;
 * `mantle run` maps them) are the shared contract's. */
#include "mantle_pv_status.h"
#include "platform.h"

struct host;
struct hostnotify;
struct pipe_backend;
struct tpm_nv;

/* The vTPM's guest interface (--tpm): part of the measured launch
 * configuration (the paravisor VM command line names it). */
enum vmm_tpm {
	VMM_TPM_CRB = 0, /* the default */
	VMM_TPM_NONE,
	VMM_TPM_TIS,
};

struct vmm_opts {
	const struct platform_ops *ops;
	struct host *host;
	unsigned int max_reboots;
	uint64_t mem_max; /* largest guest RAM accepted */
	/* Called once, when the first boot is set up and before its vCPUs
	 * start (the privilege drop); < 0 stops with a set-up error. */
	int (*after_setup)(void *arg);
	void *after_setup_arg;
	/* The host-notification device (interrupt mediation), or NULL. */
	struct hostnotify *notify;
	/* The host end of the guest's pipes (pipe_backend.h), or NULL: the
	 * pv bus then offers no pipe. */
	struct pipe_backend *pipes;
	/* Stop with PV_EXIT_GUEST_STALLED after this many seconds without
	 * progress of any vCPU (stall.h); 0: no stall watchdog. */
	unsigned int stall_timeout_s;
	enum vmm_tpm tpm;
	/* The vTPM's state across boots (tpm_lib.h), loaded from the VMGS and
	 * hooked to its saves by main (control.h); NULL: vmm_run's own, in
	 * memory only. */
	struct tpm_nv *tpm_nv;
};

int vmm_run(const struct vmm_opts *o);

#endif
