// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's CPU: each vCPU's CPUID table, from the host's CPUID.
 *
 * A bit the guest sees set is a promise: Linux acts on it, often with an
 * MSR or a CR4 bit behind it, and tvmm.ko gives a #GP for every MSR and
 * CR4 bit it does not virtualize (kmod/vmx/msr.c, CR4_ALLOWED and
 * EFER_ALLOWED in kmod/vmx/vmcs.c). So the table starts from nothing and
 * takes from the host only what the guest can use as it is:
 *  - instructions that run natively (SSE*, AES, BMI, ADX, RDRAND...);
 *  - state tvmm.ko switches: XSAVE with x87, SSE and AVX, as XSETBV in
 *    kmod/vmx/exits.c accepts them (AVX-512 and the XSAVES supervisor
 *    states left out), only where the host runs with OSXSAVE;
 *  - MSRs tvmm.ko knows: SYSENTER, SYSCALL, PAT, TSC, TSC_AUX with RDTSCP
 *    when tvmm.ko enabled it, TSC_ADJUST (reads 0).
 * It hides what has no MSR or CR4 bit behind it in tvmm.ko: VMX, SMX,
 * PCID, INVPCID, SMEP, SMAP, PKU, UMIP, LA57, x2APIC, MONITOR, MCE, MCA,
 * MTRR, PDCM, the debug store, the performance monitor, TSX, RDPID, and
 * every speculation-control bit (SPEC_CTRL, STIBP, SSBD, L1D_FLUSH,
 * ARCH_CAPABILITIES, CORE_CAPABILITIES). MD_CLEAR stays: VERW is native.
 *
 * And it adds what tvmmctl's devices make true:
 *  - APIC, with the vCPU's APIC ID in leaf 1 EBX[31:24] (devices/lapic.c
 *    gives APIC ID = vCPU id), and a topology of one package with one
 *    core per vCPU (leaf 1 HTT and logical count, leaf 4 core and
 *    sharing counts), no leaf 0xb;
 *  - ARAT (leaf 6): the APIC timer of a model does not stop in deep
 *    C-states. Linux needs it to leave the PIT alone (apic_needs_pit());
 *  - TSC-deadline when the APIC model can see IA32_TSC_DEADLINE writes
 *    (TVMM_CAP_USER_MSRS);
 *  - leaf 0x15, the TSC's crystal: EAX = 1, EBX = ratio, ECX = TSC Hz /
 *    ratio. Linux then knows tsc_khz (X86_FEATURE_TSC_KNOWN_FREQ) and its
 *    APIC timer's rate (lapic_timer_period) without calibrating either
 *    against the PIT;
 *  - leaf 0x16, the processor's MHz (Linux's cpu_khz), bus 100 MHz;
 *  - the hypervisor bit and leaf 0x40000000, "tvmmtvmmtvmm"
 *    (uapi/tvmm_para.h): Linux knows no such hypervisor and runs its
 *    native paths.
 * Invariant TSC (0x80000007) and the address sizes (0x80000008) are the
 * host's, which they describe; the vendor, family, model, brand and caches
 * too.
 *
 * OSXSAVE (leaf 1 ECX[27]) should follow the guest's CR4.OSXSAVE, which a
 * table cannot: it says 1 when XSAVE is given, as it will be once Linux
 * has set CR4.OSXSAVE early in boot, for its programs (glibc looks at it
 * before it uses AVX). Linux itself forces the bit once it enabled XSAVE.
 */
#include <cpuid.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/tvmm_dev.h"
#include "uapi/tvmm_para.h"
#include "devices/devices.h"
#include "vmm/cpuid.h"

#define EAX	0
#define EBX	1
#define ECX	2
#define EDX	3

/* Leaf 1 ECX and EDX, leaf 7.0, 0x80000001: what may come from the host. */
#define LEAF1_ECX_KEEP	(CPUID_1_ECX_SSE3 | CPUID_1_ECX_PCLMULQDQ |	\
			 CPUID_1_ECX_SSSE3 | CPUID_1_ECX_CX16 |		\
			 CPUID_1_ECX_SSE4_1 | CPUID_1_ECX_SSE4_2 |	\
			 CPUID_1_ECX_MOVBE | CPUID_1_ECX_POPCNT |	\
			 CPUID_1_ECX_AES | CPUID_1_ECX_RDRAND)
