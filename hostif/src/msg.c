// SPDX-License-Identifier: MIT
/*
 * Messages (SPEC.md §5-§6): one table row per type says its payload length
 * bounds, whether it is one way, how its payload is validated and how it
 * is decoded. Fields are read and written only through the named offsets of
 * mantle_hostif.h, and only after the row's length bounds have held.
 */
#include <stddef.h>
#include <string.h>

#include "mantle_bytes.h"
#include "mantle_hostif.h"

/* A payload of a length its row allows: 0 or -HOSTIF_E_*. */
typedef int (*msg_validate_fn)(const uint8_t *p, uint32_t len);
/* A valid payload into its typed struct (`out`): 0 or -HOSTIF_E_*. */
typedef int (*msg_decode_fn)(const uint8_t *p, uint32_t len, void *out);

struct msg_desc {
	uint16_t type;
	uint32_t min_len, max_len;
	int one_way; /* no request id (EVENT, LOG); requests need one */
	msg_validate_fn validate; /* NULL: the length says all */
	msg_decode_fn decode; /* NULL: no payload to decode */
};

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

/* --- validation ---------------------------------------------------------- */

static int hello_check(const uint8_t *p, uint32_t len)
{
	(void)len;
	return get_le32(p + HOSTIF_HELLO_OFF_RSVD) ? -HOSTIF_E_RESERVED : 0;
}

static int hello_reply_check(const uint8_t *p, uint32_t len)
{
	(void)len;
	return get_le16(p + HOSTIF_HELLO_REPLY_OFF_RSVD16) ||
			       get_le32(p + HOSTIF_HELLO_REPLY_OFF_RSVD32) ?
		       -HOSTIF_E_RESERVED :
		       0;
}

static int read_check(const uint8_t *p, uint32_t len)
{
	uint32_t count = get_le32(p + HOSTIF_RW_OFF_COUNT);

	(void)len;
	if (get_le32(p + HOSTIF_RW_OFF_RSVD))
		return -HOSTIF_E_RESERVED;
	if (!count || count > HOSTIF_MAX_DATA / HOSTIF_SECTOR)
		return -HOSTIF_E_PAYLOAD;
	return 0;
}

static int read_reply_check(const uint8_t *p, uint32_t len)
{
	uint32_t count = get_le32(p + HOSTIF_READ_REPLY_OFF_COUNT);

	/* An error reply carries no data. */
	if (get_le32(p + HOSTIF_READ_REPLY_OFF_STATUS) != HOSTIF_S_OK)
		return len == HOSTIF_RW_HDR && !count ? 0 : -HOSTIF_E_PAYLOAD;
	return count && data_ok(count, len) ? 0 : -HOSTIF_E_PAYLOAD;
}

static int write_check(const uint8_t *p, uint32_t len)
{
	if (get_le32(p + HOSTIF_RW_OFF_RSVD))
		return -HOSTIF_E_RESERVED;
	return data_ok(get_le32(p + HOSTIF_RW_OFF_COUNT), len) ?
		       0 :
		       -HOSTIF_E_PAYLOAD;
}

static int flush_reply_check(const uint8_t *p, uint32_t len)
{
	(void)len;
	/* FLUSH_REPLY's count field is reserved. */
	return get_le32(p + HOSTIF_STATUS_REPLY_OFF_COUNT) ?
		       -HOSTIF_E_RESERVED :
		       0;
}

static int event_check(const uint8_t *p, uint32_t len)
{
	(void)len;
	return get_le16(p + HOSTIF_EVENT_OFF_RSVD) ? -HOSTIF_E_RESERVED : 0;
}

static int log_check(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = HOSTIF_LOG_OFF_RSVD; i < HOSTIF_LOG_OFF_TEXT; i++)
		if (p[i])
			return -HOSTIF_E_RESERVED;
	/* Printable ASCII and tab only: no terminal or log injection. */
	for (uint32_t i = HOSTIF_LOG_OFF_TEXT; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] > 0x7e)
			return -HOSTIF_E_PAYLOAD;
	return 0;
}

/* --- decoding ------------------------------------------------------------ */

