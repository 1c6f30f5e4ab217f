// SPDX-License-Identifier: MIT
/*
 * The guest's ACPI tables (ACPI 6.x). Pure: same inputs, same bytes.
 *
 * Hardware-reduced ACPI: no PM1/GPE blocks, no SCI, no FACS. Power-off and
 * reset go through the FADT sleep control and reset registers, which
 * pm.c implements in I/O space.
 */
#include "acpi.h"
#include "aml.h"
#include "pci_host.h"

#include "mantle_bytes.h"

#include <string.h>

#define ACPI_HDR_LEN 36
#define RSDP_LEN 36
#define FADT_LEN 276
#define FADT_REVISION 6
#define MADT_REVISION 5
#define DSDT_REVISION 2
#define MCFG_REVISION 1
#define MCFG_LEN (ACPI_HDR_LEN + 8 + 16) /* one allocation: bus 0 */

/* FADT field offsets (ACPI 6.x table 5.9). */
#define FADT_DSDT 40
#define FADT_FLAGS 112
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR_VERSION 131
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL 244
#define FADT_SLEEP_STATUS 256
#define FADT_HYPERVISOR_ID 268

#define FADT_F_PWR_BUTTON (1u << 4)
#define FADT_F_SLP_BUTTON (1u << 5)
#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_HW_REDUCED_ACPI (1u << 20)
#define IAPC_VGA_NOT_PRESENT (1u << 2)
#define IAPC_CMOS_RTC_NOT_PRESENT (1u << 5)

#define GAS_SPACE_IO 1
#define GAS_ACCESS_BYTE 1

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_LAPIC_NMI 4
#define MADT_LAPIC_LEN 8
#define MADT_IOAPIC_LEN 12
#define MADT_LAPIC_NMI_LEN 6

#define DSDT_BODY_MAX 640

static const char oem_id[6] = { 'M', 'N', 'T', 'L', ' ', ' ' };
static const char oem_table_id[8] = { 'M', 'A', 'N', 'T', 'L', 'E', 'P', 'V' };

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)(0u - sum);
}

static size_t align16(size_t v)
{
	return (v + 15) & ~(size_t)15;
}

static void table_header(uint8_t *t, const char sig[4], uint32_t len,
			 uint8_t rev)
{
	memcpy(t, sig, 4);
	put_le32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, oem_id, 6);
	memcpy(t + 16, oem_table_id, 8);
	put_le32(t + 24, 1); /* OEM revision */
	memcpy(t + 28, "MNTL", 4); /* creator id */
	put_le32(t + 32, 1); /* creator revision */
}

