// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the guest's CPU (vmm/cpuid.c) on pretend hosts: one whose
 * every CPUID bit is set, so that what the model keeps is exactly its
 * list; one with none, so that what it adds shows alone; and the
 * Skylake-X that Bochs gives the test machine (its CPUID as read there),
 * for the topology of several vCPUs and the XSAVE leaves. The TSC leaves
 * are checked with Linux's own 32-bit arithmetic (native_calibrate_tsc()
 * in arch/x86/kernel/tsc.c of 6.1) around 2^32 Hz.
 */
#include <stdbool.h>
#include <string.h>

#include "kselftest.h"

#include "lib/util.h"
#include "vmm/cpuid.h"
#include "uapi/tvmm_para.h"
#include "cpuid_test.h"
#include "check.h"

/* One leaf of a pretend host; subleaf ~0u answers every subleaf. */
struct host_leaf {
	__u32 leaf, sub;
	__u32 r[4];
};

struct pretend_host {
	const struct host_leaf *leaves;
	unsigned int n;
	bool all_ones;
};

#define ANY	~0u

/* "GenuineIntel" in EBX, ECX, EDX */
#define GENU	0x756e6547
#define NTEL	0x6c65746e
#define INEI	0x49656e69

/* Bochs 2.7's corei7_skylake_x, as the test machine's user space reads it. */
static const struct host_leaf skylake_x[] = {
	{ 0x0, 0, { 0x00000016, 0x756e6547, 0x6c65746e, 0x49656e69 } },
	{ 0x1, 0, { 0x00050654, 0x00010800, 0x7ffaf3bf, 0xbfebfbff } },
	{ 0x2, 0, { 0x76036301, 0x00f0b5ff, 0x00000000, 0x00c30000 } },
	{ 0x4, 0, { 0x1c004121, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ 0x4, 1, { 0x1c004122, 0x01c0003f, 0x0000003f, 0x00000000 } },
	{ 0x4, 2, { 0x1c004143, 0x03c0003f, 0x000003ff, 0x00000000 } },
	{ 0x4, 3, { 0x1c03c163, 0x0280003f, 0x00002fff, 0x00000004 } },
	{ 0x5, 0, { 0x00000040, 0x00000040, 0x00000003, 0x00002020 } },
	{ 0x6, 0, { 0x00000075, 0x00000002, 0x00000009, 0x00000000 } },
	{ 0x7, 0, { 0x00000000, 0xd19f27eb, 0x00000000, 0x00000000 } },
	{ 0xa, 0, { 0x07300404, 0x00000000, 0x00000000, 0x00000603 } },
	{ 0xb, 0, { 0x00000001, 0x00000001, 0x00000100, 0x00000000 } },
	{ 0xd, 0, { 0x000000e7, 0x00000a80, 0x00000a80, 0x00000000 } },
	{ 0xd, 1, { 0x0000000f, 0x00000a80, 0x00000000, 0x00000000 } },
	{ 0xd, 2, { 0x00000100, 0x00000240, 0x00000000, 0x00000000 } },
	{ 0x15, 0, { 0x00000002, 0x00000124, 0x00000000, 0x00000000 } },
	{ 0x16, 0, { 0x00000dac, 0x00000fa0, 0x00000064, 0x00000000 } },
	{ 0x80000000, 0, { 0x80000008, 0, 0, 0 } },
	{ 0x80000001, 0, { 0x00000000, 0x00000000, 0x00000121, 0x2c100800 } },
	{ 0x80000002, 0, { 0x65746e49, 0x2952286c, 0x726f4320, 0x4d542865 } },
	{ 0x80000003, 0, { 0x37692029, 0x3038372d, 0x43205830, 0x40205550 } },
	{ 0x80000004, 0, { 0x352e3320, 0x7a484730, 0x00000000, 0x00000000 } },
	{ 0x80000006, 0, { 0x00000000, 0x00000000, 0x01006040, 0x00000000 } },
	{ 0x80000007, 0, { 0x00000000, 0x00000000, 0x00000000, 0x00000100 } },
	{ 0x80000008, 0, { 0x00003028, 0x00000000, 0x00000000, 0x00000000 } },
};

/* Nothing but the vendor and the highest leaves. */
static const struct host_leaf bare[] = {
	{ 0x0, 0, { 0x00000020, GENU, NTEL, INEI } },
	{ 0x80000000, 0, { 0x80000008, 0, 0, 0 } },
};

static void pretend_cpuid(void *data, __u32 leaf, __u32 sub, __u32 r[4])
{
	const struct pretend_host *h = data;
	unsigned int i;

	memset(r, 0, 4 * sizeof(*r));
	for (i = 0; i < h->n; i++) {
		if (h->leaves[i].leaf == leaf &&
		    (h->leaves[i].sub == sub || h->leaves[i].sub == ANY)) {
			memcpy(r, h->leaves[i].r, sizeof(h->leaves[i].r));
			return;
		}
	}
	if (h->all_ones)
		memset(r, 0xff, 4 * sizeof(*r));
}

static const struct host_leaf ones_limits[] = {
	{ 0x0, 0, { 0x00000020, GENU, NTEL, INEI } },
	{ 0x80000000, 0, { 0x80000008, ~0u, ~0u, ~0u } },
};

static struct pretend_host skylake_host = {
	skylake_x, ARRAY_SIZE(skylake_x), false,
};

static struct pretend_host bare_host = { bare, ARRAY_SIZE(bare), false };
static struct pretend_host ones_host = {
	ones_limits, ARRAY_SIZE(ones_limits), true,
};

static const struct cpu_host host_skylake = {
	pretend_cpuid, 0xe7, &skylake_host,
};

static const struct cpu_host host_bare = { pretend_cpuid, 0, &bare_host };
static const struct cpu_host host_ones = { pretend_cpuid, ~0ull, &ones_host };

struct model {
	struct tvmm_cpuid_entry e[CPU_MODEL_MAX_ENTRIES];
	int n;
};

static bool build(struct model *m, const struct cpu_host *h,
		  const struct cpu_model_opts *o, unsigned int cpu)
{
	m->n = cpu_model_build(m->e, ARRAY_SIZE(m->e), h, o, cpu);
	if (m->n > 0)
		return true;
	ksft_print_msg("cpu_model_build: %d\n", m->n);
	return false;
}

/* The entry the guest's CPUID @leaf, @sub hits, as tvmm.ko looks it up. */
static const struct tvmm_cpuid_entry *find(const struct model *m, __u32 leaf,
					   __u32 sub)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].function == leaf &&
		    (!(m->e[i].flags & TVMM_CPUID_INDEXED) ||
		     m->e[i].index == sub))
			return &m->e[i];
	return NULL;
}

