// SPDX-License-Identifier: MIT
/*
 * Pipes end to end below the guest: a fake pipe device (the port callbacks
 * and pipe_backend_* calls the pv bus makes) on control_pipe.c, the hostif
 * client, the real hostif server on a socketpair, and real listening Unix
 * sockets on the host side. Bytes both ways in order, credit respected,
 * partial sends, close flushing, reopen, a refused connect, a host that
 * closes; a scripted host for every stream fault (the pipe ends with a
 * reason, the guest never sees a wrong byte); hostile mode on pipe frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "control_pipe.h"
#include "pair.h"

#define BIG (300 * 1024) /* more than any window: credit must cycle */
#define WINDOW 4096 /* what the fake device grants at a time */

/* --- the fake pipe device ---------------------------------------------- */

struct fport {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pipe_backend *b;
	unsigned idx;
	uint8_t *rx;
	size_t rx_len;
	uint64_t granted; /* total granted */
	int over_credit; /* rx beyond what was granted */
	int closed, tx_ready;
	char why[128];
	int regrant; /* grant again what rx delivered */
};

static void port_rx(void *arg, const uint8_t *buf, size_t len)
{
	struct fport *f = arg;

	pthread_mutex_lock(&f->mu);
	if (f->rx_len + len > f->granted)
		f->over_credit = 1;
	if (f->rx_len + len <= BIG)
		memcpy(f->rx + f->rx_len, buf, len);
	f->rx_len += len;
	if (f->regrant)
		f->granted += len;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	if (f->regrant) /* allowed from a callback */
		pipe_backend_grant(f->b, f->idx, len);
}

static void port_tx_ready(void *arg)
{
	struct fport *f = arg;

	pthread_mutex_lock(&f->mu);
	f->tx_ready++;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void port_closed(void *arg, const char *why)
{
	struct fport *f = arg;

	pthread_mutex_lock(&f->mu);
	f->closed++;
	snprintf(f->why, sizeof(f->why), "%s", why);
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static const struct pipe_port_ops ops = { port_rx, port_tx_ready, port_closed };

static void port_init(struct fport *f, struct pipe_backend *b, unsigned idx)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->b = b;
	f->idx = idx;
	f->rx = calloc(1, BIG);
	assert_non_null(f->rx);
}

static void port_free(struct fport *f)
{
	free(f->rx);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
}

static void port_grant(struct fport *f, size_t n)
{
	pthread_mutex_lock(&f->mu);
	f->granted += n;
	pthread_mutex_unlock(&f->mu);
	pipe_backend_grant(f->b, f->idx, n);
}

/* Waits until *field >= want (or 10 s). */
static int port_wait(struct fport *f, const int *field, int want)
{
	struct timespec t;
	int ok;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 10;
	pthread_mutex_lock(&f->mu);
	while (*field < want &&
	       pthread_cond_timedwait(&f->cv, &f->mu, &t) != ETIMEDOUT)
		;
	ok = *field >= want;
	pthread_mutex_unlock(&f->mu);
	return ok;
}

static size_t port_rx_len(struct fport *f)
{
	size_t n;

	pthread_mutex_lock(&f->mu);
	n = f->rx_len;
	pthread_mutex_unlock(&f->mu);
	return n;
}

/* Sends all of buf, waiting for tx_ready when the backend takes less. */
static void guest_send_all(struct fport *f, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	int partial = 0;

	while (off < len) {
		int ready;
		size_t n;

		pthread_mutex_lock(&f->mu);
		ready = f->tx_ready;
		pthread_mutex_unlock(&f->mu);
		n = pipe_backend_send(f->b, f->idx, buf + off, len - off);
		off += n;
		if (off < len) {
			partial++;
			assert_true(port_wait(f, &f->tx_ready, ready + 1));
		}
	}
	if (len > 2 * 65536)
		assert_true(partial > 0); /* the host's credit bounded it */
}

/* --- the paravisor's control thread, as control.c runs it --------------- */

struct harness {
	struct pair p;
	struct hostif_client *c;
	struct pipe_backend *b;
	pthread_t thr;
	atomic_int stop;
	int started;
	char dir[64];
	int lfd[2]; /* listening sockets of pipe 0 and 1 */
	char path[3][128];
};

static void on_frame(void *arg, uint16_t type, const struct hostif_pipe *m)
{
	struct harness *h = arg;

	control_pipes_on_frame(h->b, type, m);
}

static void *control_thread(void *arg)
{
	struct harness *h = arg;
	int wake = control_pipes_wake_fd(h->b);

	while (!atomic_load(&h->stop)) {
		int r = hostif_client_poll_wake(h->c, 20, wake);

		if (r >= 0)
			r = control_pipes_pump(h->b);
		if (r < 0)
			break;
	}
	control_pipes_finish(h->b, "test over");
	return NULL;
}

static int listen_at(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static int accept_one(int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 10000), 1);
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Pipes "alpha" and "beta" on listening sockets, "gone" on none. */
static void harness_start(struct harness *h, const char *spec)
{
	struct hostif_server_pipe pipes[3] = {
		{ "alpha", h->path[0] },
		{ "beta", h->path[1] },
		{ "gone", h->path[2] },
	};
	struct hostif_server_cfg scfg = { .features = HOSTIF_F_KNOWN,
					  .pipes = pipes,
					  .npipes = 3 };
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_KNOWN,
					 .timeout_ms = spec ? 500 : 5000,
					 .pipe_cb = on_frame,
					 .pipe_arg = h };
	char *d;

	memset(h, 0, sizeof(*h));
	d = pair_tmpdir();
	assert_non_null(d);
	snprintf(h->dir, sizeof(h->dir), "%s", d);
	free(d);
	for (int i = 0; i < 3; i++)
		snprintf(h->path[i], sizeof(h->path[i]), "%s/p%d.sock", h->dir,
			 i);
	h->lfd[0] = listen_at(h->path[0]);
	h->lfd[1] = listen_at(h->path[1]);
	assert_int_equal(pair_start(&h->p, NULL, spec, &scfg), 0);
	assert_int_equal(hostif_client_new(h->p.pv_fd, &cfg, &h->c), 0);
	assert_int_equal(hostif_client_hello(h->c), 0);
	h->b = control_pipes_new(h->c);
	assert_non_null(h->b);
	assert_int_equal(pthread_create(&h->thr, NULL, control_thread, h), 0);
	h->started = 1;
}

