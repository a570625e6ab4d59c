/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tvmm.h - the one ABI between tvmm.ko and userspace (tvmmctl, selftests).
 *
 * Rules this header keeps, so it never needs compat code:
 *  - fixed-width fields only, explicit padding, no pointers (user addresses
 *    travel as __u64);
 *  - every struct that userspace fills has flags and reserved fields that
 *    must be zero, so they can be given a meaning later;
 *  - TVMM_API_VERSION changes whenever an existing ioctl changes; new
 *    features are announced through TVMM_CHECK_EXTENSION instead;
 *  - every struct's size and field offsets are checked at build time at the
 *    bottom of this file, by the module and by userspace alike.
 */
#ifndef _UAPI_TVMM_H
#define _UAPI_TVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define TVMM_API_VERSION	1

/* 0xB8 is unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define TVMMIO			0xB8

/*
 * System ioctls, on the /dev/tvmm file descriptor.
 *
 * TVMM_GET_API_VERSION: argument must be 0; returns TVMM_API_VERSION.
 * TVMM_CHECK_EXTENSION: argument is a TVMM_CAP_* number; returns a positive
 *	value when the extension is present, 0 when it is not or is unknown.
 * TVMM_GET_VMX_CAPS: fills struct tvmm_vmx_caps; see below.
 */
#define TVMM_GET_API_VERSION	_IO(TVMMIO, 0x00)
#define TVMM_CHECK_EXTENSION	_IO(TVMMIO, 0x01)
#define TVMM_GET_VMX_CAPS	_IOWR(TVMMIO, 0x02, struct tvmm_vmx_caps)

/* Extensions, for TVMM_CHECK_EXTENSION. Append only. */
#define TVMM_CAP_VMX_CAPS	1	/* TVMM_GET_VMX_CAPS exists */

/*
 * VMX features tvmm reports in tvmm_vmx_caps.features (1 << TVMM_VMX_*),
 * decoded from the capability MSRs (Intel SDM Vol. 3D, Appendix A "VMX
 * Capability Reporting Facility"). Numbers are ABI: append only. Their names,
 * and the names Linux gives them in /proc/cpuinfo, are in tvmm_features.h.
 */
enum tvmm_vmx_feature {
	TVMM_VMX_TRUE_CTLS	= 0,		/* IA32_VMX_BASIC[55]: the TRUE_*_CTLS MSRs exist */
	TVMM_VMX_EPT		= 1,		/* enable EPT may be 1 */
	TVMM_VMX_EPT_4LEVEL	= 2,		/* EPT page-walk length 4 */
	TVMM_VMX_EPT_5LEVEL	= 3,		/* EPT page-walk length 5 */
	TVMM_VMX_EPT_WB		= 4,		/* EPT structures may be write-back */
	TVMM_VMX_EPT_2M		= 5,		/* EPT 2 MiB pages (PDE) */
	TVMM_VMX_EPT_1G		= 6,		/* EPT 1 GiB pages (PDPTE) */
	TVMM_VMX_EPT_AD		= 7,		/* EPT accessed and dirty flags */
	TVMM_VMX_EPT_X_ONLY	= 8,		/* EPT execute-only translations */
	TVMM_VMX_INVEPT		= 9,		/* the INVEPT instruction */
	TVMM_VMX_VPID		= 10,		/* enable VPID may be 1 */
	TVMM_VMX_INVVPID	= 11,		/* the INVVPID instruction */
	TVMM_VMX_UNRESTRICTED_GUEST	= 12,	/* unrestricted guest may be 1 */
	TVMM_VMX_PREEMPTION_TIMER	= 13,	/* activate VMX-preemption timer may be 1 */
	TVMM_VMX_VNMI		= 14,		/* virtual NMIs may be 1 */
	TVMM_VMX_TSC_OFFSET	= 15,		/* use TSC offsetting may be 1 */
	TVMM_VMX_TSC_SCALING	= 16,		/* use TSC scaling may be 1 */
	TVMM_VMX_RDTSCP		= 17,		/* enable RDTSCP may be 1 */
	TVMM_VMX_MSR_BITMAPS	= 18,		/* use MSR bitmaps may be 1 */
	TVMM_VMX_IO_BITMAPS	= 19,		/* use I/O bitmaps may be 1 */
	TVMM_VMX_TPR_SHADOW	= 20,		/* use TPR shadow may be 1 */
	TVMM_VMX_VIRT_APIC_ACCESSES	= 21,	/* virtualize APIC accesses may be 1 */
	TVMM_VMX_POSTED_INTR	= 22,		/* process posted interrupts may be 1 */
	TVMM_VMX_MTF		= 23,		/* monitor trap flag may be 1 */
	TVMM_VMX_PAUSE_LOOP_EXITING	= 24,	/* PAUSE-loop exiting may be 1 */
	TVMM_VMX_SHADOW_VMCS	= 25,		/* VMCS shadowing may be 1 */
	TVMM_VMX_PML		= 26,		/* enable PML may be 1 */
	TVMM_VMX_LOAD_EFER	= 27,		/* load IA32_EFER on VM entry may be 1 */
	TVMM_VMX_ACTIVITY_HLT	= 28,		/* the HLT activity state */
	TVMM_VMX_NR_FEATURES
};

