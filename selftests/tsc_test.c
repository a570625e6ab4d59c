// SPDX-License-Identifier: GPL-2.0
/*
 * tsc_test - the guest's TSC is the host's plus the VM's offset, and
 * RDTSCP returns the IA32_TSC_AUX userspace set.
 *
 * SDM Vol. 3C, 25.6.5 "Time-Stamp Counter Offset and Multiplier": with
 * "use TSC offsetting" 1 (and no scaling), "RDTSC, RDTSCP and RDMSR of
 * IA32_TIME_STAMP_COUNTER return the sum of the actual value of the TSC
 * and the value of the TSC offset". SDM Vol. 2B, RDTSCP: "reads the
 * current value of the processor's time-stamp counter [...] into the
 * EDX:EAX registers and also reads the value of the IA32_TSC_AUX MSR
 * (address C0000103H) into the ECX register"; CPUID.80000001H:EDX[27]
 * says it exists.
 *
 * uapi/tvmm.h: TVMM_SET_TSC_OFFSET is "the value added to the host TSC
 * when the guest reads its TSC (RDTSC, RDTSCP, IA32_TIME_STAMP_COUNTER)".
 *
 * TVMM_SET_INTERCEPTS (RDTSC exiting): SDM Vol. 3C, Table 25-6, "RDTSC
 * exiting: This control determines whether executions of RDTSC cause VM
 * exits", and 26.1.3: RDTSCP exits "if the 'RDTSC exiting' and 'enable
 * RDTSCP' VM-execution controls are both 1". The guest's value is the one
 * TSC offsetting gives; the exits show in TVMM_GET_VCPU_STATS.
 *
 * The TSC only goes forward, so the guest's reading lies between the host
 * TSC read before TVMM_RUN and the one after, plus the offset. No more
 * timing than that is assumed.
 *
 * TVMM_CAP_TSC_KHZ: "the host's TSC rate in kHz, the rate the guest's TSC
 * runs at (tvmm offsets the TSC, never scales it)". It is the host
 * kernel's tsc_khz: where the test machine's kernel was told the rate
 * (tsc_early_khz=N on its command line, as Bochs machines are), that
 * value, moved by at most 1% by the kernel's refined calibration, which
 * discards a result further off (arch/x86/kernel/tsc.c,
 * tsc_refine_calibration_work()).
 */
#include <sys/ioctl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_vmx.h"

#define MSR_IA32_TSC		0x10
#define MSR_TSC_AUX		0xc0000103
#define CPUID_80000001_EDX_RDTSCP	BIT_ULL(27)

#define STAGE_RDTSC	1
#define STAGE_RDMSR	2
#define STAGE_RDTSCP_CPUID	3
#define STAGE_RDTSCP_TSC	4
#define STAGE_RDTSCP_AUX	5

#define TSC_AUX_VALUE	0x8badf00dU

/* Library candidate: TVMM_SET_TSC_OFFSET on the VM fd. */
static int __vm_set_tsc_offset(struct tvmm_vm *vm, __s64 offset)
{
	struct tvmm_tsc_offset arg = { .offset = offset };

	return ioctl(vm->fd, TVMM_SET_TSC_OFFSET, &arg) ? -errno : 0;
}

static __u64 host_rdtsc(void)
{
	__u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((__u64)hi << 32);
}

static void guest_rdtsc(void)
{
	__u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	GUEST_SYNC(STAGE_RDTSC, lo | ((__u64)hi << 32));
	GUEST_SYNC(STAGE_RDMSR, rdmsr(MSR_IA32_TSC));
	GUEST_DONE();
}

/*
 * Run to GUEST_SYNC(@stage, tsc): the guest's TSC must lie within the
 * host's, read around the run, plus @offset.
 */
static void expect_tsc_in_window(struct __test_metadata *_metadata,
				 struct tvmm_vcpu *vcpu, __u64 stage,
				 __s64 offset)
{
	__u64 before, after, tsc;

	before = host_rdtsc();
	tsc = vcpu_run_expect_sync(vcpu, stage);
	after = host_rdtsc();
	EXPECT_LE(before + offset, tsc)
		TH_LOG("stage %llu: guest TSC %#llx, host before %#llx, offset %#llx",
		       stage, tsc, before, offset);
	EXPECT_GE(after + offset, tsc)
		TH_LOG("stage %llu: guest TSC %#llx, host after %#llx, offset %#llx",
		       stage, tsc, after, offset);
}

