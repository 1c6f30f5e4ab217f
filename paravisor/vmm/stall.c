// SPDX-License-Identifier: MIT
/* The guest-stall watchdog (stall.h). */
#include "stall.h"
#include "log.h"
#include "platform.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RFLAGS_IF (1ull << 9)
#define LVT_MASKED (1u << 16)
#define LVTT_MODE(l) (((l) >> 17) & 3u)
#define LVTT_PERIODIC 1u
#define LVTT_TSC_DEADLINE 2u

/* The counters that show a vCPU ran or was woken; "blocking" is a state. */
static const enum kvm_stat progress_stats[] = {
	KVM_STAT_EXITS,
	KVM_STAT_HALT_EXITS,
	KVM_STAT_HALT_WAKEUP,
};

void stall_clock_init(struct stall_clock *c, unsigned int n)
{
	memset(c, 0, sizeof(*c));
	c->n = n < STALL_MAX_CPUS ? n : STALL_MAX_CPUS;
}

/* Any change counts, a counter that wrapped included. */
static int vcpu_progressed(const uint64_t *prev, const uint64_t *now)
{
	for (size_t i = 0; i < sizeof(progress_stats) / sizeof(*progress_stats);
	     i++)
		if (prev[progress_stats[i]] != now[progress_stats[i]])
			return 1;
	return 0;
}

enum stall_verdict stall_decide(struct stall_clock *c,
				const uint64_t v[][KVM_STAT_COUNT],
				uint64_t now_ms, uint64_t timeout_ms)
{
	uint64_t step = now_ms > c->last_ms ? now_ms - c->last_ms : 0;

	c->progressed = 0;
	c->held = 0;
	for (unsigned int i = 0; i < c->n; i++) {
		if (c->primed && vcpu_progressed(c->prev[i], v[i]))
			c->progressed |= 1u << i;
		else if (c->primed && v[i][KVM_STAT_BLOCKING])
			c->held |= 1u << i;
		memcpy(c->prev[i], v[i], sizeof(c->prev[i]));
	}
	c->last_ms = now_ms;
	if (!c->primed || c->progressed) {
		c->primed = 1;
		c->quiet_ms = 0;
		return STALL_PROGRESS;
	}
	/* A long gap between samples is the paravisor not running (its VM
	 * paused or starved), not the guest standing still. */
	c->quiet_ms += step < STALL_MAX_GAP_MS ? step : STALL_MAX_GAP_MS;
	if (c->quiet_ms > c->max_quiet_ms)
		c->max_quiet_ms = c->quiet_ms;
	return timeout_ms && c->quiet_ms >= timeout_ms ? STALL_STALLED :
							 STALL_QUIET;
}

int vcpu_wait_timer_armed(const struct vcpu_wait *w)
{
	if (!w->lapic || !w->apic_enabled || (w->lvtt & LVT_MASKED))
		return 0;
	switch (LVTT_MODE(w->lvtt)) {
	case LVTT_TSC_DEADLINE:
		return w->tsc_deadline != 0;
	case LVTT_PERIODIC:
		return w->tmict != 0;
	default: /* one-shot: armed until the count runs out */
		return w->tmcct != 0;
	}
}

static const char *timer_mode(uint32_t lvtt)
{
	static const char *const mode[] = { "one-shot", "periodic",
					    "tsc-deadline", "reserved" };

	return mode[LVTT_MODE(lvtt)];
}

static int vec_or_none(char *buf, size_t len, int vec)
{
	return vec < 0 ?
		       snprintf(buf, len, "none") :
		       snprintf(buf, len, "0x%02x", (unsigned int)vec & 0xFFu);
}

/* "LAPIC: enabled, IRR 0xec, ISR none, timer tsc-deadline armed (...)" */
static void format_lapic(const struct vcpu_wait *w, char *buf, size_t len)
{
	char irr[16], isr[16];

	if (!w->lapic) {
		snprintf(buf, len, "LAPIC unreadable");
		return;
	}
	vec_or_none(irr, sizeof(irr), w->irr);
	vec_or_none(isr, sizeof(isr), w->isr);
	snprintf(buf, len,
		 "LAPIC %s, IRR %s, ISR %s, timer %s %s (lvtt=0x%08x "
		 "tmict=%u tmcct=%u deadline=%llu)",
		 w->apic_enabled ? "enabled" : "software-disabled", irr, isr,
		 timer_mode(w->lvtt),
		 vcpu_wait_timer_armed(w) ? "armed" :
		 (w->lvtt & LVT_MASKED)	  ? "masked" :
					    "not armed",
		 w->lvtt, w->tmict, w->tmcct,
		 (unsigned long long)w->tsc_deadline);
}

