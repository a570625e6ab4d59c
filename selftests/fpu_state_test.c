// SPDX-License-Identifier: GPL-2.0
/*
 * fpu_state_test - TVMM_GET/SET_XSAVE: the guest's x87, SSE and AVX state
 * and its XCR0 leave one vCPU and come back in another, and SET refuses
 * what the CPU would refuse to load.
 *
 * SDM Vol. 1, 13.4 "XSAVE Area": the standard format, the header's
 * XSTATE_BV and XCOMP_BV (0 in the standard format) and its reserved
 * bytes; 13.8 "Operation of XRSTOR": #GP on a reserved header bit or a
 * reserved MXCSR bit (MXCSR_MASK, 11.6.6). 13.3: XSETBV's rules for XCR0
 * (x87 always, AVX with SSE). A guest that loaded XMM0-15 (YMM0-15 when
 * the host has AVX), MXCSR and the x87 stack, and exited to userspace in
 * the same asm statement, must find them unchanged after its state went
 * into a vCPU of a new VM (its memory copied over, as a restore does).
 *
 * testvm/check also runs this in the machine booted with noxsave, where
 * the state is the FXSAVE image, XCR0 is 1 and any other is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmm_x86.h"

#define XCR0_X87	BIT_ULL(0)
#define XCR0_SSE	BIT_ULL(1)
#define XCR0_YMM	BIT_ULL(2)
#define XCR0_OPMASK	BIT_ULL(5)
#define XCR0_PKRU	BIT_ULL(9)

/* Standard-format offsets (Vol. 1, 10.5.1 and 13.4). */
#define AREA_MXCSR	24
#define AREA_XMM0	160
#define AREA_XSTATE_BV	512
#define AREA_XCOMP_BV	520
#define AREA_HDR_RESERVED 528

#define MXCSR_DEFAULT	0x1f80
#define MXCSR_GUEST	(MXCSR_DEFAULT | 0x6000)	/* round toward zero */

#define NR_VREGS	16
#define VREG_QWORDS	(NR_VREGS * 4)		/* YMM: 4 qwords each */

/* What the guest puts in its registers, and what it finds there. */
struct vregs {
	__u64 v[VREG_QWORDS];
	__u32 mxcsr;
	__u32 pad;
	double x87;
};

static struct vregs guest_in, guest_out;
static struct ucall guest_uc;

/* Each register's 32 bytes at n * 32: all of a YMM, or an XMM's 16. */
#define YMM_LOAD	\
	"vmovdqu 0(%%rbx), %%ymm0\n"	\
	"vmovdqu 32(%%rbx), %%ymm1\n"	\
	"vmovdqu 64(%%rbx), %%ymm2\n"	\
	"vmovdqu 96(%%rbx), %%ymm3\n"	\
	"vmovdqu 128(%%rbx), %%ymm4\n"	\
	"vmovdqu 160(%%rbx), %%ymm5\n"	\
	"vmovdqu 192(%%rbx), %%ymm6\n"	\
	"vmovdqu 224(%%rbx), %%ymm7\n"	\
	"vmovdqu 256(%%rbx), %%ymm8\n"	\
	"vmovdqu 288(%%rbx), %%ymm9\n"	\
	"vmovdqu 320(%%rbx), %%ymm10\n"	\
	"vmovdqu 352(%%rbx), %%ymm11\n"	\
	"vmovdqu 384(%%rbx), %%ymm12\n"	\
	"vmovdqu 416(%%rbx), %%ymm13\n"	\
	"vmovdqu 448(%%rbx), %%ymm14\n"	\
	"vmovdqu 480(%%rbx), %%ymm15\n"