static void harness_stop(struct harness *h)
{
	char *d = strdup(h->dir);

	atomic_store(&h->stop, 1);
	pthread_join(h->thr, NULL);
	pair_stop(&h->p);
	control_pipes_free(h->b);
	hostif_client_free(h->c);
	close(h->lfd[0]);
	close(h->lfd[1]);
	pair_rmdir(d);
}

static void pattern(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 31 + seed) ^ (i >> 9));
}

static void read_exactly(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		assert_int_equal(poll(&p, 1, 10000), 1);
		r = read(fd, buf + got, n - got);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

static void expect_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(fd, &c, 1), 0);
}

/* --- tests --------------------------------------------------------------- */

static void test_list(void **state)
{
	struct harness h;

	(void)state;
	harness_start(&h, NULL);
	assert_int_equal(pipe_backend_count(h.b), 3);
	assert_string_equal(pipe_backend_name(h.b, 0), "alpha");
	assert_string_equal(pipe_backend_name(h.b, 1), "beta");
	assert_string_equal(pipe_backend_name(h.b, 2), "gone");
	assert_null(pipe_backend_name(h.b, 3));
	assert_int_equal(pipe_backend_open(h.b, 3, &ops, NULL), -EINVAL);
	harness_stop(&h);
}

/* Guest writer thread for the two-way test. */
struct writer {
	struct fport *f;
	const uint8_t *buf;
};

static void *writer(void *arg)
{
	struct writer *w = arg;

	guest_send_all(w->f, w->buf, BIG);
	return NULL;
}

