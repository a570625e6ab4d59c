// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid_test - CPUID in the guest returns tvmm's defaults, or exactly the
 * table userspace set.
 *
 * SDM Vol. 3C, 26.1.2 "Instructions That Cause VM Exits Unconditionally":
 * CPUID. SDM Vol. 2A, CPUID: leaf 1 ECX bit 5 is VMX; "Bit 31 [of leaf 1
 * ECX]: Not Used. Always returns 0" on bare metal, which hypervisors use to
 * announce themselves. A leaf above the maximum returns the highest basic
 * leaf on Intel CPUs; tvmm instead promises (uapi/tvmm.h) "Leaves the table
 * lacks read as all zeros". CPUID writes EAX, EBX, ECX and EDX: in
 * 64-bit mode, a 32-bit register write zeroes bits 63:32 (Vol. 1, 3.4.1.1
 * "General-Purpose Registers in 64-Bit Mode").
 *
 * uapi/tvmm.h and issue 3: by default a hypervisor bit and a tvmm
 * signature leaf (0x40000000: EAX the maximum hypervisor leaf, EBX ECX EDX
 * "tvmmtvmmtvmm"); TVMM_SET_CPUID sets "the CPUID table the guest sees",
 * an entry with TVMM_CPUID_INDEXED applying "to this ECX only".
 */
#include <stdlib.h>
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "uapi/tvmm_para.h"

#define CPUID_1_ECX_VMX		BIT_ULL(5)
#define CPUID_1_ECX_HYPERVISOR	BIT_ULL(31)

/* What the guest asks: leaf and subleaf, the upper halves all ones. */
struct cpuid_query {
	__u32 leaf, subleaf;
};

/* What it got, all 64 bits of each register. */
struct cpuid_result {
	__u64 rax, rbx, rcx, rdx;
};

#define MAX_QUERIES	8

static struct cpuid_query queries[MAX_QUERIES];
static __u32 nr_queries;
static struct cpuid_result results[MAX_QUERIES];

static void guest_code(void)
{
	__u32 i;

	for (i = 0; i < nr_queries; i++) {
		__u64 a = 0xffffffff00000000ULL | queries[i].leaf;
		__u64 c = 0xffffffff00000000ULL | queries[i].subleaf;
		__u64 b = ~0ULL, d = ~0ULL;

		asm volatile("cpuid"
			     : "+a"(a), "+b"(b), "+c"(c), "+d"(d));
		results[i].rax = a;
		results[i].rbx = b;
		results[i].rcx = c;
		results[i].rdx = d;
	}
	GUEST_DONE();
}

/* Run the guest over @n queries; the results land in results[]. */
static void run_queries(struct tvmm_vcpu *vcpu,
			const struct cpuid_query *q, __u32 n)
{
	memcpy(queries, q, n * sizeof(*q));
	nr_queries = n;
	sync_global_to_guest(vcpu->vm, queries);
	sync_global_to_guest(vcpu->vm, nr_queries);
	vcpu_run_expect_done(vcpu);
	sync_global_from_guest(vcpu->vm, results);
}

/* CPUID writes 32-bit registers: bits 63:32 of each read as zero. */
static void expect_upper_halves_zero(struct __test_metadata *_metadata,
				     __u32 i)
{
	EXPECT_EQ(0, results[i].rax >> 32) TH_LOG("query %u: RAX", i);
	EXPECT_EQ(0, results[i].rbx >> 32) TH_LOG("query %u: RBX", i);
	EXPECT_EQ(0, results[i].rcx >> 32) TH_LOG("query %u: RCX", i);
	EXPECT_EQ(0, results[i].rdx >> 32) TH_LOG("query %u: RDX", i);
}

TEST(default_hypervisor_bit_and_no_vmx)
{
	static const struct cpuid_query q[] = { { 1, 0 } };
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	run_queries(vcpu, q, 1);
	EXPECT_TRUE(results[0].rcx & CPUID_1_ECX_HYPERVISOR);
	EXPECT_FALSE(results[0].rcx & CPUID_1_ECX_VMX);
	/* Whatever the leaf's values are. */
	expect_upper_halves_zero(_metadata, 0);
	vm_free(vm);
}

