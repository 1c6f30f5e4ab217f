// SPDX-License-Identifier: MIT
/* The wake check (wake_check.h). */
#include "wake_check.h"
#include "log.h"
#include "machine.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

void wake_check_ask(struct machine *m, uint32_t mask)
{
	pthread_mutex_lock(&m->lock);
	for (unsigned int i = 0; i < m->pay.cpus && mask; i++) {
		if (!(mask & (1u << i)) || !m->started[i] ||
		    machine_outcome(m) != RUNNING)
			continue;
		__atomic_or_fetch(&m->wake.asked, 1u << i, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&m->wake.kicks, 1, __ATOMIC_RELAXED);
		pthread_kill(m->thread[i], VCPU_KICK_SIGNAL);
	}
	pthread_mutex_unlock(&m->lock);
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

void wake_check_run(struct machine *m, unsigned int id)
{
	struct vcpu_wait w;
	uint64_t n;

	if (!(__atomic_fetch_and(&m->wake.asked, ~(1u << id),
				 __ATOMIC_SEQ_CST) &
	      (1u << id)))
		return;
	memset(&w, 0, sizeof(w));
	w.irr = w.isr = -1;
	if (m->ops->vcpu_wait_state(m->vcpu[id], &w) < 0) {
		pv_log("wake check: vCPU %u: cannot read its state: %s", id,
		       strerror(errno));
		return;
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
