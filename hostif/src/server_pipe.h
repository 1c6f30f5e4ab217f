/* SPDX-License-Identifier: MIT */
/*
 * The host end of pipes (SPEC.md §12, internal to the server): one Unix
 * socket per configured pipe, connected when the paravisor opens the pipe,
 * bytes relayed within the credit each side granted.
 */
#ifndef HOSTIF_SERVER_PIPE_H
#define HOSTIF_SERVER_PIPE_H

#include <poll.h>

#include "hostif_server.h"

/* Per-pipe buffer of bytes from the paravisor not yet written to the
 * socket: the credit the host grants. */
#define HOSTIF_HOST_PIPE_BUF 65536u
/* A reopen waits this long for the previous connection's last bytes. */
#define HOSTIF_REOPEN_FLUSH_MS 2000

struct srv_pipes;

/* How the pipe layer sends a frame (the server's session, hostile plan). */
typedef int (*srv_pipe_send_fn)(void *srv, uint16_t type,
				const struct hostif_pipe *m);

struct srv_pipes_env {
	srv_pipe_send_fn send;
	void *srv;
	struct hostif_server_counters *cnt;
	void (*note_cb)(void *arg, const char *text);
	void *note_arg;
};

/* NULL pipes (npipes 0) is fine. 0 or -HOSTIF_E_*. */
int srv_pipes_new(struct srv_pipes **out, const struct hostif_server_cfg *cfg,
		  const struct srv_pipes_env *env);
void srv_pipes_free(struct srv_pipes *p);
void srv_pipes_list(const struct srv_pipes *p, struct hostif_pipe_list *out);
/* A valid PIPE_OPEN, PIPE_DATA, PIPE_CREDIT or PIPE_CLOSE from the pv. */
int srv_pipes_frame(struct srv_pipes *p, uint16_t type,
		    const struct hostif_pipe *m);
/* Fills pfd[0 .. HOSTIF_PIPE_MAX) (fd -1 where nothing to wait for). */
void srv_pipes_pollfds(const struct srv_pipes *p, struct pollfd *pfd);
/* Serves the sockets that pfd says are ready. 0 or -HOSTIF_E_*. */
int srv_pipes_events(struct srv_pipes *p, const struct pollfd *pfd);
/* Bytes from the paravisor not yet written to a socket. */
size_t srv_pipes_pending(const struct srv_pipes *p);
/* Closes every socket (after the caller flushed what it could). */
void srv_pipes_close_all(struct srv_pipes *p);

#endif
