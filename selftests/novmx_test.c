// SPDX-License-Identifier: GPL-2.0
/*
 * novmx_test - on a CPU without VMX, tvmm.ko refuses to load with -ENODEV
 * and exactly one kernel log line that says why, and leaves nothing behind.
 * (Runs in the test machine without VMX; skips where VMX exists.)
 */
#include <errno.h>
#include <sys/stat.h>

#include "tvmm_test.h"

TEST(load_refused_without_vmx)
{
	char line[512];
	struct stat st;
	int watch;

	if (host_has_vmx())
		SKIP(return, "this CPU has VMX");
	watch = kmsg_watch_start();
	ASSERT_LE(0, watch);
	EXPECT_EQ(-ENODEV, __tvmm_load(NULL));
	EXPECT_EQ(1, kmsg_watch_count(watch, "tvmm:", line, sizeof(line)));
	EXPECT_NE(NULL, strstr(line, "no VMX")) {
		TH_LOG("kernel log: \"%s\"", line);
	}
	kmsg_watch_stop(watch);
	EXPECT_FALSE(tvmm_loaded());
	EXPECT_NE(0, stat(TVMM_DEV, &st));
}

TEST_HARNESS_MAIN