static void test_both_ways(void **state)
{
	struct harness h;
	struct fport f;
	struct writer w;
	pthread_t t;
	uint8_t *out = malloc(BIG), *in = malloc(BIG), *back = malloc(BIG);
	int s;

	(void)state;
	assert_non_null(out);
	assert_non_null(in);
	assert_non_null(back);
	pattern(out, BIG, 1);
	pattern(back, BIG, 2);
	harness_start(&h, NULL);
	port_init(&f, h.b, 0);
	f.regrant = 1;
	assert_int_equal(pipe_backend_open(h.b, 0, &ops, &f), 0);
	assert_int_equal(pipe_backend_open(h.b, 0, &ops, &f), -EBUSY);
	s = accept_one(h.lfd[0]);
	assert_true(s >= 0);
	port_grant(&f, WINDOW);
	/* Guest -> socket in one thread, socket -> guest in this one. */
	w = (struct writer){ &f, out };
	assert_int_equal(pthread_create(&t, NULL, writer, &w), 0);
	for (size_t off = 0; off < BIG;) {
		size_t n = BIG - off < 50000 ? BIG - off : 50000;
		ssize_t r = write(s, back + off, n);

		assert_true(r > 0);
		off += (size_t)r;
	}
	read_exactly(s, in, BIG);
	pthread_join(t, NULL);
	assert_memory_equal(in, out, BIG);
	for (int i = 0; i < 1000 && port_rx_len(&f) < BIG; i++)
		usleep(10000);
	assert_int_equal(port_rx_len(&f), BIG);
	assert_memory_equal(f.rx, back, BIG);
	assert_int_equal(f.over_credit, 0);
	assert_int_equal(f.closed, 0);
	pipe_backend_close(h.b, 0);
	expect_eof(s);
	close(s);
	harness_stop(&h);
	port_free(&f);
	free(out);
	free(in);
	free(back);
}

/* Bytes taken just before the close reach the socket, then EOF; reopen. */
static void test_close_flush_reopen(void **state)
{
	struct harness h;
	struct fport f;
	uint8_t out[3000], in[3000];
	int s;

	(void)state;
	pattern(out, sizeof(out), 7);
	harness_start(&h, NULL);
	port_init(&f, h.b, 1);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(pipe_backend_open(h.b, 1, &ops, &f), 0);
		s = accept_one(h.lfd[1]);
		assert_true(s >= 0);
		guest_send_all(&f, out, sizeof(out));
		pipe_backend_close(h.b, 1);
		read_exactly(s, in, sizeof(in));
		assert_memory_equal(in, out, sizeof(in));
		expect_eof(s);
		close(s);
	}
	assert_int_equal(f.closed, 0);
	harness_stop(&h);
	port_free(&f);
}

/*
 * Power-off with a pipe open: the control thread's end sends what the guest
 * wrote, then CLOSE; the host writes it all to the socket, then closes it.
 */
static void test_power_off_flush(void **state)
{
	struct harness h;
	struct fport f;
	enum { N = 100 * 1024 };
	uint8_t *out = malloc(N), *in = malloc(N);
	int s;

	(void)state;
	assert_non_null(out);
	assert_non_null(in);
	pattern(out, N, 9);
	harness_start(&h, NULL);
	port_init(&f, h.b, 0);
	assert_int_equal(pipe_backend_open(h.b, 0, &ops, &f), 0);
	s = accept_one(h.lfd[0]);
	assert_true(s >= 0);
	/* Nobody reads the socket yet: the host's buffer and the socket's
	 * hold it all (100 KiB), so the guest's writes complete. */
	guest_send_all(&f, out, N);
	harness_stop(&h); /* no pipe_backend_close: the guest just ends */
	read_exactly(s, in, N);
	assert_memory_equal(in, out, N);
	expect_eof(s);
	assert_int_equal(f.closed, 1); /* the port heard the end */
	close(s);
	port_free(&f);
	free(out);
	free(in);
}

