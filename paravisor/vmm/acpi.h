/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for the guest: RSDP, XSDT, FADT (hardware-reduced), MADT, MCFG
 * (with the PCI host bridge) and a DSDT describing the devices
 * mantle-paravisor emulates.
 *
 * A pure function of its inputs (no KVM, no I/O), so that `mantle measure`
 * (host) links this file and computes the same bytes, hence the same
 * measurement, as mantle-paravisor loads into the guest.
 */
#ifndef MANTLE_VMM_ACPI_H
#define MANTLE_VMM_ACPI_H

#include <stddef.h>
#include <stdint.h>

/* Guest-physical address of the table region; the RSDP is its first byte
 * (inside the 0xE0000..0xFFFFF area a guest scans for "RSD PTR "). */
#define ACPI_TABLES_GPA 0xE0000u
/* Room for the region: up to ACPI_TPM_LOG_GPA. */
#define ACPI_TABLES_MAX 0x8000u
/*
 * The vTPM's TCG event log area (paravisor/MEASUREMENT.md, "Level 2 in the
 * TPM"), published by the TPM2 table's LAML (its length) and LASA (its
 * address): right after the tables, inside the e820 reserved range
 * 0xE0000..0x100000 (e820.h), below 0xF0000 where a guest scans for MP and
 * SMBIOS entry points. mantle-paravisor writes the log there, zero-padded,
 * at each boot with a vTPM (vtpm_measure.c).
 */
#define ACPI_TPM_LOG_GPA 0xE8000u
#define ACPI_TPM_LOG_LEN 0x8000u

#define ACPI_MAX_CPUS 8u

/* Device set (bits of acpi_config.devices). */
#define ACPI_DEV_COM1 (1u << 0) /* 16550 at 0x3F8, IRQ 4 */
#define ACPI_DEV_PVPANIC (1u << 1) /* "QEMU0001" at port 0x505 */
/* The host-notification device (hostnotify.h): "MNTL0001", its 8 ports at
 * 0x610 and IRQ 5; the guest's mantle_notify driver binds it. */
#define ACPI_DEV_HOSTNOTIFY (1u << 2)
/* The PCI host bridge PCI0 (PNP0A03): segment 0, bus 0, configuration
 * mechanism #1 at 0xCF8..0xCFF and ECAM (the MCFG table, its window
 * reserved by the PNP0C02 device ECAM); pci_host.h. */
#define ACPI_DEV_PCI0 (1u << 3)
/* The vTPM's CRB interface (tpm_crb.h): the DSDT device TPM0 ("MSFT0101",
 * its 5 locality pages at 0xFED40000) and the TPM2 table (start method 7,
 * Command Response Buffer). */
#define ACPI_DEV_TPM_CRB (1u << 4)
/* The vTPM's TIS (FIFO) interface (tpm_tis.h), the other choice: the same
 * DSDT device TPM0 and the TPM2 table with start method 6 (TIS, memory
 * mapped) and no control area. At most one of the two. */
#define ACPI_DEV_TPM_TIS (1u << 5)
#define ACPI_DEV_TPM (ACPI_DEV_TPM_CRB | ACPI_DEV_TPM_TIS)
#define ACPI_DEV_KNOWN                                            \
	(ACPI_DEV_COM1 | ACPI_DEV_PVPANIC | ACPI_DEV_HOSTNOTIFY | \
	 ACPI_DEV_PCI0 | ACPI_DEV_TPM)
/* The devices of mantle-paravisor's machine: what load.c builds and what
 * `mantle measure` recomputes (one definition for both), with the vTPM
 * interface tpm: ACPI_DEV_TPM_CRB (the default), ACPI_DEV_TPM_TIS, or 0
 * under --tpm none (acpi_machine_devices). */
#define ACPI_DEV_MACHINE                                          \
	(ACPI_DEV_COM1 | ACPI_DEV_PVPANIC | ACPI_DEV_HOSTNOTIFY | \
	 ACPI_DEV_PCI0 | ACPI_DEV_TPM_CRB)
static inline uint32_t acpi_machine_devices(uint32_t tpm)
{
	return (ACPI_DEV_MACHINE & ~ACPI_DEV_TPM) | (tpm & ACPI_DEV_TPM);
}

/* The ACPI power-management block: hardware-reduced sleep control/status
 * and reset registers, one byte each in I/O space. */
#define ACPI_PM_SLEEP_CONTROL_PORT 0x600u
#define ACPI_PM_SLEEP_STATUS_PORT 0x601u
#define ACPI_PM_RESET_PORT 0x602u
#define ACPI_PM_PORTS 3u
#define ACPI_PM_RESET_VALUE 0x01u
/* SLP_TYP of \_S5 in the DSDT; the guest writes it to the sleep control
 * register as (SLP_TYP << 2) | SLP_EN. */
#define ACPI_S5_SLP_TYP 5u
#define ACPI_SLP_TYP_SHIFT 2
#define ACPI_SLP_TYP_MASK 0x1Cu
#define ACPI_SLP_EN 0x20u

#define ACPI_IOAPIC_GPA 0xFEC00000u
/* The TPM's five locality pages, CRB or TIS (tpm_crb.h and tpm_tis.h
 * assert these are their values), and the CRB's control area. */
#define ACPI_TPM_GPA 0xFED40000u
#define ACPI_TPM_SIZE 0x5000u
#define ACPI_TPM_CRB_GPA ACPI_TPM_GPA
#define ACPI_TPM_CRB_SIZE ACPI_TPM_SIZE
#define ACPI_TPM_CRB_CONTROL_AREA (ACPI_TPM_CRB_GPA + 0x40u)
/* The CRB's command/response buffer: one page of plain memory after the
 * locality pages, TPM0's second _CRS range (CRB only). */
#define ACPI_TPM_CRB_BUF_GPA (ACPI_TPM_GPA + ACPI_TPM_SIZE)
#define ACPI_TPM_CRB_BUF_SIZE 0x1000u
/* The TPM2 table (TCG ACPI Specification, revision 4 layout): header,
 * platform class, reserved, control area, start method, 12 bytes of start
 * method parameters, then the log area minimum length (LAML, le32) and
 * start address (LASA, le64). */
#define ACPI_TPM2_LEN 76u
#define ACPI_TPM2_LAML_OFF 64u
#define ACPI_TPM2_LASA_OFF 68u
#define ACPI_TPM2_REVISION 4u
#define ACPI_TPM2_CLASS_CLIENT 0u
#define ACPI_TPM2_START_TIS 6u /* "TIS 1.2 / FIFO, memory mapped" */
#define ACPI_TPM2_START_CRB 7u
#define ACPI_LAPIC_GPA 0xFEE00000u

struct acpi_config {
	unsigned int cpus; /* 1..ACPI_MAX_CPUS; APIC ids 0..cpus-1 */
	uint64_t
		mem_bytes; /* guest RAM (part of the input; no table uses it yet) */
	uint32_t devices; /* ACPI_DEV_* */
};

/*
 * Build the table region for cfg into buf (cap bytes), as it must appear at
 * ACPI_TABLES_GPA. On success returns 0 and sets *len to the region size;
 * -1 on an invalid cfg or a too small buf.
 */
int acpi_build(const struct acpi_config *cfg, uint8_t *buf, size_t cap,
	       size_t *len);

/* Offsets of the tables inside the region (for tests and debugging). */
struct acpi_layout {
	/* mcfg, tpm2: 0 if none */
	size_t rsdp, xsdt, fadt, madt, mcfg, tpm2, dsdt, end;
};
void acpi_layout(const struct acpi_config *cfg, struct acpi_layout *out);

#endif
