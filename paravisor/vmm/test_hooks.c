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
#include "snp_guest.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
	case 'B':
		t->sp_bench = (unsigned int)strtoul(optarg, NULL, 10);
		return t->sp_bench && t->sp_bench <= 100000 ? 0 : -1;
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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One request kind, n times; logs median, p90 and max in microseconds. */
static int bench_one(struct snp_guest *g, const char *name, int key,
		     unsigned int n)
{
	static const struct snp_derived_key_req kreq = {
		.root_key_select = SNP_ROOT_KEY_VCEK,
		.guest_field_select = SNP_FIELD_POLICY,
	};
	uint8_t user[SNP_REPORT_DATA_LEN] = { 0 }, out[SNP_REPORT_SIZE];
	uint64_t *t = calloc(n, sizeof(*t));
	enum snp_guest_err e = SNP_GUEST_OK;
	unsigned int i;

	if (!t)
		return -1;
	for (i = 0; i < n && !e; i++) {
		uint64_t t0 = now_ns();

		user[0] = (uint8_t)i;
		e = key ? snp_guest_derive_key(g, &kreq, out) :
			  snp_guest_report(g, user, 0, out);
		t[i] = now_ns() - t0;
	}
	if (e) {
		pv_log("test-sp-bench: %s failed at %u: %s", name, i - 1,
		       snp_guest_strerror(e));
		free(t);
		return -1;
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	pv_log("test-sp-bench: %s n=%u median=%llu us p90=%llu us max=%llu us",
	       name, n, (unsigned long long)(t[n / 2] / 1000),
	       (unsigned long long)(t[n * 9 / 10] / 1000),
	       (unsigned long long)(t[n - 1] / 1000));
	free(t);
	return 0;
}

void test_hooks_sp_bench(const struct test_hooks *t, struct snp_guest *g)
{
	if (!t->sp_bench)
		return;
	if (!g) {
		pv_log("test-sp-bench: no secure processor (no --snp-secrets, "
		       "or its self-test failed)");
		return;
	}
	if (bench_one(g, "report", 0, t->sp_bench) == 0)
		bench_one(g, "key", 1, t->sp_bench);
}
