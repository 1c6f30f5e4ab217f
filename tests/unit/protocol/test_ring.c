// SPDX-License-Identifier: MIT
/* Unit tests of the ring with a well-behaved peer: round trips, batching,
 * wrap-around of slots and of the free-running positions, full and empty
 * rings, and notification suppression (event indices). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mantle_ring.h"

#define LOG2 4 /* 16 slots */
#define NSLOTS (1u << LOG2)

struct pair {
	void *area;
	struct mtl_ring prod;
	struct mtl_ring cons;
};

static int pair_setup_flags(void **state, mtl_u32 flags)
{
	struct pair *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->area = aligned_alloc(4096, MTL_RING_AREA_SIZE(LOG2));
	assert_non_null(p->area);
	mtl_ring_area_init(p->area, LOG2);
	assert_int_equal(mtl_ring_init(&p->prod, p->area, LOG2, 512,
				       MTL_RING_PRODUCER, flags),
			 MTL_RING_OK);
	assert_int_equal(mtl_ring_init(&p->cons, p->area, LOG2, 512,
				       MTL_RING_CONSUMER, flags),
			 MTL_RING_OK);
	*state = p;
	return 0;
}

static int pair_setup(void **state)
{
	return pair_setup_flags(state, MTL_RING_F_EVENT_IDX);
}

static int pair_setup_plain(void **state)
{
	return pair_setup_flags(state, 0);
}

static int pair_teardown(void **state)
{
	struct pair *p = *state;

	free(p->area);
	free(p);
	return 0;
}

/* Deterministic record content: byte i of record n. */
static mtl_u8 pattern(mtl_u32 n, mtl_u32 i)
{
	return (mtl_u8)(n * 31u + i * 7u + 1u);
}

static void write_rec(struct pair *p, mtl_u32 n, mtl_u32 len)
{
	mtl_u8 buf[512];
	mtl_u32 i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(n, i);
	assert_int_equal(mtl_ring_write(&p->prod, buf, len, NULL, 0),
			 MTL_RING_OK);
}

/* Write and publish at once. */
static void write_pub(struct pair *p, mtl_u32 n, mtl_u32 len)
{
	write_rec(p, n, len);
	mtl_ring_flush(&p->prod);
}

static void read_rec(struct pair *p, mtl_u32 n, mtl_u32 len)
{
	mtl_u8 buf[512];
	mtl_u32 got = 0, i;

	assert_int_equal(mtl_ring_read(&p->cons, buf, sizeof(buf), &got),
			 MTL_RING_OK);
	assert_int_equal(got, len);
	for (i = 0; i < len; i++)
		assert_int_equal(buf[i], pattern(n, i));
}

/* Move both ends to free-running position `pos` on an empty ring. */
static void start_at(struct pair *p, mtl_u32 pos)
{
	p->prod.pos = p->prod.peer_pos = p->prod.batch_pos = pos;
	p->cons.pos = p->cons.peer_pos = p->cons.batch_pos = pos;
	p->prod.ctl->cons_pos = pos;
	p->prod.ctl->data_event = pos;
}

static void test_init_rejects_bad_geometry(void **state)
{
	struct pair *p = *state;
	struct mtl_ring r;

	assert_int_equal(
		mtl_ring_init(&r, p->area, 1, 64, MTL_RING_PRODUCER, 0),
		MTL_RING_EINVAL);
	assert_int_equal(
		mtl_ring_init(&r, p->area, 17, 64, MTL_RING_PRODUCER, 0),
		MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_init(&r, (mtl_u8 *)p->area + 64, LOG2, 64,
				       MTL_RING_PRODUCER, 0),
			 MTL_RING_EINVAL);
	assert_int_equal(
		mtl_ring_init(&r, p->area, LOG2, 60, MTL_RING_PRODUCER, 0),
		MTL_RING_EINVAL);
	/* Larger than 16 slots of 56 bytes. */
	assert_int_equal(mtl_ring_init(&r, p->area, LOG2, NSLOTS * 56 + 8,
				       MTL_RING_PRODUCER, 0),
			 MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_init(&r, p->area, LOG2, 64, 3, 0),
			 MTL_RING_EINVAL);
	assert_int_equal(
		mtl_ring_init(&r, p->area, LOG2, 64, MTL_RING_PRODUCER, 0x80),
		MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_init(&r, p->area, LOG2, NSLOTS * 56,
				       MTL_RING_PRODUCER, 0),
			 MTL_RING_OK);
}

