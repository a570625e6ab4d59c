// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid - the guest asks the CPU who it is: the vendor (leaf 0), the
 * features (leaf 1: the VMX and "hypervisor" bits) and the hypervisor's
 * own leaf (0x40000000). Every CPUID exits to tvmm, which answers.
 */
#include "demos/rt.h"
#include "uapi/tvmm_para.h"

#define CPUID_1_ECX_VMX		5
#define CPUID_1_ECX_HYPERVISOR	31

/* Three registers as the 12 characters CPUID returns in them. */
static void regs_to_str(char *s, __u32 a, __u32 b, __u32 c)
{
	memcpy(s, &a, 4);
	memcpy(s + 4, &b, 4);
	memcpy(s + 8, &c, 4);
	s[12] = '\0';
}

/* One CPUID, timed by the guest: the exit is in the time. */
static __u64 timed_cpuid(__u32 leaf, __u32 r[4])
{
	__u64 t = rdtsc();

	cpuid(leaf, 0, r);
	return rdtsc() - t;
}

void demo_main(__u64 arg)
{
	char s[13];
	__u32 r[4];
	__u64 t;

	demo_begin("leaf 0: which CPU vendor?");
	t = timed_cpuid(0, r);
	regs_to_str(s, r[1], r[3], r[2]);	/* EBX, EDX, ECX */
	demo_fact_str("cpu_vendor", s);
	demo_fact_hex("max_leaf", r[0]);
	demo_fact("cycles", t);
	demo_end();

	demo_begin("leaf 1: which features?");
	t = timed_cpuid(1, r);
	demo_fact_hex("leaf1_ecx", r[2]);
	demo_fact("vmx_bit", (r[2] >> CPUID_1_ECX_VMX) & 1);
	demo_fact("hypervisor_bit", (r[2] >> CPUID_1_ECX_HYPERVISOR) & 1);
	demo_fact("cycles", t);
	demo_end();

	demo_begin("leaf 0x40000000: which hypervisor?");
	t = timed_cpuid(TVMM_CPUID_SIGNATURE, r);
	regs_to_str(s, r[1], r[2], r[3]);	/* EBX, ECX, EDX */
	demo_fact_str("hv_signature", s);
	demo_fact_hex("hv_max_leaf", r[0]);
	demo_fact("cycles", t);
	demo_end();
}
