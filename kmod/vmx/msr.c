// SPDX-License-Identifier: GPL-2.0
/*
 * msr.c - the guest's MSRs: the table of MSRs tvmm virtualizes (for
 * TVMM_GET/SET_MSRS and for the guest's RDMSR/WRMSR), the user MSRs
 * userspace models (TVMM_SET_USER_MSRS, TVMM_EXIT_MSR), RDTSC/RDTSCP
 * when userspace made them exit, and the list of MSRs a VMM saves and
 * restores (TVMM_GET_MSR_INDEX_LIST, any context).
 *
 * Every MSR access exits (the MSR bitmap is all ones). A user MSR goes to
 * userspace, which answers at the next TVMM_RUN. Any other MSR lives in
 * the VMCS (EFER, FS/GS base, SYSENTER), in vcpu->msrs, or nowhere: tvmm
 * answers a fixed value. One the table does not know is a #GP for the
 * guest and -ENOENT for userspace.
 *
 * Context: this vCPU's VMCS loaded on this CPU (preemption off) and
 * vcpu->lock held; IRQs on. The handlers run in a session (run.c), where
 * the guest's syscall MSRs are on the CPU; vmx_get_msr() and
 * vmx_set_msr() also run from vcpu.c's TVMM_GET/SET_MSRS, outside one.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "exits.h"

/*
 * The MSRs of vmx_get_msr() that hold the vCPU's state, which a VMM saves
 * and restores (TVMM_GET_MSR_INDEX_LIST), in an order that restores: the
 * TSC last, since it starts counting from the moment it is set. The
 * others of vmx_get_msr() answer constants.
 */
static const u32 vmx_saved_msrs[] = {
	MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_CR_PAT, MSR_TSC_AUX, MSR_IA32_MISC_ENABLE,
	MSR_IA32_TSC,
};

u32 vmx_msr_index_list(u32 *indices, u32 n)
{
	if (n >= ARRAY_SIZE(vmx_saved_msrs))
		memcpy(indices, vmx_saved_msrs, sizeof(vmx_saved_msrs));
	return ARRAY_SIZE(vmx_saved_msrs);
}

/* Every MSR this table knows is kernel-owned: vmx_msr_kernel_owned(). */
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
	/*
	 * IA32_PLATFORM_ID is on every family-6 CPU, and Linux reads it
	 * without a fault handler (microcode loader): 0, as KVM answers.
	 */
	case MSR_IA32_PLATFORM_ID:
	case MSR_MTRRcap:
	case MSR_MTRRdefType:
	case MSR_IA32_TSC_ADJUST:
	case MSR_IA32_UCODE_REV:
		*data = 0;
		return 0;
	}
	return -ENOENT;
}

/*
 * The MSRs TVMM_SET_USER_MSRS refuses: those vmx_get_msr() knows (its
 * value would no longer be what a guest's RDMSR reads), but
 * IA32_APIC_BASE, whose fixed value is only a stand-in for a local APIC
 * userspace models; and those whose state the VMCS or the host keeps
 * and tvmm will one day switch or pass through (debug, tracing, shadow
 * stack and speculation controls), which userspace must not fake.
 */
bool vmx_msr_kernel_owned(u32 index)
{
	switch (index) {
	case MSR_IA32_APICBASE:
		return false;
	case MSR_EFER:
	case MSR_STAR:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSCALL_MASK:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_CS:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_IA32_TSC:
	case MSR_IA32_CR_PAT:
	case MSR_TSC_AUX:
	case MSR_IA32_MISC_ENABLE:
	case MSR_IA32_PLATFORM_ID:
	case MSR_MTRRcap:
	case MSR_MTRRdefType:
	case MSR_IA32_TSC_ADJUST:
	case MSR_IA32_UCODE_REV:
	/* Not in the table, but the VMCS's or the host's. */
	case MSR_IA32_DEBUGCTLMSR:
	case MSR_CORE_PERF_GLOBAL_CTRL:
	case MSR_IA32_BNDCFGS:
	case MSR_IA32_RTIT_CTL:
	case MSR_IA32_XSS:
	case MSR_IA32_S_CET:
	case MSR_IA32_INT_SSP_TAB:
	case MSR_ARCH_LBR_CTL:
	case MSR_IA32_SPEC_CTRL:
	case MSR_IA32_PRED_CMD:
	case MSR_IA32_FLUSH_CMD:
		return true;
	}
	return false;
}

/* Canonical with 48-bit linear addresses: bits 63:47 all equal. */
static bool x86_is_canonical(u64 addr)
{
	return ((s64)addr << 16 >> 16) == (s64)addr;
}

