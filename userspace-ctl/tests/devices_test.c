// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the interrupt side of devices/, driven through the port
 * and MMIO tables as a guest drives them: the 8259A pair (Linux's
 * initialization, masks, priorities, nesting, EOI, cascade, edge and
 * level, AEOI, poll, rotation), the 16550A's interrupts (IIR priorities,
 * FIFO trigger, THR empty, OUT2, loopback), the local APIC (ID, ICR:
 * INIT, STARTUP, fixed IPIs and their destinations, PPR, EOI) and the PIT
 * against a pretend clock.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kselftest.h"

#include "lib/util.h"
#include "devices/devices.h"
#include "devices_test.h"
#include "apic_test.h"
#include "check.h"

/* What the devices asked of the vCPU loop, and the pretend clock. */
static struct {
	unsigned int kicks[DEV_MAX_CPUS];
	unsigned int wake_io;
	__u64 now;
} seen;

static void test_kick(void *data, unsigned int cpu)
{
	seen.kicks[cpu]++;
}

static void test_wake_io(void *data)
{
	seen.wake_io++;
}

static __u64 test_now(void *data)
{
	return seen.now;
}

static const struct dev_hooks test_hooks = {
	.kick		= test_kick,
	.wake_io	= test_wake_io,
	.now_ns		= test_now,
};

static FILE *null_out;

static void ctx_init(struct dev_ctx *ctx, unsigned int cpus)
{
	if (!null_out)
		null_out = fopen("/dev/null", "w");
	dev_ctx_init(ctx, null_out, false);
	ctx->nr_cpus = cpus;
	ctx->hooks = &test_hooks;
	/* The PIT's OUT low: the tests raise IRQ0 themselves. */
	dev_set_irq(ctx, 0, false);
	memset(&seen, 0, sizeof(seen));
}

/* Linux's init_8259A(): vectors 0x20 and 0x28, slave on IRQ2. */
static void pic_init_linux(struct dev_ctx *ctx, __u8 icw4)
{
	io_out(ctx, 0x21, 1, 0xff);
	io_out(ctx, 0xa1, 1, 0xff);
	io_out(ctx, 0x20, 1, 0x11);	/* ICW1: edge, cascade, ICW4 */
	io_out(ctx, 0x21, 1, 0x20);	/* ICW2: vectors 0x20-0x27 */
	io_out(ctx, 0x21, 1, 0x04);	/* ICW3: slave on IR2 */
	io_out(ctx, 0x21, 1, icw4);	/* ICW4: 8086 mode */
	io_out(ctx, 0xa0, 1, 0x11);
	io_out(ctx, 0xa1, 1, 0x28);
	io_out(ctx, 0xa1, 1, 0x02);	/* ICW3: slave id 2 */
	io_out(ctx, 0xa1, 1, icw4);
	io_out(ctx, 0x21, 1, 0xfb);	/* all masked but the cascade */
	io_out(ctx, 0xa1, 1, 0xff);
}

static __u8 pic_read_isr(struct dev_ctx *ctx, __u16 port)
{
	__u8 isr;

	io_out(ctx, port, 1, 0x0b);	/* OCW3: read ISR */
	isr = io_in(ctx, port, 1);
	io_out(ctx, port, 1, 0x0a);	/* OCW3: read IRR */
	return isr;
}

/* Peek, check, acknowledge: the vector taken, or -1. */
static int take(struct dev_ctx *ctx)
{
	int vector = dev_intr_peek(ctx, 0);

	if (vector >= 0)
		dev_intr_ack(ctx, 0, vector);
	return vector;
}

