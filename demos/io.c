// SPDX-License-Identifier: GPL-2.0
/*
 * io - a serial-port driver, as small as they come: program the 16550A
 * UART at 0x3f8 (COM1), then send a line, polling the line status register
 * before each byte as a real driver does. Every IN and OUT is a VM exit
 * that tvmmctl's UART model (userspace-ctl/devices/uart.c) completes.
 */
#include "demos/rt.h"

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding register */
#define UART_DLL	0	/* divisor latch, low byte (DLAB = 1) */
#define UART_DLM	1	/* divisor latch, high byte (DLAB = 1) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_SCR	7	/* scratch */
#define UART_LCR_DLAB	0x80
#define UART_LCR_8N1	0x03
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE	0x20

#define TEXT		"Hi!\n"

void demo_main(__u64 arg)
{
	const char *p;
	__u64 t, polls = 0;
	__u8 scr;

	demo_begin("program the UART: 115200 baud, 8N1");
	port_out8(COM1 + UART_LCR, UART_LCR_DLAB);
	port_out8(COM1 + UART_DLL, 1);		/* 115200 / 1 */
	port_out8(COM1 + UART_DLM, 0);
	port_out8(COM1 + UART_LCR, UART_LCR_8N1);
	port_out8(COM1 + UART_MCR, UART_MCR_DTR_RTS);
	demo_fact("outs", 5);
	demo_end();

	demo_begin("send \"Hi!\\n\", polling LSR before each byte");
	t = rdtsc();
	for (p = TEXT; *p; p++) {
		do {
			polls++;
		} while (!(port_in8(COM1 + UART_LSR) & UART_LSR_THRE));
		port_out8(COM1 + UART_THR, *p);
	}
	t = rdtsc() - t;
	demo_fact("bytes", sizeof(TEXT) - 1);
	demo_fact("lsr_polls", polls);
	demo_fact("cycles", t);
	demo_end();

	demo_begin("write the scratch register, read it back");
	port_out8(COM1 + UART_SCR, 0x5a);
	scr = port_in8(COM1 + UART_SCR);
	demo_fact_hex("scratch_read", scr);
	demo_end();
}
