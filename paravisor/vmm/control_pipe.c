// SPDX-License-Identifier: MIT
/*
 * pipe_backend.h over the control channel (control_pipe.h). Per pipe and
 * per direction a stream offset: every PIPE_DATA says where its bytes
 * belong, so host data that was lost, repeated or reordered ends the pipe
 * (the port hears closed()) instead of reaching the guest as wrong bytes.
 *
 * Locking: one mutex for every pipe's state. Port callbacks run on the
 * control thread without it (the port may call pipe_backend_grant() from
 * one); `in_cb` marks a running callback so that pipe_backend_close() can
 * wait for it and no callback runs after close returns.
 */
#include "control_pipe.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct ppipe {
	char name[PIPE_NAME_MAX + 1];
	uint16_t wire; /* the host's index of this pipe */
	uint32_t epoch; /* of the current or last open */
	bool guest_open; /* between pipe_backend_open and _close */
	bool live; /* the host end is up: callbacks may run */
	bool need_open, need_credit, flushing, need_close;
	uint32_t close_reason; /* with need_close */
	const struct pipe_port_ops *ops;
	void *port;
	int in_cb; /* callbacks running now */
	/* guest -> host: ring of taken bytes not yet sent */
	uint8_t *ring;
	size_t head, len;
	uint64_t taken, sent, host_limit;
	bool tx_blocked; /* send took less than offered */
	/* host -> guest */
	uint64_t rx_off, rx_limit;
};

struct pipe_backend {
	struct hostif_client *c;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* in_cb dropped, flushing ended */
	pthread_t thread; /* the control thread, once it pumped */
	bool have_thread, dead;
	int efd;
	unsigned n;
	int by_wire[HOSTIF_PIPE_MAX]; /* wire index -> ours, or -1 */
	struct ppipe p[PIPE_MAX];
	/* counters (under lock) */
	uint64_t opens, bytes_out, bytes_in, host_closes, stream_errors;
	uint64_t stale, unknown;
	uint8_t stage[HOSTIF_PIPE_DATA_MAX]; /* ring -> frame, control thread */
};

_Static_assert(PIPE_MAX == HOSTIF_PIPE_MAX, "one pipe limit");
_Static_assert(PIPE_NAME_MAX == HOSTIF_PIPE_NAME_MAX, "one name limit");

static void wake(struct pipe_backend *b)
{
	uint64_t one = 1;

	if (write(b->efd, &one, sizeof(one)) < 0) {
		/* Saturated counter: the pump is already due. */
	}
}

/* A name as the host sent it, printable for the log (up to its last
 * non-NUL byte; anything unprintable, NUL included, as '?'). */
static void printable(char out[HOSTIF_PIPE_NAME_FIELD + 1], const char *raw)
{
	int end = HOSTIF_PIPE_NAME_FIELD;

	while (end > 0 && !raw[end - 1])
		end--;
	for (int i = 0; i < end; i++)
		out[i] = raw[i] >= 0x20 && raw[i] < 0x7f ? raw[i] : '?';
	out[end] = '\0';
}

/* The host's list: each name valid and unique, else not offered. */
static void take_names(struct pipe_backend *b, const struct hostif_pipe_list *l)
{
	for (uint32_t i = 0; i < l->count; i++) {
		char shown[HOSTIF_PIPE_NAME_FIELD + 1];
		const char *why = NULL;

		if (!hostif_pipe_name_check(l->names[i], HOSTIF_PIPE_NAME_FIELD,
					    &why)) {
			for (unsigned j = 0; j < b->n && !why; j++)
				if (!strcmp(b->p[j].name, l->names[i]))
					why = "given twice";
			if (!why) {
				memcpy(b->p[b->n].name, l->names[i],
				       PIPE_NAME_MAX);
				b->p[b->n].wire = (uint16_t)i;
				b->by_wire[i] = (int)b->n++;
				continue;
			}
		}
		printable(shown, l->names[i]);
		pv_log("pipe: the host's pipe %u '%s' is not offered: %s", i,
		       shown, why);
	}
}

