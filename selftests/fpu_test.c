// SPDX-License-Identifier: GPL-2.0
/*
 * fpu_test - the guest's FPU/SSE state and the host's never leak into each
 * other.
 *
 * kmod/vmx/run.c: "The guest's FPU state is the task's until TVMM_RUN
 * returns": TVMM_RUN swaps the task's FPU state for the vCPU's on entry
 * and back on return. So:
 *  - the host thread's XMM0-15, MXCSR and x87 stack are what they were
 *    before TVMM_RUN when the ioctl returns (checked in the same asm
 *    statement as the syscall, so that no compiler code runs in between);
 *  - the guest finds, after an exit to userspace, the values it had put
 *    in its registers before it, not the host's, even when the host ran
 *    other code and yielded the CPU in between;
 *  - on its first entry the guest sees none of the host's values.
 * Another thread on the same CPU fills its own XMM registers with other
 * values and yields, so that the host really switches tasks in between.
 *
 * guest_fpu_survives_preemption_in_run: the guest's registers are still
 * its own after the host preempted the vCPU thread inside TVMM_RUN. The
 * guest loads XMM0-15 and checks them over and over for many scheduler
 * ticks, with no exit to userspace (only the host's interrupts, handled in
 * the kernel), while a thread on the same CPU keeps filling its own XMM
 * registers with other values. Each time the scheduler switches to that
 * thread, tvmm must reload the guest's registers before the next entry
 * (TIF_NEED_FPU_LOAD; kmod/vmx/run.c). Without that, the guest runs with
 * the other thread's values.
 * The other way to lose the registers, a softirq using kernel_fpu_begin()
 * (AES-NI for IPsec, dm-crypt) after an exit while interrupts are on, is
 * not provoked here: the test machine has no such traffic, nor a way to
 * start it on the vCPU's CPU at the right moment. The same reload covers
 * both.
 */
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define ROUNDS		6
#define NR_XMM		16
#define XMM_QWORDS	(NR_XMM * 2)

/* "HOST" and "GUES" in the top half of every value, for the error messages. */
#define HOST_TAG	0x484f535400000000ULL
#define GUEST_TAG	0x4755455300000000ULL
#define NOISE_TAG	0x4e4f495300000000ULL
#define TAG_MASK	0xffffffff00000000ULL

/* Round to nearest, all exceptions masked; then up (host), down (guest). */
#define MXCSR_DEFAULT	0x1f80
#define MXCSR_HOST	(MXCSR_DEFAULT | 0x4000)
#define MXCSR_GUEST	(MXCSR_DEFAULT | 0x2000)

static __u64 pattern(__u64 tag, __u64 round, __u64 i)
{
	return tag | round << 16 | i;
}

/*
 * XMM0-15 from the 256 bytes at RBX, or to the 256 bytes at R12: registers
 * both the guest's ucall (EAX, EDX) and the host's syscall (RAX, RDI, RSI,
 * RDX; RCX and R11 clobbered) leave free.
 */
#define XMM_LOAD_ALL_RBX	\
	"movdqu 0(%%rbx), %%xmm0\n"	\
	"movdqu 16(%%rbx), %%xmm1\n"	\
	"movdqu 32(%%rbx), %%xmm2\n"	\
	"movdqu 48(%%rbx), %%xmm3\n"	\
	"movdqu 64(%%rbx), %%xmm4\n"	\
	"movdqu 80(%%rbx), %%xmm5\n"	\
	"movdqu 96(%%rbx), %%xmm6\n"	\
	"movdqu 112(%%rbx), %%xmm7\n"	\
	"movdqu 128(%%rbx), %%xmm8\n"	\
	"movdqu 144(%%rbx), %%xmm9\n"	\
	"movdqu 160(%%rbx), %%xmm10\n"	\
	"movdqu 176(%%rbx), %%xmm11\n"	\
	"movdqu 192(%%rbx), %%xmm12\n"	\
	"movdqu 208(%%rbx), %%xmm13\n"	\
	"movdqu 224(%%rbx), %%xmm14\n"	\
	"movdqu 240(%%rbx), %%xmm15\n"
