/* SPDX-License-Identifier: MIT */
/*
 * The guest console relay of `mantle run`: QEMU connects to a unix socket the
 * launcher listens on (the mantle.console port), and what arrives is copied
 * to stdout with write(2), nothing buffered. It owns the two sockets.
 */
#ifndef MANTLE_HOST_RELAY_H
#define MANTLE_HOST_RELAY_H

struct services;

struct relay {
	int lfd, cfd; /* listening, connected; -1 when closed */
	int stdout_ok;
	struct services *svc; /* told when the guest first speaks; the caller
			       * sets it once the services exist */
	int spoke;
};

/* Listens on the unix socket path. 0, or -1 with a message. */
int relay_open(struct relay *r, const char *path);
/* Waits up to wait_ms for QEMU's connection or console bytes; copies them. */
void relay_step(struct relay *r, int wait_ms);
/* QEMU is gone: copies whatever the socket still holds. */
void relay_drain(struct relay *r);
void relay_close(struct relay *r);

#endif
