// SPDX-License-Identifier: MIT
/* Frame codec, stream decoder, validators and version negotiation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "mantle_hostif.h"

static uint8_t frame[HOSTIF_MAX_FRAME];

static size_t enc(uint16_t type, uint64_t seq, uint32_t id, const void *p,
		  size_t n, const void *p2, size_t n2)
{
	struct hostif_hdr h = {
		.type = type, .major = 1, .seq = seq, .req_id = id
	};

	return hostif_frame_encode(frame, sizeof(frame), &h, p, n, p2, n2);
}

/* Re-seals a frame after a test edits it, so only the edit is wrong. */
static void reseal(uint8_t *f)
{
	put_le32(f + HOSTIF_OFF_CRC, hostif_crc(f, f + HOSTIF_HDR_SIZE,
						get_le32(f + HOSTIF_OFF_LEN)));
}

static struct hostif_dec *dec_new(void)
{
	struct hostif_dec *d = malloc(sizeof(*d));

	assert_non_null(d);
	hostif_dec_init(d);
	return d;
}

static void test_layout(void **state)
{
	(void)state;
	size_t n = enc(HOSTIF_T_VMGS_INFO, 0x0102030405060708ull, 0xa1b2c3d4,
		       NULL, 0, NULL, 0);

	assert_int_equal(n, HOSTIF_HDR_SIZE);
	/* Byte-exact header: magic "MHIF", LE fields at fixed offsets. */
	assert_memory_equal(frame, "MHIF", 4);
	assert_int_equal(frame[4], 1);
	assert_int_equal(frame[6], 0x10);
	assert_int_equal(frame[7], 0x00);
	assert_int_equal(frame[16], 0x08);
	assert_int_equal(frame[23], 0x01);
	assert_int_equal(frame[24], 0xd4);
	assert_int_equal(get_le32(frame + 28), hostif_crc(frame, NULL, 0));
}

static void test_roundtrip_all(void **state)
{
	(void)state;
	struct hostif_dec *d = dec_new();
	struct hostif_frame f;
	uint8_t p[64], data[2 * HOSTIF_SECTOR];
	struct hostif_hello hi = { 1, 0, 1, 7, HOSTIF_F_KNOWN }, hi2;
	struct hostif_hello_reply hr = { .status = 0, .range = hi, .major = 1 },
				  hr2;
	struct hostif_info_reply ir = { 0, 4096, 8192 }, ir2;
	struct hostif_rw rw = { 0x123456789ull, 2 }, rw2;
	struct hostif_read_reply rr = { .count = 2, .lba = 77 }, rr2;
	struct hostif_write w2;
	struct hostif_status_reply sr = { 0, 2 }, sr2;
	struct hostif_event ev = { 0xdeadbeef, 0x41 }, ev2;
	struct hostif_log lg;
	size_t n;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);

	hostif_hello_put(p, &hi);
	n = enc(HOSTIF_T_HELLO, 1, 1, p, HOSTIF_HELLO_SIZE, NULL, 0);
	assert_int_equal(hostif_dec_feed(d, frame, n), n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_hello_get(&f, &hi2), 0);
	assert_memory_equal(&hi, &hi2, 4);
	assert_int_equal(hi2.features, HOSTIF_F_KNOWN);

	hostif_hello_reply_put(p, &hr);
	n = enc(HOSTIF_T_HELLO_REPLY, 2, 1, p, HOSTIF_HELLO_REPLY_SIZE, NULL,
		0);
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_hello_reply_get(&f, &hr2), 0);
	assert_int_equal(hr2.major, 1);
	assert_int_equal(hr2.range.max_minor, 7);

	hostif_info_reply_put(p, &ir);
	n = enc(HOSTIF_T_VMGS_INFO_REPLY, 3, 2, p, 16, NULL, 0);
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_info_reply_get(&f, &ir2), 0);
	assert_int_equal(ir2.sector_size, 4096);
	assert_int_equal(ir2.sector_count, 8192);

	hostif_rw_put(p, &rw);
	n = enc(HOSTIF_T_VMGS_READ, 4, 3, p, 16, NULL, 0);
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_read_get(&f, &rw2), 0);
	assert_int_equal(rw2.lba, rw.lba);
	assert_int_equal(rw2.count, 2);

	hostif_read_reply_put(p, &rr);
	n = enc(HOSTIF_T_VMGS_READ_REPLY, 5, 3, p, 16, data, sizeof(data));
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_read_reply_get(&f, &rr2), 0);
	assert_int_equal(rr2.lba, 77);
	assert_int_equal(rr2.data_len, sizeof(data));
	assert_memory_equal(rr2.data, data, sizeof(data));

	hostif_rw_put(p, &rw);
	n = enc(HOSTIF_T_VMGS_WRITE, 6, 4, p, 16, data, sizeof(data));
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_write_get(&f, &w2), 0);
	assert_int_equal(w2.rw.count, 2);
	assert_int_equal(w2.rw.lba, rw.lba);
	assert_memory_equal(w2.data, data, sizeof(data));

	hostif_status_reply_put(p, &sr);
	n = enc(HOSTIF_T_VMGS_WRITE_REPLY, 7, 4, p, 8, NULL, 0);
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_status_reply_get(&f, &sr2), 0);
	assert_int_equal(sr2.count, 2);

	hostif_event_put(p, &ev);
	n = enc(HOSTIF_T_EVENT, 8, 0, p, 8, NULL, 0);
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_event_get(&f, &ev2), 0);
	assert_int_equal(ev2.device, 0xdeadbeef);
	assert_int_equal(ev2.vector, 0x41);

	hostif_log_put(p, 3);
	n = enc(HOSTIF_T_LOG, 9, 0, p, 4, "hello host", 10);
	hostif_dec_feed(d, frame, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_int_equal(hostif_log_get(&f, &lg), 0);
	assert_int_equal(lg.level, 3);
	assert_int_equal(lg.len, 10);
	assert_memory_equal(lg.text, "hello host", 10);

	/* A typed getter refuses another type. */
	assert_int_equal(hostif_event_get(&f, &ev2), -HOSTIF_E_TYPE);
	assert_int_equal(hostif_dec_next(d, &f), 0);
	free(d);
}

