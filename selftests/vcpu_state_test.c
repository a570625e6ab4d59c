// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu_state_test - the rest of a vCPU a VMM saves and restores besides
 * registers, events and FPU: debug registers, the MSR list, the TSC.
 *
 * Debug registers (TVMM_GET/SET_DEBUGREGS): what SET puts in is what the
 * guest's MOV from DR reads, what the guest's MOV to DR writes is what GET
 * gives, with DR6's and DR7's fixed bits as the SDM says (Vol. 3B, 18.2.3
 * and 18.2.4); bits 63:32 of DR6 or DR7 are refused by SET and are a
 * #GP(0) for MOV DR (Vol. 2B, MOV DR).
 *
 * MSRs (TVMM_GET_MSR_INDEX_LIST): every listed MSR round-trips through
 * TVMM_SET_MSRS and TVMM_GET_MSRS with a value of its own; every other MSR
 * TVMM_GET_MSRS accepts keeps no state, so a VMM that saves the list
 * saves all. The list is refused with -E2BIG when it does not fit.
 *
 * TSC: IA32_TSC read from one VM and written into a new one: the new
 * guest's TSC goes on from the saved value, neither backwards nor with a
 * jump to the host's TSC.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmm_x86.h"

#define GP_VECTOR	13

#define DR6_FIXED_1	0xffff0ff0ULL
#define DR7_FIXED_1	0x400ULL

#define MSR_IA32_TSC	0x10

static int get_dbg(struct tvmm_vcpu *vcpu, struct tvmm_debugregs *d)
{
	return ioctl(vcpu->fd, TVMM_GET_DEBUGREGS, d) ? -errno : 0;
}

static int set_dbg(struct tvmm_vcpu *vcpu, const struct tvmm_debugregs *d)
{
	return ioctl(vcpu->fd, TVMM_SET_DEBUGREGS, d) ? -errno : 0;
}

static bool has_cap(int cap)
{
	int fd = open(TVMM_DEV, O_RDWR);
	bool ret;

	if (fd < 0)
		return false;
	ret = ioctl(fd, TVMM_CHECK_EXTENSION, cap) > 0;
	close(fd);
	return ret;
}

/* ---- debug registers ---- */

#define DR_READ(n) ({							\
	__u64 __v;							\
									\
	asm volatile("mov %%db" #n ", %0" : "=r"(__v));		\
	__v;								\
})

/* Report DR0-3, DR6, DR7 (stages 0-5), then write new ones. */
static void guest_dr(void)
{
	GUEST_SYNC(0, DR_READ(0));
	GUEST_SYNC(1, DR_READ(1));
	GUEST_SYNC(2, DR_READ(2));
	GUEST_SYNC(3, DR_READ(3));
	GUEST_SYNC(6, DR_READ(6));
	GUEST_SYNC(7, DR_READ(7));
	asm volatile("mov %0, %%db0" : : "r"(0x1000ULL));
	asm volatile("mov %0, %%db3" : : "r"(0xffffffff80001234ULL));
	asm volatile("mov %0, %%db6" : : "r"(0x4001ULL));	/* BS, B0 */
	/* L0, a write watch of 4 bytes: never fires, tvmm keeps DRs virtual */
	asm volatile("mov %0, %%db7" : : "r"(0xd0001ULL));
	GUEST_SYNC(8, 0);
	asm volatile("dr7_high: mov %0, %%db7\n"
		     "dr7_high_next:\n" : : "r"(BIT_ULL(32)));
	asm volatile("dr6_high: mov %0, %%db6\n"
		     "dr6_high_next:\n" : : "r"(BIT_ULL(40)));
	GUEST_ASSERT_EQ(DR_READ(7), 0xd0001 | DR7_FIXED_1);
	GUEST_DONE();
}

GUEST_ASM_LABEL(dr7_high);
GUEST_ASM_LABEL(dr7_high_next);
GUEST_ASM_LABEL(dr6_high);
GUEST_ASM_LABEL(dr6_high_next);

