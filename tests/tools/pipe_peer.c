// SPDX-License-Identifier: MIT
/*
 * pipe-peer: the host end of pipe tests and benchmarks. It listens on a
 * Unix socket (what `mantle run --pipe NAME=SOCKET` connects to) and serves
 * one connection at a time, for ever, until SIGTERM/SIGINT:
 *
 *   pipe-peer SOCKET echo              sends back every byte it receives
 *   pipe-peer SOCKET sink-ack BYTES    checks BYTES of the test stream
 *       (seed 1, pipe_stream.h), then sends an 8-byte acknowledgement
 *   pipe-peer SOCKET source BYTES SEED sends BYTES of the stream, then
 *       waits for the other end to close
 *
 * One line per connection on stdout: "pipe-peer: connection N: received X
 * sent Y (closed by the other end|error: ...)". The echo buffer is bounded:
 * when the other end does not read, pipe-peer stops reading too, so
 * back-pressure reaches the writer.
 */
#include "pipe_stream.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUF 65536

enum mode { ECHO, SINK_ACK, SOURCE };

struct conn {
	int fd;
	enum mode mode;
	unsigned long long limit, received, sent;
	struct pipe_stream in, out;
	uint8_t buf[BUF];
	size_t head, tail; /* pending output: buf[head..tail) */
	const char *error;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "pipe-peer: socket path too long\n");
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 4) < 0) {
		fprintf(stderr, "pipe-peer: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return fd;
}

/* Room to read into: echo keeps its output buffer bounded. */
static size_t read_room(const struct conn *c)
{
	if (c->mode == ECHO)
		return c->tail == c->head ? BUF : 0;
	return BUF;
}

static void on_input(struct conn *c, const uint8_t *p, size_t n)
{
	c->received += n;
	if (c->mode == ECHO) {
		memcpy(c->buf, p, n);
		c->head = 0;
		c->tail = n;
	} else if (c->mode == SINK_ACK) {
		if (pipe_stream_check(&c->in, p, n) != n)
			c->error = "wrong byte in the stream";
		else if (c->received == c->limit) {
			memcpy(c->buf, "ACK-DONE", 8);
			c->head = 0;
			c->tail = 8;
		} else if (c->received > c->limit) {
			c->error = "more bytes than announced";
		}
	}
}

/* Next bytes to send for source mode, when the buffer is empty. */
static void refill_source(struct conn *c)
{
	unsigned long long left = c->limit - c->sent;
	size_t n = left < BUF ? (size_t)left : BUF;

	if (c->mode != SOURCE || c->head != c->tail || !n)
		return;
	pipe_stream_fill(&c->out, c->buf, n);
	c->head = 0;
	c->tail = n;
}

/* Serves one connection until the other end closes or an error. */
static void serve(struct conn *c)
{
	static uint8_t in[BUF];

	while (!stop && !c->error) {
		struct pollfd p = { c->fd, 0, 0 };
		size_t room = read_room(c);
		ssize_t n;

		refill_source(c);
		if (room)
			p.events |= POLLIN;
		if (c->head != c->tail)
			p.events |= POLLOUT;
		if (poll(&p, 1, 500) <= 0)
			continue;
		if (p.revents & POLLOUT) {
			n = write(c->fd, c->buf + c->head, c->tail - c->head);
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				c->error = strerror(errno);
			if (n > 0) {
				c->head += (size_t)n;
				c->sent += (unsigned long long)n;
			}
		}
		if (room && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			n = read(c->fd, in, room);
			if (n == 0)
				return;
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				c->error = strerror(errno);
			if (n > 0)
				on_input(c, in, (size_t)n);
		}
	}
}

static int parse_args(int argc, char **argv, struct conn *proto)
{
	unsigned long long seed = 0;
	char *end = NULL;

	if (argc >= 3 && !strcmp(argv[2], "echo") && argc == 3) {
		proto->mode = ECHO;
		return 0;
	}
	if (argc == 4 && !strcmp(argv[2], "sink-ack"))
		proto->mode = SINK_ACK;
	else if (argc == 5 && !strcmp(argv[2], "source"))
		proto->mode = SOURCE;
	else
		return -1;
	proto->limit = strtoull(argv[3], &end, 0);
	if (!end || *end)
		return -1;
	if (proto->mode == SOURCE) {
		seed = strtoull(argv[4], &end, 0);
		if (*end)
			return -1;
	}
	pipe_stream_init(&proto->out, seed);
	pipe_stream_init(&proto->in, 1);
	return 0;
}

int main(int argc, char **argv)
{
	static struct conn proto, c;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int nconn = 0;
	int lfd;

	if (parse_args(argc, argv, &proto) < 0) {
		fputs("usage: pipe-peer SOCKET echo | sink-ack BYTES | source "
		      "BYTES SEED\n",
		      stderr);
		return 2;
	}
	lfd = listen_on(argv[1]);
	if (lfd < 0)
		return 1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		struct pollfd p = { lfd, POLLIN, 0 };

		if (poll(&p, 1, 500) <= 0)
			continue;
		c = proto;
		c.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c.fd < 0)
			continue;
		nconn++;
		serve(&c);
		printf("pipe-peer: connection %u: received %llu sent %llu (%s)\n",
		       nconn, c.received, c.sent,
		       c.error ? c.error :
		       stop    ? "stopped" :
				 "closed by the other end");
		close(c.fd);
	}
	unlink(argv[1]);
	return 0;
}