/* The four version bytes HELLO and HELLO_REPLY share. */
static void range_get(const uint8_t *p, struct hostif_hello *h)
{
	h->min_major = p[HOSTIF_HELLO_OFF_MIN_MAJOR];
	h->min_minor = p[HOSTIF_HELLO_OFF_MIN_MINOR];
	h->max_major = p[HOSTIF_HELLO_OFF_MAX_MAJOR];
	h->max_minor = p[HOSTIF_HELLO_OFF_MAX_MINOR];
}

static void range_put(uint8_t *p, const struct hostif_hello *h)
{
	p[HOSTIF_HELLO_OFF_MIN_MAJOR] = h->min_major;
	p[HOSTIF_HELLO_OFF_MIN_MINOR] = h->min_minor;
	p[HOSTIF_HELLO_OFF_MAX_MAJOR] = h->max_major;
	p[HOSTIF_HELLO_OFF_MAX_MINOR] = h->max_minor;
}

static int hello_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_hello *m = out;

	(void)len;
	range_get(p, m);
	m->features = get_le64(p + HOSTIF_HELLO_OFF_FEATURES);
	return valid_range(m) ? 0 : -HOSTIF_E_PAYLOAD;
}

static int hello_reply_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_hello_reply *m = out;

	(void)len;
	m->status = get_le32(p + HOSTIF_HELLO_REPLY_OFF_STATUS);
	range_get(p + HOSTIF_HELLO_REPLY_OFF_RANGE, &m->range);
	m->range.features = get_le64(p + HOSTIF_HELLO_REPLY_OFF_FEATURES);
	m->major = p[HOSTIF_HELLO_REPLY_OFF_MAJOR];
	m->minor = p[HOSTIF_HELLO_REPLY_OFF_MINOR];
	return valid_range(&m->range) ? 0 : -HOSTIF_E_PAYLOAD;
}

static int info_reply_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_info_reply *m = out;

	(void)len;
	m->status = get_le32(p + HOSTIF_INFO_REPLY_OFF_STATUS);
	m->sector_size = get_le32(p + HOSTIF_INFO_REPLY_OFF_SECTOR_SIZE);
	m->sector_count = get_le64(p + HOSTIF_INFO_REPLY_OFF_SECTOR_COUNT);
	return 0;
}

static int rw_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_rw *m = out;

	(void)len;
	m->lba = get_le64(p + HOSTIF_RW_OFF_LBA);
	m->count = get_le32(p + HOSTIF_RW_OFF_COUNT);
	return 0;
}

static int read_reply_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_read_reply *m = out;

	m->status = get_le32(p + HOSTIF_READ_REPLY_OFF_STATUS);
	m->count = get_le32(p + HOSTIF_READ_REPLY_OFF_COUNT);
	m->lba = get_le64(p + HOSTIF_READ_REPLY_OFF_LBA);
	m->data = p + HOSTIF_READ_REPLY_OFF_DATA;
	m->data_len = len - HOSTIF_READ_REPLY_OFF_DATA;
	return 0;
}

static int write_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_write *m = out;

	rw_decode(p, len, &m->rw);
	m->data = p + HOSTIF_RW_OFF_DATA;
	m->data_len = len - HOSTIF_RW_OFF_DATA;
	return 0;
}

static int status_reply_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_status_reply *m = out;

	(void)len;
	m->status = get_le32(p + HOSTIF_STATUS_REPLY_OFF_STATUS);
	m->count = get_le32(p + HOSTIF_STATUS_REPLY_OFF_COUNT);
	return 0;
}

static int event_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_event *m = out;

	(void)len;
	m->device = get_le32(p + HOSTIF_EVENT_OFF_DEVICE);
	m->vector = get_le16(p + HOSTIF_EVENT_OFF_VECTOR);
	return 0;
}

static int log_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_log *m = out;

	m->level = p[HOSTIF_LOG_OFF_LEVEL];
	m->text = (const char *)p + HOSTIF_LOG_OFF_TEXT;
	m->len = len - HOSTIF_LOG_OFF_TEXT;
	return 0;
}

/* --- pipes (SPEC.md §12) ------------------------------------------------- */

