// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC of each vCPU, at the xAPIC page 0xfee00000 (SDM Vol. 3A,
 * chapter 11 "Advanced Programmable Interrupt Controller (APIC)"), as far
 * as Linux uses it: ID (= vCPU id, read-only), version, TPR, PPR
 * (computed), EOI, LDR, DFR (flat and cluster logical destinations), SVR,
 * ISR/TMR/IRR, ESR, ICR, the LVT, the timer, and the IA32_APIC_BASE and
 * IA32_TSC_DEADLINE MSRs (dev_msr_read() and dev_msr_write()).
 *
 * Every vCPU sees its own APIC at the same address: tvmm maps no memory
 * there, so each access is an MMIO exit of that vCPU, and @cpu says whose
 * APIC it is. Runs in whichever thread of vmm/ holds ctx->lock.
 *
 * Interrupts in: IPIs (the ICR), the IOAPIC's messages (lapic_deliver()),
 * the timer. Fixed and lowest-priority ones (to the one target of lowest
 * priority) set the vector in the target's IRR, and TMR as triggered, and
 * kick its vCPU; INIT and STARTUP are kept for the vCPU loop, which takes
 * them with lapic_take_init() and lapic_take_sipi(); an NMI is counted and
 * dropped (tvmm cannot inject one); SMI and ExtINT messages are dropped.
 * Delivery is immediate: the ICR's delivery status always reads idle. The
 * EOI of a vector whose TMR bit is set, a level-triggered interrupt of the
 * IOAPIC, goes on to the IOAPIC (ioapic_eoi()), whose remote IRR it clears.
 * A software-disabled APIC (SVR bit 8 clear) holds what it receives in IRR
 * and delivers nothing; clearing SVR bit 8 masks every LVT entry, and the
 * mask stays while it is clear.
 *
 * The 8259A's INTR reaches vCPU 0 through LINT0 while LVT0 is unmasked in
 * ExtINT mode, which vCPU 0's reset gives as KVM's does (the virtual-wire
 * mode a PC BIOS leaves, so that guests that never touch the APIC get
 * the PIC's interrupts), or directly while IA32_APIC_BASE disables the
 * APIC (lapic_pic_connected()).
 *
 * The timer counts at the rate of the crystal of the guest's CPUID leaf
 * 0x15, the TSC's (or half of it, apic_tsc_ratio()), divided by TDCR. Its
 * deadlines
 * are TSC values (hooks->tsc), so the guest's clock and its timer never
 * drift apart; a periodic timer's next deadline is the last one plus the
 * period, whenever the host got round to it. Nothing runs in the
 * background: vmm/ sleeps until the earliest deadline (dev_next_event_ns())
 * and calls lapic_timer_update() (dev_update()); arming the timer wakes it
 * (hooks->wake_io) to ask again. Expiries a late host missed are merged,
 * as IRR merges requests. Any change to the timer's registers first
 * raises what was due by then.
 */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "lib/x86.h"
#include "devices/devices.h"
#include "devices/state.h"

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
	APIC_LVT_THERMAL = 0x330,
	APIC_LVT_PERF	= 0x340,
	APIC_LVT_LINT0	= 0x350,
	APIC_LVT_LINT1	= 0x360,
	APIC_LVT_ERROR	= 0x370,
	APIC_TMICT	= 0x380,
	APIC_TMCCT	= 0x390,
	APIC_TDCR	= 0x3e0,
};

/* lapic_state.lvt[]: CMCI, then the entries from 0x320 on, in order. */
enum {
	LVT_CMCI, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1,
	LVT_ERROR,
};

/*
 * The bits of each LVT entry software may write (Figure 11-8): vector,
 * mask, and by entry delivery mode, timer mode, pin polarity and trigger;
 * delivery status and remote IRR are read-only (and stay 0 here).
 */
static const __u32 lvt_writable[LAPIC_NR_LVT] = {
	[LVT_CMCI]	= 0x000107ff,
	[LVT_TIMER]	= 0x000700ff,
	[LVT_THERMAL]	= 0x000107ff,
	[LVT_PERF]	= 0x000107ff,
	[LVT_LINT0]	= 0x0001a7ff,
	[LVT_LINT1]	= 0x0001a7ff,
	[LVT_ERROR]	= 0x000100ff,
};