TEST(debug_registers_round_trip_through_the_guest)
{
	struct tvmm_debugregs set = {
		.db = { 0x1111, 0x2222000, 0xffffffff81000000ULL, 0x4444 },
		.dr6 = 0x2,			/* B1 */
		.dr7 = 0x30 | BIT_ULL(12),		/* bit 12 reserved, forced 0 */
	}, got;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	int i;

	TVMM_REQUIRE_MODULE();
	if (!has_cap(TVMM_CAP_DEBUGREGS))
		SKIP(return, "no TVMM_CAP_DEBUGREGS");
	vm = vm_create_with_one_vcpu(&vcpu, guest_dr);
	ASSERT_EQ(0, get_dbg(vcpu, &got));
	EXPECT_EQ(DR6_FIXED_1, got.dr6);	/* the reset values */
	EXPECT_EQ(DR7_FIXED_1, got.dr7);
	ASSERT_EQ(0, set_dbg(vcpu, &set));
	ASSERT_EQ(0, get_dbg(vcpu, &got));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(set.db[i], got.db[i]);
	EXPECT_EQ(DR6_FIXED_1 | 0x2, got.dr6);
	EXPECT_EQ(0x30 | DR7_FIXED_1, got.dr7);
	/* The guest reads the same. */
	for (i = 0; i < 4; i++)
		EXPECT_EQ(set.db[i], vcpu_run_expect_sync(vcpu, i));
	EXPECT_EQ(DR6_FIXED_1 | 0x2, vcpu_run_expect_sync(vcpu, 6));
	EXPECT_EQ(0x30 | DR7_FIXED_1, vcpu_run_expect_sync(vcpu, 7));
	/* What the guest writes, GET gives. */
	vcpu_run_expect_sync(vcpu, 8);
	ASSERT_EQ(0, get_dbg(vcpu, &got));
	EXPECT_EQ(0x1000, got.db[0]);
	EXPECT_EQ(0xffffffff80001234ULL, got.db[3]);
	EXPECT_EQ(DR6_FIXED_1 | 0x4001, got.dr6);
	EXPECT_EQ(0xd0001 | DR7_FIXED_1, got.dr7);
	EXPECT_EQ(0, got.flags);
	/* MOV to DR7 or DR6 with bits 63:32: #GP(0), DR unchanged. */
	vcpu_set_exception_exits(vcpu, BIT_ULL(GP_VECTOR));
	vcpu_run_expect_exception(vcpu, GP_VECTOR, 0, dr7_high, dr7_high_next);
	vcpu_run_expect_exception(vcpu, GP_VECTOR, 0, dr6_high, dr6_high_next);
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

TEST(debug_registers_refused_unchanged)
{
	struct tvmm_debugregs valid = {
		.db = { 1, 2, 3, 4 }, .dr6 = DR6_FIXED_1 | 1,
		.dr7 = DR7_FIXED_1 | 3,
	}, bad, got;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	int i;

	TVMM_REQUIRE_MODULE();
	if (!has_cap(TVMM_CAP_DEBUGREGS))
		SKIP(return, "no TVMM_CAP_DEBUGREGS");
	vm = vm_create_with_one_vcpu(&vcpu, NULL);
	ASSERT_EQ(0, set_dbg(vcpu, &valid));
	for (i = 0; i < 5; i++) {
		bad = valid;
		switch (i) {
		case 0:
			bad.flags = 1;
			break;
		case 1:
			bad.padding = 1;
			break;
		case 2:
			bad.reserved[2] = 1;
			break;
		case 3:
			bad.dr6 |= BIT_ULL(32);
			break;
		case 4:
			bad.dr7 |= BIT_ULL(63);
			break;
		}
		bad.db[0] = 0xbad;
		EXPECT_EQ(-EINVAL, set_dbg(vcpu, &bad)) {
			TH_LOG("case %d", i);
		}
		ASSERT_EQ(0, get_dbg(vcpu, &got));
		EXPECT_EQ(0, memcmp(&valid, &got, sizeof(got)));
	}
	EXPECT_EQ(-EFAULT, set_dbg(vcpu, NULL));
	EXPECT_EQ(-EFAULT, get_dbg(vcpu, NULL));
	vm_free(vm);
}

/* ---- the MSR list ---- */

static struct tvmm_msr_list *get_msr_list(struct __test_metadata *_metadata)
{
	struct tvmm_msr_list probe = { .nmsrs = 0 }, *list;
	int fd = open(TVMM_DEV, O_RDWR);

	EXPECT_LE(0, fd);
	/* Too small: -E2BIG, and the count. */
	EXPECT_EQ(-1, ioctl(fd, TVMM_GET_MSR_INDEX_LIST, &probe));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_LT(0, probe.nmsrs);
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(__u32));
	list->nmsrs = probe.nmsrs - 1;
	EXPECT_EQ(-1, ioctl(fd, TVMM_GET_MSR_INDEX_LIST, list));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(0, list->indices[0]);		/* nothing written */
	list->nmsrs = probe.nmsrs;
	list->flags = 1;
	EXPECT_EQ(-1, ioctl(fd, TVMM_GET_MSR_INDEX_LIST, list));
	EXPECT_EQ(EINVAL, errno);
	list->flags = 0;
	EXPECT_EQ(0, ioctl(fd, TVMM_GET_MSR_INDEX_LIST, list));
	EXPECT_EQ(probe.nmsrs, list->nmsrs);
	close(fd);
	return list;
}

static bool in_list(const struct tvmm_msr_list *list, __u32 index)
{
	__u32 i;

	for (i = 0; i < list->nmsrs; i++)
		if (list->indices[i] == index)
			return true;
	return false;
}

