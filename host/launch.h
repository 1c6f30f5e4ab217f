/* SPDX-License-Identifier: MIT */
/*
 * The paravisor VM (L1) image, its configuration and its launch measurement
 * (paravisor/MEASUREMENT.md, level 1). On the nested platform `mantle` plays
 * the PSP's role: this is computed by the untrusted host, not by hardware.
 */
#ifndef MANTLE_HOST_LAUNCH_H
#define MANTLE_HOST_LAUNCH_H

#include <stdint.h>

#include "measure.h"

/* maxcpus=1: the paravisor VM boots on one vCPU and its /init brings the
 * others online only after the KVM modules are loaded. Loading kvm flips a
 * static key patched into __schedule (preempt notifiers); under QEMU TCG with
 * several vCPUs that live code patching can race the other vCPU, which then
 * oopses on the temporary int3 (seen about once in ten boots). */
#define PV_CMDLINE "console=ttyS0 quiet panic=-1 maxcpus=1"
#define PV_VCPUS 2
/* Paravisor VM RAM beyond the guest's: its kernel, initramfs, mantle-paravisor
 * and the payload copies mantle-paravisor keeps while it loads the guest. */
#define PV_MEM_OVERHEAD (512ULL * 1024 * 1024)
#define PV_CONFIG_VERSION 1
#define PV_CONFIG_SIZE 24

struct pv_config {
	uint32_t vcpus;
	uint64_t mem_bytes;
};

/* The paravisor VM configuration for a guest of guest_mem bytes. */
void pv_config_for(struct pv_config *c, uint64_t guest_mem);
/* The 24-byte configuration record of MEASUREMENT.md. */
void pv_config_encode(const struct pv_config *c, uint8_t out[PV_CONFIG_SIZE]);

/* Paths of the image files inside dir; buffers of PATH_MAX bytes. -1 if too
 * long. */
int pv_image_paths(const char *dir, char *kernel, char *initrd, size_t size);

/*
 * The launch measurement of the image in dir with configuration c. Prints a
 * clear message and returns -1 if a file is missing or unreadable.
 */
int pv_launch_measure(const char *dir, const struct pv_config *c,
		      struct measure_launch *m);

#endif
