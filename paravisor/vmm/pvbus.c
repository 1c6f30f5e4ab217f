// SPDX-License-Identifier: MIT
/*
 * The pv bus control channel (SPEC.md 3 and 4): version negotiation,
 * offers, open, close and reset of channels, the bus reset, and the
 * doorbell port that brings the guest here (on its vCPU's thread).
 *
 * The control rings live in the bus area; the bus lock serialises
 * everything on them. A request is only read from the G2P ring when the
 * P2G ring has room for its whole answer, so the paravisor never holds an
 * answer it cannot deliver: a guest that does not read its answers simply
 * stops being served until it does.
 */
#include "pvbus_priv.h"
#include "log.h"
#include "mantle_bytes.h"

#include <stdlib.h>
#include <string.h>

/* --- sending ---------------------------------------------------------- */

static void ctl_hdr(struct mtl_pkt_hdr *h, uint16_t type, uint32_t size,
		    uint64_t txid)
{
	h->type = type;
	h->flags = MTL_PKT_F_COMPLETION;
	h->len8 = (uint16_t)(size / 8);
	h->reserved = 0;
	h->txid = txid;
}

/* Room was checked before the request was read; a failure here is the
 * guest breaking the ring (cons_pos), which breaks the control channel. */
static void ctl_send(struct pvbus *b, const void *pkt, uint32_t size)
{
	int r = mtl_ring_write(&b->ctl_p2g, pkt, size, NULL, 0);

	if (r != MTL_RING_OK && !b->ctl_broken) {
		b->ctl_broken = 1;
		pvbus_error(b, PVB_E_CTL_RING,
			    "control P2G ring: write failed (%d, fault %u); "
			    "the guest must reset the bus",
			    r, mtl_ring_fault(&b->ctl_p2g));
	}
}

static void send_result(struct pvbus *b, uint16_t type, uint64_t txid,
			uint32_t id, uint32_t status)
{
	struct mtl_msg_result r;

	ctl_hdr(&r.hdr, type, sizeof(r), txid);
	r.channel_id = id;
	r.status = status;
	ctl_send(b, &r, sizeof(r));
}

/* --- requests ------------------------------------------------------------ */

static void forget_channels(struct pvbus *b)
{
	for (unsigned int i = 0; i < b->nchan; i++)
		if (b->chan[i]->state != PVB_CH_OFFERED)
			pvbus_chan_close(b->chan[i]);
}

static void on_version(struct pvbus *b, const void *pkt, uint32_t len)
{
	struct mtl_msg_version_response resp;
	struct mtl_msg_version_request req;

	/* A second request starts afresh: every channel closed first. */
	forget_channels(b);
	b->version = 0;
	b->features = 0;
	b->ctl_g2p.flags = b->ctl_p2g.flags = 0;
	memset(&req, 0, sizeof(req));
	memcpy(&req, pkt, len < sizeof(req) ? len : sizeof(req));
	if (mtl_negotiate(&req, MTL_VERSION_1_0, MTL_VERSION_1_0,
			  PVBUS_FEATURES, &resp) != MTL_STATUS_OK) {
		pvbus_error(b, PVB_E_VERSION, "VERSION_REQUEST refused (%u)",
			    resp.status);
		ctl_send(b, &resp, sizeof(resp));
		return;
	}
	ctl_send(b, &resp, sizeof(resp));
	/* The accepted features apply to the control rings too, from the
	 * packets after this answer on. */
	b->version = resp.version;
	b->features = resp.features;
	if (b->features & MTL_F_EVENT_IDX) {
		b->ctl_g2p.flags = b->ctl_p2g.flags = MTL_RING_F_EVENT_IDX;
		/* The guest's next request is wanted: from now on the
		 * guest rings only when data_event says so. */
		mtl_ring_want_data(&b->ctl_g2p);
	}
	pvbus_count(b, PVB_NEGOTIATED, 1);
}

static void on_request_offers(struct pvbus *b, uint64_t txid)
{
	struct mtl_msg_offers_done done;
	uint32_t n = 0;

	if (b->version == 0) {
		/* ALL_OFFERS_DELIVERED has no status: nothing is offered. */
		pvbus_error(b, PVB_E_NOT_NEGOTIATED, "REQUEST_OFFERS");
	}
	for (unsigned int i = 0; b->version && i < b->nchan; i++) {
		const struct pvbus_chan *ch = b->chan[i];
		struct mtl_msg_offer o;

		memset(&o, 0, sizeof(o));
		ctl_hdr(&o.hdr, MTL_MSG_OFFER, sizeof(o), txid);
		o.hdr.flags = 0;
		o.channel_id = ch->id;
		o.device_class = ch->cls->device_class;
		o.class_version = ch->cls->version;
		o.max_record = ch->cls->max_record;
		memcpy(o.instance_id, ch->instance_id, sizeof(o.instance_id));
		ctl_send(b, &o, sizeof(o));
		n++;
	}
	memset(&done, 0, sizeof(done));
	ctl_hdr(&done.hdr, MTL_MSG_ALL_OFFERS_DELIVERED, sizeof(done), txid);
	done.nr_offers = n;
	ctl_send(b, &done, sizeof(done));
	pvbus_count(b, PVB_OFFERS, n);
}