#define LEAF1_ECX_AVX	(CPUID_1_ECX_AVX | CPUID_1_ECX_FMA |		\
			 CPUID_1_ECX_F16C)
#define LEAF1_EDX_KEEP	(CPUID_1_EDX_FPU | CPUID_1_EDX_VME |		\
			 CPUID_1_EDX_DE | CPUID_1_EDX_PSE |		\
			 CPUID_1_EDX_TSC | CPUID_1_EDX_MSR |		\
			 CPUID_1_EDX_PAE | CPUID_1_EDX_CX8 |		\
			 CPUID_1_EDX_SEP | CPUID_1_EDX_PGE |		\
			 CPUID_1_EDX_CMOV | CPUID_1_EDX_PAT |		\
			 CPUID_1_EDX_PSE36 | CPUID_1_EDX_CLFSH |	\
			 CPUID_1_EDX_MMX | CPUID_1_EDX_FXSR |		\
			 CPUID_1_EDX_SSE | CPUID_1_EDX_SSE2 |		\
			 CPUID_1_EDX_SS)
#define LEAF7_EBX_KEEP	(CPUID_7_EBX_FSGSBASE | CPUID_7_EBX_BMI1 |	\
			 CPUID_7_EBX_FDP_EXCPTN_ONLY | CPUID_7_EBX_BMI2 |\
			 CPUID_7_EBX_ERMS | CPUID_7_EBX_ZERO_FCS_FDS |	\
			 CPUID_7_EBX_RDSEED | CPUID_7_EBX_ADX |		\
			 CPUID_7_EBX_CLFLUSHOPT | CPUID_7_EBX_CLWB |	\
			 CPUID_7_EBX_SHA)
#define LEAF7_EDX_KEEP	(CPUID_7_EDX_FSRM | CPUID_7_EDX_MD_CLEAR)
#define LEAFD1_EAX_KEEP	(CPUID_D_1_EAX_XSAVEOPT | CPUID_D_1_EAX_XSAVEC |\
			 CPUID_D_1_EAX_XGETBV1)
#define EXT1_ECX_KEEP	(CPUID_80000001_ECX_LAHF |			\
			 CPUID_80000001_ECX_LZCNT |			\
			 CPUID_80000001_ECX_PREFETCHW)
#define EXT1_EDX_KEEP	(CPUID_80000001_EDX_SYSCALL |			\
			 CPUID_80000001_EDX_NX |			\
			 CPUID_80000001_EDX_PDPE1GB |			\
			 CPUID_80000001_EDX_LM)

#define CPUID_EXT_BASE		0x80000000u
#define MODEL_MAX_EXT_LEAF	0x80000008u
#define CACHE_TYPE_NONE		0	/* leaf 4 EAX[4:0]: no more caches */
#define MAX_CACHE_LEVELS	16
#define XSAVE_LEGACY_SIZE	576	/* legacy area and XSAVE header */
#define XSAVE_YMM_SIZE		256	/* AVX's upper halves, from 576 */
#define BUS_MHZ			100

/* ---- the host ----------------------------------------------------------- */

static void native_cpuid(void *data, __u32 leaf, __u32 subleaf, __u32 r[4])
{
	__cpuid_count(leaf, subleaf, r[EAX], r[EBX], r[ECX], r[EDX]);
}

struct cpu_host cpu_host_native = { .cpuid = native_cpuid };

void cpu_host_native_init(void)
{
	__u32 r[4], lo, hi;

	native_cpuid(NULL, 1, 0, r);
	cpu_host_native.xcr0 = 0;
	if (r[ECX] & CPUID_1_ECX_OSXSAVE) {
		asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		cpu_host_native.xcr0 = lo | (__u64)hi << 32;
	}
}

/* The host's answer, or zeros above its highest leaf of that range. */
struct host_view {
	const struct cpu_host *h;
	__u32 max_basic, max_ext;
};