static void guest_rdtscp(void)
{
	__u32 a, b, c, d;

	cpuid(0x80000001, 0, &a, &b, &c, &d);
	GUEST_SYNC(STAGE_RDTSCP_CPUID, d);
	if (!(d & CPUID_80000001_EDX_RDTSCP))
		GUEST_DONE();
	asm volatile("rdtscp" : "=a"(a), "=d"(d), "=c"(c));
	GUEST_SYNC(STAGE_RDTSCP_TSC, a | ((__u64)d << 32));
	GUEST_SYNC(STAGE_RDTSCP_AUX, c);
	GUEST_DONE();
}

static int __vcpu_set_intercepts(struct tvmm_vcpu *vcpu, __u32 flags,
				 __u32 reserved)
{
	struct tvmm_intercepts ic = { .flags = flags, .reserved = reserved };

	return ioctl(vcpu->fd, TVMM_SET_INTERCEPTS, &ic) ? -errno : 0;
}

FIXTURE(tsc) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

/*
 * The guest reads its TSC with RDTSC, then RDMSR (guest_rdtsc()), or with
 * RDTSCP (guest_rdtscp()), with TSC offset @offset, or half the host's
 * TSC behind it; RDTSC exiting on with @intercept.
 */
FIXTURE_VARIANT(tsc) {
	bool rdtscp;
	bool intercept;
	__s64 offset;
	bool behind_by_half;
};

/* Far ahead: a guest that sees the host's TSC fails. */
FIXTURE_VARIANT_ADD(tsc, rdtsc_adds_a_positive_offset) {
	.offset = 1LL << 50,
};

/* Behind, by half the host's current value: still positive. */
FIXTURE_VARIANT_ADD(tsc, rdtsc_adds_a_negative_offset) {
	.behind_by_half = true,
};

/* TSC_AUX set between runs: the guest must see the new value. */
FIXTURE_VARIANT_ADD(tsc, rdtscp_returns_tsc_aux_and_the_offset_tsc) {
	.rdtscp = true, .offset = 1LL << 52,
};

FIXTURE_VARIANT_ADD(tsc, intercepted_rdtsc_exits_and_reads_the_same_clock) {
	.intercept = true, .offset = 1LL << 50,
};

FIXTURE_VARIANT_ADD(tsc, intercepted_rdtscp_exits_with_tsc_aux) {
	.rdtscp = true, .intercept = true, .offset = -(1LL << 20),
};

FIXTURE_SETUP(tsc)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, variant->rdtscp ?
					   guest_rdtscp : guest_rdtsc);
}

FIXTURE_TEARDOWN(tsc)
{
	vm_free(self->vm);
}

