// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal local APIC per vCPU at the xAPIC page 0xfee00000 (SDM Vol. 3A,
 * chapter 11 "Advanced Programmable Interrupt Controller"): enough for a
 * guest to find its APIC ID, start its APs with INIT-SIPI-SIPI and send
 * them fixed IPIs.
 *
 * Every vCPU sees its own APIC at the same address: tvmm maps no memory
 * there, so each access is an MMIO exit of that vCPU, and @cpu says whose
 * APIC it is. The registers kept: ID (= vCPU id, read-only), version, TPR,
 * PPR (computed), EOI, LDR, DFR, SVR, ISR/TMR/IRR, ESR, ICR, the LVT
 * entries and the timer's initial count and divider (stored: there is no
 * APIC timer; the current count reads 0).
 *
 * ICR: fixed and lowest-priority IPIs (to a physical or flat logical
 * destination, or a shorthand) set the vector in each target's IRR and
 * kick its vCPU; INIT and STARTUP are kept for the vCPU loop, which takes
 * them with lapic_take_init() and lapic_take_sipi(); an NMI is counted and dropped (tvmm cannot
 * inject one). Delivery is immediate: the delivery status bit reads idle.
 */
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"

#define LAPIC_SIZE		0x1000
#define LAPIC_VERSION		0x00050014	/* 6 LVT entries, xAPIC */

enum {
	APIC_ID		= 0x020,
	APIC_LVR	= 0x030,
	APIC_TPR	= 0x080,
	APIC_APR	= 0x090,
	APIC_PPR	= 0x0a0,
	APIC_EOI	= 0x0b0,
	APIC_LDR	= 0x0d0,
	APIC_DFR	= 0x0e0,
	APIC_SVR	= 0x0f0,
	APIC_ISR	= 0x100,
	APIC_TMR	= 0x180,
	APIC_IRR	= 0x200,
	APIC_ESR	= 0x280,
	APIC_LVT_CMCI	= 0x2f0,
	APIC_ICR_LO	= 0x300,
	APIC_ICR_HI	= 0x310,
	APIC_LVT_TIMER	= 0x320,
	APIC_LVT_ERROR	= 0x370,
	APIC_TMICT	= 0x380,
	APIC_TMCCT	= 0x390,
	APIC_TDCR	= 0x3e0,
};

#define APIC_SVR_ENABLE		0x100
#define APIC_LVT_MASKED		0x10000
#define APIC_ESR_SEND_ILLEGAL	0x20
#define ICR_VECTOR(lo)		((lo) & 0xff)
#define ICR_DELIVERY(lo)	(((lo) >> 8) & 7)
#define ICR_LOGICAL		BIT(11)
#define ICR_LEVEL_ASSERT	BIT(14)
#define ICR_TRIGGER_LEVEL	BIT(15)
#define ICR_SHORTHAND(lo)	(((lo) >> 18) & 3)
#define ICR_DEST(hi)		((hi) >> 24)
#define ICR_WRITABLE_LO		0x000ccfff
#define ICR_BROADCAST		0xff

enum {
	DELIVERY_FIXED		= 0,
	DELIVERY_LOWEST		= 1,
	DELIVERY_NMI		= 4,
	DELIVERY_INIT		= 5,
	DELIVERY_STARTUP	= 6,
};

enum {
	SHORTHAND_NONE		= 0,
	SHORTHAND_SELF		= 1,
	SHORTHAND_ALL		= 2,
	SHORTHAND_OTHERS	= 3,
};

static void bit_set(__u32 *map, unsigned int v)
{
	map[v >> 5] |= 1u << (v & 31);
}

static void bit_clear(__u32 *map, unsigned int v)
{
	map[v >> 5] &= ~(1u << (v & 31));
}

/* The highest vector set in a 256-bit register, or -1. */
static int bit_highest(const __u32 *map)
{
	int i;

	for (i = 7; i >= 0; i--)
		if (map[i])
			return i * 32 + 31 - __builtin_clz(map[i]);
	return -1;
}

/* The power-up state of the registers; INIT and STARTUP are left alone. */
void lapic_reset(struct dev_ctx *ctx, unsigned int cpu)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	bool init = a->init, sipi = a->sipi, wait_sipi = a->wait_sipi;
	__u8 sipi_vector = a->sipi_vector;
	unsigned long long nmi = a->nmi_dropped;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	a->init = init;
	a->sipi = sipi;
	a->sipi_vector = sipi_vector;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	for (i = 0; i < 7; i++)
		a->lvt[i] = APIC_LVT_MASKED;
	a->wait_sipi = wait_sipi;
	a->nmi_dropped = nmi;
}

