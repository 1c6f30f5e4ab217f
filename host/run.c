// SPDX-License-Identifier: MIT
/*
 * `mantle run`: write the payload disk, start QEMU with the paravisor VM,
 * relay the guest console (a unix socket QEMU connects to) to stdout, enforce
 * --timeout, and turn the paravisor VM's exit report into an exit code.
 *
 * cmd_run() is its steps in order: check L0, measure the image, open the log,
 * prepare the launch, start QEMU, supervise it, collect the outcome, clean
 * up. Each step is a function over struct run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "fileio.h"
#include "launch.h"
#include "log.h"
#include "opts.h"
#include "payload.h"
#include "pvwatch.h"
#include "qemu.h"
#include "relay.h"
#include "services.h"
#include "sp.h"
#include "status.h"

extern char **environ;

/* Grace QEMU gets after SIGTERM before SIGKILL. */
#define QEMU_KILL_GRACE_MS 5000
/* After the paravisor VM kernel reported a failure: time for the rest of its
 * report to reach the log, and for panic=-1 to end QEMU by itself. */
#define PV_KERNEL_GRACE_MS 3000
/* How long one supervision round waits for console bytes. */
#define SUPERVISE_SLICE_MS 100

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
	char payload[96], sock[96], status[96], control[96], secrets[96];
};

/* Everything one `mantle run` holds, filled in step by step. */
struct run {
	struct mantle_opts o;
	char qemu[PATH_MAX], dir[PATH_MAX], pvk[PATH_MAX], pvi[PATH_MAX];
	struct pv_config cfg;
	struct measure_launch m;
	int logfd;
	struct workdir w;
	struct relay r;
	struct services *svc;
	struct sp_proc *sp; /* the simulated secure processor, or NULL */
	int have_secrets; /* w.secrets written: hand it to QEMU */
	struct pvwatch pw; /* the paravisor VM kernel's lines in the log */
	struct qemu_cmd q;
	pid_t pid;
	int wstatus; /* QEMU's, from waitpid() */
	int killed; /* 0, RUN_TIMEOUT, RUN_INTERRUPTED or RUN_PV_KERNEL */
};

static int workdir_create(struct workdir *w)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(w->dir, sizeof(w->dir), "%s/mantle-run.XXXXXX", tmp);
	if (!mkdtemp(w->dir)) {
		mantle_err("cannot create a directory in %s: %s\n", tmp,
			   strerror(errno));
		return -1;
	}
	snprintf(w->payload, sizeof(w->payload), "%s/payload.img", w->dir);
	snprintf(w->sock, sizeof(w->sock), "%s/console.sock", w->dir);
	snprintf(w->status, sizeof(w->status), "%s/status", w->dir);
	snprintf(w->control, sizeof(w->control), "%s/control.sock", w->dir);
	snprintf(w->secrets, sizeof(w->secrets), "%s/snp-secrets", w->dir);
	return 0;
}

