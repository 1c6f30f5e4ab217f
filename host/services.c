// SPDX-License-Identifier: MIT
/*
 * Host services (services.h): a thread accepts QEMU's connection on the
 * control socket and runs the hostif server on it until the paravisor VM
 * closes the port or mantle stops it. The VMGS file and the fault plan are
 * set up before QEMU starts, so their errors are usage errors.
 */
#define _GNU_SOURCE
#include "services.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fileio.h"
#include "host_events.h"
#include "hostif_hostile.h"
#include "hostif_server.h"
#include "log.h"
#include "sp.h"

/* The thread looks at the stop flag this often. */
#define SLICE_MS 200
/*
 * LOG lines kept until QEMU is gone: QEMU appends the paravisor VM console
 * to the same file in pieces, so a line written meanwhile could land in the
 * middle of one of its lines.
 */
#define MAX_PV_LOGS 64

struct services {
	int lfd, cfd, logfd;
	struct hostif_store *store;
	struct hostif_hostile plan;
	int hostile;
	struct hostif_server *srv;
	struct sp_proc *sp; /* NULL: no secure processor */
	pthread_t thread;
	int running;
	atomic_int stop;
	atomic_int storm_again; /* services_guest_running() asked for it */
	int result; /* the server's last return, for the log */
	struct hostif_server_pipe pipes[MANTLE_MAX_PIPES];
	unsigned npipes;
	char *pv_logs[MAX_PV_LOGS];
	unsigned npv_logs, pv_logs_dropped;
};

/* LOG frames: text already validated printable by hostif. */
static void on_pv_log(void *arg, unsigned level, const char *text)
{
	struct services *s = arg;
	char *line;

	if (s->npv_logs == MAX_PV_LOGS ||
	    asprintf(&line, "paravisor (hostif LOG %u): %s\n", level, text) <
		    0) {
		s->pv_logs_dropped++;
		return;
	}
	s->pv_logs[s->npv_logs++] = line;
}

/* What happened to a pipe (host side), kept with the LOG lines. */
static void on_pipe_note(void *arg, const char *text)
{
	struct services *s = arg;
	char *line;

	if (s->npv_logs == MAX_PV_LOGS ||
	    asprintf(&line, "host %s\n", text) < 0) {
		s->pv_logs_dropped++;
		return;
	}
	s->pv_logs[s->npv_logs++] = line;
}

void services_hostile_usage(FILE *out)
{
	fputs(hostif_hostile_usage, out);
}

int services_prepare(struct services **out, const char *sock, const char *vmgs,
		     const char *hostile, const struct mantle_pipe *pipes,
		     unsigned int npipes, int logfd)
{
	struct services *s = calloc(1, sizeof(*s));
	char err[256];

	*out = NULL;
	if (!s) {
		mantle_err("out of memory\n");
		return -1;
	}
	s->lfd = s->cfd = -1;
	s->logfd = logfd;
	if (hostile) {
		if (hostif_hostile_parse(hostile, &s->plan, err, sizeof(err))) {
			mantle_err("invalid --hostile: %s (see mantle "
				   "run --help)\n",
				   err);
			goto fail;
		}
		s->hostile = 1;
	}
	if (vmgs && hostif_store_open(vmgs, &s->store, err, sizeof(err))) {
		mantle_err("--vmgs %s: %s\n", vmgs, err);
		goto fail;
	}
	s->lfd = fio_listen_unix(sock);
	if (s->lfd < 0) {
		mantle_err("control socket %s: %s\n", sock, strerror(errno));
		goto fail;
	}
	if (vmgs)
		mantle_log(logfd,
			   "VMGS %s served: %llu sectors of 512 bytes "
			   "(the data part; the VHD footer is not served)\n",
			   vmgs,
			   (unsigned long long)hostif_store_sectors(s->store));
	if (hostile)
		mantle_log(logfd, "hostile host: --hostile %s (seed %llu)\n",
			   hostile, (unsigned long long)s->plan.seed);
	for (unsigned int i = 0; i < npipes && i < MANTLE_MAX_PIPES; i++) {
		s->pipes[i] =
			(struct hostif_server_pipe){ .name = pipes[i].name,
						     .path = pipes[i].path };
		mantle_log(logfd,
			   "pipe %s: relayed to the unix socket %s "
			   "(connected when the guest opens it)\n",
			   pipes[i].name, pipes[i].path);
	}
	s->npipes = npipes < MANTLE_MAX_PIPES ? npipes : MANTLE_MAX_PIPES;
	*out = s;
	return 0;
fail:
	services_finish(s);
	return -1;
}

/* Waits for QEMU's connection; 0 once accepted, -1 if told to stop. */
static int wait_accept(struct services *s)
{
	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = s->lfd, .events = POLLIN };

		if (poll(&p, 1, SLICE_MS) <= 0)
			continue;
		s->cfd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s->cfd >= 0)
			return 0;
	}
	return -1;
}

