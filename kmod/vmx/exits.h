/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exits.h - what the exit-handling files of kmod/vmx/ share: the exit
 * itself (struct vmx_exit), the handlers the exit table in exits.c names,
 * and the small helpers every handler uses (the guest's mode, its
 * registers, RIP, internal errors and raised exceptions).
 *
 * Everything here works on the current VMCS, so it runs with this vCPU's
 * VMCS loaded on this CPU (between vmx_vcpu_load() and vmx_vcpu_put(),
 * preemption off) and vcpu->lock held. Private to kmod/vmx/.
 */
#ifndef TVMM_VMX_EXITS_H
#define TVMM_VMX_EXITS_H

#include <asm/processor-flags.h>

#include "vmcs.h"
#include "vmx_internal.h"
#include "vmx_sdm.h"

#define VMX_EXIT_READ_QUAL		BIT(0)
#define VMX_EXIT_READ_INTR_INFO		BIT(1)

static inline unsigned long vmx_exit_qual(struct vmx_exit *exit)
{
	if (!(exit->read & VMX_EXIT_READ_QUAL)) {
		exit->read |= VMX_EXIT_READ_QUAL;
		exit->qual = vmcs_readl(EXIT_QUALIFICATION);
	}
	return exit->qual;
}

static inline u32 vmx_exit_intr_info(struct vmx_exit *exit)
{
	if (!(exit->read & VMX_EXIT_READ_INTR_INFO)) {
		exit->read |= VMX_EXIT_READ_INTR_INFO;
		exit->intr_info = vmcs_read32(VM_EXIT_INTR_INFO);
	}
	return exit->intr_info;
}

/* The VM-exit instruction length (28.2.4), read where it is used. */
static inline u32 vmx_exit_insn_len(const struct vmx_exit *exit)
{
	return vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
}

/* Protected mode, as the guest sees CR0 (its read shadow). */
static inline bool vmx_guest_protected(void)
{
	return vmcs_readl(CR0_READ_SHADOW) & X86_CR0_PE;
}

/* 64-bit code: IA-32e mode, and a code segment with L set. */
static inline bool vmx_guest_64bit_code(void)
{
	return (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_L);
}

/*
 * RIP past an instruction of @len bytes, which is now complete. Outside
 * 64-bit code RIP wraps at 4 GiB; below that the mode does not matter,
 * and is not read (two VMREADs) for the exits of code below 4 GiB.
 * Always inline, as the next one, because nearly every exit handled in
 * the kernel ends here: a call cost CPUID and VMCALL 3% (make bench), and
 * plain "inline" left io.c a call for its several callers.
 */
static __always_inline void vmx_advance_rip(struct tvmm_vcpu *vcpu, u32 len)
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
static __always_inline void vmx_skip_instruction(struct tvmm_vcpu *vcpu,
						 struct vmx_exit *exit)
{
	vmx_advance_rip(vcpu, vmx_exit_insn_len(exit));
}

/*
 * The trace ring's info[] of this exit (struct tvmm_trace_entry, by exit
 * reason). The handler stores them whether or not the vCPU is traced:
 * three stores cost less than testing whether anyone will read them.
 */
static inline void vmx_exit_info(struct vmx_exit *exit, u64 a, u64 b, u64 c)
{
	exit->info[0] = a;
	exit->info[1] = b;
	exit->info[2] = c;
}

/*
 * General-purpose register @nr in the standard encoding (RAX=0 ... R15).
 * entry.S saves all of them but RSP, which the VMCS holds.
 */
static inline unsigned long vmx_read_gpr(struct tvmm_vcpu *vcpu, int nr)
{
	return nr == REG_RSP ? vmcs_readl(GUEST_RSP) : vcpu->regs[nr];
}

static inline void vmx_write_gpr(struct tvmm_vcpu *vcpu, int nr,
				 unsigned long val)
{
	if (nr == REG_RSP)
		vmcs_writel(GUEST_RSP, val);
	else
		vcpu->regs[nr] = val;
}

/*
 * exits.c: the exit table (1: enter the guest again, 0: an exit for
 * userspace in vcpu->run, <0: an error), RIP past an instruction, and
 * exits tvmm cannot handle.
 */
int vmx_handle_exit(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);
int vmx_internal_error(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
		       u32 suberror);

/* events.c: exceptions tvmm raises or reflects. */
int vmx_raise_exception(struct tvmm_vcpu *vcpu, u8 vector, bool has_error,
			u32 error_code);
int vmx_inject_gp(struct tvmm_vcpu *vcpu);
int vmx_inject_ud(struct tvmm_vcpu *vcpu);
int vmx_reflect_exception(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);

/* mmio.c: the second half of an MMIO read, when userspace is back. */
int vmx_complete_mmio_read(struct tvmm_vcpu *vcpu);
/* msr.c: the second half of a user MSR's RDMSR or WRMSR. */
int vmx_complete_user_msr(struct tvmm_vcpu *vcpu);

/* The handlers of exits.c's table that live in the other files. */
int handle_interrupt_window(struct tvmm_vcpu *vcpu,	/* events.c */
			    struct vmx_exit *exit);
int handle_rdmsr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit); /* msr.c */
int handle_wrmsr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);
int handle_rdtsc(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);
int handle_rdtscp(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);
int handle_cr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);	/* cr.c */
int handle_dr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);
int handle_io(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);	/* io.c */
int handle_vmcall(struct tvmm_vcpu *vcpu, struct vmx_exit *exit);
int handle_ept_violation(struct tvmm_vcpu *vcpu,	/* mmio.c */
			 struct vmx_exit *exit);

#endif /* TVMM_VMX_EXITS_H */
