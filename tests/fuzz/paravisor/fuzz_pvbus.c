// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the pv bus driven by a hostile guest (and an honest host end
 * of pipes, the fake of tests/unit/paravisor/pvbus_guest.c). The input is a
 * script of steps: raw control packets, well-formed requests with fuzzed
 * fields, arbitrary writes into guest RAM and the bus area (ring contents,
 * indices, slot headers), doorbells of any value, pipe traffic both ways,
 * tx_ready, host closes, deferred work, bus resets. The bus must never
 * crash, read or write outside guest RAM (ASan), send on a closed pipe or
 * close one twice (the fake aborts), nor deliver more than it granted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pvbus_guest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "console", "log", NULL };

struct script {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct script *s, unsigned int n)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < n; i++) {
		v |= (uint32_t)(s->left ? *s->p : 0) << (8 * i);
		if (s->left) {
			s->p++;
			s->left--;
		}
	}
	return v;
}

/* Guest side of the fuzzed world. */
static struct tg g;
static struct tg_chan chans[3];
static int chan_open[3];
static uint8_t pkt[MTL_RING_RECORD_MAX] __attribute__((aligned(8)));

static void ctl_put(const void *p, uint32_t len)
{
	mtl_ring_write(&g.ctl_tx, p, len, NULL, 0);
	mtl_ring_flush(&g.ctl_tx);
	pvbus_doorbell(g.bus, 0);
}

static void ctl_drain(void)
{
	uint32_t len;

	while (mtl_ring_read(&g.ctl_rx, pkt, sizeof(pkt), &len) == MTL_RING_OK)
		;
	mtl_ring_done(&g.ctl_rx);
	pvbus_doorbell(g.bus, 0);
}

static void step_raw_ctl(struct script *s)
{
	uint32_t len = (take(s, 1) % 64 + 2) * 8;

	for (uint32_t i = 0; i < len; i++)
		pkt[i] = (uint8_t)take(s, 1);
	if (take(s, 1) & 1) /* mostly a consistent length */
		((struct mtl_pkt_hdr *)(void *)pkt)->len8 = (uint16_t)(len / 8);
	ctl_put(pkt, len);
}

static void step_version(struct script *s)
{
	struct mtl_msg_version_request r;

	memset(&r, 0, sizeof(r));
	r.hdr.type = MTL_MSG_VERSION_REQUEST;
	r.hdr.len8 = sizeof(r) / 8;
	r.nr_versions = 1;
	r.versions[0] = take(s, 1) & 1 ? MTL_VERSION_1_0 : take(s, 4);
	r.features = take(s, 1);
	ctl_put(&r, sizeof(r));
	ctl_drain();
}

static void step_open(struct script *s)
{
	struct mtl_msg_open_channel m;
	uint32_t id = take(s, 1) % 4;
	uint32_t log2 = 2 + take(s, 1) % 4;
	uint64_t g2p = TG_RAM_GPA + (uint64_t)(take(s, 1) % 64) * 0x4000u;
	uint64_t p2g = TG_RAM_GPA + (uint64_t)(take(s, 1) % 64) * 0x4000u;
	uint32_t maxr = (take(s, 1) % 64 + 8) * 8;
	uint32_t cap = MTL_RING_SLOT_DATA << log2;
	struct tg_chan *c;

	tg_open_fill(&m, id, g2p, p2g, log2, maxr);
	if (take(s, 1) == 0xFF) /* now and then, anything */
		m.g2p_ring_gpa = (uint64_t)take(s, 4) << 12;
	mtl_ring_area_init(tg_hva(&g, g2p), log2);
	mtl_ring_area_init(tg_hva(&g, p2g), log2);
	ctl_put(&m, sizeof(m));
	ctl_drain();
	if (id == 0 || id > 2)
		return;
	c = &chans[id];
	mtl_ring_init(&c->tx, tg_hva(&g, g2p), log2,
		      cap < 4120 ? cap & ~7u : 4120, MTL_RING_PRODUCER, 0);
	mtl_ring_init(&c->rx, tg_hva(&g, p2g), log2,
		      maxr <= (cap & ~7u) ? maxr : (cap & ~7u),
		      MTL_RING_CONSUMER, 0);
	chan_open[id] = 1;
}

