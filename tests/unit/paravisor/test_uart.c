// SPDX-License-Identifier: MIT
/* The 16550A register model as the Linux 8250 driver drives it, and the
 * port I/O bus the UART sits on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iobus.h"
#include "uart.h"

static struct uart u;
static int level, edges;
static uint8_t out[64];
static unsigned int nout;

static void on_irq(void *opaque, int l)
{
	(void)opaque;
	if (l && !level)
		edges++;
	level = l;
}

static void on_tx(void *opaque, uint8_t b)
{
	(void)opaque;
	out[nout++ % sizeof(out)] = b;
}

static int setup(void **state)
{
	(void)state;
	level = edges = 0;
	nout = 0;
	uart_init(&u, on_irq, on_tx, NULL);
	return 0;
}

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(uart_read(&u, UART_LSR),
			 UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(uart_read(&u, UART_IER), 0);
	assert_int_equal(level, 0);
}

static void test_transmit(void **state)
{
	(void)state;
	uart_write(&u, UART_RBR, 'h');
	uart_write(&u, UART_RBR, 'i');
	assert_int_equal(nout, 2);
	assert_memory_equal(out, "hi", 2);
	assert_int_equal(uart_read(&u, UART_LSR) & UART_LSR_THRE,
			 UART_LSR_THRE);
}

static void test_thre_interrupt(void **state)
{
	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	/* Enabling ETBEI with an empty THR raises the interrupt at once. */
	uart_write(&u, UART_IER, UART_IER_THRI);
	assert_int_equal(level, 1);
	assert_int_equal(edges, 1);
	/* Reading IIR with THRI as the source clears it. */
	assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_THRI);
	assert_int_equal(level, 0);
	assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_NO_INT);
	/* Sending a byte empties THR again: a new edge. */
	uart_write(&u, UART_RBR, 'x');
	assert_int_equal(level, 1);
	assert_int_equal(edges, 2);
	/* Re-enabling ETBEI re-arms it (the driver's THRE test). */
	assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_THRI);
	uart_write(&u, UART_IER, 0);
	uart_write(&u, UART_IER, UART_IER_THRI);
	assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_THRI);
	/* Disabling ETBEI drops the line. */
	uart_write(&u, UART_RBR, 'y');
	assert_int_equal(level, 1);
	uart_write(&u, UART_IER, 0);
	assert_int_equal(level, 0);
}

static void test_out2_gates_irq(void **state)
{
	(void)state;
	uart_write(&u, UART_IER, UART_IER_THRI);
	assert_int_equal(level, 0); /* OUT2 clear: output disconnected */
	assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_THRI);
}

static void test_divisor_and_scratch(void **state)
{
	(void)state;
	uart_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart_write(&u, UART_RBR, 0x01);
	uart_write(&u, UART_IER, 0x00);
	assert_int_equal(uart_read(&u, UART_RBR), 0x01);
	assert_int_equal(uart_read(&u, UART_IER), 0x00);
	uart_write(&u, UART_LCR, 0x03);
	assert_int_equal(nout, 0); /* divisor writes are not data */
	assert_int_equal(uart_read(&u, UART_LCR), 0x03);
	uart_write(&u, UART_SCR, 0x5A);
	assert_int_equal(uart_read(&u, UART_SCR), 0x5A);
}

static void test_fifo_and_loopback(void **state)
{
	(void)state;
	uart_write(&u, UART_IIR, UART_FCR_ENABLE);
	assert_int_equal(uart_read(&u, UART_IIR),
			 UART_IIR_FIFO | UART_IIR_NO_INT);
	/* The driver's loopback check: RTS|OUT2 show as CTS|DCD. */
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(uart_read(&u, UART_MSR) & 0xF0,
			 UART_MSR_CTS | UART_MSR_DCD);
	/* Bytes turn around instead of leaving. */
	uart_write(&u, UART_RBR, 'L');
	assert_int_equal(nout, 0);
	assert_true(uart_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(uart_read(&u, UART_RBR), 'L');
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	assert_int_equal(uart_read(&u, UART_MSR) & 0xF0,
			 UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
}

/* The receive FIFO, which only loopback feeds (the console has no input
 * path): 16 bytes kept in order, the 17th an overrun. */
static void test_loopback_fifo(void **state)
{
	(void)state;
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	uart_write(&u, UART_IER, UART_IER_RDI | UART_IER_RLSI);
	for (int i = 0; i < UART_FIFO; i++)
		uart_write(&u, UART_RBR, (uint8_t)i);
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_OE);
	uart_write(&u, UART_RBR, 0xEE);
	assert_int_equal(uart_read(&u, UART_IIR) & 0x0F, UART_IIR_RLSI);
	assert_true(uart_read(&u, UART_LSR) & UART_LSR_OE);
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_OE);
	assert_int_equal(uart_read(&u, UART_IIR) & 0x0F, UART_IIR_RDI);
	for (int i = 0; i < UART_FIFO; i++)
		assert_int_equal(uart_read(&u, UART_RBR), i);
	assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
	assert_int_equal(level, 0); /* loopback disconnects the line */
	assert_int_equal(nout, 0);
}

/* The I/O bus. */
static unsigned int reads, writes;
static uint16_t last_off;

static void dev_read(void *priv, uint16_t off, uint8_t *data, unsigned int n)
{
	(void)priv;
	last_off = off;
	reads++;
	memset(data, 0x42, n);
}

static void dev_write(void *priv, uint16_t off, const uint8_t *data,
		      unsigned int n)
{
	(void)priv;
	(void)data;
	(void)n;
	last_off = off;
	writes++;
}

static void test_iobus(void **state)
{
	struct iobus b;
	static const struct io_ops d = { "a", 0x3F8, 8, dev_read, dev_write };
	static const struct io_ops overlap = { "b", 0x3FF, 2, dev_read,
					       dev_write };
	static const struct io_ops wrap = { "c", 0xFFFF, 2, dev_read,
					    dev_write };
	uint8_t data[4] = { 0 };

	(void)state;
	iobus_init(&b);
	assert_int_equal(iobus_add(&b, &d, NULL), 0);
	assert_int_equal(iobus_add(&b, &overlap, NULL), -1);
	assert_int_equal(iobus_add(&b, &wrap, NULL), -1);
	iobus_access(&b, 0x3FD, 0, data, 1);
	assert_int_equal(reads, 1);
	assert_int_equal(last_off, 5);
	assert_int_equal(data[0], 0x42);
	iobus_access(&b, 0x3F8, 1, data, 1);
	assert_int_equal(writes, 1);
	/* Nobody home: all ones, counted. */
	iobus_access(&b, 0x2F8, 0, data, 4);
	assert_memory_equal(data, "\xFF\xFF\xFF\xFF", 4);
	iobus_access(&b, 0x80, 1, data, 1);
	assert_int_equal(b.unclaimed, 2);
	assert_int_equal(reads + writes, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_transmit, setup),
		cmocka_unit_test_setup(test_thre_interrupt, setup),
		cmocka_unit_test_setup(test_out2_gates_irq, setup),
		cmocka_unit_test_setup(test_divisor_and_scratch, setup),
		cmocka_unit_test_setup(test_fifo_and_loopback, setup),
		cmocka_unit_test_setup(test_loopback_fifo, setup),
		cmocka_unit_test(test_iobus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
