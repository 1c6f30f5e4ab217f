// SPDX-License-Identifier: MIT
/* Frame and payload codecs, per-type validation (SPEC.md §3-§6). */
#include <string.h>
#include <zlib.h>

#include "le.h"
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
	put32(out + HOSTIF_OFF_MAGIC, HOSTIF_MAGIC);
	out[HOSTIF_OFF_MAJOR] = h->major;
	out[HOSTIF_OFF_MINOR] = h->minor;
	put16(out + HOSTIF_OFF_TYPE, h->type);
	put16(out + HOSTIF_OFF_FLAGS, h->flags);
	put16(out + HOSTIF_OFF_RSVD, 0);
	put32(out + HOSTIF_OFF_LEN, (uint32_t)len);
	put64(out + HOSTIF_OFF_SEQ, h->seq);
	put32(out + HOSTIF_OFF_REQID, h->req_id);
	if (n1)
		memcpy(out + HOSTIF_HDR_SIZE, p1, n1);
	if (n2)
		memcpy(out + HOSTIF_HDR_SIZE + n1, p2, n2);
	put32(out + HOSTIF_OFF_CRC,
	      hostif_crc(out, out + HOSTIF_HDR_SIZE, len));
	return HOSTIF_HDR_SIZE + len;
}

void hostif_hdr_decode(const uint8_t b[HOSTIF_HDR_SIZE], struct hostif_hdr *h)
{
	h->magic = le32(b + HOSTIF_OFF_MAGIC);
	h->major = b[HOSTIF_OFF_MAJOR];
	h->minor = b[HOSTIF_OFF_MINOR];
	h->type = le16(b + HOSTIF_OFF_TYPE);
	h->flags = le16(b + HOSTIF_OFF_FLAGS);
	h->reserved = le16(b + HOSTIF_OFF_RSVD);
	h->len = le32(b + HOSTIF_OFF_LEN);
	h->seq = le64(b + HOSTIF_OFF_SEQ);
	h->req_id = le32(b + HOSTIF_OFF_REQID);
	h->crc = le32(b + HOSTIF_OFF_CRC);
}

int hostif_type_len_bounds(uint16_t type, uint32_t *min, uint32_t *max)
{
	uint32_t lo, hi;

	switch (type) {
	case HOSTIF_T_HELLO:
		lo = hi = HOSTIF_HELLO_SIZE;
		break;
	case HOSTIF_T_HELLO_REPLY:
		lo = hi = HOSTIF_HELLO_REPLY_SIZE;
		break;
	case HOSTIF_T_VMGS_INFO:
	case HOSTIF_T_VMGS_FLUSH:
		lo = hi = 0;
		break;
	case HOSTIF_T_VMGS_INFO_REPLY:
		lo = hi = HOSTIF_INFO_REPLY_SIZE;
		break;
	case HOSTIF_T_VMGS_READ:
		lo = hi = HOSTIF_RW_HDR;
		break;
	case HOSTIF_T_VMGS_READ_REPLY:
		lo = HOSTIF_RW_HDR;
		hi = HOSTIF_MAX_PAYLOAD;
		break;
	case HOSTIF_T_VMGS_WRITE:
		lo = HOSTIF_RW_HDR + HOSTIF_SECTOR;
		hi = HOSTIF_MAX_PAYLOAD;
		break;
	case HOSTIF_T_VMGS_WRITE_REPLY:
	case HOSTIF_T_VMGS_FLUSH_REPLY:
		lo = hi = HOSTIF_STATUS_REPLY_SIZE;
		break;
	case HOSTIF_T_EVENT:
		lo = hi = HOSTIF_EVENT_SIZE;
		break;
	case HOSTIF_T_LOG:
		lo = HOSTIF_LOG_HDR + 1;
		hi = HOSTIF_LOG_HDR + HOSTIF_LOG_MAX;
		break;
	default:
		return -HOSTIF_E_TYPE;
	}
	if (min)
		*min = lo;
	if (max)
		*max = hi;
	return 0;
}

static int valid_range(const struct hostif_hello *h)
{
	return h->min_major > 0 &&
	       (h->min_major < h->max_major ||
		(h->min_major == h->max_major && h->min_minor <= h->max_minor));
}

/* Data is exactly count sectors of HOSTIF_SECTOR bytes. */
static int data_ok(uint32_t count, uint32_t len)
{
	return (uint64_t)count * HOSTIF_SECTOR == len - HOSTIF_RW_HDR;
}