static void step_chan_msg(struct script *s, uint16_t type)
{
	struct mtl_msg_channel m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.len8 = sizeof(m) / 8;
	m.channel_id = take(s, 1) % 4;
	ctl_put(&m, sizeof(m));
	ctl_drain();
}

/* Anything, anywhere in guest RAM or the bus area. */
static void step_poke(struct script *s)
{
	uint32_t where = take(s, 3), n = take(s, 1) % 64;
	uint8_t *base = where & 0x800000 ? g.area : g.ram;
	size_t cap = where & 0x800000 ? PVBUS_AREA_SIZE : TG_RAM_SIZE;
	size_t off = (where & 0x7FFFFF) % cap;

	for (uint32_t i = 0; i < n && off + i < cap; i++)
		base[off + i] = (uint8_t)take(s, 1);
}

static void step_pipe_write(struct script *s)
{
	uint32_t id = 1 + take(s, 1) % 2, n = take(s, 2) % 4200 + 1;
	struct mtl_pipe_data *p = (void *)pkt;
	uint32_t len = (uint32_t)((sizeof(*p) + n + 7) & ~7u);

	if (!chan_open[id])
		return;
	memset(pkt, 0, len);
	p->hdr.type = MTL_MSG_PIPE_DATA;
	p->hdr.len8 = (uint16_t)(len / 8);
	p->byte_count = n;
	mtl_ring_write(&chans[id].tx, pkt, len, NULL, 0);
	mtl_ring_flush(&chans[id].tx);
	pvbus_doorbell(g.bus, id);
}

static void step_pipe_read(struct script *s)
{
	uint32_t id = 1 + take(s, 1) % 2, len;

	if (!chan_open[id])
		return;
	while (mtl_ring_read(&chans[id].rx, pkt, sizeof(pkt), &len) ==
	       MTL_RING_OK)
		;
	mtl_ring_done(&chans[id].rx);
	pvbus_doorbell(g.bus, id);
}

/* The honest host: never more than granted. */
static void step_host_rx(struct script *s)
{
	static uint8_t buf[8192];
	struct tg_pipe *p = &g.be.pipe[take(s, 1) % 2];
	size_t n = take(s, 2) % sizeof(buf);

	if (!p->open)
		return;
	if (n > p->granted - p->delivered)
		n = p->granted - p->delivered;
	memset(buf, 'h', n);
	p->delivered += n;
	p->ops->rx(p->port, buf, n);
}

static void step_host(struct script *s, uint8_t op)
{
	struct tg_pipe *p = &g.be.pipe[take(s, 1) % 2];

	if (!p->open)
		return;
	if (op == 0) {
		p->credit = take(s, 2);
		p->ops->tx_ready(p->port);
	} else {
		p->ops->closed(p->port, "fuzz");
	}
}

static void step(struct script *s)
{
	uint8_t op = (uint8_t)take(s, 1);

	switch (op % 14) {
	case 0:
		step_raw_ctl(s);
		break;
	case 1:
		step_version(s);
		break;
	case 2:
		step_open(s);
		break;
	case 3:
		step_chan_msg(s, MTL_MSG_CLOSE_CHANNEL);
		break;
	case 4:
		step_chan_msg(s, MTL_MSG_RESET_CHANNEL);
		break;
	case 5:
		step_poke(s);
		break;
	case 6:
		pvbus_doorbell(g.bus,
			       take(s, 1) & 0x80 ? take(s, 4) : take(s, 1) % 4);
		break;
	case 7:
		step_pipe_write(s);
		break;
	case 8:
		step_pipe_read(s);
		break;
	case 9:
		step_host_rx(s);
		break;
	case 10:
		step_host(s, 0);
		break;
	case 11:
		step_host(s, 1);
		break;
	case 12:
		pvbus_run_deferred(g.bus);
		break;
	default:
		ctl_drain();
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s = { data, size };

	tg_init(&g, names);
	memset(chans, 0, sizeof(chans));
	memset(chan_open, 0, sizeof(chan_open));
	for (int i = 0; s.left && i < 2000; i++)
		step(&s);
	tg_fini(&g);
	return 0;
}
