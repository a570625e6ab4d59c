// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the local APIC's timer (one-shot, periodic, TSC-deadline,
 * every divider) on a pretend TSC, its MSRs (IA32_APIC_BASE,
 * IA32_TSC_DEADLINE), the SVR and LVT0 rules, logical and lowest-priority
 * destinations, and the IOAPIC (registers, edge and level pins, remote
 * IRR and the EOI, destinations, the ISA wiring), driven through the MMIO
 * table and dev_msr_read()/dev_msr_write() as a guest drives them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kselftest.h"

#include "lib/util.h"
#include "lib/x86.h"
#include "devices/devices.h"
#include "apic_test.h"
#include "check.h"

/* What the devices asked of the vCPU loop, and the pretend clocks. */
static struct {
	unsigned int kicks[DEV_MAX_CPUS];
	unsigned int wake_io;
	__u64 now, tsc;
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

static __u64 test_tsc(void *data)
{
	return seen.tsc;
}

static const struct dev_hooks test_hooks = {
	.kick		= test_kick,
	.wake_io	= test_wake_io,
	.now_ns		= test_now,
	.tsc		= test_tsc,
};

static FILE *null_out;

/* @cpus vCPUs, a 1 GHz TSC (a cycle a nanosecond), IRQ0 low. */
static void ctx_init(struct dev_ctx *ctx, unsigned int cpus)
{
	if (!null_out)
		null_out = fopen("/dev/null", "w");
	dev_ctx_init(ctx, null_out, false);
	ctx->nr_cpus = cpus;
	ctx->hooks = &test_hooks;
	ctx->tsc_khz = 1000000;
	dev_set_irq(ctx, 0, false);
	memset(&seen, 0, sizeof(seen));
	seen.tsc = 1000000;
	seen.now = 1000000000ULL;
}

/* Peek, acknowledge: the vector @cpu takes, or -1. */
static int take(struct dev_ctx *ctx, unsigned int cpu)
{
	int vector = dev_intr_peek(ctx, cpu);

	if (vector >= 0)
		dev_intr_ack(ctx, cpu, vector);
	return vector;
}

/* Take the interrupt and EOI it, as a handler does: the vector, or -1. */
static int handle(struct dev_ctx *ctx, unsigned int cpu)
{
	int vector = take(ctx, cpu);

	if (vector >= 0)
		apic_write(ctx, cpu, 0xb0, 0);
	return vector;
}

static bool deadline_is(struct dev_ctx *ctx, unsigned int cpu, __u64 want)
{
	__u64 tsc;

	if (!lapic_timer_deadline(ctx, cpu, &tsc))
		return false;
	if (tsc == want)
		return true;
	ksft_print_msg("deadline %llu, want %llu\n", (unsigned long long)tsc,
		       (unsigned long long)want);
	return false;
}

static bool no_deadline(struct dev_ctx *ctx, unsigned int cpu)
{
	__u64 tsc;

	return !lapic_timer_deadline(ctx, cpu, &tsc);
}

/* One-shot: TMCCT counts down, one interrupt at 0, on the right vCPU. */
bool test_apic_timer_one_shot(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx, 2);
	apic_write(&ctx, 1, 0xf0, 0x1ff);
	apic_write(&ctx, 1, 0x3e0, 0xb);	/* divide by 1 */
	apic_write(&ctx, 1, 0x320, 0x40);	/* one-shot, vector 0x40 */
	ok &= EXPECT(dev_next_event_ns(&ctx) == -1);
	ok &= EXPECT(no_deadline(&ctx, 1));
	t0 = seen.tsc;
	apic_write(&ctx, 1, 0x380, 1000);
	ok &= EXPECT(seen.wake_io == 1);	/* the sleep is shorter now */
	ok &= EXPECT(deadline_is(&ctx, 1, t0 + 1000));
	ok &= EXPECT(apic_read(&ctx, 1, 0x380) == 1000);
	ok &= EXPECT(apic_read(&ctx, 1, 0x390) == 1000);
	ok &= EXPECT(dev_next_event_ns(&ctx) == 1000);
	seen.tsc += 300;
	ok &= EXPECT(apic_read(&ctx, 1, 0x390) == 700);
	ok &= EXPECT(dev_next_event_ns(&ctx) == 700);
	/* Not a cycle early. */
	seen.tsc += 699;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1 && !seen.kicks[1]);
	ok &= EXPECT(apic_read(&ctx, 1, 0x390) == 1);
	seen.tsc += 1;
	ok &= EXPECT(dev_next_event_ns(&ctx) == 0);
	dev_update(&ctx);
	ok &= EXPECT(seen.kicks[1] == 1 && !seen.kicks[0]);
	ok &= EXPECT(!apic_bit(&ctx, 1, 0x180, 0x40));	/* edge: TMR 0 */
	ok &= EXPECT(handle(&ctx, 1) == 0x40);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	ok &= EXPECT(apic_read(&ctx, 1, 0x390) == 0);
	ok &= EXPECT(apic_read(&ctx, 1, 0x380) == 1000);
	ok &= EXPECT(no_deadline(&ctx, 1));
	ok &= EXPECT(dev_next_event_ns(&ctx) == -1);
	/* Once. */
	seen.tsc += 100000;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1 && seen.kicks[1] == 1);
	/* A new TMICT starts it again. */
	apic_write(&ctx, 1, 0x380, 10);
	seen.tsc += 10;
	dev_update(&ctx);
	ok &= EXPECT(handle(&ctx, 1) == 0x40);
	/* Nanoseconds by the TSC's rate, rounded up; unknown: 1 ms. */
	apic_write(&ctx, 1, 0x380, 1000);
	ctx.tsc_khz = 2000000;
	ok &= EXPECT(dev_next_event_ns(&ctx) == 500);
	ctx.tsc_khz = 3000000;
	ok &= EXPECT(dev_next_event_ns(&ctx) == 334);
	ctx.tsc_khz = 0;
	ok &= EXPECT(dev_next_event_ns(&ctx) == 1000000);
	/* The earliest of the PIT and every APIC. */
	ctx.tsc_khz = 1000000;
	io_out(&ctx, 0x43, 1, 0x10);		/* PIT mode 0 */
	io_out(&ctx, 0x40, 1, 1);		/* 838 ns */
	ok &= EXPECT(dev_next_event_ns(&ctx) == 839);
	apic_write(&ctx, 0, 0x380, 20);		/* divide by 2 */
	ok &= EXPECT(dev_next_event_ns(&ctx) == 40);
	/* A vector below 16 is an error, not an interrupt. */
	apic_write(&ctx, 1, 0x320, 0x05);
	apic_write(&ctx, 1, 0x380, 1);
	seen.tsc += 1;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	ok &= EXPECT(apic_read(&ctx, 1, 0x280) == 0x40);
	return ok;
}

