/* SPDX-License-Identifier: MIT */
/*
 * Mantle protocol: the ring (SPEC.md section 5) and its freestanding
 * implementation's interface (protocol/src/mantle_ring.c).
 *
 * One ring carries records in one direction, from its producer to its
 * consumer. A record is a whole packet (mantle_proto.h): a multiple of 8
 * bytes, split over consecutive 64-byte slots, each slot starting with its own
 * 8-byte slot header. The producer publishes a record by storing the sequence
 * number of its first slot last, so a consumer polls exactly the cache line
 * that will carry the data (one line transfer per small message; separate
 * index lines measured 2.6x the cache-line ping-pong floor).
 *
 *   ring area (guest-physically contiguous, 4 KiB aligned):
 *
 *   +0      control page (4 KiB; the first 4 cache lines are used)
 *           line 0  cons_pos     written by the consumer only
 *           line 1  data_event   written by the consumer only
 *           line 2  space_event  written by the producer only
 *           line 3  reserved (0)
 *   +4096   slot[0] .. slot[N-1], N = 1 << log2, 64 bytes each
 *
 *   slot:   0       4       8                                      64
 *           +-------+-------+---------------------------------------+
 *           |  seq  |  len  |  56 bytes of the record               |
 *           +-------+-------+---------------------------------------+
 *   seq  = (free-running position of this slot) + 1, modulo 2^32
 *   len  = record length in bytes in a record's first slot, 0 in the others
 */
#ifndef MANTLE_RING_H
#define MANTLE_RING_H

#include "mantle_types.h"

#define MTL_RING_SLOT_SIZE 64u
#define MTL_RING_SLOT_DATA 56u /* record bytes per slot */
#define MTL_RING_CTL_SIZE 4096u
#define MTL_RING_LOG2_MIN 2u /* 4 slots */
#define MTL_RING_LOG2_MAX 16u /* 65536 slots, 4 MiB */
/* Largest record any ring carries; a ring's own limit may be lower. */
#define MTL_RING_RECORD_MAX 65536u

/* Bytes of one ring area: control page plus slots, rounded up to pages. */
#define MTL_RING_AREA_SIZE(log2) \
	(MTL_RING_CTL_SIZE +     \
	 (((MTL_RING_SLOT_SIZE << (log2)) + 4095u) & ~(mtl_u32)4095u))

/* Shared control block at the start of a ring area. Wire structure. */
struct mtl_ring_ctl {
	mtl_le32 cons_pos; /* consumer: next position it will read */
	mtl_u8 reserved0[60];
	mtl_le32 data_event; /* consumer: notify me once this position is
			      * published (with MTL_F_EVENT_IDX) */
	mtl_u8 reserved1[60];
	mtl_le32 space_event; /* producer: notify me once cons_pos reaches
			       * this position (with MTL_F_EVENT_IDX) */
	mtl_u8 reserved2[60];
	mtl_u8 reserved3[64];
};
MTL_ASSERT_SIZE(struct mtl_ring_ctl, 256);
MTL_ASSERT_OFFSET(struct mtl_ring_ctl, cons_pos, 0);
MTL_ASSERT_OFFSET(struct mtl_ring_ctl, data_event, 64);
MTL_ASSERT_OFFSET(struct mtl_ring_ctl, space_event, 128);

/* Header at the start of every slot. Wire structure. */
struct mtl_slot_hdr {
	mtl_le32 seq; /* position + 1: stale and zeroed slots never match */
	mtl_le32 len; /* first slot: record bytes; other slots: 0 */
};
MTL_ASSERT_SIZE(struct mtl_slot_hdr, 8);

struct mtl_slot {
	struct mtl_slot_hdr hdr;
	mtl_u8 data[MTL_RING_SLOT_DATA];
};
MTL_ASSERT_SIZE(struct mtl_slot, MTL_RING_SLOT_SIZE);
MTL_ASSERT_OFFSET(struct mtl_slot, hdr.len, 4);
MTL_ASSERT_OFFSET(struct mtl_slot, data, 8);

/* Slots a record of len bytes occupies. */
#define MTL_RING_SLOTS_FOR(len) \
	(((mtl_u32)(len) + MTL_RING_SLOT_DATA - 1) / MTL_RING_SLOT_DATA)

/*
 * The interface of protocol/src/mantle_ring.c. Nothing below is a wire
 * structure: struct mtl_ring is each side's private state and never lives in
 * shared memory.
 */

/* Results of ring calls (local, never on the wire; see SPEC.md 8). */
enum mtl_ring_result {
	MTL_RING_OK = 0,
	MTL_RING_EMPTY = -1, /* consumer: nothing published yet */
	MTL_RING_FULL = -2, /* producer: not enough free slots */
	MTL_RING_EINVAL = -3, /* the caller's own mistake; ring unchanged */
	MTL_RING_EPEER = -4, /* the peer broke the protocol; sticky */
};

/* Why a ring entered the error state (mtl_ring_error_reason()). */
enum mtl_ring_fault {
	MTL_RING_FAULT_NONE = 0,
	MTL_RING_FAULT_INDEX, /* cons_pos moved backwards or past producer */
	MTL_RING_FAULT_LENGTH, /* record length 0, too long for the ring */
	MTL_RING_FAULT_ALIGN, /* record length not a multiple of 8 */
	MTL_RING_FAULT_TORN, /* a continuation slot is not part of record */
	MTL_RING_FAULT_TOO_LARGE, /* record longer than this ring accepts */
};

#define MTL_RING_PRODUCER 1u
#define MTL_RING_CONSUMER 2u
/* Flag for mtl_ring_init(): MTL_F_EVENT_IDX was negotiated. */
#define MTL_RING_F_EVENT_IDX 1u

/* Records a producer may hold written but unpublished (one batch). */
#define MTL_RING_PENDING_MAX 16u

/* A first slot without its seq, kept private until it is published. */
struct mtl_ring_stash {
	mtl_le32 len;
	mtl_u8 data[MTL_RING_SLOT_DATA];
};
MTL_ASSERT_SIZE(struct mtl_ring_stash, MTL_RING_SLOT_SIZE - 4);

struct mtl_ring {
	struct mtl_ring_ctl *ctl; /* shared */
	struct mtl_slot *slots; /* shared */
	mtl_u32 mask; /* slots - 1 */
	mtl_u32 role; /* MTL_RING_PRODUCER or _CONSUMER */
	mtl_u32 flags; /* MTL_RING_F_* */
	mtl_u32 max_record; /* largest record accepted */
	mtl_u32 pos; /* next slot position to write or read */
	mtl_u32 peer_pos; /* producer: last cons_pos seen; consumer: last
			    * cons_pos published */
	mtl_u32 batch_pos; /* pos at the last mtl_ring_flush() / _done() */
	mtl_u32 fault; /* enum mtl_ring_fault; nonzero = error state */
	mtl_u32 npending; /* producer: records written, not yet published */
	mtl_u32 pending[MTL_RING_PENDING_MAX]; /* their first positions */
	/* Their first slots: written to the ring only when published, in one
	 * burst right before the seq, so a polling consumer never pulls the
	 * line away halfway through the producer's writes. */
	struct mtl_ring_stash stash[MTL_RING_PENDING_MAX];
};

/* Attach to a ring area of 1 << log2 slots, both positions at 0. The area's
 * creator zeroes it first (mtl_ring_area_init()). */
int mtl_ring_init(struct mtl_ring *r, void *area, mtl_u32 log2,
		  mtl_u32 max_record, mtl_u32 role, mtl_u32 flags);
/* Zero a ring area through the embedder's copy primitive. */
void mtl_ring_area_init(void *area, mtl_u32 log2);

/* Producer: append one record, hdr (hdr_len bytes) followed by data. The
 * total must be a nonzero multiple of 8 and at most max_record. The record
 * is published by the next mtl_ring_flush(), or earlier once
 * MTL_RING_PENDING_MAX records wait or the ring is full: the consumer then
 * finds whole batches of complete slots instead of chasing the producer. */
int mtl_ring_write(struct mtl_ring *r, const void *hdr, mtl_u32 hdr_len,
		   const void *data, mtl_u32 data_len);
/* Producer: end of a batch: publish it. Returns 1 when the consumer must be
 * notified. */
int mtl_ring_flush(struct mtl_ring *r);
/* Producer: ask for a notification once `slots` slots are free. Returns 1
 * if they already are (enable, then check again), 0 to wait. */
int mtl_ring_want_space(struct mtl_ring *r, mtl_u32 slots);

/* Consumer: copy the next record into buf (buf_len >= max_record) and set
 * *len. The record is private once this returns; parse only the copy. Bytes
 * of buf past *len are unspecified. */
int mtl_ring_read(struct mtl_ring *r, void *buf, mtl_u32 buf_len, mtl_u32 *len);
/* Consumer: end of a batch; publishes cons_pos. Returns 1 when the producer
 * must be notified (it waits for space). */
int mtl_ring_done(struct mtl_ring *r);
/* Consumer: ask for a notification on the next record. Returns 1 if one is
 * already published (enable, then check again), 0 to sleep. */
int mtl_ring_want_data(struct mtl_ring *r);

/* Error state: nonzero once the peer broke the protocol. */
static inline mtl_u32 mtl_ring_fault(const struct mtl_ring *r)
{
	return r->fault;
}

#endif /* MANTLE_RING_H */
