// SPDX-License-Identifier: GPL-2.0
/*
 * The work of work.h. No C library and no global data: this object runs
 * in the guest as it is, at whatever address it was linked.
 */
#include "bench/work.h"

/*
 * One store to each page: the first touch of memory nobody used yet. The
 * stores are the caller's to see, so the compiler keeps every one.
 */
__u64 bench_touch(__u8 *buf, __u64 pages, __u64 *result)
{
	__u64 t0, i;

	t0 = bench_rdtsc();
	for (i = 0; i < pages; i++)
		buf[i * BENCH_PAGE_SIZE] = 1;
	*result = i;
	return bench_rdtsc() - t0;
}

/*
 * The memory-bound loop reads the first word of every 64-byte line of the
 * buffer once, in the order of a full-period linear congruential sequence
 * modulo the number of lines (a power of two; multiplier 1 mod 4, odd
 * increment: Knuth, TAOCP 3.2.1.2). Every line is read, but in an order
 * no prefetcher follows and that crosses pages at nearly every read, so
 * that the TLB, and with it the EPT page size, matters.
 */
#define MEMLOOP_MUL	1103515245ULL
#define MEMLOOP_INC	12345ULL
#define WORDS_PER_LINE	(BENCH_LINE_SIZE / sizeof(__u64))

/* Line n holds n, so that one pass sums to 0 + 1 + ... + (lines - 1). */
void bench_memloop_init(__u64 *buf, __u64 size)
{
	__u64 i, lines = size / BENCH_LINE_SIZE;

	for (i = 0; i < lines; i++)
		buf[i * WORDS_PER_LINE] = i;
}

__u64 bench_memloop(const __u64 *buf, __u64 size, __u64 *result)
{
	__u64 lines = size / BENCH_LINE_SIZE, mask = lines - 1;
	__u64 t0, t1, i, x = 0, sum = 0;

	t0 = bench_rdtsc();
	for (i = 0; i < lines; i++) {
		sum += buf[x * WORDS_PER_LINE];
		x = (x * MEMLOOP_MUL + MEMLOOP_INC) & mask;
	}
	t1 = bench_rdtsc();
	*result = sum;
	return t1 - t0;
}

__u64 bench_memloop_expect(__u64 size)
{
	__u64 lines = size / BENCH_LINE_SIZE;

	return lines * (lines - 1) / 2;
}

/* The sieve of Eratosthenes over @size bytes, @runs times: compute. */
__u64 bench_sieve(__u8 *buf, __u64 size, __u64 runs, __u64 *result)
{
	__u64 t0, t1, r, i, j, count = 0;

	t0 = bench_rdtsc();
	for (r = 0; r < runs; r++) {
		/* Each run is done again, not proven equal to the last. */
		asm volatile("" : : "r" (buf) : "memory");
		for (i = 0; i < size; i++)
			buf[i] = 1;
		buf[0] = 0;
		buf[1] = 0;
		for (i = 2; i * i < size; i++) {
			if (!buf[i])
				continue;
			for (j = i * i; j < size; j += i)
				buf[j] = 0;
		}
		count = 0;
		for (i = 0; i < size; i++)
			count += buf[i];
	}
	t1 = bench_rdtsc();
	*result = count;
	return t1 - t0;
}
