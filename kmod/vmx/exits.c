// SPDX-License-Identifier: GPL-2.0
/*
 * exits.c - what tvmm does with each VM exit.
 *
 * The guest executed something the VMCS says must trap (a sensitive
 * instruction, an access outside its memory, an exception it was told to
 * report); the CPU saved the guest's state, loaded the host's and came
 * back to __vmx_vmexit (entry.S), and vmx_session() (run.c) called
 * vmx_handle_exit() with the basic exit reason (SDM Vol. 3C, Appendix C).
 *
 * The handlers are a table indexed by exit reason. Each returns:
 *    1  handled here: enter the guest again;
 *    0  vcpu->run describes an exit for userspace: TVMM_RUN returns;
 *   <0  an error TVMM_RUN returns.
 * An exit with no handler becomes TVMM_EXIT_INTERNAL_ERROR with the raw
 * reason and qualification: the guest stops, the host carries on.
 * A handler notes what the exit did (the leaf and the answer of a CPUID,
 * an MSR and its value...) with vmx_exit_info(), for the trace ring.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "../guest.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_sdm.h"

/* Exception vectors (Vol. 3A, 6.3.1, Table 6-1) */
#define UD_VECTOR	6
#define GP_VECTOR	13
#define PF_VECTOR	14
#define MC_VECTOR	18

static bool vmx_guest_protected(void)
{
	return vmcs_readl(CR0_READ_SHADOW) & X86_CR0_PE;
}

static bool vmx_guest_64bit_code(void)
{
	return (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_L);
}

/*
 * RIP past an instruction of @len bytes, which is now complete. Outside
 * 64-bit code RIP wraps at 4 GiB; below that the mode does not matter,
 * and is not read (two VMREADs) for the exits of code below 4 GiB.
 */
static void vmx_advance_rip(struct tvmm_vcpu *vcpu, u32 len)
{
	unsigned long rip = vmcs_readl(GUEST_RIP) + len;
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	if ((rip >> 32) && !vmx_guest_64bit_code())
		rip = (u32)rip;
	vmcs_writel(GUEST_RIP, rip);
	/* Blocking by STI or MOV SS ends with the instruction after it. */
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI |
				      GUEST_INTR_STATE_MOV_SS));
}