#define APIC_SVR_ENABLE		BIT(8)
#define APIC_SVR_WRITABLE	0x3ff	/* vector, enable, focus checking */
#define APIC_LVT_VECTOR(v)	((v) & 0xff)
#define APIC_LVT_DELIVERY(v)	(((v) >> 8) & 7)
#define APIC_LVT_MASKED		BIT(16)
#define APIC_LVT_TIMER_MODE(v)	(((v) >> 17) & 3)
#define APIC_ESR_SEND_ILLEGAL	BIT(5)
#define APIC_ESR_RECV_ILLEGAL	BIT(6)
#define APIC_DFR_MODEL(v)	((v) >> 28)
#define APIC_DFR_FLAT		0xf
#define ICR_VECTOR(lo)		((lo) & 0xff)
#define ICR_DELIVERY(lo)	(((lo) >> 8) & 7)
#define ICR_LOGICAL		BIT(11)
#define ICR_LEVEL_ASSERT	BIT(14)
#define ICR_TRIGGER_LEVEL	BIT(15)
#define ICR_SHORTHAND(lo)	(((lo) >> 18) & 3)
#define ICR_DEST(hi)		((hi) >> 24)
#define ICR_WRITABLE_LO		0x000ccfff
#define APIC_BROADCAST		0xff

/* LVT timer modes (bits 18:17); 3 is reserved and never counts. */
enum {
	TIMER_ONE_SHOT		= 0,
	TIMER_PERIODIC		= 1,
	TIMER_TSC_DEADLINE	= 2,
};

enum {
	SHORTHAND_NONE		= 0,
	SHORTHAND_SELF		= 1,
	SHORTHAND_ALL		= 2,
	SHORTHAND_OTHERS	= 3,
};

/* Who sent a message: a vCPU's ICR, or none (the IOAPIC). */
#define FROM_NO_CPU		-1

static void bit_set(__u32 *map, unsigned int v)
{
	map[v >> 5] |= 1u << (v & 31);
}

static void bit_clear(__u32 *map, unsigned int v)
{
	map[v >> 5] &= ~(1u << (v & 31));
}

