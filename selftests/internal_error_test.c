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

#define MMIO_GPA		0xc0000000ULL
#define EXIT_REASON_EPT_VIOLATION	48

static void guest_inc(void)
{
	/* incb (%rax): FE /0 */
	asm volatile("incb (%0)\n" : : "a" (MMIO_GPA) : "memory");
	GUEST_DONE();
}

static void guest_sse(void)
{
	/* movdqu (%rax), %xmm0: F3 0F 6F /r */
	asm volatile("movdqu (%0), %%xmm0\n" : : "a" (MMIO_GPA)
		     : "xmm0", "memory");
	GUEST_DONE();
}

static void expect_emulation_error(struct __test_metadata *_metadata,
				   void (*guest)(void), const __u8 *first,
				   size_t nfirst)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	vm = vm_create_with_one_vcpu(&vcpu, guest);
	virt_map(vm, MMIO_GPA, MMIO_GPA, 4096);
	run = vcpu->run;

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(TVMM_INTERNAL_EMULATION, run->internal.suberror);
	EXPECT_EQ(EXIT_REASON_EPT_VIOLATION, run->internal.exit_reason);
	EXPECT_EQ(MMIO_GPA, run->internal.qualification);
	/* The guest stopped on the instruction, whose bytes are reported. */
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ(regs.rip, run->internal.guest_rip);
	EXPECT_LE((__u64)(unsigned long)guest, regs.rip);
	EXPECT_GT((__u64)(unsigned long)guest + 64, regs.rip);
	ASSERT_LE(nfirst, run->internal.insn_len);
	EXPECT_EQ(0, memcmp(run->internal.insn_bytes, first, nfirst));
	vm_free(vm);
}

TEST(undecodable_mmio_instruction_is_an_internal_error)
{
	static const __u8 inc_bytes[] = { 0xfe, 0x00 };

	TVMM_REQUIRE_MODULE();
	expect_emulation_error(_metadata, guest_inc, inc_bytes,
			       sizeof(inc_bytes));
}

TEST(sse_load_from_mmio_is_an_internal_error)
{
	static const __u8 movdqu_bytes[] = { 0xf3, 0x0f, 0x6f, 0x00 };

	TVMM_REQUIRE_MODULE();
	expect_emulation_error(_metadata, guest_sse, movdqu_bytes,
			       sizeof(movdqu_bytes));
}

/* The host is fine: a new VM runs right after. */
TEST(a_new_vm_runs_after_an_internal_error)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_inc);
	virt_map(vm, MMIO_GPA, MMIO_GPA, 4096);
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_INTERNAL_ERROR);
	vm_free(vm);

	vm = vm_create_with_one_vcpu(&vcpu, guest_inc);
	virt_map(vm, MMIO_GPA, MMIO_GPA, 4096);
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_INTERNAL_ERROR);
	vm_free(vm);
}

TEST_HARNESS_MAIN