bool test_pic_init_and_mask(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	int irq = -1;

	ctx_init(&ctx, 1);
	/* As a BIOS leaves it: all masked, nothing to take. */
	ok &= EXPECT(io_in(&ctx, 0x21, 1) == 0xff);
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	dev_set_irq(&ctx, 4, false);

	pic_init_linux(&ctx, 0x01);
	ok &= EXPECT(io_in(&ctx, 0x21, 1) == 0xfb);
	ok &= EXPECT(io_in(&ctx, 0xa1, 1) == 0xff);
	/* Masked: latched in IRR, not signalled. */
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(io_in(&ctx, 0x20, 1) == 0x10);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	ok &= EXPECT(seen.kicks[0] == 0);
	io_out(&ctx, 0x21, 1, 0xeb);	/* unmask IRQ4 */
	ok &= EXPECT(pic_peek(&ctx, &irq) == 0x24 && irq == 4);
	ok &= EXPECT(seen.kicks[0] > 0);
	/* Only vCPU 0 has the PIC. */
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	ok &= EXPECT(dev_intr_ack(&ctx, 0, 0x24) == 4);
	ok &= EXPECT(pic_read_isr(&ctx, 0x20) == 0x10);
	ok &= EXPECT(io_in(&ctx, 0x20, 1) == 0x00);	/* edge: IRR clear */
	/* Still high, no new edge: nothing more. */
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	io_out(&ctx, 0x20, 1, 0x20);	/* non-specific EOI */
	ok &= EXPECT(pic_read_isr(&ctx, 0x20) == 0);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* Low, then high: a new request. */
	dev_set_irq(&ctx, 4, false);
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(take(&ctx) == 0x24);
	/* A request withdrawn before INTA is gone. */
	io_out(&ctx, 0x20, 1, 0x64);	/* specific EOI, IRQ4 */
	ok &= EXPECT(pic_read_isr(&ctx, 0x20) == 0);
	dev_set_irq(&ctx, 4, false);
	dev_set_irq(&ctx, 4, true);
	dev_set_irq(&ctx, 4, false);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* ICW1 resets the edge sense: a line already high waits. */
	dev_set_irq(&ctx, 4, true);
	pic_init_linux(&ctx, 0x01);
	io_out(&ctx, 0x21, 1, 0xeb);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	return ok;
}

