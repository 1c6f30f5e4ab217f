// SPDX-License-Identifier: MIT
/* Byte-stream I/O with timeouts; no SIGPIPE on a closed socket. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"

uint64_t hostif_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * send() only on a socket (no SIGPIPE); a virtio-serial port is a character
 * device and gets write(): the paravisor's seccomp allowlist has write but
 * not sendto, and the control thread writes pipe frames after the guard.
 */
static ssize_t put(int fd, const void *buf, size_t len)
{
	struct stat st;

	if (!fstat(fd, &st) && S_ISSOCK(st.st_mode))
		return send(fd, buf, len, MSG_NOSIGNAL);
	return write(fd, buf, len);
}

int hostif_chan_write(int fd, const void *buf, size_t len, int timeout_ms)
{
	const uint8_t *p = buf;
	uint64_t end = hostif_mono_ns() + (uint64_t)timeout_ms * 1000000ull;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int wait = -1;
		ssize_t n;

		if (timeout_ms >= 0) {
			uint64_t now = hostif_mono_ns();

			if (now >= end)
				return -HOSTIF_E_TIMEOUT;
			wait = (int)((end - now + 999999) / 1000000);
		}
		n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -HOSTIF_E_IO;
		if (n == 0)
			return -HOSTIF_E_TIMEOUT;
		n = put(fd, p, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == EPIPE ? -HOSTIF_E_CLOSED : -HOSTIF_E_IO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int hostif_chan_fill(int fd, struct hostif_dec *d, int timeout_ms)
{
	return hostif_chan_fill_wake(fd, -1, d, timeout_ms);
}

int hostif_chan_fill_wake(int fd, int wake_fd, struct hostif_dec *d,
			  int timeout_ms)
{
	struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
				 { .fd = wake_fd, .events = POLLIN } };
	size_t space;
	uint8_t *p;
	ssize_t n;

	for (;;) {
		n = poll(pfd, wake_fd >= 0 ? 2 : 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -HOSTIF_E_IO;
		if (n == 0)
			return 0;
		break;
	}
	if (!pfd[0].revents)
		return 2; /* only the wake fd */
	p = hostif_dec_space(d, &space);
	if (!space) {
		/* A full buffer with no frame in it is garbage: resync. */
		hostif_dec_skip(d);
		p = hostif_dec_space(d, &space);
	}
	do
		n = read(fd, p, space);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -HOSTIF_E_IO;
	if (n == 0)
		return -HOSTIF_E_CLOSED;
	hostif_dec_commit(d, (size_t)n);
	return 1;
}
