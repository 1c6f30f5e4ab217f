// SPDX-License-Identifier: MIT
/*
 * The host end of pipes (server_pipe.h, SPEC.md §12). Per pipe: a socket
 * connected on PIPE_OPEN (as a client: the socket is someone else's
 * listening socket), a bounded ring of bytes from the paravisor not yet
 * written to it (its size is the credit the host grants), and the credit
 * the paravisor granted for bytes towards it. The socket is read only
 * while that credit allows: no credit, no read, which is the back-pressure
 * towards the host's writer.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "server_pipe.h"

struct spipe {
	char name[HOSTIF_PIPE_NAME_FIELD];
	const char *path;
	int fd; /* -1 when not connected */
	uint32_t epoch; /* of the open being served */
	int closing; /* the pv closed: flush the ring, then close */
	uint64_t rx_off; /* pv -> host: next offset expected */
	uint64_t written; /* pv -> host: bytes written to the socket */
	uint64_t granted; /* the limit granted to the pv */
	uint64_t tx_off; /* host -> pv: bytes sent */
	uint64_t pv_limit; /* the limit the pv granted */
	size_t head, len; /* ring of rx bytes not yet written */
	uint8_t *ring; /* HOSTIF_HOST_PIPE_BUF bytes */
};

struct srv_pipes {
	struct srv_pipes_env env;
	unsigned n;
	struct spipe p[HOSTIF_PIPE_MAX];
	uint8_t buf[HOSTIF_PIPE_DATA_MAX]; /* socket -> pv staging */
};

static void note(struct srv_pipes *ps, const struct spipe *p, const char *fmt,
		 const char *detail)
{
	char line[256];

	if (!ps->env.note_cb)
		return;
	snprintf(line, sizeof(line), "pipe %s: %s%s", p->name, fmt,
		 detail ? detail : "");
	ps->env.note_cb(ps->env.note_arg, line);
}

int srv_pipes_new(struct srv_pipes **out, const struct hostif_server_cfg *cfg,
		  const struct srv_pipes_env *env)
{
	struct srv_pipes *ps;
	const char *why;

	if (cfg->npipes > HOSTIF_PIPE_MAX)
		return -HOSTIF_E_INVAL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return -HOSTIF_E_NOMEM;
	ps->env = *env;
	ps->n = cfg->npipes;
	for (unsigned i = 0; i < ps->n; i++) {
		struct spipe *p = &ps->p[i];
		const char *name = cfg->pipes[i].name;

		if (hostif_pipe_name_check(name, strlen(name) + 1, &why) ||
		    !cfg->pipes[i].path) {
			srv_pipes_free(ps);
			return -HOSTIF_E_INVAL;
		}
		memcpy(p->name, name, strlen(name));
		p->path = cfg->pipes[i].path;
		p->fd = -1;
		p->ring = malloc(HOSTIF_HOST_PIPE_BUF);
		if (!p->ring) {
			srv_pipes_free(ps);
			return -HOSTIF_E_NOMEM;
		}
	}
	*out = ps;
	return 0;
}

void srv_pipes_close_all(struct srv_pipes *ps)
{
	for (unsigned i = 0; ps && i < ps->n; i++) {
		if (ps->p[i].fd >= 0)
			close(ps->p[i].fd);
		ps->p[i].fd = -1;
	}
}

void srv_pipes_free(struct srv_pipes *ps)
{
	if (!ps)
		return;
	srv_pipes_close_all(ps);
	for (unsigned i = 0; i < ps->n; i++)
		free(ps->p[i].ring);
	free(ps);
}

void srv_pipes_list(const struct srv_pipes *ps, struct hostif_pipe_list *out)
{
	memset(out, 0, sizeof(*out));
	out->count = ps ? ps->n : 0;
	for (unsigned i = 0; i < out->count; i++)
		memcpy(out->names[i], ps->p[i].name, HOSTIF_PIPE_NAME_FIELD);
}

size_t srv_pipes_pending(const struct srv_pipes *ps)
{
	size_t n = 0;

	for (unsigned i = 0; ps && i < ps->n; i++)
		n += ps->p[i].fd >= 0 ? ps->p[i].len : 0;
	return n;
}

