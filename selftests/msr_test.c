// SPDX-License-Identifier: GPL-2.0
/*
 * msr_test - the MSRs tvmm virtualizes are one value, whether the guest
 * (RDMSR/WRMSR) or the host (TVMM_GET_MSRS/TVMM_SET_MSRS) reads or writes
 * it; any other MSR, and an invalid value, is a #GP in the guest.
 *
 * SDM Vol. 2B, RDMSR/WRMSR: "#GP(0) [...] If the value in ECX specifies a
 * reserved or unimplemented MSR address"; WRMSR: "#GP(0) [...] If the
 * value in EDX:EAX sets bits that are reserved in the MSR specified by
 * ECX" and "If the source register contains a non-canonical address and
 * ECX specifies one of the following MSRs: IA32_DS_AREA, IA32_FS_BASE,
 * IA32_GS_BASE, IA32_KERNEL_GS_BASE, IA32_LSTAR, IA32_SYSENTER_EIP,
 * IA32_SYSENTER_ESP". SDM Vol. 3A, 13.12.2 "IA32_PAT MSR": "Any attempt
 * to write an undefined memory type encoding into the PAT causes a
 * general-protection (#GP) exception", types 2 and 3 and 8-0xff being
 * undefined.
 *
 * uapi/tvmm.h: TVMM_GET_MSRS, TVMM_SET_MSRS: "the MSRs tvmm virtualizes;
 * return how many entries were processed, stopping at the first
 * unsupported one". The guest's #GP is seen two ways: through
 * TVMM_SET_EXCEPTION_EXITS (vector 13), with RIP at the faulting
 * instruction and error code 0; and by a #GP handler in the guest's own
 * IDT.
 *
 * SDM Vol. 3A, 10.11.7.1 "Determining the Signature": to read the
 * microcode revision, software writes 0 to IA32_BIOS_SIGN_ID (0x8b),
 * executes CPUID leaf 1 and reads the MSR. Linux does it on every Intel
 * CPU with the plain, unguarded instructions, and reads IA32_PLATFORM_ID
 * (0x17, read-only) the same way: neither may #GP.
 */
#include <stdlib.h>
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_gp.h"
#include "tvmm_vm.h"

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_IA32_CR_PAT		0x277
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103

#define MSR_IA32_PLATFORM_ID	0x17
#define MSR_IA32_BIOS_SIGN_ID	0x8b

/* Not virtualized: a real MSR (VMX lock) a guest must not reach. */
#define MSR_IA32_FEATURE_CONTROL	0x3a

#define NON_CANONICAL	0x0000800000000000ULL
#define PAT_DEFAULT	0x0007040600070406ULL
#define PAT_BAD		0x0007040600070402ULL	/* PA0 type 2: reserved */

/* Each MSR with a value the guest writes and one the host writes. */
struct msr_values {
	__u32 index;
	__u64 guest;
	__u64 host;
};

static const struct msr_values msrs[] = {
	{ MSR_STAR, 0x0023001000000000ULL, 0x001b000800000000ULL },
	{ MSR_LSTAR, 0xffffffff81000000ULL, 0x00007fffdead0000ULL },
	{ MSR_CSTAR, 0xffffffff81000040ULL, 0x0000000000c0ffeeULL },
	{ MSR_SYSCALL_MASK, 0x47700ULL, 0x00000300ULL },
	{ MSR_KERNEL_GS_BASE, 0xffff888000001000ULL, 0x12345000ULL },
	{ MSR_FS_BASE, 0x00007f0000001000ULL, 0xffffffffff600000ULL },
	{ MSR_GS_BASE, 0xffff888000002000ULL, 0x7ff000ULL },
	{ MSR_IA32_SYSENTER_CS, 0x10, 0x60 },
	{ MSR_IA32_SYSENTER_ESP, 0xffffc90000004000ULL, 0x8000ULL },
	{ MSR_IA32_SYSENTER_EIP, 0xffffffff81800000ULL, 0x400000ULL },
	{ MSR_IA32_CR_PAT, 0x0007010600070106ULL, PAT_DEFAULT },
	{ MSR_TSC_AUX, 0x1, 0xfffffffeULL },
	{ MSR_IA32_MISC_ENABLE, 0x1, 0x801ULL },
};

#define NR_MSRS		ARRAY_SIZE(msrs)

