// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of Mantle's shared protocol code built into the kernel, exactly
 * as the guest modules embed it: the protocol/src files compiled unchanged with the
 * kernel glue (protocol/glue/linux: smp_load_acquire, smp_store_release,
 * READ_ONCE, memcpy). The user-space cmocka suites cover the ring's logic in
 * depth; these check that the kernel embedding keeps it: round trips and
 * wrap-around, a peer that breaks the ring, packet checks, negotiation, and a
 * producer kthread racing a consumer over a ring in shared memory.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mantle_ring.h"
#include "mantle_proto.h"

#define LOG2 4
#define NSLOTS (1u << LOG2)
#define MAX_REC 512u

struct ring_pair {
	void *area;
	struct mtl_ring prod;
	struct mtl_ring cons;
};

static struct ring_pair *pair_new(struct kunit *test, u32 log2, u32 flags)
{
	struct ring_pair *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->area = kunit_kzalloc(test, MTL_RING_AREA_SIZE(log2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->area);
	mtl_ring_area_init(p->area, log2);
	KUNIT_ASSERT_EQ(test,
			mtl_ring_init(&p->prod, p->area, log2, MAX_REC,
				      MTL_RING_PRODUCER, flags),
			MTL_RING_OK);
	KUNIT_ASSERT_EQ(test,
			mtl_ring_init(&p->cons, p->area, log2, MAX_REC,
				      MTL_RING_CONSUMER, flags),
			MTL_RING_OK);
	return p;
}

static void fill(u8 *buf, u32 len, u32 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed * 31 + i);
}

/* Records of every size class cross the wrap point many times, in order and
 * intact, and the free-running positions pass 2^32 without harm. */
static void ring_round_trip_wraps(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, LOG2, MTL_RING_F_EVENT_IDX);
	u8 out[MAX_REC], in[MAX_REC];
	u32 i, len, got;

	/* Start just below the 32-bit wrap of the positions. */
	p->prod.pos = p->prod.batch_pos = p->prod.peer_pos = 0xFFFFFFF0u;
	p->cons.pos = p->cons.peer_pos = 0xFFFFFFF0u;
	p->cons.ctl->cons_pos = 0xFFFFFFF0u;

	for (i = 0; i < 200; i++) {
		len = 8 * (1 + (i * 7) % 40); /* 8..320 bytes, 1..6 slots */
		fill(out, len, i);
		KUNIT_ASSERT_EQ(test,
				mtl_ring_write(&p->prod, out, len, NULL, 0),
				MTL_RING_OK);
		mtl_ring_flush(&p->prod);
		KUNIT_ASSERT_EQ(test,
				mtl_ring_read(&p->cons, in, sizeof(in), &got),
				MTL_RING_OK);
		KUNIT_ASSERT_EQ(test, got, len);
		KUNIT_ASSERT_EQ(test, memcmp(in, out, len), 0);
		mtl_ring_done(&p->cons);
	}
	KUNIT_EXPECT_EQ(test, mtl_ring_read(&p->cons, in, sizeof(in), &got),
			MTL_RING_EMPTY);
	KUNIT_EXPECT_EQ(test, mtl_ring_fault(&p->prod), 0u);
	KUNIT_EXPECT_EQ(test, mtl_ring_fault(&p->cons), 0u);
}

/* A full ring refuses more, and frees exactly what the consumer retires. */
static void ring_full_then_drain(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, LOG2, 0);
	u8 rec[MTL_RING_SLOT_DATA], in[MAX_REC];
	u32 i, got;

	memset(rec, 0x5a, sizeof(rec));
	for (i = 0; i < NSLOTS; i++)
		KUNIT_ASSERT_EQ(
			test,
			mtl_ring_write(&p->prod, rec, sizeof(rec), NULL, 0),
			MTL_RING_OK);
	KUNIT_EXPECT_EQ(test,
			mtl_ring_write(&p->prod, rec, sizeof(rec), NULL, 0),
			MTL_RING_FULL);
	mtl_ring_flush(&p->prod);
	KUNIT_ASSERT_EQ(test, mtl_ring_read(&p->cons, in, sizeof(in), &got),
			MTL_RING_OK);
	mtl_ring_done(&p->cons);
	KUNIT_EXPECT_EQ(test,
			mtl_ring_write(&p->prod, rec, sizeof(rec), NULL, 0),
			MTL_RING_OK);
}