/* Partial reads: one byte at a time, several frames back to back. */
static void test_partial_reads(void **state)
{
	(void)state;
	struct hostif_dec *d = dec_new();
	struct hostif_frame f;
	uint8_t p[HOSTIF_EVENT_SIZE], stream[3 * 64];
	size_t total = 0;
	int frames = 0;

	for (uint32_t i = 0; i < 3; i++) {
		struct hostif_event ev = { i, (uint16_t)(32 + i) };
		size_t n;

		hostif_event_put(p, &ev);
		n = enc(HOSTIF_T_EVENT, i + 1, 0, p, sizeof(p), NULL, 0);
		memcpy(stream + total, frame, n);
		total += n;
	}
	for (size_t i = 0; i < total; i++) {
		int r;

		assert_int_equal(hostif_dec_feed(d, stream + i, 1), 1);
		while ((r = hostif_dec_next(d, &f)) == 1) {
			struct hostif_event ev;

			assert_int_equal(hostif_event_get(&f, &ev), 0);
			assert_int_equal(ev.device, (uint32_t)frames);
			frames++;
		}
		assert_int_equal(r, 0);
	}
	assert_int_equal(frames, 3);
	assert_int_equal(d->skipped, 0);
	free(d);
}

/*
 * Copy once: after feeding, the sender's buffer may change (shared memory,
 * a racing host); the frame the decoder hands out does not.
 */
static void test_copy_once(void **state)
{
	(void)state;
	struct hostif_dec *d = dec_new();
	struct hostif_frame f;
	struct hostif_event ev = { 1234, 77 }, got;
	uint8_t p[HOSTIF_EVENT_SIZE];
	size_t n;

	hostif_event_put(p, &ev);
	n = enc(HOSTIF_T_EVENT, 1, 0, p, sizeof(p), NULL, 0);
	assert_int_equal(hostif_dec_feed(d, frame, n), n);
	memset(frame, 0xff, n);
	assert_int_equal(hostif_dec_next(d, &f), 1);
	assert_ptr_not_equal(f.payload, frame + HOSTIF_HDR_SIZE);
	assert_int_equal(hostif_event_get(&f, &got), 0);
	assert_int_equal(got.device, 1234);
	assert_int_equal(got.vector, 77);
	free(d);
}

/*
 * Feeds bad then good; expects err, then the good frame recovered. err 0:
 * the bad frame stalls the decoder, as a truncated one does until the
 * client's timeout drops its first byte (hostif_dec_skip).
 */
