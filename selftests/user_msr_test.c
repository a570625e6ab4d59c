// SPDX-License-Identifier: GPL-2.0
/*
 * user_msr_test - the MSRs userspace claims with TVMM_SET_USER_MSRS exit
 * to it, and it completes the guest's RDMSR or WRMSR; every other MSR
 * stays tvmm's.
 *
 * uapi/tvmm.h: "The guest's RDMSR or WRMSR of one returns from TVMM_RUN
 * with TVMM_EXIT_MSR (run->msr), and TVMM_GET/SET_MSRS treat it as an MSR
 * tvmm does not keep"; run->msr: "RIP still at the instruction. The next
 * TVMM_RUN completes it: error set, #GP(0) for the guest, RIP unchanged;
 * else RDMSR loads EDX:EAX from data, and RIP moves past the instruction.
 * TVMM_SET_REGS before that drops the completion [...] A change of the
 * list does not"; a TVMM_RUN that returns -EINTR first leaves the
 * completion for the next one. TVMM_SET_USER_MSRS is "-EINVAL, the list
 * in force unchanged: flags, an index past nmsrs not 0, nmsrs above
 * TVMM_MAX_USER_MSRS, an MSR twice, or one tvmm.ko keeps itself [...];
 * -EFAULT: a bad pointer". The trace ring records the exit as handled by
 * userspace: "[0] the MSR; [1] the value written, 0 for RDMSR".
 *
 * SDM Vol. 2B, RDMSR: "the high-order 32 bits of each of RAX and RDX are
 * cleared"; RDMSR and WRMSR: #GP(0) "If the value in ECX specifies a
 * reserved or unimplemented MSR address", the fault leaving RIP at the
 * instruction (Vol. 3A, 7.5 "Exception Classifications": faults).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_gp.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_vmx.h"

#define MSR_IA32_TSC			0x10
#define MSR_IA32_APICBASE		0x1b
#define MSR_IA32_FEATURE_CONTROL	0x3a	/* tvmm does not know it */
#define MSR_IA32_SPEC_CTRL		0x48
#define MSR_IA32_PRED_CMD		0x49
#define MSR_IA32_PLATFORM_ID		0x17
#define MSR_IA32_BIOS_SIGN_ID		0x8b
#define MSR_IA32_FLUSH_CMD		0x10b
#define MSR_IA32_SYSENTER_CS		0x174
#define MSR_IA32_SYSENTER_ESP		0x175
#define MSR_IA32_SYSENTER_EIP		0x176
#define MSR_IA32_MISC_ENABLE		0x1a0
#define MSR_IA32_DEBUGCTL		0x1d9
#define MSR_IA32_CR_PAT			0x277
#define MSR_MTRR_CAP			0xfe
#define MSR_MTRR_DEF_TYPE		0x2ff
#define MSR_IA32_TSC_ADJUST		0x3b
#define MSR_PERF_GLOBAL_CTRL		0x38f
#define MSR_IA32_RTIT_CTL		0x570
#define MSR_IA32_S_CET			0x6a2
#define MSR_IA32_INT_SSP_TAB		0x6a8
#define MSR_IA32_TSC_DEADLINE		0x6e0
#define MSR_IA32_BNDCFGS		0xd90
#define MSR_IA32_XSS			0xda0
#define MSR_ARCH_LBR_CTL		0x14ce
#define MSR_X2APIC_FIRST		0x800
#define MSR_STAR			0xc0000081
#define MSR_LSTAR			0xc0000082
#define MSR_CSTAR			0xc0000083
#define MSR_SYSCALL_MASK		0xc0000084
#define MSR_FS_BASE			0xc0000100
#define MSR_GS_BASE			0xc0000101
#define MSR_KERNEL_GS_BASE		0xc0000102
#define MSR_TSC_AUX			0xc0000103

/* What tvmm's own IA32_APIC_BASE reads: xAPIC on, BSP bit for vCPU 0. */
#define APIC_BASE_BSP		0xfee00900ULL
#define APIC_BASE_AP		0xfee00800ULL

#define WRITTEN			0x0123456789abcdefULL
#define ANSWER			0xfedcba9876543210ULL
#define RDMSR_WRMSR_LEN		2
#define KERNEL_ADDR		0xffff888000000000ULL

/* ---- the ioctl, and the checks every test makes ---- */

