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

struct cpuid_opts {
	unsigned int apic_id;
	unsigned int cpus;
	int tsc_deadline; /* KVM emulates the TSC-deadline timer */
	uint32_t mantle_base; /* discovery block base leaf */
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
