// SPDX-License-Identifier: MIT
/*
 * Client and server over a socketpair, the server in its own thread:
 * negotiation, the VMGS block service, LOG, and every control-channel
 * fault class of hostile mode. The client must survive each one, count
 * what it saw, and never hand out data that differs from what is stored.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostif_client.h"
#include "pair.h"

#define NSECT 64 /* sectors the fault tests touch */

static struct hostif_client *connect_client(struct pair *p,
					    const struct hostif_client_cfg *cfg)
{
	struct hostif_client *c;

	assert_int_equal(hostif_client_new(p->pv_fd, cfg, &c), 0);
	return c;
}

static void test_clean_session(void **state)
{
	struct fixture *fx = *state;
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_KNOWN };
	struct pair p;
	struct hostif_client *c;
	uint8_t w[3 * 512], r[3 * 512], major, minor;
	uint32_t ss;
	uint64_t n;
	const struct hostif_counters *k;

	assert_int_equal(pair_start(&p, fx->path, NULL, NULL), 0);
	c = connect_client(&p, &cfg);
	/* Nothing but HELLO before HELLO. */
	assert_int_equal(hostif_client_vmgs_info(c, &ss, &n), -HOSTIF_E_STATE);
	assert_int_equal(hostif_client_hello(c), 0);
	hostif_client_version(c, &major, &minor);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 2);
	assert_int_equal(hostif_client_features(c), HOSTIF_F_KNOWN);
	assert_int_equal(hostif_client_vmgs_info(c, &ss, &n), 0);
	assert_int_equal(ss, 512);
	assert_int_equal(n, 8192); /* 4 MiB data part, footer not exposed */
	for (size_t i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(hostif_client_vmgs_write(c, 100, 3, w), 0);
	assert_int_equal(hostif_client_vmgs_flush(c), 0);
	assert_int_equal(hostif_client_vmgs_read(c, 100, 3, r), 0);
	assert_memory_equal(w, r, sizeof(w));
	/* A multi-frame read (more than 64 KiB) is chunked. */
	{
		uint8_t *big = malloc(300 * 512);

		assert_non_null(big);
		assert_int_equal(hostif_client_vmgs_read(c, 0, 300, big), 0);
		assert_memory_equal(big + 100 * 512, w, sizeof(w));
		free(big);
	}
	/* Outside the data part: the host refuses, nothing is read. */
	assert_int_equal(hostif_client_vmgs_read(c, 8191, 2, r),
			 -HOSTIF_E_STATUS);
	assert_int_equal(hostif_client_log(c, 2, "paravisor up\x07"), 0);
	k = hostif_client_counters(c);
	assert_int_equal(k->host_errors, 1);
	assert_int_equal(k->bad_crc + k->bad_magic + k->replays + k->timeouts +
				 k->stale_replies + k->unexpected,
			 0);
	hostif_client_free(c);
	assert_int_equal(pair_stop(&p), 0);
	/* The host printed the line, the bell replaced. */
	assert_int_equal(p.logs, 1);
	assert_string_equal(p.log, "paravisor up?");
}

static void test_version_refused(void **state)
{
	(void)state;
	struct hostif_client_cfg cfg = { .range = { 2, 0, 2, 1, 0 } };
	struct hostif_server_cfg scfg = { .range = { 1, 0, 1, 0, 0 } };
	struct pair p;
	struct hostif_client *c;
	uint32_t ss;
	uint64_t n;

	assert_int_equal(pair_start(&p, NULL, NULL, &scfg), 0);
	c = connect_client(&p, &cfg);
	assert_int_equal(hostif_client_hello(c), -HOSTIF_E_REFUSED);
	assert_int_equal(hostif_client_vmgs_info(c, &ss, &n), -HOSTIF_E_STATE);
	hostif_client_free(c);
	pair_stop(&p);
}