/* Enough bits for CONFIG_NR_CPUS=1024; more CPUs set TVMM_CAPS_CPUS_TRUNCATED. */
#define TVMM_MAX_CPUS		1024
#define TVMM_CPU_WORDS		(TVMM_MAX_CPUS / 64)

/* tvmm_vmx_caps.state: what tvmm itself has done with VMX on this host. */
#define TVMM_CAPS_VMXON_DEFERRED	0x1u /* defer_vmxon=1: VMXON waits for a VM */
#define TVMM_CAPS_CPUS_TRUNCATED	0x2u /* more than TVMM_MAX_CPUS CPU ids */

/*
 * struct tvmm_vmx_caps - TVMM_GET_VMX_CAPS.
 *
 * In: size = sizeof(struct tvmm_vmx_caps), flags = 0, reserved = 0; anything
 * else is -EINVAL. Out: the raw capability MSRs as read at module load
 * (identical on every CPU, or the module would not have loaded), the
 * decoded features, and which CPUs are online and in VMX root mode now.
 *
 * The *_ctls fields hold the TRUE_* MSR when IA32_VMX_BASIC[55] says those
 * exist, else the plain one: bits 31:0 are the allowed-0 settings (a 1 means
 * the control must be 1), bits 63:32 the allowed-1 settings (a 0 means the
 * control must be 0). SDM Vol. 3D, A.3 to A.5.
 */
struct tvmm_vmx_caps {
	__u32 size;
	__u32 flags;
	__u64 basic;			/* IA32_VMX_BASIC */
	__u64 pinbased_ctls;		/* IA32_VMX_(TRUE_)PINBASED_CTLS */
	__u64 procbased_ctls;		/* IA32_VMX_(TRUE_)PROCBASED_CTLS */
	__u64 procbased_ctls2;		/* IA32_VMX_PROCBASED_CTLS2, 0 if none */
	__u64 exit_ctls;		/* IA32_VMX_(TRUE_)EXIT_CTLS */
	__u64 entry_ctls;		/* IA32_VMX_(TRUE_)ENTRY_CTLS */
	__u64 misc;			/* IA32_VMX_MISC */
	__u64 cr0_fixed0;		/* IA32_VMX_CR0_FIXED0 */
	__u64 cr0_fixed1;		/* IA32_VMX_CR0_FIXED1 */
	__u64 cr4_fixed0;		/* IA32_VMX_CR4_FIXED0 */
	__u64 cr4_fixed1;		/* IA32_VMX_CR4_FIXED1 */
	__u64 ept_vpid_cap;		/* IA32_VMX_EPT_VPID_CAP, 0 if none */
	__u64 vmfunc;			/* IA32_VMX_VMFUNC, 0 if none */
	__u64 features;			/* 1 << TVMM_VMX_* */
	__u32 vmcs_revision;		/* IA32_VMX_BASIC[30:0] */
	__u32 vmcs_size;		/* IA32_VMX_BASIC[44:32], bytes */
	__u32 vmcs_memtype;		/* IA32_VMX_BASIC[53:50], 6 = write-back */
	__u32 preemption_timer_shift;	/* IA32_VMX_MISC[4:0]: TSC >> this */
	__u32 nr_cpu_ids;		/* CPU ids 0..nr_cpu_ids-1 may exist */
	__u32 state;			/* TVMM_CAPS_* */
	__u64 online_cpus[TVMM_CPU_WORDS];	/* bitmap of online CPUs */
	__u64 vmxon_cpus[TVMM_CPU_WORDS];	/* ... in VMX root mode by tvmm */
	__u64 reserved[8];		/* in: 0 */
};

/*
 * Build-time layout checks, compiled by the module and by userspace: a
 * change that moves a field fails the build on both sides.
 */
#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif
#define TVMM_ABI_OFFSET(type, field, off)				\
	static_assert(__builtin_offsetof(type, field) == (off),	\
		      #type "." #field " moved")

static_assert(sizeof(struct tvmm_vmx_caps) == 464, "tvmm_vmx_caps size");
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, flags, 4);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, basic, 8);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, features, 112);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, vmcs_revision, 120);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, state, 140);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, online_cpus, 144);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, vmxon_cpus, 272);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, reserved, 400);

#endif /* _UAPI_TVMM_H */