#define STAGE_GUEST_WROTE	1

/* The guest writes, reads back, lets the host swap, reads the host's. */
static void guest_round_trip(void)
{
	__u32 i;

	for (i = 0; i < NR_MSRS; i++) {
		wrmsr(msrs[i].index, msrs[i].guest);
		GUEST_ASSERT_EQ(rdmsr(msrs[i].index), msrs[i].guest);
	}
	GUEST_SYNC(STAGE_GUEST_WROTE, 0);
	for (i = 0; i < NR_MSRS; i++)
		GUEST_ASSERT_EQ(rdmsr(msrs[i].index), msrs[i].host);
	GUEST_DONE();
}

TEST(guest_and_host_see_one_value)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_msrs *m;
	struct tvmm_vm *vm;
	__u32 i;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_round_trip);
	vcpu_run_expect_sync(vcpu, STAGE_GUEST_WROTE);

	m = tvmm_msrs_alloc(NR_MSRS);
	for (i = 0; i < NR_MSRS; i++)
		m->entries[i].index = msrs[i].index;
	EXPECT_EQ(NR_MSRS, __vcpu_get_msrs(vcpu, m));
	for (i = 0; i < NR_MSRS; i++)
		EXPECT_EQ(msrs[i].guest, m->entries[i].data)
			TH_LOG("MSR %#x as the guest wrote it", msrs[i].index);

	for (i = 0; i < NR_MSRS; i++)
		m->entries[i].data = msrs[i].host;
	EXPECT_EQ(NR_MSRS, __vcpu_set_msrs(vcpu, m));
	free(m);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* EFER: the guest's SCE reaches the host's view, and back. */
static void guest_efer(void)
{
	__u64 efer = rdmsr(MSR_IA32_EFER);

	GUEST_ASSERT(!(efer & EFER_SCE));
	wrmsr(MSR_IA32_EFER, efer | EFER_SCE);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_EFER), efer | EFER_SCE);
	GUEST_SYNC(1, 0);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_EFER), efer);
	GUEST_DONE();
}

TEST(efer_guest_and_host)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 efer;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_efer);
	vcpu_run_expect_sync(vcpu, 1);
	efer = vcpu_get_msr(vcpu, MSR_IA32_EFER);
	EXPECT_EQ(EFER_LME | EFER_LMA | EFER_SCE, efer);
	vcpu_set_msr(vcpu, MSR_IA32_EFER, EFER_LME | EFER_LMA);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * Guest accesses that must #GP, in order: RDMSR and WRMSR of an MSR tvmm
 * does not virtualize, WRMSR of non-canonical LSTAR, of a bad PAT, of
 * TSC_AUX with bits 63:32 set. Each instruction is 2 bytes; the host skips
 * it. Then the guest checks that no refused write took effect.
 */
static void guest_gp(void)
{
	__u32 lo, hi;

	wrmsr(MSR_LSTAR, 0xffffffff81000000ULL);
	wrmsr(MSR_TSC_AUX, 7);
	asm volatile("guest_gp_rdmsr: rdmsr"
		     : "=a"(lo), "=d"(hi) : "c"(MSR_IA32_FEATURE_CONTROL));
	asm volatile("guest_gp_wrmsr: wrmsr"
		     : : "c"(MSR_IA32_FEATURE_CONTROL), "a"(0), "d"(0));
	asm volatile("guest_gp_lstar: wrmsr"
		     : : "c"(MSR_LSTAR), "a"((__u32)NON_CANONICAL),
		       "d"((__u32)(NON_CANONICAL >> 32)));
	asm volatile("guest_gp_pat: wrmsr"
		     : : "c"(MSR_IA32_CR_PAT), "a"((__u32)PAT_BAD),
		       "d"((__u32)(PAT_BAD >> 32)));
	asm volatile("guest_gp_tsc_aux: wrmsr"
		     : : "c"(MSR_TSC_AUX), "a"(7), "d"(1));
	GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), 0xffffffff81000000ULL);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_CR_PAT), PAT_DEFAULT);
	GUEST_ASSERT_EQ(rdmsr(MSR_TSC_AUX), 7);
	GUEST_DONE();
}

