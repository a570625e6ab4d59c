// SPDX-License-Identifier: GPL-2.0
/*
 * demo equivalence: the same C code (demos/compute.c) inside the guest
 * and natively in tvmmctl. Popek and Goldberg's requirements of a VMM: a
 * program behaves the same under it as on the machine (equivalence), and
 * most of its instructions run directly on the CPU (efficiency).
 */
#include <errno.h>
#include <stdlib.h>

#include "demo/demo.h"
#include "demos/compute.h"

/* Step 1: the same computation in the guest and natively. */
static int eq_compute(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	__u64 hash = demo_vm_value(vm, "hash");
	__u64 primes = demo_vm_value(vm, "primes");
	__u64 cycles = demo_vm_value(vm, "cycles");
	__u64 native_hash, native_primes, native_cycles, t, others = 0;
	__u8 *sieve = malloc(COMPUTE_LIMIT);
	unsigned int i;

	if (!sieve)
		return -ENOMEM;
	t = demo_host_rdtsc();
	native_hash = demo_compute(sieve, &native_primes);
	native_cycles = demo_host_rdtsc() - t;
	free(sieve);
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++)
		if (i != TVMM_VMX_EXIT_EXTERNAL_INTERRUPT &&
		    i != TVMM_VMX_EXIT_PREEMPTION_TIMER)
			others += vm->exits[i];

	demo_item(ctx, "guest",
		  "demo_compute(): the sieve of Eratosthenes below %d, then an FNV-1a hash of the primes. Loads, stores, arithmetic, branches: nothing sensitive.",
		  COMPUTE_LIMIT);
	demo_item(ctx, "trapped",
		  "Nothing the guest did. The exits in the step, if any, are the host's: its interrupts, and the VMX-preemption timer tvmm arms so that the host's scheduler keeps its CPU.");
	demo_item(ctx, "native",
		  "tvmmctl ran the same function: %llu primes, hash 0x%llx, in %llu TSC cycles.",
		  (unsigned long long)native_primes,
		  (unsigned long long)native_hash,
		  (unsigned long long)native_cycles);
	demo_item(ctx, "guest saw",
		  "%llu primes, hash 0x%llx, in %llu TSC cycles: %llu.%02llu times the native time.",
		  (unsigned long long)primes, (unsigned long long)hash,
		  (unsigned long long)cycles,
		  (unsigned long long)(native_cycles ? cycles / native_cycles : 0),
		  (unsigned long long)(native_cycles ?
				       cycles * 100 / native_cycles % 100 : 0));
	demo_vm_cost(vm, "the whole computation");
	demo_fact(ctx, DEMO_FACT_HEX, hash, "guest_hash");
	demo_fact(ctx, DEMO_FACT_HEX, native_hash, "native_hash");
	demo_fact(ctx, DEMO_FACT_UINT, primes, "guest_primes");
	demo_fact(ctx, DEMO_FACT_UINT, native_primes, "native_primes");
	demo_fact(ctx, DEMO_FACT_UINT, cycles, "guest_cycles");
	demo_fact(ctx, DEMO_FACT_UINT, native_cycles, "native_cycles");
	demo_fact(ctx, DEMO_FACT_UINT, others, "guest_exits");
	demo_check(ctx, hash == native_hash && primes == native_primes,
		   "equivalence: the guest's result is the native one");
	demo_check(ctx, primes == 17984,
		   "17984 primes below 200000 (%llu)",
		   (unsigned long long)primes);
	demo_check(ctx, others == 0,
		   "efficiency: no exit of the guest's own while it computed (%llu)",
		   (unsigned long long)others);
	return 0;
}

/* The steps of demos/equivalence.c: one. */
static const demo_step_fn eq_steps[] = {
	eq_compute,
};

const struct demo demo_equivalence = {
	.name		= "equivalence",
	.summary	= "the same C code in the guest and natively",
	.title		= "the same program, in the guest and on the host",
	.intro		=
		"Popek and Goldberg (1974) asked three things of a virtual machine monitor: a program must behave under it as on the real machine (equivalence); most of its instructions must run directly on the processor (efficiency); and the VMM keeps control of the resources (see resource-control). VT-x was built so that x86 could meet them.",
	.image		= DEMO_IMAGE(equivalence),
	.guests		= { {
		.mem		= 1 << 20,
		.steps		= eq_steps,
		.nr_steps	= ARRAY_SIZE(eq_steps),
	} },
};