static void host_leaf(const struct host_view *hv, __u32 leaf, __u32 sub,
		      __u32 r[4])
{
	__u32 max = leaf >= CPUID_EXT_BASE ? hv->max_ext : hv->max_basic;

	memset(r, 0, 4 * sizeof(*r));
	if (leaf <= max)
		hv->h->cpuid(hv->h->data, leaf, sub, r);
}

/* ---- the table ---------------------------------------------------------- */

struct table {
	struct tvmm_cpuid_entry *e;
	unsigned int n, max;
	bool full;
};

/* One entry; @indexed: it answers subleaf @sub only. */
static void put(struct table *t, __u32 leaf, bool indexed, __u32 sub,
		const __u32 r[4])
{
	struct tvmm_cpuid_entry *e;

	if (t->n >= t->max) {
		t->full = true;
		return;
	}
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	e->function = leaf;
	if (indexed) {
		e->flags = TVMM_CPUID_INDEXED;
		e->index = sub;
	}
	e->eax = r[EAX];
	e->ebx = r[EBX];
	e->ecx = r[ECX];
	e->edx = r[EDX];
}

static void put_regs(struct table *t, __u32 leaf, __u32 a, __u32 b, __u32 c,
		     __u32 d)
{
	const __u32 r[4] = { a, b, c, d };

	put(t, leaf, false, 0, r);
}

static void put_sub(struct table *t, __u32 leaf, __u32 sub, __u32 a,
		    __u32 b, __u32 c, __u32 d)
{
	const __u32 r[4] = { a, b, c, d };

	put(t, leaf, true, sub, r);
}

