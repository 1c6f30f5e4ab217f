// SPDX-License-Identifier: MIT
#include "diag.h"
#include "log.h"
#include "memstat.h"

#include "mantle_bytes.h"

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

static void log_unclaimed(struct diag *d, const struct vmexit *e,
			  const uint8_t *data)
{
	if (__atomic_fetch_add(&d->unclaimed_logged, 1, __ATOMIC_RELAXED) >=
	    DIAG_UNCLAIMED_LOGGED)
		return;
	pv_log("unclaimed port %s 0x%x size %u value 0x%x",
	       e->is_write ? "write" : "read", e->port, e->size,
	       e->is_write ? io_value(e, data) : 0xFFFFFFFFu);
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
		log_unclaimed(d, e, data);
	trace_io(d, e, data);
}

void diag_mmio(struct diag *d, const struct vmexit *e)
{
	if (__atomic_fetch_add(&d->mmio, 1, __ATOMIC_RELAXED) <
	    DIAG_UNCLAIMED_LOGGED)
		pv_log("unclaimed MMIO %s 0x%llx size %u",
		       e->is_write ? "write" : "read",
		       (unsigned long long)e->addr, e->len);
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
	pv_log("exits: io=%llu mmio=%llu hlt=%llu unclaimed-io=%llu "
	       "unknown=%llu reboots=%u console-dropped=%llu result=%s "
	       "exit=%d after %llu ms",
	       (unsigned long long)d->io, (unsigned long long)d->mmio,
	       (unsigned long long)d->hlt, (unsigned long long)d->unclaimed_io,
	       (unsigned long long)d->unknown, reboots,
	       (unsigned long long)console_dropped, result, code,
	       (unsigned long long)pv_uptime_ms());
}
