// SPDX-License-Identifier: MIT
/*
 * host/sp.c: the mantle-sp process and the relay, against a fake mantle-sp
 * (this binary again, started with --state MODE --ipc-fd 3): LAUNCH, a
 * relayed message, a refusal (SP_REFUSED, the simulator still serves), an
 * answer out of protocol, a simulator that exits or hangs (SP_DOWN from
 * then on, and the reason in the log); the default state directory.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostif_server.h"
#include "mantle_bytes.h"
#include "sp.h"

static char self[4096];

/* --- the fake mantle-sp ---------------------------------------------- */

static void fake_reply(uint16_t type, uint32_t status, const uint8_t *p,
		       size_t n, const char *mode)
{
	static uint8_t out[SP_IPC_HDR_SIZE + SP_IPC_MAX_PAYLOAD];

	memcpy(out, SP_IPC_MAGIC, 4);
	put_le16(out + 4, type);
	put_le16(out + 6, 0);
	put_le32(out + 8, (uint32_t)n);
	put_le32(out + 12, status);
	if (n)
		memcpy(out + SP_IPC_HDR_SIZE, p, n);
	if (!strcmp(mode, "garble"))
		out[0] = 'X';
	send(SP_IPC_FD, out, SP_IPC_HDR_SIZE + n, 0);
}

/* Answers LAUNCH with a pattern; GUEST_MSG by echoing (mode "echo"),
 * refusing ("refuse"), never ("hang"), out of protocol ("garble"), or
 * exiting ("exit"). */
static int fake_sp(const char *mode)
{
	static uint8_t in[SP_IPC_HDR_SIZE + SP_IPC_MAX_PAYLOAD];
	static uint8_t launch[SP_LAUNCH_REPLY_SIZE];
	ssize_t n;

	memset(launch, 0x4c, sizeof(launch));
	while ((n = recv(SP_IPC_FD, in, sizeof(in), 0)) >= SP_IPC_HDR_SIZE) {
		uint16_t type = get_le16(in + 4);
		const uint8_t *p = in + SP_IPC_HDR_SIZE;
		size_t len = (size_t)n - SP_IPC_HDR_SIZE;

		if (type == SP_IPC_LAUNCH) {
			fake_reply(type, 0, launch, sizeof(launch), "echo");
			continue;
		}
		if (!strcmp(mode, "exit"))
			return 0;
		if (!strcmp(mode, "hang"))
			pause();
		if (!strcmp(mode, "refuse"))
			fake_reply(type, SP_ST_GUEST_MSG, NULL, 0, mode);
		else
			fake_reply(type, 0, p, len ? len : 1, mode);
	}
	return 0;
}

/* --- tests ------------------------------------------------------------- */

static int logfd(char *path)
{
	strcpy(path, "/tmp/sp-test-log-XXXXXX");
	return mkstemp(path);
}

