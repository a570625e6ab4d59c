// SPDX-License-Identifier: GPL-2.0
/*
 * events.c - the events tvmm delivers to the guest: exceptions it raises
 * while emulating, external interrupts userspace queues (TVMM_INTERRUPT),
 * and the vCPU-events ioctls' view of them (TVMM_GET/SET_VCPU_EVENTS).
 *
 * An event goes into the VM-entry interruption-information field and the
 * CPU delivers it at the next VM entry (SDM Vol. 3C, 27.6 "Event
 * Injection"); at most one event fits, so what goes in first wins. #DB
 * and #AC, which always exit, go back to the guest from here. An
 * event an exit interrupted is re-injected by exits.c before the handler
 * runs, so a handler's own event replaces it.
 *
 * Context: this vCPU's VMCS loaded on this CPU (preemption off) and
 * vcpu->lock held. The exit handlers run with IRQs on;
 * vmx_inject_interrupt() and vmx_cancel_interrupt() run in vmx_session()
 * (run.c) around a VM entry, vmx_inject_interrupt() with IRQs off; the
 * ioctl backends run from vcpu.c's state ioctls.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/trapnr.h>

#include "exits.h"

/* Deliver a hardware exception at the next VM entry (27.6). */
static void vmx_inject_exception(struct tvmm_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error_code)
{
	u32 info = intr_info_event(INTR_TYPE_HW_EXCEPTION, vector);

	/* Real mode has no error codes; VM entry checks it (27.2.1.3). */
	if (has_error && vmx_guest_protected()) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/* The exceptions that push an error code in protected mode (27.2.1.3). */
static bool x86_exception_has_error_code(u8 vector)
{
	return vector == X86_TRAP_DF || vector == X86_TRAP_AC ||
	       vector == X86_TRAP_CP ||
	       (vector >= X86_TRAP_TS && vector <= X86_TRAP_PF);
}

/*
 * A pending hardware exception (one being re-delivered, or one tvmm
 * raised) carries an error code exactly when the guest is in protected
 * mode, or VM entry fails on the control field (27.2.1.3). Userspace may
 * have changed CR0.PE since it was prepared (TVMM_SET_SREGS), and an
 * exit's own information may say otherwise (vmx_reflect_exception(),
 * vmx_redeliver_event()): fit it to the mode now, as the CPU would deliver
 * it (no code in real mode; a code of 0 where one is due and none was
 * given).
 */
void vmx_fit_pending_event(void)
{
	u32 info = vmcs_read32(VM_ENTRY_INTR_INFO_FIELD);
	bool code;

	if (!intr_info_is_exception(info))
		return;
	code = vmx_guest_protected() &&
	       x86_exception_has_error_code(intr_info_vector(info));
	if (code == intr_info_has_error_code(info))
		return;
	if (code)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
	info ^= INTR_INFO_DELIVER_CODE;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/* ---- the vCPU's event state (TVMM_GET/SET_VCPU_EVENTS) ---- */

void vmx_get_events(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_events *ev)
{
	u32 info = vmcs_read32(VM_ENTRY_INTR_INFO_FIELD);
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u8 type = intr_info_type(info);

	vmx_assert_state_op(vcpu);

	memset(ev, 0, sizeof(*ev));
	if (intr & GUEST_INTR_STATE_STI)
		ev->shadow |= TVMM_SHADOW_STI;
	if (intr & GUEST_INTR_STATE_MOV_SS)
		ev->shadow |= TVMM_SHADOW_MOV_SS;
	if (intr_info_valid(info)) {
		ev->event.pending = 1;
		ev->event.type = type;
		ev->event.vector = intr_info_vector(info);
		if (intr_info_has_error_code(info)) {
			ev->event.has_error_code = 1;
			ev->event.error_code =
				vmcs_read32(VM_ENTRY_EXCEPTION_ERROR_CODE);
		}
		if (type >= INTR_TYPE_SW_INTERRUPT)
			ev->event.insn_len =
				vmcs_read32(VM_ENTRY_INSTRUCTION_LEN);
	}
	ev->interrupt.queued = vcpu->irq_queued;
	ev->interrupt.vector = vcpu->irq_queued ? vcpu->irq_vector : 0;
}

/* What VM entry would refuse as a control field (27.2.1.3), and more. */
static bool vmx_events_valid(const struct tvmm_vcpu_events *ev)
{
	bool soft = ev->event.type >= TVMM_EVENT_SW_INTERRUPT;

	if (ev->flags || ev->event.padding ||
	    memchr_inv(ev->interrupt.padding, 0,
		       sizeof(ev->interrupt.padding)) ||
	    memchr_inv(ev->reserved, 0, sizeof(ev->reserved)))
		return false;
	if ((ev->shadow & ~(TVMM_SHADOW_STI | TVMM_SHADOW_MOV_SS)) ||
	    ev->shadow == (TVMM_SHADOW_STI | TVMM_SHADOW_MOV_SS))
		return false;
	if (ev->interrupt.queued > 1 ||
	    (!ev->interrupt.queued && ev->interrupt.vector))
		return false;
	if (!ev->event.pending)
		return !ev->event.type && !ev->event.vector &&
		       !ev->event.has_error_code && !ev->event.error_code &&
		       !ev->event.insn_len;
	switch (ev->event.type) {
	case TVMM_EVENT_EXTERNAL:
	case TVMM_EVENT_SW_INTERRUPT:
		break;
	case TVMM_EVENT_HW_EXCEPTION:
	case TVMM_EVENT_PRIV_SW_EXCEPTION:
	case TVMM_EVENT_SW_EXCEPTION:
		if (ev->event.vector > 31)
			return false;
		break;
	default:			/* NMI, other event: never injected */
		return false;
	}
	if (ev->event.pending > 1 || ev->event.has_error_code > 1 ||
	    (soft ? ev->event.insn_len < 1 || ev->event.insn_len > 15 :
		    ev->event.insn_len))
		return false;
	if (!ev->event.has_error_code)
		return !ev->event.error_code;
	return ev->event.type == TVMM_EVENT_HW_EXCEPTION &&
	       x86_exception_has_error_code(ev->event.vector) &&
	       ev->event.error_code <= 0xffff;
}

int vmx_set_events(struct tvmm_vcpu *vcpu, const struct tvmm_vcpu_events *ev)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u32 info = 0;

	vmx_assert_state_op(vcpu);

	if (!vmx_events_valid(ev))
		return -EINVAL;
	intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	if (ev->shadow & TVMM_SHADOW_STI)
		intr |= GUEST_INTR_STATE_STI;
	if (ev->shadow & TVMM_SHADOW_MOV_SS)
		intr |= GUEST_INTR_STATE_MOV_SS;
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, intr);
	if (ev->event.pending) {
		info = intr_info_event(ev->event.type, ev->event.vector);
		if (ev->event.has_error_code) {
			info |= INTR_INFO_DELIVER_CODE;
			vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
				     ev->event.error_code);
		}
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, ev->event.insn_len);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
	vmx_fit_pending_event();
	vcpu->irq_queued = ev->interrupt.queued;
	vcpu->irq_vector = ev->interrupt.vector;
	return 0;
}

