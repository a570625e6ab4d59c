// SPDX-License-Identifier: GPL-2.0
/*
 * cr_test - the guest reads back the CR0 and CR4 it wrote, whatever bits
 * VMX keeps set in the real registers, and an invalid CR write is a #GP.
 *
 * SDM Vol. 3C, 25.6.6 "Guest/Host Masks and Read Shadows for CR0 and CR4":
 * "For each position corresponding to a bit set in the CR0 guest/host mask,
 * the corresponding bit in the CR0 read shadow is returned by MOV from CR0
 * [...] the value of that bit in the CR0 read shadow is returned"; 24.8
 * "Restrictions on VMX Operation": CR0.NE and CR4.VMXE must stay 1 in VMX
 * operation (IA32_VMX_CR0_FIXED0, IA32_VMX_CR4_FIXED0).
 * SDM Vol. 2B, MOV (control registers), 64-bit mode exceptions: "#GP(0)
 * [...] If an attempt is made to write invalid bit combinations in CR0
 * (such as [...] setting the CD flag to 0 when the NW flag is set to 1).
 * Attempting to clear CR0.PG [...]. If an attempt is made to write a 1 to
 * any reserved bit in CR4. If an attempt is made to write a 1 to any
 * reserved bit in CR8. [...] If an attempt is made to leave IA-32e mode by
 * clearing CR4.PAE[bit 5]"; a 1 in CR0 bits 63:32 is #GP(0) as well.
 *
 * uapi/tvmm.h: TVMM_GET_SREGS returns "CR0 and CR4 as the guest sees them
 * (the bits VMX forces on are hidden)". The #GP is seen two ways: through
 * TVMM_SET_EXCEPTION_EXITS (vector 13) at the MOV, error code 0, the host
 * moving RIP past it; and by a #GP handler in the guest's own IDT. Either
 * way the guest then checks the register did not change.
 */
#include "tvmm_test.h"
#include "tvmm_gp.h"
#include "tvmm_vm.h"

#define STAGE_NE_CLEAR	1
#define STAGE_CR4_PGE	2

static void set_cr0(__u64 val)
{
	asm volatile("mov %0, %%cr0" : : "r"(val) : "memory");
}

static void set_cr4(__u64 val)
{
	asm volatile("mov %0, %%cr4" : : "r"(val) : "memory");
}

static void guest_shadows(void)
{
	__u64 cr0 = get_cr0(), cr4 = get_cr4();

	GUEST_ASSERT(cr0 & X86_CR0_NE);
	GUEST_ASSERT(!(cr4 & X86_CR4_VMXE));

	/* Clear NE, which VMX keeps set: the guest still reads it clear. */
	set_cr0(cr0 & ~X86_CR0_NE);
	GUEST_ASSERT_EQ(get_cr0(), cr0 & ~X86_CR0_NE);
	GUEST_SYNC(STAGE_NE_CLEAR, get_cr0());
	set_cr0(cr0);
	GUEST_ASSERT_EQ(get_cr0(), cr0);

	/* A bit of CR4 the guest owns, and VMXE still hidden. */
	set_cr4(cr4 | X86_CR4_PGE);
	GUEST_ASSERT_EQ(get_cr4(), cr4 | X86_CR4_PGE);
	GUEST_SYNC(STAGE_CR4_PGE, get_cr4());

	/* CLTS and TS through MOV. */
	set_cr0(cr0 | X86_CR0_TS);
	GUEST_ASSERT_EQ(get_cr0(), cr0 | X86_CR0_TS);
	asm volatile("clts" : : : "memory");
	GUEST_ASSERT_EQ(get_cr0(), cr0);
	GUEST_DONE();
}

TEST(guest_reads_what_it_wrote)
{
	__u64 cr0_long = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
			 X86_CR0_WP | X86_CR0_PG;
	__u64 cr4_long = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	struct tvmm_vcpu *vcpu;
	struct tvmm_sregs sregs;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_shadows);

	EXPECT_EQ(cr0_long & ~X86_CR0_NE,
		  vcpu_run_expect_sync(vcpu, STAGE_NE_CLEAR));
	vcpu_get_sregs(vcpu, &sregs);
	EXPECT_EQ(cr0_long & ~X86_CR0_NE, sregs.cr0);
	EXPECT_EQ(cr4_long, sregs.cr4);

	EXPECT_EQ(cr4_long | X86_CR4_PGE,
		  vcpu_run_expect_sync(vcpu, STAGE_CR4_PGE));
	vcpu_get_sregs(vcpu, &sregs);
	EXPECT_EQ(cr0_long, sregs.cr0);
	EXPECT_EQ(cr4_long | X86_CR4_PGE, sregs.cr4);

	vcpu_run_expect_done(vcpu);
	vcpu_get_sregs(vcpu, &sregs);
	EXPECT_EQ(cr0_long, sregs.cr0);
	vm_free(vm);
}

/* A MOV to a CR between two labels, for the host to check and skip. */
#define GUEST_BAD_MOV(name, cr, val) ({				\
	asm volatile(#name ": mov %0, %%" #cr "\n"			\
		     #name "_next:\n" : : "r"((__u64)(val)) : "memory");	\
})

#define CR_RESERVED_HIGH	BIT_ULL(63)

static __u64 get_cr8(void)
{
	__u64 val;

	asm volatile("mov %%cr8, %0" : "=r"(val));
	return val;
}

static void guest_bad_writes(void)
{
	__u64 cr0 = get_cr0(), cr4 = get_cr4();

	GUEST_BAD_MOV(cr0_high_bit, cr0, cr0 | CR_RESERVED_HIGH);
	GUEST_BAD_MOV(cr0_nw_without_cd, cr0, (cr0 & ~X86_CR0_CD) |
		      X86_CR0_NW);
	GUEST_ASSERT_EQ(get_cr0(), cr0);
	GUEST_BAD_MOV(cr4_high_bit, cr4, cr4 | CR_RESERVED_HIGH);
	GUEST_BAD_MOV(cr4_clear_pae, cr4, cr4 & ~X86_CR4_PAE);
	GUEST_ASSERT_EQ(get_cr4(), cr4);
	GUEST_BAD_MOV(cr8_16, cr8, 16);
	GUEST_ASSERT_EQ(get_cr8(), 0);
	/* Last: if it does not fault, the guest leaves 64-bit mode. */
	GUEST_BAD_MOV(cr0_clear_pg, cr0, cr0 & ~X86_CR0_PG);
	GUEST_ASSERT_EQ(get_cr0(), cr0);
	GUEST_DONE();
}

GUEST_ASM_LABEL(cr0_high_bit);
GUEST_ASM_LABEL(cr0_high_bit_next);
GUEST_ASM_LABEL(cr0_nw_without_cd);
GUEST_ASM_LABEL(cr0_nw_without_cd_next);
GUEST_ASM_LABEL(cr0_clear_pg);
GUEST_ASM_LABEL(cr0_clear_pg_next);
GUEST_ASM_LABEL(cr4_high_bit);
GUEST_ASM_LABEL(cr4_high_bit_next);
GUEST_ASM_LABEL(cr4_clear_pae);
GUEST_ASM_LABEL(cr4_clear_pae_next);
GUEST_ASM_LABEL(cr8_16);
GUEST_ASM_LABEL(cr8_16_next);

/* #GP(0) at the MOV @name; the host resumes the guest after it. */
#define RUN_EXPECT_GP(vcpu, name)					\
	vcpu_run_expect_exception(vcpu, GP_VECTOR, 0, name, name##_next)

TEST(invalid_cr_writes_gp)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_bad_writes);
	vcpu_set_exception_exits(vcpu, BIT_ULL(GP_VECTOR));
	RUN_EXPECT_GP(vcpu, cr0_high_bit);	/* CR0 bit 63 */
	RUN_EXPECT_GP(vcpu, cr0_nw_without_cd);	/* CR0.NW without CD */
	RUN_EXPECT_GP(vcpu, cr4_high_bit);	/* CR4 bit 63 */
	RUN_EXPECT_GP(vcpu, cr4_clear_pae);	/* PAE cleared in IA-32e mode */
	RUN_EXPECT_GP(vcpu, cr8_16);		/* CR8 above 15 */
	RUN_EXPECT_GP(vcpu, cr0_clear_pg);	/* PG cleared in 64-bit mode */
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* The same writes, each #GP delivered to the guest's own handler. */
#define GUEST_BAD_MOV_GP(cr, val) do {					\
	__u64 __count = gp_count;					\
									\
	GUEST_GP_INSN("mov %0, %%" #cr, : : "r"((__u64)(val)));	\
	GUEST_ASSERT_GP(__count);					\
} while (0)

