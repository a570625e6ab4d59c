// SPDX-License-Identifier: GPL-2.0
/*
 * equivalence - the guest runs compute.c, the same C code tvmmctl runs
 * natively, and times it with its TSC. Nothing in it is sensitive: it
 * should run without a single exit of its own, at native speed.
 */
#include "demos/rt.h"
#include "demos/compute.h"

static __u8 sieve[COMPUTE_LIMIT];

void demo_main(__u64 arg)
{
	__u64 t, hash, count;

	demo_begin("the primes below 200000, sieved and hashed");
	t = rdtsc();
	hash = demo_compute(sieve, &count);
	t = rdtsc() - t;
	demo_fact_hex("hash", hash);
	demo_fact("primes", count);
	demo_fact("cycles", t);
	demo_end();
}
