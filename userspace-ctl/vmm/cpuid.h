/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU "tvmmctl run" gives its guests: one CPUID table per vCPU
 * (TVMM_SET_CPUID), made from the host's CPUID through a list of what
 * tvmm.ko virtualizes and tvmmctl's devices model, and the leaves an
 * unmodified Linux needs to find its timers without a PIT (0x6 ARAT,
 * 0x15 and 0x16 the TSC rate). vmm/cpuid.c says leaf by leaf what is kept
 * and why.
 *
 * Pure code: the host's CPUID comes through struct cpu_host (the CPU's
 * own in cpu_host_native, a pretend one in the unit tests). Nothing here
 * prints, and only cpu_model_tsc_khz() touches /dev/tvmm.
 */
#ifndef TVMMCTL_VMM_CPUID_H
#define TVMMCTL_VMM_CPUID_H

#include <stdbool.h>
#include <linux/types.h>

#include "lib/util.h"
#include "uapi/tvmm.h"

struct tvmm_dev;

/* CPUID feature bits (SDM Vol. 2A, CPUID), as the model names them. */
#define CPUID_1_ECX_SSE3		BIT(0)
#define CPUID_1_ECX_PCLMULQDQ		BIT(1)
#define CPUID_1_ECX_MONITOR		BIT(3)
#define CPUID_1_ECX_VMX			BIT(5)
#define CPUID_1_ECX_SSSE3		BIT(9)
#define CPUID_1_ECX_FMA			BIT(12)
#define CPUID_1_ECX_CX16		BIT(13)
#define CPUID_1_ECX_PDCM		BIT(15)
#define CPUID_1_ECX_PCID		BIT(17)
#define CPUID_1_ECX_SSE4_1		BIT(19)
#define CPUID_1_ECX_SSE4_2		BIT(20)
#define CPUID_1_ECX_X2APIC		BIT(21)
#define CPUID_1_ECX_MOVBE		BIT(22)
#define CPUID_1_ECX_POPCNT		BIT(23)
#define CPUID_1_ECX_TSC_DEADLINE	BIT(24)
#define CPUID_1_ECX_AES			BIT(25)
#define CPUID_1_ECX_XSAVE		BIT(26)
#define CPUID_1_ECX_OSXSAVE		BIT(27)
#define CPUID_1_ECX_AVX			BIT(28)
#define CPUID_1_ECX_F16C		BIT(29)
#define CPUID_1_ECX_RDRAND		BIT(30)
#define CPUID_1_ECX_HYPERVISOR		BIT(31)

#define CPUID_1_EDX_FPU			BIT(0)
#define CPUID_1_EDX_VME			BIT(1)
#define CPUID_1_EDX_DE			BIT(2)
#define CPUID_1_EDX_PSE			BIT(3)
#define CPUID_1_EDX_TSC			BIT(4)
#define CPUID_1_EDX_MSR			BIT(5)
#define CPUID_1_EDX_PAE			BIT(6)
#define CPUID_1_EDX_MCE			BIT(7)
#define CPUID_1_EDX_CX8			BIT(8)
#define CPUID_1_EDX_APIC		BIT(9)
#define CPUID_1_EDX_SEP			BIT(11)
#define CPUID_1_EDX_MTRR		BIT(12)
#define CPUID_1_EDX_PGE			BIT(13)
#define CPUID_1_EDX_MCA			BIT(14)
#define CPUID_1_EDX_CMOV		BIT(15)
#define CPUID_1_EDX_PAT			BIT(16)
#define CPUID_1_EDX_PSE36		BIT(17)
#define CPUID_1_EDX_CLFSH		BIT(19)
#define CPUID_1_EDX_MMX			BIT(23)
#define CPUID_1_EDX_FXSR		BIT(24)
#define CPUID_1_EDX_SSE			BIT(25)
#define CPUID_1_EDX_SSE2		BIT(26)
#define CPUID_1_EDX_SS			BIT(27)
#define CPUID_1_EDX_HTT			BIT(28)

#define CPUID_6_EAX_ARAT		BIT(2)

#define CPUID_7_EBX_FSGSBASE		BIT(0)
#define CPUID_7_EBX_TSC_ADJUST		BIT(1)
#define CPUID_7_EBX_BMI1		BIT(3)
#define CPUID_7_EBX_AVX2		BIT(5)
#define CPUID_7_EBX_FDP_EXCPTN_ONLY	BIT(6)
#define CPUID_7_EBX_SMEP		BIT(7)
#define CPUID_7_EBX_BMI2		BIT(8)
#define CPUID_7_EBX_ERMS		BIT(9)
#define CPUID_7_EBX_INVPCID		BIT(10)
#define CPUID_7_EBX_ZERO_FCS_FDS	BIT(13)
#define CPUID_7_EBX_RDSEED		BIT(18)
#define CPUID_7_EBX_ADX			BIT(19)
#define CPUID_7_EBX_SMAP		BIT(20)
#define CPUID_7_EBX_CLFLUSHOPT		BIT(23)
#define CPUID_7_EBX_CLWB		BIT(24)
#define CPUID_7_EBX_SHA			BIT(29)
#define CPUID_7_EDX_FSRM		BIT(4)
#define CPUID_7_EDX_MD_CLEAR		BIT(10)