/* Periodic: every period from the first start, however late the host. */
bool test_apic_timer_periodic(void)
{
	unsigned int k, ticks = 0;
	struct dev_ctx ctx;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx, 1);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 0, 0x3e0, 0x0);	/* divide by 2 */
	apic_write(&ctx, 0, 0x320, 0x20041);	/* periodic, vector 0x41 */
	t0 = seen.tsc;
	apic_write(&ctx, 0, 0x380, 500);	/* 1000 TSC cycles */
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 1000));
	/* 3 cycles late: the next one is still at 2000, not 2003. */
	seen.tsc = t0 + 1003;
	dev_update(&ctx);
	ok &= EXPECT(handle(&ctx, 0) == 0x41);
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 2000));
	ok &= EXPECT(dev_next_event_ns(&ctx) == 997);
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 499);
	seen.tsc = t0 + 2000;
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 500);	/* reloaded */
	dev_update(&ctx);
	ok &= EXPECT(handle(&ctx, 0) == 0x41);
	/* Three periods missed: one interrupt, and the phase kept. */
	seen.tsc = t0 + 5500;
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 250);
	dev_update(&ctx);
	ok &= EXPECT(handle(&ctx, 0) == 0x41);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 6000));
	/* A hundred periods looked at with jitter: a hundred interrupts. */
	for (k = 6; k < 106; k++) {
		seen.tsc = t0 + k * 1000 + (k % 7) * 131;
		dev_update(&ctx);
		ticks += handle(&ctx, 0) == 0x41;
		dev_update(&ctx);
		ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	}
	ok &= EXPECT(ticks == 100);
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 106000));
	ok &= EXPECT(apic_read(&ctx, 0, 0x380) == 500);
	return ok;
}

/* Each TDCR value, and a change of divider in the middle of a count. */
bool test_apic_timer_divide(void)
{
	static const struct {
		__u32 tdcr;
		unsigned int div;
	} divs[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	struct dev_ctx ctx;
	bool ok = true;
	unsigned int i;
	__u64 t0;

	ctx_init(&ctx, 1);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 0, 0x320, 0x42);
	for (i = 0; i < ARRAY_SIZE(divs); i++) {
		apic_write(&ctx, 0, 0x3e0, divs[i].tdcr);
		ok &= EXPECT(apic_read(&ctx, 0, 0x3e0) == divs[i].tdcr);
		t0 = seen.tsc;
		apic_write(&ctx, 0, 0x380, 100);
		ok &= EXPECT(deadline_is(&ctx, 0, t0 + 100 * divs[i].div));
		seen.tsc = t0 + 50 * divs[i].div - 1;
		ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 51);
		seen.tsc++;
		ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 50);
		seen.tsc = t0 + 100 * divs[i].div - 1;
		dev_update(&ctx);
		ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
		seen.tsc++;
		dev_update(&ctx);
		ok &= EXPECT(handle(&ctx, 0) == 0x42);
	}
	/* Bits 3, 1:0 only. */
	apic_write(&ctx, 0, 0x3e0, 0xffffffff);
	ok &= EXPECT(apic_read(&ctx, 0, 0x3e0) == 0xb);
	/* Divide by 2, 100 counts; halfway, divide by 8: 50 counts left. */
	apic_write(&ctx, 0, 0x3e0, 0x0);
	t0 = seen.tsc;
	apic_write(&ctx, 0, 0x380, 100);
	seen.tsc = t0 + 100;
	apic_write(&ctx, 0, 0x3e0, 0x2);
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 50);
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 100 + 400));
	/* A TSC of 4.295 GHz or more: the crystal, and the count, at half. */
	ok &= EXPECT(apic_tsc_ratio(4294967) == 1);
	ok &= EXPECT(apic_tsc_ratio(4294968) == 2);
	ctx.tsc_khz = 5000000;
	apic_write(&ctx, 0, 0x3e0, 0xb);
	t0 = seen.tsc;
	apic_write(&ctx, 0, 0x380, 100);
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 200));
	seen.tsc = t0 + 101;
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 50);
	return ok;
}

/*
 * A masked timer counts and re-arms but interrupts nobody; TMICT = 0 and
 * a change of timer mode stop it.
 */