#define XMM_STORE_ALL_R12	\
	"movdqu %%xmm0, 0(%%r12)\n"	\
	"movdqu %%xmm1, 16(%%r12)\n"	\
	"movdqu %%xmm2, 32(%%r12)\n"	\
	"movdqu %%xmm3, 48(%%r12)\n"	\
	"movdqu %%xmm4, 64(%%r12)\n"	\
	"movdqu %%xmm5, 80(%%r12)\n"	\
	"movdqu %%xmm6, 96(%%r12)\n"	\
	"movdqu %%xmm7, 112(%%r12)\n"	\
	"movdqu %%xmm8, 128(%%r12)\n"	\
	"movdqu %%xmm9, 144(%%r12)\n"	\
	"movdqu %%xmm10, 160(%%r12)\n"	\
	"movdqu %%xmm11, 176(%%r12)\n"	\
	"movdqu %%xmm12, 192(%%r12)\n"	\
	"movdqu %%xmm13, 208(%%r12)\n"	\
	"movdqu %%xmm14, 224(%%r12)\n"	\
	"movdqu %%xmm15, 240(%%r12)\n"
#define XMM_CLOBBERS							\
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",	\
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",	\
	"xmm15"

/* The FPU state one side puts in its registers, and finds there after. */
struct fpu_values {
	__u64 xmm[XMM_QWORDS];
	__u32 mxcsr;
	__u32 pad;
	double x87;
};

/* Guest side: in the guest's copy of the image. */
static __u64 guest_entry_xmm[XMM_QWORDS];
static struct fpu_values guest_in, guest_out;
static struct ucall guest_uc;

/*
 * Load @in into XMM0-15, MXCSR and the x87 stack, exit to the host with a
 * ucall, and store what the registers hold when the guest resumes into
 * @out. One asm statement: the compiler cannot use the registers between.
 */
static void guest_exit_with(struct fpu_values *in, struct fpu_values *out,
			    struct ucall *uc)
{
	register struct fpu_values *out_r12 asm("r12") = out;
	__u32 mxcsr_default = MXCSR_DEFAULT;

	asm volatile(XMM_LOAD_ALL_RBX
		     "ldmxcsr %c[mx](%%rbx)\n"
		     "fldl %c[x87](%%rbx)\n"
		     "outl %%eax, %%dx\n"
		     XMM_STORE_ALL_R12
		     "stmxcsr %c[mx](%%r12)\n"
		     "fstpl %c[x87](%%r12)\n"
		     "ldmxcsr %[def]\n"
		     :
		     : "b"(in), "r"(out_r12),
		       "a"((__u32)(unsigned long)uc), "d"(UCALL_PORT),
		       [mx] "i"(offsetof(struct fpu_values, mxcsr)),
		       [x87] "i"(offsetof(struct fpu_values, x87)),
		       [def] "m"(mxcsr_default)
		     : "memory", XMM_CLOBBERS);
}

static void guest_fpu(void)
{
	__u64 round, i;

	/* First, before anything else: what the guest starts with. */
	register __u64 *entry_r12 asm("r12") = guest_entry_xmm;

	asm volatile(XMM_STORE_ALL_R12 : : "r"(entry_r12) : "memory");

	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < XMM_QWORDS; i++)
			guest_in.xmm[i] = pattern(GUEST_TAG, round, i);
		guest_in.mxcsr = MXCSR_GUEST;
		guest_in.x87 = 1000.25 + round;
		guest_uc.cmd = UCALL_SYNC;
		guest_uc.args[UCALL_SYNC_STAGE] = 1;
		guest_uc.args[UCALL_SYNC_VALUE] = round;
		guest_exit_with(&guest_in, &guest_out, &guest_uc);

		for (i = 0; i < XMM_QWORDS; i++)
			GUEST_ASSERT_EQ(guest_out.xmm[i], guest_in.xmm[i]);
		GUEST_ASSERT_EQ(guest_out.mxcsr, MXCSR_GUEST);
		GUEST_ASSERT(guest_out.x87 == guest_in.x87);
	}
	GUEST_DONE();
}

/*
 * Host side: load @in, TVMM_RUN by a raw syscall, store the registers into
 * @out, all in one asm statement. Returns the syscall's result.
 */
static long host_run_with(int fd, struct fpu_values *in,
			  struct fpu_values *out)
{
	register struct fpu_values *out_r12 asm("r12") = out;
	__u32 mxcsr_default = MXCSR_DEFAULT;
	long ret;

