// SPDX-License-Identifier: MIT
/*
 * The one Mantle ring (SPEC.md section 5): single producer, single consumer,
 * 64-byte slots with per-slot sequence numbers. Freestanding: no libc. The
 * embedder supplies mantle_ring_glue.h on its include path with the
 * primitives listed in protocol/README.md (atomic 32-bit loads and stores,
 * a full barrier, copies to and from shared memory).
 *
 * Everything read from the shared area is peer-controlled: each field is read
 * once, bounds-checked before use, and record bytes are copied into the
 * caller's private buffer before anyone parses them.
 */
#include "../include/mantle_ring.h"
#include "mantle_ring_glue.h"

static const mtl_u8 zero_line[MTL_RING_SLOT_SIZE];

static int ring_fail(struct mtl_ring *r, mtl_u32 fault)
{
	if (r->fault == MTL_RING_FAULT_NONE)
		r->fault = fault;
	return MTL_RING_EPEER;
}

static mtl_u32 ring_slots(const struct mtl_ring *r)
{
	return r->mask + 1;
}

/* Largest record that fits the ring at all. */
static mtl_u32 ring_capacity(mtl_u32 nslots)
{
	mtl_u32 cap = nslots * MTL_RING_SLOT_DATA;

	return cap < MTL_RING_RECORD_MAX ? cap : MTL_RING_RECORD_MAX;
}

static struct mtl_slot *ring_slot(const struct mtl_ring *r, mtl_u32 pos)
{
	return &r->slots[pos & r->mask];
}

void mtl_ring_area_init(void *area, mtl_u32 log2)
{
	mtl_u8 *p = area;
	mtl_u32 size = MTL_RING_AREA_SIZE(log2);
	mtl_u32 off;

	for (off = 0; off < size; off += MTL_RING_SLOT_SIZE)
		MTL_GLUE_COPY_OUT(p + off, zero_line, MTL_RING_SLOT_SIZE);
}

int mtl_ring_init(struct mtl_ring *r, void *area, mtl_u32 log2,
		  mtl_u32 max_record, mtl_u32 role, mtl_u32 flags)
{
	if (!r || !area || log2 < MTL_RING_LOG2_MIN || log2 > MTL_RING_LOG2_MAX)
		return MTL_RING_EINVAL;
	if (((__UINTPTR_TYPE__)area & (MTL_RING_CTL_SIZE - 1)) != 0)
		return MTL_RING_EINVAL;
	if (role != MTL_RING_PRODUCER && role != MTL_RING_CONSUMER)
		return MTL_RING_EINVAL;
	if ((flags & ~MTL_RING_F_EVENT_IDX) != 0)
		return MTL_RING_EINVAL;
	if (max_record == 0 || (max_record & 7) != 0 ||
	    max_record > ring_capacity(1u << log2))
		return MTL_RING_EINVAL;
	r->ctl = area;
	/* area is MTL_RING_CTL_SIZE-aligned (checked above): so are slots */
	r->slots =
		(struct mtl_slot *)(void *)((mtl_u8 *)area + MTL_RING_CTL_SIZE);
	r->mask = (1u << log2) - 1;
	r->role = role;
	r->flags = flags;
	r->max_record = max_record;
	r->pos = 0;
	r->peer_pos = 0;
	r->batch_pos = 0;
	r->fault = MTL_RING_FAULT_NONE;
	r->npending = 0;
	return MTL_RING_OK;
}

/* Publish written records in order: one release store of each first seq. */
static void ring_publish(struct mtl_ring *r)
{
	mtl_u32 i;

	for (i = 0; i < r->npending; i++) {
		mtl_u32 p = r->pending[i];
		struct mtl_slot *s = ring_slot(r, p);

		/* len and data: the slot's last 60 bytes, contiguous. */
		MTL_GLUE_COPY_OUT(
			(mtl_u8 *)s + MTL_OFFSETOF(struct mtl_slot, hdr.len),
			&r->stash[i], sizeof(r->stash[i]));
		MTL_GLUE_STORE_RELEASE32(&s->hdr.seq, p + 1);
	}
	r->npending = 0;
}

/*
 * Read cons_pos once and accept it only if it moved forward, and not past the
 * producer: cached <= c <= pos in free-running arithmetic.
 */
static int ring_fetch_cons(struct mtl_ring *r)
{
	mtl_u32 c = MTL_GLUE_LOAD_ACQUIRE32(&r->ctl->cons_pos);

	if ((mtl_u32)(c - r->peer_pos) > (mtl_u32)(r->pos - r->peer_pos))
		return ring_fail(r, MTL_RING_FAULT_INDEX);
	r->peer_pos = c;
	return MTL_RING_OK;
}

