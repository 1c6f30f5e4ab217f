// SPDX-License-Identifier: MIT
/*
 * Channels of the pv bus (SPEC.md 4.3): their states, and OPEN_CHANNEL's
 * checks of the guest's ring areas (slot counts, alignment, largest packet,
 * inside guest RAM, clear of the bus area, of each other and of every other
 * channel's rings). Each refusal is counted by its own reason.
 */
#include "pvbus_priv.h"

#include <stdlib.h>
#include <string.h>

struct pvbus_chan *pvbus_chan_add(struct pvbus *b,
				  const struct pvbus_class *cls, void *priv,
				  const uint8_t instance_id[16])
{
	struct pvbus_chan *ch;

	if (b->nchan == PVBUS_MAX_CHANNELS)
		return NULL;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	ch->bus = b;
	pthread_mutex_init(&ch->lock, NULL);
	pthread_cond_init(&ch->idle, NULL);
	ch->cls = cls;
	ch->priv = priv;
	memcpy(ch->instance_id, instance_id, sizeof(ch->instance_id));
	b->chan[b->nchan++] = ch;
	ch->id = b->nchan;
	return ch;
}

struct pvbus_chan *pvbus_chan_find(struct pvbus *b, uint32_t id)
{
	if (id == 0 || id > b->nchan)
		return NULL;
	return b->chan[id - 1];
}

/* One whole edge per call: two threads pulsing at once must not merge
 * into one edge that the guest may have handled before the second
 * thread's packets were published. */
void pvbus_interrupt(struct pvbus *b)
{
	if (!b->cfg.irq_line)
		return;
	pthread_mutex_lock(&b->irq_lock);
	b->cfg.irq_line(b->cfg.irq_ctx, b->cfg.gsi, 1);
	b->cfg.irq_line(b->cfg.irq_ctx, b->cfg.gsi, 0);
	pthread_mutex_unlock(&b->irq_lock);
	pvbus_count(b, PVB_INTERRUPTS, 1);
}

void pvbus_chan_wait_idle(struct pvbus_chan *ch)
{
	while (ch->busy)
		pthread_cond_wait(&ch->idle, &ch->lock);
}

void pvbus_chan_unbusy(struct pvbus_chan *ch)
{
	if (--ch->busy == 0)
		pthread_cond_broadcast(&ch->idle);
}

void pvbus_chan_break(struct pvbus_chan *ch, enum pvbus_err why,
		      const char *what)
{
	if (ch->state != PVB_CH_OPEN)
		return;
	ch->state = PVB_CH_BROKEN;
	pvbus_count(ch->bus, PVB_BROKEN, 1);
	pvbus_error(ch->bus, why, "channel %u (%s) is BROKEN: %s", ch->id,
		    ch->cls->name, what);
}

/* --- OPEN_CHANNEL checks ------------------------------------------------- */

static int overlaps(const struct pvbus_range *a, const struct pvbus_range *b)
{
	return a->gpa < b->gpa + b->size && b->gpa < a->gpa + a->size;
}

/* Where [gpa, gpa + size) lies in this process, if inside one RAM range. */
static uint8_t *ram_hva(const struct pvbus *b, const struct pvbus_range *r)
{
	for (unsigned int i = 0; i < b->cfg.nram; i++) {
		const struct pvbus_ram *m = &b->cfg.ram[i];

		if (r->gpa >= m->gpa && r->size <= m->size &&
		    r->gpa - m->gpa <= m->size - r->size)
			return m->hva + (r->gpa - m->gpa);
	}
	return NULL;
}

/* Largest record a ring of 1 << log2 slots can carry, a multiple of 8. */
static uint32_t ring_capacity(uint32_t log2)
{
	uint32_t cap = (MTL_RING_SLOT_DATA << log2) & ~7u;

	return cap < MTL_RING_RECORD_MAX ? cap : MTL_RING_RECORD_MAX;
}

static uint32_t refuse(struct pvbus_chan *ch, enum pvbus_err why,
		       uint32_t status)
{
	pvbus_error(ch->bus, why, "OPEN_CHANNEL %u refused", ch->id);
	return status;
}

/* The class version: same major as offered, not above it. */
static uint32_t check_version(struct pvbus_chan *ch, uint32_t v)
{
	uint32_t offered = ch->cls->version;

	if (v == 0 || MTL_VERSION_MAJOR(v) != MTL_VERSION_MAJOR(offered) ||
	    v > offered)
		return refuse(ch, PVB_E_CLASS_VERSION,
			      MTL_STATUS_NOT_SUPPORTED);
	return MTL_STATUS_OK;
}