static void test_empty_ring_reads_empty(void **state)
{
	struct pair *p = *state;
	mtl_u8 buf[512];
	mtl_u32 len = 77;

	assert_int_equal(mtl_ring_read(&p->cons, buf, sizeof(buf), &len),
			 MTL_RING_EMPTY);
	assert_int_equal(len, 77);
	assert_int_equal(mtl_ring_done(&p->cons), 0);
	assert_int_equal(mtl_ring_flush(&p->prod), 0);
}

static void test_round_trip_sizes(void **state)
{
	struct pair *p = *state;
	mtl_u32 n = 0, len;

	/* Every length from 8 to 512 (1 to 10 slots), so records start at
	 * every slot index and straddle the end of the slot array. */
	for (len = 8; len <= 512; len += 8, n++) {
		write_pub(p, n, len);
		read_rec(p, n, len);
		mtl_ring_done(&p->cons);
	}
	assert_int_equal(mtl_ring_fault(&p->cons), 0);
	assert_int_equal(mtl_ring_fault(&p->prod), 0);
}

static void test_gather_header_and_data(void **state)
{
	struct pair *p = *state;
	mtl_u8 hdr[72], data[200], buf[512];
	mtl_u32 h, got, i;

	for (i = 0; i < sizeof(hdr); i++)
		hdr[i] = (mtl_u8)(0xA0 + i);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (mtl_u8)i;
	for (h = 0; h <= 72; h += 8) {
		assert_int_equal(
			mtl_ring_write(&p->prod, hdr, h, data, 200 - h),
			MTL_RING_OK);
		mtl_ring_flush(&p->prod);
		assert_int_equal(
			mtl_ring_read(&p->cons, buf, sizeof(buf), &got),
			MTL_RING_OK);
		assert_int_equal(got, 200);
		assert_memory_equal(buf, hdr, h);
		assert_memory_equal(buf + h, data, 200 - h);
		mtl_ring_done(&p->cons);
	}
}

static void test_write_rejects_own_mistakes(void **state)
{
	struct pair *p = *state;
	mtl_u8 buf[1024] = { 0 };

	assert_int_equal(mtl_ring_write(&p->prod, buf, 12, NULL, 0),
			 MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_write(&p->prod, buf, 0, NULL, 0),
			 MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_write(&p->prod, buf, 520, NULL, 0),
			 MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_write(&p->prod, buf, 8, NULL, 8),
			 MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_write(&p->cons, buf, 8, NULL, 0),
			 MTL_RING_EINVAL);
	assert_int_equal(mtl_ring_read(&p->prod, buf, sizeof(buf), NULL),
			 MTL_RING_EINVAL);
	/* A buffer smaller than max_record is the caller's bug. */
	assert_int_equal(mtl_ring_read(&p->cons, buf, 256, (mtl_u32[]){ 0 }),
			 MTL_RING_EINVAL);
	/* None of this is a peer fault and nothing was published. */
	assert_int_equal(mtl_ring_fault(&p->prod), 0);
	assert_int_equal(mtl_ring_fault(&p->cons), 0);
	assert_int_equal(mtl_ring_flush(&p->prod), 0);
}