	asm volatile(XMM_LOAD_ALL_RBX
		     "ldmxcsr %c[mx](%%rbx)\n"
		     "fldl %c[x87](%%rbx)\n"
		     "syscall\n"
		     XMM_STORE_ALL_R12
		     "stmxcsr %c[mx](%%r12)\n"
		     "fstpl %c[x87](%%r12)\n"
		     "ldmxcsr %[def]\n"
		     : "=a"(ret)
		     : "0"((long)SYS_ioctl), "D"((long)fd),
		       "S"((long)TVMM_RUN), "d"(0L),
		       "b"(in), "r"(out_r12),
		       [mx] "i"(offsetof(struct fpu_values, mxcsr)),
		       [x87] "i"(offsetof(struct fpu_values, x87)),
		       [def] "m"(mxcsr_default)
		     : "rcx", "r11", "memory", XMM_CLOBBERS);
	return ret;
}

/* Other host work between runs: libc's SIMD string code, and yields. */
static void host_busy(void)
{
	static char a[65536], b[65536];
	int i;

	for (i = 0; i < 4; i++) {
		memset(a, 0x5a + i, sizeof(a));
		memcpy(b, a, sizeof(b));
		sched_yield();
	}
}

static bool noise_stop;

/* Fill XMM0-15 with other values, yield, again, until told to stop. */
static void *noise_thread(void *arg)
{
	__u64 vals[XMM_QWORDS], i, n;

	for (n = 0; !__atomic_load_n(&noise_stop, __ATOMIC_RELAXED); n++) {
		for (i = 0; i < XMM_QWORDS; i++)
			vals[i] = pattern(NOISE_TAG, n & 0xffff, i);
		asm volatile(XMM_LOAD_ALL_RBX : : "b"(vals) : XMM_CLOBBERS);
		sched_yield();
	}
	return NULL;
}

TEST(host_and_guest_fpu_state_stay_apart)
{
	int cpu = sched_getcpu();
	pthread_t noise;
	struct fpu_values in, out;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	struct ucall uc;
	__u64 round, i;
	long ret;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_fpu);
	ASSERT_LE(0, cpu);
	ASSERT_EQ(0, pin_thread(pthread_self(), cpu));
	ASSERT_EQ(0, pthread_create(&noise, NULL, noise_thread, NULL));
	ASSERT_EQ(0, pin_thread(noise, cpu));

	for (round = 0; round <= ROUNDS; round++) {
		memset(&in, 0, sizeof(in));
		for (i = 0; i < XMM_QWORDS; i++)
			in.xmm[i] = pattern(HOST_TAG, round, i);
		in.mxcsr = MXCSR_HOST;
		in.x87 = -77.5 - round;
		memset(&out, 0, sizeof(out));

		ret = host_run_with(vcpu->fd, &in, &out);
		ASSERT_EQ(0, ret) {
			TH_LOG("round %llu: TVMM_RUN returned %ld",
			       (unsigned long long)round, ret);
		}
		for (i = 0; i < XMM_QWORDS; i++) {
			EXPECT_EQ(in.xmm[i], out.xmm[i]) {
				TH_LOG("round %llu: host XMM%llu[%llu] changed by TVMM_RUN",
				       (unsigned long long)round,
				       (unsigned long long)i / 2,
				       (unsigned long long)i % 2);
			}
		}
		EXPECT_EQ(MXCSR_HOST, out.mxcsr);
		EXPECT_TRUE(in.x87 == out.x87);

		/* The guest's own checks: a SYNC per round, then DONE. */
		if (round < ROUNDS) {
			if (get_ucall(vcpu, &uc) != UCALL_SYNC)
				vcpu_fail_exit_at(vcpu, "GUEST_SYNC", __FILE__,
						  __LINE__);
			EXPECT_EQ(round, uc.args[UCALL_SYNC_VALUE]);
		} else if (get_ucall(vcpu, &uc) != UCALL_DONE) {
			vcpu_fail_exit_at(vcpu, "GUEST_DONE", __FILE__,
					  __LINE__);
		}
		if (round == 0) {
			sync_global_from_guest(vm, guest_entry_xmm);
			for (i = 0; i < XMM_QWORDS; i++)
				EXPECT_NE(HOST_TAG,
					  guest_entry_xmm[i] & TAG_MASK) {
					TH_LOG("the guest started with the host's XMM%llu",
					       (unsigned long long)i / 2);
				}
		}
		host_busy();
	}
	__atomic_store_n(&noise_stop, true, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(noise, NULL));
	vm_free(vm);
}

