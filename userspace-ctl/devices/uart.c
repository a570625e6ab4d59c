// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A UART at 0x3f8 (COM1) on IRQ4. Registers and interrupts: PC16550D
 * datasheet, tables 2 to 4.
 *
 * The transmitter sends at once: what the guest writes to THR goes to
 * ctx->out, so THR and the shift register are always empty. The receiver
 * has a 16-byte FIFO (1 byte with FIFOs off) that vmm/ fills from stdin
 * with uart_rx_push(); it never overruns, as tvmmctl reads no more input
 * than there is room for, and asks for more (hooks->wake_io) when the
 * guest empties it. There is no room before the guest first reads LSR or
 * enables the receive interrupt: input waits in the pipe or terminal
 * instead of being lost to the FIFO reset of the guest's UART setup. In
 * loopback (MCR.LOOP) the transmitter feeds the receiver and MSR reflects
 * MCR, as Linux's probe expects.
 *
 * Interrupts, highest priority first, as IIR reports them: received data
 * (at the FIFO trigger level, or below it as a character timeout, which a
 * real UART raises after four character times and this one at once), then
 * THR empty (raised when the guest enables it or writes THR, cleared by
 * reading IIR while it is the one shown, or by writing THR). There are no
 * line errors and modem lines never change, so no line-status or modem
 * interrupts. The IRQ line follows "an interrupt is pending and MCR.OUT2",
 * the gate PC serial ports have.
 */
#include <errno.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "devices/state.h"

#define UART_BASE	0x3f8
#define UART_IRQ	4

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

#define UART_IER_RDI		0x01	/* received data available */
#define UART_IER_THRI		0x02	/* THR empty */
#define UART_IIR_NO_INT		0x01
#define UART_IIR_THRI		0x02
#define UART_IIR_RDI		0x04
#define UART_IIR_TIMEOUT	0x0c
#define UART_IIR_FIFO		0xc0	/* FIFOs enabled */
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_FCR_TRIGGER(f)	((f) >> 6)
#define UART_LCR_DLAB		0x80
#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08
#define UART_MCR_LOOP		0x10
#define UART_LSR_DR		0x01	/* data ready */
#define UART_LSR_THRE		0x20	/* transmit holding register empty */
#define UART_LSR_TEMT		0x40	/* transmitter empty */
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80

static unsigned int uart_fifo_size(const struct uart_state *u)
{
	return u->fcr & UART_FCR_ENABLE ? UART_FIFO_SIZE : 1;
}

static unsigned int uart_fifo_room(const struct uart_state *u)
{
	unsigned int size = uart_fifo_size(u);

	return u->rx_count < size ? size - u->rx_count : 0;
}

unsigned int uart_rx_room(const struct dev_ctx *ctx)
{
	return ctx->uart.rx_armed ? uart_fifo_room(&ctx->uart) : 0;
}

/* The guest is ready for input: let it come. */
static void uart_arm(struct dev_ctx *ctx)
{
	if (ctx->uart.rx_armed)
		return;
	ctx->uart.rx_armed = true;
	dev_wake_io(ctx);
}

