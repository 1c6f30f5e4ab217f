// SPDX-License-Identifier: MIT
/*
 * Device class 3, pipes (SPEC.md 9.3), between the guest's rings and the
 * host end of pipes (pipe_backend.h). One channel per pipe the backend
 * names; the name travels in the offer's instance_id. The paravisor never
 * parses pipe bytes.
 *
 * Guest -> host: PIPE_DATA records are read from the G2P ring one at a time
 * into private memory and handed to pipe_backend_send(); when it takes less
 * than offered, the rest of the record is kept and the ring is not read
 * further until the backend's tx_ready(), so the guest's writer blocks on
 * its full ring. One thread at a time consumes the ring ("pumping"); the
 * send, the grant and the interrupt run outside the channel lock, the
 * channel "busy" meanwhile, and a close waits until it is not.
 *
 * Host -> guest: the backend delivers bytes (rx) only within the window
 * granted, so a buffer of PIPE_WINDOW always has room for them. They go
 * into P2G PIPE_DATA packets as far as the ring takes them; the rest waits
 * for the guest's doorbell after it read. The window is granted again as
 * the buffer empties.
 */
#include "pipe_backend.h"
#include "pvbus_priv.h"
#include "log.h"
#include "mantle_pipe.h"

#include <stdlib.h>
#include <string.h>

/* Largest data per packet, and the largest packet the guest may send. */
#define PIPE_CHUNK 4096u
#define PIPE_MAX_RECORD (PIPE_CHUNK + sizeof(struct mtl_pipe_data))
/* Bytes granted to the host at most: the bound of the rx buffer. */
#define PIPE_WINDOW (64u * 1024u)
/* Grant again once this much of the window is free. */
#define PIPE_GRANT_MIN (PIPE_WINDOW / 4u)
/* Records one doorbell consumes before it leaves the rest to the worker. */
#define PIPE_TX_BUDGET 256u

struct pipe_chan {
	struct pvbus_chan *ch;
	struct pipe_backend *be;
	unsigned int idx;
	/* Under ch->lock. */
	int connected; /* pipe_backend_open() succeeded, not yet closed */
	int host_closed; /* the backend's closed(): EOF to the guest */
	int eof_sent;
	int pumping; /* a thread consumes the G2P ring (one at a time) */
	int tx_again; /* a doorbell came while the pump was busy */
	int tx_blocked; /* the backend took less; wait for tx_ready */
	uint64_t ready_gen; /* tx_ready calls, against lost wake-ups */
	uint32_t tx_off, tx_left; /* rest of the current record */
	size_t rx_head, rx_len; /* rx buffer content (circular) */
	size_t outstanding; /* granted, not yet received */
	uint8_t *rx_buf; /* PIPE_WINDOW bytes */
	/* Private copies: the record being sent, the packet being built. */
	uint8_t tx_rec[PIPE_MAX_RECORD] __attribute__((aligned(8)));
	uint8_t rx_pkt[PIPE_MAX_RECORD] __attribute__((aligned(8)));
};

static void pipe_reset_state(struct pipe_chan *pc)
{
	pc->connected = 0;
	pc->host_closed = 0;
	pc->eof_sent = 0;
	pc->pumping = 0;
	pc->tx_again = 0;
	pc->tx_blocked = 0;
	pc->tx_off = pc->tx_left = 0;
	pc->rx_head = pc->rx_len = 0;
	pc->outstanding = 0;
}

/* --- host -> guest ------------------------------------------------------- */

/* The P2G ring may be written: open, and not waiting for a reset's
 * doorbell. */
static int p2g_usable(const struct pvbus_chan *ch)
{
	return ch->state == PVB_CH_OPEN && !ch->reattach;
}

/* Append one packet to P2G. 1 written, 0 full, -1 the channel broke. */
static int p2g_put(struct pipe_chan *pc, uint32_t size)
{
	struct pvbus_chan *ch = pc->ch;
	int r = mtl_ring_write(&ch->p2g, pc->rx_pkt, size, NULL, 0);

	if (r == MTL_RING_FULL &&
	    mtl_ring_want_space(&ch->p2g, MTL_RING_SLOTS_FOR(size)))
		r = mtl_ring_write(&ch->p2g, pc->rx_pkt, size, NULL, 0);
	if (r == MTL_RING_OK)
		return 1;
	if (r == MTL_RING_FULL)
		return 0;
	pvbus_chan_break(ch, PVB_E_CHAN_RING, "P2G ring write failed");
	return -1;
}

