// SPDX-License-Identifier: GPL-2.0
/*
 * fail_entry_test - guest state VM entry refuses ends the run as
 * TVMM_EXIT_FAIL_ENTRY with the failed check named; state TVMM_SET_SREGS
 * itself refuses is -EINVAL and changes nothing.
 *
 * SDM Vol. 3C, 27.3.1 "Checks on the Guest State Area", and 27.8 "VM-Entry
 * Failures During or After Loading Guest State": a failed check loads
 * "basic exit reason 33 [...] VM-entry failure due to invalid guest state"
 * with bit 31 of the exit reason set. 27.3.1.2 "Checks on Guest Segment
 * Registers", among them: "CS. [...] The Type must be 9, 11, 13, or 15
 * (accessed code segment)" (3 also with unrestricted guest, in real mode);
 * "SS. If SS is usable, the Type must be 3 or 7 (read/write, accessed
 * data segment)"; "DS, ES, FS, GS [...] If bit 3 of the Type is 1 (code
 * segment), then bit 1 of the Type must be 1 (readable)"; "TR. [...] TR
 * must be usable", its Type "11 (64-bit busy TSS)" in IA-32e mode, its
 * selector's TI flag 0; "LDTR. [...] If LDTR is usable, [...] The Type
 * must be 2 (LDT)"; "If the guest will be in IA-32e mode and the L bit
 * (bit 13) in the access-rights field is 1, then the D/B bit (bit 14)
 * must be 0".
 *
 * uapi/tvmm.h: TVMM_SET_SREGS "refuses with -EINVAL: reserved bits in CR0,
 * CR4 or EFER, CR0.PG without PE, NW without CD, CR8 above 15, EFER.LMA
 * other than LME && PG, non-zero reserved; segment state is left to the
 * CPU, whose refusal is TVMM_EXIT_FAIL_ENTRY"; run->fail_entry carries
 * hardware_entry_failure_reason "(33, 34, 41)" and guest_state_check, "the
 * first guest-state rule [...] tvmm found broken".
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_vmx.h"

static void guest_done(void)
{
	GUEST_DONE();
}

GUEST_ASM32(done32,
	    GUEST_ASM_DONE
	    "1: hlt\n"
	    "jmp 1b\n");

/* ---- guest state VM entry refuses: TVMM_EXIT_FAIL_ENTRY ---- */

static void break_cs_type(struct tvmm_sregs *s)
{
	s->cs.type = 0;
}

static void break_cs_present(struct tvmm_sregs *s)
{
	s->cs.present = 0;
}

static void break_cs_l_and_db(struct tvmm_sregs *s)
{
	s->cs.db = 1;
}

static void break_ss_read_only(struct tvmm_sregs *s)
{
	s->ss.type = SEG_TYPE_ACCESSED;		/* read-only data */
}

static void break_ds_execute_only(struct tvmm_sregs *s)
{
	s->ds.type = SEG_TYPE_CODE | SEG_TYPE_ACCESSED;
}

static void break_tr_unusable(struct tvmm_sregs *s)
{
	s->tr.unusable = 1;
}

static void break_tr_in_ldt(struct tvmm_sregs *s)
{
	s->tr.selector |= 4;
}

static void break_tr_available(struct tvmm_sregs *s)
{
	s->tr.type = SYS_TYPE_TSS_AVAIL;
}

static void break_ldtr_type(struct tvmm_sregs *s)
{
	s->ldt.unusable = 0;
	s->ldt.present = 1;
	s->ldt.s = SEG_S_SYSTEM;
	s->ldt.type = SYS_TYPE_TSS_BUSY;
	s->ldt.limit = 0xfff;
}

FIXTURE(fail_entry) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

/* The guest in long mode, or in protected mode with @mode32. */
FIXTURE_VARIANT(fail_entry) {
	bool mode32;
	void (*breaks)(struct tvmm_sregs *s);
	__u32 check;		/* TVMM_GUEST_CHECK_* */
};

FIXTURE_VARIANT_ADD(fail_entry, cs_type_0) {
	.breaks = break_cs_type, .check = TVMM_GUEST_CHECK_CS,
};

FIXTURE_VARIANT_ADD(fail_entry, cs_not_present) {
	.breaks = break_cs_present, .check = TVMM_GUEST_CHECK_CS,
};

FIXTURE_VARIANT_ADD(fail_entry, cs_l_and_db) {
	.breaks = break_cs_l_and_db, .check = TVMM_GUEST_CHECK_CS,
};

FIXTURE_VARIANT_ADD(fail_entry, ss_not_writable) {
	.breaks = break_ss_read_only, .check = TVMM_GUEST_CHECK_SS,
};

FIXTURE_VARIANT_ADD(fail_entry, ds_execute_only) {
	.breaks = break_ds_execute_only,
	.check = TVMM_GUEST_CHECK_DATA_SEGMENT,
};

FIXTURE_VARIANT_ADD(fail_entry, tr_unusable) {
	.breaks = break_tr_unusable, .check = TVMM_GUEST_CHECK_TR,
};

FIXTURE_VARIANT_ADD(fail_entry, tr_in_ldt) {
	.breaks = break_tr_in_ldt, .check = TVMM_GUEST_CHECK_TR,
};

FIXTURE_VARIANT_ADD(fail_entry, tr_not_busy) {
	.breaks = break_tr_available, .check = TVMM_GUEST_CHECK_TR,
};

FIXTURE_VARIANT_ADD(fail_entry, ldtr_not_ldt) {
	.breaks = break_ldtr_type, .check = TVMM_GUEST_CHECK_LDTR,
};