static uint32_t check_geometry(struct pvbus_chan *ch,
			       const struct mtl_msg_open_channel *m)
{
	if (m->g2p_log2 < MTL_RING_LOG2_MIN ||
	    m->g2p_log2 > MTL_RING_LOG2_MAX ||
	    m->p2g_log2 < MTL_RING_LOG2_MIN || m->p2g_log2 > MTL_RING_LOG2_MAX)
		return refuse(ch, PVB_E_RING_LOG2, MTL_STATUS_INVALID_RING);
	if ((m->g2p_ring_gpa | m->p2g_ring_gpa) & (MTL_PAGE_SIZE - 1))
		return refuse(ch, PVB_E_RING_ALIGN, MTL_STATUS_INVALID_RING);
	if (m->max_record < 64 || (m->max_record & 7) != 0 ||
	    m->max_record > ring_capacity(m->p2g_log2))
		return refuse(ch, PVB_E_RING_MAX_RECORD,
			      MTL_STATUS_INVALID_RING);
	return MTL_STATUS_OK;
}

/* Any other channel's rings in the way? Bus lock held (ring areas change
 * only under it). */
static int hits_other(struct pvbus_chan *ch, const struct pvbus_range *r)
{
	struct pvbus *b = ch->bus;

	for (unsigned int i = 0; i < b->nchan; i++) {
		struct pvbus_chan *o = b->chan[i];

		if (o == ch || o->state == PVB_CH_OFFERED)
			continue;
		if (overlaps(r, &o->g2p_area) || overlaps(r, &o->p2g_area))
			return 1;
	}
	return 0;
}

static uint32_t check_placement(struct pvbus_chan *ch,
				const struct pvbus_range *g2p,
				const struct pvbus_range *p2g)
{
	const struct pvbus_range bus = {
		ch->bus->cfg.area_gpa, MTL_BUS_AREA_SIZE(ch->bus->cfg.ring_log2)
	};

	if (g2p->gpa + g2p->size < g2p->gpa || p2g->gpa + p2g->size < p2g->gpa)
		return refuse(ch, PVB_E_RING_NOT_RAM, MTL_STATUS_INVALID_RING);
	if (overlaps(g2p, &bus) || overlaps(p2g, &bus))
		return refuse(ch, PVB_E_RING_BUS_AREA, MTL_STATUS_INVALID_RING);
	if (!ram_hva(ch->bus, g2p) || !ram_hva(ch->bus, p2g))
		return refuse(ch, PVB_E_RING_NOT_RAM, MTL_STATUS_INVALID_RING);
	if (overlaps(g2p, p2g))
		return refuse(ch, PVB_E_RING_OVERLAP, MTL_STATUS_INVALID_RING);
	if (hits_other(ch, g2p) || hits_other(ch, p2g))
		return refuse(ch, PVB_E_RING_OTHER, MTL_STATUS_INVALID_RING);
	return MTL_STATUS_OK;
}

/* Both rings at position 0 (open, and the first doorbell after a reset). */
static void attach_rings(struct pvbus_chan *ch)
{
	uint32_t flags = (ch->bus->features & MTL_F_EVENT_IDX) ?
				 MTL_RING_F_EVENT_IDX :
				 0;
	uint32_t g2p_max = ch->cls->max_record;

	if (g2p_max > ring_capacity(ch->g2p_log2))
		g2p_max = ring_capacity(ch->g2p_log2);
	/* Checked before: aligned, in RAM, geometry valid; cannot fail. */
	mtl_ring_init(&ch->g2p, ch->g2p_hva, ch->g2p_log2, g2p_max,
		      MTL_RING_CONSUMER, flags);
	mtl_ring_init(&ch->p2g, ch->p2g_hva, ch->p2g_log2, ch->p2g_max,
		      MTL_RING_PRODUCER, flags);
}

static void detach_rings(struct pvbus_chan *ch)
{
	memset(&ch->g2p_area, 0, sizeof(ch->g2p_area));
	memset(&ch->p2g_area, 0, sizeof(ch->p2g_area));
	ch->g2p_hva = ch->p2g_hva = NULL;
	ch->reattach = 0;
	memset(&ch->g2p, 0, sizeof(ch->g2p));
	memset(&ch->p2g, 0, sizeof(ch->p2g));
}

static uint32_t state_status(struct pvbus_chan *ch, enum pvbus_chan_state state,
			     const char *req)
{
	if (state == PVB_CH_BROKEN) {
		pvbus_error(ch->bus, PVB_E_CHANNEL_BROKEN,
			    "%s on BROKEN channel %u", req, ch->id);
		return MTL_STATUS_PROTOCOL_ERROR;
	}
	pvbus_error(ch->bus, PVB_E_CHANNEL_STATE,
		    "%s on channel %u in state %d", req, ch->id, (int)state);
	return MTL_STATUS_CHANNEL_STATE;
}

