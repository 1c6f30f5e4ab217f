/* SPDX-License-Identifier: MIT */
/*
 * The guest's CPUID: what KVM supports, with each vCPU's APIC id, the
 * hypervisor bit, KVM's own leaves left at 0x40000000 (kvmclock) and
 * Mantle's discovery block (protocol/include/mantle_discovery.h) added.
 */
#ifndef MANTLE_VMM_CPUID_H
#define MANTLE_VMM_CPUID_H

#include <stdint.h>

#include <linux/kvm.h>

#define CPUID_MAX_ENTRIES 256u

/* The pv bus as CPUID B+2..B+4 advertise it; all zero: no bus. */
struct cpuid_bus {
	uint64_t features; /* MTL_F_* supported */
	uint64_t area_gpa; /* bus control area, 4 KiB aligned */
	uint32_t ring_log2; /* control ring slots, log2 */
	uint32_t gsi; /* bus interrupt */
	uint32_t doorbell_port; /* MTL_DOORBELL_PIO port */
};

struct cpuid_opts {
	unsigned int apic_id;
	unsigned int cpus;
	int tsc_deadline; /* KVM emulates the TSC-deadline timer */
	uint32_t mantle_base; /* discovery block base leaf */
	struct cpuid_bus bus;
};

/*
 * Rewrite ents[0..n) in place for one vCPU; cap is the array's room. Returns
 * the new entry count, or -1 if there is no room or the block base is not a
 * 0x100-aligned hypervisor leaf above 0x40000000.
 */
int cpuid_build(struct kvm_cpuid_entry2 *ents, unsigned int n, unsigned int cap,
		const struct cpuid_opts *o);

/* The entry for (function, index), or NULL. */
const struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid_entry2 *ents,
					  unsigned int n, uint32_t function,
					  uint32_t index);

#endif
