// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the host's server (a compromised paravisor must not
 * crash the host), pipes included. The input is everything the paravisor
 * sends, written into a socketpair that is then shut down. Pipe 0 ("a")
 * connects to a listening socket of this process, pipe 1 ("b") to a path
 * nobody listens on; connections are accepted and dropped after each input.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hostif_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lfd = -1;
static char dir[] = "/tmp/hostif-fuzz-XXXXXX", apath[108], bpath[108];

static void cleanup(void)
{
	unlink(apath);
	rmdir(dir);
}

static void setup(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(apath, sizeof(apath), "%s/a.sock", dir);
	snprintf(bpath, sizeof(bpath), "%s/none.sock", dir);
	memcpy(a.sun_path, apath, strlen(apath));
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lfd, 64))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct hostif_server_pipe pipes[2] = { { "a", apath },
						     { "b", bpath } };
	struct hostif_server_cfg cfg = { .features = HOSTIF_F_KNOWN,
					 .pipes = pipes,
					 .npipes = 2 };
	struct hostif_server *s;
	int sv[2], fd;

	if (lfd < 0)
		setup();
	if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 0;
	if (write(sv[0], data, size) != (ssize_t)size ||
	    hostif_server_new(sv[1], NULL, &cfg, &s)) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[0], SHUT_WR);
	/* Our end is not read: replies fill its buffer at most. */
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 1000 && !hostif_server_step(s, 0); i++)
		;
	hostif_server_free(s);
	while ((fd = accept(lfd, NULL, NULL)) >= 0)
		close(fd);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
