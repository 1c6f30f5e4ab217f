// SPDX-License-Identifier: MIT
/*
 * `mantle run`: write the payload disk, start QEMU with the paravisor VM,
 * relay the guest console (a unix socket QEMU connects to) to stdout, enforce
 * --timeout, and turn the paravisor VM's exit report into an exit code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "fileio.h"
#include "launch.h"
#include "opts.h"
#include "payload.h"
#include "pvwatch.h"
#include "qemu.h"
#include "services.h"
#include "status.h"

extern char **environ;

/* Grace QEMU gets after SIGTERM before SIGKILL. */
#define QEMU_KILL_GRACE_MS 5000
/* After the paravisor VM kernel reported a failure: time for the rest of its
 * report to reach the log, and for panic=-1 to end QEMU by itself. */
#define PV_KERNEL_GRACE_MS 3000

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct workdir {
	char dir[64];
	char payload[96], sock[96], status[96], control[96];
};

static int workdir_create(struct workdir *w)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(w->dir, sizeof(w->dir), "%s/mantle-run.XXXXXX", tmp);
	if (!mkdtemp(w->dir)) {
		fprintf(stderr, "mantle: cannot create a directory in %s: %s\n",
			tmp, strerror(errno));
		return -1;
	}
	snprintf(w->payload, sizeof(w->payload), "%s/payload.img", w->dir);
	snprintf(w->sock, sizeof(w->sock), "%s/console.sock", w->dir);
	snprintf(w->status, sizeof(w->status), "%s/status", w->dir);
	snprintf(w->control, sizeof(w->control), "%s/control.sock", w->dir);
	return 0;
}

static void workdir_remove(const struct workdir *w)
{
	unlink(w->payload);
	unlink(w->sock);
	unlink(w->status);
	unlink(w->control);
	rmdir(w->dir);
}

/* The image directory: --paravisor-image, else ../paravisor next to the
 * directory of the mantle binary (build/bin/mantle -> build/paravisor). */
int pv_image_dir(const struct mantle_opts *o, char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (o->pv_image) {
		if (strlen(o->pv_image) >= size)
			return -1;
		snprintf(out, size, "%s", o->pv_image);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(out, size, "%s/../paravisor", exe) >= size)
		return -1;
	return 0;
}

static int check_kvm_accel(void)
{
	uint8_t *buf;
	size_t len;
	int ok;

	if (access("/dev/kvm", R_OK | W_OK)) {
		fprintf(stderr,
			"mantle: --accel kvm: /dev/kvm: %s; use "
			"--accel tcg\n",
			strerror(errno));
		return -1;
	}
	/* /proc files report size 0: read through stdio instead. */
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f) {
		fprintf(stderr, "mantle: /proc/cpuinfo: %s\n", strerror(errno));
		return -1;
	}
	buf = malloc(1 << 16);
	len = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	buf[len] = '\0';
	ok = cpuinfo_has_virt((const char *)buf) == 0;
	free(buf);
	if (!ok) {
		fprintf(stderr,
			"mantle: --accel kvm: this L0 CPU has no SVM or VMX "
			"(no svm/vmx in /proc/cpuinfo), so KVM inside the "
			"paravisor VM could not run the guest; use --accel "
			"tcg\n");
		return -1;
	}
	return 0;
}

/* Print the paravisor's own lines from the end of the log, the clearest
 * account of what went wrong inside the paravisor VM. */
static void show_log_tail(const char *log)
{
	char buf[16384];
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	off_t size, from;
	ssize_t n;
	int shown = 0;
	char *line, *save = NULL;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 :
					       0;
	n = pread(fd, buf, sizeof(buf) - 1, from);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "mantle-paravisor", 16) ||
		    !strncmp(line, "mantle-pvinit", 13) ||
		    !strncmp(line, "qemu-system", 11) ||
		    pvwatch_is_failure(line)) {
			if (shown++ < 40)
				fprintf(stderr, "  | %s\n", line);
		}
	}
}

struct relay {
	int lfd, cfd;
	int stdout_ok;
	struct services *svc; /* told when the guest first speaks */
	int spoke;
};

/* Move what the console socket has to stdout. 0, or 1 at EOF. */
static int relay_console(struct relay *r)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(r->cfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return 1;
		if (!r->spoke) {
			r->spoke = 1;
			services_guest_running(r->svc);
		}
		/* A closed stdout must not stop the guest: keep draining. */
		if (r->stdout_ok &&
		    fio_write_all(STDOUT_FILENO, buf, (size_t)n))
			r->stdout_ok = 0;
	}
}

