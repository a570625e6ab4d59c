// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug_test - tvmm follows CPU hotplug: a CPU going offline leaves VMX
 * root operation, a CPU coming online enters it, also when it was offline
 * while the module loaded. Needs a second CPU that can go offline.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "tvmm_test.h"

#define HOTCPU	1

/*
 * The harness's 30 s are too few for Bochs's two CPUs, where taking one
 * offline has been seen to take 30 s of the guest's time, now and then.
 */
#define HOTPLUG_TIMEOUT	120

FIXTURE(hotplug) {
	int unused;
};

FIXTURE_SETUP(hotplug)
{
	struct stat st;

	TVMM_REQUIRE_UNLOADED();
	if (stat("/sys/devices/system/cpu/cpu1/online", &st))
		TVMM_SKIP("needs a second CPU that can go offline");
	/* A test stopped halfway may have left it offline. */
	ASSERT_EQ(0, __cpu_set_online(HOTCPU, true));
	if (online_cpu_count() < 2)
		TVMM_SKIP("needs a second CPU that can go offline");
}

FIXTURE_TEARDOWN(hotplug)
{
	__cpu_set_online(HOTCPU, true);
	tvmm_ensure_unloaded();
}

TEST_F_TIMEOUT(hotplug, offline_leaves_and_online_enters_vmx, HOTPLUG_TIMEOUT)
{
	struct tvmm_vmx_caps caps;

	ASSERT_EQ(0, __tvmm_load(NULL));
	ASSERT_EQ(0, tvmm_read_caps(&caps));
	ASSERT_TRUE(cpu_in_map(caps.vmxon_cpus, 0));
	ASSERT_TRUE(cpu_in_map(caps.vmxon_cpus, HOTCPU));

	ASSERT_EQ(0, __cpu_set_online(HOTCPU, false));
	ASSERT_EQ(0, tvmm_read_caps(&caps));
	EXPECT_FALSE(cpu_in_map(caps.online_cpus, HOTCPU));
	EXPECT_FALSE(cpu_in_map(caps.vmxon_cpus, HOTCPU));
	EXPECT_TRUE(cpu_in_map(caps.vmxon_cpus, 0));

	ASSERT_EQ(0, __cpu_set_online(HOTCPU, true));
	ASSERT_EQ(0, tvmm_read_caps(&caps));
	EXPECT_TRUE(cpu_in_map(caps.online_cpus, HOTCPU));
	EXPECT_TRUE(cpu_in_map(caps.vmxon_cpus, HOTCPU));
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F_TIMEOUT(hotplug, cpu_offline_at_load_enters_vmx_when_it_comes_up, HOTPLUG_TIMEOUT)
{
	struct tvmm_vmx_caps caps;

	ASSERT_EQ(0, __cpu_set_online(HOTCPU, false));
	ASSERT_EQ(0, __tvmm_load(NULL));
	ASSERT_EQ(0, tvmm_read_caps(&caps));
	EXPECT_FALSE(cpu_in_map(caps.vmxon_cpus, HOTCPU));
	EXPECT_TRUE(cpu_in_map(caps.vmxon_cpus, 0));

	ASSERT_EQ(0, __cpu_set_online(HOTCPU, true));
	ASSERT_EQ(0, tvmm_read_caps(&caps));
	EXPECT_TRUE(cpu_in_map(caps.vmxon_cpus, HOTCPU));

	/* And unload still leaves VMX on every CPU: a reload works. */
	EXPECT_EQ(0, __tvmm_unload());
	EXPECT_EQ(0, __tvmm_load(NULL));
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F_TIMEOUT(hotplug, deferred_vmxon_stays_off_across_hotplug, HOTPLUG_TIMEOUT)
{
	struct tvmm_vmx_caps caps;

	ASSERT_EQ(0, __tvmm_load("defer_vmxon=1"));
	ASSERT_EQ(0, __cpu_set_online(HOTCPU, false));
	ASSERT_EQ(0, __cpu_set_online(HOTCPU, true));
	ASSERT_EQ(0, tvmm_read_caps(&caps));
	EXPECT_FALSE(cpu_in_map(caps.vmxon_cpus, 0));
	EXPECT_FALSE(cpu_in_map(caps.vmxon_cpus, HOTCPU));
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_HARNESS_MAIN
