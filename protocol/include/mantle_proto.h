/* SPDX-License-Identifier: MIT */
/*
 * Mantle protocol 1.0: packet header, guest-visible status codes, data buffer
 * page lists and the bus control messages (SPEC.md sections 3, 4, 7, 8).
 *
 * Every packet starts with this header and is a multiple of 8 bytes:
 *
 *   0       2       4       6       8                               16
 *   +-------+-------+-------+-------+-------------------------------+
 *   | type  | flags | len8  | rsvd  |             txid              |
 *   +-------+-------+-------+-------+-------------------------------+
 */
#ifndef MANTLE_PROTO_H
#define MANTLE_PROTO_H

#include "mantle_types.h"
#include "mantle_discovery.h"
#include "mantle_ring.h"

/* Channel 0 is the bus control channel; its rings sit in the bus area. */
#define MTL_CHANNEL_CONTROL 0u
/* Largest packet on either control ring. */
#define MTL_CONTROL_MAX_RECORD 512u
/* Bus control area (SPEC.md 4.1): the control channel's G2P ring area, then
 * its P2G ring area; log2 is CPUID B+3 ECX[7:0]. */
#define MTL_BUS_G2P_OFFSET 0u
#define MTL_BUS_P2G_OFFSET(log2) MTL_RING_AREA_SIZE(log2)
#define MTL_BUS_AREA_SIZE(log2) (2u * MTL_RING_AREA_SIZE(log2))
#define MTL_PAGE_SIZE 4096u
#define MTL_PAGE_SHIFT 12u

struct mtl_pkt_hdr {
	mtl_le16 type; /* MTL_MSG_* */
	mtl_le16 flags; /* MTL_PKT_F_* */
	mtl_le16 len8; /* whole packet, header included, in 8-byte units */
	mtl_le16 reserved; /* 0 */
	mtl_le64 txid; /* chosen by the requester; echoed by completions */
};
MTL_ASSERT_SIZE(struct mtl_pkt_hdr, 16);
MTL_ASSERT_OFFSET(struct mtl_pkt_hdr, len8, 4);
MTL_ASSERT_OFFSET(struct mtl_pkt_hdr, txid, 8);

/* The sender wants exactly one completion carrying the same txid. */
#define MTL_PKT_F_COMPLETION_REQUESTED 0x0001u
/* This packet completes the request with the same txid. */
#define MTL_PKT_F_COMPLETION 0x0002u
#define MTL_PKT_F_KNOWN (MTL_PKT_F_COMPLETION_REQUESTED | MTL_PKT_F_COMPLETION)

/* Message types. 0x00xx bus control, 0x01xx storage, 0x02xx attestation,
 * 0x03xx pipe. */
enum mtl_msg_type {
	MTL_MSG_VERSION_REQUEST = 0x0001,
	MTL_MSG_VERSION_RESPONSE = 0x0002,
	MTL_MSG_REQUEST_OFFERS = 0x0003,
	MTL_MSG_OFFER = 0x0004,
	MTL_MSG_ALL_OFFERS_DELIVERED = 0x0005,
	MTL_MSG_OPEN_CHANNEL = 0x0010,
	MTL_MSG_OPEN_RESULT = 0x0011,
	MTL_MSG_CLOSE_CHANNEL = 0x0012,
	MTL_MSG_CLOSE_RESULT = 0x0013,
	MTL_MSG_RESET_CHANNEL = 0x0014,
	MTL_MSG_RESET_RESULT = 0x0015,
	MTL_MSG_STORAGE_INFO = 0x0100,
	MTL_MSG_STORAGE_INFO_RESPONSE = 0x0101,
	MTL_MSG_STORAGE_REQUEST = 0x0102,
	MTL_MSG_STORAGE_RESPONSE = 0x0103,
	MTL_MSG_ATTEST_REPORT = 0x0200,
	MTL_MSG_ATTEST_REPORT_RESPONSE = 0x0201,
	MTL_MSG_PIPE_DATA = 0x0300,
	MTL_MSG_PIPE_EOF = 0x0301,
};