static void workdir_remove(const struct workdir *w)
{
	unlink(w->payload);
	unlink(w->sock);
	unlink(w->status);
	unlink(w->control);
	unlink(w->secrets);
	rmdir(w->dir);
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
		mantle_err("fork: %s\n", strerror(errno));
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

static int finish(int code, const char *what, const char *log)
{
	if (code != RUN_OK) {
		mantle_err("%s (exit %d); log: %s\n", what, code, log);
		show_log_tail(log);
	}
	return code;
}

/* Step 1: what L0 must offer. The options are parsed. */
static int check_l0(struct run *x)
{
	if (!x->o.kernel) {
		mantle_cmd_err("run", "--kernel is required (see mantle run "
				      "--help)\n");
		return -1;
	}
	if (qemu_find(x->qemu, sizeof(x->qemu))) {
		mantle_err("QEMU not found: no executable %s on PATH (install "
			   "qemu-system-x86: make deps)\n",
			   QEMU_BIN);
		return -1;
	}
	if (x->o.accel == ACCEL_KVM && qemu_check_kvm())
		return -1;
	return 0;
}

/* Step 2: the paravisor VM image, its configuration, its measurement. */
static int measure_image(struct run *x)
{
	if (pv_image_dir(&x->o, x->dir, sizeof(x->dir)) ||
	    pv_image_paths(x->dir, x->pvk, x->pvi, sizeof(x->pvk)))
		return -1;
	pv_config_for_opts(&x->cfg, &x->o);
	if (pv_launch_measure(x->dir, &x->cfg, &x->m)) {
		mantle_err("no usable paravisor VM image in %s (make "
			   "paravisor-image, or --paravisor-image DIR)\n",
			   x->dir);
		return -1;
	}
	return 0;
}

/* Step 3: the --log file, truncated, headed by the launch measurement. */
static int open_log(struct run *x)
{
	FILE *lf;

	x->logfd =
		open(x->o.log,
		     O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (x->logfd < 0) {
		mantle_err("--log %s: %s\n", x->o.log, strerror(errno));
		return -1;
	}
	mantle_log(x->logfd,
		   "paravisor VM image %s, vcpus=%u mem=%lluM accel=%s\n",
		   x->dir, x->cfg.vcpus,
		   (unsigned long long)(x->cfg.mem_bytes >> 20),
		   x->o.accel == ACCEL_KVM ? "kvm" : "tcg");
	mantle_log(x->logfd, "launch measurement computed by the host (nested "
			     "platform; not a hardware measurement)\n");
	lf = fdopen(dup(x->logfd), "a");
	if (lf) {
		measure_launch_print(&x->m, lf);
		fclose(lf);
	}
	return 0;
}

/* The secrets page into the private run directory, mode 0600. */
static int write_secrets(struct run *x, uint8_t secrets[SNP_SECRETS_SIZE])
{
	int fd = open(x->w.secrets,
		      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		      0600);
	int r = fd < 0 ? -1 : fio_write_all(fd, secrets, SNP_SECRETS_SIZE);

	if (fd >= 0 && close(fd))
		r = -1;
	explicit_bzero(secrets, SNP_SECRETS_SIZE);
	if (r) {
		mantle_err("%s: %s\n", x->w.secrets, strerror(errno));
		return -1;
	}
	x->have_secrets = 1;
	return 0;
}

/*
 * Step 4a: the simulated secure processor (sp.h). mantle-sp measures the
 * image itself; its value must be mantle's own. The secrets page it makes
 * goes to QEMU's fw_cfg: on nested it passes through this untrusted host
 * (QEMU at L0 can read all of the paravisor VM's memory anyway), so nothing
 * derived from it is secret from the host.
 */
static int start_sp(struct run *x)
{
	char bin[PATH_MAX], state[PATH_MAX];
	uint8_t rec[PV_CONFIG_SIZE], meas[SNP_MEASUREMENT_LEN];
	uint8_t secrets[SNP_SECRETS_SIZE];
	struct sp_launch_req lr = { .kernel = x->pvk,
				    .initrd = x->pvi,
				    .cmdline = pv_cmdline(&x->cfg),
				    .config = rec,
				    .policy = SP_DEFAULT_POLICY };

	if (sp_find(bin, sizeof(bin))) {
		if (x->o.sp_state) {
			mantle_err("--sp-state: no %s beside mantle\n", SP_BIN);
			return -1;
		}
		mantle_log(x->logfd,
			   "secure processor: none (no %s beside "
			   "mantle): the paravisor runs without one\n",
			   SP_BIN);
		return 0;
	}
	if (x->o.sp_state) {
		snprintf(state, sizeof(state), "%s", x->o.sp_state);
	} else if (sp_default_state(state, sizeof(state)) ||
		   sp_mkdir_parents(state)) {
		mantle_log(x->logfd, "secure processor: none (no default state "
				     "directory: set HOME or XDG_DATA_HOME, or "
				     "--sp-state DIR): the paravisor runs "
				     "without one\n");
		return 0;
	}
	_Static_assert(PV_CONFIG_SIZE == SP_LAUNCH_CONFIG_LEN, "config record");
	pv_config_encode(&x->cfg, rec);
	if (sp_start(&x->sp, bin, state, x->logfd) ||
	    sp_launch(x->sp, &lr, meas, secrets))
		return -1;
	if (memcmp(meas, x->m.digest, sizeof(meas))) {
		explicit_bzero(secrets, sizeof(secrets));
		mantle_err("the secure processor's launch measurement differs "
			   "from mantle's MEASURE launch= (see the log)\n");
		sp_log_measurement(x->logfd, "MISMATCH", meas);
		return -1;
	}
	sp_log_measurement(x->logfd, "equals MEASURE launch=", meas);
	mantle_log(x->logfd,
		   "secure processor: mantle-sp, state %s; the SNP "
		   "secrets page passes through this host (nested: "
		   "not secret from it)\n",
		   state);
	return write_secrets(x, secrets);
}

/* Step 4: the payload disk, the console and control sockets, QEMU's argv. */
static int prepare_launch(struct run *x)
{
	struct qemu_paths qp;

	if (payload_write(x->w.payload, x->o.kernel, x->o.initrd, x->o.cmdline,
			  x->o.cpus, x->o.mem_bytes,
			  x->o.vmgs_reprovision ? PAYLOAD_F_VMGS_REPROVISION :
						  0) ||
	    relay_open(&x->r, x->w.sock) ||
	    services_prepare(&x->svc, x->w.control, x->o.vmgs, x->o.hostile,
			     x->o.pipes, x->o.npipes, x->logfd))
		return -1;
	x->r.svc = x->svc;
	services_set_sp(x->svc, x->sp);
	qp = (struct qemu_paths){ .qemu = x->qemu,
				  .pv_kernel = x->pvk,
				  .pv_initrd = x->pvi,
				  .log = x->o.log,
				  .payload = x->w.payload,
				  .console_sock = x->w.sock,
				  .status_file = x->w.status,
				  .control_sock = x->w.control,
				  .snp_secrets = x->have_secrets ?
							 x->w.secrets :
							 NULL };
	return qemu_build(&x->q, &qp, &x->cfg, x->o.accel);
}

/* Step 5: signals stop QEMU, not mantle; the kernel watch; the services
 * thread; QEMU. */
static int start_qemu(struct run *x)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pvwatch_open(&x->pw, x->o.log)) {
		mantle_err("--log %s: cannot read it back: %s\n", x->o.log,
			   strerror(errno));
		return -1;
	}
	if (services_start(x->svc))
		return -1;
	return spawn_qemu(&x->q, x->logfd, &x->pid);
}

