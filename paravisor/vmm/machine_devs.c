// SPDX-License-Identifier: MIT
/*
 * The machine's devices from one table, in the manner of kvmtool's hw/:
 * each device model is one file behind one struct io_ops (ports) and/or
 * one struct mmio_ops (memory); a row here says how its state is set up
 * for a boot (and undone at teardown) and is put on the port I/O and MMIO
 * buses. A new device is a new file and a new row.
 */
#include "machine.h"
#include "hostnotify.h"
#include "pvbus.h"
#include "vtpm.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct machine_dev {
	const struct io_ops *io; /* NULL: no ports */
	const struct mmio_ops *mmio; /* NULL: no memory range */
	/* Sets the device up for this boot and returns its state, or NULL
	 * when this machine has no such device. */
	void *(*plug)(struct machine *m);
	void (*unplug)(struct machine *m); /* NULL: nothing to undo */
};

static int irq_line(void *ctx, unsigned int gsi, int level)
{
	struct machine *m = ctx;

	return m->ops->irq_line(m->pvm, gsi, level);
}

static void pm_request(void *ctx, enum pm_request req)
{
	struct machine *m = ctx;

	static const int outcome[] = {
		[PM_POWEROFF] = OUT_POWEROFF,
		[PM_RESET] = OUT_RESET,
		[PM_GUEST_PANIC] = OUT_GUEST_PANIC,
	};

	machine_stop(m, outcome[req]);
}

static void *com1_plug(struct machine *m)
{
	serial_init(&m->serial, m->host, irq_line, m);
	return &m->serial;
}

static void com1_unplug(struct machine *m)
{
	serial_destroy(&m->serial); /* flushes the last console bytes */
}

/* The ACPI power block and the keyboard controller share one state. */
static void *pm_plug(struct machine *m)
{
	m->pm = (struct pm){ pm_request, m };
	return &m->pm;
}

static void *pci_plug(struct machine *m)
{
	pci_host_reset(&m->pci);
	return &m->pci;
}

static void *hostnotify_plug(struct machine *m)
{
	if (m->notify)
		hostnotify_attach(m->notify, irq_line, m);
	return m->notify;
}

static void hostnotify_unplug(struct machine *m)
{
	if (m->notify)
		hostnotify_detach(m->notify);
}

/* The pv bus: its area zeroed in guest RAM, its doorbell port, its
 * interrupt; pipes from the host end when there is one. */
static void *pvbus_plug(struct machine *m)
{
	struct pvbus_config cfg;

	pvbus_config_machine(&cfg, m->ram, m->pay.mem_bytes);
	cfg.irq_line = irq_line;
	cfg.irq_ctx = m;
	cfg.pipes = m->pipes;
	cfg.worker = 1;
	m->pvbus = pvbus_create(&cfg);
	if (!m->pvbus)
		pv_log("pvbus: cannot set up the bus");
	return m->pvbus;
}

static void pvbus_unplug(struct machine *m)
{
	pvbus_destroy(m->pvbus);
	m->pvbus = NULL;
}

/* The CRB's buffer page: the paravisor's own memory, in a memory slot of
 * its own at TPM_CRB_BUF_GPA (tpm_crb.h), NULL when it cannot be. Kept in
 * m->crb_page until the VM is gone (vmm.c's teardown unmaps it). */
static uint8_t *crb_page_map(struct machine *m)
{
	void *p = mmap(NULL, TPM_CRB_BUF_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		pv_log("tpm-crb: cannot map its buffer: %s", strerror(errno));
		return NULL;
	}
	if (m->ops->map_device_mem(m->pvm, TPM_CRB_BUF_GPA, p, TPM_CRB_BUF_SIZE,
				   "tpm-crb-buffer") < 0) {
		pv_log("tpm-crb: cannot give the guest its buffer: %s",
		       strerror(errno));
		munmap(p, TPM_CRB_BUF_SIZE);
		return NULL;
	}
	m->crb_page = p;
	return p;
}

/* The vTPM behind the CRB interface (--tpm crb, vtpm.h). */
static void *tpm_crb_plug(struct machine *m)
{
	uint8_t *page;

	if (m->tpm != VMM_TPM_CRB)
		return NULL;
	m->crb = malloc(sizeof(*m->crb));
	page = m->crb ? crb_page_map(m) : NULL;
	if (!page || vtpm_power_on(m, TPM_CRB_BUF_SIZE) < 0) {
		free(m->crb);
		m->crb = NULL;
		return NULL;
	}
	tpm_crb_init(m->crb, tpm_lib_exec, NULL, page);
	return m->crb;
}

static void tpm_crb_unplug(struct machine *m)
{
	if (!m->crb)
		return;
	vtpm_power_off(m, "crb", m->crb->commands, m->crb->refused);
	tpm_crb_destroy(m->crb);
	free(m->crb);
	m->crb = NULL;
}

/* The vTPM behind the TIS (FIFO) interface (--tpm tis, vtpm.h). */
static void *tpm_tis_plug(struct machine *m)
{
	if (m->tpm != VMM_TPM_TIS)
		return NULL;
	m->tis = malloc(sizeof(*m->tis));
	if (!m->tis || vtpm_power_on(m, TPM_TIS_BUF_SIZE) < 0) {
		free(m->tis);
		m->tis = NULL;
		return NULL;
	}
	tpm_tis_init(m->tis, tpm_lib_exec, NULL);
	return m->tis;
}

static void tpm_tis_unplug(struct machine *m)
{
	if (!m->tis)
		return;
	vtpm_power_off(m, "tis", m->tis->commands, m->tis->refused);
	tpm_tis_destroy(m->tis);
	free(m->tis);
	m->tis = NULL;
}

static const struct machine_dev machine_devs[] = {
	{ &serial_io_ops, NULL, com1_plug, com1_unplug },
	{ &pm_io_ops, NULL, pm_plug, NULL },
	{ &i8042_io_ops, NULL, pm_plug, NULL },
	{ &pvpanic_io_ops, NULL, pm_plug, NULL },
	{ &pci_host_io_ops, &pci_ecam_mmio_ops, pci_plug, NULL },
	{ &hostnotify_io_ops, NULL, hostnotify_plug, hostnotify_unplug },
	{ &pvbus_io_ops, NULL, pvbus_plug, pvbus_unplug },
	{ NULL, &tpm_crb_mmio_ops, tpm_crb_plug, tpm_crb_unplug },
	{ NULL, &tpm_tis_mmio_ops, tpm_tis_plug, tpm_tis_unplug },
};

#define N_DEVS (sizeof(machine_devs) / sizeof(machine_devs[0]))

int devices_plug(struct machine *m)
{
	for (m->plugged = 0; m->plugged < N_DEVS;) {
		const struct machine_dev *d = &machine_devs[m->plugged];
		void *state = d->plug(m);

		m->plugged++;
		if (state && d->io && iobus_add(&m->bus, d->io, state) < 0) {
			pv_log("device %s: port conflict", d->io->name);
			return -1;
		}
		if (state && d->mmio &&
		    mmiobus_add(&m->mmio, d->mmio, state) < 0) {
			pv_log("device %s: MMIO conflict", d->mmio->name);
			return -1;
		}
	}
	return 0;
}

void devices_unplug(struct machine *m)
{
	while (m->plugged) {
		const struct machine_dev *d = &machine_devs[--m->plugged];

		if (d->unplug)
			d->unplug(m);
	}
}
