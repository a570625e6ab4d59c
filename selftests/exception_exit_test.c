// SPDX-License-Identifier: GPL-2.0
/*
 * exception_exit_test - TVMM_SET_EXCEPTION_EXITS turns the chosen guest
 * exceptions into TVMM_EXIT_EXCEPTION, and only those.
 *
 * SDM Vol. 3C, 25.6.3 "Exception Bitmap": "When an exception occurs, its
 * vector selects a bit in this field. If the bit is 1, the exception causes
 * a VM exit. If the bit is 0, the exception is delivered normally through
 * the IDT". 28.2.2 "Information for VM Exits Due to Vectored Events": the
 * exit carries the vector and, when the exception delivers one, its error
 * code. The saved RIP is that of the instruction that caused it: no
 * instruction completed (a #BP from INT3 is not yet delivered either).
 * SDM Vol. 3A, 7.15: #UD (6) and #BP (3) have no error code; #GP (13) has
 * one: for a selector beyond the GDT limit, the selector's index (Vol. 3A,
 * "Error Code").
 *
 * uapi/tvmm.h: TVMM_SET_EXCEPTION_EXITS: "guest exceptions (bitmap of
 * vectors 0-31) that exit to userspace as TVMM_EXIT_EXCEPTION instead of
 * being delivered"; run->exception has vector, error_code_valid,
 * error_code and rip. The library's IDT has no present gate, so an
 * exception that is delivered ends in a triple fault: TVMM_EXIT_SHUTDOWN.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"

#define UD_VECTOR	6
#define BP_VECTOR	3
#define GP_VECTOR	13

/* Beyond the library's GDT (TVMM_GDT_LIMIT): loading it is #GP(0x80). */
#define BAD_SELECTOR	0x80

static void guest_ud2(void)
{
	asm volatile("guest_ud2_insn: ud2\n"
		     "guest_ud2_next:\n" : : : "memory");
	GUEST_DONE();
}

GUEST_ASM_LABEL(guest_ud2_insn);
GUEST_ASM_LABEL(guest_ud2_next);

static void guest_int3(void)
{
	asm volatile("guest_int3_insn: int3\n"
		     "guest_int3_next:\n" : : : "memory");
	GUEST_DONE();
}

GUEST_ASM_LABEL(guest_int3_insn);
GUEST_ASM_LABEL(guest_int3_next);

static void guest_gp(void)
{
	asm volatile("guest_gp_insn: mov %0, %%ds\n"
		     "guest_gp_next:\n" : : "r"(BAD_SELECTOR) : "memory");
	GUEST_DONE();
}

GUEST_ASM_LABEL(guest_gp_insn);
GUEST_ASM_LABEL(guest_gp_next);

/*
 * Run @guest with exits on @vectors, expect an exception exit of @vector
 * at @insn, then resume at @next: the guest must finish.
 */
static void expect_exception_exit(struct __test_metadata *_metadata,
				  void (*guest)(void), __u32 vectors,
				  __u32 vector, bool has_error, __u32 error,
				  const void *insn, const void *next)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;
	struct tvmm_run *run;

	vm = vm_create_with_one_vcpu(&vcpu, guest);
	vcpu_set_exception_exits(vcpu, vectors);
	run = vcpu->run;

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_EXCEPTION);
	EXPECT_EQ(vector, run->exception.vector);
	EXPECT_EQ(has_error, run->exception.error_code_valid);
	if (has_error)
		EXPECT_EQ(error, run->exception.error_code);
	EXPECT_EQ((__u64)(unsigned long)insn, run->exception.rip);
	vcpu_get_regs(vcpu, &regs);
	EXPECT_EQ((__u64)(unsigned long)insn, regs.rip);

	regs.rip = (__u64)(unsigned long)next;
	vcpu_set_regs(vcpu, &regs);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST(ud2_exits_as_ud)
{
	TVMM_REQUIRE_MODULE();
	expect_exception_exit(_metadata, guest_ud2, BIT_ULL(UD_VECTOR),
			      UD_VECTOR, false, 0, guest_ud2_insn,
			      guest_ud2_next);
}

TEST(int3_exits_as_bp)
{
	TVMM_REQUIRE_MODULE();
	expect_exception_exit(_metadata, guest_int3, BIT_ULL(BP_VECTOR),
			      BP_VECTOR, false, 0, guest_int3_insn,
			      guest_int3_next);
}

TEST(gp_exits_with_its_error_code)
{
	TVMM_REQUIRE_MODULE();
	expect_exception_exit(_metadata, guest_gp, BIT_ULL(GP_VECTOR),
			      GP_VECTOR, true, BAD_SELECTOR, guest_gp_insn,
			      guest_gp_next);
}

/* Every other vector asked for: #UD still exits, the bits are per vector. */
TEST(ud2_exits_among_other_vectors)
{
	TVMM_REQUIRE_MODULE();
	expect_exception_exit(_metadata, guest_ud2, 0xffffffffU,
			      UD_VECTOR, false, 0, guest_ud2_insn,
			      guest_ud2_next);
}

/*
 * Without its bit, the exception is delivered: no gate, triple fault. The
 * bitmap is first set in full, so the later write must replace it.
 */
static void expect_shutdown(struct __test_metadata *_metadata,
			    void (*guest)(void), __u32 vectors)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest);
	vcpu_set_exception_exits(vcpu, 0xffffffffU);
	vcpu_set_exception_exits(vcpu, vectors);
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_SHUTDOWN);
	vm_free(vm);
}

TEST(ud2_without_exits_shuts_down)
{
	TVMM_REQUIRE_MODULE();
	expect_shutdown(_metadata, guest_ud2, 0);
}

TEST(ud2_with_other_vectors_shuts_down)
{
	TVMM_REQUIRE_MODULE();
	/* #BP only: #UD, then #GP and #DF, are delivered. */
	expect_shutdown(_metadata, guest_ud2, BIT_ULL(BP_VECTOR));
}

/* #BP, a trap from INT3, is delivered too once its bit is cleared. */
TEST(int3_without_exits_shuts_down)
{
	TVMM_REQUIRE_MODULE();
	expect_shutdown(_metadata, guest_int3, 0);
}

TEST_HARNESS_MAIN
