// SPDX-License-Identifier: MIT
#include "iobus.h"

#include <string.h>

void iobus_init(struct iobus *b)
{
	memset(b, 0, sizeof(*b));
}

int iobus_add(struct iobus *b, const struct io_ops *ops, void *priv)
{
	uint32_t end = (uint32_t)ops->base + ops->len;

	if (b->n == IOBUS_MAX_DEVS || ops->len == 0 || end > 0x10000)
		return -1;
	for (unsigned int i = 0; i < b->n; i++) {
		const struct io_ops *o = b->devs[i].ops;

		if (ops->base < (uint32_t)o->base + o->len && o->base < end)
			return -1;
	}
	b->devs[b->n++] = (struct io_dev){ ops, priv };
	return 0;
}

int iobus_access(struct iobus *b, uint16_t port, int is_write, uint8_t *data,
		 unsigned int size)
{
	for (unsigned int i = 0; i < b->n; i++) {
		const struct io_ops *d = b->devs[i].ops;
		void *priv = b->devs[i].priv;
		uint16_t off = (uint16_t)(port - d->base);

		if (port < d->base || off >= d->len)
			continue;
		if (is_write) {
			if (d->write)
				d->write(priv, off, data, size);
		} else if (d->read) {
			d->read(priv, off, data, size);
		} else {
			memset(data, 0xFF, size);
		}
		return 0;
	}
	__atomic_add_fetch(&b->unclaimed, 1, __ATOMIC_RELAXED);
	if (!is_write)
		memset(data, 0xFF, size);
	return -1;
}
