// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_events_test - TVMM_GET_VCPU_EVENTS / TVMM_SET_VCPU_EVENTS save and
 * restore the events that are in neither regs nor sregs, so a vCPU moved
 * to another VM loses none.
 *
 * uapi/tvmm.h: the state is "the event the next VM entry will deliver
 * [...], the interrupt queued by TVMM_INTERRUPT, and the STI / MOV SS
 * interrupt shadow"; SET "refuses with -EINVAL, changing nothing" (the
 * list there is the table below); "An error code is delivered only in
 * protected mode". SDM Vol. 3C, 27.6 "Event Injection": an event in the
 * VM-entry interruption-information field is delivered as if it had
 * happened right after VM entry, before the guest's next instruction;
 * 27.2.1.3 lists the field's rules.
 *
 * The guest halts with interrupts off; the host queues an interrupt it
 * cannot take, saves regs, sregs and events, and restores them in a
 * second VM, where the guest's STI lets the interrupt in: its handler
 * runs there, once, and not in the first VM once that one's events are
 * cleared. A pending #GP with an error code set by the host reaches the
 * guest's handler with that code.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define IRQ_VECTOR	0x41
#define GP_VECTOR	13
#define GP_CODE		0x18

/* struct tvmm_vcpu_events.event: a #GP with GP_CODE, to be delivered. */
#define PENDING_GP {							\
	.pending = 1,							\
	.type = TVMM_EVENT_HW_EXCEPTION,				\
	.vector = GP_VECTOR,						\
	.has_error_code = 1,						\
	.error_code = GP_CODE,						\
}

/* Written by the handlers in the guest; the host reads them back. */
__u64 irq_count, exc_count, exc_code;

/*
 * Interrupt gates (IF = 0 inside). The exception stub takes the error
 * code the CPU pushed off the stack, into exc_code.
 */
asm(".pushsection .text\n"
	"irq_stub:\n"
	"	incq irq_count(%rip)\n"
	"	iretq\n"
	"exc_stub:\n"
	"	popq exc_code(%rip)\n"
	"	incq exc_count(%rip)\n"
	"	iretq\n"
	".popsection\n");
GUEST_ASM_LABEL(irq_stub);
GUEST_ASM_LABEL(exc_stub);

/* HLT with interrupts off; then open a window of one instruction. */
static void guest_code(void)
{
	asm volatile("cli; hlt");
	asm volatile("sti; nop; cli");
	asm volatile("hlt");
}

static struct tvmm_vm *events_vm(struct tvmm_vcpu **vcpu)
{
	struct tvmm_vm *vm = vm_create_with_one_vcpu(vcpu, guest_code);

	vm_set_idt_gate(vm, IRQ_VECTOR, irq_stub);
	vm_set_idt_gate(vm, GP_VECTOR, exc_stub);
	return vm;
}

static int get_events(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_events *ev)
{
	memset(ev, 0xa5, sizeof(*ev));
	return ioctl(vcpu->fd, TVMM_GET_VCPU_EVENTS, ev) ? -errno : 0;
}

static int set_events(struct tvmm_vcpu *vcpu,
		      const struct tvmm_vcpu_events *ev)
{
	return ioctl(vcpu->fd, TVMM_SET_VCPU_EVENTS, ev) ? -errno : 0;
}

TEST(a_new_vcpu_has_no_events)
{
	struct tvmm_vcpu_events ev, zero = { 0 };
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = events_vm(&vcpu);
	ASSERT_EQ(0, get_events(vcpu, &ev));
	EXPECT_EQ(0, memcmp(&ev, &zero, sizeof(ev)));
	vm_free(vm);
}

/*
 * The queued interrupt moves with the vCPU: delivered in the VM that got
 * the saved state, after its STI; the first VM, its events cleared as
 * for INIT, runs the same instructions and gets nothing.
 */
TEST(a_queued_interrupt_moves_with_the_vcpu)
{
	struct tvmm_vcpu *a, *b;
	struct tvmm_vcpu_events ev, none = { 0 };
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct tvmm_vm *vm_a, *vm_b;

	TVMM_REQUIRE_MODULE();
	vm_a = events_vm(&a);
	vm_b = events_vm(&b);
	vcpu_run_expect_exit(a, TVMM_EXIT_HLT);
	ASSERT_EQ(0, __vcpu_interrupt(a, IRQ_VECTOR, 0, 0));
	ASSERT_EQ(0, get_events(a, &ev));
	EXPECT_EQ(1, ev.interrupt.queued);
	EXPECT_EQ(IRQ_VECTOR, ev.interrupt.vector);
	EXPECT_EQ(0, ev.event.pending);

	vcpu_get_regs(a, &regs);
	vcpu_get_sregs(a, &sregs);
	vcpu_set_regs(b, &regs);
	vcpu_set_sregs(b, &sregs);
	ASSERT_EQ(0, set_events(b, &ev));
	/* Restored as queued: TVMM_INTERRUPT finds the queue taken. */
	EXPECT_EQ(-EBUSY, __vcpu_interrupt(b, IRQ_VECTOR, 0, 0));
	vcpu_run_expect_exit(b, TVMM_EXIT_HLT);
	vm_sync_from_guest(vm_b, &irq_count, sizeof(irq_count));
	EXPECT_EQ(1, irq_count);
	ASSERT_EQ(0, get_events(b, &ev));
	EXPECT_EQ(0, ev.interrupt.queued);

	ASSERT_EQ(0, set_events(a, &none));
	vcpu_run_expect_exit(a, TVMM_EXIT_HLT);
	vm_sync_from_guest(vm_a, &irq_count, sizeof(irq_count));
	EXPECT_EQ(0, irq_count);
	vm_free(vm_b);
	vm_free(vm_a);
}

