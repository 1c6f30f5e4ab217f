// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the 16550 model under arbitrary guest register accesses (the
 * guest is not trusted by the paravisor). Input: triples of (op, reg, value);
 * op bit 0 chooses read/write (loopback mode feeds the receive FIFO).
 */
#include <stdint.h>
#include <stdlib.h>

#include "uart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int level;

static void on_irq(void *opaque, int l)
{
	(void)opaque;
	if (l == level) /* the model reports changes only */
		abort();
	level = l;
}

static void on_tx(void *opaque, uint8_t b)
{
	(void)opaque;
	(void)b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uart u;

	level = 0;
	uart_init(&u, on_irq, on_tx, NULL);
	for (size_t i = 0; i + 3 <= size; i += 3) {
		uint8_t op = data[i], reg = data[i + 1], val = data[i + 2];

		if (op & 1)
			uart_write(&u, reg, val);
		else
			(void)uart_read(&u, reg);
		if (u.rx_count > UART_FIFO || u.rx_head >= UART_FIFO ||
		    u.irq_level != level)
			abort();
		/* An asserted line always has a source IIR can name. */
		if (level && (u.mcr & UART_MCR_LOOP))
			abort();
	}
	return 0;
}
