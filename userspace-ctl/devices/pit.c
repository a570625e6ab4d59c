// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 programmable interval timer at 0x40-0x43, channel 0 on IRQ0,
 * counting at 1.193182 MHz of the host's monotonic clock (Intel 82C54
 * datasheet). What small kernels use: the control word (channel 0, latch,
 * lobyte/hibyte access), mode 0 (one interrupt at terminal count) and
 * modes 2 and 3 (periodic), reading the count back. Mode 3 is counted as
 * mode 2: the same period, without the square wave's halves. Channels 1
 * and 2, BCD, gates and the read-back command are not modelled.
 *
 * Nothing runs in the background: vmm/ asks pit_next_event_ns() when the
 * next edge of IRQ0 is due, sleeps until then, and calls pit_update();
 * loading a count wakes it (hooks->wake_io) to ask again.
 * Edges that a slow host missed are merged into one, as an 8259A merges
 * requests it has not acknowledged yet.
 */
#include <string.h>
#include <time.h>

#include "devices/devices.h"

#define PIT_HZ			1193182ULL
#define NSEC_PER_SEC		1000000000ULL
#define PIT_IRQ			0

#define PIT_SC(v)		(((v) >> 6) & 3)
#define PIT_RW(v)		(((v) >> 4) & 3)
#define PIT_MODE(v)		(((v) >> 1) & 7)
#define PIT_RW_LATCH		0
#define PIT_RW_LO		1
#define PIT_RW_HI		2
#define PIT_RW_LOHI		3

static __u64 pit_now(struct dev_ctx *ctx)
{
	struct timespec ts;

	if (ctx->hooks && ctx->hooks->now_ns)
		return ctx->hooks->now_ns(ctx->hooks->data);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static bool pit_periodic(const struct pit_state *p)
{
	return p->mode == 2 || p->mode == 3;
}

/* PIT clock ticks since the count was loaded. */
static __u64 pit_ticks(struct dev_ctx *ctx)
{
	__u64 ns = pit_now(ctx) - ctx->pit.start_ns;

	return (__uint128_t)ns * PIT_HZ / NSEC_PER_SEC;
}

/* Rounded up: at that time pit_ticks() has reached @ticks. */
static __u64 pit_ticks_to_ns(__u64 ticks)
{
	return ((__uint128_t)ticks * NSEC_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

/* The counting element now (before it is loaded: 0). */
static __u16 pit_count(struct dev_ctx *ctx)
{
	struct pit_state *p = &ctx->pit;
	__u64 t;

	if (!p->running)
		return 0;
	t = pit_ticks(ctx);
	if (pit_periodic(p))
		return p->reload - t % p->reload;
	return (p->reload - t) & 0xffff;	/* mode 0 wraps on */
}

/*
 * Channel 0 as a BIOS leaves it, but stopped: mode 3, OUT high, so that
 * the guest's first mode 2 or 3 control word is no edge on IRQ0.
 */
void pit_reset(struct dev_ctx *ctx)
{
	memset(&ctx->pit, 0, sizeof(ctx->pit));
	ctx->pit.mode = 3;
	ctx->pit.access = PIT_RW_LOHI;
	dev_set_irq(ctx, PIT_IRQ, true);
}

static void pit_load(struct dev_ctx *ctx, __u32 count)
{
	struct pit_state *p = &ctx->pit;

	p->reload = count ? count : 0x10000;
	p->start_ns = pit_now(ctx);
	p->ticks_done = 0;
	p->irq_done = false;
	p->running = true;
	/* OUT: low until terminal count in mode 0, high in modes 2 and 3. */
	dev_set_irq(ctx, PIT_IRQ, p->mode != 0);
	/* The input thread sleeps until the next tick: there is a new one. */
	dev_wake_io(ctx);
}

__s64 pit_next_event_ns(struct dev_ctx *ctx)
{
	struct pit_state *p = &ctx->pit;
	__u64 due, now;

	if (!p->running || (p->mode == 0 && p->irq_done))
		return -1;
	if (!pit_periodic(p) && p->mode != 0)
		return -1;
	due = p->start_ns + pit_ticks_to_ns((p->ticks_done + 1) * p->reload);
	now = pit_now(ctx);
	return due > now ? (__s64)(due - now) : 0;
}

void pit_update(struct dev_ctx *ctx)
{
	struct pit_state *p = &ctx->pit;
	__u64 periods;

	if (!p->running || (p->mode == 0 && p->irq_done))
		return;
	periods = pit_ticks(ctx) / p->reload;
	if (periods <= p->ticks_done)
		return;
	if (p->mode == 0) {
		p->irq_done = true;
		dev_set_irq(ctx, PIT_IRQ, true);
	} else if (pit_periodic(p)) {
		p->ticks_done = periods;
		/* OUT dips and rises again: an edge for the PIC. */
		dev_set_irq(ctx, PIT_IRQ, false);
		dev_set_irq(ctx, PIT_IRQ, true);
	}
}

static __u32 pit_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	struct pit_state *p = &ctx->pit;
	__u16 v;
	bool hi;

	if (port != 0x40)
		return 0;
	v = p->latched ? p->latch : pit_count(ctx);
	switch (p->access) {
	case PIT_RW_LO:
		hi = false;
		p->latched = false;
		break;
	case PIT_RW_HI:
		hi = true;
		p->latched = false;
		break;
	default:
		hi = p->read_hi;
		p->read_hi = !p->read_hi;
		if (hi)
			p->latched = false;
		break;
	}
	return hi ? v >> 8 : v & 0xff;
}

static void pit_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		    __u32 val)
{
	struct pit_state *p = &ctx->pit;

	if (port == 0x43) {
		if (PIT_SC(val) != 0)
			return;		/* channels 1, 2 and read-back */
		if (PIT_RW(val) == PIT_RW_LATCH) {
			if (!p->latched) {
				p->latch = pit_count(ctx);
				p->latched = true;
				p->read_hi = false;
			}
			return;
		}
		p->access = PIT_RW(val);
		p->mode = PIT_MODE(val) > 5 ? PIT_MODE(val) - 4 : PIT_MODE(val);
		p->write_hi = false;
		p->read_hi = false;
		p->latched = false;
		p->running = false;
		dev_set_irq(ctx, PIT_IRQ, p->mode != 0);
		return;
	}
	if (port != 0x40)
		return;
	switch (p->access) {
	case PIT_RW_LO:
		pit_load(ctx, val & 0xff);
		break;
	case PIT_RW_HI:
		pit_load(ctx, (val & 0xff) << 8);
		break;
	default:
		if (!p->write_hi) {
			p->write_lo = val & 0xff;
			p->write_hi = true;
		} else {
			p->write_hi = false;
			pit_load(ctx, p->write_lo | (val & 0xff) << 8);
		}
		break;
	}
}

const struct io_dev pit_dev = {
	.name	= "pit-8254",
	.base	= 0x40,
	.len	= 4,
	.in	= pit_in,
	.out	= pit_out,
};
