// SPDX-License-Identifier: MIT
/* The ACPI tables: checksums, lengths, pointers, MADT entries per vCPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "acpi.h"
#include "aml.h"
#include "pci_host.h"
#include "mantle_bytes.h"

static uint8_t buf[ACPI_TABLES_MAX];

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* The table at guest address gpa: signature, in the region, checksum 0. */
static const uint8_t *table(uint64_t gpa, size_t len, const char *sig)
{
	const uint8_t *t;

	assert_true(gpa >= ACPI_TABLES_GPA && gpa < ACPI_TABLES_GPA + len);
	t = buf + (gpa - ACPI_TABLES_GPA);
	assert_memory_equal(t, sig, 4);
	assert_true(gpa - ACPI_TABLES_GPA + get_le32(t + 4) <= len);
	assert_int_equal(sum(t, get_le32(t + 4)), 0);
	return t;
}

static size_t build(unsigned int cpus)
{
	struct acpi_config c = { cpus, 256ull << 20, ACPI_DEV_MACHINE };
	size_t len = 0;

	memset(buf, 0xAA, sizeof(buf));
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), 0);
	assert_true(len > 36 && len <= ACPI_TABLES_MAX);
	return len;
}

/* \_SB.PCI0: PNP0A03 (0x030AD041), segment 0, bus 0, and a _CRS with the
 * bus range 0..0 and the configuration ports 0xCF8..0xCFF. */
static void check_pci0(const uint8_t *dsdt, size_t n)
{
	static const uint8_t bus0[16] = { 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00,
					  0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
					  0x00, 0x00, 0x01, 0x00 };
	uint8_t io[8] = { 0x47, 0x01 }, mem[12] = { 0x86, 0x09, 0x00, 0x01 };

	/* The values of pci_host.h, as acpi.c's literal bytes must hold. */
	put_le16(io + 2, PCI_CONF1_PORT);
	put_le16(io + 4, PCI_CONF1_PORT);
	io[6] = 1;
	io[7] = PCI_CONF1_PORTS;
	put_le32(mem + 4, PCI_ECAM_GPA);
	put_le32(mem + 8, PCI_ECAM_SIZE);

	assert_non_null(memmem(dsdt, n, "PCI0", 4));
	assert_non_null(memmem(dsdt, n, "_HID\x0C\x41\xD0\x0A\x03", 9));
	assert_non_null(memmem(dsdt, n, "_SEG\x00", 5));
	assert_non_null(memmem(dsdt, n, "_BBN\x00", 5));
	assert_non_null(memmem(dsdt, n, bus0, sizeof(bus0)));
	assert_non_null(memmem(dsdt, n, io, sizeof(io)));
	/* \_SB.ECAM: PNP0C02 (0x020CD041) reserving the ECAM window with
	 * Memory32Fixed (ReadWrite, PCI_ECAM_GPA, PCI_ECAM_SIZE). */
	assert_non_null(memmem(dsdt, n, "ECAM", 4));
	assert_non_null(memmem(dsdt, n, "_HID\x0C\x41\xD0\x0C\x02", 9));
	assert_non_null(memmem(dsdt, n, mem, sizeof(mem)));
}

/* MCFG: one allocation, the ECAM window of segment 0, bus 0. */
static void check_mcfg(const uint8_t *mcfg)
{
	assert_int_equal(get_le32(mcfg + 4), 36 + 8 + 16);
	assert_int_equal(mcfg[8], 1);
	assert_int_equal(get_le64(mcfg + 44), PCI_ECAM_GPA);
	assert_int_equal(get_le16(mcfg + 52), 0);
	assert_int_equal(mcfg[54], 0);
	assert_int_equal(mcfg[55], 0);
}

/* TPM2 (TCG ACPI Specification, rev 4 layout), every byte after the
 * header: client platform, the CRB control area, start method 7 (CRB),
 * 12 bytes of zero parameters, then the event log area: LAML 0x8000 at
 * LASA 0xE8000 (acpi.h). */
static void check_tpm2(const uint8_t *t)
{
	static const uint8_t body[] = {
		0x00, 0x00, /* platform class: client */
		0x00, 0x00, /* reserved */
		0x40, 0x00, 0xD4, 0xFE, 0,    0,    0,	  0, /* control area */
		0x07, 0x00, 0x00, 0x00, /* start method: CRB */
		0,    0,    0,	  0,	0,    0,    0,	  0,
		0,    0,    0,	  0,	0x00, 0x80, 0x00, 0x00, /* LAML */
		0x00, 0x80, 0x0E, 0,	0,    0,    0,	  0, /* LASA */
	};

	assert_int_equal(get_le32(t + 4), 36 + sizeof(body));
	assert_int_equal(t[8], 4);
	assert_memory_equal(t + 36, body, sizeof(body));
}

