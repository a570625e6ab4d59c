// SPDX-License-Identifier: GPL-2.0
/*
 * guest_lib_test - the pure parts of the guest-test library, on any host
 * (no tvmm, no VMX): descriptor encoding, the guest state of each mode
 * against the SDM's rules, the page tables, the test binary's image in guest
 * memory, and ucall decoding. The guest tests trust these; a mistake here
 * would look like a tvmm bug there.
 *
 * SDM Vol. 3A, 3.4.5 "Segment Descriptors": base 31:0 in bits 16-39 and
 * 56-63, limit 19:0 in bits 0-15 and 48-51, G makes the limit count 4 KiB
 * units; in IA-32e mode, TSS and LDT descriptors are 16 bytes, base 63:32
 * in bytes 8-11. Vol. 3C, "Checks on Guest Segment Registers" and "Checks
 * on Guest Control Registers, Debug Registers, and MSRs": usable segments
 * are accessed, TR is a busy TSS, SS.DPL = CS.DPL, an IA-32e guest has
 * CR0.PG, CR4.PAE, EFER.LME and EFER.LMA set and CS.L = 1 with CS.D = 0.
 */
#include <string.h>
#include <sys/mman.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

FIXTURE(lib) {
	struct tvmm_vm *vm;
};

FIXTURE_SETUP(lib)
{
	self->vm = vm_create_offline();
}

FIXTURE_TEARDOWN(lib)
{
	vm_free(self->vm);
}

static const char *seg_str(const struct tvmm_segment *s, char *buf,
			   size_t len)
{
	snprintf(buf, len,
		 "base %#llx limit %#x type %#x s %u dpl %u p %u l %u db %u g %u",
		 (unsigned long long)s->base, s->limit, s->type, s->s, s->dpl,
		 s->present, s->l, s->db, s->g);
	return buf;
}

/* The same descriptor: all but selector, unusable and AVL agree. */
static void expect_seg_eq(struct __test_metadata *_metadata,
			  const struct tvmm_segment *want,
			  const struct tvmm_segment *got, const char *name)
{
	char w[128], g[128];

	EXPECT_STREQ(seg_str(want, w, sizeof(w)), seg_str(got, g, sizeof(g))) {
		TH_LOG("%s", name);
	}
}

TEST(descriptor_encoding)
{
	/* A flat 32-bit code segment: the classic 0x00cf9b000000ffff. */
	struct tvmm_segment code = {
		.limit = 0xffffffff, .type = SEG_TYPE_CODE_XRA,
		.s = SEG_S_CODE_DATA, .present = 1, .db = 1, .g = 1,
	};
	struct tvmm_segment tss = {
		.base = 0xffff888012345678ULL, .limit = TSS_SIZE - 1,
		.type = SYS_TYPE_TSS_BUSY, .s = SEG_S_SYSTEM, .present = 1,
	};
	struct tvmm_segment bad = code, back;
	__u64 desc[2];

	ASSERT_EQ(8, desc_encode(desc, &code, false));
	EXPECT_EQ(0x00cf9b000000ffffULL, desc[0]);
	desc_decode(desc, &back, false);
	expect_seg_eq(_metadata, &code, &back, "code");

	ASSERT_EQ(16, desc_encode(desc, &tss, true));
	EXPECT_EQ(0x12008b3456780067ULL, desc[0]);
	EXPECT_EQ(0x00000000ffff8880ULL, desc[1]);
	desc_decode(desc, &back, true);
	expect_seg_eq(_metadata, &tss, &back, "tss");

	/* Limits a descriptor cannot hold. */
	bad.limit = 0x12345;		/* G = 1 needs the low 12 bits set */
	EXPECT_EQ(0, desc_encode(desc, &bad, false));
	bad.g = 0;
	bad.limit = 0x100000;		/* G = 0: 20 bits at most */
	EXPECT_EQ(0, desc_encode(desc, &bad, false));
	EXPECT_EQ(0, desc_encode(desc, &tss, false));	/* 64-bit base */
}

/* What the guest would load from its GDT matches the hidden parts. */
static void expect_gdt_matches(struct __test_metadata *_metadata,
			       struct tvmm_vm *vm,
			       const struct tvmm_segment *seg,
			       const char *name)
{
	bool system = seg->s == SEG_S_SYSTEM;
	struct tvmm_segment back;
	__u8 desc[16];

	ASSERT_LT(SELECTOR_INDEX(seg->selector) + (system ? 1 : 0),
		  TVMM_GDT_ENTRIES) {
		TH_LOG("%s", name);
	}
	vm_read_guest(vm, TVMM_GPA_GDT + SELECTOR_INDEX(seg->selector) * 8,
		      desc, system ? 16 : 8);
	desc_decode(desc, &back, system);
	expect_seg_eq(_metadata, seg, &back, name);
}

