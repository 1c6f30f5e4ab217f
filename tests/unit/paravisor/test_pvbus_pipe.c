// SPDX-License-Identifier: MIT
/*
 * The pipe device class (SPEC.md 9.3) on the pv bus, against a fake guest
 * and a fake host end (pvbus_guest.c): bytes both ways, flow control both
 * ways (partial sends stop the G2P ring until tx_ready; host bytes bounded
 * by the grant and buffered while the P2G ring is full), EOF, close.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pvbus_guest.h"

static const char *const pipes[] = { "console", "log", NULL };

#define A(i) (TG_RAM_GPA + (uint64_t)(i)*0x4000u)
#define WINDOW (64u * 1024u)

struct fx {
	struct tg g;
	struct tg_chan c;
	uint8_t out[4 * WINDOW];
};

static int open_with(void **state, uint64_t features, uint32_t log2,
		     uint32_t max_record)
{
	struct fx *f = malloc(sizeof(*f));

	if (!f)
		return -1;
	tg_init(&f->g, pipes);
	if (tg_negotiate(&f->g, features, NULL) != MTL_STATUS_OK ||
	    tg_open(&f->g, &f->c, 1, A(0), A(1), log2, max_record) !=
		    MTL_STATUS_OK)
		return -1;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return open_with(state, 0, 4, 512);
}

/* Event indices, and a P2G ring of 4 slots: one 224-byte packet fits. */
static int setup_small(void **state)
{
	return open_with(state, MTL_F_EVENT_IDX, 2, 224);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tg_fini(&f->g);
	free(f);
	return 0;
}

static uint64_t err_count(struct tg *g, enum pvbus_err e)
{
	struct pvbus_stats s;

	pvbus_stats(g->bus, &s);
	return s.err[e];
}

static uint32_t g2p_cons(struct fx *f)
{
	const struct mtl_ring_ctl *ctl = (const void *)tg_hva(&f->g, A(0));

	return __atomic_load_n(&ctl->cons_pos, __ATOMIC_ACQUIRE);
}

static void host_rx(struct fx *f, const void *buf, size_t n)
{
	struct tg_pipe *p = &f->g.be.pipe[0];

	p->ops->rx(p->port, buf, n);
}

static void test_tx(void **state)
{
	struct fx *f = *state;
	struct tg_pipe *p = &f->g.be.pipe[0];

	assert_int_equal(tg_pipe_write(&f->g, &f->c, 1, "hello", 5),
			 MTL_RING_OK);
	assert_int_equal(p->nsent, 5);
	assert_memory_equal(p->sent, "hello", 5);
	assert_int_equal(f->g.be.pipe[1].nsent, 0);
}

/* A guest that rings only when the ring code says so (event indices
 * under setup_small): every packet is taken without any other kick. */
static void test_tx_notified(void **state)
{
	struct fx *f = *state;
	struct tg_pipe *p = &f->g.be.pipe[0];

	for (unsigned int i = 1; i <= 40; i++) {
		tg_pipe_write(&f->g, &f->c, 1, "12345", 5);
		assert_int_equal(p->nsent, 5 * i);
	}
}

/* The backend takes 3 bytes: the rest of the record waits, and the ring
 * is not read further, until tx_ready. */
static void test_tx_partial(void **state)
{
	struct fx *f = *state;
	struct tg_pipe *p = &f->g.be.pipe[0];

	p->credit = 3;
	tg_pipe_write(&f->g, &f->c, 1, "hello", 5);
	tg_pipe_write(&f->g, &f->c, 1, "world", 5);
	assert_int_equal(p->nsent, 3);
	assert_int_equal(g2p_cons(f), 1); /* the second record untouched */
	pvbus_doorbell(f->g.bus, 1); /* no tx_ready: still waiting */
	assert_int_equal(p->nsent, 3);
	assert_int_equal(g2p_cons(f), 1);
	p->credit = 4;
	p->ops->tx_ready(p->port);
	assert_int_equal(p->nsent, 3); /* deferred to the worker */
	assert_int_equal(pvbus_run_deferred(f->g.bus), 1);
	assert_int_equal(p->nsent, 7);
	p->credit = SIZE_MAX;
	p->ops->tx_ready(p->port);
	pvbus_run_deferred(f->g.bus);
	assert_int_equal(p->nsent, 10);
	assert_memory_equal(p->sent, "helloworld", 10);
	assert_int_equal(g2p_cons(f), 2);
}

