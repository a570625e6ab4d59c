/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of "tvmmctl run"'s parts, in run_test.c; each returns pass. */
#ifndef TVMMCTL_TESTS_RUN_TEST_H
#define TVMMCTL_TESTS_RUN_TEST_H

#include <stdbool.h>

bool test_run_parse_size(void);
bool test_run_raw(void);
bool test_run_elf64_good(void);
bool test_run_elf32_good(void);
bool test_run_elf_bad(void);
bool test_run_boot_long(void);
bool test_run_uart(void);
bool test_run_debug_exit(void);

#endif /* TVMMCTL_TESTS_RUN_TEST_H */