/*
 * Guest-visible status codes: stable, carried in le32 status fields. The
 * paravisor's internal errors never reach the wire; each maps to one of these.
 * New codes are only ever appended.
 */
enum mtl_status {
	MTL_STATUS_OK = 0,
	MTL_STATUS_VERSION_UNSUPPORTED = 1, /* no offered version acceptable */
	MTL_STATUS_INVALID_MESSAGE = 2, /* malformed packet or field */
	MTL_STATUS_UNKNOWN_CHANNEL = 3, /* no such channel id */
	MTL_STATUS_CHANNEL_STATE = 4, /* not valid in the channel's state */
	MTL_STATUS_INVALID_RING = 5, /* ring address or geometry refused */
	MTL_STATUS_NO_RESOURCES = 6, /* try again later */
	MTL_STATUS_BUFFER_TOO_SMALL = 7, /* the response sizes say how much */
	MTL_STATUS_INVALID_PAGES = 8, /* page list outside guest memory */
	MTL_STATUS_NOT_SUPPORTED = 9, /* unknown type, report type, lun */
	MTL_STATUS_IO_ERROR = 10, /* the backing device failed */
	MTL_STATUS_ABORTED = 11, /* dropped by a channel reset/close */
	MTL_STATUS_PROTOCOL_ERROR = 12, /* peer broke the ring; channel dead */
};
#define MTL_STATUS_COUNT 13u

/*
 * Data buffer descriptor: a byte range over a list of guest-physical pages.
 *
 *   0       4       8   10  12      16
 *   +-------+-------+---+---+-------+---------+---------+--
 *   |offset |  len  |nr |rsv| rsvd  | gpfn[0] | gpfn[1] | ...
 *   +-------+-------+---+---+-------+---------+---------+--
 *
 * The range starts `offset` bytes into gpfn[0] and covers `len` bytes;
 * nr_pages is exactly the number of pages it touches. A list is always
 * the last field of its message.
 */
struct mtl_page_list {
	mtl_le32 offset; /* < MTL_PAGE_SIZE */
	mtl_le32 len; /* bytes, > 0 */
	mtl_le16 nr_pages;
	mtl_le16 reserved0;
	mtl_le32 reserved1;
	/* followed by mtl_le64 gpfn[nr_pages]: guest page frame numbers
	 * (GPA >> 12); the enclosing message declares them */
};
MTL_ASSERT_SIZE(struct mtl_page_list, 16);
/* At most this many pages in one list (1 MiB). */
#define MTL_PAGE_LIST_MAX 256u

/* --- bus control channel ------------------------------------------------ */

#define MTL_MAX_OFFERED_VERSIONS 8u

/* Guest -> paravisor, first message on the bus. */
struct mtl_msg_version_request {
	struct mtl_pkt_hdr hdr;
	mtl_le32 nr_versions; /* 1..MTL_MAX_OFFERED_VERSIONS */
	mtl_le32 reserved0;
	mtl_le32 versions
		[MTL_MAX_OFFERED_VERSIONS]; /* MTL_VERSION(); unused 0 */
	mtl_le64 features; /* MTL_F_* the guest supports */
};
MTL_ASSERT_SIZE(struct mtl_msg_version_request, 64);
MTL_ASSERT_OFFSET(struct mtl_msg_version_request, versions, 24);
MTL_ASSERT_OFFSET(struct mtl_msg_version_request, features, 56);

/* Paravisor -> guest, completion of the version request. */
struct mtl_msg_version_response {
	struct mtl_pkt_hdr hdr;
	mtl_le32 status; /* OK or VERSION_UNSUPPORTED or INVALID_MESSAGE */
	mtl_le32 version; /* chosen version; 0 on refusal */
	mtl_le32 version_min; /* the paravisor's range, always filled */
	mtl_le32 version_max;
	mtl_le64 features; /* accepted: offered & supported; 0 on refusal */
};
MTL_ASSERT_SIZE(struct mtl_msg_version_response, 40);
MTL_ASSERT_OFFSET(struct mtl_msg_version_response, features, 32);

