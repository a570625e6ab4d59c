// SPDX-License-Identifier: GPL-2.0
/*
 * state_fuzz_test - whatever register state userspace hands tvmm, the
 * host survives and the answer is one of the documented ones.
 *
 * Each round starts from a valid real-, protected- or long-mode state,
 * flips one to four random bits or fields (segment access rights, bases
 * and limits, CR0/CR3/CR4/CR8, EFER, the descriptor tables, RIP, RSP,
 * RFLAGS), one round in three sets random event state too (a pending
 * event, a queued interrupt, a shadow), and runs the guest. uapi/tvmm.h
 * allows only these outcomes:
 *  - TVMM_SET_SREGS or TVMM_SET_VCPU_EVENTS refuses with -EINVAL, and
 *    changes nothing;
 *  - TVMM_RUN returns 0 with a defined exit reason (a VM entry the CPU
 *    refused is TVMM_EXIT_FAIL_ENTRY with a reason of 33, 34 or 41),
 *    or -EINTR when the round's timer signal cut a running guest short.
 * The guest starts on a page of HLT, so a state that runs mostly halts
 * at once. The same vCPU serves every round, as a VMM reuses a vCPU after a
 * failed entry or a triple fault; at the end, with the memory the guests
 * scribbled on restored, it still runs a valid guest. A host oops or WARN
 * fails the test machine's run.
 *
 * TVMM_FUZZ_SEED and TVMM_FUZZ_ROUNDS override the fixed defaults. The
 * seed is printed; the states it makes are the same in every run, what a
 * guest does before the timer stops it is not quite.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define DEFAULT_SEED	2	/* met a VMfail before the pending-event fix */
#define DEFAULT_ROUNDS	8000
#define HLT_GPA		TVMM_GPA_TEST_DATA	/* a page of HLT */
#define KICK_USEC	20000		/* a guest that does not exit: -EINTR */

static __u64 rng_state;

/* xorshift64*: small, and the same sequence everywhere for a seed. */
static __u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static __u64 rnd_below(__u64 n)
{
	return rnd() % n;
}

static void guest_hlt(void)
{
	for (;;)
		asm volatile("hlt");
}

static void on_alarm(int sig)
{
}

static struct tvmm_segment *pick_segment(struct tvmm_sregs *s)
{
	struct tvmm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr,
		&s->ldt,
	};

	return segs[rnd_below(ARRAY_SIZE(segs))];
}

/* One random change; a name for the log of a failing round. */
static const char *mutate(struct tvmm_sregs *s, struct tvmm_regs *r)
{
	struct tvmm_segment *seg = pick_segment(s);

	switch (rnd_below(16)) {
	case 0:
		seg->type ^= 1 << rnd_below(4);
		return "segment type";
	case 1:
		seg->s ^= 1;
		return "segment S";
	case 2:
		seg->dpl = rnd_below(4);
		return "segment DPL";
	case 3:
		seg->present ^= 1;
		return "segment P";
	case 4:
		if (rnd_below(2))
			seg->l ^= 1;
		else
			seg->db ^= 1;
		return "segment L/DB";
	case 5:
		seg->g ^= 1;
		return "segment G";
	case 6:
		seg->unusable ^= 1;
		return "segment unusable";
	case 7:
		seg->selector ^= 1 << rnd_below(16);
		return "segment selector";
	case 8:
		if (rnd_below(2))
			seg->base ^= 1ULL << rnd_below(64);
		else
			seg->limit ^= 1U << rnd_below(32);
		return "segment base/limit";
	case 9:
		s->cr0 ^= 1ULL << rnd_below(rnd_below(4) ? 32 : 64);
		return "CR0";
	case 10:
		s->cr4 ^= 1ULL << rnd_below(rnd_below(4) ? 25 : 64);
		return "CR4";
	case 11:
		s->efer ^= 1ULL << rnd_below(rnd_below(4) ? 12 : 64);
		return "EFER";
	case 12:
		if (rnd_below(2))
			s->cr3 ^= 1ULL << rnd_below(64);
		else
			s->cr8 = rnd_below(20);
		return "CR3/CR8";
	case 13:
		if (rnd_below(2))
			s->gdt.limit = rnd();
		else
			s->idt.base ^= 1ULL << rnd_below(64);
		return "GDT/IDT";
	case 14:
		r->rflags ^= 1ULL << rnd_below(rnd_below(4) ? 22 : 64);
		return "RFLAGS";
	default:
		if (rnd_below(2))
			r->rip ^= 1ULL << rnd_below(64);
		else
			r->rsp ^= 1ULL << rnd_below(64);
		return "RIP/RSP";
	}
}

