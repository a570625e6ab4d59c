/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mb_head.S - the multiboot header and entry of the multiboot reference
 * kernels. Built twice: as an ELF kernel (the loader reads the program
 * headers) and, with AOUT defined, as a flat binary whose header carries
 * the a.out kludge addresses (flags bit 16) from the linker script.
 * Entry: 32-bit protected mode, paging off, EAX = 0x2badb002, EBX = the
 * multiboot info; the stack is ours to set up.
 */
#include "multiboot.h"

#ifdef AOUT
#define MB_FLAGS	(MB_HEADER_PAGE_ALIGN | MB_HEADER_MEMORY_INFO | \
			 MB_HEADER_AOUT_KLUDGE)
#else
#define MB_FLAGS	(MB_HEADER_PAGE_ALIGN | MB_HEADER_MEMORY_INFO)
#endif

	.section .multiboot, "a"
	.align	4
mb_header:
	.long	MB_HEADER_MAGIC
	.long	MB_FLAGS
	.long	-(MB_HEADER_MAGIC + MB_FLAGS)
#ifdef AOUT
	.long	mb_header		/* header_addr */
	.long	__load_start		/* load_addr */
	.long	__load_end		/* load_end_addr */
	.long	__bss_end		/* bss_end_addr */
	.long	_start			/* entry_addr */
#endif

	.text
	.globl	_start
_start:
	mov	$stack_top, %esp
	push	%ebx
	push	%eax
	call	mb_main		/* does not return */
1:	cli
	hlt
	jmp	1b

	.bss
	.align	16
stack:
	.space	8192
stack_top:
