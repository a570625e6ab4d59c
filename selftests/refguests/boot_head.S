/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boot_head.S - entry of the boot sector reference guest. A BIOS jumps to
 * 0x7c00 in real mode with the boot drive in DL; the segment registers and
 * the stack are whatever it left. Note CS:IP and DL as they came, give the
 * C code flat segments at 0 and a stack below 0x7c00, then call it.
 */
	.code16
	.section .boot_entry, "ax"
	.globl _start
_start:
	cli
	call	1f			/* IP of 1: on the stack */
1:	pop	%bx
	sub	$(1b - _start), %bx
	mov	%cs, %cx
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7c00, %sp
	mov	%bx, entry_ip
	mov	%cx, entry_cs
	mov	%dl, entry_dl
	ljmp	$0, $2f			/* CS = 0: C code is linked at 0x7c00 */
2:	calll	boot_main
3:	hlt
	jmp	3b
