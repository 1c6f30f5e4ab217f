/* SPDX-License-Identifier: MIT */
/*
 * The pipe backend over the control channel (pipe_backend.h implemented
 * with hostif 1.1 pipe messages, hostif/SPEC.md §12). The hostif client is
 * single-threaded; this layer is the thread-safe part: the pipe_backend_*
 * calls (any thread) only touch per-pipe state under a lock and wake the
 * control thread, which alone talks to the client (control_pipes_pump) and
 * runs the port callbacks (control_pipes_on_frame).
 */
#ifndef MANTLE_VMM_CONTROL_PIPE_H
#define MANTLE_VMM_CONTROL_PIPE_H

#include <stdint.h>

#include "hostif_client.h"
#include "pipe_backend.h"

/* Bytes the guest may have queued towards the host, per pipe. */
#define CONTROL_PIPE_TX_BUF 65536u
/* How long pipe_backend_open waits for the previous close to be flushed. */
#define CONTROL_PIPE_REOPEN_WAIT_MS 2000

/*
 * After HELLO and before the guest runs (and before the guard: it
 * allocates and makes an eventfd): asks the host for its pipes, checks the
 * names (bad or duplicate ones are logged and not offered). NULL when the
 * session has no PIPES feature, the host offers none, or on error (logged).
 */
struct pipe_backend *control_pipes_new(struct hostif_client *c);
void control_pipes_free(struct pipe_backend *b);
/* Readable when the pump has work (the control thread polls it). */
int control_pipes_wake_fd(const struct pipe_backend *b);
/* The client's pipe_cb (arg is the backend): runs port callbacks. */
void control_pipes_on_frame(void *b, uint16_t type,
			    const struct hostif_pipe *m);
/* Control thread: sends what the other threads queued. 0 or -HOSTIF_E_*. */
int control_pipes_pump(struct pipe_backend *b);
/*
 * Control thread, at the end: every open pipe is closed as if the guest
 * had closed it (its queued bytes sent first, unless the channel is
 * broken), the ports are told, and later calls fail. why: for the ports.
 */
void control_pipes_finish(struct pipe_backend *b, const char *why);
/* One line of counters for the log. */
void control_pipes_log(const struct pipe_backend *b, const char *when);

#endif
