// SPDX-License-Identifier: MIT
/*
 * mantle-discover: an in-guest tool that finds the paravisor the way a guest
 * driver does (SPEC.md "Discovery"): it scans the hypervisor CPUID range for
 * Mantle's signature in 0x100-aligned blocks, decodes the block, and also
 * reports the hypervisor at 0x40000000 (KVM, which the paravisor keeps there
 * so the guest keeps kvmclock). Built static for the busybox guest image.
 *
 * Exit: 0 found and valid; 1 no Mantle block; 2 a block with the signature
 * that does not decode; 64 usage.
 */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include "../../../protocol/include/mantle_discovery.h"

static void cpuid(unsigned int leaf, struct mtl_cpuid_regs *r)
{
	unsigned int a, b, c, d;

	__cpuid_count(leaf, 0, a, b, c, d);
	r->eax = a;
	r->ebx = b;
	r->ecx = c;
	r->edx = d;
}

static void usage(FILE *out)
{
	fputs("NAME\n"
	      "    mantle-discover - find the Mantle paravisor from inside the guest\n"
	      "\nSYNOPSIS\n"
	      "    mantle-discover [--help]\n"
	      "\nDESCRIPTION\n"
	      "    Prints the hypervisor signature at CPUID 0x40000000 and scans\n"
	      "    0x40000000-0x4000FFFF in 0x100 steps for Mantle's discovery\n"
	      "    block, then prints its base, protocol version range, feature\n"
	      "    bits, bus control area and doorbell.\n"
	      "\nEXIT STATUS\n"
	      "    0 found; 1 not found; 2 signature found but block invalid;\n"
	      "    64 usage error.\n",
	      out);
}

int main(int argc, char **argv)
{
	struct mtl_cpuid_regs r, regs[MTL_CPUID_NR_LEAVES];
	struct mtl_discovery d;
	char sig[13];
	unsigned int base, i;

	if (argc > 1) {
		int help = strcmp(argv[1], "--help") == 0;

		usage(help ? stdout : stderr);
		return help ? 0 : 64;
	}
	cpuid(MTL_CPUID_RANGE_FIRST, &r);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	printf("hypervisor: signature \"%s\" at 0x%08x, max leaf 0x%08x\n", sig,
	       MTL_CPUID_RANGE_FIRST, r.eax);

	for (base = MTL_CPUID_RANGE_FIRST; base < MTL_CPUID_RANGE_LAST;
	     base += MTL_CPUID_BLOCK_ALIGN) {
		cpuid(base, &regs[0]);
		if (!mtl_cpuid_is_signature(&regs[0]))
			continue;
		for (i = 1; i < MTL_CPUID_NR_LEAVES; i++)
			cpuid(base + i, &regs[i]);
		if (mtl_discovery_decode(base, regs, &d) != 0) {
			printf("mantle: signature at 0x%08x but the block does not decode\n",
			       base);
			return 2;
		}
		printf("mantle: block 0x%08x revision %u versions %u.%u-%u.%u "
		       "features 0x%016llx\n",
		       d.base, d.revision, MTL_VERSION_MAJOR(d.version_min),
		       MTL_VERSION_MINOR(d.version_min),
		       MTL_VERSION_MAJOR(d.version_max),
		       MTL_VERSION_MINOR(d.version_max),
		       (unsigned long long)d.features);
		if (!d.has_bus) {
			printf("mantle: no pv bus offered\n");
		} else {
			printf("mantle: bus 0x%llx ring-log2 %u gsi %u doorbell %s 0x%llx\n",
			       (unsigned long long)d.bus_gpa, d.bus_ring_log2,
			       d.bus_gsi,
			       d.doorbell_kind == MTL_DOORBELL_PIO ? "pio" :
								     "mmio",
			       (unsigned long long)d.doorbell_addr);
		}
		return 0;
	}
	printf("mantle: no discovery block in 0x%08x-0x%08x\n",
	       MTL_CPUID_RANGE_FIRST, MTL_CPUID_RANGE_LAST);
	return 1;
}
