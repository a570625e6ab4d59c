// SPDX-License-Identifier: GPL-2.0
/*
 * exception_loop_test - #AC and #DB always exit, so a guest whose #AC
 * delivery raises #AC again loops through VM exits the host can stop, and
 * the guest still gets both exceptions as a CPU would deliver them.
 *
 * SDM Vol. 3A, 7.15 "Interrupt 17-Alignment Check Exception (#AC)": with
 * CR0.AM and EFLAGS.AC set, at CPL 3, an unaligned data access raises #AC
 * with an error code of 0; Table 7-5: #AC and #DB are benign, and a benign
 * exception raised while delivering another is "handled serially". An #AC
 * gate that delivers at CPL 3 onto a misaligned stack therefore raises #AC
 * again before any instruction completes, for ever: on a real CPU, in
 * microcode, where no interrupt and no VM exit is recognised, so the host
 * CPU hangs (CVE-2015-5307; the #DB form is CVE-2015-8104). KVM always
 * intercepts both. Vol. 3C, 25.6.3 "Exception Bitmap": an exception whose
 * bit is 1 "causes a VM exit"; 28.2.3: an exit during event delivery
 * reports the event in the IDT-vectoring information.
 *
 * Bochs 2.7 cannot show the hang as a CPU would: it delivers a benign
 * exception raised inside another's delivery by calling itself again, so
 * with the module before the fix the loop guest ends the emulated machine
 * (Bochs logs "#AC misaligned access" until it stops). The tests check
 * what the fix guarantees: every #AC of the loop is a VM
 * exit tvmm handles (the trace ring fills with them), a signal ends the
 * run, userspace still gets #AC when it asks (TVMM_SET_EXCEPTION_EXITS),
 * and a #DB the guest takes from single-stepping reaches its handler with
 * DR6.BS set (Vol. 3B, 18.2.3: "BS (single step) flag ... set if the debug
 * exception was triggered by the single-step execution mode") and the
 * RIP after the stepped instruction.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_vmx.h"

#define AC_VECTOR		17
#define DB_VECTOR		1

#define X86_EFLAGS_TF		0x100u
#define X86_EFLAGS_AC		0x40000u
#define DR6_BS			BIT_ULL(14)

/* VM-exit interruption information (SDM 25.9.2). */
#define INTR_INFO_VECTOR(i)	((i) & 0xff)
#define INTR_INFO_TYPE(i)	(((i) >> 8) & 7)
#define INTR_INFO_HAS_CODE	BIT_ULL(11)
#define INTR_TYPE_HW_EXCEPTION	3

/*
 * The #AC loop guest, in 32-bit protected mode without paging: two DPL-3
 * flat segments after the library's GDT, a 32-bit IDT of its own whose
 * #AC gate targets the DPL-3 code (delivery at CPL 3, no stack switch),
 * and ESP odd.
 */
#define AC_SEL_CODE3		(0x30 | 3)
#define AC_SEL_DATA3		(0x38 | 3)
#define AC_GDT_LIMIT		(8 * 8 - 1)
#define AC_IDT			TVMM_GPA_TEST_DATA
#define AC_IDT_LIMIT		(32 * 8 - 1)
#define AC_STACK		(TVMM_GPA_TEST_DATA + 0x10001)
#define AC_DATA			(TVMM_GPA_TEST_DATA + 0x20001)

GUEST_ASM32(ac_loop,
	    "ac_load: movl (%eax), %ebx\n"
	    "hlt\n"
	    "ac_handler: hlt\n");
GUEST_ASM_LABEL(ac_load);
GUEST_ASM_LABEL(ac_handler);

/* A flat 4 GiB code (@type 0xa) or data (0x2) descriptor of DPL 3. */
static __u64 flat_descriptor3(__u64 type)
{
	return 0xffffULL | (0xfULL << 48) | (1ULL << 54) | (1ULL << 55) |
	       ((0x90ULL | (3ULL << 5) | type) << 40);
}

static void ac_segment(struct tvmm_segment *s, __u16 sel, __u8 type)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->s = 1;
	s->dpl = 3;
	s->present = 1;
	s->db = 1;
	s->g = 1;
}

