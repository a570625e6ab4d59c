// SPDX-License-Identifier: GPL-2.0
/*
 * exits.c - what tvmm does with each VM exit.
 *
 * The guest executed something the VMCS says must trap (a sensitive
 * instruction, an access outside its memory, an exception it was told to
 * report); the CPU saved the guest's state, loaded the host's and came
 * back to __vmx_vmexit (entry.S), and vmx_session() (run.c) called
 * vmx_handle_exit() with the exit (struct vmx_exit, exits.h): its basic
 * reason (SDM Vol. 3C, Appendix C) and the exit information read so far.
 *
 * The handlers are a table indexed by exit reason. Each returns:
 *    1  handled here: enter the guest again;
 *    0  vcpu->run describes an exit for userspace: TVMM_RUN returns;
 *   <0  an error TVMM_RUN returns.
 * An exit with no handler becomes TVMM_EXIT_INTERNAL_ERROR with the raw
 * reason and qualification: the guest stops, the host carries on.
 * A handler notes what the exit did (the leaf and the answer of a CPUID,
 * an MSR and its value...) with vmx_exit_info(), in the exit, for the
 * trace ring.
 *
 * This file holds the table, the helpers every handler shares and the
 * handlers that need no other home; the families live next door: events.c
 * (exceptions, interrupts), msr.c (RDMSR, WRMSR, RDTSC), cr.c (CR and DR
 * accesses), io.c (port I/O, VMCALL, completions) and mmio.c (EPT
 * violations outside guest RAM).
 *
 * Context: vmx_handle_exit() runs in vmx_session() (run.c) right after a
 * VM exit, with IRQs on, preemption off, this vCPU's VMCS current on this
 * CPU, and vcpu->lock and vm->mem_rwsem (read) held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "../../uapi/tvmm_para.h"
#include "exits.h"

/* The guest stops with TVMM_EXIT_INTERNAL_ERROR; the host carries on. */
int vmx_internal_error(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
		       u32 suberror)
{
	struct tvmm_run *run = vcpu->run;

	run->exit_reason = TVMM_EXIT_INTERNAL_ERROR;
	memset(&run->internal, 0, sizeof(run->internal));
	run->internal.suberror = suberror;
	run->internal.exit_reason = exit->reason;
	run->internal.qualification = vmx_exit_qual(exit);
	run->internal.guest_rip = vmcs_readl(GUEST_RIP);
	return 0;
}

/* ---- CPUID (Vol. 2A, "CPUID") ---- */

/*
 * tvmm's answer when userspace set no CPUID table: the host's vendor and
 * a conservative subset of its features. @rdtscp: the guest may execute
 * RDTSCP (its VM-execution control is on), which only leaf 0x80000001
 * tells.
 */
static void cpuid_default(u32 leaf, u32 subleaf, bool rdtscp, u32 *r)
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
		memcpy(&r[1], TVMM_SIGNATURE, 12);
		break;
	case 0x80000000:
		r[0] = 0x80000001;
		break;
	case 0x80000001:
		cpuid_count(0x80000001, 0, &r[0], &r[1], &r[2], &r[3]);
		r[2] &= BIT(0);				/* LAHF/SAHF */
		/* SYSCALL, NX, RDTSCP (when enabled), LM */
		r[3] &= BIT(11) | BIT(20) | BIT(29) |
			(rdtscp ? BIT(27) : 0);
		break;
	}
}

/* CPUID's answer, into the guest's registers and the trace. */
static void cpuid_answer(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
			 u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx,
			 u32 edx)
{
	vmx_exit_info(exit, leaf | (u64)subleaf << 32, eax | (u64)ebx << 32,
		      ecx | (u64)edx << 32);
	/* CPUID writes 32-bit registers: the upper halves become zero. */
	vcpu->regs[REG_RAX] = eax;
	vcpu->regs[REG_RBX] = ebx;
	vcpu->regs[REG_RCX] = ecx;
	vcpu->regs[REG_RDX] = edx;
}

/*
 * The default's answer is apart: cpuid_count() takes the addresses of
 * locals, which in handle_cpuid() would give every CPUID exit, the
 * table's included, a stack canary to set and check.
 */
