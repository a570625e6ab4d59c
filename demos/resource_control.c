// SPDX-License-Identifier: GPL-2.0
/*
 * resource-control - a guest gets the CPU time and the memory its VMM
 * grants, no more. tvmmctl runs this guest twice, choosing the part with
 * RDI: 0, a runaway loop that never yields (stopped by the VMM's
 * timeout); 1, a guest that believes it has more memory than it was
 * given and writes past the end of its RAM.
 */
#include "demos/rt.h"

#define RAM_SIZE	0x100000ULL	/* what tvmmctl gives part 1 */

static void runaway(void)
{
	demo_begin("an endless loop, with interrupts off");
	for (;;)
		asm volatile("" : : : "memory");
}

static void beyond_ram(void)
{
	volatile __u64 *last = (volatile __u64 *)(RAM_SIZE - 8);
	volatile __u64 *past = (volatile __u64 *)RAM_SIZE;
	volatile __u64 *far = (volatile __u64 *)(64ULL << 20);
	__u64 got_last, got_past, got_far;

	demo_begin("write the last word of RAM, then past the end");
	*last = 0x1a57;
	*past = 0xbe40d;
	*far = 0xfa2;
	got_last = *last;
	got_past = *past;
	got_far = *far;
	demo_fact_hex("last_gpa", (unsigned long)last);
	demo_fact_hex("last_read", got_last);
	demo_fact_hex("past_gpa", (unsigned long)past);
	demo_fact_hex("past_read", got_past);
	demo_fact_hex("far_gpa", (unsigned long)far);
	demo_fact_hex("far_read", got_far);
	demo_end();
}

void demo_main(__u64 arg)
{
	if (arg == 0)
		runaway();
	else
		beyond_ram();
}