/* Rules of VM entry every mode's state must keep. */
static void expect_entry_rules(struct __test_metadata *_metadata,
			       const struct tvmm_sregs *s)
{
	const struct tvmm_segment *data[] = { &s->ds, &s->es, &s->fs, &s->gs,
					      &s->ss };
	size_t i;

	EXPECT_EQ(SEG_TYPE_CODE_XRA, s->cs.type);
	EXPECT_EQ(SEG_TYPE_DATA_RWA, s->ss.type);
	EXPECT_EQ(s->cs.dpl, s->ss.dpl);
	EXPECT_EQ(s->ss.selector & 3, s->ss.dpl);
	for (i = 0; i < ARRAY_SIZE(data); i++) {
		EXPECT_TRUE(data[i]->type & SEG_TYPE_ACCESSED);
		EXPECT_EQ(1, data[i]->present);
		EXPECT_EQ(SEG_S_CODE_DATA, data[i]->s);
	}
	EXPECT_EQ(SYS_TYPE_TSS_BUSY, s->tr.type);
	EXPECT_EQ(SEG_S_SYSTEM, s->tr.s);
	EXPECT_EQ(1, s->tr.present);
	EXPECT_EQ(0, s->tr.unusable);
	EXPECT_EQ(1, s->ldt.unusable);
	EXPECT_EQ(0, s->cr0 & (X86_CR0_CD | X86_CR0_NW));
	if (s->cr0 & X86_CR0_PG)
		EXPECT_TRUE(s->cr0 & X86_CR0_PE);
}

TEST_F(lib, real_mode_state)
{
	struct tvmm_sregs s;

	vm_sregs_real_mode(self->vm, &s, 0x1234);
	expect_entry_rules(_metadata, &s);
	EXPECT_EQ(0x12340, s.cs.base);
	EXPECT_EQ(0xffff, s.cs.limit);
	EXPECT_EQ(0, s.cs.db);
	EXPECT_EQ(0, s.cs.g);
	EXPECT_EQ(0, s.ss.base);
	EXPECT_EQ(0, s.cr0 & X86_CR0_PE);
	EXPECT_EQ(0, s.efer);
	EXPECT_EQ(0, s.idt.base);
	EXPECT_EQ(0x3ff, s.idt.limit);
	expect_gdt_matches(_metadata, self->vm, &s.tr, "tr");
}

TEST_F(lib, protected_mode_state)
{
	struct tvmm_sregs s;

	vm_sregs_protected_mode(self->vm, &s);
	expect_entry_rules(_metadata, &s);
	EXPECT_TRUE(s.cr0 & X86_CR0_PE);
	EXPECT_EQ(0, s.cr0 & X86_CR0_PG);
	EXPECT_EQ(0, s.efer);
	EXPECT_EQ(1, s.cs.db);
	EXPECT_EQ(0, s.cs.l);
	EXPECT_EQ(0xffffffff, s.cs.limit);
	expect_gdt_matches(_metadata, self->vm, &s.cs, "cs");
	expect_gdt_matches(_metadata, self->vm, &s.ds, "ds");
	expect_gdt_matches(_metadata, self->vm, &s.tr, "tr");
}