static const char *log_text(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static struct sp_proc *launched(const char *mode, int fd)
{
	static const uint8_t config[SP_LAUNCH_CONFIG_LEN] = { 1 };
	struct sp_launch_req r = { .kernel = "/k",
				   .initrd = "/i",
				   .cmdline = "console=ttyS0",
				   .config = config,
				   .policy = SP_DEFAULT_POLICY };
	uint8_t m[SNP_MEASUREMENT_LEN], secrets[SNP_SECRETS_SIZE];
	struct sp_proc *p;

	assert_int_equal(sp_start(&p, self, mode, fd), 0);
	assert_int_equal(sp_launch(p, &r, m, secrets), 0);
	assert_int_equal(m[0], 0x4c);
	assert_int_equal(secrets[SNP_SECRETS_SIZE - 1], 0x4c);
	return p;
}

static void test_relay(void **state)
{
	uint8_t req[100], out[HOSTIF_SP_MSG_MAX];
	size_t n = 0;
	char path[64];
	int fd = logfd(path);
	struct sp_proc *p = launched("echo", fd);

	(void)state;
	memset(req, 7, sizeof(req));
	assert_int_equal(
		sp_relay_msg(p, req, sizeof(req), out, sizeof(out), &n),
		HOSTIF_S_OK);
	assert_int_equal(n, sizeof(req));
	assert_int_equal(out[99], 7);
	assert_int_equal(sp_relay_certs(p, out, sizeof(out), &n), HOSTIF_S_OK);
	/* An answer larger than the caller's buffer is not relayed. */
	assert_int_equal(sp_relay_msg(p, req, sizeof(req), out, 10, &n),
			 HOSTIF_S_SP_DOWN);
	sp_stop(p, fd);
	assert_non_null(strstr(log_text(path), "relayed 2 guest messages"));
	assert_non_null(strstr(log_text(path), "exit 0"));
	close(fd);
	unlink(path);
}

/* A refusal is the firmware's answer: the simulator keeps serving. */
static void test_refused(void **state)
{
	uint8_t req[100] = { 1 }, out[HOSTIF_SP_MSG_MAX];
	size_t n = 0;
	char path[64];
	int fd = logfd(path);
	struct sp_proc *p = launched("refuse", fd);

	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(
			sp_relay_msg(p, req, sizeof(req), out, sizeof(out), &n),
			HOSTIF_S_SP_REFUSED);
	sp_stop(p, fd);
	assert_non_null(strstr(log_text(path), "(2 refused by it)"));
	close(fd);
	unlink(path);
}

/* Exited, hung or out of protocol: SP_DOWN now and for every later call,
 * and the reason in the log. */
static void test_down(void **state)
{
	static const struct {
		const char *mode, *why;
	} cases[] = {
		{ "exit", "it exited" },
		{ "garble", "out of protocol" },
		{ "hang", "no reply in time" },
	};
	uint8_t req[100] = { 1 }, out[HOSTIF_SP_MSG_MAX];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[64];
		int fd = logfd(path);
		struct sp_proc *p = launched(cases[i].mode, fd);

		assert_int_equal(
			sp_relay_msg(p, req, sizeof(req), out, sizeof(out), &n),
			HOSTIF_S_SP_DOWN);
		assert_int_equal(sp_relay_certs(p, out, sizeof(out), &n),
				 HOSTIF_S_SP_DOWN);
		sp_stop(p, fd);
		assert_non_null(strstr(log_text(path), cases[i].why));
		close(fd);
		unlink(path);
	}
}

/* A simulator that is not one: LAUNCH fails with a message. */
static void test_launch_fails(void **state)
{
	static const uint8_t config[SP_LAUNCH_CONFIG_LEN];
	struct sp_launch_req r = { "/k", "/i", "c", config, 0 };
	uint8_t m[SNP_MEASUREMENT_LEN], secrets[SNP_SECRETS_SIZE];
	struct sp_proc *p;

	(void)state;
	assert_int_equal(sp_start(&p, "/bin/true", "x", -1), 0);
	assert_int_equal(sp_launch(p, &r, m, secrets), -1);
	sp_stop(p, -1);
	sp_stop(NULL, -1);
}

static void test_default_state(void **state)
{
	char out[256], dir[] = "/tmp/sp-test-dir-XXXXXX", path[300];
	struct stat st;

	(void)state;
	setenv("XDG_DATA_HOME", "/xdg", 1);
	assert_int_equal(sp_default_state(out, sizeof(out)), 0);
	assert_string_equal(out, "/xdg/mantle/sp");
	setenv("XDG_DATA_HOME", "relative", 1); /* not absolute: ignored */
	setenv("HOME", "/home/u", 1);
	assert_int_equal(sp_default_state(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.local/share/mantle/sp");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_int_equal(sp_default_state(out, sizeof(out)), -1);
	/* Parents are made 0700; the state directory is mantle-sp's. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/sp", dir);
	assert_int_equal(sp_mkdir_parents(path), 0);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	rmdir(path);
	rmdir(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_down),
		cmocka_unit_test(test_launch_fails),
		cmocka_unit_test(test_default_state),
	};
	ssize_t n;

	if (argc == 5 && !strcmp(argv[1], "--state"))
		return fake_sp(argv[2]);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	return cmocka_run_group_tests(tests, NULL, NULL);
}
