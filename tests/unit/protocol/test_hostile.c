// SPDX-License-Identifier: MIT
/*
 * Hostile-peer tests of the ring. The ring is compiled unchanged against the
 * logging glue in hooked/, so these tests can rewrite shared memory between
 * two of the ring's own accesses, the way a peer on another CPU could.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mantle_ring.h"
#include "mantle_proto.h"
#include "mantle_ring_glue.h"

#define LOG2 4
#define NSLOTS (1u << LOG2)
#define MAX_REC 256u

struct t {
	void *area;
	struct mtl_ring prod;
	struct mtl_ring cons;
	mtl_u8 buf[MAX_REC];
};

static struct t *cur; /* for hooks */

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->area = aligned_alloc(4096, MTL_RING_AREA_SIZE(LOG2));
	assert_non_null(t->area);
	mtl_ring_area_init(t->area, LOG2);
	assert_int_equal(mtl_ring_init(&t->prod, t->area, LOG2, MAX_REC,
				       MTL_RING_PRODUCER, MTL_RING_F_EVENT_IDX),
			 0);
	assert_int_equal(mtl_ring_init(&t->cons, t->area, LOG2, MAX_REC,
				       MTL_RING_CONSUMER, MTL_RING_F_EVENT_IDX),
			 0);
	hk_hook = NULL;
	hk_log_reset();
	cur = t;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	hk_hook = NULL;
	free(t->area);
	free(t);
	return 0;
}

static struct mtl_slot *slot(struct t *t, mtl_u32 pos)
{
	return &t->cons.slots[pos & (NSLOTS - 1)];
}

static int read1(struct t *t, mtl_u32 *len)
{
	return mtl_ring_read(&t->cons, t->buf, sizeof(t->buf), len);
}

static void put(struct t *t, mtl_u32 len, mtl_u8 fill)
{
	mtl_u8 b[MAX_REC];

	memset(b, fill, sizeof(b));
	assert_int_equal(mtl_ring_write(&t->prod, b, len, NULL, 0), 0);
	mtl_ring_flush(&t->prod);
}

/* A consumer that reads nothing: the producer's view must stay sane. */
static void test_cons_index_past_producer(void **state)
{
	struct t *t = *state;
	mtl_u32 n;

	for (n = 0; n < NSLOTS; n++)
		put(t, 8, (mtl_u8)n);
	t->prod.ctl->cons_pos = NSLOTS + 3; /* ahead of everything written */
	assert_int_equal(mtl_ring_write(&t->prod, t->buf, 8, NULL, 0),
			 MTL_RING_EPEER);
	assert_int_equal(mtl_ring_fault(&t->prod), MTL_RING_FAULT_INDEX);
	/* Sticky, and no more notifications or writes. */
	t->prod.ctl->cons_pos = 0;
	assert_int_equal(mtl_ring_write(&t->prod, t->buf, 8, NULL, 0),
			 MTL_RING_EPEER);
	assert_int_equal(mtl_ring_flush(&t->prod), 0);
}

static void test_cons_index_backwards(void **state)
{
	struct t *t = *state;
	mtl_u32 n, len;

	for (n = 0; n < NSLOTS; n++)
		put(t, 8, 1);
	for (n = 0; n < 8; n++)
		assert_int_equal(read1(t, &len), 0);
	mtl_ring_done(&t->cons);
	put(t, 8, 2); /* re-reads cons_pos = 8 */
	t->prod.ctl->cons_pos = 4; /* moves back */
	for (n = 0; n < 7; n++)
		put(t, 8, 3);
	assert_int_equal(mtl_ring_write(&t->prod, t->buf, 8, NULL, 0),
			 MTL_RING_EPEER);
	assert_int_equal(mtl_ring_fault(&t->prod), MTL_RING_FAULT_INDEX);
}

static void test_cons_index_far_away(void **state)
{
	struct t *t = *state;
	mtl_u32 n;

	for (n = 0; n < NSLOTS; n++)
		put(t, 8, 1);
	t->prod.ctl->cons_pos = 0x80000000u;
	assert_int_equal(mtl_ring_want_space(&t->prod, 1), 1);
	assert_int_equal(mtl_ring_fault(&t->prod), MTL_RING_FAULT_INDEX);
}

/* Craft a first slot at the consumer's position. */
static void craft(struct t *t, mtl_u32 len)
{
	struct mtl_slot *s = slot(t, t->cons.pos);

	s->hdr.len = len;
	s->hdr.seq = t->cons.pos + 1;
}