TEST_F(tsc, guest_reads_host_tsc_plus_offset)
{
	struct tvmm_vcpu *vcpu = self->vcpu;
	__s64 offset = variant->offset;
	int ret;

	if (variant->behind_by_half)
		offset = -(__s64)(host_rdtsc() / 2);
	ASSERT_EQ(0, __vm_set_tsc_offset(self->vm, offset));
	if (variant->rdtscp &&
	    !(vcpu_run_expect_sync(vcpu, STAGE_RDTSCP_CPUID) &
	      CPUID_80000001_EDX_RDTSCP))
		SKIP(return, "the default CPUID does not advertise RDTSCP");
	if (variant->intercept) {
		ret = __vcpu_set_intercepts(vcpu, TVMM_INTERCEPT_RDTSC, 0);
		if (ret == -EOPNOTSUPP)
			SKIP(return, "this CPU cannot exit on RDTSC");
		ASSERT_EQ(0, ret);
	}

	if (variant->rdtscp) {
		vcpu_set_msr(vcpu, MSR_TSC_AUX, TSC_AUX_VALUE);
		EXPECT_EQ(TSC_AUX_VALUE, vcpu_get_msr(vcpu, MSR_TSC_AUX));
		expect_tsc_in_window(_metadata, vcpu, STAGE_RDTSCP_TSC, offset);
		EXPECT_EQ(TSC_AUX_VALUE,
			  vcpu_run_expect_sync(vcpu, STAGE_RDTSCP_AUX));
		vcpu_run_expect_done(vcpu);
		if (variant->intercept)
			EXPECT_EQ(1, vcpu_exit_count(vcpu,
						     TVMM_VMX_EXIT_RDTSCP));
		return;
	}

	expect_tsc_in_window(_metadata, vcpu, STAGE_RDTSC, offset);
	if (variant->intercept) {
		EXPECT_EQ(1, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_RDTSC));
		/* Off again: the next RDTSC would run without an exit. */
		ASSERT_EQ(0, __vcpu_set_intercepts(vcpu, 0, 0));
	}
	expect_tsc_in_window(_metadata, vcpu, STAGE_RDMSR, offset);
	vcpu_run_expect_done(vcpu);
	if (variant->intercept)
		EXPECT_EQ(1, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_RDTSC));
}

/* The host's view of the guest's TSC, through TVMM_GET_MSRS, is the same. */
TEST(get_msrs_reads_the_offset_tsc)
{
	const __s64 offset = 1LL << 48;
	struct tvmm_vcpu *vcpu;
	__u64 before, after, tsc;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_rdtsc);
	ASSERT_EQ(0, __vm_set_tsc_offset(vm, offset));
	before = host_rdtsc();
	tsc = vcpu_get_msr(vcpu, MSR_IA32_TSC);
	after = host_rdtsc();
	EXPECT_LE(before + offset, tsc);
	EXPECT_GE(after + offset, tsc);
	vm_free(vm);
}

/* N of "tsc_early_khz=N" on the kernel's command line, or 0. */
static long cmdline_tsc_early_khz(void)
{
	char line[4096], *p;
	size_t n;
	FILE *f;

	f = fopen("/proc/cmdline", "r");
	if (!f)
		return 0;
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	for (p = strstr(line, "tsc_early_khz="); p;
	     p = strstr(p + 1, "tsc_early_khz=")) {
		if (p == line || p[-1] == ' ')
			return strtol(p + strlen("tsc_early_khz="), NULL, 0);
	}
	return 0;
}

TEST(cap_tsc_khz_is_the_host_rate)
{
	long khz, told;
	int fd;

	TVMM_REQUIRE_MODULE();
	fd = __tvmm_open();
	ASSERT_LE(0, fd);
	khz = ioctl(fd, TVMM_CHECK_EXTENSION, TVMM_CAP_TSC_KHZ);
	close(fd);
	ASSERT_LT(0, khz);
	told = cmdline_tsc_early_khz();
	if (told > 0) {
		EXPECT_LE(told - told / 100, khz);
		EXPECT_GE(told + told / 100, khz);
	} else {
		/* A TSC between 1 MHz and 10 GHz. */
		EXPECT_LE(1000, khz);
		EXPECT_GE(10000000, khz);
	}
	ksft_print_msg("TVMM_CAP_TSC_KHZ: %ld kHz (tsc_early_khz: %ld)\n", khz,
		       told);
}

TEST(set_intercepts_refuses_bad_input)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_rdtsc);
	EXPECT_EQ(-EINVAL, __vcpu_set_intercepts(vcpu, 1U << 1, 0));
	EXPECT_EQ(-EINVAL, __vcpu_set_intercepts(vcpu, 1U << 31, 0));
	EXPECT_EQ(-EINVAL, __vcpu_set_intercepts(vcpu, 0, 1));
	EXPECT_EQ(-1, ioctl(vcpu->fd, TVMM_SET_INTERCEPTS, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* Nothing changed: RDTSC still runs without an exit. */
	expect_tsc_in_window(_metadata, vcpu, STAGE_RDTSC, 0);
	EXPECT_EQ(0, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_RDTSC));
	vm_free(vm);
}

TEST_HARNESS_MAIN
