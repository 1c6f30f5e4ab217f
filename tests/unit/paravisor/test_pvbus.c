// SPDX-License-Identifier: MIT
/*
 * The pv bus against a fake guest (pvbus_guest.c): negotiation, offers,
 * every OPEN_CHANNEL refusal of SPEC.md 4.3, close, reset, BROKEN
 * channels, the bus reset, doorbells for unknown channels, hostile
 * control packets and rings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pvbus_guest.h"
#include "pvbus_priv.h"

static const char *const two_pipes[] = { "console", "log-2_x", NULL };

/* Ring areas in the fake RAM (log2 4: 8 KiB each). */
#define A(i) (TG_RAM_GPA + (uint64_t)(i)*0x4000u)

static int setup(void **state)
{
	struct tg *g = malloc(sizeof(*g));

	if (!g)
		return -1;
	tg_init(g, two_pipes);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct tg *g = *state;

	tg_fini(g);
	free(g);
	return 0;
}

static uint64_t err_count(struct tg *g, enum pvbus_err e)
{
	struct pvbus_stats s;

	pvbus_stats(g->bus, &s);
	return s.err[e];
}

static uint64_t counter(struct tg *g, enum pvbus_count c)
{
	struct pvbus_stats s;

	pvbus_stats(g->bus, &s);
	return s.count[c];
}

static void negotiated(struct tg *g, uint64_t features)
{
	assert_int_equal(tg_negotiate(g, features, NULL), MTL_STATUS_OK);
}

/* --- negotiation --------------------------------------------------------- */

static void test_area_zeroed(void **state)
{
	struct tg *g = *state;

	for (size_t i = 0; i < PVBUS_AREA_SIZE; i++)
		assert_int_equal(g->area[i], 0);
}

static void test_negotiate(void **state)
{
	struct tg *g = *state;
	uint64_t acc = 0;

	assert_int_equal(tg_negotiate(g, MTL_F_KNOWN_1_0 | (1ull << 40), &acc),
			 MTL_STATUS_OK);
	assert_int_equal(acc, MTL_F_KNOWN_1_0);
	assert_int_equal(counter(g, PVB_NEGOTIATED), 1);
	assert_true(g->irqs > 0);
}

static void test_negotiate_refused_then_ok(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_version_request req;
	uint64_t buf[64];
	struct mtl_msg_version_response *resp = (void *)buf;
	uint32_t len;

	memset(&req, 0, sizeof(req));
	req.hdr.type = MTL_MSG_VERSION_REQUEST;
	req.hdr.len8 = sizeof(req) / 8;
	req.nr_versions = 1;
	req.versions[0] = MTL_VERSION(2, 0);
	tg_ctl_send(g, &req, sizeof(req));
	assert_int_equal(tg_ctl_recv(g, buf, &len), 0);
	assert_int_equal(resp->status, MTL_STATUS_VERSION_UNSUPPORTED);
	assert_int_equal(resp->version_min, MTL_VERSION_1_0);
	/* Malformed: a zero inside the list. */
	req.nr_versions = 2;
	req.versions[0] = MTL_VERSION_1_0;
	tg_ctl_send(g, &req, sizeof(req));
	assert_int_equal(tg_ctl_recv(g, buf, &len), 0);
	assert_int_equal(resp->status, MTL_STATUS_INVALID_MESSAGE);
	negotiated(g, 0);
}

static void test_before_negotiation(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;
	struct mtl_pkt_hdr h = { MTL_MSG_REQUEST_OFFERS, 0, 2, 0, 77 };
	uint64_t buf[64];
	struct mtl_msg_offers_done *done = (void *)buf;
	uint32_t len;

	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256),
			 MTL_STATUS_CHANNEL_STATE);
	tg_ctl_send(g, &h, sizeof(h));
	assert_int_equal(tg_ctl_recv(g, buf, &len), 0);
	assert_int_equal(done->hdr.type, MTL_MSG_ALL_OFFERS_DELIVERED);
	assert_int_equal(done->nr_offers, 0);
	assert_int_equal(err_count(g, PVB_E_NOT_NEGOTIATED), 2);
}

/* --- offers --------------------------------------------------------------- */

