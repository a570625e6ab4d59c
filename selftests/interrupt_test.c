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

static int __vcpu_interrupt(struct tvmm_vcpu *vcpu, __u32 vector,
			    __u32 flags, __u64 reserved)
{
	struct tvmm_interrupt irq = {
		.vector = vector, .flags = flags, .reserved = reserved,
	};

	return ioctl(vcpu->fd, TVMM_INTERRUPT, &irq) ? -errno : 0;
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

/* ---- IF = 1: delivered at the next entry ---- */

static void guest_if_set(void)
{
	sti();
	GUEST_SYNC(1, read_irq_count());
	/* The handler ran before the guest went on past its ucall. */
	GUEST_SYNC(2, read_irq_count());
	GUEST_DONE();
}

TEST(delivered_at_once_when_if_is_set)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_if_set);
	EXPECT_EQ(0, vcpu_run_expect_sync(vcpu, 1));
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);

	vcpu_interrupt(vcpu, VEC_LOW);
	EXPECT_EQ(VEC_LOW, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	/* Inside the handler: an interrupt gate cleared IF. */
	EXPECT_EQ(0, vcpu->run->if_flag);
	EXPECT_EQ(0, vcpu->run->ready_for_interrupt_injection);
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 2));
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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

TEST(waits_for_if_and_the_sti_shadow_and_comes_once)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_if_clear);
	vcpu_run_expect_sync(vcpu, 1);
	EXPECT_EQ(0, vcpu->run->if_flag);
	EXPECT_EQ(0, vcpu->run->ready_for_interrupt_injection);

	vcpu_interrupt(vcpu, VEC_MID);
	EXPECT_EQ(0, vcpu_run_expect_sync(vcpu, 2));
	EXPECT_EQ(0, vcpu->run->if_flag);
	EXPECT_EQ(0, vcpu->run->ready_for_interrupt_injection);
	/* Still queued: a second one is refused. */
	EXPECT_EQ(-EBUSY, __vcpu_interrupt(vcpu, VEC_HIGH, 0, 0));

	/* HLT with IF = 0 exits and does not take it either. */
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
	EXPECT_EQ(0, vcpu->run->if_flag);
	EXPECT_EQ(0, vcpu_run_expect_sync(vcpu, 3));

	EXPECT_EQ(VEC_MID, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 4));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 5));
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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

TEST(an_exit_in_the_sti_shadow_completes_first)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u32 data = MMIO_DATA;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_exit_in_shadow);
	virt_map(vm, MMIO_GPA, MMIO_GPA, PAGE_SIZE);
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_MMIO);
	ASSERT_FALSE(vcpu->run->mmio.is_write);
	EXPECT_EQ(1, vcpu->run->if_flag);
	memcpy(vcpu->run->mmio.data, &data, sizeof(data));
	vcpu_interrupt(vcpu, VEC_OTHER);
	EXPECT_EQ(VEC_OTHER, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 1));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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

TEST(sti_hlt_is_woken_past_the_hlt)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_sti_hlt);
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ((__u64)(unsigned long)after_hlt, regs.rip);
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);

	vcpu_interrupt(vcpu, VEC_HIGH);
	EXPECT_EQ(VEC_HIGH, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 1));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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

TEST(a_raised_exception_goes_first)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_exception_first);
	vcpu_run_expect_sync(vcpu, 1);
	vcpu_interrupt(vcpu, VEC_OTHER);
	EXPECT_EQ(VEC_OTHER, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 2));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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

TEST(a_redelivered_event_goes_first)
{
	struct tvmm_sregs sregs;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 idt;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_redelivery);
	virt_map(vm, IDT_NOWHERE, IDT_NOWHERE, PAGE_SIZE);
	vcpu_get_sregs(vcpu, &sregs);
	idt = sregs.idt.base;
	sregs.idt.base = IDT_NOWHERE;
	vcpu_set_sregs(vcpu, &sregs);

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(TVMM_INTERNAL_EMULATION, vcpu->run->internal.suberror);
	/* Something is on its way into the guest: not ready. */
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(0, vcpu->run->ready_for_interrupt_injection);

	sregs.idt.base = idt;
	vcpu_set_sregs(vcpu, &sregs);
	vcpu_interrupt(vcpu, VEC_LOW);
	EXPECT_EQ(VEC_LOW, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 1));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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

