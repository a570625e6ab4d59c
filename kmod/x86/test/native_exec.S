/* SPDX-License-Identifier: GPL-2.0 */
/*
 * native_exec(struct cpu_state *st, const void *code): see native_exec.h.
 * The System V calling convention: st in RDI, code in RSI; RBX, RBP and
 * R12-R15 are the caller's and come back unchanged; DF is clear on return.
 */
#ifdef __x86_64__

#define ST_RFLAGS	128

	.text
	.globl native_exec
	.type native_exec, @function
native_exec:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi			/* st, at 8(%rsp) */
	push	%rsi			/* code, at 0(%rsp) */

	pushq	ST_RFLAGS(%rdi)
	popfq
	mov	0(%rdi), %rax
	mov	8(%rdi), %rcx
	mov	16(%rdi), %rdx
	mov	24(%rdi), %rbx
	mov	40(%rdi), %rbp
	mov	48(%rdi), %rsi
	mov	64(%rdi), %r8
	mov	72(%rdi), %r9
	mov	80(%rdi), %r10
	mov	88(%rdi), %r11
	mov	96(%rdi), %r12
	mov	104(%rdi), %r13
	mov	112(%rdi), %r14
	mov	120(%rdi), %r15
	mov	56(%rdi), %rdi
	call	*(%rsp)

	push	%rdi			/* the instruction's RDI; st at 16(%rsp) */
	mov	16(%rsp), %rdi
	mov	%rax, 0(%rdi)
	mov	%rcx, 8(%rdi)
	mov	%rdx, 16(%rdi)
	mov	%rbx, 24(%rdi)
	mov	%rbp, 40(%rdi)
	mov	%rsi, 48(%rdi)
	mov	%r8, 64(%rdi)
	mov	%r9, 72(%rdi)
	mov	%r10, 80(%rdi)
	mov	%r11, 88(%rdi)
	mov	%r12, 96(%rdi)
	mov	%r13, 104(%rdi)
	mov	%r14, 112(%rdi)
	mov	%r15, 120(%rdi)
	popq	56(%rdi)
	pushfq
	popq	ST_RFLAGS(%rdi)
	cld

	add	$16, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size native_exec, .-native_exec

#endif /* __x86_64__ */

	.section .note.GNU-stack, "", @progbits
