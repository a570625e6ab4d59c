// SPDX-License-Identifier: GPL-2.0
/*
 * host_debug_regs_test - the CPU's debug registers stay the host's: a
 * guest never runs with the host's breakpoints, leaves nothing in the
 * host's DR6, and the host's breakpoints work after TVMM_RUN, also those
 * perf changed while the guest ran.
 *
 * SDM Vol. 3C, 25.7.1 and 25.8.1: "save debug controls" (VM exit) and
 * "load debug controls" (VM entry) switch DR7 and IA32_DEBUGCTL; without
 * them the guest runs with the host's DR7, whose DR0-3 hold host
 * addresses. 28.5.1: a VM exit sets DR7 to 400H and clears DEBUGCTL, so
 * the host must re-arm its own. DR6 is not switched at all (KVM
 * intercepts #DB for that reason): a #DB the CPU delivers inside the
 * guest leaves its bits, such as BS, in the host's DR6, and Linux's next
 * kernel-mode #DB then warns (arch/x86/kernel/traps.c, exc_debug_kernel:
 * WARN_ON_ONCE(dr6 & DR_STEP)).
 *
 * Breakpoints are perf events (PERF_TYPE_BREAKPOINT) on the test's own
 * thread. The guest's #DB handler counts #DBs; it runs on an IST stack
 * whose frame covers the watched address, so a host breakpoint leaking
 * into the guest would make each #DB delivery raise the next one
 * (CVE-2015-8104), a loop that on a real CPU hangs the host; Bochs shows
 * it too: with the module before the fix, host_watchpoint_not_in_guest
 * never returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define DB_VECTOR		1
#define X86_EFLAGS_TF		0x100u

/* The #DB handler's IST stack, and the watched word in its frame. */
#define IST_TOP			(TVMM_GPA_TEST_DATA + 0x1000)
#define WATCHED			(IST_TOP - 24)	/* the saved RFLAGS */
#define TSS_IST1		0x24		/* in the 64-bit TSS */

/* Shared between the guest and the host thread that changes perf. */
#define FLAG_RUNNING		(TVMM_GPA_TEST_DATA + 0x2000)
#define FLAG_GO			(TVMM_GPA_TEST_DATA + 0x2008)

__u64 hdb_count;

asm(".pushsection .text\n"
	"hdb_handler:\n"
	"	incq hdb_count(%rip)\n"
	"	andq $~" TVMM_STR(X86_EFLAGS_TF) ", 16(%rsp)\n"
	"	iretq\n"
	".popsection\n");
GUEST_ASM_LABEL(hdb_handler);

static int perf_watch(pid_t tid, unsigned long addr, bool disabled)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = addr,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.disabled = disabled,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};

	return syscall(__NR_perf_event_open, &attr, tid, -1, -1, 0);
}

static __u64 perf_count(int fd)
{
	__u64 n = 0;

	TEST_ASSERT(read(fd, &n, sizeof(n)) == sizeof(n), "perf read: %s",
		    strerror(errno));
	return n;
}

/* This thread on @cpu only, or the test fails. */
static void pin_to_cpu(int cpu)
{
	int err = pin_thread(pthread_self(), cpu);

	TEST_ASSERT(!err, "cannot pin to CPU%d: %s", cpu, strerror(err));
}

/* ---- a guest #DB leaves the host's DR6 clean ---- */

static void guest_step(void)
{
	asm volatile("pushfq\n"
		     "orq $" TVMM_STR(X86_EFLAGS_TF) ", (%%rsp)\n"
		     "popfq\n"
		     "nop\n"
		     : : : "memory", "cc");
	GUEST_ASSERT_EQ(hdb_count, 1);
	GUEST_DONE();
}

/* Whether the kernel log got a WARNING since @fd was opened at its end. */
static bool kmsg_has_warning(int fd)
{
	char rec[2048];
	ssize_t n;
	bool warned = false;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, "WARNING") || strstr(rec, "exc_debug")) {
			printf("# %s", rec);
			warned = true;
		}
	}
	return warned;
}

/*
 * The guest single-steps one instruction and its handler takes the #DB.
 * Then the kernel writes to a buffer the test watches (read() from a pipe
 * into it), on the same CPU: a kernel-mode #DB that must find in DR6 only
 * its own breakpoint bit, not the guest's BS.
 */
TEST(guest_step_leaves_host_dr6_clean)
{
	static __u64 buf;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	int kmsg, bp, p[2];
	__u64 v = 42;

	TVMM_REQUIRE_MODULE();
	pin_to_cpu(sched_getcpu());
	vm = vm_create_with_one_vcpu(&vcpu, guest_step);
	vm_set_idt_gate(vm, DB_VECTOR, hdb_handler);
	vcpu_run_expect_done(vcpu);

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, lseek(kmsg, 0, SEEK_END));
	bp = perf_watch(0, (unsigned long)&buf, false);
	ASSERT_LE(0, bp) TH_LOG("perf_event_open: %s", strerror(errno));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(sizeof(v), write(p[1], &v, sizeof(v)));
	ASSERT_EQ(sizeof(buf), read(p[0], &buf, sizeof(buf)));
	ASSERT_EQ(42, buf);
	EXPECT_FALSE(kmsg_has_warning(kmsg));
	close(p[0]);
	close(p[1]);
	close(bp);
	close(kmsg);
	vm_free(vm);
}

