// SPDX-License-Identifier: MIT
/* Test helper: a hostif server thread on one end of a socketpair. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pair.h"

static void on_log(void *arg, unsigned level, const char *text)
{
	struct pair *p = arg;

	(void)level;
	snprintf(p->log, sizeof(p->log), "%s", text);
	p->logs++;
}

static void *serve(void *arg)
{
	struct pair *p = arg;

	p->rc = hostif_server_run(p->srv);
	return NULL;
}

int pair_start(struct pair *p, const char *vmgs_path, const char *spec,
	       const struct hostif_server_cfg *cfg)
{
	struct hostif_server_cfg c = { .features = HOSTIF_F_KNOWN };
	int sv[2];
	char err[256];

	memset(p, 0, sizeof(*p));
	signal(SIGPIPE, SIG_IGN);
	if (cfg)
		c = *cfg;
	c.log_cb = on_log;
	c.log_arg = p;
	if (spec) {
		if (hostif_hostile_parse(spec, &p->hostile, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		c.hostile = &p->hostile;
	}
	if (vmgs_path &&
	    hostif_store_open(vmgs_path, &p->store, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	p->pv_fd = sv[0];
	p->host_fd = sv[1];
	if (hostif_server_new(p->host_fd, p->store, &c, &p->srv))
		return -1;
	return pthread_create(&p->thr, NULL, serve, p) ? -1 : 0;
}

int pair_stop(struct pair *p)
{
	close(p->pv_fd);
	pthread_join(p->thr, NULL);
	close(p->host_fd);
	hostif_server_free(p->srv);
	hostif_store_close(p->store);
	return p->rc;
}

char *pair_tmpdir(void)
{
	char *d = strdup("/tmp/hostif-test-XXXXXX");

	if (!d || !mkdtemp(d)) {
		free(d);
		return NULL;
	}
	return d;
}

void pair_rmdir(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
}

int pair_fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !(f->dir = pair_tmpdir()))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/vmgs.vhd", f->dir);
	*state = f;
	return 0;
}

int pair_fixture_teardown(void **state)
{
	struct fixture *f = *state;

	pair_rmdir(f->dir);
	free(f);
	return 0;
}
