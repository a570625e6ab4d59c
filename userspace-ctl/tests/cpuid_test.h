/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of the guest's CPU (vmm/cpuid.c), in cpuid_test.c. */
#ifndef TVMMCTL_TESTS_CPUID_TEST_H
#define TVMMCTL_TESTS_CPUID_TEST_H

#include <stdbool.h>

bool test_cpuid_masked(void);
bool test_cpuid_added(void);
bool test_cpuid_xsave(void);
bool test_cpuid_topology(void);
bool test_cpuid_tsc_leaves(void);

#endif /* TVMMCTL_TESTS_CPUID_TEST_H */
