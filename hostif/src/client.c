// SPDX-License-Identifier: MIT
/*
 * Paravisor side of the control channel (trusted). Everything read from
 * the fd is host input: it is copied once into the decoder, checked (CRC,
 * type, lengths, sequence, request id), and only then used.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "session.h"
#include "hostif_client.h"

struct event_src {
	uint32_t device;
	uint16_t vector;
	uint64_t tokens; /* in units of 1e-9 events */
	uint64_t last_ns;
};

struct hostif_client {
	int fd;
	struct hostif_client_cfg cfg;
	struct hostif_session ss;
	uint32_t next_req;
	struct hostif_counters cnt;
	unsigned nsrc;
	struct event_src src[HOSTIF_MAX_EVENT_SOURCES];
	uint8_t tx[HOSTIF_MAX_FRAME];
	struct hostif_dec dec;
};

/* What a request expects back; handle() returns 0 (done) or -HOSTIF_E_*. */
struct request {
	uint16_t type, reply;
	const void *p1, *p2;
	size_t n1, n2;
	int (*handle)(struct hostif_client *c, const struct hostif_frame *f,
		      void *arg);
	void *arg;
	int once; /* not idempotent: one attempt, never retried (§13) */
};

static uint64_t now(const struct hostif_client *c)
{
	return c->cfg.now_ns ? c->cfg.now_ns(c->cfg.clock_arg) :
			       hostif_mono_ns();
}

int hostif_client_new(int fd, const struct hostif_client_cfg *cfg,
		      struct hostif_client **out)
{
	struct hostif_client *c;

	if (fd < 0 || !out)
		return -HOSTIF_E_INVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -HOSTIF_E_NOMEM;
	c->fd = fd;
	if (cfg)
		c->cfg = *cfg;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = 1000;
	if (!c->cfg.attempts)
		c->cfg.attempts = 4;
	if (!c->cfg.event_burst)
		c->cfg.event_burst = 32;
	if (!c->cfg.event_rate)
		c->cfg.event_rate = 1000;
	hostif_range_default(&c->cfg.range, c->cfg.features);
	hostif_dec_init(&c->dec);
	*out = c;
	return 0;
}

void hostif_client_free(struct hostif_client *c)
{
	free(c);
}

void hostif_client_version(const struct hostif_client *c, uint8_t *major,
			   uint8_t *minor)
{
	*major = c->ss.major;
	*minor = c->ss.minor;
}

uint64_t hostif_client_features(const struct hostif_client *c)
{
	return c->ss.features;
}

const struct hostif_counters *
hostif_client_counters(const struct hostif_client *c)
{
	return &c->cnt;
}

int hostif_client_allow_event(struct hostif_client *c, uint32_t device,
			      uint16_t vector)
{
	if (c->nsrc == HOSTIF_MAX_EVENT_SOURCES)
		return -HOSTIF_E_INVAL;
	c->src[c->nsrc] = (struct event_src){
		.device = device,
		.vector = vector,
		.tokens = (uint64_t)c->cfg.event_burst * 1000000000ull,
		.last_ns = now(c),
	};
	c->nsrc++;
	return 0;
}

/* The counter of a decoder or validation error; any other is bad_payload. */
static void count_err(struct hostif_client *c, int err)
{
	struct hostif_counters *k = &c->cnt;
	uint64_t *const by_err[HOSTIF_E_COUNT] = {
		[HOSTIF_E_MAGIC] = &k->bad_magic,
		[HOSTIF_E_LENGTH] = &k->bad_length,
		[HOSTIF_E_CRC] = &k->bad_crc,
		[HOSTIF_E_VERSION] = &k->bad_version,
		[HOSTIF_E_TYPE] = &k->bad_type,
		[HOSTIF_E_RESERVED] = &k->bad_reserved,
	};

	err = -err;
	if (err > 0 && err < HOSTIF_E_COUNT && by_err[err])
		(*by_err[err])++;
	else
		k->bad_payload++;
}