static noinline void cpuid_answer_default(struct tvmm_vcpu *vcpu,
					  struct vmx_exit *exit, u32 leaf,
					  u32 subleaf)
{
	u32 r[4];

	/* One VMREAD, for the only leaf that needs it. */
	cpuid_default(leaf, subleaf,
		      leaf == 0x80000001 && vmx_guest_has_rdtscp(), r);
	cpuid_answer(vcpu, exit, leaf, subleaf, r[0], r[1], r[2], r[3]);
}

static int handle_cpuid(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u32 leaf = vcpu->regs[REG_RAX], subleaf = vcpu->regs[REG_RCX];
	const struct tvmm_cpuid_entry *e = NULL;
	u32 i;

	if (!vcpu->cpuid) {
		cpuid_answer_default(vcpu, exit, leaf, subleaf);
	} else {
		for (i = 0; i < vcpu->cpuid_nent; i++) {
			e = &vcpu->cpuid[i];
			if (e->function == leaf &&
			    (!(e->flags & TVMM_CPUID_INDEXED) ||
			     e->index == subleaf))
				break;
			e = NULL;
		}
		/* A leaf the table does not list reads as zeros. */
		if (e)
			cpuid_answer(vcpu, exit, leaf, subleaf, e->eax, e->ebx,
				     e->ecx, e->edx);
		else
			cpuid_answer(vcpu, exit, leaf, subleaf, 0, 0, 0, 0);
	}
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

/* ---- everything else ---- */

static int handle_exception_nmi(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u32 info = vmx_exit_intr_info(exit);
	struct tvmm_run *run = vcpu->run;

	/* The host's NMI or machine check: run.c passed it on. */
	if (intr_info_type(info) == INTR_TYPE_NMI ||
	    intr_info_vector(info) == X86_TRAP_MC)
		return 1;
	/* #DB and #AC always exit; the guest's unless userspace asked. */
	if (!(vcpu->vmx.exception_exits & BIT(intr_info_vector(info))))
		return vmx_reflect_exception(vcpu, exit);
	/* An exception userspace asked to see (TVMM_SET_EXCEPTION_EXITS). */
	run->exit_reason = TVMM_EXIT_EXCEPTION;
	memset(&run->exception, 0, sizeof(run->exception));
	run->exception.vector = intr_info_vector(info);
	if (intr_info_has_error_code(info)) {
		run->exception.error_code_valid = 1;
		run->exception.error_code = vmcs_read32(VM_EXIT_INTR_ERROR_CODE);
	}
	run->exception.rip = vmcs_readl(GUEST_RIP);
	if (run->exception.vector == X86_TRAP_PF)	/* the address */
		run->exception.cr2 = vmx_exit_qual(exit);
	return 0;
}

static int handle_host_event(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	/* The interrupt was taken when run.c re-enabled interrupts. */
	return 1;
}

static int handle_triple_fault(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	vcpu->run->exit_reason = TVMM_EXIT_SHUTDOWN;
	return 0;
}

static int handle_hlt(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	vmx_skip_instruction(vcpu, exit);
	vcpu->run->exit_reason = TVMM_EXIT_HLT;
	return 0;
}

static int handle_skip(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	/* INVD, WBINVD: caches are the host's business. */
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

/* XSETBV (Vol. 1, 13.3): the guest's XCR0, switched in around entries. */
static int handle_xsetbv(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u64 val = (u32)vcpu->regs[REG_RAX] |
		  ((u64)(u32)vcpu->regs[REG_RDX] << 32);

	vmx_exit_info(exit, (u32)vcpu->regs[REG_RCX], val, 0);
	/*
	 * XSETBV is #UD while CR4.OSXSAVE is clear (Vol. 2C, XSETBV). The
	 * CPU checks that before it exits; vmx_cr4_valid() keeps the bit
	 * clear when the host has no OSXSAVE, whose XGETBV would be #UD.
	 */
	if (!vmx_host_osxsave() ||
	    !(vmcs_readl(CR4_READ_SHADOW) & X86_CR4_OSXSAVE))
		return vmx_inject_ud(vcpu);
	/* XCR0 only (ECX 0), a value the host's XSETBV at entry takes. */
	if ((u32)vcpu->regs[REG_RCX] != 0 || !vmx_xcr0_valid(vcpu, val))
		return vmx_inject_gp(vcpu);
	vcpu->xcr0 = val;
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

static int handle_ept_misconfig(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	return vmx_internal_error(vcpu, exit, TVMM_INTERNAL_EPT_MISCONFIG);
}

/* Instructions the guest may not execute: #UD or #GP, as the CPU would. */
static int handle_ud(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	return vmx_inject_ud(vcpu);
}

static int handle_gp(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	return vmx_inject_gp(vcpu);
}

/*
 * An exit in the middle of delivering an event to the guest (an EPT
 * violation on its IDT, a host interrupt) would lose the event: inject it
 * again at the next entry (SDM 28.2.4, "Information for VM Exits During
 * Event Delivery"). A handler that injects something else overrides it.
 */
static void vmx_redeliver_event(struct vmx_exit *exit)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);

	if (!intr_info_valid(info))
		return;
	if (intr_info_has_error_code(info))
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmcs_read32(IDT_VECTORING_ERROR_CODE));
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmx_exit_insn_len(exit));
	/* Bits 30:12 of the entry field are reserved (25.8.3). */
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info & ~GENMASK(30, 12));
	vmx_fit_pending_event();
}

