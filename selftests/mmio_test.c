// SPDX-License-Identifier: GPL-2.0
/*
 * mmio_test - a guest access to guest-physical memory outside every slot,
 * or a write to a read-only slot, exits to userspace as TVMM_EXIT_MMIO
 * with its address, size, direction and data; a read completes with the
 * data userspace supplied, extended as the instruction says.
 *
 * SDM Vol. 3C, 29.3.3.2 "EPT Violations": an access to a guest-physical
 * address the EPT paging structures do not allow causes an EPT violation
 * (VM exit), with the address in the guest-physical-address field.
 * SDM Vol. 2A/2B, by instruction: MOV r/m8, r/m16 and r/m64 writes leave
 * the other bits of the destination register alone (8/16-bit) while "32-bit
 * operands generate a 32-bit result, zero-extended to a 64-bit result"
 * (Vol. 1, 3.4.1.1); MOVZX zero-extends, MOVSX and MOVSXD sign-extend;
 * "MOV Ib/Iz" stores the immediate, Iz sign-extended to 64 bits with
 * REX.W; MOV with moffs addresses memory with a 64-bit offset in 64-bit
 * mode; STOS stores AL/AX/EAX/RAX at [RDI] and moves RDI by the operand
 * size, down when DF = 1; REP repeats RCX times; OR r/m, imm reads the
 * memory and writes the result back; XCHG r/m, r reads and writes it.
 *
 * uapi/tvmm.h: TVMM_EXIT_MMIO is "memory outside RAM: run->mmio"
 * (phys_addr, data[8], len "1, 2, 4 or 8", is_write); "TVMM_EXIT_MMIO reads,
 * userspace writes the data and the next TVMM_RUN completes the guest's
 * instruction with it"; TVMM_MEM_READONLY: "guest writes exit as MMIO".
 *
 * The guest runs every access in order and checks the registers it got;
 * the host checks each exit against the list below, in the same order,
 * and supplies the data of reads.
 */
#include <string.h>
#include <sys/mman.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

/* Below 4 GiB, so a 32-bit guest reaches it too; no slot there. */
#define MMIO_GPA	0xc0000000ULL
#define MMIO(off)	((void *)(unsigned long)(MMIO_GPA + (off)))

#define PRELOAD		0x1122334455667788ULL

struct mmio_exit {
	__u64 off;
	__u32 len;
	bool write;
	__u64 data;	/* written by the guest, or supplied for a read */
};

#define W	true
#define R	false

static const struct mmio_exit exits64[] = {
	/* 0: MOV stores, 88 and 89 with each operand size. */
	{ 0x00, 1, W, 0x5a },
	{ 0x08, 2, W, 0xa55a },
	{ 0x10, 4, W, 0xdeadbeef },
	{ 0x18, 8, W, 0x0123456789abcdefULL },
	/* 4: MOV loads, 8A and 8B. */
	{ 0x20, 1, R, 0x81 },
	{ 0x28, 2, R, 0x8182 },
	{ 0x30, 4, R, 0x81828384 },
	{ 0x38, 8, R, 0x8182838485868788ULL },
	/* 8: MOV immediate stores, C6 and C7. */
	{ 0x40, 1, W, 0x7f },
	{ 0x48, 2, W, 0x1234 },
	{ 0x50, 4, W, 0x12345678 },
	{ 0x58, 8, W, 0xfffffffffffffffeULL },
	/* 12: MOVZX, MOVSX (0F B6, 0F B7, 0F BE, 0F BF), MOVSXD (63). */
	{ 0x60, 1, R, 0x80 },
	{ 0x68, 2, R, 0x8001 },
	{ 0x70, 1, R, 0x80 },
	{ 0x78, 2, R, 0x8001 },
	{ 0x80, 1, R, 0x80 },
	{ 0x88, 1, R, 0x80 },
	{ 0x90, 4, R, 0x80000001 },
	/* 19: moffs (A1, REX.W A3, A0). */
	{ 0xa0, 4, R, 0x11223344 },
	{ 0xa8, 8, W, 0x5566778899aabbccULL },
	{ 0xb0, 1, R, 0x99 },
	/* 22: STOSD; REP STOSW x3 going up; REP STOSB x2 going down. */
	{ 0xc0, 4, W, 0xcafef00d },
	{ 0xd0, 2, W, 0xbeef },
	{ 0xd2, 2, W, 0xbeef },
	{ 0xd4, 2, W, 0xbeef },
	{ 0xdf, 1, W, 0x42 },
	{ 0xde, 1, W, 0x42 },
	/* 28: OR m32, imm: read, then write; XCHG m64, r64 the same. */
	{ 0xe0, 4, R, 0x0000000f },
	{ 0xe0, 4, W, 0x0000010f },
	{ 0xe8, 8, R, 0x2222222222222222ULL },
	{ 0xe8, 8, W, 0x1111111111111111ULL },
};

