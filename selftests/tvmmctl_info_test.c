// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_info_test - tvmmctl, run against the real module, says what
 * TVMM_GET_VMX_CAPS says, and tells a user without the module what to do.
 */
#include <stdio.h>
#include <string.h>

#include "tvmm_test.h"

static char out[65536];

TEST(info_without_module_says_how_to_load_it)
{
	TVMM_REQUIRE_UNLOADED();
	EXPECT_EQ(1, run_capture("tvmmctl info 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "modprobe tvmm")) {
		TH_LOG("tvmmctl said: %s", out);
	}
}

TEST(info_json_matches_the_ioctl)
{
	struct tvmm_vmx_caps caps;
	char want[128];

	TVMM_REQUIRE_MODULE();
	ASSERT_EQ(0, tvmm_read_caps(&caps));

	ASSERT_EQ(0, run_capture("tvmmctl info --json 2>&1", out, sizeof(out)));
	snprintf(want, sizeof(want), "\"vmcs_revision\": %u",
		 caps.vmcs_revision);
	EXPECT_NE(NULL, strstr(out, want)) {
		TH_LOG("missing %s", want);
	}
	snprintf(want, sizeof(want), "\"basic\": \"0x%016llx\"",
		 (unsigned long long)caps.basic);
	EXPECT_NE(NULL, strstr(out, want)) {
		TH_LOG("missing %s", want);
	}
	snprintf(want, sizeof(want), "\"ept_vpid_cap\": \"0x%016llx\"",
		 (unsigned long long)caps.ept_vpid_cap);
	EXPECT_NE(NULL, strstr(out, want));
	snprintf(want, sizeof(want), "\"ept\": %s",
		 caps.features & (1ULL << TVMM_VMX_EPT) ? "true" : "false");
	EXPECT_NE(NULL, strstr(out, want));
	snprintf(want, sizeof(want), "\"pml\": %s",
		 caps.features & (1ULL << TVMM_VMX_PML) ? "true" : "false");
	EXPECT_NE(NULL, strstr(out, want));
	/* One CPU per test machine or two: "[0]" or "[0, 1]". */
	snprintf(want, sizeof(want), "\"vmxon_cpus\": [0%s]",
		 cpu_in_map(caps.vmxon_cpus, 1) ? ", 1" : "");
	EXPECT_NE(NULL, strstr(out, want)) {
		TH_LOG("missing %s", want);
	}
}

TEST(info_text_names_the_cpus_in_vmx_root_mode)
{
	TVMM_REQUIRE_MODULE();
	ASSERT_EQ(0, run_capture("tvmmctl info 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "in VMX root mode"));
	EXPECT_NE(NULL, strstr(out, "IA32_VMX_BASIC"));
	EXPECT_NE(NULL, strstr(out, "write-back"));
}

TEST_HARNESS_MAIN
