/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo guests (demos/NAME.c, built by demos/Makefile into DEMO_OUT)
 * inside tvmmctl, so that "tvmmctl demo" needs no file: the ELF image of
 * NAME is demo_image_NAME[] up to demo_image_NAME_end[] (DEMO_IMAGE() in
 * demo.h), for every DEMO() of demos.h. The Makefile passes DEMO_OUT as an
 * include directory.
 */
	.macro DEMO_IMAGE name
	.section .rodata.demo_images, "a"
	.balign 16
	.globl demo_image_\name, demo_image_\name\()_end
demo_image_\name:
	.incbin "\name\().elf"
demo_image_\name\()_end:
	.endm

#define DEMO(name) DEMO_IMAGE name
#include "demo/demos.h"

	.section .note.GNU-stack, "", @progbits