static void test_version_newer_client(void **state)
{
	(void)state;
	/* A client that also speaks 1.3 meets a 1.0 host: 1.0, no features. */
	struct hostif_client_cfg cfg = { .range = { 1, 0, 1, 3, 0 },
					 .features = HOSTIF_F_KNOWN };
	struct hostif_server_cfg scfg = { .range = { 1, 0, 1, 0, 0 },
					  .features = 0 };
	struct pair p;
	struct hostif_client *c;
	uint8_t major, minor;

	assert_int_equal(pair_start(&p, NULL, NULL, &scfg), 0);
	c = connect_client(&p, &cfg);
	assert_int_equal(hostif_client_hello(c), 0);
	hostif_client_version(c, &major, &minor);
	assert_int_equal(major << 8 | minor, 0x100);
	assert_int_equal(hostif_client_features(c), 0);
	/* Zero features = the old behaviour: no LOG channel. */
	assert_int_equal(hostif_client_log(c, 0, "x"), -HOSTIF_E_STATE);
	hostif_client_free(c);
	pair_stop(&p);
}

/* A host that never answers: every attempt times out, then an error. */
static void test_withheld_forever(void **state)
{
	(void)state;
	struct hostif_client_cfg cfg = { .timeout_ms = 20, .attempts = 3 };
	struct hostif_client *c;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hostif_client_new(sv[0], &cfg, &c), 0);
	assert_int_equal(hostif_client_hello(c), -HOSTIF_E_TIMEOUT);
	assert_int_equal(hostif_client_counters(c)->timeouts, 3);
	assert_int_equal(hostif_client_counters(c)->retries, 2);
	/* The host goes away: a clean error, not a signal. */
	close(sv[1]);
	assert_int_equal(hostif_client_hello(c), -HOSTIF_E_CLOSED);
	hostif_client_free(c);
	close(sv[0]);
}

/*
 * Runs NSECT-sector write/read rounds through a hostile host and checks
 * every successful read against a model of what was written.
 */
static struct hostif_counters run_faulty(const char *path, const char *spec,
					 unsigned *ok_ops)
{
	/* Faults that lose replies need short timeouts to make progress. */
	unsigned ms = strstr(spec, "trunc") || strstr(spec, "withhold") ||
				      strstr(spec, "reorder") ||
				      strstr(spec, "corrupt") ||
				      strstr(spec, "short") ?
			      40 :
			      2000;
	struct hostif_client_cfg cfg = { .timeout_ms = ms, .attempts = 8 };
	struct hostif_counters out;
	struct pair p;
	struct hostif_client *c;
	static uint8_t model[NSECT][512];
	uint8_t buf[4 * 512];
	int r;

	assert_int_equal(pair_start(&p, path, spec, NULL), 0);
	c = connect_client(&p, &cfg);
	for (int i = 0; i < 10 && (r = hostif_client_hello(c)); i++)
		;
	assert_int_equal(r, 0);
	/* Start from a known state: zeros (a fresh file). */
	memset(model, 0, sizeof(model));
	*ok_ops = 0;
	for (unsigned round = 0; round < 60; round++) {
		uint64_t lba = (round * 7) % (NSECT - 4);
		uint32_t n = 1 + round % 4;

		for (uint32_t s = 0; s < n; s++)
			memset(buf + s * 512, (int)(round * 4 + s + 1), 512);
		r = hostif_client_vmgs_write(c, lba, n, buf);
		if (r == 0) {
			memcpy(model[lba], buf, n * 512);
			(*ok_ops)++;
		} else {
			/* Unknown outcome: re-learn these sectors below. */
			assert_true(r == -HOSTIF_E_TIMEOUT ||
				    r == -HOSTIF_E_PAYLOAD);
		}
		r = hostif_client_vmgs_read(c, lba, n, buf);
		if (r == 0) {
			(*ok_ops)++;
			/*
			 * Control faults never alter stored data: a read that
			 * succeeds is either the model, or (after a failed
			 * write) the new data.
			 */
			for (uint32_t s = 0; s < n; s++) {
				uint8_t want = (uint8_t)(round * 4 + s + 1);

				if (memcmp(buf + s * 512, model[lba + s],
					   512)) {
					uint8_t exp[512];

					memset(exp, want, sizeof(exp));
					assert_memory_equal(buf + s * 512, exp,
							    512);
					memcpy(model[lba + s], exp, 512);
				}
			}
		}
	}
	out = *hostif_client_counters(c);
	{
		char line[600];

		assert_true(hostif_counters_format(&out, line, sizeof(line)) <
			    (int)sizeof(line));
		print_message("# %s: %u ops ok; %s\n", spec, *ok_ops, line);
	}
	hostif_client_free(c);
	pair_stop(&p);
	unlink(path);
	return out;
}

