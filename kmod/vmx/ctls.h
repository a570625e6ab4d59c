/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctls.h - one VM-execution, VM-exit or VM-entry control word, chosen
 * against its capability MSR (SDM Vol. 3D, A.3 to A.5: bits 31:0 are the
 * allowed-0 settings, bits 63:32 the allowed-1 settings).
 *
 * Pure computation: no VMX, no VMCS. It builds in the kernel (vmcs.c)
 * and, for the unit test in test/, in userspace.
 */
#ifndef TVMM_VMX_CTLS_H
#define TVMM_VMX_CTLS_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
/* The kernel's names for the UAPI types, for the unit test. */
typedef __u32 u32;
typedef __u64 u64;
#endif

/*
 * Into *@ctls: @required, the bits of @optional the CPU allows, and the
 * bits the CPU forces to 1. A required bit the CPU does not allow is
 * never dropped: -EOPNOTSUPP, and *@ctls is left as it was.
 */
static inline int vmx_ctls_adjust(u64 cap, u32 required, u32 optional,
				  u32 *ctls)
{
	u32 must_be_1 = cap, may_be_1 = cap >> 32;

	if (required & ~may_be_1)
		return -EOPNOTSUPP;
	*ctls = ((required | optional) & may_be_1) | must_be_1;
	return 0;
}

#endif /* TVMM_VMX_CTLS_H */
