// SPDX-License-Identifier: MIT
/*
 * pipe-probe: the guest end of pipe tests and benchmarks (static, put into
 * test guest images only). It works on any byte-stream character device:
 * /dev/mantle-pipe-NAME, or a virtio-serial port for the reference.
 *
 *   pipe-probe exchange DEV BYTES SEED  writes BYTES of the test stream
 *       (pipe_stream.h) while reading BYTES back (the host peer echoes) and
 *       checks every byte: one poll() loop, non-blocking, so poll and
 *       back-pressure are exercised both ways.
 *   pipe-probe send DEV BYTES           64 KiB writes of the stream, then
 *       waits for the peer's 8-byte acknowledgement (pipe-peer sink-ack):
 *       guest-to-host throughput as the writer sees it end to end.
 *   pipe-probe recv DEV BYTES SEED      reads BYTES (pipe-peer source),
 *       checking them: host-to-guest throughput.
 *   pipe-probe latency DEV COUNT        COUNT round trips of 64 bytes
 *       through an echoing peer: median, p99 and mean in microseconds.
 *
 * Output: one "pipe-probe: ..." line; benchmark modes add a
 * "BENCHRAW key=value ..." line that tests/bench/pipe.sh reads.
 */
#include "pipe_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536
#define ACK_LEN 8
#define LAT_MSG 64
#define LAT_MAX 100000

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stderr, "pipe-probe: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

struct xfer {
	struct pipe_stream out, in;
	unsigned long long sent, got, total;
	uint8_t wbuf[CHUNK], rbuf[CHUNK];
	size_t wlen, woff; /* pending bytes of wbuf */
};

/* One step of the exchange loop; -1 on an error (message printed). */
static int exchange_step(int fd, struct xfer *x, short revents)
{
	if ((revents & POLLOUT) && x->sent < x->total) {
		ssize_t n;

		if (x->woff == x->wlen) {
			unsigned long long left = x->total - x->sent;

			x->wlen = left < CHUNK ? (size_t)left : CHUNK;
			x->woff = 0;
			pipe_stream_fill(&x->out, x->wbuf, x->wlen);
		}
		n = write(fd, x->wbuf + x->woff, x->wlen - x->woff);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return die("write");
		if (n > 0) {
			x->woff += (size_t)n;
			x->sent += (unsigned long long)n;
		}
	}
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t n = read(fd, x->rbuf, sizeof(x->rbuf));
		size_t bad;

		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return die("read");
		if (n == 0) {
			fprintf(stderr,
				"pipe-probe: end of stream after %llu of %llu "
				"bytes\n",
				x->got, x->total);
			return -1;
		}
		if (n > 0) {
			bad = pipe_stream_check(&x->in, x->rbuf, (size_t)n);
			if (bad != (size_t)n) {
				fprintf(stderr,
					"pipe-probe: wrong byte at offset %llu\n",
					x->got + bad);
				return -1;
			}
			x->got += (unsigned long long)n;
		}
	}
	return 0;
}

static int do_exchange(const char *dev, unsigned long long bytes,
		       unsigned long long seed)
{
	static struct xfer x;
	int fd = open(dev, O_RDWR | O_NONBLOCK);
	double t0 = now_s(), dt;

	if (fd < 0)
		return die(dev);
	pipe_stream_init(&x.out, seed);
	pipe_stream_init(&x.in, seed);
	x.total = bytes;
	while (x.got < bytes) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (x.sent < bytes)
			p.events |= POLLOUT;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return die("poll");
		if (exchange_step(fd, &x, p.revents) < 0)
			return 1;
	}
	dt = now_s() - t0;
	close(fd);
	printf("pipe-probe: exchange: %llu bytes each way bit-exact in %.2f s\n",
	       bytes, dt);
	return 0;
}