bool test_pic_priority_and_eoi(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	int irq;

	ctx_init(&ctx, 1);
	pic_init_linux(&ctx, 0x01);
	io_out(&ctx, 0x21, 1, 0x00);	/* everything unmasked */
	io_out(&ctx, 0xa1, 1, 0x00);
	dev_set_irq(&ctx, 5, true);
	dev_set_irq(&ctx, 3, true);
	/* IRQ3 before IRQ5: lower number, higher priority. */
	ok &= EXPECT(take(&ctx) == 0x23);
	/* IRQ5 waits while IRQ3 is in service... */
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* ...but IRQ1 nests above it. */
	dev_set_irq(&ctx, 1, true);
	ok &= EXPECT(take(&ctx) == 0x21);
	ok &= EXPECT(pic_read_isr(&ctx, 0x20) == 0x0a);
	/* Non-specific EOI ends the highest: IRQ1; IRQ5 still waits. */
	io_out(&ctx, 0x20, 1, 0x20);
	ok &= EXPECT(pic_read_isr(&ctx, 0x20) == 0x08);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	io_out(&ctx, 0x20, 1, 0x63);	/* specific EOI, IRQ3 */
	ok &= EXPECT(take(&ctx) == 0x25);
	io_out(&ctx, 0x20, 1, 0x20);

	/* The slave: IRQ12 through the master's IRQ2. */
	dev_set_irq(&ctx, 12, true);
	irq = -1;
	ok &= EXPECT(pic_peek(&ctx, &irq) == 0x2c && irq == 12);
	ok &= EXPECT(dev_intr_ack(&ctx, 0, 0x2c) == 12);
	ok &= EXPECT(pic_read_isr(&ctx, 0xa0) == 0x10);
	ok &= EXPECT(pic_read_isr(&ctx, 0x20) == 0x04);
	/* A master IRQ below IRQ2 waits for both EOIs. */
	dev_set_irq(&ctx, 6, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	io_out(&ctx, 0xa0, 1, 0x20);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	io_out(&ctx, 0x20, 1, 0x20);
	ok &= EXPECT(take(&ctx) == 0x26);
	io_out(&ctx, 0x20, 1, 0x20);
	/* Slave masked: nothing through the cascade. */
	io_out(&ctx, 0xa1, 1, 0x10);
	dev_set_irq(&ctx, 12, false);
	dev_set_irq(&ctx, 12, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);

	/* Rotation: IRQ3 lowest makes IRQ4 the highest. */
	io_out(&ctx, 0x20, 1, 0xc3);	/* OCW2: set priority */
	dev_set_irq(&ctx, 0, true);
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(take(&ctx) == 0x24);
	io_out(&ctx, 0x20, 1, 0x20);
	ok &= EXPECT(take(&ctx) == 0x20);
	io_out(&ctx, 0x20, 1, 0x20);
	return ok;
}

bool test_pic_modes(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	/* AEOI: nothing goes in service. */
	ctx_init(&ctx, 1);
	pic_init_linux(&ctx, 0x03);
	io_out(&ctx, 0x21, 1, 0x00);
	dev_set_irq(&ctx, 0, true);
	ok &= EXPECT(take(&ctx) == 0x20);
	ok &= EXPECT(pic_read_isr(&ctx, 0x20) == 0);

	/* Poll mode: the read is the acknowledge. */
	dev_set_irq(&ctx, 7, true);
	io_out(&ctx, 0x20, 1, 0x0c);
	ok &= EXPECT(io_in(&ctx, 0x20, 1) == 0x87);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	io_out(&ctx, 0x20, 1, 0x0c);
	ok &= EXPECT(io_in(&ctx, 0x20, 1) == 0x00);

	/* Level-triggered: IRR follows the line, even after INTA. */
	ctx_init(&ctx, 1);
	io_out(&ctx, 0x20, 1, 0x1b);	/* ICW1: LTIM, single, ICW4 */
	io_out(&ctx, 0x21, 1, 0x30);	/* ICW2; no ICW3 when single */
	io_out(&ctx, 0x21, 1, 0x01);	/* ICW4 */
	io_out(&ctx, 0x21, 1, 0x00);	/* OCW1 */
	dev_set_irq(&ctx, 1, true);
	ok &= EXPECT(take(&ctx) == 0x31);
	io_out(&ctx, 0x20, 1, 0x20);
	ok &= EXPECT(take(&ctx) == 0x31);	/* still high */
	io_out(&ctx, 0x20, 1, 0x20);
	dev_set_irq(&ctx, 1, false);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* During initialization nothing is signalled. */
	dev_set_irq(&ctx, 1, true);
	io_out(&ctx, 0x20, 1, 0x19);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	return ok;
}

/* The UART with FIFOs (trigger @fcr), OUT2 and IRQ4 unmasked. */
static void uart_setup(struct dev_ctx *ctx, __u8 fcr, __u8 ier)
{
	ctx_init(ctx, 1);
	pic_init_linux(ctx, 0x01);
	io_out(ctx, 0x21, 1, 0xeb);
	io_out(ctx, 0x3fa, 1, fcr);
	io_out(ctx, 0x3fc, 1, 0x0b);	/* DTR, RTS, OUT2 */
	io_out(ctx, 0x3f9, 1, ier);
}

bool test_uart_interrupts(void)
{
	static const __u8 bytes[20] = "abcdefghijklmnopqrst";
	struct dev_ctx ctx;
	bool ok = true;
	unsigned int i;

	/* No input taken before the guest looks at its receiver. */
	ctx_init(&ctx, 1);
	io_out(&ctx, 0x3fa, 1, 0x01);
	ok &= EXPECT(uart_rx_room(&ctx) == 0 && seen.wake_io == 1);
	io_in(&ctx, 0x3fd, 1);
	ok &= EXPECT(uart_rx_room(&ctx) == 16 && seen.wake_io == 2);
	io_in(&ctx, 0x3fd, 1);
	ok &= EXPECT(seen.wake_io == 2);

	/* Received data below the trigger level: a character timeout. */
	uart_setup(&ctx, 0xc7, 0x01);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc1);
	ok &= EXPECT(uart_rx_push(&ctx, bytes, 3) == 3);
	ok &= EXPECT(io_in(&ctx, 0x3fd, 1) == 0x61);	/* DR */
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xcc);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x24);
	seen.wake_io = 0;
	ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == 'a');
	ok &= EXPECT(seen.wake_io == 1);
	ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == 'b');
	ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == 'c');
	/* Empty: no interrupt, the line drops, the request is withdrawn. */
	ok &= EXPECT(io_in(&ctx, 0x3fd, 1) == 0x60);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc1);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == 0);	/* nothing to read */
	/* Full at 16; at the trigger level (14) it is "data available". */
	ok &= EXPECT(uart_rx_push(&ctx, bytes, 20) == 16);
	ok &= EXPECT(uart_rx_room(&ctx) == 0);
	ok &= EXPECT(uart_rx_push(&ctx, bytes, 1) == 0);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc4);
	for (i = 0; i < 16; i++)
		ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == bytes[i]);
	ok &= EXPECT(uart_rx_room(&ctx) == 16);
	/* FCR clears the receiver. */
	uart_rx_push(&ctx, bytes, 5);
	io_out(&ctx, 0x3fa, 1, 0xc3);
	ok &= EXPECT(io_in(&ctx, 0x3fd, 1) == 0x60);

	/* THR empty: raised when enabled, cleared by reading IIR. */
	uart_setup(&ctx, 0x01, 0x02);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x24);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc2);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc1);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* A byte sent leaves THR empty again. */
	io_out(&ctx, 0x3f8, 1, 'x');
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc2);
	/* Received data comes first, THR empty after it. */
	io_out(&ctx, 0x3f9, 1, 0x03);
	io_out(&ctx, 0x3f8, 1, 'x');
	uart_rx_push(&ctx, bytes, 1);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc4);	/* trigger level 1 */
	ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == 'a');
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc2);

	/* Without OUT2 the interrupt is pending but the line stays low. */
	uart_setup(&ctx, 0x01, 0x01);
	io_out(&ctx, 0x3fc, 1, 0x03);
	uart_rx_push(&ctx, bytes, 1);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc4);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	io_out(&ctx, 0x3fc, 1, 0x0b);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x24);

	/* FIFOs off: one byte of room, "data available", no FIFO bits. */
	uart_setup(&ctx, 0x00, 0x01);
	ok &= EXPECT(uart_rx_push(&ctx, bytes, 2) == 1);
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0x04);
	return ok;
}