/* The IIR value of the highest pending interrupt, without FIFO bits. */
static __u8 uart_iir(const struct uart_state *u)
{
	static const unsigned char trigger[] = { 1, 4, 8, 14 };

	if ((u->ier & UART_IER_RDI) && u->rx_count) {
		if ((u->fcr & UART_FCR_ENABLE) &&
		    u->rx_count < trigger[UART_FCR_TRIGGER(u->fcr)])
			return UART_IIR_TIMEOUT;
		return UART_IIR_RDI;
	}
	if ((u->ier & UART_IER_THRI) && u->thri)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

static void uart_update_irq(struct dev_ctx *ctx)
{
	struct uart_state *u = &ctx->uart;
	bool pending = uart_iir(u) != UART_IIR_NO_INT;

	dev_set_irq(ctx, UART_IRQ, pending && (u->mcr & UART_MCR_OUT2));
}

unsigned int uart_rx_push(struct dev_ctx *ctx, const __u8 *buf,
			  unsigned int len)
{
	struct uart_state *u = &ctx->uart;
	unsigned int n;

	for (n = 0; n < len && uart_fifo_room(u); n++, u->rx_count++)
		u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = buf[n];
	if (n)
		uart_update_irq(ctx);
	return n;
}

static __u8 uart_rx_pop(struct dev_ctx *ctx)
{
	struct uart_state *u = &ctx->uart;
	__u8 c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	dev_wake_io(ctx);
	return c;
}

/* In loopback, MSR's inputs are MCR's outputs (datasheet, MCR bit 4). */
static __u8 uart_msr(const struct uart_state *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	return (u->mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
	       (u->mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (u->mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
	       (u->mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

static __u32 uart_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	struct uart_state *u = &ctx->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;
	__u8 val;

	switch (port - UART_BASE) {
	case UART_RBR_THR_DLL:
		if (dlab)
			return u->dll;
		val = uart_rx_pop(ctx);
		break;
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		val = uart_iir(u);
		if (val == UART_IIR_THRI)
			u->thri = false;
		if (u->fcr & UART_FCR_ENABLE)
			val |= UART_IIR_FIFO;
		break;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		uart_arm(ctx);
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (u->rx_count ? UART_LSR_DR : 0);
	case UART_MSR:
		return uart_msr(u);
	default:
		return u->scr;
	}
	uart_update_irq(ctx);
	return val;
}

static void uart_transmit(struct dev_ctx *ctx, __u8 c)
{
	struct uart_state *u = &ctx->uart;

	if (u->mcr & UART_MCR_LOOP) {
		uart_rx_push(ctx, &c, 1);
	} else {
		fputc(c, ctx->out);
		fflush(ctx->out);
	}
	/* Sent at once: THR is empty again. */
	u->thri = true;
}

static void uart_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		     __u32 val)
{
	struct uart_state *u = &ctx->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (port - UART_BASE) {
	case UART_RBR_THR_DLL:
		if (dlab)
			u->dll = val;
		else
			uart_transmit(ctx, val);
		break;
	case UART_IER_DLM:
		if (dlab) {
			u->dlm = val;
			break;
		}
		/* Enabling the THR-empty interrupt with THR empty raises it. */
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri = true;
		if (val & UART_IER_RDI)
			uart_arm(ctx);
		u->ier = val & 0x0f;
		break;
	case UART_IIR_FCR:
		if ((val ^ u->fcr) & UART_FCR_ENABLE || val & UART_FCR_CLEAR_RX) {
			u->rx_count = 0;
			u->rx_head = 0;
			dev_wake_io(ctx);
		}
		u->fcr = val & 0xc1;
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
	default:	/* LSR, MSR: nothing to keep */
		break;
	}
	uart_update_irq(ctx);
}

/* By offset and direction, DLAB = 0 (the divisor latch is set once). */
static const char *uart_reg_name(__u64 off, bool write)
{
	static const char *const in[8] = {
		"RBR", "IER", "IIR", "LCR", "MCR", "LSR", "MSR", "SCR",
	};
	static const char *const out[8] = {
		"THR", "IER", "FCR", "LCR", "MCR", "LSR", "MSR", "SCR",
	};

	return off < 8 ? (write ? out : in)[off] : NULL;
}

const struct io_dev uart_dev = {
	.name		= "uart-16550a",
	.base		= UART_BASE,
	.len		= 8,
	.in		= uart_in,
	.out		= uart_out,
	.reg_name	= uart_reg_name,
};

/* ---- snapshots (state.h) ----------------------------------------------- */

static const struct dev_field uart_fields[] = {
	DEV_FIELD(struct uart_state, ier, DF_U8),
	DEV_FIELD(struct uart_state, lcr, DF_U8),
	DEV_FIELD(struct uart_state, mcr, DF_U8),
	DEV_FIELD(struct uart_state, scr, DF_U8),
	DEV_FIELD(struct uart_state, dll, DF_U8),
	DEV_FIELD(struct uart_state, dlm, DF_U8),
	DEV_FIELD(struct uart_state, fcr, DF_U8),
	DEV_FIELD(struct uart_state, thri, DF_BOOL),
	DEV_FIELD(struct uart_state, rx_armed, DF_BOOL),
	DEV_FIELD_ARRAY(struct uart_state, rx, DF_U8, UART_FIFO_SIZE),
	DEV_FIELD(struct uart_state, rx_head, DF_U32),
	DEV_FIELD(struct uart_state, rx_count, DF_U32),
};

int uart_state_save(const struct dev_ctx *ctx, unsigned int id,
		    struct dev_state_buf *b, const struct dev_clock *clk)
{
	return dev_state_put(b, &ctx->uart, uart_fields,
			     ARRAY_SIZE(uart_fields), clk);
}

int uart_state_load(struct dev_ctx *ctx, unsigned int id,
		    struct dev_state_in *in, const struct dev_clock *clk)
{
	struct uart_state u = { 0 };

	if (dev_state_get_all(in, &u, uart_fields, ARRAY_SIZE(uart_fields),
			      clk) ||
	    u.rx_head >= UART_FIFO_SIZE || u.rx_count > UART_FIFO_SIZE)
		return -EINVAL;
	ctx->uart = u;
	return 0;
}
