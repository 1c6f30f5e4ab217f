/* SPDX-License-Identifier: MIT */
/*
 * Linux direct boot through the 64-bit boot protocol: where everything goes
 * in guest memory, the zero page (boot_params), identity page tables, GDT,
 * and the register state of the entry. Pure: writes into a host pointer to
 * guest RAM, so unit tests run it on an ordinary buffer.
 */
#ifndef MANTLE_VMM_BOOT_H
#define MANTLE_VMM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"

#define BOOT_GDT_GPA 0x500ull
#define BOOT_PARAMS_GPA 0x7000ull
#define BOOT_STACK_TOP 0x8FF0ull
#define BOOT_PML4_GPA 0x9000ull
#define BOOT_PDPT_GPA 0xA000ull
#define BOOT_PD_GPA 0xB000ull /* 4 pages: 2 MiB pages over 4 GiB */
#define BOOT_CMDLINE_GPA 0x20000ull
#define BOOT_LOW_END 0x21000ull /* all of the above lies below this */
/*
 * The BIOS entry F000:FFF0. There is no firmware, but Linux on a
 * hardware-reduced ACPI machine without EFI reboots by jumping there in
 * real mode (it chooses EFI, then BIOS, over the ACPI reset register), so
 * a 16-bit stub there writes the ACPI reset register.
 */
#define BOOT_RESET_STUB_GPA 0xFFFF0ull

#define BOOT_CS 0x10 /* the selectors the boot protocol asks for */
#define BOOT_DS 0x18

/* boot_params (struct boot_params in the kernel's bootparam.h) offsets. */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE 0x0C4
#define BP_EXT_CMD_LINE_PTR 0x0C8
#define BP_E820_ENTRIES 0x1E8
#define BP_SENTINEL 0x1EF
#define BP_E820_TABLE 0x2D0
#define BP_E820_MAX 128
#define BP_SIZE 4096

struct boot_plan {
	uint64_t kernel_gpa; /* protected-mode kernel loaded here */
	uint64_t kernel_end; /* kernel_gpa + init_size */
	uint64_t initrd_gpa; /* 0 without initrd */
	uint64_t initrd_size;
	uint64_t entry; /* 64-bit entry point */
};

/* Register state at the 64-bit entry (platform-neutral). */
struct boot_regs {
	uint64_t rip, rsi, rsp, rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds;
};

/*
 * Decide where the kernel and initrd go in low RAM [0, low_end). Fails with a
 * clear message when the kernel or initrd does not fit, or the command line
 * is longer than the kernel accepts.
 */
int boot_plan(const struct bzimage_info *bz, uint64_t low_end,
	      uint64_t initrd_size, size_t cmdline_len, struct boot_plan *out,
	      char *err, size_t errlen);

/*
 * Write the kernel, zero page, command line, page tables and GDT into ram
 * (low_end bytes of guest RAM at GPA 0). The initrd must already be at
 * plan->initrd_gpa. Returns 0 or -1 (e820 table too large).
 */
int boot_write(uint8_t *ram, uint64_t low_end, uint64_t mem_bytes,
	       const struct bzimage_info *bz, const uint8_t *img,
	       const struct boot_plan *plan, const char *cmdline,
	       size_t cmdline_len, uint64_t rsdp_gpa);

void boot_regs(const struct boot_plan *plan, struct boot_regs *regs);

#endif
