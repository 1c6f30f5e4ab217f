/* SPDX-License-Identifier: MIT */
/*
 * The pv bus under test against a fake guest: guest RAM is a buffer, the
 * guest side of every ring is protocol/src's ring code, and the host end
 * of pipes is a fake backend (pvbus_guest.c). Shared by the unit test and
 * the fuzz target.
 */
#ifndef MANTLE_TEST_PVBUS_GUEST_H
#define MANTLE_TEST_PVBUS_GUEST_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "mantle_pipe.h"
#include "mantle_proto.h"
#include "pipe_backend.h"
#include "pvbus.h"

/* Fake guest RAM: RAM_SIZE bytes at GPA RAM_GPA; the bus area apart. */
#define TG_RAM_GPA 0x100000ull
#define TG_RAM_SIZE (1u << 20)
#define TG_BUS_GPA 0x98000ull
#define TG_MAX_PIPES 4u
#define TG_SINK 300000u

/* One fake pipe: what the host end saw. */
struct tg_pipe {
	char name[16];
	int open_fail; /* pipe_backend_open() fails */
	int open; /* opened, not closed */
	unsigned int opens, closes;
	const struct pipe_port_ops *ops;
	void *port;
	size_t credit; /* bytes send() still takes; SIZE_MAX: all */
	uint8_t sent[TG_SINK]; /* bytes send() took */
	size_t nsent;
	size_t sent_at_close; /* nsent when close was called */
	size_t granted; /* total of pipe_backend_grant() */
	size_t delivered; /* bytes handed to rx (tests that keep count) */
};

struct pipe_backend {
	pthread_mutex_t lock; /* the fields below, for threaded tests */
	pthread_cond_t idle; /* no callback in progress */
	unsigned int in_callback; /* tg_host_call()s running */
	struct tg_pipe pipe[TG_MAX_PIPES];
	unsigned int n;
};

/* The host end calls back into the bus as the real one does: only while
 * pipe idx is open, and pipe_backend_close() waits for the call to end.
 * what: 0 rx (n bytes of fill), 1 tx_ready, 2 closed. Returns 0 if the
 * pipe was not open. */
int tg_host_call(struct pipe_backend *b, unsigned int idx, int what, size_t n);

/* The guest's side of one channel. */
struct tg_chan {
	struct mtl_ring tx; /* G2P, producer */
	struct mtl_ring rx; /* P2G, consumer */
	uint64_t g2p_gpa, p2g_gpa;
};

struct tg {
	uint8_t *ram; /* TG_RAM_SIZE, page aligned */
	uint8_t *area; /* the bus area, page aligned */
	struct pipe_backend be;
	struct pvbus *bus;
	struct mtl_ring ctl_tx, ctl_rx;
	unsigned int irqs;
	uint64_t txid;
};

/* A bus with pipes named in names (NULL-terminated; NULL: no backend). */
void tg_init(struct tg *g, const char *const *names);
/* The same with the bus's worker thread running (threaded tests). */
void tg_init_worker(struct tg *g, const char *const *names);
void tg_fini(struct tg *g);
uint8_t *tg_hva(struct tg *g, uint64_t gpa);

/* Control channel: send a packet and ring; take the next answer (0 on
 * success, -1 when none). */
void tg_ctl_send(struct tg *g, const void *pkt, uint32_t len);
int tg_ctl_recv(struct tg *g, void *buf, uint32_t *len);
/* VERSION_REQUEST for 1.0 with these features; returns the status. */
uint32_t tg_negotiate(struct tg *g, uint64_t features, uint64_t *accepted);
/* OPEN/CLOSE/RESET; return the result's status. */
uint32_t tg_open_msg(struct tg *g, const struct mtl_msg_open_channel *m);
uint32_t tg_open(struct tg *g, struct tg_chan *c, uint32_t id, uint64_t g2p_gpa,
		 uint64_t p2g_gpa, uint32_t log2, uint32_t max_record);
uint32_t tg_chan_msg(struct tg *g, uint16_t type, uint32_t id);
/* An OPEN_CHANNEL message with sane defaults. */
void tg_open_fill(struct mtl_msg_open_channel *m, uint32_t id, uint64_t g2p,
		  uint64_t p2g, uint32_t log2, uint32_t max_record);

/* Pipe traffic from the guest: one PIPE_DATA packet, then the doorbell. */
int tg_pipe_write(struct tg *g, struct tg_chan *c, uint32_t id,
		  const void *data, uint32_t n);
/* Read P2G packets into out (at most cap bytes of data); sets *eof.
 * Rings the doorbell after reading, as a guest does. */
size_t tg_pipe_read(struct tg *g, struct tg_chan *c, uint32_t id, uint8_t *out,
		    size_t cap, int *eof);

#endif
