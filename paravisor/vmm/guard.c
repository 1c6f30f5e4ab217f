// SPDX-License-Identifier: MIT
/*
 * Privilege drop. The allowlist is what the vCPU threads, the devices, the
 * log, the control channel and a reboot (rebuild of the VM from the payload
 * disk) need once the first boot is set up; everything else, opening a file
 * above all, kills the process with SIGSYS.
 */
#include "guard.h"
#include "errf.h"
#include "log.h"
#include "memstat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

void guard_one_arena(void)
{
	/* Under ASan the sanitizer's allocator answers (and ignores it). */
	mallopt(M_ARENA_MAX, 1);
}

int guard_close_inherited(char *err, size_t errlen)
{
	int fd;

	if (close_range(3, ~0U, 0) < 0) {
		errf(err, errlen, "close_range: %s", strerror(errno));
		return -1;
	}
	/* stdin is not used; keep slot 0 taken so no later fd lands there. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup3(fd, STDIN_FILENO, O_CLOEXEC) < 0) {
		errf(err, errlen, "/dev/null: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return 0;
}

/* One log line with every fd still open and what it is. */
static void log_fds(void)
{
	char line[768], path[300], target[96];
	size_t n = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d) {
		pv_log("guard: cannot list /proc/self/fd: %s", strerror(errno));
		return;
	}
	line[0] = 0;
	while ((e = readdir(d))) {
		ssize_t t;
		int w;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		t = readlink(path, target, sizeof(target) - 1);
		target[t < 0 ? 0 : t] = 0;
		w = snprintf(line + n, sizeof(line) - n, " %s=%s", e->d_name,
			     target);
		if (w < 0 || (size_t)w >= sizeof(line) - n)
			break;
		n += (size_t)w;
	}
	closedir(d);
	pv_log("guard: open fds:%s", line);
}

/* Always allowed, whatever the arguments. */
static const int plain[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),
	SCMP_SYS(close),
	SCMP_SYS(lseek),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(dup),
	SCMP_SYS(fcntl),
	SCMP_SYS(poll),
	SCMP_SYS(ppoll),
	SCMP_SYS(munmap),
	SCMP_SYS(madvise),
	SCMP_SYS(mremap),
	SCMP_SYS(brk),
	SCMP_SYS(futex),
	SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(tgkill),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(eventfd2),
	SCMP_SYS(signalfd4),
	SCMP_SYS(sched_yield),
	SCMP_SYS(getrandom),
	/* pthread_getattr_np (sanitizer runtimes, glibc) asks for it. */
	SCMP_SYS(sched_getaffinity),
};

static int add_rules(scmp_filter_ctx ctx)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		rc = rc ?: seccomp_rule_add(ctx, SCMP_ACT_ALLOW, plain[i], 0);
	/* ioctl: KVM's (type 0xAE) and the few terminal queries stdio and
	 * a character-device channel make. */
	rc = rc	   ?:
		     seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFF00,
					      (uint64_t)KVMIO << 8));
	rc = rc	   ?:
		     seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1(SCMP_CMP_EQ, TCGETS));
	rc = rc	   ?:
		     seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1(SCMP_CMP_EQ, FIONREAD));
	/* Memory, never executable. */
	rc = rc	   ?:
		     seccomp_rule_add(
			     ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc = rc	   ?:
		     seccomp_rule_add(
			     ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* Threads only (the vCPUs after a reboot), never a new process. glibc
	 * tries clone3 first, whose flags seccomp cannot see: ENOSYS sends it
	 * back to clone. */
	rc = rc	   ?:
		     seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					      CLONE_THREAD));
	rc = rc	   ?:
		     seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				      SCMP_SYS(clone3), 0);
	return rc;
}

int guard_drop(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int rc;

	log_fds();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		errf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		errf(err, errlen, "seccomp_init failed");
		return -1;
	}
	/* Every thread, not just this one. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* ioctl (KVM_RUN, one per vCPU exit) is checked first (make
	 * bench-guard). */
	rc = rc ?: seccomp_syscall_priority(ctx, SCMP_SYS(ioctl), 255);
	rc = rc ?: add_rules(ctx);
	rc = rc ?: seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc) {
		errf(err, errlen, "cannot install the seccomp filter: %s",
		     strerror(-rc));
		return -1;
	}
	pv_log("guard: no-new-privileges set; seccomp allowlist installed: "
	       "%zu system calls, and ioctl, mmap, mprotect, clone with their "
	       "arguments checked; anything else kills the process",
	       sizeof(plain) / sizeof(plain[0]));
	return 0;
}

int guard_after_setup(void *arg)
{
	char err[256];

	(void)arg;
	if (memstat_keep_open() < 0)
		pv_log("guard: cannot keep /proc/self/smaps open: the memory "
		       "lines will be missing");
	if (guard_drop(err, sizeof(err)) < 0) {
		pv_log("guard: %s", err);
		return -1;
	}
	return 0;
}
