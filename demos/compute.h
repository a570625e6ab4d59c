/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compute.h - the work of the equivalence demo. The same source is built
 * into the demo guest and into tvmmctl, which runs it natively: a program
 * run under a VMM must behave as it does on the machine (equivalence),
 * and most of its instructions must run on the CPU directly (efficiency).
 */
#ifndef DEMOS_COMPUTE_H
#define DEMOS_COMPUTE_H

#include <linux/types.h>

#define COMPUTE_LIMIT	200000		/* the sieve's size, in bytes */

/*
 * The primes below COMPUTE_LIMIT, by the sieve of Eratosthenes in @sieve
 * (COMPUTE_LIMIT bytes), hashed with FNV-1a; their count in *@count.
 */
__u64 demo_compute(__u8 *sieve, __u64 *count);

#endif /* DEMOS_COMPUTE_H */
