/* SPDX-License-Identifier: MIT */
/*
 * The guest's emulated devices, each one file behind one struct io_ops (its
 * ports and handlers): COM1 (serial.c: the 16550 UART on the host console,
 * IRQ 4), the ACPI power-management block (pm.c: sleep control/status,
 * reset), the keyboard controller's reset line (i8042.c) and the panic
 * notification port (pvpanic.c). The
 * host-notification device is hostnotify.h; machine_devs.c puts them all
 * on the machine's bus from one table.
 */
#ifndef MANTLE_VMM_DEVICES_H
#define MANTLE_VMM_DEVICES_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "iobus.h"
#include "uart.h"

#define COM1_PORT 0x3F8
#define COM1_GSI 4
#define I8042_CMD_PORT 0x64
#define I8042_CMD_RESET 0xFE
/* The pvpanic ISA port and its event bits (Linux's uapi misc/pvpanic.h). */
#define PVPANIC_PORT 0x505
#define PVPANIC_PANICKED (1u << 0)
#define PVPANIC_CRASH_LOADED (1u << 1)
#define PVPANIC_EVENTS (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

struct host;

struct serial {
	pthread_mutex_t lock;
	struct uart uart;
	struct host *host;
	/* Raise/lower the interrupt line (platform irq_line). */
	int (*irq_line)(void *ctx, unsigned int gsi, int level);
	void *irq_ctx;
	uint8_t buf[256]; /* console output, flushed per line */
	size_t len;
};

void serial_init(struct serial *s, struct host *host,
		 int (*irq_line)(void *, unsigned int, int), void *irq_ctx);
void serial_destroy(struct serial *s);
/* State on the bus: the struct serial. */
extern const struct io_ops serial_io_ops;
void serial_flush(struct serial *s);

enum pm_request {
	PM_POWEROFF,
	PM_RESET,
	PM_GUEST_PANIC, /* the guest kernel said it panicked (pvpanic) */
};

struct pm {
	void (*request)(void *ctx, enum pm_request req);
	void *ctx;
};

/* The power devices' and pvpanic's state on the bus is the struct pm. */
extern const struct io_ops pm_io_ops;
extern const struct io_ops i8042_io_ops;
extern const struct io_ops pvpanic_io_ops;

#endif
