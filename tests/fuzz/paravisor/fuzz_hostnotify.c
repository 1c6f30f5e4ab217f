// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the host-notification device under an arbitrary mix of guest
 * port accesses (the guest is not trusted) and host events (nor is the
 * host). Input: 4-byte records (op, offset, size, source); invariants: the
 * line is high exactly while notifications are pending, and every event is
 * counted exactly once.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hostnotify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int level;

static int on_line(void *ctx, unsigned int gsi, int l)
{
	(void)ctx;
	if (gsi != HOSTNOTIFY_GSI || l == level) /* changes only */
		abort();
	level = l;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int sizes[4] = { 1, 2, 4, 4 };
	struct hostnotify h;
	struct hostnotify_counters c;
	const struct io_ops *d = &hostnotify_io_ops;
	uint64_t events = 0;

	level = 0;
	hostnotify_init(&h, 1, 0);
	for (size_t i = 0; i + 4 <= size; i += 4) {
		uint8_t op = data[i], off = data[i + 1] % HOSTNOTIFY_PORTS;
		uint8_t buf[4] = { data[i + 2], data[i + 3], 0, 0 };
		unsigned int sz = sizes[data[i + 2] & 3];

		switch (op & 7) {
		case 0:
			d->read(&h, off, buf, sz);
			break;
		case 1:
			d->write(&h, off, buf, sz);
			break;
		case 2:
			hostnotify_detach(&h);
			level = 0; /* the machine and its line are gone */
			break;
		case 3:
			hostnotify_attach(&h, on_line, NULL);
			level = 0;
			break;
		default:
			hostnotify_event(&h, data[i + 3] & 1, data[i + 3] >> 7);
			events++;
			break;
		}
		hostnotify_counters(&h, &c);
		if (c.received != events ||
		    c.foreign + c.no_guest + c.injected + c.coalesced !=
			    c.received)
			abort();
		if (h.irq_line && level != (h.pending != 0))
			abort();
	}
	pthread_mutex_destroy(&h.lock);
	return 0;
}