static bool bit_test(const __u32 *map, unsigned int v)
{
	return map[v >> 5] & (1u << (v & 31));
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

static bool lapic_sw_enabled(const struct lapic_state *a)
{
	return a->svr & APIC_SVR_ENABLE;
}

/* The APIC is there: a vCPU of the VM, not disabled in IA32_APIC_BASE. */
static bool lapic_present(const struct dev_ctx *ctx, unsigned int cpu)
{
	return cpu < ctx->nr_cpus && !ctx->lapic[cpu].hw_disabled;
}

/*
 * The state after power-up or INIT (SDM 11.4.7.1, 11.4.7.3): registers
 * zero, DFR all ones, SVR 0xff (software-disabled), LVT entries masked
 * but vCPU 0's LINT0, timer stopped. INIT and STARTUP, the NMI count and
 * the IA32_APIC_BASE enable are left alone.
 */
void lapic_reset(struct dev_ctx *ctx, unsigned int cpu)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	bool init = a->init, sipi = a->sipi, wait_sipi = a->wait_sipi;
	bool hw_disabled = a->hw_disabled;
	__u8 sipi_vector = a->sipi_vector;
	unsigned long long nmi = a->nmi_dropped;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	a->init = init;
	a->sipi = sipi;
	a->sipi_vector = sipi_vector;
	a->dfr = 0xffffffff;
	a->svr = 0xff;
	for (i = 0; i < LAPIC_NR_LVT; i++)
		a->lvt[i] = APIC_LVT_MASKED;
	/* Virtual wire through the BSP's LINT0, as KVM resets it. */
	if (cpu == 0)
		a->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
	a->wait_sipi = wait_sipi;
	a->hw_disabled = hw_disabled;
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

	if (!lapic_present(ctx, cpu) || !lapic_sw_enabled(a))
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

bool lapic_pic_connected(const struct dev_ctx *ctx, unsigned int cpu)
{
	const struct lapic_state *a = &ctx->lapic[cpu];
	__u32 lint0 = a->lvt[LVT_LINT0];

	if (cpu != 0)
		return false;	/* the 8259A is wired to the BSP only */
	if (a->hw_disabled)
		return true;	/* no APIC: INTR goes to the CPU */
	return !(lint0 & APIC_LVT_MASKED) &&
	       APIC_LVT_DELIVERY(lint0) == APIC_DM_EXTINT;
}

static void lapic_kick(struct dev_ctx *ctx, unsigned int cpu)
{
	if (ctx->hooks && ctx->hooks->kick)
		ctx->hooks->kick(ctx->hooks->data, cpu);
}

/* A fixed interrupt arrives at @cpu's APIC: IRR, and TMR as triggered. */
static void lapic_accept(struct lapic_state *a, unsigned int vector,
			 bool level)
{
	if (vector < 16) {
		a->esr |= APIC_ESR_RECV_ILLEGAL;
		return;
	}
	bit_set(a->irr, vector);
	if (level)
		bit_set(a->tmr, vector);
	else
		bit_clear(a->tmr, vector);
}

/* A logical destination @mda against @a's LDR (SDM 11.6.2.2). */
static bool lapic_match_logical(const struct lapic_state *a, __u8 mda)
{
	__u8 id = a->ldr >> 24;

	if (mda == APIC_BROADCAST)
		return true;
	if (APIC_DFR_MODEL(a->dfr) == APIC_DFR_FLAT)
		return mda & id;
	/* Cluster: bits 7:4 name the cluster, bits 3:0 APICs in it. */
	return (mda >> 4) == (id >> 4) && (mda & id & 0xf);
}

/* Does @m, sent by @from with @shorthand, name @cpu's APIC? */
static bool lapic_targeted(const struct dev_ctx *ctx, int from,
			   unsigned int cpu, const struct apic_msg *m,
			   unsigned int shorthand)
{
	if (!lapic_present(ctx, cpu))
		return false;
	switch (shorthand) {
	case SHORTHAND_SELF:
		return (int)cpu == from;
	case SHORTHAND_ALL:
		return true;
	case SHORTHAND_OTHERS:
		return (int)cpu != from;
	default:
		if (m->logical)
			return lapic_match_logical(&ctx->lapic[cpu], m->dest);
		return m->dest == APIC_BROADCAST || m->dest == cpu;
	}
}

/*
 * Lowest priority (SDM 11.6.2.4): of the targets, an enabled APIC before
 * a software-disabled one, then the lowest processor priority; the lowest
 * APIC ID among equals. Is @cpu a better target than @best?
 */
static bool lapic_lower_priority(const struct dev_ctx *ctx, unsigned int cpu,
				 unsigned int best)
{
	const struct lapic_state *a = &ctx->lapic[cpu], *b = &ctx->lapic[best];

	if (lapic_sw_enabled(a) != lapic_sw_enabled(b))
		return lapic_sw_enabled(a);
	return (lapic_ppr(a) & 0xf0) < (lapic_ppr(b) & 0xf0);
}

static void lapic_receive(struct dev_ctx *ctx, int from, unsigned int to,
			  const struct apic_msg *m)
{
	struct lapic_state *a = &ctx->lapic[to];

	switch (m->delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		lapic_accept(a, m->vector, m->level);
		break;
	case APIC_DM_NMI:
		a->nmi_dropped++;
		return;
	case APIC_DM_INIT:
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
	case APIC_DM_STARTUP:
		/* Only a vCPU waiting for STARTUP takes one (SDM 9.4.4). */
		if (!a->wait_sipi)
			return;
		a->sipi = true;
		a->sipi_vector = m->vector;
		break;
	default:
		return;		/* SMI, ExtINT: nothing to do */
	}
	if ((int)to != from)
		lapic_kick(ctx, to);
}

static unsigned int lapic_send(struct dev_ctx *ctx, int from,
			       const struct apic_msg *m,
			       unsigned int shorthand)
{
	unsigned int cpu, n = 0;
	int best = -1;

	for (cpu = 0; cpu < ctx->nr_cpus; cpu++) {
		if (!lapic_targeted(ctx, from, cpu, m, shorthand))
			continue;
		if (m->delivery != APIC_DM_LOWEST) {
			lapic_receive(ctx, from, cpu, m);
			n++;
		} else if (best < 0 || lapic_lower_priority(ctx, cpu, best)) {
			best = cpu;
		}
	}
	if (best >= 0) {
		lapic_receive(ctx, from, best, m);
		n++;
	}
	return n;
}

unsigned int lapic_deliver(struct dev_ctx *ctx, const struct apic_msg *m)
{
	return lapic_send(ctx, FROM_NO_CPU, m, SHORTHAND_NONE);
}

/* A write of ICR's low half sends the IPI it describes. */
static void lapic_send_ipi(struct dev_ctx *ctx, unsigned int from)
{
	struct lapic_state *a = &ctx->lapic[from];
	struct apic_msg m = {
		.vector		= ICR_VECTOR(a->icr_lo),
		.delivery	= ICR_DELIVERY(a->icr_lo),
		.dest		= ICR_DEST(a->icr_hi),
		.logical	= a->icr_lo & ICR_LOGICAL,
	};

	/* The level de-assert INIT only synchronises arbitration IDs. */
	if (m.delivery == APIC_DM_INIT && (a->icr_lo & ICR_TRIGGER_LEVEL) &&
	    !(a->icr_lo & ICR_LEVEL_ASSERT))
		return;
	if ((m.delivery == APIC_DM_FIXED || m.delivery == APIC_DM_LOWEST) &&
	    m.vector < 16) {
		a->esr |= APIC_ESR_SEND_ILLEGAL;
		return;
	}
	lapic_send(ctx, from, &m, ICR_SHORTHAND(a->icr_lo));
}

/* ---- the timer ---------------------------------------------------------- */

static unsigned int lapic_timer_mode(const struct lapic_state *a)
{
	return APIC_LVT_TIMER_MODE(a->lvt[LVT_TIMER]);
}

/*
 * TSC cycles per count: the crystal's (apic_tsc_ratio()) times TDCR's
 * divider, bits 3, 1:0 (Figure 11-10): 2, 4, ... 128, then 1 for 111b.
 */
static __u64 lapic_timer_divisor(const struct dev_ctx *ctx,
				 const struct lapic_state *a)
{
	unsigned int v = (a->timer_divide & 3) | (a->timer_divide & 8) >> 1;

	return (v == 7 ? 1 : 2ULL << v) * apic_tsc_ratio(ctx->tsc_khz);
}

/* TMCCT at TSC @now: the counts left, rounded up; 0 once stopped. */
static __u32 lapic_timer_count(const struct dev_ctx *ctx,
			       const struct lapic_state *a, __u64 now)
{
	__u64 div = lapic_timer_divisor(ctx, a), left;

	if (!a->timer_armed)
		return 0;
	if (now < a->timer_next)
		left = a->timer_next - now;
	else if (lapic_timer_mode(a) == TIMER_PERIODIC)
		left = a->timer_period -
		       (now - a->timer_next) % a->timer_period;
	else
		return 0;	/* expired; lapic_timer_update() will see */
	return (left + div - 1) / div;
}

/* The LVT timer entry fires: its vector unless masked. */
static void lapic_timer_fire(struct dev_ctx *ctx, unsigned int cpu)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	__u32 lvt = a->lvt[LVT_TIMER];

	if (lvt & APIC_LVT_MASKED)
		return;
	lapic_accept(a, APIC_LVT_VECTOR(lvt), false);
	lapic_kick(ctx, cpu);
}

