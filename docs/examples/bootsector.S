/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A boot sector: prints a line through the UART, then ends the run through
 * isa-debug-exit. Built and run by README.md's "Running your own guest",
 * and compared with QEMU by make check (selftests/refguests/cases).
 */
	.code16
	.globl	_start
_start:	mov	$msg, %si
1:	lodsb			# AL = next byte of msg
	test	%al, %al
	jz	2f
	mov	$0x3f8, %dx	# the UART's transmit register
	out	%al, %dx
	jmp	1b
2:	mov	$0x10, %al	# isa-debug-exit: tvmmctl exits with 0x10 << 1 | 1
	out	%al, $0xf4
msg:	.asciz	"hello from a boot sector\n"
	.org	510
	.word	0xaa55		# the boot signature