typedef int (*vmx_exit_handler)(struct tvmm_vcpu *vcpu,
				struct vmx_exit *exit);

static const vmx_exit_handler vmx_exit_handlers[NR_EXIT_REASONS] = {
	[EXIT_REASON_EXCEPTION_NMI]		= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= handle_host_event,
	[EXIT_REASON_TRIPLE_FAULT]		= handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]		= handle_interrupt_window,
	[EXIT_REASON_CPUID]			= handle_cpuid,
	[EXIT_REASON_GETSEC]			= handle_ud,
	[EXIT_REASON_HLT]			= handle_hlt,
	[EXIT_REASON_INVD]			= handle_skip,
	[EXIT_REASON_RDPMC]			= handle_gp,
	[EXIT_REASON_RDTSC]			= handle_rdtsc,
	[EXIT_REASON_VMCALL]			= handle_vmcall,
	[EXIT_REASON_VMCLEAR]			= handle_ud,
	[EXIT_REASON_VMLAUNCH]			= handle_ud,
	[EXIT_REASON_VMPTRLD]			= handle_ud,
	[EXIT_REASON_VMPTRST]			= handle_ud,
	[EXIT_REASON_VMREAD]			= handle_ud,
	[EXIT_REASON_VMRESUME]			= handle_ud,
	[EXIT_REASON_VMWRITE]			= handle_ud,
	[EXIT_REASON_VMXOFF]			= handle_ud,
	[EXIT_REASON_VMXON]			= handle_ud,
	[EXIT_REASON_CR_ACCESS]			= handle_cr,
	[EXIT_REASON_DR_ACCESS]			= handle_dr,
	[EXIT_REASON_IO_INSTRUCTION]		= handle_io,
	[EXIT_REASON_MSR_READ]			= handle_rdmsr,
	[EXIT_REASON_MSR_WRITE]			= handle_wrmsr,
	[EXIT_REASON_MWAIT]			= handle_ud,
	[EXIT_REASON_MONITOR]			= handle_ud,
	[EXIT_REASON_EPT_VIOLATION]		= handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]		= handle_ept_misconfig,
	[EXIT_REASON_INVEPT]			= handle_ud,
	[EXIT_REASON_RDTSCP]			= handle_rdtscp,
	[EXIT_REASON_PREEMPTION_TIMER]		= handle_host_event,
	[EXIT_REASON_INVVPID]			= handle_ud,
	[EXIT_REASON_WBINVD]			= handle_skip,
	[EXIT_REASON_XSETBV]			= handle_xsetbv,
};

int vmx_handle_exit(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u32 basic = exit->reason;
	vmx_exit_handler handler = NULL;

	vmx_redeliver_event(exit);
	if (basic < NR_EXIT_REASONS)
		handler = vmx_exit_handlers[array_index_nospec(basic,
							       NR_EXIT_REASONS)];
	if (!handler)
		return vmx_internal_error(vcpu, exit,
					  TVMM_INTERNAL_UNHANDLED_EXIT);
	return handler(vcpu, exit);
}