bool test_uart_loopback(void)
{
	char buf[16] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct dev_ctx ctx;
	bool ok = true;

	if (!f)
		return EXPECT(false);
	ctx_init(&ctx, 1);
	ctx.out = f;
	io_out(&ctx, 0x3fa, 1, 0x01);
	/* Linux's probe: loopback with RTS and OUT2 reads CTS and DCD. */
	io_out(&ctx, 0x3fc, 1, 0x1a);
	ok &= EXPECT((io_in(&ctx, 0x3fe, 1) & 0xf0) == 0x90);
	io_out(&ctx, 0x3fc, 1, 0x1f);
	ok &= EXPECT((io_in(&ctx, 0x3fe, 1) & 0xf0) == 0xf0);
	io_out(&ctx, 0x3f8, 1, 'L');
	ok &= EXPECT(io_in(&ctx, 0x3fd, 1) & 0x01);
	ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == 'L');
	io_out(&ctx, 0x3fc, 1, 0x03);
	ok &= EXPECT(io_in(&ctx, 0x3fe, 1) == 0xb0);
	io_out(&ctx, 0x3f8, 1, 'o');
	fclose(f);
	ok &= EXPECT(!strcmp(buf, "o"));
	return ok;
}

bool test_lapic_registers(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx, 4);
	ok &= EXPECT(mmio_dev_find(LAPIC_BASE) == &lapic_dev);
	ok &= EXPECT(mmio_dev_find(LAPIC_BASE + 0xfff) == &lapic_dev);
	ok &= EXPECT(!mmio_dev_find(LAPIC_BASE + 0x1000));
	ok &= EXPECT(apic_read(&ctx, 0, 0x20) == 0);
	ok &= EXPECT(apic_read(&ctx, 3, 0x20) == 0x03000000);
	ok &= EXPECT(apic_read(&ctx, 1, 0x30) == 0x00050014);
	ok &= EXPECT(apic_read(&ctx, 0, 0xf0) == 0xff);
	ok &= EXPECT(apic_read(&ctx, 0, 0xe0) == 0xffffffff);
	/* LVT0: ExtINT, unmasked on the BSP (virtual wire), else masked. */
	ok &= EXPECT(apic_read(&ctx, 0, 0x350) == 0x700);
	ok &= EXPECT(apic_read(&ctx, 1, 0x350) == 0x10000);
	ok &= EXPECT(apic_read(&ctx, 0, 0x360) == 0x10000);
	/* The ID is read-only; each vCPU sees its own registers. */
	apic_write(&ctx, 2, 0x20, 0x07000000);
	ok &= EXPECT(apic_read(&ctx, 2, 0x20) == 0x02000000);
	apic_write(&ctx, 2, 0x80, 0x20);
	ok &= EXPECT(apic_read(&ctx, 2, 0x80) == 0x20);
	ok &= EXPECT(apic_read(&ctx, 1, 0x80) == 0);
	/* Byte reads; unaligned writes are ignored. */
	ok &= EXPECT(mmio_read(&ctx, 3, LAPIC_BASE + 0x23, 1) == 3);
	mmio_write(&ctx, 1, LAPIC_BASE + 0x82, 4, 0x30);
	ok &= EXPECT(apic_read(&ctx, 1, 0x80) == 0);
	/* A vCPU the VM does not have reads nothing. */
	ok &= EXPECT(apic_read(&ctx, 5, 0x20) == 0);
	/* No device at all: all ones, counted. */
	ok &= EXPECT(mmio_read(&ctx, 0, 0xd0000000, 4) == 0xffffffff);
	ok &= EXPECT(mmio_read(&ctx, 0, 0xd0000000, 8) == ~0ULL);
	return ok;
}

