// SPDX-License-Identifier: GPL-2.0
/*
 * cache_exit_test - a guest's WBINVD and INVD exit to tvmm, which skips
 * them, so a guest cannot write back and flush the host's caches.
 *
 * SDM Vol. 3C, 26.1.3 "Instructions That Cause VM Exits Conditionally":
 * "WBINVD. The WBINVD instruction causes a VM exit if the "WBINVD exiting"
 * VM-execution control is 1." 26.1.2 "Instructions That Cause VM Exits
 * Unconditionally": INVD always exits. Both are counted by their basic
 * exit reason (Vol. 3D, Appendix C: INVD is 13, WBINVD 54) in
 * TVMM_GET_VCPU_STATS, and the guest goes on after each.
 *
 * Where the CPU cannot make WBINVD exit (bit 6 of the allowed-1 half of
 * IA32_VMX_PROCBASED_CTLS2), the WBINVD check is skipped.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_vmx.h"

#define NR_WBINVDS		3
#define CPU_CTL2_WBINVD_EXITING	0x40ULL		/* bit 6 */

static void guest_code(void)
{
	int i;

	for (i = 0; i < NR_WBINVDS; i++)
		asm volatile("wbinvd" : : : "memory");
	asm volatile("invd" : : : "memory");
	GUEST_DONE();
}

TEST(wbinvd_and_invd_exit_and_are_skipped)
{
	struct tvmm_vmx_caps caps;
	struct tvmm_vcpu_stats st;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	ASSERT_EQ(0, tvmm_read_caps(&caps));
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	vcpu_run_expect_done(vcpu);
	ASSERT_EQ(0, __vcpu_get_stats(vcpu, &st));
	EXPECT_EQ(1, st.exits[TVMM_VMX_EXIT_INVD]);
	if ((caps.procbased_ctls2 >> 32) & CPU_CTL2_WBINVD_EXITING) {
		EXPECT_EQ(NR_WBINVDS, st.exits[TVMM_VMX_EXIT_WBINVD]);
	} else {
		EXPECT_EQ(0, st.exits[TVMM_VMX_EXIT_WBINVD]);
		vm_free(vm);
		SKIP(return, "the CPU cannot make WBINVD exit");
	}
	vm_free(vm);
}

TEST_HARNESS_MAIN