static void test_fault_ctl_corrupt(void **state)
{
	struct fixture *fx = *state;
	unsigned ok;
	struct hostif_counters k =
		run_faulty(fx->path, "seed=11,ctl-corrupt=0.3", &ok);

	assert_true(k.bad_crc + k.bad_length + k.bad_magic > 0);
	assert_true(k.retries > 0);
	assert_true(ok > 60);
}

static void test_fault_ctl_truncate(void **state)
{
	struct fixture *fx = *state;
	unsigned ok;
	struct hostif_counters k =
		run_faulty(fx->path, "seed=12,ctl-truncate=0.3", &ok);

	assert_true(k.stalls + k.bad_crc > 0);
	assert_true(k.timeouts > 0);
	assert_true(ok > 60);
}

static void test_fault_ctl_replay(void **state)
{
	struct fixture *fx = *state;
	unsigned ok;
	struct hostif_counters k =
		run_faulty(fx->path, "seed=13,ctl-replay=0.5", &ok);

	/* Replays are dropped on their sequence number, silently. */
	assert_true(k.replays > 10);
	assert_int_equal(k.bad_replies, 0);
	assert_int_equal(ok, 120);
}

static void test_fault_ctl_reorder(void **state)
{
	struct fixture *fx = *state;
	unsigned ok;
	struct hostif_counters k =
		run_faulty(fx->path, "seed=14,ctl-reorder=0.3", &ok);

	assert_true(k.replays + k.stale_replies > 0);
	assert_true(k.timeouts > 0);
	assert_true(ok > 60);
}

static void test_fault_ctl_withhold(void **state)
{
	struct fixture *fx = *state;
	unsigned ok;
	struct hostif_counters k =
		run_faulty(fx->path, "seed=15,ctl-withhold=0.3", &ok);

	assert_true(k.timeouts > 0);
	assert_true(k.retries > 0);
	assert_true(ok > 60);
}

static void test_fault_vmgs_short(void **state)
{
	struct fixture *fx = *state;
	unsigned ok;
	struct hostif_counters k =
		run_faulty(fx->path, "seed=16,vmgs-short=0.3", &ok);

	/* Short reads and writes are refused and retried whole. */
	assert_true(k.bad_replies + k.bad_payload > 0);
	assert_true(ok > 60);
}

static void test_fault_all_at_once(void **state)
{
	struct fixture *fx = *state;
	unsigned ok;
	struct hostif_counters k = run_faulty(
		fx->path,
		"seed=17,ctl-corrupt=0.05,ctl-truncate=0.05,ctl-replay=0.05,"
		"ctl-reorder=0.05,ctl-withhold=0.05,vmgs-short=0.05",
		&ok);

	assert_true(k.retries > 0);
	assert_true(ok > 60);
}

struct ev_log {
	unsigned n;
	uint32_t device;
	uint16_t vector;
};

static void on_event(void *arg, uint32_t device, uint16_t vector)
{
	struct ev_log *e = arg;

	e->n++;
	e->device = device;
	e->vector = vector;
}

static uint64_t frozen_clock(void *arg)
{
	return *(uint64_t *)arg;
}