/* Interrupt mediation: known source, then a token bucket per source. */
static void on_event(struct hostif_client *c, const struct hostif_frame *f)
{
	struct hostif_event ev;
	struct event_src *s = NULL;
	uint64_t t, cap, add;

	if (hostif_event_get(f, &ev) || !(c->ss.features & HOSTIF_F_EVENTS)) {
		c->cnt.events_bogus++;
		return;
	}
	for (unsigned i = 0; i < c->nsrc && !s; i++)
		if (c->src[i].device == ev.device &&
		    c->src[i].vector == ev.vector)
			s = &c->src[i];
	if (!s) {
		c->cnt.events_bogus++;
		return;
	}
	t = now(c);
	cap = (uint64_t)c->cfg.event_burst * 1000000000ull;
	add = t > s->last_ns ? t - s->last_ns : 0;
	if (add > 10000000000ull) /* 10 s refills any bucket; no overflow */
		add = 10000000000ull;
	s->last_ns = t;
	s->tokens += add * c->cfg.event_rate;
	if (s->tokens > cap)
		s->tokens = cap;
	if (s->tokens < 1000000000ull) {
		c->cnt.events_storm++;
		return;
	}
	s->tokens -= 1000000000ull;
	c->cnt.events_delivered++;
	if (c->cfg.event_cb)
		c->cfg.event_cb(c->cfg.event_arg, ev.device, ev.vector);
}

static int pipe_from_host(uint16_t type)
{
	return type == HOSTIF_T_PIPE_DATA || type == HOSTIF_T_PIPE_CREDIT ||
	       type == HOSTIF_T_PIPE_CLOSE;
}

/* A valid, in-sequence pipe frame: to the pipe layer if negotiated. */
static void on_pipe(struct hostif_client *c, const struct hostif_frame *f)
{
	struct hostif_pipe m;

	if (!pipe_from_host(f->h.type) || !(c->ss.features & HOSTIF_F_PIPES) ||
	    hostif_pipe_get(f, &m)) {
		c->cnt.pipe_bogus++;
		return;
	}
	c->cnt.pipe_frames++;
	if (c->cfg.pipe_cb)
		c->cfg.pipe_cb(c->cfg.pipe_arg, f->h.type, &m);
}

/*
 * Session checks of a sound frame: version, sequence, type. Returns 1 if
 * the frame is a reply worth matching, 0 if it was consumed or dropped,
 * -1 for a malformed reply (dropped; the caller may match its id).
 */
static int screen(struct hostif_client *c, const struct hostif_frame *f)
{
	int r;

	if (c->ss.negotiated && f->h.type != HOSTIF_T_HELLO_REPLY &&
	    (f->h.major != c->ss.major || f->h.minor != c->ss.minor)) {
		c->cnt.bad_version++;
		return 0;
	}
	if (f->h.seq <= c->ss.rx_seq) {
		c->cnt.replays++;
		return 0;
	}
	r = hostif_msg_validate(f);
	if (r) {
		count_err(c, r);
		/* A malformed reply still ends its attempt at once (below). */
		return f->h.type & HOSTIF_T_REPLY ? -1 : 0;
	}
	if (f->h.seq != c->ss.rx_seq + 1)
		c->cnt.seq_gaps++;
	c->ss.rx_seq = f->h.seq;
	if (f->h.type == HOSTIF_T_EVENT) {
		on_event(c, f);
		return 0;
	}
	if (f->h.type == HOSTIF_T_PIPE_OPEN || pipe_from_host(f->h.type)) {
		on_pipe(c, f);
		return 0;
	}
	if (!(f->h.type & HOSTIF_T_REPLY)) {
		c->cnt.unexpected++;
		return 0;
	}
	return 1;
}

static int send_frame(struct hostif_client *c, uint16_t type, uint32_t req_id,
		      const void *p1, size_t n1, const void *p2, size_t n2)
{
	size_t len = hostif_session_encode(&c->ss, c->tx, sizeof(c->tx), type,
					   req_id, p1, n1, p2, n2);

	if (!len)
		return -HOSTIF_E_INVAL;
	return hostif_chan_write(c->fd, c->tx, len, (int)c->cfg.timeout_ms);
}

