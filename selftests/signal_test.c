// SPDX-License-Identifier: GPL-2.0
/*
 * signal_test - a signal interrupts TVMM_RUN, and the guest resumes where
 * it was.
 *
 * uapi/tvmm.h, TVMM_RUN: "returns 0 with struct tvmm_run filled, or -EINTR
 * when a signal is pending (run->exit_reason is then TVMM_EXIT_INTR)";
 * struct tvmm_run.immediate_exit: "return -EINTR before entering".
 *
 * A guest that spins forever, counting in its memory, never exits on its
 * own: only a signal sent to the vCPU thread (pthread_kill() from another
 * thread, with a handler, so the process lives) brings TVMM_RUN back. The
 * next TVMM_RUN goes on with the same guest: the counter keeps growing
 * from where it was, it does not restart.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define COUNTER_GPA	TVMM_GPA_TEST_DATA
#define ROUNDS		3
#define WAIT_SECONDS	20

static void guest_count_forever(void)
{
	__u64 *counter = (__u64 *)COUNTER_GPA;

	/* The barrier makes every increment a store the host can see. */
	for (;;) {
		(*counter)++;
		asm volatile("" : : : "memory");
	}
}

static void on_sigusr1(int sig)
{
}

struct runner {
	struct tvmm_vcpu *vcpu;
	int ret;
	__u32 exit_reason;
	bool done;
};

static void *run_vcpu(void *arg)
{
	struct runner *r = arg;

	r->ret = __vcpu_run(r->vcpu);
	r->exit_reason = r->vcpu->run->exit_reason;
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Busy-wait (the emulator stalls on idle waits) until *@p > @than, for at
 * most @seconds: whether it got there.
 */
static bool wait_above_for(const __u64 *p, __u64 than, double seconds)
{
	double end = now_seconds() + seconds;

	while (__atomic_load_n(p, __ATOMIC_RELAXED) <= than)
		if (now_seconds() > end)
			return false;
	return true;
}

static bool wait_above(const __u64 *p, __u64 than)
{
	return wait_above_for(p, than, WAIT_SECONDS);
}

TEST(signal_interrupts_run_and_guest_resumes)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	__u64 *counter;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 last = 0;
	int i;

	TVMM_REQUIRE_MODULE();
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm = vm_create_with_one_vcpu(&vcpu, guest_count_forever);
	counter = addr_gpa2hva(vm, COUNTER_GPA);

	for (i = 0; i < ROUNDS; i++) {
		struct runner r = { .vcpu = vcpu };
		pthread_t thread;

		ASSERT_EQ(0, pthread_create(&thread, NULL, run_vcpu, &r));
		/* The guest runs, and goes on from where it stopped. */
		EXPECT_TRUE(wait_above(counter, last + 1000)) {
			TH_LOG("round %d: the guest makes no progress (counter %llu)",
			       i, (unsigned long long)*counter);
		}
		/* Until the thread is back, a signal each 100 ms. */
		ASSERT_EQ(0, signal_until_done(thread, SIGUSR1, &r.done));
		ASSERT_EQ(0, pthread_join(thread, NULL));
		EXPECT_EQ(-EINTR, r.ret);
		EXPECT_EQ(TVMM_EXIT_INTR, r.exit_reason);
		if (*counter < last)
			TH_LOG("round %d: counter went back from %llu to %llu",
			       i, (unsigned long long)last,
			       (unsigned long long)*counter);
		EXPECT_LE(last, *counter);
		last = *counter;
		/* Stopped: the counter does not move while out of TVMM_RUN. */
		EXPECT_FALSE(wait_above_for(counter, last, 0.2));
	}
	vm_free(vm);
}

TEST(immediate_exit_returns_eintr_without_entering)
{
	__u64 *counter;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 exits;
	int i;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_count_forever);
	counter = addr_gpa2hva(vm, COUNTER_GPA);
	exits = vcpu->run->exit_count;

	vcpu->run->immediate_exit = 1;
	for (i = 0; i < 3; i++) {
		vcpu->run->exit_reason = TVMM_EXIT_UNKNOWN;
		EXPECT_EQ(-EINTR, __vcpu_run(vcpu));
		EXPECT_EQ(TVMM_EXIT_INTR, vcpu->run->exit_reason);
		EXPECT_EQ(1, vcpu->run->immediate_exit);
	}
	/* The guest never ran: it has not counted once. */
	EXPECT_EQ(0, *counter);
	EXPECT_EQ(exits, vcpu->run->exit_count);
	vm_free(vm);
}

TEST_HARNESS_MAIN
