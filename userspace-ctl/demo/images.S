/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo guests (demos/NAME.c, built by demos/Makefile into DEMO_OUT)
 * inside tvmmctl, so that "tvmmctl demo" needs no file: the ELF image of
 * NAME is demo_image_NAME[] up to demo_image_NAME_end[] (DEMO_IMAGE() in
 * demo.h). The Makefile passes DEMO_OUT as an include directory.
 */
	.macro DEMO_IMAGE name
	.section .rodata.demo_images, "a"
	.balign 16
	.globl demo_image_\name, demo_image_\name\()_end
demo_image_\name:
	.incbin "\name\().elf"
demo_image_\name\()_end:
	.endm

	DEMO_IMAGE cpuid
	DEMO_IMAGE msr
	DEMO_IMAGE io
	DEMO_IMAGE hlt
	DEMO_IMAGE cr
	DEMO_IMAGE hypercall
	DEMO_IMAGE paravirt
	DEMO_IMAGE ept
	DEMO_IMAGE rdtsc
	DEMO_IMAGE exception
	DEMO_IMAGE modes
	DEMO_IMAGE equivalence
	DEMO_IMAGE resource_control

	.section .note.GNU-stack, "", @progbits
