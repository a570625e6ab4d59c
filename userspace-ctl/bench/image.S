/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark guest's flat image (bench/guest/, built by the Makefile),
 * inside tvmmctl: bench_guest_image to bench_guest_image_end.
 */
	.section .rodata.bench_guest, "a"
	.balign	4096
	.globl	bench_guest_image, bench_guest_image_end
bench_guest_image:
	.incbin	BENCH_GUEST_BIN
bench_guest_image_end:

	.section .note.GNU-stack, "", @progbits