struct pipe_backend *control_pipes_new(struct hostif_client *c)
{
	struct hostif_pipe_list l;
	struct pipe_backend *b;
	int r;

	if (!(hostif_client_features(c) & HOSTIF_F_PIPES))
		return NULL;
	r = hostif_client_pipe_list(c, &l);
	if (r) {
		pv_log("pipe: no list of pipes from the host: %s",
		       hostif_strerror(r));
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->c = c;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	for (unsigned i = 0; i < HOSTIF_PIPE_MAX; i++)
		b->by_wire[i] = -1;
	take_names(b, &l);
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!b->n && l.count)
		pv_log("pipe: none of the host's %u pipes is usable", l.count);
	for (unsigned i = 0; i < b->n && b->efd >= 0; i++)
		if (!(b->p[i].ring = malloc(CONTROL_PIPE_TX_BUF)))
			b->n = 0;
	if (!b->n || b->efd < 0) {
		control_pipes_free(b);
		return NULL;
	}
	for (unsigned i = 0; i < b->n; i++)
		pv_log("pipe %u: '%s' (the host's pipe %u)", i, b->p[i].name,
		       b->p[i].wire);
	return b;
}

void control_pipes_free(struct pipe_backend *b)
{
	if (!b)
		return;
	for (unsigned i = 0; i < PIPE_MAX; i++)
		free(b->p[i].ring);
	if (b->efd >= 0)
		close(b->efd);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b);
}

int control_pipes_wake_fd(const struct pipe_backend *b)
{
	return b->efd;
}

unsigned pipe_backend_count(const struct pipe_backend *b)
{
	return b ? b->n : 0;
}

const char *pipe_backend_name(const struct pipe_backend *b, unsigned idx)
{
	return b && idx < b->n ? b->p[idx].name : NULL;
}

static bool on_control_thread(const struct pipe_backend *b)
{
	return b->have_thread && pthread_equal(b->thread, pthread_self());
}

/* Waits (lock held) until the previous open's tail and CLOSE went out. */
static int wait_flushed(struct pipe_backend *b, struct ppipe *p)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += CONTROL_PIPE_REOPEN_WAIT_MS / 1000;
	while (p->flushing && !b->dead && !on_control_thread(b))
		if (pthread_cond_timedwait(&b->cond, &b->lock, &t) == ETIMEDOUT)
			break;
	return p->flushing ? -EBUSY : 0;
}

int pipe_backend_open(struct pipe_backend *b, unsigned idx,
		      const struct pipe_port_ops *ops, void *port)
{
	struct ppipe *p;
	int r = 0;

	if (!b || idx >= b->n || !ops)
		return -EINVAL;
	p = &b->p[idx];
	pthread_mutex_lock(&b->lock);
	if (b->dead)
		r = -EPIPE;
	else if (p->guest_open)
		r = -EBUSY;
	if (!r && p->flushing) {
		wake(b);
		r = wait_flushed(b, p);
	}
	if (!r) {
		p->epoch = p->epoch + 1 ? p->epoch + 1 : 1;
		p->guest_open = p->live = p->need_open = true;
		p->need_credit = p->need_close = p->tx_blocked = false;
		p->ops = ops;
		p->port = port;
		p->head = p->len = 0;
		p->taken = p->sent = p->host_limit = 0;
		p->rx_off = p->rx_limit = 0;
		b->opens++;
	}
	pthread_mutex_unlock(&b->lock);
	if (!r)
		wake(b);
	return r;
}