static int validate_payload(uint16_t type, const uint8_t *p, uint32_t len)
{
	switch (type) {
	case HOSTIF_T_HELLO:
		return le32(p + 4) ? -HOSTIF_E_RESERVED : 0;
	case HOSTIF_T_HELLO_REPLY:
		return le16(p + 18) || le32(p + 20) ? -HOSTIF_E_RESERVED : 0;
	case HOSTIF_T_VMGS_READ:
		if (le32(p + 12))
			return -HOSTIF_E_RESERVED;
		if (!le32(p + 8) ||
		    le32(p + 8) > HOSTIF_MAX_DATA / HOSTIF_SECTOR)
			return -HOSTIF_E_PAYLOAD;
		return 0;
	case HOSTIF_T_VMGS_READ_REPLY:
		/* An error reply carries no data. */
		if (le32(p) != HOSTIF_S_OK)
			return len == HOSTIF_RW_HDR && !le32(p + 4) ?
				       0 :
				       -HOSTIF_E_PAYLOAD;
		return le32(p + 4) && data_ok(le32(p + 4), len) ?
			       0 :
			       -HOSTIF_E_PAYLOAD;
	case HOSTIF_T_VMGS_WRITE:
		if (le32(p + 12))
			return -HOSTIF_E_RESERVED;
		return data_ok(le32(p + 8), len) ? 0 : -HOSTIF_E_PAYLOAD;
	case HOSTIF_T_VMGS_FLUSH_REPLY:
		return le32(p + 4) ? -HOSTIF_E_RESERVED : 0;
	case HOSTIF_T_EVENT:
		return le16(p + 6) ? -HOSTIF_E_RESERVED : 0;
	case HOSTIF_T_LOG:
		if (p[1] || p[2] || p[3])
			return -HOSTIF_E_RESERVED;
		/* Printable ASCII and tab only: no terminal or log injection. */
		for (uint32_t i = HOSTIF_LOG_HDR; i < len; i++)
			if ((p[i] < 0x20 && p[i] != '\t') || p[i] > 0x7e)
				return -HOSTIF_E_PAYLOAD;
		return 0;
	default:
		return 0;
	}
}

int hostif_msg_validate(const struct hostif_frame *f)
{
	uint32_t lo, hi;
	int r = hostif_type_len_bounds(f->h.type, &lo, &hi);

	if (r)
		return r;
	if (f->h.len < lo || f->h.len > hi)
		return -HOSTIF_E_LENGTH;
	if (f->h.flags || f->h.reserved)
		return -HOSTIF_E_RESERVED;
	/* One-way messages carry no request id; requests need one. */
	if (f->h.type == HOSTIF_T_EVENT || f->h.type == HOSTIF_T_LOG) {
		if (f->h.req_id)
			return -HOSTIF_E_RESERVED;
	} else if (!f->h.req_id) {
		return -HOSTIF_E_PAYLOAD;
	}
	return validate_payload(f->h.type, f->payload, f->h.len);
}

void hostif_hello_put(uint8_t out[HOSTIF_HELLO_SIZE],
		      const struct hostif_hello *m)
{
	out[0] = m->min_major;
	out[1] = m->min_minor;
	out[2] = m->max_major;
	out[3] = m->max_minor;
	put32(out + 4, 0);
	put64(out + 8, m->features);
}

void hostif_hello_reply_put(uint8_t out[HOSTIF_HELLO_REPLY_SIZE],
			    const struct hostif_hello_reply *m)
{
	put32(out, m->status);
	out[4] = m->range.min_major;
	out[5] = m->range.min_minor;
	out[6] = m->range.max_major;
	out[7] = m->range.max_minor;
	put64(out + 8, m->range.features);
	out[16] = m->major;
	out[17] = m->minor;
	put16(out + 18, 0);
	put32(out + 20, 0);
}

void hostif_info_reply_put(uint8_t out[HOSTIF_INFO_REPLY_SIZE],
			   const struct hostif_info_reply *m)
{
	put32(out, m->status);
	put32(out + 4, m->sector_size);
	put64(out + 8, m->sector_count);
}

void hostif_rw_put(uint8_t out[HOSTIF_RW_HDR], const struct hostif_rw *m)
{
	put64(out, m->lba);
	put32(out + 8, m->count);
	put32(out + 12, 0);
}

void hostif_read_reply_put(uint8_t out[HOSTIF_RW_HDR],
			   const struct hostif_read_reply *m)
{
	put32(out, m->status);
	put32(out + 4, m->count);
	put64(out + 8, m->lba);
}

void hostif_status_reply_put(uint8_t out[HOSTIF_STATUS_REPLY_SIZE],
			     const struct hostif_status_reply *m)
{
	put32(out, m->status);
	put32(out + 4, m->count);
}

void hostif_event_put(uint8_t out[HOSTIF_EVENT_SIZE],
		      const struct hostif_event *m)
{
	put32(out, m->device);
	put16(out + 4, m->vector);
	put16(out + 6, 0);
}

void hostif_log_put(uint8_t out[HOSTIF_LOG_HDR], uint8_t level)
{
	out[0] = level;
	out[1] = out[2] = out[3] = 0;
}

static int check(const struct hostif_frame *f, uint16_t type)
{
	if (f->h.type != type)
		return -HOSTIF_E_TYPE;
	return hostif_msg_validate(f);
}

