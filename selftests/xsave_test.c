// SPDX-License-Identifier: GPL-2.0
/*
 * xsave_test - the guest has CR4.OSXSAVE and XCR0 exactly when the host
 * does, and XSETBV behaves as on a real CPU either way.
 *
 * SDM Vol. 3A, 2.5 "Control Registers": CR4 bits the CPU does not support
 * are reserved, and setting one with MOV to CR4 is #GP(0). Vol. 2C,
 * XSETBV: "#UD If CR4.OSXSAVE[bit 18] = 0"; "#GP(0) [...] If an attempt
 * is made to clear bit 0 of XCR0". Vol. 3C, 26.1.1: that #UD has priority
 * over the VM exit XSETBV otherwise always causes.
 *
 * tvmm switches the guest's XCR0 in with the host's own XSETBV, and reads
 * the host's with XGETBV: both are #UD in a host whose CR4.OSXSAVE is
 * clear (booted with noxsave, or a CPU without XSAVE). There the guest
 * must find CR4.OSXSAVE reserved, as on a CPU without XSAVE, and no
 * TVMM_RUN may touch XCR0. testvm/check runs this test, and the other
 * TVMM_RUN tests of its "noxsave" stage, in a machine booted with
 * noxsave; elsewhere the host has XSAVE and the test checks that side.
 */
#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmm_x86.h"

#define UD_VECTOR	6
#define GP_VECTOR	13

#define XCR0_X87	BIT_ULL(0)
#define XCR0_SSE	BIT_ULL(1)

/* CPUID.01H:ECX.OSXSAVE[bit 27]: the host's CR4.OSXSAVE, as CPUID says. */
static bool host_osxsave(void)
{
	__u32 eax, ebx, ecx, edx;

	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	return ecx & BIT_ULL(27);
}

/* An XSETBV of XCR0 between two labels, for the host to check and skip. */
#define GUEST_XSETBV(name, val) ({					\
	__u64 __val = (val);						\
									\
	asm volatile(#name ": xsetbv\n"					\
		     #name "_next:\n"					\
		     : : "c"(0), "a"((__u32)__val),			\
		       "d"((__u32)(__val >> 32)) : "memory");		\
})

static __u64 guest_xgetbv(void)
{
	__u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (__u64)hi << 32;
}

static void guest_xsave(void)
{
	__u64 cr4 = get_cr4();

	/* Refused (#GP) when the host has no OSXSAVE. */
	asm volatile("osxsave_on: mov %0, %%cr4\n"
		     "osxsave_on_next:\n"
		     : : "r"(cr4 | X86_CR4_OSXSAVE) : "memory");
	if (get_cr4() & X86_CR4_OSXSAVE) {
		GUEST_XSETBV(xsetbv_sse, XCR0_X87 | XCR0_SSE);
		GUEST_ASSERT_EQ(guest_xgetbv(), XCR0_X87 | XCR0_SSE);
		/* XCR0 without x87: #GP, XCR0 unchanged. */
		GUEST_XSETBV(xsetbv_no_x87, XCR0_SSE);
		GUEST_ASSERT_EQ(guest_xgetbv(), XCR0_X87 | XCR0_SSE);
		asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	}
	GUEST_ASSERT_EQ(get_cr4(), cr4);
	/* CR4.OSXSAVE clear: #UD, whatever the host has. */
	GUEST_XSETBV(xsetbv_ud, XCR0_X87);
	GUEST_DONE();
}

GUEST_ASM_LABEL(osxsave_on);
GUEST_ASM_LABEL(osxsave_on_next);
GUEST_ASM_LABEL(xsetbv_no_x87);
GUEST_ASM_LABEL(xsetbv_no_x87_next);
GUEST_ASM_LABEL(xsetbv_ud);
GUEST_ASM_LABEL(xsetbv_ud_next);

TEST(guest_osxsave_follows_the_host)
{
	bool osxsave = host_osxsave();
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	TH_LOG("host CR4.OSXSAVE: %d", osxsave);
	vm = vm_create_with_one_vcpu(&vcpu, guest_xsave);
	vcpu_set_exception_exits(vcpu, BIT_ULL(UD_VECTOR) |
				 BIT_ULL(GP_VECTOR));
	if (osxsave) {
		vcpu_run_expect_exception(vcpu, GP_VECTOR, 0, xsetbv_no_x87,
					  xsetbv_no_x87_next);
	} else {
		vcpu_run_expect_exception(vcpu, GP_VECTOR, 0, osxsave_on,
					  osxsave_on_next);
	}
	vcpu_run_expect_exception(vcpu, UD_VECTOR, -1, xsetbv_ud,
				  xsetbv_ud_next);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* TVMM_SET_SREGS takes CR4.OSXSAVE exactly when the host has it. */
TEST(set_sregs_osxsave_follows_the_host)
{
	struct tvmm_sregs sregs;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_xsave);
	vcpu_get_sregs(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_OSXSAVE;
	if (host_osxsave()) {
		EXPECT_EQ(0, __vcpu_set_sregs(vcpu, &sregs));
		vcpu_get_sregs(vcpu, &sregs);
		EXPECT_TRUE(sregs.cr4 & X86_CR4_OSXSAVE);
	} else {
		EXPECT_EQ(-EINVAL, __vcpu_set_sregs(vcpu, &sregs));
		vcpu_get_sregs(vcpu, &sregs);
		EXPECT_FALSE(sregs.cr4 & X86_CR4_OSXSAVE);
	}
	vm_free(vm);
}

TEST_HARNESS_MAIN