GUEST_ASM_LABEL(guest_gp_rdmsr);
GUEST_ASM_LABEL(guest_gp_wrmsr);
GUEST_ASM_LABEL(guest_gp_lstar);
GUEST_ASM_LABEL(guest_gp_pat);
GUEST_ASM_LABEL(guest_gp_tsc_aux);

#define RDMSR_WRMSR_LEN	2

/* #GP(0) at the RDMSR or WRMSR @insn; the host resumes after it. */
static void run_expect_gp_at(struct tvmm_vcpu *vcpu, const char *insn,
			     int line)
{
	vcpu_run_expect_exception_at(vcpu, GP_VECTOR, 0, (unsigned long)insn,
				     (unsigned long)insn + RDMSR_WRMSR_LEN,
				     __FILE__, line);
}

#define RUN_EXPECT_GP(vcpu, insn)	run_expect_gp_at(vcpu, insn, __LINE__)

TEST(unknown_msr_and_invalid_values_gp)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_gp);
	vcpu_set_exception_exits(vcpu, BIT_ULL(GP_VECTOR));
	RUN_EXPECT_GP(vcpu, guest_gp_rdmsr);	/* RDMSR of an unknown MSR */
	RUN_EXPECT_GP(vcpu, guest_gp_wrmsr);	/* WRMSR of an unknown MSR */
	RUN_EXPECT_GP(vcpu, guest_gp_lstar);	/* non-canonical LSTAR */
	RUN_EXPECT_GP(vcpu, guest_gp_pat);	/* a reserved PAT type */
	RUN_EXPECT_GP(vcpu, guest_gp_tsc_aux);	/* TSC_AUX bits 63:32 */
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * The same #GPs, delivered to the guest's own handler: what the guest
 * sees without exception exits.
 */
static void guest_gp_idt(void)
{
	__u64 count;
	__u32 lo, hi;

	wrmsr(MSR_LSTAR, 0xffffffff81000000ULL);
	wrmsr(MSR_TSC_AUX, 7);

	count = gp_count;
	GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi)
		      : "c"(MSR_IA32_FEATURE_CONTROL));
	GUEST_ASSERT_GP(count);
	count = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_FEATURE_CONTROL), "a"(0),
		      "d"(0));
	GUEST_ASSERT_GP(count);
	count = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_LSTAR), "a"((__u32)NON_CANONICAL),
		      "d"((__u32)(NON_CANONICAL >> 32)));
	GUEST_ASSERT_GP(count);
	count = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_CR_PAT), "a"((__u32)PAT_BAD),
		      "d"((__u32)(PAT_BAD >> 32)));
	GUEST_ASSERT_GP(count);
	count = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_TSC_AUX), "a"(7), "d"(1));
	GUEST_ASSERT_GP(count);

	/* Valid accesses do not fault. */
	count = gp_count;
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_LSTAR), "a"(0x1000), "d"(0));
	GUEST_ASSERT_EQ(gp_count, count);
	GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), 0x1000);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_CR_PAT), PAT_DEFAULT);
	GUEST_ASSERT_EQ(rdmsr(MSR_TSC_AUX), 7);
	GUEST_DONE();
}

TEST(unknown_msr_and_invalid_values_gp_in_the_guest)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_gp_idt);
	install_gp_gate(vm);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * What Linux's intel_get_microcode_revision() does, then a write of a
 * revision (ignored: the CPU loads it, software does not), then the
 * platform id, and a write to it, which #GPs: it is read-only.
 */
static void guest_microcode_msrs(void)
{
	__u64 count = gp_count;
	__u32 eax, ebx, ecx, edx, lo, hi;

	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_BIOS_SIGN_ID), "a"(0),
		      "d"(0));
	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi)
		      : "c"(MSR_IA32_BIOS_SIGN_ID));
	GUEST_ASSERT_EQ(gp_count, count);
	GUEST_ASSERT_EQ(hi, 0);
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_BIOS_SIGN_ID),
		      "a"(0x12345678), "d"(0x9abc));
	GUEST_ASSERT_EQ(gp_count, count);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_BIOS_SIGN_ID), 0);
	GUEST_GP_INSN("rdmsr", : "=a"(lo), "=d"(hi)
		      : "c"(MSR_IA32_PLATFORM_ID));
	GUEST_ASSERT_EQ(gp_count, count);
	GUEST_ASSERT_EQ((__u64)hi << 32 | lo, 0);
	GUEST_GP_INSN("wrmsr", : : "c"(MSR_IA32_PLATFORM_ID), "a"(0), "d"(0));
	GUEST_ASSERT_GP(count);
	GUEST_DONE();
}