/* One attempt: 0 done, -HOSTIF_E_TIMEOUT/-HOSTIF_E_PAYLOAD retry, else stop. */
static int attempt(struct hostif_client *c, const struct request *rq)
{
	uint32_t id = ++c->next_req ? c->next_req : ++c->next_req;
	uint64_t end;
	int r = send_frame(c, rq->type, id, rq->p1, rq->n1, rq->p2, rq->n2);

	if (r)
		return r;
	end = hostif_mono_ns() + (uint64_t)c->cfg.timeout_ms * 1000000ull;
	for (;;) {
		struct hostif_frame f;
		uint64_t t;

		r = hostif_dec_next(&c->dec, &f);
		if (r < 0) {
			count_err(c, r);
			continue;
		}
		if (r == 1) {
			int s = screen(c, &f);

			/* The host answered this request with garbage. */
			if (s < 0 && f.h.req_id == id && f.h.type == rq->reply)
				return -HOSTIF_E_PAYLOAD;
			if (s <= 0)
				continue;
			if (f.h.req_id != id) {
				c->cnt.stale_replies++;
				continue;
			}
			if (f.h.type != rq->reply) {
				c->cnt.unexpected++;
				continue;
			}
			r = rq->handle(c, &f, rq->arg);
			if (r == -HOSTIF_E_PAYLOAD)
				c->cnt.bad_replies++;
			else if (r == -HOSTIF_E_STATUS)
				c->cnt.host_errors++;
			else if (!r)
				c->cnt.frames_ok++;
			return r;
		}
		t = hostif_mono_ns();
		if (t >= end)
			break;
		r = hostif_chan_fill(c->fd, &c->dec,
				     (int)((end - t + 999999) / 1000000));
		if (r < 0)
			return r;
	}
	c->cnt.timeouts++;
	/* A partial frame that stalled is damaged: look past its start. */
	if (hostif_dec_pending(&c->dec)) {
		c->cnt.stalls++;
		hostif_dec_skip(&c->dec);
	}
	return -HOSTIF_E_TIMEOUT;
}

static int transact(struct hostif_client *c, const struct request *rq)
{
	int r = -HOSTIF_E_TIMEOUT;

	/* Every v1.0 request is idempotent (whole-sector writes): retry.
	 * SP_MSG is not (SPEC.md §13): one attempt, its failure is final. */
	unsigned attempts = rq->once ? 1 : c->cfg.attempts;

	for (unsigned i = 0; i < attempts; i++) {
		if (i)
			c->cnt.retries++;
		r = attempt(c, rq);
		if (r != -HOSTIF_E_TIMEOUT && r != -HOSTIF_E_PAYLOAD)
			break;
	}
	c->cnt.bytes_skipped = c->dec.skipped;
	return r;
}

static int hello_done(struct hostif_client *c, const struct hostif_frame *f,
		      void *arg)
{
	struct hostif_hello_reply m;
	uint8_t major, minor;

	(void)arg;
	if (hostif_hello_reply_get(f, &m))
		return -HOSTIF_E_PAYLOAD;
	if (m.status == HOSTIF_S_VERSION)
		return -HOSTIF_E_REFUSED;
	if (m.status != HOSTIF_S_OK)
		return -HOSTIF_E_STATUS;
	if (hostif_negotiate(&c->cfg.range, &m.range, &major, &minor))
		return -HOSTIF_E_REFUSED;
	/* Both sides compute the same answer; a host that disagrees lies. */
	if (major != m.major || minor != m.minor)
		return -HOSTIF_E_REFUSED;
	c->ss.major = major;
	c->ss.minor = minor;
	c->ss.features = hostif_features_at(
		c->cfg.range.features & m.range.features, major, minor);
	c->ss.negotiated = 1;
	return 0;
}

int hostif_client_hello(struct hostif_client *c)
{
	uint8_t p[HOSTIF_HELLO_SIZE];
	struct request rq = { .type = HOSTIF_T_HELLO,
			      .reply = HOSTIF_T_HELLO_REPLY,
			      .p1 = p,
			      .n1 = sizeof(p),
			      .handle = hello_done };

	if (c->ss.negotiated)
		return -HOSTIF_E_STATE;
	hostif_hello_put(p, &c->cfg.range);
	return transact(c, &rq);
}

struct info_arg {
	uint32_t ss;
	uint64_t n;
};

