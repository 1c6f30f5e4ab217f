// SPDX-License-Identifier: MIT
#include "cpuid.h"

#include <string.h>

#include "mantle_discovery.h"

#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define XSTATE_FP 0x1ull
#define XSTATE_SSE 0x2ull
#define XSTATE_YMM 0x4ull
#define XSTATE_AVX512 0xE0ull
#define XSTATE_PKRU 0x200ull
#define XSAVE_LEGACY_AND_HDR 576u

const struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid_entry2 *ents,
					  unsigned int n, uint32_t function,
					  uint32_t index)
{
	for (unsigned int i = 0; i < n; i++) {
		if (ents[i].function != function)
			continue;
		if ((ents[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) &&
		    ents[i].index != index)
			continue;
		return &ents[i];
	}
	return NULL;
}

static void set_leaf(struct kvm_cpuid_entry2 *e, uint32_t fn, uint32_t a,
		     uint32_t b, uint32_t c, uint32_t d)
{
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->eax = a;
	e->ebx = b;
	e->ecx = c;
	e->edx = d;
}

static int has(const struct kvm_cpuid_entry2 *ents, unsigned int n, uint32_t fn,
	       int reg, unsigned int bit)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(ents, n, fn, 0);
	uint32_t v;

	if (!e)
		return 0;
	v = reg == 'b' ? e->ebx : reg == 'c' ? e->ecx : e->edx;
	return (v >> bit) & 1;
}

/*
 * Keep leaf 0xD consistent with the feature flags: offer only the XSAVE
 * components whose features the guest sees, and sizes that match them.
 * Without this a nested KVM can offer components (PKRU, AVX-512) that the
 * feature leaves deny, and the guest kernel warns about XSAVE sizes.
 */
static void fix_xsave(struct kvm_cpuid_entry2 *ents, unsigned int n)
{
	uint64_t mask = XSTATE_FP | XSTATE_SSE;
	uint32_t size = XSAVE_LEGACY_AND_HDR;
	struct kvm_cpuid_entry2 *d0 = NULL;

	if (has(ents, n, 1, 'c', 28))
		mask |= XSTATE_YMM;
	if (has(ents, n, 7, 'b', 16))
		mask |= XSTATE_AVX512;
	if (has(ents, n, 7, 'c', 3))
		mask |= XSTATE_PKRU;
	for (unsigned int i = 0; i < n; i++) {
		struct kvm_cpuid_entry2 *e = &ents[i];

		if (e->function != 0xD)
			continue;
		if (e->index == 0)
			d0 = e;
		else if (e->index >= 2 && e->index < 64 &&
			 ((mask >> e->index) & 1) && e->eax &&
			 e->ebx + e->eax > size)
			size = e->ebx + e->eax; /* offset + size */
	}
	if (!d0)
		return;
	mask &= (uint64_t)d0->eax | ((uint64_t)d0->edx << 32);
	/* XCR0 rules: the AVX-512 states go together, and need AVX. */
	if ((mask & XSTATE_AVX512) != XSTATE_AVX512 || !(mask & XSTATE_YMM))
		mask &= ~XSTATE_AVX512;
	d0->eax = (uint32_t)mask;
	d0->edx = (uint32_t)(mask >> 32);
	d0->ebx = size; /* the guest kernel enables every offered component */
	d0->ecx = size;
}

/* B+2..B+4: features, bus area and interrupt, doorbell; zero without a
 * bus (SPEC.md 2). */
static void add_bus_leaves(struct kvm_cpuid_entry2 *e, uint32_t base,
			   const struct cpuid_bus *b)
{
	int on = b->area_gpa != 0;

	set_leaf(&e[0], base + MTL_CPUID_LEAF_FEATURES, (uint32_t)b->features,
		 (uint32_t)(b->features >> 32), 0, 0);
	set_leaf(&e[1], base + MTL_CPUID_LEAF_BUS, (uint32_t)b->area_gpa,
		 (uint32_t)(b->area_gpa >> 32),
		 b->ring_log2 & MTL_CPUID_BUS_RING_LOG2_MASK, b->gsi);
	set_leaf(&e[2], base + MTL_CPUID_LEAF_DOORBELL,
		 on ? MTL_DOORBELL_PIO : MTL_DOORBELL_NONE,
		 on ? b->doorbell_port : 0, 0, 0);
}

int cpuid_build(struct kvm_cpuid_entry2 *ents, unsigned int n, unsigned int cap,
		const struct cpuid_opts *o)
{
	uint32_t base = o->mantle_base;
	unsigned int out = 0;

	if (base <= MTL_CPUID_RANGE_FIRST || base > MTL_CPUID_RANGE_LAST ||
	    base % MTL_CPUID_BLOCK_ALIGN)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		struct kvm_cpuid_entry2 *e = &ents[i];

		/* Nothing else may claim Mantle's block. */
		if (e->function >= base &&
		    e->function < base + MTL_CPUID_BLOCK_ALIGN)
			continue;
		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x00FFFFFFu) | (o->apic_id << 24);
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			if (o->tsc_deadline)
				e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
			break;
		case 0xB:
		case 0x1F:
			e->edx = o->apic_id; /* x2APIC id */
			break;
		default:
			break;
		}
		ents[out++] = *e;
	}
	fix_xsave(ents, out);
	if (cap - out < MTL_CPUID_NR_LEAVES)
		return -1;
	set_leaf(&ents[out++], base + MTL_CPUID_LEAF_SIGNATURE,
		 base + MTL_CPUID_NR_LEAVES - 1, MTL_CPUID_SIG_EBX,
		 MTL_CPUID_SIG_ECX, MTL_CPUID_SIG_EDX);
	set_leaf(&ents[out++], base + MTL_CPUID_LEAF_VERSION, MTL_VERSION_1_0,
		 MTL_VERSION_1_0, MTL_CPUID_BLOCK_REVISION, 0);
	add_bus_leaves(ents + out, base, &o->bus);
	return (int)(out + 3);
}
