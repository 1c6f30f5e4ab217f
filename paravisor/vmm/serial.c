// SPDX-License-Identifier: MIT
/* COM1: the UART model on the I/O bus, its output on the host console. */
#include "devices.h"
#include "host.h"

#include <string.h>

static void serial_flush_locked(struct serial *s)
{
	if (s->len) {
		host_console_write(s->host, s->buf, s->len);
		s->len = 0;
	}
}

static void serial_tx(void *opaque, uint8_t byte)
{
	struct serial *s = opaque;

	s->buf[s->len++] = byte;
	if (byte == '\n' || s->len == sizeof(s->buf))
		serial_flush_locked(s);
}

static void serial_irq(void *opaque, int level)
{
	struct serial *s = opaque;

	s->irq_line(s->irq_ctx, COM1_GSI, level);
}

void serial_init(struct serial *s, struct host *host,
		 int (*irq_line)(void *, unsigned int, int), void *irq_ctx)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->host = host;
	s->irq_line = irq_line;
	s->irq_ctx = irq_ctx;
	uart_init(&s->uart, serial_irq, serial_tx, s);
}

void serial_destroy(struct serial *s)
{
	serial_flush(s);
	pthread_mutex_destroy(&s->lock);
}

void serial_flush(struct serial *s)
{
	pthread_mutex_lock(&s->lock);
	serial_flush_locked(s);
	pthread_mutex_unlock(&s->lock);
}

/* Wider accesses touch consecutive registers, as on a real 8-bit bus. */
static void serial_read(void *priv, uint16_t off, uint8_t *data,
			unsigned int size)
{
	struct serial *s = priv;

	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < size; i++)
		data[i] = uart_read(&s->uart, (off + i) & 7);
	pthread_mutex_unlock(&s->lock);
}

static void serial_write(void *priv, uint16_t off, const uint8_t *data,
			 unsigned int size)
{
	struct serial *s = priv;

	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < size; i++)
		uart_write(&s->uart, (off + i) & 7, data[i]);
	pthread_mutex_unlock(&s->lock);
}

const struct io_ops serial_io_ops = {
	.name = "com1",
	.base = COM1_PORT,
	.len = 8,
	.read = serial_read,
	.write = serial_write,
};