#define YMM_STORE	\
	"vmovdqu %%ymm0, 0(%%r12)\n"	\
	"vmovdqu %%ymm1, 32(%%r12)\n"	\
	"vmovdqu %%ymm2, 64(%%r12)\n"	\
	"vmovdqu %%ymm3, 96(%%r12)\n"	\
	"vmovdqu %%ymm4, 128(%%r12)\n"	\
	"vmovdqu %%ymm5, 160(%%r12)\n"	\
	"vmovdqu %%ymm6, 192(%%r12)\n"	\
	"vmovdqu %%ymm7, 224(%%r12)\n"	\
	"vmovdqu %%ymm8, 256(%%r12)\n"	\
	"vmovdqu %%ymm9, 288(%%r12)\n"	\
	"vmovdqu %%ymm10, 320(%%r12)\n"	\
	"vmovdqu %%ymm11, 352(%%r12)\n"	\
	"vmovdqu %%ymm12, 384(%%r12)\n"	\
	"vmovdqu %%ymm13, 416(%%r12)\n"	\
	"vmovdqu %%ymm14, 448(%%r12)\n"	\
	"vmovdqu %%ymm15, 480(%%r12)\n"
#define XMM_LOAD	\
	"movdqu 0(%%rbx), %%xmm0\n"	\
	"movdqu 32(%%rbx), %%xmm1\n"	\
	"movdqu 64(%%rbx), %%xmm2\n"	\
	"movdqu 96(%%rbx), %%xmm3\n"	\
	"movdqu 128(%%rbx), %%xmm4\n"	\
	"movdqu 160(%%rbx), %%xmm5\n"	\
	"movdqu 192(%%rbx), %%xmm6\n"	\
	"movdqu 224(%%rbx), %%xmm7\n"	\
	"movdqu 256(%%rbx), %%xmm8\n"	\
	"movdqu 288(%%rbx), %%xmm9\n"	\
	"movdqu 320(%%rbx), %%xmm10\n"	\
	"movdqu 352(%%rbx), %%xmm11\n"	\
	"movdqu 384(%%rbx), %%xmm12\n"	\
	"movdqu 416(%%rbx), %%xmm13\n"	\
	"movdqu 448(%%rbx), %%xmm14\n"	\
	"movdqu 480(%%rbx), %%xmm15\n"
#define XMM_STORE	\
	"movdqu %%xmm0, 0(%%r12)\n"	\
	"movdqu %%xmm1, 32(%%r12)\n"	\
	"movdqu %%xmm2, 64(%%r12)\n"	\
	"movdqu %%xmm3, 96(%%r12)\n"	\
	"movdqu %%xmm4, 128(%%r12)\n"	\
	"movdqu %%xmm5, 160(%%r12)\n"	\
	"movdqu %%xmm6, 192(%%r12)\n"	\
	"movdqu %%xmm7, 224(%%r12)\n"	\
	"movdqu %%xmm8, 256(%%r12)\n"	\
	"movdqu %%xmm9, 288(%%r12)\n"	\
	"movdqu %%xmm10, 320(%%r12)\n"	\
	"movdqu %%xmm11, 352(%%r12)\n"	\
	"movdqu %%xmm12, 384(%%r12)\n"	\
	"movdqu %%xmm13, 416(%%r12)\n"	\
	"movdqu %%xmm14, 448(%%r12)\n"	\
	"movdqu %%xmm15, 480(%%r12)\n"
#define VREG_CLOBBERS							\
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",	\
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",	\
	"xmm15"

/*
 * Load the registers from @in, exit with the ucall at @uc, and store them
 * into @out when the guest runs again: one asm statement, so the
 * compiler's code never touches the registers in between.
 */
#define GUEST_EXIT_WITH(load, store, in, out, uc) do {			\
	register struct vregs *__out asm("r12") = (out);		\
	__u32 __def = MXCSR_DEFAULT;					\
									\
	asm volatile(load						\
		     "ldmxcsr %c[mx](%%rbx)\n"				\
		     "fldl %c[x87](%%rbx)\n"				\
		     "outl %%eax, %%dx\n"				\
		     store						\
		     "stmxcsr %c[mx](%%r12)\n"				\
		     "fstpl %c[x87](%%r12)\n"				\
		     "ldmxcsr %[def]\n"					\
		     :							\
		     : "b"(in), "r"(__out),				\
		       "a"((__u32)(unsigned long)(uc)), "d"(UCALL_PORT), \
		       [mx] "i"(offsetof(struct vregs, mxcsr)),		\
		       [x87] "i"(offsetof(struct vregs, x87)),		\
		       [def] "m"(__def)					\
		     : "memory", VREG_CLOBBERS);			\
} while (0)