TEST_F(lib, long_mode_state)
{
	struct tvmm_sregs s;

	vm_sregs_long_mode(self->vm, &s);
	expect_entry_rules(_metadata, &s);
	EXPECT_EQ(X86_CR0_PG | X86_CR0_PE,
		  s.cr0 & (X86_CR0_PG | X86_CR0_PE));
	EXPECT_TRUE(s.cr4 & X86_CR4_PAE);
	EXPECT_EQ(EFER_LME | EFER_LMA, s.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(1, s.cs.l);
	EXPECT_EQ(0, s.cs.db);
	EXPECT_EQ(self->vm->pgd, s.cr3);
	EXPECT_EQ(TVMM_GPA_PT_POOL, s.cr3);
	expect_gdt_matches(_metadata, self->vm, &s.cs, "cs");
	expect_gdt_matches(_metadata, self->vm, &s.ss, "ss");
	expect_gdt_matches(_metadata, self->vm, &s.tr, "tr");
}

static int image_marker = 42;

TEST_F(lib, page_tables_map_lowmem_and_image)
{
	__u64 gva, gpa, code = (__u64)(unsigned long)desc_encode;
	__u64 data = (__u64)(unsigned long)&image_marker;

	for (gva = PAGE_SIZE; gva < TVMM_LOWMEM_SIZE; gva += PAGE_SIZE) {
		ASSERT_TRUE(__addr_gva2gpa(self->vm, gva + 0x123, &gpa));
		ASSERT_EQ(gva + 0x123, gpa);
	}
	EXPECT_FALSE(__addr_gva2gpa(self->vm, 0, &gpa));	/* NULL */
	EXPECT_FALSE(__addr_gva2gpa(self->vm, TVMM_LOWMEM_SIZE, &gpa));
	EXPECT_FALSE(__addr_gva2gpa(self->vm, 0x800000000000ULL, &gpa));
	EXPECT_EQ(code, addr_gva2gpa(self->vm, code));
	EXPECT_EQ(data, addr_gva2gpa(self->vm, data));

	/* A new mapping, far from the rest, at a different address. */
	virt_map(self->vm, 0x7fff00000000ULL, TVMM_GPA_TEST_SLOTS,
		 2 * PAGE_SIZE);
	EXPECT_EQ(TVMM_GPA_TEST_SLOTS + PAGE_SIZE + 8,
		  addr_gva2gpa(self->vm, 0x7fff00001008ULL));
	EXPECT_FALSE(__addr_gva2gpa(self->vm, 0x7fff00002000ULL, &gpa));
	EXPECT_LE(self->vm->pt_pages, TVMM_PT_POOL_PAGES);
}

TEST_F(lib, image_is_the_binary_as_loaded)
{
	static const char text[] = "the guest sees the test's constants";
	__u64 code = (__u64)(unsigned long)desc_encode;
	int marker;

	EXPECT_EQ(0, memcmp(addr_gpa2hva(self->vm, code), desc_encode, 64));
	EXPECT_STREQ(text, (char *)addr_gpa2hva(self->vm,
						(unsigned long)text));

	/* The file's data, not the host's current values, until synced. */
	image_marker = 43;
	vm_read_guest(self->vm, (unsigned long)&image_marker, &marker,
		      sizeof(marker));
	EXPECT_EQ(42, marker);
	sync_global_to_guest(self->vm, image_marker);
	vm_read_guest(self->vm, (unsigned long)&image_marker, &marker,
		      sizeof(marker));
	EXPECT_EQ(43, marker);
}

/* A vCPU with only a run area, to decode exits without tvmm. */
static struct tvmm_vcpu fake_vcpu(struct tvmm_vm *vm, void *run)
{
	struct tvmm_vcpu vcpu = {
		.vm = vm,
		.fd = -1,
		.run = run,
		.run_size = PAGE_SIZE,
	};

	return vcpu;
}

static void fake_io_exit(struct tvmm_run *run, __u16 port, __u32 value)
{
	run->exit_reason = TVMM_EXIT_IO;
	run->io.direction = TVMM_IO_OUT;
	run->io.size = 4;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = TVMM_RUN_IO_DATA_OFFSET;
	memcpy((char *)run + TVMM_RUN_IO_DATA_OFFSET, &value, sizeof(value));
}

TEST_F(lib, ucall_decoding)
{
	static const char expr[] = "a == b";
	struct ucall written = {
		.cmd = UCALL_ASSERT,
		.args = {
			[UCALL_ASSERT_EXPR] = (unsigned long)expr,
			[UCALL_ASSERT_FILE] = (unsigned long)__FILE__,
			[UCALL_ASSERT_LINE] = 1234,
			[UCALL_ASSERT_NVALS] = 2,
			[UCALL_ASSERT_A] = 1,
			[UCALL_ASSERT_B] = 0xff,
		},
	};
	char buf[512], expected[512];
	struct tvmm_vcpu vcpu;
	struct ucall uc;
	void *run;

	run = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, run);
	vcpu = fake_vcpu(self->vm, run);

	vm_write_guest(self->vm, TVMM_GPA_TEST_DATA, &written,
		       sizeof(written));
	fake_io_exit(run, UCALL_PORT, TVMM_GPA_TEST_DATA);
	ASSERT_EQ(UCALL_ASSERT, get_ucall(&vcpu, &uc));
	EXPECT_EQ(0, memcmp(&written, &uc, sizeof(uc)));
	snprintf(expected, sizeof(expected),
		 "guest assert at %s:1234: a == b (0x1 vs 0xff)", __FILE__);
	EXPECT_STREQ(expected, ucall_format_assert(self->vm, &uc, buf,
						   sizeof(buf)));

	/* Another port is not a ucall. */
	fake_io_exit(run, UCALL_PORT + 1, TVMM_GPA_TEST_DATA);
	EXPECT_EQ(UCALL_NONE, get_ucall(&vcpu, &uc));

	/* The asm guests' mailbox is a struct ucall too. */
	written.cmd = UCALL_SYNC;
	vm_write_guest(self->vm, TVMM_GPA_UCALL_MAILBOX, &written,
		       sizeof(written));
	fake_io_exit(run, UCALL_PORT, TVMM_GPA_UCALL_MAILBOX);
	EXPECT_EQ(UCALL_SYNC, get_ucall(&vcpu, &uc));

	/* A string outside guest memory is named, not read. */
	EXPECT_STREQ("<bad address 0x300000>",
		     ucall_guest_string(self->vm, 0x300000, buf, sizeof(buf)));
	munmap(run, PAGE_SIZE);
}

TEST_HARNESS_MAIN
