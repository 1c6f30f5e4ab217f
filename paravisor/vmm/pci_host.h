/* SPDX-License-Identifier: MIT */
/*
 * The guest's PCI host bridge: one bus, 0, whose only function is the
 * bridge itself at 00:00.0 (class 06/00/00, no BARs, no capabilities, no
 * interrupt). Its configuration space is reached two ways, which decode to
 * the same registers: configuration mechanism #1 (ports 0xCF8..0xCFF,
 * registers 0..0xFF as Linux uses it) and ECAM (memory-mapped, all 4 KiB;
 * the MCFG table). The DSDT describes the bridge as \_SB.PCI0 and
 * reserves the ECAM window in \_SB.ECAM (PNP0C02), as PCI Firmware 3.3
 * wants (acpi.c). Mantle exposes no PCI device yet; a new one gets a
 * function here and a row in pci_host.c.
 *
 * Access rules (every guest access is decoded by these, nothing else):
 *
 *   CONFIG_ADDRESS  0xCF8, 4-byte accesses only. A write latches the value
 *                   with bits 30..28 and 1..0 cleared (reserved, read as
 *                   0); a read returns the latch. Bits 27..24 are kept:
 *                   they carry register bits 11..8 (AMD's extended
 *                   configuration access), so registers 0x100 and up are
 *                   addressed, and unknown.
 *   0xCF8..0xCFB    any other access: reads all ones, writes ignored.
 *   CONFIG_DATA     0xCFC..0xCFF, an access of 1, 2 or 4 bytes at byte b
 *                   of the dword with b + size <= 4; it reaches register
 *                   (latch & 0xFC) + b (+ bits 27..24 << 8) of the function
 *                   the latch names, if its enable bit (31) is set.
 *                   Otherwise (enable clear, crossing the dword, another
 *                   size) reads are all ones and writes are ignored.
 *   ECAM            PCI_ECAM_GPA + (devfn << 12) + register, bus 0 only
 *                   (PCI_ECAM_SIZE): an access of 1, 2 or 4 bytes inside
 *                   one aligned dword reaches that register; any other
 *                   access in the window reads all ones, writes ignored.
 *   Functions       only 00:00.0 exists: any other bus, device or
 *                   function reads all ones (no device), writes ignored.
 *   00:00.0         read-only: its type-0 header (0x00..0x3F) reads as
 *                   below, every field not named 0; registers 0x40 and up
 *                   are unknown and read all ones; every write is ignored.
 */
#ifndef MANTLE_VMM_PCI_HOST_H
#define MANTLE_VMM_PCI_HOST_H

#include <stdint.h>

#include "iobus.h"
#include "mmiobus.h"

#define PCI_CONF1_PORT 0xCF8u
#define PCI_CONF1_PORTS 8u
#define PCI_CONF1_DATA 4u /* CONFIG_DATA's offset from PCI_CONF1_PORT */
#define PCI_CONF1_ENABLE 0x80000000u
/* The bits of CONFIG_ADDRESS that are kept (see above). */
#define PCI_CONF1_ADDR_MASK 0x8FFFFFFCu

/* The bridge's identity. Mantle has no PCI vendor ID of its own: it uses
 * the ID Red Hat assigned to a virtual "PCIe host bridge" (1b36:0008),
 * which no Linux driver or quirk binds to; the class is what the guest
 * relies on (a host bridge, 06/00/00). */
#define PCI_HOST_VENDOR_ID 0x1B36u
#define PCI_HOST_DEVICE_ID 0x0008u
#define PCI_HOST_CLASS 0x060000u /* base class, subclass, prog-if */

/* The ECAM window of bus 0 (256 functions of 4 KiB), in the 3..4 GiB hole
 * below the IOAPIC (e820.h). */
#define PCI_ECAM_GPA 0xE0000000u
#define PCI_ECAM_SIZE 0x100000u

/* Config space: registers 0..PCI_CFG_HEADER_END-1 are the type-0 header. */
#define PCI_CFG_HEADER_END 0x40u

struct pci_host {
	uint32_t addr; /* the CONFIG_ADDRESS latch; atomic */
};

void pci_host_reset(struct pci_host *h);
/* An access at off (0..PCI_CONF1_PORTS-1) of size bytes at data. */
void pci_host_read(struct pci_host *h, uint16_t off, uint8_t *data,
		   unsigned int size);
void pci_host_write(struct pci_host *h, uint16_t off, const uint8_t *data,
		    unsigned int size);
/* An MMIO access of len bytes at guest-physical addr: 0 if it falls in the
 * ECAM window (and was handled), -1 if not (nothing done). */
int pci_host_mmio(struct pci_host *h, uint64_t addr, int is_write,
		  uint8_t *data, unsigned int len);
/* Register reg (0..4095) of function devfn on bus: one byte, 0xFF where
 * nothing is. */
uint8_t pci_host_cfg_byte(unsigned int bus, unsigned int devfn,
			  unsigned int reg);

/* State on the bus: the struct pci_host. */
extern const struct io_ops pci_host_io_ops;
/* The ECAM window on the MMIO bus; its state is the struct pci_host. */
extern const struct mmio_ops pci_ecam_mmio_ops;

#endif