static int __vm_set_user_msrs(struct tvmm_vm *vm,
			      const struct tvmm_user_msrs *u)
{
	return ioctl(vm->fd, TVMM_SET_USER_MSRS, u) ? -errno : 0;
}

/* Claim the @n MSRs that follow, asserting success. */
static void vm_set_user_msrs(struct tvmm_vm *vm, unsigned int n, ...)
{
	struct tvmm_user_msrs u = { .nmsrs = n };
	unsigned int i;
	va_list ap;
	int ret;

	TEST_ASSERT(n <= TVMM_MAX_USER_MSRS, "%u MSRs", n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		u.indices[i] = va_arg(ap, __u32);
	va_end(ap);
	ret = __vm_set_user_msrs(vm, &u);
	TEST_ASSERT(!ret, "TVMM_SET_USER_MSRS: %s", strerror(-ret));
}

/* A VM with one long-mode vCPU at @guest; the test skips without the cap. */
static struct tvmm_vm *create_vm(struct __test_metadata *_metadata,
				 struct tvmm_vcpu **vcpu,
				 void (*guest)(void))
{
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(vcpu, guest);
	if (ioctl(vm->dev_fd, TVMM_CHECK_EXTENSION, TVMM_CAP_USER_MSRS) <= 0) {
		vm_free(vm);
		TVMM_SKIP("no TVMM_CAP_USER_MSRS");
	}
	return vm;
}

#define CREATE_VM(vcpu, guest)	create_vm(_metadata, vcpu, guest)

/*
 * Run once and expect TVMM_EXIT_MSR of @index, its direction and value,
 * error and padding clear, and the guest's RIP at @rip (unless NULL):
 * the instruction has not completed.
 */
static void expect_msr_exit_at(struct tvmm_vcpu *vcpu, __u32 index,
			       bool write, __u64 data, const void *rip,
			       const char *file, int line)
{
	struct tvmm_run *run = vcpu->run;
	struct tvmm_regs regs;
	int ret = __vcpu_run(vcpu);

	TEST_ASSERT(!ret, "%s:%d: TVMM_RUN: %s", file, line, strerror(-ret));
	if (run->exit_reason != TVMM_EXIT_MSR)
		vcpu_fail_exit_at(vcpu, "exit MSR", file, line);
	vcpu_get_regs(vcpu, &regs);
	TEST_ASSERT(run->msr.index == index && run->msr.is_write == write &&
		    run->msr.data == data && !run->msr.error &&
		    !run->msr.pad[0] && !run->msr.pad[1] &&
		    (!rip || regs.rip == (unsigned long)rip),
		    "%s:%d: expected %s of %#x (%#llx) at %p, got %s of %#x (%#llx), error %u, pad %u %u, at %#llx",
		    file, line, write ? "WRMSR" : "RDMSR", index,
		    (unsigned long long)data, rip,
		    run->msr.is_write ? "WRMSR" : "RDMSR", run->msr.index,
		    (unsigned long long)run->msr.data, run->msr.error,
		    run->msr.pad[0], run->msr.pad[1],
		    (unsigned long long)regs.rip);
}

#define EXPECT_MSR_EXIT(vcpu, index, write, data, rip)			\
	expect_msr_exit_at(vcpu, index, write, data, rip, __FILE__, __LINE__)

/* The trace ring's newest entry. */
static struct tvmm_trace_entry *last_trace_entry(struct tvmm_trace_ring *ring)
{
	__u64 head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);

	TEST_ASSERT(head, "the trace ring is empty");
	return &ring->entries[(head - 1) % ring->nr_entries];
}

/* ---- WRMSR and RDMSR of claimed MSRs ---- */

static void guest_wrmsr_rdmsr(void)
{
	__u64 rax, rdx;

	asm volatile("um_wrmsr: wrmsr"
		     : : "c"(MSR_IA32_TSC_DEADLINE), "a"((__u32)WRITTEN),
		       "d"((__u32)(WRITTEN >> 32)));
	/* Ones in the upper halves, which RDMSR clears. */
	asm volatile("mov $-1, %%rax\n"
		     "mov $-1, %%rdx\n"
		     "um_rdmsr: rdmsr"
		     : "=a"(rax), "=d"(rdx) : "c"(MSR_IA32_APICBASE));
	GUEST_SYNC(1, rax);
	GUEST_SYNC(2, rdx);
	GUEST_DONE();
}

GUEST_ASM_LABEL(um_wrmsr);
GUEST_ASM_LABEL(um_rdmsr);

