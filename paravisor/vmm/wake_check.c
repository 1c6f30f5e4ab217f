// SPDX-License-Identifier: MIT
/* The wake check (wake_check.h). */
#include "wake_check.h"
#include "log.h"
#include "machine.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

/* Sets the bits of mask in *word and kicks those vCPUs out of KVM_RUN. */
static void kick(struct machine *m, uint32_t *word, uint32_t mask)
{
	pthread_mutex_lock(&m->lock);
	for (unsigned int i = 0; i < m->pay.cpus && mask; i++) {
		if (!(mask & (1u << i)) || !m->started[i] ||
		    machine_outcome(m) != RUNNING)
			continue;
		__atomic_or_fetch(word, 1u << i, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&m->wake.kicks, 1, __ATOMIC_RELAXED);
		pthread_kill(m->thread[i], VCPU_KICK_SIGNAL);
	}
	pthread_mutex_unlock(&m->lock);
}

void wake_check_sample(struct machine *m, uint32_t held)
{
	struct wake_check *w = &m->wake;
	int long_held = 0;

	for (unsigned int i = 0; i < m->pay.cpus && i < 32; i++) {
		w->held_for[i] = (held & (1u << i)) ? w->held_for[i] + 1 : 0;
		long_held |= w->held_for[i] >= WAKE_CHECK_REPORT_S;
	}
	if (held)
		kick(m, &w->asked, held);
	if (long_held && !w->reported) {
		w->reported = 1;
		pv_log("wake check: a vCPU sat blocked for %u s; every vCPU "
		       "logs what it waits on",
		       WAKE_CHECK_REPORT_S);
		kick(m, &w->report, (uint32_t)((1ull << m->pay.cpus) - 1));
	}
}

static void log_missed(const struct vcpu_wait *w, unsigned int id, uint64_t n)
{
	char line[512];

	if (n > WAKE_CHECK_LOG_MAX)
		return;
	vcpu_wait_format(w, id, line, sizeof(line));
	pv_log("wake check: KVM left a vCPU halted with a wake-up due; "
	       "running it again: %s%s",
	       line,
	       n == WAKE_CHECK_LOG_MAX ? " (further ones counted only)" : "");
}

/* Clears bit id of *word; was it set? */
static int take(uint32_t *word, unsigned int id)
{
	return (__atomic_fetch_and(word, ~(1u << id), __ATOMIC_SEQ_CST) &
		(1u << id)) != 0;
}

void wake_check_run(struct machine *m, unsigned int id)
{
	struct vcpu_wait w;
	char line[512];
	uint64_t n;
	int report = take(&m->wake.report, id);

	if (!take(&m->wake.asked, id) && !report)
		return;
	memset(&w, 0, sizeof(w));
	w.irr = w.isr = -1;
	if (m->ops->vcpu_wait_state(m->vcpu[id], &w) < 0) {
		pv_log("wake check: vCPU %u: cannot read its state: %s", id,
		       strerror(errno));
		return;
	}
	if (report) {
		vcpu_wait_format(&w, id, line, sizeof(line));
		pv_log("wake check: %s", line);
	}
	if (!vcpu_wait_missed_wakeup(&w))
		return;
	n = __atomic_add_fetch(&m->wake.missed, 1, __ATOMIC_RELAXED);
	log_missed(&w, id, n);
}

void wake_check_log(struct machine *m)
{
	if (m->wake.kicks)
		pv_log("wake check: %llu look(s) at vCPUs blocked a second or "
		       "more, %llu missed wake-up(s) repaired",
		       (unsigned long long)m->wake.kicks,
		       (unsigned long long)m->wake.missed);
	memset(&m->wake, 0, sizeof(m->wake));
}