static void test_full_ring(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	/* 8 two-slot records fill 16 slots exactly. */
	for (n = 0; n < NSLOTS / 2; n++)
		write_rec(p, n, 64);
	assert_int_equal(mtl_ring_write(&p->prod, (mtl_u8[8]){ 0 }, 8, NULL, 0),
			 MTL_RING_FULL);
	/* Reading without publishing frees nothing... */
	read_rec(p, 0, 64);
	assert_int_equal(mtl_ring_write(&p->prod, (mtl_u8[8]){ 0 }, 8, NULL, 0),
			 MTL_RING_FULL);
	/* ...until the consumer ends its batch. */
	mtl_ring_done(&p->cons);
	write_rec(p, 100, 64);
	assert_int_equal(mtl_ring_write(&p->prod, (mtl_u8[8]){ 0 }, 8, NULL, 0),
			 MTL_RING_FULL);
	for (n = 1; n < NSLOTS / 2; n++)
		read_rec(p, n, 64);
	read_rec(p, 100, 64);
	assert_int_equal(mtl_ring_read(&p->cons, (mtl_u8[512]){ 0 }, 512,
				       (mtl_u32[]){ 0 }),
			 MTL_RING_EMPTY);
}

static void test_record_as_large_as_ring(void **state)
{
	struct pair *p = *state;
	mtl_u8 buf[NSLOTS * 56];
	mtl_u32 got, i;
	struct mtl_ring prod, cons;

	mtl_ring_area_init(p->area, LOG2);
	assert_int_equal(mtl_ring_init(&prod, p->area, LOG2, sizeof(buf),
				       MTL_RING_PRODUCER, 0),
			 MTL_RING_OK);
	assert_int_equal(mtl_ring_init(&cons, p->area, LOG2, sizeof(buf),
				       MTL_RING_CONSUMER, 0),
			 MTL_RING_OK);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (mtl_u8)(i ^ 0x5a);
	/* Offset by one slot so the record wraps the slot array. */
	assert_int_equal(mtl_ring_write(&prod, buf, 8, NULL, 0), MTL_RING_OK);
	assert_int_equal(mtl_ring_write(&prod, buf, sizeof(buf), NULL, 0),
			 MTL_RING_FULL);
	assert_int_equal(mtl_ring_read(&cons, buf, sizeof(buf), &got),
			 MTL_RING_OK);
	mtl_ring_done(&cons);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (mtl_u8)(i ^ 0x5a);
	assert_int_equal(mtl_ring_write(&prod, buf, sizeof(buf), NULL, 0),
			 MTL_RING_OK);
	mtl_ring_flush(&prod);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(mtl_ring_read(&cons, buf, sizeof(buf), &got),
			 MTL_RING_OK);
	assert_int_equal(got, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], (mtl_u8)(i ^ 0x5a));
}

static void test_position_wraps_2_32(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	/* The free-running positions (and slot seq = pos + 1) cross 2^32. */
	start_at(p, 0xFFFFFFF0u);
	for (n = 0; n < 64; n++) {
		write_pub(p, n, 8 + 8 * (n % 20));
		write_pub(p, n + 1000, 64);
		read_rec(p, n, 8 + 8 * (n % 20));
		read_rec(p, n + 1000, 64);
		mtl_ring_done(&p->cons);
	}
	assert_true(p->cons.pos < 0x1000u);
	assert_int_equal(mtl_ring_fault(&p->cons), 0);
	assert_int_equal(mtl_ring_fault(&p->prod), 0);
}

static void test_seq_zero_at_wrap_is_not_data(void **state)
{
	struct pair *p = *state;
	mtl_u8 buf[512];
	mtl_u32 got, n;

	/* At position 0xFFFFFFFF the expected seq is 0, the value of a zeroed
	 * slot; the slot there holds the previous lap's seq, not 0. */
	start_at(p, 0xFFFFFFFFu - NSLOTS);
	for (n = 0; n < NSLOTS; n++) {
		write_pub(p, n, 8);
		read_rec(p, n, 8);
	}
	mtl_ring_done(&p->cons);
	assert_int_equal(p->cons.pos, 0xFFFFFFFFu);
	assert_int_equal(mtl_ring_read(&p->cons, buf, sizeof(buf), &got),
			 MTL_RING_EMPTY);
	write_pub(p, 99, 8);
	read_rec(p, 99, 8);
}

