/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_gp.h - a #GP handler for 64-bit guests, so a test can run a
 * faulting instruction in the guest and check the fault there.
 *
 * install_gp_gate() puts the handler in the library's IDT as the 64-bit
 * interrupt gate of vector 13 (SDM Vol. 3A, 7.14.1 "64-Bit Mode IDT").
 * The handler counts each #GP, records its error code and RIP, and
 * resumes at gp_resume, which GUEST_GP_INSN() sets just past the
 * instruction it runs.
 */
#ifndef TVMM_SELFTEST_GP_H
#define TVMM_SELFTEST_GP_H

#include <linux/types.h>

#include "tvmm_vm.h"

#define GP_VECTOR	13

extern __u64 gp_count, gp_error_code, gp_rip, gp_resume, gp_expected_rip;

void install_gp_gate(struct tvmm_vm *vm);

/*
 * Guest: run @insn (asm text; its operands follow) with gp_resume just
 * past it, and remember its address for GUEST_ASSERT_GP().
 */
#define GUEST_GP_INSN(insn, ...) ({					\
	asm volatile("lea 1f(%%rip), %%r11\n"				\
		     "mov %%r11, gp_resume(%%rip)\n"			\
		     "2: " insn "\n"					\
		     "1:\n"						\
		     "lea 2b(%%rip), %%r11\n"				\
		     "mov %%r11, gp_expected_rip(%%rip)\n"		\
		     __VA_ARGS__ : "r11", "memory");			\
})

/* Guest: one more #GP(0) since @count, at the instruction. */
#define GUEST_ASSERT_GP(count) do {					\
	GUEST_ASSERT_EQ(gp_count, (count) + 1);				\
	GUEST_ASSERT_EQ(gp_error_code, 0);				\
	GUEST_ASSERT_EQ(gp_rip, gp_expected_rip);			\
} while (0)

#endif /* TVMM_SELFTEST_GP_H */
