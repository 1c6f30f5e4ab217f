/* SPDX-License-Identifier: MIT */
/*
 * The host end of the guest's pipe channels (protocol/SPEC.md 9.3), as the
 * pipe device class sees it. This header is the contract between the two
 * halves of a pipe inside mantle-paravisor:
 *
 *   guest rings <-> pipe device class (the pv bus, pvbus_pipe.c)
 *               <-> pipe backend (this API; control_pipe.c, hostif 1.1
 *                   pipe messages to the host, where mantle relays to a
 *                   Unix socket)
 *
 * The paravisor never parses pipe bytes: they are opaque guest data.
 *
 * Names: the host says which pipes exist (mantle run --pipe NAME=SOCKET).
 * The backend learns them once at start-up, before the guest runs, and
 * numbers them 0 .. n-1; the device class offers one channel per pipe.
 * A name is 1..PIPE_NAME_MAX bytes of [a-z0-9_-] (checked by the backend;
 * anything else from the host is refused and logged, never offered).
 *
 * Flow control, both directions, credit based and bounded:
 *  - guest -> host: pipe_backend_send() takes at most as many bytes as the
 *    host has room for (its granted credit) and returns how many it took.
 *    When it took fewer than offered, the device stops consuming the G2P
 *    ring (the guest's writer then blocks on a full ring) until the
 *    backend calls port->tx_ready().
 *  - host -> guest: the backend hands bytes to port->rx() only within the
 *    window the device granted (pipe_backend_grant()); the device must
 *    accept every byte it granted (it buffers what the P2G ring cannot
 *    take yet) and grants again as the guest's reader drains the ring.
 *    Initially nothing is granted.
 *
 * Ordering and loss: bytes are delivered in order, exactly once, as long
 * as the host is honest. A host that drops, repeats or reorders pipe data
 * is detected by the backend (stream offsets in the messages) and the pipe
 * is ended with port->closed(); it never turns into silently wrong bytes.
 *
 * Threads: the port callbacks run on the backend's thread (the control
 * channel's); the pipe_backend_* calls may come from any thread (a vCPU on
 * a doorbell, the bus worker). Neither side calls the other while holding
 * a lock the other side may take in that call (callbacks must not call
 * back into the backend synchronously except pipe_backend_grant()).
 */
#ifndef MANTLE_VMM_PIPE_BACKEND_H
#define MANTLE_VMM_PIPE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#define PIPE_NAME_MAX 15
#define PIPE_MAX 16 /* pipes per VM */

struct pipe_backend;

/* What the device class gives the backend for one open pipe. */
struct pipe_port_ops {
	/* Bytes from the host, never more than granted and not yet used. */
	void (*rx)(void *port, const uint8_t *buf, size_t len);
	/* The host granted more room: pipe_backend_send() may take more. */
	void (*tx_ready)(void *port);
	/* The host end went away (socket closed, host refused, stream
	 * damaged). The device closes the channel's stream (reads in the
	 * guest see end of file after the bytes already delivered). */
	void (*closed)(void *port, const char *why);
};

/* How many pipes the host configured (0 when it offers none). */
unsigned pipe_backend_count(const struct pipe_backend *b);
/* Name of pipe idx, NUL-terminated; NULL if idx >= count. */
const char *pipe_backend_name(const struct pipe_backend *b, unsigned idx);

/*
 * The guest opened pipe idx's channel: connect to the host end. Returns 0,
 * or -errno (the device then refuses the open with NO_RESOURCES). Nothing
 * is granted yet in either direction.
 */
int pipe_backend_open(struct pipe_backend *b, unsigned idx,
		      const struct pipe_port_ops *ops, void *port);

/* Guest bytes towards the host; returns how many were taken (0..len). */
size_t pipe_backend_send(struct pipe_backend *b, unsigned idx, const void *buf,
			 size_t len);

/* The device has room for bytes more from the host. */
void pipe_backend_grant(struct pipe_backend *b, unsigned idx, size_t bytes);

/*
 * The guest closed the channel (or the bus was reset, or the guest powered
 * off). Every byte pipe_backend_send() took reaches the host before the
 * host end is closed. No port callback runs for idx after this returns.
 */
void pipe_backend_close(struct pipe_backend *b, unsigned idx);

#endif
