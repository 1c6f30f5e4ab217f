// SPDX-License-Identifier: MIT
/*
 * Checks of received packets (SPEC.md 4 and 7). Freestanding; they read only
 * the receiver's private copy (mtl_ring_read() output), which must be 8-byte
 * aligned.
 */
#include "../include/mantle_proto.h"
#include "../include/mantle_storage.h"
#include "../include/mantle_attest.h"
#include "../include/mantle_pipe.h"

/* Size of a message type: exact for fixed messages, the minimum for those
 * that end in a page list or data; 0 for types this version does not know. */
static mtl_u32 msg_size(mtl_u16 type, int *exact)
{
	*exact = 1;
	switch (type) {
	case MTL_MSG_VERSION_REQUEST:
		return sizeof(struct mtl_msg_version_request);
	case MTL_MSG_VERSION_RESPONSE:
		return sizeof(struct mtl_msg_version_response);
	case MTL_MSG_REQUEST_OFFERS:
	case MTL_MSG_STORAGE_INFO:
	case MTL_MSG_PIPE_EOF:
		return sizeof(struct mtl_pkt_hdr);
	case MTL_MSG_OFFER:
		return sizeof(struct mtl_msg_offer);
	case MTL_MSG_ALL_OFFERS_DELIVERED:
		return sizeof(struct mtl_msg_offers_done);
	case MTL_MSG_OPEN_CHANNEL:
		return sizeof(struct mtl_msg_open_channel);
	case MTL_MSG_CLOSE_CHANNEL:
	case MTL_MSG_RESET_CHANNEL:
		return sizeof(struct mtl_msg_channel);
	case MTL_MSG_OPEN_RESULT:
	case MTL_MSG_CLOSE_RESULT:
	case MTL_MSG_RESET_RESULT:
		return sizeof(struct mtl_msg_result);
	case MTL_MSG_STORAGE_INFO_RESPONSE:
		return sizeof(struct mtl_storage_info);
	case MTL_MSG_STORAGE_RESPONSE:
		return sizeof(struct mtl_storage_response);
	case MTL_MSG_ATTEST_REPORT_RESPONSE:
		return sizeof(struct mtl_attest_response);
	}
	*exact = 0;
	switch (type) {
	case MTL_MSG_STORAGE_REQUEST:
		return sizeof(struct mtl_storage_request);
	case MTL_MSG_ATTEST_REPORT:
		return sizeof(struct mtl_attest_request);
	case MTL_MSG_PIPE_DATA:
		return sizeof(struct mtl_pipe_data) + 8;
	}
	return 0;
}

mtl_u32 mtl_pkt_check(const void *pkt, mtl_u32 len)
{
	const struct mtl_pkt_hdr *h = pkt;
	mtl_u32 want;
	int exact;

	if (!pkt || len < sizeof(*h) || (len & 7) != 0)
		return MTL_STATUS_INVALID_MESSAGE;
	if ((mtl_u32)h->len8 * 8 != len || h->reserved != 0)
		return MTL_STATUS_INVALID_MESSAGE;
	if ((h->flags & ~MTL_PKT_F_KNOWN) != 0 ||
	    (h->flags & MTL_PKT_F_KNOWN) == MTL_PKT_F_KNOWN)
		return MTL_STATUS_INVALID_MESSAGE;
	want = msg_size(h->type, &exact);
	if (want == 0)
		return MTL_STATUS_NOT_SUPPORTED;
	if (exact ? len != want : len < want)
		return MTL_STATUS_INVALID_MESSAGE;
	return MTL_STATUS_OK;
}

mtl_u32 mtl_page_list_check(const struct mtl_page_list *pl, mtl_u32 avail,
			    mtl_u32 max_pages)
{
	/* Packets start 8-byte aligned and every page list sits at an
	 * 8-aligned offset of its message (mantle_storage.h asserts), so the
	 * frame numbers behind it are aligned. */
	const mtl_le64 *gpfn = (const void *)(pl + 1);
	mtl_u32 nr, i;
	mtl_u64 end;

	if (!pl || avail < sizeof(*pl))
		return MTL_STATUS_INVALID_MESSAGE;
	nr = pl->nr_pages;
	if (pl->reserved0 != 0 || pl->reserved1 != 0)
		return MTL_STATUS_INVALID_MESSAGE;
	/* The list is the message's last field: it must fill it exactly. */
	if ((avail - sizeof(*pl)) / 8 != nr || (avail - sizeof(*pl)) % 8 != 0)
		return MTL_STATUS_INVALID_MESSAGE;
	if (nr == 0)
		return pl->len == 0 && pl->offset == 0 ?
			       MTL_STATUS_OK :
			       MTL_STATUS_INVALID_MESSAGE;
	if (nr > max_pages || nr > MTL_PAGE_LIST_MAX)
		return MTL_STATUS_INVALID_PAGES;
	if (pl->offset >= MTL_PAGE_SIZE || pl->len == 0)
		return MTL_STATUS_INVALID_PAGES;
	end = (mtl_u64)pl->offset + pl->len;
	if ((end + MTL_PAGE_SIZE - 1) / MTL_PAGE_SIZE != nr)
		return MTL_STATUS_INVALID_PAGES;
	for (i = 0; i < nr; i++)
		if (gpfn[i] > (~(mtl_u64)0 >> MTL_PAGE_SHIFT))
			return MTL_STATUS_INVALID_PAGES;
	return MTL_STATUS_OK;
}

mtl_u32 mtl_pipe_data_check(const struct mtl_pipe_data *p, mtl_u32 len)
{
	mtl_u32 room, i;

	if (!p || len < sizeof(*p) + 8 || p->reserved0 != 0)
		return MTL_STATUS_INVALID_MESSAGE;
	room = len - sizeof(*p);
	if (p->byte_count == 0 || p->byte_count > room ||
	    room - p->byte_count > 7)
		return MTL_STATUS_INVALID_MESSAGE;
	for (i = p->byte_count; i < room; i++)
		if (p->data[i] != 0)
			return MTL_STATUS_INVALID_MESSAGE;
	return MTL_STATUS_OK;
}
