// SPDX-License-Identifier: MIT
/*
 * The control channel of mantle-paravisor (control.h). The hostif client is
 * not thread-safe: main() uses it alone until control_start(), then only
 * the control thread touches it. Pipes (control_pipe.c) are the one part
 * other threads reach: they queue and wake the control thread, which
 * sends.
 */
#include "control.h"
#include "control_pipe.h"
#include "control_sp.h"
#include "control_tpm.h"
#include "control_vmgs.h"
#include "hostif_client.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* The thread wakes this often to notice control_close(). */
#define POLL_SLICE_MS 200

struct control {
	int fd;
	struct hostif_client *c;
	struct vmgs *vmgs;
	struct pipe_backend *pipes; /* NULL: the host offers no pipes */
	struct control_sp sp; /* the secure processor (--snp-secrets) */
	struct tpm_save *tpm; /* the vTPM state to save, or NULL */
	int epfd; /* the pipes' and tpm's wake fds together, or -1 */
	int wake; /* what the thread polls besides the channel, or -1 */
	pthread_t thread;
	int running;
	atomic_int stop;
	struct hostif_counters logged; /* as last printed */
};

static void log_counters(struct control *ctl, const char *when)
{
	const struct hostif_counters *k = hostif_client_counters(ctl->c);
	char line[768];

	hostif_counters_format(k, line, sizeof(line));
	pv_log("%s (%s)", line, when);
	ctl->logged = *k;
}

/* Pipe frames from the host: the pipes exist before the thread runs. */
static void on_pipe_frame(void *arg, uint16_t type, const struct hostif_pipe *m)
{
	struct control *ctl = arg;

	control_pipes_on_frame(ctl->pipes, type, m);
}

struct control *control_open(const char *path, const struct control_events *ev,
			     char *err, size_t errlen)
{
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_EVENTS |
						     HOSTIF_F_LOG |
						     HOSTIF_F_PIPES |
						     HOSTIF_F_SP,
					 .pipe_cb = on_pipe_frame };
	struct control *ctl = calloc(1, sizeof(*ctl));
	uint8_t major, minor;
	int r;

	if (!ctl) {
		snprintf(err, errlen, "control: out of memory");
		return NULL;
	}
	if (ev) {
		cfg.event_cb = ev->cb;
		cfg.event_arg = ev->arg;
	}
	/* Non-blocking: every write (pipe frames from the control thread
	 * too) is bounded by hostif's timeout, whatever the host does. */
	ctl->epfd = -1;
	ctl->fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (ctl->fd < 0) {
		snprintf(err, errlen, "control port %s: %s", path,
			 strerror(errno));
		free(ctl);
		return NULL;
	}
	cfg.pipe_arg = ctl;
	r = hostif_client_new(ctl->fd, &cfg, &ctl->c);
	for (unsigned i = 0; !r && ev && i < ev->nallow; i++)
		r = hostif_client_allow_event(ctl->c, ev->allow[i].device,
					      ev->allow[i].vector);
	if (!r)
		r = hostif_client_hello(ctl->c);
	if (r) {
		snprintf(err, errlen,
			 "control: no session with the host on %s: %s", path,
			 hostif_strerror(r));
		if (ctl->c)
			log_counters(ctl, "failed session");
		hostif_client_free(ctl->c);
		close(ctl->fd);
		free(ctl);
		return NULL;
	}
	hostif_client_version(ctl->c, &major, &minor);
	pv_log("control: session on %s, version %u.%u, features 0x%llx", path,
	       major, minor,
	       (unsigned long long)hostif_client_features(ctl->c));
	ctl->pipes = control_pipes_new(ctl->c);
	return ctl;
}

struct pipe_backend *control_pipes(struct control *ctl)
{
	return ctl ? ctl->pipes : NULL;
}

int control_vmgs_start(struct control *ctl, const struct vmgs_key_cfg *key)
{
	char why[400], line[460];
	enum pv_vmgs_result r;

	pv_log("vmgs: key policy %s%s, secure processor %s",
	       vmgs_key_policy_name(key->policy),
	       key->reprovision ? ", reprovision" : "",
	       key->sp ? "present" : "none");
	r = pv_vmgs_open(ctl->c, key, &ctl->vmgs, why, sizeof(why));

	pv_log("vmgs: %s: %s", pv_vmgs_result_name(r), why);
	/* The host log gets it too, through the channel itself. */
	snprintf(line, sizeof(line), "vmgs: %s: %s", pv_vmgs_result_name(r),
		 why);
	hostif_client_log(ctl->c, 0, line);
	log_counters(ctl, "after vmgs");
	return pv_vmgs_exit_status(r);
}

int control_tpm_start(struct control *ctl, struct tpm_nv *nv,
		      int (*check)(struct tpm_nv *nv))
{
	enum tpm_load_result r;
	char why[300];

	if (!ctl->vmgs) {
		pv_log("vtpm: NO VMGS: the TPM's state lives in memory only and "
		       "is LOST when the paravisor exits");
		return 0;
	}
	r = control_tpm_load(ctl->vmgs, nv, check, why, sizeof(why));
	pv_log("vtpm: %s: %s", control_tpm_load_name(r), why);
	if (control_tpm_load_status(r))
		return control_tpm_load_status(r);
	ctl->tpm = tpm_save_new();
	if (!ctl->tpm || (nv->permall &&
			  tpm_save_set_saved(ctl->tpm, nv->permall, nv->len))) {
		pv_log("vtpm: out of memory for the state saves");
		return PV_EXIT_INTERNAL;
	}
	control_tpm_hook(nv, ctl->tpm);
	return 0;
}

