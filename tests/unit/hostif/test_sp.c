// SPDX-License-Identifier: MIT
/*
 * The secure-processor relay of hostif 1.2 (SPEC.md §13), client and server
 * over a socketpair with a fake secure processor behind the server: round
 * trips, errors, SP_MSG sent once and never retried, late replies dropped
 * as stale, and the sp-corrupt / sp-replay / sp-withhold faults.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostif_client.h"
#include "mantle_bytes.h"
#include "pair.h"

/* The fake secure processor: answers each message with its bytes
 * reversed and a serial number, so every answer is distinct. */
static struct {
	unsigned msgs, certs; /* requests relayed to it */
	unsigned sleep_first_ms; /* answer the first message late */
	int status; /* what it answers with */
} sp;

static int fake_msg(void *arg, const uint8_t *req, size_t len, uint8_t *out,
		    size_t cap, size_t *out_len)
{
	(void)arg;
	assert_true(cap >= HOSTIF_SP_MSG_MAX);
	if (sp.msgs++ == 0 && sp.sleep_first_ms)
		usleep(sp.sleep_first_ms * 1000);
	for (size_t i = 0; i < len; i++)
		out[i] = req[len - 1 - i];
	out[0] = (uint8_t)sp.msgs;
	*out_len = len;
	return sp.status;
}

static int fake_certs(void *arg, uint8_t *out, size_t cap, size_t *out_len)
{
	(void)arg;
	sp.certs++;
	assert_true(cap >= HOSTIF_SP_CERTS_MAX);
	memset(out, 0xce, 3000);
	*out_len = 3000;
	return sp.status;
}

static const struct hostif_server_cfg with_sp = {
	.features = HOSTIF_F_KNOWN,
	.sp_msg = fake_msg,
	.sp_certs = fake_certs,
};

static struct hostif_client *start(struct pair *p, const char *spec,
				   const struct hostif_server_cfg *scfg,
				   unsigned timeout_ms)
{
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_KNOWN,
					 .timeout_ms = timeout_ms,
					 .attempts = 4 };
	struct hostif_client *c;

	memset(&sp, 0, sizeof(sp));
	assert_int_equal(pair_start(p, NULL, spec, scfg), 0);
	assert_int_equal(hostif_client_new(p->pv_fd, &cfg, &c), 0);
	assert_int_equal(hostif_client_hello(c), 0);
	return c;
}

static void make_req(uint8_t *req, size_t n, uint8_t tag)
{
	for (size_t i = 0; i < n; i++)
		req[i] = (uint8_t)(tag + i);
}

static void test_round_trip(void **state)
{
	struct pair p;
	struct hostif_client *c = start(&p, NULL, &with_sp, 1000);
	uint8_t req[HOSTIF_SP_MSG_MAX], rsp[HOSTIF_SP_MSG_MAX];
	uint8_t certs[HOSTIF_SP_CERTS_MAX];
	size_t n;
	uint32_t st = 99;

	(void)state;
	assert_true(hostif_client_features(c) & HOSTIF_F_SP);
	make_req(req, sizeof(req), 3);
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, &st),
			 0);
	assert_int_equal(st, 0);
	assert_int_equal(n, sizeof(req));
	assert_int_equal(rsp[0], 1);
	assert_int_equal(rsp[1], req[sizeof(req) - 2]);
	assert_int_equal(
		hostif_client_sp_certs(c, certs, sizeof(certs), &n, &st), 0);
	assert_int_equal(n, 3000);
	assert_int_equal(certs[2999], 0xce);
	/* A response larger than the caller's buffer is refused. */
	assert_int_equal(hostif_client_sp_msg(c, req, 200, rsp, 100, &n, &st),
			 -HOSTIF_E_PAYLOAD);
	assert_int_equal(n, 0);
	/* Caller errors: nothing is sent. */
	assert_int_equal(
		hostif_client_sp_msg(c, req, 0, rsp, sizeof(rsp), &n, NULL),
		-HOSTIF_E_INVAL);
	assert_int_equal(hostif_client_sp_msg(c, req, HOSTIF_SP_MSG_MAX + 1,
					      rsp, sizeof(rsp), &n, NULL),
			 -HOSTIF_E_INVAL);
	hostif_client_free(c);
	assert_int_equal(pair_stop(&p), 0);
	assert_int_equal(sp.msgs, 2);
	assert_int_equal(sp.certs, 1);
}

/* No secure processor, or one that refuses: an error status, no data. */
static void test_errors(void **state)
{
	struct hostif_server_cfg none = { .features = HOSTIF_F_KNOWN };
	struct pair p;
	struct hostif_client *c = start(&p, NULL, &none, 1000);
	uint8_t req[100] = { 1 }, rsp[HOSTIF_SP_MSG_MAX];
	size_t n;
	uint32_t st = 0;

	(void)state;
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, &st),
			 -HOSTIF_E_STATUS);
	assert_int_equal(st, HOSTIF_S_SP_DOWN);
	assert_int_equal(hostif_client_counters(c)->retries, 0);
	hostif_client_free(c);
	pair_stop(&p);

	c = start(&p, NULL, &with_sp, 1000);
	sp.status = HOSTIF_S_SP_REFUSED;
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, &st),
			 -HOSTIF_E_STATUS);
	assert_int_equal(st, HOSTIF_S_SP_REFUSED);
	assert_int_equal(hostif_client_counters(c)->host_errors, 1);
	hostif_client_free(c);
	pair_stop(&p);
	assert_int_equal(sp.msgs, 1);
}

