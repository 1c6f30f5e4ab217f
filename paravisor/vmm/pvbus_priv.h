/* SPDX-License-Identifier: MIT */
/*
 * Inside the pv bus: the bus, its channels and the ops table each device
 * class implements. A device class is one file (pvbus_pipe.c; storage and
 * attestation later) with one struct pvbus_class and a function that adds
 * its channels.
 *
 * Locks: the bus lock (struct pvbus.lock) serialises the control channel
 * and every channel state change; a channel's lock (struct pvbus_chan.lock)
 * guards its rings and its class state. Order: bus, then channel. A class
 * never calls a backend that may call back into it while holding its
 * channel's lock; work it does outside the lock is counted in chan->busy,
 * and a close waits for busy to drop to 0.
 */
#ifndef MANTLE_VMM_PVBUS_PRIV_H
#define MANTLE_VMM_PVBUS_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "mantle_ring.h"
#include "pvbus.h"

struct pvbus_chan;

enum pvbus_chan_state {
	PVB_CH_OFFERED = 0,
	PVB_CH_OPEN,
	PVB_CH_BROKEN,
	PVB_CH_CLOSING, /* a close waits for the class's work outside the lock */
};

/*
 * One device class. Called with the bus lock held and the channel lock not
 * held (open, close, reset), or with no lock held (doorbell, from a vCPU or
 * the bus worker). Every call returns with no lock of the channel held.
 */
struct pvbus_class {
	const char *name;
	uint16_t device_class; /* MTL_CLASS_* */
	uint32_t version; /* highest class version, MTL_VERSION() */
	uint32_t max_record; /* largest G2P packet the class accepts */
	/* The rings are attached; connect the device. Returns MTL_STATUS_*. */
	uint32_t (*open)(struct pvbus_chan *ch);
	/* The guest rang the channel's doorbell (or deferred work is due). */
	void (*doorbell)(struct pvbus_chan *ch);
	/* The channel closes: disconnect; afterwards nothing touches the
	 * rings and no callback of a backend arrives. */
	void (*close)(struct pvbus_chan *ch);
	/* RESET_CHANNEL: drop the traffic in flight, stay connected.
	 * Returns MTL_STATUS_*. NULL: close + open. */
	uint32_t (*reset)(struct pvbus_chan *ch);
	/* The bus goes away (the channel is closed): free ch->priv. */
	void (*free)(struct pvbus_chan *ch);
};

/* A guest-physical range [gpa, gpa + size). */
struct pvbus_range {
	uint64_t gpa;
	uint64_t size;
};

struct pvbus_chan {
	struct pvbus *bus;
	pthread_mutex_t lock;
	pthread_cond_t idle; /* busy dropped to 0 */
	uint32_t id; /* nonzero, fixed for the bus's lifetime */
	const struct pvbus_class *cls;
	void *priv; /* the class's state of this channel */
	uint8_t instance_id[16];
	/* Below: under lock; changes of state also under the bus lock. */
	enum pvbus_chan_state state;
	unsigned int busy; /* class work in progress outside the lock */
	int deferred; /* queued for pvbus_run_deferred() */
	/* Rings, valid while OPEN (or BROKEN). */
	struct pvbus_range g2p_area, p2g_area;
	uint8_t *g2p_hva, *p2g_hva;
	uint32_t g2p_log2, p2g_log2;
	uint32_t class_version; /* agreed at open */
	uint32_t p2g_max; /* largest packet the guest accepts on P2G */
	int reattach; /* reset: rings restart at the next doorbell */
	struct mtl_ring g2p; /* we consume */
	struct mtl_ring p2g; /* we produce */
};

struct pvbus_limit {
	pthread_mutex_t lock;
	uint64_t last_ms;
	unsigned int tokens;
	uint64_t suppressed;
};

struct pvbus {
	struct pvbus_config cfg;
	pthread_mutex_t lock; /* control channel, channel state changes */
	pthread_mutex_t irq_lock; /* one interrupt edge at a time */
	/* Control channel (channel 0): ring state and negotiation. */
	struct mtl_ring ctl_g2p, ctl_p2g;
	int ctl_broken;
	uint32_t version; /* 0: not negotiated */
	uint64_t features; /* accepted */
	uint8_t ctl_buf[MTL_CONTROL_MAX_RECORD] __attribute__((aligned(8)));
	/* Channels, ids 1..nchan in this order. */
	struct pvbus_chan *chan[PVBUS_MAX_CHANNELS];
	unsigned int nchan;
	/* Deferred work (pvbus_work.c). */
	pthread_mutex_t work_lock;
	pthread_cond_t work_cond;
	pthread_t worker;
	int worker_running, worker_stop;
	/* Counters (atomic) and the log limiter (pvbus_stat.c). */
	uint64_t count[PVB_COUNT_NR];
	uint64_t err[PVB_E_NR];
	struct pvbus_limit limit;
};

/* pvbus_chan.c */
struct pvbus_chan *pvbus_chan_add(struct pvbus *b,
				  const struct pvbus_class *cls, void *priv,
				  const uint8_t instance_id[16]);
struct pvbus_chan *pvbus_chan_find(struct pvbus *b, uint32_t id);
/* OPEN_CHANNEL on ch: every check of SPEC.md 4.3, then attach and open.
 * Bus lock held. Returns MTL_STATUS_*. */
uint32_t pvbus_chan_open(struct pvbus_chan *ch,
			 const struct mtl_msg_open_channel *m);
/* CLOSE_CHANNEL / RESET_CHANNEL; bus lock held. Returns MTL_STATUS_*. */
uint32_t pvbus_chan_close(struct pvbus_chan *ch);
uint32_t pvbus_chan_reset(struct pvbus_chan *ch);
/* Channel lock held: the peer broke the protocol on this channel. */
void pvbus_chan_break(struct pvbus_chan *ch, enum pvbus_err why,
		      const char *what);
/* Channel lock held: after a reset, attach the rings at position 0 on the
 * first doorbell. */
void pvbus_chan_reattach(struct pvbus_chan *ch);
/* Pulse the bus interrupt. No lock needed. */
void pvbus_interrupt(struct pvbus *b);
/* Wait (channel lock held) until no class work runs outside the lock. */
void pvbus_chan_wait_idle(struct pvbus_chan *ch);
/* Drop a busy reference (channel lock held). */
void pvbus_chan_unbusy(struct pvbus_chan *ch);

/* pvbus_stat.c */
void pvbus_count(struct pvbus *b, enum pvbus_count c, uint64_t n);
/* Count a protocol error and log it, rate-limited. */
void pvbus_error(struct pvbus *b, enum pvbus_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An event worth a line that the guest or host can repeat: rate-limited
 * with the errors, not counted. */
void pvbus_note(struct pvbus *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pvbus_stat_init(struct pvbus *b);

/* pvbus_work.c */
void pvbus_work_init(struct pvbus *b);
int pvbus_work_start(struct pvbus *b);
void pvbus_work_stop(struct pvbus *b);
/* Have the channel's doorbell handler run again soon, on the worker. Any
 * thread, any lock of the channel may be held. */
void pvbus_defer(struct pvbus_chan *ch);

/* pvbus_pipe.c: one channel per pipe of the backend. Returns 0 or -1. */
int pvbus_pipe_add(struct pvbus *b, struct pipe_backend *pb);

#endif
