// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the PC's legacy devices an unmodified Linux probes,
 * driven through the port table on a pretend clock, with the sequences
 * Linux 6.1 uses: the PIT's counter 2 and port 0x61 (pit_calibrate_tsc(),
 * quick_pit_calibrate() in arch/x86/kernel/tsc.c), the read-back command
 * and the other modes; the CMOS RTC (mc146818_get_time() and
 * mc146818_set_time() in drivers/rtc/rtc-mc146818-lib.c, the warm-reset
 * byte of smpboot.c); the i8042 and its keyboard (i8042_controller_check(),
 * _init(), check_aux(), atkbd's probe, panic_blink, the reset).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kselftest.h"

#include "lib/util.h"
#include "devices/devices.h"
#include "legacy_test.h"
#include "check.h"

#define PIT_HZ		1193182ULL
#define NSEC_PER_SEC	1000000000ULL

/* The pretend clock, and the IRQ0 edges the PIC saw. */
static __u64 now;

static __u64 test_now(void *data)
{
	return now;
}

static const struct dev_hooks hooks = { .now_ns = test_now };

static FILE *null_out;

static void ctx_init(struct dev_ctx *ctx)
{
	if (!null_out)
		null_out = fopen("/dev/null", "w");
	dev_ctx_init(ctx, null_out, false);
	ctx->hooks = &hooks;
}

/* The first time at which @ticks PIT clock ticks have passed since @t0. */
static __u64 at_ticks(__u64 t0, __u64 ticks)
{
	return t0 + (ticks * NSEC_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

/* Counter @port's count, read as lobyte then hibyte. */
static __u16 read16(struct dev_ctx *ctx, __u16 port)
{
	__u8 lo = io_in(ctx, port, 1);

	return lo | io_in(ctx, port, 1) << 8;
}

static bool out2(struct dev_ctx *ctx)
{
	return io_in(ctx, 0x61, 1) & 0x20;
}

/* pit_calibrate_tsc(): counter 2, mode 0, gate high; poll OUT2. */
bool test_pit_counter2_mode0(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx);
	now = 1000000000ULL;
	/* As the BIOS leaves it: gate and speaker off, OUT2 high (mode 3). */
	ok &= EXPECT((io_in(&ctx, 0x61, 1) & 0xef) == 0x20);
	io_out(&ctx, 0x61, 1, (io_in(&ctx, 0x61, 1) & ~0x02) | 0x01);
	io_out(&ctx, 0x43, 1, 0xb0);	/* counter 2, lobyte/hibyte, mode 0 */
	ok &= EXPECT(!out2(&ctx));	/* mode 0: OUT low from the mode set */
	io_out(&ctx, 0x42, 1, 59659 & 0xff);	/* 50 ms */
	io_out(&ctx, 0x42, 1, 59659 >> 8);
	t0 = now;
	ok &= EXPECT(!out2(&ctx));
	ok &= EXPECT(read16(&ctx, 0x42) == 59659);
	now = at_ticks(t0, 59658);
	ok &= EXPECT(!out2(&ctx));
	ok &= EXPECT(read16(&ctx, 0x42) == 1);
	now = at_ticks(t0, 59659);
	ok &= EXPECT(out2(&ctx));	/* terminal count */
	ok &= EXPECT(read16(&ctx, 0x42) == 0);
	now = at_ticks(t0, 59660);	/* counts on through zero, OUT stays */
	ok &= EXPECT(out2(&ctx));
	ok &= EXPECT(read16(&ctx, 0x42) == 0xffff);
	/* IRQ0 is counter 0's: nothing was raised. */
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);

	/* The gate low pauses mode 0; high again, it goes on. */
	io_out(&ctx, 0x43, 1, 0xb0);
	io_out(&ctx, 0x42, 1, 0x00);
	io_out(&ctx, 0x42, 1, 0x10);	/* 4096 */
	t0 = now;
	now = at_ticks(t0, 1000);
	io_out(&ctx, 0x61, 1, 0x00);
	ok &= EXPECT(read16(&ctx, 0x42) == 4096 - 1000);
	now += 10000000;
	ok &= EXPECT(read16(&ctx, 0x42) == 4096 - 1000);
	ok &= EXPECT(!out2(&ctx));
	io_out(&ctx, 0x61, 1, 0x01);
	t0 = now;
	now = at_ticks(t0, 3095);
	ok &= EXPECT(read16(&ctx, 0x42) == 1 && !out2(&ctx));
	now = at_ticks(t0, 3096);
	ok &= EXPECT(read16(&ctx, 0x42) == 0 && out2(&ctx));
	return ok;
}

/* quick_pit_calibrate(): from 0xffff, the MSB goes down every 256 ticks. */
bool test_pit_counter2_msb(void)
{
	struct dev_ctx ctx;
	unsigned int i;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx);
	now = 5000000000ULL;
	io_out(&ctx, 0x61, 1, (io_in(&ctx, 0x61, 1) & ~0x02) | 0x01);
	io_out(&ctx, 0x43, 1, 0xb0);
	io_out(&ctx, 0x42, 1, 0xff);
	io_out(&ctx, 0x42, 1, 0xff);
	t0 = now;
	for (i = 0; i < 8; i++) {
		/* pit_verify_msb(): ignore the LSB, compare the MSB. */
		now = at_ticks(t0, 256 * i);
		io_in(&ctx, 0x42, 1);
		ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0xff - i);
		now = at_ticks(t0, 256 * i + 255);
		io_in(&ctx, 0x42, 1);
		ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0xff - i);
	}
	return ok;
}