bool test_apic_timer_masked_and_stopped(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx, 1);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 0, 0x3e0, 0xb);
	apic_write(&ctx, 0, 0x320, 0x30042);	/* periodic, masked */
	t0 = seen.tsc;
	apic_write(&ctx, 0, 0x380, 100);
	seen.tsc = t0 + 40;
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 60);
	seen.tsc = t0 + 100;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1 && !seen.kicks[0]);
	ok &= EXPECT(!apic_bit(&ctx, 0, 0x200, 0x42));
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 200));
	/* Unmasked, same mode: it goes on, and interrupts. */
	apic_write(&ctx, 0, 0x320, 0x20042);
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 200));
	seen.tsc = t0 + 200;
	dev_update(&ctx);
	ok &= EXPECT(handle(&ctx, 0) == 0x42 && seen.kicks[0] == 1);
	/* TMICT = 0: stopped. */
	apic_write(&ctx, 0, 0x380, 0);
	ok &= EXPECT(no_deadline(&ctx, 0));
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 0);
	ok &= EXPECT(dev_next_event_ns(&ctx) == -1);
	seen.tsc += 10000;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* Periodic to one-shot disarms (SDM 11.5.4.1). */
	apic_write(&ctx, 0, 0x380, 100);
	ok &= EXPECT(deadline_is(&ctx, 0, seen.tsc + 100));
	apic_write(&ctx, 0, 0x320, 0x42);
	ok &= EXPECT(no_deadline(&ctx, 0));
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 0);
	ok &= EXPECT(apic_read(&ctx, 0, 0x380) == 0);
	/* Mode 3 is reserved: TMICT is kept but nothing counts. */
	apic_write(&ctx, 0, 0x320, 0x60042);
	apic_write(&ctx, 0, 0x380, 100);
	ok &= EXPECT(apic_read(&ctx, 0, 0x380) == 100);
	ok &= EXPECT(no_deadline(&ctx, 0));
	/* Reserved LVT bits read 0. */
	apic_write(&ctx, 0, 0x320, 0xffffffff);
	ok &= EXPECT(apic_read(&ctx, 0, 0x320) == 0x700ff);
	return ok;
}

static __u64 msr_read(struct dev_ctx *ctx, unsigned int cpu, __u32 index)
{
	__u64 val = 0xdead;

	if (dev_msr_read(ctx, cpu, index, &val))
		return 0xbad;
	return val;
}

/* TSC-deadline mode and IA32_TSC_DEADLINE (SDM 11.5.4.1). */
bool test_apic_tsc_deadline(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx, 2);
	ok &= EXPECT(dev_nr_msrs == 2);
	ok &= EXPECT(dev_msrs[0] == 0x1b && dev_msrs[1] == 0x6e0);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	/* One-shot mode: the MSR reads 0, writes are ignored. */
	ok &= EXPECT(!dev_msr_write(&ctx, 0, 0x6e0, seen.tsc + 100));
	ok &= EXPECT(msr_read(&ctx, 0, 0x6e0) == 0);
	ok &= EXPECT(no_deadline(&ctx, 0));
	apic_write(&ctx, 0, 0x320, 0x40043);	/* TSC-deadline, 0x43 */
	ok &= EXPECT(msr_read(&ctx, 0, 0x6e0) == 0);
	/* TMICT is ignored, TMCCT reads 0. */
	apic_write(&ctx, 0, 0x380, 1000);
	ok &= EXPECT(apic_read(&ctx, 0, 0x380) == 0);
	ok &= EXPECT(apic_read(&ctx, 0, 0x390) == 0);
	ok &= EXPECT(no_deadline(&ctx, 0));
	/* Armed. */
	t0 = seen.tsc;
	seen.wake_io = 0;
	ok &= EXPECT(!dev_msr_write(&ctx, 0, 0x6e0, t0 + 500));
	ok &= EXPECT(seen.wake_io == 1);
	ok &= EXPECT(msr_read(&ctx, 0, 0x6e0) == t0 + 500);
	ok &= EXPECT(msr_read(&ctx, 1, 0x6e0) == 0);	/* per vCPU */
	ok &= EXPECT(deadline_is(&ctx, 0, t0 + 500));
	ok &= EXPECT(dev_next_event_ns(&ctx) == 500);
	seen.tsc = t0 + 499;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	seen.tsc = t0 + 500;
	dev_update(&ctx);
	ok &= EXPECT(seen.kicks[0] == 1);
	ok &= EXPECT(handle(&ctx, 0) == 0x43);
	/* Fired: disarmed, reads 0. */
	ok &= EXPECT(msr_read(&ctx, 0, 0x6e0) == 0);
	ok &= EXPECT(no_deadline(&ctx, 0));
	seen.tsc += 100000;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* 0 disarms. */
	dev_msr_write(&ctx, 0, 0x6e0, seen.tsc + 10);
	dev_msr_write(&ctx, 0, 0x6e0, 0);
	ok &= EXPECT(no_deadline(&ctx, 0));
	seen.tsc += 10;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* A deadline already past fires at once. */
	dev_msr_write(&ctx, 0, 0x6e0, seen.tsc - 1);
	ok &= EXPECT(dev_next_event_ns(&ctx) == 0);
	dev_update(&ctx);
	ok &= EXPECT(handle(&ctx, 0) == 0x43);
	/* Moved later before it fired: fires at the new one. */
	dev_msr_write(&ctx, 0, 0x6e0, seen.tsc + 10);
	dev_msr_write(&ctx, 0, 0x6e0, seen.tsc + 20);
	seen.tsc += 10;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	seen.tsc += 10;
	dev_update(&ctx);
	ok &= EXPECT(handle(&ctx, 0) == 0x43);
	/* Leaving TSC-deadline mode disarms; coming back finds 0. */
	dev_msr_write(&ctx, 0, 0x6e0, seen.tsc + 10);
	apic_write(&ctx, 0, 0x320, 0x20043);
	ok &= EXPECT(msr_read(&ctx, 0, 0x6e0) == 0);
	apic_write(&ctx, 0, 0x320, 0x40043);
	ok &= EXPECT(msr_read(&ctx, 0, 0x6e0) == 0);
	seen.tsc += 10;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* Masked: it fires silently, and reads 0 after. */
	apic_write(&ctx, 0, 0x320, 0x50043);
	dev_msr_write(&ctx, 0, 0x6e0, seen.tsc + 10);
	seen.kicks[0] = 0;
	seen.tsc += 10;
	dev_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1 && !seen.kicks[0]);
	ok &= EXPECT(msr_read(&ctx, 0, 0x6e0) == 0);
	return ok;
}

