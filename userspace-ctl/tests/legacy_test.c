// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the PC's legacy devices an unmodified Linux probes,
 * driven through the port table on a pretend clock, with the sequences
 * Linux 6.1 uses: the PIT's counter 2 and port 0x61 (pit_calibrate_tsc(),
 * quick_pit_calibrate() in arch/x86/kernel/tsc.c), the read-back command
 * and the other modes; the CMOS RTC (mc146818_get_time() and
 * mc146818_set_time() in drivers/rtc/rtc-mc146818-lib.c, the warm-reset
 * byte of smpboot.c); the i8042 and its keyboard (i8042_controller_check(),
 * _init(), check_aux(), atkbd's probe and cleanup, panic_blink, the reset
 * after an orderly reboot and after an emergency restart).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* ---- the RTC ------------------------------------------------------------ */

static __u8 cmos_read(struct dev_ctx *ctx, __u8 reg)
{
	io_out(ctx, 0x70, 1, reg);
	return io_in(ctx, 0x71, 1);
}

static void cmos_write(struct dev_ctx *ctx, __u8 reg, __u8 val)
{
	io_out(ctx, 0x70, 1, reg);
	io_out(ctx, 0x71, 1, val);
}

/* The RTC's clock at @secs (UTC) and @ns after, now. */
static void rtc_at(struct dev_ctx *ctx, __s64 secs, __s64 ns)
{
	ctx->rtc.offset_ns = secs * (__s64)NSEC_PER_SEC + ns - (__s64)now;
}

/*
 * The time registers as "CCYY-MM-DD hh:mm:ss W" (century, year, month,
 * day, hours, minutes, seconds, day of the week), each in hex: in BCD,
 * the date as it reads.
 */
static bool cmos_time_is(struct dev_ctx *ctx, const char *want)
{
	char got[32];

	snprintf(got, sizeof(got), "%02x%02x-%02x-%02x %02x:%02x:%02x %x",
		 cmos_read(ctx, 0x32), cmos_read(ctx, 0x09),
		 cmos_read(ctx, 0x08), cmos_read(ctx, 0x07),
		 cmos_read(ctx, 0x04), cmos_read(ctx, 0x02),
		 cmos_read(ctx, 0x00), cmos_read(ctx, 0x06));
	if (!strcmp(got, want))
		return true;
	ksft_print_msg("RTC %s, want %s\n", got, want);
	return false;
}

/*
 * mc146818_get_time(): seconds, UIP clear, the rest, in BCD and 24 hours
 * as at power-on; the clock runs on, across a leap day.
 */