/* A guest writing faster than the host takes: its ring fills and stays
 * full; every byte arrives in order once the host takes them. */
static void test_tx_ring_full(void **state)
{
	struct fx *f = *state;
	struct tg_pipe *p = &f->g.be.pipe[0];
	uint8_t chunk[200];
	size_t written = 0;
	int r;

	p->credit = 0;
	do {
		for (size_t i = 0; i < sizeof(chunk); i++)
			chunk[i] = (uint8_t)(written + i);
		r = tg_pipe_write(&f->g, &f->c, 1, chunk, sizeof(chunk));
		if (r == MTL_RING_OK)
			written += sizeof(chunk);
	} while (r == MTL_RING_OK && written < 100000);
	assert_int_equal(r, MTL_RING_FULL);
	assert_int_equal(p->nsent, 0);
	for (int i = 0; p->nsent < written && i < 1000; i++) {
		p->credit = 333;
		p->ops->tx_ready(p->port);
		pvbus_run_deferred(f->g.bus);
	}
	assert_int_equal(p->nsent, written);
	for (size_t i = 0; i < written; i++)
		assert_int_equal(p->sent[i], (uint8_t)i);
}

static void test_rx(void **state)
{
	struct fx *f = *state;
	unsigned int irqs = f->g.irqs;
	int eof;

	assert_int_equal(f->g.be.pipe[0].granted, WINDOW);
	host_rx(f, "abc", 3);
	assert_true(f->g.irqs > irqs);
	assert_int_equal(
		tg_pipe_read(&f->g, &f->c, 1, f->out, sizeof(f->out), &eof), 3);
	assert_memory_equal(f->out, "abc", 3);
	assert_false(eof);
}

/* The host fills the whole window while the guest does not read: the
 * bus buffers it (nothing lost, nothing granted beyond), then hands it
 * over as the guest reads, granting again as its buffer empties. */
static void test_rx_flow_control(void **state)
{
	struct fx *f = *state;
	struct tg_pipe *p = &f->g.be.pipe[0];
	static uint8_t src[4 * WINDOW];
	size_t sent = 0, got = 0, granted_before;
	int eof;

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + (i >> 8));
	while (sent < p->granted) {
		size_t n = p->granted - sent < 1000 ? p->granted - sent : 1000;

		host_rx(f, src + sent, n);
		sent += n;
	}
	assert_int_equal(sent, WINDOW);
	granted_before = p->granted;
	assert_int_equal(granted_before, WINDOW); /* nothing more yet */
	/* The guest reads; the host sends whatever is granted, until
	 * four windows went through. */
	for (int i = 0; got < sizeof(src) && i < 100000; i++) {
		got += tg_pipe_read(&f->g, &f->c, 1, f->out + got,
				    sizeof(f->out) - got, &eof);
		if (sent < p->granted && sent < sizeof(src)) {
			size_t n = p->granted - sent;

			if (n > sizeof(src) - sent)
				n = sizeof(src) - sent;
			host_rx(f, src + sent, n);
			sent += n;
		}
	}
	assert_int_equal(got, sizeof(src));
	assert_memory_equal(f->out, src, sizeof(src));
	assert_true(p->granted > granted_before);
	assert_int_equal(err_count(&f->g, PVB_E_BACKEND), 0);
}

static void test_rx_beyond_grant(void **state)
{
	struct fx *f = *state;
	static uint8_t big[WINDOW + 8];
	size_t got = 0;
	int eof;

	memset(big, 'x', sizeof(big));
	host_rx(f, big, sizeof(big));
	assert_int_equal(err_count(&f->g, PVB_E_BACKEND), 1);
	for (int i = 0; i < 1000 && got < WINDOW; i++)
		got += tg_pipe_read(&f->g, &f->c, 1, f->out + got,
				    sizeof(f->out) - got, &eof);
	assert_int_equal(got, WINDOW);
}

