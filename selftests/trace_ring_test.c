// SPDX-License-Identifier: GPL-2.0
/*
 * trace_ring_test - TVMM_SET_TRACE records every VM exit of a vCPU, those
 * handled in the kernel included, in a ring userspace maps, and loses
 * none: a full ring stops the vCPU (TVMM_EXIT_TRACE_FULL) until it is
 * drained.
 *
 * uapi/tvmm.h: struct tvmm_trace_ring is "mmap() of the vCPU fd at
 * TVMM_TRACE_MMAP_OFFSET, TVMM_TRACE_MMAP_SIZE bytes, after the first
 * TVMM_SET_TRACE"; "tvmm writes entries[head % nr_entries], then advances
 * head (a release store); userspace reads entries from tail to head ...
 * then advances tail. When the ring is full, TVMM_RUN returns with
 * TVMM_EXIT_TRACE_FULL before entering the guest again ... no exit is
 * lost. A tail that is not within nr_entries of head counts as a drained
 * ring." Each entry: seq = run->exit_count of the exit, the RIP of the
 * exiting instruction, the qualification, the basic exit reason (SDM Vol.
 * 3D, Appendix C: CPUID 10, VMCALL 18, CR access 28, I/O 30, RDMSR 31,
 * WRMSR 32, EPT violation 48), who handled it, the instruction length,
 * and info[] as documented per exit reason. TVMM_SET_TRACE: -EINVAL for
 * bad flags or reserved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tvmm_gp.h"
#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_para.h"
#include "uapi/tvmm_vmx.h"

#define NR_CPUIDS	10000	/* more than two rings' worth */
#define NR_LEAVES	8
#define LEAF_BASE	0x40000100

#define TEST_PORT	0x2345
#define OUT_VALUE	0xfeedf00dU

#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_VALUE		0x0000123456789abcULL
#define MSR_BAD_VALUE		0x8000000000000000ULL	/* not canonical */
#define BAD_MSR			0x4b564d99		/* not virtualized */

/* Below 4 GiB, no slot there: MMIO. */
#define MMIO_GPA	0xc0000000ULL
#define MMIO_VALUE	0x5a5aa5a5U
#define MMIO_READ	0x13572468U

#define HC_RBX		0x0123456789abcdefULL

/* The answer tvmm gives for leaf LEAF_BASE + k: registers tagged by k. */
static __u32 leaf_reg(int k, int reg)
{
	return 0xa0000000U + ((__u32)reg << 24) + k;
}

static void set_cpuid_table(struct tvmm_vcpu *vcpu)
{
	struct tvmm_cpuid *cpuid = tvmm_cpuid_alloc(NR_LEAVES);
	int k;

	cpuid->nent = NR_LEAVES;
	for (k = 0; k < NR_LEAVES; k++) {
		cpuid->entries[k].function = LEAF_BASE + k;
		cpuid->entries[k].eax = leaf_reg(k, 0);
		cpuid->entries[k].ebx = leaf_reg(k, 1);
		cpuid->entries[k].ecx = leaf_reg(k, 2);
		cpuid->entries[k].edx = leaf_reg(k, 3);
	}
	vcpu_set_cpuid(vcpu, cpuid);
	free(cpuid);
}

static int __set_trace(struct tvmm_vcpu *vcpu, __u32 flags, __u32 reserved)
{
	struct tvmm_trace_config cfg = { .flags = flags, .reserved = reserved };

	return ioctl(vcpu->fd, TVMM_SET_TRACE, &cfg) ? -errno : 0;
}

static void set_trace(struct tvmm_vcpu *vcpu, __u32 flags)
{
	int ret = __set_trace(vcpu, flags, 0);

	TEST_ASSERT(!ret, "TVMM_SET_TRACE(%#x): %s", flags, strerror(-ret));
}

static void *__map_ring(struct tvmm_vcpu *vcpu, size_t len, off_t off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd,
		    off);
}

static struct tvmm_trace_ring *map_ring(struct tvmm_vcpu *vcpu)
{
	void *p = __map_ring(vcpu, TVMM_TRACE_MMAP_SIZE,
			     TVMM_TRACE_MMAP_OFFSET);

