// SPDX-License-Identifier: GPL-2.0
/*
 * internal_error_test - what tvmm cannot emulate stops the guest with
 * TVMM_EXIT_INTERNAL_ERROR, the raw exit reason and the instruction's
 * bytes, and the host carries on.
 *
 * uapi/tvmm.h: TVMM_EXIT_INTERNAL_ERROR is "tvmm cannot go on:
 * run->internal"; TVMM_INTERNAL_EMULATION is "an instruction tvmm cannot
 * decode". An MMIO access is an EPT violation (SDM Vol. 3C, basic exit
 * reason 48); INC with a memory operand is not among the decoded forms
 * (kmod/x86/insn.c), nor is an SSE load.
 */
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_vmx.h"

#define MMIO_GPA		0xc0000000ULL

static void guest_inc(void)
{
	asm volatile("incb (%0)\n" : : "a" (MMIO_GPA) : "memory");
	GUEST_DONE();
}

static void guest_sse(void)
{
	asm volatile("movdqu (%0), %%xmm0\n" : : "a" (MMIO_GPA)
		     : "xmm0", "memory");
	GUEST_DONE();
}

FIXTURE(emulation) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

/* @guest's MMIO access, an instruction that begins with @first. */
FIXTURE_VARIANT(emulation) {
	void (*guest)(void);
	__u8 first[4];
	size_t nfirst;
};

/* incb (%rax): FE /0 */
FIXTURE_VARIANT_ADD(emulation, undecodable_mmio_instruction) {
	.guest = guest_inc, .first = { 0xfe, 0x00 }, .nfirst = 2,
};

/* movdqu (%rax), %xmm0: F3 0F 6F /r */
FIXTURE_VARIANT_ADD(emulation, sse_load_from_mmio) {
	.guest = guest_sse, .first = { 0xf3, 0x0f, 0x6f, 0x00 }, .nfirst = 4,
};

FIXTURE_SETUP(emulation)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, variant->guest);
	virt_map(self->vm, MMIO_GPA, MMIO_GPA, 4096);
}

FIXTURE_TEARDOWN(emulation)
{
	vm_free(self->vm);
}

TEST_F(emulation, is_an_internal_error)
{
	__u64 guest = (unsigned long)variant->guest;
	struct tvmm_run *run = self->vcpu->run;
	struct tvmm_regs regs;

	vcpu_run_expect_exit(self->vcpu, TVMM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(TVMM_INTERNAL_EMULATION, run->internal.suberror);
	EXPECT_EQ(TVMM_VMX_EXIT_EPT_VIOLATION, run->internal.exit_reason);
	EXPECT_EQ(MMIO_GPA, run->internal.qualification);
	/* The guest stopped on the instruction, whose bytes are reported. */
	vcpu_get_regs(self->vcpu, &regs);
	EXPECT_EQ(regs.rip, run->internal.guest_rip);
	EXPECT_LE(guest, regs.rip);
	EXPECT_GT(guest + 64, regs.rip);
	ASSERT_LE(variant->nfirst, run->internal.insn_len);
	EXPECT_EQ(0, memcmp(run->internal.insn_bytes, variant->first,
			    variant->nfirst));
}

/* The host is fine: a new VM runs (into the same error) right after. */
TEST(a_new_vm_runs_after_an_internal_error)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	int i;

	TVMM_REQUIRE_MODULE();
	for (i = 0; i < 2; i++) {
		vm = vm_create_with_one_vcpu(&vcpu, guest_inc);
		virt_map(vm, MMIO_GPA, MMIO_GPA, 4096);
		vcpu_run_expect_exit(vcpu, TVMM_EXIT_INTERNAL_ERROR);
		vm_free(vm);
	}
}

TEST_HARNESS_MAIN
