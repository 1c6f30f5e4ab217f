// SPDX-License-Identifier: MIT
/* The fake guest and the fake host end of pipes (pvbus_guest.h). */
#include "pvbus_guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- fake pipe backend --------------------------------------------------- */

unsigned pipe_backend_count(const struct pipe_backend *b)
{
	return b->n;
}

const char *pipe_backend_name(const struct pipe_backend *b, unsigned idx)
{
	return idx < b->n ? b->pipe[idx].name : NULL;
}

int pipe_backend_open(struct pipe_backend *b, unsigned idx,
		      const struct pipe_port_ops *ops, void *port)
{
	struct tg_pipe *p = &b->pipe[idx];

	if (idx >= b->n || p->open_fail || p->open)
		return -1;
	pthread_mutex_lock(&b->lock);
	p->open = 1;
	p->opens++;
	p->granted = p->delivered = 0; /* a new stream */
	p->ops = ops;
	p->port = port;
	pthread_mutex_unlock(&b->lock);
	return 0;
}

size_t pipe_backend_send(struct pipe_backend *b, unsigned idx, const void *buf,
			 size_t len)
{
	struct tg_pipe *p = &b->pipe[idx];
	size_t n;

	pthread_mutex_lock(&b->lock);
	if (!p->open)
		abort(); /* the bus must never send on a closed pipe */
	n = len < p->credit ? len : p->credit;
	if (n > TG_SINK - p->nsent)
		n = TG_SINK - p->nsent;
	memcpy(p->sent + p->nsent, buf, n);
	p->nsent += n;
	if (p->credit != SIZE_MAX)
		p->credit -= n;
	pthread_mutex_unlock(&b->lock);
	return n;
}

void pipe_backend_grant(struct pipe_backend *b, unsigned idx, size_t bytes)
{
	pthread_mutex_lock(&b->lock);
	if (!b->pipe[idx].open)
		abort(); /* a grant after pipe_backend_close() */
	b->pipe[idx].granted += bytes;
	pthread_mutex_unlock(&b->lock);
}

void pipe_backend_close(struct pipe_backend *b, unsigned idx)
{
	struct tg_pipe *p = &b->pipe[idx];

	pthread_mutex_lock(&b->lock);
	if (!p->open)
		abort(); /* closed twice */
	p->open = 0;
	while (b->in_callback) /* no callback after this returns */
		pthread_cond_wait(&b->idle, &b->lock);
	p->closes++;
	p->sent_at_close = p->nsent;
	p->ops = NULL;
	p->port = NULL;
	pthread_mutex_unlock(&b->lock);
}

int tg_host_call(struct pipe_backend *b, unsigned int idx, int what, size_t n)
{
	static uint8_t fill[8192];
	struct tg_pipe *p = &b->pipe[idx];
	const struct pipe_port_ops *ops;
	void *port;

	pthread_mutex_lock(&b->lock);
	if (!p->open) {
		pthread_mutex_unlock(&b->lock);
		return 0;
	}
	if (what == 0) {
		if (n > p->granted - p->delivered)
			n = p->granted - p->delivered;
		if (n > sizeof(fill))
			n = sizeof(fill);
		p->delivered += n;
	}
	if (what == 1)
		p->credit += n;
	ops = p->ops;
	port = p->port;
	b->in_callback++;
	pthread_mutex_unlock(&b->lock);
	if (what == 0)
		ops->rx(port, fill, n);
	else if (what == 1)
		ops->tx_ready(port);
	else
		ops->closed(port, "test");
	pthread_mutex_lock(&b->lock);
	if (--b->in_callback == 0)
		pthread_cond_broadcast(&b->idle);
	pthread_mutex_unlock(&b->lock);
	return 1;
}

/* --- fake guest ---------------------------------------------------------- */

static int fake_irq(void *ctx, unsigned int gsi, int level)
{
	struct tg *g = ctx;

	if (gsi == PVBUS_GSI && level)
		g->irqs++;
	return 0;
}

uint8_t *tg_hva(struct tg *g, uint64_t gpa)
{
	return g->ram + (gpa - TG_RAM_GPA);
}