	TEST_ASSERT(p != MAP_FAILED, "mmap of the trace ring: %s",
		    strerror(errno));
	return p;
}

/* Collected entries, in ring order, across drains. */
struct trace_log {
	struct tvmm_trace_entry *e;
	size_t n, max;
};

/* Take every entry from tail to head and give them back. */
static void drain(struct tvmm_trace_ring *ring, struct trace_log *log)
{
	__u64 head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	__u64 tail = ring->tail;

	TEST_ASSERT(head - tail <= ring->nr_entries,
		    "head %llu, tail %llu: more than the ring holds",
		    (unsigned long long)head, (unsigned long long)tail);
	for (; tail != head; tail++) {
		TEST_ASSERT(log->n < log->max, "more exits than expected");
		log->e[log->n++] = ring->entries[tail % ring->nr_entries];
	}
	__atomic_store_n(&ring->tail, tail, __ATOMIC_RELEASE);
}

static void log_init(struct trace_log *log, size_t max)
{
	log->e = calloc(max, sizeof(*log->e));
	TEST_ASSERT(log->e, "calloc");
	log->n = 0;
	log->max = max;
}

static bool host_event(const struct tvmm_trace_entry *e)
{
	return e->exit_reason == TVMM_VMX_EXIT_EXTERNAL_INTERRUPT ||
	       e->exit_reason == TVMM_VMX_EXIT_PREEMPTION_TIMER;
}

/* ---- many CPUIDs, drained on TVMM_EXIT_TRACE_FULL, then an OUT ---- */

GUEST_ASM_LABEL(cpuid_insn);
GUEST_ASM_LABEL(out_insn);

/*
 * CPUID(@leaf, @subleaf), returning EAX: one copy of the instruction, at
 * cpuid_insn, whatever the compiler does with the loop around the call.
 */
asm(".pushsection .text\n"
	"guest_cpuid:\n"
	"	push %rbx\n"
	"	mov %edi, %eax\n"
	"	mov %esi, %ecx\n"
	"cpuid_insn:\n"
	"	cpuid\n"
	"	pop %rbx\n"
	"	ret\n"
	".popsection\n");
GUEST_ASM_LABEL(guest_cpuid);

typedef __u32 (*cpuid_fn)(__u32 leaf, __u32 subleaf);

static void guest_cpuids(void)
{
	int i;

	for (i = 0; i < NR_CPUIDS; i++)
		GUEST_ASSERT_EQ(((cpuid_fn)guest_cpuid)(LEAF_BASE +
							i % NR_LEAVES, i),
				leaf_reg(i % NR_LEAVES, 0));
	asm volatile("out_insn: outl %%eax, %%dx"
		     : : "a"(OUT_VALUE), "d"(TEST_PORT));
	GUEST_DONE();
}