/* The checks OPEN, CLOSE and RESET share: negotiated, a known channel. */
static struct pvbus_chan *chan_request(struct pvbus *b, uint32_t id,
				       uint32_t reserved, uint32_t *st)
{
	struct pvbus_chan *ch = NULL;

	if (b->version == 0) {
		pvbus_error(b, PVB_E_NOT_NEGOTIATED, "channel request");
		*st = MTL_STATUS_CHANNEL_STATE;
	} else if (reserved != 0) {
		pvbus_error(b, PVB_E_RESERVED, "channel request for %u", id);
		*st = MTL_STATUS_INVALID_MESSAGE;
	} else if (!(ch = pvbus_chan_find(b, id))) {
		pvbus_error(b, PVB_E_UNKNOWN_CHANNEL, "channel %u", id);
		*st = MTL_STATUS_UNKNOWN_CHANNEL;
	}
	return ch;
}

static void on_open(struct pvbus *b, const struct mtl_msg_open_channel *m)
{
	uint32_t st;
	struct pvbus_chan *ch =
		chan_request(b, m->channel_id, m->reserved0, &st);

	if (ch)
		st = pvbus_chan_open(ch, m);
	send_result(b, MTL_MSG_OPEN_RESULT, m->hdr.txid, m->channel_id, st);
}

static void on_close(struct pvbus *b, const struct mtl_msg_channel *m)
{
	uint32_t st;
	struct pvbus_chan *ch =
		chan_request(b, m->channel_id, m->reserved0, &st);

	if (ch)
		st = pvbus_chan_close(ch);
	send_result(b, MTL_MSG_CLOSE_RESULT, m->hdr.txid, m->channel_id, st);
}

static void on_reset(struct pvbus *b, const struct mtl_msg_channel *m)
{
	uint32_t st;
	struct pvbus_chan *ch =
		chan_request(b, m->channel_id, m->reserved0, &st);

	if (ch && !(b->features & MTL_F_CHANNEL_RESET)) {
		pvbus_error(b, PVB_E_RESET_FEATURE, "channel %u", ch->id);
		st = MTL_STATUS_NOT_SUPPORTED;
	} else if (ch) {
		st = pvbus_chan_reset(ch);
	}
	send_result(b, MTL_MSG_RESET_RESULT, m->hdr.txid, m->channel_id, st);
}

/* A request whose header is sound but whose body is not: answer what can
 * be answered with INVALID_MESSAGE, drop the rest. */
static void on_malformed(struct pvbus *b, const struct mtl_pkt_hdr *h,
			 uint32_t len)
{
	uint32_t id = len >= 20 ? get_le32((const uint8_t *)h + 16) : 0;
	struct mtl_msg_version_response vr;

	pvbus_error(b, PVB_E_CTL_MALFORMED,
		    "control packet type 0x%04x, %u bytes", h->type, len);
	switch (h->type) {
	case MTL_MSG_VERSION_REQUEST:
		memset(&vr, 0, sizeof(vr));
		ctl_hdr(&vr.hdr, MTL_MSG_VERSION_RESPONSE, sizeof(vr), h->txid);
		vr.status = MTL_STATUS_INVALID_MESSAGE;
		vr.version_min = vr.version_max = MTL_VERSION_1_0;
		ctl_send(b, &vr, sizeof(vr));
		break;
	case MTL_MSG_OPEN_CHANNEL:
		send_result(b, MTL_MSG_OPEN_RESULT, h->txid, id,
			    MTL_STATUS_INVALID_MESSAGE);
		break;
	case MTL_MSG_CLOSE_CHANNEL:
		send_result(b, MTL_MSG_CLOSE_RESULT, h->txid, id,
			    MTL_STATUS_INVALID_MESSAGE);
		break;
	case MTL_MSG_RESET_CHANNEL:
		send_result(b, MTL_MSG_RESET_RESULT, h->txid, id,
			    MTL_STATUS_INVALID_MESSAGE);
		break;
	default:
		break;
	}
}

/* Does this header deserve an answer at all? Not if its length or flags
 * are wrong (nothing in it can be trusted) or it is a completion. */
