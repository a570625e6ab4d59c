// SPDX-License-Identifier: GPL-2.0
/*
 * novmx_test - on a CPU without VMX, tvmm.ko refuses to load with -ENODEV
 * and exactly one kernel log line that says why, and leaves nothing behind.
 * (Runs in the test machine without VMX; skips where VMX exists.)
 */
#include <errno.h>

#include "tvmm_test.h"

TEST(load_refused_without_vmx)
{
	if (host_has_vmx())
		SKIP(return, "this CPU has VMX");
	EXPECT_LOAD_REFUSED(-ENODEV, "no VMX");
}

TEST_HARNESS_MAIN