TEST(every_exit_once_in_order_across_full_rings)
{
	struct tvmm_trace_ring *ring;
	const struct tvmm_trace_entry *e, *last;
	struct tvmm_vcpu *vcpu;
	struct trace_log log;
	struct tvmm_vm *vm;
	int fulls = 0, cpuids = 0;
	__u64 cycles = 0, head, exits;
	size_t i;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuids);
	set_cpuid_table(vcpu);
	set_trace(vcpu, TVMM_TRACE_ON);
	ring = map_ring(vcpu);
	EXPECT_EQ(TVMM_TRACE_ENTRIES, ring->nr_entries);
	EXPECT_EQ(TVMM_TRACE_ON, ring->flags);
	EXPECT_EQ(0, ring->head);
	log_init(&log, 2 * NR_CPUIDS);

	for (;;) {
		vcpu_run(vcpu);
		if (vcpu->run->exit_reason == TVMM_EXIT_TRACE_FULL &&
		    !fulls) {
			/* Not drained: the vCPU does not enter, nothing lost. */
			head = ring->head;
			exits = vcpu->run->exit_count;
			EXPECT_EQ(TVMM_TRACE_ENTRIES, head - ring->tail);
			vcpu_run(vcpu);
			EXPECT_EQ(TVMM_EXIT_TRACE_FULL, vcpu->run->exit_reason);
			EXPECT_EQ(head, ring->head);
			EXPECT_EQ(exits, vcpu->run->exit_count);
		}
		drain(ring, &log);
		if (vcpu->run->exit_reason != TVMM_EXIT_TRACE_FULL)
			break;
		fulls++;
	}
	vcpu_assert_exit_at(vcpu, TVMM_EXIT_IO, __FILE__, __LINE__);
	ASSERT_EQ(TEST_PORT, vcpu->run->io.port);
	/* Each ring's worth of kernel exits stopped the vCPU once. */
	EXPECT_LE(NR_CPUIDS / TVMM_TRACE_ENTRIES, fulls);

	ASSERT_LT(0, log.n);
	for (i = 0; i < log.n; i++) {
		e = &log.e[i];
		/* exit_count counts from 1: every exit is there, once. */
		ASSERT_EQ(i + 1, e->seq);
		if (host_event(e)) {
			EXPECT_EQ(TVMM_TRACE_BY_KERNEL, e->handled_by);
			continue;
		}
		if (i == log.n - 1)
			break;
		ASSERT_EQ(TVMM_VMX_EXIT_CPUID, e->exit_reason) {
			TH_LOG("entry %zu", i);
		}
		EXPECT_EQ(TVMM_TRACE_BY_KERNEL, e->handled_by);
		EXPECT_EQ((__u64)(unsigned long)cpuid_insn, e->rip);
		EXPECT_EQ(2, e->insn_len);
		EXPECT_EQ((LEAF_BASE + cpuids % NR_LEAVES) |
			  (__u64)cpuids << 32, e->info[0]);
		EXPECT_EQ(leaf_reg(cpuids % NR_LEAVES, 0) |
			  (__u64)leaf_reg(cpuids % NR_LEAVES, 1) << 32,
			  e->info[1]);
		EXPECT_EQ(leaf_reg(cpuids % NR_LEAVES, 2) |
			  (__u64)leaf_reg(cpuids % NR_LEAVES, 3) << 32,
			  e->info[2]);
		cycles += e->cycles;
		cpuids++;
	}
	EXPECT_EQ(NR_CPUIDS, cpuids);
	EXPECT_LT(0, cycles);

	/* The OUT, last: handed to userspace, with its value and port. */
	last = &log.e[log.n - 1];
	EXPECT_EQ(vcpu->run->exit_count, last->seq);
	EXPECT_EQ(TVMM_VMX_EXIT_IO_INSTRUCTION, last->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_USER, last->handled_by);
	EXPECT_EQ(OUT_VALUE, last->info[0]);
	EXPECT_EQ((__u64)(unsigned long)out_insn, last->rip);
	EXPECT_EQ(1, last->insn_len);
	/* Port in bits 31:16, OUT (bit 3 clear), 4 bytes (size - 1 = 3). */
	EXPECT_EQ((__u64)TEST_PORT << 16 | 3, last->qualification);

	EXPECT_EQ(NR_CPUIDS, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_CPUID));

	vcpu_run_expect_done(vcpu);
	munmap(ring, TVMM_TRACE_MMAP_SIZE);
	free(log.e);
	vm_free(vm);
}

/* ---- what MSR, CR, MMIO and VMCALL exits record ---- */

static void guest_details(void)
{
	__u64 rax = TVMM_HC_NOP, cr0 = get_cr0(), gp;
	__u32 lo, hi;
	__u16 w;

	wrmsr(MSR_IA32_SYSENTER_ESP, MSR_VALUE);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_SYSENTER_ESP), MSR_VALUE);
	gp = gp_count;
	GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi) : "c"(BAD_MSR));
	GUEST_ASSERT_GP(gp);
	gp = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_SYSENTER_ESP),
		      "a"((__u32)MSR_BAD_VALUE),
		      "d"((__u32)(MSR_BAD_VALUE >> 32)));
	GUEST_ASSERT_GP(gp);
	/* Only a change exits (all CR0 bits are tvmm's to set). */
	asm volatile("mov %0, %%cr0\n"
		     "clts" : : "r"(cr0 | X86_CR0_TS) : "memory");
	asm volatile("movl %1, (%0)"
		     : : "r"(MMIO_GPA + 8), "r"(MMIO_VALUE) : "memory");
	asm volatile("movw (%1), %0" : "=r"(w) : "r"(MMIO_GPA + 0x20));
	GUEST_ASSERT_EQ(w, (__u16)MMIO_READ);
	asm volatile("vmcall" : "+a"(rax) : "b"(HC_RBX) : "memory");
	GUEST_ASSERT_EQ(rax, 0);
	GUEST_DONE();
}

