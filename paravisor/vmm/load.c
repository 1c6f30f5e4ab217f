// SPDX-License-Identifier: MIT
/*
 * The payload into guest RAM, each piece measured as loaded: the kernel
 * (read into a private buffer and checked first), the initrd (read straight
 * to its place), the command line, the ACPI tables, and the e820 map as
 * boot_params holds it (paravisor/MEASUREMENT.md).
 */
#include "machine.h"
#include "acpi.h"
#include "boot.h"
#include "bzimage.h"
#include "host.h"
#include "log.h"

#include <string.h>
#include <sys/mman.h>

/* What one load works on, step by step. */
struct load {
	struct machine *m;
	uint8_t *img; /* the whole kernel image */
	struct bzimage_info bz;
	struct boot_plan plan;
	char cmdline[PAYLOAD_MAX_CMDLINE + 1];
	char err[256];
};

/* Read a piece of the payload into dst; a clear message on failure. */
static int read_piece(struct machine *m, const char *name,
		      const struct payload_piece *p, void *dst)
{
	if (p->size && host_payload_read(m->host, p->off, dst, p->size) < 0) {
		pv_log("cannot read the %s from the payload disk", name);
		return -1;
	}
	return 0;
}

static int measure(struct machine *m, uint32_t type, const void *data,
		   size_t len)
{
	if (measure_log_add(&m->mlog, type, data, len) < 0) {
		pv_log("measurement of the %s failed",
		       measure_event_name(type));
		return -1;
	}
	return 0;
}

/* The kernel, checked and measured, then where everything goes. */
static int load_kernel(struct load *l)
{
	const struct payload_info *p = &l->m->pay;

	if (read_piece(l->m, "kernel", &p->kernel, l->img) < 0)
		return -1;
	if (bzimage_parse(l->img, p->kernel.size, &l->bz, l->err,
			  sizeof(l->err)) < 0) {
		pv_log("kernel: %s", l->err);
		return -1;
	}
	if (measure(l->m, MEASURE_EV_KERNEL, l->img, p->kernel.size) < 0)
		return -1;
	if (boot_plan(&l->bz, l->m->split.low_end, p->initrd.size,
		      p->cmdline.size, &l->plan, l->err, sizeof(l->err)) < 0) {
		pv_log("%s", l->err);
		return -1;
	}
	return 0;
}

static int load_initrd(struct load *l)
{
	const struct payload_info *p = &l->m->pay;
	uint8_t *dst = l->m->ram + l->plan.initrd_gpa;

	if (read_piece(l->m, "initrd", &p->initrd, dst) < 0 ||
	    measure(l->m, MEASURE_EV_INITRD, dst, p->initrd.size) < 0)
		return -1;
	return 0;
}

static int load_cmdline(struct load *l)
{
	const struct payload_piece *c = &l->m->pay.cmdline;

	if (read_piece(l->m, "command line", c, l->cmdline) < 0)
		return -1;
	if (memchr(l->cmdline, 0, c->size)) {
		pv_log("payload: the command line contains a NUL byte");
		return -1;
	}
	l->cmdline[c->size] = 0;
	return measure(l->m, MEASURE_EV_CMDLINE, l->cmdline, c->size);
}

/* The ACPI device of each --tpm choice. */
static const uint32_t tpm_acpi_dev[] = {
	[VMM_TPM_CRB] = ACPI_DEV_TPM_CRB,
	[VMM_TPM_TIS] = ACPI_DEV_TPM_TIS,
	[VMM_TPM_NONE] = 0,
};

static int load_acpi(struct machine *m)
{
	struct acpi_config acfg = { m->pay.cpus, m->pay.mem_bytes,
				    acpi_machine_devices(
					    tpm_acpi_dev[m->tpm]) };
	size_t len;

	if (acpi_build(&acfg, m->ram + ACPI_TABLES_GPA, ACPI_TABLES_MAX, &len) <
	    0) {
		pv_log("cannot build the ACPI tables");
		return -1;
	}
	return measure(m, MEASURE_EV_ACPI, m->ram + ACPI_TABLES_GPA, len);
}

/* Zero page, page tables, GDT, and the memory map exactly as boot_params
 * now holds it, measured. */
static int load_boot_structures(struct load *l)
{
	struct machine *m = l->m;
	const uint8_t *bp = m->ram + BOOT_PARAMS_GPA;

	if (boot_write(m->ram, m->split.low_end, m->pay.mem_bytes, &l->bz,
		       l->img, &l->plan, l->cmdline, m->pay.cmdline.size,
		       ACPI_TABLES_GPA) < 0) {
		pv_log("cannot write the boot structures");
		return -1;
	}
	return measure(m, MEASURE_EV_E820, bp + BP_E820_TABLE,
		       (size_t)bp[BP_E820_ENTRIES] * E820_ENTRY_BYTES);
}

static void log_loaded(const struct load *l)
{
	const struct payload_info *p = &l->m->pay;

	pv_log("kernel: boot protocol %u.%02u, %zu bytes at 0x%llx, "
	       "entry 0x%llx",
	       l->bz.version >> 8, l->bz.version & 0xFF, l->bz.kernel_size,
	       (unsigned long long)l->plan.kernel_gpa,
	       (unsigned long long)l->plan.entry);
	if (p->initrd.size)
		pv_log("initrd: %llu bytes at 0x%llx",
		       (unsigned long long)p->initrd.size,
		       (unsigned long long)l->plan.initrd_gpa);
	pv_log("cmdline: \"%s\"", l->cmdline);
}

int load_payload(struct machine *m)
{
	struct load l = { .m = m };
	size_t kernel_size = m->pay.kernel.size;
	int rc = -1;

	measure_log_init(&m->mlog);
	/* The kernel only passes through here; mmap so that it goes back to
	 * the system at once (the Pss budget). */
	l.img = mmap(NULL, kernel_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (l.img == MAP_FAILED) {
		pv_log("cannot allocate %llu bytes for the kernel",
		       (unsigned long long)kernel_size);
		return -1;
	}
	if (load_kernel(&l) == 0 && load_initrd(&l) == 0 &&
	    load_cmdline(&l) == 0 && load_acpi(m) == 0 &&
	    load_boot_structures(&l) == 0) {
		boot_regs(&l.plan, &m->regs);
		log_loaded(&l);
		rc = 0;
	}
	munmap(l.img, kernel_size);
	return rc;
}
