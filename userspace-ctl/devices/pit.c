// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254 programmable interval timer at 0x40-0x43 and the PC's port
 * 0x61 (system control port B), counting at 1.193182 MHz of the devices'
 * clock (dev_now_ns()). After the Intel 82C54 datasheet:
 *  - three counters: 0 on IRQ0, 1 (the DRAM refresh of old PCs: counts,
 *    drives nothing), 2 gated by port 0x61 bit 0, its OUT read back in
 *    port 0x61 bit 5 (Linux's quick_pit_calibrate() and pit_calibrate_tsc()
 *    time the TSC against counter 2 in mode 0 this way);
 *  - modes 0 (interrupt on terminal count), 1 (retriggerable one-shot,
 *    started by a rising gate), 2 (rate generator), 3 (square wave: the
 *    count goes down by two, OUT high for the first half), 4 (software
 *    strobe), 5 (hardware strobe); binary or BCD counts; lobyte, hibyte
 *    or both; the counter latch and the read-back command (count and
 *    status);
 *  - the gate: low pauses modes 0, 2, 3 and 4 (2 and 3 with OUT high); a
 *    rising edge restarts 2 and 3 and triggers 1 and 5.
 * Port 0x61 reads back the gate and speaker bits and the two error-check
 * enables as written, bit 4 toggling with each 15.085 us refresh cycle,
 * bit 5 counter 2's OUT; NMI sources (bits 6 and 7) never assert. No sound.
 *
 * Nothing runs in the background: a counter's state is a function of the
 * clock. For IRQ0, vmm/ asks pit_next_event_ns() when the next edge is
 * due, sleeps until then, and calls pit_update(); loading counter 0 wakes
 * it (hooks->wake_io) to ask again. Edges a slow host missed are merged
 * into one, as an 8259A merges requests it has not acknowledged yet.
 */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "devices/state.h"

#define PIT_HZ			1193182ULL
#define NSEC_PER_SEC		1000000000ULL
#define PIT_IRQ			0
#define PIT_PORT_CTRL		0x43
#define PORT_B			0x61
#define REFRESH_NS		15085	/* one DRAM refresh request */

#define PIT_SC(v)		(((v) >> 6) & 3)
#define PIT_SC_READ_BACK	3
#define PIT_RW(v)		(((v) >> 4) & 3)
#define PIT_MODE(v)		(((v) >> 1) & 7)
#define PIT_BCD			0x01
#define PIT_RW_LATCH		0
#define PIT_RW_LO		1
#define PIT_RW_HI		2
#define PIT_RW_LOHI		3
/* The read-back command: bits 5 and 4 are active low, 3-1 the counters. */
#define PIT_RB_NO_COUNT		0x20
#define PIT_RB_NO_STATUS	0x10
#define PIT_RB_COUNTER(i)	(0x02 << (i))
/* The status byte read back. */
#define PIT_ST_OUT		0x80
#define PIT_ST_NULL_COUNT	0x40

/* Port 0x61: the bits a write sets, and those the hardware drives. */
#define PORT_B_GATE2		0x01
#define PORT_B_WRITABLE		0x0f
#define PORT_B_REFRESH		0x10
#define PORT_B_OUT2		0x20

/* PIT clock ticks from @ns to @now. */
static __u64 ns_to_ticks(__u64 ns)
{
	return (__uint128_t)ns * PIT_HZ / NSEC_PER_SEC;
}