/* ---- a host breakpoint is not the guest's, and still the host's ---- */

static void guest_write_watched(void)
{
	__atomic_store_n((__u64 *)WATCHED, 1, __ATOMIC_RELAXED);
	GUEST_ASSERT_EQ(hdb_count, 0);
	GUEST_DONE();
}

/* The #DB gate on IST1, whose stack top is IST_TOP. */
static void set_db_ist(struct tvmm_vm *vm)
{
	__u64 top = IST_TOP;
	__u8 ist = 1;

	vm_set_idt_gate(vm, DB_VECTOR, hdb_handler);
	vm_write_guest(vm, TVMM_GPA_IDT + DB_VECTOR * 16 + 4, &ist, 1);
	vm_write_guest(vm, TVMM_GPA_TSS + TSS_IST1, &top, sizeof(top));
}

/*
 * The host watches WATCHED on its vCPU thread; the guest writes the same
 * linear address and then has its #DB frame there: no #DB for the guest,
 * no hit for the host. The host's own write afterwards is its hit.
 */
TEST(host_watchpoint_not_in_guest)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	void *page;
	int bp;

	TVMM_REQUIRE_MODULE();
	page = mmap((void *)(WATCHED & ~0xfffUL), 0x1000,
		    PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ((void *)(WATCHED & ~0xfffUL), page);
	vm = vm_create_with_one_vcpu(&vcpu, guest_write_watched);
	set_db_ist(vm);
	bp = perf_watch(0, WATCHED, false);
	ASSERT_LE(0, bp) TH_LOG("perf_event_open: %s", strerror(errno));

	vcpu_run_expect_done(vcpu);
	EXPECT_EQ(0, perf_count(bp));
	__atomic_store_n((__u64 *)WATCHED, 1, __ATOMIC_RELAXED);
	EXPECT_EQ(1, perf_count(bp));
	close(bp);
	vm_free(vm);
	munmap(page, 0x1000);
}

/* ---- a breakpoint perf arms during TVMM_RUN is armed after it ---- */

static void guest_wait_for_go(void)
{
	__atomic_store_n((__u64 *)FLAG_RUNNING, 1, __ATOMIC_RELAXED);
	while (!__atomic_load_n((__u64 *)FLAG_GO, __ATOMIC_RELAXED))
		asm volatile("pause");
	GUEST_DONE();
}

struct enabler {
	int bp;
	__u64 *running, *go;
	int cpu;
};

/* On the other CPU: once the guest runs, enable the breakpoint (an IPI). */
static void *enable_while_running(void *arg)
{
	struct enabler *e = arg;

	pin_to_cpu(e->cpu);
	while (!__atomic_load_n(e->running, __ATOMIC_RELAXED))
		;
	ioctl(e->bp, PERF_EVENT_IOC_ENABLE, 0);
	__atomic_store_n(e->go, 1, __ATOMIC_RELAXED);
	return NULL;
}

static __u64 armed_var;

/*
 * perf enables the breakpoint on the vCPU thread by an IPI to its CPU
 * while the guest runs; after TVMM_RUN, the thread's write hits it. A
 * DR7 restored from a copy taken when the run began would have lost it.
 */
TEST(breakpoint_armed_during_run_works_after)
{
	struct enabler e = {};
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	pthread_t thread;

	TVMM_REQUIRE_MODULE();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	pin_to_cpu(0);
	vm = vm_create_with_one_vcpu(&vcpu, guest_wait_for_go);
	e.bp = perf_watch(0, (unsigned long)&armed_var, true);
	ASSERT_LE(0, e.bp) TH_LOG("perf_event_open: %s", strerror(errno));
	e.running = addr_gpa2hva(vm, FLAG_RUNNING);
	e.go = addr_gpa2hva(vm, FLAG_GO);
	e.cpu = 1;
	ASSERT_EQ(0, pthread_create(&thread, NULL, enable_while_running, &e));
	vcpu_run_expect_done(vcpu);
	/*
	 * Nothing may block before the write: a context switch would have
	 * perf arm the breakpoint again, whatever tvmm left in DR7.
	 */
	__atomic_store_n(&armed_var, 1, __ATOMIC_RELAXED);
	EXPECT_EQ(1, perf_count(e.bp));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	close(e.bp);
	vm_free(vm);
}

TEST_HARNESS_MAIN
