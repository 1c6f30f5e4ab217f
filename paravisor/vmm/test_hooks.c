// SPDX-License-Identifier: MIT
/* The test hooks (test_hooks.h): compiled into the test build only. */
#ifndef MANTLE_TEST_HOOKS
#error "test_hooks.c belongs to the test build only (-DMANTLE_TEST_HOOKS)"
#endif

#include "test_hooks.h"
#include "errf.h"
#include "guard.h"
#include "log.h"
#include "secret.h"

#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int test_hooks_option(struct test_hooks *t, int c)
{
	switch (c) {
	case 'F':
		t->forbidden_syscall = 1;
		return 0;
	case 'S':
		t->secret = 1;
		return 0;
	default:
		return -1;
	}
}

int test_hooks_forbidden_syscall(char *err, size_t errlen)
{
	long fd;

	pv_log("guard: test: trying a forbidden system call (openat)");
	fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/status",
		     O_RDONLY | O_CLOEXEC);
	errf(err, errlen,
	     "test: the forbidden openat came back (%ld): the filter does "
	     "not work",
	     fd);
	if (fd >= 0)
		close((int)fd);
	return -1;
}

/* vmm_opts.after_setup with --test-forbidden-syscall. */
static int drop_then_forbidden(void *arg)
{
	char err[256];

	if (guard_after_setup(arg) < 0)
		return -1;
	if (test_hooks_forbidden_syscall(err, sizeof(err)) < 0) {
		pv_log("guard: %s", err);
		return -1;
	}
	return 0;
}

void test_hooks_setup(const struct test_hooks *t, struct vmm_opts *o)
{
	if (t->forbidden_syscall)
		o->after_setup = drop_then_forbidden;
}

int test_hooks_run(const struct test_hooks *t, int (*run)(void *), void *arg)
{
	uint8_t *secret, secret_stack[SECRET_BLOCK];
	char err[256];
	int code;

	if (!t->secret)
		return run(arg);
	secret = secret_make(err, sizeof(err));
	if (!secret) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	/* A copy on this stack too, kept alive while the guest runs. */
	memcpy(secret_stack, secret, SECRET_BLOCK);
	__asm__ volatile("" : : "r"(secret_stack) : "memory");
	pv_log("test-secret: held in paravisor memory (heap and stack)");
	code = run(arg);
	/* Only now, with the guest gone. */
	secret_reveal_and_free(secret);
	explicit_bzero(secret_stack, sizeof(secret_stack));
	return code;
}
