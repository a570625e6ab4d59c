/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of vmm/vmm.c on a pretend VM, in vmm_test.c; each returns pass. */
#ifndef TVMMCTL_TESTS_VMM_TEST_H
#define TVMMCTL_TESTS_VMM_TEST_H

#include <stdbool.h>

bool test_vmm_echo_halted(void);
bool test_vmm_echo_kicked(void);
bool test_vmm_smp_start(void);
bool test_vmm_pit_ticks(void);
bool test_vmm_apic_timer(void);
bool test_vmm_user_msrs(void);
bool test_vmm_halt_timeout(void);
bool test_vmm_create_fails(void);
bool test_vmm_terminal(void);

#endif /* TVMMCTL_TESTS_VMM_TEST_H */