/* A 1.1 host: no SP relay, and the client does not send one. */
static void test_not_negotiated(void **state)
{
	struct hostif_server_cfg old = with_sp;
	struct pair p;
	struct hostif_client *c;
	uint8_t req[100] = { 1 }, rsp[HOSTIF_SP_MSG_MAX];
	size_t n;
	uint8_t major, minor;

	(void)state;
	old.range = (struct hostif_hello){ 1, 0, 1, 1, 0 };
	c = start(&p, NULL, &old, 1000);
	hostif_client_version(c, &major, &minor);
	assert_int_equal(minor, 1);
	assert_false(hostif_client_features(c) & HOSTIF_F_SP);
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, NULL),
			 -HOSTIF_E_STATE);
	hostif_client_free(c);
	pair_stop(&p);
	assert_int_equal(sp.msgs, 0);
}

/* sp-withhold: the message reaches the secure processor once, the reply
 * never comes, and the client does not send it again. */
static void test_withheld_not_retried(void **state)
{
	struct pair p;
	struct hostif_client *c = start(&p, "sp-withhold=1", &with_sp, 50);
	uint8_t req[100] = { 1 }, rsp[HOSTIF_SP_MSG_MAX];
	size_t n;
	const struct hostif_counters *k = hostif_client_counters(c);

	(void)state;
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, NULL),
			 -HOSTIF_E_TIMEOUT);
	assert_int_equal(k->timeouts, 1);
	assert_int_equal(k->retries, 0);
	/* SP_CERTS is idempotent and not affected: it works. */
	assert_int_equal(hostif_client_sp_certs(c, rsp, sizeof(rsp), &n, NULL),
			 0);
	hostif_client_free(c);
	pair_stop(&p);
	assert_int_equal(sp.msgs, 1); /* one SP_MSG frame relayed, once */
	assert_int_equal(p.hostile.injected[HOSTIF_FAULT_SP_WITHHOLD], 1);
}

/* A reply after the timeout is stale: dropped, and the next exchange gets
 * its own answer, never the late one. */
static void test_late_reply_stale(void **state)
{
	struct pair p;
	struct hostif_client *c;
	uint8_t req[64], rsp[HOSTIF_SP_MSG_MAX];
	size_t n;

	(void)state;
	c = start(&p, NULL, &with_sp, 100);
	sp.sleep_first_ms = 300;
	make_req(req, sizeof(req), 1);
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, NULL),
			 -HOSTIF_E_TIMEOUT);
	assert_int_equal(hostif_client_counters(c)->retries, 0);
	/* The late reply is in the stream by now. */
	usleep(400 * 1000);
	make_req(req, sizeof(req), 0x80);
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, NULL),
			 0);
	assert_int_equal(hostif_client_counters(c)->stale_replies, 1);
	assert_int_equal(rsp[0], 2); /* the second answer */
	assert_int_equal(rsp[1], req[sizeof(req) - 2]);
	hostif_client_free(c);
	pair_stop(&p);
	assert_int_equal(sp.msgs, 2);
}

/* sp-corrupt: a valid frame whose relayed response differs in one byte. */
static void test_corrupt(void **state)
{
	struct pair p;
	struct hostif_client *c = start(&p, "sp-corrupt=1", &with_sp, 1000);
	uint8_t req[200], rsp[HOSTIF_SP_MSG_MAX], want[200];
	size_t n, diff = 0;

	(void)state;
	make_req(req, sizeof(req), 7);
	for (size_t i = 0; i < sizeof(req); i++)
		want[i] = req[sizeof(req) - 1 - i];
	want[0] = 1;
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp,
					      sizeof(rsp), &n, NULL),
			 0);
	assert_int_equal(n, sizeof(req));
	for (size_t i = 0; i < n; i++)
		diff += rsp[i] != want[i];
	assert_int_equal(diff, 1);
	hostif_client_free(c);
	pair_stop(&p);
	assert_int_equal(p.hostile.injected[HOSTIF_FAULT_SP_CORRUPT], 1);
}

/* sp-replay: the second message is answered with the first response. */
static void test_replay(void **state)
{
	struct pair p;
	struct hostif_client *c = start(&p, "sp-replay=1", &with_sp, 1000);
	uint8_t req[100], rsp1[HOSTIF_SP_MSG_MAX], rsp2[HOSTIF_SP_MSG_MAX];
	size_t n1, n2;

	(void)state;
	make_req(req, sizeof(req), 1);
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp1,
					      sizeof(rsp1), &n1, NULL),
			 0);
	make_req(req, sizeof(req), 0x40);
	assert_int_equal(hostif_client_sp_msg(c, req, sizeof(req), rsp2,
					      sizeof(rsp2), &n2, NULL),
			 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(rsp1, rsp2, n1);
	hostif_client_free(c);
	pair_stop(&p);
	assert_int_equal(sp.msgs, 2);
	assert_int_equal(p.hostile.injected[HOSTIF_FAULT_SP_REPLAY], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_not_negotiated),
		cmocka_unit_test(test_withheld_not_retried),
		cmocka_unit_test(test_late_reply_stale),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_replay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