/*
 * Step 6: wait for QEMU while relaying the console; on --timeout, a signal,
 * or a failure of the paravisor VM's kernel (which may leave it hanging: an
 * oops that kills a thread of mantle-paravisor holding a lock never ends the
 * VM) send it SIGTERM, and SIGKILL after QEMU_KILL_GRACE_MS.
 */
static int supervise(struct run *x)
{
	int64_t deadline =
		x->o.timeout_s ? now_ms() + x->o.timeout_s * 1000LL : 0;
	int64_t kill_at = 0, pv_failed_at = 0;

	x->killed = 0;
	for (;;) {
		pid_t w = waitpid(x->pid, &x->wstatus, WNOHANG);

		if (w == x->pid)
			break;
		if (w < 0 && errno != EINTR) {
			mantle_err("waitpid: %s\n", strerror(errno));
			return -1;
		}
		if (!pv_failed_at && pvwatch_poll(&x->pw))
			pv_failed_at = now_ms() + PV_KERNEL_GRACE_MS;
		if (!x->killed &&
		    (interrupted || (deadline && now_ms() >= deadline) ||
		     (pv_failed_at && now_ms() >= pv_failed_at))) {
			x->killed = interrupted	 ? RUN_INTERRUPTED :
				    pv_failed_at ? RUN_PV_KERNEL :
						   RUN_TIMEOUT;
			kill(x->pid, SIGTERM);
			kill_at = now_ms() + QEMU_KILL_GRACE_MS;
		}
		if (kill_at && now_ms() >= kill_at) {
			kill(x->pid, SIGKILL);
			kill_at = 0;
		}
		relay_step(&x->r, SUPERVISE_SLICE_MS);
	}
	/* QEMU is gone: whatever the socket still holds is the rest. */
	relay_drain(&x->r);
	return 0;
}

