// SPDX-License-Identifier: GPL-2.0
/*
 * cr.c - the guest's MOV to and from control and debug registers, CLTS
 * and LMSW (SDM Vol. 3C, 28.2.1, Tables 28-3 and 28-4).
 *
 * Every CR0/CR4 bit is tvmm's (the guest/host masks are all ones), so a
 * write that changes any bit exits and is checked here before vmcs.c
 * writes it. CR3 accesses exit only on a CPU that forces CR3-load/store
 * exiting on (tvmm does not ask for it); CR8 accesses always exit, since
 * the real CR8 is the host's TPR. Debug registers are virtual: the CPU
 * never runs the guest with its DR0-7.
 *
 * Context: exit handlers, called from vmx_handle_exit() (exits.c) in a
 * session (run.c): IRQs on, preemption off, this vCPU's VMCS current on
 * this CPU, vcpu->lock and vm->mem_rwsem (read) held. The debug
 * registers' TVMM_GET/SET_DEBUGREGS run from vcpu.c's state ioctls.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor-flags.h>

#include "exits.h"

static int vmx_mov_to_cr0(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
			  unsigned long cr0)
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
	if (!vmx_pdptes_valid(vcpu, cr0, vmcs_readl(CR4_READ_SHADOW)))
		return vmx_inject_gp(vcpu);
	vmx_write_cr0(vcpu, cr0);
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

static int vmx_mov_to_cr4(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
			  unsigned long cr4)
{
	if (!vmx_cr4_valid(cr4))
		return vmx_inject_gp(vcpu);
	if ((vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) && !(cr4 & X86_CR4_PAE))
		return vmx_inject_gp(vcpu);
	if (!vmx_pdptes_valid(vcpu, vmcs_readl(CR0_READ_SHADOW), cr4))
		return vmx_inject_gp(vcpu);
	vmx_write_cr4(vcpu, cr4);
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

int handle_cr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	unsigned long qual = vmx_exit_qual(exit);
	int cr = qual & CR_QUAL_NR_MASK;
	int reg = (qual & CR_QUAL_REG_MASK) >> CR_QUAL_REG_SHIFT;
	int type = (qual & CR_QUAL_TYPE_MASK) >> CR_QUAL_TYPE_SHIFT;
	unsigned long val = vmx_read_gpr(vcpu, reg);
	unsigned long cr0 = vmcs_readl(CR0_READ_SHADOW);

	if (!vmx_guest_64bit_code())
		val = (u32)val;
	switch (type) {
	case CR_QUAL_TYPE_MOV_TO_CR:
		vmx_exit_info(exit, val, 0, 0);
		switch (cr) {
		case 0:
			return vmx_mov_to_cr0(vcpu, exit, val);
		case 3:
			vmcs_writel(GUEST_CR3, val);
			break;
		case 4:
			return vmx_mov_to_cr4(vcpu, exit, val);
		case 8:
			if (val > 15)
				return vmx_inject_gp(vcpu);
			vcpu->cr8 = val;
			break;
		default:
			return vmx_internal_error(vcpu, exit,
						  TVMM_INTERNAL_UNHANDLED_EXIT);
		}
		break;
	case CR_QUAL_TYPE_MOV_FROM_CR:
		if (cr == 3)
			val = vmcs_readl(GUEST_CR3);
		else if (cr == 8)
			val = vcpu->cr8;
		else
			return vmx_internal_error(vcpu, exit,
						  TVMM_INTERNAL_UNHANDLED_EXIT);
		vmx_exit_info(exit, val, 0, 0);
		vmx_write_gpr(vcpu, reg, val);
		break;
	case CR_QUAL_TYPE_CLTS:
		vmx_exit_info(exit, cr0 & ~X86_CR0_TS, 0, 0);
		return vmx_mov_to_cr0(vcpu, exit, cr0 & ~X86_CR0_TS);
	case CR_QUAL_TYPE_LMSW:
		/* LMSW writes CR0 bits 3:0 but cannot clear PE. */
		val = (cr0 & ~0xeUL) |
		      ((qual >> CR_QUAL_LMSW_DATA_SHIFT) & 0xf);
		vmx_exit_info(exit, val, 0, 0);
		return vmx_mov_to_cr0(vcpu, exit, val);
	}
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

/* ---- debug registers ---- */

/*
 * Debug registers are the guest's own copies, never loaded: the CPU's
 * DR0-3 hold the host's addresses. VM entry loads DR7 from GUEST_DR7,
 * which stays DR7_FIXED_1 (no breakpoint armed), and VM exit saves it
 * (the debug controls, vmcs.c); DR6 is the guest's only through #DB,
 * which always exits (events.c updates vcpu->dr6).
 */
int handle_dr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	unsigned long qual = vmx_exit_qual(exit);
	int dr = qual & DR_QUAL_NR_MASK;
	int reg = (qual & DR_QUAL_REG_MASK) >> DR_QUAL_REG_SHIFT;
	bool from_dr = qual & DR_QUAL_FROM_DR;
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
			val = vcpu->dr6 | DR6_FIXED_1;
		else
			val = vcpu->dr7;
		vmx_write_gpr(vcpu, reg, val);
	} else {
		val = vmx_read_gpr(vcpu, reg);
		/* 32-bit operands outside 64-bit mode (Vol. 2B, MOV DR). */
		if (!vmx_guest_64bit_code())
			val = (u32)val;
		/* Bits 63:32 of DR6 and DR7 are reserved: #GP(0). */
		if (dr >= 6 && val >> 32)
			return vmx_inject_gp(vcpu);
		if (dr < 4)
			vcpu->dr[dr] = val;
		else if (dr == 6)
			vcpu->dr6 = val;
		else
			vcpu->dr7 = (val & DR7_WRITABLE) | DR7_FIXED_1;
	}
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

/*
 * TVMM_GET/SET_DEBUGREGS: the same virtual registers, as MOV DR reads
 * and writes them. Between vmx_vcpu_load_wait() and vmx_vcpu_put(), like
 * the other state operations, though only vcpu->lock matters here.
 */
void vmx_get_debugregs(struct tvmm_vcpu *vcpu, struct tvmm_debugregs *dbg)
{
	int i;

	memset(dbg, 0, sizeof(*dbg));
	for (i = 0; i < 4; i++)
		dbg->db[i] = vcpu->dr[i];
	dbg->dr6 = vcpu->dr6 | DR6_FIXED_1;
	dbg->dr7 = vcpu->dr7;
}

int vmx_set_debugregs(struct tvmm_vcpu *vcpu,
		      const struct tvmm_debugregs *dbg)
{
	int i;

	if (dbg->flags || dbg->padding ||
	    memchr_inv(dbg->reserved, 0, sizeof(dbg->reserved)))
		return -EINVAL;
	if (dbg->dr6 >> 32 || dbg->dr7 >> 32)
		return -EINVAL;
	for (i = 0; i < 4; i++)
		vcpu->dr[i] = dbg->db[i];
	vcpu->dr6 = dbg->dr6;
	vcpu->dr7 = (dbg->dr7 & DR7_WRITABLE) | DR7_FIXED_1;
	return 0;
}
