// SPDX-License-Identifier: MIT
/* Checks of received packets: header, per-type sizes, page lists and pipe
 * data, each with the malformed cases a hostile sender can produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mantle_proto.h"
#include "mantle_storage.h"
#include "mantle_attest.h"
#include "mantle_pipe.h"

/* 8-byte aligned scratch, as the ring's output buffer is. */
static mtl_u64 scratch[128];

static struct mtl_pkt_hdr *pkt(mtl_u16 type, mtl_u32 len)
{
	struct mtl_pkt_hdr *h = (struct mtl_pkt_hdr *)scratch;

	memset(scratch, 0, sizeof(scratch));
	h->type = type;
	h->len8 = (mtl_u16)(len / 8);
	h->txid = 9;
	return h;
}

static void test_header_checks(void **state)
{
	struct mtl_pkt_hdr *h;

	(void)state;
	h = pkt(MTL_MSG_REQUEST_OFFERS, 16);
	assert_int_equal(mtl_pkt_check(h, 16), MTL_STATUS_OK);
	assert_int_equal(mtl_pkt_check(h, 8), MTL_STATUS_INVALID_MESSAGE);
	assert_int_equal(mtl_pkt_check(h, 20), MTL_STATUS_INVALID_MESSAGE);
	assert_int_equal(mtl_pkt_check(h, 24), MTL_STATUS_INVALID_MESSAGE);
	h->len8 = 3; /* disagrees with the ring's length */
	assert_int_equal(mtl_pkt_check(h, 16), MTL_STATUS_INVALID_MESSAGE);
	h = pkt(MTL_MSG_REQUEST_OFFERS, 16);
	h->reserved = 1;
	assert_int_equal(mtl_pkt_check(h, 16), MTL_STATUS_INVALID_MESSAGE);
	h = pkt(MTL_MSG_REQUEST_OFFERS, 16);
	h->flags = 0x8000;
	assert_int_equal(mtl_pkt_check(h, 16), MTL_STATUS_INVALID_MESSAGE);
	h->flags = MTL_PKT_F_COMPLETION | MTL_PKT_F_COMPLETION_REQUESTED;
	assert_int_equal(mtl_pkt_check(h, 16), MTL_STATUS_INVALID_MESSAGE);
	h = pkt(0x7777, 16);
	assert_int_equal(mtl_pkt_check(h, 16), MTL_STATUS_NOT_SUPPORTED);
	assert_int_equal(mtl_pkt_check(NULL, 16), MTL_STATUS_INVALID_MESSAGE);
}