/* Leaf @leaf, @sub answers exactly @a, @b, @c, @d (absent: all zero). */
static bool regs_are(const struct model *m, __u32 leaf, __u32 sub, __u32 a,
		     __u32 b, __u32 c, __u32 d)
{
	const struct tvmm_cpuid_entry *e = find(m, leaf, sub);
	__u32 r[4] = { 0 };

	if (e) {
		r[0] = e->eax;
		r[1] = e->ebx;
		r[2] = e->ecx;
		r[3] = e->edx;
	}
	if (r[0] == a && r[1] == b && r[2] == c && r[3] == d)
		return true;
	ksft_print_msg("leaf 0x%x.%u: %08x %08x %08x %08x, want %08x %08x %08x %08x\n",
		       leaf, sub, r[0], r[1], r[2], r[3], a, b, c, d);
	return false;
}

/* Every entry valid for TVMM_SET_CPUID, none answering twice. */
static bool table_sane(const struct model *m)
{
	bool ok = true;
	int i, j;

	for (i = 0; i < m->n; i++) {
		ok &= EXPECT(!(m->e[i].flags & ~TVMM_CPUID_INDEXED));
		ok &= EXPECT(!m->e[i].reserved[0] && !m->e[i].reserved[1] &&
			     !m->e[i].reserved[2]);
		for (j = 0; j < i; j++)
			ok &= EXPECT(m->e[i].function != m->e[j].function ||
				     m->e[i].index != m->e[j].index);
	}
	return ok;
}

/*
 * The bits each leaf keeps, spelled out rather than taken from cpuid.c.
 * Leaf 1 ECX: SSE3 PCLMULQDQ SSSE3 FMA CX16 SSE4.1 SSE4.2 MOVBE POPCNT
 * AES XSAVE OSXSAVE AVX F16C RDRAND. EDX: FPU VME DE PSE TSC MSR PAE CX8
 * APIC SEP PGE CMOV PAT PSE36 CLFSH MMX FXSR SSE SSE2 SS. Leaf 7 EBX:
 * FSGSBASE TSC_ADJUST BMI1 AVX2 FDP_EXCPTN_ONLY BMI2 ERMS ZERO_FCS_FDS
 * RDSEED ADX CLFLUSHOPT CLWB SHA.
 */
