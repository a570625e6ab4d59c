// SPDX-License-Identifier: GPL-2.0
/*
 * compute.c - see compute.h. Plain integer C, no library calls: it must
 * build freestanding for the guest.
 */
#include "demos/compute.h"

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

__u64 demo_compute(__u8 *sieve, __u64 *count)
{
	__u64 hash = FNV_OFFSET, n = 0, i, j;

	for (i = 0; i < COMPUTE_LIMIT; i++)
		sieve[i] = i >= 2;
	for (i = 2; i * i < COMPUTE_LIMIT; i++) {
		if (!sieve[i])
			continue;
		for (j = i * i; j < COMPUTE_LIMIT; j += i)
			sieve[j] = 0;
	}
	for (i = 0; i < COMPUTE_LIMIT; i++) {
		if (!sieve[i])
			continue;
		n++;
		for (j = 0; j < 32; j += 8) {
			hash ^= (i >> j) & 0xff;
			hash *= FNV_PRIME;
		}
	}
	*count = n;
	return hash;
}
