// SPDX-License-Identifier: GPL-2.0
/*
 * The PC's two 8259A interrupt controllers: the master at 0x20/0x21 with
 * ISA IRQs 0-7, the slave at 0xa0/0xa1 with IRQs 8-15, cascaded on the
 * master's IRQ2. After the Intel 8259A datasheet: ICW1-ICW4, OCW1 (mask),
 * OCW2 (EOI non-specific and specific, rotation, set priority), OCW3 (read
 * IRR or ISR, poll, special mask), edge or level triggering, automatic
 * EOI. The master's INT output goes to vCPU 0 (devices.c); the INTA cycle
 * is pic_ack().
 *
 * Before the guest programs them, the chips are as a PC BIOS leaves them:
 * vectors 0x08 and 0x70, every IRQ masked; a real-mode guest may keep
 * them (INT 8 is IRQ0 in a PC BIOS's interrupt vector table).
 */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "devices/state.h"

#define PIC_ICW1		0x10	/* on the even port: ICW1 */
#define PIC_ICW1_IC4		0x01	/* ICW4 follows */
#define PIC_ICW1_SNGL		0x02	/* single: no ICW3 */
#define PIC_ICW1_LTIM		0x08	/* level-triggered */
#define PIC_OCW3		0x08	/* on the even port, not ICW1: OCW3 */
#define PIC_OCW3_RIS		0x01	/* read ISR (with RR) */
#define PIC_OCW3_RR		0x02	/* RIS is valid */
#define PIC_OCW3_POLL		0x04
#define PIC_OCW3_SMM		0x20	/* special mask mode (with ESMM) */
#define PIC_OCW3_ESMM		0x40
#define PIC_ICW4_AEOI		0x02
#define PIC_OCW2_CMD(v)		(((v) >> 5) & 7)
#define PIC_OCW2_LEVEL(v)	((v) & 7)
#define PIC_CASCADE_IRQ		2

/* OCW2 commands: R, SL, EOI bits. */
enum {
	OCW2_ROTATE_AEOI_CLEAR	= 0,
	OCW2_EOI		= 1,
	OCW2_NOP		= 2,
	OCW2_SPECIFIC_EOI	= 3,
	OCW2_ROTATE_AEOI_SET	= 4,
	OCW2_ROTATE_EOI		= 5,
	OCW2_SET_PRIORITY	= 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* The IRQ of highest priority in @bits, or -1; priority rotates. */
static int pic_highest(const struct pic_chip *c, __u8 bits)
{
	unsigned int i, irq;

	for (i = 1; i <= 8; i++) {
		irq = (c->lowest + i) & 7;
		if (bits & (1u << irq))
			return irq;
	}
	return -1;
}

/* How far from the top of the priority order @irq is (0 = highest). */
static unsigned int pic_rank(const struct pic_chip *c, unsigned int irq)
{
	return (irq - c->lowest - 1) & 7;
}

/*
 * The request the chip would signal now: the highest unmasked request
 * whose priority is above everything in service (fully nested mode), or
 * -1. In special mask mode, masked levels in service block nothing.
 */
static int pic_chip_pending(const struct pic_chip *c)
{
	int req = pic_highest(c, c->irr & ~c->imr);
	__u8 blocking = c->special_mask ? c->isr & ~c->imr : c->isr;
	int srv = pic_highest(c, blocking);

	if (req < 0 || c->init_step)
		return -1;
	if (srv >= 0 && pic_rank(c, srv) <= pic_rank(c, req))
		return -1;
	return req;
}

static void pic_kick(struct dev_ctx *ctx)
{
	if (ctx->hooks && ctx->hooks->kick && pic_chip_pending(&ctx->pic[0]) >= 0)
		ctx->hooks->kick(ctx->hooks->data, 0);
}

/* A change of input level on @c; the line's effect on IRR. */
static void pic_chip_line(struct pic_chip *c, unsigned int irq, bool level)
{
	__u8 bit = 1u << irq;

	if (level) {
		if (c->level || !(c->lines & bit))
			c->irr |= bit;
		c->lines |= bit;
	} else {
		/* A request withdrawn before INTA is gone, edge or level. */
		c->irr &= ~bit;
		c->lines &= ~bit;
	}
}

/* The slave's INT output is the master's IRQ2 input. */
static void pic_update(struct dev_ctx *ctx)
{
	bool slave = pic_chip_pending(&ctx->pic[1]) >= 0;

	if (slave != !!(ctx->pic[0].lines & (1u << PIC_CASCADE_IRQ)))
		pic_chip_line(&ctx->pic[0], PIC_CASCADE_IRQ, slave);
	pic_kick(ctx);
}

void pic_set_irq(struct dev_ctx *ctx, unsigned int irq, bool level)
{
	if (irq >= 16 || irq == PIC_CASCADE_IRQ)
		return;
	pic_chip_line(&ctx->pic[irq >> 3], irq & 7, level);
	pic_update(ctx);
}

static void pic_chip_reset(struct pic_chip *c, __u8 vector_base)
{
	__u8 lines = c->lines;

	*c = (struct pic_chip) {
		.vector_base = vector_base,
		.imr = 0xff,
		.lowest = 7,
		.lines = lines,
	};
}

void pic_reset(struct dev_ctx *ctx)
{
	pic_chip_reset(&ctx->pic[0], 0x08);
	pic_chip_reset(&ctx->pic[1], 0x70);
	ctx->pic[0].lines = 0;
	ctx->pic[1].lines = 0;
}

/* INTA without the side effects: the vector, and the ISA IRQ in @irq. */
int pic_peek(struct dev_ctx *ctx, int *irq)
{
	struct pic_chip *m = &ctx->pic[0], *s = &ctx->pic[1];
	int mirq = pic_chip_pending(m), sirq;

	if (mirq < 0)
		return -1;
	if (mirq != PIC_CASCADE_IRQ) {
		if (irq)
			*irq = mirq;
		return m->vector_base + mirq;
	}
	sirq = pic_chip_pending(s);
	if (sirq < 0)
		sirq = 7;	/* spurious, as the slave answers it */
	if (irq)
		*irq = 8 + sirq;
	return s->vector_base + sirq;
}

/* The INTA cycle on one chip: the request moves to in-service. */
static void pic_chip_ack(struct pic_chip *c, unsigned int irq)
{
	__u8 bit = 1u << irq;

	if (!(c->irr & bit))
		return;		/* spurious: nothing goes in service */
	if (!c->level)
		c->irr &= ~bit;
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->lowest = irq;
	} else {
		c->isr |= bit;
	}
}