static int info_done(struct hostif_client *c, const struct hostif_frame *f,
		     void *arg)
{
	struct info_arg *a = arg;
	struct hostif_info_reply m;

	(void)c;
	if (hostif_info_reply_get(f, &m))
		return -HOSTIF_E_PAYLOAD;
	if (m.status)
		return -HOSTIF_E_STATUS;
	a->ss = m.sector_size;
	a->n = m.sector_count;
	return 0;
}

int hostif_client_vmgs_info(struct hostif_client *c, uint32_t *sector_size,
			    uint64_t *sectors)
{
	struct info_arg a = { 0 };
	struct request rq = { .type = HOSTIF_T_VMGS_INFO,
			      .reply = HOSTIF_T_VMGS_INFO_REPLY,
			      .handle = info_done,
			      .arg = &a };
	int r;

	if (!c->ss.negotiated)
		return -HOSTIF_E_STATE;
	r = transact(c, &rq);
	if (!r) {
		*sector_size = a.ss;
		*sectors = a.n;
	}
	return r;
}

struct rw_arg {
	struct hostif_rw rw;
	uint8_t *buf;
};

static int read_done(struct hostif_client *c, const struct hostif_frame *f,
		     void *arg)
{
	struct rw_arg *a = arg;
	struct hostif_read_reply m;

	(void)c;
	if (hostif_read_reply_get(f, &m))
		return -HOSTIF_E_PAYLOAD;
	if (m.status)
		return -HOSTIF_E_STATUS;
	/* The validator tied data_len to count; count must be ours. */
	if (m.lba != a->rw.lba || m.count != a->rw.count)
		return -HOSTIF_E_PAYLOAD;
	memcpy(a->buf, m.data, m.data_len);
	return 0;
}

static int write_done(struct hostif_client *c, const struct hostif_frame *f,
		      void *arg)
{
	struct rw_arg *a = arg;
	struct hostif_status_reply m;

	(void)c;
	if (hostif_status_reply_get(f, &m))
		return -HOSTIF_E_PAYLOAD;
	if (m.status)
		return -HOSTIF_E_STATUS;
	if (a && m.count != a->rw.count) /* short write: retry whole */
		return -HOSTIF_E_PAYLOAD;
	return 0;
}

#define MAX_SECTORS (HOSTIF_MAX_DATA / HOSTIF_SECTOR)

/*
 * One loop for both directions, split at MAX_SECTORS per request: a read
 * passes rbuf (filled by read_done), a write passes wbuf (sent as p2).
 */
static int vmgs_rw(struct hostif_client *c, uint64_t lba, uint32_t count,
		   uint8_t *rbuf, const uint8_t *wbuf)
{
	uint8_t hdr[HOSTIF_RW_HDR];

	if (!c->ss.negotiated)
		return -HOSTIF_E_STATE;
	if ((!rbuf && !wbuf) || lba + count < lba)
		return -HOSTIF_E_INVAL;
	while (count) {
		uint32_t n = count < MAX_SECTORS ? count : MAX_SECTORS;
		size_t len = (size_t)n * HOSTIF_SECTOR;
		struct rw_arg a = { .rw = { .lba = lba, .count = n },
				    .buf = rbuf };
		struct request rq = { .p1 = hdr, .n1 = sizeof(hdr), .arg = &a };
		int r;

		if (rbuf) {
			rq.type = HOSTIF_T_VMGS_READ;
			rq.reply = HOSTIF_T_VMGS_READ_REPLY;
			rq.handle = read_done;
		} else {
			rq.type = HOSTIF_T_VMGS_WRITE;
			rq.reply = HOSTIF_T_VMGS_WRITE_REPLY;
			rq.p2 = wbuf;
			rq.n2 = len;
			rq.handle = write_done;
		}
		hostif_rw_put(hdr, &a.rw);
		r = transact(c, &rq);
		if (r)
			return r;
		lba += n;
		count -= n;
		if (rbuf)
			rbuf += len;
		else
			wbuf += len;
	}
	return 0;
}

int hostif_client_vmgs_read(struct hostif_client *c, uint64_t lba,
			    uint32_t count, void *buf)
{
	return vmgs_rw(c, lba, count, buf, NULL);
}

