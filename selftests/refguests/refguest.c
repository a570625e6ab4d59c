// SPDX-License-Identifier: GPL-2.0
/*
 * refguest.c - COM1 output and fw_cfg reads for the reference guests.
 * Small on purpose: the boot sector holds it in 512 bytes.
 */
#include "refguest.h"

void putc(char c)
{
	/* Both QEMU's 16550A and tvmmctl's report the transmitter empty. */
	while (!(io_read8(COM1 + UART_LSR) & UART_LSR_THRE))
		;
	io_write8(COM1, c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

void put_hex(u32 val, int digits)
{
	u32 d;

	while (digits--) {
		d = (val >> (digits * 4)) & 0xf;
		putc(d < 10 ? '0' + d : 'a' - 10 + d);
	}
}

void put_dec(u32 val)
{
	char buf[10];
	int n = 0;

	do {
		buf[n++] = '0' + val % 10;
		val /= 10;
	} while (val);
	while (n)
		putc(buf[--n]);
}

u32 fw_cfg_u32(u16 key)
{
	u32 val = 0;
	int i;

	fw_cfg_select(key);
	for (i = 0; i < 4; i++)
		val = val >> 8 | (u32)fw_cfg_byte() << 24;
	return val;
}
