/* SPDX-License-Identifier: MIT */
/*
 * MMIO dispatch, the twin of iobus.h for memory-mapped devices: each one is
 * a static struct mmio_ops (its guest-physical range and handlers) put on
 * the bus with its state. Registered once at set-up, read-only while vCPUs
 * run, so dispatch takes no lock (devices lock themselves).
 */
#ifndef MANTLE_VMM_MMIOBUS_H
#define MANTLE_VMM_MMIOBUS_H

#include <stdint.h>

#define MMIOBUS_MAX_DEVS 8

struct mmio_ops {
	const char *name;
	uint64_t base;
	uint64_t len;
	/* len is 1..8 (a KVM MMIO exit); off is relative to base, and
	 * off + len may run past the range: the handler bounds it. */
	void (*read)(void *priv, uint64_t off, uint8_t *data, unsigned int len);
	void (*write)(void *priv, uint64_t off, const uint8_t *data,
		      unsigned int len);
};

struct mmio_dev {
	const struct mmio_ops *ops;
	void *priv;
};

struct mmiobus {
	struct mmio_dev devs[MMIOBUS_MAX_DEVS];
	unsigned int n;
};

void mmiobus_init(struct mmiobus *b);
/* 0, or -1 if the range overlaps a registered one or the table is full. */
int mmiobus_add(struct mmiobus *b, const struct mmio_ops *ops, void *priv);
/* 0 if a device claims addr; -1 if none does (nothing done: the caller
 * floats reads high and counts). */
int mmiobus_access(struct mmiobus *b, uint64_t addr, int is_write,
		   uint8_t *data, unsigned int len);

#endif