FIXTURE_VARIANT_ADD(fail_entry, protected_mode_cs_type_0) {
	.mode32 = true,
	.breaks = break_cs_type, .check = TVMM_GUEST_CHECK_CS,
};

FIXTURE_VARIANT_ADD(fail_entry, protected_mode_ss_not_writable) {
	.mode32 = true,
	.breaks = break_ss_read_only, .check = TVMM_GUEST_CHECK_SS,
};

FIXTURE_VARIANT_ADD(fail_entry, protected_mode_tr_unusable) {
	.mode32 = true,
	.breaks = break_tr_unusable, .check = TVMM_GUEST_CHECK_TR,
};

FIXTURE_SETUP(fail_entry)
{
	TVMM_REQUIRE_MODULE();
	if (variant->mode32)
		self->vm = vm_create_with_asm_vcpu(&self->vcpu, done32_start,
						   done32_end, 32);
	else
		self->vm = vm_create_with_one_vcpu(&self->vcpu, guest_done);
}

FIXTURE_TEARDOWN(fail_entry)
{
	vm_free(self->vm);
}

/*
 * SET_SREGS takes the broken state, the entry fails with the check named,
 * and the good state set again runs.
 */
TEST_F(fail_entry, entry_fails_with_the_check)
{
	struct tvmm_vcpu *vcpu = self->vcpu;
	struct tvmm_run *run = vcpu->run;
	struct tvmm_sregs good, bad;

	vcpu_get_sregs(vcpu, &good);
	bad = good;
	variant->breaks(&bad);
	ASSERT_EQ(0, __vcpu_set_sregs(vcpu, &bad));

	vcpu_run_expect_exit(vcpu, TVMM_EXIT_FAIL_ENTRY);
	EXPECT_EQ(TVMM_VMX_EXIT_INVALID_GUEST_STATE,
		  run->fail_entry.hardware_entry_failure_reason);
	EXPECT_EQ(variant->check, run->fail_entry.guest_state_check);

	vcpu_set_sregs(vcpu, &good);
	vcpu_run_expect_done(vcpu);
}

/*
 * ---- state TVMM_SET_SREGS refuses: -EINVAL, and nothing changed ----
 *
 * Each case changes one 64-bit field of the long-mode state: clears the
 * bits @clear, then sets @set.
 */
FIXTURE(refused) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

FIXTURE_VARIANT(refused) {
	size_t field;		/* SREGS(): a __u64 of struct tvmm_sregs */
	__u64 clear, set;
};

#define SREGS(field)	offsetof(struct tvmm_sregs, field)

FIXTURE_VARIANT_ADD(refused, pg_without_pe) {
	.field = SREGS(cr0), .clear = X86_CR0_PE,
};

FIXTURE_VARIANT_ADD(refused, cr0_reserved_bit) {
	.field = SREGS(cr0), .set = BIT_ULL(63),
};

FIXTURE_VARIANT_ADD(refused, nw_without_cd) {
	.field = SREGS(cr0), .clear = X86_CR0_CD, .set = X86_CR0_NW,
};

FIXTURE_VARIANT_ADD(refused, cr4_reserved_bit) {
	.field = SREGS(cr4), .set = BIT_ULL(63),
};

FIXTURE_VARIANT_ADD(refused, efer_reserved_bit) {
	.field = SREGS(efer), .set = BIT_ULL(1),
};

/* LME and LMA stay. */
FIXTURE_VARIANT_ADD(refused, lma_without_pg) {
	.field = SREGS(cr0), .clear = X86_CR0_PG,
};

FIXTURE_VARIANT_ADD(refused, lme_and_pg_without_lma) {
	.field = SREGS(efer), .clear = EFER_LMA,
};

FIXTURE_VARIANT_ADD(refused, lma_without_lme) {
	.field = SREGS(efer), .clear = EFER_LME,
};

FIXTURE_VARIANT_ADD(refused, cr8_above_15) {
	.field = SREGS(cr8), .clear = ~0ULL, .set = 16,
};

FIXTURE_VARIANT_ADD(refused, reserved_not_zero) {
	.field = SREGS(reserved[3]), .clear = ~0ULL, .set = 1,
};

FIXTURE_SETUP(refused)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, guest_done);
}

FIXTURE_TEARDOWN(refused)
{
	vm_free(self->vm);
}

TEST_F(refused, set_sregs_refuses_and_changes_nothing)
{
	struct tvmm_vcpu *vcpu = self->vcpu;
	struct tvmm_sregs before, bad, after;
	__u64 *field = (__u64 *)((char *)&bad + variant->field);

	vcpu_get_sregs(vcpu, &before);
	bad = before;
	*field = (*field & ~variant->clear) | variant->set;
	ASSERT_NE(*(__u64 *)((char *)&before + variant->field), *field);
	/* Also move things SET_SREGS would otherwise take. */
	bad.cr2 = 0x1234000;
	bad.gdt.limit = 0x17;
	bad.cs.base = 0x1000;
	EXPECT_EQ(-EINVAL, __vcpu_set_sregs(vcpu, &bad));

	vcpu_get_sregs(vcpu, &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	EXPECT_EQ(before.cr0, after.cr0);
	EXPECT_EQ(before.cr4, after.cr4);
	EXPECT_EQ(before.efer, after.efer);
	EXPECT_EQ(before.cr2, after.cr2);
	EXPECT_EQ(before.gdt.limit, after.gdt.limit);

	/* The state is whole: the guest runs. */
	vcpu_run_expect_done(vcpu);
}

TEST_HARNESS_MAIN