static void init(struct tg *g, const char *const *names, int worker)
{
	struct pvbus_config cfg;

	memset(g, 0, sizeof(*g));
	pthread_mutex_init(&g->be.lock, NULL);
	pthread_cond_init(&g->be.idle, NULL);
	g->ram = aligned_alloc(4096, TG_RAM_SIZE);
	g->area = aligned_alloc(4096, PVBUS_AREA_SIZE);
	if (!g->ram || !g->area)
		abort();
	memset(g->ram, 0, TG_RAM_SIZE);
	memset(g->area, 0xA5, PVBUS_AREA_SIZE); /* the bus must zero it */
	for (unsigned int i = 0; names && names[i] && i < TG_MAX_PIPES; i++) {
		snprintf(g->be.pipe[i].name, sizeof(g->be.pipe[i].name), "%s",
			 names[i]);
		g->be.pipe[i].credit = SIZE_MAX;
		g->be.n++;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.ram[0] = (struct pvbus_ram){ TG_RAM_GPA, TG_RAM_SIZE, g->ram };
	cfg.nram = 1;
	cfg.area_gpa = TG_BUS_GPA;
	cfg.area_hva = g->area;
	cfg.ring_log2 = PVBUS_RING_LOG2;
	cfg.irq_line = fake_irq;
	cfg.irq_ctx = g;
	cfg.gsi = PVBUS_GSI;
	cfg.pipes = names ? &g->be : NULL;
	cfg.worker = worker;
	g->bus = pvbus_create(&cfg);
	if (!g->bus)
		abort();
	mtl_ring_init(&g->ctl_tx, g->area + MTL_BUS_G2P_OFFSET, PVBUS_RING_LOG2,
		      MTL_CONTROL_MAX_RECORD, MTL_RING_PRODUCER, 0);
	mtl_ring_init(&g->ctl_rx, g->area + MTL_BUS_P2G_OFFSET(PVBUS_RING_LOG2),
		      PVBUS_RING_LOG2, MTL_CONTROL_MAX_RECORD,
		      MTL_RING_CONSUMER, 0);
}

void tg_init(struct tg *g, const char *const *names)
{
	init(g, names, 0);
}

void tg_init_worker(struct tg *g, const char *const *names)
{
	init(g, names, 1);
}

void tg_fini(struct tg *g)
{
	pvbus_destroy(g->bus);
	free(g->ram);
	free(g->area);
	pthread_cond_destroy(&g->be.idle);
	pthread_mutex_destroy(&g->be.lock);
}

void tg_ctl_send(struct tg *g, const void *pkt, uint32_t len)
{
	if (mtl_ring_write(&g->ctl_tx, pkt, len, NULL, 0) != MTL_RING_OK)
		abort();
	/* As a guest does: ring only when the paravisor wants it. */
	if (mtl_ring_flush(&g->ctl_tx))
		pvbus_doorbell(g->bus, MTL_CHANNEL_CONTROL);
}

int tg_ctl_recv(struct tg *g, void *buf, uint32_t *len)
{
	int r = mtl_ring_read(&g->ctl_rx, buf, MTL_CONTROL_MAX_RECORD, len);

	mtl_ring_done(&g->ctl_rx);
	return r == MTL_RING_OK ? 0 : -1;
}

static void hdr(struct mtl_pkt_hdr *h, uint16_t type, uint32_t size,
		uint64_t txid)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->flags = MTL_PKT_F_COMPLETION_REQUESTED;
	h->len8 = (uint16_t)(size / 8);
	h->txid = txid;
}

uint32_t tg_negotiate(struct tg *g, uint64_t features, uint64_t *accepted)
{
	struct mtl_msg_version_request req;
	uint64_t buf[MTL_CONTROL_MAX_RECORD / 8];
	struct mtl_msg_version_response *resp = (void *)buf;
	uint32_t len;

	memset(&req, 0, sizeof(req));
	hdr(&req.hdr, MTL_MSG_VERSION_REQUEST, sizeof(req), ++g->txid);
	req.nr_versions = 1;
	req.versions[0] = MTL_VERSION_1_0;
	req.features = features;
	tg_ctl_send(g, &req, sizeof(req));
	if (tg_ctl_recv(g, buf, &len) < 0 || len != sizeof(*resp) ||
	    resp->hdr.type != MTL_MSG_VERSION_RESPONSE ||
	    resp->hdr.txid != g->txid)
		return 0xFFFFFFFFu;
	if (accepted)
		*accepted = resp->features;
	if (resp->status == MTL_STATUS_OK &&
	    (resp->features & MTL_F_EVENT_IDX)) {
		g->ctl_tx.flags = MTL_RING_F_EVENT_IDX;
		g->ctl_rx.flags = MTL_RING_F_EVENT_IDX;
	}
	return resp->status;
}

void tg_open_fill(struct mtl_msg_open_channel *m, uint32_t id, uint64_t g2p,
		  uint64_t p2g, uint32_t log2, uint32_t max_record)
{
	memset(m, 0, sizeof(*m));
	hdr(&m->hdr, MTL_MSG_OPEN_CHANNEL, sizeof(*m), 0);
	m->channel_id = id;
	m->class_version = MTL_VERSION_1_0;
	m->g2p_ring_gpa = g2p;
	m->p2g_ring_gpa = p2g;
	m->g2p_log2 = (uint8_t)log2;
	m->p2g_log2 = (uint8_t)log2;
	m->max_record = max_record;
}

