// SPDX-License-Identifier: MIT
/*
 * The pv bus's counters and its protocol-error log: every error is counted
 * by kind; log lines are rate-limited (a burst of PVB_LOG_BURST, then one
 * per second, with the count of lines suppressed in between), so a guest
 * that floods the bus with bad packets cannot flood the log.
 */
#include "pvbus_priv.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PVB_LOG_BURST 10u
#define PVB_LOG_PERIOD_MS 1000u

static const char *const err_names[PVB_E_NR] = {
	[PVB_E_CTL_MALFORMED] = "ctl-malformed",
	[PVB_E_CTL_UNKNOWN] = "ctl-unknown-type",
	[PVB_E_CTL_RING] = "ctl-ring-fault",
	[PVB_E_NOT_NEGOTIATED] = "not-negotiated",
	[PVB_E_VERSION] = "version",
	[PVB_E_RESERVED] = "reserved-field",
	[PVB_E_UNKNOWN_CHANNEL] = "unknown-channel",
	[PVB_E_CHANNEL_STATE] = "channel-state",
	[PVB_E_CHANNEL_BROKEN] = "channel-broken",
	[PVB_E_CLASS_VERSION] = "class-version",
	[PVB_E_RING_LOG2] = "ring-log2",
	[PVB_E_RING_ALIGN] = "ring-align",
	[PVB_E_RING_MAX_RECORD] = "ring-max-record",
	[PVB_E_RING_BUS_AREA] = "ring-on-bus-area",
	[PVB_E_RING_NOT_RAM] = "ring-not-ram",
	[PVB_E_RING_OVERLAP] = "ring-overlap",
	[PVB_E_RING_OTHER] = "ring-overlaps-channel",
	[PVB_E_RESET_FEATURE] = "reset-not-accepted",
	[PVB_E_CLASS_OPEN] = "device-open",
	[PVB_E_CHAN_RING] = "chan-ring-fault",
	[PVB_E_CHAN_PACKET] = "chan-bad-packet",
	[PVB_E_DOORBELL_UNKNOWN] = "doorbell-unknown",
	[PVB_E_DOORBELL_CLOSED] = "doorbell-not-open",
	[PVB_E_BACKEND] = "backend",
};

static const char *const count_names[PVB_COUNT_NR] = {
	[PVB_DOORBELLS] = "doorbells",
	[PVB_INTERRUPTS] = "interrupts",
	[PVB_CTL_PACKETS] = "ctl-packets",
	[PVB_NEGOTIATED] = "negotiated",
	[PVB_OFFERS] = "offers",
	[PVB_OPENS] = "opens",
	[PVB_CLOSES] = "closes",
	[PVB_RESETS] = "resets",
	[PVB_BUS_RESETS] = "bus-resets",
	[PVB_BROKEN] = "broken",
	[PVB_PIPE_TX_BYTES] = "pipe-tx-bytes",
	[PVB_PIPE_RX_BYTES] = "pipe-rx-bytes",
};

const char *pvbus_err_name(enum pvbus_err e)
{
	return (unsigned int)e < PVB_E_NR ? err_names[e] : "?";
}

const char *pvbus_count_name(enum pvbus_count c)
{
	return (unsigned int)c < PVB_COUNT_NR ? count_names[c] : "?";
}

void pvbus_stat_init(struct pvbus *b)
{
	memset(b->count, 0, sizeof(b->count));
	memset(b->err, 0, sizeof(b->err));
	pthread_mutex_init(&b->limit.lock, NULL);
	b->limit.tokens = PVB_LOG_BURST;
	b->limit.last_ms = pv_uptime_ms();
	b->limit.suppressed = 0;
}

void pvbus_count(struct pvbus *b, enum pvbus_count c, uint64_t n)
{
	__atomic_add_fetch(&b->count[c], n, __ATOMIC_RELAXED);
}

/* May a line go out now? *suppressed: lines dropped since the last one. */
static int limit_take(struct pvbus_limit *l, uint64_t *suppressed)
{
	uint64_t now = pv_uptime_ms();
	int ok = 0;

	pthread_mutex_lock(&l->lock);
	if (now - l->last_ms >= PVB_LOG_PERIOD_MS) {
		uint64_t refill = (now - l->last_ms) / PVB_LOG_PERIOD_MS;

		l->tokens = refill >= PVB_LOG_BURST ?
				    PVB_LOG_BURST :
				    l->tokens + (unsigned int)refill;
		if (l->tokens > PVB_LOG_BURST)
			l->tokens = PVB_LOG_BURST;
		l->last_ms = now;
	}
	if (l->tokens) {
		l->tokens--;
		*suppressed = l->suppressed;
		l->suppressed = 0;
		ok = 1;
	} else {
		l->suppressed++;
	}
	pthread_mutex_unlock(&l->lock);
	return ok;
}

void pvbus_error(struct pvbus *b, enum pvbus_err e, const char *fmt, ...)
{
	uint64_t suppressed;
	char msg[256];
	va_list ap;

	__atomic_add_fetch(&b->err[e], 1, __ATOMIC_RELAXED);
	if (!limit_take(&b->limit, &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (suppressed)
		pv_log("pvbus: %s: %s (%llu earlier lines suppressed)",
		       err_names[e], msg, (unsigned long long)suppressed);
	else
		pv_log("pvbus: %s: %s", err_names[e], msg);
}

void pvbus_note(struct pvbus *b, const char *fmt, ...)
{
	uint64_t suppressed;
	char msg[256];
	va_list ap;

	if (!limit_take(&b->limit, &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pv_log("pvbus: %s", msg);
}

void pvbus_stats(struct pvbus *b, struct pvbus_stats *out)
{
	for (unsigned int i = 0; i < PVB_COUNT_NR; i++)
		out->count[i] = __atomic_load_n(&b->count[i], __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < PVB_E_NR; i++)
		out->err[i] = __atomic_load_n(&b->err[i], __ATOMIC_RELAXED);
}

/* "name=value" for each counter, errors only when nonzero. */
static size_t stats_format(const struct pvbus_stats *s, char *buf, size_t cap)
{
	size_t n = 0;
	uint64_t errs = 0;

	for (unsigned int i = 0; i < PVB_COUNT_NR && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s=%llu",
				      i ? " " : "", count_names[i],
				      (unsigned long long)s->count[i]);
	for (unsigned int i = 0; i < PVB_E_NR; i++)
		errs += s->err[i];
	if (n < cap)
		n += (size_t)snprintf(buf + n, cap - n, " errors=%llu",
				      (unsigned long long)errs);
	for (unsigned int i = 0; i < PVB_E_NR && n < cap; i++)
		if (s->err[i])
			n += (size_t)snprintf(buf + n, cap - n, " %s=%llu",
					      err_names[i],
					      (unsigned long long)s->err[i]);
	return n;
}

void pvbus_log_stats(struct pvbus *b, const char *when)
{
	struct pvbus_stats s;
	char line[900];

	pvbus_stats(b, &s);
	stats_format(&s, line, sizeof(line));
	pv_log("pvbus: %s (%s)", line, when);
}
