/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot (v1) header and entry point of the PVH boot shim.
 *
 * kernel.mb, built by mkkernel.py, is one flat file:
 *   [0, 4 KiB)  this shim (text, data, bss and stack), loaded at LOAD_ADDR
 *   [4 KiB, ..) the decompressed kernel's PT_LOAD segments, which therefore
 *               land at their physical addresses (LOAD_ADDR + 4 KiB)
 * The "a.out kludge" address fields below tell the Multiboot loader
 * (ISOLINUX's mboot.c32) where to put the file and to zero the kernel's
 * bss, so the loader needs no ELF support and the image needs no padding.
 */
#define MB_MAGIC	0x1badb002
#define MB_MEM_INFO	(1 << 1)	/* we want the memory map */
#define MB_AOUT_KLUDGE	(1 << 16)	/* load addresses are in the header */
#define MB_FLAGS	(MB_MEM_INFO | MB_AOUT_KLUDGE)

	.section .head, "ax"
	.code32
	.globl	_start
_start:
	jmp	entry

	.p2align 2
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	mb_header		/* header_addr */
	.long	_start			/* load_addr */
	.long	LOAD_END		/* load_end_addr: end of the file's data */
	.long	BSS_END			/* bss_end_addr: end of the kernel's bss */
	.long	entry			/* entry_addr */

/*
 * The loader enters here in flat 32-bit protected mode, paging off, with
 * EAX = Multiboot magic and EBX = Multiboot info: exactly the CPU state the
 * kernel's PVH entry expects, except that EBX must point to hvm_start_info.
 */
entry:
	cli
	cld
	movl	$stack_top, %esp
	pushl	%ebx
	pushl	%eax
	call	shim_main		/* returns the hvm_start_info address */
	movl	%eax, %ebx
	movl	$PVH_ENTRY, %eax
	jmp	*%eax

	.section .bss
	.p2align 4
	.skip	512
stack_top:

	.section .note.GNU-stack, "", @progbits	/* no executable stack */
