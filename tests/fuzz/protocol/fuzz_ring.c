// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: drives both ends of one ring from the input, with a
 * hostile peer that rewrites shared memory between operations. While the
 * peer has not touched the ring, every record read must equal what the
 * producer wrote (a model queue); afterwards only safety holds: no crash, no
 * out-of-bounds access (ASan), lengths within bounds, faults sticky. Every
 * record read is also fed to the packet checks, as a receiver would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mantle_ring.h"
#include "mantle_proto.h"
#include "mantle_pipe.h"

#define MAX_REC 512u
#define QLEN 1024u

struct in {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct in *in, unsigned int bytes)
{
	uint32_t v = 0;

	while (bytes-- && in->n) {
		v = (v << 8) | *in->p++;
		in->n--;
	}
	return v;
}

#define CHECK(c)                          \
	do {                              \
		if (!(c))                 \
			__builtin_trap(); \
	} while (0)

static void parse(const uint8_t *buf, uint32_t len)
{
	const struct mtl_pkt_hdr *h = (const void *)buf;
	struct mtl_msg_version_response resp;

	if (mtl_pkt_check(buf, len) != MTL_STATUS_OK)
		return;
	switch (h->type) {
	case MTL_MSG_VERSION_REQUEST:
		mtl_negotiate((const void *)buf, MTL_VERSION_1_0,
			      MTL_VERSION(1, 3), MTL_F_KNOWN_1_0, &resp);
		CHECK(resp.status != MTL_STATUS_OK ||
		      (resp.version >= MTL_VERSION_1_0 &&
		       resp.version <= MTL_VERSION(1, 3)));
		break;
	case MTL_MSG_PIPE_DATA:
		mtl_pipe_data_check((const void *)buf, len);
		break;
	case MTL_MSG_STORAGE_REQUEST:
		mtl_page_list_check((const void *)(buf + 40), len - 40, 64);
		break;
	case MTL_MSG_ATTEST_REPORT:
		mtl_page_list_check((const void *)(buf + 88), len - 88, 64);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t out[MAX_REC / 8];
	static uint8_t rec[MAX_REC];
	static uint32_t qlen[QLEN];
	static uint8_t qfill[QLEN];
	struct in in = { data, size };
	struct mtl_ring prod, cons;
	uint32_t log2, flags, area_size, qh = 0, qt = 0, len, i;
	int tampered = 0, rc;
	uint8_t *area;

	log2 = MTL_RING_LOG2_MIN + take(&in, 1) % 5; /* 4..64 slots */
	flags = take(&in, 1) & 1 ? MTL_RING_F_EVENT_IDX : 0;
	area_size = MTL_RING_AREA_SIZE(log2);
	area = aligned_alloc(4096, area_size);
	if (!area)
		return 0;
	mtl_ring_area_init(area, log2);
	len = (1u << log2) * MTL_RING_SLOT_DATA;
	len = len < MAX_REC ? len : MAX_REC;
	CHECK(mtl_ring_init(&prod, area, log2, len, MTL_RING_PRODUCER, flags) ==
	      0);
	CHECK(mtl_ring_init(&cons, area, log2, len, MTL_RING_CONSUMER, flags) ==
	      0);

	while (in.n) {
		uint32_t op = take(&in, 1);

		switch (op % 8) {
		case 0: /* producer: a record, or raw packet bytes */
		case 1: {
			uint32_t n = 8 * (1 + take(&in, 1) % (MAX_REC / 8));
			uint8_t fill = (uint8_t)take(&in, 1);

			memset(rec, fill, sizeof(rec));
			if (op & 0x80) { /* packet bytes from the input */
				for (i = 0; i < n && in.n; i++)
					rec[i] = (uint8_t)take(&in, 1);
			}
			rc = mtl_ring_write(&prod, rec, n, NULL, 0);
			if (rc == MTL_RING_OK && !tampered) {
				CHECK(qt - qh < QLEN);
				qlen[qt % QLEN] = n;
				qfill[qt % QLEN] = (op & 0x80) ? 0 : fill;
				qt++;
				if (op & 0x80)
					tampered = 1; /* content unmodelled */
			}
			CHECK(rc != MTL_RING_EPEER ||
			      mtl_ring_fault(&prod) != 0);
			break;
		}
		case 2: /* consumer */
		case 3:
			rc = mtl_ring_read(&cons, out, sizeof(out), &len);
			if (rc == MTL_RING_OK) {
				CHECK(len >= 8 && len <= cons.max_record);
				CHECK(len % 8 == 0);
				if (!tampered) {
					CHECK(qh != qt);
					CHECK(qlen[qh % QLEN] == len);
					for (i = 0; i < len; i++)
						CHECK(((uint8_t *)out)[i] ==
						      qfill[qh % QLEN]);
					qh++;
				}
				parse((const uint8_t *)out, len);
			} else if (rc == MTL_RING_EMPTY) {
				CHECK(tampered || qt - qh == prod.npending);
			} else {
				CHECK(rc == MTL_RING_EPEER);
				CHECK(mtl_ring_fault(&cons) != 0);
			}
			break;
		case 4: /* hostile peer: rewrite one shared word */
		case 5: {
			uint32_t off = (take(&in, 2) * 4) % area_size;
			uint32_t v = take(&in, 4);

			if (op & 0x40) /* aim at a slot seq: plausible values */
				v = (v & 0xF) + cons.pos;
			if (op & 0x20) { /* aim at cons_pos or an event index */
				off = 64 * (v % 3);
				v = prod.pos + (v >> 8) % 9 - 4;
			}
			memcpy(area + off, &v, 4);
			tampered = 1;
			break;
		}
		case 6:
			mtl_ring_flush(&prod);
			mtl_ring_done(&cons);
			break;
		case 7:
			mtl_ring_want_data(&cons);
			mtl_ring_want_space(&prod, take(&in, 1));
			break;
		}
	}
	free(area);
	return 0;
}
