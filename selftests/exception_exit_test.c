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

#define NO_ERROR_CODE	-1

FIXTURE(exits) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

/* @guest faults at @insn; the host resumes it at @next. */
FIXTURE_VARIANT(exits) {
	void (*guest)(void);
	__u32 vectors;		/* TVMM_SET_EXCEPTION_EXITS */
	__u32 vector;		/* the exception that exits */
	__s64 error_code;	/* NO_ERROR_CODE: none */
	const char *insn, *next;
};

FIXTURE_VARIANT_ADD(exits, ud2_as_ud) {
	.guest = guest_ud2, .insn = guest_ud2_insn, .next = guest_ud2_next,
	.vectors = BIT_ULL(UD_VECTOR),
	.vector = UD_VECTOR, .error_code = NO_ERROR_CODE,
};

FIXTURE_VARIANT_ADD(exits, int3_as_bp) {
	.guest = guest_int3, .insn = guest_int3_insn, .next = guest_int3_next,
	.vectors = BIT_ULL(BP_VECTOR),
	.vector = BP_VECTOR, .error_code = NO_ERROR_CODE,
};

FIXTURE_VARIANT_ADD(exits, gp_with_its_error_code) {
	.guest = guest_gp, .insn = guest_gp_insn, .next = guest_gp_next,
	.vectors = BIT_ULL(GP_VECTOR),
	.vector = GP_VECTOR, .error_code = BAD_SELECTOR,
};

/* Every other vector asked for: #UD still exits, the bits are per vector. */
FIXTURE_VARIANT_ADD(exits, ud2_among_other_vectors) {
	.guest = guest_ud2, .insn = guest_ud2_insn, .next = guest_ud2_next,
	.vectors = 0xffffffffU,
	.vector = UD_VECTOR, .error_code = NO_ERROR_CODE,
};

FIXTURE_SETUP(exits)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, variant->guest);
}

FIXTURE_TEARDOWN(exits)
{
	vm_free(self->vm);
}

/*
 * The exit is at the instruction, which did not complete; resumed past it,
 * the guest finishes.
 */
TEST_F(exits, at_the_instruction)
{
	vcpu_set_exception_exits(self->vcpu, variant->vectors);
	vcpu_run_expect_exception(self->vcpu, variant->vector,
				  variant->error_code, variant->insn,
				  variant->next);
	vcpu_run_expect_done(self->vcpu);
}

/*
 * Without its bit, the exception is delivered: no gate, triple fault. The
 * bitmap is first set in full, so the later write must replace it.
 */
FIXTURE(delivered) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

FIXTURE_VARIANT(delivered) {
	void (*guest)(void);
	__u32 vectors;
};

FIXTURE_VARIANT_ADD(delivered, ud2_without_exits) {
	.guest = guest_ud2, .vectors = 0,
};

/* #BP only: #UD, then #GP and #DF, are delivered. */
FIXTURE_VARIANT_ADD(delivered, ud2_with_other_vectors) {
	.guest = guest_ud2, .vectors = BIT_ULL(BP_VECTOR),
};

/* #BP, a trap from INT3, is delivered too once its bit is cleared. */
FIXTURE_VARIANT_ADD(delivered, int3_without_exits) {
	.guest = guest_int3, .vectors = 0,
};

FIXTURE_SETUP(delivered)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, variant->guest);
}

FIXTURE_TEARDOWN(delivered)
{
	vm_free(self->vm);
}

TEST_F(delivered, shuts_down)
{
	vcpu_set_exception_exits(self->vcpu, 0xffffffffU);
	vcpu_set_exception_exits(self->vcpu, variant->vectors);
	vcpu_run_expect_exit(self->vcpu, TVMM_EXIT_SHUTDOWN);
}

TEST_HARNESS_MAIN