static void expect_recover(const uint8_t *bad_in, size_t bad_len, int err)
{
	struct hostif_dec *d = dec_new();
	uint8_t *bad = malloc(bad_len);
	struct hostif_frame f;
	uint8_t good[HOSTIF_HDR_SIZE + HOSTIF_EVENT_SIZE], p[8];
	struct hostif_event ev = { 9, 99 };
	int r, seen_err = 0, got = 0;

	assert_non_null(bad);
	memcpy(bad, bad_in, bad_len);
	hostif_event_put(p, &ev);
	assert_int_equal(enc(HOSTIF_T_EVENT, 50, 0, p, 8, NULL, 0),
			 sizeof(good));
	memcpy(good, frame, sizeof(good));
	hostif_dec_feed(d, bad, bad_len);
	hostif_dec_feed(d, good, sizeof(good));
	for (;;) {
		r = hostif_dec_next(d, &f);
		if (r == 0 && !got && hostif_dec_pending(d)) {
			if (!err)
				seen_err++;
			hostif_dec_skip(d);
			continue;
		}
		if (r == 0)
			break;
		if (r == err)
			seen_err++;
		if (r == 1) {
			assert_int_equal(f.h.seq, 50);
			got++;
		}
	}
	assert_true(seen_err > 0);
	assert_int_equal(got, 1);
	free(bad);
	free(d);
}

static void test_bad_magic(void **state)
{
	(void)state;
	uint8_t junk[37];

	memset(junk, 'M', sizeof(junk)); /* partial-magic lookalikes too */
	expect_recover(junk, sizeof(junk), -HOSTIF_E_MAGIC);
}

static void test_bad_crc(void **state)
{
	(void)state;
	uint8_t p[8] = { 0 };
	size_t n = enc(HOSTIF_T_EVENT, 1, 0, p, 8, NULL, 0);

	frame[HOSTIF_HDR_SIZE + 2] ^= 0x10;
	expect_recover(frame, n, -HOSTIF_E_CRC);
}

static void test_bad_length_for_type(void **state)
{
	(void)state;
	uint8_t p[16] = { 0 };
	/* An EVENT claiming 16 bytes: rejected before waiting for them. */
	size_t n = enc(HOSTIF_T_EVENT, 1, 0, p, 16, NULL, 0);

	expect_recover(frame, n, -HOSTIF_E_LENGTH);
}

static void test_oversized(void **state)
{
	(void)state;
	uint8_t hdr[HOSTIF_HDR_SIZE];

	enc(HOSTIF_T_VMGS_INFO, 1, 1, NULL, 0, NULL, 0);
	memcpy(hdr, frame, sizeof(hdr));
	put_le32(hdr + HOSTIF_OFF_LEN, HOSTIF_MAX_PAYLOAD + 1);
	expect_recover(hdr, sizeof(hdr), -HOSTIF_E_LENGTH);
	/* The encoder refuses to build one. */
	assert_int_equal(enc(HOSTIF_T_VMGS_WRITE, 1, 1, frame, HOSTIF_RW_HDR,
			     frame, HOSTIF_MAX_DATA + HOSTIF_SECTOR),
			 0);
}

static void test_unknown_type(void **state)
{
	(void)state;
	uint8_t p[8] = { 0 };
	size_t n = enc(0x0777, 1, 1, p, 8, NULL, 0);

	expect_recover(frame, n, -HOSTIF_E_TYPE);
}

static void test_truncated(void **state)
{
	(void)state;
	uint8_t p[HOSTIF_RW_HDR + HOSTIF_SECTOR] = { 0 };
	struct hostif_read_reply rr = { .count = 1, .lba = 3 };
	uint8_t cut[HOSTIF_HDR_SIZE + sizeof(p)];
	size_t n;

	hostif_read_reply_put(p, &rr);
	n = enc(HOSTIF_T_VMGS_READ_REPLY, 1, 1, p, sizeof(p), NULL, 0);
	memcpy(cut, frame, n);
	/* Cut in the payload: the next frame's bytes complete it, CRC fails. */
	expect_recover(cut, n - 300, 0);
	/* Cut in the header: its length still waits for 528 bytes. */
	expect_recover(cut, 20, 0);
	/* Cut by less than the next frame: that completes it, CRC fails. */
	expect_recover(cut, n - 8, -HOSTIF_E_CRC);
}

static void test_bad_version(void **state)
{
	(void)state;
	size_t n = enc(HOSTIF_T_VMGS_INFO, 1, 1, NULL, 0, NULL, 0);

	frame[HOSTIF_OFF_MAJOR] = 2;
	reseal(frame);
	expect_recover(frame, n, -HOSTIF_E_VERSION);
}

static int validate(void)
{
	struct hostif_frame f;

	hostif_hdr_decode(frame, &f.h);
	f.payload = frame + HOSTIF_HDR_SIZE;
	return hostif_msg_validate(&f);
}