/* ---- external interrupts (27.6 "Event Injection", 25.4.2) ---- */

/*
 * Whether VM entry may deliver an external interrupt now: RFLAGS.IF set,
 * no blocking by STI or MOV SS (VM entry refuses it otherwise, 27.3.1.5),
 * the guest active or halted, and no event already in the VM-entry
 * interruption-information field: an exception tvmm raised, which goes
 * first, or an event being re-delivered.
 */
static bool vmx_interrupt_allowed(void)
{
	if (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) ||
	    (vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
	     (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) ||
	    vmcs_read32(GUEST_ACTIVITY_STATE) > GUEST_ACTIVITY_HLT)
		return false;
	return !intr_info_valid(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD));
}

static void vmx_set_interrupt_window(struct tvmm_vcpu *vcpu, bool on)
{
	u32 ctl = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);

	/* caps.c refuses a CPU that cannot set this control. */
	if (on)
		ctl |= CPU_CTL_INTERRUPT_WINDOW_EXITING;
	else
		ctl &= ~CPU_CTL_INTERRUPT_WINDOW_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, ctl);
	vcpu->vmx.irq_window_exiting = on;
}

/*
 * Right before a VM entry, when an interrupt is queued, userspace asked
 * for the interrupt window, or window exiting is still on: inject the
 * queued vector if the guest can take it; keep interrupt-window exiting
 * on while an interrupt waits or userspace asked, and only then, since
 * it costs an exit. Returns true when it injected: if the entry fails,
 * vmx_cancel_interrupt() queues the vector again.
 */