/* Rounded up: @ticks PIT clock ticks have passed after this long. */
static __u64 pit_ticks_to_ns(__u64 ticks)
{
	return ((__uint128_t)ticks * NSEC_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static __u32 pit_modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 0x10000;
}

/* Whether the counting element moves now (see the gate, above). */
static bool pit_counting(const struct pit_channel *c)
{
	if (!c->running)
		return false;
	if (c->mode == 1 || c->mode == 5)
		return c->triggered;
	return c->gate;
}

/* Ticks counted since the count was loaded (or the last restart). */
static __u64 pit_ticks(struct dev_ctx *ctx, const struct pit_channel *c)
{
	__u64 t = c->ticks_base;

	if (pit_counting(c))
		t += ns_to_ticks(dev_now_ns(ctx) - c->start_ns);
	return t;
}

/* The counting element now, in binary. */
static __u32 pit_count(struct dev_ctx *ctx, const struct pit_channel *c)
{
	__u32 n = c->reload, high;
	__u64 t, phase;

	if (!c->running)
		return 0;
	t = pit_ticks(ctx, c);
	switch (c->mode) {
	case 2:
		return n - t % n;
	case 3:
		/* Down by two: through the high half, then the low one. */
		high = (n + 1) / 2;
		phase = t % n;
		if (phase < high)
			return n - 2 * phase;
		return n - 2 * (phase - high);
	default:
		/* 0, 1, 4, 5: on through zero, wrapping. */
		if ((c->mode == 1 || c->mode == 5) && !c->triggered)
			return n % pit_modulus(c);
		return (n + pit_modulus(c) - t % pit_modulus(c)) %
		       pit_modulus(c);
	}
}

/* The counter's OUT pin now. */
static bool pit_out_pin(struct dev_ctx *ctx, const struct pit_channel *c)
{
	__u64 t;

	if (!c->running)
		return c->mode != 0;
	t = pit_ticks(ctx, c);
	switch (c->mode) {
	case 0:
		return t >= c->reload;
	case 1:
		return !c->triggered || t >= c->reload;
	case 2:
		return !c->gate || t % c->reload != c->reload - 1;
	case 3:
		return !c->gate || t % c->reload < (c->reload + 1) / 2;
	case 4:
		return t != c->reload;
	default:
		return !c->triggered || t != c->reload;
	}
}

static __u16 to_bcd(__u32 v)
{
	return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
	       (v / 10 % 10) << 4 | v % 10;
}

static __u32 from_bcd(__u16 v)
{
	return (v >> 12 & 0xf) * 1000 + (v >> 8 & 0xf) * 100 +
	       (v >> 4 & 0xf) * 10 + (v & 0xf);
}

/* The value a read of the count gives, in the counter's format. */
static __u16 pit_count_read(struct dev_ctx *ctx, const struct pit_channel *c)
{
	__u32 v = pit_count(ctx, c);

	return c->bcd ? to_bcd(v % 10000) : v;
}

static bool pit_periodic(const struct pit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

/*
 * Counters as a BIOS leaves them, but stopped: mode 3, OUT high, so
 * that the guest's first mode 2 or 3 control word is no edge on IRQ0.
 * Counters 0 and 1 have their gate tied high; counter 2's is port 0x61's
 * bit 0, low.
 */
void pit_reset(struct dev_ctx *ctx)
{
	unsigned int i;

	memset(&ctx->pit, 0, sizeof(ctx->pit));
	for (i = 0; i < PIT_CHANNELS; i++) {
		ctx->pit.ch[i].mode = 3;
		ctx->pit.ch[i].access = PIT_RW_LOHI;
		ctx->pit.ch[i].gate = i != 2;
	}
	dev_set_irq(ctx, PIT_IRQ, true);
}

static void pit_load(struct dev_ctx *ctx, unsigned int i, __u32 count)
{
	struct pit_channel *c = &ctx->pit.ch[i];

	if (c->bcd)
		count = from_bcd(count);
	c->reload = count ? count : pit_modulus(c);
	c->start_ns = dev_now_ns(ctx);
	c->ticks_base = 0;
	c->ticks_done = 0;
	c->irq_done = false;
	c->null_count = false;
	c->triggered = false;
	c->running = true;
	if (i != 0)
		return;
	/* OUT: low until terminal count in mode 0, high in the others. */
	dev_set_irq(ctx, PIT_IRQ, c->mode != 0);
	/* The input thread sleeps until the next tick: there is a new one. */
	dev_wake_io(ctx);
}

/* Counter 2's gate from port 0x61 (see the gate, above). */
static void pit_set_gate(struct dev_ctx *ctx, unsigned int i, bool gate)
{
	struct pit_channel *c = &ctx->pit.ch[i];
	__u64 now = dev_now_ns(ctx);

	if (gate == c->gate)
		return;
	if (!gate && pit_counting(c) && c->mode != 1 && c->mode != 5)
		c->ticks_base += ns_to_ticks(now - c->start_ns);
	c->gate = gate;
	if (!gate)
		return;
	c->start_ns = now;
	if (pit_periodic(c) || c->mode == 1 || c->mode == 5) {
		/* A rising edge: a new period, or the trigger. */
		c->ticks_base = 0;
		c->triggered = true;
	}
}

__s64 pit_next_event_ns(struct dev_ctx *ctx)
{
	struct pit_channel *c = &ctx->pit.ch[0];
	__u64 due, now;

	if (!c->running || c->irq_done)
		return -1;
	if (!pit_periodic(c) && c->mode != 0 && c->mode != 4)
		return -1;
	due = c->start_ns + pit_ticks_to_ns((c->ticks_done + 1) * c->reload);
	if (c->mode == 4)	/* OUT rises one clock after terminal count */
		due = c->start_ns + pit_ticks_to_ns(c->reload + 1);
	now = dev_now_ns(ctx);
	return due > now ? (__s64)(due - now) : 0;
}

void pit_update(struct dev_ctx *ctx)
{
	struct pit_channel *c = &ctx->pit.ch[0];
	__u64 ticks, periods;

	if (!c->running || c->irq_done)
		return;
	ticks = pit_ticks(ctx, c);
	periods = ticks / c->reload;
	if (periods <= c->ticks_done)
		return;
	if (c->mode == 0) {
		c->irq_done = true;
		dev_set_irq(ctx, PIT_IRQ, true);
	} else if (c->mode == 4 && ticks > c->reload) {
		/* The strobe: low for one clock at terminal count. */
		c->irq_done = true;
		dev_set_irq(ctx, PIT_IRQ, false);
		dev_set_irq(ctx, PIT_IRQ, true);
	} else if (pit_periodic(c)) {
		c->ticks_done = periods;
		/* OUT dips and rises again: an edge for the PIC. */
		dev_set_irq(ctx, PIT_IRQ, false);
		dev_set_irq(ctx, PIT_IRQ, true);
	}
}

static __u8 pit_status(struct dev_ctx *ctx, const struct pit_channel *c)
{
	return (pit_out_pin(ctx, c) ? PIT_ST_OUT : 0) |
	       (c->null_count ? PIT_ST_NULL_COUNT : 0) | c->access << 4 |
	       c->mode << 1 | (c->bcd ? PIT_BCD : 0);
}

static void pit_latch_count(struct dev_ctx *ctx, struct pit_channel *c)
{
	if (c->latched)
		return;		/* the first latch holds until read */
	c->latch = pit_count_read(ctx, c);
	c->latched = true;
	c->read_hi = false;
}

/* The read-back command: latch the count and/or status of counters. */
static void pit_read_back(struct dev_ctx *ctx, __u8 val)
{
	struct pit_channel *c;
	unsigned int i;

	for (i = 0; i < PIT_CHANNELS; i++) {
		if (!(val & PIT_RB_COUNTER(i)))
			continue;
		c = &ctx->pit.ch[i];
		if (!(val & PIT_RB_NO_COUNT))
			pit_latch_count(ctx, c);
		if (!(val & PIT_RB_NO_STATUS) && !c->status_latched) {
			c->status = pit_status(ctx, c);
			c->status_latched = true;
		}
	}
}

static void pit_control(struct dev_ctx *ctx, __u8 val)
{
	struct pit_channel *c;
	unsigned int i = PIT_SC(val);

	if (i == PIT_SC_READ_BACK) {
		pit_read_back(ctx, val);
		return;
	}
	c = &ctx->pit.ch[i];
	if (PIT_RW(val) == PIT_RW_LATCH) {
		pit_latch_count(ctx, c);
		return;
	}
	c->access = PIT_RW(val);
	c->mode = PIT_MODE(val) > 5 ? PIT_MODE(val) - 4 : PIT_MODE(val);
	c->bcd = val & PIT_BCD;
	c->write_hi = false;
	c->read_hi = false;
	c->latched = false;
	c->status_latched = false;
	c->null_count = true;
	c->running = false;
	if (i == 0)
		dev_set_irq(ctx, PIT_IRQ, c->mode != 0);
}

static __u8 pit_read(struct dev_ctx *ctx, unsigned int i)
{
	struct pit_channel *c = &ctx->pit.ch[i];
	__u16 v;
	bool hi;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->latched ? c->latch : pit_count_read(ctx, c);
	switch (c->access) {
	case PIT_RW_LO:
		hi = false;
		c->latched = false;
		break;
	case PIT_RW_HI:
		hi = true;
		c->latched = false;
		break;
	default:
		hi = c->read_hi;
		c->read_hi = !c->read_hi;
		if (hi)
			c->latched = false;
		break;
	}
	return hi ? v >> 8 : v & 0xff;
}

static void pit_write(struct dev_ctx *ctx, unsigned int i, __u8 val)
{
	struct pit_channel *c = &ctx->pit.ch[i];

	switch (c->access) {
	case PIT_RW_LO:
		pit_load(ctx, i, val);
		break;
	case PIT_RW_HI:
		pit_load(ctx, i, val << 8);
		break;
	default:
		if (!c->write_hi) {
			c->write_lo = val;
			c->write_hi = true;
			/* Mode 0: the first byte stops the count, OUT low. */
			if (c->mode == 0 && c->running) {
				c->running = false;
				if (i == 0)
					dev_set_irq(ctx, PIT_IRQ, false);
			}
		} else {
			c->write_hi = false;
			pit_load(ctx, i, c->write_lo | val << 8);
		}
		break;
	}
}

static __u32 pit_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	if (port == PIT_PORT_CTRL)
		return 0xff;	/* the control word is write-only */
	return pit_read(ctx, port - pit_dev.base);
}

static void pit_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		    __u32 val)
{
	if (port == PIT_PORT_CTRL)
		pit_control(ctx, val);
	else
		pit_write(ctx, port - pit_dev.base, val);
}

