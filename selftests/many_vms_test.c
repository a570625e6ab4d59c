// SPDX-License-Identifier: GPL-2.0
/*
 * many_vms_test - VMs and vCPUs are independent: 8 VMs at once, 2 vCPUs
 * each, every vCPU run by its own thread, each computing from its own VM
 * and vCPU numbers; every result is the one expected of that vCPU, and
 * once everything is closed the module can be unloaded (nothing left
 * holding it).
 *
 * What would break it: state shared between VMs or vCPUs (one VMCS, EPT,
 * register file or run area reaching another), a vCPU loaded on one CPU
 * while another thread's is current there, or a reference leaked by the
 * teardown.
 */
#include <errno.h>
#include <pthread.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define NR_VMS		8
#define NR_VCPUS	2
#define ITERATIONS	20000
#define SYNCS		4

/* A value no two (vm, vcpu, step) pairs are likely to share. */
static __u64 compute(__u64 vm_nr, __u64 vcpu_id, __u64 steps)
{
	__u64 x = (vm_nr << 32) | (vcpu_id << 16) | 0x9e37;
	__u64 i;

	for (i = 0; i < steps; i++)
		x = x * 6364136223846793005ULL + (vm_nr * NR_VCPUS + vcpu_id) * 2 + 1;
	return x;
}

static void guest_compute(__u64 vm_nr, __u64 vcpu_id)
{
	int s;

	for (s = 1; s <= SYNCS; s++)
		GUEST_SYNC(s, compute(vm_nr, vcpu_id, s * ITERATIONS));
	GUEST_DONE();
}

struct job {
	struct tvmm_vcpu *vcpu;
	__u64 results[SYNCS + 1];
	bool done;
};

/* A failed assertion here ends the whole test, as it should. */
static void *vcpu_thread(void *arg)
{
	struct job *job = arg;
	int s;

	for (s = 1; s <= SYNCS; s++)
		job->results[s] = vcpu_run_expect_sync(job->vcpu, s);
	vcpu_run_expect_done(job->vcpu);
	job->done = true;
	return NULL;
}

TEST(eight_vms_two_vcpus_each_in_parallel)
{
	struct job jobs[NR_VMS][NR_VCPUS] = {};
	pthread_t threads[NR_VMS][NR_VCPUS];
	struct tvmm_vm *vms[NR_VMS];
	int v, c, s;

	TVMM_REQUIRE_MODULE();
	for (v = 0; v < NR_VMS; v++) {
		vms[v] = vm_create();
		for (c = 0; c < NR_VCPUS; c++) {
			struct tvmm_vcpu *vcpu = vm_vcpu_add(vms[v], c);

			vcpu_setup_long_mode(vcpu,
					     (__u64)(unsigned long)guest_compute);
			vcpu_args_set(vcpu, 2, (__u64)v, (__u64)c);
			jobs[v][c].vcpu = vcpu;
		}
	}
	for (v = 0; v < NR_VMS; v++)
		for (c = 0; c < NR_VCPUS; c++)
			ASSERT_EQ(0, pthread_create(&threads[v][c], NULL,
						    vcpu_thread, &jobs[v][c]));
	for (v = 0; v < NR_VMS; v++)
		for (c = 0; c < NR_VCPUS; c++)
			ASSERT_EQ(0, pthread_join(threads[v][c], NULL));

	for (v = 0; v < NR_VMS; v++) {
		for (c = 0; c < NR_VCPUS; c++) {
			EXPECT_TRUE(jobs[v][c].done);
			for (s = 1; s <= SYNCS; s++) {
				EXPECT_EQ(compute(v, c, s * ITERATIONS),
					  jobs[v][c].results[s]) {
					TH_LOG("VM %d vCPU %d step %d", v, c, s);
				}
			}
		}
	}
	for (v = 0; v < NR_VMS; v++)
		vm_free(vms[v]);
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_HARNESS_MAIN