static int send_msg(struct srv_pipes *ps, uint16_t type, unsigned idx,
		    uint32_t epoch, uint64_t arg)
{
	struct hostif_pipe m = { .pipe = (uint16_t)idx,
				 .epoch = epoch,
				 .arg = arg };

	return ps->env.send(ps->env.srv, type, &m);
}

/* Ends the pipe on the host: the socket closes, the pv is told why. */
static int end_pipe(struct srv_pipes *ps, unsigned idx, uint32_t reason)
{
	struct spipe *p = &ps->p[idx];

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->len = 0;
	ps->env.cnt->pipe_closes++;
	if (reason == HOSTIF_PIPE_R_STREAM)
		ps->env.cnt->pipe_stream_errors++;
	note(ps, p, "ended: ", hostif_pipe_reason_name(reason));
	return send_msg(ps, HOSTIF_T_PIPE_CLOSE, idx, p->epoch, reason);
}

static int flush_ring(struct srv_pipes *ps, unsigned idx);

static int connect_path(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * A reopen while the previous connection still flushes what the guest wrote
 * before its close: those bytes go out first (bounded wait), then it ends.
 */
static void finish_old(struct srv_pipes *ps, unsigned idx)
{
	struct spipe *p = &ps->p[idx];

	for (int i = 0; i < HOSTIF_REOPEN_FLUSH_MS / 10 && p->fd >= 0 &&
			p->closing && p->len;
	     i++) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };

		if (poll(&pfd, 1, 10) > 0 && flush_ring(ps, idx))
			break;
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static int on_open(struct srv_pipes *ps, const struct hostif_pipe *m)
{
	struct spipe *p = &ps->p[m->pipe];

	finish_old(ps, m->pipe);
	p->fd = -1;
	p->epoch = m->epoch;
	p->closing = 0;
	p->rx_off = p->written = p->granted = p->tx_off = p->pv_limit = 0;
	p->head = p->len = 0;
	ps->env.cnt->pipe_opens++;
	p->fd = connect_path(p->path);
	if (p->fd < 0) {
		ps->env.cnt->pipe_refused++;
		note(ps, p, "connect failed: ", strerror(errno));
		return send_msg(ps, HOSTIF_T_PIPE_CLOSE, m->pipe, m->epoch,
				HOSTIF_PIPE_R_REFUSED);
	}
	p->granted = HOSTIF_HOST_PIPE_BUF;
	return send_msg(ps, HOSTIF_T_PIPE_CREDIT, m->pipe, m->epoch,
			p->granted);
}

/* Writes what the ring holds; more credit for the pv as it drains. */
static int flush_ring(struct srv_pipes *ps, unsigned idx)
{
	struct spipe *p = &ps->p[idx];

	while (p->len) {
		size_t chunk = HOSTIF_HOST_PIPE_BUF - p->head;
		ssize_t n;

		if (chunk > p->len)
			chunk = p->len;
		n = send(p->fd, p->ring + p->head, chunk, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return end_pipe(ps, idx, HOSTIF_PIPE_R_IO);
		p->head = (p->head + (size_t)n) % HOSTIF_HOST_PIPE_BUF;
		p->len -= (size_t)n;
		p->written += (uint64_t)n;
		ps->env.cnt->pipe_bytes_in += (uint64_t)n;
	}
	if (p->closing && !p->len) {
		close(p->fd);
		p->fd = -1;
		ps->env.cnt->pipe_closes++;
		return 0;
	}
	/* Grant in quarters of the ring: fewer frames, never a deadlock (a
	 * pv out of credit has filled the ring; draining it frees 4/4). */
	if (!p->closing && p->written + HOSTIF_HOST_PIPE_BUF >=
				   p->granted + HOSTIF_HOST_PIPE_BUF / 4) {
		p->granted = p->written + HOSTIF_HOST_PIPE_BUF;
		return send_msg(ps, HOSTIF_T_PIPE_CREDIT, idx, p->epoch,
				p->granted);
	}
	return 0;
}

static int on_data(struct srv_pipes *ps, const struct hostif_pipe *m)
{
	struct spipe *p = &ps->p[m->pipe];
	size_t tail, first;

	if (m->arg != p->rx_off || m->data_len > p->granted - p->rx_off)
		return end_pipe(ps, m->pipe, HOSTIF_PIPE_R_STREAM);
	/* Within the credit, so within the ring's free space. */
	tail = (p->head + p->len) % HOSTIF_HOST_PIPE_BUF;
	first = HOSTIF_HOST_PIPE_BUF - tail;
	if (first > m->data_len)
		first = m->data_len;
	memcpy(p->ring + tail, m->data, first);
	memcpy(p->ring, m->data + first, m->data_len - first);
	p->len += m->data_len;
	p->rx_off += m->data_len;
	return flush_ring(ps, m->pipe);
}

int srv_pipes_frame(struct srv_pipes *ps, uint16_t type,
		    const struct hostif_pipe *m)
{
	struct spipe *p;

	if (!ps)
		return 0;
	if (m->pipe >= ps->n) {
		if (type != HOSTIF_T_PIPE_OPEN)
			return 0;
		return send_msg(ps, HOSTIF_T_PIPE_CLOSE, m->pipe, m->epoch,
				HOSTIF_PIPE_R_NO_PIPE);
	}
	if (type == HOSTIF_T_PIPE_OPEN)
		return on_open(ps, m);
	p = &ps->p[m->pipe];
	/* Late frames of an earlier open, or of a pipe already ended. */
	if (m->epoch != p->epoch || p->fd < 0 || p->closing) {
		ps->env.cnt->pipe_stale++;
		return 0;
	}
	switch (type) {
	case HOSTIF_T_PIPE_DATA:
		return on_data(ps, m);
	case HOSTIF_T_PIPE_CREDIT:
		if (m->arg < p->pv_limit)
			return end_pipe(ps, m->pipe, HOSTIF_PIPE_R_STREAM);
		p->pv_limit = m->arg;
		return 0;
	default: /* PIPE_CLOSE: what the pv sent before it goes out first */
		p->closing = 1;
		note(ps, p, "closed by the guest", NULL);
		return flush_ring(ps, m->pipe);
	}
}

void srv_pipes_pollfds(const struct srv_pipes *ps, struct pollfd *pfd)
{
	for (unsigned i = 0; i < HOSTIF_PIPE_MAX; i++) {
		const struct spipe *p = ps && i < ps->n ? &ps->p[i] : NULL;
		short ev = 0;

		if (p && p->fd >= 0) {
			if (!p->closing && p->pv_limit > p->tx_off)
				ev |= POLLIN;
			if (p->len)
				ev |= POLLOUT;
		}
		pfd[i] = (struct pollfd){ .fd = ev ? p->fd : -1, .events = ev };
	}
}

/* Socket -> pv, within the pv's credit. */
static int pump_in(struct srv_pipes *ps, unsigned idx)
{
	struct spipe *p = &ps->p[idx];
	uint64_t room = p->pv_limit - p->tx_off;
	struct hostif_pipe m = { .pipe = (uint16_t)idx, .epoch = p->epoch };
	ssize_t n;

	if (room > sizeof(ps->buf))
		room = sizeof(ps->buf);
	do
		n = read(p->fd, ps->buf, (size_t)room);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0)
		return end_pipe(ps, idx,
				n ? HOSTIF_PIPE_R_IO : HOSTIF_PIPE_R_CLOSED);
	m.arg = p->tx_off;
	m.data = ps->buf;
	m.data_len = (size_t)n;
	p->tx_off += (uint64_t)n;
	ps->env.cnt->pipe_bytes_out += (uint64_t)n;
	return ps->env.send(ps->env.srv, HOSTIF_T_PIPE_DATA, &m);
}

int srv_pipes_events(struct srv_pipes *ps, const struct pollfd *pfd)
{
	int r = 0;

	for (unsigned i = 0; ps && i < ps->n && !r; i++) {
		if (pfd[i].fd < 0 || pfd[i].fd != ps->p[i].fd ||
		    !pfd[i].revents)
			continue;
		if (pfd[i].events & POLLOUT)
			r = flush_ring(ps, i);
		if (!r && ps->p[i].fd >= 0 && (pfd[i].events & POLLIN) &&
		    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			r = pump_in(ps, i);
	}
	return r;
}