/*
 * About 210 instructions a round: 120000 rounds take 25 M instructions,
 * 60 ticks of a 250 Hz kernel on the 1-CPU test machine (whose clock
 * follows instructions, 100 M a second), about a second of the emulator.
 */
#define SPIN_ROUNDS	120000

static __u64 guest_sentinel[XMM_QWORDS];
static __u64 guest_seen[XMM_QWORDS];

/*
 * Load XMM0-15 once, then store and compare them with what was loaded,
 * SPIN_ROUNDS times, in one asm statement so that no compiler code uses
 * the registers. The first difference ends the loop with guest_seen
 * holding the registers, for the assertion.
 */
static void guest_fpu_spin(void)
{
	register __u64 *seen_r12 asm("r12") = guest_seen;
	__u64 left = SPIN_ROUNDS, i;

	for (i = 0; i < XMM_QWORDS; i++)
		guest_sentinel[i] = pattern(GUEST_TAG, 0xffff, i);
	asm volatile(XMM_LOAD_ALL_RBX
		     "1:\n"
		     XMM_STORE_ALL_R12
		     "xor %%edx, %%edx\n"
		     "2:\n"
		     "mov (%%r12,%%rdx,8), %%rax\n"
		     "cmp (%%rbx,%%rdx,8), %%rax\n"
		     "jne 3f\n"
		     "inc %%edx\n"
		     "cmp %[n], %%edx\n"
		     "jb 2b\n"
		     "dec %%rcx\n"
		     "jnz 1b\n"
		     "3:\n"
		     : "+c"(left)
		     : "b"(guest_sentinel), "r"(seen_r12),
		       [n] "i"(XMM_QWORDS)
		     : "rax", "rdx", "cc", "memory", XMM_CLOBBERS);
	for (i = 0; i < XMM_QWORDS; i++)
		GUEST_ASSERT_EQ(guest_seen[i], guest_sentinel[i]);
	GUEST_ASSERT_EQ(left, 0);
	GUEST_DONE();
}

static __u64 spin_loops;

/* Fill XMM0-15 with NOISE_TAG values without end, counting the rounds. */
static void *noise_spin_thread(void *arg)
{
	__u64 vals[XMM_QWORDS], i, n;

	for (n = 0; !__atomic_load_n(&noise_stop, __ATOMIC_RELAXED); n++) {
		for (i = 0; i < XMM_QWORDS; i++)
			vals[i] = pattern(NOISE_TAG, n & 0xffff, i);
		asm volatile(XMM_LOAD_ALL_RBX : : "b"(vals) : XMM_CLOBBERS);
		__atomic_store_n(&spin_loops, n + 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(guest_fpu_survives_preemption_in_run)
{
	int cpu = sched_getcpu();
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	pthread_t noise;
	__u64 before;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_fpu_spin);
	ASSERT_LE(0, cpu);
	ASSERT_EQ(0, pin_thread(pthread_self(), cpu));
	ASSERT_EQ(0, pthread_create(&noise, NULL, noise_spin_thread, NULL));
	ASSERT_EQ(0, pin_thread(noise, cpu));
	/* Both threads on the CPU before the guest starts. */
	while (!__atomic_load_n(&spin_loops, __ATOMIC_RELAXED))
		sched_yield();

	before = __atomic_load_n(&spin_loops, __ATOMIC_RELAXED);
	vcpu_run_expect_done(vcpu);
	/*
	 * The other thread ran during that one TVMM_RUN, on the vCPU's CPU:
	 * the host did switch away from the vCPU thread inside it.
	 */
	EXPECT_LT(before, __atomic_load_n(&spin_loops, __ATOMIC_RELAXED));

	__atomic_store_n(&noise_stop, true, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(noise, NULL));
	vm_free(vm);
}

TEST_HARNESS_MAIN