/* A value of @index's own that SET_MSRS takes: canonical, valid PAT... */
static __u64 other_value(__u32 index, __u64 old)
{
	switch (index) {
	case 0xc0000080:			/* EFER: SCE and NXE */
		return old ^ (BIT_ULL(0) | BIT_ULL(11));
	case 0x277:				/* PAT: WB, WT, UC-, UC... */
		return 0x0007040600070406ULL ^ 0x0100000000000000ULL;
	case 0xc0000103:			/* TSC_AUX: 32 bits */
		return 0x12345678;
	case 0x174:				/* SYSENTER_CS */
		return 0x10;
	case 0xc0000084:			/* SFMASK: 32 bits */
		return 0x47700;
	case MSR_IA32_TSC:
		return 1ULL << 40;
	}
	return 0xffffffff81234560ULL ^ index;	/* canonical */
}

TEST(msr_list_round_trips_and_covers_get_msrs)
{
	struct tvmm_msr_list *list;
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	__u64 old, val, got, ranges[][2] = {
		{ 0, 0x2000 }, { 0xc0000000, 0xc0002000 },
	};
	__u32 i, r, index, extra = 0;

	TVMM_REQUIRE_MODULE();
	if (!has_cap(TVMM_CAP_MSR_INDEX_LIST))
		SKIP(return, "no TVMM_CAP_MSR_INDEX_LIST");
	list = get_msr_list(_metadata);
	vm = vm_create_with_one_vcpu(&vcpu, NULL);
	for (i = 0; i < list->nmsrs; i++) {
		index = list->indices[i];
		ASSERT_EQ(1, __vcpu_get_msr(vcpu, index, &old)) {
			TH_LOG("MSR %#x", index);
		}
		val = other_value(index, old);
		ASSERT_EQ(1, __vcpu_set_msr(vcpu, index, val)) {
			TH_LOG("MSR %#x <- %#llx", index, val);
		}
		ASSERT_EQ(1, __vcpu_get_msr(vcpu, index, &got));
		/* The TSC counts on from the value. */
		if (index == MSR_IA32_TSC && got >= val &&
		    got - val < (1ULL << 36))
			got = val;
		EXPECT_EQ(val, got) {
			TH_LOG("MSR %#x", index);
		}
	}
	/* The IA32_TSC last: it starts counting when set. */
	EXPECT_EQ(MSR_IA32_TSC, list->indices[list->nmsrs - 1]);
	/* Every other MSR GET knows keeps nothing a SET could change. */
	for (r = 0; r < 2; r++) {
		for (index = ranges[r][0]; index < ranges[r][1]; index++) {
			if (in_list(list, index) ||
			    __vcpu_get_msr(vcpu, index, &old) != 1)
				continue;
			extra++;
			if (__vcpu_set_msr(vcpu, index, old ^ 1) == 1) {
				ASSERT_EQ(1, __vcpu_get_msr(vcpu, index, &got));
				EXPECT_EQ(old, got) {
					TH_LOG("MSR %#x has state, not listed",
					       index);
				}
			}
		}
	}
	TH_LOG("%u MSRs listed, %u more read constants", list->nmsrs, extra);
	vm_free(vm);
	free(list);
}

/* ---- the TSC ---- */

static __u64 guest_rdtsc(void)
{
	__u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | (__u64)hi << 32;
}

static void guest_tsc(void)
{
	GUEST_SYNC(1, guest_rdtsc());
	GUEST_DONE();
}

static __u64 tsc_khz(void)
{
	int fd = open(TVMM_DEV, O_RDWR);
	long khz = ioctl(fd, TVMM_CHECK_EXTENSION, TVMM_CAP_TSC_KHZ);

	close(fd);
	return khz > 0 ? khz : 1000000;
}

TEST(tsc_restored_into_a_new_vm_goes_on)
{
	struct tvmm_vcpu *vcpu, *vcpu2;
	struct tvmm_vm *vm, *vm2;
	__u64 saved, seen, later, bound = 2 * 1000 * tsc_khz();

	TVMM_REQUIRE_MODULE();
	if (!has_cap(TVMM_CAP_MSR_INDEX_LIST))
		SKIP(return, "no TVMM_CAP_MSR_INDEX_LIST");
	vm = vm_create_with_one_vcpu(&vcpu, guest_tsc);
	/* Far from the host's TSC, so a jump to it shows. */
	vcpu_set_msr(vcpu, MSR_IA32_TSC, 1ULL << 50);
	seen = vcpu_run_expect_sync(vcpu, 1);
	saved = vcpu_get_msr(vcpu, MSR_IA32_TSC);
	EXPECT_LE(seen, saved);
	vm_free(vm);

	vm2 = vm_create_with_one_vcpu(&vcpu2, guest_tsc);
	/* A new VM starts from the host's TSC, far below. */
	EXPECT_GT(1ULL << 49, vcpu_get_msr(vcpu2, MSR_IA32_TSC));
	vcpu_set_msr(vcpu2, MSR_IA32_TSC, saved);
	later = vcpu_run_expect_sync(vcpu2, 1);
	EXPECT_LE(saved, later);
	EXPECT_GT(saved + bound, later) {
		TH_LOG("the TSC jumped by %llu cycles", later - saved);
	}
	vcpu_run_expect_done(vcpu2);
	vm_free(vm2);
}

TEST_HARNESS_MAIN
