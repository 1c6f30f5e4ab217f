// SPDX-License-Identifier: MIT
/* The frame codec (SPEC.md §3) and the library's error strings; the
 * messages inside frames are msg.c's. */
#include <string.h>
#include <zlib.h>

#include "mantle_bytes.h"
#include "mantle_hostif.h"

static const char *const errs[HOSTIF_E_COUNT] = {
	[HOSTIF_OK] = "success",
	[HOSTIF_E_MAGIC] = "no frame magic (bytes skipped)",
	[HOSTIF_E_LENGTH] = "impossible frame length",
	[HOSTIF_E_CRC] = "frame CRC-32 mismatch",
	[HOSTIF_E_VERSION] = "frame version is not the negotiated one",
	[HOSTIF_E_TYPE] = "unknown message type",
	[HOSTIF_E_RESERVED] = "reserved field or flag not zero",
	[HOSTIF_E_PAYLOAD] = "malformed payload",
	[HOSTIF_E_TIMEOUT] = "no valid reply in time",
	[HOSTIF_E_IO] = "channel read/write failed",
	[HOSTIF_E_CLOSED] = "channel closed by the peer",
	[HOSTIF_E_REFUSED] = "no common protocol version",
	[HOSTIF_E_STATUS] = "peer reported an error",
	[HOSTIF_E_INVAL] = "invalid argument",
	[HOSTIF_E_NOMEM] = "out of memory",
	[HOSTIF_E_STATE] = "not valid in this session state",
};

const char *hostif_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= HOSTIF_E_COUNT)
		return "unknown error";
	return errs[err];
}

uint32_t hostif_crc(const uint8_t hdr[HOSTIF_HDR_SIZE], const uint8_t *payload,
		    size_t len)
{
	uLong c = crc32(0L, Z_NULL, 0);

	c = crc32(c, hdr, HOSTIF_OFF_CRC);
	/* zlib takes uInt lengths: payloads are far below 4 GiB. */
	if (len)
		c = crc32(c, payload, (uInt)len);
	return (uint32_t)c;
}

size_t hostif_frame_encode(uint8_t *out, size_t cap, const struct hostif_hdr *h,
			   const void *p1, size_t n1, const void *p2, size_t n2)
{
	size_t len = n1 + n2;

	if (!out || !h || n1 > HOSTIF_MAX_PAYLOAD ||
	    n2 > HOSTIF_MAX_PAYLOAD - n1 || cap < HOSTIF_HDR_SIZE ||
	    len > cap - HOSTIF_HDR_SIZE || (n1 && !p1) || (n2 && !p2))
		return 0;
	put_le32(out + HOSTIF_OFF_MAGIC, HOSTIF_MAGIC);
	out[HOSTIF_OFF_MAJOR] = h->major;
	out[HOSTIF_OFF_MINOR] = h->minor;
	put_le16(out + HOSTIF_OFF_TYPE, h->type);
	put_le16(out + HOSTIF_OFF_FLAGS, h->flags);
	put_le16(out + HOSTIF_OFF_RSVD, 0);
	put_le32(out + HOSTIF_OFF_LEN, (uint32_t)len);
	put_le64(out + HOSTIF_OFF_SEQ, h->seq);
	put_le32(out + HOSTIF_OFF_REQID, h->req_id);
	if (n1)
		memcpy(out + HOSTIF_HDR_SIZE, p1, n1);
	if (n2)
		memcpy(out + HOSTIF_HDR_SIZE + n1, p2, n2);
	put_le32(out + HOSTIF_OFF_CRC,
		 hostif_crc(out, out + HOSTIF_HDR_SIZE, len));
	return HOSTIF_HDR_SIZE + len;
}

void hostif_hdr_decode(const uint8_t b[HOSTIF_HDR_SIZE], struct hostif_hdr *h)
{
	h->magic = get_le32(b + HOSTIF_OFF_MAGIC);
	h->major = b[HOSTIF_OFF_MAJOR];
	h->minor = b[HOSTIF_OFF_MINOR];
	h->type = get_le16(b + HOSTIF_OFF_TYPE);
	h->flags = get_le16(b + HOSTIF_OFF_FLAGS);
	h->reserved = get_le16(b + HOSTIF_OFF_RSVD);
	h->len = get_le32(b + HOSTIF_OFF_LEN);
	h->seq = get_le64(b + HOSTIF_OFF_SEQ);
	h->req_id = get_le32(b + HOSTIF_OFF_REQID);
	h->crc = get_le32(b + HOSTIF_OFF_CRC);
}