/* \_SB.TPM0: _HID "MSFT0101", _STA 0xF, _CRS Memory32Fixed (ReadWrite,
 * 0xFED40000, 0x5000), then for CRB alone Memory32Fixed (ReadWrite,
 * 0xFED45000, 0x1000): the command/response buffer (tpm_crb.h). */
static void check_tpm0(const uint8_t *dsdt, size_t n, int crb)
{
	static const uint8_t pages[] = { 0x86, 0x09, 0x00, 0x01, 0x00, 0x00,
					 0xD4, 0xFE, 0x00, 0x50, 0x00, 0x00 };
	static const uint8_t buffer[] = { 0x86, 0x09, 0x00, 0x01, 0x00, 0x50,
					  0xD4, 0xFE, 0x00, 0x10, 0x00, 0x00 };
	const uint8_t *p;

	assert_non_null(memmem(dsdt, n, "TPM0", 4));
	assert_non_null(memmem(dsdt, n, "_HID\x0DMSFT0101", 14));
	assert_non_null(memmem(dsdt, n, "_STA\x0A\x0F", 6));
	p = memmem(dsdt, n, pages, sizeof(pages));
	assert_non_null(p);
	p += sizeof(pages);
	if (crb) {
		assert_memory_equal(p, buffer, sizeof(buffer));
		p += sizeof(buffer);
	}
	assert_int_equal(p[0], 0x79); /* EndTag */
	if (!crb) /* TIS: FIFO registers, no buffer range */
		assert_null(memmem(dsdt, n, buffer, sizeof(buffer)));
}

static void check_tables(unsigned int cpus)
{
	size_t len = build(cpus);
	const uint8_t *xsdt, *fadt, *madt, *dsdt, *e, *end;
	unsigned int lapics = 0, ioapics = 0;

	/* RSDP: v2, both checksums. */
	assert_memory_equal(buf, "RSD PTR ", 8);
	assert_int_equal(buf[15], 2);
	assert_int_equal(sum(buf, 20), 0);
	assert_int_equal(get_le32(buf + 20), 36);
	assert_int_equal(sum(buf, 36), 0);

	xsdt = table(get_le64(buf + 24), len, "XSDT");
	assert_int_equal(get_le32(xsdt + 4), 36 + 32);
	fadt = table(get_le64(xsdt + 36), len, "FACP");
	madt = table(get_le64(xsdt + 44), len, "APIC");
	check_mcfg(table(get_le64(xsdt + 52), len, "MCFG"));
	check_tpm2(table(get_le64(xsdt + 60), len, "TPM2"));

	/* FADT 6.0: hardware-reduced, reset register, sleep registers. */
	assert_int_equal(get_le32(fadt + 4), 276);
	assert_int_equal(fadt[8], 6);
	assert_true(get_le32(fadt + 112) & (1u << 20));
	assert_true(get_le32(fadt + 112) & (1u << 10));
	assert_int_equal(fadt[116], 1); /* reset reg in I/O space */
	assert_int_equal(get_le64(fadt + 120), ACPI_PM_RESET_PORT);
	assert_int_equal(fadt[128], ACPI_PM_RESET_VALUE);
	assert_int_equal(fadt[244], 1);
	assert_int_equal(fadt[245], 8);
	assert_int_equal(get_le64(fadt + 248), ACPI_PM_SLEEP_CONTROL_PORT);
	assert_int_equal(get_le64(fadt + 260), ACPI_PM_SLEEP_STATUS_PORT);
	assert_int_equal(get_le32(fadt + 40), get_le64(fadt + 140));
	dsdt = table(get_le64(fadt + 140), len, "DSDT");

	/* MADT: one enabled LAPIC per vCPU with APIC id = index, one
	 * IOAPIC. */
	assert_int_equal(get_le32(madt + 36), ACPI_LAPIC_GPA);
	e = madt + 44;
	end = madt + get_le32(madt + 4);
	while (e < end) {
		assert_true(e[1] >= 2 && e + e[1] <= end);
		if (e[0] == 0) {
			assert_int_equal(e[3], lapics);
			assert_int_equal(get_le32(e + 4) & 1, 1);
			lapics++;
		} else if (e[0] == 1) {
			assert_int_equal(get_le32(e + 4), ACPI_IOAPIC_GPA);
			ioapics++;
		}
		e += e[1];
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapics, cpus);
	assert_int_equal(ioapics, 1);

	/* DSDT: \_S5 and COM1 (PNP0501 = 0x0105D041, IRQ 4, port 0x3F8). */
	assert_non_null(memmem(dsdt, get_le32(dsdt + 4), "_S5_", 4));
	assert_non_null(memmem(dsdt, get_le32(dsdt + 4), "COM1", 4));
	assert_non_null(
		memmem(dsdt, get_le32(dsdt + 4), "\x0C\x41\xD0\x05\x01", 5));
	assert_non_null(
		memmem(dsdt, get_le32(dsdt + 4), "\x47\x01\xF8\x03", 4));
	assert_non_null(memmem(dsdt, get_le32(dsdt + 4), "\x22\x10\x00", 3));

	/* The pvpanic port: _HID "QEMU0001" as a string, IO 0x505 length 1. */
	assert_non_null(memmem(dsdt, get_le32(dsdt + 4), "\x0DQEMU0001", 10));
	assert_non_null(memmem(dsdt, get_le32(dsdt + 4),
			       "\x47\x01\x05\x05\x05\x05\x01\x01\x79", 9));
	/* The host-notification device: "MNTL0001", IO 0x610 x8, IRQ 5. */
	assert_non_null(memmem(dsdt, get_le32(dsdt + 4), "\x0DMNTL0001", 10));
	assert_non_null(memmem(dsdt, get_le32(dsdt + 4),
			       "\x47\x01\x10\x06\x10\x06\x04\x08\x22\x20\x00",
			       11));
	check_pci0(dsdt, get_le32(dsdt + 4));
	check_tpm0(dsdt, get_le32(dsdt + 4), 1);
}

