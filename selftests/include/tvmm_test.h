/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_test.h - include this, not kselftest_harness.h, in a tvmm selftest.
 */
#ifndef TVMM_SELFTEST_TEST_H
#define TVMM_SELFTEST_TEST_H

#include "kselftest_harness.h"
#include "tvmm_util.h"

/*
 * SKIP() that also works in a FIXTURE_SETUP: the harness of Linux 6.1 runs
 * the test body after a setup that skipped; leaving through the harness's
 * own jump buffer skips the body (and the teardown of a setup that did not
 * complete).
 */
#define TVMM_SKIP(fmt, ...)						\
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/* Skip on a CPU without VMX; else make sure tvmm is loaded. */
#define TVMM_REQUIRE_MODULE() do {					\
	if (!host_has_vmx())						\
		TVMM_SKIP("this CPU has no VMX");			\
	ASSERT_EQ(0, tvmm_ensure_loaded());				\
} while (0)

/* Skip on a CPU without VMX; else make sure tvmm is not loaded. */
#define TVMM_REQUIRE_UNLOADED() do {					\
	if (!host_has_vmx())						\
		TVMM_SKIP("this CPU has no VMX");			\
	ASSERT_EQ(0, tvmm_ensure_unloaded());				\
} while (0)

#endif /* TVMM_SELFTEST_TEST_H */
