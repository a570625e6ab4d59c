// SPDX-License-Identifier: GPL-2.0
/*
 * The IOAPIC at 0xfec00000: an Intel 82093AA (its datasheet, "82093AA I/O
 * Advanced Programmable Interrupt Controller"), version 0x11, 24 pins, as
 * Linux programs it. Runs in whichever thread of vmm/ holds ctx->lock.
 *
 * IOREGSEL (offset 0x00) selects a register that IOWIN (0x10) reads and
 * writes 32 bits at a time: ID (0x00, bits 27:24 writable), version
 * (0x01: 0x11, the highest entry 23 in bits 23:16), arbitration ID (0x02,
 * the ID) and the redirection table, two registers per pin from 0x10.
 * Version 0x11 has no EOI register (0x40; version 0x20 brought it): Linux
 * then clears a remote IRR it must clear itself by making the entry
 * edge-triggered and back, so writing edge clears remote IRR here too.
 *
 * The ISA lines come from dev_set_irq() through ioapic_isa_pin(). A pin
 * is asserted when its line differs from the entry's polarity (active
 * low: line low). Unmasked, an edge-triggered pin sends its message on
 * each assertion; a level-triggered one while it is asserted and its
 * remote IRR is clear, remote IRR then set until a local APIC's EOI of the
 * vector (ioapic_eoi()). Masked, an edge is lost and a level waits to be
 * unmasked. Messages go to the local APICs by lapic_deliver(): fixed or
 * lowest priority (NMI, INIT, SMI and ExtINT as lapic.c takes them), to
 * a physical or logical destination. Delivery is immediate: delivery
 * status reads idle.
 */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "devices/state.h"

#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10

enum {
	IOAPIC_REG_ID		= 0x00,
	IOAPIC_REG_VERSION	= 0x01,
	IOAPIC_REG_ARB		= 0x02,
	IOAPIC_REG_RTE		= 0x10,	/* pin n: 0x10 + 2n (low), + 1 (high) */
};

#define RTE_VECTOR(e)		((e) & 0xff)
#define RTE_DELIVERY(e)		(((e) >> 8) & 7)
#define RTE_LOGICAL		BIT_ULL(11)
#define RTE_POLARITY_LOW	BIT_ULL(13)
#define RTE_REMOTE_IRR		BIT_ULL(14)
#define RTE_LEVEL		BIT_ULL(15)
#define RTE_MASKED		BIT_ULL(16)
#define RTE_DEST(e)		((e) >> 56)
#define RTE_WRITABLE_LO		0x0001afffULL	/* not status, remote IRR */
#define RTE_WRITABLE_HI		0xff000000ULL

/* Power-up: every pin masked, ID 0. The input lines are left as they are. */
void ioapic_reset(struct dev_ctx *ctx)
{
	struct ioapic_state *io = &ctx->ioapic;
	__u32 lines = io->lines;
	unsigned int pin;

	memset(io, 0, sizeof(*io));
	io->lines = lines;
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = RTE_MASKED;
}

static bool ioapic_asserted(const struct ioapic_state *io, unsigned int pin)
{
	bool line = io->lines & BIT(pin);

	return line != !!(io->rte[pin] & RTE_POLARITY_LOW);
}

/* The pin asks for an interrupt: send its message if the entry lets it. */
static void ioapic_service(struct dev_ctx *ctx, unsigned int pin)
{
	__u64 *e = &ctx->ioapic.rte[pin];
	struct apic_msg m = {
		.vector		= RTE_VECTOR(*e),
		.delivery	= RTE_DELIVERY(*e),
		.dest		= RTE_DEST(*e),
		.logical	= *e & RTE_LOGICAL,
		.level		= *e & RTE_LEVEL,
	};

	if (*e & RTE_MASKED)
		return;
	if (m.level && ((*e & RTE_REMOTE_IRR) ||
			!ioapic_asserted(&ctx->ioapic, pin)))
		return;
	/* Remote IRR: a local APIC took it and owes the EOI. */
	if (lapic_deliver(ctx, &m) && m.level)
		*e |= RTE_REMOTE_IRR;
}

void ioapic_set_irq(struct dev_ctx *ctx, unsigned int pin, bool level)
{
	struct ioapic_state *io = &ctx->ioapic;
	bool was;

	if (pin >= IOAPIC_PINS)
		return;
	was = ioapic_asserted(io, pin);
	if (level)
		io->lines |= BIT(pin);
	else
		io->lines &= ~BIT(pin);
	if (!ioapic_asserted(io, pin))
		return;
	if ((io->rte[pin] & RTE_LEVEL) || !was)
		ioapic_service(ctx, pin);
}