/* INTA: the ISA IRQ taken (as pic_peek() said), or -1 if none. */
int pic_ack(struct dev_ctx *ctx)
{
	struct pic_chip *m = &ctx->pic[0], *s = &ctx->pic[1];
	int mirq = pic_chip_pending(m), sirq, irq;

	if (mirq < 0)
		return -1;
	pic_chip_ack(m, mirq);
	irq = mirq;
	if (mirq == PIC_CASCADE_IRQ) {
		sirq = pic_chip_pending(s);
		if (sirq >= 0)
			pic_chip_ack(s, sirq);
		irq = 8 + (sirq < 0 ? 7 : sirq);
	}
	pic_update(ctx);
	return irq;
}

static void pic_eoi(struct pic_chip *c, int irq, bool rotate)
{
	if (irq < 0)
		return;
	c->isr &= ~(1u << irq);
	if (rotate)
		c->lowest = irq;
}

static void pic_write_ocw2(struct pic_chip *c, __u8 val)
{
	unsigned int level = PIC_OCW2_LEVEL(val);

	switch (PIC_OCW2_CMD(val)) {
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_on_aeoi = false;
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_aeoi = true;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		pic_eoi(c, pic_highest(c, c->isr),
			PIC_OCW2_CMD(val) == OCW2_ROTATE_EOI);
		break;
	case OCW2_SPECIFIC_EOI:
	case OCW2_ROTATE_SPECIFIC_EOI:
		pic_eoi(c, level,
			PIC_OCW2_CMD(val) == OCW2_ROTATE_SPECIFIC_EOI);
		break;
	case OCW2_SET_PRIORITY:
		c->lowest = level;
		break;
	default:
		break;
	}
}

