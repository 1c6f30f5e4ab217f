// SPDX-License-Identifier: MIT
#include "diag.h"
#include "log.h"
#include "memstat.h"

#include "mantle_bytes.h"

#include <stdio.h>
#include <string.h>

void diag_count(uint64_t *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/* The value of a port access of size bytes (at most 4 shown). */
static uint32_t io_value(const struct vmexit *e, const uint8_t *data)
{
	uint8_t v[4] = { 0 };

	memcpy(v, data, e->size < 4 ? e->size : 4);
	return get_le32(v);
}

/* Counted only: no lock, no log line, whatever the guest does. */
static void count_unclaimed(struct diag_unclaimed *u, int is_write,
			    uint64_t where)
{
	uint64_t none = 0;

	diag_count(is_write ? &u->writes : &u->reads);
	if (__atomic_load_n(&u->first, __ATOMIC_RELAXED) == 0)
		__atomic_compare_exchange_n(&u->first, &none, where + 1, 0,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

static void trace_io(struct diag *d, const struct vmexit *e,
		     const uint8_t *data)
{
	unsigned int i =
		__atomic_fetch_add(&d->trace_next, 1, __ATOMIC_RELAXED) %
		DIAG_TRACE_LEN;

	d->trace[i].port = e->port;
	d->trace[i].size = e->size;
	d->trace[i].is_write = e->is_write;
	d->trace[i].value = io_value(e, data);
}

void diag_io(struct diag *d, const struct vmexit *e, const uint8_t *data,
	     int claimed)
{
	if (!claimed)
		count_unclaimed(&d->unclaimed_port, e->is_write, e->port);
	trace_io(d, e, data);
}

void diag_mmio(struct diag *d, const struct vmexit *e, int claimed)
{
	diag_count(&d->mmio);
	if (!claimed)
		count_unclaimed(&d->unclaimed_mmio, e->is_write, e->addr);
}

/* "N port reads, N port writes (first: 0x...)" into out. */
static void format_unclaimed(char *out, size_t cap,
			     const struct diag_unclaimed *u, const char *kind)
{
	int n = snprintf(out, cap, "%llu %s reads, %llu %s writes",
			 (unsigned long long)u->reads, kind,
			 (unsigned long long)u->writes, kind);

	if (u->first && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - (size_t)n, " (first: 0x%llx)",
			 (unsigned long long)(u->first - 1));
}

void diag_log_unclaimed(const struct diag *d)
{
	char port[96], mmio[96];

	format_unclaimed(port, sizeof(port), &d->unclaimed_port, "port");
	format_unclaimed(mmio, sizeof(mmio), &d->unclaimed_mmio, "MMIO");
	pv_log("unclaimed: %s, %s", port, mmio);
}

void diag_trace_reset(struct diag *d)
{
	d->trace_next = 0;
}

void diag_log_trace(const struct diag *d)
{
	unsigned int n =
		d->trace_next < DIAG_TRACE_LEN ? d->trace_next : DIAG_TRACE_LEN;

	pv_log("last %u port accesses, oldest first:", n);
	for (unsigned int k = 0; k < n; k++) {
		unsigned int i = (d->trace_next - n + k) % DIAG_TRACE_LEN;

		pv_log("  %s 0x%x size %u value 0x%x",
		       d->trace[i].is_write ? "out" : "in", d->trace[i].port,
		       d->trace[i].size, d->trace[i].value);
	}
}

void diag_log_memory(const void *guest_ram)
{
	uint64_t total, ram;

	if (memstat_pss(guest_ram, &total, &ram) < 0) {
		pv_log("memory: cannot read /proc/self/smaps");
		return;
	}
	pv_log("memory: pss=%llu kB guest-ram-pss=%llu kB "
	       "pss-excluding-guest-ram=%llu kB",
	       (unsigned long long)total, (unsigned long long)ram,
	       (unsigned long long)(total - ram));
}

void diag_log_exits(const struct diag *d, unsigned int reboots,
		    uint64_t console_dropped, const char *result, int code)
{
	diag_log_unclaimed(d);
	pv_log("exits: io=%llu mmio=%llu hlt=%llu unclaimed-io=%llu "
	       "unknown=%llu reboots=%u console-dropped=%llu result=%s "
	       "exit=%d after %llu ms",
	       (unsigned long long)d->io, (unsigned long long)d->mmio,
	       (unsigned long long)d->hlt, (unsigned long long)d->unclaimed_io,
	       (unsigned long long)d->unknown, reboots,
	       (unsigned long long)console_dropped, result, code,
	       (unsigned long long)pv_uptime_ms());
}
