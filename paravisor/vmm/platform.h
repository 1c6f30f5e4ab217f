/* SPDX-License-Identifier: MIT */
/*
 * How mantle-paravisor runs the guest, behind one ops table. `nested` (KVM
 * inside the paravisor VM) is implemented; `snp`, `tdx` and `vbs` are named
 * here so that later work slots in, and platform_get() refuses them until
 * they exist.
 */
#ifndef MANTLE_VMM_PLATFORM_H
#define MANTLE_VMM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "boot.h"
#include "cpuid.h"

enum platform_kind {
	PLATFORM_NESTED,
	PLATFORM_SNP,
	PLATFORM_TDX,
	PLATFORM_VBS,
};

enum vmexit_kind {
	VMEXIT_RETRY, /* interrupted; nothing to do */
	VMEXIT_IO, /* port I/O: handle and resume */
	VMEXIT_MMIO, /* an access to unbacked guest-physical memory */
	VMEXIT_HLT,
	VMEXIT_SHUTDOWN, /* triple fault */
	VMEXIT_SYSTEM_RESET,
	VMEXIT_SYSTEM_OFF,
	VMEXIT_FAIL, /* entry failure or internal error */
	VMEXIT_UNKNOWN,
};

struct vmexit {
	enum vmexit_kind kind;
	uint32_t reason; /* the platform's own exit code */
	/* VMEXIT_IO: count items of size bytes at data (string I/O). */
	uint16_t port;
	uint8_t size;
	uint8_t is_write;
	uint32_t count;
	uint8_t *data;
	/* VMEXIT_MMIO: data holds len bytes to write or to fill. */
	uint64_t addr;
	uint32_t len;
	/* VMEXIT_FAIL: the platform's detail code. */
	uint64_t detail;
};

struct pvm;
struct pvcpu;
struct vcpu_wait;

struct vm_setup {
	unsigned int cpus;
	uint8_t *ram; /* host mapping of guest RAM */
	uint64_t low_size; /* at GPA 0 */
	uint64_t high_size; /* at MEM_HIGH_BASE, from ram + low_size */
	uint32_t mantle_cpuid_base;
	struct cpuid_bus bus; /* the pv bus CPUID advertises */
};

struct platform_ops {
	const char *name;
	/* Is the platform usable here? Message in err if not. */
	int (*probe)(char *err, size_t errlen);
	struct pvm *(*vm_create)(const struct vm_setup *s, char *err,
				 size_t errlen);
	void (*vm_destroy)(struct pvm *vm);
	/* Map size bytes of the VMM's own memory at host (page-aligned,
	 * outliving the VM) into the guest at gpa: device memory the guest
	 * reads and writes without exits (the CRB buffer, tpm_crb.h). what
	 * names it in the log. 0, or -1 with errno. */
	int (*map_device_mem)(struct pvm *vm, uint64_t gpa, void *host,
			      uint64_t size, const char *what);
	/* Drive an interrupt line (GSI) of the guest's interrupt controller. */
	int (*irq_line)(struct pvm *vm, unsigned int gsi, int level);
	struct pvcpu *(*vcpu_create)(struct pvm *vm, unsigned int id, char *err,
				     size_t errlen);
	void (*vcpu_destroy)(struct pvcpu *vcpu);
	int (*vcpu_set_boot_regs)(struct pvcpu *vcpu,
				  const struct boot_regs *regs);
	/* Run until an exit the VMM must see; -1 on a platform error. */
	int (*vcpu_run)(struct pvcpu *vcpu, struct vmexit *exit);
	/* Make the current or next vcpu_run return VMEXIT_RETRY for good.
	 * Async-signal-safe; the caller then signals the vCPU's thread. */
	void (*vcpu_stop)(struct pvcpu *vcpu);
	void (*vcpu_dump)(struct pvcpu *vcpu, FILE *out);
	/* The stall watchdog (stall.h); NULL where the platform has none. A
	 * new fd of the vCPU's statistics, or -1 with errno. */
	int (*vcpu_stats_fd)(struct pvcpu *vcpu);
	/* What a vCPU out of vcpu_run waits on; 0 or -1 with errno. */
	int (*vcpu_wait_state)(struct pvcpu *vcpu, struct vcpu_wait *w);
};

/* The ops of a platform, or NULL with a message if not available in this
 * build. */
const struct platform_ops *platform_get(enum platform_kind kind, char *err,
					size_t errlen);
int platform_parse(const char *name, enum platform_kind *out);

extern const struct platform_ops platform_nested_ops;

#endif