/* Checks in SPEC.md 4.3's order; the first failing one answers. */
static uint32_t open_checks(struct pvbus_chan *ch,
			    const struct mtl_msg_open_channel *m,
			    struct pvbus_range *g2p, struct pvbus_range *p2g)
{
	uint32_t st;

	if (ch->state != PVB_CH_OFFERED)
		return state_status(ch, ch->state, "OPEN_CHANNEL");
	st = check_version(ch, m->class_version);
	if (st == MTL_STATUS_OK)
		st = check_geometry(ch, m);
	if (st != MTL_STATUS_OK)
		return st;
	*g2p = (struct pvbus_range){ m->g2p_ring_gpa,
				     MTL_RING_AREA_SIZE(m->g2p_log2) };
	*p2g = (struct pvbus_range){ m->p2g_ring_gpa,
				     MTL_RING_AREA_SIZE(m->p2g_log2) };
	return check_placement(ch, g2p, p2g);
}

uint32_t pvbus_chan_open(struct pvbus_chan *ch,
			 const struct mtl_msg_open_channel *m)
{
	struct pvbus_range g2p, p2g;
	uint32_t st = open_checks(ch, m, &g2p, &p2g);

	if (st != MTL_STATUS_OK)
		return st;
	pthread_mutex_lock(&ch->lock);
	ch->g2p_area = g2p;
	ch->p2g_area = p2g;
	ch->g2p_hva = ram_hva(ch->bus, &g2p);
	ch->p2g_hva = ram_hva(ch->bus, &p2g);
	ch->g2p_log2 = m->g2p_log2;
	ch->p2g_log2 = m->p2g_log2;
	ch->p2g_max = m->max_record;
	ch->class_version = m->class_version;
	attach_rings(ch);
	pthread_mutex_unlock(&ch->lock);
	st = ch->cls->open(ch);
	pthread_mutex_lock(&ch->lock);
	if (st == MTL_STATUS_OK)
		ch->state = PVB_CH_OPEN;
	else
		detach_rings(ch);
	pthread_mutex_unlock(&ch->lock);
	if (st != MTL_STATUS_OK) {
		pvbus_error(ch->bus, PVB_E_CLASS_OPEN,
			    "channel %u (%s): the device refused to open",
			    ch->id, ch->cls->name);
		return st;
	}
	pvbus_count(ch->bus, PVB_OPENS, 1);
	/* Whatever the device holds for the guest goes out now. */
	ch->cls->doorbell(ch);
	return MTL_STATUS_OK;
}

/* Stop the class's traffic: CLOSING, then wait for work outside the lock. */
static enum pvbus_chan_state quiesce(struct pvbus_chan *ch)
{
	enum pvbus_chan_state was;

	pthread_mutex_lock(&ch->lock);
	was = ch->state;
	ch->state = PVB_CH_CLOSING;
	pvbus_chan_wait_idle(ch);
	pthread_mutex_unlock(&ch->lock);
	return was;
}

uint32_t pvbus_chan_close(struct pvbus_chan *ch)
{
	if (ch->state == PVB_CH_OFFERED)
		return state_status(ch, ch->state, "CLOSE_CHANNEL");
	quiesce(ch);
	ch->cls->close(ch);
	pthread_mutex_lock(&ch->lock);
	detach_rings(ch);
	ch->state = PVB_CH_OFFERED;
	pthread_mutex_unlock(&ch->lock);
	pvbus_count(ch->bus, PVB_CLOSES, 1);
	return MTL_STATUS_OK;
}

uint32_t pvbus_chan_reset(struct pvbus_chan *ch)
{
	enum pvbus_chan_state now;
	uint32_t st;

	pthread_mutex_lock(&ch->lock); /* OPEN may turn BROKEN meanwhile */
	now = ch->state;
	pthread_mutex_unlock(&ch->lock);
	if (now != PVB_CH_OPEN)
		return state_status(ch, now, "RESET_CHANNEL");
	quiesce(ch);
	if (ch->cls->reset) {
		st = ch->cls->reset(ch);
	} else {
		ch->cls->close(ch);
		st = ch->cls->open(ch);
	}
	pthread_mutex_lock(&ch->lock);
	if (st == MTL_STATUS_OK) {
		ch->state = PVB_CH_OPEN;
		ch->reattach = 1;
	} else {
		detach_rings(ch);
		ch->state = PVB_CH_OFFERED;
	}
	pthread_mutex_unlock(&ch->lock);
	pvbus_count(ch->bus, PVB_RESETS, 1);
	return st;
}

void pvbus_chan_reattach(struct pvbus_chan *ch)
{
	if (!ch->reattach)
		return;
	attach_rings(ch);
	ch->reattach = 0;
}
