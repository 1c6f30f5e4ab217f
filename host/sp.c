// SPDX-License-Identifier: MIT
/*
 * The mantle-sp process and the relay to it (sp.h). Everything mantle-sp
 * answers is checked like any peer's bytes: header, type, length, status.
 * One request, one reply: a reply that does not come in time leaves the
 * IPC out of step, so the simulator is stopped rather than trusted again.
 */
#define _GNU_SOURCE
#include "sp.h"
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hostif_server.h"
#include "log.h"
#include "mantle_bytes.h"

/* LAUNCH hashes the image; a guest message is one AES-GCM and a sign. */
#define LAUNCH_TIMEOUT_MS 30000
#define RELAY_TIMEOUT_MS 3000
#define STOP_GRACE_MS 2000

struct sp_proc {
	int fd; /* mantle's end of the socketpair; -1 once stopped */
	pid_t pid;
	uint64_t msgs, certs, refused, failed;
	char first_error[256];
	uint8_t buf[SP_IPC_HDR_SIZE + SP_IPC_MAX_PAYLOAD];
};

int sp_default_state(char *out, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(out, size, "%s/mantle/sp", xdg);
	else if (home && *home == '/')
		n = snprintf(out, size, "%s/.local/share/mantle/sp", home);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

int sp_mkdir_parents(const char *state)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s", state) >= (int)sizeof(path))
		return -1;
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

void sp_log_measurement(int logfd, const char *what,
			const uint8_t m[SNP_MEASUREMENT_LEN])
{
	char hex[2 * SNP_MEASUREMENT_LEN + 1];

	for (unsigned i = 0; i < SNP_MEASUREMENT_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", m[i]);
	mantle_log(logfd, "secure processor: LAUNCH measurement=%s (%s)\n", hex,
		   what);
}

int sp_find(char *out, size_t size)
{
	char exe[PATH_MAX];

	if (fio_exe_dir(exe, sizeof(exe)) < 0)
		return -1;
	if ((size_t)snprintf(out, size, "%s/%s", exe, SP_BIN) >= size)
		return -1;
	return access(out, X_OK);
}

/* The child: fd 3 is its end, output to the log, then exec. Only
 * async-signal-safe calls. */
static void child_exec(const char *bin, char *const argv[], int fd, int logfd,
		       pid_t parent)
{
	int null = open("/dev/null", O_RDONLY);

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent ||
	    null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    (logfd >= 0 && (dup2(logfd, STDOUT_FILENO) < 0 ||
			    dup2(logfd, STDERR_FILENO) < 0)))
		_exit(127);
	if (fd == SP_IPC_FD) {
		if (fcntl(fd, F_SETFD, 0) < 0)
			_exit(127);
	} else if (dup2(fd, SP_IPC_FD) < 0) {
		_exit(127);
	}
	signal(SIGPIPE, SIG_DFL);
	execv(bin, argv);
	_exit(127);
}

int sp_start(struct sp_proc **out, const char *bin, const char *state,
	     int logfd)
{
	char a_state[] = "--state", a_fd[] = "--ipc-fd", a_3[] = "3";
	char *argv[] = { (char *)bin, a_state, (char *)state, a_fd, a_3, NULL };
	struct sp_proc *p = calloc(1, sizeof(*p));
	pid_t parent = getpid();
	int sv[2];

	*out = NULL;
	if (!p || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		mantle_err("secure processor: %s\n", strerror(errno));
		free(p);
		return -1;
	}
	p->pid = fork();
	if (p->pid == 0)
		child_exec(bin, argv, sv[1], logfd, parent);
	close(sv[1]);
	if (p->pid < 0) {
		mantle_err("fork: %s\n", strerror(errno));
		close(sv[0]);
		free(p);
		return -1;
	}
	p->fd = sv[0];
	*out = p;
	return 0;
}

/* Records a failure: the first one goes to stderr at once. */
static void sp_fail(struct sp_proc *p, const char *what)
{
	p->failed++;
	if (p->first_error[0])
		return;
	snprintf(p->first_error, sizeof(p->first_error), "%s", what);
	mantle_err("secure processor (mantle-sp): %s; the paravisor gets "
		   "an error reply from now on\n",
		   what);
}

static void sp_kill(struct sp_proc *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->pid > 0)
		kill(p->pid, SIGTERM);
}