static void *serve(void *arg)
{
	struct services *s = arg;
	struct hostif_server_cfg cfg = {
		.features = HOSTIF_F_KNOWN,
		.hostile = s->hostile ? &s->plan : NULL,
		.storm_device = PV_HOST_EVENT_DEVICE,
		.storm_vector = PV_HOST_EVENT_VECTOR,
		.log_cb = on_pv_log,
		.log_arg = s,
		.pipes = s->pipes,
		.npipes = s->npipes,
		.note_cb = on_pipe_note,
		.note_arg = s,
		.sp_msg = s->sp ? sp_relay_msg : NULL,
		.sp_certs = s->sp ? sp_relay_certs : NULL,
		.sp_arg = s->sp,
	};
	int r;

	if (wait_accept(s))
		return NULL;
	close(s->lfd);
	s->lfd = -1;
	r = hostif_server_new(s->cfd, s->store, &cfg, &s->srv);
	while (!r && !atomic_load(&s->stop)) {
		r = hostif_server_step(s->srv, SLICE_MS);
		if (!r && atomic_exchange(&s->storm_again, 0))
			r = hostif_server_storm(s->srv);
	}
	/* What the paravisor sent before its end reaches the pipe sockets. */
	if (s->srv && (!r || r == -HOSTIF_E_CLOSED)) {
		int d = hostif_server_drain(s->srv, SERVICES_DRAIN_MS);

		r = r ? r : d;
	}
	s->result = r;
	return NULL;
}

void services_set_sp(struct services *s, struct sp_proc *sp)
{
	s->sp = sp;
}

void services_guest_running(struct services *s)
{
	if (s && s->hostile && s->plan.storm)
		atomic_store(&s->storm_again, 1);
}

int services_start(struct services *s)
{
	int e = pthread_create(&s->thread, NULL, serve, s);

	if (e) {
		mantle_err("services thread: %s\n", strerror(e));
		return -1;
	}
	s->running = 1;
	return 0;
}

static void log_counters(struct services *s)
{
	const struct hostif_server_counters *k;
	char inj[512];
	size_t n = 0;

	if (!s->srv) {
		mantle_log(s->logfd, "hostif: the paravisor VM never "
				     "connected to the control port\n");
		return;
	}
	for (unsigned i = 0; i < s->npv_logs; i++)
		mantle_log(s->logfd, "%s", s->pv_logs[i]);
	if (s->pv_logs_dropped)
		mantle_log(s->logfd, "%u more LOG lines dropped\n",
			   s->pv_logs_dropped);
	k = hostif_server_counters(s->srv);
	mantle_log(s->logfd,
		   "hostif host: frames_ok=%llu frames_bad=%llu "
		   "refused=%llu reads=%llu writes=%llu flushes=%llu logs=%llu "
		   "events_sent=%llu pipe_opens=%llu pipe_refused=%llu "
		   "pipe_closes=%llu pipe_stream_errors=%llu pipe_stale=%llu "
		   "pipe_bytes_from_guest=%llu pipe_bytes_to_guest=%llu "
		   "sp_msgs=%llu sp_certs=%llu sp_errors=%llu end=%s\n",
		   (unsigned long long)k->frames_ok,
		   (unsigned long long)k->frames_bad,
		   (unsigned long long)k->requests_refused,
		   (unsigned long long)k->reads, (unsigned long long)k->writes,
		   (unsigned long long)k->flushes, (unsigned long long)k->logs,
		   (unsigned long long)k->events_sent,
		   (unsigned long long)k->pipe_opens,
		   (unsigned long long)k->pipe_refused,
		   (unsigned long long)k->pipe_closes,
		   (unsigned long long)k->pipe_stream_errors,
		   (unsigned long long)k->pipe_stale,
		   (unsigned long long)k->pipe_bytes_in,
		   (unsigned long long)k->pipe_bytes_out,
		   (unsigned long long)k->sp_msgs,
		   (unsigned long long)k->sp_certs,
		   (unsigned long long)k->sp_errors,
		   s->result ? hostif_strerror(s->result) : "stopped");
	if (!s->hostile)
		return;
	for (int f = 0; f < HOSTIF_FAULT_COUNT && n < sizeof(inj); f++)
		n += (size_t)snprintf(inj + n, sizeof(inj) - n, " %s=%llu",
				      hostif_hostile_name((enum hostif_fault)f),
				      (unsigned long long)s->plan.injected[f]);
	mantle_log(s->logfd, "hostile injected:%s storm=%llu\n", inj,
		   (unsigned long long)s->plan.storm_sent);
}

void services_finish(struct services *s)
{
	if (!s)
		return;
	if (s->running) {
		atomic_store(&s->stop, 1);
		pthread_join(s->thread, NULL);
		log_counters(s);
	}
	hostif_server_free(s->srv);
	if (s->cfd >= 0)
		close(s->cfd);
	if (s->lfd >= 0)
		close(s->lfd);
	hostif_store_close(s->store);
	for (unsigned i = 0; i < s->npv_logs; i++)
		free(s->pv_logs[i]);
	free(s);
}
