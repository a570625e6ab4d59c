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

/* Make the VMCS at @pa inactive and not current, writing it back to memory. */
static __always_inline int vmx_vmclear(u64 pa)
{
	return vmx_insn("vmclear %[pa]", [pa] "m" (pa));
}

/* Make the VMCS at @pa current (and active) on this CPU. */
static __always_inline int vmx_vmptrld(u64 pa)
{
	return vmx_insn("vmptrld %[pa]", [pa] "m" (pa));
}

/*
 * VMREAD and VMWRITE, the careful way: the outcome recorded in flags that
 * are then tested, ten instructions around the one that does the work.
 * Only when the fast versions below saw something go wrong, to tell a
 * VMfail from a fault; out of line, so that the usual path stays short.
 */
static noinline __maybe_unused int vmx_vmwrite_slow(unsigned long field,
						    unsigned long value)
{
	return vmx_insn("vmwrite %[value], %[field]",
			[value] "rm" (value), [field] "r" (field));
}

static noinline __maybe_unused int vmx_vmread_slow(unsigned long field)
{
	bool faulted = true, failed = false;
	unsigned long val;

	asm volatile("1: vmread %[field], %[val]\n\t"
		     "setna %[failed]\n\t"
		     "movb $0, %[faulted]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [val] "=rm" (val), [failed] "+qm" (failed),
		       [faulted] "+qm" (faulted)
		     : [field] "r" (field)
		     : "cc");
	return faulted ? -EFAULT : failed ? -EIO : 0;
}

/*
 * VMREAD and VMWRITE run a dozen times at every VM exit, so the usual path
 * is four instructions: set CF, the instruction, and a branch taken when
 * CF or ZF is set. VMsucceed clears both; VMfail sets one; a fault resumes
 * at the branch (exception table) with the CF set before it. Only then is
 * the instruction done again the careful way, for 0, -EIO or -EFAULT.
 */
static __always_inline int vmx_vmwrite(unsigned long field,
				       unsigned long value)
{
	asm goto("stc\n\t"
		 "1: vmwrite %[value], %[field]\n"
		 "2: jna %l[failed]\n\t"
		 _ASM_EXTABLE(1b, 2b)
		 : : [value] "rm" (value), [field] "r" (field)
		 : "cc", "memory" : failed);
	return 0;
failed:
	return vmx_vmwrite_slow(field, value);
}

/* The kernel's asm_goto_output() carries its workarounds for GCC bugs. */
#if defined(CONFIG_CC_HAS_ASM_GOTO_OUTPUT) && defined(asm_goto_output)
static __always_inline int vmx_vmread(unsigned long field,
				      unsigned long *value)
{
	unsigned long val;

	asm_goto_output("stc\n\t"
			"1: vmread %[field], %[val]\n"
			"2: jna %l[failed]\n\t"
			_ASM_EXTABLE(1b, 2b)
			: [val] "=rm" (val)
			: [field] "r" (field)
			: "cc" : failed);
	*value = val;
	return 0;
failed:
	/* The value is lost even if it worked the second time. */
	*value = 0;
	return vmx_vmread_slow(field) ?: -EIO;
}
#else
/* A compiler without outputs in asm goto: the outcome in flags. */
static __always_inline int vmx_vmread(unsigned long field,
				      unsigned long *value)
{
	bool faulted = true, failed = false;
	unsigned long val = 0;

	asm volatile("1: vmread %[field], %[val]\n\t"
		     "setna %[failed]\n\t"
		     "movb $0, %[faulted]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [val] "+rm" (val), [failed] "+qm" (failed),
		       [faulted] "+qm" (faulted)
		     : [field] "r" (field)
		     : "cc");
	*value = val;
	return faulted ? -EFAULT : failed ? -EIO : 0;
}
#endif

/* INVEPT/INVVPID descriptors (SDM Vol. 3C, 31.3, "INVEPT" and "INVVPID"). */
#define INVEPT_SINGLE_CONTEXT	1
#define INVEPT_ALL_CONTEXT	2
#define INVVPID_SINGLE_CONTEXT	1

static __always_inline int vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved;
	} desc = { eptp, 0 };

	return vmx_insn("invept %[desc], %[type]",
			[desc] "m" (desc), [type] "r" (type));
}

static __always_inline int vmx_invvpid(unsigned long type, u16 vpid)
{
	struct {
		u64 vpid;
		u64 gva;
	} desc = { vpid, 0 };

	return vmx_insn("invvpid %[desc], %[type]",
			[desc] "m" (desc), [type] "r" (type));
}

#endif /* TVMM_VMX_OPS_H */
