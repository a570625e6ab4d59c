// SPDX-License-Identifier: GPL-2.0
/*
 * interrupt_test - TVMM_INTERRUPT delivers one external interrupt when the
 * guest can take it, once; run->request_interrupt_window reports when it
 * could.
 *
 * SDM Vol. 3A, 7.8.1 "Masking Maskable Hardware Interrupts": with IF = 0
 * the processor does not take maskable interrupts; "If IF = 0, maskable
 * hardware interrupts remain inhibited on the instruction boundary
 * following an execution of STI" (the STI shadow).
 * SDM Vol. 3C, 26.2 and 25.6.2: with "interrupt-window exiting", "a VM
 * exit occurs before execution of any instruction if RFLAGS.IF = 1 and
 * there is no other blocking of interrupts".
 * SDM Vol. 3C, 27.6: events injected at VM entry are delivered as if they
 * had happened right then, before the guest's next instruction.
 *
 * uapi/tvmm.h: TVMM_INTERRUPT queues a vector "0 to 255", delivered "at
 * the first VM entry where the guest can take it (RFLAGS.IF = 1, no STI
 * or MOV SS blocking, no event being re-delivered)"; -EBUSY when one is
 * queued, -EINVAL for a bad vector, flags or reserved. Every HLT exits
 * with RIP past it. run->request_interrupt_window: "Return with
 * TVMM_EXIT_IRQ_WINDOW_OPEN as soon as the guest can take an interrupt,
 * if none is queued". run->if_flag is RFLAGS.IF, and
 * run->ready_for_interrupt_injection says a TVMM_INTERRUPT now would be
 * delivered at the next entry.
 *
 * The guest's interrupt handlers report their vector by ucall
 * (GUEST_SYNC(STAGE_IRQ, vector)), so the host sees exactly when, and how
 * often, each interrupt arrives; they also keep the interrupted RIP.
 *
 * Each case is a guest and the host's script for it, a list of steps: run
 * to the guest's next report or exit, queue an interrupt, look at
 * run->if_flag and the rest. run_steps() plays a script; a failed step
 * names its line in the script.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "tvmm_gp.h"
#include "tvmm_test.h"
#include "tvmm_vm.h"

#define STAGE_IRQ	100

/*
 * Vectors: 8, where a PC BIOS leaves IRQ0 (an external interrupt on the
 * vector of #DF is still an external interrupt: no error code), the
 * highest, and two between.
 */
#define VEC_LOW		8
#define VEC_MID		65
#define VEC_HIGH	255
#define VEC_OTHER	128

/* An MSR tvmm does not virtualize: RDMSR of it raises #GP. */
#define BAD_MSR		0x4b564d99

/* Written by the handlers behind the compiler's back: read atomically. */
__u64 irq_count, irq_rip;

/*
 * One handler per vector: count, keep the interrupted RIP, report the
 * vector through the asm ucall mailbox (the C guest's own ucall records
 * are on its stack, below which this frame sits), return. IF is 0 inside
 * (interrupt gate) and comes back with the IRETQ.
 */
#define IRQ_STUB(vec)							\
	"irq_stub_" #vec ":\n"						\
	"	push %rax\n"						\
	"	push %rdx\n"						\
	"	mov 16(%rsp), %rax\n"					\
	"	mov %rax, irq_rip(%rip)\n"				\
	"	incq irq_count(%rip)\n"					\
	GUEST_ASM_SYNC(STAGE_IRQ, "$" #vec)				\
	"	pop %rdx\n"						\
	"	pop %rax\n"						\
	"	iretq\n"

asm(".pushsection .text\n"
	IRQ_STUB(8)
	IRQ_STUB(65)
	IRQ_STUB(128)
	IRQ_STUB(255)
	".popsection\n");
GUEST_ASM_LABEL(irq_stub_8);
GUEST_ASM_LABEL(irq_stub_65);
GUEST_ASM_LABEL(irq_stub_128);
GUEST_ASM_LABEL(irq_stub_255);

static struct tvmm_vm *create_vm(struct tvmm_vcpu **vcpu,
				 void (*guest_code)(void))
{
	struct tvmm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_code);

	vm_set_idt_gate(vm, VEC_LOW, irq_stub_8);
	vm_set_idt_gate(vm, VEC_MID, irq_stub_65);
	vm_set_idt_gate(vm, VEC_OTHER, irq_stub_128);
	vm_set_idt_gate(vm, VEC_HIGH, irq_stub_255);
	install_gp_gate(vm);
	return vm;
}