/* Nobody listens: the open fails at the host, the port hears why. */
static void test_refused_and_host_close(void **state)
{
	struct harness h;
	struct fport f, g;
	int s;

	(void)state;
	harness_start(&h, NULL);
	port_init(&f, h.b, 2);
	assert_int_equal(pipe_backend_open(h.b, 2, &ops, &f), 0);
	assert_true(port_wait(&f, &f.closed, 1));
	assert_non_null(strstr(f.why, "connect refused"));
	assert_int_equal(pipe_backend_send(h.b, 2, "x", 1), 0);
	pipe_backend_close(h.b, 2);
	/* The socket's owner closes: the guest sees the end after the data. */
	port_init(&g, h.b, 0);
	assert_int_equal(pipe_backend_open(h.b, 0, &ops, &g), 0);
	s = accept_one(h.lfd[0]);
	port_grant(&g, 100);
	assert_int_equal(write(s, "hello", 5), 5);
	close(s);
	assert_true(port_wait(&g, &g.closed, 1));
	assert_int_equal(port_rx_len(&g), 5);
	assert_memory_equal(g.rx, "hello", 5);
	assert_non_null(strstr(g.why, "host closed it: closed"));
	pipe_backend_close(h.b, 0);
	harness_stop(&h);
	port_free(&f);
	port_free(&g);
}

