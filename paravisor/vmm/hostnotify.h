/* SPDX-License-Identifier: MIT */
/*
 * Interrupt mediation (issue 5 item 3): the paravisor-owned host-
 * notification device, the only way a host event can reach the guest.
 *
 * Host EVENT frames first pass hostif's checks (allowed source, per-source
 * rate; bogus and storming ones are counted and dropped there). What passes
 * lands in hostnotify_event(), which checks the source again against
 * host_events.h and then only latches a pending count in this device: the
 * device's interrupt line (HOSTNOTIFY_GSI) is raised when the count goes
 * from 0 to 1 and lowered when the guest acknowledges, so at most one
 * interrupt is outstanding however fast the host sends. The guest never
 * sees a vector the host chose.
 *
 * Registers (port I/O, 32-bit little-endian):
 *   HOSTNOTIFY_PORT + 0  read: notifications pending (saturating)
 *                        write: acknowledge all, lower the line
 *   HOSTNOTIFY_PORT + 4  read: HOSTNOTIFY_ID; writes ignored
 */
#ifndef MANTLE_VMM_HOSTNOTIFY_H
#define MANTLE_VMM_HOSTNOTIFY_H

#include <pthread.h>
#include <stdint.h>

#include "iobus.h"

#define HOSTNOTIFY_PORT 0x610
#define HOSTNOTIFY_PORTS 8
#define HOSTNOTIFY_GSI 5
#define HOSTNOTIFY_ID 0x4E544C4Du /* "MLTN" little-endian */

struct hostnotify_counters {
	uint64_t received; /* events handed over by the control channel */
	uint64_t foreign; /* not this device's source: dropped */
	uint64_t no_guest; /* arrived with no guest running: dropped */
	uint64_t injected; /* line raised (0 -> 1 pending) */
	uint64_t coalesced; /* already pending: counted, no new interrupt */
	uint64_t acked; /* guest acknowledgements */
};

struct hostnotify {
	pthread_mutex_t lock;
	uint32_t device; /* the source this device owns */
	uint16_t vector;
	int (*irq_line)(void *ctx, unsigned int gsi, int level);
	void *irq_ctx; /* NULL while no guest runs */
	uint32_t pending;
	struct hostnotify_counters n;
};

void hostnotify_init(struct hostnotify *h, uint32_t device, uint16_t vector);
/* Connect to / disconnect from a running guest's interrupt controller. */
void hostnotify_attach(struct hostnotify *h,
		       int (*irq_line)(void *, unsigned int, int), void *ctx);
void hostnotify_detach(struct hostnotify *h);
/* The device's ports; its state on the bus is the struct hostnotify. */
extern const struct io_ops hostnotify_io_ops;

/* The control channel's event callback (struct control_events.cb). */
void hostnotify_event(void *arg, uint32_t device, uint16_t vector);

void hostnotify_counters(struct hostnotify *h, struct hostnotify_counters *out);
/* One log line with the counters; when says why ("at exit"). */
void hostnotify_log(struct hostnotify *h, const char *when);

#endif
