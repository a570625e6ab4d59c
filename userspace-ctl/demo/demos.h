/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demos: one DEMO(NAME) line each, in the order of "tvmmctl demo all"
 * and --list, from the CPU to the machine. NAME is the guest demos/NAME.c
 * and the host side demo/NAME.c (struct demo demo_NAME).
 *
 * Like cmd/commands.h, this file has no include guard: it is read three
 * times, with three meanings of DEMO(): by images.S to embed each guest,
 * by demo.h to declare each demo and its image, by demo.c to build the
 * table. The Makefile reads the names from it too.
 *
 * DEMO_OS(NAME) is a demo whose guest is an operating system the user
 * has, not a guest of demos/: no image to embed (images.S and the
 * Makefile pass it by), and its struct demo has a run().
 */
#ifndef DEMO_OS
#define DEMO_OS(name)
#endif
DEMO(cpuid)
DEMO(msr)
DEMO(io)
DEMO(hlt)
DEMO(cr)
DEMO(hypercall)
DEMO(paravirt)
DEMO(ept)
DEMO(rdtsc)
DEMO(exception)
DEMO(modes)
DEMO(equivalence)
DEMO(resource_control)
DEMO(snapshot)
DEMO_OS(linux)

#undef DEMO
#undef DEMO_OS