/* IA32_APIC_BASE: BSP bit, enable, #GP for the rest (SDM 11.4.3-11.4.5). */
bool test_apic_base_msr(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u64 val;

	ctx_init(&ctx, 2);
	ok &= EXPECT(msr_read(&ctx, 0, 0x1b) == 0xfee00900);
	ok &= EXPECT(msr_read(&ctx, 1, 0x1b) == 0xfee00800);
	/* Not ours, or not a vCPU of the VM: #GP. */
	ok &= EXPECT(dev_msr_read(&ctx, 0, 0x10, &val) == -1);
	ok &= EXPECT(dev_msr_write(&ctx, 0, 0x10, 0) == -1);
	ok &= EXPECT(dev_msr_read(&ctx, 2, 0x1b, &val) == -1);
	ok &= EXPECT(dev_msr_write(&ctx, 2, 0x6e0, 0) == -1);
	/* Moving the base, x2APIC, reserved bits: #GP, nothing changes. */
	ok &= EXPECT(dev_msr_write(&ctx, 1, 0x1b, 0xfed00800) == -1);
	ok &= EXPECT(dev_msr_write(&ctx, 1, 0x1b, 0xfee00c00) == -1);
	ok &= EXPECT(dev_msr_write(&ctx, 1, 0x1b, 0xfee00400) == -1);
	ok &= EXPECT(dev_msr_write(&ctx, 1, 0x1b, 0xfee00801) == -1);
	ok &= EXPECT(dev_msr_write(&ctx, 1, 0x1b, 0x10fee00800ULL) == -1);
	ok &= EXPECT(msr_read(&ctx, 1, 0x1b) == 0xfee00800);
	/* The BSP bit is the hardware's: a write of it is ignored. */
	ok &= EXPECT(!dev_msr_write(&ctx, 0, 0x1b, 0xfee00800));
	ok &= EXPECT(!dev_msr_write(&ctx, 1, 0x1b, 0xfee00900));
	ok &= EXPECT(msr_read(&ctx, 0, 0x1b) == 0xfee00900);
	ok &= EXPECT(msr_read(&ctx, 1, 0x1b) == 0xfee00800);

	/* APIC 1 set up, its timer running, then disabled. */
	apic_write(&ctx, 1, 0xf0, 0x1ff);
	apic_write(&ctx, 1, 0x80, 0x20);
	apic_write(&ctx, 1, 0x320, 0x20044);
	apic_write(&ctx, 1, 0x380, 100);
	ok &= EXPECT(!dev_msr_write(&ctx, 1, 0x1b, 0xfee00000));
	ok &= EXPECT(msr_read(&ctx, 1, 0x1b) == 0xfee00000);
	ok &= EXPECT(no_deadline(&ctx, 1));
	/* Not there: all ones, writes dropped, no IPI taken. */
	ok &= EXPECT(apic_read(&ctx, 1, 0x20) == 0xffffffff);
	ok &= EXPECT(mmio_read(&ctx, 1, LAPIC_BASE + 0x80, 1) == 0xff);
	apic_write(&ctx, 1, 0x80, 0x30);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	send_ipi(&ctx, 0, 1, 0x00004050);
	ok &= EXPECT(!seen.kicks[1]);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	ok &= EXPECT(msr_read(&ctx, 1, 0x6e0) == 0);
	/* Enabled again: as after reset. */
	ok &= EXPECT(!dev_msr_write(&ctx, 1, 0x1b, 0xfee00800));
	ok &= EXPECT(apic_read(&ctx, 1, 0x20) == 0x01000000);
	ok &= EXPECT(apic_read(&ctx, 1, 0xf0) == 0xff);
	ok &= EXPECT(apic_read(&ctx, 1, 0x80) == 0);
	ok &= EXPECT(apic_read(&ctx, 1, 0x320) == 0x10000);
	ok &= EXPECT(!apic_bit(&ctx, 1, 0x200, 0x50));

	/* The BSP's APIC off: the PIC's INTR goes to the CPU directly. */
	io_out(&ctx, 0x20, 1, 0x11);
	io_out(&ctx, 0x21, 1, 0x20);
	io_out(&ctx, 0x21, 1, 0x04);
	io_out(&ctx, 0x21, 1, 0x01);
	io_out(&ctx, 0x21, 1, 0xef);		/* IRQ4 only */
	dev_set_irq(&ctx, 4, true);
	apic_write(&ctx, 0, 0x350, 0x10700);	/* LVT0 masked */
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	ok &= EXPECT(!dev_msr_write(&ctx, 0, 0x1b, 0xfee00100));
	ok &= EXPECT(msr_read(&ctx, 0, 0x1b) == 0xfee00100);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x24);
	/* And back: vCPU 0's reset is virtual wire again. */
	ok &= EXPECT(!dev_msr_write(&ctx, 0, 0x1b, 0xfee00900));
	ok &= EXPECT(apic_read(&ctx, 0, 0x350) == 0x700);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x24);
	ok &= EXPECT(dev_intr_ack(&ctx, 0, 0x24) == 4);
	return ok;
}

