// SPDX-License-Identifier: MIT
/*
 * The socket loop (SPEC.md §1): one SOCK_SEQPACKET message in, one reply
 * out, until the peer closes. A message longer than any request is read
 * truncated (MSG_TRUNC says its real length) and refused as malformed.
 */
#define _GNU_SOURCE
#include "sp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

int sp_ipc_serve(struct sp *sp, int fd)
{
	uint8_t *req = malloc(SP_IPC_MSG_MAX), *rsp = malloc(SP_IPC_MSG_MAX);
	int type = 0, rc = -1;
	socklen_t tl = sizeof(type);

	if (!req || !rsp)
		goto out;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) ||
	    type != SOCK_SEQPACKET) {
		sp_log("--ipc-fd %d is not a SOCK_SEQPACKET socket", fd);
		goto out;
	}
	for (;;) {
		ssize_t n = recv(fd, req, SP_IPC_MSG_MAX, MSG_TRUNC);
		size_t len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			rc = 0;
			break;
		}
		if (n < 0) {
			sp_log("IPC receive failed: %s", strerror(errno));
			break;
		}
		/* A truncated message is longer than SP_IPC_MSG_MAX, which
		 * sp_dispatch refuses by its length alone. */
		len = sp_dispatch(sp, req, (size_t)n, rsp);
		if (send(fd, rsp, len, MSG_NOSIGNAL) != (ssize_t)len) {
			sp_log("IPC send failed: %s", strerror(errno));
			break;
		}
	}
	sp_log("IPC closed after %lu requests (%lu malformed, %lu guest "
	       "requests refused)",
	       sp->stats.requests, sp->stats.malformed,
	       sp->stats.refused_guest);
out:
	if (req)
		OPENSSL_cleanse(req, SP_IPC_MSG_MAX);
	if (rsp)
		OPENSSL_cleanse(rsp, SP_IPC_MSG_MAX);
	free(req);
	free(rsp);
	return rc;
}
