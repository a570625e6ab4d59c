/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of "tvmmctl bench"'s parts, in bench_test.c; each returns pass. */
#ifndef TVMMCTL_TESTS_BENCH_TEST_H
#define TVMMCTL_TESTS_BENCH_TEST_H

#include <stdbool.h>

bool test_bench_stats(void);
bool test_bench_parse(void);
bool test_bench_verdicts(void);
bool test_bench_table(void);
bool test_bench_json(void);
bool test_bench_work(void);
bool test_bench_guest_image(void);

#endif /* TVMMCTL_TESTS_BENCH_TEST_H */
