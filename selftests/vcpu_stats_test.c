// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_stats_test - TVMM_GET_VCPU_STATS counts each VM exit by its basic
 * exit reason (SDM Vol. 3D, Appendix C: CPUID is 10, HLT 12, I/O 30), the
 * ones handled in the kernel included, with the cycles spent on them; bad
 * input is refused and leaves the buffer as it was.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_vmx.h"

#define NR_CPUIDS		37

static void guest_code(void)
{
	__u32 a, b, c, d;
	int i;

	for (i = 0; i < NR_CPUIDS; i++)
		cpuid(0, 0, &a, &b, &c, &d);
	cli();
	hlt();
	GUEST_DONE();
}

TEST(counts_in_kernel_and_userspace_exits)
{
	struct tvmm_vcpu_stats st;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	ASSERT_EQ(0, __vcpu_get_stats(vcpu, &st));
	EXPECT_EQ(0, st.exits[TVMM_VMX_EXIT_CPUID]);

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
	ASSERT_EQ(0, __vcpu_get_stats(vcpu, &st));
	EXPECT_EQ(NR_CPUIDS, st.exits[TVMM_VMX_EXIT_CPUID]);
	EXPECT_EQ(1, st.exits[TVMM_VMX_EXIT_HLT]);
	EXPECT_LT(0, st.cycles[TVMM_VMX_EXIT_CPUID]);
	EXPECT_EQ(sizeof(st), st.size);

	vcpu_run_expect_done(vcpu);
	ASSERT_EQ(0, __vcpu_get_stats(vcpu, &st));
	EXPECT_EQ(NR_CPUIDS, st.exits[TVMM_VMX_EXIT_CPUID]);
	/* The ucall's OUT. */
	EXPECT_LE(1, st.exits[TVMM_VMX_EXIT_IO_INSTRUCTION]);
	vm_free(vm);
}

TEST(bad_input_is_refused)
{
	struct tvmm_vcpu_stats st, before;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	int i;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	for (i = 0; i < 3; i++) {
		memset(&st, 0x5a, sizeof(st));
		st.size = i == 0 ? sizeof(st) - 8 : sizeof(st);
		st.flags = i == 1;
		memset(st.reserved, 0, sizeof(st.reserved));
		st.reserved[3] = i == 2;
		before = st;
		errno = 0;
		EXPECT_EQ(-1, ioctl(vcpu->fd, TVMM_GET_VCPU_STATS, &st));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0, memcmp(&st, &before, sizeof(st)));
	}
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu->fd, TVMM_GET_VCPU_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
	vm_free(vm);
}

TEST_HARNESS_MAIN