/* The host never reads past the credit: an ungranted pipe gets nothing. */
static void test_no_credit_no_read(void **state)
{
	struct harness h;
	struct fport f;
	uint8_t buf[5000];
	int s;

	(void)state;
	memset(buf, 'z', sizeof(buf));
	harness_start(&h, NULL);
	port_init(&f, h.b, 0);
	assert_int_equal(pipe_backend_open(h.b, 0, &ops, &f), 0);
	s = accept_one(h.lfd[0]);
	assert_int_equal(write(s, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	usleep(200000);
	assert_int_equal(port_rx_len(&f), 0);
	port_grant(&f, 1000);
	for (int i = 0; i < 500 && port_rx_len(&f) < 1000; i++)
		usleep(10000);
	usleep(100000);
	assert_int_equal(port_rx_len(&f), 1000); /* exactly the grant */
	assert_int_equal(f.over_credit, 0);
	pipe_backend_close(h.b, 0);
	close(s);
	harness_stop(&h);
	port_free(&f);
}

/*
 * Hostile host: pipe data frames replayed as fresh frames, or frames
 * withheld or corrupted. The pipe may end (with a stream reason); what the
 * guest got is always an exact prefix of what the socket's writer wrote.
 */
static void hostile_prefix(const char *spec, int must_end)
{
	struct harness h;
	struct fport f;
	uint8_t *back = malloc(BIG);
	int s;

	assert_non_null(back);
	pattern(back, BIG, 3);
	harness_start(&h, spec);
	port_init(&f, h.b, 0);
	f.regrant = 1;
	assert_int_equal(pipe_backend_open(h.b, 0, &ops, &f), 0);
	s = accept_one(h.lfd[0]);
	if (s < 0) { /* the OPEN itself was damaged: nothing to check */
		harness_stop(&h);
		port_free(&f);
		free(back);
		return;
	}
	/* A wide window and small writes: many frames in flight, so a lost
	 * one is followed by another that shows the gap. */
	port_grant(&f, 65536);
	fcntl(s, F_SETFL, O_NONBLOCK);
	for (size_t off = 0, spins = 0; off < BIG && spins < 5000; spins++) {
		size_t n = BIG - off < 1000 ? BIG - off : 1000;
		ssize_t r = write(s, back + off, n);

		usleep(200);
		if (r > 0)
			off += (size_t)r;
		else if (f.closed || errno != EAGAIN)
			break;
		else
			usleep(1000);
		pthread_mutex_lock(&f.mu);
		if (f.closed) {
			pthread_mutex_unlock(&f.mu);
			break;
		}
		pthread_mutex_unlock(&f.mu);
	}
	if (must_end)
		assert_true(port_wait(&f, &f.closed, 1));
	else
		usleep(300000);
	pthread_mutex_lock(&f.mu);
	print_message("# %s: guest got %zu bytes, closed %d: %s\n", spec,
		      f.rx_len, f.closed, f.closed ? f.why : "");
	assert_true(f.rx_len <= BIG);
	assert_memory_equal(f.rx, back, f.rx_len);
	assert_int_equal(f.over_credit, 0);
	if (must_end)
		assert_non_null(strstr(f.why, "host data"));
	pthread_mutex_unlock(&f.mu);
	pipe_backend_close(h.b, 0);
	close(s);
	harness_stop(&h);
	port_free(&f);
	free(back);
}

static void test_hostile_pipe_replay(void **state)
{
	(void)state;
	hostile_prefix("seed=5,pipe-replay=0.2", 1);
}

static void test_hostile_ctl(void **state)
{
	(void)state;
	/* A lost frame shows as a gap at the next one. */
	hostile_prefix("seed=6,ctl-withhold=0.05", 1);
	hostile_prefix("seed=7,ctl-corrupt=0.05", 1);
	hostile_prefix("seed=9,ctl-reorder=0.1", 1);
	/* Verbatim replays carry an old seq: dropped, the stream goes on. */
	hostile_prefix("seed=8,ctl-replay=0.2", 0);
}

/* --- a scripted host: frames written by hand ----------------------------- */

struct script {
	int fd; /* the host's end of the socketpair */
	uint64_t seq;
	uint8_t f[HOSTIF_MAX_FRAME];
};

static void put_frame(struct script *sc, uint16_t type, uint32_t id,
		      const void *p1, size_t n1, const void *p2, size_t n2)
{
	struct hostif_hdr h = { .type = type,
				.major = 1,
				.minor = type == HOSTIF_T_HELLO_REPLY ? 0 : 1,
				.seq = ++sc->seq,
				.req_id = id };
	size_t n =
		hostif_frame_encode(sc->f, sizeof(sc->f), &h, p1, n1, p2, n2);

	assert_true(n > 0);
	assert_int_equal(write(sc->fd, sc->f, n), (ssize_t)n);
}

static void put_pipe(struct script *sc, uint16_t type, uint16_t wire,
		     uint32_t epoch, uint64_t arg, const char *data)
{
	struct hostif_pipe m = { .pipe = wire, .epoch = epoch, .arg = arg };
	uint8_t h[HOSTIF_PIPE_HDR];

	hostif_pipe_put(h, type, &m);
	put_frame(sc, type, 0, h, sizeof(h), data, data ? strlen(data) : 0);
}

/* Drops what the paravisor sent (OPEN, CREDIT, CLOSE frames). */
static void drain_pv(struct script *sc)
{
	char buf[4096];

	while (recv(sc->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* HELLO and PIPE_LIST answered before they are asked (ids 1 and 2). */
static void script_session(struct script *sc, struct harness *h)
{
	static const char names[6][HOSTIF_PIPE_NAME_FIELD] = {
		"good", "BAD", "good", "x y", "ab\0c", "ok2",
	};
	struct hostif_hello_reply hr = {
		.range = { 1, 0, 1, 1, HOSTIF_F_KNOWN }, .major = 1, .minor = 1
	};
	struct hostif_pipe_list l = { .count = 6 };
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_KNOWN,
					 .timeout_ms = 2000,
					 .pipe_cb = on_frame,
					 .pipe_arg = h };
	uint8_t p[HOSTIF_PIPE_LIST_MAX];
	int sv[2];

	memcpy(l.names, names, sizeof(names));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sc->fd = sv[1];
	h->p.pv_fd = sv[0];
	hostif_hello_reply_put(p, &hr);
	put_frame(sc, HOSTIF_T_HELLO_REPLY, 1, p, HOSTIF_HELLO_REPLY_SIZE, NULL,
		  0);
	put_frame(sc, HOSTIF_T_PIPE_LIST_REPLY, 2, p,
		  hostif_pipe_list_put(p, &l), NULL, 0);
	assert_int_equal(hostif_client_new(sv[0], &cfg, &h->c), 0);
	assert_int_equal(hostif_client_hello(h->c), 0);
	h->b = control_pipes_new(h->c);
	assert_non_null(h->b);
	assert_int_equal(pthread_create(&h->thr, NULL, control_thread, h), 0);
}

/* Opens our pipe idx afresh with a grant; returns after the OPEN left. */
static void script_open(struct script *sc, struct harness *h, struct fport *f,
			unsigned idx, size_t grant)
{
	port_free(f);
	port_init(f, h->b, idx);
	assert_int_equal(pipe_backend_open(h->b, idx, &ops, f), 0);
	port_grant(f, grant);
	usleep(50000);
	drain_pv(sc);
}

static void test_scripted_faults(void **state)
{
	struct harness h;
	struct script sc = { 0 };
	struct fport f;

	(void)state;
	memset(&h, 0, sizeof(h));
	script_session(&sc, &h);
	/* Bad names, a duplicate, bytes after a NUL: not offered. */
	assert_int_equal(pipe_backend_count(h.b), 2);
	assert_string_equal(pipe_backend_name(h.b, 0), "good");
	assert_string_equal(pipe_backend_name(h.b, 1), "ok2");
	port_init(&f, h.b, 0);
	/* Epoch 1: data, then a frame for a pipe not offered, one of an
	 * old open, then the first data again (repeated): the pipe ends
	 * and the guest has the first copy only. */
	script_open(&sc, &h, &f, 0, 10);
	put_pipe(&sc, HOSTIF_T_PIPE_CREDIT, 0, 1, 100, NULL);
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 0, 1, 0, "hello");
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 1, 1, 0, "zz");
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 0, 7, 5, "zz");
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 0, 1, 0, "hello");
	assert_true(port_wait(&f, &f.closed, 1));
	assert_int_equal(port_rx_len(&f), 5);
	assert_memory_equal(f.rx, "hello", 5);
	assert_non_null(strstr(f.why, "repeated"));
	/* After the end nothing more reaches the port. */
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 0, 1, 5, "more");
	usleep(50000);
	assert_int_equal(port_rx_len(&f), 5);
	pipe_backend_close(h.b, 0);
	/* Epoch 2: more data than granted. */
	script_open(&sc, &h, &f, 0, 4);
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 0, 2, 0, "abcdef");
	assert_true(port_wait(&f, &f.closed, 1));
	assert_int_equal(port_rx_len(&f), 0);
	assert_non_null(strstr(f.why, "beyond the credit"));
	pipe_backend_close(h.b, 0);
	/* Epoch 3: credit that goes backwards. */
	script_open(&sc, &h, &f, 0, 10);
	put_pipe(&sc, HOSTIF_T_PIPE_CREDIT, 0, 3, 50, NULL);
	put_pipe(&sc, HOSTIF_T_PIPE_CREDIT, 0, 3, 10, NULL);
	assert_true(port_wait(&f, &f.closed, 1));
	assert_non_null(strstr(f.why, "backwards"));
	pipe_backend_close(h.b, 0);
	/* Epoch 4: a gap (data lost or held back). */
	script_open(&sc, &h, &f, 0, 10);
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 0, 4, 3, "x");
	assert_true(port_wait(&f, &f.closed, 1));
	assert_int_equal(port_rx_len(&f), 0);
	assert_non_null(strstr(f.why, "lost or reordered"));
	pipe_backend_close(h.b, 0);
	/* The host's pipe 5 is our pipe 1. */
	script_open(&sc, &h, &f, 1, 5);
	put_pipe(&sc, HOSTIF_T_PIPE_DATA, 5, 1, 0, "hi");
	for (int i = 0; i < 200 && port_rx_len(&f) < 2; i++)
		usleep(10000);
	assert_int_equal(port_rx_len(&f), 2);
	assert_memory_equal(f.rx, "hi", 2);
	assert_int_equal(f.closed, 0);
	pipe_backend_close(h.b, 1);
	atomic_store(&h.stop, 1);
	pthread_join(h.thr, NULL);
	control_pipes_free(h.b);
	hostif_client_free(h.c);
	close(sc.fd);
	close(h.p.pv_fd);
	port_free(&f);
}

