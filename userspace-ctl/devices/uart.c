// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART at 0x3f8 (COM1), output only: what the guest writes to the
 * transmitter goes to ctx->out at once, so the transmitter is always empty.
 * The receiver never has data. Registers: PC16550D datasheet, table 2.
 */
#include "devices/devices.h"

#define UART_BASE	0x3f8

enum {
	UART_RBR_THR_DLL	= 0,	/* DLL when LCR.DLAB */
	UART_IER_DLM		= 1,	/* DLM when LCR.DLAB */
	UART_IIR_FCR		= 2,
	UART_LCR		= 3,
	UART_MCR		= 4,
	UART_LSR		= 5,
	UART_MSR		= 6,
	UART_SCR		= 7,
};

#define UART_LCR_DLAB		0x80
#define UART_LSR_THRE		0x20	/* transmit holding register empty */
#define UART_LSR_TEMT		0x40	/* transmitter empty */
#define UART_IIR_NO_INT		0x01
#define UART_IIR_FIFO		0xc0	/* FIFOs enabled, as a 16550A says */
#define UART_MCR_LOOP		0x10
#define UART_MSR_CTS_DSR_DCD	0xb0	/* a terminal is connected */

static __u32 uart_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	struct uart_state *u = &ctx->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (port - UART_BASE) {
	case UART_RBR_THR_DLL:
		return dlab ? u->dll : 0;
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		return UART_IIR_FIFO | UART_IIR_NO_INT;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT;
	case UART_MSR:
		return u->mcr & UART_MCR_LOOP ? 0 : UART_MSR_CTS_DSR_DCD;
	default:
		return u->scr;
	}
}

static void uart_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		     __u32 val)
{
	struct uart_state *u = &ctx->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (port - UART_BASE) {
	case UART_RBR_THR_DLL:
		if (dlab) {
			u->dll = val;
		} else if (!(u->mcr & UART_MCR_LOOP)) {
			fputc(val & 0xff, ctx->out);
			fflush(ctx->out);
		}
		break;
	case UART_IER_DLM:
		if (dlab)
			u->dlm = val;
		else
			u->ier = val & 0x0f;
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1f;
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:	/* FCR, LSR, MSR: nothing to keep */
		break;
	}
}

const struct io_dev uart_dev = {
	.name	= "uart-16550a",
	.base	= UART_BASE,
	.len	= 8,
	.in	= uart_in,
	.out	= uart_out,
};