int hostif_client_vmgs_write(struct hostif_client *c, uint64_t lba,
			     uint32_t count, const void *buf)
{
	return vmgs_rw(c, lba, count, NULL, buf);
}

int hostif_client_vmgs_flush(struct hostif_client *c)
{
	struct request rq = { .type = HOSTIF_T_VMGS_FLUSH,
			      .reply = HOSTIF_T_VMGS_FLUSH_REPLY,
			      .handle = write_done };

	if (!c->ss.negotiated)
		return -HOSTIF_E_STATE;
	return transact(c, &rq);
}

int hostif_client_log(struct hostif_client *c, uint8_t level, const char *text)
{
	uint8_t hdr[HOSTIF_LOG_HDR];
	char line[HOSTIF_LOG_MAX];
	size_t n = 0;

	if (!c->ss.negotiated || !(c->ss.features & HOSTIF_F_LOG))
		return -HOSTIF_E_STATE;
	for (; text[n] && n < sizeof(line); n++) {
		unsigned char ch = (unsigned char)text[n];

		line[n] = (ch >= 0x20 && ch <= 0x7e) || ch == '\t' ? (char)ch :
								     '?';
	}
	if (!n)
		return -HOSTIF_E_INVAL;
	hostif_log_put(hdr, level);
	return send_frame(c, HOSTIF_T_LOG, 0, hdr, sizeof(hdr), line, n);
}

int hostif_client_poll(struct hostif_client *c, unsigned timeout_ms)
{
	return hostif_client_poll_wake(c, timeout_ms, -1);
}

int hostif_client_poll_wake(struct hostif_client *c, unsigned timeout_ms,
			    int wake_fd)
{
	uint64_t end = hostif_mono_ns() + (uint64_t)timeout_ms * 1000000ull;

	for (;;) {
		struct hostif_frame f;
		uint64_t t;
		int r = hostif_dec_next(&c->dec, &f);

		if (r < 0) {
			count_err(c, r);
			continue;
		}
		if (r == 1) {
			/* No request is outstanding: any reply is stale. */
			if (screen(c, &f) > 0)
				c->cnt.stale_replies++;
			continue;
		}
		t = hostif_mono_ns();
		if (t >= end)
			break;
		r = hostif_chan_fill_wake(c->fd, wake_fd, &c->dec,
					  (int)((end - t + 999999) / 1000000));
		if (r < 0 || r == 2) {
			c->cnt.bytes_skipped = c->dec.skipped;
			return r < 0 ? r : 1;
		}
	}
	c->cnt.bytes_skipped = c->dec.skipped;
	return 0;
}

static int list_done(struct hostif_client *c, const struct hostif_frame *f,
		     void *arg)
{
	struct hostif_pipe_list *out = arg;

	(void)c;
	if (hostif_pipe_list_get(f, out))
		return -HOSTIF_E_PAYLOAD;
	return out->status ? -HOSTIF_E_STATUS : 0;
}

int hostif_client_pipe_list(struct hostif_client *c,
			    struct hostif_pipe_list *out)
{
	struct request rq = { .type = HOSTIF_T_PIPE_LIST,
			      .reply = HOSTIF_T_PIPE_LIST_REPLY,
			      .handle = list_done,
			      .arg = out };

	if (!c->ss.negotiated || !(c->ss.features & HOSTIF_F_PIPES))
		return -HOSTIF_E_STATE;
	return transact(c, &rq);
}

int hostif_client_pipe_send(struct hostif_client *c, uint16_t type,
			    const struct hostif_pipe *m)
{
	uint8_t hdr[HOSTIF_PIPE_HDR];
	size_t n = type == HOSTIF_T_PIPE_DATA ? m->data_len : 0;

	if (!c->ss.negotiated || !(c->ss.features & HOSTIF_F_PIPES))
		return -HOSTIF_E_STATE;
	if ((type != HOSTIF_T_PIPE_OPEN && type != HOSTIF_T_PIPE_CLOSE &&
	     type != HOSTIF_T_PIPE_DATA && type != HOSTIF_T_PIPE_CREDIT) ||
	    (type == HOSTIF_T_PIPE_DATA &&
	     (!n || n > HOSTIF_PIPE_DATA_MAX || !m->data)))
		return -HOSTIF_E_INVAL;
	hostif_pipe_put(hdr, type, m);
	return send_frame(c, type, 0, hdr, sizeof(hdr), n ? m->data : NULL, n);
}

