/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of the multiboot loader and fw_cfg, in multiboot_test.c. */
#ifndef TVMMCTL_TESTS_MULTIBOOT_TEST_H
#define TVMMCTL_TESTS_MULTIBOOT_TEST_H

#include <stdbool.h>

bool test_mb_header_search(void);
bool test_mb_parse_modules(void);
bool test_mb_mmap(void);
bool test_mb_aout(void);
bool test_mb_layout_like_qemu(void);
bool test_mb_elf(void);
bool test_mb_bad(void);
bool test_mb_low(void);
bool test_fw_cfg(void);

#endif /* TVMMCTL_TESTS_MULTIBOOT_TEST_H */
