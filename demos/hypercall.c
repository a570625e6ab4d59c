// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall - VMCALL, the guest's system call to its VMM: a number in
 * RAX, arguments in RBX, RCX, RDX, the answer in RAX. Calls tvmmctl
 * answers (ping, the host's CPUs and time), one it does not know, and
 * TVMM_HC_NOP, which tvmm.ko answers without leaving the kernel.
 */
#include "demos/rt.h"
#include "uapi/tvmm_para.h"

static __u64 timed_vmcall(__u64 nr, __u64 arg, __u64 *cycles)
{
	__u64 t = rdtsc(), ret;

	ret = vmcall(nr, arg, 0, 0);
	*cycles = rdtsc() - t;
	return ret;
}

void demo_main(__u64 arg)
{
	__u64 ret, t;

	demo_begin("ping: RBX = 41, the VMM answers RBX + 1");
	ret = timed_vmcall(DEMO_HC_PING, 41, &t);
	demo_fact("ping", ret);
	demo_fact("cycles", t);
	demo_end();

	demo_begin("ask the host how many CPUs it has, and the time");
	ret = timed_vmcall(DEMO_HC_HOST_CPUS, 0, &t);
	demo_fact("host_cpus", ret);
	demo_fact("host_time", vmcall(DEMO_HC_HOST_TIME, 0, 0, 0));
	demo_end();

	demo_begin("a hypercall number the VMM does not know");
	ret = timed_vmcall(DEMO_HC_BASE + 0x77, 0, &t);
	demo_fact_int("unknown_ret", (__s64)ret);
	demo_end();

	demo_begin("TVMM_HC_NOP: answered inside tvmm.ko");
	ret = timed_vmcall(TVMM_HC_NOP, 0, &t);
	demo_fact_int("nop_ret", (__s64)ret);
	demo_fact("cycles", t);
	demo_end();
}
