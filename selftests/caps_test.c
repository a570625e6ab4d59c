// SPDX-License-Identifier: GPL-2.0
/*
 * caps_test - TVMM_GET_VMX_CAPS reports the CPU's VMX capabilities as they
 * are, and which CPUs tvmm put in VMX root operation.
 *
 * Checked against two independent sources: the "vmx flags" line Linux
 * prints in /proc/cpuinfo (decoded by the kernel from the same MSRs), and
 * the MSRs themselves read through /dev/cpu/N/msr where the msr driver is
 * available. SDM Vol. 3D, Appendix A: bits 31:0 of a control MSR are the
 * allowed-0 settings, bits 63:32 the allowed-1 settings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tvmm_test.h"

/* Names and /proc/cpuinfo flags, from the list in uapi/tvmm_features.h. */
#define TVMM_VMX_FEATURE(bit, flag)		\
	[bit] = #bit,

static const char *const feature_names[64] = {
#include "uapi/tvmm_features.h"
};

#undef TVMM_VMX_FEATURE

#define TVMM_VMX_FEATURE(bit, flag)		\
	[bit] = flag,

static const char *const linux_flags[64] = {
#include "uapi/tvmm_features.h"
};

#undef TVMM_VMX_FEATURE

FIXTURE(caps) {
	struct tvmm_vmx_caps caps;
};

FIXTURE_SETUP(caps)
{
	TVMM_REQUIRE_MODULE();
	ASSERT_EQ(0, tvmm_read_caps(&self->caps));
}

FIXTURE_TEARDOWN(caps)
{
}

/* Every feature Linux names is reported iff Linux lists it. */
TEST_F(caps, features_match_proc_cpuinfo)
{
	const char *flags = cpuinfo_vmx_flags();
	int bit, compared = 0;

	ASSERT_NE(0, strlen(flags)) {
		TH_LOG("no \"vmx flags\" line in /proc/cpuinfo");
	}
	for (bit = 0; bit < 64; bit++) {
		bool ours, linux_has;

		if (!linux_flags[bit])
			continue;
		ours = self->caps.features & (1ULL << bit);
		linux_has = word_in_list(flags, linux_flags[bit]);
		EXPECT_EQ(linux_has, ours) {
			TH_LOG("%s: tvmm says %d, /proc/cpuinfo says %d",
			       feature_names[bit], ours, linux_has);
		}
		compared++;
	}
	ASSERT_LT(10, compared);
}

/* No bit outside the feature list is ever set. */
TEST_F(caps, no_unknown_feature_bits)
{
	int bit;

	for (bit = 0; bit < 64; bit++) {
		if (!feature_names[bit])
			EXPECT_EQ(0, self->caps.features & (1ULL << bit));
	}
}

/* What tvmm refuses to load without is, by construction, present. */
TEST_F(caps, required_features_present)
{
	static const int required[] = {
		TVMM_VMX_EPT, TVMM_VMX_EPT_4LEVEL, TVMM_VMX_EPT_WB,
		TVMM_VMX_INVEPT, TVMM_VMX_UNRESTRICTED_GUEST,
		TVMM_VMX_MSR_BITMAPS, TVMM_VMX_IO_BITMAPS, TVMM_VMX_LOAD_EFER,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		EXPECT_NE(0, self->caps.features & (1ULL << required[i])) {
			TH_LOG("%s missing", feature_names[required[i]]);
		}
	}
}

TEST_F(caps, decoded_fields_match_vmx_basic_and_misc)
{
	const struct tvmm_vmx_caps *c = &self->caps;

	EXPECT_EQ(sizeof(*c), c->size);
	EXPECT_EQ(c->basic & 0x7fffffffULL, c->vmcs_revision);
	EXPECT_EQ((c->basic >> 32) & 0x1fff, c->vmcs_size);
	EXPECT_EQ((c->basic >> 50) & 0xf, c->vmcs_memtype);
	EXPECT_EQ(6, c->vmcs_memtype);
	EXPECT_EQ(c->misc & 0x1f, c->preemption_timer_shift);
	EXPECT_NE(0, c->vmcs_size);
	EXPECT_GE(4096, c->vmcs_size);
	EXPECT_EQ(!!(c->basic & (1ULL << 55)),
		  !!(c->features & (1ULL << TVMM_VMX_TRUE_CTLS)));
}

/*
 * The exiting controls that keep the guest off host state are required:
 * tvmm refuses to load, by name, on a CPU that cannot set one, rather than
 * running without it. Bits of IA32_VMX_PROCBASED_CTLS (SDM Vol. 3C, 25.6.2
 * "Processor-Based VM-Execution Controls", Table 25-6): HLT 7, MWAIT 10,
 * RDPMC 11, CR8-load 19, CR8-store 20, MOV-DR 23, unconditional I/O or
 * I/O bitmaps 25, MSR bitmaps 28, MONITOR 29. On a CPU that has them all,
 * as the test machine's does, this cannot tell whether tvmm checks them.
 */