TEST(claimed_msrs_exit_and_complete)
{
	struct tvmm_trace_config on = { .flags = TVMM_TRACE_ON };
	struct tvmm_trace_entry *e;
	struct tvmm_trace_ring *ring;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 reads, writes;

	vm = CREATE_VM(&vcpu, guest_wrmsr_rdmsr);
	ASSERT_EQ(0, ioctl(vcpu->fd, TVMM_SET_TRACE, &on));
	ring = mmap(NULL, TVMM_TRACE_MMAP_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, vcpu->fd, TVMM_TRACE_MMAP_OFFSET);
	ASSERT_NE(MAP_FAILED, ring);
	vm_set_user_msrs(vm, 2, MSR_IA32_TSC_DEADLINE, MSR_IA32_APICBASE);
	reads = vcpu_exit_count(vcpu, TVMM_VMX_EXIT_MSR_READ);
	writes = vcpu_exit_count(vcpu, TVMM_VMX_EXIT_MSR_WRITE);

	EXPECT_MSR_EXIT(vcpu, MSR_IA32_TSC_DEADLINE, true, WRITTEN, um_wrmsr);
	e = last_trace_entry(ring);
	EXPECT_EQ(TVMM_VMX_EXIT_MSR_WRITE, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_USER, e->handled_by);
	EXPECT_EQ((unsigned long)um_wrmsr, e->rip);
	EXPECT_EQ(RDMSR_WRMSR_LEN, e->insn_len);
	EXPECT_EQ(MSR_IA32_TSC_DEADLINE, e->info[0]);
	EXPECT_EQ(WRITTEN, e->info[1]);
	EXPECT_EQ(0, e->info[2]);
	EXPECT_EQ(vcpu->run->exit_count, e->seq);

	/* What userspace leaves in data is no business of a WRMSR. */
	vcpu->run->msr.data = ANSWER;
	EXPECT_MSR_EXIT(vcpu, MSR_IA32_APICBASE, false, 0, um_rdmsr);
	e = last_trace_entry(ring);
	EXPECT_EQ(TVMM_VMX_EXIT_MSR_READ, e->exit_reason);
	EXPECT_EQ(TVMM_TRACE_BY_USER, e->handled_by);
	EXPECT_EQ((unsigned long)um_rdmsr, e->rip);
	EXPECT_EQ(MSR_IA32_APICBASE, e->info[0]);
	EXPECT_EQ(0, e->info[1]);
	EXPECT_EQ(0, e->info[2]);

	vcpu->run->msr.data = ANSWER;
	EXPECT_EQ((__u32)ANSWER, vcpu_run_expect_sync(vcpu, 1));
	EXPECT_EQ(ANSWER >> 32, vcpu_run_expect_sync(vcpu, 2));
	vcpu_run_expect_done(vcpu);
	/* One VM exit each, counted like any other. */
	EXPECT_EQ(reads + 1, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_MSR_READ));
	EXPECT_EQ(writes + 1, vcpu_exit_count(vcpu, TVMM_VMX_EXIT_MSR_WRITE));
	munmap(ring, TVMM_TRACE_MMAP_SIZE);
	vm_free(vm);
}

/* ---- error: #GP(0) at the instruction ---- */

static void guest_errors(void)
{
	__u32 lo = 0x1111, hi = 0x2222;
	__u64 count = gp_count;

	GUEST_GP_INSN("rdmsr", : "+a"(lo), "+d"(hi) : "c"(MSR_IA32_APICBASE));
	GUEST_ASSERT_GP(count);
	/* A faulting RDMSR writes nothing. */
	GUEST_ASSERT_EQ(lo, 0x1111);
	GUEST_ASSERT_EQ(hi, 0x2222);
	count = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_TSC_DEADLINE), "a"(1), "d"(0));
	GUEST_ASSERT_GP(count);
	/* Unclaimed, and unknown to tvmm: its #GP, no exit. */
	count = gp_count;
	GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi)
		      : "c"(MSR_IA32_FEATURE_CONTROL));
	GUEST_ASSERT_GP(count);
	count = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_FEATURE_CONTROL), "a"(0),
		      "d"(0));
	GUEST_ASSERT_GP(count);
	GUEST_DONE();
}