static struct tvmm_vm *ac_loop_vm(struct tvmm_vcpu **vcpu)
{
	struct tvmm_vm *vm = vm_create_with_asm_vcpu(vcpu, ac_loop_start,
						     ac_loop_end, 32);
	__u64 code = flat_descriptor3(0xb), data = flat_descriptor3(0x3);
	__u32 handler = GUEST_ASM_GPA(ac_loop_start, ac_handler);
	__u64 gate = (handler & 0xffff) | ((__u64)AC_SEL_CODE3 << 16) |
		     (0xeeULL << 40) |	/* P, DPL 3, 32-bit interrupt gate */
		     ((__u64)(handler >> 16) << 48);
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;

	vm_write_guest(vm, TVMM_GPA_GDT + (AC_SEL_CODE3 & ~7), &code, 8);
	vm_write_guest(vm, TVMM_GPA_GDT + (AC_SEL_DATA3 & ~7), &data, 8);
	vm_write_guest(vm, AC_IDT + AC_VECTOR * 8, &gate, 8);

	vcpu_get_sregs(*vcpu, &sregs);
	ac_segment(&sregs.cs, AC_SEL_CODE3, 0xb);
	ac_segment(&sregs.ss, AC_SEL_DATA3, 0x3);
	ac_segment(&sregs.ds, AC_SEL_DATA3, 0x3);
	ac_segment(&sregs.es, AC_SEL_DATA3, 0x3);
	sregs.gdt.limit = AC_GDT_LIMIT;
	sregs.idt.base = AC_IDT;
	sregs.idt.limit = AC_IDT_LIMIT;
	sregs.cr0 |= X86_CR0_AM;
	vcpu_set_sregs(*vcpu, &sregs);

	vcpu_get_regs(*vcpu, &regs);
	regs.rsp = AC_STACK;
	regs.rax = AC_DATA;
	regs.rflags = 0x2 | X86_EFLAGS_AC;
	vcpu_set_regs(*vcpu, &regs);
	return vm;
}

static void set_trace(struct tvmm_vcpu *vcpu, __u32 flags)
{
	struct tvmm_trace_config cfg = { .flags = flags };

	TEST_ASSERT(!ioctl(vcpu->fd, TVMM_SET_TRACE, &cfg),
		    "TVMM_SET_TRACE: %s", strerror(errno));
}

/*
 * Every exit until the ring is full is an #AC at the load, handled in the
 * kernel: the first from the load itself, the others from delivering it,
 * each reported in the IDT-vectoring information and given back to the
 * guest.
 */
TEST(ac_loop_is_exits)
{
	struct tvmm_trace_ring *ring;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 i, load;

	TVMM_REQUIRE_MODULE();
	vm = ac_loop_vm(&vcpu);
	load = GUEST_ASM_GPA(ac_loop_start, ac_load);
	set_trace(vcpu, TVMM_TRACE_ON);
	ring = mmap(NULL, TVMM_TRACE_MMAP_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, vcpu->fd, TVMM_TRACE_MMAP_OFFSET);
	ASSERT_NE(MAP_FAILED, ring);

	ASSERT_EQ(0, __vcpu_run(vcpu));
	ASSERT_EQ(TVMM_EXIT_TRACE_FULL, vcpu->run->exit_reason) {
		char buf[256];

		TH_LOG("expected the ring to fill with #AC exits, got %s",
		       vcpu_describe_exit(vcpu, buf, sizeof(buf)));
	}
	ASSERT_EQ(TVMM_TRACE_ENTRIES, ring->head);
	for (i = 0; i < ring->head; i++) {
		struct tvmm_trace_entry *e = &ring->entries[i];

		ASSERT_EQ(TVMM_VMX_EXIT_EXCEPTION_NMI, e->exit_reason);
		ASSERT_EQ(AC_VECTOR, INTR_INFO_VECTOR(e->info[0]));
		ASSERT_EQ(INTR_TYPE_HW_EXCEPTION, INTR_INFO_TYPE(e->info[0]));
		ASSERT_TRUE(e->info[0] & INTR_INFO_HAS_CODE);
		/* Bit 0, EXT: raised while delivering an event (Vol. 3A, 7.13). */
		ASSERT_EQ(0, e->info[1] & ~1ULL);
		ASSERT_EQ(TVMM_TRACE_BY_KERNEL, e->handled_by);
		ASSERT_EQ(load, e->rip);
	}
	munmap(ring, TVMM_TRACE_MMAP_SIZE);
	vm_free(vm);
}