/* What a vCPU's thread takes: STARTUP's vector, or why it cannot start. */
static int take_sipi(struct dev_ctx *ctx, unsigned int cpu)
{
	__u8 vector;

	switch (lapic_take_sipi(ctx, cpu, &vector)) {
	case LAPIC_RUNNING:
		return -1;
	case LAPIC_WAITING:
		return -2;
	default:
		return vector;
	}
}

/* INIT and STARTUP as the vCPU loop sees them, through lapic_take_*(). */
bool test_lapic_init_sipi(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx, 3);
	ok &= EXPECT(take_sipi(&ctx, 1) == -1);
	lapic_wait_startup(&ctx, 1);
	lapic_wait_startup(&ctx, 2);
	ok &= EXPECT(take_sipi(&ctx, 1) == -2 && take_sipi(&ctx, 2) == -2);
	/* INIT, level assert, to APIC 1. */
	send_ipi(&ctx, 0, 1, 0x00004500);
	ok &= EXPECT(lapic_take_init(&ctx, 1) && !lapic_take_init(&ctx, 2));
	ok &= EXPECT(!lapic_take_init(&ctx, 1));
	ok &= EXPECT(seen.kicks[1] == 1 && seen.kicks[2] == 0);
	ok &= EXPECT(apic_read(&ctx, 0, 0x300) == 0x00004500);
	ok &= EXPECT(apic_read(&ctx, 0, 0x310) == 0x01000000);
	/* The de-assert INIT does nothing. */
	send_ipi(&ctx, 0, 1, 0x00008500);
	ok &= EXPECT(!lapic_take_init(&ctx, 1));
	/* STARTUP right after INIT, before the vCPU loop looked. */
	send_ipi(&ctx, 0, 1, 0x00004500);
	send_ipi(&ctx, 0, 1, 0x00004608);
	ok &= EXPECT(lapic_take_init(&ctx, 1));
	/* INIT resets the APIC and cancels a STARTUP not taken yet. */
	apic_write(&ctx, 1, 0x80, 0x20);
	send_ipi(&ctx, 0, 1, 0x00004500);
	ok &= EXPECT(take_sipi(&ctx, 1) == -2);
	ok &= EXPECT(apic_read(&ctx, 1, 0x80) == 0);
	send_ipi(&ctx, 0, 1, 0x00004608);
	ok &= EXPECT(lapic_take_init(&ctx, 1));
	/* Taken once: the vCPU runs from there. */
	ok &= EXPECT(take_sipi(&ctx, 1) == 8);
	ok &= EXPECT(take_sipi(&ctx, 1) == -1);
	/* A vCPU not waiting for one (started) ignores STARTUP. */
	send_ipi(&ctx, 0, 1, 0x00004609);
	ok &= EXPECT(take_sipi(&ctx, 1) == -1);
	/* INIT to all but self reaches the APs, never the BSP. */
	send_ipi(&ctx, 1, 0, 0x000c4500);
	ok &= EXPECT(!lapic_take_init(&ctx, 0) && !lapic_take_init(&ctx, 1) &&
		     lapic_take_init(&ctx, 2));
	ok &= EXPECT(take_sipi(&ctx, 0) == -1 && take_sipi(&ctx, 1) == -1);
	/* Broadcast physical destination 0xff: everyone. */
	send_ipi(&ctx, 0, 0xff, 0x00004500);
	ok &= EXPECT(lapic_take_init(&ctx, 1) && lapic_take_init(&ctx, 2));
	/* NMI: counted, not delivered. */
	send_ipi(&ctx, 0, 2, 0x00004400);
	ok &= EXPECT(ctx.lapic[2].nmi_dropped == 1);
	/* lapic_reset() keeps INIT/STARTUP and the count. */
	apic_write(&ctx, 2, 0x80, 0x20);
	send_ipi(&ctx, 0, 2, 0x00004609);
	lapic_reset(&ctx, 2);
	ok &= EXPECT(ctx.lapic[2].nmi_dropped == 1);
	ok &= EXPECT(apic_read(&ctx, 2, 0x80) == 0);
	ok &= EXPECT(take_sipi(&ctx, 2) == 9);
	return ok;
}

