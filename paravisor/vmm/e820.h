/* SPDX-License-Identifier: MIT */
/*
 * The guest-physical memory map and its e820 table (boot_params.e820_table).
 *
 *   0        .. 0x98000      RAM (boot structures; the kernel reuses it)
 *   0x98000  .. 0xA0000      reserved: the pv bus control area (pvbus.h)
 *                            from 0x98000, the EBDA's place at 0x9FC00
 *   0xE0000  .. 0x100000     reserved: ACPI tables, then the vTPM's event
 *                            log area at 0xE8000 (acpi.h)
 *   0x100000 .. low_end      RAM, low_end = min(mem, 3 GiB)
 *   3 GiB    .. 4 GiB        hole: IOAPIC, LAPIC, KVM's TSS pages
 *   4 GiB    .. 4 GiB + rest RAM, when mem > 3 GiB
 */
#ifndef MANTLE_VMM_E820_H
#define MANTLE_VMM_E820_H

#include <stddef.h>
#include <stdint.h>

#define E820_RAM 1u
#define E820_RESERVED 2u

/* Reserved below 640 KiB: the pv bus control area, then the EBDA's place. */
#define MEM_PVBUS_START 0x98000ull
#define MEM_PVBUS_END 0x9FC00ull
#define MEM_EBDA_START 0x9FC00ull
#define MEM_BIOS_START 0xA0000ull
#define MEM_ACPI_START 0xE0000ull
#define MEM_HIGH_1M 0x100000ull
#define MEM_LOW_MAX 0xC0000000ull
#define MEM_HIGH_BASE 0x100000000ull

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry is 20 bytes");

struct mem_split {
	uint64_t low_end; /* RAM [0, low_end) */
	uint64_t high_size; /* RAM [MEM_HIGH_BASE, + high_size) */
};

/* Where mem bytes of guest RAM go. mem must be >= 2 MiB. */
void mem_split(uint64_t mem, struct mem_split *out);

/* Fill out (cap entries); returns the count, or -1 if cap is too small or
 * mem is below 2 MiB. */
int e820_build(uint64_t mem, struct e820_entry *out, unsigned int cap);

/* Bytes of one entry in boot_params.e820_table: le64 addr, le64 size, le32
 * type (the kernel's struct boot_e820_entry). */
#define E820_ENTRY_BYTES 20u
/* The most entries e820_build() ever returns. */
#define E820_MAX_ENTRIES 5u
#define E820_TABLE_MAX (E820_MAX_ENTRIES * E820_ENTRY_BYTES)

/*
 * The e820 table for mem bytes of guest RAM, encoded exactly as it is written
 * into boot_params.e820_table: count entries of E820_ENTRY_BYTES each. Used by
 * boot_write() and, offline, by `mantle measure` (the guest memory map event
 * of paravisor/MEASUREMENT.md), so both see the same bytes. Returns the entry
 * count, or -1 as e820_build() does or if cap < count * E820_ENTRY_BYTES.
 */
int e820_encode(uint64_t mem, uint8_t *out, size_t cap);

#endif