/* A valid state in one of the three modes, at code that halts. */
static void base_state(struct tvmm_vm *vm, struct tvmm_sregs *s,
		       struct tvmm_regs *r, unsigned int mode)
{
	memset(r, 0, sizeof(*r));
	r->rflags = 2;
	r->rip = HLT_GPA;
	r->rsp = TVMM_GPA_STACKS + TVMM_STACK_SIZE;
	if (mode == 0) {
		vm_sregs_real_mode(vm, s, HLT_GPA >> 4);
		r->rip = 0;
		r->rsp = TVMM_GPA_REAL_STACK_TOP;
	} else if (mode == 1) {
		vm_sregs_protected_mode(vm, s);
	} else {
		vm_sregs_long_mode(vm, s);	/* low memory is mapped 1:1 */
	}
}

static bool valid_exit(const struct tvmm_run *run)
{
	__u32 hw = run->fail_entry.hardware_entry_failure_reason & 0xffff;

	switch (run->exit_reason) {
	case TVMM_EXIT_FAIL_ENTRY:
		return hw == 33 || hw == 34 || hw == 41;
	case TVMM_EXIT_IO:
	case TVMM_EXIT_MMIO:
	case TVMM_EXIT_HLT:
	case TVMM_EXIT_SHUTDOWN:
	case TVMM_EXIT_HYPERCALL:
	case TVMM_EXIT_EXCEPTION:
	case TVMM_EXIT_INTERNAL_ERROR:
		return true;
	default:
		return false;
	}
}

struct tally {
	unsigned int refused, events_refused, intr;
	unsigned int by_reason[TVMM_EXIT_TRACE_FULL + 1];
};

/*
 * Random event state, often invalid: TVMM_SET_VCPU_EVENTS refuses it with
 * -EINVAL and changes nothing, or takes it, and then VM entry delivers
 * the event or refuses the guest state, never the control field.
 */
static bool fuzz_events(struct tvmm_vcpu *vcpu, unsigned int round,
			struct tally *t)
{
	static const __u8 types[] = {
		TVMM_EVENT_EXTERNAL, TVMM_EVENT_HW_EXCEPTION,
		TVMM_EVENT_SW_INTERRUPT, TVMM_EVENT_PRIV_SW_EXCEPTION,
		TVMM_EVENT_SW_EXCEPTION, 2 /* NMI */,
	};
	struct tvmm_vcpu_events ev = { 0 }, before, after;
	int ret;

	ev.shadow = rnd_below(4);
	ev.event.pending = rnd_below(2);
	ev.event.type = types[rnd_below(ARRAY_SIZE(types))];
	ev.event.vector = rnd_below(2) ? rnd_below(32) : rnd_below(256);
	ev.event.has_error_code = rnd_below(2);
	ev.event.error_code = rnd_below(2) ? rnd_below(0x20000) : 0;
	ev.event.insn_len = rnd_below(17);
	ev.interrupt.queued = rnd_below(2);
	ev.interrupt.vector = ev.interrupt.queued ? rnd_below(256) : 0;
	TEST_ASSERT(!ioctl(vcpu->fd, TVMM_GET_VCPU_EVENTS, &before),
		    "TVMM_GET_VCPU_EVENTS: %s", strerror(errno));
	ret = ioctl(vcpu->fd, TVMM_SET_VCPU_EVENTS, &ev) ? -errno : 0;
	if (!ret)
		return true;
	TEST_ASSERT(!ioctl(vcpu->fd, TVMM_GET_VCPU_EVENTS, &after),
		    "TVMM_GET_VCPU_EVENTS: %s", strerror(errno));
	if (ret != -EINVAL || memcmp(&before, &after, sizeof(after))) {
		ksft_print_msg("round %u: TVMM_SET_VCPU_EVENTS %d, state %s\n",
			       round, ret,
			       memcmp(&before, &after, sizeof(after)) ?
			       "changed" : "kept");
		return false;
	}
	t->events_refused++;
	return true;
}

/* One round; false (with a message) when tvmm answered outside the ABI. */
static bool fuzz_round(struct tvmm_vcpu *vcpu, unsigned int round,
		       struct tally *t)
{
	struct tvmm_sregs s, before, after;
	struct itimerval kick = { .it_value.tv_usec = KICK_USEC };
	struct itimerval off = { 0 };
	const char *what[4];
	struct tvmm_regs r;
	unsigned int i, n = 1 + rnd_below(4);
	int ret;

