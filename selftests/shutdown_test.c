// SPDX-License-Identifier: GPL-2.0
/*
 * shutdown_test - a triple fault ends the run as TVMM_EXIT_SHUTDOWN.
 *
 * SDM Vol. 3A, 7.15 "Exception and Interrupt Reference", Interrupt 8
 * (#DF): "If another exception occurs while attempting to call the
 * double-fault handler, the processor enters shutdown mode."
 * SDM Vol. 3C, 26.2 "Other Causes of VM Exits": "Triple fault. A VM exit
 * occurs if the logical processor encounters an exception while attempting
 * to call the double-fault handler and that exception itself does not
 * cause a VM exit due to the exception bitmap."
 * SDM Vol. 3A, 21.1.4 "Interrupt and Exception Handling" (real mode), and
 * 7.10 "Interrupt Descriptor Table (IDT)": a vector beyond the IDT limit
 * is a #GP.
 *
 * uapi/tvmm.h: TVMM_EXIT_SHUTDOWN is "triple fault".
 *
 * Each guest loads an IDT of limit 0 and raises an exception: its delivery
 * faults (#GP), so does that of the #GP and of the #DF. The guest reports
 * first that it runs, so that a guest that never ran cannot pass.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"

#define STAGE_RUNNING	1

/* An IDTR image (limit, then 64-bit base) of limit 0: no vector fits. */
static const __u16 empty_idtr64[5];

static void guest_code64(void)
{
	GUEST_SYNC(STAGE_RUNNING, 0);
	asm volatile("lidt %0\n"
		     "ud2\n" : : "m"(empty_idtr64) : "memory");
	GUEST_ASSERT(0);
}

/* The IDTR image (limit 0, base 0) is the 6 bytes at the end. */
#define SHUTDOWN_ASM(name)						\
	GUEST_ASM_SYNC(STAGE_RUNNING, "$0")				\
	"lidtl " GUEST_ASM_ADDR(name##_start, name##_idtr) "\n"		\
	"int3\n"							\
	GUEST_ASM_DONE							\
	"1: hlt\n"							\
	"jmp 1b\n"							\
	#name "_idtr:\n"						\
	".word 0\n"							\
	".long 0\n"

GUEST_ASM16(shutdown16, SHUTDOWN_ASM(shutdown16));
GUEST_ASM32(shutdown32, SHUTDOWN_ASM(shutdown32));

FIXTURE(shutdown) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

/* The 64-bit C @guest64, or the asm guest @code to @code_end of @bits. */
FIXTURE_VARIANT(shutdown) {
	void (*guest64)(void);
	const char *code, *code_end;
	unsigned int bits;
};

FIXTURE_VARIANT_ADD(shutdown, long_mode_ud2_with_empty_idt) {
	.guest64 = guest_code64,
};

FIXTURE_VARIANT_ADD(shutdown, real_mode_int3_with_empty_ivt) {
	.code = shutdown16_start, .code_end = shutdown16_end, .bits = 16,
};

FIXTURE_VARIANT_ADD(shutdown, protected_mode_int3_with_empty_idt) {
	.code = shutdown32_start, .code_end = shutdown32_end, .bits = 32,
};

FIXTURE_SETUP(shutdown)
{
	TVMM_REQUIRE_MODULE();
	if (variant->guest64)
		self->vm = vm_create_with_one_vcpu(&self->vcpu,
						   variant->guest64);
	else
		self->vm = vm_create_with_asm_vcpu(&self->vcpu, variant->code,
						   variant->code_end,
						   variant->bits);
}

FIXTURE_TEARDOWN(shutdown)
{
	vm_free(self->vm);
}

TEST_F(shutdown, triple_fault)
{
	vcpu_run_expect_sync(self->vcpu, STAGE_RUNNING);
	vcpu_run_expect_exit(self->vcpu, TVMM_EXIT_SHUTDOWN);
}

TEST_HARNESS_MAIN