TEST(microcode_revision_and_platform_id)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 v = 1;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_microcode_msrs);
	install_gp_gate(vm);
	vcpu_run_expect_done(vcpu);
	/* The host sees the same: both read 0, a revision written is lost. */
	EXPECT_EQ(1, __vcpu_set_msr(vcpu, MSR_IA32_BIOS_SIGN_ID, 0x5));
	EXPECT_EQ(1, __vcpu_get_msr(vcpu, MSR_IA32_BIOS_SIGN_ID, &v));
	EXPECT_EQ(0, v);
	v = 1;
	EXPECT_EQ(1, __vcpu_get_msr(vcpu, MSR_IA32_PLATFORM_ID, &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, __vcpu_set_msr(vcpu, MSR_IA32_PLATFORM_ID, 0));
	vm_free(vm);
}

static void guest_done(void)
{
	GUEST_DONE();
}

/* GET_MSRS: entries up to the unsupported one are read, then it stops. */
TEST(get_msrs_stops_at_the_first_unsupported)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_msrs *m;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	vcpu_set_msr(vcpu, MSR_STAR, msrs[0].host);
	vcpu_set_msr(vcpu, MSR_LSTAR, msrs[1].host);

	m = tvmm_msrs_alloc(3);
	m->entries[0].index = MSR_STAR;
	m->entries[1].index = MSR_IA32_FEATURE_CONTROL;
	m->entries[1].data = 0x5a5a;
	m->entries[2].index = MSR_LSTAR;
	m->entries[2].data = 0xa5a5;
	EXPECT_EQ(1, __vcpu_get_msrs(vcpu, m));
	EXPECT_EQ(msrs[0].host, m->entries[0].data);
	/* Not processed: left as they were. */
	EXPECT_EQ(0x5a5a, m->entries[1].data);
	EXPECT_EQ(0xa5a5, m->entries[2].data);

	/* All supported: all read. */
	m->entries[1].index = MSR_LSTAR;
	m->entries[2].index = MSR_STAR;
	EXPECT_EQ(3, __vcpu_get_msrs(vcpu, m));
	EXPECT_EQ(msrs[1].host, m->entries[1].data);
	EXPECT_EQ(msrs[0].host, m->entries[2].data);
	free(m);
	vm_free(vm);
}

/* SET_MSRS: the same, and entries after the stop are not written. */
TEST(set_msrs_stops_at_the_first_unsupported)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_msrs *m;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	vcpu_set_msr(vcpu, MSR_STAR, 0);
	vcpu_set_msr(vcpu, MSR_LSTAR, 0);

	m = tvmm_msrs_alloc(3);
	m->entries[0].index = MSR_STAR;
	m->entries[0].data = msrs[0].host;
	m->entries[1].index = MSR_IA32_FEATURE_CONTROL;
	m->entries[2].index = MSR_LSTAR;
	m->entries[2].data = msrs[1].host;
	EXPECT_EQ(1, __vcpu_set_msrs(vcpu, m));
	EXPECT_EQ(msrs[0].host, vcpu_get_msr(vcpu, MSR_STAR));
	EXPECT_EQ(0, vcpu_get_msr(vcpu, MSR_LSTAR));

	/* An invalid value stops it too, and is not written. */
	m->entries[1].index = MSR_LSTAR;
	m->entries[1].data = NON_CANONICAL;
	EXPECT_EQ(1, __vcpu_set_msrs(vcpu, m));
	EXPECT_EQ(0, vcpu_get_msr(vcpu, MSR_LSTAR));
	free(m);

	/* One at a time: unsupported is 0, a bad PAT too. */
	EXPECT_EQ(0, __vcpu_set_msr(vcpu, MSR_IA32_FEATURE_CONTROL, 0));
	EXPECT_EQ(0, __vcpu_set_msr(vcpu, MSR_IA32_CR_PAT, PAT_BAD));
	EXPECT_EQ(PAT_DEFAULT, vcpu_get_msr(vcpu, MSR_IA32_CR_PAT));
	vm_free(vm);
}

TEST_HARNESS_MAIN
