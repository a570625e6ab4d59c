/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tvmm_para.h - what a guest may know of tvmm: the paravirtual interface.
 *
 * This is ABI between tvmm.ko and guest code, as uapi/tvmm.h is between
 * tvmm.ko and the VMM. It has no types and no includes, so freestanding
 * guest code (16-, 32- or 64-bit) can include it as well as the host.
 * Conventions between a guest and one VMM (tvmmctl's demo reports, the
 * selftests' ucall port) are not tvmm's, and live with that VMM.
 */
#ifndef _UAPI_TVMM_PARA_H
#define _UAPI_TVMM_PARA_H

/*
 * The hypervisor CPUID leaf. When the VMM gave no CPUID table
 * (TVMM_SET_CPUID), tvmm answers CPUID with EAX = TVMM_CPUID_SIGNATURE
 * itself (the highest hypervisor leaf) and TVMM_SIGNATURE in EBX, ECX, EDX,
 * as KVM answers "KVMKVMKVM". With a table, the VMM decides.
 */
#define TVMM_CPUID_SIGNATURE	0x40000000
#define TVMM_SIGNATURE		"tvmmtvmmtvmm"

/*
 * Hypercalls: VMCALL with the number in RAX (EAX outside 64-bit mode) and
 * arguments in RBX, RCX, RDX, RSI, RDI. The numbers below are handled by
 * tvmm.ko without leaving the kernel (the guest gets the result in RAX);
 * every other number exits to the VMM as TVMM_EXIT_HYPERCALL.
 */
#define TVMM_HC_NOP		0	/* does nothing; RAX = 0 */

#endif /* _UAPI_TVMM_PARA_H */
