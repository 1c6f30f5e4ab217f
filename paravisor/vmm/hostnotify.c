// SPDX-License-Identifier: MIT
#include "hostnotify.h"
#include "log.h"

#include "mantle_bytes.h"

#include <string.h>

/* The DSDT (acpi.c, hostnotify_res) describes exactly these to the guest. */
_Static_assert(HOSTNOTIFY_PORT == 0x610 && HOSTNOTIFY_PORTS == 8 &&
		       HOSTNOTIFY_GSI == 5,
	       "update acpi.c's hostnotify_res with the device");

void hostnotify_init(struct hostnotify *h, uint32_t device, uint16_t vector)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->device = device;
	h->vector = vector;
}

void hostnotify_attach(struct hostnotify *h,
		       int (*irq_line)(void *, unsigned int, int), void *ctx)
{
	pthread_mutex_lock(&h->lock);
	h->irq_line = irq_line;
	h->irq_ctx = ctx;
	h->pending = 0; /* a new machine starts with the line low */
	pthread_mutex_unlock(&h->lock);
}

void hostnotify_detach(struct hostnotify *h)
{
	pthread_mutex_lock(&h->lock);
	h->irq_line = NULL;
	h->irq_ctx = NULL;
	h->pending = 0;
	pthread_mutex_unlock(&h->lock);
}

void hostnotify_event(void *arg, uint32_t device, uint16_t vector)
{
	struct hostnotify *h = arg;

	pthread_mutex_lock(&h->lock);
	h->n.received++;
	if (device != h->device || vector != h->vector) {
		h->n.foreign++;
	} else if (!h->irq_line) {
		h->n.no_guest++;
	} else if (h->pending) {
		if (h->pending != UINT32_MAX)
			h->pending++;
		h->n.coalesced++;
	} else {
		h->pending = 1;
		h->n.injected++;
		h->irq_line(h->irq_ctx, HOSTNOTIFY_GSI, 1);
	}
	pthread_mutex_unlock(&h->lock);
}

static void hn_read(void *priv, uint16_t off, uint8_t *data, unsigned int size)
{
	struct hostnotify *h = priv;
	uint32_t v = 0;

	pthread_mutex_lock(&h->lock);
	if (off == 0)
		v = h->pending;
	else if (off == 4)
		v = HOSTNOTIFY_ID;
	pthread_mutex_unlock(&h->lock);
	/* Only whole, aligned registers; anything else reads as zero. */
	if (size == 4)
		put_le32(data, v);
	else
		memset(data, 0, size < 4 ? size : 4);
}

static void hn_write(void *priv, uint16_t off, const uint8_t *data,
		     unsigned int size)
{
	struct hostnotify *h = priv;

	(void)data;
	(void)size;
	if (off != 0)
		return;
	pthread_mutex_lock(&h->lock);
	if (h->pending && h->irq_line)
		h->irq_line(h->irq_ctx, HOSTNOTIFY_GSI, 0);
	h->pending = 0;
	h->n.acked++;
	pthread_mutex_unlock(&h->lock);
}

const struct io_ops hostnotify_io_ops = {
	.name = "host-notify",
	.base = HOSTNOTIFY_PORT,
	.len = HOSTNOTIFY_PORTS,
	.read = hn_read,
	.write = hn_write,
};

void hostnotify_counters(struct hostnotify *h, struct hostnotify_counters *out)
{
	pthread_mutex_lock(&h->lock);
	*out = h->n;
	pthread_mutex_unlock(&h->lock);
}

void hostnotify_log(struct hostnotify *h, const char *when)
{
	struct hostnotify_counters c;

	hostnotify_counters(h, &c);
	pv_log("host-notify: received=%llu foreign=%llu no-guest=%llu "
	       "injected=%llu coalesced=%llu acked=%llu (%s)",
	       (unsigned long long)c.received, (unsigned long long)c.foreign,
	       (unsigned long long)c.no_guest, (unsigned long long)c.injected,
	       (unsigned long long)c.coalesced, (unsigned long long)c.acked,
	       when);
}