static void guest_code(void)
{
	__u64 v, rdi, rcx;

	asm volatile("movb %1, (%0)" : : "r"(MMIO(0x00)), "q"((__u8)0x5a));
	asm volatile("movw %1, (%0)" : : "r"(MMIO(0x08)), "r"((__u16)0xa55a));
	asm volatile("movl %1, (%0)" : : "r"(MMIO(0x10)), "r"(0xdeadbeef));
	asm volatile("movq %1, (%0)"
		     : : "r"(MMIO(0x18)), "r"(0x0123456789abcdefULL));

	/* Loads: 8 and 16 bits merge, 32 zero-extends. */
	v = PRELOAD;
	asm volatile("movb (%1), %b0" : "+q"(v) : "r"(MMIO(0x20)));
	GUEST_ASSERT_EQ(v, 0x1122334455667781ULL);
	v = PRELOAD;
	asm volatile("movw (%1), %w0" : "+r"(v) : "r"(MMIO(0x28)));
	GUEST_ASSERT_EQ(v, 0x1122334455668182ULL);
	v = PRELOAD;
	asm volatile("movl (%1), %k0" : "+r"(v) : "r"(MMIO(0x30)));
	GUEST_ASSERT_EQ(v, 0x81828384ULL);
	v = PRELOAD;
	asm volatile("movq (%1), %0" : "+r"(v) : "r"(MMIO(0x38)));
	GUEST_ASSERT_EQ(v, 0x8182838485868788ULL);

	asm volatile("movb $0x7f, (%0)" : : "r"(MMIO(0x40)));
	asm volatile("movw $0x1234, (%0)" : : "r"(MMIO(0x48)));
	asm volatile("movl $0x12345678, (%0)" : : "r"(MMIO(0x50)));
	asm volatile("movq $-2, (%0)" : : "r"(MMIO(0x58)));

	v = ~0ULL;
	asm volatile("movzbl (%1), %k0" : "+r"(v) : "r"(MMIO(0x60)));
	GUEST_ASSERT_EQ(v, 0x80);
	v = ~0ULL;
	asm volatile("movzwq (%1), %0" : "+r"(v) : "r"(MMIO(0x68)));
	GUEST_ASSERT_EQ(v, 0x8001);
	v = 0;
	asm volatile("movsbq (%1), %0" : "+r"(v) : "r"(MMIO(0x70)));
	GUEST_ASSERT_EQ(v, 0xffffffffffffff80ULL);
	v = 0;
	asm volatile("movswq (%1), %0" : "+r"(v) : "r"(MMIO(0x78)));
	GUEST_ASSERT_EQ(v, 0xffffffffffff8001ULL);
	v = ~0ULL;
	asm volatile("movsbl (%1), %k0" : "+r"(v) : "r"(MMIO(0x80)));
	GUEST_ASSERT_EQ(v, 0xffffff80ULL);
	v = PRELOAD;
	asm volatile("movsbw (%1), %w0" : "+r"(v) : "r"(MMIO(0x88)));
	GUEST_ASSERT_EQ(v, 0x112233445566ff80ULL);
	v = 0;
	asm volatile("movslq (%1), %0" : "+r"(v) : "r"(MMIO(0x90)));
	GUEST_ASSERT_EQ(v, 0xffffffff80000001ULL);

	v = ~0ULL;
	asm volatile("movabs " TVMM_STR(MMIO_GPA) " + 0xa0, %%eax"
		     : "+a"(v));
	GUEST_ASSERT_EQ(v, 0x11223344);
	asm volatile("movabs %%rax, " TVMM_STR(MMIO_GPA) " + 0xa8"
		     : : "a"(0x5566778899aabbccULL));
	v = PRELOAD;
	asm volatile("movabs " TVMM_STR(MMIO_GPA) " + 0xb0, %%al"
		     : "+a"(v));
	GUEST_ASSERT_EQ(v, 0x1122334455667799ULL);

	rdi = (unsigned long)MMIO(0xc0);
	asm volatile("cld; stosl" : "+D"(rdi) : "a"(0xcafef00d) : "memory");
	GUEST_ASSERT_EQ(rdi, (unsigned long)MMIO(0xc4));
	rdi = (unsigned long)MMIO(0xd0);
	rcx = 3;
	asm volatile("cld; rep stosw"
		     : "+D"(rdi), "+c"(rcx) : "a"(0xbeef) : "memory");
	GUEST_ASSERT_EQ(rcx, 0);
	GUEST_ASSERT_EQ(rdi, (unsigned long)MMIO(0xd6));
	rdi = (unsigned long)MMIO(0xdf);
	rcx = 2;
	asm volatile("std; rep stosb; cld"
		     : "+D"(rdi), "+c"(rcx) : "a"(0x42) : "memory");
	GUEST_ASSERT_EQ(rcx, 0);
	GUEST_ASSERT_EQ(rdi, (unsigned long)MMIO(0xdd));

	asm volatile("orl $0x100, (%0)" : : "r"(MMIO(0xe0)) : "memory");
	v = 0x1111111111111111ULL;
	asm volatile("xchg %0, (%1)" : "+r"(v) : "r"(MMIO(0xe8)) : "memory");
	GUEST_ASSERT_EQ(v, 0x2222222222222222ULL);

	GUEST_DONE();
}