/* SVR bit 8 clear: LVT entries masked for good, nothing delivered. */
bool test_apic_svr_disable(void)
{
	static const __u32 lvts[] = { 0x2f0, 0x320, 0x330, 0x340, 0x350,
				      0x360, 0x370 };
	struct dev_ctx ctx;
	bool ok = true;
	unsigned int i;

	ctx_init(&ctx, 1);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 0, 0x3e0, 0xb);
	apic_write(&ctx, 0, 0x320, 0x20044);
	apic_write(&ctx, 0, 0x350, 0x700);
	apic_write(&ctx, 0, 0x360, 0x400);
	apic_write(&ctx, 0, 0x370, 0x45);
	ok &= EXPECT(apic_read(&ctx, 0, 0x320) == 0x20044);
	apic_write(&ctx, 0, 0xf0, 0x0ff);
	for (i = 0; i < ARRAY_SIZE(lvts); i++)
		ok &= EXPECT(apic_read(&ctx, 0, lvts[i]) & 0x10000);
	ok &= EXPECT(apic_read(&ctx, 0, 0x320) == 0x30044);
	ok &= EXPECT(apic_read(&ctx, 0, 0x370) == 0x10045);
	/* The mask cannot be cleared while disabled. */
	apic_write(&ctx, 0, 0x320, 0x20044);
	ok &= EXPECT(apic_read(&ctx, 0, 0x320) == 0x30044);
	/* The timer counts, masked. */
	apic_write(&ctx, 0, 0x380, 100);
	seen.tsc += 100;
	dev_update(&ctx);
	ok &= EXPECT(!apic_bit(&ctx, 0, 0x200, 0x44) && !seen.kicks[0]);
	/* An IPI is held in IRR, not delivered. */
	apic_write(&ctx, 0, 0x300, 0x00044061);
	ok &= EXPECT(apic_bit(&ctx, 0, 0x200, 0x61));
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* Enabled again: the held one goes; the LVT stays masked. */
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	ok &= EXPECT(apic_read(&ctx, 0, 0x320) == 0x30044);
	ok &= EXPECT(handle(&ctx, 0) == 0x61);
	apic_write(&ctx, 0, 0x320, 0x20044);
	ok &= EXPECT(apic_read(&ctx, 0, 0x320) == 0x20044);
	/* Focus-processor checking (bit 9) is writable; bits above are not. */
	apic_write(&ctx, 0, 0xf0, 0xffffffff);
	ok &= EXPECT(apic_read(&ctx, 0, 0xf0) == 0x3ff);
	return ok;
}

/* The PIC reaches vCPU 0 only while LVT0 is unmasked in ExtINT mode. */
bool test_apic_lint0_extint(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx, 2);
	io_out(&ctx, 0x20, 1, 0x11);
	io_out(&ctx, 0x21, 1, 0x20);
	io_out(&ctx, 0x21, 1, 0x04);
	io_out(&ctx, 0x21, 1, 0x01);
	io_out(&ctx, 0x21, 1, 0xef);
	dev_set_irq(&ctx, 4, true);
	/* Reset: virtual wire, though the APIC is software-disabled. */
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x24);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	/* Masked: nothing, and nothing acknowledged in the PIC. */
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 0, 0x350, 0x10700);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	ok &= EXPECT(dev_intr_ack(&ctx, 0, 0x24) == -1);
	io_out(&ctx, 0x20, 1, 0x0b);
	ok &= EXPECT(io_in(&ctx, 0x20, 1) == 0);	/* PIC ISR */
	io_out(&ctx, 0x20, 1, 0x0a);
	/* Unmasked but fixed, or NMI: not the PIC's way in. */
	apic_write(&ctx, 0, 0x350, 0x00030);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	apic_write(&ctx, 0, 0x350, 0x00400);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* ExtINT, unmasked: the PIC's vector. */
	apic_write(&ctx, 0, 0x350, 0x00700);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x24);
	ok &= EXPECT(dev_intr_ack(&ctx, 0, 0x24) == 4);
	io_out(&ctx, 0x20, 1, 0x20);
	/* The PIC is wired to the BSP only. */
	dev_set_irq(&ctx, 4, false);
	dev_set_irq(&ctx, 4, true);
	apic_write(&ctx, 1, 0xf0, 0x1ff);
	apic_write(&ctx, 1, 0x350, 0x00700);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	/* Software-disabled: LVT0 masked with the rest. */
	apic_write(&ctx, 0, 0xf0, 0x0ff);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* Writable bits: vector, mode, polarity, trigger, mask. */
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 0, 0x350, 0xffffffff);
	ok &= EXPECT(apic_read(&ctx, 0, 0x350) == 0x1a7ff);
	return ok;
}