static __u64 guest_xgetbv(void)
{
	__u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (__u64)hi << 32;
}

/* @xcr0: 1 leaves XSAVE off; else CR4.OSXSAVE and that XCR0. */
static void guest_code(__u64 xcr0)
{
	bool avx = xcr0 & XCR0_YMM;
	__u64 i;

	if (xcr0 != XCR0_X87) {
		asm volatile("mov %0, %%cr4"
			     : : "r"(get_cr4() | X86_CR4_OSXSAVE) : "memory");
		asm volatile("xsetbv" : : "c"(0), "a"((__u32)xcr0),
			     "d"((__u32)(xcr0 >> 32)) : "memory");
	}
	for (i = 0; i < VREG_QWORDS; i++)
		guest_in.v[i] = 0x5354415445000000ULL | i << 8 | xcr0;
	guest_in.mxcsr = MXCSR_GUEST;
	guest_in.x87 = 2718.28125;
	guest_uc.cmd = UCALL_SYNC;
	guest_uc.args[UCALL_SYNC_STAGE] = 1;
	if (avx)
		GUEST_EXIT_WITH(YMM_LOAD, YMM_STORE, &guest_in, &guest_out,
				&guest_uc);
	else
		GUEST_EXIT_WITH(XMM_LOAD, XMM_STORE, &guest_in, &guest_out,
				&guest_uc);
	for (i = 0; i < VREG_QWORDS; i++) {
		/* Without AVX only the low 16 bytes of each are registers. */
		if (!avx && (i % 4) >= 2)
			continue;
		GUEST_ASSERT_EQ(guest_out.v[i], guest_in.v[i]);
	}
	GUEST_ASSERT_EQ(guest_out.mxcsr, MXCSR_GUEST);
	GUEST_ASSERT(guest_out.x87 == guest_in.x87);
	if (xcr0 != XCR0_X87)
		GUEST_ASSERT_EQ(guest_xgetbv(), xcr0);
	GUEST_DONE();
}

/* The host's XCR0, 1 when it runs without XSAVE (noxsave). */
static __u64 host_xcr0(void)
{
	__u32 eax, ebx, ecx, edx;

	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	if (!(ecx & BIT_ULL(27)))		/* OSXSAVE */
		return XCR0_X87;
	return guest_xgetbv();
}

/* What the guest uses: AVX when the host has it on, else SSE alone. */
static __u64 test_xcr0(void)
{
	__u64 host = host_xcr0();

	if ((host & (XCR0_SSE | XCR0_YMM)) == (XCR0_SSE | XCR0_YMM))
		return XCR0_X87 | XCR0_SSE | XCR0_YMM;
	if (host & XCR0_SSE)
		return XCR0_X87 | XCR0_SSE;
	return XCR0_X87;
}

static int get_xsave(struct tvmm_vcpu *vcpu, struct tvmm_xsave *xs)
{
	return ioctl(vcpu->fd, TVMM_GET_XSAVE, xs) ? -errno : 0;
}

static int set_xsave(struct tvmm_vcpu *vcpu, const struct tvmm_xsave *xs)
{
	return ioctl(vcpu->fd, TVMM_SET_XSAVE, xs) ? -errno : 0;
}

static __u64 *area64(struct tvmm_xsave *xs, unsigned int off)
{
	return (__u64 *)&xs->area[off];
}

static __u32 *area32(struct tvmm_xsave *xs, unsigned int off)
{
	return (__u32 *)&xs->area[off];
}

static void require_cap(struct __test_metadata *_metadata)
{
	int fd = open(TVMM_DEV, O_RDWR);

	ASSERT_LE(0, fd);
	if (ioctl(fd, TVMM_CHECK_EXTENSION, TVMM_CAP_XSAVE) <= 0) {
		close(fd);
		SKIP(return, "no TVMM_CAP_XSAVE");
	}
	close(fd);
}