/* The common header: a pipe index in range, reserved zero, an epoch. */
static int pipe_hdr_check(const uint8_t *p)
{
	if (get_le16(p + HOSTIF_PIPE_OFF_RSVD))
		return -HOSTIF_E_RESERVED;
	if (get_le16(p + HOSTIF_PIPE_OFF_PIPE) >= HOSTIF_PIPE_MAX ||
	    !get_le32(p + HOSTIF_PIPE_OFF_EPOCH))
		return -HOSTIF_E_PAYLOAD;
	return 0;
}

static int pipe_open_check(const uint8_t *p, uint32_t len)
{
	(void)len;
	if (get_le64(p + HOSTIF_PIPE_OFF_ARG))
		return -HOSTIF_E_RESERVED;
	return pipe_hdr_check(p);
}

static int pipe_close_check(const uint8_t *p, uint32_t len)
{
	(void)len;
	if (get_le32(p + HOSTIF_PIPE_OFF_RSVD2))
		return -HOSTIF_E_RESERVED;
	if (get_le32(p + HOSTIF_PIPE_OFF_REASON) >= HOSTIF_PIPE_R_COUNT)
		return -HOSTIF_E_PAYLOAD;
	return pipe_hdr_check(p);
}

/* DATA and CREDIT: offsets (and a DATA's end) stay within 2^63, so sums
 * never wrap. */
static int pipe_stream_check(const uint8_t *p, uint32_t len)
{
	uint64_t arg = get_le64(p + HOSTIF_PIPE_OFF_ARG);

	if (arg >> 63 || arg + (len - HOSTIF_PIPE_HDR) > (1ull << 63))
		return -HOSTIF_E_PAYLOAD;
	return pipe_hdr_check(p);
}

static int pipe_list_reply_check(const uint8_t *p, uint32_t len)
{
	uint32_t count = get_le32(p + HOSTIF_PIPE_LIST_OFF_COUNT);

	if (count > HOSTIF_PIPE_MAX ||
	    len != HOSTIF_PIPE_LIST_HDR + count * HOSTIF_PIPE_NAME_FIELD)
		return -HOSTIF_E_PAYLOAD;
	if (get_le32(p + HOSTIF_PIPE_LIST_OFF_STATUS) && count)
		return -HOSTIF_E_PAYLOAD;
	return 0;
}

static int pipe_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_pipe *m = out;

	m->pipe = get_le16(p + HOSTIF_PIPE_OFF_PIPE);
	m->epoch = get_le32(p + HOSTIF_PIPE_OFF_EPOCH);
	m->arg = get_le64(p + HOSTIF_PIPE_OFF_ARG);
	m->data = p + HOSTIF_PIPE_OFF_DATA;
	m->data_len = len - HOSTIF_PIPE_OFF_DATA;
	return 0;
}

static int pipe_close_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_pipe *m = out;

	pipe_decode(p, len, out);
	m->arg = get_le32(p + HOSTIF_PIPE_OFF_REASON);
	return 0;
}

static int pipe_list_reply_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_pipe_list *m = out;

	(void)len;
	memset(m, 0, sizeof(*m));
	m->status = get_le32(p + HOSTIF_PIPE_LIST_OFF_STATUS);
	m->count = get_le32(p + HOSTIF_PIPE_LIST_OFF_COUNT);
	for (uint32_t i = 0; i < m->count; i++)
		memcpy(m->names[i],
		       p + HOSTIF_PIPE_LIST_OFF_NAMES +
			       i * HOSTIF_PIPE_NAME_FIELD,
		       HOSTIF_PIPE_NAME_FIELD);
	return 0;
}

/* --- the secure-processor relay (SPEC.md §13) ---------------------------- */

/* An error status carries no data; OK carries at least one byte. */
static int sp_reply_check(const uint8_t *p, uint32_t len)
{
	if (get_le32(p + HOSTIF_SP_REPLY_OFF_RSVD))
		return -HOSTIF_E_RESERVED;
	if (get_le32(p + HOSTIF_SP_REPLY_OFF_STATUS) != HOSTIF_S_OK)
		return len == HOSTIF_SP_REPLY_HDR ? 0 : -HOSTIF_E_PAYLOAD;
	return len > HOSTIF_SP_REPLY_HDR ? 0 : -HOSTIF_E_PAYLOAD;
}