/* The next entry of @log after *@i that is not a host event. */
static const struct tvmm_trace_entry *next_guest_exit(struct trace_log *log,
						      size_t *i)
{
	while (*i < log->n && host_event(&log->e[*i]))
		(*i)++;
	TEST_ASSERT(*i < log->n, "fewer exits than expected");
	return &log->e[(*i)++];
}

TEST(exits_record_their_details)
{
	const struct tvmm_trace_entry *e;
	struct tvmm_trace_ring *ring;
	struct tvmm_vcpu *vcpu;
	struct trace_log log;
	struct tvmm_vm *vm;
	struct tvmm_run *run;
	__u64 cr0;
	size_t i;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_details);
	install_gp_gate(vm);
	virt_map(vm, MMIO_GPA, MMIO_GPA, PAGE_SIZE);
	set_trace(vcpu, TVMM_TRACE_ON);
	ring = map_ring(vcpu);
	log_init(&log, 1000);
	run = vcpu->run;

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_MMIO);
	EXPECT_TRUE(run->mmio.is_write);
	drain(ring, &log);
	ASSERT_LT(0, log.n);
	e = &log.e[log.n - 1];
	EXPECT_EQ(TVMM_VMX_EXIT_EPT_VIOLATION, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_USER, e->handled_by);
	EXPECT_EQ(MMIO_GPA + 8, e->info[0]);
	EXPECT_EQ(4, e->info[1]);
	EXPECT_EQ(MMIO_VALUE, e->info[2]);
	/* Undefined for EPT violations: tvmm leaves it 0 (28.2.5). */
	EXPECT_EQ(0, e->insn_len);

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_MMIO);
	EXPECT_FALSE(run->mmio.is_write);
	memcpy(run->mmio.data, &(__u32){ MMIO_READ }, 4);
	vcpu_run_expect_done(vcpu);
	drain(ring, &log);

	i = 0;
	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_MSR_WRITE, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_KERNEL, e->handled_by);
	EXPECT_EQ(MSR_IA32_SYSENTER_ESP, e->info[0]);
	EXPECT_EQ(MSR_VALUE, e->info[1]);
	EXPECT_EQ(0, e->info[2]);
	EXPECT_EQ(2, e->insn_len);

	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_MSR_READ, e->exit_reason);
	EXPECT_EQ(MSR_IA32_SYSENTER_ESP, e->info[0]);
	EXPECT_EQ(MSR_VALUE, e->info[1]);
	EXPECT_EQ(0, e->info[2]);

	/* #GP raised by tvmm, into the guest: still handled in the kernel. */
	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_MSR_READ, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_KERNEL, e->handled_by);
	EXPECT_EQ(BAD_MSR, e->info[0]);
	EXPECT_EQ(1, e->info[2]);

	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_MSR_WRITE, e->exit_reason);
	EXPECT_EQ(MSR_IA32_SYSENTER_ESP, e->info[0]);
	EXPECT_EQ(MSR_BAD_VALUE, e->info[1]);
	EXPECT_EQ(1, e->info[2]);

	/* Table 28-3: bits 3:0 the CR, 5:4 the type (0 MOV to CR, 2 CLTS). */
	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_CR_ACCESS, e->exit_reason);
	EXPECT_EQ(0, e->qualification & 0x3f);
	cr0 = e->info[0];
	EXPECT_TRUE(cr0 & X86_CR0_PG);
	EXPECT_TRUE(cr0 & X86_CR0_TS);
	EXPECT_EQ(3, e->insn_len);
	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_CR_ACCESS, e->exit_reason);
	EXPECT_EQ(0x20, e->qualification & 0x3f);
	EXPECT_EQ(cr0 & ~X86_CR0_TS, e->info[0]);
	EXPECT_EQ(2, e->insn_len);

	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_EPT_VIOLATION, e->exit_reason);
	EXPECT_EQ(MMIO_GPA + 8, e->info[0]);

	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_EPT_VIOLATION, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_USER, e->handled_by);
	EXPECT_EQ(MMIO_GPA + 0x20, e->info[0]);
	EXPECT_EQ(2, e->info[1]);
	EXPECT_EQ(0, e->info[2]);

	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_VMCALL, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_KERNEL, e->handled_by);
	EXPECT_EQ(TVMM_HC_NOP, e->info[0]);
	EXPECT_EQ(HC_RBX, e->info[1]);
	EXPECT_EQ(0, e->info[2]);
	EXPECT_EQ(3, e->insn_len);

	/* GUEST_DONE()'s OUT ends it. */
	e = next_guest_exit(&log, &i);
	EXPECT_EQ(TVMM_VMX_EXIT_IO_INSTRUCTION, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_USER, e->handled_by);
	EXPECT_EQ(UCALL_PORT, e->qualification >> 16);
	EXPECT_EQ(log.n, i);

	munmap(ring, TVMM_TRACE_MMAP_SIZE);
	free(log.e);
	vm_free(vm);
}

