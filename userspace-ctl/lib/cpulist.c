// SPDX-License-Identifier: GPL-2.0
/*
 * Test, set, count and print CPU bitmaps (see cpulist.h).
 */
#include "lib/cpulist.h"

bool tvmm_cpu_isset(const __u64 *map, unsigned int cpu)
{
	return (map[cpu / 64] >> (cpu % 64)) & 1;
}

void tvmm_cpu_set(__u64 *map, unsigned int cpu)
{
	map[cpu / 64] |= 1ULL << (cpu % 64);
}

/* How many of CPUs 0 to @nbits - 1 are set in @map. */
unsigned int tvmm_cpu_count(const __u64 *map, unsigned int nbits)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; cpu < nbits; cpu++)
		n += tvmm_cpu_isset(map, cpu);
	return n;
}

/*
 * Print CPUs 0 to @nbits - 1 of @map as a CPU list, "0-1,3" or "0,2-3".
 * Prints nothing when no CPU is set: the caller says "none" its own way.
 */
void tvmm_cpulist_print(FILE *f, const __u64 *map, unsigned int nbits)
{
	unsigned int cpu = 0, first;
	bool comma = false;

	while (cpu < nbits) {
		if (!tvmm_cpu_isset(map, cpu)) {
			cpu++;
			continue;
		}
		first = cpu;
		while (cpu + 1 < nbits && tvmm_cpu_isset(map, cpu + 1))
			cpu++;
		fprintf(f, comma ? ",%u" : "%u", first);
		if (cpu > first)
			fprintf(f, "-%u", cpu);
		comma = true;
		cpu++;
	}
}