const struct io_dev pit_dev = {
	.name	= "pit-8254",
	.base	= 0x40,
	.len	= 4,
	.in	= pit_in,
	.out	= pit_out,
};

static __u32 port_b_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	__u8 v = ctx->pit.port_b;

	if (dev_now_ns(ctx) / REFRESH_NS & 1)
		v |= PORT_B_REFRESH;
	if (pit_out_pin(ctx, &ctx->pit.ch[2]))
		v |= PORT_B_OUT2;
	return v;
}

static void port_b_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		       __u32 val)
{
	ctx->pit.port_b = val & PORT_B_WRITABLE;
	pit_set_gate(ctx, 2, val & PORT_B_GATE2);
}

const struct io_dev port_b_dev = {
	.name	= "port-61",
	.base	= PORT_B,
	.len	= 1,
	.in	= port_b_in,
	.out	= port_b_out,
};

/* ---- snapshots (state.h) ----------------------------------------------- */

static const struct dev_field pit_channel_fields[] = {
	DEV_FIELD(struct pit_channel, mode, DF_U8),
	DEV_FIELD(struct pit_channel, access, DF_U8),
	DEV_FIELD(struct pit_channel, bcd, DF_BOOL),
	DEV_FIELD(struct pit_channel, write_hi, DF_BOOL),
	DEV_FIELD(struct pit_channel, read_hi, DF_BOOL),
	DEV_FIELD(struct pit_channel, latched, DF_BOOL),
	DEV_FIELD(struct pit_channel, status_latched, DF_BOOL),
	DEV_FIELD(struct pit_channel, null_count, DF_BOOL),
	DEV_FIELD(struct pit_channel, running, DF_BOOL),
	DEV_FIELD(struct pit_channel, gate, DF_BOOL),
	DEV_FIELD(struct pit_channel, triggered, DF_BOOL),
	DEV_FIELD(struct pit_channel, irq_done, DF_BOOL),
	DEV_FIELD(struct pit_channel, status, DF_U8),
	DEV_FIELD(struct pit_channel, latch, DF_U16),
	DEV_FIELD(struct pit_channel, write_lo, DF_U16),
	DEV_FIELD(struct pit_channel, reload, DF_U32),
	/* Counting goes on from where it was: start_ns is relative. */
	DEV_FIELD(struct pit_channel, start_ns, DF_NS),
	DEV_FIELD(struct pit_channel, ticks_base, DF_U64),
	DEV_FIELD(struct pit_channel, ticks_done, DF_U64),
};