/* One PIPE_DATA packet from the head of the rx buffer. */
static int rx_put_data(struct pipe_chan *pc)
{
	struct mtl_pipe_data *p = (void *)pc->rx_pkt;
	size_t max = pc->ch->p2g_max - sizeof(*p);
	size_t n = pc->rx_len < max ? pc->rx_len : max;
	size_t first, size;
	int r;

	if (n > PIPE_CHUNK)
		n = PIPE_CHUNK;
	size = (sizeof(*p) + n + 7) & ~(size_t)7;
	memset(p, 0, size);
	p->hdr.type = MTL_MSG_PIPE_DATA;
	p->hdr.len8 = (uint16_t)(size / 8);
	p->byte_count = (uint32_t)n;
	first = PIPE_WINDOW - pc->rx_head < n ? PIPE_WINDOW - pc->rx_head : n;
	memcpy(p->data, pc->rx_buf + pc->rx_head, first);
	memcpy(p->data + first, pc->rx_buf, n - first);
	r = p2g_put(pc, (uint32_t)size);
	if (r == 1) {
		pc->rx_head = (pc->rx_head + n) % PIPE_WINDOW;
		pc->rx_len -= n;
	}
	return r;
}

static int rx_put_eof(struct pipe_chan *pc)
{
	struct mtl_pkt_hdr *h = (void *)pc->rx_pkt;
	int r;

	memset(h, 0, sizeof(*h));
	h->type = MTL_MSG_PIPE_EOF;
	h->len8 = sizeof(*h) / 8;
	r = p2g_put(pc, sizeof(*h));
	if (r == 1)
		pc->eof_sent = 1;
	return r;
}

/* Move buffered host bytes (then the EOF) into the P2G ring. Channel lock
 * held. Returns 1 when the guest must be interrupted. */
static int rx_flush(struct pipe_chan *pc)
{
	struct pvbus_chan *ch = pc->ch;

	if (!p2g_usable(ch))
		return 0;
	while (pc->rx_len && rx_put_data(pc) == 1)
		;
	if (!pc->rx_len && pc->host_closed && !pc->eof_sent &&
	    ch->state == PVB_CH_OPEN)
		rx_put_eof(pc);
	if (ch->state != PVB_CH_OPEN)
		return 0;
	return mtl_ring_flush(&ch->p2g);
}

/* Bytes to grant the host now (and counted as granted). Channel lock held. */
static size_t grant_due(struct pipe_chan *pc)
{
	size_t room;

	if (!pc->connected || pc->host_closed || pc->ch->state != PVB_CH_OPEN)
		return 0;
	room = PIPE_WINDOW - pc->rx_len - pc->outstanding;
	if (room < PIPE_GRANT_MIN)
		return 0;
	pc->outstanding += room;
	return room;
}

static void after_unlock(struct pipe_chan *pc, int notify, size_t grant)
{
	if (notify)
		pvbus_interrupt(pc->ch->bus);
	if (grant)
		pipe_backend_grant(pc->be, pc->idx, grant);
}

/* Backend callback (control thread): host bytes within the grant. */
static void port_rx(void *port, const uint8_t *buf, size_t len)
{
	struct pipe_chan *pc = port;
	struct pvbus_chan *ch = pc->ch;
	size_t tail, first, grant;
	int notify;

	pthread_mutex_lock(&ch->lock);
	if (!pc->connected)
		len = 0;
	if (len > pc->outstanding) {
		pvbus_error(ch->bus, PVB_E_BACKEND,
			    "pipe %u: %zu bytes beyond the grant dropped",
			    pc->idx, len - pc->outstanding);
		len = pc->outstanding;
	}
	pc->outstanding -= len;
	tail = (pc->rx_head + pc->rx_len) % PIPE_WINDOW;
	first = PIPE_WINDOW - tail < len ? PIPE_WINDOW - tail : len;
	memcpy(pc->rx_buf + tail, buf, first);
	memcpy(pc->rx_buf, buf + first, len - first);
	pc->rx_len += len;
	pvbus_count(ch->bus, PVB_PIPE_RX_BYTES, len);
	notify = rx_flush(pc);
	grant = grant_due(pc);
	pthread_mutex_unlock(&ch->lock);
	after_unlock(pc, notify, grant);
}

/* Backend callback: the host end went away. */
static void port_closed(void *port, const char *why)
{
	struct pipe_chan *pc = port;
	struct pvbus_chan *ch = pc->ch;
	int notify;

	int open;

	pthread_mutex_lock(&ch->lock);
	pc->host_closed = 1;
	pc->tx_blocked = 0;
	notify = rx_flush(pc);
	open = ch->state == PVB_CH_OPEN;
	pthread_mutex_unlock(&ch->lock);
	pvbus_note(ch->bus, "pipe channel %u: host end closed: %s", ch->id,
		   why ? why : "?");
	after_unlock(pc, notify, 0);
	/* A writer blocked on its full ring is drained (and discarded). */
	if (open)
		pvbus_defer(ch);
}

