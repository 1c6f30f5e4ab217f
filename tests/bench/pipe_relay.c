// SPDX-License-Identifier: MIT
/*
 * pipe-relay: the L1 half of make bench-pipe's reference (bench image only,
 * never the product). QEMU, as the L1 VMM, gives the guest one
 * virtio-serial port per host pipe; each port's L1 end is a Unix socket
 * QEMU listens on. pipe-relay carries each socket's bytes to the host over
 * the paravisor VM's own link, the control channel, with exactly the code
 * mantle-paravisor uses for its pipes (control.c, control_pipe.c: hostif
 * 1.1 pipe messages), so the two runs differ only in the L1 VMM: the pv
 * bus and mantle_pipe, or virtio-serial and virtio_console.
 *
 *   pipe-relay --control PORT NAME=SOCKET...
 *
 * Each NAME must be one of the host's pipes (mantle run --pipe). The relay
 * connects to each SOCKET (retrying while QEMU starts), opens the pipe
 * and moves bytes both ways until QEMU closes the socket or the host ends
 * the pipe; then it exits.
 */
#include "control.h"
#include "log.h"
#include "pipe_backend.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define WINDOW 65536u /* host -> guest bytes granted at most */
#define MAX_RELAYS 4

struct relay {
	struct pipe_backend *b;
	unsigned int idx;
	int fd; /* QEMU's chardev socket */
	int efd; /* wakes the relay's loop */
	pthread_mutex_t lock;
	uint8_t rx[WINDOW]; /* host bytes not yet written to QEMU */
	size_t rx_head, rx_len;
	int closed;
	uint8_t tx[WINDOW]; /* QEMU bytes not yet taken by the backend */
	size_t tx_off, tx_len;
};

static void wake(struct relay *r)
{
	uint64_t one = 1;

	if (write(r->efd, &one, sizeof(one)) < 0)
		pv_log("pipe-relay: wake: %s", strerror(errno));
}

/* Control thread: never more than granted, so it always fits. */
static void relay_rx(void *port, const uint8_t *buf, size_t len)
{
	struct relay *r = port;

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < len && r->rx_len < WINDOW; i++)
		r->rx[(r->rx_head + r->rx_len++) % WINDOW] = buf[i];
	pthread_mutex_unlock(&r->lock);
	wake(r);
}

static void relay_tx_ready(void *port)
{
	wake(port);
}

static void relay_closed(void *port, const char *why)
{
	struct relay *r = port;

	pv_log("pipe-relay: pipe %u ended: %s", r->idx, why);
	pthread_mutex_lock(&r->lock);
	r->closed = 1;
	pthread_mutex_unlock(&r->lock);
	wake(r);
}

static const struct pipe_port_ops relay_ops = {
	.rx = relay_rx,
	.tx_ready = relay_tx_ready,
	.closed = relay_closed,
};

static int connect_retry(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	memcpy(a.sun_path, path, strlen(path) + 1);
	for (int i = 0; i < 600; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		close(fd);
		usleep(100000);
	}
	return -1;
}

/* QEMU -> host: what the backend takes now; returns -1 when QEMU closed. */
static int pump_tx(struct relay *r, short revents)
{
	if (r->tx_off == r->tx_len && (revents & (POLLIN | POLLHUP))) {
		ssize_t n = read(r->fd, r->tx, sizeof(r->tx));

		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return -1;
		r->tx_off = 0;
		r->tx_len = n > 0 ? (size_t)n : 0;
	}
	if (r->tx_off < r->tx_len)
		r->tx_off += pipe_backend_send(r->b, r->idx, r->tx + r->tx_off,
					       r->tx_len - r->tx_off);
	return 0;
}

/* host -> QEMU: write what arrived, grant it again once written. */
static int pump_rx(struct relay *r)
{
	uint8_t chunk[WINDOW];
	size_t n;
	ssize_t w;

	pthread_mutex_lock(&r->lock);
	n = r->rx_len;
	for (size_t i = 0; i < n; i++)
		chunk[i] = r->rx[(r->rx_head + i) % WINDOW];
	pthread_mutex_unlock(&r->lock);
	if (!n)
		return 0;
	w = write(r->fd, chunk, n);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	pthread_mutex_lock(&r->lock);
	r->rx_head = (r->rx_head + (size_t)w) % WINDOW;
	r->rx_len -= (size_t)w;
	pthread_mutex_unlock(&r->lock);
	pipe_backend_grant(r->b, r->idx, (size_t)w);
	return 0;
}

static void *relay_loop(void *arg)
{
	struct relay *r = arg;

	for (;;) {
		struct pollfd p[2] = { { r->fd, 0, 0 }, { r->efd, POLLIN, 0 } };
		uint64_t v;
		int closed;

		if (r->tx_off == r->tx_len)
			p[0].events |= POLLIN;
		pthread_mutex_lock(&r->lock);
		if (r->rx_len)
			p[0].events |= POLLOUT;
		closed = r->closed;
		pthread_mutex_unlock(&r->lock);
		if (closed)
			break;
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			break;
		if ((p[1].revents & POLLIN) &&
		    read(r->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			break;
		if (pump_tx(r, p[0].revents) < 0 || pump_rx(r) < 0)
			break;
	}
	pipe_backend_close(r->b, r->idx);
	return NULL;
}

static int relay_start(struct relay *r, struct pipe_backend *b,
		       const char *spec, pthread_t *t)
{
	const char *eq = strchr(spec, '=');
	unsigned int n = pipe_backend_count(b);

	if (!eq)
		return -1;
	r->b = b;
	for (r->idx = 0; r->idx < n; r->idx++)
		if (strlen(pipe_backend_name(b, r->idx)) ==
			    (size_t)(eq - spec) &&
		    !strncmp(pipe_backend_name(b, r->idx), spec,
			     (size_t)(eq - spec)))
			break;
	if (r->idx == n) {
		pv_log("pipe-relay: the host has no pipe %.*s",
		       (int)(eq - spec), spec);
		return -1;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->fd = connect_retry(eq + 1);
	if (r->efd < 0 || r->fd < 0) {
		pv_log("pipe-relay: cannot connect to %s", eq + 1);
		return -1;
	}
	if (pipe_backend_open(b, r->idx, &relay_ops, r) < 0)
		return -1;
	pipe_backend_grant(b, r->idx, WINDOW);
	return pthread_create(t, NULL, relay_loop, r) ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct relay relays[MAX_RELAYS];
	pthread_t threads[MAX_RELAYS];
	struct control *ctl;
	struct pipe_backend *b;
	char err[256];
	int n = argc - 3, started = 0, rc = 0;

	if (argc < 4 || strcmp(argv[1], "--control") || n > MAX_RELAYS) {
		fprintf(stderr,
			"usage: pipe-relay --control PORT NAME=SOCKET...\n");
		return 2;
	}
	ctl = control_open(argv[2], NULL, err, sizeof(err));
	if (!ctl) {
		pv_log("pipe-relay: %s", err);
		return 1;
	}
	b = control_pipes(ctl);
	if (!b || control_start(ctl) < 0) {
		pv_log("pipe-relay: the host offers no pipes");
		control_close(ctl);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (relay_start(&relays[i], b, argv[3 + i], &threads[i]) < 0) {
			rc = 1;
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	control_close(ctl);
	return rc;
}
