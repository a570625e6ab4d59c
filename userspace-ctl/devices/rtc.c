// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS real-time clock (Motorola MC146818A, as in every PC) at ports
 * 0x70 (index; bit 7 masks NMIs) and 0x71 (data): the host's date and time
 * in UTC, running on the devices' clock (dev_now_ns()), and 128 bytes of
 * CMOS RAM.
 *
 * Registers 0-9 (seconds, alarm, minutes, alarm, hours, alarm, day of the
 * week, of the month, month, year) and 0x32 (the century, where PC BIOSes
 * and ACPI's FADT keep it) read the clock in BCD or binary and in 24 or 12
 * hours (bit 7 PM) as register B says, whatever it said when the time was
 * set. Register A: UIP (bit 7) is set for the 244 us before each update,
 * as on the chip, so a reader that waits for it clear reads a consistent
 * time; the divider (bits 6-4: 11x holds the clock, anything else runs
 * it; restarted, the first update comes half a second later) and the rate
 * (bits 3-0) are kept. Register B's SET (bit 7) holds the clock while the
 * guest sets it. Register C reads and clears the update-ended (UF) and
 * periodic (PF) flags, and IRQF when one of them is enabled; alarms are
 * kept but never fire (AF stays 0). Register D: the battery is good
 * (VRT). No IRQ8: Linux reads the clock at boot and on request, and uses
 * its interrupts only for /dev/rtc's alarms and update events.
 *
 * The guest setting the time moves its own clock, never the host's: the
 * clock is the devices' clock plus an offset, and a write changes the
 * offset. Years 1900 to 2199.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "devices/state.h"

#define RTC_PORT_INDEX		0x70
#define RTC_INDEX_MASK		0x7f
#define RTC_NMI_DISABLE		0x80

#define RTC_SECONDS		0x00
#define RTC_MINUTES		0x02
#define RTC_HOURS		0x04
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32

#define RTC_A_UIP		0x80
#define RTC_A_DIV_MASK		0x70
#define RTC_A_DIV_RESET		0x60	/* 110 and 111 hold the divider */
#define RTC_A_RATE_MASK		0x0f
#define RTC_B_SET		0x80
#define RTC_B_PIE		0x40
#define RTC_B_AIE		0x20
#define RTC_B_UIE		0x10
#define RTC_B_DM_BINARY		0x04
#define RTC_B_24H		0x02
#define RTC_C_IRQF		0x80
#define RTC_C_PF		0x40
#define RTC_C_UF		0x10
#define RTC_D_VRT		0x80
#define RTC_HOURS_PM		0x80

#define NSEC_PER_SEC		1000000000LL
#define SECS_PER_DAY		86400
#define UIP_NS			244000	/* UIP before an update (datasheet) */
#define YEAR_MIN		1900
#define YEAR_MAX		2199

/* ---- the calendar (proleptic Gregorian, UTC) ----------------------------- */

static bool is_leap(__s64 y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap years from year 1 up to, not including, @y (@y >= 1). */
static __s64 leaps_before(__s64 y)
{
	y--;
	return y / 4 - y / 100 + y / 400;
}

static const unsigned short days_before_month[] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

/* Days from 1970-01-01 to @y-@m-@d; @m 1 to 12, @d counted on from 1. */
static __s64 days_from_civil(__s64 y, unsigned int m, __s64 d)
{
	return 365 * (y - 1970) + leaps_before(y) - leaps_before(1970) +
	       days_before_month[m - 1] + (m > 2 && is_leap(y)) + d - 1;
}

static __s64 floor_div(__s64 a, __s64 b)
{
	return a / b - (a % b < 0);
}

struct rtc_tm {
	__s64 year;
	unsigned int mon, mday, hour, min, sec, wday;	/* wday 0 Sunday */
};

static void secs_to_tm(__s64 secs, struct rtc_tm *tm)
{
	__s64 days = floor_div(secs, SECS_PER_DAY);
	__s64 rem = secs - days * SECS_PER_DAY;
	unsigned int m;

	tm->hour = rem / 3600;
	tm->min = rem / 60 % 60;
	tm->sec = rem % 60;
	tm->wday = (unsigned int)((days % 7 + 7 + 4) % 7);	/* a Thursday */
	tm->year = 1970 + floor_div(days, 365);
	while (days_from_civil(tm->year, 1, 1) > days)
		tm->year--;
	while (days_from_civil(tm->year + 1, 1, 1) <= days)
		tm->year++;
	days -= days_from_civil(tm->year, 1, 1);
	for (m = 12; m > 1; m--)
		if (days >= days_before_month[m - 1] +
			    (m > 2 && is_leap(tm->year)))
			break;
	tm->mon = m;
	tm->mday = days - days_before_month[m - 1] -
		   (m > 2 && is_leap(tm->year)) + 1;
}

/* Out-of-range fields carry on (the 32nd of a month is the next 1st). */
static __s64 tm_to_secs(const struct rtc_tm *tm)
{
	__s64 y = tm->year;
	unsigned int mon = tm->mon;

	if (y < YEAR_MIN)
		y = YEAR_MIN;
	if (y > YEAR_MAX)
		y = YEAR_MAX;
	if (mon < 1)
		mon = 1;
	if (mon > 12)
		mon = 12;
	return (days_from_civil(y, mon, tm->mday ? tm->mday : 1) *
		SECS_PER_DAY) + tm->hour * 3600 + tm->min * 60 + tm->sec;
}

/* ---- the clock ---------------------------------------------------------- */

/* The clock is held: SET, or the divider in reset. */
static bool rtc_held(const struct rtc_state *r)
{
	return (r->ram[RTC_REG_B] & RTC_B_SET) ||
	       (r->ram[RTC_REG_A] & RTC_A_DIV_RESET) == RTC_A_DIV_RESET;
}

/* The guest's time now, in ns since 1970 (UTC). */
static __s64 rtc_time_ns(struct dev_ctx *ctx)
{
	struct rtc_state *r = &ctx->rtc;

	if (r->held)
		return r->held_ns;
	return (__s64)dev_now_ns(ctx) + r->offset_ns;
}

/* Make the guest's time @ns, from now on. */
static void rtc_set_time_ns(struct dev_ctx *ctx, __s64 ns)
{
	struct rtc_state *r = &ctx->rtc;

	if (r->held)
		r->held_ns = ns;
	else
		r->offset_ns = ns - (__s64)dev_now_ns(ctx);
}

/* Hold or release the clock as registers A and B now say. */
static void rtc_update_held(struct dev_ctx *ctx, bool divider_restart)
{
	struct rtc_state *r = &ctx->rtc;
	bool held = rtc_held(r);

	if (held == r->held)
		return;
	if (held) {
		/* The time as it stands, to the second: no update now. */
		r->held_ns = floor_div(rtc_time_ns(ctx), NSEC_PER_SEC) *
			     NSEC_PER_SEC;
		r->held = true;
		return;
	}
	r->held = false;
	/* Out of divider reset, the first update is 500 ms away. */
	rtc_set_time_ns(ctx, r->held_ns +
			(divider_restart ? NSEC_PER_SEC / 2 : 0));
}

/*
 * The guest's clock starts at the host's UTC time: the offset from the
 * devices' clock, which without hooks (and in vmm/) is CLOCK_MONOTONIC.
 */
void rtc_reset(struct dev_ctx *ctx)
{
	struct rtc_state *r = &ctx->rtc;
	struct timespec real, mono;

	memset(r, 0, sizeof(*r));
	r->ram[RTC_REG_A] = 0x26;	/* 32.768 kHz, 1024 Hz periodic rate */
	r->ram[RTC_REG_B] = RTC_B_24H;	/* BCD, 24 hours */
	r->ram[RTC_REG_D] = RTC_D_VRT;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	r->offset_ns = (real.tv_sec - mono.tv_sec) * NSEC_PER_SEC +
		       (real.tv_nsec - mono.tv_nsec);
}

/* ---- registers ---------------------------------------------------------- */

static __u8 to_bcd(unsigned int v)
{
	return (v / 10 % 10) << 4 | v % 10;
}

static unsigned int from_bcd(__u8 v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

/* @v in the format register B asks for. */
static __u8 rtc_encode(const struct rtc_state *r, unsigned int v)
{
	return r->ram[RTC_REG_B] & RTC_B_DM_BINARY ? v : to_bcd(v);
}

static unsigned int rtc_decode(const struct rtc_state *r, __u8 v)
{
	return r->ram[RTC_REG_B] & RTC_B_DM_BINARY ? v : from_bcd(v);
}

static __u8 rtc_encode_hours(const struct rtc_state *r, unsigned int h)
{
	unsigned int h12 = h % 12 ? h % 12 : 12;

	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return rtc_encode(r, h);
	return rtc_encode(r, h12) | (h >= 12 ? RTC_HOURS_PM : 0);
}

static unsigned int rtc_decode_hours(const struct rtc_state *r, __u8 v)
{
	unsigned int h;

	if (r->ram[RTC_REG_B] & RTC_B_24H)
		return rtc_decode(r, v);
	h = rtc_decode(r, v & ~RTC_HOURS_PM) % 12;	/* 12 AM is 0 */
	return v & RTC_HOURS_PM ? h + 12 : h;
}

/* A time register @reg, from the clock. */
static __u8 rtc_read_time(struct dev_ctx *ctx, unsigned int reg)
{
	struct rtc_state *r = &ctx->rtc;
	struct rtc_tm tm;

	secs_to_tm(floor_div(rtc_time_ns(ctx), NSEC_PER_SEC), &tm);
	switch (reg) {
	case RTC_SECONDS:
		return rtc_encode(r, tm.sec);
	case RTC_MINUTES:
		return rtc_encode(r, tm.min);
	case RTC_HOURS:
		return rtc_encode_hours(r, tm.hour);
	case RTC_DAY_OF_WEEK:		/* 1 to 7, Sunday 1 */
		return rtc_encode(r, (tm.wday + r->wday_adjust) % 7 + 1);
	case RTC_DAY_OF_MONTH:
		return rtc_encode(r, tm.mday);
	case RTC_MONTH:
		return rtc_encode(r, tm.mon);
	case RTC_YEAR:
		return rtc_encode(r, tm.year % 100);
	default:			/* RTC_CENTURY */
		return rtc_encode(r, tm.year / 100);
	}
}

/* A time register @reg written: the clock moves, to the nanosecond. */
static void rtc_write_time(struct dev_ctx *ctx, unsigned int reg, __u8 v)
{
	struct rtc_state *r = &ctx->rtc;
	__s64 ns = rtc_time_ns(ctx);
	__s64 secs = floor_div(ns, NSEC_PER_SEC);
	struct rtc_tm tm;

	secs_to_tm(secs, &tm);
	switch (reg) {
	case RTC_SECONDS:
		tm.sec = rtc_decode(r, v & 0x7f);
		break;
	case RTC_MINUTES:
		tm.min = rtc_decode(r, v & 0x7f);
		break;
	case RTC_HOURS:
		tm.hour = rtc_decode_hours(r, v);
		break;
	case RTC_DAY_OF_WEEK:
		/* Kept apart: the chip counts it, it follows no date. */
		r->wday_adjust = (rtc_decode(r, v) + 6 - tm.wday % 7 +
				  7 * 100) % 7;
		return;
	case RTC_DAY_OF_MONTH:
		tm.mday = rtc_decode(r, v);
		break;
	case RTC_MONTH:
		tm.mon = rtc_decode(r, v);
		break;
	case RTC_YEAR:
		tm.year = tm.year / 100 * 100 + rtc_decode(r, v) % 100;
		break;
	default:			/* RTC_CENTURY */
		tm.year = rtc_decode(r, v) * 100 + tm.year % 100;
		break;
	}
	rtc_set_time_ns(ctx, tm_to_secs(&tm) * NSEC_PER_SEC +
			(ns - secs * NSEC_PER_SEC));
}

/* The periodic interrupt's period for rate @rate (1 to 15), in ns. */
static __u64 rtc_period_ns(unsigned int rate)
{
	/* Rates 1 and 2 repeat 8 and 9 (datasheet, 32.768 kHz time base). */
	unsigned int shift = rate <= 2 ? rate + 6 : rate - 1;

	return (NSEC_PER_SEC << shift) / 32768;
}

/* Register C: what happened since it was last read, then cleared. */
static __u8 rtc_read_c(struct dev_ctx *ctx)
{
	struct rtc_state *r = &ctx->rtc;
	unsigned int rate = r->ram[RTC_REG_A] & RTC_A_RATE_MASK;
	__u64 now = dev_now_ns(ctx);
	__s64 secs = floor_div(rtc_time_ns(ctx), NSEC_PER_SEC);
	__u8 c = 0, b = r->ram[RTC_REG_B];

	if (!r->held && secs != r->c_secs)
		c |= RTC_C_UF;
	if (rate && now / rtc_period_ns(rate) != r->c_ns / rtc_period_ns(rate))
		c |= RTC_C_PF;
	if (((c & RTC_C_UF) && (b & RTC_B_UIE)) ||
	    ((c & RTC_C_PF) && (b & RTC_B_PIE)))
		c |= RTC_C_IRQF;
	r->c_secs = secs;
	r->c_ns = now;
	return c;
}

static __u8 rtc_read(struct dev_ctx *ctx, unsigned int reg)
{
	struct rtc_state *r = &ctx->rtc;
	__s64 ns;

	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return rtc_read_time(ctx, reg);
	case RTC_REG_A:
		ns = rtc_time_ns(ctx);
		if (!r->held &&
		    ns - floor_div(ns, NSEC_PER_SEC) * NSEC_PER_SEC >=
		    NSEC_PER_SEC - UIP_NS)
			return r->ram[reg] | RTC_A_UIP;
		return r->ram[reg];
	case RTC_REG_C:
		return rtc_read_c(ctx);
	default:	/* B, D, the alarms and the RAM */
		return r->ram[reg];
	}
}

static void rtc_write(struct dev_ctx *ctx, unsigned int reg, __u8 v)
{
	struct rtc_state *r = &ctx->rtc;
	bool was_reset;

	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		rtc_write_time(ctx, reg, v);
		break;
	case RTC_REG_A:
		was_reset = (r->ram[reg] & RTC_A_DIV_RESET) == RTC_A_DIV_RESET;
		r->ram[reg] = v & ~RTC_A_UIP;
		rtc_update_held(ctx, was_reset);
		break;
	case RTC_REG_B:
		/* Setting SET clears UIE (datasheet). */
		if (v & RTC_B_SET)
			v &= ~RTC_B_UIE;
		r->ram[reg] = v;
		rtc_update_held(ctx, false);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;		/* read-only */
	default:
		r->ram[reg] = v;
		break;
	}
}

static __u32 rtc_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	if (port == RTC_PORT_INDEX)
		return 0xff;	/* the index is write-only */
	return rtc_read(ctx, ctx->rtc.index);
}