static int write_all(int fd, const uint8_t *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *buf, size_t n)
{
	while (n) {
		ssize_t r = read(fd, buf, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

static int do_send(const char *dev, unsigned long long bytes)
{
	static uint8_t buf[CHUNK];
	struct pipe_stream s;
	uint8_t ack[ACK_LEN];
	int fd = open(dev, O_RDWR);
	double t0, dt;

	if (fd < 0)
		return die(dev);
	pipe_stream_init(&s, 1);
	t0 = now_s();
	for (unsigned long long done = 0; done < bytes;) {
		size_t n =
			bytes - done < CHUNK ? (size_t)(bytes - done) : CHUNK;

		pipe_stream_fill(&s, buf, n);
		if (write_all(fd, buf, n) < 0)
			return die("write");
		done += n;
	}
	if (read_all(fd, ack, sizeof(ack)) < 0)
		return die("read acknowledgement");
	dt = now_s() - t0;
	close(fd);
	printf("pipe-probe: send: %llu bytes in %.3f s\n", bytes, dt);
	printf("BENCHRAW dir=g2h bytes=%llu seconds=%.6f mibps=%.3f\n", bytes,
	       dt, (double)bytes / dt / 1048576.0);
	return 0;
}

static int do_recv(const char *dev, unsigned long long bytes,
		   unsigned long long seed)
{
	static uint8_t buf[CHUNK];
	struct pipe_stream s;
	unsigned long long got = 0;
	int fd = open(dev, O_RDWR);
	double t0 = now_s(), dt;

	if (fd < 0)
		return die(dev);
	pipe_stream_init(&s, seed);
	while (got < bytes) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return die("read");
		if (pipe_stream_check(&s, buf, (size_t)n) != (size_t)n) {
			fprintf(stderr, "pipe-probe: wrong byte near %llu\n",
				got);
			return 1;
		}
		got += (unsigned long long)n;
	}
	dt = now_s() - t0;
	close(fd);
	printf("pipe-probe: recv: %llu bytes in %.3f s\n", bytes, dt);
	printf("BENCHRAW dir=h2g bytes=%llu seconds=%.6f mibps=%.3f\n", bytes,
	       dt, (double)bytes / dt / 1048576.0);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int do_latency(const char *dev, unsigned long long count)
{
	static double us[LAT_MAX];
	uint8_t msg[LAT_MSG], back[LAT_MSG];
	double sum = 0;
	int fd = open(dev, O_RDWR);

	if (fd < 0)
		return die(dev);
	if (count == 0 || count > LAT_MAX) {
		fprintf(stderr, "pipe-probe: latency: COUNT 1..%d\n", LAT_MAX);
		return 2;
	}
	for (unsigned long long i = 0; i < count; i++) {
		double t0;

		memset(msg, (int)(i & 0xff), sizeof(msg));
		t0 = now_s();
		if (write_all(fd, msg, sizeof(msg)) < 0 ||
		    read_all(fd, back, sizeof(back)) < 0)
			return die("round trip");
		us[i] = (now_s() - t0) * 1e6;
		if (memcmp(msg, back, sizeof(msg))) {
			fprintf(stderr, "pipe-probe: echo differs\n");
			return 1;
		}
		sum += us[i];
	}
	close(fd);
	qsort(us, count, sizeof(us[0]), cmp_double);
	printf("pipe-probe: latency: %llu round trips of %d bytes\n", count,
	       LAT_MSG);
	printf("BENCHRAW rtt_us_median=%.1f rtt_us_p99=%.1f rtt_us_mean=%.1f\n",
	       us[count / 2], us[(count * 99) / 100], sum / (double)count);
	return 0;
}

static const char usage[] =
	"usage: pipe-probe exchange DEV BYTES SEED\n"
	"       pipe-probe send DEV BYTES\n"
	"       pipe-probe recv DEV BYTES SEED\n"
	"       pipe-probe latency DEV COUNT\n"
	"The guest end of Mantle's pipe tests (tests/tools/pipe_probe.c).\n";

int main(int argc, char **argv)
{
	unsigned long long a = 0, b = 0;

	if (argc < 4 || parse_u64(argv[3], &a) ||
	    (argc > 4 && parse_u64(argv[4], &b))) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "exchange") && argc == 5)
		return do_exchange(argv[2], a, b);
	if (!strcmp(argv[1], "send") && argc == 4)
		return do_send(argv[2], a);
	if (!strcmp(argv[1], "recv") && argc == 5)
		return do_recv(argv[2], a, b);
	if (!strcmp(argv[1], "latency") && argc == 4)
		return do_latency(argv[2], a);
	fputs(usage, stderr);
	return 2;
}
