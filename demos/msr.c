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

static __u64 gp_count, gp_vector, gp_error, gp_rip;

extern const char rdmsr_unknown[], rdmsr_unknown_end[];

static void gp_handler(struct demo_frame *f)
{
	gp_count++;
	gp_vector = f->vector;
	gp_error = f->error_code;
	gp_rip = f->rip;
	f->rip = (unsigned long)rdmsr_unknown_end;	/* skip the RDMSR */
}

void demo_main(__u64 arg)
{
	__u64 val;

	demo_begin("WRMSR, then RDMSR, of IA32_LSTAR");
	wrmsr(MSR_LSTAR, GUEST_LSTAR);
	val = rdmsr(MSR_LSTAR);
	demo_fact_hex("lstar_written", GUEST_LSTAR);
	demo_fact_hex("lstar_read", val);
	demo_end();
	DEMO_ASSERT(val == GUEST_LSTAR);

	demo_set_handler(GP_VECTOR, gp_handler);
	demo_begin("RDMSR of IA32_PERF_STATUS, an MSR tvmm keeps from guests");
	asm volatile("mov %[msr], %%ecx\n"
		     "rdmsr_unknown: rdmsr\n"
		     "rdmsr_unknown_end:\n"
		     : : [msr] "i"(MSR_IA32_PERF_STATUS)
		     : "rax", "rcx", "rdx", "memory");
	demo_fact("gp_count", gp_count);
	demo_fact("gp_vector", gp_vector);
	demo_fact("gp_error_code", gp_error);
	demo_fact_hex("gp_rip", gp_rip);
	demo_fact_hex("rdmsr_rip", (unsigned long)rdmsr_unknown);
	demo_end();
}