static void table_finish(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* Generic Address Structure: one byte in I/O space. */
static void gas_io8(uint8_t *g, uint16_t port)
{
	g[0] = GAS_SPACE_IO;
	g[1] = 8; /* register bit width */
	g[2] = 0; /* bit offset */
	g[3] = GAS_ACCESS_BYTE;
	put_le64(g + 4, port);
}

static size_t madt_len(unsigned int cpus)
{
	return ACPI_HDR_LEN + 8 + cpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN +
	       MADT_LAPIC_NMI_LEN;
}

/* One device of \_SB_: its name, _HID (an EISA id, or a string when
 * eisa is NULL), _UID and _CRS resource template (ending in its EndTag). */
struct dsdt_dev {
	uint32_t bit; /* ACPI_DEV_* */
	const char *name;
	const char *eisa;
	const char *hid;
	unsigned int uid;
	const uint8_t *res;
	uint8_t res_len;
	int pci_root; /* adds _SEG 0 and _BBN 0 */
	uint8_t sta; /* _STA, 0: none (present, the default) */
};

/* IO (Decode16, 0x3F8, 0x3F8, 0, 8), IRQNoFlags () {4}, EndTag. */
static const uint8_t com1_res[] = { 0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x00,
				    0x08, 0x22, 0x10, 0x00, 0x79, 0x00 };
/* IO (Decode16, 0x505, 0x505, 1, 1), EndTag: Linux's pvpanic-mmio binds
 * "QEMU0001" and takes its port from here. */
static const uint8_t pvpanic_res[] = { 0x47, 0x01, 0x05, 0x05, 0x05,
				       0x05, 0x01, 0x01, 0x79, 0x00 };

/* IO (Decode16, 0x610, 0x610, 4, 8), IRQNoFlags () {5}, EndTag: the
 * host-notification device (hostnotify.h; the values are asserted there). */
static const uint8_t hostnotify_res[] = { 0x47, 0x01, 0x10, 0x06, 0x10,
					  0x06, 0x04, 0x08, 0x22, 0x20,
					  0x00, 0x79, 0x00 };

/* The PCI host bridge (pci_host.h; the values are asserted in
 * tests/unit/paravisor/test_acpi.c): WordBusNumber (ResourceProducer,
 * MinFixed, MaxFixed, PosDecode, 0, 0, 0, 0, 1): bus 0 only;
 * IO (Decode16, 0xCF8, 0xCF8, 1, 8): the configuration ports; EndTag.
 * PNP0A03, a conventional PCI bridge: no _OSC is expected of it. */
static const uint8_t pci0_res[] = { 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0x00,
				    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				    0x01, 0x00, 0x47, 0x01, 0xF8, 0x0C, 0xF8,
				    0x0C, 0x01, 0x08, 0x79, 0x00 };
/* Memory32Fixed (ReadWrite, 0xE0000000, 0x100000), EndTag: motherboard
 * resources (PNP0C02) reserving the ECAM window of the MCFG, which Linux
 * wants before it uses it. */
static const uint8_t ecam_res[] = { 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00,
				    0xE0, 0x00, 0x00, 0x10, 0x00, 0x79, 0x00 };

/* Memory32Fixed (ReadWrite, 0xFED40000, 0x5000), EndTag: the TIS's five
 * locality pages (tpm_tis.h); no interrupt. */
static const uint8_t tpm_res[] = { 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0xD4,
				   0xFE, 0x00, 0x50, 0x00, 0x00, 0x79, 0x00 };

/* Memory32Fixed (ReadWrite, 0xFED40000, 0x5000), Memory32Fixed
 * (ReadWrite, 0xFED45000, 0x1000), EndTag: the CRB's locality pages and
 * its command/response buffer (plain memory, tpm_crb.h). */
static const uint8_t tpm_crb_res[] = { 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0xD4,
				       0xFE, 0x00, 0x50, 0x00, 0x00, 0x86, 0x09,
				       0x00, 0x01, 0x00, 0x50, 0xD4, 0xFE, 0x00,
				       0x10, 0x00, 0x00, 0x79, 0x00 };

static const struct dsdt_dev dsdt_devs[] = {
	{ ACPI_DEV_COM1, "COM1", "PNP0501", NULL, 1, com1_res, sizeof(com1_res),
	  0, 0 },
	{ ACPI_DEV_PVPANIC, "PEVT", NULL, "QEMU0001", 0, pvpanic_res,
	  sizeof(pvpanic_res), 0, 0 },
	{ ACPI_DEV_HOSTNOTIFY, "HNTF", NULL, "MNTL0001", 0, hostnotify_res,
	  sizeof(hostnotify_res), 0, 0 },
	{ ACPI_DEV_PCI0, "PCI0", "PNP0A03", NULL, 0, pci0_res, sizeof(pci0_res),
	  1, 0 },
	{ ACPI_DEV_PCI0, "ECAM", "PNP0C02", NULL, 0, ecam_res, sizeof(ecam_res),
	  0, 0 },
	/* "MSFT0101": the TPM 2.0 device id; Linux's tpm_crb binds it when
	 * the TPM2 table says CRB, its tpm_tis when it says TIS. */
	{ ACPI_DEV_TPM_CRB, "TPM0", NULL, "MSFT0101", 0, tpm_crb_res,
	  sizeof(tpm_crb_res), 0, 0x0F },
	{ ACPI_DEV_TPM_TIS, "TPM0", NULL, "MSFT0101", 0, tpm_res,
	  sizeof(tpm_res), 0, 0x0F },
};

/* Device (name) { _HID, _UID, _CRS } appended to sb. */
static void dsdt_device(struct aml *sb, const struct dsdt_dev *d)
{
	static const uint8_t buffer_op[] = { 0x11 };
	static const uint8_t device_op[] = { 0x5B, 0x82 };
	uint8_t b_crs[32], b_dev[128];
	uint8_t size_enc[2] = { 0x0A, d->res_len };
	struct aml crs, dev;

	aml_init(&crs, b_crs, sizeof(b_crs));
	aml_bytes(&crs, d->res, d->res_len);

	aml_init(&dev, b_dev, sizeof(b_dev));
	aml_name(&dev, "_HID");
	if (d->eisa)
		aml_integer(&dev, aml_eisaid(d->eisa));
	else
		aml_string(&dev, d->hid);
	aml_name(&dev, "_UID");
	aml_integer(&dev, d->uid);
	if (d->sta) {
		aml_name(&dev, "_STA");
		aml_integer(&dev, d->sta);
	}
	if (d->pci_root) {
		aml_name(&dev, "_SEG");
		aml_integer(&dev, 0);
		aml_name(&dev, "_BBN");
		aml_integer(&dev, 0);
	}
	aml_name(&dev, "_CRS");
	aml_package_op(&dev, buffer_op, 1, size_enc, 2, &crs);
	aml_package_op(sb, device_op, 2, d->name, 4, &dev);
}

/* The DSDT body: \_S5 and the devices. Returns its length, 0 on overflow. */
static size_t dsdt_body(const struct acpi_config *cfg, uint8_t *out, size_t cap)
{
	uint8_t b_s5[16], b_sb[512];
	struct aml top, s5, sb;
	static const uint8_t package_op[] = { 0x12 };
	static const uint8_t scope_op[] = { 0x10 };

	aml_init(&top, out, cap);

	/* Name (_S5, Package () { SLP_TYP, 0 }): NumElements, then elements. */
	aml_init(&s5, b_s5, sizeof(b_s5));
	aml_integer(&s5, ACPI_S5_SLP_TYP);
	aml_integer(&s5, 0);
	aml_name(&top, "_S5_");
	aml_package_op(&top, package_op, 1, "\x02", 1, &s5);

	aml_init(&sb, b_sb, sizeof(b_sb));
	for (size_t i = 0; i < sizeof(dsdt_devs) / sizeof(dsdt_devs[0]); i++)
		if (cfg->devices & dsdt_devs[i].bit)
			dsdt_device(&sb, &dsdt_devs[i]);
	if (sb.len)
		aml_package_op(&top, scope_op, 1, "\\_SB_", 5, &sb);
	return top.err ? 0 : top.len;
}

/* FADT, MADT, the MCFG with the PCI host bridge, the TPM2 with the TPM. */
static uint32_t xsdt_len(const struct acpi_config *cfg)
{
	return ACPI_HDR_LEN + 8 * (2 + !!(cfg->devices & ACPI_DEV_PCI0) +
				   !!(cfg->devices & ACPI_DEV_TPM));
}

void acpi_layout(const struct acpi_config *cfg, struct acpi_layout *out)
{
	uint8_t body[DSDT_BODY_MAX];
	size_t dlen = dsdt_body(cfg, body, sizeof(body));

	out->rsdp = 0;
	out->xsdt = align16(RSDP_LEN);
	out->fadt = align16(out->xsdt + xsdt_len(cfg));
	out->madt = align16(out->fadt + FADT_LEN);
	out->mcfg = 0;
	out->tpm2 = 0;
	out->dsdt = align16(out->madt + madt_len(cfg->cpus));
	if (cfg->devices & ACPI_DEV_PCI0) {
		out->mcfg = out->dsdt;
		out->dsdt = align16(out->mcfg + MCFG_LEN);
	}
	if (cfg->devices & ACPI_DEV_TPM) {
		out->tpm2 = out->dsdt;
		out->dsdt = align16(out->tpm2 + ACPI_TPM2_LEN);
	}
	out->end = out->dsdt + ACPI_HDR_LEN + dlen;
}

static void build_rsdp(uint8_t *p, uint64_t xsdt_gpa)
{
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, oem_id, 6);
	p[15] = 2; /* revision: ACPI 2.0+, XSDT */
	put_le32(p + 16, 0); /* no RSDT */
	put_le32(p + 20, RSDP_LEN);
	put_le64(p + 24, xsdt_gpa);
	p[8] = checksum(p, 20);
	p[32] = checksum(p, RSDP_LEN);
}

