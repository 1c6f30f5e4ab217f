// SPDX-License-Identifier: MIT
#include "e820.h"

#include "mantle_bytes.h"

void mem_split(uint64_t mem, struct mem_split *out)
{
	out->low_end = mem < MEM_LOW_MAX ? mem : MEM_LOW_MAX;
	out->high_size = mem - out->low_end;
}

int e820_build(uint64_t mem, struct e820_entry *out, unsigned int cap)
{
	struct mem_split s;
	unsigned int n = 0;

	if (mem < (2u << 20) || cap < E820_MAX_ENTRIES)
		return -1;
	mem_split(mem, &s);
	out[n++] = (struct e820_entry){ 0, MEM_PVBUS_START, E820_RAM };
	out[n++] = (struct e820_entry){ MEM_PVBUS_START,
					MEM_BIOS_START - MEM_PVBUS_START,
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

int e820_encode(uint64_t mem, uint8_t *out, size_t cap)
{
	struct e820_entry e[E820_MAX_ENTRIES];
	int n = e820_build(mem, e, E820_MAX_ENTRIES);

	if (n < 0 || cap < (size_t)n * E820_ENTRY_BYTES)
		return -1;
	/* Explicit little-endian: the table's bytes do not depend on the
	 * host that computes them. */
	for (int i = 0; i < n; i++) {
		uint8_t *p = out + (size_t)i * E820_ENTRY_BYTES;

		put_le64(p, e[i].addr);
		put_le64(p + 8, e[i].size);
		put_le32(p + 16, e[i].type);
	}
	return n;
}