static void pic_write(struct pic_chip *c, bool odd, __u8 val)
{
	if (!odd && (val & PIC_ICW1)) {
		/*
		 * ICW1 starts over: IMR and ISR clear, and the edge sense
		 * reset, so a line already high must go low and high again.
		 */
		pic_chip_reset(c, c->vector_base);
		c->imr = 0;
		c->need_icw4 = val & PIC_ICW1_IC4;
		c->single = val & PIC_ICW1_SNGL;
		c->level = val & PIC_ICW1_LTIM;
		if (c->level)
			c->irr = c->lines;
		c->init_step = 2;
	} else if (!odd && (val & PIC_OCW3)) {
		if (val & PIC_OCW3_RR)
			c->read_isr = val & PIC_OCW3_RIS;
		c->poll = val & PIC_OCW3_POLL;
		if (val & PIC_OCW3_ESMM)
			c->special_mask = val & PIC_OCW3_SMM;
	} else if (!odd) {
		pic_write_ocw2(c, val);
	} else if (c->init_step == 2) {
		c->vector_base = val & 0xf8;
		c->init_step = c->single ? (c->need_icw4 ? 4 : 0) : 3;
	} else if (c->init_step == 3) {
		/* ICW3: the cascade is wired, whatever the guest says. */
		c->init_step = c->need_icw4 ? 4 : 0;
	} else if (c->init_step == 4) {
		c->auto_eoi = val & PIC_ICW4_AEOI;
		c->init_step = 0;
	} else {
		c->imr = val;
	}
}

/* Poll mode (OCW3 P): the read is the INTA; 0x80 | IRQ, or 0. */
static __u8 pic_poll(struct dev_ctx *ctx, unsigned int chip)
{
	struct pic_chip *c = &ctx->pic[chip];
	int irq = pic_chip_pending(c);

	c->poll = false;
	if (irq < 0)
		return 0;
	pic_chip_ack(c, irq);
	pic_update(ctx);
	return 0x80 | irq;
}

static __u32 pic_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	unsigned int chip = port >= 0xa0;
	struct pic_chip *c = &ctx->pic[chip];

	if (c->poll)
		return pic_poll(ctx, chip);
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static void pic_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		    __u32 val)
{
	pic_write(&ctx->pic[port >= 0xa0], port & 1, val);
	pic_update(ctx);
}

const struct io_dev pic_master_dev = {
	.name	= "pic-master",
	.base	= 0x20,
	.len	= 2,
	.in	= pic_in,
	.out	= pic_out,
};

const struct io_dev pic_slave_dev = {
	.name	= "pic-slave",
	.base	= 0xa0,
	.len	= 2,
	.in	= pic_in,
	.out	= pic_out,
};

/* ---- snapshots (state.h) ----------------------------------------------- */

static const struct dev_field pic_fields[] = {
	DEV_FIELD(struct pic_chip, irr, DF_U8),
	DEV_FIELD(struct pic_chip, isr, DF_U8),
	DEV_FIELD(struct pic_chip, imr, DF_U8),
	DEV_FIELD(struct pic_chip, lines, DF_U8),
	DEV_FIELD(struct pic_chip, vector_base, DF_U8),
	DEV_FIELD(struct pic_chip, lowest, DF_U8),
	DEV_FIELD(struct pic_chip, init_step, DF_U8),
	DEV_FIELD(struct pic_chip, need_icw4, DF_BOOL),
	DEV_FIELD(struct pic_chip, single, DF_BOOL),
	DEV_FIELD(struct pic_chip, level, DF_BOOL),
	DEV_FIELD(struct pic_chip, auto_eoi, DF_BOOL),
	DEV_FIELD(struct pic_chip, rotate_on_aeoi, DF_BOOL),
	DEV_FIELD(struct pic_chip, read_isr, DF_BOOL),
	DEV_FIELD(struct pic_chip, poll, DF_BOOL),
	DEV_FIELD(struct pic_chip, special_mask, DF_BOOL),
};

/* Both chips, the master first. */
int pic_state_save(const struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_buf *b, const struct dev_clock *clk)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctx->pic); i++)
		dev_state_put(b, &ctx->pic[i], pic_fields,
			      ARRAY_SIZE(pic_fields), clk);
	return b->err;
}

int pic_state_load(struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_in *in, const struct dev_clock *clk)
{
	struct pic_chip c[2] = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		if (dev_state_get(in, &c[i], pic_fields,
				  ARRAY_SIZE(pic_fields), clk))
			return -EINVAL;
		/* ICW1 leads to step 2; steps 3 and 4 follow it, 0 is done. */
		if (c[i].lowest > 7 || c[i].init_step == 1 ||
		    c[i].init_step > 4)
			return -EINVAL;
	}
	if (in->left)
		return -EINVAL;
	memcpy(ctx->pic, c, sizeof(c));
	return 0;
}
