// SPDX-License-Identifier: GPL-2.0
/*
 * demo hypercall: VMCALL as the guest's call to its VMM (demos/hypercall.c).
 * tvmmctl answers the demo's hypercalls (demos/demo_abi.h); TVMM_HC_NOP is
 * answered by tvmm.ko itself when it handles hypercalls in the kernel.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo/demo.h"
#include "lib/tvmm_dev.h"
#include "uapi/tvmm_para.h"

struct hc_priv {
	unsigned int calls;		/* hypercalls tvmmctl answered */
	__u64 last_nr;
	__u64 ping_cycles;		/* step 1, the guest's measure */
	bool kernel_hc;			/* TVMM_CAP_KERNEL_HYPERCALLS */
};

/* tvmmctl's answer to hypercall @nr: the guest's RAX. */
static __u64 hc_answer(__u64 nr, const __u64 *args)
{
	switch (nr) {
	case DEMO_HC_PING:
		return args[0] + 1;
	case DEMO_HC_HOST_CPUS:
		return sysconf(_SC_NPROCESSORS_ONLN);
	case DEMO_HC_HOST_TIME:
		return time(NULL);
	case TVMM_HC_NOP:
		return 0;	/* tvmm.ko's answer, when it leaves it to us */
	default:
		return -(__u64)DEMO_HC_ENOSYS;
	}
}

static int hc_exit(struct demo_vm *vm)
{
	struct hc_priv *p = vm->priv;
	struct tvmm_run *run = demo_vm_run_area(vm);

	if (run->exit_reason != TVMM_EXIT_HYPERCALL)
		return VMM_HOOK_PASS;
	run->hypercall.ret = hc_answer(run->hypercall.nr, run->hypercall.args);
	p->calls++;
	p->last_nr = run->hypercall.nr;
	demo_vm_action(vm, "hypercall 0x%llx (RBX 0x%llx): answers RAX = 0x%llx",
		       (unsigned long long)run->hypercall.nr,
		       (unsigned long long)run->hypercall.args[0],
		       (unsigned long long)run->hypercall.ret);
	return VMM_HOOK_HANDLED;
}

static int hc_begin(struct demo_vm *vm)
{
	struct hc_priv *p = vm->priv;

	p->calls = 0;
	return 0;
}

/* Whether tvmm.ko answers some hypercalls itself (the nop step). */
static int hc_setup(struct demo_vm *vm)
{
	struct hc_priv *p = vm->priv;

	p->kernel_hc = tvmm_check_extension(&vm->vmm.dev,
					    TVMM_CAP_KERNEL_HYPERCALLS) > 0;
	return 0;
}

/* Step 1: a hypercall tvmmctl answers. */
static int hc_ping(struct demo_vm *vm)
{
	struct hc_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 ping = demo_vm_value(vm, "ping");

	demo_item(ctx, "guest", "VMCALL with RAX = 0x%x (ping), RBX = 41.",
		  DEMO_HC_PING);
	demo_item(ctx, "trapped",
		  "VMCALL always exits in VMX non-root operation (SDM Vol. 3C, 26.1.2): it exists to call the VMM. It is not a sensitive instruction the guest stumbles on: it is the guest asking, as a program asks its kernel with SYSCALL. Outside a VM it is #UD.");
	demo_item(ctx, "VMM",
		  "tvmm.ko does not know the number: it returns from TVMM_RUN with exit reason HYPERCALL, the number and RBX, RCX, RDX, RSI, RDI. tvmmctl wrote its answer in run->hypercall.ret; tvmm.ko put it in RAX and moved RIP past the VMCALL.");
	demo_item(ctx, "guest saw", "RAX = %llu.", (unsigned long long)ping);
	demo_vm_cost(vm, "the call, round trip to tvmmctl included");
	demo_fact(ctx, DEMO_FACT_UINT, ping, "ping");
	p->ping_cycles = demo_vm_value(vm, "cycles");
	demo_check(ctx, ping == 42, "ping 41 answers 42 (%llu)",
		   (unsigned long long)ping);
	demo_check(ctx, p->calls == 1 && vm->exits[TVMM_VMX_EXIT_VMCALL] == 1,
		   "one VMCALL, one exit, to tvmmctl");
	return 0;
}