/* Modes 2 and 3 on counter 2, the gate's edge, mode 1's trigger. */
bool test_pit_counter2_modes(void)
{
	struct dev_ctx ctx;
	unsigned int t;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx);
	now = 7000000000ULL;
	io_out(&ctx, 0x61, 1, 0x01);
	/* Mode 2, 10: OUT low for the tick at count 1. */
	io_out(&ctx, 0x43, 1, 0xb4);
	io_out(&ctx, 0x42, 1, 10);
	io_out(&ctx, 0x42, 1, 0);
	t0 = now;
	for (t = 0; t < 30; t++) {
		now = at_ticks(t0, t);
		ok &= EXPECT(out2(&ctx) == (t % 10 != 9));
		ok &= EXPECT(read16(&ctx, 0x42) == 10 - t % 10);
	}
	/* Mode 3, 10: down by two, OUT high 5 ticks, low 5. */
	io_out(&ctx, 0x43, 1, 0xb6);
	io_out(&ctx, 0x42, 1, 10);
	io_out(&ctx, 0x42, 1, 0);
	t0 = now;
	for (t = 0; t < 20; t++) {
		now = at_ticks(t0, t);
		ok &= EXPECT(out2(&ctx) == (t % 10 < 5));
		ok &= EXPECT(read16(&ctx, 0x42) == 10 - 2 * (t % 5));
	}
	/* Gate low: OUT high, the count held; the rising edge restarts. */
	now = at_ticks(t0, 27);
	ok &= EXPECT(!out2(&ctx));
	io_out(&ctx, 0x61, 1, 0x00);
	ok &= EXPECT(out2(&ctx));
	now += 1000000;
	ok &= EXPECT(read16(&ctx, 0x42) == 6);
	io_out(&ctx, 0x61, 1, 0x01);
	ok &= EXPECT(read16(&ctx, 0x42) == 10 && out2(&ctx));

	/* Mode 1: OUT high until a rising gate, low for the count. */
	io_out(&ctx, 0x61, 1, 0x00);
	io_out(&ctx, 0x43, 1, 0xb2);
	io_out(&ctx, 0x42, 1, 100);
	io_out(&ctx, 0x42, 1, 0);
	now += 1000000;
	ok &= EXPECT(out2(&ctx));
	io_out(&ctx, 0x61, 1, 0x01);
	t0 = now;
	ok &= EXPECT(!out2(&ctx));
	now = at_ticks(t0, 99);
	ok &= EXPECT(!out2(&ctx) && read16(&ctx, 0x42) == 1);
	now = at_ticks(t0, 100);
	ok &= EXPECT(out2(&ctx));
	return ok;
}

