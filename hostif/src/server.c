// SPDX-License-Identifier: MIT
/*
 * Host side of the control channel: answers the paravisor's requests from
 * the VMGS store, sends events, prints LOG lines, and in hostile mode
 * damages what it sends according to the fault plan.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "server_pipe.h"
#include "session.h"
#include "store.h"

#define HISTORY 4 /* frames kept for ctl-replay */
#define SEND_TIMEOUT_MS 5000

struct held {
	size_t len;
	uint8_t buf[HOSTIF_MAX_FRAME];
};

struct hostif_server {
	int fd;
	struct hostif_store *store;
	struct hostif_server_cfg cfg;
	struct hostif_hostile *hh;
	struct hostif_session ss;
	struct hostif_server_counters cnt;
	unsigned nhist, hist_next;
	struct held *hist; /* HISTORY entries */
	struct held *reorder; /* frame held back, if len != 0 */
	struct srv_pipes *pipes; /* the host end of pipes (server_pipe.c) */
	size_t sp_prev_len; /* sp-replay: the last genuine SP response */
	uint8_t sp_prev[HOSTIF_SP_MSG_MAX];
	uint8_t tx[HOSTIF_MAX_FRAME];
	uint8_t data[HOSTIF_MAX_DATA];
	struct hostif_dec dec;
};

static int send_pipe(void *srv, uint16_t type, const struct hostif_pipe *m);

int hostif_server_new(int fd, struct hostif_store *store,
		      const struct hostif_server_cfg *cfg,
		      struct hostif_server **out)
{
	struct hostif_server *s;
	struct srv_pipes_env env;
	int r;

	if (fd < 0 || !out)
		return -HOSTIF_E_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -HOSTIF_E_NOMEM;
	s->fd = fd;
	s->store = store;
	if (cfg)
		s->cfg = *cfg;
	s->hh = s->cfg.hostile;
	hostif_range_default(&s->cfg.range, s->cfg.features);
	if (s->hh) {
		s->hist = calloc(HISTORY, sizeof(*s->hist));
		s->reorder = calloc(1, sizeof(*s->reorder));
		if (!s->hist || !s->reorder) {
			hostif_server_free(s);
			return -HOSTIF_E_NOMEM;
		}
	}
	env = (struct srv_pipes_env){ .send = send_pipe,
				      .srv = s,
				      .cnt = &s->cnt,
				      .note_cb = s->cfg.note_cb,
				      .note_arg = s->cfg.note_arg };
	r = srv_pipes_new(&s->pipes, &s->cfg, &env);
	if (r) {
		hostif_server_free(s);
		return r;
	}
	hostif_dec_init(&s->dec);
	*out = s;
	return 0;
}

void hostif_server_free(struct hostif_server *s)
{
	if (!s)
		return;
	srv_pipes_free(s->pipes);
	free(s->hist);
	free(s->reorder);
	free(s);
}

const struct hostif_server_counters *
hostif_server_counters(const struct hostif_server *s)
{
	return &s->cnt;
}

static int put(struct hostif_server *s, const uint8_t *buf, size_t len)
{
	return hostif_chan_write(s->fd, buf, len, SEND_TIMEOUT_MS);
}