/* --tpm none: neither TPM0 nor the TPM2 table. */
static void test_no_tpm(void **state)
{
	struct acpi_config c = { 1, 256ull << 20, acpi_machine_devices(0) };
	struct acpi_layout l;
	size_t len;

	(void)state;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), 0);
	acpi_layout(&c, &l);
	assert_int_equal(l.tpm2, 0);
	assert_int_equal(get_le32(buf + l.xsdt + 4), 36 + 24);
	assert_null(memmem(buf, len, "TPM2", 4));
	assert_null(memmem(buf, len, "MSFT0101", 8));
	assert_true(acpi_machine_devices(ACPI_DEV_TPM_CRB) == ACPI_DEV_MACHINE);
}

/* --tpm tis: the same TPM0 (so the same DSDT as with the CRB), the TPM2
 * table with start method 6 (TIS) and no control area; never both. */
static void test_tis_tpm(void **state)
{
	struct acpi_config c = { 2, 256ull << 20,
				 acpi_machine_devices(ACPI_DEV_TPM_TIS) };
	struct acpi_config crb = { 2, 256ull << 20, ACPI_DEV_MACHINE };
	static uint8_t crb_buf[ACPI_TABLES_MAX];
	struct acpi_layout l, lc;
	const uint8_t *t;
	size_t len, crb_len;
	uint8_t sum = 0;

	(void)state;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), 0);
	acpi_layout(&c, &l);
	assert_int_not_equal(l.tpm2, 0);
	t = buf + l.tpm2;
	assert_memory_equal(t, "TPM2", 4);
	assert_true(get_le32(t + 4) >= 52);
	for (uint32_t i = 0; i < get_le32(t + 4); i++)
		sum = (uint8_t)(sum + t[i]);
	assert_int_equal(sum, 0);
	assert_int_equal(get_le16(t + 36), 0); /* client */
	assert_true(get_le64(t + 40) == 0); /* no control area */
	assert_int_equal(get_le32(t + 48), 6); /* TIS, memory mapped */
	check_tpm0(buf + l.dsdt, get_le32(buf + l.dsdt + 4), 0);
	assert_int_equal(acpi_build(&crb, crb_buf, sizeof(crb_buf), &crb_len),
			 0);
	acpi_layout(&crb, &lc);
	assert_int_equal(get_le32(crb_buf + lc.tpm2 + 48), 7);
	/* the same TPM0 but for CRB's buffer range */
	check_tpm0(crb_buf + lc.dsdt, get_le32(crb_buf + lc.dsdt + 4), 1);
	c.devices |= ACPI_DEV_TPM_CRB;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), -1);
}

/* Only the devices asked for are described. */
static void test_device_set(void **state)
{
	static uint8_t t[ACPI_TABLES_MAX];
	struct acpi_config c = { 1, 256ull << 20, ACPI_DEV_COM1 };
	size_t len = 0;

	(void)state;
	assert_int_equal(acpi_build(&c, t, sizeof(t), &len), 0);
	assert_non_null(memmem(t, len, "COM1", 4));
	assert_null(memmem(t, len, "QEMU0001", 8));
	c.devices = ACPI_DEV_PVPANIC;
	assert_int_equal(acpi_build(&c, t, sizeof(t), &len), 0);
	assert_null(memmem(t, len, "COM1", 4));
	assert_non_null(memmem(t, len, "QEMU0001", 8));
	c.devices = 0;
	assert_int_equal(acpi_build(&c, t, sizeof(t), &len), 0);
	assert_null(memmem(t, len, "_SB_", 4));
}

