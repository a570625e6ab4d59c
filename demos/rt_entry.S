/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rt_entry.S - where a demo guest starts (in long mode, from tvmmctl's
 * boot state) and where its exceptions land: one stub per vector 0-31
 * pushes the vector (and a zero where the CPU pushes no error code), then
 * the common stub saves the registers C may clobber and calls
 * demo_exception() with the frame (struct demo_frame in rt.h).
 */
	.section .text.start, "ax"
	.code64
	.globl _start
_start:
	lea	demo_stack_top(%rip), %rsp
	call	demo_rt_main		/* RDI: demo_main()'s argument */
1:	cli
	hlt
	jmp	1b

/*
 * One stub per vector. ISR_ERR: the CPU pushed an error code (SDM Vol. 3A,
 * Table 7-1); ISR pushes a zero in its place, so every frame is alike.
 */
	.macro ISR vec
	.balign 16
isr\vec:
	pushq	$0
	pushq	$\vec
	jmp	isr_common
	.endm

	.macro ISR_ERR vec
	.balign 16
isr\vec:
	pushq	$\vec
	jmp	isr_common
	.endm

	.text
	ISR	0
	ISR	1
	ISR	2
	ISR	3
	ISR	4
	ISR	5
	ISR	6
	ISR	7
	ISR_ERR	8
	ISR	9
	ISR_ERR	10
	ISR_ERR	11
	ISR_ERR	12
	ISR_ERR	13
	ISR_ERR	14
	ISR	15
	ISR	16
	ISR_ERR	17
	ISR	18
	ISR	19
	ISR	20
	ISR_ERR	21
	ISR	22
	ISR	23
	ISR	24
	ISR	25
	ISR	26
	ISR	27
	ISR	28
	ISR_ERR	29
	ISR_ERR	30
	ISR	31

isr_common:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	mov	%rsp, %rdi
	cld
	call	demo_exception
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	add	$16, %rsp		/* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl demo_isr_table
demo_isr_table:
	.quad	isr0
	.quad	isr1
	.quad	isr2
	.quad	isr3
	.quad	isr4
	.quad	isr5
	.quad	isr6
	.quad	isr7
	.quad	isr8
	.quad	isr9
	.quad	isr10
	.quad	isr11
	.quad	isr12
	.quad	isr13
	.quad	isr14
	.quad	isr15
	.quad	isr16
	.quad	isr17
	.quad	isr18
	.quad	isr19
	.quad	isr20
	.quad	isr21
	.quad	isr22
	.quad	isr23
	.quad	isr24
	.quad	isr25
	.quad	isr26
	.quad	isr27
	.quad	isr28
	.quad	isr29
	.quad	isr30
	.quad	isr31

	.bss
	.balign 16
	.skip	16384
demo_stack_top:

	.section .note.GNU-stack, "", @progbits