/* The latch, the read-back command and its status byte, BCD counts. */
bool test_pit_read_back(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u64 t0;

	ctx_init(&ctx);
	now = 9000000000ULL;
	io_out(&ctx, 0x61, 1, 0x01);
	io_out(&ctx, 0x43, 1, 0xb0);
	/* Before a count: the status says null count, OUT low. */
	io_out(&ctx, 0x43, 1, 0xe8);	/* read back counter 2's status */
	ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0x70);
	io_out(&ctx, 0x42, 1, 0x00);
	io_out(&ctx, 0x42, 1, 0x20);	/* 8192 */
	t0 = now;
	now = at_ticks(t0, 100);
	io_out(&ctx, 0x43, 1, 0x80);	/* counter latch, counter 2 */
	now = at_ticks(t0, 300);
	io_out(&ctx, 0x43, 1, 0x80);	/* a second latch: the first holds */
	ok &= EXPECT(read16(&ctx, 0x42) == 8192 - 100);
	ok &= EXPECT(read16(&ctx, 0x42) == 8192 - 300);
	/* Read-back of count and status: status first, then the count. */
	io_out(&ctx, 0x43, 1, 0xc8);
	now = at_ticks(t0, 8192);
	ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0x30);	/* OUT low, lo/hi, 0 */
	ok &= EXPECT(read16(&ctx, 0x42) == 8192 - 300);
	io_out(&ctx, 0x43, 1, 0xe8);
	ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0xb0);	/* OUT high now */
	ok &= EXPECT(read16(&ctx, 0x42) == 0);
	/* Counter 0 and 2 at once; the control port reads as nothing. */
	io_out(&ctx, 0x43, 1, 0xca);
	ok &= EXPECT(io_in(&ctx, 0x40, 1) == 0xb6);	/* as the BIOS left it */
	ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0xb0);
	ok &= EXPECT(io_in(&ctx, 0x43, 1) == 0xff);

	/* BCD, lobyte only: 0x99 counts 99 to 0, read back in BCD. */
	io_out(&ctx, 0x43, 1, 0x91);	/* counter 2, lobyte, mode 0, BCD */
	io_out(&ctx, 0x42, 1, 0x99);
	t0 = now;
	now = at_ticks(t0, 9);
	ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0x90);
	now = at_ticks(t0, 100);	/* wraps through 9999 in BCD */
	ok &= EXPECT(io_in(&ctx, 0x42, 1) == 0x99);
	io_out(&ctx, 0x43, 1, 0xb1);
	io_out(&ctx, 0x42, 1, 0x00);
	io_out(&ctx, 0x42, 1, 0x10);	/* 1000 */
	t0 = now;
	now = at_ticks(t0, 1);
	ok &= EXPECT(read16(&ctx, 0x42) == 0x0999);
	return ok;
}

/* Port 0x61's bits; counter 0's mode 4, Linux's one-shot clock event. */
bool test_pit_port_b_and_mode4(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u8 a, b;

	ctx_init(&ctx);
	now = 15085ULL * 1000;		/* an even refresh period */
	io_out(&ctx, 0x61, 1, 0xfe);
	a = io_in(&ctx, 0x61, 1);
	now += 15085;
	b = io_in(&ctx, 0x61, 1);
	/* Four bits as written; refresh toggles; no NMI source. */
	ok &= EXPECT((a & 0xcf) == 0x0e && (b & 0xcf) == 0x0e);
	ok &= EXPECT(!(a & 0x10) && (b & 0x10));
	ok &= EXPECT(a & 0x20);	/* counter 2 stopped in mode 3: OUT high */

	/* PIC: IRQ0 unmasked at vector 0x20. */
	io_out(&ctx, 0x20, 1, 0x11);
	io_out(&ctx, 0x21, 1, 0x20);
	io_out(&ctx, 0x21, 1, 0x04);
	io_out(&ctx, 0x21, 1, 0x01);
	io_out(&ctx, 0x21, 1, 0xfe);
	/* Mode 4, 1000 ticks: one edge, one tick after terminal count. */
	io_out(&ctx, 0x43, 1, 0x38);
	io_out(&ctx, 0x40, 1, 1000 & 0xff);
	io_out(&ctx, 0x40, 1, 1000 >> 8);
	ok &= EXPECT(pit_next_event_ns(&ctx) == 838934);
	now = at_ticks(now, 1000);
	pit_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	now += 839;
	pit_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == 0x20);
	dev_intr_ack(&ctx, 0, 0x20);
	io_out(&ctx, 0x20, 1, 0x20);
	ok &= EXPECT(pit_next_event_ns(&ctx) == -1);
	now += 100000000;
	pit_update(&ctx);
	ok &= EXPECT(dev_intr_peek(&ctx, 0) == -1);
	return ok;
}