static int sp_msg_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_sp *m = out;

	m->status = 0;
	m->data = p;
	m->data_len = len;
	return 0;
}

static int sp_reply_decode(const uint8_t *p, uint32_t len, void *out)
{
	struct hostif_sp *m = out;

	m->status = get_le32(p + HOSTIF_SP_REPLY_OFF_STATUS);
	m->data = p + HOSTIF_SP_REPLY_OFF_DATA;
	m->data_len = len - HOSTIF_SP_REPLY_OFF_DATA;
	return 0;
}

/* --- the table (SPEC.md §6) ---------------------------------------------- */

static const struct msg_desc msgs[] = {
	{ HOSTIF_T_HELLO, HOSTIF_HELLO_SIZE, HOSTIF_HELLO_SIZE, 0, hello_check,
	  hello_decode },
	{ HOSTIF_T_HELLO_REPLY, HOSTIF_HELLO_REPLY_SIZE,
	  HOSTIF_HELLO_REPLY_SIZE, 0, hello_reply_check, hello_reply_decode },
	{ HOSTIF_T_VMGS_INFO, 0, 0, 0, NULL, NULL },
	{ HOSTIF_T_VMGS_INFO_REPLY, HOSTIF_INFO_REPLY_SIZE,
	  HOSTIF_INFO_REPLY_SIZE, 0, NULL, info_reply_decode },
	{ HOSTIF_T_VMGS_READ, HOSTIF_RW_HDR, HOSTIF_RW_HDR, 0, read_check,
	  rw_decode },
	{ HOSTIF_T_VMGS_READ_REPLY, HOSTIF_RW_HDR, HOSTIF_MAX_PAYLOAD, 0,
	  read_reply_check, read_reply_decode },
	{ HOSTIF_T_VMGS_WRITE, HOSTIF_RW_HDR + HOSTIF_SECTOR,
	  HOSTIF_MAX_PAYLOAD, 0, write_check, write_decode },
	{ HOSTIF_T_VMGS_WRITE_REPLY, HOSTIF_STATUS_REPLY_SIZE,
	  HOSTIF_STATUS_REPLY_SIZE, 0, NULL, status_reply_decode },
	{ HOSTIF_T_VMGS_FLUSH, 0, 0, 0, NULL, NULL },
	{ HOSTIF_T_VMGS_FLUSH_REPLY, HOSTIF_STATUS_REPLY_SIZE,
	  HOSTIF_STATUS_REPLY_SIZE, 0, flush_reply_check, status_reply_decode },
	{ HOSTIF_T_EVENT, HOSTIF_EVENT_SIZE, HOSTIF_EVENT_SIZE, 1, event_check,
	  event_decode },
	{ HOSTIF_T_LOG, HOSTIF_LOG_HDR + 1, HOSTIF_LOG_HDR + HOSTIF_LOG_MAX, 1,
	  log_check, log_decode },
	{ HOSTIF_T_PIPE_LIST, 0, 0, 0, NULL, NULL },
	{ HOSTIF_T_PIPE_LIST_REPLY, HOSTIF_PIPE_LIST_HDR, HOSTIF_PIPE_LIST_MAX,
	  0, pipe_list_reply_check, pipe_list_reply_decode },
	{ HOSTIF_T_PIPE_OPEN, HOSTIF_PIPE_HDR, HOSTIF_PIPE_HDR, 1,
	  pipe_open_check, pipe_decode },
	{ HOSTIF_T_PIPE_CLOSE, HOSTIF_PIPE_HDR, HOSTIF_PIPE_HDR, 1,
	  pipe_close_check, pipe_close_decode },
	{ HOSTIF_T_PIPE_DATA, HOSTIF_PIPE_HDR + 1, HOSTIF_MAX_PAYLOAD, 1,
	  pipe_stream_check, pipe_decode },
	{ HOSTIF_T_PIPE_CREDIT, HOSTIF_PIPE_HDR, HOSTIF_PIPE_HDR, 1,
	  pipe_stream_check, pipe_decode },
	{ HOSTIF_T_SP_MSG, 1, HOSTIF_SP_MSG_MAX, 0, NULL, sp_msg_decode },
	{ HOSTIF_T_SP_MSG_REPLY, HOSTIF_SP_REPLY_HDR,
	  HOSTIF_SP_REPLY_HDR + HOSTIF_SP_MSG_MAX, 0, sp_reply_check,
	  sp_reply_decode },
	{ HOSTIF_T_SP_CERTS, 0, 0, 0, NULL, NULL },
	{ HOSTIF_T_SP_CERTS_REPLY, HOSTIF_SP_REPLY_HDR,
	  HOSTIF_SP_REPLY_HDR + HOSTIF_SP_CERTS_MAX, 0, sp_reply_check,
	  sp_reply_decode },
};