/* Sends s->tx[0, len), applying the control-frame faults of the plan. */
static int emit(struct hostif_server *s, size_t len)
{
	struct hostif_hostile *h = s->hh;
	size_t out = len;
	int r;

	if (!h)
		return put(s, s->tx, len);
	/* Remember the frame as sent correctly, for a later replay. */
	memcpy(s->hist[s->hist_next].buf, s->tx, len);
	s->hist[s->hist_next].len = len;
	s->hist_next = (s->hist_next + 1) % HISTORY;
	if (s->nhist < HISTORY)
		s->nhist++;
	if (hostif_hostile_roll(h, HOSTIF_FAULT_CTL_WITHHOLD))
		return 0;
	if (hostif_hostile_roll(h, HOSTIF_FAULT_CTL_CORRUPT)) {
		size_t bit = (size_t)hostif_hostile_rand(h, (uint64_t)len * 8);

		s->tx[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	if (hostif_hostile_roll(h, HOSTIF_FAULT_CTL_TRUNCATE))
		out = 1 + (size_t)hostif_hostile_rand(h, len - 1);
	if (!s->reorder->len &&
	    hostif_hostile_roll(h, HOSTIF_FAULT_CTL_REORDER)) {
		memcpy(s->reorder->buf, s->tx, out);
		s->reorder->len = out;
		return 0;
	}
	r = put(s, s->tx, out);
	if (!r && s->reorder->len) {
		r = put(s, s->reorder->buf, s->reorder->len);
		s->reorder->len = 0;
	}
	if (!r && hostif_hostile_roll(h, HOSTIF_FAULT_CTL_REPLAY)) {
		const struct held *old =
			&s->hist[hostif_hostile_rand(h, s->nhist)];

		r = put(s, old->buf, old->len);
	}
	return r;
}

/* faults 0: a secure-processor reply, never hit by the ctl-* faults
 * (SPEC.md §11): the relayed message is never resent, so a frame fault
 * there can only end in a retired VMPCK0, which sp-* tests on its own. */
static int send_frame_how(struct hostif_server *s, int faults, uint16_t type,
			  uint32_t req_id, const void *p1, size_t n1,
			  const void *p2, size_t n2)
{
	size_t len = hostif_session_encode(&s->ss, s->tx, sizeof(s->tx), type,
					   req_id, p1, n1, p2, n2);

	if (!len)
		return -HOSTIF_E_INVAL;
	return faults ? emit(s, len) : put(s, s->tx, len);
}

static int send_frame(struct hostif_server *s, uint16_t type, uint32_t req_id,
		      const void *p1, size_t n1, const void *p2, size_t n2)
{
	return send_frame_how(s, 1, type, req_id, p1, n1, p2, n2);
}

/*
 * A pipe frame to the pv. With pipe-replay, a PIPE_DATA is sent once more
 * as a fresh frame (new seq, same stream offset): it passes every session
 * check, and only the pv's offset check can catch it.
 */
static int send_pipe(void *srv, uint16_t type, const struct hostif_pipe *m)
{
	struct hostif_server *s = srv;
	uint8_t hdr[HOSTIF_PIPE_HDR];
	size_t n = type == HOSTIF_T_PIPE_DATA ? m->data_len : 0;
	int r;

	hostif_pipe_put(hdr, type, m);
	r = send_frame(s, type, 0, hdr, sizeof(hdr), n ? m->data : NULL, n);
	if (!r && n && hostif_hostile_roll(s->hh, HOSTIF_FAULT_PIPE_REPLAY))
		r = send_frame(s, type, 0, hdr, sizeof(hdr), m->data, n);
	return r;
}

static int on_pipe_list(struct hostif_server *s, const struct hostif_frame *f)
{
	struct hostif_pipe_list m;
	uint8_t p[HOSTIF_PIPE_LIST_MAX];
	size_t n;

	srv_pipes_list(s->pipes, &m);
	n = hostif_pipe_list_put(p, &m);
	return send_frame(s, HOSTIF_T_PIPE_LIST_REPLY, f->h.req_id, p, n, NULL,
			  0);
}

static int on_pipe(struct hostif_server *s, const struct hostif_frame *f)
{
	struct hostif_pipe m;
	int r;

	if (!(s->ss.features & HOSTIF_F_PIPES) || hostif_pipe_get(f, &m)) {
		s->cnt.frames_bad++;
		return 0;
	}
	r = srv_pipes_frame(s->pipes, f->h.type, &m);
	/* A hostile storm also follows each pipe open: a moment when the
	 * guest's drivers are up (the storm test proves delivery to them). */
	if (!r && f->h.type == HOSTIF_T_PIPE_OPEN &&
	    (s->ss.features & HOSTIF_F_EVENTS))
		r = hostif_server_storm(s);
	return r;
}

int hostif_server_send_event(struct hostif_server *s, uint32_t device,
			     uint16_t vector)
{
	uint8_t p[HOSTIF_EVENT_SIZE];
	struct hostif_event ev = { .device = device, .vector = vector };

	hostif_event_put(p, &ev);
	s->cnt.events_sent++;
	return send_frame(s, HOSTIF_T_EVENT, 0, p, sizeof(p), NULL, 0);
}

int hostif_server_storm(struct hostif_server *s)
{
	struct hostif_hostile *h = s->hh;

	for (uint32_t i = 0; h && i < h->storm; i++) {
		uint32_t dev = s->cfg.storm_device;
		uint16_t vec = s->cfg.storm_vector;
		int r;

		/* One in eight comes from a source that does not exist. */
		if (i % 8 == 7) {
			dev = (uint32_t)hostif_hostile_rand(h, UINT32_MAX);
			vec = (uint16_t)hostif_hostile_rand(h, 256);
		}
		r = hostif_server_send_event(s, dev, vec);
		if (r)
			return r;
		h->storm_sent++;
	}
	return 0;
}

/*
 * sp-withhold, sp-replay and sp-corrupt on a relayed SP response in
 * s->data[0, *len): 1 to withhold it, else 0 with the data to send.
 */
static int sp_hostile(struct hostif_server *s, size_t *len)
{
	struct hostif_hostile *h = s->hh;
	size_t n = *len;

	if (hostif_hostile_roll(h, HOSTIF_FAULT_SP_WITHHOLD))
		return 1;
	if (s->sp_prev_len && hostif_hostile_roll(h, HOSTIF_FAULT_SP_REPLAY)) {
		uint8_t cur[HOSTIF_SP_MSG_MAX];

		/* Answer with the previous response; keep this one. */
		memcpy(cur, s->data, n);
		memcpy(s->data, s->sp_prev, s->sp_prev_len);
		*len = s->sp_prev_len;
		memcpy(s->sp_prev, cur, n);
		s->sp_prev_len = n;
	} else {
		memcpy(s->sp_prev, s->data, n);
		s->sp_prev_len = n;
	}
	if (hostif_hostile_roll(h, HOSTIF_FAULT_SP_CORRUPT))
		s->data[hostif_hostile_rand(h, *len)] ^=
			(uint8_t)(1 + hostif_hostile_rand(h, 255));
	return 0;
}

/* SP_MSG and SP_CERTS: relayed to the secure processor (the callbacks),
 * answered with its status and answer (SPEC.md §13). */
static int on_sp(struct hostif_server *s, const struct hostif_frame *f)
{
	int is_msg = f->h.type == HOSTIF_T_SP_MSG;
	uint16_t reply =
		is_msg ? HOSTIF_T_SP_MSG_REPLY : HOSTIF_T_SP_CERTS_REPLY;
	size_t cap = is_msg ? HOSTIF_SP_MSG_MAX : HOSTIF_SP_CERTS_MAX, n = 0;
	struct hostif_sp m = { 0 };
	uint8_t p[HOSTIF_SP_REPLY_HDR];
	int st = HOSTIF_S_SP_DOWN;

	if (!(s->ss.features & HOSTIF_F_SP) ||
	    (is_msg && hostif_sp_get(f, &m))) {
		s->cnt.frames_bad++;
		return 0;
	}
	if (is_msg && s->cfg.sp_msg) {
		s->cnt.sp_msgs++;
		st = s->cfg.sp_msg(s->cfg.sp_arg, m.data, m.data_len, s->data,
				   cap, &n);
	} else if (!is_msg && s->cfg.sp_certs) {
		s->cnt.sp_certs++;
		st = s->cfg.sp_certs(s->cfg.sp_arg, s->data, cap, &n);
	}
	if (st == HOSTIF_S_OK && (!n || n > cap))
		st = HOSTIF_S_SP_DOWN;
	if (st != HOSTIF_S_OK) {
		s->cnt.sp_errors++;
		n = 0;
	} else if (is_msg && s->hh && sp_hostile(s, &n)) {
		return 0;
	}
	hostif_sp_reply_put(p, (uint32_t)st);
	return send_frame_how(s, 0, reply, f->h.req_id, p, sizeof(p), s->data,
			      n);
}

static int on_hello(struct hostif_server *s, const struct hostif_frame *f)
{
	struct hostif_hello peer;
	struct hostif_hello_reply m = { .range = s->cfg.range };
	uint8_t p[HOSTIF_HELLO_REPLY_SIZE];
	int r;

	if (hostif_hello_get(f, &peer))
		return -HOSTIF_E_PAYLOAD;
	if (hostif_negotiate(&s->cfg.range, &peer, &m.major, &m.minor)) {
		m.status = HOSTIF_S_VERSION;
		s->ss.negotiated = 0;
	} else {
		s->ss.negotiated =
			0; /* the reply goes out in the HELLO version */
		s->ss.features = hostif_features_at(s->cfg.range.features &
							    peer.features,
						    m.major, m.minor);
	}
	hostif_hello_reply_put(p, &m);
	r = send_frame(s, HOSTIF_T_HELLO_REPLY, f->h.req_id, p, sizeof(p), NULL,
		       0);
	if (!r && m.status == HOSTIF_S_OK) {
		s->ss.negotiated = 1;
		s->ss.major = m.major;
		s->ss.minor = m.minor;
		if (s->ss.features & HOSTIF_F_EVENTS)
			r = hostif_server_storm(s);
	}
	return r;
}

static int reply_status(struct hostif_server *s, uint16_t type, uint32_t id,
			uint32_t status, uint32_t count)
{
	uint8_t p[HOSTIF_STATUS_REPLY_SIZE];
	struct hostif_status_reply m = { .status = status, .count = count };

	hostif_status_reply_put(p, &m);
	return send_frame(s, type, id, p, sizeof(p), NULL, 0);
}

static uint32_t range_status(const struct hostif_server *s, uint64_t lba,
			     uint32_t count)
{
	if (!s->store)
		return HOSTIF_S_NO_DEVICE;
	if (lba > hostif_store_sectors(s->store) ||
	    count > hostif_store_sectors(s->store) - lba)
		return HOSTIF_S_RANGE;
	return HOSTIF_S_OK;
}

static int on_read(struct hostif_server *s, const struct hostif_frame *f)
{
	struct hostif_hostile *h = s->hh;
	struct hostif_rw rq;
	struct hostif_read_reply m = { 0 };
	uint8_t p[HOSTIF_RW_HDR];
	size_t len;

	if (hostif_read_get(f, &rq))
		return -HOSTIF_E_PAYLOAD;
	s->cnt.reads++;
	m.lba = rq.lba;
	m.status = range_status(s, rq.lba, rq.count);
	len = (size_t)rq.count * HOSTIF_SECTOR;
	if (!m.status &&
	    hostif_store_read(s->store, rq.lba * HOSTIF_SECTOR, s->data, len))
		m.status = HOSTIF_S_IO;
	if (m.status) {
		hostif_read_reply_put(p, &m);
		return send_frame(s, HOSTIF_T_VMGS_READ_REPLY, f->h.req_id, p,
				  sizeof(p), NULL, 0);
	}
	m.count = rq.count;
	if (hostif_hostile_roll(h, HOSTIF_FAULT_VMGS_SHORT)) {
		/* Fewer sectors; with one sector, half of it (malformed). */
		if (rq.count > 1) {
			m.count = 1 + (uint32_t)hostif_hostile_rand(
					      h, rq.count - 1);
			len = (size_t)m.count * HOSTIF_SECTOR;
		} else {
			len = HOSTIF_SECTOR / 2;
		}
	}
	if (hostif_hostile_roll(h, HOSTIF_FAULT_VMGS_TORN)) {
		size_t cut = (size_t)hostif_hostile_rand(h, len);

		memset(s->data + cut, 0, len - cut);
	}
	if (hostif_hostile_roll(h, HOSTIF_FAULT_VMGS_BITFLIP)) {
		size_t bit = (size_t)hostif_hostile_rand(h, (uint64_t)len * 8);

		s->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	hostif_read_reply_put(p, &m);
	return send_frame(s, HOSTIF_T_VMGS_READ_REPLY, f->h.req_id, p,
			  sizeof(p), s->data, len);
}

static int on_write(struct hostif_server *s, const struct hostif_frame *f)
{
	struct hostif_hostile *h = s->hh;
	struct hostif_write rq;
	uint32_t st, done;
	size_t len;

	if (hostif_write_get(f, &rq))
		return -HOSTIF_E_PAYLOAD;
	s->cnt.writes++;
	st = range_status(s, rq.rw.lba, rq.rw.count);
	if (st)
		return reply_status(s, HOSTIF_T_VMGS_WRITE_REPLY, f->h.req_id,
				    st, 0);
	done = rq.rw.count;
	len = rq.data_len;
	if (h && h->vmgs_kill && ++h->vmgs_writes == h->vmgs_kill)
		raise(SIGKILL); /* the host dies: none of this write lands */
	if (hostif_hostile_roll(h, HOSTIF_FAULT_VMGS_TORN)) {
		/* A prefix lands, then the host "crashes": no reply. */
		len = (size_t)hostif_hostile_rand(h, len);
		if (len)
			hostif_store_write(s->store, rq.rw.lba * HOSTIF_SECTOR,
					   rq.data, len);
		return 0;
	}
	if (hostif_hostile_roll(h, HOSTIF_FAULT_VMGS_SHORT)) {
		done = (uint32_t)hostif_hostile_rand(h, rq.rw.count);
		len = (size_t)done * HOSTIF_SECTOR;
	}
	if (len && hostif_store_write(s->store, rq.rw.lba * HOSTIF_SECTOR,
				      rq.data, len))
		return reply_status(s, HOSTIF_T_VMGS_WRITE_REPLY, f->h.req_id,
				    HOSTIF_S_IO, 0);
	return reply_status(s, HOSTIF_T_VMGS_WRITE_REPLY, f->h.req_id,
			    HOSTIF_S_OK, done);
}

static int on_info(struct hostif_server *s, const struct hostif_frame *f)
{
	struct hostif_info_reply m = { .status = HOSTIF_S_NO_DEVICE };
	uint8_t p[HOSTIF_INFO_REPLY_SIZE];

	if (s->store) {
		m.status = HOSTIF_S_OK;
		m.sector_size = HOSTIF_SECTOR;
		m.sector_count = hostif_store_sectors(s->store);
	}
	hostif_info_reply_put(p, &m);
	return send_frame(s, HOSTIF_T_VMGS_INFO_REPLY, f->h.req_id, p,
			  sizeof(p), NULL, 0);
}

static void on_log(struct hostif_server *s, const struct hostif_frame *f)
{
	struct hostif_log m;
	char line[HOSTIF_LOG_MAX + 1];

	if (hostif_log_get(f, &m) || !(s->ss.features & HOSTIF_F_LOG)) {
		s->cnt.frames_bad++;
		return;
	}
	s->cnt.logs++;
	memcpy(line, m.text, m.len); /* validated printable */
	line[m.len] = '\0';
	if (s->cfg.log_cb)
		s->cfg.log_cb(s->cfg.log_arg, m.level, line);
}

static int handle(struct hostif_server *s, const struct hostif_frame *f)
{
	if (hostif_msg_validate(f) || f->h.seq <= s->ss.rx_seq) {
		s->cnt.frames_bad++;
		return 0;
	}
	s->ss.rx_seq = f->h.seq;
	s->cnt.frames_ok++;
	if (f->h.type == HOSTIF_T_HELLO)
		return on_hello(s, f);
	if (f->h.type == HOSTIF_T_LOG) {
		on_log(s, f);
		return 0;
	}
	if (!s->ss.negotiated || f->h.major != s->ss.major ||
	    f->h.minor != s->ss.minor) {
		s->cnt.requests_refused++;
		if (f->h.type & HOSTIF_T_REPLY || !f->h.req_id)
			return 0; /* replies and one-way frames get no answer */
		return reply_status(s, (uint16_t)(f->h.type | HOSTIF_T_REPLY),
				    f->h.req_id, HOSTIF_S_NOT_READY, 0);
	}
	switch (f->h.type) {
	case HOSTIF_T_VMGS_INFO:
		return on_info(s, f);
	case HOSTIF_T_VMGS_READ:
		return on_read(s, f);
	case HOSTIF_T_VMGS_WRITE:
		return on_write(s, f);
	case HOSTIF_T_VMGS_FLUSH:
		s->cnt.flushes++;
		return reply_status(s, HOSTIF_T_VMGS_FLUSH_REPLY, f->h.req_id,
				    !s->store ? HOSTIF_S_NO_DEVICE :
				    hostif_store_flush(s->store) ? HOSTIF_S_IO :
								   HOSTIF_S_OK,
				    0);
	case HOSTIF_T_PIPE_LIST:
		if (s->ss.features & HOSTIF_F_PIPES)
			return on_pipe_list(s, f);
		s->cnt.frames_bad++;
		return 0;
	case HOSTIF_T_PIPE_OPEN:
	case HOSTIF_T_PIPE_DATA:
	case HOSTIF_T_PIPE_CREDIT:
	case HOSTIF_T_PIPE_CLOSE:
		return on_pipe(s, f);
	case HOSTIF_T_SP_MSG:
	case HOSTIF_T_SP_CERTS:
		return on_sp(s, f);
	default:
		/* Replies and events have no business coming from the guest. */
		s->cnt.frames_bad++;
		return 0;
	}
}

/* Answers every complete frame the decoder holds. */
static int handle_all(struct hostif_server *s)
{
	for (;;) {
		struct hostif_frame f;
		int r = hostif_dec_next(&s->dec, &f);

		if (r == 0)
			return 0;
		if (r < 0) {
			s->cnt.frames_bad++;
			continue;
		}
		r = handle(s, &f);
		if (r)
			return r;
	}
}

int hostif_server_step(struct hostif_server *s, int timeout_ms)
{
	struct pollfd pfd[1 + HOSTIF_PIPE_MAX];
	int r;

	pfd[0] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	srv_pipes_pollfds(s->pipes, pfd + 1);
	r = poll(pfd, 1 + HOSTIF_PIPE_MAX, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -HOSTIF_E_IO;
	if (pfd[0].revents) {
		r = hostif_chan_fill(s->fd, &s->dec, 0);
		if (r < 0)
			return r;
		r = handle_all(s);
		if (r)
			return r;
	}
	return srv_pipes_events(s->pipes, pfd + 1);
}

int hostif_server_drain(struct hostif_server *s, int timeout_ms)
{
	uint64_t end = hostif_mono_ns() + (uint64_t)timeout_ms * 1000000ull;
	int r = 0, closed = 0;

	/* The channel first: pipe data and closes the pv sent at its end. */
	while (hostif_mono_ns() < end) {
		if (!closed) {
			r = hostif_server_step(s, 50);
			closed = r == -HOSTIF_E_CLOSED || r == -HOSTIF_E_IO;
			if (r && !closed)
				break;
		} else if (!srv_pipes_pending(s->pipes)) {
			break;
		} else {
			struct pollfd pfd[HOSTIF_PIPE_MAX];

			srv_pipes_pollfds(s->pipes, pfd);
			for (unsigned i = 0; i < HOSTIF_PIPE_MAX; i++)
				if (!(pfd[i].events & POLLOUT))
					pfd[i].fd = -1;
			if (poll(pfd, HOSTIF_PIPE_MAX, 50) > 0)
				srv_pipes_events(s->pipes, pfd);
		}
	}
	srv_pipes_close_all(s->pipes);
	return closed ? 0 : r;
}

int hostif_server_run(struct hostif_server *s)
{
	for (;;) {
		int r = hostif_server_step(s, -1);

		/* The pipes' last bytes still go to their sockets. */
		if (r == -HOSTIF_E_CLOSED)
			return hostif_server_drain(s, HOSTIF_RUN_DRAIN_MS);
		if (r)
			return r;
	}
}