/* ---- bad input; the ring exists only once tracing was started ---- */

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(bad_input_and_mmap_rules)
{
	struct tvmm_trace_config cfg = {};
	struct tvmm_trace_ring *ring;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	void *p;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);

	/* Nothing to map yet, even after a stop. */
	errno = 0;
	EXPECT_EQ(MAP_FAILED, __map_ring(vcpu, TVMM_TRACE_MMAP_SIZE,
					 TVMM_TRACE_MMAP_OFFSET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, __set_trace(vcpu, 0, 0));
	EXPECT_EQ(MAP_FAILED, __map_ring(vcpu, TVMM_TRACE_MMAP_SIZE,
					 TVMM_TRACE_MMAP_OFFSET));

	EXPECT_EQ(-EINVAL, __set_trace(vcpu, 2, 0));
	EXPECT_EQ(-EINVAL, __set_trace(vcpu, TVMM_TRACE_ON | 0x80000000, 0));
	EXPECT_EQ(-EINVAL, __set_trace(vcpu, TVMM_TRACE_ON, 1));
	errno = 0;
	EXPECT_EQ(-1, ioctl(vcpu->fd, TVMM_SET_TRACE, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* Refused calls started nothing. */
	EXPECT_EQ(MAP_FAILED, __map_ring(vcpu, TVMM_TRACE_MMAP_SIZE,
					 TVMM_TRACE_MMAP_OFFSET));

	EXPECT_EQ(0, ioctl(vcpu->fd, TVMM_SET_TRACE, &cfg));
	set_trace(vcpu, TVMM_TRACE_ON);
	/* Only the whole ring, only at its offset. */
	errno = 0;
	EXPECT_EQ(MAP_FAILED, __map_ring(vcpu, PAGE_SIZE,
					 TVMM_TRACE_MMAP_OFFSET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, __map_ring(vcpu,
					 TVMM_TRACE_MMAP_SIZE + PAGE_SIZE,
					 TVMM_TRACE_MMAP_OFFSET));
	EXPECT_EQ(MAP_FAILED, __map_ring(vcpu, TVMM_TRACE_MMAP_SIZE,
					 TVMM_TRACE_MMAP_OFFSET + PAGE_SIZE));
	EXPECT_EQ(MAP_FAILED, __map_ring(vcpu, TVMM_TRACE_MMAP_SIZE, 0));

	ring = map_ring(vcpu);
	EXPECT_EQ(TVMM_TRACE_ENTRIES, ring->nr_entries);
	EXPECT_EQ(TVMM_TRACE_ON, ring->flags);
	/* Offset 0 is still the run page. */
	p = __map_ring(vcpu, PAGE_SIZE, 0);
	ASSERT_NE(MAP_FAILED, p);
	vcpu->run->exit_count = 0x1234;
	EXPECT_EQ(0x1234, ((struct tvmm_run *)p)->exit_count);
	munmap(p, PAGE_SIZE);
	vcpu->run->exit_count = 0;

	/* A refused call leaves tracing as it was. */
	EXPECT_EQ(-EINVAL, __set_trace(vcpu, 0, 1));
	EXPECT_EQ(TVMM_TRACE_ON, ring->flags);
	vcpu_run_expect_done(vcpu);
	EXPECT_EQ(1, ring->head);

	munmap(ring, TVMM_TRACE_MMAP_SIZE);
	vm_free(vm);
}

/* ---- stopping, starting again, and a tail out of range ---- */

static void guest_stages(void)
{
	__u32 a, b, c, d;
	int stage, i;

	for (stage = 1; stage <= 3; stage++) {
		for (i = 0; i < 3000; i++)
			cpuid(0, 0, &a, &b, &c, &d);
		GUEST_SYNC(stage, 0);
	}
	GUEST_DONE();
}

TEST(stop_start_and_bogus_tail)
{
	struct tvmm_trace_ring *ring;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 head, seq;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_stages);
	set_trace(vcpu, TVMM_TRACE_ON);
	ring = map_ring(vcpu);

	/*
	 * A tail far from head counts as a drained ring: 3000 exits go in
	 * without TVMM_EXIT_TRACE_FULL, and tvmm never uses it as an index.
	 */
	ring->tail = 1000000;
	vcpu_run_expect_sync(vcpu, 1);
	head = ring->head;
	EXPECT_LE(3001, head);
	seq = ring->entries[(head - 1) % TVMM_TRACE_ENTRIES].seq;
	EXPECT_EQ(vcpu->run->exit_count, seq);

	/* Stopped: nothing more goes in. */
	set_trace(vcpu, 0);
	EXPECT_EQ(0, ring->flags);
	ring->tail = head;
	vcpu_run_expect_sync(vcpu, 2);
	EXPECT_EQ(head, ring->head);

	/* Started again: the ring goes on where it was. */
	set_trace(vcpu, TVMM_TRACE_ON);
	EXPECT_EQ(TVMM_TRACE_ON, ring->flags);
	vcpu_run_expect_sync(vcpu, 3);
	EXPECT_LE(head + 3001, ring->head);
	EXPECT_LT(seq + 3001,
		  ring->entries[head % TVMM_TRACE_ENTRIES].seq);
	EXPECT_EQ(vcpu->run->exit_count,
		  ring->entries[(ring->head - 1) % TVMM_TRACE_ENTRIES].seq);
	set_trace(vcpu, 0);
	vcpu_run_expect_done(vcpu);

	munmap(ring, TVMM_TRACE_MMAP_SIZE);
	vm_free(vm);
}

/* ---- the mapping outlives the file descriptor, safely ---- */

TEST(ring_mapped_after_close)
{
	struct tvmm_trace_ring *ring;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 seq;
	int fd;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	set_trace(vcpu, TVMM_TRACE_ON);
	ring = map_ring(vcpu);
	vcpu_run_expect_done(vcpu);
	seq = vcpu->run->exit_count;

	vcpu_close(vcpu);

	/* The mapping holds the vCPU: its id is still taken... */
	EXPECT_EQ(-EEXIST, __vm_create_vcpu(vm, 0));
	/* ...and the ring still reads as it was left. */
	EXPECT_EQ(1, ring->head);
	EXPECT_EQ(seq, ring->entries[0].seq);
	EXPECT_EQ(TVMM_VMX_EXIT_IO_INSTRUCTION, ring->entries[0].exit_reason);
	ring->tail = 1;

	/* Unmapping frees it. */
	ASSERT_EQ(0, munmap(ring, TVMM_TRACE_MMAP_SIZE));
	fd = __vm_create_vcpu(vm, 0);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	vm_free(vm);
}

TEST_HARNESS_MAIN
