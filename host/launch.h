/* SPDX-License-Identifier: MIT */
/*
 * The paravisor VM (L1) image, its configuration and its launch measurement
 * (paravisor/MEASUREMENT.md, level 1). On the nested platform `mantle` plays
 * the PSP's role: this is computed by the untrusted host, not by hardware.
 */
#ifndef MANTLE_HOST_LAUNCH_H
#define MANTLE_HOST_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "measure.h"
#include "opts.h"

#define PV_CMDLINE "console=ttyS0 quiet panic=-1"
/*
 * --vmgs-key-policy measurement: the paravisor VM kernel command line names
 * it, so the choice is part of the launch measurement (MEASUREMENT.md
 * record 3) and the host cannot change it without changing the
 * measurement; /init passes it on (paravisor/vmgs/VMGS-KEY.md).
 */
#define PV_CMDLINE_VMGS_MEASURED \
	PV_CMDLINE " mantle.vmgs_key_policy=measurement"
/*
 * --tpm none or tis: named on the same measured command line (/init passes it to
 * mantle-paravisor as --tpm none), so the vTPM choice is part of the
 * launch measurement; the default (crb) adds no word, so the command line,
 * hence the measurement, of a default launch is unchanged.
 */
#define PV_CMDLINE_TPM_NONE " mantle.tpm=none"
/* --tpm tis: likewise (/init passes it on as --tpm tis). */
#define PV_CMDLINE_TPM_TIS " mantle.tpm=tis"
/*
 * --stall-timeout S: " mantle.stall_timeout=S" on the same measured line
 * (/init passes it on as mantle-paravisor's --stall-timeout); the default
 * (PV_STALL_TIMEOUT_S) adds no word.
 */
#define PV_CMDLINE_STALL " mantle.stall_timeout="
#define PV_CMDLINE_MAX 160
/*
 * Under QEMU TCG (the default L0) the paravisor VM has ONE vCPU, whatever the
 * guest's count: QEMU 7.2's multi-threaded TCG misses cross-vCPU code
 * modification (a block translated on one vCPU thread while another patches
 * the page survives the patch), so Linux's int3-based live patching of
 * static keys oopses ("Oops: int3") in L1, and the same holds for L2 code
 * that L1 vCPUs run. One L1 vCPU is one QEMU vCPU thread: nothing translates
 * concurrently with a store, so the race cannot happen (paravisor/README.md,
 * "One paravisor vCPU under TCG"). The guest keeps its --cpus; KVM in L1
 * time-slices them. With --accel kvm the CPU does the translating and the
 * paravisor VM gets two vCPUs.
 */
#define PV_VCPUS_TCG 1
#define PV_VCPUS_KVM 2
/* Paravisor VM RAM beyond the guest's: its kernel, initramfs, mantle-paravisor
 * and the payload copies mantle-paravisor keeps while it loads the guest. */
#define PV_MEM_OVERHEAD (512ULL * 1024 * 1024)
#define PV_CONFIG_VERSION 1
#define PV_CONFIG_SIZE 24

struct pv_config {
	uint32_t vcpus;
	uint64_t mem_bytes;
	int vmgs_key_measurement; /* --vmgs-key-policy measurement */
	enum mantle_tpm tpm; /* --tpm */
	unsigned int stall_timeout_s; /* --stall-timeout; 0: the default */
	char cmdline[PV_CMDLINE_MAX]; /* pv_config_cmdline() */
};

/* Builds c->cmdline, the paravisor VM kernel command line, from c's
 * fields: pv_config_for*() call it; call it again after changing them. */
void pv_config_cmdline(struct pv_config *c);

/* The paravisor VM kernel command line of c. */
static inline const char *pv_cmdline(const struct pv_config *c)
{
	return c->cmdline;
}

/* The paravisor VM configuration for a guest of guest_mem bytes under L0
 * accelerator accel; pv_cpus (--pv-cpus) overrides the vCPU count, 0 keeps
 * the accelerator's. */
void pv_config_for(struct pv_config *c, uint64_t guest_mem,
		   enum mantle_accel accel, unsigned int pv_cpus);
/* ... and the VMGS key policy of o (its kernel command line). */
void pv_config_for_opts(struct pv_config *c, const struct mantle_opts *o);
/* The 24-byte configuration record of MEASUREMENT.md. */
void pv_config_encode(const struct pv_config *c, uint8_t out[PV_CONFIG_SIZE]);

/* The paravisor VM image directory for o: --paravisor-image, else
 * ../paravisor next to the mantle binary. 0, or -1 if it does not fit. */
int pv_image_dir(const struct mantle_opts *o, char *out, size_t size);

/* Paths of the image files inside dir; buffers of PATH_MAX bytes. -1 if too
 * long. */
int pv_image_paths(const char *dir, char *kernel, char *initrd, size_t size);

/* Where measure_file() puts a file's digests: one of the two. */
struct measure_dest {
	struct measure_launch *launch; /* level 1: the launch chain */
	struct measure_log *log; /* level 2: the payload event log */
	int refuse_empty; /* an empty file is an error, not a measurement */
};

/*
 * Maps the whole regular file path (at most max bytes; what names it in
 * messages, e.g. "--kernel") and extends its bytes into to as a record or
 * event of type. 0, or -1 with a message.
 */
int measure_file(const struct measure_dest *to, uint32_t type, const char *path,
		 const char *what, uint64_t max);

/*
 * The launch measurement of the image in dir with configuration c. Prints a
 * clear message and returns -1 if a file is missing or unreadable.
 */
int pv_launch_measure(const char *dir, const struct pv_config *c,
		      struct measure_launch *m);

#endif
