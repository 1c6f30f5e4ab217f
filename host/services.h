/* SPDX-License-Identifier: MIT */
/*
 * The host services of `mantle run`: the hostif server (hostif/SPEC.md) on
 * the paravisor VM's `mantle.control` port, with the VMGS block service for
 * --vmgs and the fault plan of --hostile. It runs in a thread of mantle
 * next to the console relay.
 */
#ifndef MANTLE_HOST_SERVICES_H
#define MANTLE_HOST_SERVICES_H

#include <stdio.h>

#include "opts.h"

struct services;

/*
 * Parses the --hostile spec (NULL: none), opens or creates the --vmgs file
 * (NULL: none), takes the --pipe list (checked by opts_parse; the sockets
 * are connected only when the guest opens a pipe) and listens on the unix
 * socket sock, which QEMU connects to. Host log lines go to logfd. On error
 * prints a one-line reason on stderr and returns -1.
 */
int services_prepare(struct services **out, const char *sock, const char *vmgs,
		     const char *hostile, const struct mantle_pipe *pipes,
		     unsigned int npipes, int logfd);
struct sp_proc;
/* The secure processor the SP_MSG/SP_CERTS relay goes to (host/sp.h);
 * without it they are answered SP_DOWN. Before services_start(). */
void services_set_sp(struct services *s, struct sp_proc *sp);
/* Starts serving in a thread. 0 or -1. */
int services_start(struct services *s);
/*
 * Once QEMU is gone: stops the thread after it served what the control
 * socket still held and wrote the pipes' last bytes to their sockets (at
 * most SERVICES_DRAIN_MS), logs the host's counters (and the faults
 * injected), closes the VMGS file. Accepts NULL.
 */
#define SERVICES_DRAIN_MS 3000
void services_finish(struct services *s);

/*
 * The guest's console spoke for the first time: with --hostile storm=N the
 * server sends its storm once more now, so that it also hits a running
 * guest (the first one follows HELLO, before the guest exists). Accepts
 * NULL; callable from any thread.
 */
void services_guest_running(struct services *s);

/* The --hostile part of `mantle run --help`. */
void services_hostile_usage(FILE *out);

#endif