	base_state(vcpu->vm, &s, &r, rnd_below(3));
	for (i = 0; i < n; i++)
		what[i] = mutate(&s, &r);
	vcpu_get_sregs(vcpu, &before);
	ret = __vcpu_set_sregs(vcpu, &s);
	if (ret) {
		vcpu_get_sregs(vcpu, &after);
		if (ret != -EINVAL || memcmp(&before, &after, sizeof(after))) {
			ksft_print_msg("round %u (%s...): TVMM_SET_SREGS %d, state %s\n",
				       round, what[0], ret,
				       memcmp(&before, &after, sizeof(after)) ?
				       "changed" : "kept");
			return false;
		}
		t->refused++;
		return true;
	}
	vcpu_set_regs(vcpu, &r);
	if (!rnd_below(3) && !fuzz_events(vcpu, round, t))
		return false;
	setitimer(ITIMER_REAL, &kick, NULL);
	ret = __vcpu_run(vcpu);
	setitimer(ITIMER_REAL, &off, NULL);
	if (ret == -EINTR && vcpu->run->exit_reason == TVMM_EXIT_INTR) {
		t->intr++;
		return true;
	}
	if (ret || !valid_exit(vcpu->run)) {
		const typeof(vcpu->run->fail_entry) *fe = &vcpu->run->fail_entry;

		ksft_print_msg("round %u (%u changes, first %s): TVMM_RUN %d, %s\n",
			       round, n, what[0], ret,
			       exit_reason_str(vcpu->run->exit_reason));
		ksft_print_msg("entry failure %llu, VM-instruction error %u\n",
			       (unsigned long long)fe->hardware_entry_failure_reason,
			       fe->vm_instruction_error);
		vcpu_dump(stderr, vcpu);
		return false;
	}
	/* Worth a look, not a failure: the first few, for the log. */
	if (vcpu->run->exit_reason == TVMM_EXIT_INTERNAL_ERROR &&
	    t->by_reason[TVMM_EXIT_INTERNAL_ERROR] < 5)
		ksft_print_msg("round %u: internal error %u, exit %u at %#llx: %#llx\n",
			       round, vcpu->run->internal.suberror,
			       vcpu->run->internal.exit_reason,
			       (unsigned long long)vcpu->run->internal.guest_rip,
			       (unsigned long long)vcpu->run->internal.qualification);
	t->by_reason[vcpu->run->exit_reason]++;
	return true;
}

static unsigned long env_or(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v ? strtoul(v, NULL, 0) : def;
}

TEST(random_states_get_documented_answers)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned long seed = env_or("TVMM_FUZZ_SEED", DEFAULT_SEED);
	unsigned long rounds = env_or("TVMM_FUZZ_ROUNDS", DEFAULT_ROUNDS);
	struct tvmm_vcpu_events no_events = { 0 };
	struct tally t = { 0 };
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	unsigned long i, bad = 0;
	__u8 *lowmem, *saved;

	TVMM_REQUIRE_MODULE();
	/* No SA_RESTART: the alarm must bring TVMM_RUN back with -EINTR. */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	rng_state = seed ? seed : DEFAULT_SEED;
	ksft_print_msg("seed %#lx, %lu rounds\n", seed, rounds);

	vm = vm_create_with_one_vcpu(&vcpu, guest_hlt);
	lowmem = __addr_gpa2hva(vm, 0, TVMM_LOWMEM_SIZE);
	ASSERT_NE(NULL, lowmem);
	memset(lowmem + HLT_GPA, 0xf4, 4096);
	/* What the guests may scribble on: their tables, stacks, the HLTs. */
	saved = malloc(TVMM_LOWMEM_SIZE);
	ASSERT_NE(NULL, saved);
	memcpy(saved, lowmem, TVMM_LOWMEM_SIZE);
	for (i = 0; i < rounds; i++)
		if (!fuzz_round(vcpu, i, &t) && ++bad >= 10)
			break;
	ksft_print_msg("SET_SREGS refused %u, SET_VCPU_EVENTS refused %u, signal %u\n",
		       t.refused, t.events_refused, t.intr);
	for (i = 0; i < ARRAY_SIZE(t.by_reason); i++)
		if (t.by_reason[i])
			ksft_print_msg("exit %s: %u\n", exit_reason_str(i),
				       t.by_reason[i]);
	EXPECT_EQ(0, bad);
	/* Each kind of answer came up: the rounds reached tvmm's checks. */
	EXPECT_LT(0, t.refused);
	EXPECT_LT(0, t.events_refused);
	EXPECT_LT(0, t.by_reason[TVMM_EXIT_HLT]);
	EXPECT_LT(0, t.by_reason[TVMM_EXIT_FAIL_ENTRY]);

	/*
	 * The same vCPU, given a valid state and no pending event again (as
	 * for INIT), runs and halts.
	 */
	memcpy(lowmem, saved, TVMM_LOWMEM_SIZE);
	free(saved);
	vcpu_setup_long_mode(vcpu, HLT_GPA);
	ASSERT_EQ(0, ioctl(vcpu->fd, TVMM_SET_VCPU_EVENTS, &no_events));
	vcpu_run_expect_exit(vcpu, TVMM_EXIT_HLT);
	vm_free(vm);
}

TEST_HARNESS_MAIN