static void test_offers(void **state)
{
	struct tg *g = *state;
	struct mtl_pkt_hdr h = { MTL_MSG_REQUEST_OFFERS,
				 MTL_PKT_F_COMPLETION_REQUESTED, 2, 0, 1234 };
	uint64_t buf[64];
	struct mtl_msg_offer *o = (void *)buf;
	struct mtl_msg_offers_done *done = (void *)buf;
	uint8_t want[16] = "console";
	uint32_t len;

	negotiated(g, 0);
	tg_ctl_send(g, &h, sizeof(h));
	for (uint32_t i = 1; i <= 2; i++) {
		assert_int_equal(tg_ctl_recv(g, buf, &len), 0);
		assert_int_equal(len, sizeof(*o));
		assert_int_equal(mtl_pkt_check(o, len), MTL_STATUS_OK);
		assert_int_equal(o->hdr.type, MTL_MSG_OFFER);
		assert_int_equal(o->channel_id, i);
		assert_int_equal(o->device_class, MTL_CLASS_PIPE);
		assert_int_equal(o->class_version, MTL_VERSION_1_0);
		assert_int_equal(o->max_record, 4096 + 24);
		assert_int_equal(o->flags, 0);
		if (i == 1)
			assert_memory_equal(o->instance_id, want, 16);
		else
			assert_memory_equal(o->instance_id,
					    "log-2_x\0\0\0\0\0\0\0\0", 16);
	}
	assert_int_equal(tg_ctl_recv(g, buf, &len), 0);
	assert_int_equal(done->hdr.type, MTL_MSG_ALL_OFFERS_DELIVERED);
	assert_int_equal(done->hdr.txid, 1234);
	assert_int_equal(done->nr_offers, 2);
	assert_int_equal(tg_ctl_recv(g, buf, &len), -1);
}

/* With event indices the guest rings only when the paravisor asked: every
 * request of a sequence is still answered. */
static void test_ctl_event_idx(void **state)
{
	struct tg *g = *state;
	struct mtl_pkt_hdr h = { MTL_MSG_REQUEST_OFFERS, 0, 2, 0, 1 };
	uint64_t buf[64];
	uint32_t len;

	negotiated(g, MTL_F_EVENT_IDX);
	for (int i = 0; i < 10; i++) {
		tg_ctl_send(g, &h, sizeof(h));
		for (int k = 0; k < 3; k++)
			assert_int_equal(tg_ctl_recv(g, buf, &len), 0);
	}
	assert_int_equal(tg_chan_msg(g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_CHANNEL_STATE);
}

static void test_no_backend_no_offers(void **state)
{
	struct tg g;
	struct mtl_pkt_hdr h = { MTL_MSG_REQUEST_OFFERS, 0, 2, 0, 1 };
	uint64_t buf[64];
	struct mtl_msg_offers_done *done = (void *)buf;
	uint32_t len;

	(void)state;
	tg_init(&g, NULL);
	negotiated(&g, 0);
	tg_ctl_send(&g, &h, sizeof(h));
	assert_int_equal(tg_ctl_recv(&g, buf, &len), 0);
	assert_int_equal(done->nr_offers, 0);
	tg_fini(&g);
}

/* --- OPEN_CHANNEL: success and each refusal ------------------------------- */

static void test_open_ok(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;

	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	assert_int_equal(g->be.pipe[0].opens, 1);
	assert_int_equal(g->be.pipe[0].granted, 64 * 1024);
	assert_int_equal(counter(g, PVB_OPENS), 1);
}

/* One refusal: the status and exactly the one counter that names it. */
static void refused(struct tg *g, const struct mtl_msg_open_channel *m,
		    uint32_t status, enum pvbus_err why)
{
	uint64_t before = err_count(g, why);

	assert_int_equal(tg_open_msg(g, m), status);
	assert_int_equal(err_count(g, why), before + 1);
	assert_int_equal(g->be.pipe[0].opens + g->be.pipe[1].opens,
			 g->be.pipe[0].open + g->be.pipe[1].open);
}

static void test_open_unknown_channel(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 3, A(0), A(1), 4, 256);
	refused(g, &m, MTL_STATUS_UNKNOWN_CHANNEL, PVB_E_UNKNOWN_CHANNEL);
	tg_open_fill(&m, 0, A(0), A(1), 4, 256);
	refused(g, &m, MTL_STATUS_UNKNOWN_CHANNEL, PVB_E_UNKNOWN_CHANNEL);
}

static void test_open_state(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	tg_open_fill(&m, 1, A(2), A(3), 4, 256);
	refused(g, &m, MTL_STATUS_CHANNEL_STATE, PVB_E_CHANNEL_STATE);
}