static void guest_bad_writes_idt(void)
{
	__u64 cr0 = get_cr0(), cr4 = get_cr4();

	GUEST_BAD_MOV_GP(cr0, cr0 | CR_RESERVED_HIGH);
	GUEST_BAD_MOV_GP(cr0, (cr0 & ~X86_CR0_CD) | X86_CR0_NW);
	GUEST_ASSERT_EQ(get_cr0(), cr0);
	GUEST_BAD_MOV_GP(cr4, cr4 | CR_RESERVED_HIGH);
	GUEST_BAD_MOV_GP(cr4, cr4 & ~X86_CR4_PAE);
	GUEST_ASSERT_EQ(get_cr4(), cr4);
	GUEST_BAD_MOV_GP(cr8, 16);
	GUEST_ASSERT_EQ(get_cr8(), 0);
	GUEST_SYNC(1, 0);
	/* Last: if it does not fault, the guest leaves 64-bit mode. */
	GUEST_BAD_MOV_GP(cr0, cr0 & ~X86_CR0_PG);
	GUEST_ASSERT_EQ(get_cr0(), cr0);
	GUEST_DONE();
}

TEST(invalid_cr_writes_gp_in_the_guest)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_bad_writes_idt);
	install_gp_gate(vm);
	vcpu_run_expect_sync(vcpu, 1);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * A 32-bit guest turns PAE paging on with a page-directory-pointer table
 * whose first entry is present with reserved bit 1 set. The MOV to CR0
 * that loads it is #GP (Vol. 3A, 4.4.1), and CR0 stays as it was. tvmm
 * emulates that MOV and loads the entries itself: it used to load this
 * one too, and VM entry then refused the guest state (TVMM_EXIT_FAIL_ENTRY,
 * "PDPTE loading"), which the instruction fuzzer found.
 */
#define PAE_PDPT_GPA	TVMM_GPA_TEST_DATA
#define PDPTE_BAD	(0x60000ULL | BIT_ULL(1) | 1)

GUEST_ASM32(pae_bad,
	    "mov %cr4, %eax\n"
	    "or $0x20, %eax\n"			/* CR4.PAE */
	    "mov %eax, %cr4\n"
	    "mov $" TVMM_STR(PAE_PDPT_GPA) ", %eax\n"
	    "mov %eax, %cr3\n"
	    "mov %cr0, %eax\n"
	    "or $0x80000000, %eax\n"		/* CR0.PG */
	    "pae_bad_pg:\n"
	    "mov %eax, %cr0\n"
	    "pae_bad_pg_next:\n"
	    "mov %cr0, %eax\n"
	    "test $0x80000000, %eax\n"
	    "jnz 1f\n"
	    GUEST_ASM_DONE
	    "1: hlt\n"
	    "jmp 1b\n");
GUEST_ASM_LABEL(pae_bad_pg);
GUEST_ASM_LABEL(pae_bad_pg_next);

TEST(pae_pdpte_reserved_bit_gp)
{
	__u64 pdpte = PDPTE_BAD;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_asm_vcpu(&vcpu, pae_bad_start, pae_bad_end, 32);
	vm_write_guest(vm, PAE_PDPT_GPA, &pdpte, sizeof(pdpte));
	vcpu_set_exception_exits(vcpu, BIT_ULL(GP_VECTOR));
	vcpu_run_expect_exception(vcpu, GP_VECTOR, 0,
				  GUEST_ASM_GPA(pae_bad_start, pae_bad_pg),
				  GUEST_ASM_GPA(pae_bad_start,
						pae_bad_pg_next));
	/* CR0.PG is still clear: the guest says done, not HLT. */
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