/* Step 7: QEMU is gone; the exit code and its one-line reason. */
static int collect_outcome(struct run *x)
{
	char msg[PVWATCH_LINE_MAX + 160];
	const char *why = msg;
	int code = RUN_PV_VM_FAILED, st;

	/* A failed paravisor VM kernel outranks any status it still wrote. */
	if (x->killed != RUN_INTERRUPTED && pvwatch_finish(&x->pw)) {
		snprintf(msg, sizeof(msg),
			 "the paravisor VM's kernel (L1) failed, not the "
			 "guest: \"%s\"",
			 x->pw.first);
		code = RUN_PV_KERNEL;
	} else if (x->killed == RUN_TIMEOUT) {
		snprintf(msg, sizeof(msg),
			 "timeout: the guest did not power off within %u s",
			 x->o.timeout_s);
		code = RUN_TIMEOUT;
	} else if (x->killed) {
		why = "interrupted; QEMU stopped";
		code = RUN_INTERRUPTED;
	} else if ((st = read_status(x->w.status)) >= 0) {
		code = status_to_exit(st, &why);
	} else if (WIFEXITED(x->wstatus) && WEXITSTATUS(x->wstatus) == 0) {
		why = "the paravisor VM stopped without reporting a status "
		      "(kernel panic or /init failure)";
	} else if (WIFEXITED(x->wstatus)) {
		snprintf(msg, sizeof(msg), "QEMU failed with exit %d",
			 WEXITSTATUS(x->wstatus));
	} else {
		snprintf(msg, sizeof(msg), "QEMU killed by signal %d",
			 WTERMSIG(x->wstatus));
	}
	return finish(code, why, x->o.log);
}

/* Step 8: stop the services, close what is open, remove the work dir. */
static void cleanup(struct run *x)
{
	pvwatch_close(&x->pw);
	services_finish(x->svc);
	x->svc = NULL;
	sp_stop(x->sp, x->logfd);
	x->sp = NULL;
	relay_close(&x->r);
	workdir_remove(&x->w);
	close(x->logfd);
}

int cmd_run(int argc, char **argv)
{
	struct run x = { .logfd = -1,
			 .r = { .lfd = -1, .cfd = -1 },
			 .pw = { .fd = -1 } };
	int code;

	if (opts_parse(argc, argv, &x.o))
		return RUN_USAGE;
	if (x.o.help) {
		run_usage(stdout);
		return RUN_OK;
	}
	if (check_l0(&x) || measure_image(&x) || open_log(&x))
		return RUN_USAGE;
	if (workdir_create(&x.w)) {
		close(x.logfd);
		return RUN_USAGE;
	}
	code = RUN_USAGE;
	if (start_sp(&x) || prepare_launch(&x) || start_qemu(&x))
		goto out;
	code = RUN_PV_VM_FAILED;
	if (supervise(&x))
		goto out;
	/* QEMU is gone: the host's counters go to the log before the tail. */
	services_finish(x.svc);
	x.svc = NULL;
	code = collect_outcome(&x);
out:
	cleanup(&x);
	return code;
}
