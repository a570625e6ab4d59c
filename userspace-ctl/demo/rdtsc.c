// SPDX-License-Identifier: GPL-2.0
/*
 * demo rdtsc: the guest's time-stamp counter (demos/rdtsc.c) is the
 * host's plus an offset the VMM sets (TVMM_SET_TSC_OFFSET), added by the
 * CPU on each RDTSC without an exit (SDM Vol. 3C, 27.3 "Changes to
 * Instruction Behavior in VMX Non-Root Operation", RDTSC); then, with
 * RDTSC exiting (TVMM_SET_INTERCEPTS), each RDTSC exits and tvmm.ko
 * answers the same value.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "demo/demo.h"
#include "lib/tvmm_dev.h"

#define TSC_JUMP	1000000000000LL		/* 10^12 cycles */

struct tsc_priv {
	__s64 offset;			/* the offset of the current step */
	bool intercepts;		/* TVMM_CAP_INTERCEPTS */
};

static int tsc_set_exiting(struct demo_vm *vm)
{
	struct tvmm_intercepts i = { .flags = TVMM_INTERCEPT_RDTSC };

	if (ioctl(demo_vm_vcpu_fd(vm), TVMM_SET_INTERCEPTS, &i))
		return -errno;
	return 0;
}

static int tsc_set_offset(struct demo_vm *vm, __s64 offset)
{
	struct tvmm_tsc_offset o = { .offset = offset };

	if (ioctl(vm->vmm.vm_fd, TVMM_SET_TSC_OFFSET, &o))
		return -errno;
	return 0;
}

/* The guest's reading, less the offset, falls within the step. */
static bool tsc_in_window(struct demo_vm *vm, __u64 guest, __s64 offset)
{
	__u64 host = guest - offset;

	return host >= vm->tsc_begin && host <= vm->tsc_end;
}

/*
 * Before the guest runs: an offset that starts the guest's clock at 0,
 * when the CPU can offset the TSC at all.
 */
static int tsc_setup(struct demo_vm *vm)
{
	struct tsc_priv *p = vm->priv;
	struct tvmm_vmx_caps caps;
	int ret;

	if (tvmm_get_vmx_caps(&vm->vmm.dev, &caps) ||
	    !(caps.features & (1ULL << TVMM_VMX_TSC_OFFSET))) {
		demo_para(vm->ctx,
			  "This CPU cannot offset the TSC: nothing to show.");
		return DEMO_SKIP;
	}
	p->offset = -(__s64)demo_host_rdtsc();
	ret = tsc_set_offset(vm, p->offset);
	if (ret) {
		fprintf(stderr, "tvmmctl: demo rdtsc: TVMM_SET_TSC_OFFSET: %s\n",
			strerror(-ret));
		return ret;
	}
	p->intercepts = tvmm_check_extension(&vm->vmm.dev,
					     TVMM_CAP_INTERCEPTS) > 0;
	return 0;
}

/*
 * What every step shows: the guest's two readings, against the host's
 * TSC at the step's BEGIN and END.
 */
static void tsc_saw(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	struct tsc_priv *p = vm->priv;
	__u64 tsc = demo_vm_value(vm, "tsc");
	__u64 again = demo_vm_value(vm, "tsc_again");
	bool in = tsc_in_window(vm, tsc, p->offset);

	demo_item(ctx, "guest saw",
		  "%llu, then %llu. Less the offset, %llu: between the host's TSC at the step's start (%llu) and end (%llu)%s.",
		  (unsigned long long)tsc, (unsigned long long)again,
		  (unsigned long long)(tsc - p->offset),
		  (unsigned long long)vm->tsc_begin,
		  (unsigned long long)vm->tsc_end, in ? "" : ": NOT");
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, tsc, "guest_tsc%u", vm->step);
	demo_fact(ctx, DEMO_FACT_INT, p->offset, "tsc_offset%u", vm->step);
	demo_check(ctx, in,
		   "guest TSC = host TSC + offset, within the step");
	demo_check(ctx, again > tsc, "the guest's TSC goes forward");
}