/*
 * One request and its reply. Returns the reply's status (SP_ST_*) with the
 * payload in p->buf + SP_IPC_HDR_SIZE, *len bytes; or -1 when the
 * simulator is gone, hung or out of protocol (then it is stopped).
 */
static int sp_call(struct sp_proc *p, uint16_t type, const void *a, size_t na,
		   const void *b, size_t nb, int timeout_ms, size_t *len)
{
	uint8_t hdr[SP_IPC_HDR_SIZE] = { 0 };
	struct iovec iov[3] = { { hdr, sizeof(hdr) },
				{ (void *)a, na },
				{ (void *)b, nb } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	ssize_t n;

	if (p->fd < 0)
		return -1;
	memcpy(hdr, SP_IPC_MAGIC, 4);
	put_le16(hdr + 4, type);
	put_le32(hdr + 8, (uint32_t)(na + nb));
	if (sendmsg(p->fd, &mh, MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof(hdr) + na + nb)) {
		sp_fail(p, "it is gone (send failed)");
		goto dead;
	}
	if (poll(&pfd, 1, timeout_ms) != 1) {
		sp_fail(p, "no reply in time");
		goto dead;
	}
	n = recv(p->fd, p->buf, sizeof(p->buf), MSG_TRUNC);
	if (n <= 0) {
		sp_fail(p, "it exited (the IPC socket closed)");
		goto dead;
	}
	if ((size_t)n < SP_IPC_HDR_SIZE || (size_t)n > sizeof(p->buf) ||
	    memcmp(p->buf, SP_IPC_MAGIC, 4) || get_le16(p->buf + 4) != type ||
	    get_le32(p->buf + 8) != (size_t)n - SP_IPC_HDR_SIZE) {
		sp_fail(p, "a reply out of protocol");
		goto dead;
	}
	*len = (size_t)n - SP_IPC_HDR_SIZE;
	return (int)get_le32(p->buf + 12);
dead:
	sp_kill(p);
	return -1;
}

static void put_str(uint8_t **w, const char *s)
{
	size_t n = strlen(s);

	put_le16(*w, (uint16_t)n);
	memcpy(*w + 2, s, n);
	*w += 2 + n;
}

int sp_launch(struct sp_proc *p, const struct sp_launch_req *r,
	      uint8_t measurement[SNP_MEASUREMENT_LEN],
	      uint8_t secrets[SNP_SECRETS_SIZE])
{
	static uint8_t req[SP_LAUNCH_FIXED + 3 * (2 + 4096)];
	uint8_t *w = req + SP_LAUNCH_FIXED;
	const char *s[3] = { r->kernel, r->initrd, r->cmdline };
	size_t n = 0;
	int st;

	for (int i = 0; i < 3; i++)
		if (strlen(s[i]) > 4096) {
			mantle_err("secure processor: path too long\n");
			return -1;
		}
	memset(req, 0, SP_LAUNCH_FIXED);
	put_le64(req + SP_LAUNCH_POLICY_OFF, r->policy);
	memcpy(req + SP_LAUNCH_CONFIG_OFF, r->config, SP_LAUNCH_CONFIG_LEN);
	for (int i = 0; i < 3; i++)
		put_str(&w, s[i]);
	st = sp_call(p, SP_IPC_LAUNCH, req, (size_t)(w - req), NULL, 0,
		     LAUNCH_TIMEOUT_MS, &n);
	if (st != SP_ST_OK || n != SP_LAUNCH_REPLY_SIZE) {
		mantle_err("secure processor (mantle-sp): LAUNCH failed "
			   "(status %d, %zu bytes)\n",
			   st, n);
		return -1;
	}
	memcpy(measurement, p->buf + SP_IPC_HDR_SIZE, SNP_MEASUREMENT_LEN);
	memcpy(secrets, p->buf + SP_IPC_HDR_SIZE + SNP_MEASUREMENT_LEN,
	       SNP_SECRETS_SIZE);
	memset(p->buf, 0, sizeof(p->buf)); /* the VMPCKs: not kept here */
	return 0;
}

/* A relayed answer into out, or the hostif status that replaces it. */
static int relay_answer(struct sp_proc *p, int st, size_t n, uint8_t *out,
			size_t cap, size_t *out_len)
{
	if (st < 0)
		return HOSTIF_S_SP_DOWN;
	if (st == SP_ST_GUEST_MSG) {
		p->refused++;
		return HOSTIF_S_SP_REFUSED;
	}
	if (st != SP_ST_OK || !n || n > cap) {
		char why[96];

		snprintf(why, sizeof(why),
			 "answered a relayed request with status %d and %zu "
			 "bytes (at most %zu fit)",
			 st, n, cap);
		sp_fail(p, why);
		return HOSTIF_S_SP_DOWN;
	}
	memcpy(out, p->buf + SP_IPC_HDR_SIZE, n);
	*out_len = n;
	return HOSTIF_S_OK;
}

int sp_relay_msg(void *arg, const uint8_t *req, size_t len, uint8_t *out,
		 size_t cap, size_t *out_len)
{
	struct sp_proc *p = arg;
	size_t n = 0;
	int st;

	p->msgs++;
	st = sp_call(p, SP_IPC_GUEST_MSG, req, len, NULL, 0, RELAY_TIMEOUT_MS,
		     &n);
	return relay_answer(p, st, n, out, cap, out_len);
}

int sp_relay_certs(void *arg, uint8_t *out, size_t cap, size_t *out_len)
{
	struct sp_proc *p = arg;
	size_t n = 0;
	int st;

	p->certs++;
	st = sp_call(p, SP_IPC_GET_CERTS, NULL, 0, NULL, 0, RELAY_TIMEOUT_MS,
		     &n);
	return relay_answer(p, st, n, out, cap, out_len);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Waits up to ms for the child; 1 if it was reaped. */
static int wait_child(struct sp_proc *p, int ms, int *ws)
{
	for (int t = 0; t < ms / 10; t++) {
		if (waitpid(p->pid, ws, WNOHANG) == p->pid)
			return 1;
		sleep_ms(10);
	}
	return 0;
}

/* The IPC is closed: mantle-sp exits by itself; SIGTERM, then SIGKILL,
 * if it does not. Its exit, for the log. */
static void reap(struct sp_proc *p, char *how, size_t size)
{
	int ws = 0;

	if (!wait_child(p, STOP_GRACE_MS, &ws)) {
		kill(p->pid, SIGTERM);
		if (!wait_child(p, STOP_GRACE_MS, &ws)) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &ws, 0);
		}
	}
	if (WIFEXITED(ws))
		snprintf(how, size, "exit %d", WEXITSTATUS(ws));
	else
		snprintf(how, size, "signal %d", WTERMSIG(ws));
}

void sp_stop(struct sp_proc *p, int logfd)
{
	char how[32] = "not started";

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->pid > 0)
		reap(p, how, sizeof(how));
	mantle_log(logfd,
		   "secure processor (mantle-sp): relayed %llu guest messages "
		   "(%llu refused by it) and %llu certificate requests; "
		   "failures %llu%s%s; %s\n",
		   (unsigned long long)p->msgs, (unsigned long long)p->refused,
		   (unsigned long long)p->certs, (unsigned long long)p->failed,
		   p->first_error[0] ? ", first: " : "", p->first_error, how);
	free(p);
}

int sp_export_ca(const char *bin, const char *state, const char *file)
{
	char a_state[] = "--state", a_ca[] = "--export-ca";
	char *argv[] = { (char *)bin, a_state,	    (char *)state,
			 a_ca,	      (char *)file, NULL };
	pid_t pid = fork();
	int ws;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(bin, argv);
		_exit(127);
	}
	if (waitpid(pid, &ws, 0) != pid)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}
