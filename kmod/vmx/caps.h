/* SPDX-License-Identifier: GPL-2.0 */
/*
 * caps.h - what this CPU's VMX can do, read once at load.
 *
 * The capability MSRs are read on every online CPU at load and must be
 * identical; the result is then read-only (vmx_caps). A CPU that comes
 * online later is checked against it before tvmm uses it.
 */
#ifndef TVMM_VMX_CAPS_H
#define TVMM_VMX_CAPS_H

#include <linux/types.h>

/* The raw capability MSRs (SDM Vol. 3D, Appendix A). */
struct vmx_caps {
	u64 basic;
	u64 pinbased;		/* TRUE_ MSR when IA32_VMX_BASIC_TRUE_CTLS */
	u64 procbased;		/* ditto */
	u64 procbased2;		/* 0 when secondary controls are absent */
	u64 exit;		/* TRUE_ MSR when IA32_VMX_BASIC_TRUE_CTLS */
	u64 entry;		/* ditto */
	u64 misc;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
	u64 ept_vpid;		/* 0 when neither EPT nor VPID exists */
	u64 vmfunc;		/* 0 when VM functions are absent */
};

extern struct vmx_caps vmx_caps;

/* 1 << TVMM_VMX_* (uapi/tvmm.h) for every feature @caps reports. */
u64 vmx_caps_features(const struct vmx_caps *caps);

/*
 * On @cpu, which must be the current CPU: 0 when its capabilities equal
 * vmx_caps, else -errno after one pr_err() line.
 */
int vmx_caps_check_this_cpu(unsigned int cpu);

#endif /* TVMM_VMX_CAPS_H */
