// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm-spin SECONDS: spin for SECONDS of CLOCK_MONOTONIC and print how many
 * rounds of a short loop ran per second. The bench (testvm/bench --linux)
 * runs it on the test machine and inside a guest: the guest's clock is its
 * TSC, which in Bochs counts the host's instructions as well, so every
 * cycle a hypervisor spends on the guest's exits is a cycle the loop did
 * not get; the ratio of the two rates is what the guest kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1, start, t;
	unsigned long long rounds = 0;
	unsigned int sink = 0;
	unsigned int i;

	start = now();
	do {
		/* Enough work per round that reading the clock is noise. */
		for (i = 0; i < 10000; i++) {
			sink += i;
			/* Keep the loop: the compiler may not fold it. */
			__asm__ __volatile__("" : "+r" (sink));
		}
		rounds++;
		t = now();
	} while (t - start < secs);
	printf("%.0f\n", rounds / (t - start));
	return 0;
}
