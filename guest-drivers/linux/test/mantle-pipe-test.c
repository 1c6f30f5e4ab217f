// SPDX-License-Identifier: MIT
/*
 * mantle-pipe-test: TEST ONLY (build/guest-test-pack/bin, never in the
 * product image). Checks what cat and dd cannot on a pipe device whose host
 * end echoes every byte back:
 *   1. O_NONBLOCK read of an empty pipe fails with EAGAIN; poll says
 *      writable and not readable;
 *   2. a line written comes back and poll wakes for it;
 *   3. back-pressure: nonblocking writes of a counting pattern, without
 *      reading, until the rings and the host's buffers are full (EAGAIN);
 *      poll then says not writable;
 *   4. a blocking write into the full pipe is interrupted by a signal
 *      (EINTR, or a partial count);
 *   5. reading everything back yields the pattern exactly: nothing lost,
 *      duplicated or reordered.
 * Prints "mantle-pipe-test: ok ..." lines and exits 0, or the first failure
 * and 1.
 * usage: mantle-pipe-test /dev/mantle-pipe-NAME
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 4096
#define FILL_MAX (64u << 20) /* give up filling after this much */

static unsigned char pattern_at(unsigned long long off)
{
	return (unsigned char)(off * 7 + (off >> 12));
}

static int fail(const char *what)
{
	printf("mantle-pipe-test: FAIL %s (errno %d %s)\n", what, errno,
	       strerror(errno));
	return 1;
}

static short poll_one(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static int check_empty(int fd)
{
	char c;
	short ev;

	if (read(fd, &c, 1) != -1 || errno != EAGAIN)
		return fail("nonblocking read of an empty pipe is not EAGAIN");
	ev = poll_one(fd, POLLIN | POLLOUT, 0);
	if (ev < 0 || !(ev & POLLOUT) || (ev & POLLIN))
		return fail("poll of an empty pipe: want POLLOUT only");
	printf("mantle-pipe-test: ok empty: EAGAIN, POLLOUT only\n");
	return 0;
}

static int check_echo(int fd)
{
	char buf[64];
	ssize_t n;

	if (write(fd, "ping\n", 5) != 5)
		return fail("write ping");
	if (!(poll_one(fd, POLLIN, 10000) & POLLIN))
		return fail("poll did not wake for the echo");
	n = read(fd, buf, sizeof(buf));
	if (n != 5 || memcmp(buf, "ping\n", 5) != 0)
		return fail("echo is not ping");
	printf("mantle-pipe-test: ok echo: poll woke, ping came back\n");
	return 0;
}

static unsigned long long fill_off; /* bytes of the pattern written */

/* Nonblocking writes until EAGAIN; returns bytes written, or -1. */
static long long fill(int fd)
{
	unsigned char buf[CHUNK];
	unsigned long long start = fill_off, off = fill_off;
	ssize_t n;
	size_t i;

	while (off - start < FILL_MAX) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pattern_at(off + i);
		n = write(fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		off += (unsigned long long)n;
	}
	fill_off = off;
	return (long long)(off - start);
}

/* Fill, pause, fill again until a pause frees nothing: every buffer on the
 * way (rings, the paravisor's, the host's sockets) is then full and stays
 * so, since nobody reads. Returns bytes written, or -1. */
static long long fill_until_stalled(int fd)
{
	long long total = 0, n;
	int round;

	for (round = 0; round < 20; round++) {
		n = fill(fd);
		if (n < 0)
			return -1;
		if (n == 0 && round > 0)
			return total;
		total += n;
		sleep(1);
	}
	errno = 0;
	return -1;
}

/* A blocking write into a full pipe, interrupted by SIGALRM after 1 s. */
static long long interrupted_write(int fd, unsigned long long off)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned char buf[CHUNK * 4];
	time_t t0 = time(NULL);
	ssize_t n;
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pattern_at(off + i);
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART */
	if (set_nonblock(fd, 0) != 0)
		return -1;
	alarm(1);
	n = write(fd, buf, sizeof(buf));
	alarm(0);
	if (n < 0 && errno != EINTR)
		return -1;
	if (n == (ssize_t)sizeof(buf) || time(NULL) - t0 > 5) {
		errno = 0;
		return -1;
	}
	printf("mantle-pipe-test: ok blocking write into a full pipe interrupted (%s)\n",
	       n < 0 ? "EINTR" : "partial");
	return n < 0 ? 0 : n;
}

/* Read total bytes back and compare with the pattern. */
static int drain(int fd, unsigned long long total)
{
	unsigned char buf[CHUNK * 4];
	unsigned long long off = 0;
	ssize_t n, i;

	while (off < total) {
		if (!(poll_one(fd, POLLIN, 20000) & POLLIN))
			return fail(
				"the echo stopped before all bytes came back");
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return fail("read while draining");
		for (i = 0; i < n; i++)
			if (buf[i] != pattern_at(off + (unsigned long long)i))
				return fail("a byte came back wrong");
		off += (unsigned long long)n;
	}
	if (poll_one(fd, POLLIN, 500) & POLLIN)
		return fail("more bytes came back than were written");
	printf("mantle-pipe-test: ok %llu bytes came back in order, none lost or repeated\n",
	       total);
	return 0;
}

int main(int argc, char **argv)
{
	long long filled, extra;
	int fd;

	if (argc != 2) {
		fputs("usage: mantle-pipe-test /dev/mantle-pipe-NAME\n",
		      stderr);
		return 64;
	}
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return fail("open");
	if (check_empty(fd) || check_echo(fd))
		return 1;
	filled = fill_until_stalled(fd);
	if (filled < 0)
		return fail("filling the pipe until EAGAIN");
	if (poll_one(fd, POLLOUT, 0) & POLLOUT)
		return fail("poll says writable right after EAGAIN");
	printf("mantle-pipe-test: ok back-pressure: EAGAIN after %lld bytes, not POLLOUT\n",
	       filled);
	extra = interrupted_write(fd, (unsigned long long)filled);
	if (extra < 0)
		return fail("the blocking write was not interrupted");
	if (set_nonblock(fd, 1) != 0)
		return fail("fcntl");
	if (drain(fd, (unsigned long long)(filled + extra)))
		return 1;
	close(fd);
	printf("mantle-pipe-test: done\n");
	return 0;
}
