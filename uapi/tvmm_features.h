/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tvmm_features.h - names for the TVMM_VMX_* features of uapi/tvmm.h.
 *
 * A list for tools to include with TVMM_VMX_FEATURE(bit, linux_flag)
 * defined, once per table they build (hence no include guard):
 *   bit		the TVMM_VMX_* constant; #bit without "TVMM_VMX_" is the
 *		feature's name
 *   linux_flag	the name Linux prints for the feature in the "vmx flags"
 *		line of /proc/cpuinfo, or NULL where it prints none
 * Every feature of enum tvmm_vmx_feature appears here once, in order.
 */
TVMM_VMX_FEATURE(TVMM_VMX_TRUE_CTLS, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_EPT, "ept")
TVMM_VMX_FEATURE(TVMM_VMX_EPT_4LEVEL, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_EPT_5LEVEL, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_EPT_WB, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_EPT_2M, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_EPT_1G, "ept_1gb")
TVMM_VMX_FEATURE(TVMM_VMX_EPT_AD, "ept_ad")
TVMM_VMX_FEATURE(TVMM_VMX_EPT_X_ONLY, "ept_x_only")
TVMM_VMX_FEATURE(TVMM_VMX_INVEPT, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_VPID, "vpid")
TVMM_VMX_FEATURE(TVMM_VMX_INVVPID, "invvpid")
TVMM_VMX_FEATURE(TVMM_VMX_UNRESTRICTED_GUEST, "unrestricted_guest")
TVMM_VMX_FEATURE(TVMM_VMX_PREEMPTION_TIMER, "preemption_timer")
TVMM_VMX_FEATURE(TVMM_VMX_VNMI, "vnmi")
TVMM_VMX_FEATURE(TVMM_VMX_TSC_OFFSET, "tsc_offset")
TVMM_VMX_FEATURE(TVMM_VMX_TSC_SCALING, "tsc_scaling")
TVMM_VMX_FEATURE(TVMM_VMX_RDTSCP, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_MSR_BITMAPS, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_IO_BITMAPS, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_TPR_SHADOW, "vtpr")
TVMM_VMX_FEATURE(TVMM_VMX_VIRT_APIC_ACCESSES, "vapic")
TVMM_VMX_FEATURE(TVMM_VMX_POSTED_INTR, "posted_intr")
TVMM_VMX_FEATURE(TVMM_VMX_MTF, "mtf")
TVMM_VMX_FEATURE(TVMM_VMX_PAUSE_LOOP_EXITING, "ple")
TVMM_VMX_FEATURE(TVMM_VMX_SHADOW_VMCS, "shadow_vmcs")
TVMM_VMX_FEATURE(TVMM_VMX_PML, "pml")
TVMM_VMX_FEATURE(TVMM_VMX_LOAD_EFER, NULL)
TVMM_VMX_FEATURE(TVMM_VMX_ACTIVITY_HLT, NULL)
