// SPDX-License-Identifier: GPL-2.0
/*
 * paravirt - the same line printed twice: once through the emulated UART,
 * an OUT (a VM exit) per byte, as an unmodified driver would; once with
 * one hypercall that hands tvmmctl the whole buffer, as a driver written
 * for a VMM (virtio-console, Xen's console ring) does.
 */
#include "demos/rt.h"

#define COM1		0x3f8
#define TEXT		"Virtual hardware costs an exit per access.\n"

static const char text[] = TEXT;

void demo_main(__u64 arg)
{
	__u64 t, ret;
	size_t i;

	demo_begin("full virtualization: the UART, one OUT per byte");
	t = rdtsc();
	for (i = 0; i < sizeof(text) - 1; i++)
		port_out8(COM1, text[i]);
	t = rdtsc() - t;
	demo_fact("bytes", sizeof(text) - 1);
	demo_fact("cycles", t);
	demo_end();

	demo_begin("para-virtualization: one hypercall with the buffer");
	t = rdtsc();
	ret = vmcall(DEMO_HC_WRITE, (unsigned long)text, sizeof(text) - 1, 0);
	t = rdtsc() - t;
	demo_fact("bytes", sizeof(text) - 1);
	demo_fact("written", ret);
	demo_fact("cycles", t);
	demo_end();
}
