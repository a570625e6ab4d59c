/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_test.h - include this, not kselftest_harness.h, in a tvmm selftest.
 */
#ifndef TVMM_SELFTEST_TEST_H
#define TVMM_SELFTEST_TEST_H

#include <string.h>
#include <sys/stat.h>

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

/*
 * Loading tvmm.ko fails with @err, says why in exactly one kernel log line
 * of its own, which contains @why, and leaves nothing behind: no module,
 * no /dev/tvmm.
 */
#define EXPECT_LOAD_REFUSED(err, why) do {				\
	char __line[512];						\
	struct stat __st;						\
	int __watch = kmsg_watch_start();				\
									\
	ASSERT_LE(0, __watch);						\
	EXPECT_EQ(err, __tvmm_load(NULL));				\
	EXPECT_EQ(1, kmsg_watch_count(__watch, "tvmm:", __line,	\
				      sizeof(__line)));			\
	EXPECT_NE(NULL, strstr(__line, why)) {				\
		TH_LOG("kernel log: \"%s\"", __line);			\
	}								\
	kmsg_watch_stop(__watch);					\
	EXPECT_FALSE(tvmm_loaded());					\
	EXPECT_NE(0, stat(TVMM_DEV, &__st));				\
} while (0)

#endif /* TVMM_SELFTEST_TEST_H */
