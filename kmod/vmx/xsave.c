// SPDX-License-Identifier: GPL-2.0
/*
 * xsave.c - the guest's extended state: which XCR0 values it may have
 * (its XSETBV, exits.c, and TVMM_SET_XSAVE), and its x87/SSE/AVX state in
 * the XSAVE format for TVMM_GET/SET_XSAVE (uapi/tvmm.h).
 *
 * The state itself is the kernel's guest FPU buffer (vcpu->fpu), which
 * TVMM_RUN swaps into the registers for its duration (run.c). Between
 * runs it is in memory, and the kernel's copy helpers translate it to and
 * from the standard XSAVE format, the FXSAVE image on a host without
 * XSAVE. Nothing here changes the vCPU before every check has passed.
 *
 * Context: process context, vcpu->lock held, so no TVMM_RUN has the state
 * in the registers; no VMCS needed. vmx_xcr0_valid() also runs in exit
 * handlers.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>

#include "vmx_internal.h"

/* What the guest's XCR0 may hold on this host, x87 at least. */
static u64 vmx_xcr0_allowed(struct tvmm_vcpu *vcpu)
{
	/* No OSXSAVE in the host: none in the guest (vmx_cr4_valid()). */
	if (!vmx_host_osxsave())
		return XFEATURE_MASK_FP;
	/*
	 * Only state the guest's FPU buffer holds and the host has on, so
	 * that the host's own XSETBV of it at entry cannot fault.
	 */
	return xgetbv(XCR_XFEATURE_ENABLED_MASK) &
	       vcpu->fpu.fpstate->xfeatures &
	       (XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512);
}

/*
 * XCR0 as XSETBV accepts it (SDM Vol. 1, 13.3 "Enabling the XSAVE
 * Feature Set and XSAVE-Enabled Features"): x87 always, AVX with SSE,
 * the three AVX-512 components together and with AVX.
 */
bool vmx_xcr0_valid(struct tvmm_vcpu *vcpu, u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP) || (xcr0 & ~vmx_xcr0_allowed(vcpu)))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    ((xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	     !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	return true;
}

/*
 * The components an area for @xcr0 may hold: x87 and SSE, which exist
 * without XSAVE (FXSAVE, CR4.OSFXSR), and the guest's XCR0. The kernel
 * never hands PKRU through here: XCR0 cannot hold it.
 */
static u64 vmx_xsave_components(u64 xcr0)
{
	return xcr0 | XFEATURE_MASK_FPSSE;
}

void vmx_get_xsave(struct tvmm_vcpu *vcpu, struct tvmm_xsave *xs)
{
	BUILD_BUG_ON(sizeof(xs->area) < sizeof(struct xregs_state));
	/* All of it is copied out: the kernel fills only what it knows. */
	memset(xs, 0, sizeof(*xs));
	xs->xcr0 = vcpu->xcr0;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->fpu, xs->area,
				       min_t(unsigned int, sizeof(xs->area),
					     vcpu->fpu.uabi_size),
				       vmx_xsave_components(vcpu->xcr0), 0);
}

int vmx_set_xsave(struct tvmm_vcpu *vcpu, const struct tvmm_xsave *xs)
{
	const struct xregs_state *area = (const void *)xs->area;
	u64 components = vmx_xsave_components(xs->xcr0);
	u32 pkru;
	int err;

	if (xs->flags || xs->padding ||
	    memchr_inv(xs->reserved, 0, sizeof(xs->reserved)))
		return -EINVAL;
	if (!vmx_xcr0_valid(vcpu, xs->xcr0))
		return -EINVAL;
	/* XRSTOR's #GP (Vol. 1, 13.8): compacted form, reserved header. */
	if (area->header.xcomp_bv ||
	    memchr_inv(area->header.reserved, 0,
		       sizeof(area->header.reserved)))
		return -EINVAL;
	if (area->header.xfeatures & ~components)
		return -EINVAL;
	/*
	 * The kernel refuses MXCSR's reserved bits (MXCSR_MASK) and what
	 * the buffer cannot hold before it writes anything.
	 */
	err = fpu_copy_uabi_to_guest_fpstate(&vcpu->fpu, xs->area, components,
					     &pkru);
	if (err)
		return err;
	vcpu->xcr0 = xs->xcr0;
	return 0;
}