/*
 * Run to the next exit, which must be @e, the @i-th: MMIO at @base +
 * @e->off, @e->len bytes, in @e's direction; a write carries @e->data, a
 * read gets it.
 */
static void expect_mmio_exit(struct __test_metadata *_metadata,
			     struct tvmm_vcpu *vcpu, __u64 base,
			     const struct mmio_exit *e, size_t i)
{
	struct tvmm_run *run = vcpu->run;
	__u64 data = 0;
	char buf[256];

	vcpu_run(vcpu);
	if (run->exit_reason != TVMM_EXIT_MMIO) {
		TH_LOG("exit %zu (offset %#llx): %s", i, e->off,
		       vcpu_describe_exit(vcpu, buf, sizeof(buf)));
		vcpu_fail_exit_at(vcpu, "an MMIO exit", __FILE__, __LINE__);
	}
	EXPECT_EQ(base + e->off, run->mmio.phys_addr) TH_LOG("exit %zu", i);
	EXPECT_EQ(e->len, run->mmio.len) TH_LOG("exit %zu", i);
	EXPECT_EQ(e->write, run->mmio.is_write) TH_LOG("exit %zu", i);
	if (e->write) {
		memcpy(&data, run->mmio.data, e->len);
		EXPECT_EQ(e->data, data) TH_LOG("exit %zu", i);
	} else {
		memcpy(run->mmio.data, &e->data, e->len);
	}
}

/* The @n exits of @exits at MMIO_GPA, in order. */
static void run_exits(struct __test_metadata *_metadata,
		      struct tvmm_vcpu *vcpu, const struct mmio_exit *exits,
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect_mmio_exit(_metadata, vcpu, MMIO_GPA, &exits[i], i);
}

TEST(long_mode_forms_and_widths)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	virt_map(vm, MMIO_GPA, MMIO_GPA, PAGE_SIZE);
	run_exits(_metadata, vcpu, exits64, ARRAY_SIZE(exits64));
	/* A failed guest assertion shows as an exit other than DONE. */
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/*
 * 32-bit protected mode, no paging: a 32-bit load, a 16-bit store through
 * the operand-size prefix, a MOVSX, and the result reported.
 */
GUEST_ASM32(mmio32,
	    "movl " TVMM_STR(MMIO_GPA) " + 0x100, %eax\n"
	    "movw %ax, " TVMM_STR(MMIO_GPA) " + 0x104\n"
	    "mov %eax, %ecx\n"
	    "movsbl " TVMM_STR(MMIO_GPA) " + 0x106, %ebx\n"
	    GUEST_ASM_SYNC(1, "%ecx")
	    GUEST_ASM_SYNC(2, "%ebx")
	    GUEST_ASM_DONE
	    "1: hlt\n"
	    "jmp 1b\n");