void lapic_timer_update(struct dev_ctx *ctx, unsigned int cpu)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	__u64 now;

	if (!a->timer_armed && !a->tsc_deadline)
		return;
	now = dev_tsc(ctx);
	if (lapic_timer_mode(a) == TIMER_TSC_DEADLINE) {
		/* It fires once, then reads 0 (SDM 11.5.4.1). */
		if (a->tsc_deadline && now >= a->tsc_deadline) {
			a->tsc_deadline = 0;
			lapic_timer_fire(ctx, cpu);
		}
		return;
	}
	if (!a->timer_armed || now < a->timer_next)
		return;
	if (lapic_timer_mode(a) == TIMER_PERIODIC)
		a->timer_next += ((now - a->timer_next) / a->timer_period + 1) *
				 a->timer_period;
	else
		a->timer_armed = false;
	lapic_timer_fire(ctx, cpu);
}

bool lapic_timer_deadline(const struct dev_ctx *ctx, unsigned int cpu,
			  __u64 *tsc)
{
	const struct lapic_state *a = &ctx->lapic[cpu];

	if (lapic_timer_mode(a) == TIMER_TSC_DEADLINE) {
		*tsc = a->tsc_deadline;
		return a->tsc_deadline;
	}
	*tsc = a->timer_next;
	return a->timer_armed;
}