/* A producer that publishes a length that is not a multiple of 8 puts the
 * consumer's ring into the sticky error state; nothing is returned. */
static void ring_hostile_length(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, LOG2, 0);
	u8 in[MAX_REC];
	u32 got = 0;

	p->cons.slots[0].hdr.len = 13;
	smp_store_release(&p->cons.slots[0].hdr.seq, 1u);
	KUNIT_EXPECT_EQ(test, mtl_ring_read(&p->cons, in, sizeof(in), &got),
			MTL_RING_EPEER);
	KUNIT_EXPECT_EQ(test, mtl_ring_fault(&p->cons),
			(u32)MTL_RING_FAULT_ALIGN);
	KUNIT_EXPECT_EQ(test, got, 0u);
	/* Sticky: a later well-formed record is not read either. */
	p->cons.slots[0].hdr.len = 16;
	KUNIT_EXPECT_EQ(test, mtl_ring_read(&p->cons, in, sizeof(in), &got),
			MTL_RING_EPEER);
}

/* A consumer that moves cons_pos past what was produced is caught by the
 * producer (when it next needs space), which refuses to write over unread
 * slots. */
static void ring_hostile_index(struct kunit *test)
{
	struct ring_pair *p = pair_new(test, LOG2, 0);
	u8 rec[16] = { 0 };
	u32 i;

	for (i = 0; i < NSLOTS; i++)
		KUNIT_ASSERT_EQ(
			test,
			mtl_ring_write(&p->prod, rec, sizeof(rec), NULL, 0),
			MTL_RING_OK);
	WRITE_ONCE(p->prod.ctl->cons_pos, NSLOTS * 3);
	KUNIT_EXPECT_EQ(test,
			mtl_ring_write(&p->prod, rec, sizeof(rec), NULL, 0),
			MTL_RING_EPEER);
	KUNIT_EXPECT_EQ(test, mtl_ring_fault(&p->prod),
			(u32)MTL_RING_FAULT_INDEX);
}

static void packet_checks(struct kunit *test)
{
	struct mtl_msg_channel m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = MTL_MSG_CLOSE_CHANNEL;
	m.hdr.len8 = sizeof(m) / 8;
	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&m, sizeof(m)), (u32)MTL_STATUS_OK);
	m.hdr.len8 = sizeof(m) / 8 + 1; /* claims more than was received */
	KUNIT_EXPECT_NE(test, mtl_pkt_check(&m, sizeof(m)), (u32)MTL_STATUS_OK);
	m.hdr.len8 = sizeof(m) / 8;
	m.hdr.reserved = 1;
	KUNIT_EXPECT_NE(test, mtl_pkt_check(&m, sizeof(m)), (u32)MTL_STATUS_OK);
}

