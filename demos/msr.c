// SPDX-License-Identifier: GPL-2.0
/*
 * msr - RDMSR and WRMSR in the guest. The guest writes IA32_LSTAR (where
 * SYSCALL enters the kernel) and reads it back; then it reads an MSR tvmm
 * does not give guests, and its own #GP handler catches the fault tvmm
 * injects.
 */
#include "demos/rt.h"

#define MSR_LSTAR		0xc0000082
#define MSR_IA32_PERF_STATUS	0x198		/* the host's frequency */
#define GUEST_LSTAR		0xffffffff81a00000ULL

void demo_main(__u64 arg)
{
	__u32 lo, hi;
	__u64 val;

	demo_begin("WRMSR, then RDMSR, of IA32_LSTAR");
	wrmsr(MSR_LSTAR, GUEST_LSTAR);
	val = rdmsr(MSR_LSTAR);
	demo_fact_hex("lstar_written", GUEST_LSTAR);
	demo_fact_hex("lstar_read", val);
	demo_end();
	DEMO_ASSERT(val == GUEST_LSTAR);

	demo_set_handler(GP_VECTOR, demo_skip_handler);
	demo_begin("RDMSR of IA32_PERF_STATUS, an MSR tvmm keeps from guests");
	DEMO_INSN("rdmsr", : "=a"(lo), "=d"(hi) : "c"(MSR_IA32_PERF_STATUS));
	demo_fact("gp_count", demo_fault.count);
	demo_fact("gp_vector", demo_fault.vector);
	demo_fact("gp_error_code", demo_fault.error_code);
	demo_fact_hex("gp_rip", demo_fault.rip);
	demo_fact_hex("rdmsr_rip", demo_insn_rip);
	demo_end();
}
