// SPDX-License-Identifier: MIT
/* The PCI host bridge through configuration mechanism #1 and ECAM: what
 * the Linux probe reads (pci_check_type1, the sanity scan, the bus scan,
 * the extended config space size), and the access rules of pci_host.h for
 * everything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iobus.h"
#include "pci_host.h"

#include "mantle_bytes.h"

static struct iobus bus;
static struct pci_host host;

static int setup(void **state)
{
	(void)state;
	pci_host_reset(&host);
	iobus_init(&bus);
	return iobus_add(&bus, &pci_host_io_ops, &host);
}

static uint32_t in(uint16_t port, unsigned int size)
{
	uint8_t d[4] = { 0 };

	assert_int_equal(iobus_access(&bus, port, 0, d, size), 0);
	return size == 1 ? d[0] : size == 2 ? get_le16(d) : get_le32(d);
}

static void out(uint16_t port, unsigned int size, uint32_t v)
{
	uint8_t d[4];

	put_le32(d, v);
	assert_int_equal(iobus_access(&bus, port, 1, d, size), 0);
}

static uint32_t addr(unsigned int b, unsigned int dev, unsigned int fn,
		     unsigned int reg)
{
	return PCI_CONF1_ENABLE | ((reg & 0xF00) << 16) | b << 16 | dev << 11 |
	       fn << 8 | (reg & 0xFC);
}

/* Register reg of b:dev.fn, size bytes, as Linux's conf1 read does it. */
static uint32_t cfg_read(unsigned int b, unsigned int dev, unsigned int fn,
			 unsigned int reg, unsigned int size)
{
	out(0xCF8, 4, addr(b, dev, fn, reg));
	return in((uint16_t)(0xCFC + (reg & 3)), size);
}

/* pci_check_type1: the latch reads back, the byte write to 0xCFB is not a
 * latch write; the type-2 probe (bytes at 0xCF8/0xCFA read 0) fails. */
static void test_probe(void **state)
{
	(void)state;
	out(0xCFB, 1, 0x01);
	out(0xCF8, 4, 0x80000000);
	assert_int_equal(in(0xCF8, 4), 0x80000000);
	out(0xCFB, 1, 0x00);
	assert_int_equal(in(0xCF8, 4), 0x80000000);
	out(0xCF8, 1, 0x00);
	out(0xCFA, 1, 0x00);
	assert_int_equal(in(0xCF8, 1), 0xFF);
	assert_int_equal(in(0xCFA, 1), 0xFF);
	assert_int_equal(in(0xCF8, 2), 0xFFFF);
}

/* The sanity scan and the bus scan find one host bridge at 00:00.0. */
static void test_bridge_header(void **state)
{
	(void)state;
	assert_int_equal(cfg_read(0, 0, 0, 0x00, 2), PCI_HOST_VENDOR_ID);
	assert_int_equal(cfg_read(0, 0, 0, 0x02, 2), PCI_HOST_DEVICE_ID);
	assert_int_equal(cfg_read(0, 0, 0, 0x00, 4),
			 PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID);
	assert_int_equal(cfg_read(0, 0, 0, 0x0A, 2), 0x0600); /* class */
	assert_int_equal(cfg_read(0, 0, 0, 0x08, 4), PCI_HOST_CLASS << 8);
	assert_int_equal(cfg_read(0, 0, 0, 0x0B, 1), 0x06);
	assert_int_equal(cfg_read(0, 0, 0, 0x0E, 1), 0x00); /* type 0 */
	/* Command, status (no capability list), BARs, ROM, interrupt pin. */
	assert_int_equal(cfg_read(0, 0, 0, 0x04, 4), 0);
	for (unsigned int bar = 0x10; bar < 0x28; bar += 4)
		assert_int_equal(cfg_read(0, 0, 0, bar, 4), 0);
	assert_int_equal(cfg_read(0, 0, 0, 0x30, 4), 0);
	assert_int_equal(cfg_read(0, 0, 0, 0x34, 1), 0);
	assert_int_equal(cfg_read(0, 0, 0, 0x3D, 1), 0);
	/* Every byte agrees with a dword read of its register. */
	for (unsigned int r = 0; r < 0x100; r += 4) {
		uint32_t dw = cfg_read(0, 0, 0, r, 4);

		for (unsigned int b = 0; b < 4; b++)
			assert_int_equal(cfg_read(0, 0, 0, r + b, 1),
					 (dw >> (8 * b)) & 0xFF);
		assert_int_equal(cfg_read(0, 0, 0, r + 2, 2), dw >> 16);
	}
}

