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
	asm volatile("cli");
	for (;;)
		asm volatile("" : : : "memory");
}

static void beyond_ram(void)
{
	unsigned long last = RAM_SIZE - 8, past = RAM_SIZE, far = 64UL << 20;
	__u64 got_last, got_past, got_far;

	demo_begin("write the last word of RAM, then past the end");
	write64(last, 0x1a57);
	write64(past, 0xbe40d);
	write64(far, 0xfa2);
	got_last = read64(last);
	got_past = read64(past);
	got_far = read64(far);
	demo_fact_hex("last_gpa", last);
	demo_fact_hex("last_read", got_last);
	demo_fact_hex("past_gpa", past);
	demo_fact_hex("past_read", got_past);
	demo_fact_hex("far_gpa", far);
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