/* A new vCPU's state: XCR0 1, and what GET gives, SET takes back. */
TEST(get_set_round_trips)
{
	struct tvmm_xsave *a = calloc(1, sizeof(*a));
	struct tvmm_xsave *b = calloc(1, sizeof(*b));
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	require_cap(_metadata);
	vm = vm_create_with_one_vcpu(&vcpu, NULL);
	ASSERT_EQ(0, get_xsave(vcpu, a));
	EXPECT_EQ(XCR0_X87, a->xcr0);
	EXPECT_EQ(0, *area64(a, AREA_XCOMP_BV));
	/* x87 and SSE at most: the guest never enabled more. */
	EXPECT_EQ(0, *area64(a, AREA_XSTATE_BV) & ~(XCR0_X87 | XCR0_SSE));
	/* An XMM value and MXCSR written in, read back. */
	*area64(a, AREA_XSTATE_BV) |= XCR0_SSE;
	*area64(a, AREA_XMM0 + 16 * 7) = 0x1122334455667788ULL;
	*area32(a, AREA_MXCSR) = MXCSR_GUEST;
	ASSERT_EQ(0, set_xsave(vcpu, a));
	ASSERT_EQ(0, get_xsave(vcpu, b));
	EXPECT_EQ(0x1122334455667788ULL, *area64(b, AREA_XMM0 + 16 * 7));
	EXPECT_EQ(MXCSR_GUEST, *area32(b, AREA_MXCSR));
	EXPECT_EQ(0, memcmp(a, b, sizeof(*a)));
	/* With XSAVE on, an XCR0 with SSE (and AVX) is taken too. */
	a->xcr0 = test_xcr0();
	ASSERT_EQ(0, set_xsave(vcpu, a));
	ASSERT_EQ(0, get_xsave(vcpu, b));
	EXPECT_EQ(test_xcr0(), b->xcr0);
	EXPECT_EQ(-EFAULT, set_xsave(vcpu, NULL));
	EXPECT_EQ(-EFAULT, get_xsave(vcpu, NULL));
	vm_free(vm);
	free(a);
	free(b);
}

/*
 * The guest's registers leave with TVMM_GET_XSAVE (and regs, sregs and
 * memory) after an exit, and a vCPU of another VM, given them, resumes
 * the guest, which finds its values.
 */
TEST(registers_resume_in_a_new_vm)
{
	struct tvmm_xsave *xs = calloc(1, sizeof(*xs));
	struct tvmm_vcpu *vcpu, *vcpu2;
	struct tvmm_vm *vm, *vm2;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	__u64 xcr0 = test_xcr0();
	int i;

	TVMM_REQUIRE_MODULE();
	require_cap(_metadata);
	TH_LOG("guest XCR0 %#llx", (unsigned long long)xcr0);
	vm = vm_create_with_one_vcpu(&vcpu, (void (*)(void))guest_code);
	vcpu_args_set(vcpu, 1, xcr0);
	vcpu_run_expect_sync(vcpu, 1);
	vcpu_get_regs(vcpu, &regs);
	vcpu_get_sregs(vcpu, &sregs);
	ASSERT_EQ(0, get_xsave(vcpu, xs));
	EXPECT_EQ(xcr0, xs->xcr0);
	EXPECT_NE(0, *area64(xs, AREA_XSTATE_BV) & XCR0_SSE);
	if (xcr0 & XCR0_YMM)
		EXPECT_NE(0, *area64(xs, AREA_XSTATE_BV) & XCR0_YMM);

	vm2 = vm_create();
	vcpu2 = vm_vcpu_add(vm2, 0);
	for (i = 0; i < TVMM_MAX_MEMSLOTS; i++) {
		if (!vm->regions[i].hva)
			continue;
		ASSERT_EQ(vm->regions[i].size, vm2->regions[i].size);
		memcpy(vm2->regions[i].hva, vm->regions[i].hva,
		       vm->regions[i].size);
	}
	vcpu_set_sregs(vcpu2, &sregs);
	vcpu_set_regs(vcpu2, &regs);
	ASSERT_EQ(0, set_xsave(vcpu2, xs));
	/* The old one is gone: nothing of it can reach the new one. */
	vm_free(vm);
	vcpu_run_expect_done(vcpu2);
	vm_free(vm2);
	free(xs);
}

