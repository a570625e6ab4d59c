// SPDX-License-Identifier: GPL-2.0
/*
 * modes_test - a vCPU started in real, protected or long mode runs in that
 * mode, and sees the control registers userspace gave it.
 *
 * SDM Vol. 3A, "Processor Management and Initialization", sections "Mode
 * Switching" and "Initializing IA-32e Mode": protected mode is CR0.PE = 1;
 * IA-32e mode
 * is active (EFER.LMA = 1) with CR0.PG = 1, CR4.PAE = 1 and EFER.LME = 1,
 * and its 64-bit submode runs code from a segment with CS.L = 1, CS.D = 0.
 * Real mode is CR0.PE = 0, with segment base = selector * 16.
 *
 * uapi/tvmm.h: TVMM_SET_SREGS sets "segment, control and descriptor-table
 * registers, and EFER"; VMX forces some CR0/CR4 bits (CR0.NE, CR4.VMXE),
 * but a guest reading CR0, CR4 or EFER, and TVMM_GET_SREGS, see the values
 * userspace set, as they would on a CPU without a hypervisor.
 *
 * Each guest reports CR0, CR4, EFER and CS through ucalls: real and
 * protected mode from assembly, long mode from C.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"

#define STAGE_CR0	1
#define STAGE_CR4	2
#define STAGE_EFER	3
#define STAGE_CS	4

/*
 * The report, in 16- or 32-bit code alike: the instructions assemble to
 * the same operations in both (.code16 adds the operand-size prefixes).
 */
#define REPORT_MODE_ASM							\
	"mov %cr0, %eax\n"						\
	GUEST_ASM_SYNC(STAGE_CR0, "%eax")				\
	"mov %cr4, %eax\n"						\
	GUEST_ASM_SYNC(STAGE_CR4, "%eax")				\
	"mov $" TVMM_STR(MSR_IA32_EFER) ", %ecx\n"			\
	"rdmsr\n"							\
	GUEST_ASM_SYNC(STAGE_EFER, "%eax")				\
	"xor %eax, %eax\n"						\
	"mov %cs, %ax\n"						\
	GUEST_ASM_SYNC(STAGE_CS, "%eax")				\
	GUEST_ASM_DONE							\
	"1: hlt\n"							\
	"jmp 1b\n"

GUEST_ASM16(modes_real, REPORT_MODE_ASM);
GUEST_ASM32(modes_protected, REPORT_MODE_ASM);

static void guest_long_mode(void)
{
	GUEST_SYNC(STAGE_CR0, get_cr0());
	GUEST_SYNC(STAGE_CR4, get_cr4());
	GUEST_SYNC(STAGE_EFER, rdmsr(MSR_IA32_EFER));
	GUEST_SYNC(STAGE_CS, get_cs());
	GUEST_DONE();
}

static void start_real_mode(struct tvmm_vcpu *vcpu)
{
	vm_load_asm_guest(vcpu->vm, modes_real_start, modes_real_end);
	/* Through a CS base, as a boot loader jumps to 0x0800:0000. */
	vcpu_setup_real_mode(vcpu, TVMM_GPA_ASM_CODE >> 4, 0);
}

static void start_protected_mode(struct tvmm_vcpu *vcpu)
{
	vm_load_asm_guest(vcpu->vm, modes_protected_start,
			  modes_protected_end);
	vcpu_setup_protected_mode(vcpu, TVMM_GPA_ASM_CODE);
}

static void start_long_mode(struct tvmm_vcpu *vcpu)
{
	vcpu_setup_long_mode(vcpu, (__u64)(unsigned long)guest_long_mode);
}

/* What a vCPU in the mode holds, and so what the guest and GET_SREGS see. */
struct mode_state {
	__u64 cr0, cr4, efer;
	__u16 cs;
	__u64 cs_base;
	__u8 cs_l, cs_db;
};

FIXTURE(mode) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

FIXTURE_VARIANT(mode) {
	void (*start)(struct tvmm_vcpu *vcpu);
	struct mode_state state;
	bool reports_64bit;	/* the guest's values are 64-bit */
};

FIXTURE_VARIANT_ADD(mode, real_mode) {
	.start = start_real_mode,
	.state = {
		.cr0 = X86_CR0_ET,
		.cs = TVMM_GPA_ASM_CODE >> 4,
		.cs_base = TVMM_GPA_ASM_CODE,
	},
};

FIXTURE_VARIANT_ADD(mode, protected_mode) {
	.start = start_protected_mode,
	.state = {
		.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE,
		.cs = TVMM_SEL_CODE32,
		.cs_db = 1,
	},
};

FIXTURE_VARIANT_ADD(mode, long_mode) {
	.start = start_long_mode,
	.state = {
		.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		       X86_CR0_WP | X86_CR0_PG,
		.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT,
		.efer = EFER_LME | EFER_LMA,
		.cs = TVMM_SEL_CODE64,
		.cs_l = 1,
	},
	.reports_64bit = true,
};

FIXTURE_SETUP(mode)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create();
	self->vcpu = vm_vcpu_add(self->vm, 0);
	variant->start(self->vcpu);
}

FIXTURE_TEARDOWN(mode)
{
	vm_free(self->vm);
}

TEST_F(mode, guest_sees_its_mode)
{
	const struct mode_state *want = &variant->state;
	struct tvmm_vcpu *vcpu = self->vcpu;
	/* 16- and 32-bit guests report the low 32 bits. */
	__u64 mask = variant->reports_64bit ? ~0ULL : 0xffffffffULL;

	EXPECT_EQ(want->cr0, vcpu_run_expect_sync(vcpu, STAGE_CR0));
	EXPECT_EQ(want->cr4, vcpu_run_expect_sync(vcpu, STAGE_CR4));
	EXPECT_EQ(want->efer & mask, vcpu_run_expect_sync(vcpu, STAGE_EFER));
	EXPECT_EQ(want->cs, vcpu_run_expect_sync(vcpu, STAGE_CS));
	vcpu_run_expect_done(vcpu);
}

static void expect_sregs(struct __test_metadata *_metadata,
			 const struct mode_state *want, struct tvmm_vcpu *vcpu)
{
	struct tvmm_sregs sregs;

	vcpu_get_sregs(vcpu, &sregs);
	EXPECT_EQ(want->cr0, sregs.cr0);
	EXPECT_EQ(want->cr4, sregs.cr4);
	EXPECT_EQ(want->efer, sregs.efer);
	EXPECT_EQ(want->cs, sregs.cs.selector);
	EXPECT_EQ(want->cs_base, sregs.cs.base);
	EXPECT_EQ(want->cs_l, sregs.cs.l);
	EXPECT_EQ(want->cs_db, sregs.cs.db);
	if (want->efer & EFER_LMA)
		EXPECT_EQ(vcpu->vm->pgd, sregs.cr3);
}

/* Before and after the guest ran: it changes none of them. */
TEST_F(mode, sregs_read_back_the_mode)
{
	struct ucall uc;

	expect_sregs(_metadata, &variant->state, self->vcpu);
	while (vcpu_run_ucall(self->vcpu, &uc) != UCALL_DONE)
		;
	expect_sregs(_metadata, &variant->state, self->vcpu);
}

TEST_HARNESS_MAIN