/* Step 2: hypercalls for what only the host knows. */
static int hc_host(struct demo_vm *vm)
{
	struct hc_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 cpus = demo_vm_value(vm, "host_cpus");
	long host = sysconf(_SC_NPROCESSORS_ONLN);
	__u64 t = demo_vm_value(vm, "host_time");

	demo_item(ctx, "guest",
		  "Two VMCALLs: the host's number of CPUs, the host's time.");
	demo_item(ctx, "VMM",
		  "tvmmctl answered from the host: sysconf() and time(). This is how a para-virtual clock or balloon driver learns what only the host knows.");
	demo_item(ctx, "guest saw", "%llu CPU(s); UNIX time %llu.",
		  (unsigned long long)cpus, (unsigned long long)t);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, cpus, "guest_host_cpus");
	demo_check(ctx, cpus == (__u64)host, "the guest got the host's %ld CPUs",
		   host);
	demo_check(ctx, p->calls == 2 && vm->exits[TVMM_VMX_EXIT_VMCALL] == 2,
		   "two VMCALL exits");
	return 0;
}

/* Step 3: a number no one defined: -ENOSYS. */
static int hc_unknown(struct demo_vm *vm)
{
	struct hc_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__s64 ret = demo_vm_value(vm, "unknown_ret");

	demo_item(ctx, "guest", "VMCALL with a number no one defined (0x%llx).",
		  (unsigned long long)p->last_nr);
	demo_item(ctx, "VMM",
		  "tvmmctl answered -ENOSYS, as a kernel answers an unknown system call: the guest must be able to ask what its VMM offers.");
	demo_item(ctx, "guest saw", "RAX = %lld.", (long long)ret);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_INT, ret, "unknown_ret");
	demo_check(ctx, ret == -DEMO_HC_ENOSYS, "an unknown number gets -%d",
		   DEMO_HC_ENOSYS);
	return 0;
}

/* Step 4: a hypercall tvmm.ko may answer itself. */
static int hc_nop(struct demo_vm *vm)
{
	struct hc_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 cycles = demo_vm_value(vm, "cycles");
	__s64 ret = demo_vm_value(vm, "nop_ret");

	demo_item(ctx, "guest", "VMCALL with RAX = %d (TVMM_HC_NOP).",
		  TVMM_HC_NOP);
	if (p->kernel_hc)
		demo_item(ctx, "VMM",
			  "tvmm.ko answered it in the kernel and entered the guest again: no return to tvmmctl. A hypercall the kernel handles costs one exit and no trip to userspace.");
	else
		demo_item(ctx, "VMM",
			  "This tvmm.ko does not handle hypercalls in the kernel yet (no TVMM_CAP_KERNEL_HYPERCALLS): tvmmctl answered 0 for it.");
	demo_item(ctx, "guest saw", "RAX = %lld.", (long long)ret);
	demo_vm_cost(vm, "the call");
	demo_item(ctx, "compared",
		  "%llu TSC cycles for this call, %llu for the ping that went to tvmmctl and back.",
		  (unsigned long long)cycles,
		  (unsigned long long)p->ping_cycles);
	demo_fact(ctx, DEMO_FACT_UINT, p->calls, "nop_userspace_exits");
	demo_fact(ctx, DEMO_FACT_BOOL, p->kernel_hc, "kernel_hypercalls");
	demo_check(ctx, ret == 0, "TVMM_HC_NOP returns 0");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_VMCALL] == 1,
		   "one VMCALL exit");
	demo_check(ctx, p->calls == (p->kernel_hc ? 0 : 1),
		   "%s", p->kernel_hc ? "tvmm.ko kept it in the kernel" :
		   "it came to tvmmctl");
	return 0;
}

/* The steps of demos/hypercall.c, in its order. */
static const demo_step_fn hc_steps[] = {
	hc_ping,
	hc_host,
	hc_unknown,
	hc_nop,
};

const struct demo demo_hypercall = {
	.name		= "hypercall",
	.summary	= "VMCALL as a para-virtual interface",
	.title		= "VMCALL, a para-virtual interface",
	.intro		=
		"A guest that knows it runs under a VMM can simply ask it for things: a hypercall is to the VMM what a system call is to a kernel. Intel's instruction for it is VMCALL.",
	.image		= DEMO_IMAGE(hypercall),
	.guests		= { {
		.mem		= 1 << 20,
		.priv_size	= sizeof(struct hc_priv),
		.setup		= hc_setup,
		.on_exit	= hc_exit,
		.on_begin	= hc_begin,
		.steps		= hc_steps,
		.nr_steps	= ARRAY_SIZE(hc_steps),
	} },
};
