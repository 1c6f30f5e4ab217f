/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART register model (8 registers, 16-byte FIFOs), interrupt
 * driven: it calls irq(level) whenever its interrupt output changes and
 * tx(byte) for every byte the guest transmits. No I/O, no locking: the
 * device wrapper (serial.c) serialises access.
 */
#ifndef MANTLE_VMM_UART_H
#define MANTLE_VMM_UART_H

#include <stdint.h>

#define UART_FIFO 16

/* Register offsets. */
#define UART_RBR 0 /* read: receive buffer; write: THR (DLAB=0) */
#define UART_IER 1
#define UART_IIR 2 /* read: IIR; write: FCR */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI 0x01
#define UART_IER_THRI 0x02
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08
#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_FIFO 0xC0
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_FCR_CLEAR_XMIT 0x04
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

struct uart {
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
	uint8_t dll, dlm;
	int thri_pending; /* THR-empty interrupt, cleared by reading IIR */
	uint8_t rx[UART_FIFO];
	unsigned int rx_head, rx_count;
	int irq_level;
	void (*irq)(void *opaque, int level);
	void (*tx)(void *opaque, uint8_t byte);
	void *opaque;
};

void uart_init(struct uart *u, void (*irq)(void *, int),
	       void (*tx)(void *, uint8_t), void *opaque);
uint8_t uart_read(struct uart *u, unsigned int reg);
void uart_write(struct uart *u, unsigned int reg, uint8_t val);

#endif
