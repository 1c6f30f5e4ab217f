/* SPDX-License-Identifier: MIT */
/*
 * The machine of one boot, private to the VMM core (vmm.h is its public
 * face). vmm.c builds it, boots it and tears it down; load.c loads the
 * payload into it, measured; machine_devs.c puts its devices on the bus
 * from a table; vcpu.c runs one thread per vCPU until an outcome stops
 * them all; diag.c keeps its counters and I/O trace and writes the
 * diagnostic lines; stall.c watches that its vCPUs make progress.
 */
#ifndef MANTLE_VMM_MACHINE_H
#define MANTLE_VMM_MACHINE_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "devices.h"
#include "diag.h"
#include "e820.h"
#include "iobus.h"
#include "mmiobus.h"
#include "measure.h"
#include "payload.h"
#include "pci_host.h"
#include "platform.h"
#include "stall.h"
#include "tpm_crb.h"
#include "tpm_lib.h"
#include "tpm_tis.h"
#include "vmm.h"
#include "vtpm.h"
#include "wake_check.h"

#define MAX_CPUS PAYLOAD_MAX_CPUS
/* Interrupts a vCPU thread's KVM_RUN (vcpu.c installs a no-op handler
 * without SA_RESTART). */
#define VCPU_KICK_SIGNAL SIGUSR1

/* How a boot ended; the first one set wins. */
enum outcome {
	RUNNING = 0,
	OUT_POWEROFF,
	OUT_RESET,
	OUT_CRASH,
	OUT_ERROR,
	OUT_SIGNAL,
	OUT_STALL, /* the stall watchdog (stall.h) */
	OUT_GUEST_PANIC, /* the guest kernel panicked (pvpanic.c) */
	OUT_SETUP, /* the machine could not be built; the last */
};

struct machine;

struct vcpu_arg {
	struct machine *m;
	unsigned int id;
};

struct machine {
	const struct platform_ops *ops;
	struct host *host;
	struct payload_info pay;
	uint8_t *ram;
	size_t ram_size;
	struct mem_split split;
	struct pvm *pvm;
	struct pvcpu *vcpu[MAX_CPUS];
	pthread_t thread[MAX_CPUS];
	struct vcpu_arg arg[MAX_CPUS];
	int started[MAX_CPUS];
	pthread_mutex_t lock; /* outcome, started[] */
	int outcome;
	int event_fd; /* wakes the main thread when outcome is set */
	struct iobus bus;
	unsigned int plugged; /* rows of the device table set up */
	struct serial serial;
	struct pm pm;
	struct mmiobus mmio; /* MMIO dispatch (mmiobus.h) */
	struct pci_host pci; /* the PCI host bridge (pci_host.h) */
	enum vmm_tpm tpm; /* which vTPM interface (vmm.h) */
	struct tpm_nv *tpm_nv; /* its state across boots (tpm_lib.h) */
	struct tpm_crb *crb; /* the CRB device of this boot, or NULL */
	uint8_t *crb_page; /* its buffer page, in a memory slot, or NULL */
	struct tpm_tis *tis; /* the TIS device of this boot, or NULL */
	struct vtpm_keys vtpm_keys; /* the EK and AK (vtpm.h) */
	struct hostnotify *notify; /* interrupt mediation, or NULL */
	struct pvbus *pvbus; /* the pv bus of this boot (pvbus.h) */
	struct pipe_backend *pipes; /* host end of pipes, or NULL */
	struct diag diag;
	struct measure_log mlog;
	struct boot_regs regs;
	int (*after_setup)(void *arg);
	void *after_setup_arg;
	struct stall stall; /* the guest-stall watchdog of this boot */
	struct wake_check wake; /* its second look at blocked vCPUs */
	unsigned int stall_timeout_s; /* 0: off */
};

/* vcpu.c: the vCPU threads. */
int vcpu_kick_init(void); /* once per process, before any vCPU runs */
void vcpus_start(struct machine *m);
void vcpus_join(struct machine *m);
/* First outcome wins; stops every vCPU and wakes the main thread. */
void machine_stop(struct machine *m, int outcome);
int machine_outcome(struct machine *m);

/* load.c: kernel, initrd, command line, ACPI tables and e820 map into
 * guest RAM, each measured into m->mlog; the boot registers into m->regs. */
int load_payload(struct machine *m);

/* machine_devs.c: every device of the table on m->bus, set up for this
 * boot; unplugging undoes what was plugged, last first. */
int devices_plug(struct machine *m);
void devices_unplug(struct machine *m);

#endif