bool test_lapic_fixed_ipi(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx, 3);
	/* Fixed vector 0x40 to APIC 1: held while its APIC is disabled. */
	send_ipi(&ctx, 0, 1, 0x00004040);
	ok &= EXPECT(seen.kicks[1] == 1);
	ok &= EXPECT(apic_bit(&ctx, 1, 0x200, 0x40));	/* IRR */
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	apic_write(&ctx, 1, 0xf0, 0x1ff);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == 0x40);
	ok &= EXPECT(dev_intr_ack(&ctx, 1, 0x40) == -1);
	ok &= EXPECT(apic_bit(&ctx, 1, 0x100, 0x40));	/* ISR */
	ok &= EXPECT(!apic_bit(&ctx, 1, 0x200, 0x40));
	ok &= EXPECT(apic_read(&ctx, 1, 0xa0) == 0x40);	/* PPR */
	/* In service: same class blocked, a higher class nests. */
	send_ipi(&ctx, 0, 1, 0x00004045);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	send_ipi(&ctx, 0, 1, 0x00004051);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == 0x51);
	dev_intr_ack(&ctx, 1, 0x51);
	apic_write(&ctx, 1, 0xb0, 0);	/* EOI: 0x51 */
	apic_write(&ctx, 1, 0xb0, 0);	/* EOI: 0x40 */
	ok &= EXPECT(!apic_bit(&ctx, 1, 0x100, 0x40));
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == 0x45);
	/* TPR holds back classes up to its own. */
	apic_write(&ctx, 1, 0x80, 0x40);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	apic_write(&ctx, 1, 0x80, 0x30);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == 0x45);
	/* Vectors below 16 are illegal: the sender's ESR says so. */
	send_ipi(&ctx, 0, 2, 0x0000400f);
	ok &= EXPECT(apic_read(&ctx, 0, 0x280) == 0x20);
	ok &= EXPECT(!apic_bit(&ctx, 2, 0x200, 0x0f));
	/* Self shorthand: no kick needed, pending at once. */
	apic_write(&ctx, 0, 0xf0, 0x100);
	memset(seen.kicks, 0, sizeof(seen.kicks));
	apic_write(&ctx, 0, 0x300, 0x00044061);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x61 && seen.kicks[0] == 0);
	/* Logical flat destination: LDR bit 1 is APIC 2. */
	apic_write(&ctx, 2, 0xd0, 0x02000000);
	apic_write(&ctx, 2, 0xf0, 0x100);
	send_ipi(&ctx, 0, 0x02, 0x00004870);
	ok &= EXPECT(dev_intr_peek(&ctx, 2) == 0x70);
	ok &= EXPECT(!apic_bit(&ctx, 1, 0x200, 0x70));
	/* All including self. */
	send_ipi(&ctx, 2, 0, 0x00084080);
	ok &= EXPECT(apic_bit(&ctx, 0, 0x200, 0x80));
	ok &= EXPECT(apic_bit(&ctx, 1, 0x200, 0x80));
	ok &= EXPECT(apic_bit(&ctx, 2, 0x200, 0x80));
	/* The APIC's interrupt goes before the PIC's on vCPU 0. */
	pic_init_linux(&ctx, 0x01);
	io_out(&ctx, 0x21, 1, 0xfe);
	dev_set_irq(&ctx, 0, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x80);
	dev_intr_ack(&ctx, 0, 0x80);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x20);
	ok &= EXPECT(dev_intr_ack(&ctx, 0, 0x20) == 0);
	return ok;
}