/* "no event pending", or what is: "irq 0x20 injected, NMI pending" */
static void format_events(const struct vcpu_wait *w, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	if (w->irq_injected)
		n += (size_t)snprintf(buf + n, len - n, ", irq 0x%02x injected",
				      w->irq_nr);
	if (n < len && w->nmi_pending)
		n += (size_t)snprintf(buf + n, len - n, ", NMI pending");
	if (n < len && w->nmi_injected)
		n += (size_t)snprintf(buf + n, len - n, ", NMI injected");
	if (n < len && w->exc_pending)
		n += (size_t)snprintf(buf + n, len - n,
				      ", exception 0x%02x pending", w->exc_nr);
	if (!buf[0])
		snprintf(buf, len, ", no event pending");
}

void vcpu_wait_format(const struct vcpu_wait *w, unsigned int id, char *buf,
		      size_t len)
{
	char lapic[192], events[96];

	format_events(w, events, sizeof(events));
	format_lapic(w, lapic, sizeof(lapic));
	snprintf(buf, len, "vCPU %u: %s rip=0x%llx IF=%d; %s; %s", id,
		 w->mp_state, (unsigned long long)w->rip,
		 (w->rflags & RFLAGS_IF) ? 1 : 0, events + 2, lapic);
}

/* Could anything end this vCPU's wait? An NMI or an event KVM already
 * holds always; a requested (IRR) or timer interrupt only with IF=1 (HLT
 * with interrupts off waits for NMI, SMI or INIT alone). */
int vcpu_wait_wakeable(const struct vcpu_wait *w)
{
	int if1 = (w->rflags & RFLAGS_IF) != 0;

	if (!w->blocked || w->irq_injected || w->nmi_pending ||
	    w->nmi_injected || w->exc_pending)
		return 1;
	return if1 && w->lapic && w->apic_enabled &&
	       (w->irr >= 0 || vcpu_wait_timer_armed(w));
}

/* Overdue by this many TSC cycles (0.1 s at 2.7 GHz, more on slower TSCs):
 * a deadline that passed an instant ago is KVM about to act, not a miss. */
#define TSC_OVERDUE_CYCLES (1ull << 28)

static int timer_overdue(const struct vcpu_wait *w)
{
	return vcpu_wait_timer_armed(w) &&
	       LVTT_MODE(w->lvtt) == LVTT_TSC_DEADLINE && w->tsc &&
	       w->tsc > w->tsc_deadline &&
	       w->tsc - w->tsc_deadline > TSC_OVERDUE_CYCLES;
}

int vcpu_wait_missed_wakeup(const struct vcpu_wait *w)
{
	int if1 = (w->rflags & RFLAGS_IF) != 0;

	if (!w->halted)
		return 0;
	if (w->irq_injected || w->nmi_pending || w->nmi_injected ||
	    w->exc_pending)
		return 1;
	if (!if1 || !w->lapic || !w->apic_enabled)
		return 0;
	/* Deliverable only above the priority class in service. */
	if (w->irr >= 0 && (w->isr < 0 || (w->irr >> 4) > (w->isr >> 4)))
		return 1;
	return timer_overdue(w);
}

void vcpu_wait_summary(const struct vcpu_wait *w, unsigned int n, char *buf,
		       size_t len)
{
	unsigned int blocked = 0, ifs = 0, irr = 0, timers = 0, wake = 0;

	for (unsigned int i = 0; i < n; i++) {
		blocked += w[i].blocked != 0;
		ifs += (w[i].rflags & RFLAGS_IF) != 0;
		irr += w[i].lapic && w[i].irr >= 0;
		timers += vcpu_wait_timer_armed(&w[i]);
		wake += vcpu_wait_wakeable(&w[i]);
	}
	snprintf(buf, len,
		 "%s halted or waiting for SIPI (%u of %u), IF=1 on %u, "
		 "interrupt requested (IRR) on %u, LAPIC timer armed on %u, "
		 "wakeable %u%s",
		 blocked == n ? "every vCPU" : "not every vCPU", blocked, n,
		 ifs, irr, timers, wake,
		 blocked == n && !wake ? ": nothing can wake the guest" : "");
}

/* --- the watchdog of one boot ------------------------------------------ */

static void close_fds(struct stall *s)
{
	/* Only the fds of an attach: a zeroed struct has n = 0. */
	for (unsigned int i = 0; i < s->n; i++) {
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		s->fd[i] = -1;
	}
}