static const struct msg_desc *msg_find(uint16_t type)
{
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (msgs[i].type == type)
			return &msgs[i];
	return NULL;
}

int hostif_type_len_bounds(uint16_t type, uint32_t *min, uint32_t *max)
{
	const struct msg_desc *d = msg_find(type);

	if (!d)
		return -HOSTIF_E_TYPE;
	if (min)
		*min = d->min_len;
	if (max)
		*max = d->max_len;
	return 0;
}

int hostif_msg_validate(const struct hostif_frame *f)
{
	const struct msg_desc *d = msg_find(f->h.type);

	if (!d)
		return -HOSTIF_E_TYPE;
	if (f->h.len < d->min_len || f->h.len > d->max_len)
		return -HOSTIF_E_LENGTH;
	if (f->h.flags || f->h.reserved)
		return -HOSTIF_E_RESERVED;
	if (d->one_way && f->h.req_id)
		return -HOSTIF_E_RESERVED;
	if (!d->one_way && !f->h.req_id)
		return -HOSTIF_E_PAYLOAD;
	return d->validate ? d->validate(f->payload, f->h.len) : 0;
}

/* The typed decoders: the frame must be of `type` and valid, then decoded. */
static int msg_get(const struct hostif_frame *f, uint16_t type, void *out)
{
	int r;

	if (f->h.type != type)
		return -HOSTIF_E_TYPE;
	r = hostif_msg_validate(f);
	if (r)
		return r;
	return msg_find(type)->decode(f->payload, f->h.len, out);
}

int hostif_hello_get(const struct hostif_frame *f, struct hostif_hello *m)
{
	return msg_get(f, HOSTIF_T_HELLO, m);
}

int hostif_hello_reply_get(const struct hostif_frame *f,
			   struct hostif_hello_reply *m)
{
	return msg_get(f, HOSTIF_T_HELLO_REPLY, m);
}

int hostif_info_reply_get(const struct hostif_frame *f,
			  struct hostif_info_reply *m)
{
	return msg_get(f, HOSTIF_T_VMGS_INFO_REPLY, m);
}

int hostif_read_get(const struct hostif_frame *f, struct hostif_rw *m)
{
	return msg_get(f, HOSTIF_T_VMGS_READ, m);
}

int hostif_read_reply_get(const struct hostif_frame *f,
			  struct hostif_read_reply *m)
{
	return msg_get(f, HOSTIF_T_VMGS_READ_REPLY, m);
}

int hostif_write_get(const struct hostif_frame *f, struct hostif_write *m)
{
	return msg_get(f, HOSTIF_T_VMGS_WRITE, m);
}

/* WRITE_REPLY and FLUSH_REPLY share a layout and this decoder. */
int hostif_status_reply_get(const struct hostif_frame *f,
			    struct hostif_status_reply *m)
{
	uint16_t type = f->h.type == HOSTIF_T_VMGS_FLUSH_REPLY ?
				HOSTIF_T_VMGS_FLUSH_REPLY :
				HOSTIF_T_VMGS_WRITE_REPLY;

	return msg_get(f, type, m);
}

int hostif_event_get(const struct hostif_frame *f, struct hostif_event *m)
{
	return msg_get(f, HOSTIF_T_EVENT, m);
}

int hostif_log_get(const struct hostif_frame *f, struct hostif_log *m)
{
	return msg_get(f, HOSTIF_T_LOG, m);
}

