/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run one instruction on the host CPU, for insn_test.c to compare with
 * the decoder's emulation of it. x86-64 hosts only.
 */
#ifndef TVMM_X86_TEST_NATIVE_EXEC_H
#define TVMM_X86_TEST_NATIVE_EXEC_H

#include <linux/types.h>

/* The offsets native_exec.S uses. */
struct cpu_state {
	__u64 gpr[16];	/* RAX..R15; RSP (4) is neither set nor read */
	__u64 rflags;	/* offset 128 */
};

/*
 * Load RAX..R15 (but RSP) and RFLAGS from @st, call @code (the
 * instruction, then RET), and store them back into @st.
 */
void native_exec(struct cpu_state *st, const void *code);

#endif /* TVMM_X86_TEST_NATIVE_EXEC_H */