bool test_pit(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u8 lo, hi;

	ctx_init(&ctx, 1);
	seen.now = 1000000000ULL;
	pit_reset(&ctx);
	pic_init_linux(&ctx, 0x01);
	io_out(&ctx, 0x21, 1, 0xfa);	/* IRQ0 */
	ok &= EXPECT(pit_next_event_ns(&ctx) == -1);
	/* Channel 0, lobyte/hibyte, mode 2, 11932: 100 Hz. */
	io_out(&ctx, 0x43, 1, 0x34);
	io_out(&ctx, 0x40, 1, 11932 & 0xff);
	ok &= EXPECT(pit_next_event_ns(&ctx) == -1);	/* half loaded */
	seen.wake_io = 0;
	io_out(&ctx, 0x40, 1, 11932 >> 8);
	ok &= EXPECT(seen.wake_io == 1);	/* to sleep until the tick */
	/* 11932 / 1193182 Hz = 10000150.9 ns, rounded up. */
	ok &= EXPECT(pit_next_event_ns(&ctx) == 10000151);
	/* Halfway: no interrupt; the latched count is half the reload. */
	seen.now += 5000000;
	pit_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	io_out(&ctx, 0x43, 1, 0x00);
	seen.now += 1000000;		/* the latch holds */
	lo = io_in(&ctx, 0x40, 1);
	hi = io_in(&ctx, 0x40, 1);
	ok &= EXPECT((lo | hi << 8) == 11932 - 5965);
	ok &= EXPECT(pit_next_event_ns(&ctx) == 4000151);
	/* The period is over: IRQ0, not a nanosecond early. */
	seen.now += 4000150;
	pit_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	seen.now += 1;
	pit_update(&ctx);
	ok &= EXPECT(take(&ctx) == 0x20);
	io_out(&ctx, 0x20, 1, 0x20);
	/* Three periods missed: one interrupt, then the next period. */
	seen.now += 30000000;
	pit_update(&ctx);
	ok &= EXPECT(take(&ctx) == 0x20);
	io_out(&ctx, 0x20, 1, 0x20);
	pit_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	ok &= EXPECT(pit_next_event_ns(&ctx) > 0 &&
		     pit_next_event_ns(&ctx) <= 10000000);

	/* Mode 0, lobyte only: one interrupt at terminal count. */
	io_out(&ctx, 0x43, 1, 0x10);
	io_out(&ctx, 0x40, 1, 100);
	ok &= EXPECT(pit_next_event_ns(&ctx) == 83810);
	seen.now += 100000;
	pit_update(&ctx);
	ok &= EXPECT(take(&ctx) == 0x20);
	io_out(&ctx, 0x20, 1, 0x20);
	ok &= EXPECT(pit_next_event_ns(&ctx) == -1);
	seen.now += 100000;
	pit_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	return ok;
}