static void test_validators(void **state)
{
	(void)state;
	uint8_t p[HOSTIF_RW_HDR + 2 * HOSTIF_SECTOR] = { 0 };
	struct hostif_rw rw = { 0, 2 };
	struct hostif_read_reply rr = { .count = 3 };

	/* Reserved header fields. */
	enc(HOSTIF_T_VMGS_INFO, 1, 1, NULL, 0, NULL, 0);
	assert_int_equal(validate(), 0);
	put_le16(frame + HOSTIF_OFF_FLAGS, 1);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	enc(HOSTIF_T_VMGS_INFO, 1, 1, NULL, 0, NULL, 0);
	put_le16(frame + HOSTIF_OFF_RSVD, 1);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	/* Requests need an id; one-way messages must not have one. */
	enc(HOSTIF_T_VMGS_INFO, 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	enc(HOSTIF_T_EVENT, 1, 5, p, 8, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	/* READ: count 0 and count above one frame's data. */
	rw.count = 0;
	hostif_rw_put(p, &rw);
	enc(HOSTIF_T_VMGS_READ, 1, 1, p, 16, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	rw.count = HOSTIF_MAX_DATA / HOSTIF_SECTOR + 1;
	hostif_rw_put(p, &rw);
	enc(HOSTIF_T_VMGS_READ, 1, 1, p, 16, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	/* WRITE: count disagrees with the data. */
	rw.count = 1;
	hostif_rw_put(p, &rw);
	enc(HOSTIF_T_VMGS_WRITE, 1, 1, p, sizeof(p), NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	/* READ_REPLY: count 3 with two sectors of data (short). */
	hostif_read_reply_put(p, &rr);
	enc(HOSTIF_T_VMGS_READ_REPLY, 1, 1, p, sizeof(p), NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	/* READ_REPLY: data that is not whole sectors. */
	rr.count = 1;
	hostif_read_reply_put(p, &rr);
	enc(HOSTIF_T_VMGS_READ_REPLY, 1, 1, p, 16 + 256, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	/* Error reply with data. */
	rr.status = HOSTIF_S_IO;
	hostif_read_reply_put(p, &rr);
	enc(HOSTIF_T_VMGS_READ_REPLY, 1, 1, p, 16 + 512, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	/* LOG: control characters and escapes are refused. */
	hostif_log_put(p, 0);
	enc(HOSTIF_T_LOG, 1, 0, p, 4, "ok\x1b[2J", 6);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	enc(HOSTIF_T_LOG, 1, 0, p, 4, "tab\tok", 6);
	assert_int_equal(validate(), 0);
	/* HELLO with an empty or inverted range. */
	memset(p, 0, 16);
	p[0] = 1;
	p[1] = 5;
	p[2] = 1;
	p[3] = 4;
	enc(HOSTIF_T_HELLO, 1, 1, p, 16, NULL, 0);
	{
		struct hostif_frame f;
		struct hostif_hello h;

		hostif_hdr_decode(frame, &f.h);
		f.payload = frame + HOSTIF_HDR_SIZE;
		assert_int_equal(hostif_hello_get(&f, &h), -HOSTIF_E_PAYLOAD);
	}
}

static int neg(uint8_t a0, uint8_t a1, uint8_t a2, uint8_t a3, uint8_t b0,
	       uint8_t b1, uint8_t b2, uint8_t b3, unsigned *v)
{
	struct hostif_hello a = { a0, a1, a2, a3, 0 },
			    b = { b0, b1, b2, b3, 0 };
	uint8_t ma, mi;
	int r = hostif_negotiate(&a, &b, &ma, &mi);
	uint8_t ma2, mi2;

	/* Symmetric: both sides reach the same answer. */
	assert_int_equal(hostif_negotiate(&b, &a, &ma2, &mi2), r);
	if (!r) {
		assert_int_equal(ma, ma2);
		assert_int_equal(mi, mi2);
		*v = (unsigned)ma << 8 | mi;
	}
	return r;
}

static void test_negotiation_matrix(void **state)
{
	(void)state;
	unsigned v = 0;

	assert_int_equal(neg(1, 0, 1, 0, 1, 0, 1, 0, &v), 0);
	assert_int_equal(v, 0x100);
	/* A newer peer that still speaks 1.0. */
	assert_int_equal(neg(1, 0, 1, 0, 1, 0, 3, 2, &v), 0);
	assert_int_equal(v, 0x100);
	/* Both claim 1.0-1.5: capped at what this library implements. */
	assert_int_equal(neg(1, 0, 1, 5, 1, 0, 1, 5, &v), 0);
	assert_int_equal(v, 0x102);
	/* A 1.2 peer and a 1.1 peer: 1.1 (pipes, no SP relay). */
	assert_int_equal(neg(1, 0, 1, 2, 1, 0, 1, 1, &v), 0);
	assert_int_equal(v, 0x101);
	/* A 1.1 peer and a 1.0 peer: 1.0 (no pipes). */
	assert_int_equal(neg(1, 0, 1, 1, 1, 0, 1, 0, &v), 0);
	assert_int_equal(v, 0x100);
	assert_int_equal(neg(1, 1, 1, 1, 1, 0, 1, 4, &v), 0);
	assert_int_equal(v, 0x101);
	/* Incompatible majors: clean refusal. */
	assert_int_equal(neg(1, 0, 1, 0, 2, 0, 2, 3, &v), -HOSTIF_E_REFUSED);
	assert_int_equal(neg(2, 0, 2, 0, 2, 0, 2, 0, &v), -HOSTIF_E_REFUSED);
	/* Peer requires at least 1.1. */
	assert_int_equal(neg(1, 0, 1, 0, 1, 1, 1, 4, &v), -HOSTIF_E_REFUSED);
	/* Nonsense ranges. */
	assert_int_equal(neg(0, 0, 1, 0, 1, 0, 1, 0, &v), -HOSTIF_E_REFUSED);
	assert_int_equal(neg(1, 2, 1, 1, 1, 0, 1, 0, &v), -HOSTIF_E_REFUSED);
}

/* The payload encoders put each field at SPEC.md §6's offset. */
static void test_payload_offsets_spec(void **state)
{
	struct hostif_hello_reply hr = {
		.status = 0x11223344,
		.range = { 1, 2, 3, 4, 0x0102030405060708ull },
		.major = 5,
		.minor = 6,
	};
	struct hostif_info_reply ir = { 7, 4096, 0x1122334455667788ull };
	struct hostif_rw rw = { .lba = 0x0807060504030201ull, .count = 9 };
	struct hostif_read_reply rr = { .status = 1, .count = 2, .lba = 3 };
	struct hostif_status_reply sr = { .status = 4, .count = 5 };
	struct hostif_event ev = { .device = 0xa0b0c0d0, .vector = 0x1234 };
	uint8_t b[HOSTIF_HELLO_REPLY_SIZE];

	(void)state;
	memset(b, 0xee, sizeof(b));
	hostif_hello_put(b, &hr.range);
	assert_memory_equal(b, "\x01\x02\x03\x04\0\0\0\0", 8);
	assert_int_equal(get_le64(b + 8), hr.range.features);
	memset(b, 0xee, sizeof(b));
	hostif_hello_reply_put(b, &hr);
	assert_int_equal(get_le32(b), hr.status);
	assert_memory_equal(b + 4, "\x01\x02\x03\x04", 4);
	assert_int_equal(get_le64(b + 8), hr.range.features);
	assert_memory_equal(b + 16, "\x05\x06\0\0\0\0\0\0", 8);
	hostif_info_reply_put(b, &ir);
	assert_int_equal(get_le32(b), 7);
	assert_int_equal(get_le32(b + 4), 4096);
	assert_int_equal(get_le64(b + 8), ir.sector_count);
	memset(b, 0xee, sizeof(b));
	hostif_rw_put(b, &rw);
	assert_int_equal(get_le64(b), rw.lba);
	assert_int_equal(get_le32(b + 8), 9);
	assert_int_equal(get_le32(b + 12), 0);
	hostif_read_reply_put(b, &rr);
	assert_int_equal(get_le32(b), 1);
	assert_int_equal(get_le32(b + 4), 2);
	assert_int_equal(get_le64(b + 8), 3);
	hostif_status_reply_put(b, &sr);
	assert_int_equal(get_le32(b), 4);
	assert_int_equal(get_le32(b + 4), 5);
	memset(b, 0xee, sizeof(b));
	hostif_event_put(b, &ev);
	assert_int_equal(get_le32(b), ev.device);
	assert_int_equal(get_le16(b + 4), ev.vector);
	assert_int_equal(get_le16(b + 6), 0);
	memset(b, 0xee, sizeof(b));
	hostif_log_put(b, 3);
	assert_memory_equal(b, "\x03\0\0\0\xee", 5);
}

/* The message table's length bounds are SPEC.md §6's, row by row. */
static void test_len_bounds_spec(void **state)
{
	static const struct {
		uint16_t type;
		uint32_t min, max;
	} spec[] = {
		{ 0x0001, 16, 16 },	{ 0x8001, 24, 24 },
		{ 0x0010, 0, 0 },	{ 0x8010, 16, 16 },
		{ 0x0011, 16, 16 },	{ 0x8011, 16, 65552 },
		{ 0x0012, 528, 65552 }, { 0x8012, 8, 8 },
		{ 0x0013, 0, 0 },	{ 0x8013, 8, 8 },
		{ 0x0020, 8, 8 },	{ 0x0021, 5, 1028 },
		{ 0x0030, 0, 0 },	{ 0x8030, 8, 264 },
		{ 0x0031, 16, 16 },	{ 0x0032, 16, 16 },
		{ 0x0033, 17, 65552 },	{ 0x0034, 16, 16 },
		{ 0x0040, 1, 4096 },	{ 0x8040, 8, 4104 },
		{ 0x0041, 0, 0 },	{ 0x8041, 8, 16392 },
	};
	uint32_t lo, hi;

	(void)state;
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		assert_int_equal(hostif_type_len_bounds(spec[i].type, &lo, &hi),
				 0);
		assert_int_equal(lo, spec[i].min);
		assert_int_equal(hi, spec[i].max);
	}
	assert_int_equal(hostif_type_len_bounds(0x8000, &lo, &hi),
			 -HOSTIF_E_TYPE);
	assert_int_equal(hostif_type_len_bounds(0x0002, NULL, NULL),
			 -HOSTIF_E_TYPE);
}

/* Pipe messages (SPEC.md §12): layout, round trip, every malformed case. */
static void pipe_enc(uint16_t type, uint32_t id, const struct hostif_pipe *m,
		     const void *data, size_t n)
{
	uint8_t h[HOSTIF_PIPE_HDR];

	hostif_pipe_put(h, type, m);
	enc(type, 1, id, h, sizeof(h), data, n);
}

static void test_pipe_messages(void **state)
{
	struct hostif_pipe m = { .pipe = 3, .epoch = 0x11223344, .arg = 9 };
	struct hostif_pipe out;
	struct hostif_frame f;
	uint8_t *p = frame + HOSTIF_HDR_SIZE;

	(void)state;
	f.payload = p;
	/* DATA: field offsets, round trip. */
	pipe_enc(HOSTIF_T_PIPE_DATA, 0, &m, "abc", 3);
	assert_int_equal(get_le16(p + 0), 3);
	assert_int_equal(get_le16(p + 2), 0);
	assert_int_equal(get_le32(p + 4), 0x11223344);
	assert_int_equal(get_le64(p + 8), 9);
	assert_memory_equal(p + 16, "abc", 3);
	hostif_hdr_decode(frame, &f.h);
	assert_int_equal(hostif_pipe_get(&f, &out), 0);
	assert_int_equal(out.pipe, 3);
	assert_int_equal(out.epoch, 0x11223344);
	assert_int_equal(out.arg, 9);
	assert_int_equal(out.data_len, 3);
	assert_memory_equal(out.data, "abc", 3);
	/* A DATA with a request id; an empty DATA. */
	pipe_enc(HOSTIF_T_PIPE_DATA, 7, &m, "abc", 3);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	pipe_enc(HOSTIF_T_PIPE_DATA, 0, &m, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_LENGTH);
	/* Offsets that could wrap. */
	m.arg = 1ull << 63;
	pipe_enc(HOSTIF_T_PIPE_DATA, 0, &m, "a", 1);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	pipe_enc(HOSTIF_T_PIPE_CREDIT, 0, &m, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	m.arg = (1ull << 63) - 1;
	pipe_enc(HOSTIF_T_PIPE_DATA, 0, &m, "ab", 2);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	pipe_enc(HOSTIF_T_PIPE_CREDIT, 0, &m, NULL, 0);
	assert_int_equal(validate(), 0);
	/* Pipe index out of range, epoch 0, reserved bits. */
	m.arg = 0;
	m.pipe = HOSTIF_PIPE_MAX;
	pipe_enc(HOSTIF_T_PIPE_CREDIT, 0, &m, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	m.pipe = 0;
	m.epoch = 0;
	pipe_enc(HOSTIF_T_PIPE_OPEN, 0, &m, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	m.epoch = 1;
	pipe_enc(HOSTIF_T_PIPE_OPEN, 0, &m, NULL, 0);
	assert_int_equal(validate(), 0);
	put_le16(p + HOSTIF_PIPE_OFF_RSVD, 1);
	reseal(frame);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	m.arg = 5; /* OPEN's argument is reserved */
	pipe_enc(HOSTIF_T_PIPE_OPEN, 0, &m, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	/* CLOSE: the reason at 8, reserved at 12, unknown reasons. */
	m.arg = HOSTIF_PIPE_R_STREAM;
	pipe_enc(HOSTIF_T_PIPE_CLOSE, 0, &m, NULL, 0);
	assert_int_equal(get_le32(p + 8), HOSTIF_PIPE_R_STREAM);
	assert_int_equal(get_le32(p + 12), 0);
	hostif_hdr_decode(frame, &f.h);
	assert_int_equal(hostif_pipe_get(&f, &out), 0);
	assert_int_equal(out.arg, HOSTIF_PIPE_R_STREAM);
	put_le32(p + 12, 1);
	reseal(frame);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	m.arg = HOSTIF_PIPE_R_COUNT;
	pipe_enc(HOSTIF_T_PIPE_CLOSE, 0, &m, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	assert_string_equal(hostif_pipe_reason_name(HOSTIF_PIPE_R_REFUSED),
			    "connect refused");
	assert_string_equal(hostif_pipe_reason_name(99), "?");
	/* The typed decoder refuses other types. */
	enc(HOSTIF_T_VMGS_INFO, 1, 1, NULL, 0, NULL, 0);
	hostif_hdr_decode(frame, &f.h);
	assert_int_equal(hostif_pipe_get(&f, &out), -HOSTIF_E_TYPE);
	/* A CREDIT with a damaged length: resync before waiting for it. */
	{
		struct hostif_dec *d = dec_new();
		struct hostif_frame g;

		m.arg = 1;
		pipe_enc(HOSTIF_T_PIPE_CREDIT, 0, &m, NULL, 0);
		put_le32(frame + HOSTIF_OFF_LEN, 17);
		hostif_dec_feed(d, frame, HOSTIF_HDR_SIZE + 16);
		assert_int_equal(hostif_dec_next(d, &g), -HOSTIF_E_LENGTH);
		free(d);
	}
}

static void test_pipe_list(void **state)
{
	struct hostif_pipe_list l = { .count = 2 }, out;
	uint8_t p[HOSTIF_PIPE_LIST_MAX];
	struct hostif_frame f;
	size_t n;

	(void)state;
	memcpy(l.names[0], "alpha", 5);
	memcpy(l.names[1], "b-2_x", 5);
	n = hostif_pipe_list_put(p, &l);
	assert_int_equal(n, 8 + 32);
	assert_int_equal(get_le32(p + 4), 2);
	assert_memory_equal(p + 8, "alpha\0\0\0\0\0\0\0\0\0\0\0", 16);
	enc(HOSTIF_T_PIPE_LIST_REPLY, 1, 1, p, n, NULL, 0);
	f.payload = frame + HOSTIF_HDR_SIZE;
	hostif_hdr_decode(frame, &f.h);
	assert_int_equal(hostif_pipe_list_get(&f, &out), 0);
	assert_int_equal(out.count, 2);
	assert_string_equal(out.names[1], "b-2_x");
	/* count disagrees with the length; more than 16; status and names. */
	enc(HOSTIF_T_PIPE_LIST_REPLY, 1, 1, p, n - 16, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	put_le32(p + 4, 17);
	enc(HOSTIF_T_PIPE_LIST_REPLY, 1, 1, p, 8, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	put_le32(p + 4, 2);
	put_le32(p, HOSTIF_S_IO);
	enc(HOSTIF_T_PIPE_LIST_REPLY, 1, 1, p, n, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	/* A reply needs its request id; the request has no payload. */
	put_le32(p, 0);
	enc(HOSTIF_T_PIPE_LIST_REPLY, 1, 0, p, n, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	enc(HOSTIF_T_PIPE_LIST, 1, 1, p, 1, NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_LENGTH);
}

static void test_pipe_names(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(hostif_pipe_name_check("log", 4, &why), 0);
	assert_int_equal(hostif_pipe_name_check("a-b_9", 5, &why), 0);
	assert_int_equal(hostif_pipe_name_check("abcdefghijklmno", 16, &why),
			 0);
	assert_int_equal(hostif_pipe_name_check("abcdefghijklmnop", 16, &why),
			 -1);
	assert_string_equal(why, "longer than 15 characters");
	assert_int_equal(hostif_pipe_name_check("", 1, &why), -1);
	assert_string_equal(why, "empty name");
	assert_int_equal(hostif_pipe_name_check("Log", 4, &why), -1);
	assert_int_equal(hostif_pipe_name_check("a b", 4, &why), -1);
	assert_int_equal(hostif_pipe_name_check("a/b", 4, &why), -1);
	assert_int_equal(hostif_pipe_name_check("a\x1b", 3, &why), -1);
	assert_string_equal(why, "characters other than [a-z0-9_-]");
	/* A wire field: bytes after the NUL must be NUL too. */
	assert_int_equal(hostif_pipe_name_check("ab\0c", 4, &why), -1);
	assert_string_equal(why, "bytes after the name's NUL");
	/* Features at 1.0 never include pipes. */
	assert_int_equal(hostif_features_at(HOSTIF_F_KNOWN, 1, 0),
			 HOSTIF_F_EVENTS | HOSTIF_F_LOG);
	/* Pipes need 1.1, the SP relay 1.2. */
	assert_int_equal(hostif_features_at(HOSTIF_F_KNOWN, 1, 1),
			 HOSTIF_F_KNOWN & ~HOSTIF_F_SP);
	assert_int_equal(hostif_features_at(HOSTIF_F_KNOWN, 1, 2),
			 HOSTIF_F_KNOWN);
}

/* The SP relay (SPEC.md §13): layout and every malformed reply. */
static void test_sp_messages(void **state)
{
	uint8_t p[HOSTIF_SP_REPLY_HDR], data[300];
	struct hostif_frame f;
	struct hostif_sp m;

	(void)state;
	memset(data, 0x5a, sizeof(data));
	hostif_sp_reply_put(p, 0);
	assert_int_equal(get_le32(p + 0), 0);
	assert_int_equal(get_le32(p + 4), 0);
	/* SP_MSG: the whole payload is the message. */
	enc(HOSTIF_T_SP_MSG, 1, 1, data, sizeof(data), NULL, 0);
	hostif_hdr_decode(frame, &f.h);
	f.payload = frame + HOSTIF_HDR_SIZE;
	assert_int_equal(hostif_sp_get(&f, &m), 0);
	assert_int_equal(m.data_len, sizeof(data));
	assert_int_equal(m.data[299], 0x5a);
	/* A request without an id is malformed (it is not one way). */
	enc(HOSTIF_T_SP_MSG, 1, 0, data, sizeof(data), NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	/* OK reply with data. */
	enc(HOSTIF_T_SP_MSG_REPLY, 1, 1, p, sizeof(p), data, 10);
	hostif_hdr_decode(frame, &f.h);
	assert_int_equal(hostif_sp_get(&f, &m), 0);
	assert_int_equal(m.status, 0);
	assert_int_equal(m.data_len, 10);
	/* OK without data, error with data, reserved set: malformed. */
	enc(HOSTIF_T_SP_MSG_REPLY, 1, 1, p, sizeof(p), NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	hostif_sp_reply_put(p, HOSTIF_S_SP_REFUSED);
	enc(HOSTIF_T_SP_CERTS_REPLY, 1, 1, p, sizeof(p), data, 1);
	assert_int_equal(validate(), -HOSTIF_E_PAYLOAD);
	enc(HOSTIF_T_SP_CERTS_REPLY, 1, 1, p, sizeof(p), NULL, 0);
	assert_int_equal(validate(), 0);
	put_le32(p + HOSTIF_SP_REPLY_OFF_RSVD, 1);
	enc(HOSTIF_T_SP_MSG_REPLY, 1, 1, p, sizeof(p), NULL, 0);
	assert_int_equal(validate(), -HOSTIF_E_RESERVED);
	/* Not an SP type. */
	enc(HOSTIF_T_VMGS_INFO, 1, 1, NULL, 0, NULL, 0);
	hostif_hdr_decode(frame, &f.h);
	assert_int_equal(hostif_sp_get(&f, &m), -HOSTIF_E_TYPE);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(hostif_strerror(-HOSTIF_E_CRC),
			    "frame CRC-32 mismatch");
	assert_string_equal(hostif_strerror(999), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_partial_reads),
		cmocka_unit_test(test_copy_once),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_crc),
		cmocka_unit_test(test_bad_length_for_type),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_validators),
		cmocka_unit_test(test_negotiation_matrix),
		cmocka_unit_test(test_payload_offsets_spec),
		cmocka_unit_test(test_sp_messages),
		cmocka_unit_test(test_len_bounds_spec),
		cmocka_unit_test(test_pipe_messages),
		cmocka_unit_test(test_pipe_list),
		cmocka_unit_test(test_pipe_names),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
