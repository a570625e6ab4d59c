// SPDX-License-Identifier: GPL-2.0
/*
 * migration_test - a vCPU moves between host CPUs, between runs and in the
 * middle of one, and its guest never notices.
 *
 * kmod/vmx/run.c: a session runs with preemption disabled on one CPU; when
 * the host needs the CPU (need_resched) the session ends and TVMM_RUN goes
 * on, maybe elsewhere, where the vCPU's VMCS must be cleared on the old
 * CPU and loaded on the new one (SDM Vol. 3C, 25.11.1 "Software Use of
 * Virtual-Machine Control Structures": a VMCS is launched on one processor
 * at a time; VMCLEAR before it moves). Both ways of moving, here:
 *  - between runs: the vCPU thread sets its own affinity to the other CPU
 *    after every exit;
 *  - during runs: another thread flips the vCPU thread's affinity while
 *    the guest computes, with a ucall now and then.
 * The guest's computation (registers and memory) comes out right.
 *
 * Needs 2 CPUs. Every thread spins rather than sleeps.
 */
#include <pthread.h>
#include <sched.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define STEPS		40
#define ITERATIONS	200000
/* Between two flips: the emulator's clock is too coarse to count on. */
#define FLIP_SPINS	2000
#define MIN_FLIPS	4

static __u64 step_value(__u64 x, __u64 step)
{
	__u64 i;

	for (i = 0; i < ITERATIONS; i++)
		x = (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ULL + step + i;
	return x;
}

/* Per step, the value so far, kept in a register across the loop. */
static void guest_compute(void)
{
	__u64 x = 1, step;

	for (step = 1; step <= STEPS; step++) {
		x = step_value(x, step);
		GUEST_SYNC(step, x);
	}
	GUEST_DONE();
}

/* Two online CPUs to move between, or skip. */
static bool two_cpus(int cpus[2])
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return false;
	for (cpu = 0; cpu < CPU_SETSIZE && n < 2; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	return n == 2;
}

FIXTURE(mig) {
	int cpus[2];
};

FIXTURE_SETUP(mig)
{
	TVMM_REQUIRE_MODULE();
	if (!two_cpus(self->cpus))
		TVMM_SKIP("needs 2 CPUs");
}

FIXTURE_TEARDOWN(mig)
{
}

TEST_F_TIMEOUT(mig, moved_between_runs, 300)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 x = 1, step;
	int cpu;

	ASSERT_EQ(0, pin_thread(pthread_self(), self->cpus[0]));
	vm = vm_create_with_one_vcpu(&vcpu, guest_compute);
	for (step = 1; step <= STEPS; step++) {
		cpu = self->cpus[step % 2];
		ASSERT_EQ(0, pin_thread(pthread_self(), cpu));
		x = step_value(x, step);
		EXPECT_EQ(x, vcpu_run_expect_sync(vcpu, step)) {
			TH_LOG("step %llu", (unsigned long long)step);
		}
		EXPECT_EQ(cpu, sched_getcpu());
	}
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

struct runner {
	struct tvmm_vcpu *vcpu;
	__u64 results[STEPS + 1];
	unsigned long cpus_seen;
	bool done;
};

static void *run_vcpu(void *arg)
{
	struct runner *r = arg;
	__u64 step;

	for (step = 1; step <= STEPS; step++) {
		r->results[step] = vcpu_run_expect_sync(r->vcpu, step);
		r->cpus_seen |= 1UL << (sched_getcpu() % 64);
	}
	vcpu_run_expect_done(r->vcpu);
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F_TIMEOUT(mig, moved_during_runs, 300)
{
	struct runner r = {};
	unsigned long flips = 0;
	struct tvmm_vm *vm;
	pthread_t thread;
	__u64 x = 1, step;
	double start;
	int i;

	vm = vm_create_with_one_vcpu(&r.vcpu, guest_compute);
	start = now_seconds();
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_vcpu, &r));
	/* Flip, spin a little, flip: both CPUs stay busy. */
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
		ASSERT_EQ(0, pin_thread(thread, self->cpus[flips % 2]));
		flips++;
		for (i = 0; i < FLIP_SPINS; i++)
			if (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
				break;
	}
	ASSERT_EQ(0, pthread_join(thread, NULL));
	for (step = 1; step <= STEPS; step++) {
		x = step_value(x, step);
		EXPECT_EQ(x, r.results[step]) {
			TH_LOG("step %llu", (unsigned long long)step);
		}
	}
	ksft_print_msg("%lu affinity flips in %.3f s, CPUs seen after exits %#lx\n",
		       flips, now_seconds() - start, r.cpus_seen);
	EXPECT_LE(MIN_FLIPS, flips);
	EXPECT_EQ((1UL << self->cpus[0]) | (1UL << self->cpus[1]),
		  r.cpus_seen);
	vm_free(vm);
}

TEST_HARNESS_MAIN
