// SPDX-License-Identifier: MIT
/*
 * The privilege drop, each case in a child process: allowed work goes on
 * after the drop (threads, memory, I/O, smaps through the kept fd), and a
 * forbidden call (opening a file, executable memory, a new process) kills
 * the process with SIGSYS.
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "guard.h"
#include "memstat.h"
#include "test_hooks.h"

/* Run fn in a child; return its wait status. The child leaves with _exit
 * so that no exit-time machinery (a sanitizer's) runs under the filter. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0)
		_exit(fn());
	assert_int_equal(waitpid(p, &st, 0), p);
	return st;
}

static int drop(void)
{
	char err[256];

	if (guard_drop(err, sizeof(err)) < 0)
		return 90;
	return 0;
}

static void *thread_fn(void *arg)
{
	*(int *)arg = 42;
	return NULL;
}

static int allowed_after_drop(void)
{
	uint64_t total, ram;
	pthread_t t;
	int v = 0, pfd[2];
	char c = 'x';
	void *m;

	if (pipe(pfd) < 0 || memstat_keep_open() < 0 || drop())
		return 91;
	if (pthread_create(&t, NULL, thread_fn, &v) || pthread_join(t, NULL) ||
	    v != 42)
		return 92;
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || munmap(m, 1 << 20))
		return 93;
	if (write(pfd[1], &c, 1) != 1 || read(pfd[0], &c, 1) != 1)
		return 94;
	if (memstat_pss(NULL, &total, &ram) || total == 0)
		return 95;
	return 0;
}

/* The test build's --test-forbidden-syscall (test_hooks.h). */
static int forbidden_test_option(void)
{
	char err[256];

	if (drop())
		return 91;
	test_hooks_forbidden_syscall(err, sizeof(err));
	return 96; /* not reached when the filter works */
}

static int forbidden_exec_memory(void)
{
	void *m;

	if (drop())
		return 91;
	m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	return m == MAP_FAILED ? 97 : 98;
}

static int forbidden_fork(void)
{
	if (drop())
		return 91;
	return fork() < 0 ? 97 : 98;
}

static int forbidden_open(void)
{
	if (drop())
		return 91;
	return open("/dev/null", O_RDONLY) < 0 ? 97 : 98;
}

static void test_allowed(void **state)
{
	int st = in_child(allowed_after_drop);

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void expect_sigsys(int (*fn)(void))
{
	int st = in_child(fn);

	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void test_forbidden_option(void **state)
{
	(void)state;
	expect_sigsys(forbidden_test_option);
}

static void test_forbidden_calls(void **state)
{
	(void)state;
	expect_sigsys(forbidden_open);
	expect_sigsys(forbidden_exec_memory);
	expect_sigsys(forbidden_fork);
}

static int close_inherited(void)
{
	char err[256];
	struct stat st, null;
	int fd = open("/dev/zero", O_RDONLY);

	if (fd < 3 || guard_close_inherited(err, sizeof(err)) < 0)
		return 91;
	if (fcntl(fd, F_GETFD) != -1)
		return 92; /* still open */
	if (fstat(0, &st) < 0 || stat("/dev/null", &null) < 0 ||
	    st.st_rdev != null.st_rdev)
		return 93;
	return 0;
}

static void test_close_inherited(void **state)
{
	int st = in_child(close_inherited);

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_forbidden_option),
		cmocka_unit_test(test_forbidden_calls),
		cmocka_unit_test(test_close_inherited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