/* Logical flat and cluster, lowest priority, ESR, the ICR's status. */
bool test_apic_destinations(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	unsigned int cpu;

	ctx_init(&ctx, 4);
	for (cpu = 0; cpu < 4; cpu++)
		apic_write(&ctx, cpu, 0xf0, 0x1ff);
	/* Cluster model: cluster 1 has APICs 0, 1; cluster 2 has 2, 3. */
	for (cpu = 0; cpu < 4; cpu++) {
		apic_write(&ctx, cpu, 0xe0, 0x0fffffff);
		apic_write(&ctx, cpu, 0xd0,
			   ((cpu < 2 ? 0x10 : 0x20) | 1u << (cpu & 1)) << 24);
	}
	ok &= EXPECT(apic_read(&ctx, 2, 0xe0) == 0x0fffffff);
	send_ipi(&ctx, 0, 0x13, 0x00004850);
	ok &= EXPECT(apic_bit(&ctx, 0, 0x200, 0x50) &&
		     apic_bit(&ctx, 1, 0x200, 0x50) &&
		     !apic_bit(&ctx, 2, 0x200, 0x50) &&
		     !apic_bit(&ctx, 3, 0x200, 0x50));
	send_ipi(&ctx, 0, 0x22, 0x00004851);
	ok &= EXPECT(!apic_bit(&ctx, 2, 0x200, 0x51) &&
		     apic_bit(&ctx, 3, 0x200, 0x51));
	send_ipi(&ctx, 0, 0x31, 0x00004852);	/* no such cluster */
	for (cpu = 0; cpu < 4; cpu++)
		ok &= EXPECT(!apic_bit(&ctx, cpu, 0x200, 0x52));
	send_ipi(&ctx, 0, 0xff, 0x00004853);	/* broadcast */
	for (cpu = 0; cpu < 4; cpu++)
		ok &= EXPECT(apic_bit(&ctx, cpu, 0x200, 0x53));
	/* Flat model: LDR bit k is APIC k. */
	for (cpu = 0; cpu < 4; cpu++) {
		apic_write(&ctx, cpu, 0xe0, 0xffffffff);
		apic_write(&ctx, cpu, 0xd0, 1u << (24 + cpu));
	}
	send_ipi(&ctx, 1, 0x05, 0x00004854);
	ok &= EXPECT(apic_bit(&ctx, 0, 0x200, 0x54) &&
		     !apic_bit(&ctx, 1, 0x200, 0x54) &&
		     apic_bit(&ctx, 2, 0x200, 0x54) &&
		     !apic_bit(&ctx, 3, 0x200, 0x54));
	/* Lowest priority: one target, the lowest TPR class. */
	apic_write(&ctx, 0, 0x80, 0x40);
	apic_write(&ctx, 1, 0x80, 0x20);
	apic_write(&ctx, 2, 0x80, 0x10);
	apic_write(&ctx, 3, 0x80, 0x30);
	send_ipi(&ctx, 0, 0x0f, 0x00004960);
	ok &= EXPECT(!apic_bit(&ctx, 0, 0x200, 0x60) &&
		     !apic_bit(&ctx, 1, 0x200, 0x60) &&
		     apic_bit(&ctx, 2, 0x200, 0x60) &&
		     !apic_bit(&ctx, 3, 0x200, 0x60));
	/* Equals: the lowest APIC ID; a disabled APIC comes last. */
	apic_write(&ctx, 2, 0x80, 0x20);
	send_ipi(&ctx, 0, 0x0e, 0x00004961);
	ok &= EXPECT(apic_bit(&ctx, 1, 0x200, 0x61) &&
		     !apic_bit(&ctx, 2, 0x200, 0x61));
	apic_write(&ctx, 1, 0xf0, 0x0ff);
	send_ipi(&ctx, 0, 0x0e, 0x00004962);
	ok &= EXPECT(!apic_bit(&ctx, 1, 0x200, 0x62) &&
		     apic_bit(&ctx, 2, 0x200, 0x62));
	/* Physical: broadcast and one APIC. */
	send_ipi(&ctx, 3, 0xff, 0x00004063);
	for (cpu = 0; cpu < 4; cpu++)
		ok &= EXPECT(apic_bit(&ctx, cpu, 0x200, 0x63));
	/* Delivered at once: the delivery status reads idle. */
	ok &= EXPECT(!(apic_read(&ctx, 3, 0x300) & 0x1000));
	/* ESR: an illegal vector shows at once; a write clears it. */
	send_ipi(&ctx, 3, 2, 0x00004002);
	ok &= EXPECT(apic_read(&ctx, 3, 0x280) == 0x20);
	ok &= EXPECT(!apic_bit(&ctx, 2, 0x200, 0x02));
	apic_write(&ctx, 3, 0x280, 0);
	ok &= EXPECT(apic_read(&ctx, 3, 0x280) == 0);
	return ok;
}

/* ---- the IOAPIC ---------------------------------------------------------- */

static __u32 io_reg(struct dev_ctx *ctx, __u32 reg)
{
	mmio_write(ctx, 0, IOAPIC_BASE, 4, reg);
	return mmio_read(ctx, 0, IOAPIC_BASE + 0x10, 4);
}

static void io_reg_write(struct dev_ctx *ctx, __u32 reg, __u32 val)
{
	mmio_write(ctx, 0, IOAPIC_BASE, 4, reg);
	mmio_write(ctx, 0, IOAPIC_BASE + 0x10, 4, val);
}

/* As Linux's ioapic_write_entry(): the high half first. */
static void rte_write(struct dev_ctx *ctx, unsigned int pin, __u32 lo,
		      __u32 hi)
{
	io_reg_write(ctx, 0x11 + 2 * pin, hi);
	io_reg_write(ctx, 0x10 + 2 * pin, lo);
}

static __u32 rte_lo(struct dev_ctx *ctx, unsigned int pin)
{
	return io_reg(ctx, 0x10 + 2 * pin);
}

