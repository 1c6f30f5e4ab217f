// SPDX-License-Identifier: MIT
/* 64-bit Linux boot protocol set-up in guest memory. */
#include "boot.h"
#include "acpi.h"
#include "e820.h"
#include "errf.h"

#include "mantle_bytes.h"

#include <string.h>

_Static_assert(E820_MAX_ENTRIES <= BP_E820_MAX,
	       "boot_params holds every e820 entry");
_Static_assert(BP_E820_TABLE + BP_E820_MAX * E820_ENTRY_BYTES <= BP_SIZE,
	       "e820_table lies inside boot_params");

#define PAGE 4096ull
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull
#define CR0_PE 0x1ull
#define CR0_ET 0x10ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull

int boot_plan(const struct bzimage_info *bz, uint64_t low_end,
	      uint64_t initrd_size, size_t cmdline_len, struct boot_plan *out,
	      char *err, size_t errlen)
{
	uint64_t top;

	if (cmdline_len > bz->cmdline_size ||
	    cmdline_len >= BOOT_LOW_END - BOOT_CMDLINE_GPA)
		return errf(err, errlen,
			    "command line of %zu bytes exceeds the kernel's "
			    "limit of %u",
			    cmdline_len, bz->cmdline_size);
	/* The relocatable kernel decompresses itself at pref_address, a
	 * non-relocatable one must run there: load it there either way. */
	out->kernel_gpa = bz->pref_address;
	out->kernel_end = bz->pref_address + bz->init_size;
	out->entry = out->kernel_gpa + 0x200; /* 64-bit entry */
	if (out->kernel_end > low_end)
		return errf(
			err, errlen,
			"kernel needs memory up to %llu MiB; guest has %llu "
			"MiB below 3 GiB",
			(unsigned long long)(out->kernel_end >> 20),
			(unsigned long long)(low_end >> 20));
	out->initrd_size = initrd_size;
	out->initrd_gpa = 0;
	if (initrd_size == 0)
		return 0;
	/* As high as the kernel allows, page aligned, above the kernel. */
	top = low_end;
	if ((uint64_t)bz->initrd_addr_max + 1 < top)
		top = (uint64_t)bz->initrd_addr_max + 1;
	if (initrd_size > top ||
	    ((top - initrd_size) & ~(PAGE - 1)) <
		    ((out->kernel_end + PAGE - 1) & ~(PAGE - 1)))
		return errf(err, errlen,
			    "initrd too large for guest memory: %llu bytes do "
			    "not fit between the kernel's end (0x%llx) and "
			    "0x%llx",
			    (unsigned long long)initrd_size,
			    (unsigned long long)out->kernel_end,
			    (unsigned long long)top);
	out->initrd_gpa = (top - initrd_size) & ~(PAGE - 1);
	return 0;
}

/* Identity map of the first 4 GiB with 2 MiB pages. */
static void write_page_tables(uint8_t *ram)
{
	uint8_t *pml4 = ram + BOOT_PML4_GPA;
	uint8_t *pdpt = ram + BOOT_PDPT_GPA;
	uint8_t *pd = ram + BOOT_PD_GPA;

	memset(pml4, 0, PAGE * 6);
	put_le64(pml4, BOOT_PDPT_GPA | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < 4; i++)
		put_le64(pdpt + 8 * i,
			 (BOOT_PD_GPA + i * PAGE) | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < 4 * 512; i++)
		put_le64(pd + 8 * i, (i << 21) | PTE_P | PTE_RW | PTE_PS);
}

static void write_gdt(uint8_t *ram)
{
	uint8_t *gdt = ram + BOOT_GDT_GPA;

	memset(gdt, 0, 32);
	put_le64(gdt + BOOT_CS, 0x00AF9B000000FFFFull); /* 64-bit code */
	put_le64(gdt + BOOT_DS, 0x00CF93000000FFFFull); /* flat data */
}

static void write_reset_stub(uint8_t *ram)
{
	const uint8_t stub[] = {
		0xBA,
		ACPI_PM_RESET_PORT & 0xFF,
		ACPI_PM_RESET_PORT >> 8,
		0xB0,
		ACPI_PM_RESET_VALUE, /* mov dx, port; mov al, value */
		0xEE, /* out dx, al */
		0xF4,
		0xEB,
		0xFD, /* hlt; jmp hlt */
	};

	memset(ram + BOOT_RESET_STUB_GPA, 0, 16);
	memcpy(ram + BOOT_RESET_STUB_GPA, stub, sizeof(stub));
}

int boot_write(uint8_t *ram, uint64_t low_end, uint64_t mem_bytes,
	       const struct bzimage_info *bz, const uint8_t *img,
	       const struct boot_plan *plan, const char *cmdline,
	       size_t cmdline_len, uint64_t rsdp_gpa)
{
	uint8_t *bp = ram + BOOT_PARAMS_GPA;
	uint8_t e820[E820_TABLE_MAX];
	int n;

	if (low_end < plan->kernel_end || low_end < BOOT_LOW_END)
		return -1;
	n = e820_encode(mem_bytes, e820, sizeof(e820));
	if (n < 0)
		return -1;
	memcpy(ram + plan->kernel_gpa, img + bz->kernel_off, bz->kernel_size);

	memset(bp, 0, BP_SIZE);
	memcpy(bp + BZ_HDR_START, img + BZ_HDR_START,
	       bz->hdr_end - BZ_HDR_START);
	bp[BZ_TYPE_OF_LOADER] = 0xFF; /* undefined loader */
	bp[BZ_LOADFLAGS] = bz->loadflags | BZ_CAN_USE_HEAP;
	put_le16(bp + BZ_HEAP_END_PTR, 0xFE00);
	put_le32(bp + BZ_CMD_LINE_PTR, (uint32_t)BOOT_CMDLINE_GPA);
	put_le32(bp + BZ_RAMDISK_IMAGE, (uint32_t)plan->initrd_gpa);
	put_le32(bp + BZ_RAMDISK_SIZE, (uint32_t)plan->initrd_size);
	put_le32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(plan->initrd_gpa >> 32));
	put_le32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(plan->initrd_size >> 32));
	put_le64(bp + BP_ACPI_RSDP_ADDR, rsdp_gpa);
	bp[BP_E820_ENTRIES] = (uint8_t)n;
	memcpy(bp + BP_E820_TABLE, e820, E820_ENTRY_BYTES * (size_t)n);

	memset(ram + BOOT_CMDLINE_GPA, 0, BOOT_LOW_END - BOOT_CMDLINE_GPA);
	memcpy(ram + BOOT_CMDLINE_GPA, cmdline, cmdline_len);

	write_page_tables(ram);
	write_gdt(ram);
	write_reset_stub(ram);
	return 0;
}

void boot_regs(const struct boot_plan *plan, struct boot_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->rip = plan->entry;
	r->rsi = BOOT_PARAMS_GPA;
	r->rsp = BOOT_STACK_TOP;
	r->rflags = 0x2;
	r->cr0 = CR0_PE | CR0_ET | CR0_PG;
	r->cr3 = BOOT_PML4_GPA;
	r->cr4 = CR4_PAE;
	r->efer = EFER_LME | EFER_LMA;
	r->gdt_base = BOOT_GDT_GPA;
	r->gdt_limit = 31;
	r->cs = BOOT_CS;
	r->ds = BOOT_DS;
}
