/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark guest: one flat image at BENCH_IMAGE_GPA, _start first.
 * Run through the C preprocessor for the numbers of bench/abi.h.
 */
#include "bench/abi.h"

OUTPUT_FORMAT("elf64-x86-64")
ENTRY(_start)

SECTIONS
{
	. = BENCH_IMAGE_GPA;
	.text : {
		*(.text.start)
		*(.text .text.*)
	}
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.*) }
	.bss : { *(.bss .bss.* COMMON) }
	/DISCARD/ : { *(.note.* .comment .eh_frame* .debug*) }
	ASSERT(. <= BENCH_IMAGE_GPA + BENCH_IMAGE_MAX, "guest image too large")
}