bool test_ioapic_registers(void)
{
	const struct mmio_dev *dev;
	struct dev_ctx ctx;
	unsigned int pin;
	bool ok = true;
	char buf[64];
	__u64 val;

	ctx_init(&ctx, 2);
	ok &= EXPECT(mmio_dev_find(IOAPIC_BASE) == &ioapic_dev);
	ok &= EXPECT(mmio_dev_find(IOAPIC_BASE + 0xfff) == &ioapic_dev);
	ok &= EXPECT(mmio_dev_find(IOAPIC_BASE + 0x1000) != &ioapic_dev);
	ok &= EXPECT(io_reg(&ctx, 1) == 0x00170011);
	ok &= EXPECT(IOAPIC_VERSION == 0x11 && IOAPIC_PINS == 24);
	/* ID: bits 27:24; the arbitration ID follows it. */
	ok &= EXPECT(io_reg(&ctx, 0) == 0);
	io_reg_write(&ctx, 0, 0xff000000);
	ok &= EXPECT(io_reg(&ctx, 0) == 0x0f000000);
	ok &= EXPECT(io_reg(&ctx, 2) == 0x0f000000);
	io_reg_write(&ctx, 1, 0);		/* read-only */
	ok &= EXPECT(io_reg(&ctx, 1) == 0x00170011);
	/* Every pin masked at reset. */
	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		ok &= EXPECT(rte_lo(&ctx, pin) == 0x10000);
		ok &= EXPECT(io_reg(&ctx, 0x11 + 2 * pin) == 0);
	}
	/* Delivery status and remote IRR are read-only. */
	rte_write(&ctx, 3, 0xffffffff, 0xffffffff);
	ok &= EXPECT(rte_lo(&ctx, 3) == 0x1afff);
	ok &= EXPECT(io_reg(&ctx, 0x17) == 0xff000000);
	/* Past the table: nothing. */
	io_reg_write(&ctx, 0x40, 0x1234);
	ok &= EXPECT(io_reg(&ctx, 0x40) == 0);
	/* IOREGSEL reads back; IOWIN takes 32-bit writes only. */
	mmio_write(&ctx, 0, IOAPIC_BASE, 4, 0x13);
	ok &= EXPECT(mmio_read(&ctx, 0, IOAPIC_BASE, 4) == 0x13);
	mmio_write(&ctx, 0, IOAPIC_BASE + 0x10, 1, 0xff);
	ok &= EXPECT(io_reg(&ctx, 0x13) == 0);
	ok &= EXPECT(mmio_read(&ctx, 0, IOAPIC_BASE + 0x20, 4) == 0);
	/* The same from every vCPU, and its --trace words. */
	mmio_write(&ctx, 1, IOAPIC_BASE, 4, 1);
	dev = mmio_access(&ctx, 1, IOAPIC_BASE + 0x10, 4, false, &val);
	ok &= EXPECT(dev == &ioapic_dev && val == 0x00170011);
	mmio_trace(&ctx, dev, false, val, buf, sizeof(buf));
	ok &= EXPECT(!strcmp(buf, "io-apic -> 0x170011"));
	return ok;
}

/* Edge pins as Linux sets up ISA IRQs, and the ISA wiring. */
bool test_ioapic_edge_and_isa(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx, 2);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 1, 0xf0, 0x1ff);
	ok &= EXPECT(ioapic_isa_pin(0) == 2 && ioapic_isa_pin(1) == 1 &&
		     ioapic_isa_pin(2) == -1 && ioapic_isa_pin(4) == 4 &&
		     ioapic_isa_pin(15) == 15 && ioapic_isa_pin(16) == -1);
	/* IRQ4: vector 0x31, fixed, physical APIC 1, edge, active high. */
	rte_write(&ctx, 4, 0x00000031, 0x01000000);
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(seen.kicks[1] == 1 && !seen.kicks[0]);
	ok &= EXPECT(apic_bit(&ctx, 1, 0x200, 0x31));
	ok &= EXPECT(!apic_bit(&ctx, 1, 0x180, 0x31));	/* edge: TMR 0 */
	ok &= EXPECT(!apic_bit(&ctx, 0, 0x200, 0x31));
	ok &= EXPECT(handle(&ctx, 1) == 0x31);
	ok &= EXPECT(!(rte_lo(&ctx, 4) & 0x5000));	/* idle, no remote IRR */
	/* Still high: no new edge. */
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	dev_set_irq(&ctx, 4, false);
	dev_set_irq(&ctx, 4, true);
	ok &= EXPECT(handle(&ctx, 1) == 0x31);
	/* An edge while masked is lost. */
	dev_set_irq(&ctx, 4, false);
	rte_write(&ctx, 4, 0x00010031, 0x01000000);
	dev_set_irq(&ctx, 4, true);
	rte_write(&ctx, 4, 0x00000031, 0x01000000);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	/* ISA IRQ0 on pin 2; pin 0 is not IRQ0's. */
	rte_write(&ctx, 0, 0x00000038, 0);
	rte_write(&ctx, 2, 0x00000030, 0);
	dev_set_irq(&ctx, 0, true);
	ok &= EXPECT(handle(&ctx, 0) == 0x30);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* IRQ2 is the PIC's cascade: no IOAPIC pin. */
	dev_set_irq(&ctx, 0, false);
	dev_set_irq(&ctx, 2, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* IRQ15 on pin 15, and the PIC, masked as the BIOS left it. */
	rte_write(&ctx, 15, 0x0000003f, 0);
	dev_set_irq(&ctx, 15, true);
	ok &= EXPECT(handle(&ctx, 0) == 0x3f);
	ok &= EXPECT(io_in(&ctx, 0xa0, 1) == 0x80);	/* slave IRR */
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	return ok;
}