/* TMICT written: count down from it; 0 stops the timer. */
static void lapic_timer_start(struct dev_ctx *ctx, unsigned int cpu)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	unsigned int mode = lapic_timer_mode(a);

	a->timer_armed = false;
	if (!a->timer_initial ||
	    (mode != TIMER_ONE_SHOT && mode != TIMER_PERIODIC))
		return;
	a->timer_period = (__u64)a->timer_initial * lapic_timer_divisor(ctx, a);
	a->timer_next = dev_tsc(ctx) + a->timer_period;
	a->timer_armed = true;
	dev_wake_io(ctx);
}

/* TDCR written: the count goes on from where it is, at the new rate. */
static void lapic_timer_divide(struct dev_ctx *ctx, unsigned int cpu,
			       __u32 val)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	__u64 now = dev_tsc(ctx);
	__u32 count = lapic_timer_count(ctx, a, now);

	a->timer_divide = val & 0xb;
	if (!a->timer_armed || !count)
		return;
	a->timer_period = (__u64)a->timer_initial * lapic_timer_divisor(ctx, a);
	a->timer_next = now + count * lapic_timer_divisor(ctx, a);
	dev_wake_io(ctx);
}

/* ---- registers ---------------------------------------------------------- */

static void lapic_write_lvt(struct dev_ctx *ctx, unsigned int cpu,
			    unsigned int i, __u32 val)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	unsigned int mode = lapic_timer_mode(a);

	val &= lvt_writable[i];
	/* Software-disabled: the mask bits cannot be cleared (11.4.7.2). */
	if (!lapic_sw_enabled(a))
		val |= APIC_LVT_MASKED;
	a->lvt[i] = val;
	/* A change of timer mode disarms the timer (11.5.4.1). */
	if (i == LVT_TIMER && lapic_timer_mode(a) != mode) {
		a->timer_armed = false;
		a->timer_initial = 0;
		a->tsc_deadline = 0;
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
		return a->lvt[LVT_CMCI];
	if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR)
		return a->lvt[LVT_TIMER + ((reg - APIC_LVT_TIMER) >> 4)];
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
	case APIC_TMCCT:
		/* TSC-deadline mode: always 0 (not armed). */
		return lapic_timer_count(ctx, a, dev_tsc(ctx));
	case APIC_TDCR:
		return a->timer_divide;
	default:
		return 0;	/* APR, reserved */
	}
}

static void lapic_write_reg(struct dev_ctx *ctx, unsigned int cpu,
			    unsigned int reg, __u32 val)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	unsigned int i;
	int isrv;

	if (reg == APIC_LVT_TIMER || reg == APIC_TMICT || reg == APIC_TDCR)
		lapic_timer_update(ctx, cpu);
	if (reg == APIC_LVT_CMCI) {
		lapic_write_lvt(ctx, cpu, LVT_CMCI, val);
		return;
	}
	if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) {
		lapic_write_lvt(ctx, cpu,
				LVT_TIMER + ((reg - APIC_LVT_TIMER) >> 4), val);
		return;
	}
	switch (reg) {
	case APIC_TPR:
		a->tpr = val & 0xff;
		break;
	case APIC_EOI:
		isrv = bit_highest(a->isr);
		if (isrv < 0)
			break;
		bit_clear(a->isr, isrv);
		if (bit_test(a->tmr, isrv))
			ioapic_eoi(ctx, isrv);
		break;
	case APIC_LDR:
		a->ldr = val & 0xff000000;
		break;
	case APIC_DFR:
		a->dfr = val | 0x0fffffff;
		break;
	case APIC_SVR:
		a->svr = val & APIC_SVR_WRITABLE;
		if (!lapic_sw_enabled(a))
			for (i = 0; i < LAPIC_NR_LVT; i++)
				a->lvt[i] |= APIC_LVT_MASKED;
		break;
	case APIC_ESR:
		/* Errors show at once; a write clears them (as KVM's). */
		a->esr = 0;
		break;
	case APIC_ICR_LO:
		a->icr_lo = val & ICR_WRITABLE_LO;
		lapic_send_ipi(ctx, cpu);
		break;
	case APIC_ICR_HI:
		a->icr_hi = val & 0xff000000;
		break;
	case APIC_TMICT:
		/* Ignored in TSC-deadline mode (11.5.4.1). */
		if (lapic_timer_mode(a) == TIMER_TSC_DEADLINE)
			break;
		a->timer_initial = val;
		lapic_timer_start(ctx, cpu);
		break;
	case APIC_TDCR:
		lapic_timer_divide(ctx, cpu, val);
		break;
	default:
		break;		/* read-only or reserved */
	}
}