/*
 * Copy n bytes to dst. Record pieces are mostly multiples of 8 bytes; those
 * go as 8-byte constant-size copies, which compilers inline (a call to a
 * general memcpy per piece measured as a large share of a round trip).
 */
static void ring_copy_out(mtl_u8 *dst, const mtl_u8 *src, mtl_u32 n)
{
	mtl_u32 i;

	if ((n & 7) != 0) {
		MTL_GLUE_COPY_OUT(dst, src, n);
		return;
	}
	for (i = 0; i < n; i += 8)
		MTL_GLUE_COPY_OUT(dst + i, src + i, 8);
}

/* Copy record bytes [off, off + n) of hdr||data to dst (a slot's data, or a
 * stash: the glue's copy serves both). */
static void ring_put(mtl_u8 *dst, const mtl_u8 *hdr, mtl_u32 hdr_len,
		     const mtl_u8 *data, mtl_u32 off, mtl_u32 n)
{
	mtl_u32 done = 0;

	if (off < hdr_len) {
		done = hdr_len - off < n ? hdr_len - off : n;
		ring_copy_out(dst, hdr + off, done);
	}
	if (done < n)
		ring_copy_out(dst + done, data + (off + done - hdr_len),
			      n - done);
}

int mtl_ring_write(struct mtl_ring *r, const void *hdr, mtl_u32 hdr_len,
		   const void *data, mtl_u32 data_len)
{
	struct mtl_ring_stash *stash;
	mtl_u32 len, k, i, off;

	if (r->fault != MTL_RING_FAULT_NONE)
		return MTL_RING_EPEER;
	if (r->role != MTL_RING_PRODUCER)
		return MTL_RING_EINVAL;
	if ((hdr_len != 0 && !hdr) || (data_len != 0 && !data))
		return MTL_RING_EINVAL;
	if (hdr_len > r->max_record || data_len > r->max_record - hdr_len)
		return MTL_RING_EINVAL;
	len = hdr_len + data_len;
	if (len == 0 || (len & 7) != 0)
		return MTL_RING_EINVAL;
	k = MTL_RING_SLOTS_FOR(len);
	if ((mtl_u32)(r->pos + k - r->peer_pos) > ring_slots(r)) {
		if (ring_fetch_cons(r) != MTL_RING_OK)
			return MTL_RING_EPEER;
		if ((mtl_u32)(r->pos + k - r->peer_pos) > ring_slots(r)) {
			/* The consumer can only free what it can see. */
			ring_publish(r);
			return MTL_RING_FULL;
		}
	}
	if (r->npending == MTL_RING_PENDING_MAX)
		ring_publish(r);
	stash = &r->stash[r->npending];
	stash->len = len;
	ring_put(stash->data, hdr, hdr_len, data, 0,
		 len < MTL_RING_SLOT_DATA ? len : MTL_RING_SLOT_DATA);
	for (i = 1, off = MTL_RING_SLOT_DATA; i < k;
	     i++, off += MTL_RING_SLOT_DATA) {
		struct mtl_slot *s = ring_slot(r, r->pos + i);
		mtl_u32 n = len - off;

		MTL_GLUE_STORE32(&s->hdr.seq, r->pos + i + 1);
		MTL_GLUE_STORE32(&s->hdr.len, 0);
		ring_put(s->data, hdr, hdr_len, data, off,
			 n < MTL_RING_SLOT_DATA ? n : MTL_RING_SLOT_DATA);
	}
	/* The first slot goes out with its seq in ring_publish(); the release
	 * store of that seq makes everything above visible. */
	r->pending[r->npending++] = r->pos;
	r->pos += k;
	return MTL_RING_OK;
}

/*
 * The end of a batch, once its positions are published: whether the peer
 * asked to be told about a position inside it. Its event index names the
 * position it waits for, minus lag (1 for data: "tell me when this record
 * exists"; 0 for space). Without event indices every batch tells.
 */
static int batch_ended(struct mtl_ring *r, const mtl_le32 *event, mtl_u32 lag)
{
	mtl_u32 old = r->batch_pos, now = r->pos, ev;

	if (old == now)
		return 0;
	r->batch_pos = now;
	if (!(r->flags & MTL_RING_F_EVENT_IDX))
		return 1;
	/* Order the publishing stores before reading the peer's event index;
	 * the peer orders the other way in mtl_ring_want_data()/_space(). */
	MTL_GLUE_MB();
	ev = MTL_GLUE_LOAD32(event);
	return (mtl_u32)(now - ev - lag) < (mtl_u32)(now - old);
}

int mtl_ring_flush(struct mtl_ring *r)
{
	if (r->fault != MTL_RING_FAULT_NONE || r->role != MTL_RING_PRODUCER)
		return 0;
	ring_publish(r);
	return batch_ended(r, &r->ctl->data_event, 1);
}