#define L1_ECX_KEPT	0x7ed83203
#define L1_EDX_KEPT	0x0f8bab7f
#define L7_EBX_KEPT	0x218c236b

bool test_cpuid_masked(void)
{
	struct cpu_model_opts o = { .nr_cpus = 1 };
	struct model m;
	bool ok = true;
	__u32 leaf;

	if (!build(&m, &host_ones, &o, 0))
		return false;
	ok &= table_sane(&m);
	ok &= regs_are(&m, 0, 0, CPU_MODEL_MAX_LEAF, GENU, NTEL,
		       INEI);
	/* Bits 24 (TSC-deadline) and 31 (hypervisor) are not the host's. */
	ok &= regs_are(&m, 1, 0, ~0u, 0x0001ffff, L1_ECX_KEPT | 1u << 31,
		       L1_EDX_KEPT);
	ok &= regs_are(&m, 6, 0, 1u << 2, 0, 0, 0);
	ok &= regs_are(&m, 7, 0, 0, L7_EBX_KEPT, 0, 0x410);
	ok &= regs_are(&m, 7, 1, 0, 0, 0, 0);
	/* x87, SSE, AVX: 576 bytes of legacy area and header, 256 of YMM. */
	ok &= regs_are(&m, 0xd, 0, 7, 832, 832, 0);
	ok &= regs_are(&m, 0xd, 1, 7, 832, 0, 0);	/* no XSAVES */
	ok &= regs_are(&m, 0xd, 2, 256, 576, 0, 0);
	ok &= regs_are(&m, 0xd, 3, 0, 0, 0, 0);
	ok &= regs_are(&m, 0x80000000, 0, 0x80000008, 0, 0, 0);
	ok &= regs_are(&m, 0x80000001, 0, ~0u, 0, 0x121, 0x24100800);
	ok &= regs_are(&m, 0x80000002, 0, ~0u, ~0u, ~0u, ~0u);
	ok &= regs_are(&m, 0x80000005, 0, 0, 0, 0, 0);
	ok &= regs_are(&m, 0x80000006, 0, ~0u, ~0u, ~0u, ~0u);
	ok &= regs_are(&m, 0x80000007, 0, 0, 0, 0, 0x100);
	ok &= regs_are(&m, 0x80000008, 0, 0xffff, 0, 0, 0);
	/* No TSC rate: no 0x15, 0x16. */
	ok &= regs_are(&m, 0x15, 0, 0, 0, 0, 0);
	ok &= regs_are(&m, 0x16, 0, 0, 0, 0, 0);
	/* The leaves of the host's MSRs and monitors: none. */
	for (leaf = 3; leaf <= 0x20; leaf++) {
		if (leaf == 4 || leaf == 6 || leaf == 7 || leaf == 0xd)
			continue;
		ok &= regs_are(&m, leaf, 0, 0, 0, 0, 0);
	}
	ok &= regs_are(&m, 0x40000001, 0, 0, 0, 0, 0);

	/* RDTSCP only when tvmm.ko lets the guest run it. */
	o.rdtscp = true;
	if (!build(&m, &host_ones, &o, 0))
		return false;
	ok &= regs_are(&m, 0x80000001, 0, ~0u, 0, 0x121, 0x2c100800);
	return ok;
}

bool test_cpuid_added(void)
{
	struct cpu_model_opts o = { .nr_cpus = 1 };
	const char *sig = TVMM_SIGNATURE;
	struct model m;
	bool ok = true;
	__u32 s[3];

	if (!build(&m, &host_bare, &o, 0))
		return false;
	ok &= table_sane(&m);
	ok &= regs_are(&m, 0, 0, 0x16, GENU, NTEL, INEI);
	/* The hypervisor and the local APIC, of a host that has neither. */
	ok &= regs_are(&m, 1, 0, 0, 0x00010000, 1u << 31, 1u << 9);
	ok &= regs_are(&m, 6, 0, 1u << 2, 0, 0, 0);		/* ARAT */
	ok &= regs_are(&m, 7, 0, 0, 1u << 1, 0, 0);		/* TSC_ADJUST */
	/* No XSAVE without the host's. */
	ok &= regs_are(&m, 0xd, 0, 0, 0, 0, 0);
	memcpy(s, sig, sizeof(s));
	ok &= regs_are(&m, TVMM_CPUID_SIGNATURE, 0, TVMM_CPUID_SIGNATURE,
		       s[0], s[1], s[2]);
	ok &= regs_are(&m, 0x80000001, 0, 0, 0, 0, 0);
	ok &= regs_are(&m, 0x80000007, 0, 0, 0, 0, 0);

	/* TSC-deadline with the APIC model behind IA32_TSC_DEADLINE. */
	o.tsc_deadline = true;
	o.tsc_khz = 2100000;
	if (!build(&m, &host_bare, &o, 0))
		return false;
	ok &= regs_are(&m, 1, 0, 0, 0x00010000, 1u << 31 | 1u << 24, 1u << 9);
	ok &= regs_are(&m, 0x15, 0, 1, 1, 2100000000u, 0);
	ok &= regs_are(&m, 0x16, 0, 2100, 2100, 100, 0);
	return ok;
}