TEST(error_is_a_gp_in_the_guest)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	vm = CREATE_VM(&vcpu, guest_errors);
	install_gp_gate(vm);
	vm_set_user_msrs(vm, 2, MSR_IA32_APICBASE, MSR_IA32_TSC_DEADLINE);
	ASSERT_EQ(0, __vcpu_run(vcpu));
	ASSERT_EQ(TVMM_EXIT_MSR, vcpu->run->exit_reason);
	EXPECT_EQ(MSR_IA32_APICBASE, vcpu->run->msr.index);
	vcpu->run->msr.data = ANSWER;
	vcpu->run->msr.error = 1;
	ASSERT_EQ(0, __vcpu_run(vcpu));
	ASSERT_EQ(TVMM_EXIT_MSR, vcpu->run->exit_reason);
	EXPECT_EQ(MSR_IA32_TSC_DEADLINE, vcpu->run->msr.index);
	EXPECT_EQ(1, vcpu->run->msr.is_write);
	vcpu->run->msr.error = 1;
	/* Then no exit at all for the MSR no one claimed. */
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

static void guest_error_exit(void)
{
	__u32 lo, hi;

	asm volatile("um_gp_rdmsr: rdmsr"
		     : "=a"(lo), "=d"(hi) : "c"(MSR_IA32_APICBASE));
	asm volatile("um_gp_resume:");
	GUEST_DONE();
}

GUEST_ASM_LABEL(um_gp_rdmsr);
GUEST_ASM_LABEL(um_gp_resume);

/* The #GP goes where any other would: here, to userspace. */
TEST(error_with_gp_exits_is_an_exception_exit)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	vm = CREATE_VM(&vcpu, guest_error_exit);
	vcpu_set_exception_exits(vcpu, 1u << GP_VECTOR);
	vm_set_user_msrs(vm, 1, MSR_IA32_APICBASE);
	EXPECT_MSR_EXIT(vcpu, MSR_IA32_APICBASE, false, 0, um_gp_rdmsr);
	vcpu->run->msr.error = 1;
	vcpu_run_expect_exception(vcpu, GP_VECTOR, 0, um_gp_rdmsr,
				  um_gp_resume);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* ---- the list is the VM's; cleared, the MSRs are tvmm's again ---- */

static void guest_apic_base(void)
{
	GUEST_SYNC(1, rdmsr(MSR_IA32_APICBASE));
	GUEST_SYNC(2, rdmsr(MSR_IA32_APICBASE));
	GUEST_DONE();
}

TEST(clearing_the_list_gives_the_msrs_back)
{
	struct tvmm_vcpu *vcpus[2];
	struct tvmm_vm *vm;
	__u64 v;
	int i;

	vm = CREATE_VM(&vcpus[0], guest_apic_base);
	vcpus[1] = vm_vcpu_add(vm, 1);
	vcpu_setup_long_mode(vcpus[1], (unsigned long)guest_apic_base);
	vm_set_user_msrs(vm, 1, MSR_IA32_APICBASE);
	/* Userspace's MSR now: TVMM_GET/SET_MSRS do not know it. */
	EXPECT_EQ(0, __vcpu_get_msr(vcpus[0], MSR_IA32_APICBASE, &v));
	EXPECT_EQ(0, __vcpu_set_msr(vcpus[0], MSR_IA32_APICBASE,
				    APIC_BASE_BSP));
	for (i = 0; i < 2; i++) {
		EXPECT_MSR_EXIT(vcpus[i], MSR_IA32_APICBASE, false, 0, NULL);
		vcpus[i]->run->msr.data = 0xfee00d00 + i;
		EXPECT_EQ(0xfee00d00 + i, vcpu_run_expect_sync(vcpus[i], 1));
	}

	vm_set_user_msrs(vm, 0);
	EXPECT_EQ(1, __vcpu_get_msr(vcpus[0], MSR_IA32_APICBASE, &v));
	EXPECT_EQ(APIC_BASE_BSP, v);
	EXPECT_EQ(APIC_BASE_BSP, vcpu_run_expect_sync(vcpus[0], 2));
	EXPECT_EQ(APIC_BASE_AP, vcpu_run_expect_sync(vcpus[1], 2));
	vcpu_run_expect_done(vcpus[0]);
	vcpu_run_expect_done(vcpus[1]);
	vm_free(vm);
}

/* ---- the completion: across -EINTR, not across TVMM_SET_REGS ---- */

