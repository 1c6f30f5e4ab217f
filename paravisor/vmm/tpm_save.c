// SPDX-License-Identifier: MIT
/* The vTPM state's hand-off and batching window (tpm_save.h). */
#include "tpm_save.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct tpm_save {
	pthread_mutex_t lock;
	int efd;
	uint8_t *data; /* the newest state not yet written, or NULL */
	uint32_t len;
	uint64_t first, last; /* its first and last post (ms) */
	uint64_t not_before; /* after a failed write */
	bool urgent;
	struct tpm_save_counters n;
	/* The writer's own: what the VMGS holds (NULL: unknown). */
	uint8_t *saved;
	uint32_t saved_len;
};

struct tpm_save *tpm_save_new(void)
{
	struct tpm_save *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void tpm_save_free(struct tpm_save *s)
{
	if (!s)
		return;
	close(s->efd);
	free(s->data);
	free(s->saved);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int tpm_save_wake_fd(const struct tpm_save *s)
{
	return s->efd;
}

static void wake(struct tpm_save *s)
{
	uint64_t one = 1;

	if (write(s->efd, &one, sizeof(one)) < 0) {
		/* Saturated: the writer is already due to look. */
	}
}

void tpm_save_post(struct tpm_save *s, const uint8_t *data, uint32_t len,
		   uint64_t now)
{
	uint8_t *copy = malloc(len ? len : 1), *old;
	bool was_idle;

	pthread_mutex_lock(&s->lock);
	s->n.posts++;
	if (!copy) {
		s->n.dropped++;
		pthread_mutex_unlock(&s->lock);
		return;
	}
	memcpy(copy, data, len);
	old = s->data;
	was_idle = !old;
	if (old)
		s->n.coalesced++;
	else
		s->first = now;
	s->data = copy;
	s->len = len;
	s->last = now;
	pthread_mutex_unlock(&s->lock);
	free(old);
	if (was_idle)
		wake(s);
}

void tpm_save_urge(struct tpm_save *s)
{
	pthread_mutex_lock(&s->lock);
	s->urgent = true;
	pthread_mutex_unlock(&s->lock);
	wake(s);
}

/* Under the lock. */
static long due_in(const struct tpm_save *s, uint64_t now)
{
	uint64_t at;

	if (!s->data)
		return -1;
	if (s->urgent)
		return 0;
	at = s->last + TPM_SAVE_QUIET_MS;
	if (at > s->first + TPM_SAVE_MAX_DELAY_MS)
		at = s->first + TPM_SAVE_MAX_DELAY_MS;
	if (at < s->not_before)
		at = s->not_before;
	return at <= now ? 0 : (long)(at - now);
}

long tpm_save_due_in(struct tpm_save *s, uint64_t now)
{
	long r;

	pthread_mutex_lock(&s->lock);
	r = due_in(s, now);
	pthread_mutex_unlock(&s->lock);
	return r;
}

int tpm_save_set_saved(struct tpm_save *s, const uint8_t *data, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return -1;
	memcpy(copy, data, len);
	free(s->saved);
	s->saved = copy;
	s->saved_len = len;
	return 0;
}

/* Under the lock: takes the pending state if due. */
static uint8_t *take_due(struct tpm_save *s, uint64_t now, bool force,
			 uint32_t *len)
{
	uint8_t *d = s->data;

	if (!d || (!force && due_in(s, now) != 0))
		return NULL;
	*len = s->len;
	s->data = NULL;
	s->urgent = false;
	return d;
}

int tpm_save_take(struct tpm_save *s, uint64_t now, bool force, uint8_t **data,
		  uint32_t *len)
{
	uint8_t *d;
	uint64_t v;

	if (read(s->efd, &v, sizeof(v)) < 0) {
		/* Nothing posted since the last look. */
	}
	pthread_mutex_lock(&s->lock);
	d = take_due(s, now, force, len);
	if (d && s->saved && *len == s->saved_len &&
	    !memcmp(d, s->saved, *len)) {
		s->n.unchanged++;
		free(d);
		d = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	*data = d;
	return d != NULL;
}

void tpm_save_done(struct tpm_save *s, uint8_t *data, uint32_t len, bool ok,
		   uint64_t now)
{
	pthread_mutex_lock(&s->lock);
	if (ok) {
		s->n.writes++;
		s->not_before = 0;
		free(s->saved);
		s->saved = data;
		s->saved_len = len;
		data = NULL;
	} else {
		s->n.failures++;
		s->not_before = now + TPM_SAVE_RETRY_MS;
		if (!s->data) { /* else a newer one replaces it */
			s->data = data;
			s->len = len;
			s->first = s->last = now;
			data = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	free(data);
}

bool tpm_save_idle(struct tpm_save *s)
{
	bool r;

	pthread_mutex_lock(&s->lock);
	r = !s->data;
	pthread_mutex_unlock(&s->lock);
	return r;
}

void tpm_save_counters(struct tpm_save *s, struct tpm_save_counters *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->n;
	pthread_mutex_unlock(&s->lock);
}