/* Step 1: the offset starts the guest's clock at 0. */
static int tsc_from_zero(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	struct tsc_priv *p = vm->priv;

	demo_item(ctx, "guest", "RDTSC, twice.");
	demo_item(ctx, "trapped",
		  "Nothing: tvmm turns on \"use TSC offsetting\" and leaves \"RDTSC exiting\" off (SDM Vol. 3C, 25.6.2). RDTSC is sensitive: it reads a host counter, which tells a guest how long the host kept it waiting and differs between hosts. The offset virtualizes it in hardware: the guest reads host TSC + offset, at native speed.");
	demo_item(ctx, "VMM",
		  "Before the first run tvmmctl set the offset to %lld, minus the host's TSC then: the guest's clock starts near 0, as on a machine just powered on.",
		  (long long)p->offset);
	tsc_saw(vm);
	demo_check(ctx, !vm->exits[TVMM_VMX_EXIT_RDTSC], "RDTSC took no exit");
	/* For the next step: the guest's clock jumps ahead. */
	p->offset += TSC_JUMP;
	return tsc_set_offset(vm, p->offset);
}

/* Step 2: the VMM moves the guest's clock ahead. */
static int tsc_moved(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	struct tsc_priv *p = vm->priv;

	demo_item(ctx, "guest", "RDTSC, twice, after the VMM moved its clock.");
	demo_item(ctx, "trapped", "Nothing.");
	demo_item(ctx, "VMM",
		  "At the last report tvmmctl added 10^12 to the offset (%lld now), as a VMM does when it brings a guest in from a host whose TSC was ahead, so that the guest's time never goes back.",
		  (long long)p->offset);
	tsc_saw(vm);
	demo_check(ctx, !vm->exits[TVMM_VMX_EXIT_RDTSC], "RDTSC took no exit");
	/* For the next step: RDTSC exits, if tvmm.ko can do it. */
	if (!p->intercepts) {
		demo_para(ctx,
			  "This tvmm.ko cannot make RDTSC exit (no TVMM_CAP_INTERCEPTS): the demo ends here.");
		return VMM_HOOK_STOP;
	}
	return tsc_set_exiting(vm);
}

/* Step 3: RDTSC exits, and tvmm.ko answers the same. */
static int tsc_exiting(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;

	demo_item(ctx, "guest", "RDTSC, twice, the same instructions.");
	demo_item(ctx, "trapped",
		  "Both: at the last report tvmmctl asked for RDTSC exiting (TVMM_SET_INTERCEPTS). A VMM does so to control what the guest reads (to slow its time, to hide a pause) or, here, to watch.");
	demo_item(ctx, "VMM",
		  "tvmm.ko emulated each RDTSC in the kernel with what the CPU would have given: host TSC + offset. tvmmctl saw no exit.");
	tsc_saw(vm);
	demo_fact(ctx, DEMO_FACT_UINT, vm->exits[TVMM_VMX_EXIT_RDTSC],
		  "rdtsc_exits");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_RDTSC] == 2,
		   "RDTSC exiting: one exit per RDTSC (%llu for 2)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_RDTSC]);
	return 0;
}

/* The steps of demos/rdtsc.c, in its order. */
static const demo_step_fn tsc_steps[] = {
	tsc_from_zero,
	tsc_moved,
	tsc_exiting,
};

const struct demo demo_rdtsc = {
	.name		= "rdtsc",
	.summary	= "TSC offsetting, and RDTSC exiting on request",
	.title		= "time: TSC offsetting",
	.intro		=
		"The time-stamp counter counts the CPU's cycles since power-on. A guest must see its own: one that started when the guest did, and that never jumps back when the guest moves to another host.",
	.image		= DEMO_IMAGE(rdtsc),
	.guests		= { {
		.mem		= 1 << 20,
		.priv_size	= sizeof(struct tsc_priv),
		.setup		= tsc_setup,
		.steps		= tsc_steps,
		.nr_steps	= ARRAY_SIZE(tsc_steps),
	} },
};