int hostif_pipe_get(const struct hostif_frame *f, struct hostif_pipe *m)
{
	switch (f->h.type) {
	case HOSTIF_T_PIPE_OPEN:
	case HOSTIF_T_PIPE_CLOSE:
	case HOSTIF_T_PIPE_DATA:
	case HOSTIF_T_PIPE_CREDIT:
		return msg_get(f, f->h.type, m);
	default:
		return -HOSTIF_E_TYPE;
	}
}

int hostif_pipe_list_get(const struct hostif_frame *f,
			 struct hostif_pipe_list *m)
{
	return msg_get(f, HOSTIF_T_PIPE_LIST_REPLY, m);
}

int hostif_sp_get(const struct hostif_frame *f, struct hostif_sp *m)
{
	switch (f->h.type) {
	case HOSTIF_T_SP_MSG:
	case HOSTIF_T_SP_MSG_REPLY:
	case HOSTIF_T_SP_CERTS_REPLY:
		return msg_get(f, f->h.type, m);
	default:
		return -HOSTIF_E_TYPE;
	}
}

/* --- fixed-part encoders ------------------------------------------------- */

void hostif_hello_put(uint8_t out[HOSTIF_HELLO_SIZE],
		      const struct hostif_hello *m)
{
	range_put(out, m);
	put_le32(out + HOSTIF_HELLO_OFF_RSVD, 0);
	put_le64(out + HOSTIF_HELLO_OFF_FEATURES, m->features);
}

void hostif_hello_reply_put(uint8_t out[HOSTIF_HELLO_REPLY_SIZE],
			    const struct hostif_hello_reply *m)
{
	put_le32(out + HOSTIF_HELLO_REPLY_OFF_STATUS, m->status);
	range_put(out + HOSTIF_HELLO_REPLY_OFF_RANGE, &m->range);
	put_le64(out + HOSTIF_HELLO_REPLY_OFF_FEATURES, m->range.features);
	out[HOSTIF_HELLO_REPLY_OFF_MAJOR] = m->major;
	out[HOSTIF_HELLO_REPLY_OFF_MINOR] = m->minor;
	put_le16(out + HOSTIF_HELLO_REPLY_OFF_RSVD16, 0);
	put_le32(out + HOSTIF_HELLO_REPLY_OFF_RSVD32, 0);
}

void hostif_info_reply_put(uint8_t out[HOSTIF_INFO_REPLY_SIZE],
			   const struct hostif_info_reply *m)
{
	put_le32(out + HOSTIF_INFO_REPLY_OFF_STATUS, m->status);
	put_le32(out + HOSTIF_INFO_REPLY_OFF_SECTOR_SIZE, m->sector_size);
	put_le64(out + HOSTIF_INFO_REPLY_OFF_SECTOR_COUNT, m->sector_count);
}

void hostif_rw_put(uint8_t out[HOSTIF_RW_HDR], const struct hostif_rw *m)
{
	put_le64(out + HOSTIF_RW_OFF_LBA, m->lba);
	put_le32(out + HOSTIF_RW_OFF_COUNT, m->count);
	put_le32(out + HOSTIF_RW_OFF_RSVD, 0);
}

void hostif_read_reply_put(uint8_t out[HOSTIF_RW_HDR],
			   const struct hostif_read_reply *m)
{
	put_le32(out + HOSTIF_READ_REPLY_OFF_STATUS, m->status);
	put_le32(out + HOSTIF_READ_REPLY_OFF_COUNT, m->count);
	put_le64(out + HOSTIF_READ_REPLY_OFF_LBA, m->lba);
}

void hostif_status_reply_put(uint8_t out[HOSTIF_STATUS_REPLY_SIZE],
			     const struct hostif_status_reply *m)
{
	put_le32(out + HOSTIF_STATUS_REPLY_OFF_STATUS, m->status);
	put_le32(out + HOSTIF_STATUS_REPLY_OFF_COUNT, m->count);
}