static const struct dev_field pit_fields[] = {
	DEV_FIELD(struct pit_state, port_b, DF_U8),
};

/* Counters 0, 1 and 2, then port 0x61. */
int pit_state_save(const struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_buf *b, const struct dev_clock *clk)
{
	unsigned int i;

	for (i = 0; i < PIT_CHANNELS; i++)
		dev_state_put(b, &ctx->pit.ch[i], pit_channel_fields,
			      ARRAY_SIZE(pit_channel_fields), clk);
	return dev_state_put(b, &ctx->pit, pit_fields, ARRAY_SIZE(pit_fields),
			     clk);
}

int pit_state_load(struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_in *in, const struct dev_clock *clk)
{
	struct pit_state p = { 0 };
	struct pit_channel *c;
	unsigned int i;

	for (i = 0; i < PIT_CHANNELS; i++) {
		c = &p.ch[i];
		if (dev_state_get(in, c, pit_channel_fields,
				  ARRAY_SIZE(pit_channel_fields), clk))
			return -EINVAL;
		/* The counts divide by the reload value once running. */
		if (c->mode > 5 || c->access > PIT_RW_LOHI ||
		    c->reload > pit_modulus(c) ||
		    (c->running && !c->reload))
			return -EINVAL;
	}
	if (dev_state_get_all(in, &p, pit_fields, ARRAY_SIZE(pit_fields),
			      clk))
		return -EINVAL;
	ctx->pit = p;
	return 0;
}