size_t pipe_backend_send(struct pipe_backend *b, unsigned idx, const void *buf,
			 size_t len)
{
	struct ppipe *p;
	size_t room, take = 0, tail, first;

	if (!b || idx >= b->n)
		return 0;
	p = &b->p[idx];
	pthread_mutex_lock(&b->lock);
	if (p->guest_open && p->live) {
		room = CONTROL_PIPE_TX_BUF - p->len;
		if (p->host_limit - p->taken < room)
			room = (size_t)(p->host_limit - p->taken);
		take = len < room ? len : room;
		tail = (p->head + p->len) % CONTROL_PIPE_TX_BUF;
		first = CONTROL_PIPE_TX_BUF - tail;
		if (first > take)
			first = take;
		memcpy(p->ring + tail, buf, first);
		memcpy(p->ring, (const uint8_t *)buf + first, take - first);
		p->len += take;
		p->taken += take;
		p->tx_blocked = take < len;
	}
	pthread_mutex_unlock(&b->lock);
	if (take)
		wake(b);
	return take;
}

void pipe_backend_grant(struct pipe_backend *b, unsigned idx, size_t bytes)
{
	struct ppipe *p;
	bool w = false;

	if (!b || idx >= b->n || !bytes)
		return;
	p = &b->p[idx];
	pthread_mutex_lock(&b->lock);
	if (p->guest_open && p->live) {
		p->rx_limit += bytes;
		p->need_credit = w = true;
	}
	pthread_mutex_unlock(&b->lock);
	if (w)
		wake(b);
}

void pipe_backend_close(struct pipe_backend *b, unsigned idx)
{
	struct ppipe *p;

	if (!b || idx >= b->n)
		return;
	p = &b->p[idx];
	pthread_mutex_lock(&b->lock);
	if (p->guest_open) {
		p->guest_open = false;
		/* Taken bytes still go out, then CLOSE (the pump). */
		if (p->live && !b->dead)
			p->flushing = true;
		p->live = false;
	}
	while (p->in_cb && !on_control_thread(b))
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
	wake(b);
}

/* --- the control thread ---------------------------------------------------- */

enum cb_kind { CB_RX, CB_TX_READY, CB_CLOSED };

/*
 * Runs a port callback without the lock (held on entry and on return);
 * only if the pipe is still the same open.
 */
static void callback(struct pipe_backend *b, struct ppipe *p, uint32_t epoch,
		     enum cb_kind kind, const uint8_t *data, size_t len,
		     const char *why)
{
	const struct pipe_port_ops *ops = p->ops;
	void *port = p->port;

	if (!p->guest_open || p->epoch != epoch)
		return;
	p->in_cb++;
	pthread_mutex_unlock(&b->lock);
	if (kind == CB_RX && ops->rx)
		ops->rx(port, data, len);
	else if (kind == CB_TX_READY && ops->tx_ready)
		ops->tx_ready(port);
	else if (kind == CB_CLOSED && ops->closed)
		ops->closed(port, why);
	pthread_mutex_lock(&b->lock);
	p->in_cb--;
	pthread_cond_broadcast(&b->cond);
}

/* The pipe ends here (lock held): the host is told unless it ended it,
 * the port hears why. */
static void end_pipe(struct pipe_backend *b, struct ppipe *p, uint32_t reason,
		     const char *why)
{
	uint32_t epoch = p->epoch;

	pv_log("pipe %s: ended: %s", p->name, why);
	p->live = false;
	p->len = 0; /* taken bytes cannot reach a host end that is gone */
	if (reason != HOSTIF_PIPE_R_CLOSED) {
		p->need_close = true;
		p->close_reason = reason;
		wake(b); /* the pump tells the host soon */
	}
	callback(b, p, epoch, CB_CLOSED, NULL, 0, why);
}