static void test_host_closed(void **state)
{
	struct fx *f = *state;
	struct tg_pipe *p = &f->g.be.pipe[0];
	int eof;

	host_rx(f, "end", 3);
	p->ops->closed(p->port, "socket closed");
	pvbus_run_deferred(f->g.bus);
	assert_int_equal(
		tg_pipe_read(&f->g, &f->c, 1, f->out, sizeof(f->out), &eof), 3);
	assert_true(eof);
	/* Writes afterwards are consumed and discarded. */
	tg_pipe_write(&f->g, &f->c, 1, "lost", 4);
	assert_int_equal(p->nsent, 0);
	assert_int_equal(g2p_cons(f), 1);
	/* The guest closes: the host end is closed once. */
	assert_int_equal(tg_chan_msg(&f->g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_OK);
	assert_int_equal(p->closes, 1);
}

/* Everything send() took is out before the close; a record half sent
 * when the channel closes is abandoned (SPEC.md 4.3). */
static void test_close_flushes(void **state)
{
	struct fx *f = *state;
	struct tg_pipe *p = &f->g.be.pipe[0];

	tg_pipe_write(&f->g, &f->c, 1, "data", 4);
	p->credit = 2;
	tg_pipe_write(&f->g, &f->c, 1, "more", 4);
	host_rx(f, "unread", 6);
	assert_int_equal(tg_chan_msg(&f->g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_OK);
	assert_int_equal(p->closes, 1);
	assert_int_equal(p->sent_at_close, 6);
	assert_memory_equal(p->sent, "datamo", 6);
	assert_null(p->ops);
	/* A late tx_ready-driven run finds the channel closed. */
	assert_int_equal(pvbus_run_deferred(f->g.bus), 0);
}

static void test_teardown_closes(void **state)
{
	struct fx *f = *state;

	pvbus_destroy(f->g.bus);
	assert_int_equal(f->g.be.pipe[0].closes, 1);
	assert_int_equal(f->g.be.pipe[1].closes, 0);
	f->g.bus = NULL;
}

/* --- threads: two vCPUs and the control thread at once ------------------- */

#define T_TX 200000u /* guest -> host bytes */
#define T_RX 200000u /* host -> guest bytes */

struct world {
	struct tg g;
	struct tg_chan c;
	uint8_t rx[T_RX];
	size_t got;
	int stop;
};

static uint8_t pat(size_t i, int dir)
{
	return (uint8_t)(i * (dir ? 13 : 7) + (i >> 9));
}

static int timed_out(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - t0->tv_sec > 60;
}

/* vCPU 0: the guest's writer, ringing after each packet, polling when
 * its ring is full. */
static void *vcpu_writer(void *arg)
{
	struct world *w = arg;
	uint8_t chunk[700];
	size_t off = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (off < T_TX && !timed_out(&t0)) {
		size_t n = T_TX - off < sizeof(chunk) ? T_TX - off :
							1 + off % sizeof(chunk);

		for (size_t i = 0; i < n; i++)
			chunk[i] = pat(off + i, 0);
		if (tg_pipe_write(&w->g, &w->c, 1, chunk, (uint32_t)n) ==
		    MTL_RING_OK)
			off += n;
		else
			sched_yield();
	}
	return NULL;
}

/* vCPU 1: the guest's reader. */
static void *vcpu_reader(void *arg)
{
	struct world *w = arg;
	struct timespec t0;
	int eof;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (w->got < T_RX && !timed_out(&t0)) {
		size_t n = tg_pipe_read(&w->g, &w->c, 1, w->rx + w->got,
					T_RX - w->got, &eof);

		w->got += n;
		if (!n)
			sched_yield();
	}
	return NULL;
}

/* The control thread: host bytes within the grant, credit in steps. */
static void *host_thread(void *arg)
{
	struct world *w = arg;
	struct pipe_backend *be = &w->g.be;
	struct tg_pipe *p = &be->pipe[0];
	static uint8_t buf[3000];
	size_t sent = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) &&
	       !timed_out(&t0)) {
		size_t n;

		pthread_mutex_lock(&be->lock);
		n = p->granted - p->delivered;
		if (n > sizeof(buf))
			n = sizeof(buf);
		if (n > T_RX - sent)
			n = T_RX - sent;
		p->delivered += n;
		p->credit += 4000;
		pthread_mutex_unlock(&be->lock);
		for (size_t i = 0; i < n; i++)
			buf[i] = pat(sent + i, 1);
		if (n)
			p->ops->rx(p->port, buf, n);
		sent += n;
		p->ops->tx_ready(p->port);
		sched_yield();
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct tg_pipe *p;
	pthread_t t[3];

	(void)state;
	assert_non_null(w);
	tg_init_worker(&w->g, pipes);
	p = &w->g.be.pipe[0];
	assert_int_equal(tg_negotiate(&w->g, MTL_F_EVENT_IDX, NULL),
			 MTL_STATUS_OK);
	assert_int_equal(tg_open(&w->g, &w->c, 1, A(0), A(1), 4, 512),
			 MTL_STATUS_OK);
	p->credit = 0;
	assert_int_equal(pthread_create(&t[0], NULL, vcpu_writer, w), 0);
	assert_int_equal(pthread_create(&t[1], NULL, vcpu_reader, w), 0);
	assert_int_equal(pthread_create(&t[2], NULL, host_thread, w), 0);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	/* The last bytes may still wait for credit. */
	for (int i = 0; i < 6000; i++) {
		pthread_mutex_lock(&w->g.be.lock);
		if (p->nsent == T_TX)
			i = 6000;
		pthread_mutex_unlock(&w->g.be.lock);
		usleep(10000);
	}
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	pthread_join(t[2], NULL);
	assert_int_equal(w->got, T_RX);
	for (size_t i = 0; i < T_RX; i++)
		if (w->rx[i] != pat(i, 1))
			fail_msg("rx byte %zu wrong", i);
	pthread_mutex_lock(&w->g.be.lock);
	assert_int_equal(p->nsent, T_TX);
	pthread_mutex_unlock(&w->g.be.lock);
	for (size_t i = 0; i < T_TX; i++)
		if (p->sent[i] != pat(i, 0))
			fail_msg("tx byte %zu wrong", i);
	assert_int_equal(tg_chan_msg(&w->g, MTL_MSG_CLOSE_CHANNEL, 1),
			 MTL_STATUS_OK);
	tg_fini(&w->g);
	free(w);
}

/* Close, reset and reopen while a vCPU hammers the doorbells and the host
 * end calls back: nothing is sent or granted on a closed pipe (the fake
 * aborts), nothing deadlocks. */
struct churn {
	struct tg g;
	int stop;
};

static void *churn_vcpu(void *arg)
{
	struct churn *c = arg;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		pvbus_doorbell(c->g.bus, 1);
		pvbus_doorbell(c->g.bus, 0);
	}
	return NULL;
}