/* Backend callback: pipe_backend_send() may take more now. It must not
 * call the backend back, so the send happens on the bus worker. */
static void port_tx_ready(void *port)
{
	struct pipe_chan *pc = port;

	int open;

	pthread_mutex_lock(&pc->ch->lock);
	pc->ready_gen++;
	pc->tx_blocked = 0;
	open = pc->ch->state == PVB_CH_OPEN;
	pthread_mutex_unlock(&pc->ch->lock);
	if (open)
		pvbus_defer(pc->ch);
}

static const struct pipe_port_ops port_ops = {
	.rx = port_rx,
	.tx_ready = port_tx_ready,
	.closed = port_closed,
};

/* --- guest -> host ------------------------------------------------------- */

/* Read the next record into tx_rec. 1 a record, 0 none, -1 broke. */
static int tx_next(struct pipe_chan *pc)
{
	struct pvbus_chan *ch = pc->ch;
	const struct mtl_pipe_data *p = (const void *)pc->tx_rec;
	uint32_t len;
	int r = mtl_ring_read(&ch->g2p, pc->tx_rec, sizeof(pc->tx_rec), &len);

	/* Empty: ask for the guest's next doorbell (event index), then
	 * look once more (SPEC.md 6.1). */
	if (r == MTL_RING_EMPTY && mtl_ring_want_data(&ch->g2p))
		r = mtl_ring_read(&ch->g2p, pc->tx_rec, sizeof(pc->tx_rec),
				  &len);
	if (r == MTL_RING_EMPTY)
		return 0;
	if (r != MTL_RING_OK) {
		pvbus_chan_break(ch, PVB_E_CHAN_RING, "G2P ring fault");
		return -1;
	}
	if (mtl_pkt_check(p, len) != MTL_STATUS_OK ||
	    p->hdr.type != MTL_MSG_PIPE_DATA || p->hdr.flags != 0 ||
	    mtl_pipe_data_check(p, len) != MTL_STATUS_OK) {
		pvbus_chan_break(ch, PVB_E_CHAN_PACKET,
				 "not a valid PIPE_DATA packet");
		return -1;
	}
	pc->tx_off = sizeof(*p);
	pc->tx_left = p->byte_count;
	return 1;
}

/* Hand the rest of the current record to the backend, outside the lock.
 * Returns 1 when it took all of it. */
static int tx_send(struct pipe_chan *pc)
{
	struct pvbus_chan *ch = pc->ch;
	uint64_t gen = pc->ready_gen;
	size_t n;

	pthread_mutex_unlock(&ch->lock);
	n = pipe_backend_send(pc->be, pc->idx, pc->tx_rec + pc->tx_off,
			      pc->tx_left);
	pthread_mutex_lock(&ch->lock);
	if (n > pc->tx_left) {
		pvbus_error(ch->bus, PVB_E_BACKEND,
			    "pipe %u: send took more than offered", pc->idx);
		n = pc->tx_left;
	}
	pc->tx_off += (uint32_t)n;
	pc->tx_left -= (uint32_t)n;
	pvbus_count(ch->bus, PVB_PIPE_TX_BYTES, n);
	/* A tx_ready since the call means there may be room already. */
	if (pc->tx_left && gen == pc->ready_gen)
		pc->tx_blocked = 1;
	return pc->tx_left == 0;
}

/* Consume G2P records while the backend takes them. Channel lock held,
 * channel busy. Returns 1 when the guest must be told (space freed). */
static int tx_pump(struct pipe_chan *pc)
{
	struct pvbus_chan *ch = pc->ch;
	unsigned int budget = PIPE_TX_BUDGET;

	while (ch->state == PVB_CH_OPEN) {
		if (pc->tx_left == 0) {
			if (budget-- == 0) {
				pvbus_defer(ch);
				break;
			}
			if (tx_next(pc) != 1)
				break;
		}
		if (pc->host_closed) {
			pc->tx_left = 0; /* nobody to send to: discarded */
			continue;
		}
		if (pc->tx_blocked)
			break;
		if (!tx_send(pc) && pc->tx_blocked)
			break;
	}
	return ch->state == PVB_CH_OPEN ? mtl_ring_done(&ch->g2p) : 0;
}