static void on_data(struct pipe_backend *b, struct ppipe *p,
		    const struct hostif_pipe *m)
{
	if (m->arg != p->rx_off) {
		b->stream_errors++;
		end_pipe(b, p, HOSTIF_PIPE_R_STREAM,
			 m->arg < p->rx_off ?
				 "host data repeated (stream offset behind)" :
				 "host data lost or reordered (stream offset "
				 "ahead)");
		return;
	}
	if (m->data_len > p->rx_limit - p->rx_off) {
		b->stream_errors++;
		end_pipe(b, p, HOSTIF_PIPE_R_STREAM,
			 "host data beyond the credit granted");
		return;
	}
	p->rx_off += m->data_len;
	b->bytes_in += m->data_len;
	callback(b, p, p->epoch, CB_RX, m->data, m->data_len, NULL);
}

/* More room at the host: a sender that was refused may go on. */
static void maybe_tx_ready(struct pipe_backend *b, struct ppipe *p)
{
	if (p->tx_blocked && p->live && p->host_limit > p->taken &&
	    p->len < CONTROL_PIPE_TX_BUF) {
		p->tx_blocked = false;
		callback(b, p, p->epoch, CB_TX_READY, NULL, 0, NULL);
	}
}

static void on_credit(struct pipe_backend *b, struct ppipe *p,
		      const struct hostif_pipe *m)
{
	if (m->arg < p->host_limit) {
		b->stream_errors++;
		end_pipe(b, p, HOSTIF_PIPE_R_STREAM,
			 "host credit went backwards");
		return;
	}
	p->host_limit = m->arg;
	maybe_tx_ready(b, p);
}

static void on_close(struct pipe_backend *b, struct ppipe *p,
		     const struct hostif_pipe *m)
{
	char why[96];

	b->host_closes++;
	snprintf(why, sizeof(why), "host closed it: %s",
		 hostif_pipe_reason_name((uint32_t)m->arg));
	end_pipe(b, p, HOSTIF_PIPE_R_CLOSED, why);
}

void control_pipes_on_frame(void *arg, uint16_t type,
			    const struct hostif_pipe *m)
{
	struct pipe_backend *b = arg;
	struct ppipe *p;
	int idx;

	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	b->thread = pthread_self(); /* callbacks run here (on_control_thread) */
	b->have_thread = true;
	idx = m->pipe < HOSTIF_PIPE_MAX ? b->by_wire[m->pipe] : -1;
	p = idx >= 0 ? &b->p[idx] : NULL;
	if (!p) {
		b->unknown++;
	} else if (p->flushing && m->epoch == p->epoch &&
		   type == HOSTIF_T_PIPE_CLOSE) {
		p->flushing = false; /* the host end is gone: tail dropped */
		p->len = 0;
		pthread_cond_broadcast(&b->cond);
	} else if (!p->live || m->epoch != p->epoch || b->dead) {
		b->stale++; /* an earlier open, or a pipe that ended */
	} else if (type == HOSTIF_T_PIPE_DATA) {
		on_data(b, p, m);
	} else if (type == HOSTIF_T_PIPE_CREDIT) {
		on_credit(b, p, m);
	} else if (type == HOSTIF_T_PIPE_CLOSE) {
		on_close(b, p, m);
	}
	pthread_mutex_unlock(&b->lock);
}

/* Sends one message for p without the lock. */
static int send_unlocked(struct pipe_backend *b, uint16_t type,
			 struct hostif_pipe *m)
{
	int r;

	pthread_mutex_unlock(&b->lock);
	r = hostif_client_pipe_send(b->c, type, m);
	pthread_mutex_lock(&b->lock);
	return r;
}

/* The ring's next chunk as a PIPE_DATA (lock held). */
static int send_chunk(struct pipe_backend *b, struct ppipe *p)
{
	struct hostif_pipe m = { .pipe = p->wire, .epoch = p->epoch };
	size_t n = p->len < sizeof(b->stage) ? p->len : sizeof(b->stage);
	size_t first = CONTROL_PIPE_TX_BUF - p->head;

	if (first > n)
		first = n;
	memcpy(b->stage, p->ring + p->head, first);
	memcpy(b->stage + first, p->ring, n - first);
	p->head = (p->head + n) % CONTROL_PIPE_TX_BUF;
	p->len -= n;
	m.arg = p->sent;
	m.data = b->stage;
	m.data_len = n;
	p->sent += n;
	b->bytes_out += n;
	return send_unlocked(b, HOSTIF_T_PIPE_DATA, &m);
}