static void test_unpublished_until_flush(void **state)
{
	struct pair *p = *state;
	mtl_u8 buf[512];
	mtl_u32 got, n;

	/* A batch stays invisible until the producer ends it... */
	for (n = 0; n < 3; n++)
		write_rec(p, n, 16);
	assert_int_equal(mtl_ring_read(&p->cons, buf, sizeof(buf), &got),
			 MTL_RING_EMPTY);
	assert_int_equal(mtl_ring_flush(&p->prod), 1);
	for (n = 0; n < 3; n++)
		read_rec(p, n, 16);
	mtl_ring_done(&p->cons);
	assert_int_equal(mtl_ring_read(&p->cons, buf, sizeof(buf), &got),
			 MTL_RING_EMPTY);
}

static void test_long_batch_publishes_itself(void **state)
{
	struct pair *p = *state;
	void *area = aligned_alloc(4096, MTL_RING_AREA_SIZE(8));
	struct mtl_ring prod, cons;
	mtl_u8 rec[8] = { 0 }, buf[64];
	mtl_u32 got, n;

	(void)p;
	assert_non_null(area);
	mtl_ring_area_init(area, 8);
	assert_int_equal(mtl_ring_init(&prod, area, 8, 64, MTL_RING_PRODUCER,
				       MTL_RING_F_EVENT_IDX),
			 0);
	assert_int_equal(mtl_ring_init(&cons, area, 8, 64, MTL_RING_CONSUMER,
				       MTL_RING_F_EVENT_IDX),
			 0);
	/* ...or until it holds MTL_RING_PENDING_MAX records. */
	for (n = 0; n <= MTL_RING_PENDING_MAX; n++) {
		rec[0] = (mtl_u8)n;
		assert_int_equal(mtl_ring_write(&prod, rec, 8, NULL, 0), 0);
	}
	for (n = 0; n < MTL_RING_PENDING_MAX; n++) {
		assert_int_equal(mtl_ring_read(&cons, buf, sizeof(buf), &got),
				 MTL_RING_OK);
		assert_int_equal(buf[0], n);
	}
	assert_int_equal(mtl_ring_read(&cons, buf, sizeof(buf), &got),
			 MTL_RING_EMPTY);
	assert_int_equal(mtl_ring_flush(&prod), 1);
	assert_int_equal(mtl_ring_read(&cons, buf, sizeof(buf), &got),
			 MTL_RING_OK);
	assert_int_equal(buf[0], MTL_RING_PENDING_MAX);
	free(area);
}

static void test_waiting_for_space_publishes(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	/* A producer about to wait for space must not keep back records the
	 * consumer has to see to free that space. */
	for (n = 0; n < 3; n++)
		write_rec(p, n, 8);
	assert_int_equal(mtl_ring_want_space(&p->prod, NSLOTS), 0);
	for (n = 0; n < 3; n++)
		read_rec(p, n, 8);
	assert_int_equal(mtl_ring_done(&p->cons), 1);
}

static void test_batching_one_notification(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	/* The consumer starts out waiting for position 0. */
	for (n = 0; n < 5; n++)
		write_rec(p, n, 48);
	assert_int_equal(mtl_ring_flush(&p->prod), 1);
	/* Nothing new: no second notification. */
	assert_int_equal(mtl_ring_flush(&p->prod), 0);
	for (n = 0; n < 5; n++)
		read_rec(p, n, 48);
	/* One publish of cons_pos for the whole batch. */
	assert_int_equal(p->cons.ctl->cons_pos, 0);
	mtl_ring_done(&p->cons);
	assert_int_equal(p->cons.ctl->cons_pos, 5);
}

static void test_suppressed_while_consumer_polls(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	write_rec(p, 0, 8);
	assert_int_equal(mtl_ring_flush(&p->prod), 1);
	read_rec(p, 0, 8);
	mtl_ring_done(&p->cons);
	/* The consumer keeps polling without re-arming: producers stay
	 * quiet. */
	for (n = 1; n < 40; n++) {
		write_rec(p, n, 8);
		assert_int_equal(mtl_ring_flush(&p->prod), 0);
		read_rec(p, n, 8);
		mtl_ring_done(&p->cons);
	}
}