bool test_device_counts(void)
{
	const struct dev_count *count;
	unsigned int i, seen_unknown = 0;
	struct dev_ctx ctx;
	const char *name;
	bool ok = true;

	ctx_init(&ctx, 1);
	io_out(&ctx, 0x3f8, 1, 'x');
	io_out(&ctx, 0x3f8, 1, 'y');
	io_in(&ctx, 0x3fd, 1);
	io_in(&ctx, 0x1234, 1);
	io_out(&ctx, 0x1234, 1, 0);
	io_out(&ctx, 0x1235, 1, 0);
	mmio_read(&ctx, 0, LAPIC_BASE + 0x20, 4);
	mmio_write(&ctx, 0, 0xd0000000, 4, 0);
	for (i = 0; dev_count_get(&ctx, i, &name, &count); i++) {
		if (!strcmp(name, "uart-16550a"))
			ok &= EXPECT(count->reads == 1 && count->writes == 2);
		else if (!strcmp(name, "unknown ports"))
			ok &= EXPECT(count->reads == 1 && count->writes == 2);
		else if (!strcmp(name, "local-apic"))
			ok &= EXPECT(count->reads == 1 && !count->writes);
		else if (!strcmp(name, "unknown MMIO"))
			ok &= EXPECT(!count->reads && count->writes == 1);
		else
			ok &= EXPECT(!count->reads && !count->writes);
		seen_unknown += !strncmp(name, "unknown", 7);
	}
	ok &= EXPECT(seen_unknown == 2);
	return ok;
}

/* What io_trace() and mmio_trace() say, as --trace prints it. */
static bool words_are(const char *got, const char *want)
{
	if (!strcmp(got, want))
		return true;
	ksft_print_msg("trace words \"%s\", want \"%s\"\n", got, want);
	return false;
}

/* Each access words its trace line through the device it hit. */
bool test_device_trace_words(void)
{
	const struct mmio_dev *mdev;
	const struct io_dev *dev;
	struct dev_ctx ctx;
	char buf[128];
	bool ok = true;
	__u64 val64;
	__u32 val;

	ctx_init(&ctx, 1);
	val = 'x';
	dev = io_access(&ctx, 0x3f8, 1, true, &val);
	ok &= EXPECT(dev == &uart_dev);
	io_trace(&ctx, dev, true, val, buf, sizeof(buf));
	ok &= words_are(buf, "uart-16550a");
	dev = io_access(&ctx, 0x3fd, 1, false, &val);
	io_trace(&ctx, dev, false, val, buf, sizeof(buf));
	ok &= words_are(buf, "uart-16550a -> 0x60");
	dev = io_access(&ctx, 0x1234, 2, false, &val);
	ok &= EXPECT(!dev && val == 0xffff);
	io_trace(&ctx, dev, false, val, buf, sizeof(buf));
	ok &= words_are(buf, "unknown port, read as all ones");
	io_trace(&ctx, NULL, true, 0, buf, sizeof(buf));
	ok &= words_are(buf, "unknown port, write dropped");

	/* The devices that end the run say how. */
	val = 0xfe;
	dev = io_access(&ctx, 0x64, 1, true, &val);
	io_trace(&ctx, dev, true, val, buf, sizeof(buf));
	ok &= words_are(buf, "i8042: reset");
	ctx_init(&ctx, 1);
	val = 0x21;
	dev = io_access(&ctx, 0xf4, 1, true, &val);
	ok &= EXPECT(ctx.status == 0x43);
	io_trace(&ctx, dev, true, val, buf, sizeof(buf));
	ok &= words_are(buf, "isa-debug-exit: exit status 67");

	ctx_init(&ctx, 1);
	mdev = mmio_access(&ctx, 0, LAPIC_BASE + 0x30, 4, false, &val64);
	ok &= EXPECT(mdev == &lapic_dev);
	mmio_trace(&ctx, mdev, false, 0x50014, buf, sizeof(buf));
	ok &= words_are(buf, "local-apic -> 0x50014");
	mmio_trace(&ctx, mdev, true, 0, buf, sizeof(buf));
	ok &= words_are(buf, "local-apic");
	mdev = mmio_access(&ctx, 0, 0xd0000000, 4, false, &val64);
	ok &= EXPECT(!mdev && val64 == 0xffffffff);
	mmio_trace(&ctx, mdev, false, val64, buf, sizeof(buf));
	ok &= words_are(buf, "no device, read as all ones");
	mmio_trace(&ctx, NULL, true, 0, buf, sizeof(buf));
	ok &= words_are(buf, "no device, write dropped");
	return ok;
}
