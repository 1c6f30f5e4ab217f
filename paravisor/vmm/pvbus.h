/* SPDX-License-Identifier: MIT */
/*
 * The pv bus (protocol/SPEC.md sections 3 and 4): the bus control channel in
 * a reserved area of guest RAM, the guest's doorbell (a port), the bus
 * interrupt (an edge GSI) and the device channels behind it. Where the
 * guest finds them is the CPUID discovery block (cpuid.c, B+3 and B+4);
 * the values are these constants.
 *
 *   pvbus.c       the control channel: negotiation, offers, open, close,
 *                 reset, bus reset; the doorbell port
 *   pvbus_chan.c  channel state, ring geometry and guest-address checks
 *   pvbus_stat.c  counters per kind of protocol error, rate-limited log
 *   pvbus_work.c  deferred work (a backend saying "send more")
 *   pvbus_pipe.c  device class 3, pipes (pipe_backend.h)
 *
 * Everything the guest writes is hostile: rings are read only through
 * protocol/src's ring code, every guest-physical range is checked against
 * guest RAM, and a channel whose peer breaks the protocol goes BROKEN alone.
 */
#ifndef MANTLE_VMM_PVBUS_H
#define MANTLE_VMM_PVBUS_H

#include <stddef.h>
#include <stdint.h>

#include "e820.h"
#include "iobus.h"
#include "mantle_proto.h"

/* Bus control area: reserved in e820 (e820.h), zeroed before the guest
 * starts. Control rings of 1 << PVBUS_RING_LOG2 slots each. */
#define PVBUS_AREA_GPA MEM_PVBUS_START
#define PVBUS_RING_LOG2 7u
#define PVBUS_AREA_SIZE MTL_BUS_AREA_SIZE(PVBUS_RING_LOG2)
_Static_assert(PVBUS_AREA_GPA + PVBUS_AREA_SIZE <= MEM_PVBUS_END,
	       "the bus area fits its e820 reservation");
/* Doorbell: a 32-bit OUT of a channel id (MTL_DOORBELL_PIO). */
#define PVBUS_DOORBELL_PORT 0x620u
#define PVBUS_DOORBELL_PORTS 4u
/* Bus interrupt: a free ISA GSI, edge (pulsed). */
#define PVBUS_GSI 10u
/* Protocol features the paravisor supports (CPUID B+2). */
#define PVBUS_FEATURES (MTL_F_EVENT_IDX | MTL_F_CHANNEL_RESET)
/* Channels one bus offers at most. */
#define PVBUS_MAX_CHANNELS 32u

struct pvbus;
struct pipe_backend;

