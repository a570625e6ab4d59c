/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - the world switch: VM entry and the VM exit that comes back.
 *
 * int __vmx_vcpu_run(unsigned long *regs, bool launched)
 *
 * Loads the guest's general-purpose registers from @regs (indexed by enum
 * tvmm_reg; RSP, RIP and RFLAGS are in the VMCS) and enters the guest with
 * VMLAUNCH the first time, VMRESUME after. The CPU comes back at
 * __vmx_vmexit, with the stack pointer set to HOST_RSP (written here just
 * before entry) and every general-purpose register still holding the
 * guest's value: those are saved to @regs and the host's callee-saved
 * registers popped back. Returns 0 after a VM exit, 1 if the entry
 * instruction itself failed (VMfail: the VM-instruction error field says
 * why). Both ways out clear every general-purpose register and go through
 * the same speculation barriers before the first RET.
 *
 * __vmx_vmexit is a label inside __vmx_vcpu_run, not a function of its
 * own: the CPU jumps there with the stack exactly as it was at VMLAUNCH
 * (RSP = HOST_RSP), so the frame pushed here is still in place. No branch
 * leads to it, so objtool is told its stack state: UNWIND_HINT_SAVE before
 * the entry instructions, UNWIND_HINT_RESTORE at the label.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>

#define HOST_RSP	0x6c14		/* VMCS field encoding, vmcs.h */

/* Offsets in the regs array: enum tvmm_reg in tvmm.h. */
#define R_AX	(0 * 8)
#define R_CX	(1 * 8)
#define R_DX	(2 * 8)
#define R_BX	(3 * 8)
#define R_BP	(5 * 8)
#define R_SI	(6 * 8)
#define R_DI	(7 * 8)
#define R_8	(8 * 8)
#define R_9	(9 * 8)
#define R_10	(10 * 8)
#define R_11	(11 * 8)
#define R_12	(12 * 8)
#define R_13	(13 * 8)
#define R_14	(14 * 8)
#define R_15	(15 * 8)

	.text
SYM_FUNC_START(__vmx_vcpu_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* @regs: at 0(%rsp) on VM exit */

	mov	$HOST_RSP, %eax
	vmwrite	%rsp, %rax
	jbe	.Lfail

	bt	$0, %esi		/* CF = launched; the movs and VERW keep it */
	mov	R_AX(%rdi), %rax
	mov	R_CX(%rdi), %rcx
	mov	R_DX(%rdi), %rdx
	mov	R_BX(%rdi), %rbx
	mov	R_BP(%rdi), %rbp
	mov	R_SI(%rdi), %rsi
	mov	R_8(%rdi), %r8
	mov	R_9(%rdi), %r9
	mov	R_10(%rdi), %r10
	mov	R_11(%rdi), %r11
	mov	R_12(%rdi), %r12
	mov	R_13(%rdi), %r13
	mov	R_14(%rdi), %r14
	mov	R_15(%rdi), %r15
	mov	R_DI(%rdi), %rdi
	/*
	 * Last before the entry, after every load of host memory: VERW
	 * empties the CPU buffers where the kernel found them leaking
	 * (MDS, TAA, MMIO stale data, RFDS: X86_FEATURE_CLEAR_CPU_BUF).
	 */
	CLEAR_CPU_BUFFERS
	jc	.Lresume
	UNWIND_HINT_SAVE
	vmlaunch
	jmp	.Lfail
.Lresume:
	vmresume
.Lfail:
	/* VMfail: we are still here, with guest values in the registers. */
	mov	$1, %ebx
	jmp	.Lclear_regs

/* HOST_RIP: a VM exit lands here, RSP = HOST_RSP, guest values in GPRs. */
SYM_INNER_LABEL(__vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	push	%rdi			/* the guest's RDI */
	mov	8(%rsp), %rdi		/* @regs */
	mov	%rax, R_AX(%rdi)
	mov	%rcx, R_CX(%rdi)
	mov	%rdx, R_DX(%rdi)
	mov	%rbx, R_BX(%rdi)
	mov	%rbp, R_BP(%rdi)
	mov	%rsi, R_SI(%rdi)
	mov	%r8, R_8(%rdi)
	mov	%r9, R_9(%rdi)
	mov	%r10, R_10(%rdi)
	mov	%r11, R_11(%rdi)
	mov	%r12, R_12(%rdi)
	mov	%r13, R_13(%rdi)
	mov	%r14, R_14(%rdi)
	mov	%r15, R_15(%rdi)
	popq	R_DI(%rdi)
	xor	%ebx, %ebx		/* 0: a VM exit */

.Lclear_regs:
	/*
	 * Leave no guest value in any register (EBX holds the result): not
	 * in one the host might spill, nor in a callee-saved one, which a
	 * slow pop below could let speculation use.
	 */
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d

	/* The guest may have filled the return stack buffer: refill it. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE

	/*
	 * Legacy IBRS (X86_FEATURE_KERNEL_IBRS) protects the kernel only if
	 * IA32_SPEC_CTRL.IBRS is written again after a less privileged
	 * predictor mode, the guest's: before the first RET. The guest
	 * never writes the MSR itself (every MSR access exits), so the
	 * host's value is only rewritten, never restored.
	 */
	ALTERNATIVE "jmp .Lspec_ctrl_done", "", X86_FEATURE_KERNEL_IBRS
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	movl	PER_CPU_VAR(x86_spec_ctrl_current), %eax
	movl	PER_CPU_VAR(x86_spec_ctrl_current + 4), %edx
	wrmsr
.Lspec_ctrl_done:
	/* No branch after the exit runs ahead on a guest-steered guess. */
	lfence

	/* Branch history the guest left (BHI): the kernel's loop clears it. */
	CLEAR_BRANCH_HISTORY_VMEXIT

	mov	%ebx, %eax		/* 0 or 1 */
	/* The host's callee-saved registers back. */
	pop	%rdi			/* @regs */
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(__vmx_vcpu_run)