bool vmx_inject_interrupt(struct tvmm_vcpu *vcpu)
{
	bool injected = false, window;

	if (vcpu->irq_queued && vmx_interrupt_allowed()) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
			     intr_info_event(INTR_TYPE_EXTERNAL,
					     vcpu->irq_vector));
		vcpu->irq_queued = false;
		injected = true;
	}
	window = vcpu->irq_queued || vcpu->irq_window_wanted;
	if (window != vcpu->vmx.irq_window_exiting)
		vmx_set_interrupt_window(vcpu, window);
	return injected;
}

/* The entry that was to deliver the interrupt failed: it waits again. */
void vmx_cancel_interrupt(struct tvmm_vcpu *vcpu)
{
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vcpu->irq_queued = true;
}

/* run->if_flag and run->ready_for_interrupt_injection, for userspace. */
void vmx_report_interrupt_state(struct tvmm_vcpu *vcpu)
{
	struct tvmm_run *run = vcpu->run;

	run->if_flag = !!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = !vcpu->irq_queued &&
					     vmx_interrupt_allowed();
}

/*
 * The guest can take an interrupt (25.6.2, "interrupt-window exiting"): a
 * queued one goes in at the next entry without leaving the kernel;
 * otherwise userspace asked to know.
 */
int handle_interrupt_window(struct tvmm_vcpu *vcpu,
			    struct vmx_exit *exit)
{
	if (vcpu->irq_queued || !vcpu->irq_window_wanted)
		return 1;
	vcpu->run->exit_reason = TVMM_EXIT_IRQ_WINDOW_OPEN;
	return 0;
}

/*
 * An exception tvmm raises for the guest (emulating a faulting
 * instruction) goes where the CPU's own would: to userspace if it asked
 * for that vector (TVMM_SET_EXCEPTION_EXITS), RIP still on the faulting
 * instruction, else into the guest. Returns as an exit handler does.
 */
int vmx_raise_exception(struct tvmm_vcpu *vcpu, u8 vector, bool has_error,
			u32 error_code)
{
	struct tvmm_run *run = vcpu->run;

	if (!(vcpu->vmx.exception_exits & BIT(vector))) {
		vmx_inject_exception(vcpu, vector, has_error, error_code);
		return 1;
	}
	run->exit_reason = TVMM_EXIT_EXCEPTION;
	memset(&run->exception, 0, sizeof(run->exception));
	run->exception.vector = vector;
	run->exception.error_code_valid = has_error && vmx_guest_protected();
	run->exception.error_code = run->exception.error_code_valid ?
				    error_code : 0;
	run->exception.rip = vmcs_readl(GUEST_RIP);
	if (vector == X86_TRAP_PF)
		run->exception.cr2 = vcpu->cr2;
	return 0;
}

int vmx_inject_gp(struct tvmm_vcpu *vcpu)
{
	return vmx_raise_exception(vcpu, X86_TRAP_GP, true, 0);
}