static void count_frame(void *arg, uint16_t type, const struct hostif_pipe *m)
{
	(void)type;
	(void)m;
	(*(int *)arg)++;
}

/* VMGS requests while pipe frames arrive: those go to the pipe layer, the
 * request gets its reply. */
static void test_vmgs_with_pipes(void **state)
{
	char *dir = pair_tmpdir(), vmgs[128], sock[128];
	struct hostif_server_pipe pipes[1] = { { "v", sock } };
	struct hostif_server_cfg scfg = { .features = HOSTIF_F_KNOWN,
					  .pipes = pipes,
					  .npipes = 1 };
	int frames = 0;
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_KNOWN,
					 .pipe_cb = count_frame,
					 .pipe_arg = &frames };
	struct hostif_pipe m = { .pipe = 0, .epoch = 1 };
	struct hostif_client *c;
	struct pair p;
	uint8_t w[512], r[512];
	int lfd, s;

	(void)state;
	assert_non_null(dir);
	snprintf(vmgs, sizeof(vmgs), "%s/t.vmgs", dir);
	snprintf(sock, sizeof(sock), "%s/v.sock", dir);
	lfd = listen_at(sock);
	assert_int_equal(pair_start(&p, vmgs, NULL, &scfg), 0);
	assert_int_equal(hostif_client_new(p.pv_fd, &cfg, &c), 0);
	assert_int_equal(hostif_client_hello(c), 0);
	assert_int_equal(hostif_client_pipe_send(c, HOSTIF_T_PIPE_OPEN, &m), 0);
	s = accept_one(lfd);
	m.arg = 64;
	assert_int_equal(hostif_client_pipe_send(c, HOSTIF_T_PIPE_CREDIT, &m),
			 0);
	assert_int_equal(write(s, "xyz", 3), 3);
	usleep(100000); /* the host's CREDIT and DATA are on their way */
	memset(w, 0x5a, sizeof(w));
	assert_int_equal(hostif_client_vmgs_write(c, 3, 1, w), 0);
	assert_int_equal(hostif_client_vmgs_read(c, 3, 1, r), 0);
	assert_memory_equal(w, r, sizeof(w));
	/* CREDIT and DATA, seen meanwhile (or now, on a slow machine). */
	for (int i = 0; i < 250 && frames < 2; i++)
		assert_int_equal(hostif_client_poll(c, 20), 0);
	assert_int_equal(frames, 2);
	assert_int_equal(hostif_client_counters(c)->unexpected, 0);
	assert_int_equal(hostif_client_counters(c)->pipe_frames, 2);
	hostif_client_free(c);
	pair_stop(&p);
	close(s);
	close(lfd);
	pair_rmdir(dir);
}