bool test_rtc_read_time(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx);
	now = 3000000000ULL;
	ok &= EXPECT(cmos_read(&ctx, 0x0a) == 0x26);
	ok &= EXPECT(cmos_read(&ctx, 0x0b) == 0x02);
	ok &= EXPECT(cmos_read(&ctx, 0x0d) == 0x80);
	rtc_at(&ctx, 1709251198, 500000000);	/* 2024-02-29 23:59:58.5 */
	ok &= cmos_time_is(&ctx, "2024-02-29 23:59:58 5");
	now += 1500000000;			/* Friday 1 March, midnight */
	ok &= cmos_time_is(&ctx, "2024-03-01 00:00:00 6");
	/* UIP: the last 244 us before an update, and only then. */
	ok &= EXPECT(!(cmos_read(&ctx, 0x0a) & 0x80));
	now += 999756000 - 1;
	ok &= EXPECT(cmos_read(&ctx, 0x0a) == 0x26);
	ok &= EXPECT(cmos_read(&ctx, 0x00) == 0x00);
	now += 1;
	ok &= EXPECT(cmos_read(&ctx, 0x0a) == 0xa6);
	ok &= EXPECT(cmos_read(&ctx, 0x00) == 0x00);
	now += 244000;
	ok &= EXPECT(cmos_read(&ctx, 0x0a) == 0x26);
	ok &= EXPECT(cmos_read(&ctx, 0x00) == 0x01);

	/* 2099-12-31 23:59:59 to 2100, no leap year: the century moves. */
	rtc_at(&ctx, 4102444799, 0);
	ok &= cmos_time_is(&ctx, "2099-12-31 23:59:59 5");
	now += NSEC_PER_SEC;
	ok &= cmos_time_is(&ctx, "2100-01-01 00:00:00 6");

	/* Binary (in hex here) and 12 hours: 11 PM is 11 with bit 7. */
	rtc_at(&ctx, 1709251198, 0);
	cmos_write(&ctx, 0x0b, 0x04);
	ok &= cmos_time_is(&ctx, "1418-02-1d 8b:3b:3a 5");
	now += 2 * NSEC_PER_SEC;		/* midnight: 12 AM */
	ok &= EXPECT(cmos_read(&ctx, 0x04) == 12);
	now += 12 * 3600 * NSEC_PER_SEC;	/* noon: 12 PM */
	ok &= EXPECT(cmos_read(&ctx, 0x04) == (0x80 | 12));
	cmos_write(&ctx, 0x0b, 0x00);		/* BCD, 12 hours */
	ok &= EXPECT(cmos_read(&ctx, 0x04) == 0x92);
	cmos_write(&ctx, 0x04, 0x81);		/* 1 PM */
	cmos_write(&ctx, 0x0b, 0x02);
	ok &= EXPECT(cmos_read(&ctx, 0x04) == 0x13);
	cmos_write(&ctx, 0x0b, 0x00);
	cmos_write(&ctx, 0x04, 0x12);		/* 12 AM */
	cmos_write(&ctx, 0x0b, 0x02);
	ok &= EXPECT(cmos_read(&ctx, 0x04) == 0x00);

	/* The host's date at power-on (around a new year, either). */
	ctx.hooks = NULL;
	rtc_reset(&ctx);
	{
		time_t t = time(NULL);
		struct tm tm;
		unsigned int y;

		gmtime_r(&t, &tm);
		y = (cmos_read(&ctx, 0x32) >> 4) * 1000 +
		    (cmos_read(&ctx, 0x32) & 0xf) * 100 +
		    (cmos_read(&ctx, 0x09) >> 4) * 10 +
		    (cmos_read(&ctx, 0x09) & 0xf);
		ok &= EXPECT(y >= (unsigned int)tm.tm_year + 1900 - 1 &&
			     y <= (unsigned int)tm.tm_year + 1900 + 1);
	}
	return ok;
}

/*
 * mc146818_set_time(): SET and the divider held while the time is
 * written; the clock stands still meanwhile, then runs from the new time,
 * its first update half a second after the divider restarts.
 */
bool test_rtc_set_time(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__s64 before;

	ctx_init(&ctx);
	now = 4000000000ULL;
	rtc_at(&ctx, 1709251198, 300000000);
	before = ctx.rtc.offset_ns;
	cmos_write(&ctx, 0x0b, cmos_read(&ctx, 0x0b) | 0x80);
	cmos_write(&ctx, 0x0a, cmos_read(&ctx, 0x0a) | 0x70);
	cmos_write(&ctx, 0x09, 0x31);
	cmos_write(&ctx, 0x08, 0x12);
	cmos_write(&ctx, 0x07, 0x31);
	cmos_write(&ctx, 0x04, 0x23);
	cmos_write(&ctx, 0x02, 0x59);
	cmos_write(&ctx, 0x00, 0x59);
	now += 5 * NSEC_PER_SEC;		/* held: no update, no UIP */
	ok &= cmos_time_is(&ctx, "2031-12-31 23:59:59 4");
	ok &= EXPECT(!(cmos_read(&ctx, 0x0a) & 0x80));
	ok &= EXPECT(ctx.rtc.offset_ns == before);	/* nothing moved yet */
	cmos_write(&ctx, 0x0b, 0x02);
	now += NSEC_PER_SEC;
	ok &= EXPECT(cmos_read(&ctx, 0x00) == 0x59);	/* A still holds it */
	cmos_write(&ctx, 0x0a, 0x26);
	now += NSEC_PER_SEC / 2 - 1;
	ok &= EXPECT(cmos_read(&ctx, 0x00) == 0x59);
	now += 1;
	ok &= cmos_time_is(&ctx, "2032-01-01 00:00:00 5");

	/* One field while the clock runs: the second's phase is kept. */
	now += NSEC_PER_SEC / 4;
	cmos_write(&ctx, 0x02, 0x30);
	ok &= EXPECT(cmos_read(&ctx, 0x02) == 0x30);
	now += NSEC_PER_SEC * 3 / 4 - 1;
	ok &= EXPECT(cmos_read(&ctx, 0x00) == 0x00);
	now += 1;
	ok &= EXPECT(cmos_read(&ctx, 0x00) == 0x01);
	/* The day of the week goes its own way once written. */
	cmos_write(&ctx, 0x06, 0x02);
	ok &= EXPECT(cmos_read(&ctx, 0x06) == 0x02);
	now += 86400 * NSEC_PER_SEC;
	ok &= EXPECT(cmos_read(&ctx, 0x06) == 0x03);
	ok &= EXPECT(cmos_read(&ctx, 0x07) == 0x02);
	/* The century too (PC BIOSes keep it at 0x32). */
	cmos_write(&ctx, 0x32, 0x19);
	ok &= EXPECT(cmos_read(&ctx, 0x09) == 0x32 &&
		     cmos_read(&ctx, 0x32) == 0x19);
	return ok;
}

