// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the paravisor client's session logic (sequence and id
 * matching, reply checks, event mediation) fed by a hostile host. The
 * input is everything the host sends, written into a socketpair that is
 * then closed, so the client never waits. Request ids are deterministic
 * (HELLO 1, INFO 2, READ 3, WRITE 4, FLUSH 5, PIPE_LIST 6) so seeds can
 * answer them; pipe frames from the host go to a pipe_cb that checks what
 * the client promised (validated, in range).
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostif_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fixed_clock(void *arg)
{
	(void)arg;
	return 1000;
}

static volatile size_t sink;

static void on_pipe(void *arg, uint16_t type, const struct hostif_pipe *m)
{
	(void)arg;
	if (m->pipe >= HOSTIF_PIPE_MAX || !m->epoch ||
	    (type == HOSTIF_T_PIPE_DATA && !m->data_len))
		abort();
	if (type == HOSTIF_T_PIPE_DATA)
		sink += m->data[m->data_len - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostif_client_cfg cfg = { .timeout_ms = 1,
					 .attempts = 1,
					 .features = HOSTIF_F_KNOWN,
					 .event_burst = 4,
					 .now_ns = fixed_clock,
					 .pipe_cb = on_pipe };
	struct hostif_pipe_list pl;
	struct hostif_pipe pm = { .pipe = 0,
				  .epoch = 1,
				  .arg = 0,
				  .data = (const uint8_t *)"x",
				  .data_len = 1 };
	static uint8_t buf[4 * 512];
	struct hostif_client *c;
	uint32_t ss;
	uint64_t n;
	int sv[2];

	if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 0;
	if (write(sv[1], data, size) != (ssize_t)size ||
	    hostif_client_new(sv[0], &cfg, &c)) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[1], SHUT_WR);
	hostif_client_allow_event(c, 7, 0x30);
	if (!hostif_client_hello(c)) {
		hostif_client_vmgs_info(c, &ss, &n);
		hostif_client_vmgs_read(c, 0, 2, buf);
		hostif_client_vmgs_write(c, 0, 2, buf);
		hostif_client_vmgs_flush(c);
		hostif_client_log(c, 1, "fuzz");
		hostif_client_pipe_list(c, &pl);
		hostif_client_pipe_send(c, HOSTIF_T_PIPE_OPEN, &pm);
		hostif_client_pipe_send(c, HOSTIF_T_PIPE_DATA, &pm);
		hostif_client_poll(c, 0);
	}
	hostif_client_free(c);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