static void guest_read_deadline(void)
{
	__u32 lo, hi;

	asm volatile("um_dl_rdmsr: rdmsr"
		     : "=a"(lo), "=d"(hi) : "c"(MSR_IA32_TSC_DEADLINE));
	GUEST_SYNC(1, (__u64)hi << 32 | lo);
	GUEST_DONE();
}

GUEST_ASM_LABEL(um_dl_rdmsr);

TEST(completion_waits_out_eintr)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	int i;

	vm = CREATE_VM(&vcpu, guest_read_deadline);
	vm_set_user_msrs(vm, 1, MSR_IA32_TSC_DEADLINE);
	EXPECT_MSR_EXIT(vcpu, MSR_IA32_TSC_DEADLINE, false, 0, um_dl_rdmsr);
	vcpu->run->msr.data = ANSWER;
	vcpu->run->immediate_exit = 1;
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-EINTR, __vcpu_run(vcpu));
		EXPECT_EQ(TVMM_EXIT_INTR, vcpu->run->exit_reason);
	}
	vcpu->run->immediate_exit = 0;
	EXPECT_EQ(ANSWER, vcpu_run_expect_sync(vcpu, 1));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST(set_regs_drops_the_completion)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_regs regs;
	struct tvmm_vm *vm;

	vm = CREATE_VM(&vcpu, guest_read_deadline);
	vm_set_user_msrs(vm, 1, MSR_IA32_TSC_DEADLINE);
	EXPECT_MSR_EXIT(vcpu, MSR_IA32_TSC_DEADLINE, false, 0, um_dl_rdmsr);
	vcpu->run->msr.data = WRITTEN;
	/* The same registers: the RDMSR is still to run, and exits again. */
	vcpu_get_regs(vcpu, &regs);
	vcpu_set_regs(vcpu, &regs);
	EXPECT_MSR_EXIT(vcpu, MSR_IA32_TSC_DEADLINE, false, 0, um_dl_rdmsr);
	vcpu->run->msr.data = ANSWER;
	EXPECT_EQ(ANSWER, vcpu_run_expect_sync(vcpu, 1));
	vcpu_run_expect_done(vcpu);

	/* Userspace moved RIP on with its own EDX:EAX: those stand. */
	vcpu_setup_long_mode(vcpu, (unsigned long)guest_read_deadline);
	EXPECT_MSR_EXIT(vcpu, MSR_IA32_TSC_DEADLINE, false, 0, um_dl_rdmsr);
	vcpu->run->msr.data = ANSWER;
	vcpu_get_regs(vcpu, &regs);
	regs.rip += RDMSR_WRMSR_LEN;
	regs.rax = 0x5678;
	regs.rdx = 0x1234;
	vcpu_set_regs(vcpu, &regs);
	EXPECT_EQ(0x123400005678ULL, vcpu_run_expect_sync(vcpu, 1));
	vm_free(vm);
}

static void guest_read_twice(void)
{
	__u64 count = gp_count;
	__u32 lo, hi;

	GUEST_SYNC(1, rdmsr(MSR_IA32_TSC_DEADLINE));
	GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi)
		      : "c"(MSR_IA32_TSC_DEADLINE));
	GUEST_SYNC(2, gp_count - count);
	GUEST_DONE();
}

/* The access exited as userspace's: it completes it, list or not. */
TEST(list_change_keeps_the_completion)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	vm = CREATE_VM(&vcpu, guest_read_twice);
	install_gp_gate(vm);
	vm_set_user_msrs(vm, 1, MSR_IA32_TSC_DEADLINE);
	EXPECT_MSR_EXIT(vcpu, MSR_IA32_TSC_DEADLINE, false, 0, NULL);
	vm_set_user_msrs(vm, 0);
	vcpu->run->msr.data = ANSWER;
	EXPECT_EQ(ANSWER, vcpu_run_expect_sync(vcpu, 1));
	/* tvmm does not know IA32_TSC_DEADLINE: #GP. */
	EXPECT_EQ(1, vcpu_run_expect_sync(vcpu, 2));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* ---- refusals ---- */

/* The list {IA32_TSC_DEADLINE, IA32_APIC_BASE} is in force, no more. */
static void guest_probe(void)
{
	__u64 count;
	__u32 lo, hi;

	for (;;) {
		GUEST_SYNC(1, rdmsr(MSR_IA32_TSC_DEADLINE));
		count = gp_count;
		GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi)
			      : "c"(MSR_IA32_FEATURE_CONTROL));
		GUEST_SYNC(2, gp_count - count);
	}
}