void lapic_wait_startup(struct dev_ctx *ctx, unsigned int cpu)
{
	ctx->lapic[cpu].wait_sipi = true;
}

bool lapic_take_init(struct dev_ctx *ctx, unsigned int cpu)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	bool init = a->init;

	a->init = false;
	return init;
}

enum lapic_start lapic_take_sipi(struct dev_ctx *ctx, unsigned int cpu,
				 __u8 *vector)
{
	struct lapic_state *a = &ctx->lapic[cpu];

	if (!a->wait_sipi)
		return LAPIC_RUNNING;
	if (!a->sipi)
		return LAPIC_WAITING;
	a->sipi = false;
	a->wait_sipi = false;
	*vector = a->sipi_vector;
	return LAPIC_STARTED;
}

/* PPR (SDM 11.8.3.1): the higher class of TPR and the top of ISR. */
static __u32 lapic_ppr(const struct lapic_state *a)
{
	int isrv = bit_highest(a->isr);
	__u32 isr_class = isrv < 0 ? 0 : (__u32)isrv & 0xf0;

	return (a->tpr & 0xf0) >= isr_class ? a->tpr & 0xff : isr_class;
}

/* The fixed interrupt @cpu would take now: above PPR's class, or -1. */
int lapic_peek(struct dev_ctx *ctx, unsigned int cpu)
{
	const struct lapic_state *a = &ctx->lapic[cpu];
	int irrv;

	if (cpu >= ctx->nr_cpus || !(a->svr & APIC_SVR_ENABLE))
		return -1;
	irrv = bit_highest(a->irr);
	if (irrv < 0 || ((__u32)irrv & 0xf0) <= (lapic_ppr(a) & 0xf0))
		return -1;
	return irrv;
}

void lapic_ack(struct dev_ctx *ctx, unsigned int cpu, unsigned int vector)
{
	struct lapic_state *a = &ctx->lapic[cpu];

	bit_clear(a->irr, vector);
	bit_set(a->isr, vector);
}

static void lapic_kick(struct dev_ctx *ctx, unsigned int cpu)
{
	if (ctx->hooks && ctx->hooks->kick)
		ctx->hooks->kick(ctx->hooks->data, cpu);
}

/* Does the ICR's destination name @cpu (no shorthand)? */
static bool lapic_is_dest(struct dev_ctx *ctx, unsigned int cpu, __u32 lo,
			  __u32 hi)
{
	__u32 dest = ICR_DEST(hi);

	if (!(lo & ICR_LOGICAL))
		return dest == ICR_BROADCAST || dest == cpu;
	/* Flat model only: LDR[31:24] is a bit mask of logical IDs. */
	return dest & (ctx->lapic[cpu].ldr >> 24);
}

static void lapic_deliver(struct dev_ctx *ctx, unsigned int from,
			  unsigned int to, __u32 lo)
{
	struct lapic_state *a = &ctx->lapic[to];
	unsigned int vector = ICR_VECTOR(lo);

	switch (ICR_DELIVERY(lo)) {
	case DELIVERY_FIXED:
	case DELIVERY_LOWEST:
		if (vector < 16) {
			ctx->lapic[from].esr |= APIC_ESR_SEND_ILLEGAL;
			return;
		}
		bit_set(a->irr, vector);
		break;
	case DELIVERY_NMI:
		a->nmi_dropped++;
		return;
	case DELIVERY_INIT:
		/* The level de-assert INIT only synchronises arbitration IDs. */
		if ((lo & ICR_TRIGGER_LEVEL) && !(lo & ICR_LEVEL_ASSERT))
			return;
		if (to == 0)
			return;		/* no BIOS to restart the BSP in */
		/*
		 * At once, as on hardware: the APIC is reset and the CPU
		 * waits for STARTUP, even before its thread notices.
		 */
		lapic_reset(ctx, to);
		a->init = true;
		a->wait_sipi = true;
		a->sipi = false;
		break;
	case DELIVERY_STARTUP:
		/* Only a vCPU waiting for STARTUP takes one (SDM 9.4.4). */
		if (!a->wait_sipi)
			return;
		a->sipi = true;
		a->sipi_vector = vector;
		break;
	default:
		return;		/* SMI, ExtINT: nothing to do */
	}
	if (to != from)
		lapic_kick(ctx, to);
}

