// SPDX-License-Identifier: MIT
/*
 * One thread per vCPU, each running its vCPU until the machine has an
 * outcome (kvmtool's kvm-cpu.c loop). Exits are handled here; the first
 * outcome stops every vCPU: the platform makes its next run return at
 * once and a signal interrupts the one in progress.
 */
#include "machine.h"
#include "log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void kick_handler(int sig)
{
	(void)sig; /* only interrupts KVM_RUN */
}

int vcpu_kick_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler; /* no SA_RESTART: KVM_RUN returns */
	sigemptyset(&sa.sa_mask);
	return sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
}

void machine_stop(struct machine *m, int outcome)
{
	uint64_t one = 1;

	pthread_mutex_lock(&m->lock);
	if (m->outcome != RUNNING) {
		pthread_mutex_unlock(&m->lock);
		return;
	}
	__atomic_store_n(&m->outcome, outcome, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < m->pay.cpus; i++) {
		if (!m->vcpu[i])
			continue;
		m->ops->vcpu_stop(m->vcpu[i]);
		if (m->started[i])
			pthread_kill(m->thread[i], VCPU_KICK_SIGNAL);
	}
	pthread_mutex_unlock(&m->lock);
	if (write(m->event_fd, &one, sizeof(one)) < 0)
		pv_log("cannot wake the main thread: %s", strerror(errno));
}

int machine_outcome(struct machine *m)
{
	return __atomic_load_n(&m->outcome, __ATOMIC_ACQUIRE);
}

/* Port I/O, string I/O included: each item to the bus in turn. */
static void exit_io(struct machine *m, struct vmexit *e)
{
	diag_count(&m->diag.io);
	for (uint32_t i = 0; i < e->count; i++) {
		uint8_t *d = e->data + (size_t)i * e->size;
		int claimed = iobus_access(&m->bus, e->port, e->is_write, d,
					   e->size) == 0;

		diag_io(&m->diag, e, d, claimed);
	}
}

/* MMIO: to the device whose range holds the address (machine_devs.c
 * puts them on the bus); elsewhere nobody answers: reads float high,
 * writes drop. */
static void exit_mmio(struct machine *m, struct vmexit *e)
{
	int claimed = mmiobus_access(&m->mmio, e->addr, e->is_write, e->data,
				     e->len) == 0;

	diag_mmio(&m->diag, e, claimed);
	if (!claimed && !e->is_write)
		memset(e->data, 0xFF, e->len);
}

/* An exit the guest cannot come back from: registers, then stop. */
static void exit_fatal(struct machine *m, struct pvcpu *v, int outcome)
{
	m->ops->vcpu_dump(v, stderr);
	machine_stop(m, outcome);
}

static void handle_exit(struct machine *m, unsigned int id, struct pvcpu *v,
			struct vmexit *e)
{
	switch (e->kind) {
	case VMEXIT_RETRY:
		break;
	case VMEXIT_IO:
		exit_io(m, e);
		break;
	case VMEXIT_MMIO:
		exit_mmio(m, e);
		break;
	case VMEXIT_HLT:
		diag_count(&m->diag.hlt);
		break;
	case VMEXIT_SHUTDOWN:
		pv_log("guest crash: triple fault (shutdown) on vCPU %u", id);
		exit_fatal(m, v, OUT_CRASH);
		break;
	case VMEXIT_SYSTEM_RESET:
		machine_stop(m, OUT_RESET);
		break;
	case VMEXIT_SYSTEM_OFF:
		machine_stop(m, OUT_POWEROFF);
		break;
	case VMEXIT_FAIL:
		pv_log("vCPU %u: entry failure/internal error (exit %u, "
		       "detail 0x%llx)",
		       id, e->reason, (unsigned long long)e->detail);
		exit_fatal(m, v, OUT_ERROR);
		break;
	case VMEXIT_UNKNOWN:
		diag_count(&m->diag.unknown);
		pv_log("vCPU %u: unknown exit reason %u (detail %llu)", id,
		       e->reason, (unsigned long long)e->detail);
		exit_fatal(m, v, OUT_ERROR);
		break;
	}
}

static void *vcpu_thread(void *p)
{
	struct vcpu_arg *a = p;
	struct machine *m = a->m;
	struct pvcpu *v = m->vcpu[a->id];
	struct vmexit e;

	while (machine_outcome(m) == RUNNING) {
		if (m->ops->vcpu_run(v, &e) < 0) {
			pv_log("vCPU %u: run failed: %s", a->id,
			       strerror(errno));
			machine_stop(m, OUT_ERROR);
			break;
		}
		handle_exit(m, a->id, v, &e);
		wake_check_run(m, a->id);
	}
	return NULL;
}

void vcpus_start(struct machine *m)
{
	for (unsigned int i = 0; i < m->pay.cpus; i++) {
		m->arg[i] = (struct vcpu_arg){ m, i };
		pthread_mutex_lock(&m->lock);
		if (pthread_create(&m->thread[i], NULL, vcpu_thread,
				   &m->arg[i]) != 0) {
			pthread_mutex_unlock(&m->lock);
			pv_log("cannot start the thread of vCPU %u", i);
			machine_stop(m, OUT_ERROR);
			break;
		}
		m->started[i] = 1;
		pthread_mutex_unlock(&m->lock);
	}
}

void vcpus_join(struct machine *m)
{
	for (unsigned int i = 0; i < m->pay.cpus; i++)
		if (m->started[i])
			pthread_join(m->thread[i], NULL);
}