static void on_sigusr1(int sig)
{
}

struct runner {
	struct tvmm_vcpu *vcpu;
	int ret;
	bool done;
};

static void *run_vcpu(void *arg)
{
	struct runner *r = arg;

	r->ret = __vcpu_run(r->vcpu);
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* The loop never ends by itself; a signal to the vCPU thread ends the run. */
TEST(ac_loop_stops_on_signal)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct tvmm_vcpu *vcpu;
	struct runner r = {};
	struct tvmm_vm *vm;
	pthread_t thread;

	TVMM_REQUIRE_MODULE();
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm = ac_loop_vm(&vcpu);
	r.vcpu = vcpu;
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_vcpu, &r));
	/* Until the thread is back, a signal each 100 ms. */
	ASSERT_EQ(0, signal_until_done(thread, SIGUSR1, &r.done));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(-EINTR, r.ret);
	EXPECT_EQ(TVMM_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_LT(1, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_EXCEPTION_NMI));
	vm_free(vm);
}

/* Asked for, the #AC still exits to userspace, as every vector does. */
TEST(ac_asked_for_exits_to_userspace)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = ac_loop_vm(&vcpu);
	vcpu_set_exception_exits(vcpu, BIT_ULL(AC_VECTOR));
	vcpu_run_expect_exception(vcpu, AC_VECTOR, 0,
				  GUEST_ASM_GPA(ac_loop_start, ac_load),
				  GUEST_ASM_GPA(ac_loop_start, ac_load));
	vm_free(vm);
}

/*
 * Single-stepping: POPF sets TF, the NOP after it completes, then #DB.
 * The handler records DR6 and the RIP it interrupted, clears TF in the
 * frame and returns.
 */
__u64 db_dr6, db_rip, db_count;

asm(".pushsection .text\n"
	"db_handler:\n"
	"	mov %dr6, %rax\n"
	"	mov %rax, db_dr6(%rip)\n"
	"	mov (%rsp), %rax\n"
	"	mov %rax, db_rip(%rip)\n"
	"	incq db_count(%rip)\n"
	"	andq $~" TVMM_STR(X86_EFLAGS_TF) ", 16(%rsp)\n"
	"	iretq\n"
	".popsection\n");
GUEST_ASM_LABEL(db_handler);
GUEST_ASM_LABEL(guest_stepped);
GUEST_ASM_LABEL(guest_after_step);

static void guest_single_step(void)
{
	asm volatile("pushfq\n"
		     "orq $" TVMM_STR(X86_EFLAGS_TF) ", (%%rsp)\n"
		     "popfq\n"
		     "guest_stepped: nop\n"
		     "guest_after_step: nop\n"
		     : : : "rax", "memory", "cc");
	GUEST_ASSERT_EQ(db_count, 1);
	GUEST_ASSERT_EQ(db_rip, (__u64)guest_after_step);
	GUEST_ASSERT(db_dr6 & DR6_BS);
	GUEST_DONE();
}

TEST(db_single_step_reaches_guest)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_single_step);
	vm_set_idt_gate(vm, DB_VECTOR, db_handler);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * ICEBP (INT1) exits as a privileged software exception at the
 * instruction (SDM 28.2.2); the guest's handler sees the RIP after it.
 */
GUEST_ASM_LABEL(guest_after_icebp);

static void guest_icebp(void)
{
	asm volatile(".byte 0xf1\n"
		     "guest_after_icebp: nop\n"
		     : : : "rax", "memory");
	GUEST_ASSERT_EQ(db_count, 1);
	GUEST_ASSERT_EQ(db_rip, (__u64)guest_after_icebp);
	GUEST_DONE();
}

TEST(db_icebp_reaches_guest)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_icebp);
	vm_set_idt_gate(vm, DB_VECTOR, db_handler);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST_HARNESS_MAIN