void ioapic_eoi(struct dev_ctx *ctx, unsigned int vector)
{
	struct ioapic_state *io = &ctx->ioapic;
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		__u64 e = io->rte[pin];

		if (!(e & RTE_LEVEL) || !(e & RTE_REMOTE_IRR) ||
		    RTE_VECTOR(e) != vector)
			continue;
		io->rte[pin] &= ~RTE_REMOTE_IRR;
		/* Still asserted: the next interrupt, as for a new level. */
		ioapic_service(ctx, pin);
	}
}

static __u32 ioapic_read_reg(struct dev_ctx *ctx, __u32 reg)
{
	struct ioapic_state *io = &ctx->ioapic;
	unsigned int pin = (reg - IOAPIC_REG_RTE) / 2;

	switch (reg) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		return (__u32)io->id << 24;
	case IOAPIC_REG_VERSION:
		return (IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
	}
	if (reg < IOAPIC_REG_RTE || pin >= IOAPIC_PINS)
		return 0;
	return reg & 1 ? io->rte[pin] >> 32 : (__u32)io->rte[pin];
}

static void ioapic_write_rte(struct dev_ctx *ctx, unsigned int pin,
			     bool high, __u32 val)
{
	__u64 *e = &ctx->ioapic.rte[pin];

	if (high) {
		*e = (*e & ~(RTE_WRITABLE_HI << 32)) |
		     ((__u64)val & RTE_WRITABLE_HI) << 32;
		return;
	}
	*e = (*e & ~RTE_WRITABLE_LO) | (val & RTE_WRITABLE_LO);
	/* Remote IRR means nothing for edge: Linux's EOI for 0x11. */
	if (!(*e & RTE_LEVEL))
		*e &= ~RTE_REMOTE_IRR;
	/* A level still asserted when unmasked (or EOIed) asks again. */
	else if (ioapic_asserted(&ctx->ioapic, pin))
		ioapic_service(ctx, pin);
}

static void ioapic_write_reg(struct dev_ctx *ctx, __u32 reg, __u32 val)
{
	unsigned int pin = (reg - IOAPIC_REG_RTE) / 2;

	if (reg == IOAPIC_REG_ID)
		ctx->ioapic.id = (val >> 24) & 0xf;
	else if (reg >= IOAPIC_REG_RTE && pin < IOAPIC_PINS)
		ioapic_write_rte(ctx, pin, reg & 1, val);
}

/*
 * IOREGSEL takes any access to its first byte; IOWIN 32-bit ones (a
 * narrower read sees the low bytes). Elsewhere reads 0, writes dropped.
 */
static __u64 ioapic_read(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
			 unsigned int size)
{
	unsigned int off = addr - IOAPIC_BASE;

	if (off == IOAPIC_IOREGSEL)
		return ctx->ioapic.regsel;
	if (off == IOAPIC_IOWIN && size <= 4)
		return ioapic_read_reg(ctx, ctx->ioapic.regsel);
	return 0;
}

static void ioapic_write(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
			 unsigned int size, __u64 val)
{
	unsigned int off = addr - IOAPIC_BASE;

	if (off == IOAPIC_IOREGSEL)
		ctx->ioapic.regsel = val & 0xff;
	else if (off == IOAPIC_IOWIN && size == 4)
		ioapic_write_reg(ctx, ctx->ioapic.regsel, val);
}

static const char *ioapic_reg_name(__u64 off, bool write)
{
	if (off == IOAPIC_IOREGSEL)
		return "IOREGSEL";
	return off == IOAPIC_IOWIN ? "IOWIN" : NULL;
}

const struct mmio_dev ioapic_dev = {
	.name		= "io-apic",
	.base		= IOAPIC_BASE,
	.len		= IOAPIC_SIZE,
	.read		= ioapic_read,
	.write		= ioapic_write,
	.reg_name	= ioapic_reg_name,
};

/* ---- snapshots (state.h) ----------------------------------------------- */

static const struct dev_field ioapic_fields[] = {
	DEV_FIELD(struct ioapic_state, regsel, DF_U32),
	DEV_FIELD(struct ioapic_state, id, DF_U8),
	DEV_FIELD(struct ioapic_state, lines, DF_U32),
	DEV_FIELD_ARRAY(struct ioapic_state, rte, DF_U64, IOAPIC_PINS),
};

int ioapic_state_save(const struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_buf *b, const struct dev_clock *clk)
{
	return dev_state_put(b, &ctx->ioapic, ioapic_fields,
			     ARRAY_SIZE(ioapic_fields), clk);
}

int ioapic_state_load(struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_in *in, const struct dev_clock *clk)
{
	struct ioapic_state s = { 0 };

	/* IOREGSEL holds 8 bits; the ID register 4. */
	if (dev_state_get_all(in, &s, ioapic_fields,
			      ARRAY_SIZE(ioapic_fields), clk) ||
	    s.regsel > 0xff || s.id > 0xf)
		return -EINVAL;
	ctx->ioapic = s;
	return 0;
}