static void test_fixed_sizes_are_exact(void **state)
{
	static const struct {
		mtl_u16 type;
		mtl_u32 size;
	} t[] = {
		{ MTL_MSG_VERSION_REQUEST, 64 },
		{ MTL_MSG_VERSION_RESPONSE, 40 },
		{ MTL_MSG_OFFER, 56 },
		{ MTL_MSG_OPEN_CHANNEL, 48 },
		{ MTL_MSG_CLOSE_CHANNEL, 24 },
		{ MTL_MSG_RESET_RESULT, 24 },
		{ MTL_MSG_STORAGE_RESPONSE, 96 },
		{ MTL_MSG_ATTEST_REPORT_RESPONSE, 40 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(
			mtl_pkt_check(pkt(t[i].type, t[i].size), t[i].size),
			MTL_STATUS_OK);
		assert_int_equal(mtl_pkt_check(pkt(t[i].type, t[i].size + 8),
					       t[i].size + 8),
				 MTL_STATUS_INVALID_MESSAGE);
		assert_int_equal(mtl_pkt_check(pkt(t[i].type, t[i].size - 8),
					       t[i].size - 8),
				 MTL_STATUS_INVALID_MESSAGE);
	}
	/* Variable messages have a minimum. */
	assert_int_equal(mtl_pkt_check(pkt(MTL_MSG_STORAGE_REQUEST, 48), 48),
			 MTL_STATUS_INVALID_MESSAGE);
	assert_int_equal(mtl_pkt_check(pkt(MTL_MSG_STORAGE_REQUEST, 72), 72),
			 MTL_STATUS_OK);
}

static void test_bus_area_layout(void **state)
{
	(void)state;
	/* 64-slot control rings: a control page and one page of slots each. */
	assert_int_equal(MTL_RING_AREA_SIZE(6), 8192);
	assert_int_equal(MTL_BUS_P2G_OFFSET(6), 8192);
	assert_int_equal(MTL_BUS_AREA_SIZE(6), 16384);
	/* 4 slots still take a whole page of slots. */
	assert_int_equal(MTL_RING_AREA_SIZE(2), 8192);
	assert_int_equal(MTL_RING_AREA_SIZE(16), 4096 + (64u << 16));
}

static struct mtl_page_list *list(mtl_u32 off, mtl_u32 len, mtl_u16 nr)
{
	struct mtl_page_list *pl = (struct mtl_page_list *)scratch;
	mtl_u64 *gpfn = (mtl_u64 *)(pl + 1);
	mtl_u16 i;

	memset(scratch, 0, sizeof(scratch));
	pl->offset = off;
	pl->len = len;
	pl->nr_pages = nr;
	for (i = 0; i < nr; i++)
		gpfn[i] = 0x100 + i;
	return pl;
}

static void test_page_lists(void **state)
{
	struct mtl_page_list *pl;

	(void)state;
	assert_int_equal(mtl_page_list_check(list(0, 4096, 1), 24, 8),
			 MTL_STATUS_OK);
	assert_int_equal(mtl_page_list_check(list(4000, 200, 2), 32, 8),
			 MTL_STATUS_OK);
	assert_int_equal(mtl_page_list_check(list(0, 0, 0), 16, 8),
			 MTL_STATUS_OK);
	/* Empty list with a length. */
	assert_int_equal(mtl_page_list_check(list(0, 8, 0), 16, 8),
			 MTL_STATUS_INVALID_MESSAGE);
	/* Page count disagrees with offset + len, both ways. */
	assert_int_equal(mtl_page_list_check(list(4000, 200, 1), 24, 8),
			 MTL_STATUS_INVALID_PAGES);
	assert_int_equal(mtl_page_list_check(list(0, 4096, 2), 32, 8),
			 MTL_STATUS_INVALID_PAGES);
	/* Offset outside the first page, zero length. */
	assert_int_equal(mtl_page_list_check(list(4096, 8, 2), 32, 8),
			 MTL_STATUS_INVALID_PAGES);
	assert_int_equal(mtl_page_list_check(list(8, 0, 1), 24, 8),
			 MTL_STATUS_INVALID_PAGES);
	/* More entries than the packet holds, or than it should. */
	assert_int_equal(mtl_page_list_check(list(0, 4096, 1), 16, 8),
			 MTL_STATUS_INVALID_MESSAGE);
	assert_int_equal(mtl_page_list_check(list(0, 4096, 1), 32, 8),
			 MTL_STATUS_INVALID_MESSAGE);
	assert_int_equal(mtl_page_list_check(list(0, 4096, 1), 8, 8),
			 MTL_STATUS_INVALID_MESSAGE);
	/* Over the receiver's limit. */
	assert_int_equal(mtl_page_list_check(list(0, 3 * 4096, 3), 40, 2),
			 MTL_STATUS_INVALID_PAGES);
	/* A frame number whose address overflows 64 bits. */
	pl = list(0, 4096, 1);
	((mtl_u64 *)(pl + 1))[0] = 1ull << 52;
	assert_int_equal(mtl_page_list_check(pl, 24, 8),
			 MTL_STATUS_INVALID_PAGES);
	pl = list(0, 4096, 1);
	pl->reserved1 = 5;
	assert_int_equal(mtl_page_list_check(pl, 24, 8),
			 MTL_STATUS_INVALID_MESSAGE);
}

static void test_pipe_data(void **state)
{
	struct mtl_pipe_data *p;

	(void)state;
	p = (struct mtl_pipe_data *)pkt(MTL_MSG_PIPE_DATA, 40);
	p->byte_count = 13;
	memset(p->data, 'x', 13);
	assert_int_equal(mtl_pkt_check(p, 40), MTL_STATUS_OK);
	assert_int_equal(mtl_pipe_data_check(p, 40), MTL_STATUS_OK);
	p->byte_count = 17; /* past the packet */
	assert_int_equal(mtl_pipe_data_check(p, 40),
			 MTL_STATUS_INVALID_MESSAGE);
	p->byte_count = 8; /* 8 bytes of padding: too much */
	assert_int_equal(mtl_pipe_data_check(p, 40),
			 MTL_STATUS_INVALID_MESSAGE);
	p->byte_count = 0;
	assert_int_equal(mtl_pipe_data_check(p, 40),
			 MTL_STATUS_INVALID_MESSAGE);
	p->byte_count = 12; /* padding must be zero: byte 12 is 'x' */
	assert_int_equal(mtl_pipe_data_check(p, 40),
			 MTL_STATUS_INVALID_MESSAGE);
	p->byte_count = 16;
	assert_int_equal(mtl_pipe_data_check(p, 40), MTL_STATUS_OK);
	p->reserved0 = 1;
	assert_int_equal(mtl_pipe_data_check(p, 40),
			 MTL_STATUS_INVALID_MESSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_fixed_sizes_are_exact),
		cmocka_unit_test(test_page_lists),
		cmocka_unit_test(test_pipe_data),
		cmocka_unit_test(test_bus_area_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
