/* SPDX-License-Identifier: MIT */
/*
 * The test hooks of mantle-paravisor (README.md, "Test-only options"):
 * --test-forbidden-syscall, --test-secret and --test-sp-bench. Like SQLite's behind
 * SQLITE_UNTESTABLE, they exist only in the test build (-DMANTLE_TEST_HOOKS:
 * build/test/bin/mantle-paravisor and the test image build/test/paravisor/,
 * which only the guard_*.sh integration tests boot). The product binary gets
 * the empty stubs below: neither the options nor their code.
 */
#ifndef MANTLE_VMM_TEST_HOOKS_H
#define MANTLE_VMM_TEST_HOOKS_H

#include <stddef.h>

#include "vmm.h"

struct test_hooks {
	int forbidden_syscall; /* try openat right after the privilege drop */
	int secret; /* hold a secret while the guest runs, reveal it after */
	unsigned int sp_bench; /* time this many secure-processor requests */
};

struct snp_guest;

#ifdef MANTLE_TEST_HOOKS

/* The options' getopt_long entries, for main's table (inside an #ifdef
 * MANTLE_TEST_HOOKS there). */
#define TEST_HOOKS_LONGOPTS                                   \
	{ "test-forbidden-syscall", no_argument, NULL, 'F' }, \
		{ "test-secret", no_argument, NULL, 'S' },    \
		{ "test-sp-bench", required_argument, NULL, 'B' },

/* Records getopt's c in t: 0 if it is a test option, -1 if not. */
int test_hooks_option(struct test_hooks *t, int c);

/* With forbidden_syscall: the privilege drop (o->after_setup) is followed
 * by test_hooks_forbidden_syscall(). */
void test_hooks_setup(const struct test_hooks *t, struct vmm_opts *o);

/* Returns run(arg). With secret: first 32 random bytes behind the public
 * tag in a heap buffer and a copy on this frame's stack, both alive while
 * run() runs, then logged and wiped (secret.h). */
int test_hooks_run(const struct test_hooks *t, int (*run)(void *), void *arg);

/* With sp_bench (make bench-sp): times that many MSG_REPORT_REQ and as
 * many MSG_KEY_REQ round trips through the host relay and logs
 * "test-sp-bench: report n=N median=U us ..." lines; g NULL logs why not. */
void test_hooks_sp_bench(const struct test_hooks *t, struct snp_guest *g);

/* Logs the attempt and tries openat, which the seccomp filter must kill;
 * returns -1 with err set if the call came back. */
int test_hooks_forbidden_syscall(char *err, size_t errlen);

#else /* the product: no hooks */

static inline int test_hooks_option(struct test_hooks *t, int c)
{
	(void)t;
	(void)c;
	return -1;
}

static inline void test_hooks_setup(const struct test_hooks *t,
				    struct vmm_opts *o)
{
	(void)t;
	(void)o;
}

static inline void test_hooks_sp_bench(const struct test_hooks *t,
				       struct snp_guest *g)
{
	(void)t;
	(void)g;
}

static inline int test_hooks_run(const struct test_hooks *t, int (*run)(void *),
				 void *arg)
{
	(void)t;
	return run(arg);
}

#endif /* MANTLE_TEST_HOOKS */

#endif