static void expect_list_intact_at(struct tvmm_vcpu *vcpu, __u64 seq,
				  const char *file, int line)
{
	__u64 v;

	expect_msr_exit_at(vcpu, MSR_IA32_TSC_DEADLINE, false, 0, NULL, file,
			   line);
	vcpu->run->msr.data = seq;
	TEST_ASSERT(vcpu_run_expect_sync_at(vcpu, 1, file, line) == seq,
		    "%s:%d: the answer", file, line);
	/* Still unclaimed: tvmm's #GP, no exit. */
	TEST_ASSERT(vcpu_run_expect_sync_at(vcpu, 2, file, line) == 1,
		    "%s:%d: IA32_FEATURE_CONTROL did not #GP", file, line);
	TEST_ASSERT(__vcpu_get_msr(vcpu, MSR_IA32_APICBASE, &v) == 0,
		    "%s:%d: IA32_APIC_BASE no longer claimed", file, line);
}

#define EXPECT_LIST_INTACT(vcpu, seq)					\
	expect_list_intact_at(vcpu, seq, __FILE__, __LINE__)

/* Every MSR the ABI names as tvmm's own, and those TVMM_GET_MSRS reads. */
static const __u32 kernel_msrs[] = {
	0xc0000080, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_TSC,
	MSR_IA32_CR_PAT, MSR_TSC_AUX, MSR_IA32_MISC_ENABLE,
	MSR_IA32_PLATFORM_ID, MSR_MTRR_CAP, MSR_MTRR_DEF_TYPE,
	MSR_IA32_TSC_ADJUST, MSR_IA32_BIOS_SIGN_ID, MSR_IA32_DEBUGCTL,
	MSR_PERF_GLOBAL_CTRL, MSR_IA32_BNDCFGS, MSR_IA32_RTIT_CTL,
	MSR_IA32_XSS, MSR_IA32_S_CET, MSR_IA32_INT_SSP_TAB, MSR_ARCH_LBR_CTL,
	MSR_IA32_SPEC_CTRL, MSR_IA32_PRED_CMD, MSR_IA32_FLUSH_CMD,
};

TEST(bad_lists_are_einval_and_change_nothing)
{
	struct tvmm_user_msrs good = {
		.nmsrs = 2,
		.indices = { MSR_IA32_TSC_DEADLINE, MSR_IA32_APICBASE },
	};
	struct tvmm_user_msrs u;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 seq = 100;
	unsigned int i, j;

	vm = CREATE_VM(&vcpu, guest_probe);
	install_gp_gate(vm);
	ASSERT_EQ(0, __vm_set_user_msrs(vm, &good));
	EXPECT_LIST_INTACT(vcpu, seq++);

	/*
	 * Each bad list would claim IA32_FEATURE_CONTROL, whose next RDMSR
	 * would then exit: a list half taken would show.
	 */
	u = good;
	u.indices[2] = MSR_IA32_FEATURE_CONTROL;
	u.flags = 1;
	u.nmsrs = 3;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	u.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	u.flags = 0;
	u.nmsrs = TVMM_MAX_USER_MSRS + 1;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	u.nmsrs = ~0u;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	/* Indices past nmsrs must be 0. */
	u.nmsrs = 2;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	u.nmsrs = 0;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	memset(&u, 0, sizeof(u));
	u.nmsrs = TVMM_MAX_USER_MSRS - 1;
	for (i = 0; i < u.nmsrs; i++)
		u.indices[i] = MSR_X2APIC_FIRST + i;
	u.indices[TVMM_MAX_USER_MSRS - 1] = MSR_IA32_FEATURE_CONTROL;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	EXPECT_LIST_INTACT(vcpu, seq++);

	/* Duplicates, next to each other, apart, first and last. */
	memset(&u, 0, sizeof(u));
	u.nmsrs = 2;
	u.indices[0] = MSR_IA32_FEATURE_CONTROL;
	u.indices[1] = MSR_IA32_FEATURE_CONTROL;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	u.nmsrs = 4;
	u.indices[1] = MSR_IA32_TSC_DEADLINE;
	u.indices[2] = MSR_IA32_APICBASE;
	u.indices[3] = MSR_IA32_TSC_DEADLINE;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	u.nmsrs = TVMM_MAX_USER_MSRS;
	for (i = 1; i < u.nmsrs; i++)
		u.indices[i] = MSR_X2APIC_FIRST + i;
	u.indices[TVMM_MAX_USER_MSRS - 1] = MSR_IA32_FEATURE_CONTROL;
	EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u));
	EXPECT_LIST_INTACT(vcpu, seq++);

	/* tvmm's own MSRs, alone, or last of a full list. */
	for (i = 0; i < ARRAY_SIZE(kernel_msrs); i++) {
		memset(&u, 0, sizeof(u));
		u.nmsrs = 2;
		u.indices[0] = MSR_IA32_FEATURE_CONTROL;
		u.indices[1] = kernel_msrs[i];
		EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u))
			TH_LOG("MSR %#x", kernel_msrs[i]);
		u.nmsrs = TVMM_MAX_USER_MSRS;
		for (j = 1; j < u.nmsrs; j++)
			u.indices[j] = MSR_X2APIC_FIRST + j;
		u.indices[TVMM_MAX_USER_MSRS - 1] = kernel_msrs[i];
		EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u))
			TH_LOG("MSR %#x, last of %u", kernel_msrs[i], u.nmsrs);
	}
	EXPECT_LIST_INTACT(vcpu, seq++);
	vm_free(vm);
}