/* The one fd the thread's poll wakes on: the pipes', the tpm saves', or
 * an epoll set of both (readable while either is). -1: none. */
static int wake_fd(struct control *ctl)
{
	int p = ctl->pipes ? control_pipes_wake_fd(ctl->pipes) : -1;
	int t = ctl->tpm ? tpm_save_wake_fd(ctl->tpm) : -1;
	struct epoll_event ev = { .events = EPOLLIN };

	if (p < 0 || t < 0)
		return p < 0 ? t : p;
	ctl->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ctl->epfd >= 0 && (epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, p, &ev) ||
			       epoll_ctl(ctl->epfd, EPOLL_CTL_ADD, t, &ev))) {
		close(ctl->epfd);
		ctl->epfd = -1;
	}
	if (ctl->epfd < 0)
		pv_log("control: no epoll set: the tpm saves wait for the "
		       "%d ms poll slice",
		       POLL_SLICE_MS);
	return ctl->epfd >= 0 ? ctl->epfd : p;
}

/* The poll's timeout: the slice, or sooner if the tpm state is due. */
static unsigned slice_ms(struct control *ctl)
{
	long due = ctl->tpm ? tpm_save_due_in(ctl->tpm, pv_uptime_ms()) : -1;

	return due >= 0 && due < POLL_SLICE_MS ? (unsigned)due : POLL_SLICE_MS;
}

static void *control_thread(void *arg)
{
	struct control *ctl = arg;
	uint64_t next = pv_uptime_ms() + CONTROL_COUNTERS_PERIOD_S * 1000;
	const char *end = "the paravisor is stopping";

	while (!atomic_load(&ctl->stop)) {
		int r = hostif_client_poll_wake(ctl->c, slice_ms(ctl),
						ctl->wake);

		if (r >= 0)
			r = control_pipes_pump(ctl->pipes);
		if (r >= 0 && ctl->tpm)
			control_tpm_pump(ctl->vmgs, ctl->tpm, pv_uptime_ms(),
					 false);
		if (r < 0) {
			/* Host gone: the guest does not depend on it. */
			pv_log("control: channel ended: %s",
			       hostif_strerror(r));
			end = "the control channel ended";
			break;
		}
		if (pv_uptime_ms() >= next) {
			next = pv_uptime_ms() +
			       CONTROL_COUNTERS_PERIOD_S * 1000;
			if (memcmp(&ctl->logged, hostif_client_counters(ctl->c),
				   sizeof(ctl->logged)))
				log_counters(ctl, "periodic");
		}
	}
	/* The TPM state first: it is what a guest cannot get back. */
	if (ctl->tpm)
		control_tpm_flush(ctl->vmgs, ctl->tpm, pv_uptime_ms());
	/* Bytes the guest wrote go out before the pipes close. */
	control_pipes_finish(ctl->pipes, end);
	return NULL;
}

void control_sp_start(struct control *ctl, const char *path)
{
	control_sp_open(&ctl->sp, ctl->c, path);
	log_counters(ctl, "after secure processor");
}

struct snp_guest *control_snp(struct control *ctl)
{
	return ctl ? control_sp_guest(&ctl->sp) : NULL;
}

int control_snp_tcb(struct control *ctl, uint64_t *tcb)
{
	if (!control_snp(ctl))
		return -1;
	*tcb = ctl->sp.reported_tcb;
	return 0;
}

int control_start(struct control *ctl)
{
	int e;

	/* The hostif client is the control thread's from now on. */
	ctl->sp.closed = 1;
	ctl->wake = wake_fd(ctl);
	e = pthread_create(&ctl->thread, NULL, control_thread, ctl);

	if (e) {
		pv_log("control: thread: %s", strerror(e));
		return -1;
	}
	ctl->running = 1;
	return 0;
}

void control_close(struct control *ctl)
{
	if (!ctl)
		return;
	if (ctl->running) {
		atomic_store(&ctl->stop, 1);
		pthread_join(ctl->thread, NULL);
	} else if (ctl->tpm) { /* no thread: main()'s owns the client */
		control_tpm_flush(ctl->vmgs, ctl->tpm, pv_uptime_ms());
	}
	if (ctl->tpm)
		control_tpm_log(ctl->tpm, "at exit");
	log_counters(ctl, "at exit");
	control_pipes_log(ctl->pipes, "at exit");
	control_pipes_free(ctl->pipes);
	snp_guest_retire(&ctl->sp.g);
	tpm_save_free(ctl->tpm);
	if (ctl->epfd >= 0)
		close(ctl->epfd);
	if (ctl->vmgs)
		vmgs_close(ctl->vmgs);
	hostif_client_free(ctl->c);
	close(ctl->fd);
	free(ctl);
}
