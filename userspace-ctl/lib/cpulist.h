/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU bitmaps of struct tvmm_vmx_caps: arrays of __u64 in
 * which CPU n is bit (n % 64) of word (n / 64), as the kernel's bitmaps are
 * on x86-64. Printed as CPU lists the way the kernel prints them in sysfs
 * ("0-1,3": runs of two or more CPUs as FIRST-LAST).
 */
#ifndef TVMMCTL_LIB_CPULIST_H
#define TVMMCTL_LIB_CPULIST_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

bool tvmm_cpu_isset(const __u64 *map, unsigned int cpu);
void tvmm_cpu_set(__u64 *map, unsigned int cpu);
unsigned int tvmm_cpu_count(const __u64 *map, unsigned int nbits);
void tvmm_cpulist_print(FILE *f, const __u64 *map, unsigned int nbits);

#endif /* TVMMCTL_LIB_CPULIST_H */