int mtl_ring_want_space(struct mtl_ring *r, mtl_u32 slots)
{
	mtl_u32 n = ring_slots(r);

	if (r->fault != MTL_RING_FAULT_NONE || r->role != MTL_RING_PRODUCER)
		return 1;
	if (slots > n)
		slots = n;
	ring_publish(r);
	if (r->flags & MTL_RING_F_EVENT_IDX) {
		MTL_GLUE_STORE32(&r->ctl->space_event, r->pos + slots - n);
		MTL_GLUE_MB();
	}
	if (ring_fetch_cons(r) != MTL_RING_OK)
		return 1;
	return (mtl_u32)(r->pos + slots - r->peer_pos) <= n;
}

static void ring_publish_cons(struct mtl_ring *r)
{
	MTL_GLUE_STORE_RELEASE32(&r->ctl->cons_pos, r->pos);
	r->peer_pos = r->pos;
}

/*
 * Copy one slot's share of a record (n bytes) into private memory with room
 * bytes left. A whole 56-byte chunk is a constant-size copy that compilers
 * inline; it never reads outside the 64-byte slot.
 */
static void ring_take(mtl_u8 *dst, const struct mtl_slot *s, mtl_u32 n,
		      mtl_u32 room)
{
	if (room >= MTL_RING_SLOT_DATA)
		MTL_GLUE_COPY_IN(dst, s->data, MTL_RING_SLOT_DATA);
	else
		MTL_GLUE_COPY_IN(dst, s->data, n);
}

int mtl_ring_read(struct mtl_ring *r, void *buf, mtl_u32 buf_len, mtl_u32 *len)
{
	mtl_u8 *out = buf;
	struct mtl_slot *s;
	mtl_u32 seq, rec, k, i, off;

	if (r->fault != MTL_RING_FAULT_NONE)
		return MTL_RING_EPEER;
	if (r->role != MTL_RING_CONSUMER || !buf || !len ||
	    buf_len < r->max_record)
		return MTL_RING_EINVAL;
	s = ring_slot(r, r->pos);
	seq = MTL_GLUE_LOAD_ACQUIRE32(&s->hdr.seq);
	if (seq != r->pos + 1)
		return MTL_RING_EMPTY;
	rec = MTL_GLUE_LOAD32(&s->hdr.len);
	if (rec == 0 || rec > ring_capacity(ring_slots(r)))
		return ring_fail(r, MTL_RING_FAULT_LENGTH);
	if ((rec & 7) != 0)
		return ring_fail(r, MTL_RING_FAULT_ALIGN);
	if (rec > r->max_record)
		return ring_fail(r, MTL_RING_FAULT_TOO_LARGE);
	k = MTL_RING_SLOTS_FOR(rec);
	ring_take(out, s, rec < MTL_RING_SLOT_DATA ? rec : MTL_RING_SLOT_DATA,
		  buf_len);
	for (i = 1, off = MTL_RING_SLOT_DATA; i < k;
	     i++, off += MTL_RING_SLOT_DATA) {
		mtl_u32 n = rec - off;

		s = ring_slot(r, r->pos + i);
		if (MTL_GLUE_LOAD32(&s->hdr.seq) != r->pos + i + 1 ||
		    MTL_GLUE_LOAD32(&s->hdr.len) != 0)
			return ring_fail(r, MTL_RING_FAULT_TORN);
		ring_take(out + off, s,
			  n < MTL_RING_SLOT_DATA ? n : MTL_RING_SLOT_DATA,
			  buf_len - off);
	}
	r->pos += k;
	*len = rec;
	/* A consumer that batches too long would stall the producer. */
	if ((mtl_u32)(r->pos - r->peer_pos) >= ring_slots(r) / 2)
		ring_publish_cons(r);
	return MTL_RING_OK;
}

int mtl_ring_done(struct mtl_ring *r)
{
	if (r->fault != MTL_RING_FAULT_NONE || r->role != MTL_RING_CONSUMER)
		return 0;
	if (r->peer_pos != r->pos)
		ring_publish_cons(r);
	return batch_ended(r, &r->ctl->space_event, 0);
}

int mtl_ring_want_data(struct mtl_ring *r)
{
	if (r->fault != MTL_RING_FAULT_NONE || r->role != MTL_RING_CONSUMER)
		return 1;
	if (r->flags & MTL_RING_F_EVENT_IDX) {
		MTL_GLUE_STORE32(&r->ctl->data_event, r->pos);
		MTL_GLUE_MB();
	}
	return MTL_GLUE_LOAD_ACQUIRE32(&ring_slot(r, r->pos)->hdr.seq) ==
	       r->pos + 1;
}
