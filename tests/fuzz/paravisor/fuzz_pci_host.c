// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the PCI host bridge's access decoders (configuration mechanism
 * #1 and ECAM) under arbitrary guest accesses. Input: records of 6 bytes
 * (op, size, value le32); op bit 0 chooses write, bit 4 an MMIO access
 * around the ECAM window at an address taken from value, else bits 1..3
 * the port offset. Checks the rules of pci_host.h against an independent
 * model of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pci_host.h"

#include "mantle_bytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a read must return, from the rules alone. */
static void expect_read(uint32_t latch, unsigned int off, unsigned int n,
			uint8_t *want)
{
	unsigned int b = off - PCI_CONF1_DATA;
	unsigned int reg = ((latch >> 16) & 0xF00) | (latch & 0xFC);
	int bridge = (latch & PCI_CONF1_ENABLE) && ((latch >> 8) & 0xFFFF) == 0;

	memset(want, 0xFF, n);
	if (off == 0 && n == 4) {
		put_le32(want, latch);
		return;
	}
	if (off < PCI_CONF1_DATA || !(n == 1 || n == 2 || n == 4) ||
	    b + n > 4 || !bridge)
		return;
	for (unsigned int i = 0; i < n; i++)
		want[i] = reg + b + i < PCI_CFG_HEADER_END ?
				  pci_host_cfg_byte(0, 0, reg + b + i) :
				  0xFF;
}

/* A register of the bridge as the rules have it, n bytes from reg. */
static void expect_cfg(unsigned int devfn, unsigned int reg, unsigned int n,
		       uint8_t *want)
{
	memset(want, 0xFF, n);
	if (devfn != 0 || !(n == 1 || n == 2 || n == 4) || (reg & 3) + n > 4)
		return;
	for (unsigned int i = 0; i < n; i++)
		want[i] = reg + i < PCI_CFG_HEADER_END ?
				  pci_host_cfg_byte(0, 0, reg + i) :
				  0xFF;
}

/* An MMIO access somewhere from 4 KiB below to 4 KiB above the window. */
static void ecam_access(struct pci_host *h, uint32_t v, int is_write,
			unsigned int n)
{
	uint64_t addr =
		(uint64_t)PCI_ECAM_GPA - 4096 + v % (PCI_ECAM_SIZE + 8192);
	uint64_t off = addr - PCI_ECAM_GPA;
	int inside = addr >= PCI_ECAM_GPA && off < PCI_ECAM_SIZE;
	uint8_t buf[8], before[8], want[8];

	memset(buf, 0xA5, sizeof(buf));
	memcpy(before, buf, sizeof(buf));
	if (pci_host_mmio(h, addr, is_write, buf, n) != (inside ? 0 : -1))
		abort();
	if (!inside || is_write) {
		if (memcmp(buf, before, sizeof(buf)) != 0)
			abort();
		return;
	}
	expect_cfg((unsigned int)(off >> 12), (unsigned int)(off & 0xFFF), n,
		   want);
	if (memcmp(buf, want, n) != 0 ||
	    memcmp(buf + n, before + n, sizeof(buf) - n) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_host h;
	uint32_t latch = 0;

	pci_host_reset(&h);
	for (size_t i = 0; i + 6 <= size; i += 6) {
		unsigned int off = (data[i] >> 1) & 7, n = data[i + 1] % 9;
		uint8_t buf[8], want[8], before[8];

		if (data[i] & 0x10) {
			ecam_access(&h, get_le32(data + i + 2), data[i] & 1, n);
			continue;
		}
		memcpy(buf, data + i + 2, 4);
		memset(buf + 4, 0xA5, 4);
		if (data[i] & 1) {
			pci_host_write(&h, (uint16_t)off, buf, n);
			if (off == 0 && n == 4)
				latch = get_le32(buf) & PCI_CONF1_ADDR_MASK;
			if (h.addr != latch)
				abort();
			continue;
		}
		expect_read(latch, off, n, want);
		memcpy(before, buf, sizeof(buf));
		pci_host_read(&h, (uint16_t)off, buf, n);
		/* The right bytes, and none written past the access. */
		if (memcmp(buf, want, n) != 0 ||
		    memcmp(buf + n, before + n, sizeof(buf) - n) != 0)
			abort();
	}
	return 0;
}
