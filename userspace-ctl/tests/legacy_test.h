/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of the PC's legacy devices, in legacy_test.c. */
#ifndef TVMMCTL_TESTS_LEGACY_TEST_H
#define TVMMCTL_TESTS_LEGACY_TEST_H

#include <stdbool.h>

bool test_pit_counter2_mode0(void);
bool test_pit_counter2_msb(void);
bool test_pit_counter2_modes(void);
bool test_pit_read_back(void);
bool test_pit_port_b_and_mode4(void);
bool test_rtc_read_time(void);
bool test_rtc_set_time(void);
bool test_rtc_flags_and_ram(void);
bool test_i8042_linux_probe(void);
bool test_i8042_commands(void);
bool test_i8042_reset_and_panic(void);

#endif /* TVMMCTL_TESTS_LEGACY_TEST_H */
