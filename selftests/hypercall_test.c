// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall_test - VMCALL exits to userspace with its registers, and the
 * guest goes on past it with the result userspace gave.
 *
 * SDM Vol. 3C, 26.1.2 "Instructions That Cause VM Exits Unconditionally":
 * "VMCALL" causes a VM exit in VMX non-root operation.
 *
 * uapi/tvmm.h: TVMM_EXIT_HYPERCALL is "VMCALL: run->hypercall", with
 * "RAX, then RBX RCX RDX RSI RDI" in nr and args[], and ret "in: the
 * guest's RAX after".
 *
 * Every value has bits set in both halves, so a 32-bit truncation shows.
 *
 * TVMM_HC_NOP (RAX = 0; EAX outside 64-bit mode) is handled in the kernel:
 * no exit to userspace, RAX = 0, RIP past the VMCALL; it still counts as a
 * VMCALL exit (basic exit reason 18) in TVMM_GET_VCPU_STATS.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"

#define EXIT_REASON_VMCALL	18
#define NR_NOPS			25

#define HC_NR		0x1122334455667788ULL
#define HC_ARG0		0x8000000000000001ULL	/* RBX */
#define HC_ARG1		0x0123456789abcdefULL	/* RCX */
#define HC_ARG2		0xfedcba9876543210ULL	/* RDX */
#define HC_ARG3		0xa5a5a5a55a5a5a5aULL	/* RSI */
#define HC_ARG4		0x00000001ffffffffULL	/* RDI */
#define HC_RET		0xcafebabe12345678ULL

static void guest_code(void)
{
	__u64 rax = HC_NR, rbx = HC_ARG0, rcx = HC_ARG1, rdx = HC_ARG2;
	__u64 rsi = HC_ARG3, rdi = HC_ARG4;

	asm volatile("vmcall\n"
		     "guest_after_vmcall:\n"
		     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx),
		       "+S"(rsi), "+D"(rdi)
		     : : "memory");
	GUEST_ASSERT_EQ(rax, HC_RET);
	/* Only RAX carries the result. */
	GUEST_ASSERT_EQ(rbx, HC_ARG0);
	GUEST_ASSERT_EQ(rcx, HC_ARG1);
	GUEST_ASSERT_EQ(rdx, HC_ARG2);
	GUEST_ASSERT_EQ(rsi, HC_ARG3);
	GUEST_ASSERT_EQ(rdi, HC_ARG4);
	GUEST_DONE();
}

GUEST_ASM_LABEL(guest_after_vmcall);

TEST(vmcall_exits_with_its_registers_and_returns_ret_in_rax)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	run = vcpu->run;

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HYPERCALL);
	EXPECT_EQ(HC_NR, run->hypercall.nr);
	EXPECT_EQ(HC_ARG0, run->hypercall.args[0]);
	EXPECT_EQ(HC_ARG1, run->hypercall.args[1]);
	EXPECT_EQ(HC_ARG2, run->hypercall.args[2]);
	EXPECT_EQ(HC_ARG3, run->hypercall.args[3]);
	EXPECT_EQ(HC_ARG4, run->hypercall.args[4]);

	/* VMCALL is 3 bytes: RIP is past it at the exit already. */
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ((__u64)(unsigned long)guest_after_vmcall, regs.rip);

	run->hypercall.ret = HC_RET;
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* 32-bit protected mode: VMCALL exits there too, with the 32-bit values. */
GUEST_ASM32(hc_guest32,
	    "mov $0x11223344, %eax\n"
	    "mov $0x55667788, %ebx\n"
	    "mov $0x99aabbcc, %ecx\n"
	    "mov $0xddeeff00, %edx\n"
	    "mov $0x01020304, %esi\n"
	    "mov $0x05060708, %edi\n"
	    "vmcall\n"
	    GUEST_ASM_SYNC(1, "%eax")
	    GUEST_ASM_DONE
	    "1: hlt\n"
	    "jmp 1b\n");

TEST(vmcall_in_protected_mode)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_asm_vcpu(&vcpu, hc_guest32_start,
				     hc_guest32_end, 32);
	run = vcpu->run;

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HYPERCALL);
	EXPECT_EQ(0x11223344, run->hypercall.nr);
	EXPECT_EQ(0x55667788, run->hypercall.args[0]);
	EXPECT_EQ(0x99aabbcc, run->hypercall.args[1]);
	EXPECT_EQ(0xddeeff00, run->hypercall.args[2]);
	EXPECT_EQ(0x01020304, run->hypercall.args[3]);
	EXPECT_EQ(0x05060708, run->hypercall.args[4]);
	run->hypercall.ret = 0x600dcafe;
	EXPECT_EQ(0x600dcafe, vcpu_run_expect_sync(vcpu, 1));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

static void guest_nop(void)
{
	__u64 rax, rbx = HC_ARG0, rcx = HC_ARG1, rdx = HC_ARG2;
	int i;

	for (i = 0; i < NR_NOPS; i++) {
		rax = TVMM_HC_NOP;
		asm volatile("vmcall"
			     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx)
			     : : "memory");
		GUEST_ASSERT_EQ(rax, 0);
	}
	GUEST_ASSERT_EQ(rbx, HC_ARG0);
	GUEST_ASSERT_EQ(rcx, HC_ARG1);
	GUEST_ASSERT_EQ(rdx, HC_ARG2);
	/* Any other number still goes to userspace. */
	rax = HC_NR;
	asm volatile("vmcall" : "+a"(rax), "+b"(rbx) : : "memory");
	GUEST_ASSERT_EQ(rax, HC_RET);
	GUEST_DONE();
}

TEST(hc_nop_stays_in_the_kernel)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_nop);
	run = vcpu->run;
	EXPECT_EQ(0, vcpu_exit_count(vcpu, EXIT_REASON_VMCALL));

	/* The first exit userspace sees is the last VMCALL. */
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HYPERCALL);
	EXPECT_EQ(HC_NR, run->hypercall.nr);
	EXPECT_EQ(HC_ARG0, run->hypercall.args[0]);
	EXPECT_EQ(NR_NOPS + 1, vcpu_exit_count(vcpu, EXIT_REASON_VMCALL));
	run->hypercall.ret = HC_RET;
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * 32-bit protected mode: the number is EAX, whatever the upper half of
 * RAX holds (the host sets it; the guest cannot see it).
 */
GUEST_ASM32(hc_nop32,
	    "vmcall\n"
	    "mov %eax, %ebx\n"
	    "mov $0x77, %eax\n"
	    "vmcall\n"
	    GUEST_ASM_DONE
	    "1: hlt\n"
	    "jmp 1b\n");

TEST(hc_nop_in_protected_mode_is_eax)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_asm_vcpu(&vcpu, hc_nop32_start, hc_nop32_end, 32);
	vcpu_get_regs(vcpu, &regs);
	regs.rax = 0xdeadbeef00000000ULL;
	regs.rbx = 0x12345678;
	vcpu_set_regs(vcpu, &regs);
	run = vcpu->run;

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HYPERCALL);
	EXPECT_EQ(0x77, run->hypercall.nr);
	/* EBX = EAX after the NOP. */
	EXPECT_EQ(0, run->hypercall.args[0]);
	EXPECT_EQ(2, vcpu_exit_count(vcpu, EXIT_REASON_VMCALL));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
