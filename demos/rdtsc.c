// SPDX-License-Identifier: GPL-2.0
/*
 * rdtsc - the guest reads its time-stamp counter: the host's TSC plus the
 * offset the VMM chose, added by the CPU without a VM exit. tvmmctl moves
 * the guest's clock between the first two steps, and makes RDTSC exit for
 * the third.
 */
#include "demos/rt.h"

static void read_tsc(const char *title)
{
	__u64 a, b;

	demo_begin(title);
	a = rdtsc();
	b = rdtsc();
	demo_fact("tsc", a);
	demo_fact("tsc_again", b);
	demo_end();
}

void demo_main(__u64 arg)
{
	read_tsc("RDTSC, with the offset set to start the guest's clock at 0");
	read_tsc("RDTSC, after the VMM moved the guest's clock 10^12 ahead");
	read_tsc("RDTSC, with RDTSC exiting on");
}