#define CPUID_D_1_EAX_XSAVEOPT		BIT(0)
#define CPUID_D_1_EAX_XSAVEC		BIT(1)
#define CPUID_D_1_EAX_XGETBV1		BIT(2)
#define CPUID_D_1_EAX_XSAVES		BIT(3)

#define CPUID_80000001_ECX_LAHF		BIT(0)
#define CPUID_80000001_ECX_LZCNT	BIT(5)
#define CPUID_80000001_ECX_PREFETCHW	BIT(8)
#define CPUID_80000001_EDX_SYSCALL	BIT(11)
#define CPUID_80000001_EDX_NX		BIT(20)
#define CPUID_80000001_EDX_PDPE1GB	BIT(26)
#define CPUID_80000001_EDX_RDTSCP	BIT(27)
#define CPUID_80000001_EDX_LM		BIT(29)
#define CPUID_80000007_EDX_INVTSC	BIT(8)

/* XCR0 components (SDM Vol. 1, 13.1) the model may give the guest. */
#define XFEATURE_X87			BIT_ULL(0)
#define XFEATURE_SSE			BIT_ULL(1)
#define XFEATURE_YMM			BIT_ULL(2)

/*
 * IA32_MISC_ENABLE as firmware leaves it, which tvmm.ko keeps as it is
 * set (0 at first): fast strings on, or Linux turns ERMS and REP_GOOD off
 * ("Disabled fast string operations"); no branch trace store, no PEBS.
 */
#define MSR_IA32_MISC_ENABLE		0x1a0
#define CPU_MODEL_MISC_ENABLE		(BIT(0) | BIT(11) | BIT(12))

/* The highest basic leaf the model answers: 0x16, the processor's MHz. */
#define CPU_MODEL_MAX_LEAF		0x16
/* Entries of one vCPU's table, with room to spare (leaf 4 has ~5). */
#define CPU_MODEL_MAX_ENTRIES		64

/**
 * struct cpu_host - where the model reads the host's CPUID.
 * @cpuid:	the four registers of leaf @leaf, subleaf @subleaf, into @r
 *		(EAX, EBX, ECX, EDX).
 * @xcr0:	the host's XCR0, 0 when it runs without CR4.OSXSAVE (then
 *		tvmm.ko refuses CR4.OSXSAVE to the guest too).
 * @data:	@cpuid's first argument.
 */
struct cpu_host {
	void (*cpuid)(void *data, __u32 leaf, __u32 subleaf, __u32 r[4]);
	__u64 xcr0;
	void *data;
};

/* The CPU tvmmctl runs on; call cpu_host_native_init() first. */
extern struct cpu_host cpu_host_native;
void cpu_host_native_init(void);

/**
 * struct cpu_model_opts - what tvmm.ko and tvmmctl can give the guest.
 * @nr_cpus:	vCPUs of the VM (1 to 255): the topology of leaves 1 and 4.
 * @tsc_khz:	the TSC rate, 0 unknown (then no leaves 0x15 and 0x16).
 * @rdtscp:	tvmm.ko lets the guest run RDTSCP (TVMM_VMX_RDTSCP).
 * @tsc_deadline: the local APIC model is reached through IA32_TSC_DEADLINE
 *		(TVMM_CAP_USER_MSRS): TSC-deadline timer mode.
 */
struct cpu_model_opts {
	unsigned int nr_cpus;
	__u32 tsc_khz;
	bool rdtscp;
	bool tsc_deadline;
};

/*
 * The table of vCPU @cpu (also its initial APIC ID) into @e, room for
 * @max entries: the number of entries, or -ENOSPC, -EINVAL (bad @cpu or
 * opts).
 */
int cpu_model_build(struct tvmm_cpuid_entry *e, unsigned int max,
		    const struct cpu_host *host,
		    const struct cpu_model_opts *o, unsigned int cpu);

/*
 * Leaf 0x15's crystal for a TSC of @tsc_khz: the ratio TSC/crystal (1, or
 * 2 from 2^32 Hz up, as Linux's 32-bit arithmetic needs) and the
 * crystal's Hz, which is the rate a local APIC timer counts at.
 */
unsigned int cpu_model_tsc_ratio(__u32 tsc_khz);
__u32 cpu_model_crystal_hz(__u32 tsc_khz);

/*
 * The TSC rate to tell the guest: tvmm.ko's (TVMM_CAP_TSC_KHZ), else
 * measured against CLOCK_MONOTONIC_RAW for 50 ms (for @ms ms); 0 when
 * neither works.
 */
__u32 cpu_model_tsc_khz(const struct tvmm_dev *dev);
__u32 cpu_model_calibrate_tsc_khz(unsigned int ms);

#endif /* TVMMCTL_VMM_CPUID_H */
