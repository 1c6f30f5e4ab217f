/* SPDX-License-Identifier: MIT */
/* Starting the paravisor VM (L1) with QEMU at L0. */
#ifndef MANTLE_HOST_QEMU_H
#define MANTLE_HOST_QEMU_H

#include <stddef.h>

#include "launch.h"
#include "opts.h"

#define QEMU_BIN "qemu-system-x86_64"
#define QEMU_MAX_ARGS 64

struct qemu_cmd {
	char *argv[QEMU_MAX_ARGS + 1];
	int argc;
	char strs[8][4200]; /* formatted arguments */
	int nstrs;
};

/* Find QEMU_BIN on PATH into path[size]. 0 or -1. */
int qemu_find(char *path, size_t size);

/*
 * With --accel kvm the L0 CPU must offer SVM or VMX to its KVM, or KVM inside
 * the paravisor VM cannot run the guest. cpuinfo is /proc/cpuinfo's text.
 * 0 if a "flags" line lists svm or vmx, -1 otherwise.
 */
int cpuinfo_has_virt(const char *cpuinfo);
/* The L0 checks of --accel kvm: /dev/kvm usable, SVM or VMX in
 * /proc/cpuinfo. 0, or -1 with a message saying to use --accel tcg. */
int qemu_check_kvm(void);

struct qemu_paths {
	const char *qemu;
	const char *pv_kernel, *pv_initrd;
	const char *log; /* paravisor VM console, appended */
	const char *payload;
	const char *console_sock; /* the launcher listens, QEMU connects */
	const char *status_file;
	const char *control_sock; /* hostif: the launcher listens */
	/* The SNP secrets page for fw_cfg opt/mantle/snp-secrets; NULL:
	 * none (no secure processor). It passes through the host (sp.h). */
	const char *snp_secrets;
};

/* Build the QEMU command line. -1 if it does not fit. */
int qemu_build(struct qemu_cmd *q, const struct qemu_paths *p,
	       const struct pv_config *c, enum mantle_accel accel);

#endif