/* A 1.0 host: the session is 1.0, no pipes at all. */
static void test_old_host(void **state)
{
	struct hostif_server_cfg scfg = { .range = { 1, 0, 1, 0, 0 },
					  .features = HOSTIF_F_KNOWN };
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_KNOWN };
	struct pair p;
	struct hostif_client *c;
	struct hostif_pipe_list l;
	uint8_t ma, mi;

	(void)state;
	assert_int_equal(pair_start(&p, NULL, NULL, &scfg), 0);
	assert_int_equal(hostif_client_new(p.pv_fd, &cfg, &c), 0);
	assert_int_equal(hostif_client_hello(c), 0);
	hostif_client_version(c, &ma, &mi);
	assert_int_equal(ma << 8 | mi, 0x100);
	assert_int_equal(hostif_client_features(c) & HOSTIF_F_PIPES, 0);
	assert_int_equal(hostif_client_pipe_list(c, &l), -HOSTIF_E_STATE);
	assert_null(control_pipes_new(c));
	assert_int_equal(pipe_backend_count(NULL), 0);
	hostif_client_free(c);
	pair_stop(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_both_ways),
		cmocka_unit_test(test_close_flush_reopen),
		cmocka_unit_test(test_refused_and_host_close),
		cmocka_unit_test(test_power_off_flush),
		cmocka_unit_test(test_no_credit_no_read),
		cmocka_unit_test(test_hostile_pipe_replay),
		cmocka_unit_test(test_hostile_ctl),
		cmocka_unit_test(test_scripted_faults),
		cmocka_unit_test(test_vmgs_with_pipes),
		cmocka_unit_test(test_old_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