/* XSAVE follows what the host has enabled, as tvmm.ko's XSETBV does. */
bool test_cpuid_xsave(void)
{
	struct cpu_model_opts o = { .nr_cpus = 1 };
	struct cpu_host h = host_skylake;
	struct model m;
	bool ok = true;

	if (!build(&m, &h, &o, 0))
		return false;
	ok &= table_sane(&m);
	/* AVX-512 and the host's other components are not offered. */
	ok &= regs_are(&m, 0xd, 0, 7, 832, 832, 0);
	ok &= regs_are(&m, 0xd, 1, 7, 832, 0, 0);
	ok &= regs_are(&m, 0xd, 2, 256, 576, 0, 0);
	ok &= regs_are(&m, 0xd, 5, 0, 0, 0, 0);
	ok &= regs_are(&m, 7, 0, 0, 0x018c236b, 0, 0);
	ok &= EXPECT(find(&m, 1, 0)->ecx == 0xfed83203);

	/* A host without AVX state in XCR0: XSAVE without AVX, AVX2, FMA. */
	h.xcr0 = 3;
	if (!build(&m, &h, &o, 0))
		return false;
	ok &= regs_are(&m, 0xd, 0, 3, 576, 576, 0);
	ok &= regs_are(&m, 0xd, 2, 0, 0, 0, 0);
	ok &= regs_are(&m, 7, 0, 0, 0x018c234b, 0, 0);
	ok &= EXPECT(find(&m, 1, 0)->ecx == 0xced82203);

	/* A host booted noxsave: no XSAVE, no leaf 0xd. */
	h.xcr0 = 0;
	if (!build(&m, &h, &o, 0))
		return false;
	ok &= regs_are(&m, 0xd, 0, 0, 0, 0, 0);
	ok &= regs_are(&m, 0xd, 1, 0, 0, 0, 0);
	ok &= EXPECT(find(&m, 1, 0)->ecx == 0xc2d82203);
	return ok;
}

/* Each vCPU's APIC ID, one package of one core per vCPU. */
bool test_cpuid_topology(void)
{
	struct cpu_model_opts o = { .nr_cpus = 3 };
	const struct tvmm_cpuid_entry *e;
	struct model m;
	unsigned int cpu;
	bool ok = true;

	for (cpu = 0; cpu < 3; cpu++) {
		if (!build(&m, &host_skylake, &o, cpu))
			return false;
		ok &= table_sane(&m);
		e = find(&m, 1, 0);
		ok &= EXPECT(e && e->ebx == (0x00040800 | cpu << 24));
		ok &= EXPECT(e && (e->edx & (1u << 28)));	/* HTT */
		/* L1d, L1i, L2 per core; L3 shared by the four IDs. */
		ok &= regs_are(&m, 4, 0, 0x0c000121, 0x01c0003f, 0x3f, 0);
		ok &= regs_are(&m, 4, 1, 0x0c000122, 0x01c0003f, 0x3f, 0);
		ok &= regs_are(&m, 4, 2, 0x0c000143, 0x03c0003f, 0x3ff, 0);
		ok &= regs_are(&m, 4, 3, 0x0c00c163, 0x0280003f, 0x2fff, 4);
		ok &= regs_are(&m, 4, 4, 0, 0, 0, 0);
		ok &= regs_are(&m, 0xb, 0, 0, 0, 0, 0);
		ok &= regs_are(&m, 2, 0, 0x76036301, 0x00f0b5ff, 0,
			       0x00c30000);
		ok &= regs_are(&m, 0x80000002, 0, 0x65746e49, 0x2952286c,
			       0x726f4320, 0x4d542865);
		ok &= regs_are(&m, 0x80000008, 0, 0x3028, 0, 0, 0);
		ok &= regs_are(&m, 0x80000007, 0, 0, 0, 0, 0x100);
	}
	/* One vCPU: no HTT, one logical processor, no sharing. */
	o.nr_cpus = 1;
	if (!build(&m, &host_skylake, &o, 0))
		return false;
	e = find(&m, 1, 0);
	ok &= EXPECT(e && e->ebx == 0x00010800 && !(e->edx & (1u << 28)));
	ok &= regs_are(&m, 4, 3, 0x00000163, 0x0280003f, 0x2fff, 4);
	/* Bad vCPU numbers, and a table too small. */
	ok &= EXPECT(cpu_model_build(m.e, ARRAY_SIZE(m.e), &host_skylake, &o,
				     1) == -EINVAL);
	o.nr_cpus = 0;
	ok &= EXPECT(cpu_model_build(m.e, ARRAY_SIZE(m.e), &host_skylake, &o,
				     0) == -EINVAL);
	o.nr_cpus = 1;
	ok &= EXPECT(cpu_model_build(m.e, 5, &host_skylake, &o, 0) ==
		     -ENOSPC);
	return ok;
}

