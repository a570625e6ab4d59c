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
#include "uapi/tvmm_para.h"
#include "uapi/tvmm_vmx.h"

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

FIXTURE(hypercall) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

/*
 * The guest: 64-bit C @guest, or the 32-bit asm guest @asm32 to
 * @asm32_end, with RAX's upper half and RBX set to junk first if
 * @junk_regs. The first VMCALL userspace sees: its @nr and first @nargs
 * @args, the RIP at the exit if @rip, and @vmcalls VMCALL exits counted
 * so far; userspace returns @ret, which the guest checks, or sends back
 * in GUEST_SYNC(1) if @ret_synced.
 */
FIXTURE_VARIANT(hypercall) {
	void (*guest)(void);
	const char *asm32, *asm32_end;
	bool junk_regs;
	__u64 nr;
	unsigned int nargs;
	__u64 args[5];
	const char *rip;
	__u64 vmcalls;
	__u64 ret;
	bool ret_synced;
};

FIXTURE_VARIANT_ADD(hypercall, registers_in_and_ret_in_rax) {
	.guest = guest_code,
	.nr = HC_NR,
	.nargs = 5, .args = { HC_ARG0, HC_ARG1, HC_ARG2, HC_ARG3, HC_ARG4 },
	/* VMCALL is 3 bytes: RIP is past it at the exit already. */
	.rip = guest_after_vmcall,
	.vmcalls = 1,
	.ret = HC_RET,
};

FIXTURE_VARIANT_ADD(hypercall, vmcall_in_protected_mode) {
	.asm32 = hc_guest32_start, .asm32_end = hc_guest32_end,
	.nr = 0x11223344,
	.nargs = 5,
	.args = { 0x55667788, 0x99aabbcc, 0xddeeff00, 0x01020304, 0x05060708 },
	.vmcalls = 1,
	.ret = 0x600dcafe, .ret_synced = true,
};

/* The NOPs before it exit too, and are counted, but not to userspace. */
FIXTURE_VARIANT_ADD(hypercall, hc_nop_stays_in_the_kernel) {
	.guest = guest_nop,
	.nr = HC_NR,
	.nargs = 1, .args = { HC_ARG0 },
	.vmcalls = NR_NOPS + 1,
	.ret = HC_RET,
};

/* EBX = EAX after the NOP. */
FIXTURE_VARIANT_ADD(hypercall, hc_nop_in_protected_mode_is_eax) {
	.asm32 = hc_nop32_start, .asm32_end = hc_nop32_end,
	.junk_regs = true,
	.nr = 0x77,
	.nargs = 1, .args = { 0 },
	.vmcalls = 2,
};

FIXTURE_SETUP(hypercall)
{
	struct tvmm_regs regs;

	TVMM_REQUIRE_MODULE();
	if (variant->guest) {
		self->vm = vm_create_with_one_vcpu(&self->vcpu, variant->guest);
	} else {
		self->vm = vm_create_with_asm_vcpu(&self->vcpu, variant->asm32,
						   variant->asm32_end, 32);
	}
	if (variant->junk_regs) {
		vcpu_get_regs(self->vcpu, &regs);
		regs.rax = 0xdeadbeef00000000ULL;
		regs.rbx = 0x12345678;
		vcpu_set_regs(self->vcpu, &regs);
	}
}

FIXTURE_TEARDOWN(hypercall)
{
	vm_free(self->vm);
}

TEST_F(hypercall, first_exit_to_userspace)
{
	struct tvmm_vcpu *vcpu = self->vcpu;
	struct tvmm_run *run = vcpu->run;
	struct tvmm_regs regs;
	unsigned int i;

	EXPECT_EQ(0, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_VMCALL));
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HYPERCALL);
	EXPECT_EQ(variant->nr, run->hypercall.nr);
	for (i = 0; i < variant->nargs; i++) {
		EXPECT_EQ(variant->args[i], run->hypercall.args[i])
			TH_LOG("args[%u]", i);
	}
	if (variant->rip) {
		vcpu_get_regs(vcpu, &regs);
		EXPECT_EQ((__u64)(unsigned long)variant->rip, regs.rip);
	}
	EXPECT_EQ(variant->vmcalls,
		  vcpu_exit_count(vcpu, TVMM_VMX_EXIT_VMCALL));

	run->hypercall.ret = variant->ret;
	if (variant->ret_synced)
		EXPECT_EQ(variant->ret, vcpu_run_expect_sync(vcpu, 1));
	vcpu_run_expect_done(vcpu);
}

TEST_HARNESS_MAIN