/*
 * Still the open m was built for? Every send drops the lock, and a vCPU may
 * close and reopen the pipe meanwhile: then the rest waits for the next
 * pass (the open woke the pump), which starts with the new PIPE_OPEN.
 */
static bool same_open(const struct ppipe *p, const struct hostif_pipe *m)
{
	return p->epoch == m->epoch && !p->need_open;
}

/* Everything one pipe has queued, in stream order (lock held). */
static int pump_one(struct pipe_backend *b, struct ppipe *p)
{
	struct hostif_pipe m = { .pipe = p->wire, .epoch = p->epoch };
	int r = 0;

	if (p->need_open) {
		p->need_open = false;
		r = send_unlocked(b, HOSTIF_T_PIPE_OPEN, &m);
	}
	if (!r && same_open(p, &m) && p->need_credit && p->live) {
		p->need_credit = false;
		m.arg = p->rx_limit;
		r = send_unlocked(b, HOSTIF_T_PIPE_CREDIT, &m);
	}
	while (!r && same_open(p, &m) && p->len && (p->live || p->flushing))
		r = send_chunk(b, p);
	if (!r && same_open(p, &m) && p->live)
		maybe_tx_ready(b, p);
	if (!r && same_open(p, &m) && p->flushing && !p->len) {
		m.arg = HOSTIF_PIPE_R_CLOSED;
		r = send_unlocked(b, HOSTIF_T_PIPE_CLOSE, &m);
		p->flushing = false;
		pthread_cond_broadcast(&b->cond);
	}
	if (!r && same_open(p, &m) && p->need_close) {
		p->need_close = false;
		m.arg = p->close_reason;
		r = send_unlocked(b, HOSTIF_T_PIPE_CLOSE, &m);
	}
	return r;
}

int control_pipes_pump(struct pipe_backend *b)
{
	uint64_t v;
	int r = 0;

	if (!b)
		return 0;
	if (read(b->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing signalled, a periodic pass. */
	}
	pthread_mutex_lock(&b->lock);
	b->thread = pthread_self();
	b->have_thread = true;
	for (unsigned i = 0; i < b->n && !r && !b->dead; i++)
		r = pump_one(b, &b->p[i]);
	pthread_mutex_unlock(&b->lock);
	return r;
}

void control_pipes_finish(struct pipe_backend *b, const char *why)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->lock);
	for (unsigned i = 0; i < b->n; i++) {
		struct ppipe *p = &b->p[i];
		bool was_live = p->guest_open && p->live;

		p->flushing = p->flushing || was_live;
		p->live = false;
		if (was_live)
			callback(b, p, p->epoch, CB_CLOSED, NULL, 0, why);
		p->guest_open = false;
	}
	pthread_mutex_unlock(&b->lock);
	control_pipes_pump(b); /* the tails and CLOSEs, if the channel lives */
	pthread_mutex_lock(&b->lock);
	b->dead = true;
	for (unsigned i = 0; i < b->n; i++)
		b->p[i].flushing = false;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

void control_pipes_log(const struct pipe_backend *b, const char *when)
{
	if (!b)
		return;
	pv_log("pipes: opens=%llu bytes_to_host=%llu bytes_from_host=%llu "
	       "host_closes=%llu stream_errors=%llu stale=%llu unknown=%llu "
	       "(%s)",
	       (unsigned long long)b->opens, (unsigned long long)b->bytes_out,
	       (unsigned long long)b->bytes_in,
	       (unsigned long long)b->host_closes,
	       (unsigned long long)b->stream_errors,
	       (unsigned long long)b->stale, (unsigned long long)b->unknown,
	       when);
}