static void vcpu_interrupt(struct tvmm_vcpu *vcpu, __u32 vector)
{
	int ret = __vcpu_interrupt(vcpu, vector, 0, 0);

	TEST_ASSERT(!ret, "TVMM_INTERRUPT(%u): %s", vector, strerror(-ret));
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static __u64 read_irq_count(void)
{
	return __atomic_load_n(&irq_count, __ATOMIC_RELAXED);
}

static __u64 read_irq_rip(void)
{
	return __atomic_load_n(&irq_rip, __ATOMIC_RELAXED);
}

/*
 * The steps of a script, played in order by run_steps():
 *   RUN_SYNC(stage, value)	run to GUEST_SYNC(@stage, @value)
 *   RUN_IRQ(vector)		run into the handler of @vector (its report)
 *   RUN_EXIT(reason)		run to the exit @reason, not a ucall
 *   RUN_INTERNAL_ERROR(sub)	run to TVMM_EXIT_INTERNAL_ERROR of @sub
 *   RUN_DONE()			run to GUEST_DONE(): the last step
 *   QUEUE(vector)		TVMM_INTERRUPT of @vector
 *   QUEUE_BUSY(vector)		TVMM_INTERRUPT refused: one is queued
 *   CHECK_IF(v)		run->if_flag is @v
 *   CHECK_READY(v)		run->ready_for_interrupt_injection is @v
 *   CHECK_RIP(label)		the guest's RIP is at @label
 *   SET_WINDOW(v)		run->request_interrupt_window = @v
 *   SET_IF(v)			RFLAGS.IF, not @v, set to @v (TVMM_SET_REGS)
 *   MMIO_READ(value, len)	the exit is an MMIO read: it gets @value
 *   MAP_PAGE(gpa)		@gpa, outside every slot, in the page tables
 *   MOVE_IDT(gpa)		the IDT moved to @gpa...
 *   RESTORE_IDT()		...and back
 */
enum step_op {
	OP_SYNC, OP_IRQ, OP_EXIT, OP_INTERNAL_ERROR, OP_DONE,
	OP_QUEUE, OP_QUEUE_BUSY, OP_CHECK_IF, OP_CHECK_READY, OP_CHECK_RIP,
	OP_SET_WINDOW, OP_SET_IF, OP_MMIO_READ, OP_MAP_PAGE, OP_MOVE_IDT,
	OP_RESTORE_IDT,
};

struct step {
	enum step_op op;
	__u64 a, b;
	const void *label;
	int line;
};

#define STEP(op, a, b)		{ op, a, b, NULL, __LINE__ }
#define RUN_SYNC(stage, value)	STEP(OP_SYNC, stage, value)
#define RUN_IRQ(vector)		STEP(OP_IRQ, vector, 0)
#define RUN_EXIT(reason)	STEP(OP_EXIT, reason, 0)
#define RUN_INTERNAL_ERROR(suberror) STEP(OP_INTERNAL_ERROR, suberror, 0)
#define RUN_DONE()		STEP(OP_DONE, 0, 0)
#define QUEUE(vector)		STEP(OP_QUEUE, vector, 0)
#define QUEUE_BUSY(vector)	STEP(OP_QUEUE_BUSY, vector, 0)
#define CHECK_IF(v)		STEP(OP_CHECK_IF, v, 0)
#define CHECK_READY(v)		STEP(OP_CHECK_READY, v, 0)
#define CHECK_RIP(label)	{ OP_CHECK_RIP, 0, 0, label, __LINE__ }
#define SET_WINDOW(v)		STEP(OP_SET_WINDOW, v, 0)
#define SET_IF(v)		STEP(OP_SET_IF, v, 0)
#define MMIO_READ(value, len)	STEP(OP_MMIO_READ, value, len)
#define MAP_PAGE(gpa)		STEP(OP_MAP_PAGE, gpa, 0)
#define MOVE_IDT(gpa)		STEP(OP_MOVE_IDT, gpa, 0)
#define RESTORE_IDT()		STEP(OP_RESTORE_IDT, 0, 0)

/* Play @steps, up to and including RUN_DONE(). */
static void run_steps(struct __test_metadata *_metadata,
		      struct tvmm_vcpu *vcpu, const struct step *steps)
{
	struct tvmm_run *run = vcpu->run;
	const struct step *st;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	__u64 idt = 0, got;

	for (st = steps; st->op != OP_DONE; st++) {
		switch (st->op) {
		case OP_SYNC:
			got = vcpu_run_expect_sync_at(vcpu, st->a, __FILE__,
						      st->line);
			EXPECT_EQ(st->b, got) TH_LOG("line %d", st->line);
			break;
		case OP_IRQ:
			got = vcpu_run_expect_sync_at(vcpu, STAGE_IRQ, __FILE__,
						      st->line);
			EXPECT_EQ(st->a, got) TH_LOG("line %d", st->line);
			break;
		case OP_EXIT:
			vcpu_run_expect_exit_at(vcpu, st->a, __FILE__,
						st->line);
			break;
		case OP_INTERNAL_ERROR:
			vcpu_run_expect_exit_at(vcpu, TVMM_EXIT_INTERNAL_ERROR,
						__FILE__, st->line);
			EXPECT_EQ(st->a, run->internal.suberror)
				TH_LOG("line %d", st->line);
			break;
		case OP_QUEUE:
			vcpu_interrupt(vcpu, st->a);
			break;
		case OP_QUEUE_BUSY:
			EXPECT_EQ(-EBUSY, __vcpu_interrupt(vcpu, st->a, 0, 0))
				TH_LOG("line %d", st->line);
			break;
		case OP_CHECK_IF:
			EXPECT_EQ(st->a, run->if_flag)
				TH_LOG("line %d", st->line);
			break;
		case OP_CHECK_READY:
			EXPECT_EQ(st->a, run->ready_for_interrupt_injection)
				TH_LOG("line %d", st->line);
			break;
		case OP_CHECK_RIP:
			vcpu_get_regs(vcpu, &regs);
			EXPECT_EQ((__u64)(unsigned long)st->label, regs.rip)
				TH_LOG("line %d", st->line);
			break;
		case OP_SET_WINDOW:
			run->request_interrupt_window = st->a;
			break;
		case OP_SET_IF:
			vcpu_get_regs(vcpu, &regs);
			EXPECT_EQ(!st->a, !!(regs.rflags & X86_RFLAGS_IF))
				TH_LOG("line %d", st->line);
			regs.rflags &= ~X86_RFLAGS_IF;
			regs.rflags |= st->a ? X86_RFLAGS_IF : 0;
			vcpu_set_regs(vcpu, &regs);
			break;
		case OP_MMIO_READ:
			ASSERT_EQ(TVMM_EXIT_MMIO, run->exit_reason)
				TH_LOG("line %d", st->line);
			ASSERT_FALSE(run->mmio.is_write)
				TH_LOG("line %d", st->line);
			memcpy(run->mmio.data, &st->a, st->b);
			break;
		case OP_MAP_PAGE:
			virt_map(vcpu->vm, st->a, st->a, PAGE_SIZE);
			break;
		case OP_MOVE_IDT:
			vcpu_get_sregs(vcpu, &sregs);
			idt = sregs.idt.base;
			sregs.idt.base = st->a;
			vcpu_set_sregs(vcpu, &sregs);
			break;
		case OP_RESTORE_IDT:
			vcpu_get_sregs(vcpu, &sregs);
			sregs.idt.base = idt;
			vcpu_set_sregs(vcpu, &sregs);
			break;
		case OP_DONE:		/* the loop ends there */
			break;
		}
	}
	vcpu_run_expect_done_at(vcpu, __FILE__, st->line);
}

FIXTURE(irq) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

FIXTURE_VARIANT(irq) {
	void (*guest)(void);
	const struct step *steps;
};

FIXTURE_SETUP(irq)
{
	TVMM_REQUIRE_MODULE();
	self->vm = create_vm(&self->vcpu, variant->guest);
}

FIXTURE_TEARDOWN(irq)
{
	vm_free(self->vm);
}

TEST_F(irq, script)
{
	run_steps(_metadata, self->vcpu, variant->steps);
}

/* ---- IF = 1: delivered at the next entry ---- */

static void guest_if_set(void)
{
	sti();
	GUEST_SYNC(1, read_irq_count());
	/* The handler ran before the guest went on past its ucall. */
	GUEST_SYNC(2, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, delivered_at_once_when_if_is_set) {
	.guest = guest_if_set,
	.steps = (const struct step[]) {
		RUN_SYNC(1, 0), CHECK_IF(1), CHECK_READY(1),
		QUEUE(VEC_LOW),
		RUN_IRQ(VEC_LOW),
		/* Inside the handler: an interrupt gate cleared IF. */
		CHECK_IF(0), CHECK_READY(0),
		RUN_SYNC(2, 1), CHECK_IF(1), CHECK_READY(1),
		RUN_DONE(),
	},
};

/* ---- IF = 0: waits, through exits and a HLT, for STI and its shadow ---- */

GUEST_ASM_LABEL(after_sti_nop);

static void guest_if_clear(void)
{
	cli();
	GUEST_SYNC(1, 0);
	GUEST_SYNC(2, read_irq_count());
	hlt();
	GUEST_SYNC(3, read_irq_count());
	/* Blocked for the NOP (the STI shadow), taken before the CLI. */
	asm volatile("sti\n"
		     "nop\n"
		     "after_sti_nop:\n"
		     "cli\n" : : : "memory");
	GUEST_ASSERT_EQ(read_irq_rip(), (__u64)(unsigned long)after_sti_nop);
	GUEST_SYNC(4, read_irq_count());
	/* Taken once: nothing comes with IF = 1 again. */
	sti();
	GUEST_SYNC(5, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, waits_for_if_and_the_sti_shadow_and_comes_once) {
	.guest = guest_if_clear,
	.steps = (const struct step[]) {
		RUN_SYNC(1, 0), CHECK_IF(0), CHECK_READY(0),
		QUEUE(VEC_MID),
		RUN_SYNC(2, 0), CHECK_IF(0), CHECK_READY(0),
		/* Still queued: a second one is refused. */
		QUEUE_BUSY(VEC_HIGH),
		/* HLT with IF = 0 exits and does not take it either. */
		RUN_EXIT(TVMM_EXIT_HLT), CHECK_IF(0),
		RUN_SYNC(3, 0),
		RUN_IRQ(VEC_MID),
		RUN_SYNC(4, 1),
		RUN_SYNC(5, 1), CHECK_READY(1),
		RUN_DONE(),
	},
};

/*
 * ---- an exit inside the STI shadow: the instruction completes first ----
 *
 * The MMIO read right after STI exits to userspace before it completes,
 * inside the STI shadow; the interrupt queued then must come after the
 * read is done (with the data userspace gave), not before it.
 */
#define MMIO_GPA	0xc0000000ULL
#define MMIO_DATA	0x600dd00dU

GUEST_ASM_LABEL(after_shadow_read);

static void guest_exit_in_shadow(void)
{
	__u32 val;

	cli();
	asm volatile("sti\n"
		     "movl (%1), %0\n"
		     "after_shadow_read:\n"
		     "nop\n"
		     "cli\n"
		     : "=r"(val) : "r"(MMIO_GPA) : "memory");
	GUEST_ASSERT_EQ(val, MMIO_DATA);
	GUEST_ASSERT_EQ(read_irq_rip(), (__u64)(unsigned long)after_shadow_read);
	GUEST_SYNC(1, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, an_exit_in_the_sti_shadow_completes_first) {
	.guest = guest_exit_in_shadow,
	.steps = (const struct step[]) {
		MAP_PAGE(MMIO_GPA),
		RUN_EXIT(TVMM_EXIT_MMIO), CHECK_IF(1),
		MMIO_READ(MMIO_DATA, sizeof(__u32)),
		QUEUE(VEC_OTHER),
		RUN_IRQ(VEC_OTHER),
		RUN_SYNC(1, 1),
		RUN_DONE(),
	},
};

/* ---- STI; HLT: the HLT exits, the interrupt wakes the guest past it ---- */

GUEST_ASM_LABEL(after_hlt);

static void guest_sti_hlt(void)
{
	asm volatile("sti\n"
		     "hlt\n"
		     "after_hlt:\n" : : : "memory");
	GUEST_ASSERT_EQ(read_irq_rip(), (__u64)(unsigned long)after_hlt);
	GUEST_SYNC(1, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, sti_hlt_is_woken_past_the_hlt) {
	.guest = guest_sti_hlt,
	.steps = (const struct step[]) {
		RUN_EXIT(TVMM_EXIT_HLT), CHECK_RIP(after_hlt),
		CHECK_IF(1), CHECK_READY(1),
		QUEUE(VEC_HIGH),
		RUN_IRQ(VEC_HIGH),
		RUN_SYNC(1, 1),
		RUN_DONE(),
	},
};

/*
 * ---- an exception tvmm raises goes first; the interrupt stays queued ----
 *
 * The RDMSR sits in the STI shadow, so the queued interrupt cannot come
 * before it; tvmm raises #GP for it, which must be delivered first, and
 * the interrupt then once the #GP handler's IRETQ sets IF again.
 */
static void guest_exception_first(void)
{
	cli();
	GUEST_SYNC(1, 0);
	asm volatile("lea 1f(%%rip), %%r11\n"
		     "mov %%r11, gp_resume(%%rip)\n"
		     "lea 2f(%%rip), %%r11\n"
		     "mov %%r11, gp_expected_rip(%%rip)\n"
		     "sti\n"
		     "2: rdmsr\n"
		     "1:\n"
		     : : "c"(BAD_MSR) : "rax", "rdx", "r11", "memory");
	GUEST_ASSERT_EQ(gp_count, 1);
	GUEST_ASSERT_EQ(gp_rip, gp_expected_rip);
	GUEST_ASSERT_EQ(read_irq_rip(), gp_resume);
	GUEST_SYNC(2, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, a_raised_exception_goes_first) {
	.guest = guest_exception_first,
	.steps = (const struct step[]) {
		RUN_SYNC(1, 0),
		QUEUE(VEC_OTHER),
		RUN_IRQ(VEC_OTHER),
		RUN_SYNC(2, 1),
		RUN_DONE(),
	},
};

/*
 * ---- an event being re-delivered goes first ----
 *
 * The #GP tvmm raises for the RDMSR cannot be delivered: the IDT is in
 * memory outside every slot, so its delivery ends in an EPT violation the
 * CPU reports with the #GP in the IDT-vectoring information (SDM Vol. 3C,
 * 28.2.4), and tvmm, which cannot emulate a RDMSR, stops the guest. Once
 * the host puts the IDT back, the #GP must be delivered again, before the
 * interrupt queued meanwhile, although RFLAGS.IF is 1.
 */
#define IDT_NOWHERE	0xd0000000ULL

static void guest_redelivery(void)
{
	__u32 lo, hi;

	sti();
	GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi) : "c"(BAD_MSR));
	GUEST_ASSERT_EQ(gp_count, 1);
	GUEST_ASSERT_EQ(gp_rip, gp_expected_rip);
	GUEST_ASSERT_EQ(read_irq_rip(), gp_resume);
	GUEST_SYNC(1, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, a_redelivered_event_goes_first) {
	.guest = guest_redelivery,
	.steps = (const struct step[]) {
		MAP_PAGE(IDT_NOWHERE), MOVE_IDT(IDT_NOWHERE),
		RUN_INTERNAL_ERROR(TVMM_INTERNAL_EMULATION),
		/* Something is on its way into the guest: not ready. */
		CHECK_IF(1), CHECK_READY(0),
		RESTORE_IDT(),
		QUEUE(VEC_LOW),
		RUN_IRQ(VEC_LOW),
		RUN_SYNC(1, 1),
		RUN_DONE(),
	},
};

/* ---- TVMM_SET_REGS changes IF: the decision follows it ---- */

GUEST_ASM_LABEL(after_set_regs_nop);

static void guest_set_regs(void)
{
	sti();
	/* At this exit the host clears IF and queues an interrupt. */
	GUEST_SYNC(1, 0);
	GUEST_SYNC(2, read_irq_count());
	asm volatile("sti\n"
		     "nop\n"
		     "after_set_regs_nop:\n"
		     "cli\n" : : : "memory");
	GUEST_ASSERT_EQ(read_irq_rip(), (__u64)(unsigned long)after_set_regs_nop);
	/* At this exit the host sets IF and queues: it comes at once. */
	GUEST_SYNC(3, read_irq_count());
	GUEST_SYNC(4, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, set_regs_rflags_if_is_followed) {
	.guest = guest_set_regs,
	.steps = (const struct step[]) {
		RUN_SYNC(1, 0),
		SET_IF(0), QUEUE(VEC_LOW),
		RUN_SYNC(2, 0),
		RUN_IRQ(VEC_LOW),
		RUN_SYNC(3, 1), CHECK_IF(0),
		SET_IF(1), QUEUE(VEC_HIGH),
		RUN_IRQ(VEC_HIGH),
		RUN_SYNC(4, 2),
		RUN_DONE(),
	},
};

/* ---- request_interrupt_window ---- */

GUEST_ASM_LABEL(window_opens_here);

static void guest_window(void)
{
	cli();
	GUEST_SYNC(1, 0);
	GUEST_SYNC(2, 0);
	asm volatile("sti\n"
		     "nop\n"
		     "window_opens_here:\n"
		     "nop\n" : : : "memory");
	GUEST_SYNC(3, read_irq_count());
	GUEST_SYNC(4, read_irq_count());
	GUEST_DONE();
}

FIXTURE_VARIANT_ADD(irq, request_interrupt_window_exits_when_if_opens) {
	.guest = guest_window,
	.steps = (const struct step[]) {
		RUN_SYNC(1, 0),
		/* IF = 0: the guest runs on, through other exits. */
		SET_WINDOW(1),
		RUN_SYNC(2, 0), CHECK_READY(0),
		/* Open once STI and its shadow are past. */
		RUN_EXIT(TVMM_EXIT_IRQ_WINDOW_OPEN),
		CHECK_RIP(window_opens_here), CHECK_IF(1), CHECK_READY(1),
		/* Still asked, still open: at once, the guest where it was. */
		RUN_EXIT(TVMM_EXIT_IRQ_WINDOW_OPEN),
		CHECK_RIP(window_opens_here),
		/* No longer asked: no window exit. */
		SET_WINDOW(0),
		RUN_SYNC(3, 0),
		/*
		 * Asked with an interrupt queued: the interrupt goes in, and
		 * the window exit waits for its handler to return.
		 */
		SET_WINDOW(1), QUEUE(VEC_MID),
		RUN_IRQ(VEC_MID),
		RUN_EXIT(TVMM_EXIT_IRQ_WINDOW_OPEN), CHECK_READY(1),
		SET_WINDOW(0),
		RUN_SYNC(4, 1),
		RUN_DONE(),
	},
};

/* ---- bad input ---- */

TEST(bad_input_is_refused_and_queues_nothing)
{
	static const struct {
		__u32 vector, flags;
		__u64 reserved;
	} bad[] = {
		{ 256, 0, 0 }, { 0x120, 0, 0 }, { 0xffffffff, 0, 0 },
		{ VEC_LOW, 1, 0 }, { VEC_LOW, 0x80000000, 0 },
		{ VEC_LOW, 0, 1 }, { VEC_LOW, 0, 1ULL << 63 },
	};
	/* Nothing was queued: the guest runs to its ucall untouched. */
	static const struct step after[] = {
		RUN_SYNC(1, 0), CHECK_READY(1),
		QUEUE(VEC_HIGH), QUEUE_BUSY(VEC_LOW),
		RUN_IRQ(VEC_HIGH),
		RUN_SYNC(2, 1),
		RUN_DONE(),
	};
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	size_t i;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_if_set);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, __vcpu_interrupt(vcpu, bad[i].vector,
						    bad[i].flags,
						    bad[i].reserved)) {
			TH_LOG("vector %u flags %#x reserved %#llx",
			       bad[i].vector, bad[i].flags,
			       (unsigned long long)bad[i].reserved);
		}
	}
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu->fd, TVMM_INTERRUPT, NULL));
	EXPECT_EQ(EFAULT, errno);
	run_steps(_metadata, vcpu, after);
	vm_free(vm);
}

TEST_HARNESS_MAIN