static void lapic_send_ipi(struct dev_ctx *ctx, unsigned int from)
{
	struct lapic_state *a = &ctx->lapic[from];
	unsigned int cpu, shorthand = ICR_SHORTHAND(a->icr_lo);
	bool lowest = ICR_DELIVERY(a->icr_lo) == DELIVERY_LOWEST;

	for (cpu = 0; cpu < ctx->nr_cpus; cpu++) {
		bool to;

		switch (shorthand) {
		case SHORTHAND_SELF:
			to = cpu == from;
			break;
		case SHORTHAND_ALL:
			to = true;
			break;
		case SHORTHAND_OTHERS:
			to = cpu != from;
			break;
		default:
			to = lapic_is_dest(ctx, cpu, a->icr_lo, a->icr_hi);
			break;
		}
		if (!to)
			continue;
		lapic_deliver(ctx, from, cpu, a->icr_lo);
		/* Lowest priority: one target is enough; take the first. */
		if (lowest)
			break;
	}
}

static __u32 lapic_read_reg(struct dev_ctx *ctx, unsigned int cpu,
			    unsigned int reg)
{
	struct lapic_state *a = &ctx->lapic[cpu];

	if (reg >= APIC_ISR && reg < APIC_ISR + 0x80)
		return a->isr[(reg - APIC_ISR) >> 4];
	if (reg >= APIC_TMR && reg < APIC_TMR + 0x80)
		return a->tmr[(reg - APIC_TMR) >> 4];
	if (reg >= APIC_IRR && reg < APIC_IRR + 0x80)
		return a->irr[(reg - APIC_IRR) >> 4];
	if (reg == APIC_LVT_CMCI)
		return a->lvt[0];
	if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR)
		return a->lvt[1 + ((reg - APIC_LVT_TIMER) >> 4)];
	switch (reg) {
	case APIC_ID:
		return cpu << 24;
	case APIC_LVR:
		return LAPIC_VERSION;
	case APIC_TPR:
		return a->tpr;
	case APIC_PPR:
		return lapic_ppr(a);
	case APIC_LDR:
		return a->ldr;
	case APIC_DFR:
		return a->dfr;
	case APIC_SVR:
		return a->svr;
	case APIC_ESR:
		return a->esr;
	case APIC_ICR_LO:
		return a->icr_lo;
	case APIC_ICR_HI:
		return a->icr_hi;
	case APIC_TMICT:
		return a->timer_initial;
	case APIC_TDCR:
		return a->timer_divide;
	default:
		return 0;	/* APR, TMCCT, reserved */
	}
}

static void lapic_write_reg(struct dev_ctx *ctx, unsigned int cpu,
			    unsigned int reg, __u32 val)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	int isrv;

	if (reg == APIC_LVT_CMCI) {
		a->lvt[0] = val;
		return;
	}
	if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) {
		a->lvt[1 + ((reg - APIC_LVT_TIMER) >> 4)] = val;
		return;
	}
	switch (reg) {
	case APIC_TPR:
		a->tpr = val & 0xff;
		break;
	case APIC_EOI:
		isrv = bit_highest(a->isr);
		if (isrv >= 0)
			bit_clear(a->isr, isrv);
		break;
	case APIC_LDR:
		a->ldr = val & 0xff000000;
		break;
	case APIC_DFR:
		a->dfr = val | 0x0fffffff;
		break;
	case APIC_SVR:
		a->svr = val & 0x1ff;
		break;
	case APIC_ESR:
		/* A write latches the errors to read; none accumulate here. */
		break;
	case APIC_ICR_LO:
		a->icr_lo = val & ICR_WRITABLE_LO;
		lapic_send_ipi(ctx, cpu);
		break;
	case APIC_ICR_HI:
		a->icr_hi = val & 0xff000000;
		break;
	case APIC_TMICT:
		a->timer_initial = val;
		break;
	case APIC_TDCR:
		a->timer_divide = val & 0xb;
		break;
	default:
		break;		/* read-only or reserved */
	}
}

/* Registers are 32 bits at 16-byte boundaries; other accesses see 0. */
static __u64 lapic_read(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
			unsigned int size)
{
	unsigned int off = addr - LAPIC_BASE;

	if (cpu >= ctx->nr_cpus || (off & 0xf) + size > 4)
		return 0;
	return lapic_read_reg(ctx, cpu, off & ~0xfu) >> ((off & 3) * 8);
}

static void lapic_write(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
			unsigned int size, __u64 val)
{
	unsigned int off = addr - LAPIC_BASE;

	if (cpu >= ctx->nr_cpus || (off & 0xf) || size != 4)
		return;
	lapic_write_reg(ctx, cpu, off, val);
}

const struct mmio_dev lapic_dev = {
	.name	= "local-apic",
	.base	= LAPIC_BASE,
	.len	= LAPIC_SIZE,
	.read	= lapic_read,
	.write	= lapic_write,
};