/* An event storm: bogus sources dropped, the rest rate-limited. */
static void test_event_storm(void **state)
{
	(void)state;
	uint64_t clock = 1000;
	struct ev_log ev = { 0 };
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_EVENTS,
					 .event_cb = on_event,
					 .event_arg = &ev,
					 .event_burst = 16,
					 .now_ns = frozen_clock,
					 .clock_arg = &clock };
	struct hostif_server_cfg scfg = { .features = HOSTIF_F_KNOWN,
					  .storm_device = 7,
					  .storm_vector = 0x30 };
	const struct hostif_counters *k;
	struct pair p;
	struct hostif_client *c;

	assert_int_equal(pair_start(&p, NULL, "seed=3,storm=2000", &scfg), 0);
	c = connect_client(&p, &cfg);
	assert_int_equal(hostif_client_allow_event(c, 7, 0x30), 0);
	assert_int_equal(hostif_client_hello(c), 0);
	k = hostif_client_counters(c);
	for (int i = 0;
	     i < 200 &&
	     k->events_delivered + k->events_bogus + k->events_storm < 2000;
	     i++)
		assert_int_equal(hostif_client_poll(c, 20), 0);
	/* Every 8th event names a source the guest does not own. */
	assert_int_equal(k->events_bogus, 250);
	/* The clock is frozen: exactly one burst passes, the rest drop. */
	assert_int_equal(k->events_delivered, 16);
	assert_int_equal(k->events_storm, 2000 - 250 - 16);
	assert_int_equal(ev.n, 16);
	assert_int_equal(ev.device, 7);
	assert_int_equal(ev.vector, 0x30);
	/* Time passes: the bucket refills at the configured rate (1000/s). */
	clock += 5000000; /* 5 ms: 5 more events may pass */
	assert_int_equal(hostif_server_send_event(p.srv, 7, 0x30), 0);
	for (int i = 0; i < 500 && k->events_delivered == 16; i++)
		assert_int_equal(hostif_client_poll(c, 20), 0);
	assert_int_equal(ev.n, 17);
	hostif_client_free(c);
	pair_stop(&p);
}

/* Events without the EVENTS feature are the old behaviour: none. */
static void test_events_not_negotiated(void **state)
{
	(void)state;
	struct ev_log ev = { 0 };
	struct hostif_client_cfg cfg = { .event_cb = on_event,
					 .event_arg = &ev };
	struct hostif_server_cfg scfg = { .features = HOSTIF_F_KNOWN,
					  .storm_device = 7,
					  .storm_vector = 0x30 };
	struct pair p;
	struct hostif_client *c;
	uint32_t ss;
	uint64_t n;

	assert_int_equal(pair_start(&p, NULL, NULL, &scfg), 0);
	c = connect_client(&p, &cfg);
	assert_int_equal(hostif_client_allow_event(c, 7, 0x30), 0);
	assert_int_equal(hostif_client_hello(c), 0);
	/* One request answered: the server thread is past HELLO (its session
	 * is 1.2 from there on), so the event below is sent at 1.2. */
	assert_int_equal(hostif_client_vmgs_info(c, &ss, &n), -HOSTIF_E_STATUS);
	assert_int_equal(hostif_server_send_event(p.srv, 7, 0x30), 0);
	for (int i = 0; i < 500 && !hostif_client_counters(c)->events_bogus;
	     i++)
		assert_int_equal(hostif_client_poll(c, 20), 0);
	assert_int_equal(hostif_client_counters(c)->events_bogus, 1);
	assert_int_equal(ev.n, 0);
	hostif_client_free(c);
	pair_stop(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_session),
		cmocka_unit_test(test_version_refused),
		cmocka_unit_test(test_version_newer_client),
		cmocka_unit_test(test_withheld_forever),
		cmocka_unit_test(test_fault_ctl_corrupt),
		cmocka_unit_test(test_fault_ctl_truncate),
		cmocka_unit_test(test_fault_ctl_replay),
		cmocka_unit_test(test_fault_ctl_reorder),
		cmocka_unit_test(test_fault_ctl_withhold),
		cmocka_unit_test(test_fault_vmgs_short),
		cmocka_unit_test(test_fault_all_at_once),
		cmocka_unit_test(test_event_storm),
		cmocka_unit_test(test_events_not_negotiated),
	};

	return cmocka_run_group_tests(tests, pair_fixture_setup,
				      pair_fixture_teardown);
}