/* Level pins: remote IRR until the EOI, which re-sends a held level. */
bool test_ioapic_level(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx, 2);
	apic_write(&ctx, 0, 0xf0, 0x1ff);
	apic_write(&ctx, 1, 0xf0, 0x1ff);
	/* Pin 9: vector 0x39, level, active high, APIC 0. */
	rte_write(&ctx, 9, 0x00008039, 0);
	dev_set_irq(&ctx, 9, true);
	ok &= EXPECT(apic_bit(&ctx, 0, 0x200, 0x39));
	ok &= EXPECT(apic_bit(&ctx, 0, 0x180, 0x39));	/* TMR */
	ok &= EXPECT(rte_lo(&ctx, 9) == 0x0000c039);	/* remote IRR */
	ok &= EXPECT(take(&ctx, 0) == 0x39);
	/* Held: nothing more until the EOI. */
	dev_set_irq(&ctx, 9, true);
	ok &= EXPECT(!apic_bit(&ctx, 0, 0x200, 0x39));
	apic_write(&ctx, 0, 0xb0, 0);
	/* Still asserted: sent again at once. */
	ok &= EXPECT(rte_lo(&ctx, 9) == 0x0000c039);
	ok &= EXPECT(take(&ctx, 0) == 0x39);
	dev_set_irq(&ctx, 9, false);
	apic_write(&ctx, 0, 0xb0, 0);
	ok &= EXPECT(rte_lo(&ctx, 9) == 0x00008039);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* The EOI of an edge vector leaves level pins alone. */
	dev_set_irq(&ctx, 9, true);
	send_ipi(&ctx, 1, 0, 0x00004039);	/* same vector, edge */
	ok &= EXPECT(!apic_bit(&ctx, 0, 0x180, 0x39));
	ok &= EXPECT(take(&ctx, 0) == 0x39);
	apic_write(&ctx, 0, 0xb0, 0);
	ok &= EXPECT(rte_lo(&ctx, 9) & 0x4000);
	/*
	 * Linux's EOI for a version 0x11 IOAPIC: masked and edge, then
	 * the level entry again; still asserted, it is sent again.
	 */
	rte_write(&ctx, 9, 0x00010039, 0);
	ok &= EXPECT(!(rte_lo(&ctx, 9) & 0x4000));
	rte_write(&ctx, 9, 0x00008039, 0);
	ok &= EXPECT(rte_lo(&ctx, 9) == 0x0000c039);
	ok &= EXPECT(take(&ctx, 0) == 0x39);
	dev_set_irq(&ctx, 9, false);
	apic_write(&ctx, 0, 0xb0, 0);
	/* Masked: a level waits, and goes when unmasked. */
	rte_write(&ctx, 9, 0x00018039, 0);
	dev_set_irq(&ctx, 9, true);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	rte_write(&ctx, 9, 0x00008039, 0);
	ok &= EXPECT(take(&ctx, 0) == 0x39);
	dev_set_irq(&ctx, 9, false);
	apic_write(&ctx, 0, 0xb0, 0);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	/* Active low: a low line is asserted. */
	rte_write(&ctx, 10, 0x0000a03a, 0x01000000);
	ok &= EXPECT(rte_lo(&ctx, 10) == 0x0000e03a);
	ok &= EXPECT(take(&ctx, 1) == 0x3a);
	dev_set_irq(&ctx, 10, true);
	apic_write(&ctx, 1, 0xb0, 0);
	ok &= EXPECT(rte_lo(&ctx, 10) == 0x0000a03a);
	ok &= EXPECT(dev_intr_peek(&ctx, 1) == -1);
	/* Nobody at the destination: no remote IRR to wait on. */
	rte_write(&ctx, 11, 0x0000803b, 0x07000000);
	dev_set_irq(&ctx, 11, true);
	ok &= EXPECT(rte_lo(&ctx, 11) == 0x0000803b);
	return ok;
}

/* Physical, logical and lowest-priority destinations of the IOAPIC. */
bool test_ioapic_destinations(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	unsigned int cpu, n;

	ctx_init(&ctx, 4);
	for (cpu = 0; cpu < 4; cpu++) {
		apic_write(&ctx, cpu, 0xf0, 0x1ff);
		apic_write(&ctx, cpu, 0xd0, 1u << (24 + cpu));
	}
	/* Logical (flat) 0x06: APICs 1 and 2. */
	rte_write(&ctx, 5, 0x00000845, 0x06000000);
	dev_set_irq(&ctx, 5, true);
	ok &= EXPECT(!apic_bit(&ctx, 0, 0x200, 0x45) &&
		     apic_bit(&ctx, 1, 0x200, 0x45) &&
		     apic_bit(&ctx, 2, 0x200, 0x45) &&
		     !apic_bit(&ctx, 3, 0x200, 0x45));
	ok &= EXPECT(seen.kicks[1] == 1 && seen.kicks[2] == 1);
	/* Lowest priority to all four: the one of lowest TPR. */
	apic_write(&ctx, 0, 0x80, 0x30);
	apic_write(&ctx, 1, 0x80, 0x30);
	apic_write(&ctx, 2, 0x80, 0x20);
	apic_write(&ctx, 3, 0x80, 0x10);
	rte_write(&ctx, 6, 0x00000946, 0x0f000000);
	dev_set_irq(&ctx, 6, true);
	for (cpu = 0, n = 0; cpu < 4; cpu++)
		n += apic_bit(&ctx, cpu, 0x200, 0x46);
	ok &= EXPECT(n == 1 && apic_bit(&ctx, 3, 0x200, 0x46));
	/* Physical broadcast, and one APIC. */
	rte_write(&ctx, 7, 0x00000047, 0xff000000);
	dev_set_irq(&ctx, 7, true);
	for (cpu = 0; cpu < 4; cpu++)
		ok &= EXPECT(apic_bit(&ctx, cpu, 0x200, 0x47));
	rte_write(&ctx, 12, 0x00000048, 0x03000000);
	dev_set_irq(&ctx, 12, true);
	ok &= EXPECT(!apic_bit(&ctx, 2, 0x200, 0x48) &&
		     apic_bit(&ctx, 3, 0x200, 0x48));
	/* NMI through a pin: counted, as the ICR's. */
	rte_write(&ctx, 13, 0x00000400, 0x01000000);
	dev_set_irq(&ctx, 13, true);
	ok &= EXPECT(ctx.lapic[1].nmi_dropped == 1);
	return ok;
}
