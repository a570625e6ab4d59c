/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of "tvmmctl demo"'s parts, in demo_test.c; each returns pass. */
#ifndef TVMMCTL_TESTS_DEMO_TEST_H
#define TVMMCTL_TESTS_DEMO_TEST_H

#include <stdbool.h>

bool test_demo_table(void);
bool test_demo_images(void);
bool test_demo_json(void);
bool test_demo_wrap(void);
bool test_demo_reports(void);

#endif /* TVMMCTL_TESTS_DEMO_TEST_H */