/* Device classes. */
enum mtl_device_class {
	MTL_CLASS_STORAGE = 1,
	MTL_CLASS_ATTEST = 2,
	MTL_CLASS_PIPE = 3,
};

/* Paravisor -> guest, one per channel, after MTL_MSG_REQUEST_OFFERS. */
struct mtl_msg_offer {
	struct mtl_pkt_hdr hdr;
	mtl_le32 channel_id; /* nonzero */
	mtl_le16 device_class;
	mtl_le16 reserved0;
	mtl_le32 class_version; /* highest MTL_VERSION() of the class offered */
	mtl_le32 max_record; /* largest packet accepted on the g2p ring */
	mtl_u8 instance_id[16]; /* stable per device instance */
	mtl_le32 flags; /* 0 in 1.0 */
	mtl_le32 reserved1;
};
MTL_ASSERT_SIZE(struct mtl_msg_offer, 56);
MTL_ASSERT_OFFSET(struct mtl_msg_offer, instance_id, 32);

/* Paravisor -> guest, after the last offer; completes REQUEST_OFFERS. */
struct mtl_msg_offers_done {
	struct mtl_pkt_hdr hdr;
	mtl_le32 nr_offers;
	mtl_le32 reserved0;
};
MTL_ASSERT_SIZE(struct mtl_msg_offers_done, 24);

/* Guest -> paravisor: attach two ring areas to an offered channel. */
struct mtl_msg_open_channel {
	struct mtl_pkt_hdr hdr;
	mtl_le32 channel_id;
	mtl_le32 class_version; /* <= the offered class_version */
	mtl_le64 g2p_ring_gpa; /* guest -> paravisor ring area, 4 KiB aligned */
	mtl_le64 p2g_ring_gpa; /* paravisor -> guest ring area */
	mtl_u8 g2p_log2; /* slot counts, MTL_RING_LOG2_MIN..MAX */
	mtl_u8 p2g_log2;
	mtl_le16 reserved0;
	mtl_le32 max_record; /* largest packet the guest accepts on p2g */
};
MTL_ASSERT_SIZE(struct mtl_msg_open_channel, 48);
MTL_ASSERT_OFFSET(struct mtl_msg_open_channel, g2p_ring_gpa, 24);
MTL_ASSERT_OFFSET(struct mtl_msg_open_channel, g2p_log2, 40);

/* Guest -> paravisor: close or reset a channel. */
struct mtl_msg_channel {
	struct mtl_pkt_hdr hdr;
	mtl_le32 channel_id;
	mtl_le32 reserved0;
};
MTL_ASSERT_SIZE(struct mtl_msg_channel, 24);

/* Paravisor -> guest: OPEN_RESULT, CLOSE_RESULT, RESET_RESULT. */
struct mtl_msg_result {
	struct mtl_pkt_hdr hdr;
	mtl_le32 channel_id;
	mtl_le32 status;
};
MTL_ASSERT_SIZE(struct mtl_msg_result, 24);

/* --- shared helpers (protocol/src/, freestanding) --------------------------
 * Each returns an enum mtl_status. They read only private copies. */

/* Choose a version from a request (SPEC.md 3.2) and fill the response. */
mtl_u32 mtl_negotiate(const struct mtl_msg_version_request *req, mtl_u32 pv_min,
		      mtl_u32 pv_max, mtl_u64 pv_features,
		      struct mtl_msg_version_response *resp);
/* The acceptable version for one offer, or 0. */
mtl_u32 mtl_version_pick(mtl_u32 offered, mtl_u32 pv_min, mtl_u32 pv_max);
/* Check a received packet of len bytes: header, length, flags, reserved. */
mtl_u32 mtl_pkt_check(const void *pkt, mtl_u32 len);
/* Check a page list that starts `avail` bytes before the packet's end. */
mtl_u32 mtl_page_list_check(const struct mtl_page_list *pl, mtl_u32 avail,
			    mtl_u32 max_pages);

#endif /* MANTLE_PROTO_H */