static const struct mmio_exit exits32[] = {
	{ 0x100, 4, R, 0x89abcdef },
	{ 0x104, 2, W, 0xcdef },
	{ 0x106, 1, R, 0xfe },
};

TEST(protected_mode_forms)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;

	TVMM_REQUIRE_MODULE();
	vm = vm_create_with_asm_vcpu(&vcpu, mmio32_start, mmio32_end, 32);
	run_exits(_metadata, vcpu, exits32, ARRAY_SIZE(exits32));
	EXPECT_EQ(0x89abcdef, vcpu_run_expect_sync(vcpu, 1));
	EXPECT_EQ(0xfffffffe, vcpu_run_expect_sync(vcpu, 2));
	vcpu_run_expect_done(vcpu);
	vm_free(vm);
}

/* A read-only slot: reads see the memory, writes exit and change nothing. */
#define RO_GPA		TVMM_GPA_TEST_SLOTS
#define RO_PATTERN	0x0f1e2d3c4b5a6978ULL
#define RO_WRITE	0xfeedfacecafebeefULL

static void guest_readonly(void)
{
	GUEST_ASSERT_EQ(guest_read64(RO_GPA + 8), RO_PATTERN);
	guest_write64(RO_GPA + 8, RO_WRITE);
	GUEST_ASSERT_EQ(guest_read64(RO_GPA + 8), RO_PATTERN);
	asm volatile("movb $0xab, (%0)" : : "r"(RO_GPA + 16) : "memory");
	GUEST_ASSERT_EQ(guest_read64(RO_GPA + 16), 0);
	GUEST_DONE();
}

/* The exits of guest_readonly(): its writes, in order. */
static const struct mmio_exit readonly_exits[] = {
	{ 8, 8, W, RO_WRITE },
	{ 16, 1, W, 0xab },
};

FIXTURE(readonly) {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
	__u64 *mem;
};

/* The memory written by the host after the slot was made, or before. */
FIXTURE_VARIANT(readonly) {
	bool prefilled;
};

FIXTURE_VARIANT_ADD(readonly, written_after) {
	.prefilled = false,
};

FIXTURE_VARIANT_ADD(readonly, prefilled) {
	.prefilled = true,
};

FIXTURE_SETUP(readonly)
{
	TVMM_REQUIRE_MODULE();
	self->vm = vm_create_with_one_vcpu(&self->vcpu, guest_readonly);
	if (variant->prefilled) {
		self->mem = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, self->mem);
		self->mem[1] = RO_PATTERN;
		ASSERT_EQ(0, __vm_set_memory_region(self->vm,
						    TVMM_SLOT_FIRST_FREE,
						    TVMM_MEM_READONLY, RO_GPA,
						    PAGE_SIZE, self->mem));
	} else {
		self->mem = vm_add_memory(self->vm, TVMM_SLOT_FIRST_FREE,
					  RO_GPA, PAGE_SIZE, TVMM_MEM_READONLY);
		self->mem[1] = RO_PATTERN;
	}
	virt_map(self->vm, RO_GPA, RO_GPA, PAGE_SIZE);
}

FIXTURE_TEARDOWN(readonly)
{
	vm_free(self->vm);
	if (variant->prefilled)
		munmap(self->mem, PAGE_SIZE);
}

/* Reads see the memory; each write exits and leaves the memory as it was. */
TEST_F(readonly, writes_exit_and_change_nothing)
{
	__u64 *mem = self->mem;

	expect_mmio_exit(_metadata, self->vcpu, RO_GPA, &readonly_exits[0], 0);
	EXPECT_EQ(RO_PATTERN, mem[1]);
	expect_mmio_exit(_metadata, self->vcpu, RO_GPA, &readonly_exits[1], 1);
	EXPECT_EQ(0, mem[2]);
	vcpu_run_expect_done(self->vcpu);
	EXPECT_EQ(RO_PATTERN, mem[1]);
}

TEST_HARNESS_MAIN