static void test_open_class_version(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, A(0), A(1), 4, 256);
	m.class_version = MTL_VERSION(2, 0);
	refused(g, &m, MTL_STATUS_NOT_SUPPORTED, PVB_E_CLASS_VERSION);
	m.class_version = MTL_VERSION(1, 1); /* above the offer */
	refused(g, &m, MTL_STATUS_NOT_SUPPORTED, PVB_E_CLASS_VERSION);
	m.class_version = 0;
	refused(g, &m, MTL_STATUS_NOT_SUPPORTED, PVB_E_CLASS_VERSION);
}

static void test_open_log2(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, A(0), A(1), 4, 256);
	m.g2p_log2 = 1;
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_LOG2);
	m.g2p_log2 = 4;
	m.p2g_log2 = 17;
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_LOG2);
}

static void test_open_align(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, A(0) + 8, A(1), 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_ALIGN);
	tg_open_fill(&m, 1, A(0), A(1) + 2048, 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_ALIGN);
}

static void test_open_max_record(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, A(0), A(1), 4, 260); /* not a multiple of 8 */
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_MAX_RECORD);
	tg_open_fill(&m, 1, A(0), A(1), 4, 56); /* below 64 */
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_MAX_RECORD);
	tg_open_fill(&m, 1, A(0), A(1), 2, 232); /* 4 slots carry 224 */
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_MAX_RECORD);
}

static void test_open_bus_area(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, TG_BUS_GPA + 0x1000, A(1), 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_BUS_AREA);
	tg_open_fill(&m, 1, A(0), TG_BUS_GPA - 0x1000, 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_BUS_AREA);
}

static void test_open_not_ram(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, 0x10000, A(1), 4, 256); /* below RAM */
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_NOT_RAM);
	/* Straddles the end of RAM. */
	tg_open_fill(&m, 1, A(0), TG_RAM_GPA + TG_RAM_SIZE - 0x1000, 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_NOT_RAM);
	/* Wraps around the address space. */
	tg_open_fill(&m, 1, 0xFFFFFFFFFFFFF000ull, A(1), 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_NOT_RAM);
}

static void test_open_overlap_self(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, A(0), A(0) + 0x1000, 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_OVERLAP);
	tg_open_fill(&m, 1, A(0), A(0), 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_OVERLAP);
}