/* A range of guest RAM and where this process maps it. */
struct pvbus_ram {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

#define PVBUS_MAX_RAM 4u

struct pvbus_config {
	/* Guest RAM the guest may place rings in (e820 RAM entries). */
	struct pvbus_ram ram[PVBUS_MAX_RAM];
	unsigned int nram;
	/* The bus control area: PVBUS_AREA_SIZE bytes, 4 KiB aligned. */
	uint64_t area_gpa;
	uint8_t *area_hva;
	unsigned int ring_log2;
	/* The bus interrupt. */
	int (*irq_line)(void *ctx, unsigned int gsi, int level);
	void *irq_ctx;
	unsigned int gsi;
	/* The host end of pipes, or NULL: no pipe channels. */
	struct pipe_backend *pipes;
	/* Run deferred work on a thread of the bus (the paravisor); 0: the
	 * owner calls pvbus_run_deferred() (tests, the fuzzer). */
	int worker;
};

/*
 * Fill cfg's RAM ranges and bus area for a machine of mem bytes whose RAM
 * is mapped at ram (low part at GPA 0, the rest at 4 GiB; e820.h).
 */
void pvbus_config_machine(struct pvbus_config *cfg, uint8_t *ram, uint64_t mem);

/* A bus for one boot: zeroes the control area, offers one channel per
 * device (pipes of cfg->pipes). NULL on allocation failure. */
struct pvbus *pvbus_create(const struct pvbus_config *cfg);
/* Power-off, reset or teardown of the machine: closes every channel (pipes
 * included), stops the worker, logs the counters. */
void pvbus_destroy(struct pvbus *b);

/* The guest wrote value to the doorbell (SPEC.md 4.2). */
void pvbus_doorbell(struct pvbus *b, uint32_t value);
/* Work the bus deferred (without a worker thread). Returns how many
 * channels it serviced. */
unsigned int pvbus_run_deferred(struct pvbus *b);

/* The doorbell port; its state on the I/O bus is the struct pvbus. */
extern const struct io_ops pvbus_io_ops;

/* Counters (pvbus_stat.c). */
enum pvbus_count {
	PVB_DOORBELLS,
	PVB_INTERRUPTS,
	PVB_CTL_PACKETS,
	PVB_NEGOTIATED,
	PVB_OFFERS,
	PVB_OPENS,
	PVB_CLOSES,
	PVB_RESETS,
	PVB_BUS_RESETS,
	PVB_BROKEN,
	PVB_PIPE_TX_BYTES,
	PVB_PIPE_RX_BYTES,
	PVB_COUNT_NR,
};

/* Protocol errors of the guest (and of a backend), one counter each. */
enum pvbus_err {
	PVB_E_CTL_MALFORMED, /* header or size of a control packet */
	PVB_E_CTL_UNKNOWN, /* unknown or paravisor-to-guest control type */
	PVB_E_CTL_RING, /* the control ring faulted (5.5) */
	PVB_E_NOT_NEGOTIATED, /* request before VERSION_REQUEST succeeded */
	PVB_E_VERSION, /* no acceptable version / malformed request */
	PVB_E_RESERVED, /* nonzero reserved field */
	PVB_E_UNKNOWN_CHANNEL, /* request for a channel id never offered */
	PVB_E_CHANNEL_STATE, /* request not valid in the channel's state */
	PVB_E_CHANNEL_BROKEN, /* request for a BROKEN channel */
	PVB_E_CLASS_VERSION, /* class version not spoken */
	PVB_E_RING_LOG2, /* slot count outside 2..16 */
	PVB_E_RING_ALIGN, /* ring GPA not 4 KiB aligned */
	PVB_E_RING_MAX_RECORD, /* guest's max_record invalid for its ring */
	PVB_E_RING_BUS_AREA, /* ring overlaps the bus control area */
	PVB_E_RING_NOT_RAM, /* ring not inside guest RAM */
	PVB_E_RING_OVERLAP, /* the two rings overlap each other */
	PVB_E_RING_OTHER, /* a ring overlaps another channel's */
	PVB_E_RESET_FEATURE, /* RESET_CHANNEL without MTL_F_CHANNEL_RESET */
	PVB_E_CLASS_OPEN, /* the device refused to open (no resources) */
	PVB_E_CHAN_RING, /* a channel ring faulted: BROKEN */
	PVB_E_CHAN_PACKET, /* a malformed packet on a channel: BROKEN */
	PVB_E_DOORBELL_UNKNOWN, /* doorbell for no channel */
	PVB_E_DOORBELL_CLOSED, /* doorbell for a channel not open */
	PVB_E_BACKEND, /* a backend broke its contract (bytes not granted) */
	PVB_E_NR,
};

struct pvbus_stats {
	uint64_t count[PVB_COUNT_NR];
	uint64_t err[PVB_E_NR];
};

void pvbus_stats(struct pvbus *b, struct pvbus_stats *out);
const char *pvbus_err_name(enum pvbus_err e);
const char *pvbus_count_name(enum pvbus_count c);
/* One summary line of the counters; when says why ("at power-off"). */
void pvbus_log_stats(struct pvbus *b, const char *when);

#endif