static void build_fadt(uint8_t *t, uint64_t dsdt_gpa)
{
	table_header(t, "FACP", FADT_LEN, FADT_REVISION);
	put_le32(t + FADT_DSDT, (uint32_t)dsdt_gpa);
	put_le16(t + FADT_IAPC_BOOT_ARCH,
		 IAPC_VGA_NOT_PRESENT | IAPC_CMOS_RTC_NOT_PRESENT);
	put_le32(t + FADT_FLAGS, FADT_F_HW_REDUCED_ACPI | FADT_F_RESET_REG_SUP |
					 FADT_F_PWR_BUTTON | FADT_F_SLP_BUTTON);
	gas_io8(t + FADT_RESET_REG, ACPI_PM_RESET_PORT);
	t[FADT_RESET_VALUE] = ACPI_PM_RESET_VALUE;
	t[FADT_MINOR_VERSION] = 0;
	put_le64(t + FADT_X_DSDT, dsdt_gpa);
	gas_io8(t + FADT_SLEEP_CONTROL, ACPI_PM_SLEEP_CONTROL_PORT);
	gas_io8(t + FADT_SLEEP_STATUS, ACPI_PM_SLEEP_STATUS_PORT);
	memcpy(t + FADT_HYPERVISOR_ID, "MANTLEPV", 8);
	table_finish(t, FADT_LEN);
}

