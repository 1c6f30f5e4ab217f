// SPDX-License-Identifier: MIT
#include "e820.h"

void mem_split(uint64_t mem, struct mem_split *out)
{
	out->low_end = mem < MEM_LOW_MAX ? mem : MEM_LOW_MAX;
	out->high_size = mem - out->low_end;
}

int e820_build(uint64_t mem, struct e820_entry *out, unsigned int cap)
{
	struct mem_split s;
	unsigned int n = 0;

	if (mem < (2u << 20) || cap < 5)
		return -1;
	mem_split(mem, &s);
	out[n++] = (struct e820_entry){ 0, MEM_EBDA_START, E820_RAM };
	out[n++] = (struct e820_entry){ MEM_EBDA_START,
					MEM_BIOS_START - MEM_EBDA_START,
					E820_RESERVED };
	out[n++] = (struct e820_entry){ MEM_ACPI_START,
					MEM_HIGH_1M - MEM_ACPI_START,
					E820_RESERVED };
	out[n++] = (struct e820_entry){ MEM_HIGH_1M, s.low_end - MEM_HIGH_1M,
					E820_RAM };
	if (s.high_size)
		out[n++] = (struct e820_entry){ MEM_HIGH_BASE, s.high_size,
						E820_RAM };
	return (int)n;
}
