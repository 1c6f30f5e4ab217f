// SPDX-License-Identifier: MIT
#include "mmiobus.h"

#include <string.h>

void mmiobus_init(struct mmiobus *b)
{
	memset(b, 0, sizeof(*b));
}

int mmiobus_add(struct mmiobus *b, const struct mmio_ops *ops, void *priv)
{
	uint64_t end = ops->base + ops->len;

	if (b->n == MMIOBUS_MAX_DEVS || ops->len == 0 || end < ops->base)
		return -1;
	for (unsigned int i = 0; i < b->n; i++) {
		const struct mmio_ops *o = b->devs[i].ops;

		if (ops->base < o->base + o->len && o->base < end)
			return -1;
	}
	b->devs[b->n++] = (struct mmio_dev){ ops, priv };
	return 0;
}

int mmiobus_access(struct mmiobus *b, uint64_t addr, int is_write,
		   uint8_t *data, unsigned int len)
{
	for (unsigned int i = 0; i < b->n; i++) {
		const struct mmio_ops *d = b->devs[i].ops;
		void *priv = b->devs[i].priv;

		if (addr < d->base || addr - d->base >= d->len)
			continue;
		if (is_write) {
			if (d->write)
				d->write(priv, addr - d->base, data, len);
		} else if (d->read) {
			d->read(priv, addr - d->base, data, len);
		} else {
			memset(data, 0xFF, len);
		}
		return 0;
	}
	return -1;
}