static uint32_t result_of(struct tg *g, uint16_t type, uint32_t id)
{
	uint64_t buf[MTL_CONTROL_MAX_RECORD / 8];
	struct mtl_msg_result *r = (void *)buf;
	uint32_t len;

	if (tg_ctl_recv(g, buf, &len) < 0 || len != sizeof(*r) ||
	    r->hdr.type != type || r->hdr.txid != g->txid ||
	    r->channel_id != id || r->hdr.flags != MTL_PKT_F_COMPLETION)
		return 0xFFFFFFFFu;
	return r->status;
}

uint32_t tg_open_msg(struct tg *g, const struct mtl_msg_open_channel *m)
{
	struct mtl_msg_open_channel c = *m;

	c.hdr.txid = ++g->txid;
	tg_ctl_send(g, &c, sizeof(c));
	return result_of(g, MTL_MSG_OPEN_RESULT, c.channel_id);
}

static uint32_t capacity(uint32_t log2)
{
	uint32_t cap = (MTL_RING_SLOT_DATA << log2) & ~7u;

	return cap < MTL_RING_RECORD_MAX ? cap : MTL_RING_RECORD_MAX;
}

uint32_t tg_open(struct tg *g, struct tg_chan *c, uint32_t id, uint64_t g2p_gpa,
		 uint64_t p2g_gpa, uint32_t log2, uint32_t max_record)
{
	struct mtl_msg_open_channel m;
	uint32_t tx_max = capacity(log2) < 4120 ? capacity(log2) : 4120;

	memset(c, 0, sizeof(*c));
	c->g2p_gpa = g2p_gpa;
	c->p2g_gpa = p2g_gpa;
	mtl_ring_area_init(tg_hva(g, g2p_gpa), log2);
	mtl_ring_area_init(tg_hva(g, p2g_gpa), log2);
	mtl_ring_init(&c->tx, tg_hva(g, g2p_gpa), log2, tx_max,
		      MTL_RING_PRODUCER, g->ctl_tx.flags);
	mtl_ring_init(&c->rx, tg_hva(g, p2g_gpa), log2, max_record,
		      MTL_RING_CONSUMER, g->ctl_tx.flags);
	tg_open_fill(&m, id, g2p_gpa, p2g_gpa, log2, max_record);
	return tg_open_msg(g, &m);
}

uint32_t tg_chan_msg(struct tg *g, uint16_t type, uint32_t id)
{
	struct mtl_msg_channel m;

	memset(&m, 0, sizeof(m));
	hdr(&m.hdr, type, sizeof(m), ++g->txid);
	m.channel_id = id;
	tg_ctl_send(g, &m, sizeof(m));
	return result_of(g, (uint16_t)(type + 1), id);
}

int tg_pipe_write(struct tg *g, struct tg_chan *c, uint32_t id,
		  const void *data, uint32_t n)
{
	uint64_t buf[4120 / 8];
	struct mtl_pipe_data *p = (void *)buf;
	uint32_t size = (uint32_t)((sizeof(*p) + n + 7) & ~7u);
	int r;

	memset(buf, 0, sizeof(buf));
	p->hdr.type = MTL_MSG_PIPE_DATA;
	p->hdr.len8 = (uint16_t)(size / 8);
	p->byte_count = n;
	memcpy(p->data, data, n);
	r = mtl_ring_write(&c->tx, p, size, NULL, 0);
	if (mtl_ring_flush(&c->tx))
		pvbus_doorbell(g->bus, id);
	return r;
}

size_t tg_pipe_read(struct tg *g, struct tg_chan *c, uint32_t id, uint8_t *out,
		    size_t cap, int *eof)
{
	uint64_t buf[MTL_RING_RECORD_MAX / 8];
	const struct mtl_pipe_data *p = (const void *)buf;
	size_t got = 0;
	uint32_t len;

	*eof = 0;
	while (mtl_ring_read(&c->rx, buf, sizeof(buf), &len) == MTL_RING_OK) {
		if (p->hdr.type == MTL_MSG_PIPE_EOF) {
			*eof = 1;
			continue;
		}
		if (mtl_pipe_data_check(p, len) != MTL_STATUS_OK ||
		    p->byte_count > cap - got)
			abort();
		memcpy(out + got, p->data, p->byte_count);
		got += p->byte_count;
	}
	if (mtl_ring_done(&c->rx) || got)
		pvbus_doorbell(g->bus, id);
	return got;
}