static void test_enable_then_check_again(void **state)
{
	struct pair *p = *state;

	write_rec(p, 0, 8);
	mtl_ring_flush(&p->prod);
	read_rec(p, 0, 8);
	mtl_ring_done(&p->cons);

	/* Empty: arming succeeds and the consumer may sleep... */
	assert_int_equal(mtl_ring_want_data(&p->cons), 0);
	/* ...and the next publish must notify it. */
	write_rec(p, 1, 8);
	assert_int_equal(mtl_ring_flush(&p->prod), 1);
	read_rec(p, 1, 8);
	mtl_ring_done(&p->cons);

	/* The race: a record lands after the consumer saw the ring empty but
	 * before it armed. The producer's flush ran before arming, so it sent
	 * nothing; the check after arming must find the record. */
	write_rec(p, 2, 8);
	assert_int_equal(mtl_ring_flush(&p->prod), 0);
	assert_int_equal(mtl_ring_want_data(&p->cons), 1);
	read_rec(p, 2, 8);
}

static void test_space_notification(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	for (n = 0; n < NSLOTS; n++)
		write_rec(p, n, 8);
	assert_int_equal(
		mtl_ring_write(&p->prod, (mtl_u8[32]){ 0 }, 32, NULL, 0),
		MTL_RING_FULL);
	/* Ask to be woken once 4 slots are free. */
	assert_int_equal(mtl_ring_want_space(&p->prod, 4), 0);
	read_rec(p, 0, 8);
	read_rec(p, 1, 8);
	assert_int_equal(mtl_ring_done(&p->cons), 0); /* 2 free: too early */
	read_rec(p, 2, 8);
	read_rec(p, 3, 8);
	assert_int_equal(mtl_ring_done(&p->cons), 1); /* 4 free: wake */
	read_rec(p, 4, 8);
	assert_int_equal(mtl_ring_done(&p->cons), 0); /* already woken */
	assert_int_equal(mtl_ring_want_space(&p->prod, 4), 1);
}

static void test_without_event_idx_always_notifies(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	for (n = 0; n < 10; n++) {
		write_rec(p, n, 16);
		assert_int_equal(mtl_ring_flush(&p->prod), 1);
		assert_int_equal(mtl_ring_flush(&p->prod), 0);
		read_rec(p, n, 16);
		assert_int_equal(mtl_ring_done(&p->cons), 1);
		assert_int_equal(mtl_ring_done(&p->cons), 0);
	}
	/* Event words are never written without the feature. */
	assert_int_equal(mtl_ring_want_data(&p->cons), 0);
	assert_int_equal(p->cons.ctl->data_event, 0);
}

static void test_consumer_publishes_when_batch_is_long(void **state)
{
	struct pair *p = *state;
	mtl_u32 n;

	/* A consumer that never ends its batch still frees slots, so a
	 * producer can always make progress. */
	for (n = 0; n < 100; n++) {
		write_pub(p, n, 8);
		read_rec(p, n, 8);
	}
	assert_true(p->cons.ctl->cons_pos >= 100 - NSLOTS / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_rejects_bad_geometry,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_empty_ring_reads_empty,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_sizes,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_gather_header_and_data,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_write_rejects_own_mistakes,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_full_ring, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(test_record_as_large_as_ring,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_position_wraps_2_32,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(
			test_seq_zero_at_wrap_is_not_data, pair_setup,
			pair_teardown),
		cmocka_unit_test_setup_teardown(test_unpublished_until_flush,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(
			test_long_batch_publishes_itself, pair_setup,
			pair_teardown),
		cmocka_unit_test_setup_teardown(
			test_waiting_for_space_publishes, pair_setup,
			pair_teardown),
		cmocka_unit_test_setup_teardown(test_batching_one_notification,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(
			test_suppressed_while_consumer_polls, pair_setup,
			pair_teardown),
		cmocka_unit_test_setup_teardown(test_enable_then_check_again,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_space_notification,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(
			test_without_event_idx_always_notifies,
			pair_setup_plain, pair_teardown),
		cmocka_unit_test_setup_teardown(
			test_consumer_publishes_when_batch_is_long, pair_setup,
			pair_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
