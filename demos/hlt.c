// SPDX-License-Identifier: GPL-2.0
/*
 * hlt - the guest has nothing to do and halts, three times, with
 * interrupts off. Each HLT exits: the VMM gets the CPU back, and decides
 * when the guest runs again.
 */
#include "demos/rt.h"

#define NR_HALTS	3

void demo_main(__u64 arg)
{
	__u64 t, longest = 0;
	int i;

	demo_begin("HLT, three times");
	for (i = 0; i < NR_HALTS; i++) {
		t = rdtsc();
		asm volatile("cli; hlt" : : : "memory");
		t = rdtsc() - t;
		if (t > longest)
			longest = t;
	}
	demo_fact("halts", NR_HALTS);
	demo_fact("longest_halt_cycles", longest);
	demo_end();
}