static void *churn_host(void *arg)
{
	struct churn *c = arg;
	unsigned int i = 0;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		tg_host_call(&c->g.be, 0, 0, 1000);
		tg_host_call(&c->g.be, 0, 1, 100);
		if (++i % 97 == 0)
			tg_host_call(&c->g.be, 0, 2, 0);
		sched_yield();
	}
	return NULL;
}

static void test_threads_close(void **state)
{
	struct churn *c = calloc(1, sizeof(*c));
	struct tg_chan ch;
	pthread_t t[2];

	(void)state;
	assert_non_null(c);
	tg_init_worker(&c->g, pipes);
	assert_int_equal(tg_negotiate(&c->g, MTL_F_CHANNEL_RESET, NULL),
			 MTL_STATUS_OK);
	assert_int_equal(pthread_create(&t[0], NULL, churn_vcpu, c), 0);
	assert_int_equal(pthread_create(&t[1], NULL, churn_host, c), 0);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(tg_open(&c->g, &ch, 1, A(0), A(1), 4, 512),
				 MTL_STATUS_OK);
		tg_pipe_write(&c->g, &ch, 1, "abcdefgh", 8);
		if (i % 3 == 0)
			assert_int_equal(
				tg_chan_msg(&c->g, MTL_MSG_RESET_CHANNEL, 1),
				MTL_STATUS_OK);
		assert_int_equal(tg_chan_msg(&c->g, MTL_MSG_CLOSE_CHANNEL, 1),
				 MTL_STATUS_OK);
	}
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	assert_int_equal(c->g.be.pipe[0].opens, 400);
	assert_int_equal(c->g.be.pipe[0].closes, 400);
	tg_fini(&c->g);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define S(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)
		T(test_tx),
		T(test_tx_notified),
		S(test_tx_notified),
		T(test_tx_partial),
		T(test_tx_ring_full),
		S(test_tx_partial),
		T(test_rx),
		S(test_rx),
		T(test_rx_flow_control),
		S(test_rx_flow_control),
		T(test_rx_beyond_grant),
		T(test_host_closed),
		S(test_host_closed),
		T(test_close_flushes),
		T(test_teardown_closes),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_threads_close),
#undef T
#undef S
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
