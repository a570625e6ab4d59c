/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_ops.h - the VMX instructions, and the only place tvmm writes them.
 *
 * A VMX instruction can fail in two ways (SDM Vol. 3C, 31.2 "Conventions"):
 * VMfailInvalid or VMfailValid, which set CF or ZF, and a fault (#UD outside
 * VMX operation, #GP for a bad operand). vmx_insn() reports both: a fault is
 * caught through the exception table instead of oopsing the host.
 */
#ifndef TVMM_VMX_OPS_H
#define TVMM_VMX_OPS_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/asm.h>

/*
 * Run one VMX instruction @insn with the asm input operands that follow.
 * Evaluates to 0, -EIO on VMfail, or -EFAULT on a fault. On a fault the
 * exception table resumes at 2:, skipping the instructions that would
 * clear "faulted".
 */
#define vmx_insn(insn, ...)						\
({									\
	bool __faulted = true, __failed = false;			\
									\
	asm volatile("1: " insn "\n\t"					\
		     "setna %[failed]\n\t"				\
		     "movb $0, %[faulted]\n"				\
		     "2:\n\t"						\
		     _ASM_EXTABLE(1b, 2b)				\
		     : [failed] "+qm" (__failed),			\
		       [faulted] "+qm" (__faulted)			\
		     : __VA_ARGS__					\
		     : "cc", "memory");					\
	__faulted ? -EFAULT : __failed ? -EIO : 0;			\
})

/* Enter VMX root operation with the VMXON region at physical address @pa. */
static __always_inline int vmx_vmxon(u64 pa)
{
	return vmx_insn("vmxon %[pa]", [pa] "m" (pa));
}

/* Leave VMX operation. */
static __always_inline int vmx_vmxoff(void)
{
	return vmx_insn("vmxoff");
}

#endif /* TVMM_VMX_OPS_H */