/* Registers 0x40 and up, extended ones (AMD's bits 27..24) included, are
 * unknown: all ones. */
static void test_unknown_registers(void **state)
{
	(void)state;
	assert_int_equal(cfg_read(0, 0, 0, 0x40, 4), 0xFFFFFFFF);
	assert_int_equal(cfg_read(0, 0, 0, 0xFC, 4), 0xFFFFFFFF);
	assert_int_equal(cfg_read(0, 0, 0, 0x100, 4), 0xFFFFFFFF);
	assert_int_equal(cfg_read(0, 0, 0, 0xF00, 2), 0xFFFF);
	/* Not an alias of register 0. */
	out(0xCF8, 4, 0x81000000);
	assert_int_equal(in(0xCF8, 4), 0x81000000);
	assert_int_equal(in(0xCFC, 4), 0xFFFFFFFF);
}

/* No other function exists on bus 0 or any other bus. */
static void test_no_other_function(void **state)
{
	(void)state;
	for (unsigned int devfn = 1; devfn < 256; devfn++)
		assert_int_equal(cfg_read(0, devfn >> 3, devfn & 7, 0, 4),
				 0xFFFFFFFF);
	for (unsigned int b = 1; b < 256; b++)
		assert_int_equal(cfg_read(b, 0, 0, 0, 2), 0xFFFF);
	assert_int_equal(pci_host_cfg_byte(0, 0, 0x1000), 0xFF);
	assert_int_equal(pci_host_cfg_byte(1, 0, 0), 0xFF);
}

/* Width and alignment rules of CONFIG_DATA; the enable bit. */
static void test_data_rules(void **state)
{
	(void)state;
	/* Enable bit clear: nothing is addressed. */
	out(0xCF8, 4, 0x00000000);
	assert_int_equal(in(0xCFC, 4), 0xFFFFFFFF);
	out(0xCF8, 4, addr(0, 0, 0, 0));
	/* Inside the dword: any byte, a word at 0xCFD too. */
	assert_int_equal(in(0xCFD, 1), PCI_HOST_VENDOR_ID >> 8);
	assert_int_equal(in(0xCFD, 2), (PCI_HOST_VENDOR_ID >>
					8) | (PCI_HOST_DEVICE_ID & 0xFF) << 8);
	/* Crossing the end of the data window: all ones. */
	assert_int_equal(in(0xCFE, 4), 0xFFFFFFFF);
	assert_int_equal(in(0xCFF, 2), 0xFFFF);
	assert_int_equal(in(0xCFD, 4), 0xFFFFFFFF);
	/* A dword access at 0xCF9..0xCFB is not the latch. */
	assert_int_equal(in(0xCF9, 4), 0xFFFFFFFF);
	out(0xCF9, 4, 0);
	assert_int_equal(in(0xCF8, 4), addr(0, 0, 0, 0));
}

/* The latch keeps the enable bit, the function and the register; reserved
 * bits read 0. The bridge is read-only. */
