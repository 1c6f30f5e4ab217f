/* SPDX-License-Identifier: MIT */
/*
 * What the VMM keeps and writes to diagnose a guest: the exit counters, the
 * accesses to ports and MMIO nobody emulates (counted, never logged one by
 * one: a guest that hammers them can neither fill the log nor slow the
 * VMM down), a ring of the last port accesses (logged when a hung guest is
 * stopped), the memory line, and at the end of the run the `unclaimed:` and
 * `exits:` summary lines (paravisor/vmm/README.md, "Exit status and log").
 */
#ifndef MANTLE_VMM_DIAG_H
#define MANTLE_VMM_DIAG_H

#include <stdint.h>

#include "platform.h"

#define DIAG_TRACE_LEN 32

/* Accesses of one kind (port or MMIO) that no device claimed. */
struct diag_unclaimed {
	uint64_t reads, writes;
	uint64_t first; /* port or address of the first one, plus 1; 0: none */
};

struct diag {
	/* Over all boots; updated atomically by the vCPU threads. */
	uint64_t io, mmio, hlt, unknown;
	uint64_t unclaimed_io; /* each boot's bus count, added at teardown */
	struct diag_unclaimed unclaimed_port, unclaimed_mmio;
	/* The last port accesses of this boot. */
	struct {
		uint16_t port;
		uint8_t size, is_write;
		uint32_t value;
	} trace[DIAG_TRACE_LEN];
	unsigned int trace_next;
};

void diag_count(uint64_t *counter);
/* One item of a port I/O exit, after the bus handled it (claimed or not). */
void diag_io(struct diag *d, const struct vmexit *e, const uint8_t *data,
	     int claimed);
/* An MMIO exit, after the devices handled it (claimed or not). */
void diag_mmio(struct diag *d, const struct vmexit *e, int claimed);
/* The `unclaimed:` line, e.g. "unclaimed: 14 port reads, 7 port writes
 * (first: 0xcfe), 0 MMIO reads, 0 MMIO writes"; diag_log_exits() writes it
 * first. */
void diag_log_unclaimed(const struct diag *d);
void diag_trace_reset(struct diag *d);
void diag_log_trace(const struct diag *d);
/* Pss of this process with and without guest RAM. */
void diag_log_memory(const void *guest_ram);
void diag_log_exits(const struct diag *d, unsigned int reboots,
		    uint64_t console_dropped, const char *result, int code);

#endif