/* Each vCPU's stats fd and counter layout; -1 with the reason in err. */
static int open_stats(struct stall *s, char *err, size_t errlen)
{
	if (!s->ops->vcpu_stats_fd || !s->ops->vcpu_wait_state) {
		snprintf(err, errlen, "platform %s has no vCPU statistics",
			 s->ops->name);
		return -1;
	}
	for (unsigned int i = 0; i < s->n; i++) {
		s->fd[i] = s->ops->vcpu_stats_fd(s->vcpu[i]);
		if (s->fd[i] < 0) {
			snprintf(err, errlen, "vCPU %u: KVM_GET_STATS_FD: %s",
				 i, strerror(errno));
			return -1;
		}
		if (kvm_stats_layout_read(s->fd[i], &s->layout[i], err,
					  errlen) < 0)
			return -1;
	}
	return 0;
}

void stall_attach(struct stall *s, const struct platform_ops *ops,
		  struct pvcpu *const *vcpu, unsigned int n,
		  unsigned int timeout_s)
{
	char err[160];

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < STALL_MAX_CPUS; i++)
		s->fd[i] = -1;
	s->ops = ops;
	s->vcpu = vcpu;
	s->n = n < STALL_MAX_CPUS ? n : STALL_MAX_CPUS;
	s->timeout_ms = (uint64_t)timeout_s * 1000;
	if (!timeout_s)
		return;
	if (open_stats(s, err, sizeof(err)) < 0) {
		pv_log("stall watchdog off: %s", err);
		close_fds(s);
		return;
	}
	stall_clock_init(&s->clock, s->n);
	s->on = 1;
}

/* Logs which counters stood still, and for how long. */
static void log_stall(const struct stall *s)
{
	pv_log("stall: no vCPU made progress for %llu s (exits, halt_exits, "
	       "halt_wakeup unchanged); stopping the guest",
	       (unsigned long long)(s->clock.quiet_ms / 1000));
	for (unsigned int i = 0; i < s->n; i++)
		pv_log("stall: vCPU %u: exits=%llu halt_exits=%llu "
		       "halt_wakeup=%llu blocking=%llu",
		       i, (unsigned long long)s->v[i][KVM_STAT_EXITS],
		       (unsigned long long)s->v[i][KVM_STAT_HALT_EXITS],
		       (unsigned long long)s->v[i][KVM_STAT_HALT_WAKEUP],
		       (unsigned long long)s->v[i][KVM_STAT_BLOCKING]);
}

int stall_tick(struct stall *s, uint64_t now_ms, uint32_t *held)
{
	enum stall_verdict v;

	*held = 0;
	if (!s->on || now_ms < s->next_ms)
		return -1;
	s->next_ms = now_ms + STALL_SAMPLE_MS;
	for (unsigned int i = 0; i < s->n; i++) {
		if (kvm_stats_sample(s->fd[i], &s->layout[i], s->v[i]) < 0) {
			pv_log("stall watchdog off: vCPU %u: cannot read its "
			       "statistics: %s",
			       i, strerror(errno));
			s->on = 0;
			return -1;
		}
	}
	v = stall_decide(&s->clock, (const uint64_t(*)[KVM_STAT_COUNT])s->v,
			 now_ms, s->timeout_ms);
	*held = s->clock.held;
	if (v != STALL_STALLED)
		return 0;
	log_stall(s);
	return 1;
}

void stall_report(struct stall *s)
{
	struct vcpu_wait w[STALL_MAX_CPUS];
	char line[512];

	for (unsigned int i = 0; i < s->n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].irr = w[i].isr = -1;
		if (s->ops->vcpu_wait_state(s->vcpu[i], &w[i]) < 0) {
			pv_log("stall: vCPU %u: cannot read its state: %s", i,
			       strerror(errno));
			w[i].mp_state = "unknown";
			continue;
		}
		vcpu_wait_format(&w[i], i, line, sizeof(line));
		pv_log("stall: %s", line);
		s->ops->vcpu_dump(s->vcpu[i], stderr);
	}
	vcpu_wait_summary(w, s->n, line, sizeof(line));
	pv_log("stall: %s", line);
}

void stall_detach(struct stall *s)
{
	if (s->on)
		pv_log("stall watchdog: longest time without progress %llu ms "
		       "(timeout %llu ms)",
		       (unsigned long long)s->clock.max_quiet_ms,
		       (unsigned long long)s->timeout_ms);
	close_fds(s);
	s->n = 0;
	s->on = 0;
}