static void test_latch_and_writes(void **state)
{
	(void)state;
	out(0xCF8, 4, 0xFFFFFFFF);
	assert_int_equal(in(0xCF8, 4), PCI_CONF1_ADDR_MASK);
	out(0xCF8, 4, addr(0, 0, 0, 0x10));
	out(0xCFC, 4, 0xFFFFFFFF); /* BAR sizing */
	assert_int_equal(in(0xCFC, 4), 0);
	out(0xCF8, 4, addr(0, 0, 0, 0x04));
	out(0xCFC, 2, 0x0007); /* command */
	assert_int_equal(in(0xCFC, 2), 0);
	out(0xCF8, 4, addr(0, 0, 0, 0x00));
	out(0xCFC, 4, 0);
	assert_int_equal(in(0xCFC, 2), PCI_HOST_VENDOR_ID);
	/* The latch survives data accesses; a reset clears it. */
	assert_int_equal(in(0xCF8, 4), addr(0, 0, 0, 0));
	pci_host_reset(&host);
	assert_int_equal(in(0xCF8, 4), 0);
}

static uint32_t ecam_read(uint64_t addr, unsigned int len)
{
	uint8_t d[8];

	memset(d, 0, sizeof(d));
	assert_int_equal(pci_host_mmio(&host, addr, 0, d, len), 0);
	return len == 1 ? d[0] : len == 2 ? get_le16(d) : get_le32(d);
}

/* ECAM reaches the same registers as mechanism #1, extended ones too. */
static void test_ecam(void **state)
{
	uint8_t d[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

	(void)state;
	for (unsigned int r = 0; r < 0x100; r += 2)
		assert_int_equal(ecam_read(PCI_ECAM_GPA + r, 2),
				 cfg_read(0, 0, 0, r, 2));
	assert_int_equal(ecam_read(PCI_ECAM_GPA + 0x0A, 2), 0x0600);
	assert_int_equal(ecam_read(PCI_ECAM_GPA + 0x100, 4), 0xFFFFFFFF);
	assert_int_equal(ecam_read(PCI_ECAM_GPA + 0xFFC, 4), 0xFFFFFFFF);
	/* Other functions: 00:00.1, 00:01.0, 00:1f.7. */
	assert_int_equal(ecam_read(PCI_ECAM_GPA + 0x1000, 4), 0xFFFFFFFF);
	assert_int_equal(ecam_read(PCI_ECAM_GPA + 0x8000, 2), 0xFFFF);
	assert_int_equal(ecam_read(PCI_ECAM_GPA + PCI_ECAM_SIZE - 4, 4),
			 0xFFFFFFFF);
	/* Crossing a dword, or an 8-byte access: all ones. */
	assert_int_equal(ecam_read(PCI_ECAM_GPA + 0x2, 4), 0xFFFFFFFF);
	assert_int_equal(ecam_read(PCI_ECAM_GPA + 0x3, 2), 0xFFFF);
	assert_int_equal(pci_host_mmio(&host, PCI_ECAM_GPA, 0, d, 8), 0);
	assert_memory_equal(d, "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 8);
	/* Writes are ignored; outside the window nothing is touched. */
	put_le32(d, 0);
	assert_int_equal(pci_host_mmio(&host, PCI_ECAM_GPA, 1, d, 4), 0);
	assert_int_equal(ecam_read(PCI_ECAM_GPA, 2), PCI_HOST_VENDOR_ID);
	memset(d, 0x5A, sizeof(d));
	assert_int_equal(pci_host_mmio(&host, PCI_ECAM_GPA - 4, 0, d, 4), -1);
	assert_int_equal(
		pci_host_mmio(&host, PCI_ECAM_GPA + PCI_ECAM_SIZE, 0, d, 4),
		-1);
	assert_int_equal(pci_host_mmio(&host, 0, 0, d, 4), -1);
	assert_int_equal(pci_host_mmio(&host, ~0ull, 0, d, 4), -1);
	assert_memory_equal(d, "\x5A\x5A\x5A\x5A", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe, setup),
		cmocka_unit_test_setup(test_bridge_header, setup),
		cmocka_unit_test_setup(test_unknown_registers, setup),
		cmocka_unit_test_setup(test_no_other_function, setup),
		cmocka_unit_test_setup(test_data_rules, setup),
		cmocka_unit_test_setup(test_latch_and_writes, setup),
		cmocka_unit_test_setup(test_ecam, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