/*
 * Registers are 32 bits at 16-byte boundaries; other accesses see 0. A
 * hardware-disabled APIC is not there: all ones, writes dropped.
 */
static __u64 lapic_read(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
			unsigned int size)
{
	unsigned int off = addr - LAPIC_BASE;

	if (cpu >= ctx->nr_cpus)
		return 0;
	if (ctx->lapic[cpu].hw_disabled)
		return ~0ULL;
	if ((off & 0xf) + size > 4)
		return 0;
	return lapic_read_reg(ctx, cpu, off & ~0xfu) >> ((off & 3) * 8);
}

static void lapic_write(struct dev_ctx *ctx, unsigned int cpu, __u64 addr,
			unsigned int size, __u64 val)
{
	unsigned int off = addr - LAPIC_BASE;

	if (!lapic_present(ctx, cpu) || (off & 0xf) || size != 4)
		return;
	lapic_write_reg(ctx, cpu, off, val);
}

/* The registers' names in the SDM's table 11-1, for the exit summary. */
static const char *lapic_reg_name(__u64 off, bool write)
{
	static const struct {
		unsigned int reg;
		const char *name;
	} names[] = {
		{ APIC_ID, "ID" }, { APIC_LVR, "version" }, { APIC_TPR, "TPR" },
		{ APIC_APR, "APR" }, { APIC_PPR, "PPR" }, { APIC_EOI, "EOI" },
		{ APIC_LDR, "LDR" }, { APIC_DFR, "DFR" }, { APIC_SVR, "SVR" },
		{ APIC_ESR, "ESR" }, { APIC_LVT_CMCI, "LVT CMCI" },
		{ APIC_ICR_LO, "ICR (low)" }, { APIC_ICR_HI, "ICR (high)" },
		{ APIC_LVT_TIMER, "LVT timer" }, { APIC_LVT_THERMAL, "LVT thermal" },
		{ APIC_LVT_PERF, "LVT perfmon" }, { APIC_LVT_LINT0, "LVT LINT0" },
		{ APIC_LVT_LINT1, "LVT LINT1" }, { APIC_LVT_ERROR, "LVT error" },
		{ APIC_TMICT, "timer initial count" },
		{ APIC_TMCCT, "timer current count" },
		{ APIC_TDCR, "timer divide" },
	};
	size_t i;

	if (off >= APIC_ISR && off < APIC_ESR)
		return off < APIC_TMR ? "ISR" : off < APIC_IRR ? "TMR" : "IRR";
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].reg == (off & ~0xfULL))
			return names[i].name;
	return NULL;
}

const struct mmio_dev lapic_dev = {
	.name		= "local-apic",
	.base		= LAPIC_BASE,
	.len		= LAPIC_SIZE,
	.read		= lapic_read,
	.write		= lapic_write,
	.reg_name	= lapic_reg_name,
};

/* ---- MSRs --------------------------------------------------------------- */

__u64 lapic_get_apic_base(const struct dev_ctx *ctx, unsigned int cpu)
{
	return LAPIC_BASE | (cpu == 0 ? APICBASE_BSP : 0) |
	       (ctx->lapic[cpu].hw_disabled ? 0 : APICBASE_ENABLE);
}

/*
 * IA32_APIC_BASE (SDM 11.4.4): only the enable bit changes. Moving the
 * base, x2APIC mode (CPUID hides x2APIC) and reserved bits are #GP; the
 * BSP bit is the hardware's and a write of it is ignored. Disabling
 * loses the APIC's state (11.4.3 allows it): it comes back as reset.
 */