/* The smallest power of two >= @n: APIC IDs 0 to n - 1 fit its bits. */
static unsigned int pow2_ceil(unsigned int n)
{
	unsigned int p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/*
 * The XCR0 components the guest may enable: x87 and SSE, and AVX's
 * upper halves with AVX, those the host has enabled itself (tvmm.ko's
 * XSETBV takes no more). 0: no XSAVE for the guest.
 */
static __u64 model_xcr0(const struct host_view *hv, const __u32 leaf1[4])
{
	__u64 xcr0;
	__u32 r[4];

	if (!(leaf1[ECX] & CPUID_1_ECX_XSAVE) ||
	    !(leaf1[ECX] & CPUID_1_ECX_OSXSAVE) || hv->max_basic < 0xd)
		return 0;
	host_leaf(hv, 0xd, 0, r);
	xcr0 = hv->h->xcr0 & (r[EAX] | (__u64)r[EDX] << 32) &
	       (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_YMM);
	if ((xcr0 & (XFEATURE_X87 | XFEATURE_SSE)) !=
	    (XFEATURE_X87 | XFEATURE_SSE))
		return 0;
	if (!(leaf1[ECX] & CPUID_1_ECX_AVX))
		xcr0 &= ~XFEATURE_YMM;
	return xcr0;
}

/* Leaf 1: features, the APIC ID, the package's logical processors. */
static void leaf_1(struct table *t, const __u32 host[4], __u64 xcr0,
		   const struct cpu_model_opts *o, unsigned int cpu)
{
	unsigned int ids = pow2_ceil(o->nr_cpus);
	__u32 r[4];

	r[EAX] = host[EAX];
	/* Brand index and CLFLUSH line size are the host's. */
	r[EBX] = (host[EBX] & 0xffff) | (ids & 0xff) << 16 | cpu << 24;
	r[ECX] = (host[ECX] & LEAF1_ECX_KEEP) | CPUID_1_ECX_HYPERVISOR;
	if (xcr0) {
		r[ECX] |= CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE;
		if (xcr0 & XFEATURE_YMM)
			r[ECX] |= host[ECX] & LEAF1_ECX_AVX;
	}
	if (o->tsc_deadline)
		r[ECX] |= CPUID_1_ECX_TSC_DEADLINE;
	r[EDX] = (host[EDX] & LEAF1_EDX_KEEP) | CPUID_1_EDX_APIC;
	if (o->nr_cpus > 1)
		r[EDX] |= CPUID_1_EDX_HTT;
	put(t, 1, false, 0, r);
}

/*
 * Leaf 4, the deterministic cache parameters: the host's caches, in a
 * package of one core per vCPU. L1 and L2 are each core's own, L3 the
 * package's.
 */
static void leaf_4(struct table *t, const struct host_view *hv,
		   unsigned int nr_cpus)
{
	unsigned int ids = pow2_ceil(nr_cpus), sub, level, sharing;
	__u32 r[4];

	for (sub = 0; sub < MAX_CACHE_LEVELS; sub++) {
		host_leaf(hv, 4, sub, r);
		if ((r[EAX] & 0x1f) == CACHE_TYPE_NONE)
			break;
		level = (r[EAX] >> 5) & 7;
		sharing = level <= 2 ? 1 : ids;
		r[EAX] &= 0x3fff;
		r[EAX] |= (sharing - 1) << 14 | (ids - 1) << 26;
		put(t, 4, true, sub, r);
	}
}

/*
 * Leaf 0xd: XSAVE for the components of @xcr0. AVX's state is 256 bytes
 * at 576 in the standard format on every CPU that has it, and the
 * compacted format (XSAVEC) has nothing before it either: one size.
 */
static void leaf_d(struct table *t, const struct host_view *hv, __u64 xcr0)
{
	__u32 r[4], size = XSAVE_LEGACY_SIZE;

	if (xcr0 & XFEATURE_YMM)
		size += XSAVE_YMM_SIZE;
	/*
	 * EBX is the size for what XCR0 enables now, which a table cannot
	 * follow: Linux enables every component offered, and checks EBX
	 * against the components' sizes once it has.
	 */
	put_sub(t, 0xd, 0, (__u32)xcr0, size, size, 0);
	host_leaf(hv, 0xd, 1, r);
	/* No XSAVES: tvmm.ko does not enable it, and there is no IA32_XSS. */
	put_sub(t, 0xd, 1, r[EAX] & LEAFD1_EAX_KEEP, size, 0, 0);
	if (xcr0 & XFEATURE_YMM)
		put_sub(t, 0xd, 2, XSAVE_YMM_SIZE, XSAVE_LEGACY_SIZE, 0, 0);
}

unsigned int cpu_model_tsc_ratio(__u32 tsc_khz)
{
	/* The APIC timer's rule, so that leaf 0x15 and the timer agree. */
	return apic_tsc_ratio(tsc_khz);
}

__u32 cpu_model_crystal_hz(__u32 tsc_khz)
{
	return (__u64)tsc_khz * 1000 / cpu_model_tsc_ratio(tsc_khz);
}

/* Leaves 0x15 and 0x16: the TSC's rate, when known. */
static void leaf_tsc(struct table *t, __u32 tsc_khz)
{
	__u32 mhz = (tsc_khz + 500) / 1000;

	if (!tsc_khz)
		return;
	put_regs(t, 0x15, 1, cpu_model_tsc_ratio(tsc_khz),
		 cpu_model_crystal_hz(tsc_khz), 0);
	/* EAX and EBX are 16-bit fields. */
	if (mhz > 0xffff)
		mhz = 0xffff;
	put_regs(t, 0x16, mhz, mhz, BUS_MHZ, 0);
}

static void leaf_hypervisor(struct table *t)
{
	__u32 r[4] = { TVMM_CPUID_SIGNATURE };

	memcpy(&r[EBX], TVMM_SIGNATURE, 12);
	put(t, TVMM_CPUID_SIGNATURE, false, 0, r);
}

static void leaves_ext(struct table *t, const struct host_view *hv,
		       const struct cpu_model_opts *o)
{
	__u32 max = hv->max_ext < MODEL_MAX_EXT_LEAF ? hv->max_ext :
		    MODEL_MAX_EXT_LEAF;
	__u32 r[4], leaf;

	if (max < CPUID_EXT_BASE)
		return;
	put_regs(t, CPUID_EXT_BASE, max, 0, 0, 0);
	for (leaf = CPUID_EXT_BASE + 1; leaf <= max; leaf++) {
		host_leaf(hv, leaf, 0, r);
		switch (leaf) {
		case 0x80000001:
			r[EBX] = 0;
			r[ECX] &= EXT1_ECX_KEEP;
			r[EDX] &= EXT1_EDX_KEEP |
				  (o->rdtscp ? CPUID_80000001_EDX_RDTSCP : 0);
			break;
		case 0x80000002:	/* the brand string */
		case 0x80000003:
		case 0x80000004:
		case 0x80000006:	/* L2 cache */
			break;
		case 0x80000007:
			memset(r, 0, 3 * sizeof(*r));
			r[EDX] &= CPUID_80000007_EDX_INVTSC;
			break;
		case 0x80000008:	/* physical and linear address bits */
			memset(&r[EBX], 0, 3 * sizeof(*r));
			r[EAX] &= 0xffff;
			break;
		default:
			continue;
		}
		put(t, leaf, false, 0, r);
	}
}

int cpu_model_build(struct tvmm_cpuid_entry *e, unsigned int max,
		    const struct cpu_host *host,
		    const struct cpu_model_opts *o, unsigned int cpu)
{
	struct host_view hv = { .h = host };
	struct table t = { .e = e, .max = max };
	__u32 r[4], leaf1[4], ebx;
	__u64 xcr0;

	if (!o->nr_cpus || o->nr_cpus > 255 || cpu >= o->nr_cpus)
		return -EINVAL;
	host->cpuid(host->data, CPUID_EXT_BASE, 0, r);
	hv.max_ext = r[EAX];
	host->cpuid(host->data, 0, 0, r);
	hv.max_basic = r[EAX];

	/* Leaf 0: the highest basic leaf is ours, the vendor the host's. */
	r[EAX] = CPU_MODEL_MAX_LEAF;
	put(&t, 0, false, 0, r);
	host_leaf(&hv, 1, 0, leaf1);
	xcr0 = model_xcr0(&hv, leaf1);
	leaf_1(&t, leaf1, xcr0, o, cpu);
	host_leaf(&hv, 2, 0, r);
	put(&t, 2, false, 0, r);
	leaf_4(&t, &hv, o->nr_cpus);
	put_regs(&t, 6, CPUID_6_EAX_ARAT, 0, 0, 0);
	host_leaf(&hv, 7, 0, r);
	ebx = r[EBX] & LEAF7_EBX_KEEP;
	if (xcr0 & XFEATURE_YMM)
		ebx |= r[EBX] & CPUID_7_EBX_AVX2;
	/* The MSR tvmm.ko keeps at 0, which Linux's TSC sync check reads. */
	ebx |= CPUID_7_EBX_TSC_ADJUST;
	put_sub(&t, 7, 0, 0, ebx, 0, r[EDX] & LEAF7_EDX_KEEP);
	if (xcr0)
		leaf_d(&t, &hv, xcr0);
	leaf_tsc(&t, o->tsc_khz);
	leaf_hypervisor(&t);
	leaves_ext(&t, &hv, o);
	return t.full ? -ENOSPC : (int)t.n;
}

/* ---- the TSC's rate ----------------------------------------------------- */

static __u64 raw_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC_RAW, &ts))
		return 0;
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

__u32 cpu_model_calibrate_tsc_khz(unsigned int ms)
{
	__u64 t0, t1, c0, c1, end;
	struct timespec nap = { 0, 1000000 };

	t0 = raw_ns();
	c0 = __builtin_ia32_rdtsc();
	end = t0 + ms * 1000000ull;
	do {
		nanosleep(&nap, NULL);
		t1 = raw_ns();
		c1 = __builtin_ia32_rdtsc();
	} while (t1 && t1 < end);
	if (!t0 || t1 <= t0 || c1 <= c0)
		return 0;
	return (__uint128_t)(c1 - c0) * 1000000 / (t1 - t0);
}

__u32 cpu_model_tsc_khz(const struct tvmm_dev *dev)
{
	int khz = tvmm_check_extension(dev, TVMM_CAP_TSC_KHZ);

	if (khz > 0)
		return khz;
	return cpu_model_calibrate_tsc_khz(50);
}
