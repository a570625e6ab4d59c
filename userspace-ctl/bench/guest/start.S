/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark guest's entry, at BENCH_IMAGE_GPA in 64-bit mode with
 * interrupts off: a stack, then the command loop, which never returns.
 */
#include "bench/abi.h"

	.section .text.start, "ax"
	.globl	_start
	.code64
_start:
	mov	$BENCH_STACK_TOP, %rsp
	call	bench_guest_main
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
