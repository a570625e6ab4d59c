/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's work that runs the same in a guest and natively: page
 * touching, a memory-bound loop and a sieve. work.c is compiled once, with
 * the guest's flags, and that one object is linked into both the guest
 * image and tvmmctl: the two run the same machine code.
 *
 * Each function times its own loop with the TSC and returns the cycles;
 * what it computed goes to *result, for the caller to check.
 */
#ifndef TVMMCTL_BENCH_WORK_H
#define TVMMCTL_BENCH_WORK_H

#include <linux/types.h>

#define BENCH_PAGE_SIZE		4096ULL
#define BENCH_LINE_SIZE		64ULL

/* The TSC, after every earlier instruction has completed (LFENCE). */
static inline __u64 bench_rdtsc(void)
{
	__u32 lo, hi;

	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return lo | (__u64)hi << 32;
}

__u64 bench_touch(__u8 *buf, __u64 pages, __u64 *result);
void bench_memloop_init(__u64 *buf, __u64 size);
__u64 bench_memloop(const __u64 *buf, __u64 size, __u64 *result);
__u64 bench_memloop_expect(__u64 size);
__u64 bench_sieve(__u8 *buf, __u64 size, __u64 runs, __u64 *result);

#endif /* TVMMCTL_BENCH_WORK_H */
