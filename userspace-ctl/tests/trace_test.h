/* SPDX-License-Identifier: GPL-2.0 */
/* Unit tests of vmm/trace.c, in trace_test.c; each returns pass. */
#ifndef TVMMCTL_TESTS_TRACE_TEST_H
#define TVMMCTL_TESTS_TRACE_TEST_H

#include <stdbool.h>

bool test_trace_text(void);
bool test_trace_text_edges(void);
bool test_trace_json(void);
bool test_trace_json_members(void);
bool test_trace_names(void);
bool test_trace_ring_drain(void);
bool test_trace_stats(void);
bool test_summary_rows(void);
bool test_summary_overflow(void);
bool test_summary_print(void);

#endif /* TVMMCTL_TESTS_TRACE_TEST_H */