int vmx_inject_ud(struct tvmm_vcpu *vcpu)
{
	return vmx_raise_exception(vcpu, X86_TRAP_UD, false, 0);
}

/* ---- #DB and #AC, which always exit ---- */

/*
 * The guest's DR6 after a #DB that @qual describes (Vol. 3B, 18.2.3): the
 * CPU sets the new condition bits and leaves BD and BS set until software
 * clears them; B0-B3 are the ones of this #DB. DR6 is virtual (cr.c), so
 * it is updated here, as the CPU would have before delivering it.
 */
static void vmx_update_guest_dr6(struct tvmm_vcpu *vcpu, unsigned long qual)
{
	vcpu->dr6 &= ~DB_QUAL_B0_3;
	vcpu->dr6 |= qual & (DB_QUAL_B0_3 | DB_QUAL_BD | DB_QUAL_BS);
	vcpu->dr7 &= ~DR7_GD;
}

/*
 * A #DB or #AC userspace did not ask for (TVMM_SET_EXCEPTION_EXITS): the
 * guest gets it as the CPU would have delivered it. Both always exit
 * (vmx_exception_bitmap()): a guest whose #AC or #DB delivery raises the
 * same exception again (an #AC gate on a misaligned stack, a breakpoint on
 * the #DB frame) would otherwise have the CPU re-deliver it forever, in
 * microcode, where neither interrupts nor VM exits are recognised
 * (CVE-2015-5307, CVE-2015-8104). Now each delivery is a VM exit, and
 * run.c's checks before each entry (signals, need_resched) stop the loop.
 *
 * The event goes back with its own type: ICEBP (INT1) exits as a
 * privileged software exception at the instruction (27.2.1, 28.2.2),
 * and is injected as one with the instruction's length, so the guest
 * resumes after it. An external interrupt whose delivery raised the
 * exception is queued again; other events recur when the guest re-executes
 * the instruction (SDM Vol. 3A, Table 7-5: benign exceptions are handled
 * serially).
 */
int vmx_reflect_exception(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u32 info = vmx_exit_intr_info(exit);
	u32 idt = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = intr_info_type(info);
	u8 vector = intr_info_vector(info);
	u32 intr;

	if (intr_info_valid(idt) && intr_info_type(idt) == INTR_TYPE_EXTERNAL &&
	    !vcpu->irq_queued) {
		vcpu->irq_queued = true;
		vcpu->irq_vector = intr_info_vector(idt);
	}
	if (vector == X86_TRAP_DB && type == INTR_TYPE_HW_EXCEPTION) {
		vmx_update_guest_dr6(vcpu, vmx_exit_qual(exit));
		/*
		 * A single-step trap still owed after blocking by STI or MOV SS
		 * is not in the pending debug exceptions field when a #DB
		 * exits, and VM entry requires it there (27.3.1.5).
		 */
		intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
		if ((vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_TF) &&
		    (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))
			vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS,
				    vmcs_readl(GUEST_PENDING_DBG_EXCEPTIONS) |
				    DB_QUAL_BS);
	}
	if (intr_info_has_error_code(info))
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
	if (type != INTR_TYPE_HW_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmx_exit_insn_len(exit));
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
		     intr_info_event(type, vector) |
		     (info & INTR_INFO_DELIVER_CODE));
	/*
	 * The exit's error-code bit is not always the entry's: a #GP in
	 * real mode has been seen to exit with one (Bochs), and VM entry
	 * then fails on the control field (27.2.1.3).
	 */
	vmx_fit_pending_event();
	return 1;
}

/* ---- exceptions userspace sees (TVMM_SET_EXCEPTION_EXITS) ---- */

void vmx_set_exception_exits(struct tvmm_vcpu *vcpu, u32 vectors)
{
	vmx_assert_state_op(vcpu);

	vcpu->vmx.exception_exits = vectors;
	vmcs_write32(EXCEPTION_BITMAP, vmx_exception_bitmap(vectors));
}
