// SPDX-License-Identifier: MIT
/* The guest console relay of `mantle run` (relay.h). */
#define _GNU_SOURCE
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "services.h"

int relay_open(struct relay *r, const char *path)
{
	*r = (struct relay){ .lfd = -1, .cfd = -1, .stdout_ok = 1 };
	r->lfd = fio_listen_unix(path);
	if (r->lfd < 0) {
		mantle_err("console socket %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Move what the console socket has to stdout. 0, or 1 at EOF. */
static int relay_console(struct relay *r)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(r->cfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return 1;
		if (!r->spoke) {
			r->spoke = 1;
			services_guest_running(r->svc);
		}
		/* A closed stdout must not stop the guest: keep draining. */
		if (r->stdout_ok &&
		    fio_write_all(STDOUT_FILENO, buf, (size_t)n))
			r->stdout_ok = 0;
	}
}

void relay_step(struct relay *r, int wait_ms)
{
	struct pollfd pfd = { .fd = r->cfd >= 0 ? r->cfd : r->lfd,
			      .events = POLLIN };

	if (pfd.fd < 0) {
		poll(NULL, 0, wait_ms);
		return;
	}
	if (poll(&pfd, 1, wait_ms) <= 0)
		return;
	if (r->cfd < 0) {
		r->cfd = accept4(r->lfd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (r->cfd >= 0) {
			close(r->lfd);
			r->lfd = -1;
		}
		return;
	}
	if (relay_console(r)) {
		close(r->cfd);
		r->cfd = -1;
	}
}

void relay_drain(struct relay *r)
{
	if (r->cfd >= 0) {
		int fl = fcntl(r->cfd, F_GETFL);

		fcntl(r->cfd, F_SETFL, fl & ~O_NONBLOCK);
		relay_console(r);
	}
}

void relay_close(struct relay *r)
{
	if (r->cfd >= 0)
		close(r->cfd);
	if (r->lfd >= 0)
		close(r->lfd);
	r->cfd = r->lfd = -1;
}