static int header_sound(const struct mtl_pkt_hdr *h, uint32_t len)
{
	return len >= sizeof(*h) && (uint32_t)h->len8 * 8 == len &&
	       h->reserved == 0 && (h->flags & MTL_PKT_F_COMPLETION) == 0 &&
	       (h->flags & ~MTL_PKT_F_KNOWN) == 0;
}

/* The requests a guest sends on the control channel, and their handlers
 * (each gets a packet mtl_pkt_check() accepted). */
static void do_version(struct pvbus *b, const void *pkt, uint32_t len)
{
	on_version(b, pkt, len);
}

static void do_offers(struct pvbus *b, const void *pkt, uint32_t len)
{
	(void)len;
	on_request_offers(b, ((const struct mtl_pkt_hdr *)pkt)->txid);
}

static void do_open(struct pvbus *b, const void *pkt, uint32_t len)
{
	(void)len;
	on_open(b, pkt);
}

static void do_close(struct pvbus *b, const void *pkt, uint32_t len)
{
	(void)len;
	on_close(b, pkt);
}

static void do_reset(struct pvbus *b, const void *pkt, uint32_t len)
{
	(void)len;
	on_reset(b, pkt);
}

static const struct {
	uint16_t type;
	void (*handle)(struct pvbus *b, const void *pkt, uint32_t len);
} requests[] = {
	{ MTL_MSG_VERSION_REQUEST, do_version },
	{ MTL_MSG_REQUEST_OFFERS, do_offers },
	{ MTL_MSG_OPEN_CHANNEL, do_open },
	{ MTL_MSG_CLOSE_CHANNEL, do_close },
	{ MTL_MSG_RESET_CHANNEL, do_reset },
};

static void ctl_packet(struct pvbus *b, const void *pkt, uint32_t len)
{
	const struct mtl_pkt_hdr *h = pkt;
	unsigned int i;

	pvbus_count(b, PVB_CTL_PACKETS, 1);
	if (!header_sound(h, len)) {
		pvbus_error(b, PVB_E_CTL_MALFORMED, "control packet header");
		return;
	}
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i].type == h->type)
			break;
	if (i == sizeof(requests) / sizeof(requests[0])) {
		pvbus_error(b, PVB_E_CTL_UNKNOWN,
			    "control packet type 0x%04x dropped", h->type);
		return;
	}
	if (mtl_pkt_check(pkt, len) != MTL_STATUS_OK) {
		on_malformed(b, h, len);
		return;
	}
	requests[i].handle(b, pkt, len);
}

/* Slots the longest answer takes: every offer and ALL_OFFERS_DELIVERED. */
static uint32_t answer_slots(const struct pvbus *b)
{
	uint32_t n = (b->nchan + 1) *
		     MTL_RING_SLOTS_FOR(sizeof(struct mtl_msg_offer));
	uint32_t max = 1u << b->cfg.ring_log2;

	return n < max ? n : max;
}

/* Serve the control channel: bus lock held. */
static void ctl_service(struct pvbus *b)
{
	int notify;

	while (!b->ctl_broken) {
		uint32_t len;
		int r;

		if (!mtl_ring_want_space(&b->ctl_p2g, answer_slots(b)))
			break; /* the guest's doorbell after reading resumes */
		r = mtl_ring_read(&b->ctl_g2p, b->ctl_buf, sizeof(b->ctl_buf),
				  &len);
		if (r == MTL_RING_EMPTY) {
			/* Going idle: ask for the next doorbell (event
			 * index), then look once more. */
			if (mtl_ring_want_data(&b->ctl_g2p))
				continue;
			break;
		}
		if (r != MTL_RING_OK) {
			b->ctl_broken = 1;
			pvbus_error(b, PVB_E_CTL_RING,
				    "control G2P ring fault %u; the guest "
				    "must reset the bus",
				    mtl_ring_fault(&b->ctl_g2p));
			break;
		}
		ctl_packet(b, b->ctl_buf, len);
	}
	notify = mtl_ring_done(&b->ctl_g2p);
	notify |= mtl_ring_flush(&b->ctl_p2g);
	if (notify)
		pvbus_interrupt(b);
}

/* --- the bus ------------------------------------------------------------- */

/* Control rings zeroed and attached at position 0; nothing negotiated. */
static void ctl_init(struct pvbus *b)
{
	uint8_t *g2p = b->cfg.area_hva + MTL_BUS_G2P_OFFSET;
	uint8_t *p2g = b->cfg.area_hva + MTL_BUS_P2G_OFFSET(b->cfg.ring_log2);

	mtl_ring_area_init(g2p, b->cfg.ring_log2);
	mtl_ring_area_init(p2g, b->cfg.ring_log2);
	mtl_ring_init(&b->ctl_g2p, g2p, b->cfg.ring_log2,
		      MTL_CONTROL_MAX_RECORD, MTL_RING_CONSUMER, 0);
	mtl_ring_init(&b->ctl_p2g, p2g, b->cfg.ring_log2,
		      MTL_CONTROL_MAX_RECORD, MTL_RING_PRODUCER, 0);
	b->ctl_broken = 0;
	b->version = 0;
	b->features = 0;
}