static void test_one_cpu(void **state)
{
	(void)state;
	check_tables(1);
}

static void test_two_cpus(void **state)
{
	(void)state;
	check_tables(2);
}

static void test_eight_cpus(void **state)
{
	(void)state;
	check_tables(8);
}

static void test_deterministic(void **state)
{
	static uint8_t first[ACPI_TABLES_MAX];
	size_t a, b;

	(void)state;
	a = build(2);
	memcpy(first, buf, a);
	b = build(2);
	assert_int_equal(a, b);
	assert_memory_equal(first, buf, a);
	/* Another vCPU count gives other bytes (the MADT grows). */
	b = build(3);
	assert_true(b > a);
}

/* The device set decides the DSDT's devices and the MCFG: COM1 alone has
 * neither PCI0 nor MCFG. */
static void test_device_set_pci(void **state)
{
	struct acpi_config c = { 1, 256ull << 20, ACPI_DEV_COM1 };
	struct acpi_layout l;
	size_t len;

	(void)state;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), 0);
	acpi_layout(&c, &l);
	assert_int_equal(l.mcfg, 0);
	assert_int_equal(get_le32(buf + l.xsdt + 4), 36 + 16);
	assert_null(memmem(buf + l.dsdt, l.end - l.dsdt, "PCI0", 4));
	assert_non_null(memmem(buf + l.dsdt, l.end - l.dsdt, "COM1", 4));
	c.devices = ACPI_DEV_PCI0;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), 0);
	acpi_layout(&c, &l);
	assert_null(memmem(buf + l.dsdt, l.end - l.dsdt, "COM1", 4));
	check_pci0(buf + l.dsdt, l.end - l.dsdt);
}

static void test_invalid(void **state)
{
	struct acpi_config c = { 0, 256ull << 20, ACPI_DEV_COM1 };
	size_t len;

	(void)state;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), -1);
	c.cpus = 9;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), -1);
	c.cpus = 1;
	c.devices = 0x80;
	assert_int_equal(acpi_build(&c, buf, sizeof(buf), &len), -1);
	c.devices = ACPI_DEV_COM1;
	assert_int_equal(acpi_build(&c, buf, 100, &len), -1);
	assert_int_equal(acpi_build(NULL, buf, sizeof(buf), &len), -1);
}

static void test_aml(void **state)
{
	static const uint8_t op[] = { 0x10 };
	uint8_t body_buf[200], out_buf[256], small[4];
	struct aml body, out, s;

	(void)state;
	assert_int_equal(aml_eisaid("PNP0501"), 0x0105D041u);
	assert_int_equal(aml_eisaid("PNP0A03"), 0x030AD041u);

	/* A 100-byte body needs a 2-byte PkgLength: 0x40 | low nibble,
	 * then the rest; the length counts itself. */
	aml_init(&body, body_buf, sizeof(body_buf));
	for (int i = 0; i < 100; i++)
		aml_byte(&body, 0xA5);
	aml_init(&out, out_buf, sizeof(out_buf));
	aml_package_op(&out, op, 1, NULL, 0, &body);
	assert_int_equal(out.err, 0);
	assert_int_equal(out.len, 1 + 2 + 100);
	assert_int_equal(out_buf[1], 0x40 | (102 & 0xF));
	assert_int_equal(out_buf[2], 102 >> 4);

	/* Integers take the shortest form. */
	aml_init(&out, out_buf, sizeof(out_buf));
	aml_integer(&out, 0);
	aml_integer(&out, 1);
	aml_integer(&out, 5);
	aml_integer(&out, 0x1234);
	assert_int_equal(out.len, 1 + 1 + 2 + 3);
	assert_memory_equal(out_buf, "\x00\x01\x0A\x05\x0B\x34\x12", 7);

	/* Overflow is sticky. */
	aml_init(&s, small, sizeof(small));
	aml_integer(&s, 0x12345678);
	assert_int_equal(s.err, 1);
	aml_byte(&s, 0);
	assert_int_equal(s.err, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_two_cpus),
		cmocka_unit_test(test_eight_cpus),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_device_set_pci),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_no_tpm),
		cmocka_unit_test(test_tis_tpm),
		cmocka_unit_test(test_device_set),
		cmocka_unit_test(test_aml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