static void build_madt(uint8_t *t, unsigned int cpus)
{
	uint32_t len = (uint32_t)madt_len(cpus);
	uint8_t *e = t + ACPI_HDR_LEN + 8;

	table_header(t, "APIC", len, MADT_REVISION);
	put_le32(t + ACPI_HDR_LEN, ACPI_LAPIC_GPA);
	put_le32(t + ACPI_HDR_LEN + 4, 0); /* no PC-AT dual 8259 in use */
	for (unsigned int i = 0; i < cpus; i++, e += MADT_LAPIC_LEN) {
		e[0] = MADT_LAPIC;
		e[1] = MADT_LAPIC_LEN;
		e[2] = (uint8_t)i; /* ACPI processor uid */
		e[3] = (uint8_t)i; /* APIC id */
		put_le32(e + 4, 1); /* enabled */
	}
	e[0] = MADT_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = 0; /* IOAPIC id, as KVM's in-kernel IOAPIC resets to */
	put_le32(e + 4, ACPI_IOAPIC_GPA);
	put_le32(e + 8, 0); /* GSI base */
	e += MADT_IOAPIC_LEN;
	e[0] = MADT_LAPIC_NMI; /* LINT1 is NMI on every processor */
	e[1] = MADT_LAPIC_NMI_LEN;
	e[2] = 0xFF;
	put_le16(e + 3, 0);
	e[5] = 1;
	table_finish(t, len);
}

/* The ECAM window of the PCI host bridge (pci_host.h): segment 0, bus 0. */
static void build_mcfg(uint8_t *t)
{
	uint8_t *e = t + ACPI_HDR_LEN + 8; /* after 8 reserved bytes */

	table_header(t, "MCFG", MCFG_LEN, MCFG_REVISION);
	put_le64(e, PCI_ECAM_GPA);
	put_le16(e + 8, 0); /* segment */
	e[10] = 0; /* start bus */
	e[11] = 0; /* end bus */
	table_finish(t, MCFG_LEN);
}

_Static_assert(ACPI_TABLES_GPA + ACPI_TABLES_MAX <= ACPI_TPM_LOG_GPA,
	       "the tables end before the event log area");
_Static_assert(ACPI_TPM_LOG_GPA + ACPI_TPM_LOG_LEN <= 0xF0000u,
	       "the event log area ends below the MP/SMBIOS scan area");