void hostif_event_put(uint8_t out[HOSTIF_EVENT_SIZE],
		      const struct hostif_event *m)
{
	put_le32(out + HOSTIF_EVENT_OFF_DEVICE, m->device);
	put_le16(out + HOSTIF_EVENT_OFF_VECTOR, m->vector);
	put_le16(out + HOSTIF_EVENT_OFF_RSVD, 0);
}

void hostif_log_put(uint8_t out[HOSTIF_LOG_HDR], uint8_t level)
{
	out[HOSTIF_LOG_OFF_LEVEL] = level;
	for (unsigned int i = HOSTIF_LOG_OFF_RSVD; i < HOSTIF_LOG_OFF_TEXT; i++)
		out[i] = 0;
}

void hostif_pipe_put(uint8_t out[HOSTIF_PIPE_HDR], uint16_t type,
		     const struct hostif_pipe *m)
{
	put_le16(out + HOSTIF_PIPE_OFF_PIPE, m->pipe);
	put_le16(out + HOSTIF_PIPE_OFF_RSVD, 0);
	put_le32(out + HOSTIF_PIPE_OFF_EPOCH, m->epoch);
	if (type == HOSTIF_T_PIPE_CLOSE) {
		put_le32(out + HOSTIF_PIPE_OFF_REASON, (uint32_t)m->arg);
		put_le32(out + HOSTIF_PIPE_OFF_RSVD2, 0);
	} else {
		put_le64(out + HOSTIF_PIPE_OFF_ARG, m->arg);
	}
}

size_t hostif_pipe_list_put(uint8_t out[HOSTIF_PIPE_LIST_MAX],
			    const struct hostif_pipe_list *m)
{
	uint32_t n = m->count > HOSTIF_PIPE_MAX ? HOSTIF_PIPE_MAX : m->count;

	put_le32(out + HOSTIF_PIPE_LIST_OFF_STATUS, m->status);
	put_le32(out + HOSTIF_PIPE_LIST_OFF_COUNT, n);
	for (uint32_t i = 0; i < n; i++)
		memcpy(out + HOSTIF_PIPE_LIST_OFF_NAMES +
			       i * HOSTIF_PIPE_NAME_FIELD,
		       m->names[i], HOSTIF_PIPE_NAME_FIELD);
	return HOSTIF_PIPE_LIST_HDR + (size_t)n * HOSTIF_PIPE_NAME_FIELD;
}

void hostif_sp_reply_put(uint8_t out[HOSTIF_SP_REPLY_HDR], uint32_t status)
{
	put_le32(out + HOSTIF_SP_REPLY_OFF_STATUS, status);
	put_le32(out + HOSTIF_SP_REPLY_OFF_RSVD, 0);
}

int hostif_pipe_name_check(const char *s, size_t n, const char **why)
{
	size_t len = 0;

	while (len < n && s[len])
		len++;
	if (!len) {
		*why = "empty name";
		return -1;
	}
	if (len > HOSTIF_PIPE_NAME_MAX) {
		*why = "longer than 15 characters";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-')) {
			*why = "characters other than [a-z0-9_-]";
			return -1;
		}
	}
	for (size_t i = len; i < n; i++) {
		if (s[i]) {
			*why = "bytes after the name's NUL";
			return -1;
		}
	}
	return 0;
}

static const char *const pipe_reasons[HOSTIF_PIPE_R_COUNT] = {
	[HOSTIF_PIPE_R_CLOSED] = "closed",
	[HOSTIF_PIPE_R_REFUSED] = "connect refused",
	[HOSTIF_PIPE_R_IO] = "socket error",
	[HOSTIF_PIPE_R_STREAM] = "stream damaged",
	[HOSTIF_PIPE_R_NO_PIPE] = "no such pipe",
};

const char *hostif_pipe_reason_name(uint32_t reason)
{
	return reason < HOSTIF_PIPE_R_COUNT ? pipe_reasons[reason] : "?";
}

uint64_t hostif_features_at(uint64_t features, uint8_t major, uint8_t minor)
{
	if (major == 1 && minor < 1)
		features &= ~HOSTIF_F_PIPES;
	if (major == 1 && minor < 2)
		features &= ~HOSTIF_F_SP;
	return features;
}

/* --- version negotiation (SPEC.md §5) ------------------------------------ */

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