int lapic_set_apic_base(struct dev_ctx *ctx, unsigned int cpu, __u64 val)
{
	struct lapic_state *a = &ctx->lapic[cpu];
	bool enable = val & APICBASE_ENABLE;

	if ((val & ~(APICBASE_BSP | APICBASE_ENABLE)) != LAPIC_BASE)
		return -1;
	if (!enable && !a->hw_disabled) {
		lapic_reset(ctx, cpu);
		a->hw_disabled = true;
	} else if (enable) {
		a->hw_disabled = false;
	}
	return 0;
}

/* IA32_TSC_DEADLINE: 0 but in TSC-deadline mode (11.5.4.1). */
__u64 lapic_get_tsc_deadline(const struct dev_ctx *ctx, unsigned int cpu)
{
	const struct lapic_state *a = &ctx->lapic[cpu];

	if (a->hw_disabled || lapic_timer_mode(a) != TIMER_TSC_DEADLINE)
		return 0;
	return a->tsc_deadline;
}

/* Arms (0 disarms) in TSC-deadline mode; ignored in the others. */
void lapic_set_tsc_deadline(struct dev_ctx *ctx, unsigned int cpu, __u64 val)
{
	struct lapic_state *a = &ctx->lapic[cpu];

	if (a->hw_disabled || lapic_timer_mode(a) != TIMER_TSC_DEADLINE)
		return;
	lapic_timer_update(ctx, cpu);
	a->tsc_deadline = val;
	if (val)
		dev_wake_io(ctx);
}

/* ---- snapshots (state.h) ----------------------------------------------- */

static const struct dev_field lapic_fields[] = {
	DEV_FIELD(struct lapic_state, tpr, DF_U32),
	DEV_FIELD(struct lapic_state, ldr, DF_U32),
	DEV_FIELD(struct lapic_state, dfr, DF_U32),
	DEV_FIELD(struct lapic_state, svr, DF_U32),
	DEV_FIELD(struct lapic_state, esr, DF_U32),
	DEV_FIELD(struct lapic_state, icr_lo, DF_U32),
	DEV_FIELD(struct lapic_state, icr_hi, DF_U32),
	DEV_FIELD_ARRAY(struct lapic_state, lvt, DF_U32, LAPIC_NR_LVT),
	DEV_FIELD(struct lapic_state, timer_initial, DF_U32),
	DEV_FIELD(struct lapic_state, timer_divide, DF_U32),
	DEV_FIELD_ARRAY(struct lapic_state, irr, DF_U32, 8),
	DEV_FIELD_ARRAY(struct lapic_state, isr, DF_U32, 8),
	DEV_FIELD_ARRAY(struct lapic_state, tmr, DF_U32, 8),
	DEV_FIELD(struct lapic_state, timer_armed, DF_BOOL),
	/* Both deadlines as cycles of the guest's TSC from the snapshot. */
	DEV_FIELD(struct lapic_state, timer_next, DF_TSC),
	DEV_FIELD(struct lapic_state, timer_period, DF_U64),
	DEV_FIELD(struct lapic_state, tsc_deadline, DF_TSC_ARMED),
	DEV_FIELD(struct lapic_state, hw_disabled, DF_BOOL),
	DEV_FIELD(struct lapic_state, init, DF_BOOL),
	DEV_FIELD(struct lapic_state, sipi, DF_BOOL),
	DEV_FIELD(struct lapic_state, sipi_vector, DF_U8),
	DEV_FIELD(struct lapic_state, wait_sipi, DF_BOOL),
	DEV_FIELD(struct lapic_state, nmi_dropped, DF_U64),
};

/* The local APIC of vCPU @cpu. */
int lapic_state_save(const struct dev_ctx *ctx, unsigned int cpu,
		     struct dev_state_buf *b, const struct dev_clock *clk)
{
	return dev_state_put(b, &ctx->lapic[cpu], lapic_fields,
			     ARRAY_SIZE(lapic_fields), clk);
}

int lapic_state_load(struct dev_ctx *ctx, unsigned int cpu,
		     struct dev_state_in *in, const struct dev_clock *clk)
{
	struct lapic_state a = { 0 };

	/* A periodic timer steps by its period. */
	if (dev_state_get_all(in, &a, lapic_fields, ARRAY_SIZE(lapic_fields),
			      clk) ||
	    (a.timer_armed && !a.timer_period))
		return -EINVAL;
	ctx->lapic[cpu] = a;
	return 0;
}