/* The guest rang (or deferred work): flush rx, pump tx, grant. */
static void pipe_doorbell(struct pvbus_chan *ch)
{
	struct pipe_chan *pc = ch->priv;
	size_t grant;
	int notify;

	pthread_mutex_lock(&ch->lock);
	if (ch->state != PVB_CH_OPEN) {
		pthread_mutex_unlock(&ch->lock);
		pvbus_error(ch->bus, PVB_E_DOORBELL_CLOSED,
			    "doorbell for channel %u, not open", ch->id);
		return;
	}
	/* Busy until the grant below is out: a close waits for it, so the
	 * backend never sees a grant after pipe_backend_close(). */
	ch->busy++;
	pvbus_chan_reattach(ch);
	notify = rx_flush(pc);
	if (pc->pumping) {
		pc->tx_again = 1; /* the pump running elsewhere goes on */
	} else {
		pc->pumping = 1;
		do {
			pc->tx_again = 0;
			notify |= tx_pump(pc);
		} while (pc->tx_again && ch->state == PVB_CH_OPEN);
		pc->pumping = 0;
	}
	grant = grant_due(pc);
	pthread_mutex_unlock(&ch->lock);
	after_unlock(pc, notify, grant);
	pthread_mutex_lock(&ch->lock);
	pvbus_chan_unbusy(ch);
	pthread_mutex_unlock(&ch->lock);
}

/* --- open, close, reset -------------------------------------------------- */

static uint32_t pipe_open(struct pvbus_chan *ch)
{
	struct pipe_chan *pc = ch->priv;

	pthread_mutex_lock(&ch->lock);
	pipe_reset_state(pc);
	pthread_mutex_unlock(&ch->lock);
	if (pipe_backend_open(pc->be, pc->idx, &port_ops, pc) < 0)
		return MTL_STATUS_NO_RESOURCES;
	pthread_mutex_lock(&ch->lock);
	pc->connected = 1;
	pthread_mutex_unlock(&ch->lock);
	return MTL_STATUS_OK;
}

static void pipe_close(struct pvbus_chan *ch)
{
	struct pipe_chan *pc = ch->priv;
	int connected;

	pthread_mutex_lock(&ch->lock);
	connected = pc->connected;
	pthread_mutex_unlock(&ch->lock);
	/* Not under the channel lock: it waits for callbacks in progress. */
	if (connected)
		pipe_backend_close(pc->be, pc->idx);
	pthread_mutex_lock(&ch->lock);
	pipe_reset_state(pc);
	pthread_mutex_unlock(&ch->lock);
}

/* A reset drops the bytes in flight: a new stream to the host too. */
static uint32_t pipe_reset(struct pvbus_chan *ch)
{
	pipe_close(ch);
	return pipe_open(ch);
}

static void pipe_free(struct pvbus_chan *ch)
{
	struct pipe_chan *pc = ch->priv;

	if (pc)
		free(pc->rx_buf);
	free(pc);
	ch->priv = NULL;
}

static const struct pvbus_class pipe_class = {
	.name = "pipe",
	.device_class = MTL_CLASS_PIPE,
	.version = MTL_PIPE_VERSION_1_0,
	.max_record = PIPE_MAX_RECORD,
	.open = pipe_open,
	.doorbell = pipe_doorbell,
	.close = pipe_close,
	.reset = pipe_reset,
	.free = pipe_free,
};

/* 1..15 bytes of [a-z0-9_-] (the backend checks too). */
static int name_ok(const char *s)
{
	size_t n = s ? strnlen(s, MTL_PIPE_NAME_MAX + 1) : 0;

	if (n == 0 || n > MTL_PIPE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

static int add_one(struct pvbus *b, struct pipe_backend *pb, unsigned int idx)
{
	const char *name = pipe_backend_name(pb, idx);
	uint8_t inst[16] = { 0 };
	struct pipe_chan *pc;

	if (!name_ok(name)) {
		pv_log("pvbus: pipe %u: bad name, not offered", idx);
		return 0;
	}
	memcpy(inst, name, strlen(name));
	pc = calloc(1, sizeof(*pc));
	if (pc)
		pc->rx_buf = malloc(PIPE_WINDOW);
	if (!pc || !pc->rx_buf) {
		free(pc);
		return -1;
	}
	pc->be = pb;
	pc->idx = idx;
	pc->ch = pvbus_chan_add(b, &pipe_class, pc, inst);
	if (!pc->ch) {
		free(pc->rx_buf);
		free(pc);
		return -1;
	}
	return 0;
}

int pvbus_pipe_add(struct pvbus *b, struct pipe_backend *pb)
{
	unsigned int n = pipe_backend_count(pb);

	for (unsigned int i = 0; i < n && i < PIPE_MAX; i++)
		if (add_one(b, pb, i) < 0)
			return -1;
	return 0;
}