/* The TPM2 table's start method and control area per interface: the CRB
 * (7) behind its control area; TIS (6) has none. */
static const struct {
	uint32_t dev;
	uint32_t start_method;
	uint64_t control_area;
} tpm2_ifaces[] = {
	{ ACPI_DEV_TPM_CRB, ACPI_TPM2_START_CRB, ACPI_TPM_CRB_CONTROL_AREA },
	{ ACPI_DEV_TPM_TIS, ACPI_TPM2_START_TIS, 0 },
};

/* The TPM2 table: a client TPM behind the interface of devices (its start
 * method and control area), no parameters; the event log area (LAML,
 * LASA: constants, so the table does not depend on the payload). */
static void build_tpm2(uint8_t *t, uint32_t devices)
{
	uint32_t start = 0;
	uint64_t control = 0;

	for (size_t i = 0; i < sizeof(tpm2_ifaces) / sizeof(tpm2_ifaces[0]);
	     i++)
		if (devices & tpm2_ifaces[i].dev) {
			start = tpm2_ifaces[i].start_method;
			control = tpm2_ifaces[i].control_area;
		}
	table_header(t, "TPM2", ACPI_TPM2_LEN, ACPI_TPM2_REVISION);
	put_le16(t + ACPI_HDR_LEN, ACPI_TPM2_CLASS_CLIENT);
	put_le16(t + ACPI_HDR_LEN + 2, 0); /* reserved */
	put_le64(t + ACPI_HDR_LEN + 4, control);
	put_le32(t + ACPI_HDR_LEN + 12, start);
	/* + 16: 12 bytes of start method parameters, zero */
	put_le32(t + ACPI_TPM2_LAML_OFF, ACPI_TPM_LOG_LEN);
	put_le64(t + ACPI_TPM2_LASA_OFF, ACPI_TPM_LOG_GPA);
	table_finish(t, ACPI_TPM2_LEN);
}

int acpi_build(const struct acpi_config *cfg, uint8_t *buf, size_t cap,
	       size_t *len)
{
	struct acpi_layout l;
	uint8_t body[DSDT_BODY_MAX];
	size_t dlen;
	uint8_t *x;
	size_t xi = ACPI_HDR_LEN;

	if (!cfg || cfg->cpus < 1 || cfg->cpus > ACPI_MAX_CPUS ||
	    (cfg->devices & ~ACPI_DEV_KNOWN) ||
	    (cfg->devices & ACPI_DEV_TPM) == ACPI_DEV_TPM)
		return -1;
	dlen = dsdt_body(cfg, body, sizeof(body));
	if (dlen == 0)
		return -1;
	acpi_layout(cfg, &l);
	if (l.end > cap || l.end > ACPI_TABLES_MAX)
		return -1;
	memset(buf, 0, l.end);

	build_rsdp(buf + l.rsdp, ACPI_TABLES_GPA + l.xsdt);

	x = buf + l.xsdt;
	table_header(x, "XSDT", xsdt_len(cfg), 1);
	put_le64(x + xi, ACPI_TABLES_GPA + l.fadt);
	put_le64(x + (xi += 8), ACPI_TABLES_GPA + l.madt);
	if (l.mcfg) {
		put_le64(x + (xi += 8), ACPI_TABLES_GPA + l.mcfg);
		build_mcfg(buf + l.mcfg);
	}
	if (l.tpm2) {
		put_le64(x + (xi += 8), ACPI_TABLES_GPA + l.tpm2);
		build_tpm2(buf + l.tpm2, cfg->devices);
	}
	table_finish(x, xsdt_len(cfg));

	build_fadt(buf + l.fadt, ACPI_TABLES_GPA + l.dsdt);
	build_madt(buf + l.madt, cfg->cpus);

	x = buf + l.dsdt;
	table_header(x, "DSDT", (uint32_t)(ACPI_HDR_LEN + dlen), DSDT_REVISION);
	memcpy(x + ACPI_HDR_LEN, body, dlen);
	table_finish(x, (uint32_t)(ACPI_HDR_LEN + dlen));

	*len = l.end;
	return 0;
}
