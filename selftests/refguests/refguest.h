/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refguest.h - what the reference guests share: port I/O, COM1 output,
 * isa-debug-exit and QEMU's fw_cfg. They run on bare (virtual) hardware,
 * built freestanding: the multiboot kernels as 32-bit code, the boot
 * sector as 16-bit code (gcc -m16), so nothing here may need a library.
 */
#ifndef REFGUEST_H
#define REFGUEST_H

#define COM1			0x3f8
#define UART_LSR		5
#define UART_LSR_THRE		0x20

#define DEBUG_EXIT_PORT		0xf4

/* QEMU's fw_cfg: docs/specs/fw_cfg.txt in QEMU. */
#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15

#ifndef __ASSEMBLER__
#include <stdnoreturn.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

static inline void io_write8(u16 port, u8 val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline void io_write16(u16 port, u16 val)
{
	asm volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline u8 io_read8(u16 port)
{
	u8 val;

	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/* Ends the run: QEMU and tvmmctl exit with status (code << 1) | 1. */
static inline noreturn void debug_exit(u8 code)
{
	io_write8(DEBUG_EXIT_PORT, code);
	for (;;)
		asm volatile("cli; hlt");
}

static inline void fw_cfg_select(u16 key)
{
	io_write16(FW_CFG_PORT_SEL, key);
}

static inline u8 fw_cfg_byte(void)
{
	return io_read8(FW_CFG_PORT_DATA);
}

void putc(char c);
void puts(const char *s);
void put_hex(u32 val, int digits);
void put_dec(u32 val);
/*
 * The first four bytes of fw_cfg item @key, little-endian. Bytes past
 * the end of a shorter item read as 0 (QEMU's rule), so this reads
 * 16-bit items too.
 */
u32 fw_cfg_u32(u16 key);
#endif /* __ASSEMBLER__ */

#endif /* REFGUEST_H */