/* Register C's flags, read to clear; D; RAM; the NMI mask bit. */
bool test_rtc_flags_and_ram(void)
{
	struct dev_ctx ctx;
	unsigned int i;
	bool ok = true;

	ctx_init(&ctx);
	now = 6000000000ULL;
	rtc_at(&ctx, 1709251198, 0);
	cmos_read(&ctx, 0x0c);
	ok &= EXPECT(cmos_read(&ctx, 0x0c) == 0x00);
	now += 1000000;				/* a 1024 Hz period */
	ok &= EXPECT(cmos_read(&ctx, 0x0c) == 0x40);
	ok &= EXPECT(cmos_read(&ctx, 0x0c) == 0x00);
	now += NSEC_PER_SEC;			/* an update too */
	ok &= EXPECT(cmos_read(&ctx, 0x0c) == 0x50);
	cmos_write(&ctx, 0x0b, 0x12);		/* UIE */
	now += NSEC_PER_SEC;
	ok &= EXPECT(cmos_read(&ctx, 0x0c) == 0xd0);
	cmos_write(&ctx, 0x0a, 0x20);		/* no periodic rate */
	now += NSEC_PER_SEC;
	ok &= EXPECT(cmos_read(&ctx, 0x0c) == 0x90);
	/* Setting SET clears UIE; C and D are read-only, UIP too. */
	cmos_write(&ctx, 0x0b, 0x92);
	ok &= EXPECT(cmos_read(&ctx, 0x0b) == 0x82);
	cmos_write(&ctx, 0x0c, 0xff);
	cmos_write(&ctx, 0x0d, 0x00);
	ok &= EXPECT(cmos_read(&ctx, 0x0d) == 0x80);
	cmos_write(&ctx, 0x0a, 0xa6);
	ok &= EXPECT(cmos_read(&ctx, 0x0a) == 0x26);
	cmos_write(&ctx, 0x0b, 0x02);

	/* Linux's warm-reset byte, with NMIs masked by the index. */
	io_out(&ctx, 0x70, 1, 0x8f);
	io_out(&ctx, 0x71, 1, 0x0a);
	ok &= EXPECT(ctx.rtc.nmi_masked);
	ok &= EXPECT(cmos_read(&ctx, 0x0f) == 0x0a);
	ok &= EXPECT(!ctx.rtc.nmi_masked);
	ok &= EXPECT(io_in(&ctx, 0x70, 1) == 0xff);
	/* The rest of the 128 bytes, alarms included, hold what is written. */
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			cmos_write(&ctx, i, i ^ 0x5a);
	cmos_write(&ctx, 0x01, 0x11);
	cmos_write(&ctx, 0x03, 0x22);
	cmos_write(&ctx, 0x05, 0x33);
	for (i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			ok &= EXPECT(cmos_read(&ctx, i) == (i ^ 0x5a));
	ok &= EXPECT(cmos_read(&ctx, 0x01) == 0x11 &&
		     cmos_read(&ctx, 0x03) == 0x22 &&
		     cmos_read(&ctx, 0x05) == 0x33);
	/* Index 0x80 | 0x7f is register 0x7f. */
	io_out(&ctx, 0x70, 1, 0xff);
	ok &= EXPECT(io_in(&ctx, 0x71, 1) == (0x7f ^ 0x5a));
	/* The time still the clock's. */
	ok &= EXPECT(cmos_read(&ctx, 0x09) == 0x24);
	return ok;
}

/* ---- the i8042 ---------------------------------------------------------- */

/* The PIC as Linux sets it up, IRQ1 unmasked at vector 0x21. */
static void pic_irq1(struct dev_ctx *ctx)
{
	static const __u8 init[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x20 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xa0, 0x11 }, { 0xa1, 0x28 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
		{ 0x21, 0xfd }, { 0xa1, 0xff },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(init); i++)
		io_out(ctx, init[i][0], 1, init[i][1]);
}

/* IRQ1 pending: take it and end it, as Linux's handler does around it. */
static bool take_irq1(struct dev_ctx *ctx)
{
	if (dev_intr_peek(ctx, 0) != 0x21)
		return false;
	dev_intr_ack(ctx, 0, 0x21);
	io_out(ctx, 0x20, 1, 0x20);
	return true;
}

/* Bytes the guest reads at 0x60 now, as "fa ab 41" (OBF polled). */
static bool obuf_is(struct dev_ctx *ctx, const char *want)
{
	char got[64] = "";
	size_t n = 0;

	while (io_in(ctx, 0x64, 1) & 0x01 && n + 4 < sizeof(got))
		n += snprintf(got + n, sizeof(got) - n, "%s%02x", n ? " " : "",
			      io_in(ctx, 0x60, 1));
	if (!strcmp(got, want))
		return true;
	ksft_print_msg("i8042 output \"%s\", want \"%s\"\n", got, want);
	return false;
}

/* A controller command and its answer. */
static bool cmd_is(struct dev_ctx *ctx, __u8 cmd, const char *want)
{
	io_out(ctx, 0x64, 1, cmd);
	return obuf_is(ctx, want);
}

/* A byte to the keyboard and its answer. */
static bool kbd_is(struct dev_ctx *ctx, __u8 v, const char *want)
{
	io_out(ctx, 0x60, 1, v);
	return obuf_is(ctx, want);
}

/* Linux 6.1's i8042 probe, then atkbd's, in the order they run. */
static bool linux_probe(struct dev_ctx *ctx)
{
	bool ok = true;

	/* i8042_controller_check(): nothing to flush; never keylocked. */
	ok &= EXPECT(io_in(ctx, 0x64, 1) == 0x14);
	ok &= cmd_is(ctx, 0xaa, "55");		/* self-test */
	/* i8042_controller_init(): the CTR twice, then written back. */
	ok &= cmd_is(ctx, 0x20, "65");
	ok &= cmd_is(ctx, 0x20, "65");
	ok &= EXPECT(io_in(ctx, 0x64, 1) == 0x1c);	/* a command last */
	io_out(ctx, 0x64, 1, 0x60);
	io_out(ctx, 0x60, 1, 0x74);	/* KBDDIS, no KBDINT, XLATE kept */
	ok &= EXPECT(io_in(ctx, 0x64, 1) == 0x14);	/* data last */
	ok &= cmd_is(ctx, 0x20, "74");
	/* i8042_check_aux(): no aux loop, then the aux port's clock stuck. */
	io_out(ctx, 0x64, 1, 0xd3);
	io_out(ctx, 0x60, 1, 0x5a);
	ok &= EXPECT((io_in(ctx, 0x64, 1) & 0x21) == 0x01);	/* not aux */
	ok &= obuf_is(ctx, "fe");
	ok &= cmd_is(ctx, 0xa9, "02");
	/* i8042_setup_kbd(): IRQ1 on, the interface enabled. */
	pic_irq1(ctx);
	io_out(ctx, 0x64, 1, 0x60);
	io_out(ctx, 0x60, 1, 0x65);
	ok &= EXPECT(dev_intr_peek(ctx, 0) == -1);

	/* atkbd_probe(): identify, by IRQ1, one byte per interrupt. */
	io_out(ctx, 0x60, 1, 0xf2);
	ok &= EXPECT(take_irq1(ctx));
	ok &= EXPECT(io_in(ctx, 0x60, 1) == 0xfa);
	ok &= EXPECT(take_irq1(ctx));
	ok &= EXPECT(io_in(ctx, 0x60, 1) == 0xab);
	ok &= EXPECT(take_irq1(ctx));
	ok &= EXPECT(io_in(ctx, 0x60, 1) == 0x41);	/* 0x83 translated */
	ok &= EXPECT(!take_irq1(ctx));
	ok &= EXPECT(!(io_in(ctx, 0x64, 1) & 0x01));
	ok &= EXPECT(io_in(ctx, 0x60, 1) == 0x41);	/* read again: held */
	ok &= kbd_is(ctx, 0xf5, "fa");			/* deactivate */
	/* atkbd_reset_state(): LEDs off, fastest repeat; then enable. */
	ok &= kbd_is(ctx, 0xed, "fa");
	ok &= kbd_is(ctx, 0x00, "fa");
	ok &= kbd_is(ctx, 0xf3, "fa");
	ok &= kbd_is(ctx, 0x00, "fa");
	ok &= kbd_is(ctx, 0xf4, "fa");
	ok &= EXPECT(!ctx->stop);
	return ok;
}

bool test_i8042_linux_probe(void)
{
	struct dev_ctx ctx;
	bool ok;

	ctx_init(&ctx);
	ok = linux_probe(&ctx);
	/*
	 * Linux's orderly reboot: device_shutdown(), atkbd's cleanup (0xf6)
	 * and the controller's reset (the CTR, then the BIOS's), then 0xfe.
	 */
	ok &= kbd_is(&ctx, 0xf6, "fa");
	io_out(&ctx, 0x64, 1, 0x60);
	io_out(&ctx, 0x60, 1, 0x74);
	io_out(&ctx, 0x64, 1, 0x60);
	io_out(&ctx, 0x60, 1, 0x65);
	io_out(&ctx, 0x64, 1, 0xfe);
	ok &= EXPECT(ctx.stop == DEV_STOP_RESET);
	return ok;
}

/* The keyboard's other commands; the controller's other commands. */
bool test_i8042_commands(void)
{
	struct dev_ctx ctx;
	unsigned int i;
	bool ok = true;

	ctx_init(&ctx);
	ok &= kbd_is(&ctx, 0xff, "fa aa");		/* reset, BAT passed */
	ok &= kbd_is(&ctx, 0xee, "ee");			/* echo */
	ok &= kbd_is(&ctx, 0x5a, "fe");			/* not a command */
	ok &= kbd_is(&ctx, 0xfe, "fe");			/* resend the last */
	ok &= kbd_is(&ctx, 0xf0, "fa");
	ok &= kbd_is(&ctx, 0x00, "fa 41");		/* set 2, translated */
	ok &= kbd_is(&ctx, 0xf0, "fa");
	ok &= kbd_is(&ctx, 0x03, "fa");
	ok &= kbd_is(&ctx, 0xf0, "fa");
	ok &= kbd_is(&ctx, 0x00, "fa 3f");
	ok &= kbd_is(&ctx, 0xf0, "fa");
	ok &= kbd_is(&ctx, 0x07, "fe");			/* no set 7 */
	ok &= kbd_is(&ctx, 0xf6, "fa");			/* defaults: set 2 */
	ok &= kbd_is(&ctx, 0xfa, "fa");			/* set 3 key types */
	/* A command where a parameter was due is a command. */
	ok &= kbd_is(&ctx, 0xed, "fa");
	ok &= kbd_is(&ctx, 0xf2, "fa ab 41");
	ok &= EXPECT(!ctx.i8042.kbd_leds);
	/* Untranslated, the ID and the scan set as the keyboard says them. */
	io_out(&ctx, 0x64, 1, 0x60);
	io_out(&ctx, 0x60, 1, 0x25);
	ok &= kbd_is(&ctx, 0xf2, "fa ab 83");
	ok &= kbd_is(&ctx, 0xf0, "fa");
	ok &= kbd_is(&ctx, 0x00, "fa 02");

	/* The command byte's interface bits; the output port; 0xd2. */
	ok &= cmd_is(&ctx, 0xad, "");
	ok &= cmd_is(&ctx, 0xa8, "");
	ok &= cmd_is(&ctx, 0x20, "15");
	ok &= cmd_is(&ctx, 0xae, "");
	ok &= cmd_is(&ctx, 0xa7, "");
	ok &= cmd_is(&ctx, 0x20, "25");
	ok &= cmd_is(&ctx, 0xab, "00");
	ok &= cmd_is(&ctx, 0xd0, "03");
	io_out(&ctx, 0x64, 1, 0xd2);
	io_out(&ctx, 0x60, 1, 0x1c);
	ok &= obuf_is(&ctx, "1c");
	ok &= cmd_is(&ctx, 0xc0, "00");
	ok &= cmd_is(&ctx, 0x12, "");			/* unknown: nothing */
	/* The keyboard's buffer holds 16 bytes. */
	for (i = 0; i < 20; i++)
		io_out(&ctx, 0x60, 1, 0xee);
	ok &= obuf_is(&ctx, "ee ee ee ee ee ee ee ee ee ee ee ee ee ee ee ee");
	ok &= EXPECT(!ctx.stop);
	return ok;
}

/* The reset line, and Linux's panic blink; each says so in --trace. */
bool test_i8042_reset_and_panic(void)
{
	static const __u8 resets[] = { 0xfe, 0xfc, 0xf0, 0xf2 };
	const struct io_dev *dev;
	struct dev_ctx ctx;
	unsigned int i;
	bool ok = true;
	char buf[128];
	__u32 v;

	for (i = 0; i < ARRAY_SIZE(resets); i++) {
		ctx_init(&ctx);
		io_out(&ctx, 0x64, 1, resets[i]);
		ok &= EXPECT(ctx.stop == DEV_STOP_RESET);
	}
	/* Pulses that leave bit 0 alone; the output port with bit 0 set. */
	ctx_init(&ctx);
	io_out(&ctx, 0x64, 1, 0xff);
	io_out(&ctx, 0x64, 1, 0xfd);
	io_out(&ctx, 0x64, 1, 0xd1);
	io_out(&ctx, 0x60, 1, 0x03);
	ok &= EXPECT(!ctx.stop);
	io_out(&ctx, 0x64, 1, 0xd1);
	v = 0x02;
	dev = io_access(&ctx, 0x60, 1, true, &v);
	ok &= EXPECT(ctx.stop == DEV_STOP_RESET);
	io_trace(&ctx, dev, true, v, buf, sizeof(buf));
	ok &= EXPECT(!strcmp(buf, "i8042: reset"));

	/*
	 * An emergency restart (a panic with panic=-1): 0xfe with the
	 * keyboard as atkbd left it.
	 */
	ctx_init(&ctx);
	ok &= linux_probe(&ctx);
	v = 0xfe;
	dev = io_access(&ctx, 0x64, 1, true, &v);
	ok &= EXPECT(ctx.stop == DEV_STOP_EMERGENCY);
	io_trace(&ctx, dev, true, v, buf, sizeof(buf));
	ok &= EXPECT(!strcmp(buf,
			     "i8042: reset, the keyboard still enabled: an emergency restart"));
	/* The keyboard reset, or disabled, is no longer in use. */
	ctx_init(&ctx);
	ok &= linux_probe(&ctx);
	ok &= kbd_is(&ctx, 0xff, "fa aa");
	io_out(&ctx, 0x64, 1, 0xfe);
	ok &= EXPECT(ctx.stop == DEV_STOP_RESET);
	ctx_init(&ctx);
	ok &= linux_probe(&ctx);
	ok &= kbd_is(&ctx, 0xf5, "fa");
	io_out(&ctx, 0x64, 1, 0xfe);
	ok &= EXPECT(ctx.stop == DEV_STOP_RESET);

	/* i8042_panic_blink(): 0xed then 0x05, without waiting for ACK. */
	ctx_init(&ctx);
	io_out(&ctx, 0x60, 1, 0xed);
	ok &= EXPECT(!ctx.stop);
	v = 0x05;
	dev = io_access(&ctx, 0x60, 1, true, &v);
	ok &= EXPECT(ctx.stop == DEV_STOP_PANIC);
	io_trace(&ctx, dev, true, v, buf, sizeof(buf));
	ok &= EXPECT(!strcmp(buf, "i8042: keyboard LEDs blink: the guest panicked"));
	/* Other LEDs are only LEDs. */
	ctx_init(&ctx);
	ok &= kbd_is(&ctx, 0xed, "fa");
	ok &= kbd_is(&ctx, 0x07, "fa");
	ok &= kbd_is(&ctx, 0xed, "fa");
	ok &= kbd_is(&ctx, 0x04, "fa");
	ok &= EXPECT(!ctx.stop && ctx.i8042.kbd_leds == 4);
	return ok;
}
