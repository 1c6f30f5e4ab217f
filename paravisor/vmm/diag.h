/* SPDX-License-Identifier: MIT */
/*
 * What the VMM keeps and writes to diagnose a guest: the exit counters, the
 * first accesses to ports and MMIO nobody emulates, a ring of the last port
 * accesses (logged when a hung guest is stopped), the memory line and the
 * `exits:` summary line (paravisor/vmm/README.md, "Exit status and log").
 */
#ifndef MANTLE_VMM_DIAG_H
#define MANTLE_VMM_DIAG_H

#include <stdint.h>

#include "platform.h"

#define DIAG_TRACE_LEN 32
/* The first accesses to unemulated ports (and MMIO) are logged, the rest
 * only counted. */
#define DIAG_UNCLAIMED_LOGGED 16

struct diag {
	/* Over all boots; updated atomically by the vCPU threads. */
	uint64_t io, mmio, hlt, unknown;
	uint64_t unclaimed_io; /* each boot's bus count, added at teardown */
	unsigned int unclaimed_logged;
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
/* An MMIO exit: counted, the first few logged. */
void diag_mmio(struct diag *d, const struct vmexit *e);
void diag_trace_reset(struct diag *d);
void diag_log_trace(const struct diag *d);
/* Pss of this process with and without guest RAM. */
void diag_log_memory(const void *guest_ram);
void diag_log_exits(const struct diag *d, unsigned int reboots,
		    uint64_t console_dropped, const char *result, int code);

#endif