static void negotiation(struct kunit *test)
{
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response resp;

	memset(&req, 0, sizeof(req));
	req.hdr.type = MTL_MSG_VERSION_REQUEST;
	req.hdr.len8 = sizeof(req) / 8;
	req.nr_versions = 2;
	req.versions[0] = MTL_VERSION(2, 0);
	req.versions[1] = MTL_VERSION_1_0;
	req.features = MTL_F_EVENT_IDX | (1ull << 40);
	KUNIT_EXPECT_EQ(test,
			mtl_negotiate(&req, MTL_VERSION_1_0, MTL_VERSION_1_0,
				      MTL_F_KNOWN_1_0, &resp),
			(u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, resp.version, MTL_VERSION_1_0);
	KUNIT_EXPECT_EQ(test, resp.features, (u64)MTL_F_EVENT_IDX);

	req.nr_versions = 1;
	req.versions[0] = MTL_VERSION(2, 0);
	req.versions[1] = 0; /* unused offers must be zero */
	KUNIT_EXPECT_EQ(test,
			mtl_negotiate(&req, MTL_VERSION_1_0, MTL_VERSION_1_0,
				      MTL_F_KNOWN_1_0, &resp),
			(u32)MTL_STATUS_VERSION_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, resp.version, 0u);
}

/* A producer kthread streams numbered records; the test thread consumes them
 * with the race-free "enable, then check again" rule on both sides. */
#define STREAM_RECORDS 20000u

struct stream {
	struct ring_pair *p;
	struct completion done;
	u32 full_waits;
};

static int stream_producer(void *arg)
{
	struct stream *s = arg;
	u64 rec[4];
	u32 i = 0;

	while (i < STREAM_RECORDS) {
		rec[0] = i;
		rec[1] = ~(u64)i;
		rec[2] = (u64)i * 0x9E3779B97F4A7C15ull;
		rec[3] = i ^ 0xA5A5A5A5u;
		if (mtl_ring_write(&s->p->prod, rec, sizeof(rec), NULL, 0) ==
		    MTL_RING_FULL) {
			mtl_ring_flush(&s->p->prod);
			if (!mtl_ring_want_space(&s->p->prod, 1)) {
				s->full_waits++;
				cond_resched();
			}
			continue;
		}
		i++;
		if ((i & 7) == 0)
			mtl_ring_flush(&s->p->prod);
	}
	mtl_ring_flush(&s->p->prod);
	complete(&s->done);
	return 0;
}

static void ring_kthread_stream(struct kunit *test)
{
	struct stream *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct task_struct *t;
	u64 in[MAX_REC / 8];
	u32 next = 0, got;
	int rc;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->p = pair_new(test, 6, MTL_RING_F_EVENT_IDX);
	init_completion(&s->done);
	t = kthread_run(stream_producer, s, "mantle-ring-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));

	while (next < STREAM_RECORDS) {
		rc = mtl_ring_read(&s->p->cons, in, sizeof(in), &got);
		if (rc == MTL_RING_EMPTY) {
			mtl_ring_done(&s->p->cons);
			if (!mtl_ring_want_data(&s->p->cons))
				cond_resched();
			continue;
		}
		KUNIT_ASSERT_EQ(test, rc, MTL_RING_OK);
		KUNIT_ASSERT_EQ(test, got, 32u);
		KUNIT_ASSERT_EQ(test, in[0], (u64)next);
		KUNIT_ASSERT_EQ(test, in[1], ~(u64)next);
		KUNIT_ASSERT_EQ(test, in[2], (u64)next * 0x9E3779B97F4A7C15ull);
		KUNIT_ASSERT_EQ(test, in[3], (u64)(next ^ 0xA5A5A5A5u));
		next++;
		if ((next & 15) == 0)
			mtl_ring_done(&s->p->cons);
	}
	mtl_ring_done(&s->p->cons);
	wait_for_completion(&s->done);
	KUNIT_EXPECT_EQ(test, mtl_ring_fault(&s->p->cons), 0u);
	KUNIT_EXPECT_EQ(test, mtl_ring_fault(&s->p->prod), 0u);
	kunit_info(test, "%u records, producer waited for space %u times\n",
		   STREAM_RECORDS, s->full_waits);
}

static struct kunit_case mantle_ring_cases[] = {
	KUNIT_CASE(ring_round_trip_wraps), KUNIT_CASE(ring_full_then_drain),
	KUNIT_CASE(ring_hostile_length),   KUNIT_CASE(ring_hostile_index),
	KUNIT_CASE(packet_checks),	   KUNIT_CASE(negotiation),
	KUNIT_CASE(ring_kthread_stream),   {}
};

static struct kunit_suite mantle_ring_suite = {
	.name = "mantle_protocol",
	.test_cases = mantle_ring_cases,
};
kunit_test_suite(mantle_ring_suite);

MODULE_DESCRIPTION("KUnit tests for Mantle's shared protocol code");
MODULE_LICENSE("GPL");