int hostif_hello_get(const struct hostif_frame *f, struct hostif_hello *m)
{
	int r = check(f, HOSTIF_T_HELLO);

	if (r)
		return r;
	m->min_major = f->payload[0];
	m->min_minor = f->payload[1];
	m->max_major = f->payload[2];
	m->max_minor = f->payload[3];
	m->features = le64(f->payload + 8);
	return valid_range(m) ? 0 : -HOSTIF_E_PAYLOAD;
}

int hostif_hello_reply_get(const struct hostif_frame *f,
			   struct hostif_hello_reply *m)
{
	int r = check(f, HOSTIF_T_HELLO_REPLY);

	if (r)
		return r;
	m->status = le32(f->payload);
	m->range.min_major = f->payload[4];
	m->range.min_minor = f->payload[5];
	m->range.max_major = f->payload[6];
	m->range.max_minor = f->payload[7];
	m->range.features = le64(f->payload + 8);
	m->major = f->payload[16];
	m->minor = f->payload[17];
	return valid_range(&m->range) ? 0 : -HOSTIF_E_PAYLOAD;
}

int hostif_info_reply_get(const struct hostif_frame *f,
			  struct hostif_info_reply *m)
{
	int r = check(f, HOSTIF_T_VMGS_INFO_REPLY);

	if (r)
		return r;
	m->status = le32(f->payload);
	m->sector_size = le32(f->payload + 4);
	m->sector_count = le64(f->payload + 8);
	return 0;
}

int hostif_read_get(const struct hostif_frame *f, struct hostif_rw *m)
{
	int r = check(f, HOSTIF_T_VMGS_READ);

	if (r)
		return r;
	m->lba = le64(f->payload);
	m->count = le32(f->payload + 8);
	return 0;
}

int hostif_read_reply_get(const struct hostif_frame *f,
			  struct hostif_read_reply *m)
{
	int r = check(f, HOSTIF_T_VMGS_READ_REPLY);

	if (r)
		return r;
	m->status = le32(f->payload);
	m->count = le32(f->payload + 4);
	m->lba = le64(f->payload + 8);
	m->data = f->payload + HOSTIF_RW_HDR;
	m->data_len = f->h.len - HOSTIF_RW_HDR;
	return 0;
}

int hostif_write_get(const struct hostif_frame *f, struct hostif_write *m)
{
	int r = check(f, HOSTIF_T_VMGS_WRITE);

	if (r)
		return r;
	m->rw.lba = le64(f->payload);
	m->rw.count = le32(f->payload + 8);
	m->data = f->payload + HOSTIF_RW_HDR;
	m->data_len = f->h.len - HOSTIF_RW_HDR;
	return 0;
}

int hostif_status_reply_get(const struct hostif_frame *f,
			    struct hostif_status_reply *m)
{
	int r;

	if (f->h.type != HOSTIF_T_VMGS_WRITE_REPLY &&
	    f->h.type != HOSTIF_T_VMGS_FLUSH_REPLY)
		return -HOSTIF_E_TYPE;
	r = hostif_msg_validate(f);
	if (r)
		return r;
	m->status = le32(f->payload);
	m->count = le32(f->payload + 4);
	return 0;
}

int hostif_event_get(const struct hostif_frame *f, struct hostif_event *m)
{
	int r = check(f, HOSTIF_T_EVENT);

	if (r)
		return r;
	m->device = le32(f->payload);
	m->vector = le16(f->payload + 4);
	return 0;
}

int hostif_log_get(const struct hostif_frame *f, struct hostif_log *m)
{
	int r = check(f, HOSTIF_T_LOG);

	if (r)
		return r;
	m->level = f->payload[0];
	m->text = (const char *)f->payload + HOSTIF_LOG_HDR;
	m->len = f->h.len - HOSTIF_LOG_HDR;
	return 0;
}

static unsigned ver(uint8_t major, uint8_t minor)
{
	return (unsigned)major << 8 | minor;
}

int hostif_negotiate(const struct hostif_hello *a, const struct hostif_hello *b,
		     uint8_t *major, uint8_t *minor)
{
	unsigned lo, hi, amin, bmin, amax, bmax;

	if (!valid_range(a) || !valid_range(b))
		return -HOSTIF_E_REFUSED;
	amin = ver(a->min_major, a->min_minor);
	bmin = ver(b->min_major, b->min_minor);
	amax = ver(a->max_major, a->max_minor);
	bmax = ver(b->max_major, b->max_minor);
	lo = amin > bmin ? amin : bmin;
	hi = amax < bmax ? amax : bmax;
	/* Never above what this library implements. */
	if (hi > ver(HOSTIF_VERSION_MAJOR, HOSTIF_VERSION_MINOR))
		hi = ver(HOSTIF_VERSION_MAJOR, HOSTIF_VERSION_MINOR);
	if (hi < lo)
		return -HOSTIF_E_REFUSED;
	*major = (uint8_t)(hi >> 8);
	*minor = (uint8_t)hi;
	return 0;
}