static bool x86_pat_valid(u64 pat)
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
	s64 offset;

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
		if (!x86_is_canonical(data))
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
		if (!x86_is_canonical(data))
			return -EINVAL;
		vmcs_writel(index == MSR_FS_BASE ? GUEST_FS_BASE : GUEST_GS_BASE,
			    data);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, data);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!x86_is_canonical(data))
			return -EINVAL;
		vmcs_writel(index == MSR_IA32_SYSENTER_ESP ? GUEST_SYSENTER_ESP :
			    GUEST_SYSENTER_EIP, data);
		return 0;
	case MSR_IA32_TSC:
		/*
		 * The guest's TSC reads @data now and counts on from it, on
		 * every vCPU: each session writes the VM's offset into its
		 * VMCS (run.c). One offset, read once, in both places.
		 */
		offset = data - rdtsc();
		WRITE_ONCE(vcpu->vm->tsc_offset, offset);
		if (vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
		    CPU_CTL_USE_TSC_OFFSETTING)
			vmcs_write64(TSC_OFFSET, offset);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!x86_pat_valid(data))
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
	/*
	 * IA32_BIOS_SIGN_ID: software writes 0, then CPUID loads the
	 * microcode revision into it (SDM Vol. 3A, 10.11.7.1); Linux does so
	 * on every CPU without a fault handler. Any value is accepted and
	 * ignored, as on the CPU, and reads stay 0.
	 */
	case MSR_IA32_UCODE_REV:
		return 0;
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

/* ---- user MSRs (TVMM_SET_USER_MSRS) ---- */

/*
 * RDMSR or WRMSR of a user MSR: userspace answers, RIP stays at the
 * instruction until vmx_complete_user_msr().
 */
static int vmx_user_msr_exit(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
			     u32 index, bool write, u64 data)
{
	struct tvmm_run *run = vcpu->run;

	vmx_exit_info(exit, index, data, 0);
	run->exit_reason = TVMM_EXIT_MSR;
	memset(&run->msr, 0, sizeof(run->msr));
	run->msr.index = index;
	run->msr.is_write = write;
	run->msr.data = data;
	vcpu->vmx.pending.exit = TVMM_EXIT_MSR;
	vcpu->vmx.pending.msr_write = write;
	vcpu->vmx.pending.msr_insn_len = vmx_exit_insn_len(exit);
	return 0;
}

/*
 * Userspace is back with its answer (run->msr): #GP(0) if it set error,
 * else RDMSR's value in EDX:EAX, and RIP past the instruction. Returns
 * as an exit handler does: 0 when the #GP goes to userspace instead
 * (TVMM_SET_EXCEPTION_EXITS).
 */
int vmx_complete_user_msr(struct tvmm_vcpu *vcpu)
{
	const struct vmx_pending_exit *p = &vcpu->vmx.pending;
	u64 data = READ_ONCE(vcpu->run->msr.data);

	if (READ_ONCE(vcpu->run->msr.error))
		return vmx_inject_gp(vcpu);
	if (!p->msr_write) {
		vcpu->regs[REG_RAX] = (u32)data;
		vcpu->regs[REG_RDX] = data >> 32;
	}
	vmx_advance_rip(vcpu, p->msr_insn_len);
	return 1;
}

int handle_rdmsr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u32 index = vcpu->regs[REG_RCX];
	u64 data;

	if (tvmm_user_msr(vcpu->vm, index))
		return vmx_user_msr_exit(vcpu, exit, index, false, 0);
	if (vmx_get_msr(vcpu, index, &data)) {
		vmx_exit_info(exit, index, 0, 1);
		return vmx_inject_gp(vcpu);
	}
	vmx_exit_info(exit, index, data, 0);
	vcpu->regs[REG_RAX] = (u32)data;
	vcpu->regs[REG_RDX] = data >> 32;
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

int handle_wrmsr(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u32 index = vcpu->regs[REG_RCX];
	u64 data = (u32)vcpu->regs[REG_RAX] |
		   ((u64)(u32)vcpu->regs[REG_RDX] << 32);

	if (tvmm_user_msr(vcpu->vm, index))
		return vmx_user_msr_exit(vcpu, exit, index, true, data);
	if (vmx_set_msr(vcpu, index, data)) {
		vmx_exit_info(exit, index, data, 1);
		return vmx_inject_gp(vcpu);
	}
	vmx_exit_info(exit, index, data, 0);
	vmx_sync_guest_msr(vcpu, index);
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

/* ---- RDTSC and RDTSCP ---- */

/*
 * RDTSC/RDTSCP when TVMM_INTERCEPT_RDTSC asked them to exit: the value the
 * CPU would have given with TSC offsetting, so an intercepted guest sees
 * the same clock.
 */
int handle_rdtsc(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u64 tsc = rdtsc() + READ_ONCE(vcpu->vm->tsc_offset);

	vcpu->regs[REG_RAX] = (u32)tsc;
	vcpu->regs[REG_RDX] = tsc >> 32;
	vmx_exit_info(exit, tsc, 0, 0);
	vmx_skip_instruction(vcpu, exit);
	return 1;
}

int handle_rdtscp(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	vcpu->regs[REG_RCX] = (u32)vcpu->msrs.tsc_aux;
	return handle_rdtsc(vcpu, exit);
}