static void relay_step(struct relay *r, int wait_ms)
{
	struct pollfd pfd = { .fd = r->cfd >= 0 ? r->cfd : r->lfd,
			      .events = POLLIN };

	if (pfd.fd < 0) {
		poll(NULL, 0, wait_ms);
		return;
	}
	if (poll(&pfd, 1, wait_ms) <= 0)
		return;
	if (r->cfd < 0) {
		r->cfd = accept4(r->lfd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (r->cfd >= 0) {
			close(r->lfd);
			r->lfd = -1;
		}
		return;
	}
	if (relay_console(r)) {
		close(r->cfd);
		r->cfd = -1;
	}
}

/*
 * fork + exec rather than posix_spawn: the child asks for SIGKILL when mantle
 * dies (PR_SET_PDEATHSIG), so a killed launcher never leaves a QEMU behind.
 * Between fork and exec only async-signal-safe calls.
 */
static int spawn_qemu(struct qemu_cmd *q, int logfd, pid_t *pid)
{
	pid_t parent = getpid();
	pid_t child = fork();

	if (child < 0) {
		fprintf(stderr, "mantle: fork: %s\n", strerror(errno));
		return -1;
	}
	if (child == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent ||
		    null < 0 || dup2(null, STDIN_FILENO) < 0 ||
		    dup2(logfd, STDOUT_FILENO) < 0 ||
		    dup2(logfd, STDERR_FILENO) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execve(q->argv[0], q->argv, environ);
		_exit(127);
	}
	*pid = child;
	return 0;
}

/* Wait for QEMU while relaying; kill it on timeout, signal, or a failure of
 * the paravisor VM's kernel (which may leave it hanging: an oops that kills
 * a thread of mantle-paravisor holding a lock never ends the VM). */
static int supervise(pid_t pid, struct relay *r, const struct mantle_opts *o,
		     struct pvwatch *pw, int *wstatus, int *why_killed)
{
	int64_t deadline = o->timeout_s ? now_ms() + o->timeout_s * 1000LL : 0;
	int64_t kill_at = 0, pv_failed_at = 0;

	*why_killed = 0;
	for (;;) {
		pid_t w = waitpid(pid, wstatus, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			fprintf(stderr, "mantle: waitpid: %s\n",
				strerror(errno));
			return -1;
		}
		if (!pv_failed_at && pvwatch_poll(pw))
			pv_failed_at = now_ms() + PV_KERNEL_GRACE_MS;
		if (!*why_killed &&
		    (interrupted || (deadline && now_ms() >= deadline) ||
		     (pv_failed_at && now_ms() >= pv_failed_at))) {
			*why_killed = interrupted  ? RUN_INTERRUPTED :
				      pv_failed_at ? RUN_PV_KERNEL :
						     RUN_TIMEOUT;
			kill(pid, SIGTERM);
			kill_at = now_ms() + QEMU_KILL_GRACE_MS;
		}
		if (kill_at && now_ms() >= kill_at) {
			kill(pid, SIGKILL);
			kill_at = 0;
		}
		relay_step(r, 100);
	}
	/* QEMU is gone: whatever the socket still holds is the rest. */
	if (r->cfd >= 0) {
		int fl = fcntl(r->cfd, F_GETFL);

		fcntl(r->cfd, F_SETFL, fl & ~O_NONBLOCK);
		relay_console(r);
	}
	return 0;
}

static int read_status(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 ? status_parse(buf, (size_t)n) : -1;
}

static void log_line(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void log_line(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		fio_write_all(fd, buf,
			      (size_t)n < sizeof(buf) ? (size_t)n :
							sizeof(buf) - 1);
}

static int finish(int code, const char *what, const char *log)
{
	if (code != RUN_OK) {
		fprintf(stderr, "mantle: %s (exit %d); log: %s\n", what, code,
			log);
		show_log_tail(log);
	}
	return code;
}

int cmd_run(int argc, char **argv)
{
	struct mantle_opts o;
	struct measure_launch m;
	struct pv_config cfg;
	struct workdir w;
	struct qemu_cmd q;
	struct qemu_paths qp;
	struct relay r = { .lfd = -1, .cfd = -1, .stdout_ok = 1 };
	char qemu[PATH_MAX], dir[PATH_MAX], pvk[PATH_MAX], pvi[PATH_MAX];
	struct sigaction sa = { .sa_handler = on_signal };
	struct services *svc = NULL;
	struct pvwatch pw = { .fd = -1 };
	const char *why;
	int logfd, wst, killed, st, code;
	pid_t pid;

	if (opts_parse(argc, argv, &o))
		return RUN_USAGE;
	if (o.help) {
		run_usage(stdout);
		return RUN_OK;
	}
	if (!o.kernel) {
		fprintf(stderr, "mantle run: --kernel is required (see mantle "
				"run --help)\n");
		return RUN_USAGE;
	}
	if (qemu_find(qemu, sizeof(qemu))) {
		fprintf(stderr,
			"mantle: QEMU not found: no executable %s on "
			"PATH (install qemu-system-x86: make deps)\n",
			QEMU_BIN);
		return RUN_USAGE;
	}
	if (o.accel == ACCEL_KVM && check_kvm_accel())
		return RUN_USAGE;
	if (pv_image_dir(&o, dir, sizeof(dir)) ||
	    pv_image_paths(dir, pvk, pvi, sizeof(pvk)))
		return RUN_USAGE;
	pv_config_for(&cfg, o.mem_bytes, o.accel);
	if (pv_launch_measure(dir, &cfg, &m)) {
		fprintf(stderr,
			"mantle: no usable paravisor VM image in %s "
			"(make paravisor-image, or "
			"--paravisor-image DIR)\n",
			dir);
		return RUN_USAGE;
	}

	logfd = open(o.log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
		     0644);
	if (logfd < 0) {
		fprintf(stderr, "mantle: --log %s: %s\n", o.log,
			strerror(errno));
		return RUN_USAGE;
	}
	log_line(logfd,
		 "mantle: paravisor VM image %s, vcpus=%u mem=%lluM "
		 "accel=%s\n",
		 dir, cfg.vcpus, (unsigned long long)(cfg.mem_bytes >> 20),
		 o.accel == ACCEL_KVM ? "kvm" : "tcg");
	log_line(logfd, "mantle: launch measurement computed by the host "
			"(nested platform; not a hardware measurement)\n");
	{
		FILE *lf = fdopen(dup(logfd), "a");

		if (lf) {
			measure_launch_print(&m, lf);
			fclose(lf);
		}
	}

	if (workdir_create(&w)) {
		close(logfd);
		return RUN_USAGE;
	}
	code = RUN_USAGE;
	if (payload_write(w.payload, o.kernel, o.initrd, o.cmdline, o.cpus,
			  o.mem_bytes))
		goto out;
	r.lfd = fio_listen_unix(w.sock);
	if (r.lfd < 0) {
		fprintf(stderr, "mantle: console socket %s: %s\n", w.sock,
			strerror(errno));
		goto out;
	}
	if (services_prepare(&svc, w.control, o.vmgs, o.hostile, logfd))
		goto out;
	r.svc = svc;
	qp = (struct qemu_paths){ .qemu = qemu,
				  .pv_kernel = pvk,
				  .pv_initrd = pvi,
				  .log = o.log,
				  .payload = w.payload,
				  .console_sock = w.sock,
				  .status_file = w.status,
				  .control_sock = w.control };
	if (qemu_build(&q, &qp, &cfg, o.accel))
		goto out;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pvwatch_open(&pw, o.log)) {
		fprintf(stderr, "mantle: --log %s: cannot read it back: %s\n",
			o.log, strerror(errno));
		goto out;
	}
	if (services_start(svc) || spawn_qemu(&q, logfd, &pid))
		goto out;
	code = RUN_PV_VM_FAILED;
	if (supervise(pid, &r, &o, &pw, &wst, &killed))
		goto out;
	/* QEMU is gone: the host's counters go to the log before the tail. */
	services_finish(svc);
	svc = NULL;

	/* A failed paravisor VM kernel outranks any status it still wrote. */
	if (killed != RUN_INTERRUPTED && pvwatch_finish(&pw)) {
		char msg[PVWATCH_LINE_MAX + 160];

		snprintf(msg, sizeof(msg),
			 "the paravisor VM's kernel (L1) failed, not the "
			 "guest: \"%s\"",
			 pw.first);
		code = finish(RUN_PV_KERNEL, msg, o.log);
		goto out;
	}
	if (killed == RUN_TIMEOUT) {
		char msg[96];

		snprintf(msg, sizeof(msg),
			 "timeout: the guest did not power off within %u s",
			 o.timeout_s);
		code = finish(RUN_TIMEOUT, msg, o.log);
		goto out;
	}
	if (killed) {
		code = finish(RUN_INTERRUPTED, "interrupted; QEMU stopped",
			      o.log);
		goto out;
	}
	st = read_status(w.status);
	if (st >= 0) {
		code = status_to_exit(st, &why);
		code = finish(code, why, o.log);
	} else if (WIFEXITED(wst) && WEXITSTATUS(wst) == 0) {
		code = finish(RUN_PV_VM_FAILED,
			      "the paravisor VM stopped without reporting a "
			      "status (kernel panic or /init failure)",
			      o.log);
	} else {
		char msg[96];

		if (WIFEXITED(wst))
			snprintf(msg, sizeof(msg), "QEMU failed with exit %d",
				 WEXITSTATUS(wst));
		else
			snprintf(msg, sizeof(msg), "QEMU killed by signal %d",
				 WTERMSIG(wst));
		code = finish(RUN_PV_VM_FAILED, msg, o.log);
	}
out:
	pvwatch_close(&pw);
	services_finish(svc);
	if (r.cfd >= 0)
		close(r.cfd);
	if (r.lfd >= 0)
		close(r.lfd);
	workdir_remove(&w);
	close(logfd);
	return code;
}