static void bus_reset(struct pvbus *b)
{
	forget_channels(b);
	ctl_init(b);
	pvbus_count(b, PVB_BUS_RESETS, 1);
}

void pvbus_doorbell(struct pvbus *b, uint32_t value)
{
	struct pvbus_chan *ch;

	pvbus_count(b, PVB_DOORBELLS, 1);
	if (value == MTL_DOORBELL_BUS_RESET || value == MTL_CHANNEL_CONTROL) {
		pthread_mutex_lock(&b->lock);
		if (value == MTL_DOORBELL_BUS_RESET)
			bus_reset(b);
		else
			ctl_service(b);
		pthread_mutex_unlock(&b->lock);
		return;
	}
	ch = pvbus_chan_find(b, value);
	if (!ch) {
		pvbus_error(b, PVB_E_DOORBELL_UNKNOWN, "doorbell %u", value);
		return;
	}
	ch->cls->doorbell(ch);
}

static void db_write(void *priv, uint16_t off, const uint8_t *data,
		     unsigned int size)
{
	/* Only the whole 32-bit register; anything else is ignored. */
	if (off == 0 && size == 4)
		pvbus_doorbell(priv, get_le32(data));
}

static void db_read(void *priv, uint16_t off, uint8_t *data, unsigned int size)
{
	(void)priv;
	(void)off;
	memset(data, 0, size);
}

const struct io_ops pvbus_io_ops = {
	.name = "pvbus-doorbell",
	.base = PVBUS_DOORBELL_PORT,
	.len = PVBUS_DOORBELL_PORTS,
	.read = db_read,
	.write = db_write,
};

static int config_ok(const struct pvbus_config *c)
{
	return c->area_hva && c->ring_log2 >= MTL_RING_LOG2_MIN &&
	       c->ring_log2 <= MTL_RING_LOG2_MAX &&
	       ((uintptr_t)c->area_hva & (MTL_PAGE_SIZE - 1)) == 0 &&
	       (c->area_gpa & (MTL_PAGE_SIZE - 1)) == 0 &&
	       c->nram <= PVBUS_MAX_RAM;
}

struct pvbus *pvbus_create(const struct pvbus_config *cfg)
{
	struct pvbus *b;

	if (!config_ok(cfg))
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->cfg = *cfg;
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->irq_lock, NULL);
	pvbus_stat_init(b);
	ctl_init(b);
	pvbus_work_init(b);
	if ((cfg->pipes && pvbus_pipe_add(b, cfg->pipes) < 0) ||
	    pvbus_work_start(b) < 0) {
		pvbus_destroy(b);
		return NULL;
	}
	return b;
}

void pvbus_destroy(struct pvbus *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	forget_channels(b);
	pthread_mutex_unlock(&b->lock);
	pvbus_work_stop(b);
	pvbus_log_stats(b, "at teardown");
	for (unsigned int i = 0; i < b->nchan; i++) {
		struct pvbus_chan *ch = b->chan[i];

		if (ch->cls->free)
			ch->cls->free(ch);
		pthread_cond_destroy(&ch->idle);
		pthread_mutex_destroy(&ch->lock);
		free(ch);
	}
	pthread_mutex_destroy(&b->limit.lock);
	pthread_mutex_destroy(&b->irq_lock);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

void pvbus_config_machine(struct pvbus_config *cfg, uint8_t *ram, uint64_t mem)
{
	struct e820_entry e[E820_MAX_ENTRIES];
	struct mem_split s;
	int n = e820_build(mem, e, E820_MAX_ENTRIES);

	memset(cfg, 0, sizeof(*cfg));
	mem_split(mem, &s);
	for (int i = 0; i < n && cfg->nram < PVBUS_MAX_RAM; i++) {
		struct pvbus_ram *r = &cfg->ram[cfg->nram];

		if (e[i].type != E820_RAM)
			continue;
		r->gpa = e[i].addr;
		r->size = e[i].size;
		r->hva = e[i].addr >= MEM_HIGH_BASE ?
				 ram + s.low_end + (e[i].addr - MEM_HIGH_BASE) :
				 ram + e[i].addr;
		cfg->nram++;
	}
	cfg->area_gpa = PVBUS_AREA_GPA;
	cfg->area_hva = ram + PVBUS_AREA_GPA;
	cfg->ring_log2 = PVBUS_RING_LOG2;
	cfg->gsi = PVBUS_GSI;
}
