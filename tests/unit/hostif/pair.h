/* SPDX-License-Identifier: MIT */
/* Test helper: a hostif server thread on one end of a socketpair. */
#ifndef HOSTIF_TEST_PAIR_H
#define HOSTIF_TEST_PAIR_H

#include <pthread.h>
#include <stddef.h>

#include "hostif_server.h"

struct pair {
	int pv_fd, host_fd;
	pthread_t thr;
	struct hostif_server *srv;
	struct hostif_store *store;
	struct hostif_hostile hostile;
	int rc;
	char log[1024]; /* last LOG line the host printed */
	unsigned logs;
};

/* vmgs_path and spec may be NULL; cfg may be NULL. 0 or -1. */
int pair_start(struct pair *p, const char *vmgs_path, const char *spec,
	       const struct hostif_server_cfg *cfg);
/* Closes the paravisor end, joins the server, returns its run() result. */
int pair_stop(struct pair *p);
/* A fresh directory for test files (removed by pair_rmdir). */
char *pair_tmpdir(void);
void pair_rmdir(char *dir);

/* cmocka fixture: a fresh directory and, inside it, the path of a VMGS file
 * the test creates (state is a struct fixture *). */
struct fixture {
	char *dir;
	char path[256];
};
int pair_fixture_setup(void **state);
int pair_fixture_teardown(void **state);

#endif /* HOSTIF_TEST_PAIR_H */