TEST_F(caps, required_controls_allowed)
{
	static const struct {
		int bit;
		const char *name;
	} required[] = {
		{ 7, "HLT exiting" }, { 10, "MWAIT exiting" },
		{ 11, "RDPMC exiting" }, { 19, "CR8-load exiting" },
		{ 20, "CR8-store exiting" }, { 23, "MOV-DR exiting" },
		{ 25, "use I/O bitmaps" }, { 28, "use MSR bitmaps" },
		{ 29, "MONITOR exiting" },
	};
	__u32 may_be_1 = self->caps.procbased_ctls >> 32;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		EXPECT_NE(0, may_be_1 & (1U << required[i].bit)) {
			TH_LOG("%s cannot be set, yet tvmm loaded",
			       required[i].name);
		}
	}
}

/* A control that must be 1 can be 1: allowed-0 is a subset of allowed-1. */
TEST_F(caps, control_msrs_consistent)
{
	const __u64 ctls[] = { self->caps.pinbased_ctls,
			       self->caps.procbased_ctls,
			       self->caps.procbased_ctls2,
			       self->caps.exit_ctls, self->caps.entry_ctls };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ctls); i++) {
		__u32 must_be_1 = ctls[i], may_be_1 = ctls[i] >> 32;

		EXPECT_EQ(0, must_be_1 & ~may_be_1) {
			TH_LOG("control MSR %zu: %#llx", i,
			       (unsigned long long)ctls[i]);
		}
	}
	/* CR0.PE/PG/NE and CR4.VMXE must be 1 in VMX operation (A.7, A.8). */
	EXPECT_EQ(0x80000021ULL, self->caps.cr0_fixed0 & 0x80000021ULL);
	EXPECT_EQ(0x2000ULL, self->caps.cr4_fixed0 & 0x2000ULL);
	EXPECT_EQ(0, self->caps.reserved[0] | self->caps.reserved[7]);
}

/* Loaded without defer_vmxon, tvmm holds VMX on exactly the online CPUs. */
TEST_F(caps, vmxon_on_every_online_cpu)
{
	int cpu, online = 0;

	EXPECT_EQ(0, self->caps.state & TVMM_CAPS_VMXON_DEFERRED);
	ASSERT_LE(online_cpu_count(), (int)self->caps.nr_cpu_ids);
	for (cpu = 0; cpu < (int)self->caps.nr_cpu_ids && cpu < TVMM_MAX_CPUS;
	     cpu++) {
		EXPECT_EQ(cpu_is_online(cpu),
			  cpu_in_map(self->caps.online_cpus, cpu));
		EXPECT_EQ(cpu_is_online(cpu),
			  cpu_in_map(self->caps.vmxon_cpus, cpu)) {
			TH_LOG("CPU%d", cpu);
		}
		online += cpu_in_map(self->caps.online_cpus, cpu);
	}
	EXPECT_EQ(online_cpu_count(), online);
}

static int read_msr(int cpu, __u32 msr, __u64 *val)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, val, sizeof(*val), msr) != sizeof(*val))
		ret = -EIO;
	close(fd);
	return ret;
}

/* The raw values are the MSRs themselves, on every CPU. */
TEST_F(caps, raw_values_equal_the_msrs)
{
	const struct tvmm_vmx_caps *c = &self->caps;
	bool true_ctls = c->basic & (1ULL << 55);
	const struct {
		__u32 msr;
		__u64 val;
	} regs[] = {
		{ 0x480, c->basic },
		{ true_ctls ? 0x48d : 0x481, c->pinbased_ctls },
		{ true_ctls ? 0x48e : 0x482, c->procbased_ctls },
		{ true_ctls ? 0x48f : 0x483, c->exit_ctls },
		{ true_ctls ? 0x490 : 0x484, c->entry_ctls },
		{ 0x485, c->misc },
		{ 0x486, c->cr0_fixed0 }, { 0x487, c->cr0_fixed1 },
		{ 0x488, c->cr4_fixed0 }, { 0x489, c->cr4_fixed1 },
		{ 0x48b, c->procbased_ctls2 },
		{ 0x48c, c->ept_vpid_cap },
	};
	int cpu;
	size_t i;
	__u64 val;

	run_quiet("modprobe msr");
	if (read_msr(0, 0x480, &val))
		SKIP(return, "no /dev/cpu/0/msr (msr driver not available)");
	for (cpu = 0; cpu < (int)c->nr_cpu_ids; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		for (i = 0; i < ARRAY_SIZE(regs); i++) {
			ASSERT_EQ(0, read_msr(cpu, regs[i].msr, &val));
			EXPECT_EQ(val, regs[i].val) {
				TH_LOG("CPU%d MSR %#x", cpu, regs[i].msr);
			}
		}
	}
}

TEST_HARNESS_MAIN
