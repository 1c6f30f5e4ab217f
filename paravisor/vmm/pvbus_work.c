// SPDX-License-Identifier: MIT
/*
 * Deferred work of the pv bus. Doorbells are handled on the vCPU thread
 * that rang them (lowest latency). One event has no vCPU to run on: a pipe
 * backend saying "the host has room again" (tx_ready) arrives on the
 * control channel's thread, which must not call the backend back, while
 * the guest's writer sleeps on a full ring and rings no doorbell. Such a
 * channel is queued here and its doorbell handler runs on this thread.
 */
#include "pvbus_priv.h"
#include "log.h"

#include <string.h>

void pvbus_defer(struct pvbus_chan *ch)
{
	struct pvbus *b = ch->bus;

	pthread_mutex_lock(&b->work_lock);
	ch->deferred = 1;
	pthread_cond_signal(&b->work_cond);
	pthread_mutex_unlock(&b->work_lock);
}

/* The next queued channel, or NULL. work_lock held. */
static struct pvbus_chan *take_deferred(struct pvbus *b)
{
	for (unsigned int i = 0; i < b->nchan; i++) {
		struct pvbus_chan *ch = b->chan[i];

		if (ch->deferred) {
			ch->deferred = 0;
			return ch;
		}
	}
	return NULL;
}

unsigned int pvbus_run_deferred(struct pvbus *b)
{
	unsigned int n = 0;

	for (;;) {
		struct pvbus_chan *ch;

		pthread_mutex_lock(&b->work_lock);
		ch = take_deferred(b);
		pthread_mutex_unlock(&b->work_lock);
		if (!ch)
			return n;
		ch->cls->doorbell(ch);
		n++;
	}
}

static void *worker(void *arg)
{
	struct pvbus *b = arg;

	pthread_mutex_lock(&b->work_lock);
	while (!b->worker_stop) {
		struct pvbus_chan *ch = take_deferred(b);

		if (!ch) {
			pthread_cond_wait(&b->work_cond, &b->work_lock);
			continue;
		}
		pthread_mutex_unlock(&b->work_lock);
		ch->cls->doorbell(ch);
		pthread_mutex_lock(&b->work_lock);
	}
	pthread_mutex_unlock(&b->work_lock);
	return NULL;
}

void pvbus_work_init(struct pvbus *b)
{
	pthread_mutex_init(&b->work_lock, NULL);
	pthread_cond_init(&b->work_cond, NULL);
	b->worker_stop = 0;
	b->worker_running = 0;
}

/* After every channel is added: the worker reads the channel table. */
int pvbus_work_start(struct pvbus *b)
{
	if (!b->cfg.worker)
		return 0;
	if (pthread_create(&b->worker, NULL, worker, b) != 0) {
		pv_log("pvbus: cannot start the bus worker");
		return -1;
	}
	b->worker_running = 1;
	return 0;
}

void pvbus_work_stop(struct pvbus *b)
{
	if (b->worker_running) {
		pthread_mutex_lock(&b->work_lock);
		b->worker_stop = 1;
		pthread_cond_signal(&b->work_cond);
		pthread_mutex_unlock(&b->work_lock);
		pthread_join(b->worker, NULL);
		b->worker_running = 0;
	}
	pthread_cond_destroy(&b->work_cond);
	pthread_mutex_destroy(&b->work_lock);
}
