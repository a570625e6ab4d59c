/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of devices/' interrupts, in devices_test.c; each returns pass. */
#ifndef TVMMCTL_TESTS_DEVICES_TEST_H
#define TVMMCTL_TESTS_DEVICES_TEST_H

#include <stdbool.h>

bool test_pic_init_and_mask(void);
bool test_pic_priority_and_eoi(void);
bool test_pic_modes(void);
bool test_uart_interrupts(void);
bool test_uart_loopback(void);
bool test_lapic_registers(void);
bool test_lapic_init_sipi(void);
bool test_lapic_fixed_ipi(void);
bool test_pit(void);
bool test_device_counts(void);
bool test_device_trace_words(void);

#endif /* TVMMCTL_TESTS_DEVICES_TEST_H */