/* --- the secure-processor relay (1.2, SPEC.md §13) ---------------------- */

struct sp_arg {
	uint8_t *buf;
	size_t cap, len;
	uint32_t status;
};

static int sp_done(struct hostif_client *c, const struct hostif_frame *f,
		   void *arg)
{
	struct sp_arg *a = arg;
	struct hostif_sp m;

	(void)c;
	if (hostif_sp_get(f, &m))
		return -HOSTIF_E_PAYLOAD;
	a->status = m.status;
	if (m.status)
		return -HOSTIF_E_STATUS;
	if (m.data_len > a->cap)
		return -HOSTIF_E_PAYLOAD;
	memcpy(a->buf, m.data, m.data_len);
	a->len = m.data_len;
	return 0;
}

static int sp_request(struct hostif_client *c, struct request *rq, void *out,
		      size_t cap, size_t *out_len, uint32_t *status)
{
	struct sp_arg a = { .buf = out, .cap = cap };
	int r;

	if (!c->ss.negotiated || !(c->ss.features & HOSTIF_F_SP))
		return -HOSTIF_E_STATE;
	rq->handle = sp_done;
	rq->arg = &a;
	r = transact(c, rq);
	if (status)
		*status = a.status;
	*out_len = r ? 0 : a.len;
	return r;
}

int hostif_client_sp_msg(struct hostif_client *c, const void *req, size_t len,
			 void *rsp, size_t cap, size_t *rsp_len,
			 uint32_t *status)
{
	struct request rq = { .type = HOSTIF_T_SP_MSG,
			      .reply = HOSTIF_T_SP_MSG_REPLY,
			      .p1 = req,
			      .n1 = len,
			      .once = 1 };

	if (!req || !len || len > HOSTIF_SP_MSG_MAX)
		return -HOSTIF_E_INVAL;
	return sp_request(c, &rq, rsp, cap, rsp_len, status);
}

int hostif_client_sp_certs(struct hostif_client *c, void *buf, size_t cap,
			   size_t *len, uint32_t *status)
{
	struct request rq = { .type = HOSTIF_T_SP_CERTS,
			      .reply = HOSTIF_T_SP_CERTS_REPLY };

	return sp_request(c, &rq, buf, cap, len, status);
}

int hostif_counters_format(const struct hostif_counters *k, char *buf,
			   size_t len)
{
	return snprintf(
		buf, len,
		"hostif: ok=%llu skipped=%llu magic=%llu length=%llu crc=%llu "
		"version=%llu type=%llu reserved=%llu payload=%llu "
		"replays=%llu gaps=%llu stale=%llu unexpected=%llu "
		"bad_replies=%llu host_errors=%llu timeouts=%llu "
		"retries=%llu stalls=%llu events=%llu events_bogus=%llu "
		"events_storm=%llu pipe=%llu pipe_bogus=%llu",
		(unsigned long long)k->frames_ok,
		(unsigned long long)k->bytes_skipped,
		(unsigned long long)k->bad_magic,
		(unsigned long long)k->bad_length,
		(unsigned long long)k->bad_crc,
		(unsigned long long)k->bad_version,
		(unsigned long long)k->bad_type,
		(unsigned long long)k->bad_reserved,
		(unsigned long long)k->bad_payload,
		(unsigned long long)k->replays, (unsigned long long)k->seq_gaps,
		(unsigned long long)k->stale_replies,
		(unsigned long long)k->unexpected,
		(unsigned long long)k->bad_replies,
		(unsigned long long)k->host_errors,
		(unsigned long long)k->timeouts, (unsigned long long)k->retries,
		(unsigned long long)k->stalls,
		(unsigned long long)k->events_delivered,
		(unsigned long long)k->events_bogus,
		(unsigned long long)k->events_storm,
		(unsigned long long)k->pipe_frames,
		(unsigned long long)k->pipe_bogus);
}
