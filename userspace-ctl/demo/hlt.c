// SPDX-License-Identifier: GPL-2.0
/*
 * demo hlt: the guest halts (demos/hlt.c); each HLT exits, and the CPU is
 * the host's until the VMM runs the guest again.
 */
#include <time.h>

#include "demo/demo.h"

#define HLT_SLEEP_MS	10

struct hlt_priv {
	unsigned int halts;
	__u64 rip[4];
};

static int hlt_exit(struct demo_vm *vm)
{
	struct hlt_priv *p = vm->priv;
	struct timespec ts = { 0, HLT_SLEEP_MS * 1000000L };
	struct tvmm_regs regs;

	if (demo_vm_run_area(vm)->exit_reason != TVMM_EXIT_HLT)
		return VMM_HOOK_PASS;
	if (p->halts < 4 && !vmm_get_regs(&vm->vmm, &regs))
		p->rip[p->halts] = regs.rip;
	p->halts++;
	demo_vm_action(vm,
		       "has the CPU back: sleeps %d ms (as for a timer), then resumes",
		       HLT_SLEEP_MS);
	nanosleep(&ts, NULL);
	return VMM_HOOK_HANDLED;
}

/* Step 1: each HLT gives the CPU back to tvmmctl. */
static int hlt_halts(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	struct hlt_priv *p = vm->priv;
	__u64 halts = demo_vm_value(vm, "halts");

	demo_item(ctx, "guest",
		  "CLI; HLT, %llu times: nothing to do until an interrupt, and interrupts are off.",
		  (unsigned long long)halts);
	demo_item(ctx, "trapped",
		  "HLT exits because tvmm sets \"HLT exiting\" (SDM Vol. 3C, 25.6.2). It is sensitive: on the real CPU it would stop the physical processor, the host's, until an interrupt; with interrupts off, for good.");
	demo_item(ctx, "VMM",
		  "tvmm.ko returned from TVMM_RUN with exit reason HLT, RIP already past the instruction. The guest's vCPU is now just a thread of tvmmctl that is not running the guest: the host may run anything else on the CPU. tvmmctl waited %d ms each time (a VMM would wait for the guest's next interrupt) and ran the guest on.",
		  HLT_SLEEP_MS);
	demo_item(ctx, "guest saw",
		  "each HLT return, the next instruction running; its longest HLT lasted %llu TSC cycles.",
		  (unsigned long long)demo_vm_value(vm, "longest_halt_cycles"));
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, p->halts, "hlt_userspace_exits");
	demo_check(ctx, p->halts == halts &&
		   vm->exits[TVMM_VMX_EXIT_HLT] == halts,
		   "one HLT exit per HLT, each to tvmmctl (%u, %llu for %llu)",
		   p->halts, (unsigned long long)vm->exits[TVMM_VMX_EXIT_HLT],
		   (unsigned long long)halts);
	demo_check(ctx, p->halts >= 2 && p->rip[0] == p->rip[1],
		   "each exit leaves RIP past the same HLT");
	return 0;
}

/* The steps of demos/hlt.c: one. */
static const demo_step_fn hlt_steps[] = {
	hlt_halts,
};

const struct demo demo_hlt = {
	.name		= "hlt",
	.summary	= "the guest halts and the VMM takes the CPU back",
	.title		= "the guest halts, the VMM takes the CPU back",
	.intro		=
		"An idle kernel executes HLT: the processor sleeps until the next interrupt. A guest's HLT must not put the host's processor to sleep; it tells the VMM that this virtual CPU has nothing to do.",
	.image		= DEMO_IMAGE(hlt),
	.guests		= { {
		.mem		= 1 << 20,
		.priv_size	= sizeof(struct hlt_priv),
		.on_exit	= hlt_exit,
		.steps		= hlt_steps,
		.nr_steps	= ARRAY_SIZE(hlt_steps),
	} },
};