/* Past the instruction that exited; its length is in the VMCS (28.2.4). */
void vmx_skip_instruction(struct tvmm_vcpu *vcpu)
{
	vmx_advance_rip(vcpu, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

/*
 * The trace ring's info[] of this exit (struct tvmm_trace_entry, by exit
 * reason). Three stores, whether or not anyone traces: cheaper than
 * asking. run.c clears them before a traced exit.
 */
static void vmx_exit_info(struct tvmm_vcpu *vcpu, u64 a, u64 b, u64 c)
{
	vcpu->exit_info[0] = a;
	vcpu->exit_info[1] = b;
	vcpu->exit_info[2] = c;
}

/* Deliver a hardware exception at the next VM entry (27.6). */
void vmx_inject_exception(struct tvmm_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	u32 info = vector | (INTR_TYPE_HW_EXCEPTION << INTR_INFO_TYPE_SHIFT) |
		   INTR_INFO_VALID;

	/* Real mode has no error codes; VM entry checks it (27.2.1.3). */
	if (has_error && vmx_guest_protected()) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

/* The exceptions that push an error code in protected mode (27.2.1.3). */
static bool vmx_exception_has_error_code(u8 vector)
{
	return vector == X86_TRAP_DF || vector == X86_TRAP_AC ||
	       vector == X86_TRAP_CP ||
	       (vector >= X86_TRAP_TS && vector <= X86_TRAP_PF);
}

/*
 * A pending hardware exception (one being re-delivered, or one tvmm
 * raised) carries an error code exactly when the guest is in protected
 * mode, or VM entry fails on the control field (27.2.1.3). Userspace may
 * have changed CR0.PE since it was prepared (TVMM_SET_SREGS): fit it to
 * the mode now, as the CPU would deliver it (no code in real mode; a code
 * of 0 where one is due and none was given).
 */
void vmx_fit_pending_event(void)
{
	u32 info = vmcs_read32(VM_ENTRY_INTR_INFO_FIELD);
	bool code;

	if (!(info & INTR_INFO_VALID) ||
	    (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT !=
	    INTR_TYPE_HW_EXCEPTION)
		return;
	code = vmx_guest_protected() &&
	       vmx_exception_has_error_code(info & INTR_INFO_VECTOR_MASK);
	if (code == !!(info & INTR_INFO_DELIVER_CODE))
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
	u8 type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;

	memset(ev, 0, sizeof(*ev));
	if (intr & GUEST_INTR_STATE_STI)
		ev->shadow |= TVMM_SHADOW_STI;
	if (intr & GUEST_INTR_STATE_MOV_SS)
		ev->shadow |= TVMM_SHADOW_MOV_SS;
	if (info & INTR_INFO_VALID) {
		ev->event.pending = 1;
		ev->event.type = type;
		ev->event.vector = info & INTR_INFO_VECTOR_MASK;
		if (info & INTR_INFO_DELIVER_CODE) {
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
	       vmx_exception_has_error_code(ev->event.vector) &&
	       ev->event.error_code <= 0xffff;
}

int vmx_set_events(struct tvmm_vcpu *vcpu, const struct tvmm_vcpu_events *ev)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	u32 info = 0;

	if (!vmx_events_valid(ev))
		return -EINVAL;
	intr &= ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	if (ev->shadow & TVMM_SHADOW_STI)
		intr |= GUEST_INTR_STATE_STI;
	if (ev->shadow & TVMM_SHADOW_MOV_SS)
		intr |= GUEST_INTR_STATE_MOV_SS;
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, intr);
	if (ev->event.pending) {
		info = ev->event.vector |
		       (u32)ev->event.type << INTR_INFO_TYPE_SHIFT |
		       INTR_INFO_VALID;
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
	return !(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID);
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
	vcpu->irq_window_exiting = on;
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
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vcpu->irq_vector |
			     (INTR_TYPE_EXTERNAL << INTR_INFO_TYPE_SHIFT) |
			     INTR_INFO_VALID);
		vcpu->irq_queued = false;
		injected = true;
	}
	window = vcpu->irq_queued || vcpu->irq_window_wanted;
	if (window != vcpu->irq_window_exiting)
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
static int handle_interrupt_window(struct tvmm_vcpu *vcpu)
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
static int vmx_raise_exception(struct tvmm_vcpu *vcpu, u8 vector,
			       bool has_error, u32 error_code)
{
	struct tvmm_run *run = vcpu->run;

	if (!(vcpu->exception_exits & BIT(vector))) {
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
	if (vector == PF_VECTOR)
		run->exception.cr2 = vcpu->cr2;
	return 0;
}

static int vmx_inject_gp(struct tvmm_vcpu *vcpu)
{
	return vmx_raise_exception(vcpu, GP_VECTOR, true, 0);
}

static int vmx_inject_ud(struct tvmm_vcpu *vcpu)
{
	return vmx_raise_exception(vcpu, UD_VECTOR, false, 0);
}

/* General-purpose register @nr in the standard encoding (RAX=0 ... R15). */
static unsigned long vmx_read_gpr(struct tvmm_vcpu *vcpu, int nr)
{
	return nr == REG_RSP ? vmcs_readl(GUEST_RSP) : vcpu->regs[nr];
}

static void vmx_write_gpr(struct tvmm_vcpu *vcpu, int nr, unsigned long val)
{
	if (nr == REG_RSP)
		vmcs_writel(GUEST_RSP, val);
	else
		vcpu->regs[nr] = val;
}

static int vmx_internal_error(struct tvmm_vcpu *vcpu, u32 suberror,
			      u32 exit_reason)
{
	struct tvmm_run *run = vcpu->run;

	run->exit_reason = TVMM_EXIT_INTERNAL_ERROR;
	memset(&run->internal, 0, sizeof(run->internal));
	run->internal.suberror = suberror;
	run->internal.exit_reason = exit_reason;
	run->internal.qualification = vmcs_readl(EXIT_QUALIFICATION);
	run->internal.guest_rip = vmcs_readl(GUEST_RIP);
	return 0;
}

/* ---- CPUID (Vol. 2A, "CPUID") ---- */

#define TVMM_CPUID_SIGNATURE	0x40000000

static void vmx_cpuid_default(u32 leaf, u32 subleaf, u32 *r)
{
	memset(r, 0, 4 * sizeof(*r));
	switch (leaf) {
	case 0:
		/* Basic leaves up to 1; the host's vendor string. */
		cpuid_count(0, 0, &r[0], &r[1], &r[2], &r[3]);
		r[0] = 1;
		break;
	case 1:
		cpuid_count(1, 0, &r[0], &r[1], &r[2], &r[3]);
		/* No VMX, no XSAVE/AVX, no x2APIC/TSC deadline; a hypervisor. */
		r[2] &= BIT(0) | BIT(9) | BIT(13) | BIT(19) | BIT(20) |
			BIT(23);
		r[2] |= BIT(31);
		/* FPU, TSC, MSR, PAE, CX8, CMOV, PAT, PSE36, MMX, FXSR, SSE, SSE2 */
		r[3] &= BIT(0) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(8) |
			BIT(15) | BIT(16) | BIT(17) | BIT(23) | BIT(24) |
			BIT(25) | BIT(26);
		r[1] &= 0xffff;		/* no APIC id, no CPU count */
		break;
	case TVMM_CPUID_SIGNATURE:
		r[0] = TVMM_CPUID_SIGNATURE;
		memcpy(&r[1], "tvmmtvmmtvmm", 12);
		break;
	case 0x80000000:
		r[0] = 0x80000001;
		break;
	case 0x80000001:
		cpuid_count(0x80000001, 0, &r[0], &r[1], &r[2], &r[3]);
		r[2] &= BIT(0);				/* LAHF/SAHF */
		/* SYSCALL, NX, RDTSCP (when enabled), LM */
		r[3] &= BIT(11) | BIT(20) | BIT(29) |
			(vmx_guest_has_rdtscp() ? BIT(27) : 0);
		break;
	}
}

static int handle_cpuid(struct tvmm_vcpu *vcpu)
{
	u32 leaf = vcpu->regs[REG_RAX], subleaf = vcpu->regs[REG_RCX];
	u32 r[4] = {};
	u32 i;

	if (!vcpu->cpuid) {
		vmx_cpuid_default(leaf, subleaf, r);
	} else {
		for (i = 0; i < vcpu->cpuid_nent; i++) {
			const struct tvmm_cpuid_entry *e = &vcpu->cpuid[i];

			if (e->function != leaf ||
			    ((e->flags & TVMM_CPUID_INDEXED) &&
			     e->index != subleaf))
				continue;
			r[0] = e->eax;
			r[1] = e->ebx;
			r[2] = e->ecx;
			r[3] = e->edx;
			break;
		}
	}
	vmx_exit_info(vcpu, leaf | (u64)subleaf << 32, r[0] | (u64)r[1] << 32,
		      r[2] | (u64)r[3] << 32);
	/* CPUID writes 32-bit registers: the upper halves become zero. */
	vcpu->regs[REG_RAX] = r[0];
	vcpu->regs[REG_RBX] = r[1];
	vcpu->regs[REG_RCX] = r[2];
	vcpu->regs[REG_RDX] = r[3];
	vmx_skip_instruction(vcpu);
	return 1;
}

/* ---- MSRs (Vol. 4) ---- */

int vmx_get_msr(struct tvmm_vcpu *vcpu, u32 index, u64 *data)
{
	switch (index) {
	case MSR_EFER:
		*data = vmcs_read64(GUEST_IA32_EFER);
		return 0;
	case MSR_STAR:
		*data = vcpu->msrs.star;
		return 0;
	case MSR_LSTAR:
		*data = vcpu->msrs.lstar;
		return 0;
	case MSR_CSTAR:
		*data = vcpu->msrs.cstar;
		return 0;
	case MSR_SYSCALL_MASK:
		*data = vcpu->msrs.sfmask;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*data = vcpu->msrs.kernel_gs_base;
		return 0;
	case MSR_FS_BASE:
		*data = vmcs_readl(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*data = vmcs_readl(GUEST_GS_BASE);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_readl(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_readl(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_IA32_TSC:
		*data = rdtsc() + READ_ONCE(vcpu->vm->tsc_offset);
		return 0;
	case MSR_IA32_CR_PAT:
		*data = vcpu->msrs.pat;
		return 0;
	case MSR_TSC_AUX:
		*data = vcpu->msrs.tsc_aux;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = vcpu->msrs.misc_enable;
		return 0;
	case MSR_IA32_APICBASE:
		/* xAPIC enabled at the architectural address; vCPU 0 is the BSP. */
		*data = 0xfee00000 | BIT(11) | (vcpu->id ? 0 : BIT(8));
		return 0;
	case MSR_MTRRcap:
	case MSR_MTRRdefType:
	case MSR_IA32_TSC_ADJUST:
	case MSR_IA32_UCODE_REV:
		*data = 0;
		return 0;
	}
	return -ENOENT;
}

static bool vmx_canonical(u64 addr)
{
	return ((s64)addr << 16 >> 16) == (s64)addr;
}

static bool vmx_pat_valid(u64 pat)
{
	int i;

	/* Each byte one of UC, WC, WT, WP, WB, UC- (Vol. 3A, 13.12.2). */
	for (i = 0; i < 8; i++) {
		u8 type = pat >> (8 * i);

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

int vmx_set_msr(struct tvmm_vcpu *vcpu, u32 index, u64 data)
{
	switch (index) {
	case MSR_EFER:
		if (!vmx_efer_valid(data))
			return -EINVAL;
		/* LMA is read-only; LME may not change while paging is on. */
		data = (data & ~EFER_LMA) |
		       (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA);
		if ((vmcs_readl(CR0_READ_SHADOW) & X86_CR0_PG) &&
		    ((data ^ vmcs_read64(GUEST_IA32_EFER)) & EFER_LME))
			return -EINVAL;
		vmcs_write64(GUEST_IA32_EFER, data);
		return 0;
	case MSR_STAR:
		vcpu->msrs.star = data;
		break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
		if (!vmx_canonical(data))
			return -EINVAL;
		if (index == MSR_LSTAR)
			vcpu->msrs.lstar = data;
		else if (index == MSR_CSTAR)
			vcpu->msrs.cstar = data;
		else
			vcpu->msrs.kernel_gs_base = data;
		break;
	case MSR_SYSCALL_MASK:
		vcpu->msrs.sfmask = (u32)data;
		break;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
		if (!vmx_canonical(data))
			return -EINVAL;
		vmcs_writel(index == MSR_FS_BASE ? GUEST_FS_BASE : GUEST_GS_BASE,
			    data);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, data);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!vmx_canonical(data))
			return -EINVAL;
		vmcs_writel(index == MSR_IA32_SYSENTER_ESP ? GUEST_SYSENTER_ESP :
			    GUEST_SYSENTER_EIP, data);
		return 0;
	case MSR_IA32_TSC:
		WRITE_ONCE(vcpu->vm->tsc_offset, data - rdtsc());
		if (vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
		    CPU_CTL_USE_TSC_OFFSETTING)
			vmcs_write64(TSC_OFFSET, data - rdtsc());
		return 0;
	case MSR_IA32_CR_PAT:
		if (!vmx_pat_valid(data))
			return -EINVAL;
		vcpu->msrs.pat = data;
		if (vmcs_read32(VM_ENTRY_CONTROLS) & ENTRY_CTL_LOAD_IA32_PAT)
			vmcs_write64(GUEST_IA32_PAT, data);
		return 0;
	case MSR_IA32_MISC_ENABLE:
		vcpu->msrs.misc_enable = data;
		return 0;
	case MSR_TSC_AUX:
		if (data >> 32)
			return -EINVAL;
		vcpu->msrs.tsc_aux = data;
		break;
	case MSR_MTRRdefType:
	case MSR_IA32_TSC_ADJUST:
		return data ? -EINVAL : 0;
	default:
		return -ENOENT;
	}
	return 0;
}

/*
 * The syscall MSRs are the guest's on the CPU during a session (run.c), so
 * a guest write goes to the hardware as well.
 */
static void vmx_sync_guest_msr(struct tvmm_vcpu *vcpu, u32 index)
{
	switch (index) {
	case MSR_STAR:
		wrmsrl(MSR_STAR, vcpu->msrs.star);
		break;
	case MSR_LSTAR:
		wrmsrl(MSR_LSTAR, vcpu->msrs.lstar);
		break;
	case MSR_CSTAR:
		wrmsrl(MSR_CSTAR, vcpu->msrs.cstar);
		break;
	case MSR_SYSCALL_MASK:
		wrmsrl(MSR_SYSCALL_MASK, vcpu->msrs.sfmask);
		break;
	case MSR_KERNEL_GS_BASE:
		wrmsrl(MSR_KERNEL_GS_BASE, vcpu->msrs.kernel_gs_base);
		break;
	case MSR_TSC_AUX:
		if (vmx_guest_has_rdtscp())
			wrmsrl(MSR_TSC_AUX, vcpu->msrs.tsc_aux);
		break;
	}
}

static int handle_rdmsr(struct tvmm_vcpu *vcpu)
{
	u32 index = vcpu->regs[REG_RCX];
	u64 data;

	if (vmx_get_msr(vcpu, index, &data)) {
		vmx_exit_info(vcpu, index, 0, 1);
		return vmx_inject_gp(vcpu);
	}
	vmx_exit_info(vcpu, index, data, 0);
	vcpu->regs[REG_RAX] = (u32)data;
	vcpu->regs[REG_RDX] = data >> 32;
	vmx_skip_instruction(vcpu);
	return 1;
}

static int handle_wrmsr(struct tvmm_vcpu *vcpu)
{
	u32 index = vcpu->regs[REG_RCX];
	u64 data = (u32)vcpu->regs[REG_RAX] |
		   ((u64)(u32)vcpu->regs[REG_RDX] << 32);

	if (vmx_set_msr(vcpu, index, data)) {
		vmx_exit_info(vcpu, index, data, 1);
		return vmx_inject_gp(vcpu);
	}
	vmx_exit_info(vcpu, index, data, 0);
	vmx_sync_guest_msr(vcpu, index);
	vmx_skip_instruction(vcpu);
	return 1;
}

/*
 * RDTSC/RDTSCP when TVMM_INTERCEPT_RDTSC asked them to exit: the value the
 * CPU would have given with TSC offsetting, so an intercepted guest sees
 * the same clock.
 */
static int handle_rdtsc(struct tvmm_vcpu *vcpu)
{
	u64 tsc = rdtsc() + READ_ONCE(vcpu->vm->tsc_offset);

	vcpu->regs[REG_RAX] = (u32)tsc;
	vcpu->regs[REG_RDX] = tsc >> 32;
	vmx_exit_info(vcpu, tsc, 0, 0);
	vmx_skip_instruction(vcpu);
	return 1;
}

static int handle_rdtscp(struct tvmm_vcpu *vcpu)
{
	vcpu->regs[REG_RCX] = (u32)vcpu->msrs.tsc_aux;
	return handle_rdtsc(vcpu);
}

/* ---- control and debug registers (28.2.1, Tables 28-3 and 28-4) ---- */

static int vmx_mov_to_cr0(struct tvmm_vcpu *vcpu, unsigned long cr0)
{
	unsigned long old = vmcs_readl(CR0_READ_SHADOW);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);

	cr0 |= X86_CR0_ET;	/* hardwired to 1 */
	if (!vmx_cr0_valid(cr0))
		return vmx_inject_gp(vcpu);
	/* 64-bit code may not turn paging off (Vol. 2B, MOV to CR). */
	if ((old & X86_CR0_PG) && !(cr0 & X86_CR0_PG) &&
	    vmx_guest_64bit_code())
		return vmx_inject_gp(vcpu);
	/* Long mode needs PAE to turn paging on (Vol. 3A, 10.8.5). */
	if ((cr0 & X86_CR0_PG) && !(old & X86_CR0_PG) && (efer & EFER_LME) &&
	    !(vmcs_readl(CR4_READ_SHADOW) & X86_CR4_PAE))
		return vmx_inject_gp(vcpu);
	vmx_write_cr0(vcpu, cr0);
	vmx_skip_instruction(vcpu);
	return 1;
}

static int vmx_mov_to_cr4(struct tvmm_vcpu *vcpu, unsigned long cr4)
{
	if (!vmx_cr4_valid(cr4))
		return vmx_inject_gp(vcpu);
	if ((vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return vmx_inject_gp(vcpu);
	vmx_write_cr4(vcpu, cr4);
	vmx_skip_instruction(vcpu);
	return 1;
}

static int handle_cr(struct tvmm_vcpu *vcpu)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	int cr = qual & CR_QUAL_NR_MASK;
	int reg = (qual & CR_QUAL_REG_MASK) >> CR_QUAL_REG_SHIFT;
	int type = (qual & CR_QUAL_TYPE_MASK) >> CR_QUAL_TYPE_SHIFT;
	unsigned long val = vmx_read_gpr(vcpu, reg);
	unsigned long cr0 = vmcs_readl(CR0_READ_SHADOW);

	if (!vmx_guest_64bit_code())
		val = (u32)val;
	switch (type) {
	case CR_QUAL_TYPE_MOV_TO_CR:
		vmx_exit_info(vcpu, val, 0, 0);
		switch (cr) {
		case 0:
			return vmx_mov_to_cr0(vcpu, val);
		case 3:
			vmcs_writel(GUEST_CR3, val);
			break;
		case 4:
			return vmx_mov_to_cr4(vcpu, val);
		case 8:
			if (val > 15)
				return vmx_inject_gp(vcpu);
			vcpu->cr8 = val;
			break;
		default:
			return vmx_internal_error(vcpu,
						  TVMM_INTERNAL_UNHANDLED_EXIT,
						  EXIT_REASON_CR_ACCESS);
		}
		break;
	case CR_QUAL_TYPE_MOV_FROM_CR:
		if (cr == 3)
			val = vmcs_readl(GUEST_CR3);
		else if (cr == 8)
			val = vcpu->cr8;
		else
			return vmx_internal_error(vcpu,
						  TVMM_INTERNAL_UNHANDLED_EXIT,
						  EXIT_REASON_CR_ACCESS);
		vmx_exit_info(vcpu, val, 0, 0);
		vmx_write_gpr(vcpu, reg, val);
		break;
	case CR_QUAL_TYPE_CLTS:
		vmx_exit_info(vcpu, cr0 & ~X86_CR0_TS, 0, 0);
		return vmx_mov_to_cr0(vcpu, cr0 & ~X86_CR0_TS);
	case CR_QUAL_TYPE_LMSW:
		/* LMSW writes CR0 bits 3:0 but cannot clear PE. */
		val = (cr0 & ~0xeUL) |
		      ((qual >> CR_QUAL_LMSW_DATA_SHIFT) & 0xf);
		vmx_exit_info(vcpu, val, 0, 0);
		return vmx_mov_to_cr0(vcpu, val);
	}
	vmx_skip_instruction(vcpu);
	return 1;
}

/*
 * Debug registers are the guest's own copies, never loaded: the CPU's
 * DR0-3 hold the host's addresses, so the real DR7 stays 0x400 (no
 * breakpoint armed) while the guest runs.
 */
static int handle_dr(struct tvmm_vcpu *vcpu)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	int dr = qual & 7, reg = (qual >> 8) & 0xf;
	bool from_dr = qual & BIT(4);
	unsigned long val;

	if (dr == 4 || dr == 5) {
		if (vmcs_readl(CR4_READ_SHADOW) & X86_CR4_DE)
			return vmx_inject_ud(vcpu);
		dr += 2;
	}
	if (from_dr) {
		if (dr < 4)
			val = vcpu->dr[dr];
		else if (dr == 6)
			val = vcpu->dr6 | 0xffff0ff0;
		else
			val = vcpu->dr7;
		vmx_write_gpr(vcpu, reg, val);
	} else {
		val = vmx_read_gpr(vcpu, reg);
		if (dr < 4)
			vcpu->dr[dr] = val;
		else if (dr == 6)
			vcpu->dr6 = val;
		else
			vcpu->dr7 = (val & 0xffff2fff) | 0x400;
	}
	vmx_skip_instruction(vcpu);
	return 1;
}

/* ---- I/O and hypercalls: handed to userspace ---- */

static int vmx_inject_pf(struct tvmm_vcpu *vcpu, u64 addr, u32 error)
{
	vcpu->cr2 = addr;
	return vmx_raise_exception(vcpu, PF_VECTOR, true, error);
}

/*
 * Address size of INS/OUTS from the VM-exit instruction-information field
 * (25.9.4, Table 25-19, bits 9:7), as a mask.
 */
static u64 vmx_string_addr_mask(void)
{
	u32 info = vmcs_read32(VMX_INSTRUCTION_INFO);

	switch ((info >> 7) & 7) {
	case 0:
		return 0xffff;
	case 1:
		return 0xffffffff;
	default:
		return ~0ULL;
	}
}

/* Add @delta to a register as an instruction of that address size does. */
static void vmx_add_masked(struct tvmm_vcpu *vcpu, int reg, s64 delta,
			   u64 mask)
{
	u64 val = vmx_read_gpr(vcpu, reg) + delta;

	/* 16-bit updates keep the upper bits; 32-bit ones clear them. */
	if (mask == 0xffff)
		val = (vmx_read_gpr(vcpu, reg) & ~mask) | (val & mask);
	else
		val &= mask;
	vmx_write_gpr(vcpu, reg, val);
}

/*
 * After @n elements of INS/OUTS: move RSI/RDI and count RCX down. A REP
 * with elements left is not skipped: the guest executes it again and
 * exits again for the next batch, as an interrupted REP would.
 */
static void vmx_string_io_advance(struct tvmm_vcpu *vcpu, bool in, u32 n,
				  u8 size, bool down, bool rep)
{
	u64 mask = vmx_string_addr_mask();
	s64 step = (s64)n * size;

	vmx_add_masked(vcpu, in ? REG_RDI : REG_RSI, down ? -step : step,
		       mask);
	if (rep) {
		vmx_add_masked(vcpu, REG_RCX, -(s64)n, mask);
		if (vmx_read_gpr(vcpu, REG_RCX) & mask)
			return;
	}
	vmx_skip_instruction(vcpu);
}

/*
 * INS/OUTS (Vol. 2A): up to TVMM_RUN_IO_DATA_SIZE bytes per exit, the
 * elements read from (OUTS) or later written to (INS) guest memory at the
 * linear address the CPU reports, going down when RFLAGS.DF is set.
 */
static int handle_string_io(struct tvmm_vcpu *vcpu, unsigned long qual,
			    u8 size)
{
	bool in = qual & IO_QUAL_IN, rep = qual & IO_QUAL_REP;
	bool down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF;
	u64 mask = vmx_string_addr_mask();
	u64 la = vmcs_readl(GUEST_LINEAR_ADDRESS);
	u8 *data = (u8 *)vcpu->run + TVMM_RUN_IO_DATA_OFFSET;
	u64 count = rep ? vmx_read_gpr(vcpu, REG_RCX) & mask : 1;
	u32 i, n, pf_error = 0;
	u64 addr, gpa, first = 0;
	int err = 0;

	if (!count) {
		vmx_skip_instruction(vcpu);
		return 1;
	}
	n = min_t(u64, count, TVMM_RUN_IO_DATA_SIZE / size);
	/* Take the elements up to the first the guest cannot access. */
	for (i = 0; i < n; i++) {
		addr = down ? la - (u64)i * size : la + (u64)i * size;
		if (in)
			err = guest_linear_to_phys(vcpu, addr,
						   GUEST_ACCESS_WRITE, &gpa,
						   &pf_error);
		else
			err = guest_read_linear(vcpu, addr, data + i * size,
						size, GUEST_ACCESS_READ,
						&pf_error);
		if (err)
			break;
	}
	if (!i) {
		if (err == -ENOENT)
			return vmx_inject_pf(vcpu, addr, pf_error);
		return vmx_internal_error(vcpu, TVMM_INTERNAL_EMULATION,
					  EXIT_REASON_IO_INSTRUCTION);
	}
	n = i;

	vcpu->run->io.count = n;
	if (in) {
		vcpu->pending_exit = TVMM_EXIT_IO;
		vcpu->pending_size = size;
		vcpu->pending_count = n;
		vcpu->pending_la = la;
		vcpu->pending_down = down;
		return 0;
	}
	memcpy(&first, data, size);
	vmx_exit_info(vcpu, first, 0, 0);
	vmx_string_io_advance(vcpu, false, n, size, down, rep);
	return 0;
}

static int handle_io(struct tvmm_vcpu *vcpu)
{
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	struct tvmm_run *run = vcpu->run;
	u8 size = (qual & IO_QUAL_SIZE_MASK) + 1;

	run->exit_reason = TVMM_EXIT_IO;
	memset(&run->io, 0, sizeof(run->io));
	run->io.direction = qual & IO_QUAL_IN ? TVMM_IO_IN : TVMM_IO_OUT;
	run->io.size = size;
	run->io.port = qual >> IO_QUAL_PORT_SHIFT;
	run->io.count = 1;
	run->io.data_offset = TVMM_RUN_IO_DATA_OFFSET;
	if (qual & IO_QUAL_STRING)
		return handle_string_io(vcpu, qual, size);
	if (run->io.direction == TVMM_IO_OUT) {
		u64 val = 0;

		memcpy(&val, &vcpu->regs[REG_RAX], size);
		vmx_exit_info(vcpu, val, 0, 0);
		memcpy((u8 *)run + TVMM_RUN_IO_DATA_OFFSET, &val, size);
	} else {
		vcpu->pending_exit = TVMM_EXIT_IO;
		vcpu->pending_size = size;
		vcpu->pending_count = 0;
	}
	vmx_skip_instruction(vcpu);
	return 0;
}

/* INS completes: the data userspace gave goes to guest memory. */
static void vmx_complete_ins(struct tvmm_vcpu *vcpu)
{
	u8 *data = (u8 *)vcpu->run + TVMM_RUN_IO_DATA_OFFSET;
	u8 size = vcpu->pending_size;
	u32 i, pf_error;

	for (i = 0; i < vcpu->pending_count; i++) {
		u64 off = (u64)i * size;
		u64 addr = vcpu->pending_down ? vcpu->pending_la - off :
						vcpu->pending_la + off;

		/* Checked writable at the exit; the guest ran nothing since. */
		if (guest_write_linear(vcpu, addr, data + off, size, &pf_error))
			break;
	}
	vmx_string_io_advance(vcpu, true, vcpu->pending_count, size,
			      vcpu->pending_down,
			      vmcs_readl(EXIT_QUALIFICATION) & IO_QUAL_REP);
}

/*
 * VMCALL: the hypercalls of uapi/tvmm.h (TVMM_HC_*) are done here, without
 * leaving the kernel; every other number goes to userspace.
 */
static int handle_vmcall(struct tvmm_vcpu *vcpu)
{
	struct tvmm_run *run = vcpu->run;
	u64 rax = vcpu->regs[REG_RAX], nr = rax;

	/* Outside 64-bit code the guest sees EAX only: that is the number. */
	if ((nr >> 32) && !vmx_guest_64bit_code())
		nr = (u32)nr;
	/* RAX after, for the trace: 0 for TVMM_HC_NOP, unknown here else. */
	vmx_exit_info(vcpu, rax, vcpu->regs[REG_RBX], 0);
	if (nr == TVMM_HC_NOP) {
		vcpu->regs[REG_RAX] = 0;
		vmx_skip_instruction(vcpu);
		return 1;
	}
	run->exit_reason = TVMM_EXIT_HYPERCALL;
	memset(&run->hypercall, 0, sizeof(run->hypercall));
	run->hypercall.nr = vcpu->regs[REG_RAX];
	run->hypercall.args[0] = vcpu->regs[REG_RBX];
	run->hypercall.args[1] = vcpu->regs[REG_RCX];
	run->hypercall.args[2] = vcpu->regs[REG_RDX];
	run->hypercall.args[3] = vcpu->regs[REG_RSI];
	run->hypercall.args[4] = vcpu->regs[REG_RDI];
	run->hypercall.ret = vcpu->regs[REG_RAX];
	vcpu->pending_exit = TVMM_EXIT_HYPERCALL;
	vmx_skip_instruction(vcpu);
	return 0;
}

/* ---- MMIO: EPT violations outside guest RAM ---- */

/* The guest's registers in encoding order, RSP included, for insn.c. */
static void vmx_regs_to_insn(struct tvmm_vcpu *vcpu, u64 regs[16])
{
	int i;

	for (i = 0; i < 16; i++)
		regs[i] = vmx_read_gpr(vcpu, i);
}

static void vmx_regs_from_insn(struct tvmm_vcpu *vcpu, const u64 regs[16])
{
	int i;

	for (i = 0; i < 16; i++)
		vmx_write_gpr(vcpu, i, regs[i]);
}

static enum tvmm_insn_mode vmx_insn_mode(void)
{
	if (vmx_guest_64bit_code())
		return TVMM_INSN_MODE_64;
	if (vmx_guest_protected() &&
	    (vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_DB))
		return TVMM_INSN_MODE_32;
	return TVMM_INSN_MODE_16;
}

/*
 * The bytes at CS:RIP, up to 15, stopping early where the guest's memory
 * ends (the decoder says if it needed more).
 */
static size_t vmx_fetch_insn(struct tvmm_vcpu *vcpu, u8 *bytes)
{
	u64 la = vmcs_readl(GUEST_RIP);
	size_t n = 0, chunk;
	u32 pf_error;

	/* CS.base counts outside 64-bit code only (Vol. 3A, 3.4.4). */
	if (!vmx_guest_64bit_code())
		la = (u32)(la + vmcs_readl(GUEST_CS_BASE));
	while (n < TVMM_INSN_MAX_LEN) {
		chunk = min_t(size_t, TVMM_INSN_MAX_LEN - n,
			      PAGE_SIZE - offset_in_page(la + n));
		if (guest_read_linear(vcpu, la + n, bytes + n, chunk,
				      GUEST_ACCESS_FETCH, &pf_error))
			break;
		n += chunk;
	}
	return n;
}

static void vmx_mmio_exit(struct tvmm_vcpu *vcpu, u64 gpa, bool write,
			  u64 data)
{
	struct tvmm_run *run = vcpu->run;

	run->exit_reason = TVMM_EXIT_MMIO;
	memset(&run->mmio, 0, sizeof(run->mmio));
	run->mmio.phys_addr = gpa;
	run->mmio.len = vcpu->mmio_insn.mem_size;
	run->mmio.is_write = write;
	if (write)
		memcpy(run->mmio.data, &data, run->mmio.len);
}

/*
 * Outside every slot, or a write to a read-only one: the guest touched a
 * device. Decode the instruction (x86/insn.c) and hand userspace the
 * access; a read completes when userspace comes back with the data.
 */
static int handle_ept_violation(struct tvmm_vcpu *vcpu)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	unsigned long qual = vmcs_readl(EXIT_QUALIFICATION);
	struct tvmm_memslot *slot = tvmm_gpa_to_slot(vcpu->vm, gpa);
	struct tvmm_insn *insn = &vcpu->mmio_insn;
	struct tvmm_run *run = vcpu->run;
	u8 bytes[TVMM_INSN_MAX_LEN];
	u64 regs[16], data, val;
	size_t n;

	vmx_exit_info(vcpu, gpa, 0, 0);
	/* RAM after all: a translation of a slot that just changed. */
	if (slot && !((slot->flags & TVMM_MEM_READONLY) &&
		      (qual & EPT_QUAL_WRITE)))
		return 1;
	n = vmx_fetch_insn(vcpu, bytes);
	if ((qual & EPT_QUAL_FETCH) ||
	    tvmm_insn_decode(bytes, n, vmx_insn_mode(), insn)) {
		vmx_internal_error(vcpu, TVMM_INTERNAL_EMULATION,
				   EXIT_REASON_EPT_VIOLATION);
		run->internal.qualification = gpa;
		run->internal.insn_len = n;
		memcpy(run->internal.insn_bytes, bytes, n);
		return 0;
	}
	if (insn->mem_access & TVMM_INSN_MEM_READ) {
		vmx_exit_info(vcpu, gpa, insn->mem_size, 0);
		vmx_mmio_exit(vcpu, gpa, false, 0);
		vcpu->pending_exit = TVMM_EXIT_MMIO;
		vcpu->pending_la = gpa;
		return 0;
	}
	vmx_regs_to_insn(vcpu, regs);
	data = tvmm_insn_reg_read(insn, regs);
	if (tvmm_insn_complete_write(insn, regs, vmcs_readl(GUEST_RFLAGS)))
		vmx_advance_rip(vcpu, insn->len);
	vmx_regs_from_insn(vcpu, regs);
	vmx_mmio_exit(vcpu, gpa, true, data);
	val = 0;
	memcpy(&val, &data, insn->mem_size);
	vmx_exit_info(vcpu, gpa, insn->mem_size, val);
	return 0;
}

/*
 * An MMIO read is back with its data: finish the instruction. Returns 0
 * when it also writes memory (XCHG, an ALU op on memory), run->mmio then
 * holding that write for userspace; 1 otherwise.
 */
static int vmx_complete_mmio_read(struct tvmm_vcpu *vcpu)
{
	struct tvmm_insn *insn = &vcpu->mmio_insn;
	u64 regs[16], rflags = vmcs_readl(GUEST_RFLAGS), data = 0, wb;

	memcpy(&data, vcpu->run->mmio.data, insn->mem_size);
	vmx_regs_to_insn(vcpu, regs);
	wb = tvmm_insn_complete_read(insn, regs, &rflags, data);
	vmx_regs_from_insn(vcpu, regs);
	vmcs_writel(GUEST_RFLAGS, rflags);
	vmx_advance_rip(vcpu, insn->len);
	if (!(insn->mem_access & TVMM_INSN_MEM_WRITE))
		return 1;
	vmx_mmio_exit(vcpu, vcpu->pending_la, true, wb);
	return 0;
}

/*
 * Before the next entry: finish what userspace was asked to complete (IN
 * data, an MMIO read, a hypercall's result). Returns 1 to enter the guest,
 * 0 when vcpu->run holds a further exit for userspace.
 */
int vmx_complete_userspace_exit(struct tvmm_vcpu *vcpu)
{
	struct tvmm_run *run = vcpu->run;
	unsigned long rax = vcpu->regs[REG_RAX];
	u32 pending = vcpu->pending_exit;
	u32 data = 0;

	vcpu->pending_exit = 0;
	switch (pending) {
	case TVMM_EXIT_IO:
		if (vcpu->pending_count) {
			vmx_complete_ins(vcpu);
			break;
		}
		memcpy(&data, (u8 *)run + TVMM_RUN_IO_DATA_OFFSET,
		       vcpu->pending_size);
		/* IN AL/AX merges; IN EAX zero-extends into RAX. */
		if (vcpu->pending_size == 4)
			rax = data;
		else if (vcpu->pending_size == 2)
			rax = (rax & ~0xffffUL) | (u16)data;
		else
			rax = (rax & ~0xffUL) | (u8)data;
		vcpu->regs[REG_RAX] = rax;
		break;
	case TVMM_EXIT_MMIO:
		return vmx_complete_mmio_read(vcpu);
	case TVMM_EXIT_HYPERCALL:
		vcpu->regs[REG_RAX] = run->hypercall.ret;
		break;
	}
	return 1;
}

/* ---- everything else ---- */

static int handle_exception_nmi(struct tvmm_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);
	u32 type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
	struct tvmm_run *run = vcpu->run;

	/* The host's NMI or machine check: run.c passed it on. */
	if (type == INTR_TYPE_NMI ||
	    (info & INTR_INFO_VECTOR_MASK) == MC_VECTOR)
		return 1;
	/* An exception userspace asked to see (TVMM_SET_EXCEPTION_EXITS). */
	run->exit_reason = TVMM_EXIT_EXCEPTION;
	memset(&run->exception, 0, sizeof(run->exception));
	run->exception.vector = info & INTR_INFO_VECTOR_MASK;
	if (info & INTR_INFO_DELIVER_CODE) {
		run->exception.error_code_valid = 1;
		run->exception.error_code = vmcs_read32(VM_EXIT_INTR_ERROR_CODE);
	}
	run->exception.rip = vmcs_readl(GUEST_RIP);
	if (run->exception.vector == 14)	/* #PF: the address */
		run->exception.cr2 = vmcs_readl(EXIT_QUALIFICATION);
	return 0;
}

static int handle_host_event(struct tvmm_vcpu *vcpu)
{
	/* The interrupt was taken when run.c re-enabled interrupts. */
	return 1;
}

static int handle_triple_fault(struct tvmm_vcpu *vcpu)
{
	vcpu->run->exit_reason = TVMM_EXIT_SHUTDOWN;
	return 0;
}

static int handle_hlt(struct tvmm_vcpu *vcpu)
{
	vmx_skip_instruction(vcpu);
	vcpu->run->exit_reason = TVMM_EXIT_HLT;
	return 0;
}

static int handle_skip(struct tvmm_vcpu *vcpu)
{
	/* INVD, WBINVD: caches are the host's business. */
	vmx_skip_instruction(vcpu);
	return 1;
}

/* XSETBV (Vol. 1, 13.3): the guest's XCR0, switched in around entries. */
static int handle_xsetbv(struct tvmm_vcpu *vcpu)
{
	u64 val = (u32)vcpu->regs[REG_RAX] |
		  ((u64)(u32)vcpu->regs[REG_RDX] << 32);
	u64 host = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	/*
	 * Only state the guest's FPU buffer holds (x87, SSE, AVX, AVX-512),
	 * and only combinations XSETBV itself accepts (Vol. 1, 13.3): x87
	 * always, AVX with SSE, the three AVX-512 parts together with AVX.
	 * Anything else would make the host's own XSETBV fault at entry.
	 */
	u64 allowed = host & vcpu->fpu.fpstate->xfeatures &
		      (XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM |
		       XFEATURE_MASK_AVX512);

	vmx_exit_info(vcpu, (u32)vcpu->regs[REG_RCX], val, 0);
	if ((u32)vcpu->regs[REG_RCX] != 0 || !(val & XFEATURE_MASK_FP) ||
	    (val & ~allowed) ||
	    ((val & XFEATURE_MASK_YMM) && !(val & XFEATURE_MASK_SSE)) ||
	    ((val & XFEATURE_MASK_AVX512) &&
	     ((val & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	      !(val & XFEATURE_MASK_YMM))))
		return vmx_inject_gp(vcpu);
	vcpu->xcr0 = val;
	vmx_skip_instruction(vcpu);
	return 1;
}

static int handle_ept_misconfig(struct tvmm_vcpu *vcpu)
{
	return vmx_internal_error(vcpu, TVMM_INTERNAL_EPT_MISCONFIG,
				  EXIT_REASON_EPT_MISCONFIG);
}

void vmx_set_exception_exits(struct tvmm_vcpu *vcpu, u32 vectors)
{
	vcpu->exception_exits = vectors;
	vmcs_write32(EXCEPTION_BITMAP, vmx_exception_bitmap(vectors));
}

typedef int (*vmx_exit_handler)(struct tvmm_vcpu *vcpu);

static const vmx_exit_handler vmx_exit_handlers[NR_EXIT_REASONS] = {
	[EXIT_REASON_EXCEPTION_NMI]		= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= handle_host_event,
	[EXIT_REASON_TRIPLE_FAULT]		= handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]		= handle_interrupt_window,
	[EXIT_REASON_CPUID]			= handle_cpuid,
	[EXIT_REASON_GETSEC]			= vmx_inject_ud,
	[EXIT_REASON_HLT]			= handle_hlt,
	[EXIT_REASON_INVD]			= handle_skip,
	[EXIT_REASON_RDPMC]			= vmx_inject_gp,
	[EXIT_REASON_RDTSC]			= handle_rdtsc,
	[EXIT_REASON_VMCALL]			= handle_vmcall,
	[EXIT_REASON_VMCLEAR]			= vmx_inject_ud,
	[EXIT_REASON_VMLAUNCH]			= vmx_inject_ud,
	[EXIT_REASON_VMPTRLD]			= vmx_inject_ud,
	[EXIT_REASON_VMPTRST]			= vmx_inject_ud,
	[EXIT_REASON_VMREAD]			= vmx_inject_ud,
	[EXIT_REASON_VMRESUME]			= vmx_inject_ud,
	[EXIT_REASON_VMWRITE]			= vmx_inject_ud,
	[EXIT_REASON_VMXOFF]			= vmx_inject_ud,
	[EXIT_REASON_VMXON]			= vmx_inject_ud,
	[EXIT_REASON_CR_ACCESS]			= handle_cr,
	[EXIT_REASON_DR_ACCESS]			= handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]		= handle_io,
	[EXIT_REASON_MSR_READ]			= handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= handle_wrmsr,
	[EXIT_REASON_MWAIT]			= vmx_inject_ud,
	[EXIT_REASON_MONITOR]			= vmx_inject_ud,
	[EXIT_REASON_EPT_VIOLATION]		= handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]		= handle_ept_misconfig,
	[EXIT_REASON_INVEPT]			= vmx_inject_ud,
	[EXIT_REASON_RDTSCP]			= handle_rdtscp,
	[EXIT_REASON_PREEMPTION_TIMER]		= handle_host_event,
	[EXIT_REASON_INVVPID]			= vmx_inject_ud,
	[EXIT_REASON_WBINVD]			= handle_skip,
	[EXIT_REASON_XSETBV]			= handle_xsetbv,
};

/*
 * An exit in the middle of delivering an event to the guest (an EPT
 * violation on its IDT, a host interrupt) would lose the event: inject it
 * again at the next entry (SDM 28.2.4, "Information for VM Exits During
 * Event Delivery"). A handler that injects something else overrides it.
 */
static void vmx_redeliver_event(void)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);

	if (!(info & INTR_INFO_VALID))
		return;
	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN,
		     vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	/* Bits 30:12 of the entry field are reserved (25.8.3). */
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info & ~GENMASK(30, 12));
}

int vmx_handle_exit(struct tvmm_vcpu *vcpu, u32 exit_reason)
{
	u32 basic = exit_reason & EXIT_REASON_BASIC_MASK;
	vmx_exit_handler handler = NULL;

	vmx_redeliver_event();
	if (basic < NR_EXIT_REASONS)
		handler = vmx_exit_handlers[array_index_nospec(basic,
							       NR_EXIT_REASONS)];
	if (!handler)
		return vmx_internal_error(vcpu, TVMM_INTERNAL_UNHANDLED_EXIT,
					  basic);
	return handler(vcpu);
}
