/* SPDX-License-Identifier: MIT */
/*
 * Mantle protocol: hypervisor CPUID discovery block (SPEC.md section 2).
 *
 * The paravisor exposes one block of 0x100 hypervisor CPUID leaves, aligned to
 * 0x100, somewhere in 0x40000000..0x4000FFFF. It keeps KVM's own leaves at
 * 0x40000000 (so the guest keeps kvmclock), so Mantle's block is never the
 * first; MTL_CPUID_BLOCK_DEFAULT is where Mantle's paravisor places it, but a
 * guest must find it by scanning every 0x100-aligned base for the signature,
 * as Linux scans for KVM and Xen.
 *
 * Leaves, relative to the block base B (all registers are 32-bit values):
 *
 *   B+0 MTL_CPUID_LEAF_SIGNATURE
 *       EAX  highest leaf of this block (B + MTL_CPUID_NR_LEAVES - 1 or more)
 *       EBX, ECX, EDX  "MantlePvisor" (MTL_CPUID_SIG_EBX/ECX/EDX)
 *   B+1 MTL_CPUID_LEAF_VERSION
 *       EAX  lowest protocol version offered, MTL_VERSION(major, minor)
 *       EBX  highest protocol version offered
 *       ECX  discovery block revision (MTL_CPUID_BLOCK_REVISION)
 *       EDX  reserved, 0
 *   B+2 MTL_CPUID_LEAF_FEATURES
 *       EAX  feature bits 0..31 the paravisor supports (MTL_F_*)
 *       EBX  feature bits 32..63
 *       ECX, EDX  reserved, 0
 *   B+3 MTL_CPUID_LEAF_BUS
 *       EAX  bus control area guest-physical address, bits 0..31 (4 KiB
 *            aligned)
 *       EBX  bus control area guest-physical address, bits 32..63
 *       ECX  bits 0..7: log2 of the slot count of each control ring;
 *            bits 8..31 reserved, 0
 *       EDX  bus interrupt: the GSI the paravisor raises towards the guest
 *       All of B+3 and B+4 zero: the paravisor offers no bus (yet).
 *       The area holds the control channel's two rings (SPEC.md 4.1).
 *   B+4 MTL_CPUID_LEAF_DOORBELL
 *       EAX  doorbell kind (MTL_DOORBELL_PIO or MTL_DOORBELL_MMIO)
 *       EBX  port number (PIO) or guest-physical address bits 0..31 (MMIO)
 *       ECX  guest-physical address bits 32..63 (MMIO), else 0
 *       EDX  reserved, 0
 *
 * The guest rings the doorbell with a 32-bit write of a channel id. Reserved
 * registers read as 0 and a guest ignores their value.
 */
#ifndef MANTLE_DISCOVERY_H
#define MANTLE_DISCOVERY_H

#include "mantle_types.h"

/* Hypervisor CPUID range and block geometry. */
#define MTL_CPUID_RANGE_FIRST 0x40000000u
#define MTL_CPUID_RANGE_LAST 0x4000FFFFu
#define MTL_CPUID_BLOCK_ALIGN 0x100u
/* Where Mantle's paravisor places its block (KVM keeps 0x40000000 and may be
 * moved to 0x40000100 when Hyper-V enlightenments are on). */
#define MTL_CPUID_BLOCK_DEFAULT 0x40000200u

/* Leaf offsets within the block. */
#define MTL_CPUID_LEAF_SIGNATURE 0x0u
#define MTL_CPUID_LEAF_VERSION 0x1u
#define MTL_CPUID_LEAF_FEATURES 0x2u
#define MTL_CPUID_LEAF_BUS 0x3u
#define MTL_CPUID_LEAF_DOORBELL 0x4u
#define MTL_CPUID_NR_LEAVES 5u

/* "MantlePvisor" in EBX, ECX, EDX (little-endian ASCII, as KVM's "KVMKVMKVM"). */
#define MTL_CPUID_SIG_EBX 0x746e614du /* "Mant" */
#define MTL_CPUID_SIG_ECX 0x7650656cu /* "lePv" */
#define MTL_CPUID_SIG_EDX 0x726f7369u /* "isor" */

/* Revision of this leaf layout; new leaves only ever get appended. */
#define MTL_CPUID_BLOCK_REVISION 1u

/* Protocol versions: major in bits 16..31, minor in bits 0..15. */
#define MTL_VERSION(major, minor) \
	((mtl_u32)(((mtl_u32)(major) << 16) | ((mtl_u32)(minor)&0xFFFFu)))
#define MTL_VERSION_MAJOR(v) ((mtl_u16)((mtl_u32)(v) >> 16))
#define MTL_VERSION_MINOR(v) ((mtl_u16)((mtl_u32)(v)&0xFFFFu))
#define MTL_VERSION_1_0 MTL_VERSION(1, 0)

/*
 * Feature bits (64). A clear bit always means the version's baseline
 * behaviour; unknown bits are ignored by the receiver (SPEC.md 3.3).
 */
/* Notification suppression by event index (SPEC.md 6). Clear: the producer
 * notifies after every batch it publishes. */
#define MTL_F_EVENT_IDX (1ull << 0)
/* Channel reset (MTL_MSG_CHANNEL_RESET). Clear: a channel is only closed and
 * re-opened. */
#define MTL_F_CHANNEL_RESET (1ull << 1)
/* Every feature bit that protocol 1.0 defines. */
#define MTL_F_KNOWN_1_0 (MTL_F_EVENT_IDX | MTL_F_CHANNEL_RESET)