static void test_open_overlap_other(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	tg_open_fill(&m, 2, A(2), A(1) + 0x1000, 4, 256);
	refused(g, &m, MTL_STATUS_INVALID_RING, PVB_E_RING_OTHER);
	/* Once channel 1 is closed its rings are free again. */
	assert_int_equal(tg_chan_msg(g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_OK);
	assert_int_equal(tg_open_msg(g, &m), MTL_STATUS_OK);
}

static void test_open_reserved(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	tg_open_fill(&m, 1, A(0), A(1), 4, 256);
	m.reserved0 = 1;
	refused(g, &m, MTL_STATUS_INVALID_MESSAGE, PVB_E_RESERVED);
}

static void test_open_no_resources(void **state)
{
	struct tg *g = *state;
	struct mtl_msg_open_channel m;

	negotiated(g, 0);
	g->be.pipe[0].open_fail = 1;
	tg_open_fill(&m, 1, A(0), A(1), 4, 256);
	refused(g, &m, MTL_STATUS_NO_RESOURCES, PVB_E_CLASS_OPEN);
	g->be.pipe[0].open_fail = 0;
	assert_int_equal(tg_open_msg(g, &m), MTL_STATUS_OK);
}

/* --- close, reset, broken, bus reset -------------------------------------- */

static void test_close(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;

	negotiated(g, 0);
	assert_int_equal(tg_chan_msg(g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_CHANNEL_STATE);
	assert_int_equal(tg_chan_msg(g, MTL_MSG_CLOSE_CHANNEL, 9),
			 MTL_STATUS_UNKNOWN_CHANNEL);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	assert_int_equal(tg_chan_msg(g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_OK);
	assert_int_equal(g->be.pipe[0].closes, 1);
	assert_false(g->be.pipe[0].open);
	/* Reopen on the same rings. */
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	assert_int_equal(g->be.pipe[0].opens, 2);
}

static void test_reset_needs_feature(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;

	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	assert_int_equal(tg_chan_msg(g, MTL_MSG_RESET_CHANNEL, 1),
			 MTL_STATUS_NOT_SUPPORTED);
	assert_int_equal(err_count(g, PVB_E_RESET_FEATURE), 1);
}

static void test_reset(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;
	uint8_t out[64];
	int eof;

	negotiated(g, MTL_F_CHANNEL_RESET);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	assert_int_equal(tg_pipe_write(g, &c, 1, "abc", 3), MTL_RING_OK);
	assert_int_equal(tg_chan_msg(g, MTL_MSG_RESET_CHANNEL, 1),
			 MTL_STATUS_OK);
	/* A new stream to the host; nothing granted until the doorbell. */
	assert_int_equal(g->be.pipe[0].closes, 1);
	assert_int_equal(g->be.pipe[0].opens, 2);
	/* The guest restarts its rings at position 0 and rings. */
	mtl_ring_area_init(tg_hva(g, A(0)), 4);
	mtl_ring_area_init(tg_hva(g, A(1)), 4);
	mtl_ring_init(&c.tx, tg_hva(g, A(0)), 4, 896, MTL_RING_PRODUCER, 0);
	mtl_ring_init(&c.rx, tg_hva(g, A(1)), 4, 256, MTL_RING_CONSUMER, 0);
	assert_int_equal(tg_pipe_write(g, &c, 1, "xyz", 3), MTL_RING_OK);
	assert_int_equal(g->be.pipe[0].nsent, 6);
	assert_memory_equal(g->be.pipe[0].sent, "abcxyz", 6);
	g->be.pipe[0].ops->rx(g->be.pipe[0].port, (const uint8_t *)"hi", 2);
	assert_int_equal(tg_pipe_read(g, &c, 1, out, sizeof(out), &eof), 2);
	assert_memory_equal(out, "hi", 2);
}

/* A torn record in channel 1's ring breaks channel 1 only. */
static void test_broken(void **state)
{
	struct tg *g = *state;
	struct tg_chan c1, c2;
	struct mtl_slot *s;

	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c1, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	assert_int_equal(tg_open(g, &c2, 2, A(2), A(3), 4, 256), MTL_STATUS_OK);
	s = (struct mtl_slot *)(tg_hva(g, A(0)) + MTL_RING_CTL_SIZE);
	s->hdr.len = 100; /* 2 slots, and slot 1 is not written */
	__atomic_store_n(&s->hdr.seq, 1, __ATOMIC_RELEASE);
	pvbus_doorbell(g->bus, 1);
	assert_int_equal(err_count(g, PVB_E_CHAN_RING), 1);
	assert_int_equal(counter(g, PVB_BROKEN), 1);
	pvbus_doorbell(g->bus, 1); /* no second report */
	assert_int_equal(err_count(g, PVB_E_CHAN_RING), 1);
	/* Channel 2 still works. */
	assert_int_equal(tg_pipe_write(g, &c2, 2, "ok", 2), MTL_RING_OK);
	assert_int_equal(g->be.pipe[1].nsent, 2);
	/* Requests for the broken channel: PROTOCOL_ERROR, until closed. */
	assert_int_equal(tg_chan_msg(g, MTL_MSG_RESET_CHANNEL, 1),
			 MTL_STATUS_NOT_SUPPORTED);
	assert_int_equal(tg_open(g, &c1, 1, A(4), A(5), 4, 256),
			 MTL_STATUS_PROTOCOL_ERROR);
	assert_int_equal(tg_chan_msg(g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_OK);
	assert_int_equal(tg_open(g, &c1, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
}

static void test_bad_pipe_packet(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;
	struct mtl_pkt_hdr h = { MTL_MSG_STORAGE_INFO, 0, 2, 0, 0 };

	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	assert_int_equal(mtl_ring_write(&c.tx, &h, sizeof(h), NULL, 0),
			 MTL_RING_OK);
	mtl_ring_flush(&c.tx);
	pvbus_doorbell(g->bus, 1);
	assert_int_equal(err_count(g, PVB_E_CHAN_PACKET), 1);
	assert_int_equal(counter(g, PVB_BROKEN), 1);
}

static void test_bus_reset(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;

	negotiated(g, MTL_F_EVENT_IDX);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	pvbus_doorbell(g->bus, MTL_DOORBELL_BUS_RESET);
	assert_int_equal(g->be.pipe[0].closes, 1);
	assert_int_equal(counter(g, PVB_BUS_RESETS), 1);
	for (size_t i = 0; i < PVBUS_AREA_SIZE; i++)
		assert_int_equal(g->area[i], 0);
	/* The guest starts over at position 0: nothing negotiated. */
	mtl_ring_init(&g->ctl_tx, g->area, PVBUS_RING_LOG2,
		      MTL_CONTROL_MAX_RECORD, MTL_RING_PRODUCER, 0);
	mtl_ring_init(&g->ctl_rx, g->area + MTL_BUS_P2G_OFFSET(PVBUS_RING_LOG2),
		      PVBUS_RING_LOG2, MTL_CONTROL_MAX_RECORD,
		      MTL_RING_CONSUMER, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256),
			 MTL_STATUS_CHANNEL_STATE);
	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
}

static void test_renegotiate_closes(void **state)
{
	struct tg *g = *state;
	struct tg_chan c;

	negotiated(g, 0);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
	negotiated(g, 0);
	assert_int_equal(g->be.pipe[0].closes, 1);
	assert_int_equal(tg_open(g, &c, 1, A(0), A(1), 4, 256), MTL_STATUS_OK);
}

static void test_doorbells(void **state)
{
	struct tg *g = *state;
	uint8_t v[4] = { 7, 0, 0, 0 };

	pvbus_doorbell(g->bus, 77);
	pvbus_doorbell(g->bus, 0xFFFFFFFEu);
	assert_int_equal(err_count(g, PVB_E_DOORBELL_UNKNOWN), 2);
	pvbus_doorbell(g->bus, 1); /* offered, not open */
	assert_int_equal(err_count(g, PVB_E_DOORBELL_CLOSED), 1);
	/* Through the port: only 32-bit writes count. */
	pvbus_io_ops.write(g->bus, 0, v, 4);
	pvbus_io_ops.write(g->bus, 0, v, 1);
	pvbus_io_ops.write(g->bus, 2, v, 2);
	assert_int_equal(err_count(g, PVB_E_DOORBELL_UNKNOWN), 3);
	assert_int_equal(counter(g, PVB_DOORBELLS), 4);
}

/* --- hostile control traffic ---------------------------------------------- */

static void test_ctl_malformed(void **state)
{
	struct tg *g = *state;
	uint64_t buf[64];
	struct mtl_msg_result *r = (void *)buf;
	struct mtl_pkt_hdr h = { 0x00EE, 0, 2, 0, 5 };
	uint8_t pkt[32] = { 0 };
	uint32_t len;

	negotiated(g, 0);
	/* Unknown type: dropped, counted. */
	tg_ctl_send(g, &h, sizeof(h));
	assert_int_equal(tg_ctl_recv(g, buf, &len), -1);
	assert_int_equal(err_count(g, PVB_E_CTL_UNKNOWN), 1);
	/* A paravisor-to-guest type from the guest: the same. */
	h.type = MTL_MSG_OPEN_RESULT;
	tg_ctl_send(g, &h, sizeof(h));
	assert_int_equal(err_count(g, PVB_E_CTL_UNKNOWN), 2);
	/* len8 disagrees with the record: dropped. */
	h.type = MTL_MSG_REQUEST_OFFERS;
	h.len8 = 3;
	tg_ctl_send(g, &h, sizeof(h));
	assert_int_equal(tg_ctl_recv(g, buf, &len), -1);
	assert_int_equal(err_count(g, PVB_E_CTL_MALFORMED), 1);
	/* An OPEN_CHANNEL of the wrong size: INVALID_MESSAGE. */
	((struct mtl_pkt_hdr *)pkt)->type = MTL_MSG_OPEN_CHANNEL;
	((struct mtl_pkt_hdr *)pkt)->len8 = 4;
	pkt[16] = 2;
	tg_ctl_send(g, pkt, sizeof(pkt));
	assert_int_equal(tg_ctl_recv(g, buf, &len), 0);
	assert_int_equal(r->hdr.type, MTL_MSG_OPEN_RESULT);
	assert_int_equal(r->channel_id, 2);
	assert_int_equal(r->status, MTL_STATUS_INVALID_MESSAGE);
}

static void test_ctl_ring_fault(void **state)
{
	struct tg *g = *state;
	struct mtl_slot *s = (struct mtl_slot *)(g->area + MTL_RING_CTL_SIZE);

	s->hdr.len = 12; /* not a multiple of 8 */
	__atomic_store_n(&s->hdr.seq, 1, __ATOMIC_RELEASE);
	pvbus_doorbell(g->bus, 0);
	pvbus_doorbell(g->bus, 0);
	assert_int_equal(err_count(g, PVB_E_CTL_RING), 1);
	/* Only a bus reset brings the control channel back. */
	pvbus_doorbell(g->bus, MTL_DOORBELL_BUS_RESET);
	mtl_ring_init(&g->ctl_tx, g->area, PVBUS_RING_LOG2,
		      MTL_CONTROL_MAX_RECORD, MTL_RING_PRODUCER, 0);
	mtl_ring_init(&g->ctl_rx, g->area + MTL_BUS_P2G_OFFSET(PVBUS_RING_LOG2),
		      PVBUS_RING_LOG2, MTL_CONTROL_MAX_RECORD,
		      MTL_RING_CONSUMER, 0);
	negotiated(g, 0);
}

/* A guest that never reads its answers is not served until it does. */
static void test_ctl_answers_not_read(void **state)
{
	struct tg *g = *state;
	struct mtl_pkt_hdr h = { MTL_MSG_REQUEST_OFFERS, 0, 2, 0, 1 };
	uint64_t buf[64];
	unsigned int answers = 0;
	uint32_t len;

	negotiated(g, 0);
	for (int i = 0; i < 100; i++) {
		if (mtl_ring_write(&g->ctl_tx, &h, sizeof(h), NULL, 0) !=
		    MTL_RING_OK)
			break;
		mtl_ring_flush(&g->ctl_tx);
		pvbus_doorbell(g->bus, 0);
	}
	while (tg_ctl_recv(g, buf, &len) == 0) {
		answers++;
		pvbus_doorbell(g->bus, 0);
	}
	/* Three packets per request: every request answered whole. */
	assert_int_equal(answers % 3, 0);
	assert_true(answers >= 3 * 100);
}

/* The machine's view: guest RAM from e820 (the bus area not in it), the
 * high part mapped right after the low part. */
static void test_config_machine(void **state)
{
	uint8_t *ram = (uint8_t *)(uintptr_t)0x10000000u; /* never touched */
	const uint64_t gib = 1ull << 30;
	struct pvbus_config cfg;

	(void)state;
	pvbus_config_machine(&cfg, ram, 5 * gib);
	assert_int_equal(cfg.nram, 3);
	assert_int_equal(cfg.ram[0].gpa, 0);
	assert_int_equal(cfg.ram[0].size, PVBUS_AREA_GPA);
	assert_ptr_equal(cfg.ram[0].hva, ram);
	assert_int_equal(cfg.ram[1].gpa, 0x100000);
	assert_int_equal(cfg.ram[1].size, 3 * gib - 0x100000);
	assert_ptr_equal(cfg.ram[1].hva, ram + 0x100000);
	assert_int_equal(cfg.ram[2].gpa, 4 * gib);
	assert_int_equal(cfg.ram[2].size, 2 * gib);
	assert_ptr_equal(cfg.ram[2].hva, ram + 3 * gib);
	assert_int_equal(cfg.area_gpa, PVBUS_AREA_GPA);
	assert_ptr_equal(cfg.area_hva, ram + PVBUS_AREA_GPA);
	assert_int_equal(cfg.ring_log2, PVBUS_RING_LOG2);
	assert_int_equal(cfg.gsi, PVBUS_GSI);
	pvbus_config_machine(&cfg, ram, 256u << 20);
	assert_int_equal(cfg.nram, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		cmocka_unit_test(test_config_machine),
		T(test_area_zeroed),
		T(test_negotiate),
		T(test_negotiate_refused_then_ok),
		T(test_before_negotiation),
		T(test_offers),
		T(test_ctl_event_idx),
		cmocka_unit_test(test_no_backend_no_offers),
		T(test_open_ok),
		T(test_open_unknown_channel),
		T(test_open_state),
		T(test_open_class_version),
		T(test_open_log2),
		T(test_open_align),
		T(test_open_max_record),
		T(test_open_bus_area),
		T(test_open_not_ram),
		T(test_open_overlap_self),
		T(test_open_overlap_other),
		T(test_open_reserved),
		T(test_open_no_resources),
		T(test_close),
		T(test_reset_needs_feature),
		T(test_reset),
		T(test_broken),
		T(test_bad_pipe_packet),
		T(test_bus_reset),
		T(test_renegotiate_closes),
		T(test_doorbells),
		T(test_ctl_malformed),
		T(test_ctl_ring_fault),
		T(test_ctl_answers_not_read),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