/* A pending #GP reaches the guest's handler, error code and all, once. */
TEST(a_pending_exception_is_delivered_with_its_code)
{
	struct tvmm_vcpu_events ev = { .event = PENDING_GP }, got;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = events_vm(&vcpu);
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
	ASSERT_EQ(0, set_events(vcpu, &ev));
	ASSERT_EQ(0, get_events(vcpu, &got));
	EXPECT_EQ(0, memcmp(&ev, &got, sizeof(ev)));
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
	vm_sync_from_guest(vm, &exc_count, sizeof(exc_count));
	vm_sync_from_guest(vm, &exc_code, sizeof(exc_code));
	EXPECT_EQ(1, exc_count);
	EXPECT_EQ(GP_CODE, exc_code);
	ASSERT_EQ(0, get_events(vcpu, &got));
	EXPECT_EQ(0, got.event.pending);
	vm_free(vm);
}

/* The STI and MOV SS shadows, as interruptibility state (25.4.2). */
TEST(the_interrupt_shadow_round_trips)
{
	struct tvmm_vcpu_events ev = { .shadow = TVMM_SHADOW_STI }, got;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = events_vm(&vcpu);
	ASSERT_EQ(0, set_events(vcpu, &ev));
	ASSERT_EQ(0, get_events(vcpu, &got));
	EXPECT_EQ(TVMM_SHADOW_STI, got.shadow);
	ev.shadow = TVMM_SHADOW_MOV_SS;
	ASSERT_EQ(0, set_events(vcpu, &ev));
	ASSERT_EQ(0, get_events(vcpu, &got));
	EXPECT_EQ(TVMM_SHADOW_MOV_SS, got.shadow);
	ev.shadow = 0;
	ASSERT_EQ(0, set_events(vcpu, &ev));
	ASSERT_EQ(0, get_events(vcpu, &got));
	EXPECT_EQ(0, got.shadow);
	vm_free(vm);
}

/* Each case breaks one rule of a valid state; SET must refuse it whole. */
FIXTURE(refused) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

FIXTURE_VARIANT(refused) {
	void (*breaks)(struct tvmm_vcpu_events *ev);
};

FIXTURE_SETUP(refused)
{
	self->vm = NULL;
	TVMM_REQUIRE_MODULE();
	self->vm = events_vm(&self->vcpu);
}

FIXTURE_TEARDOWN(refused)
{
	vm_free(self->vm);
}

#define REFUSED(name, change)						\
	static void break_##name(struct tvmm_vcpu_events *ev)		\
	{								\
		change;							\
	}								\
	FIXTURE_VARIANT_ADD(refused, name) {				\
		.breaks = break_##name,					\
	}

REFUSED(flags, ev->flags = 1);
REFUSED(reserved, ev->reserved[3] = 1);
REFUSED(event_padding, ev->event.padding = 1);
REFUSED(interrupt_padding, ev->interrupt.padding[5] = 1);
REFUSED(unknown_shadow, ev->shadow = 4);
REFUSED(both_shadows, ev->shadow = TVMM_SHADOW_STI | TVMM_SHADOW_MOV_SS);
REFUSED(pending_not_0_or_1, ev->event.pending = 2);
REFUSED(queued_not_0_or_1, ev->interrupt.queued = 2);
REFUSED(vector_without_queue,
	ev->interrupt.queued = 0; ev->interrupt.vector = 0x30);
REFUSED(nmi, ev->event.type = 2; ev->event.vector = 2);
REFUSED(other_event, ev->event.type = 7; ev->event.vector = 0);
REFUSED(exception_above_31, ev->event.vector = 32);
REFUSED(error_code_on_ud,
	ev->event.vector = 6; ev->event.has_error_code = 1);
REFUSED(error_code_above_0xffff, ev->event.error_code = 0x10000);
REFUSED(error_code_on_an_interrupt,
	ev->event.type = TVMM_EVENT_EXTERNAL; ev->event.vector = 0x40);
REFUSED(code_without_has_error_code, ev->event.has_error_code = 0);
REFUSED(insn_len_on_an_exception, ev->event.insn_len = 2);
REFUSED(soft_interrupt_without_insn_len,
	ev->event.type = TVMM_EVENT_SW_INTERRUPT; ev->event.vector = 0x80;
	ev->event.has_error_code = 0; ev->event.error_code = 0);
REFUSED(soft_interrupt_insn_len_16,
	ev->event.type = TVMM_EVENT_SW_INTERRUPT; ev->event.vector = 0x80;
	ev->event.has_error_code = 0; ev->event.error_code = 0;
	ev->event.insn_len = 16);
REFUSED(fields_of_no_event,
	memset(&ev->event, 0, sizeof(ev->event)); ev->event.vector = 3);

TEST_F(refused, set_refuses_and_changes_nothing)
{
	struct tvmm_vcpu_events valid = {
		.shadow = TVMM_SHADOW_STI,
		.event = PENDING_GP,
		.interrupt = { .queued = 1, .vector = IRQ_VECTOR },
	};
	struct tvmm_vcpu_events bad, got;

	ASSERT_EQ(0, set_events(self->vcpu, &valid));
	bad = valid;
	variant->breaks(&bad);
	EXPECT_EQ(-EINVAL, set_events(self->vcpu, &bad));
	ASSERT_EQ(0, get_events(self->vcpu, &got));
	EXPECT_EQ(0, memcmp(&valid, &got, sizeof(got)));
	EXPECT_EQ(-EFAULT, set_events(self->vcpu, NULL));
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, TVMM_GET_VCPU_EVENTS, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
