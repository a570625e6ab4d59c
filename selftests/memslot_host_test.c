// SPDX-License-Identifier: GPL-2.0
/*
 * memslot_host_test - what changing a VM's memory costs the rest of the
 * host (audit-kmod.md, findings 12 and 13).
 *
 * A slot change must leave the guest and invalidate the EPT's cached
 * translations (kmod/vm.c, kmod/ept/ept.c), but only on the CPUs where a
 * vCPU of that VM ever ran: a CPU the VM never touched, an isolated or
 * nohz_full one say, gets no IPI.
 *
 * Finding 13 (rebuilding or unpinning a huge slot without a chance to
 * reschedule) has no test here: the machine cannot show it. The kernel is
 * PREEMPT_VOLUNTARY, and the EPT rebuild already met a rescheduling point
 * in every table allocation (every 512 pages mapped 4 KiB at a time), so
 * only unpinning and 2 MiB-mapped slots lacked one. Pinning costs Bochs
 * about 7 s of guest time per GiB, and a stall another task would notice
 * (the soft-lockup watchdog's 2 s at the least) needs about 8 GiB of
 * slot: minutes of make check for one test, whose outcome would also hang
 * on what else contends for the mm's lock (the unpin's accounting takes
 * mmap_lock, and a test thread that waits on it sleeps there).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define SLOT		TVMM_SLOT_FIRST_FREE
#define IDLE_CPU	1
#define SLOT_CHANGES	100

/* Function-call IPIs CPU @cpu has taken: the "CAL" line of /proc/interrupts. */
static long call_ipis(int cpu)
{
	char line[4096], *p;
	long n = -1;
	FILE *f = fopen("/proc/interrupts", "r");
	int i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, "CAL:", 4))
			continue;
		p += 4;
		for (i = 0; i <= cpu; i++)
			n = strtol(p, &p, 10);
		break;
	}
	fclose(f);
	return n;
}

/* This thread on @cpu only, or the test fails. */
static void pin_to_cpu(int cpu)
{
	int err = pin_thread(pthread_self(), cpu);

	TEST_ASSERT(!err, "cannot pin to CPU%d: %s", cpu, strerror(err));
}

static void guest_done(void)
{
	GUEST_DONE();
}

static int spin_stop;

/*
 * Keeps IDLE_CPU out of its idle loop, where a CPU polling for work is
 * sent no IPI for a function call (it is told through its thread flags),
 * so /proc/interrupts would not count the calls it is made to run.
 */
static void *spin_on_idle_cpu(void *arg)
{
	pin_to_cpu(IDLE_CPU);
	while (!__atomic_load_n(&spin_stop, __ATOMIC_RELAXED))
		;
	return NULL;
}

/* Both tests: tvmm loaded, two CPUs, the test's thread on CPU 0. */
FIXTURE(two_cpus) {
	int unused;
};

FIXTURE_SETUP(two_cpus)
{
	if (online_cpu_count() < 2)
		TVMM_SKIP("needs a second CPU");
	TVMM_REQUIRE_MODULE();
	pin_to_cpu(0);
}

FIXTURE_TEARDOWN(two_cpus)
{
}

/*
 * A VM whose vCPU ran on CPU 0 adds and removes a slot SLOT_CHANGES
 * times: each change used to interrupt every CPU twice (the kick out of
 * the guest and INVEPT), CPU 1 included, which never ran the VM. Now CPU
 * 1 takes none of them; the margin is for the machine's own IPIs.
 */
TEST_F(two_cpus, slot_changes_interrupt_only_cpus_the_vm_ran_on)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	long before, after;
	pthread_t spinner;
	void *mem;
	int i;

	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	vcpu_run_expect_done(vcpu);
	mem = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);

	ASSERT_EQ(0, pthread_create(&spinner, NULL, spin_on_idle_cpu, NULL));
	usleep(100000);
	before = call_ipis(IDLE_CPU);
	ASSERT_LE(0, before);
	for (i = 0; i < SLOT_CHANGES; i++) {
		ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT, 0,
						    TVMM_GPA_TEST_SLOTS,
						    PAGE_SIZE, mem));
		ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT, 0,
						    TVMM_GPA_TEST_SLOTS, 0,
						    NULL));
	}
	after = call_ipis(IDLE_CPU);
	__atomic_store_n(&spin_stop, 1, __ATOMIC_RELAXED);
	pthread_join(spinner, NULL);
	TH_LOG("CPU%d took %ld function-call IPIs over %d slot changes",
	       IDLE_CPU, after - before, 2 * SLOT_CHANGES);
	EXPECT_GT(SLOT_CHANGES / 4, after - before);
	vm_free(vm);
	munmap(mem, PAGE_SIZE);
}

#define OLD_VALUE	0x01d01d01d01d01dULL
#define NEW_VALUE	0x7e57cafe7e57cafeULL

/* Spins until the slot's first word changes: the host swaps its memory. */
static void guest_wait_for_new_memory(void)
{
	__u64 *word = (__u64 *)TVMM_GPA_TEST_SLOTS;

	/* The clobber makes the compiler read the word again each time. */
	while (*word != NEW_VALUE)
		asm volatile("pause" : : : "memory");
	GUEST_DONE();
}

static void *run_on_idle_cpu(void *arg)
{
	pin_to_cpu(IDLE_CPU);
	vcpu_run_expect_done(arg);
	return NULL;
}

/*
 * The other side of the narrowed IPIs: a vCPU in the guest on CPU 1 while
 * CPU 0 replaces the slot it reads. The kick and the INVEPT must reach CPU
 * 1, or on hardware the guest keeps reading the old page through its
 * cached translation, forever. Bochs cannot show that half: a module that
 * invalidated only its own CPU passed here, Bochs's TLB not outliving the
 * VM exit; what it shows is the replacement reaching a running guest.
 */
TEST_F(two_cpus, slot_change_reaches_the_cpu_the_vcpu_runs_on)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	pthread_t runner;
	__u64 *old, *new;

	vm = vm_create_with_one_vcpu(&vcpu, guest_wait_for_new_memory);
	old = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	new = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, old);
	ASSERT_NE(MAP_FAILED, new);
	*old = OLD_VALUE;
	*new = NEW_VALUE;
	ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT, 0, TVMM_GPA_TEST_SLOTS,
					    PAGE_SIZE, old));
	virt_map(vm, TVMM_GPA_TEST_SLOTS, TVMM_GPA_TEST_SLOTS, PAGE_SIZE);

	ASSERT_EQ(0, pthread_create(&runner, NULL, run_on_idle_cpu, vcpu));
	/* Let the guest read the old page a while, through the EPT's TLB. */
	usleep(200000);
	ASSERT_EQ(0, __vm_set_memory_region(vm, SLOT, 0, TVMM_GPA_TEST_SLOTS,
					    PAGE_SIZE, new));
	pthread_join(runner, NULL);
	vm_free(vm);
	munmap(old, PAGE_SIZE);
	munmap(new, PAGE_SIZE);
}

TEST_HARNESS_MAIN