/*
 * Linux 6.1's native_calibrate_tsc() on leaf 0x15, in its 32-bit
 * unsigned arithmetic: the TSC's kHz, and the APIC timer's count per
 * tick at HZ = 250 (Debian's).
 */
static unsigned int linux_tsc_khz(const struct tvmm_cpuid_entry *e,
				  unsigned int *lapic_timer_period)
{
	unsigned int eax_denominator = e->eax, ebx_numerator = e->ebx;
	unsigned int crystal_khz = e->ecx / 1000;

	*lapic_timer_period = crystal_khz * 1000 / 250;
	return crystal_khz * ebx_numerator / eax_denominator;
}

bool test_cpuid_tsc_leaves(void)
{
	static const struct {
		__u32 khz, ratio, mhz;
	} cases[] = {
		{ 100000, 1, 100 },		/* the test machine's */
		{ 2099999, 1, 2100 },
		{ 4290000, 1, 4290 },		/* 4.29 GHz */
		{ 4294967, 1, 4295 },		/* the last under 2^32 Hz */
		{ 4294968, 2, 4295 },
		{ 4300001, 2, 4300 },		/* odd: 1 kHz is lost */
		{ 6000000, 2, 6000 },
	};
	struct cpu_model_opts o = { .nr_cpus = 1 };
	const struct tvmm_cpuid_entry *e;
	unsigned int i, khz, period;
	struct model m;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		o.tsc_khz = cases[i].khz;
		if (!build(&m, &host_skylake, &o, 0))
			return false;
		e = find(&m, 0x15, 0);
		if (!EXPECT(e && e->eax == 1 && e->ebx == cases[i].ratio))
			return false;
		ok &= EXPECT(cpu_model_tsc_ratio(o.tsc_khz) == cases[i].ratio);
		ok &= EXPECT(cpu_model_crystal_hz(o.tsc_khz) == e->ecx);
		/* Linux multiplies the crystal's kHz by 1000 in 32 bits. */
		ok &= EXPECT((__u64)(e->ecx / 1000) * 1000 < 1ull << 32);
		khz = linux_tsc_khz(e, &period);
		ok &= EXPECT(khz <= o.tsc_khz && o.tsc_khz - khz < cases[i].ratio);
		ok &= EXPECT(period == (__u64)e->ecx / 1000 * 1000 / 250);
		ok &= regs_are(&m, 0x16, 0, cases[i].mhz, cases[i].mhz, 100, 0);
		if (!ok)
			ksft_print_msg("TSC %u kHz: 0x15 %u/%u %u Hz, Linux %u kHz\n",
				       o.tsc_khz, e->ebx, e->eax, e->ecx, khz);
	}
	/* 4.29 GHz exactly as Linux will read it. */
	o.tsc_khz = 4290000;
	if (!build(&m, &host_skylake, &o, 0))
		return false;
	ok &= regs_are(&m, 0x15, 0, 1, 1, 4290000000u, 0);
	ok &= EXPECT(linux_tsc_khz(find(&m, 0x15, 0), &period) == 4290000);
	ok &= EXPECT(period == 17160000);
	/* Measured here: a rate, however rough. */
	ok &= EXPECT(cpu_model_calibrate_tsc_khz(20) > 0);
	return ok;
}
