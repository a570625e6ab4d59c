// SPDX-License-Identifier: GPL-2.0
/*
 * mode_switch_test - a guest started in real mode switches itself to
 * protected mode and then to long mode, and tvmm follows: EFER.LMA set
 * when paging turns on with LME, 64-bit code runs.
 *
 * SDM Vol. 3A, 10.9.1 "Switching to Protected Mode": load the GDTR, "set
 * the PE flag in control register CR0", then "execute a far JMP or far
 * CALL instruction" to load CS. 10.8.5 "Initializing IA-32e Mode": with
 * protected mode on, "enable physical-address extensions (PAE) by setting
 * CR4.PAE = 1", "load CR3 with the physical base address of the Level 4
 * page map table (PML4)", "enable IA-32e mode by setting IA32_EFER.LME =
 * 1", "enable paging by setting CR0.PG = 1. This causes the processor to
 * set the IA32_EFER.LMA bit to 1"; the code runs in compatibility mode
 * until a far jump loads a CS with L = 1 (64-bit mode).
 *
 * issue 3: "the guest may switch itself to protected mode and to long mode
 * (CR0/CR4 guest/host masks and read shadows; EFER.LME/LMA and the IA-32e-
 * mode entry control kept consistent)". uapi/tvmm.h: TVMM_GET_SREGS
 * returns the state as the guest holds it.
 *
 * The guest brings its own GDT and page tables (one 2 MiB page, identity),
 * and reports each step by a ucall; the host reads the state there.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"

/* The guest's own GDT. */
#define SW_SEL_CODE32	0x08
#define SW_SEL_DATA	0x10
#define SW_SEL_CODE64	0x18

/* Its page tables, in the test data area. */
#define SW_PML4		0x50000
#define SW_PDPT		0x51000
#define SW_PD		0x52000

#define STAGE_REAL	1
#define STAGE_PROTECTED	2
#define STAGE_LME	3
#define STAGE_COMPAT	4
#define STAGE_LONG	5

GUEST_ASM16(switcher,
	    /* Real mode, CS:IP = 0:TVMM_GPA_ASM_CODE. */
	    "cli\n"
	    GUEST_ASM_SYNC(STAGE_REAL, "$0")
	    "lgdtl " GUEST_ASM_ADDR(switcher_start, switcher_gdtr) "\n"
	    "mov %cr0, %eax\n"
	    "or $1, %eax\n"
	    "mov %eax, %cr0\n"
	    "ljmpl $" TVMM_STR(SW_SEL_CODE32) ", $"
	    GUEST_ASM_ADDR(switcher_start, switcher_pm32) "\n"

	    ".code32\n"
	    "switcher_pm32:\n"
	    "mov $" TVMM_STR(SW_SEL_DATA) ", %ax\n"
	    "mov %ax, %ds\n"
	    "mov %ax, %es\n"
	    "mov %ax, %ss\n"
	    "mov %ax, %fs\n"
	    "mov %ax, %gs\n"
	    GUEST_ASM_SYNC(STAGE_PROTECTED, "$0")

	    /* PML4[0] -> PDPT, PDPT[0] -> PD, PD[0] = 2 MiB at 0. */
	    "movl $(" TVMM_STR(SW_PDPT) " | 3), " TVMM_STR(SW_PML4) "\n"
	    "movl $(" TVMM_STR(SW_PD) " | 3), " TVMM_STR(SW_PDPT) "\n"
	    "movl $0x83, " TVMM_STR(SW_PD) "\n"
	    "mov %cr4, %eax\n"
	    "or $0x20, %eax\n"			/* PAE */
	    "mov %eax, %cr4\n"
	    "mov $" TVMM_STR(SW_PML4) ", %eax\n"
	    "mov %eax, %cr3\n"
	    "mov $" TVMM_STR(MSR_IA32_EFER) ", %ecx\n"
	    "rdmsr\n"
	    "or $0x100, %eax\n"			/* LME */
	    "wrmsr\n"
	    GUEST_ASM_SYNC(STAGE_LME, "$0")

	    "mov %cr0, %eax\n"
	    "or $0x80000000, %eax\n"		/* PG */
	    "mov %eax, %cr0\n"
	    "mov $" TVMM_STR(MSR_IA32_EFER) ", %ecx\n"
	    "rdmsr\n"
	    GUEST_ASM_SYNC(STAGE_COMPAT, "%eax")
	    "ljmp $" TVMM_STR(SW_SEL_CODE64) ", $"
	    GUEST_ASM_ADDR(switcher_start, switcher_lm64) "\n"

	    ".code64\n"
	    "switcher_lm64:\n"
	    /* Something only 64-bit code can do: bits 63:32 of RAX. */
	    "movabs $0x0000000500000000, %rax\n"
	    "shr $32, %rax\n"
	    GUEST_ASM_SYNC(STAGE_LONG, "%eax")
	    GUEST_ASM_DONE
	    "1: hlt\n"
	    "jmp 1b\n"

	    ".code16\n"
	    "switcher_gdt:\n"
	    ".quad 0\n"
	    ".quad 0x00cf9b000000ffff\n"	/* 32-bit code, flat */
	    ".quad 0x00cf93000000ffff\n"	/* data, flat */
	    ".quad 0x00af9b000000ffff\n"	/* 64-bit code */
	    "switcher_gdtr:\n"
	    ".word 4 * 8 - 1\n"
	    ".long " GUEST_ASM_ADDR(switcher_start, switcher_gdt) "\n");

