/* SPDX-License-Identifier: MIT */
/*
 * Port I/O dispatch: each device model is one static struct io_ops (its
 * port range and handlers, in the manner of kvmtool's ioport operations),
 * put on the bus with its state. Registered once at set-up, read-only while
 * vCPUs run, so dispatch takes no lock (devices lock themselves).
 */
#ifndef MANTLE_VMM_IOBUS_H
#define MANTLE_VMM_IOBUS_H

#include <stdint.h>

#define IOBUS_MAX_DEVS 16

struct io_ops {
	const char *name;
	uint16_t base;
	uint16_t len;
	/* size is 1, 2 or 4; off is relative to base. */
	void (*read)(void *priv, uint16_t off, uint8_t *data,
		     unsigned int size);
	void (*write)(void *priv, uint16_t off, const uint8_t *data,
		      unsigned int size);
};

struct io_dev {
	const struct io_ops *ops;
	void *priv; /* the device's state, passed to its handlers */
};

struct iobus {
	struct io_dev devs[IOBUS_MAX_DEVS];
	unsigned int n;
	uint64_t unclaimed; /* accesses no device claimed (atomic) */
};

void iobus_init(struct iobus *b);
/* 0, or -1 if the range overlaps a registered one or the table is full. */
int iobus_add(struct iobus *b, const struct io_ops *ops, void *priv);
/* An access nobody claims reads as all ones, is counted and returns -1. */
int iobus_access(struct iobus *b, uint16_t port, int is_write, uint8_t *data,
		 unsigned int size);

#endif