static void expect_fault(struct t *t, mtl_u32 fault)
{
	mtl_u32 len = 0xdeadu;

	memset(t->buf, 0xEE, sizeof(t->buf));
	assert_int_equal(read1(t, &len), MTL_RING_EPEER);
	assert_int_equal(mtl_ring_fault(&t->cons), fault);
	assert_int_equal(len, 0xdeadu);
	assert_int_equal(t->cons.pos, 0);
	/* Sticky: reads keep failing, the owner is told to look. */
	assert_int_equal(read1(t, &len), MTL_RING_EPEER);
	assert_int_equal(mtl_ring_want_data(&t->cons), 1);
	assert_int_equal(mtl_ring_done(&t->cons), 0);
}

static void test_length_past_ring(void **state)
{
	struct t *t = *state;

	craft(t, NSLOTS * MTL_RING_SLOT_DATA + 8);
	expect_fault(t, MTL_RING_FAULT_LENGTH);
}

static void test_length_huge(void **state)
{
	struct t *t = *state;

	craft(t, 0xFFFFFFF8u);
	expect_fault(t, MTL_RING_FAULT_LENGTH);
}

static void test_length_zero(void **state)
{
	struct t *t = *state;

	craft(t, 0);
	expect_fault(t, MTL_RING_FAULT_LENGTH);
}

static void test_length_not_multiple_of_8(void **state)
{
	struct t *t = *state;
	mtl_u32 i;

	craft(t, 13);
	expect_fault(t, MTL_RING_FAULT_ALIGN);
	/* Nothing was copied out. */
	for (i = 0; i < sizeof(t->buf); i++)
		assert_int_equal(t->buf[i], 0xEE);
}

static void test_length_over_max_record(void **state)
{
	struct t *t = *state;

	craft(t, MAX_REC + 8); /* fits the ring, not this channel */
	expect_fault(t, MTL_RING_FAULT_TOO_LARGE);
}

static void test_torn_continuation_seq(void **state)
{
	struct t *t = *state;

	put(t, 120, 7); /* 3 slots */
	slot(t, 1)->hdr.seq -= NSLOTS; /* continuation from the last lap */
	expect_fault(t, MTL_RING_FAULT_TORN);
}

static void test_torn_continuation_len(void **state)
{
	struct t *t = *state;

	put(t, 120, 7);
	slot(t, 2)->hdr.len = 8; /* claims to start a record */
	expect_fault(t, MTL_RING_FAULT_TORN);
}

static void test_torn_seq_before_len(void **state)
{
	struct t *t = *state;
	mtl_u32 len;

	/* A producer whose seq became visible before its len: the consumer
	 * sees last lap's len (8) over a 3-slot record. It takes 8 bytes and
	 * then stops at the continuation slot; it never reads out of bounds. */
	put(t, 120, 7);
	slot(t, 0)->hdr.len = 8;
	assert_int_equal(read1(t, &len), MTL_RING_OK);
	assert_int_equal(len, 8);
	assert_int_equal(read1(t, &len), MTL_RING_EPEER);
	assert_int_equal(mtl_ring_fault(&t->cons), MTL_RING_FAULT_LENGTH);
}

/* Hook: once the ring starts copying the second slot, rewrite everything it
 * has already read in the first slot. */
static void rewrite_first_slot(enum hk_kind kind, const void *addr, size_t n)
{
	struct mtl_slot *s0 = slot(cur, 0);

	(void)n;
	if (kind == HK_LOAD && addr == &slot(cur, 1)->hdr.seq) {
		s0->hdr.len = 0xFFFFFFF8u;
		memset(s0->data, 0xFF, sizeof(s0->data));
	}
}

static void test_packet_changed_after_validation(void **state)
{
	struct t *t = *state;
	struct mtl_msg_offer offer, *copy = (struct mtl_msg_offer *)t->buf;
	mtl_u32 len;

	memset(&offer, 0, sizeof(offer));
	offer.hdr.type = MTL_MSG_OFFER;
	offer.hdr.len8 = sizeof(offer) / 8;
	offer.hdr.txid = 42;
	offer.channel_id = 3;
	offer.device_class = MTL_CLASS_PIPE;
	/* 16 + 56 bytes: two slots. */
	assert_int_equal(mtl_ring_write(&t->prod, &offer, sizeof(offer),
					(mtl_u8[16]){ 0 }, 16),
			 0);
	mtl_ring_flush(&t->prod);
	hk_hook = rewrite_first_slot;
	assert_int_equal(read1(t, &len), MTL_RING_OK);
	hk_hook = NULL;
	/* The copy holds what was validated, not what the peer wrote later. */
	assert_int_equal(len, sizeof(offer) + 16);
	assert_memory_equal(t->buf, &offer, sizeof(offer));
	assert_int_equal(slot(t, 0)->hdr.len, 0xFFFFFFF8u);
	/* The packet layer parses the private copy; rewriting the ring now
	 * changes nothing. */
	assert_int_equal(mtl_pkt_check(t->buf, sizeof(offer)), MTL_STATUS_OK);
	memset(t->cons.slots, 0x41, NSLOTS * sizeof(struct mtl_slot));
	assert_int_equal(copy->channel_id, 3);
	assert_int_equal(mtl_pkt_check(t->buf, sizeof(offer)), MTL_STATUS_OK);
}

