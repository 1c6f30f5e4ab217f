// SPDX-License-Identifier: MIT
/* The PCI host bridge and its configuration mechanism #1 (pci_host.h). */
#include "pci_host.h"

#include "mantle_bytes.h"

#include <string.h>

/* Type-0 header registers (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID 0x00u
#define PCI_DEVICE_ID 0x02u
#define PCI_CLASS_REVISION 0x08u /* revision, then the 24-bit class */
#define PCI_HEADER_TYPE 0x0Eu

#define PCI_HEADER_TYPE_NORMAL 0x00u /* type 0, single function */

/* The named fields of the bridge's header; all the rest of it reads 0. */
static const struct cfg_field {
	uint8_t reg, size;
	uint32_t value;
} bridge_header[] = {
	{ PCI_VENDOR_ID, 2, PCI_HOST_VENDOR_ID },
	{ PCI_DEVICE_ID, 2, PCI_HOST_DEVICE_ID },
	{ PCI_CLASS_REVISION, 4, PCI_HOST_CLASS << 8 }, /* revision 0 */
	{ PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL },
};

#define N_FIELDS (sizeof(bridge_header) / sizeof(bridge_header[0]))

static uint8_t bridge_byte(unsigned int reg)
{
	if (reg >= PCI_CFG_HEADER_END)
		return 0xFF; /* unknown */
	for (unsigned int i = 0; i < N_FIELDS; i++) {
		const struct cfg_field *f = &bridge_header[i];

		if (reg >= f->reg && reg < (unsigned int)f->reg + f->size)
			return (uint8_t)(f->value >> (8 * (reg - f->reg)));
	}
	return 0;
}

uint8_t pci_host_cfg_byte(unsigned int bus, unsigned int devfn,
			  unsigned int reg)
{
	if (bus != 0 || devfn != 0 || reg > 0xFFF)
		return 0xFF;
	return bridge_byte(reg);
}

static int size_ok(unsigned int size)
{
	return size == 1 || size == 2 || size == 4;
}

/* size bytes from register reg of bus/devfn: all ones unless size is 1, 2
 * or 4 and the bytes lie inside one aligned dword. */
static void cfg_read(unsigned int bus, unsigned int devfn, unsigned int reg,
		     uint8_t *data, unsigned int size)
{
	memset(data, 0xFF, size);
	if (!size_ok(size) || (reg & 3) + size > 4)
		return;
	for (unsigned int i = 0; i < size; i++)
		data[i] = pci_host_cfg_byte(bus, devfn, reg + i);
}

void pci_host_reset(struct pci_host *h)
{
	__atomic_store_n(&h->addr, 0, __ATOMIC_RELAXED);
}

/* The register a CONFIG_DATA access at byte b starts at, or -1 when the
 * latch does not enable an access (its size is cfg_read()'s to check). */
static int data_target(uint32_t addr, unsigned int b, unsigned int *bus,
		       unsigned int *devfn)
{
	if (!(addr & PCI_CONF1_ENABLE))
		return -1;
	*bus = (addr >> 16) & 0xFF;
	*devfn = (addr >> 8) & 0xFF;
	return (int)(((addr >> 16) & 0xF00) | (addr & 0xFC) | b);
}

void pci_host_read(struct pci_host *h, uint16_t off, uint8_t *data,
		   unsigned int size)
{
	uint32_t addr = __atomic_load_n(&h->addr, __ATOMIC_RELAXED);
	unsigned int bus, devfn;
	int reg;

	memset(data, 0xFF, size);
	if (off == 0 && size == 4) {
		put_le32(data, addr);
		return;
	}
	if (off < PCI_CONF1_DATA || off >= PCI_CONF1_PORTS)
		return;
	reg = data_target(addr, off - PCI_CONF1_DATA, &bus, &devfn);
	if (reg >= 0)
		cfg_read(bus, devfn, (unsigned int)reg, data, size);
}

void pci_host_write(struct pci_host *h, uint16_t off, const uint8_t *data,
		    unsigned int size)
{
	/* CONFIG_DATA: every register that exists is read-only. */
	if (off != 0 || size != 4)
		return;
	__atomic_store_n(&h->addr, get_le32(data) & PCI_CONF1_ADDR_MASK,
			 __ATOMIC_RELAXED);
}

int pci_host_mmio(struct pci_host *h, uint64_t addr, int is_write,
		  uint8_t *data, unsigned int len)
{
	uint64_t off = addr - PCI_ECAM_GPA;

	(void)h; /* ECAM needs no latch */
	if (addr < PCI_ECAM_GPA || off >= PCI_ECAM_SIZE)
		return -1;
	/* Every register that exists is read-only. */
	if (!is_write)
		cfg_read(0, (unsigned int)(off >> 12),
			 (unsigned int)(off & 0xFFF), data, len);
	return 0;
}

static void io_read(void *priv, uint16_t off, uint8_t *data, unsigned int size)
{
	pci_host_read(priv, off, data, size);
}

static void io_write(void *priv, uint16_t off, const uint8_t *data,
		     unsigned int size)
{
	pci_host_write(priv, off, data, size);
}

const struct io_ops pci_host_io_ops = {
	.name = "pci-conf1",
	.base = PCI_CONF1_PORT,
	.len = PCI_CONF1_PORTS,
	.read = io_read,
	.write = io_write,
};

static void ecam_read(void *priv, uint64_t off, uint8_t *data, unsigned int len)
{
	pci_host_mmio(priv, PCI_ECAM_GPA + off, 0, data, len);
}

static void ecam_write(void *priv, uint64_t off, const uint8_t *data,
		       unsigned int len)
{
	(void)priv; /* every register that exists is read-only */
	(void)off;
	(void)data;
	(void)len;
}

const struct mmio_ops pci_ecam_mmio_ops = {
	.name = "pci-ecam",
	.base = PCI_ECAM_GPA,
	.len = PCI_ECAM_SIZE,
	.read = ecam_read,
	.write = ecam_write,
};