/* Bus control ring geometry (CPUID B+3 ECX). */
#define MTL_CPUID_BUS_RING_LOG2_MASK 0xFFu
/* Doorbell kinds (CPUID B+4 EAX). */
#define MTL_DOORBELL_NONE 0u
#define MTL_DOORBELL_PIO 1u
#define MTL_DOORBELL_MMIO 2u
/* Doorbell value that resets the whole bus (SPEC.md 4.2); any other value is
 * a channel id. */
#define MTL_DOORBELL_BUS_RESET 0xFFFFFFFFu

/* One CPUID result, as the guest reads it. Not a wire structure. */
struct mtl_cpuid_regs {
	mtl_u32 eax;
	mtl_u32 ebx;
	mtl_u32 ecx;
	mtl_u32 edx;
};

/* Decoded discovery block. Not a wire structure. */
struct mtl_discovery {
	mtl_u32 base; /* leaf of the signature */
	mtl_u32 max_leaf; /* highest leaf of the block */
	mtl_u32 version_min; /* MTL_VERSION() encoding */
	mtl_u32 version_max;
	mtl_u32 revision;
	mtl_u64 features;
	mtl_u64 bus_gpa;
	mtl_u32 bus_ring_log2;
	mtl_u32 bus_gsi;
	mtl_u32 doorbell_kind;
	mtl_u64 doorbell_addr; /* port number or MMIO GPA */
	mtl_u32 has_bus; /* 0: discovery only, no pv bus offered */
};

/* Does the result of leaf B+0 carry Mantle's signature? */
static inline int mtl_cpuid_is_signature(const struct mtl_cpuid_regs *r)
{
	return r->ebx == MTL_CPUID_SIG_EBX && r->ecx == MTL_CPUID_SIG_ECX &&
	       r->edx == MTL_CPUID_SIG_EDX;
}

/*
 * Decode leaves B+0..B+4 (regs[MTL_CPUID_LEAF_*]) read at base B. Returns 0, or
 * -1 when the block is not a usable Mantle block: no signature, too few
 * leaves, an empty or inverted version range, a misaligned bus area, ring
 * geometry outside MTL_RING_LOG2_MIN..MAX (mantle_ring.h repeats these
 * limits), or an unknown doorbell kind. A block whose leaves B+3 and B+4
 * are all zero is valid and offers no bus yet (has_bus = 0). The paravisor
 * is trusted, so this guards against bugs and half-configured blocks, not
 * against malice.
 */
static inline int mtl_discovery_decode(mtl_u32 base,
				       const struct mtl_cpuid_regs regs[5],
				       struct mtl_discovery *out)
{
	const struct mtl_cpuid_regs *sig = &regs[MTL_CPUID_LEAF_SIGNATURE];
	const struct mtl_cpuid_regs *ver = &regs[MTL_CPUID_LEAF_VERSION];
	const struct mtl_cpuid_regs *feat = &regs[MTL_CPUID_LEAF_FEATURES];
	const struct mtl_cpuid_regs *bus = &regs[MTL_CPUID_LEAF_BUS];
	const struct mtl_cpuid_regs *db = &regs[MTL_CPUID_LEAF_DOORBELL];

	if ((base & (MTL_CPUID_BLOCK_ALIGN - 1)) != 0 ||
	    base < MTL_CPUID_RANGE_FIRST || base > MTL_CPUID_RANGE_LAST)
		return -1;
	if (!mtl_cpuid_is_signature(sig))
		return -1;
	if (sig->eax < base + MTL_CPUID_NR_LEAVES - 1 ||
	    sig->eax > (base | (MTL_CPUID_BLOCK_ALIGN - 1)))
		return -1;
	if (ver->eax == 0 || ver->eax > ver->ebx || ver->ecx == 0)
		return -1;
	out->base = base;
	out->max_leaf = sig->eax;
	out->version_min = ver->eax;
	out->version_max = ver->ebx;
	out->revision = ver->ecx;
	out->features = (mtl_u64)feat->eax | ((mtl_u64)feat->ebx << 32);
	out->bus_gpa = (mtl_u64)bus->eax | ((mtl_u64)bus->ebx << 32);
	out->bus_ring_log2 = bus->ecx & MTL_CPUID_BUS_RING_LOG2_MASK;
	out->bus_gsi = bus->edx;
	out->doorbell_kind = db->eax;
	out->doorbell_addr = (mtl_u64)db->ebx | ((mtl_u64)db->ecx << 32);
	out->has_bus = 0;
	if (out->bus_gpa == 0 && bus->ecx == 0 && bus->edx == 0 &&
	    out->doorbell_kind == MTL_DOORBELL_NONE && out->doorbell_addr == 0)
		return 0;
	out->has_bus = 1;
	if (out->bus_gpa == 0 || (out->bus_gpa & 0xFFFu) != 0)
		return -1;
	/* 2..16: the MTL_RING_LOG2_MIN/MAX limits of mantle_ring.h. */
	if (out->bus_ring_log2 < 2 || out->bus_ring_log2 > 16)
		return -1;
	if (out->doorbell_kind == MTL_DOORBELL_PIO) {
		if (out->doorbell_addr > 0xFFFFu)
			return -1;
	} else if (out->doorbell_kind == MTL_DOORBELL_MMIO) {
		if (out->doorbell_addr == 0 || (out->doorbell_addr & 3u) != 0)
			return -1;
	} else {
		return -1;
	}
	return 0;
}

#endif /* MANTLE_DISCOVERY_H */