static void test_each_shared_byte_read_once(void **state)
{
	struct t *t = *state;
	mtl_u32 len, lens[] = { 8, 56, 64, 200, 256 }, k;
	size_t i, j;

	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		put(t, lens[k], (mtl_u8)k);
		hk_log_reset();
		assert_int_equal(read1(t, &len), MTL_RING_OK);
		assert_int_equal(len, lens[k]);
		assert_true(hk_log_len <= HK_LOG_MAX);
		for (i = 0; i < hk_log_len; i++)
			for (j = i + 1; j < hk_log_len; j++) {
				const mtl_u8 *a = hk_log[i].addr;
				const mtl_u8 *b = hk_log[j].addr;

				/* no two reads overlap */
				assert_true(a + hk_log[i].n <= b ||
					    b + hk_log[j].n <= a);
			}
		mtl_ring_done(&t->cons);
	}
}

static void test_producer_reads_cons_once_per_write(void **state)
{
	struct t *t = *state;
	mtl_u32 n;

	for (n = 0; n < NSLOTS; n++)
		put(t, 8, 1);
	hk_log_reset();
	assert_int_equal(mtl_ring_write(&t->prod, t->buf, 8, NULL, 0),
			 MTL_RING_FULL);
	assert_int_equal(hk_log_len, 1);
	assert_ptr_equal(hk_log[0].addr,
			 (const mtl_u8 *)&t->prod.ctl->cons_pos);
}

static mtl_u32 lcg(mtl_u32 *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void test_garbage_ring_never_escapes(void **state)
{
	struct t *t = *state;
	mtl_u32 seed, i, len, *w, words;

	words = MTL_RING_AREA_SIZE(LOG2) / 4;
	for (seed = 1; seed <= 2000; seed++) {
		mtl_u32 s = seed;
		int rc = 0, reads = 0;

		w = t->area;
		for (i = 0; i < words; i++)
			w[i] = lcg(&s);
		/* Make most slots look published and lengths plausible. */
		for (i = 0; i < NSLOTS; i++) {
			if (lcg(&s) % 4)
				t->cons.slots[i].hdr.seq = i + 1;
			if (lcg(&s) % 2)
				t->cons.slots[i].hdr.len = lcg(&s) % 320;
		}
		assert_int_equal(mtl_ring_init(&t->cons, t->area, LOG2, MAX_REC,
					       MTL_RING_CONSUMER,
					       MTL_RING_F_EVENT_IDX),
				 0);
		while (reads++ < 64 && (rc = read1(t, &len)) == MTL_RING_OK) {
			assert_true(len >= 8 && len <= MAX_REC);
			assert_int_equal(len % 8, 0);
			mtl_ring_done(&t->cons);
		}
		assert_true(rc == MTL_RING_OK || rc == MTL_RING_EMPTY ||
			    rc == MTL_RING_EPEER);
		assert_int_equal(rc == MTL_RING_EPEER,
				 mtl_ring_fault(&t->cons) != 0);
	}
}

static void test_hostile_event_indices(void **state)
{
	struct t *t = *state;
	mtl_u32 s = 7, n, len, notes = 0;

	for (n = 0; n < 1000; n++) {
		t->prod.ctl->data_event = lcg(&s) << 8;
		t->prod.ctl->space_event = lcg(&s) << 8;
		put(t, 8 * (1 + n % 8), 1);
		notes += (mtl_u32)mtl_ring_flush(&t->prod);
		assert_int_equal(read1(t, &len), 0);
		notes += (mtl_u32)mtl_ring_done(&t->cons);
	}
	/* Wrong event indices cost only spurious or missed wake-ups. */
	assert_int_equal(mtl_ring_fault(&t->prod), 0);
	assert_int_equal(mtl_ring_fault(&t->cons), 0);
	assert_true(notes < 2000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cons_index_past_producer),
		T(test_cons_index_backwards),
		T(test_cons_index_far_away),
		T(test_length_past_ring),
		T(test_length_huge),
		T(test_length_zero),
		T(test_length_not_multiple_of_8),
		T(test_length_over_max_record),
		T(test_torn_continuation_seq),
		T(test_torn_continuation_len),
		T(test_torn_seq_before_len),
		T(test_packet_changed_after_validation),
		T(test_each_shared_byte_read_once),
		T(test_producer_reads_cons_once_per_write),
		T(test_garbage_ring_never_escapes),
		T(test_hostile_event_indices),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