TEST(bad_pointers_are_efault_and_change_nothing)
{
	void *ptrs[] = { NULL, (void *)1, (void *)KERNEL_ADDR,
			 (void *)-4096L };
	struct tvmm_user_msrs *u;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	unsigned int i;
	char *hole;

	vm = CREATE_VM(&vcpu, guest_probe);
	install_gp_gate(vm);
	vm_set_user_msrs(vm, 2, MSR_IA32_TSC_DEADLINE, MSR_IA32_APICBASE);
	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(vm->fd, TVMM_SET_USER_MSRS, ptrs[i]));
		EXPECT_EQ(EFAULT, errno) TH_LOG("%p", ptrs[i]);
	}
	/* A good list that runs into an unmapped page. */
	hole = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	munmap(hole + PAGE_SIZE, PAGE_SIZE);
	u = (struct tvmm_user_msrs *)(hole + PAGE_SIZE - 16);
	u->nmsrs = 1;
	u->indices[0] = MSR_IA32_FEATURE_CONTROL;
	EXPECT_EQ(-EFAULT, __vm_set_user_msrs(vm, u));
	munmap(hole, PAGE_SIZE);
	EXPECT_LIST_INTACT(vcpu, 7);
	vm_free(vm);
}

/*
 * Every MSR TVMM_GET_MSRS reads is tvmm's, so not claimable, but for
 * IA32_APIC_BASE: scanned over the architectural and the AMD64 ranges,
 * so that an MSR added to tvmm's table and forgotten in the list of
 * refusals shows. What the ABI allows is allowed.
 */
TEST(every_msr_tvmm_keeps_is_refused)
{
	static const __u32 claimable[] = {
		MSR_IA32_APICBASE, MSR_IA32_TSC_DEADLINE, MSR_X2APIC_FIRST,
		MSR_X2APIC_FIRST + 0xff, MSR_IA32_FEATURE_CONTROL, 0,
		0x40000000, 0xffffffff,
	};
	static const __u32 ranges[][2] = {
		{ 0, 0x2000 }, { 0xc0000000, 0xc0002000 },
	};
	struct tvmm_user_msrs u = { .nmsrs = 1 };
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	unsigned int r, known = 0;
	__u32 i;
	__u64 v;

	vm = CREATE_VM(&vcpu, guest_probe);
	for (r = 0; r < ARRAY_SIZE(ranges); r++) {
		for (i = ranges[r][0]; i < ranges[r][1]; i++) {
			if (i == MSR_IA32_APICBASE ||
			    __vcpu_get_msr(vcpu, i, &v) != 1)
				continue;
			known++;
			u.indices[0] = i;
			EXPECT_EQ(-EINVAL, __vm_set_user_msrs(vm, &u))
				TH_LOG("MSR %#x, which TVMM_GET_MSRS reads", i);
		}
	}
	EXPECT_LE(20, known);
	for (i = 0; i < ARRAY_SIZE(claimable); i++) {
		u.indices[0] = claimable[i];
		EXPECT_EQ(0, __vm_set_user_msrs(vm, &u))
			TH_LOG("MSR %#x", claimable[i]);
	}
	vm_free(vm);
}

TEST_HARNESS_MAIN