TEST(default_signature_leaf)
{
	static const struct cpuid_query q[] = { { TVMM_CPUID_SIGNATURE, 0 } };
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	char sig[13] = {};
	__u32 regs[3];

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	run_queries(vcpu, q, 1);
	EXPECT_EQ(TVMM_CPUID_SIGNATURE, results[0].rax);
	regs[0] = results[0].rbx;
	regs[1] = results[0].rcx;
	regs[2] = results[0].rdx;
	memcpy(sig, regs, 12);
	EXPECT_STREQ(TVMM_SIGNATURE, sig);
	expect_upper_halves_zero(_metadata, 0);
	vm_free(vm);
}

/* A table: one plain leaf, one leaf with two indexed subleaves. */
static const struct tvmm_cpuid_entry table[] = {
	{ .function = 1,
	  .eax = 0x000306a9, .ebx = 0x01020304, .ecx = 0x80000001,
	  .edx = 0xfffffffe },
	{ .function = 7, .index = 0, .flags = TVMM_CPUID_INDEXED,
	  .eax = 1, .ebx = 0xa0a0a0a0, .ecx = 0xb0b0b0b0, .edx = 0xc0c0c0c0 },
	{ .function = 7, .index = 1, .flags = TVMM_CPUID_INDEXED,
	  .eax = 0x11, .ebx = 0x22, .ecx = 0x33, .edx = 0x44 },
	{ .function = 0x80000008,
	  .eax = 0x3030, .ebx = 0, .ecx = 0xffffffff, .edx = 0x5a5a5a5a },
};

FIXTURE(table) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
};

/* What the guest asks with table[] set, and exactly what it must get. */
FIXTURE_VARIANT(table) {
	__u32 n;
	struct cpuid_expect {
		struct cpuid_query q;
		__u32 eax, ebx, ecx, edx;
	} expect[MAX_QUERIES];
};

/* No hypervisor bit added, no VMX bit removed: the table as is. */
FIXTURE_VARIANT_ADD(table, values_exactly) {
	.n = 3,
	.expect = {
		{ { 1, 0 }, 0x000306a9, 0x01020304, 0x80000001, 0xfffffffe },
		/* Not indexed: ECX does not matter. */
		{ { 1, 5 }, 0x000306a9, 0x01020304, 0x80000001, 0xfffffffe },
		{ { 0x80000008, 0 }, 0x3030, 0, 0xffffffff, 0x5a5a5a5a },
	},
};

FIXTURE_VARIANT_ADD(table, indexed_entries_chosen_by_ecx) {
	.n = 3,
	.expect = {
		{ { 7, 1 }, 0x11, 0x22, 0x33, 0x44 },
		{ { 7, 0 }, 1, 0xa0a0a0a0, 0xb0b0b0b0, 0xc0c0c0c0 },
		/* No entry for subleaf 2: zeros. */
		{ { 7, 2 }, 0, 0, 0, 0 },
	},
};

/* The table replaces the defaults, the signature leaf included. */
FIXTURE_VARIANT_ADD(table, missing_leaves_read_as_zeros) {
	.n = 4,
	.expect = {
		{ { 0, 0 }, 0, 0, 0, 0 },
		{ { TVMM_CPUID_SIGNATURE, 0 }, 0, 0, 0, 0 },
		{ { 0x12345678, 0 }, 0, 0, 0, 0 },
		{ { 0x80000000, 0 }, 0, 0, 0, 0 },
	},
};

FIXTURE_SETUP(table)
{
	struct tvmm_cpuid *cpuid;

	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, guest_code);
	cpuid = tvmm_cpuid_alloc(ARRAY_SIZE(table));
	memcpy(cpuid->entries, table, sizeof(table));
	vcpu_set_cpuid(self->vcpu, cpuid);
	free(cpuid);
}

FIXTURE_TEARDOWN(table)
{
	vm_free(self->vm);
}

TEST_F(table, guest_gets_the_table)
{
	struct cpuid_query q[MAX_QUERIES];
	__u32 i;

	for (i = 0; i < variant->n; i++)
		q[i] = variant->expect[i].q;
	run_queries(self->vcpu, q, variant->n);
	for (i = 0; i < variant->n; i++) {
		const struct cpuid_expect *e = &variant->expect[i];

		EXPECT_EQ(e->eax, results[i].rax) TH_LOG("query %u: RAX", i);
		EXPECT_EQ(e->ebx, results[i].rbx) TH_LOG("query %u: RBX", i);
		EXPECT_EQ(e->ecx, results[i].rcx) TH_LOG("query %u: RCX", i);
		EXPECT_EQ(e->edx, results[i].rdx) TH_LOG("query %u: RDX", i);
	}
}

TEST_HARNESS_MAIN
