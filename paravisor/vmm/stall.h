/* SPDX-License-Identifier: MIT */
/*
 * The guest-stall watchdog (README.md, "Stall watchdog"): owns the stats fds
 * of one boot's vCPUs, the decision whether the guest still makes progress,
 * and the report of what each vCPU waits on once it does not.
 *
 * Progress is KVM's per-vCPU counters (kvm_stats.h): a vCPU progressed when
 * its exits, halt_exits or halt_wakeup count changed. The guest is stalled
 * when no vCPU progressed for the stall timeout, counting time only in
 * sample-sized steps (STALL_MAX_GAP_MS at most each) so that a paravisor VM
 * paused by its host is not mistaken for a stalled guest. A vCPU that runs
 * guest code at all takes exits (host timer interrupts at the least), so
 * only a guest whose every vCPU sits blocked in KVM -- halted or waiting
 * for INIT/SIPI, with nothing waking it -- is stalled. A guest spinning in
 * a loop is not: that is left to the guest's own lockup detectors and to
 * `mantle run --timeout`.
 */
#ifndef MANTLE_VMM_STALL_H
#define MANTLE_VMM_STALL_H

#include <stddef.h>
#include <stdint.h>

#include "kvm_stats.h"
#include "mantle_payload.h"
#include "mantle_pv_status.h"

#define STALL_MAX_CPUS PAYLOAD_MAX_CPUS
#define STALL_SAMPLE_MS 1000 /* one stats read per vCPU per second */
#define STALL_MAX_GAP_MS (2 * STALL_SAMPLE_MS)

/* --- the decision, pure ------------------------------------------------ */

enum stall_verdict {
	STALL_PROGRESS, /* some vCPU progressed since the last sample */
	STALL_QUIET, /* none did, for less than the timeout */
	STALL_STALLED, /* none did, for the timeout */
};

struct stall_clock {
	unsigned int n; /* vCPUs */
	int primed; /* a first sample was taken */
	uint64_t last_ms; /* when the last sample was taken */
	uint64_t quiet_ms; /* without progress, in capped steps */
	uint64_t max_quiet_ms; /* the longest quiet_ms seen: the margin */
	uint64_t prev[STALL_MAX_CPUS][KVM_STAT_COUNT];
	uint32_t progressed; /* bit i: vCPU i progressed in the last sample */
	/* bit i: vCPU i sat blocked in KVM for the whole last sample: it did
	 * not progress and is blocking now (halting again would have counted
	 * a halt exit). wake_check.h looks at these. */
	uint32_t held;
};

void stall_clock_init(struct stall_clock *c, unsigned int n);

/* One sample v[0..c->n) taken at now_ms. The first sample only primes. */
enum stall_verdict stall_decide(struct stall_clock *c,
				const uint64_t v[][KVM_STAT_COUNT],
				uint64_t now_ms, uint64_t timeout_ms);

/* --- what a vCPU waits on ---------------------------------------------- */

/* Filled by the platform (platform_ops.vcpu_wait_state), from a vCPU that
 * is not running. */
struct vcpu_wait {
	const char *mp_state; /* "halted", "runnable", "uninitialized"... */
	int blocked; /* halted, or waiting for INIT/SIPI */
	int halted; /* halted: waiting for an interrupt (HLT) */
	uint64_t rip, rflags;
	int irq_injected, nmi_pending, nmi_injected, exc_pending;
	uint8_t irq_nr, exc_nr;
	int lapic; /* the LAPIC fields below are valid */
	int apic_enabled; /* software-enabled (SVR bit 8) */
	int irr, isr; /* highest vector requested / in service, or -1 */
	uint32_t lvtt; /* LVT timer: vector, mask (bit 16), mode (17-18) */
	uint32_t tmict, tmcct; /* initial and current count */
	uint64_t tsc_deadline; /* MSR 0x6E0 in TSC-deadline mode */
	uint64_t tsc; /* the guest's TSC when read; 0: unknown */
};

/* Is the vCPU's LAPIC timer going to fire (unmasked, armed)? */
int vcpu_wait_timer_armed(const struct vcpu_wait *w);

/* One line (no prefix, no newline) of what vCPU id waits on. */
void vcpu_wait_format(const struct vcpu_wait *w, unsigned int id, char *buf,
		      size_t len);

/* Could an interrupt, NMI or held event still end the vCPU's wait? A vCPU
 * that is not blocked counts as wakeable. */
int vcpu_wait_wakeable(const struct vcpu_wait *w);

/* Should KVM already have woken this halted vCPU? Something it must act
 * on is there: an NMI or event KVM holds, with IF=1 an interrupt requested
 * above the one in service, or a TSC-deadline timer long overdue. A vCPU
 * found like this after sitting blocked for a whole sample lost a wake-up
 * (wake_check.h). */
int vcpu_wait_missed_wakeup(const struct vcpu_wait *w);

/* The verdict over all vCPUs, e.g. "every vCPU halted or waiting for SIPI
 * (2 of 2), IF=1 on 0, ..., wakeable 0: nothing can wake the guest". */
void vcpu_wait_summary(const struct vcpu_wait *w, unsigned int n, char *buf,
		       size_t len);

/* --- the watchdog of one boot ------------------------------------------ */

struct platform_ops;
struct pvcpu;

struct stall {
	const struct platform_ops *ops;
	struct pvcpu *const *vcpu;
	unsigned int n;
	uint64_t timeout_ms; /* 0: off */
	int on;
	int fd[STALL_MAX_CPUS];
	struct kvm_stats_layout layout[STALL_MAX_CPUS];
	uint64_t v[STALL_MAX_CPUS][KVM_STAT_COUNT];
	struct stall_clock clock;
	uint64_t next_ms;
};

/* Opens the vCPUs' stats fds (during set-up: before the privilege drop on
 * the first boot, by ioctl on a reboot). Never fails the boot: without
 * stats the watchdog logs why and stays off. timeout_s 0: off. */
void stall_attach(struct stall *s, const struct platform_ops *ops,
		  struct pvcpu *const *vcpu, unsigned int n,
		  unsigned int timeout_s);

/* Called often from the main thread; samples every STALL_SAMPLE_MS. 1 when
 * the guest is stalled (logged), 0 after a sample that found it not
 * stalled, -1 when no sample was due (or the watchdog is off). *held: the
 * vCPUs that sat blocked through the sample just taken (stall_clock.held),
 * 0 without a sample. */
int stall_tick(struct stall *s, uint64_t now_ms, uint32_t *held);

/* Once the vCPUs have left KVM_RUN: what each waits on, and the verdict. */
void stall_report(struct stall *s);

/* Closes the stats fds; logs the longest quiet time seen, which shows how
 * far a guest came from the timeout. */
void stall_detach(struct stall *s);

#endif
