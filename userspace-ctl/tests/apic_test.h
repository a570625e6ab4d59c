/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of the APIC timers, MSRs and the IOAPIC, in apic_test.c. */
#ifndef TVMMCTL_TESTS_APIC_TEST_H
#define TVMMCTL_TESTS_APIC_TEST_H

#include <stdbool.h>

bool test_apic_timer_one_shot(void);
bool test_apic_timer_periodic(void);
bool test_apic_timer_divide(void);
bool test_apic_timer_masked_and_stopped(void);
bool test_apic_tsc_deadline(void);
bool test_apic_base_msr(void);
bool test_apic_svr_disable(void);
bool test_apic_lint0_extint(void);
bool test_apic_destinations(void);
bool test_ioapic_registers(void);
bool test_ioapic_edge_and_isa(void);
bool test_ioapic_level(void);
bool test_ioapic_destinations(void);

#endif /* TVMMCTL_TESTS_APIC_TEST_H */
