// SPDX-License-Identifier: MIT
/*
 * Until the host end of pipes (control_pipe.c, branch wt-hpipe) is linked
 * in: weak definitions of pipe_backend.h for a binary without it. They are
 * never reached (the bus gets a NULL backend and offers no pipe); the real
 * backend's definitions replace them at link time. TODO(issue 12, lead):
 * delete this file when control_pipe.c is on main.
 */
#include "pipe_backend.h"

__attribute__((weak)) unsigned pipe_backend_count(const struct pipe_backend *b)
{
	(void)b;
	return 0;
}

__attribute__((weak)) const char *
pipe_backend_name(const struct pipe_backend *b, unsigned idx)
{
	(void)b;
	(void)idx;
	return NULL;
}

__attribute__((weak)) int pipe_backend_open(struct pipe_backend *b,
					    unsigned idx,
					    const struct pipe_port_ops *ops,
					    void *port)
{
	(void)b;
	(void)idx;
	(void)ops;
	(void)port;
	return -1;
}

__attribute__((weak)) size_t pipe_backend_send(struct pipe_backend *b,
					       unsigned idx, const void *buf,
					       size_t len)
{
	(void)b;
	(void)idx;
	(void)buf;
	(void)len;
	return 0;
}

__attribute__((weak)) void pipe_backend_grant(struct pipe_backend *b,
					      unsigned idx, size_t bytes)
{
	(void)b;
	(void)idx;
	(void)bytes;
}

__attribute__((weak)) void pipe_backend_close(struct pipe_backend *b,
					      unsigned idx)
{
	(void)b;
	(void)idx;
}
