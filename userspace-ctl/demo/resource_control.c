// SPDX-License-Identifier: GPL-2.0
/*
 * demo resource-control: the VMM keeps control of the resources it gives
 * (demos/resource_control.c). A guest that never yields the CPU is
 * stopped on time; a guest that writes past its RAM reaches nothing of
 * the host's.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "demo/demo.h"

#define RUNAWAY_MS	100	/* the runaway guest's time */
#define RAM_SIZE	0x100000ULL	/* 1 MiB */
#define CANARY		"tvmmctl's page after the guest's RAM"

/* The second guest's: its MMIO exits, and the page after its RAM. */
struct rc_priv {
	unsigned int mmio;
	char *canary;
};

/* Guest 1, once the VMM has stopped it: how and when. */
static void rc_runaway(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	__u64 host = vm->total[TVMM_VMX_EXIT_EXTERNAL_INTERRUPT] +
		     vm->total[TVMM_VMX_EXIT_PREEMPTION_TIMER];

	demo_item(ctx, "guest",
		  "CLI, then a jump to itself: it never halts, never does I/O, never takes an interrupt. On a real CPU it would own the processor forever.");
	demo_item(ctx, "trapped",
		  "Not its instructions: the host's. tvmm runs guests with \"external-interrupt exiting\" and arms the VMX-preemption timer at each entry (SDM Vol. 3C, 26.5.1), so the host's interrupts and its scheduler's tick always take the CPU back: %llu such exits during the loop.",
		  (unsigned long long)host);
	demo_item(ctx, "VMM",
		  "tvmmctl gave the guest %d ms (as tvmmctl run's --timeout does, in seconds). The timer's signal made TVMM_RUN return -EINTR, and tvmmctl stopped the guest after %llu ms: %s.",
		  RUNAWAY_MS, (unsigned long long)vm->run_ms,
		  vm->stop == VMM_STOP_TIMEOUT ? "timeout" : "NOT a timeout");
	demo_line(ctx, "%s", "");
	demo_fact(ctx, DEMO_FACT_UINT, RUNAWAY_MS, "runaway.timeout_ms");
	demo_fact(ctx, DEMO_FACT_UINT, host, "runaway.host_exits");
	demo_check(ctx, vm->stop == VMM_STOP_TIMEOUT && !vm->done,
		   "the runaway guest was stopped by the timeout");
	demo_check(ctx, vm->step == 1, "the guest reached its loop");
	demo_check(ctx, host > 0,
		   "the host got its CPU back while the guest spun");
}

/* Guest 2, before it runs: host memory right where its RAM ends, to watch. */
static int rc_canary_map(struct demo_vm *vm)
{
	struct rc_priv *p = vm->priv;
	void *end = vm->vmm.ram.hva + vm->vmm.ram.size;
	void *canary = mmap(end, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			    -1, 0);

	if (canary != end) {
		int ret = -errno;

		fprintf(stderr, "tvmmctl: demo resource-control: no page after guest RAM: %s\n",
			strerror(-ret));
		if (canary != MAP_FAILED)
			munmap(canary, 4096);
		return ret;
	}
	p->canary = canary;
	strcpy(p->canary, CANARY);
	return 0;
}

static void rc_canary_unmap(struct demo_vm *vm)
{
	struct rc_priv *p = vm->priv;

	if (p->canary)
		munmap(p->canary, 4096);
}

static int rc_exit(struct demo_vm *vm)
{
	struct rc_priv *p = vm->priv;
	struct tvmm_run *run = demo_vm_run_area(vm);

	if (run->exit_reason != TVMM_EXIT_MMIO)
		return VMM_HOOK_PASS;
	p->mmio++;
	demo_vm_action(vm, "past the guest's RAM, no device: %s",
		       run->mmio.is_write ? "write dropped" : "read as all ones");
	return VMM_HOOK_PASS;	/* vmm.c: reads all ones, writes dropped */
}

/* Guest 2, its step: writes past its RAM reach nothing. */
static int rc_beyond_ram(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	struct rc_priv *p = vm->priv;
	bool intact = !strcmp(p->canary, CANARY);

	demo_item(ctx, "guest",
		  "Writes 0x1a57 to the last word of its 1 MiB of RAM, then writes just past the end (1 MiB) and at 64 MiB, as a kernel that believed a wrong memory map would; then reads all three back.");
	demo_item(ctx, "trapped",
		  "The accesses past the end: the EPT maps the one slot of 1 MiB, and nothing else.");
	demo_item(ctx, "VMM",
		  "tvmmctl had no device there: it dropped the writes and answered the reads with all ones. In tvmmctl's memory, the page right after the guest's RAM still says \"%s\".",
		  p->canary);
	demo_item(ctx, "guest saw",
		  "its own RAM: 0x%llx; past the end: 0x%llx and 0x%llx.",
		  (unsigned long long)demo_vm_value(vm, "last_read"),
		  (unsigned long long)demo_vm_value(vm, "past_read"),
		  (unsigned long long)demo_vm_value(vm, "far_read"));
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, p->mmio, "beyond.mmio_exits");
	demo_fact(ctx, DEMO_FACT_BOOL, intact, "beyond.host_memory_intact");
	demo_check(ctx, demo_vm_value(vm, "last_read") == 0x1a57,
		   "the guest's own RAM works");
	demo_check(ctx, demo_vm_value(vm, "past_read") == ~0ULL &&
		   demo_vm_value(vm, "far_read") == ~0ULL,
		   "past the end of RAM, reads are all ones");
	demo_check(ctx, p->mmio == 4 &&
		   vm->exits[TVMM_VMX_EXIT_EPT_VIOLATION] == 4,
		   "each access past the end exited (%u)", p->mmio);
	demo_check(ctx, intact,
		   "the host's page after the guest's RAM is untouched");
	return 0;
}

/* The steps of demos/resource_control.c's second part: one. */
static const demo_step_fn rc_beyond_steps[] = {
	rc_beyond_ram,
};

const struct demo demo_resource_control = {
	.name		= "resource-control",
	.summary	= "a runaway guest stopped; no memory but its own",
	.title		= "the VMM keeps control of CPU time and memory",
	.intro		=
		"The third requirement of Popek and Goldberg: the VMM stays in control of the resources. A guest gets the processor time and the memory its VMM grants, and cannot take more, whatever it runs. Two guests show it.",
	.image		= DEMO_IMAGE(resource_control),
	.guests		= { {
		.heading	= "Guest 1: CPU time",
		.mem		= RAM_SIZE,
		.arg		= 0,		/* the runaway loop */
		.timeout_ms	= RUNAWAY_MS,
		.end_prefix	= "runaway.",
		.after		= rc_runaway,
	}, {
		.heading	= "Guest 2: memory",
		.mem		= RAM_SIZE,
		.arg		= 1,		/* past the end of RAM */
		.end_prefix	= "beyond.",
		.priv_size	= sizeof(struct rc_priv),
		.setup		= rc_canary_map,
		.teardown	= rc_canary_unmap,
		.on_exit	= rc_exit,
		.steps		= rc_beyond_steps,
		.nr_steps	= ARRAY_SIZE(rc_beyond_steps),
	} },
};
