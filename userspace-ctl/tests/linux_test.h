/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests of the Linux loaders, the e820 map, the MP table and the
 * loader table, in linux_test.c; each returns pass. The skip_* functions
 * say why a test of Debian's kernel cannot run (NULL: it can).
 */
#ifndef TVMMCTL_TESTS_LINUX_TEST_H
#define TVMMCTL_TESTS_LINUX_TEST_H

#include <stdbool.h>

bool test_e820(void);
bool test_bzimage_bad(void);
bool test_bzimage_zero_page(void);
bool test_pvh(void);
bool test_pvh_bad(void);
bool test_mptable(void);
bool test_loader_order(void);
bool test_debian_bzimage(void);
bool test_debian_vmlinux(void);
const char *skip_no_debian_bzimage(void);
const char *skip_no_debian_vmlinux(void);

#endif /* TVMMCTL_TESTS_LINUX_TEST_H */
