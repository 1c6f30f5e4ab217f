// SPDX-License-Identifier: MIT
/*
 * 16550A behaviour the Linux 8250 driver relies on: the THRE interrupt is
 * raised when the transmitter empties or when ETBEI is enabled while it is
 * empty, and cleared by reading IIR or writing THR; loopback mode reflects
 * MCR into MSR and turns transmitted bytes around; IIR shows the FIFO bits.
 * Transmission is instantaneous, so THR is always empty after a write.
 */
#include "uart.h"

#include <string.h>

static uint8_t iir_source(const struct uart *u)
{
	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_OE))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thri_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & 0x0F))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct uart *u)
{
	int level = iir_source(u) != UART_IIR_NO_INT;

	/* In loopback mode the interrupt output is disconnected; OUT2 gates
	 * it on a PC. Linux sets OUT2 when it wants interrupts. */
	if ((u->mcr & UART_MCR_LOOP) || !(u->mcr & UART_MCR_OUT2))
		level = 0;
	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->irq)
			u->irq(u->opaque, level);
	}
}

void uart_init(struct uart *u, void (*irq)(void *, int),
	       void (*tx)(void *, uint8_t), void *opaque)
{
	memset(u, 0, sizeof(*u));
	u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	u->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	u->dll = 12; /* 9600 baud */
	u->irq = irq;
	u->tx = tx;
	u->opaque = opaque;
}

static void rx_push(struct uart *u, uint8_t byte)
{
	if (u->rx_count == UART_FIFO) {
		u->lsr |= UART_LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO] = byte;
	u->rx_count++;
	u->lsr |= UART_LSR_DR;
}

/* Modem status in loopback: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2, with the
 * delta bits tracking changes. */
static void loop_msr(struct uart *u)
{
	uint8_t m = u->mcr, old = u->msr, v = 0;

	if (m & UART_MCR_RTS)
		v |= UART_MSR_CTS;
	if (m & UART_MCR_DTR)
		v |= UART_MSR_DSR;
	if (m & UART_MCR_OUT1)
		v |= UART_MSR_RI;
	if (m & UART_MCR_OUT2)
		v |= UART_MSR_DCD;
	if ((v ^ old) & UART_MSR_CTS)
		v |= UART_MSR_DCTS;
	if ((v ^ old) & UART_MSR_DSR)
		v |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(v & UART_MSR_RI))
		v |= UART_MSR_TERI;
	if ((v ^ old) & UART_MSR_DCD)
		v |= UART_MSR_DDCD;
	u->msr = v | (old & 0x0F);
}

uint8_t uart_read(struct uart *u, unsigned int reg)
{
	uint8_t v = 0xFF;

	switch (reg & 7) {
	case UART_RBR:
		if (u->lcr & UART_LCR_DLAB) {
			v = u->dll;
			break;
		}
		v = 0;
		if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_FIFO;
			if (--u->rx_count == 0)
				u->lsr &= (uint8_t)~UART_LSR_DR;
		}
		break;
	case UART_IER:
		v = (u->lcr & UART_LCR_DLAB) ? u->dlm : u->ier;
		break;
	case UART_IIR:
		v = iir_source(u);
		if (v == UART_IIR_THRI)
			u->thri_pending = 0;
		if (u->fcr & UART_FCR_ENABLE)
			v |= UART_IIR_FIFO;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = u->lsr;
		u->lsr &= (uint8_t)~UART_LSR_OE; /* error bits clear on read */
		break;
	case UART_MSR:
		v = u->msr;
		u->msr &= 0xF0; /* delta bits clear on read */
		break;
	case UART_SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

void uart_write(struct uart *u, unsigned int reg, uint8_t val)
{
	switch (reg & 7) {
	case UART_RBR: /* THR */
		if (u->lcr & UART_LCR_DLAB) {
			u->dll = val;
			break;
		}
		if (u->mcr & UART_MCR_LOOP)
			rx_push(u, val);
		else if (u->tx)
			u->tx(u->opaque, val);
		/* Sent at once: the transmitter is empty again. */
		u->thri_pending = 1;
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->dlm = val;
			break;
		}
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri_pending = 1; /* THR is always empty here */
		u->ier = val & 0x0F;
		break;
	case UART_IIR: /* FCR */
		if (val & UART_FCR_CLEAR_RCVR) {
			u->rx_count = 0;
			u->rx_head = 0;
			u->lsr &= (uint8_t)~UART_LSR_DR;
		}
		u->fcr = val & (UART_FCR_ENABLE | 0xC0);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1F;
		if (u->mcr & UART_MCR_LOOP)
			loop_msr(u);
		else
			u->msr = (uint8_t)((u->msr & 0x0F) | UART_MSR_DCD |
					   UART_MSR_DSR | UART_MSR_CTS);
		break;
	case UART_LSR:
	case UART_MSR:
		break; /* read-only */
	case UART_SCR:
		u->scr = val;
		break;
	}
	update_irq(u);
}