/* Each case breaks one rule; SET must refuse it and change nothing. */
FIXTURE(refused) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
	struct tvmm_xsave *valid, *bad, *got;
};

FIXTURE_VARIANT(refused) {
	void (*breaks)(struct tvmm_xsave *xs);
};

FIXTURE_SETUP(refused)
{
	self->vm = NULL;
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, NULL);
	self->valid = calloc(1, sizeof(*self->valid));
	self->bad = calloc(1, sizeof(*self->bad));
	self->got = calloc(1, sizeof(*self->got));
}

FIXTURE_TEARDOWN(refused)
{
	vm_free(self->vm);
	free(self->valid);
	free(self->bad);
	free(self->got);
}

#define REFUSED(name, change)						\
	static void break_##name(struct tvmm_xsave *xs)			\
	{								\
		change;							\
	}								\
	FIXTURE_VARIANT_ADD(refused, name) {				\
		.breaks = break_##name,					\
	}

REFUSED(flags, xs->flags = 1);
REFUSED(padding, xs->padding = 1);
REFUSED(reserved, xs->reserved[5] = 1);
REFUSED(xcr0_without_x87, xs->xcr0 = XCR0_SSE);
REFUSED(xcr0_bit_63, xs->xcr0 |= BIT_ULL(63));
REFUSED(xcr0_pkru, xs->xcr0 |= XCR0_PKRU);
REFUSED(xcr0_avx_without_sse, xs->xcr0 = XCR0_X87 | XCR0_YMM);
REFUSED(xcr0_part_of_avx512,
	xs->xcr0 = XCR0_X87 | XCR0_SSE | XCR0_YMM | XCR0_OPMASK);
REFUSED(compacted_format,
	*area64(xs, AREA_XCOMP_BV) = BIT_ULL(63) | XCR0_X87 | XCR0_SSE);
REFUSED(header_reserved, *area64(xs, AREA_HDR_RESERVED + 40) = 1);
REFUSED(component_beyond_xcr0,
	xs->xcr0 = XCR0_X87; *area64(xs, AREA_XSTATE_BV) |= XCR0_YMM);
REFUSED(pkru_component, *area64(xs, AREA_XSTATE_BV) |= XCR0_PKRU);
REFUSED(mxcsr_reserved_bit,
	*area64(xs, AREA_XSTATE_BV) |= XCR0_SSE;
	*area32(xs, AREA_MXCSR) = MXCSR_DEFAULT | (__u32)BIT_ULL(31));

TEST_F(refused, set_refuses_and_changes_nothing)
{
	require_cap(_metadata);
	ASSERT_EQ(0, get_xsave(self->vcpu, self->valid));
	/* A state of its own first, so "unchanged" means something. */
	*area64(self->valid, AREA_XSTATE_BV) |= XCR0_SSE;
	*area64(self->valid, AREA_XMM0) = 0xfeedfacecafef00dULL;
	*area32(self->valid, AREA_MXCSR) = MXCSR_GUEST;
	self->valid->xcr0 = test_xcr0() & (XCR0_X87 | XCR0_SSE);
	ASSERT_EQ(0, set_xsave(self->vcpu, self->valid));
	ASSERT_EQ(0, get_xsave(self->vcpu, self->valid));
	memcpy(self->bad, self->valid, sizeof(*self->bad));
	variant->breaks(self->bad);
	EXPECT_EQ(-EINVAL, set_xsave(self->vcpu, self->bad));
	ASSERT_EQ(0, get_xsave(self->vcpu, self->got));
	EXPECT_EQ(0, memcmp(self->valid, self->got, sizeof(*self->got)));
}

TEST_HARNESS_MAIN