TEST(set_regs_rflags_if_is_followed)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_set_regs);
	vcpu_run_expect_sync(vcpu, 1);
	vcpu_get_regs(vcpu, &regs);
	EXPECT_TRUE(regs.rflags & X86_RFLAGS_IF);
	regs.rflags &= ~X86_RFLAGS_IF;
	vcpu_set_regs(vcpu, &regs);
	vcpu_interrupt(vcpu, VEC_LOW);
	EXPECT_EQ(0, vcpu_run_expect_sync(vcpu, 2));
	EXPECT_EQ(VEC_LOW, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 3));
	EXPECT_EQ(0, vcpu->run->if_flag);

	vcpu_get_regs(vcpu, &regs);
	regs.rflags |= X86_RFLAGS_IF;
	vcpu_set_regs(vcpu, &regs);
	vcpu_interrupt(vcpu, VEC_HIGH);
	EXPECT_EQ(VEC_HIGH, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(2, vcpu_run_expect_sync(vcpu, 4));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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

TEST(request_interrupt_window_exits_when_if_opens)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_window);
	run = vcpu->run;
	vcpu_run_expect_sync(vcpu, 1);

	/* IF = 0: the guest runs on, through other exits. */
	run->request_interrupt_window = 1;
	vcpu_run_expect_sync(vcpu, 2);
	EXPECT_EQ(0, run->ready_for_interrupt_injection);

	/* Open once STI and its shadow are past. */
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_IRQ_WINDOW_OPEN);
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ((__u64)(unsigned long)window_opens_here, regs.rip);
	EXPECT_EQ(1, run->if_flag);
	EXPECT_EQ(1, run->ready_for_interrupt_injection);

	/* Still asked, still open: at once again, the guest where it was. */
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_IRQ_WINDOW_OPEN);
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ((__u64)(unsigned long)window_opens_here, regs.rip);

	/* No longer asked: no window exit. */
	run->request_interrupt_window = 0;
	EXPECT_EQ(0, vcpu_run_expect_sync(vcpu, 3));

	/*
	 * Asked with an interrupt queued: the interrupt goes in, and the
	 * window exit waits for its handler to return.
	 */
	run->request_interrupt_window = 1;
	vcpu_interrupt(vcpu, VEC_MID);
	EXPECT_EQ(VEC_MID, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, run->ready_for_interrupt_injection);
	run->request_interrupt_window = 0;
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 4));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

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
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	size_t i;

	TVMM_REQUIRE_MODULE();
	vm = create_vm(&vcpu, guest_if_set);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, __vcpu_interrupt(vcpu, bad[i].vector,
						    bad[i].flags,
						    bad[i].reserved)) {
			TH_LOG("vector %u flags %#x reserved %#llx",
			       bad[i].vector, bad[i].flags,
			       (unsigned long long)bad[i].reserved);
		}
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu->fd, TVMM_INTERRUPT, NULL));
	EXPECT_EQ(EFAULT, errno);

	/* Nothing was queued: the guest runs to its ucall untouched. */
	EXPECT_EQ(0, vcpu_run_expect_sync(vcpu, 1));
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	EXPECT_EQ(0, __vcpu_interrupt(vcpu, VEC_HIGH, 0, 0));
	EXPECT_EQ(-EBUSY, __vcpu_interrupt(vcpu, VEC_LOW, 0, 0));
	EXPECT_EQ(VEC_HIGH, vcpu_run_expect_sync(vcpu, STAGE_IRQ));
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 2));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