GUEST_ASM_LABEL(switcher_gdt);

TEST(real_to_protected_to_long)
{
	__u64 gdt = GUEST_ASM_GPA(switcher_start, switcher_gdt);
	struct tvmm_vcpu *vcpu;
	struct tvmm_sregs s;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_asm_vcpu(&vcpu, switcher_start, switcher_end, 16);

	vcpu_run_expect_sync(vcpu, STAGE_REAL);
	vcpu_get_sregs(vcpu, &s);
	EXPECT_EQ(0, s.cr0 & (X86_CR0_PE | X86_CR0_PG));
	EXPECT_EQ(0, s.efer);

	vcpu_run_expect_sync(vcpu, STAGE_PROTECTED);
	vcpu_get_sregs(vcpu, &s);
	EXPECT_EQ(X86_CR0_PE, s.cr0 & (X86_CR0_PE | X86_CR0_PG));
	EXPECT_EQ(gdt, s.gdt.base);
	EXPECT_EQ(4 * 8 - 1, s.gdt.limit);
	EXPECT_EQ(SW_SEL_CODE32, s.cs.selector);
	EXPECT_EQ(1, s.cs.db);
	EXPECT_EQ(0, s.cs.l);
	EXPECT_EQ(SW_SEL_DATA, s.ss.selector);
	EXPECT_EQ(0xffffffff, s.ds.limit);
	EXPECT_EQ(0, s.efer & (EFER_LME | EFER_LMA));

	vcpu_run_expect_sync(vcpu, STAGE_LME);
	vcpu_get_sregs(vcpu, &s);
	EXPECT_EQ(EFER_LME, s.efer & (EFER_LME | EFER_LMA));
	EXPECT_TRUE(s.cr4 & X86_CR4_PAE);
	EXPECT_EQ(SW_PML4, s.cr3);
	EXPECT_EQ(0, s.cr0 & X86_CR0_PG);

	/* Paging on with LME: tvmm sets LMA; the guest reads it too. */
	EXPECT_EQ(EFER_LME | EFER_LMA,
		  vcpu_run_expect_sync(vcpu, STAGE_COMPAT) &
		  (EFER_LME | EFER_LMA));
	vcpu_get_sregs(vcpu, &s);
	EXPECT_EQ(EFER_LME | EFER_LMA, s.efer & (EFER_LME | EFER_LMA));
	EXPECT_TRUE(s.cr0 & X86_CR0_PG);
	EXPECT_EQ(SW_SEL_CODE32, s.cs.selector);
	EXPECT_EQ(0, s.cs.l);			/* compatibility mode */

	EXPECT_EQ(5, vcpu_run_expect_sync(vcpu, STAGE_LONG));
	vcpu_get_sregs(vcpu, &s);
	EXPECT_EQ(SW_SEL_CODE64, s.cs.selector);
	EXPECT_EQ(1, s.cs.l);
	EXPECT_EQ(0, s.cs.db);
	EXPECT_EQ(EFER_LME | EFER_LMA, s.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(X86_CR0_PE | X86_CR0_PG,
		  s.cr0 & (X86_CR0_PE | X86_CR0_PG));

	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