static void rtc_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		    __u32 val)
{
	if (port == RTC_PORT_INDEX) {
		ctx->rtc.index = val & RTC_INDEX_MASK;
		/* NMIs are never injected: the mask is only kept. */
		ctx->rtc.nmi_masked = val & RTC_NMI_DISABLE;
		return;
	}
	rtc_write(ctx, ctx->rtc.index, val);
}

const struct io_dev rtc_dev = {
	.name	= "rtc-cmos",
	.base	= RTC_PORT_INDEX,
	.len	= 2,
	.in	= rtc_in,
	.out	= rtc_out,
};

/* ---- snapshots (state.h) ----------------------------------------------- */

static const struct dev_field rtc_fields[] = {
	DEV_FIELD(struct rtc_state, index, DF_U8),
	DEV_FIELD(struct rtc_state, nmi_masked, DF_BOOL),
	DEV_FIELD(struct rtc_state, held, DF_BOOL),
	DEV_FIELD_ARRAY(struct rtc_state, ram, DF_U8, RTC_RAM_SIZE),
	DEV_FIELD(struct rtc_state, wday_adjust, DF_U8),
	/* The guest's date at the snapshot, not the host's later one. */
	DEV_FIELD(struct rtc_state, offset_ns, DF_NS_OFFSET),
	DEV_FIELD(struct rtc_state, held_ns, DF_S64),
	DEV_FIELD(struct rtc_state, c_secs, DF_S64),
	DEV_FIELD(struct rtc_state, c_ns, DF_NS),
};

int rtc_state_save(const struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_buf *b, const struct dev_clock *clk)
{
	return dev_state_put(b, &ctx->rtc, rtc_fields, ARRAY_SIZE(rtc_fields),
			     clk);
}

int rtc_state_load(struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_in *in, const struct dev_clock *clk)
{
	struct rtc_state r = { 0 };

	if (dev_state_get_all(in, &r, rtc_fields, ARRAY_SIZE(rtc_fields),
			      clk) ||
	    r.index >= RTC_RAM_SIZE)
		return -EINVAL;
	ctx->rtc = r;
	return 0;
}
