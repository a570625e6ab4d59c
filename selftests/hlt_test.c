// SPDX-License-Identifier: GPL-2.0
/*
 * hlt_test - HLT with interrupts disabled exits to userspace, past the HLT.
 *
 * SDM Vol. 2A, HLT: "Stops instruction execution and places the processor
 * in a HALT state. An enabled interrupt (including NMI and SMI), a debug
 * exception, the BINIT# signal, the INIT# signal, or the RESET# signal will
 * resume execution. [...] the saved instruction pointer (CS:EIP) points to
 * the instruction following the HLT instruction."
 *
 * uapi/tvmm.h: TVMM_EXIT_HLT is "HLT with interrupts disabled". With
 * RFLAGS.IF = 0 and nothing to send an NMI, only userspace can wake the
 * vCPU: TVMM_RUN returns TVMM_EXIT_HLT with RIP at the next instruction,
 * and running the vCPU again resumes there, as an interrupt would.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"

/* Real mode: CLI, then HLT forever. */
GUEST_ASM16(hlt_guest16,
	    "cli\n"
	    "hlt_guest16_hlt:\n"
	    "hlt\n"
	    "hlt_guest16_after_hlt:\n"
	    "jmp hlt_guest16_hlt\n");
GUEST_ASM_LABEL(hlt_guest16_after_hlt);

/*
 * Real mode at @cs:@ip, the code at TVMM_GPA_ASM_CODE: two HLT exits, each
 * with IP after the HLT, CS unchanged.
 */
static void real_mode_hlt(struct __test_metadata *_metadata, __u16 cs,
			  __u16 ip)
{
	__u64 cs_base = REAL_MODE_SEG_BASE(cs);
	__u64 after = GUEST_ASM_GPA(hlt_guest16_start, hlt_guest16_after_hlt);
	struct tvmm_vcpu *vcpu;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;
	int i;

	vm = vm_create();
	vcpu = vm_vcpu_add(vm, 0);
	vm_load_asm_guest(vm, hlt_guest16_start, hlt_guest16_end);
	vcpu_setup_real_mode(vcpu, cs, ip);

	for (i = 0; i < 2; i++) {
		vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
		vcpu_get_regs(vcpu, &regs);
		vcpu_get_sregs(vcpu, &sregs);
		EXPECT_EQ(after - cs_base, regs.rip) {
			TH_LOG("exit %d: IP is not after the HLT", i);
		}
		EXPECT_EQ(0, regs.rflags & X86_RFLAGS_IF);
		EXPECT_EQ(cs, sregs.cs.selector);
		EXPECT_EQ(cs_base, sregs.cs.base);
		EXPECT_EQ(0, sregs.cr0 & X86_CR0_PE);
	}
	vm_free(vm);
}

TEST(real_mode_hlt_exits_after_the_hlt)
{
	TVMM_REQUIRE_MODULE();
	real_mode_hlt(_metadata, 0, TVMM_GPA_ASM_CODE);
}

/* The same code reached through a CS base: IP is relative to it. */
TEST(real_mode_hlt_ip_is_relative_to_cs)
{
	TVMM_REQUIRE_MODULE();
	real_mode_hlt(_metadata, TVMM_GPA_ASM_CODE >> 4, 0);
}

/* Long mode: RIP after the HLT, and the guest goes on when run again. */
static void guest_hlt64(void)
{
	cli();
	asm volatile("hlt\n"
		     "guest_hlt64_after_hlt:\n" : : : "memory");
	GUEST_DONE();
}

GUEST_ASM_LABEL(guest_hlt64_after_hlt);

TEST(long_mode_hlt_exits_after_the_hlt)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_hlt64);

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ((__u64)(unsigned long)guest_hlt64_after_hlt, regs.rip);
	EXPECT_EQ(0, regs.rflags & X86_RFLAGS_IF);

	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
