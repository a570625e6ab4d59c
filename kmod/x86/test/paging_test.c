// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the guest page walk, kmod/x86/paging.c.
 *
 * Each case lays out paging-structure entries in a small guest RAM (64
 * KiB at guest-physical 0; a read outside it fails), sets the guest's
 * control registers and CPL, walks one linear address, and checks the
 * result against the Intel SDM (Vol. 3A, chapter 4 "Paging"): the
 * guest-physical address, or the #PF error code (4.7), or -EFAULT when a
 * paging structure is not in RAM. It also checks how many entries the
 * walk read and that each read was one whole entry (4 bytes with 32-bit
 * paging, 8 with PAE and 4-level paging), which pins the number of levels
 * of each mode. The bit values below are written from the SDM, not taken
 * from paging.c.
 *
 * Not tested, because the walk does not do them (paging.h): reserved-bit
 * checks, protection keys, SMEP, SMAP, PSE-36, 5-level paging, and the
 * accessed and dirty flags.
 *
 * Output is kselftest TAP.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kselftest.h"

#include "paging.h"

/* Vol. 3A, 2.5 "Control Registers"; 2.2.1 "Extended Feature Enable Register" */
#define CR0_PE		0x00000001ULL
#define CR0_WP		0x00010000ULL
#define CR0_PG		0x80000000ULL
#define CR4_PSE		0x00000010ULL
#define CR4_PAE		0x00000020ULL
#define EFER_LME	0x00000100ULL
#define EFER_LMA	0x00000400ULL
#define EFER_NXE	0x00000800ULL

/* Paging-structure entries (Vol. 3A, Tables 4-4 to 4-20) */
#define P		0x001ULL
#define RW		0x002ULL
#define US		0x004ULL
#define PS		0x080ULL
#define XD		0x8000000000000000ULL
#define URW		(P | RW | US)	/* present, writable, user */
#define SRW		(P | RW)	/* present, writable, supervisor */
#define URO		(P | US)	/* present, read-only, user */

/* #PF error code (Vol. 3A, 6.15 "Interrupt 14", 4.7) */
#define PF_P		0x01
#define PF_W		0x02
#define PF_U		0x04
#define PF_I		0x10

#define RD		GUEST_ACCESS_READ
#define WR		GUEST_ACCESS_WRITE
#define EX		GUEST_ACCESS_FETCH

#define PGON		(CR0_PE | CR0_PG)
#define LM		(EFER_LME | EFER_LMA)

/*
 * 32-bit paging. CR3 = 0x1018: the page directory at 0x1000; bits 3 and
 * 4 (PWT, PCD) are not address bits. LA32 = 0xc0403abc: directory entry
 * 0x301 (at 0x1000 + 4 * 0x301 = 0x1c04), table entry 0x003 (at 0x2000 +
 * 4 * 3 = 0x200c), offset 0xabc.
 */
#define CR3_32		0x1018ULL
#define LA32		0xc0403abcULL
#define REGS32(cr0_, cr4_, cpl_) \
	{ .cr0 = PGON | (cr0_), .cr3 = CR3_32, .cr4 = (cr4_), .cpl = (cpl_) }
#define T32_4K(pde, pte) \
	{ { 0x1c04, 0x2000 | (pde) }, { 0x200c, 0x12345000 | (pte) } }
#define GPA32_4K	0x12345abcULL
/* A 4 MiB page at 0x0c000000: the offset is LA32 bits 21:0, 0x003abc. */
#define T32_4M(pde)	{ { 0x1c04, 0x0c000000 | PS | (pde) } }
#define GPA32_4M	0x0c003abcULL

/*
 * PAE paging. CR3 = 0x1047: the PDPT at 0x1040 (CR3 bits 31:5). LA32:
 * PDPTE 3 (LA bits 31:30, at 0x1058), directory entry 0x002 (bits 29:21,
 * at 0x2000 + 8 * 2 = 0x2010), table entry 0x003 (bits 20:12, at 0x3000 +
 * 8 * 3 = 0x3018), offset 0xabc. Pages may be above 4 GiB.
 */
#define CR3_PAE		0x1047ULL
#define REGSPAE(cr0_, efer_, cpl_) \
	{ .cr0 = PGON | (cr0_), .cr3 = CR3_PAE, .cr4 = CR4_PAE, \
	  .efer = (efer_), .cpl = (cpl_) }
#define TPAE_4K(pdpte, pde, pte) \
	{ { 0x1058, 0x2000 | (pdpte) }, { 0x2010, 0x3000 | (pde) }, \
	  { 0x3018, 0x987654000ULL | (pte) } }
#define GPAPAE_4K	0x987654abcULL
/* A 2 MiB page at 0x123400000: the offset is LA32 bits 20:0, 0x003abc. */
#define TPAE_2M(pdpte, pde) \
	{ { 0x1058, 0x2000 | (pdpte) }, \
	  { 0x2010, 0x123400000ULL | PS | (pde) } }
#define GPAPAE_2M	0x123403abcULL

/*
 * 4-level paging. CR3 = 0x1000. LA64 = 0xffff82b0e5aaa9cd: PML4 entry
 * 0x105 (bits 47:39, at 0x1000 + 8 * 0x105 = 0x1828), PDPT entry 0x0c3
 * (bits 38:30, at 0x2618), directory entry 0x12d (bits 29:21, at 0x3968),
 * table entry 0x0aa (bits 20:12, at 0x4550), offset 0x9cd. Bit 12 of LA64
 * is clear, so a large page's PAT bit (12) shows if it reaches the
 * address. The pages are high in the 52-bit physical space.
 */
#define CR3_64		0x1000ULL
#define LA64		0xffff82b0e5aaa9cdULL
#define REGS64(cr0_, efer_, cpl_) \
	{ .cr0 = PGON | (cr0_), .cr3 = CR3_64, .cr4 = CR4_PAE, \
	  .efer = LM | (efer_), .cpl = (cpl_) }
#define T64_4K(pml4e, pdpte, pde, pte) \
	{ { 0x1828, 0x2000 | (pml4e) }, { 0x2618, 0x3000 | (pdpte) }, \
	  { 0x3968, 0x4000 | (pde) }, \
	  { 0x4550, 0xfedcba9876000ULL | (pte) } }
#define GPA64_4K	0xfedcba98769cdULL
/* A 2 MiB page at 0x876540000000: the offset is LA64 bits 20:0, 0xaa9cd. */
#define T64_2M(pml4e, pdpte, pde) \
	{ { 0x1828, 0x2000 | (pml4e) }, { 0x2618, 0x3000 | (pdpte) }, \
	  { 0x3968, 0x876540000000ULL | PS | (pde) } }
#define GPA64_2M	0x8765400aa9cdULL
/* A 1 GiB page at 0x3ff8040000000: the offset is LA64 bits 29:0, 0x25aaa9cd. */
#define T64_1G(pml4e, pdpte) \
	{ { 0x1828, 0x2000 | (pml4e) }, \
	  { 0x2618, 0x3ff8040000000ULL | PS | (pdpte) } }
#define GPA64_1G	0x3ff8065aaa9cdULL

#define RAM_SIZE	0x10000
#define MAX_ENTRIES	4

struct entry {
	u64 gpa;	/* 0 ends the list: no table is at 0 */
	u64 val;
};

struct walk_case {
	const char *name;
	struct guest_paging regs;
	struct entry mem[MAX_ENTRIES + 1];
	u64 la;
	u32 access;
	int ret;	/* 0, -ENOENT or -EFAULT */
	u64 gpa;	/* with 0 */
	u32 pf_error;	/* with -ENOENT */
	int reads;	/* paging-structure entries read */
};

static const struct walk_case cases[] = {
	/* No paging: the linear address is the physical one (4.1.1). */
	{ "paging off: linear is physical, 32 bits of it",
	  { .cr0 = CR0_PE, .cr3 = CR3_64 }, {}, 0x123456789ULL, RD,
	  0, 0x23456789, 0, 0 },
	{ "paging off in real mode: a write goes through",
	  { .cr0 = 0 }, {}, 0xffff0, WR, 0, 0xffff0, 0, 0 },

	/* 32-bit paging (4.3) */
	{ "32-bit: 4 KiB page",
	  REGS32(0, 0, 0), T32_4K(URW, URW), LA32, RD, 0, GPA32_4K, 0, 2 },
	{ "32-bit: linear-address bits 63:32 are not used",
	  REGS32(0, 0, 0), T32_4K(URW, URW), 0xffffffff00000000ULL | LA32,
	  RD, 0, GPA32_4K, 0, 2 },
	{ "32-bit: 4 MiB page with CR4.PSE",
	  REGS32(0, CR4_PSE, 0), T32_4M(URW), LA32, RD, 0, GPA32_4M, 0, 1 },
	{ "32-bit: PS is ignored without CR4.PSE",
	  REGS32(0, 0, 0), T32_4K(PS | URW, URW), LA32, RD, 0, GPA32_4K, 0,
	  2 },
	{ "32-bit: the same PDE with CR4.PSE is a 4 MiB page at 0",
	  REGS32(0, CR4_PSE, 0), T32_4K(PS | URW, URW), LA32, RD, 0,
	  0x003abc, 0, 1 },
	{ "32-bit: PDE not present",
	  REGS32(0, 0, 0), T32_4K(0, URW), LA32, RD, -ENOENT, 0, 0, 1 },
	{ "32-bit: PTE not present, user write",
	  REGS32(0, 0, 3), T32_4K(URW, 0), LA32, WR, -ENOENT, 0,
	  PF_W | PF_U, 2 },
	{ "32-bit: user read, supervisor PDE",
	  REGS32(0, 0, 3), T32_4K(SRW, URW), LA32, RD, -ENOENT, 0,
	  PF_P | PF_U, 1 },
	{ "32-bit: user read, supervisor 4 MiB page",
	  REGS32(0, CR4_PSE, 3), T32_4M(SRW), LA32, RD, -ENOENT, 0,
	  PF_P | PF_U, 1 },
	{ "32-bit: user write, read-only PTE",
	  REGS32(0, 0, 3), T32_4K(URW, URO), LA32, WR, -ENOENT, 0,
	  PF_P | PF_W | PF_U, 2 },
	{ "32-bit: supervisor write, read-only PTE, CR0.WP=1",
	  REGS32(CR0_WP, 0, 0), T32_4K(URW, URO), LA32, WR, -ENOENT, 0,
	  PF_P | PF_W, 2 },
	{ "32-bit: supervisor write, read-only PTE, CR0.WP=0",
	  REGS32(0, 0, 0), T32_4K(URW, URO), LA32, WR, 0, GPA32_4K, 0, 2 },

	/* PAE paging (4.4) */
	{ "PAE: 4 KiB page above 4 GiB",
	  REGSPAE(0, 0, 0), TPAE_4K(P, URW, URW), LA32, RD, 0, GPAPAE_4K,
	  0, 3 },
	{ "PAE: 2 MiB page",
	  REGSPAE(0, 0, 0), TPAE_2M(P, URW), LA32, RD, 0, GPAPAE_2M, 0, 2 },
	{ "PAE: linear-address bits 63:32 are not used",
	  REGSPAE(0, 0, 0), TPAE_4K(P, URW, URW),
	  0xffffffff00000000ULL | LA32, RD, 0, GPAPAE_4K, 0, 3 },
	{ "PAE: PDPTEs carry no rights: user write through one",
	  REGSPAE(CR0_WP, 0, 3), TPAE_4K(P, URW, URW), LA32, WR, 0,
	  GPAPAE_4K, 0, 3 },
	{ "PAE: PDPTE not present",
	  REGSPAE(0, 0, 0), TPAE_4K(0, URW, URW), LA32, RD, -ENOENT, 0, 0,
	  1 },
	{ "PAE: user read, supervisor 2 MiB page",
	  REGSPAE(0, 0, 3), TPAE_2M(P, SRW), LA32, RD, -ENOENT, 0,
	  PF_P | PF_U, 2 },
	{ "PAE: supervisor write, read-only PDE, CR0.WP=1",
	  REGSPAE(CR0_WP, 0, 0), TPAE_4K(P, URO, URW), LA32, WR, -ENOENT, 0,
	  PF_P | PF_W, 2 },
	{ "PAE: fetch, XD PTE, EFER.NXE=1",
	  REGSPAE(0, EFER_NXE, 0), TPAE_4K(P, URW, XD | URW), LA32, EX,
	  -ENOENT, 0, PF_P | PF_I, 3 },
	{ "PAE: fetch, no XD, EFER.NXE=1",
	  REGSPAE(0, EFER_NXE, 0), TPAE_4K(P, URW, URW), LA32, EX, 0,
	  GPAPAE_4K, 0, 3 },

	/* 4-level paging (4.5): sizes and addresses */
	{ "4-level: 4 KiB page at the top of 52 bits",
	  REGS64(0, 0, 0), T64_4K(URW, URW, URW, URW), LA64, RD, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: 2 MiB page",
	  REGS64(0, 0, 0), T64_2M(URW, URW, URW), LA64, RD, 0, GPA64_2M, 0,
	  3 },
	{ "4-level: 2 MiB page, PAT (bit 12) is not an address bit",
	  REGS64(0, 0, 0), T64_2M(URW, URW, 0x1000 | URW), LA64, RD, 0,
	  GPA64_2M, 0, 3 },
	{ "4-level: 1 GiB page",
	  REGS64(0, 0, 0), T64_1G(URW, URW), LA64, RD, 0, GPA64_1G, 0, 2 },
	{ "4-level: PTE bit 7 (PAT) is not a page size",
	  REGS64(0, 0, 0), T64_4K(URW, URW, URW, PS | URW), LA64, RD, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: CR3 bits 11:0 (PCID) are not address bits",
	  { .cr0 = PGON, .cr3 = CR3_64 | 0xfff, .cr4 = CR4_PAE, .efer = LM },
	  T64_4K(URW, URW, URW, URW), LA64, RD, 0, GPA64_4K, 0, 4 },
	{ "4-level: PTE bits 63:52 and 11:3 are not address bits",
	  REGS64(0, EFER_NXE, 0),
	  T64_4K(URW, URW, URW, 0xfff0000000000ff8ULL | URW), LA64, RD, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: CR3 outside RAM",
	  { .cr0 = PGON, .cr3 = 0x40000000, .cr4 = CR4_PAE, .efer = LM },
	  {}, LA64, RD, -EFAULT, 0, 0, 1 },
	{ "4-level: a PML4E points outside RAM",
	  REGS64(0, 0, 0), { { 0x1828, 0x40000000 | URW } }, LA64, RD,
	  -EFAULT, 0, 0, 2 },

	/* 4-level paging: not present, at each level (4.7) */
	{ "4-level: PML4E not present, supervisor read",
	  REGS64(0, 0, 0), T64_4K(0, URW, URW, URW), LA64, RD, -ENOENT, 0,
	  0, 1 },
	{ "4-level: PDPTE not present, supervisor write",
	  REGS64(0, 0, 0), T64_4K(URW, 0, URW, URW), LA64, WR, -ENOENT, 0,
	  PF_W, 2 },
	{ "4-level: PDE not present, user read",
	  REGS64(0, 0, 3), T64_4K(URW, URW, 0, URW), LA64, RD, -ENOENT, 0,
	  PF_U, 3 },
	{ "4-level: PTE not present, user write",
	  REGS64(0, 0, 3), T64_4K(URW, URW, URW, 0), LA64, WR, -ENOENT, 0,
	  PF_W | PF_U, 4 },
	{ "4-level: PTE not present, fetch, EFER.NXE=1 sets I/D",
	  REGS64(0, EFER_NXE, 0), T64_4K(URW, URW, URW, 0), LA64, EX,
	  -ENOENT, 0, PF_I, 4 },
	{ "4-level: PTE not present, fetch, EFER.NXE=0 leaves I/D clear",
	  REGS64(0, 0, 0), T64_4K(URW, URW, URW, 0), LA64, EX, -ENOENT, 0,
	  0, 4 },

	/* 4-level paging: U/S (4.6) */
	{ "4-level: user read, user page",
	  REGS64(0, 0, 3), T64_4K(URW, URW, URW, URW), LA64, RD, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: user read, supervisor PTE",
	  REGS64(0, 0, 3), T64_4K(URW, URW, URW, SRW), LA64, RD, -ENOENT, 0,
	  PF_P | PF_U, 4 },
	{ "4-level: user read, supervisor PML4E",
	  REGS64(0, 0, 3), T64_4K(SRW, URW, URW, URW), LA64, RD, -ENOENT, 0,
	  PF_P | PF_U, 1 },
	{ "4-level: user read, supervisor 1 GiB page",
	  REGS64(0, 0, 3), T64_1G(URW, SRW), LA64, RD, -ENOENT, 0,
	  PF_P | PF_U, 2 },
	{ "4-level: CPL 0 read, supervisor page",
	  REGS64(0, 0, 0), T64_4K(SRW, SRW, SRW, SRW), LA64, RD, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: CPL 1 is supervisor",
	  REGS64(0, 0, 1), T64_4K(SRW, SRW, SRW, SRW), LA64, RD, 0,
	  GPA64_4K, 0, 4 },

	/* 4-level paging: R/W and CR0.WP (4.6) */
	{ "4-level: read, read-only page, CR0.WP=1",
	  REGS64(CR0_WP, 0, 3), T64_4K(URO, URO, URO, URO), LA64, RD, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: user write, writable page",
	  REGS64(CR0_WP, 0, 3), T64_4K(URW, URW, URW, URW), LA64, WR, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: user write, read-only PTE, CR0.WP=0",
	  REGS64(0, 0, 3), T64_4K(URW, URW, URW, URO), LA64, WR, -ENOENT, 0,
	  PF_P | PF_W | PF_U, 4 },
	{ "4-level: supervisor write, read-only PTE, CR0.WP=0",
	  REGS64(0, 0, 0), T64_4K(URW, URW, URW, URO), LA64, WR, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: supervisor write, read-only PTE, CR0.WP=1",
	  REGS64(CR0_WP, 0, 0), T64_4K(URW, URW, URW, URO), LA64, WR,
	  -ENOENT, 0, PF_P | PF_W, 4 },
	{ "4-level: supervisor write, read-only PDPTE, CR0.WP=1",
	  REGS64(CR0_WP, 0, 0), T64_4K(URW, URO, URW, URW), LA64, WR,
	  -ENOENT, 0, PF_P | PF_W, 2 },
	{ "4-level: supervisor write, read-only 2 MiB page, CR0.WP=1",
	  REGS64(CR0_WP, 0, 0), T64_2M(URW, URW, URO), LA64, WR, -ENOENT, 0,
	  PF_P | PF_W, 3 },

	/* 4-level paging: XD and EFER.NXE (4.6) */
	{ "4-level: fetch, XD PTE, EFER.NXE=1",
	  REGS64(0, EFER_NXE, 0), T64_4K(URW, URW, URW, XD | URW), LA64, EX,
	  -ENOENT, 0, PF_P | PF_I, 4 },
	{ "4-level: fetch, XD PDE, EFER.NXE=1",
	  REGS64(0, EFER_NXE, 0), T64_4K(URW, URW, XD | URW, URW), LA64, EX,
	  -ENOENT, 0, PF_P | PF_I, 3 },
	{ "4-level: user fetch, XD PTE, EFER.NXE=1",
	  REGS64(0, EFER_NXE, 3), T64_4K(URW, URW, URW, XD | URW), LA64, EX,
	  -ENOENT, 0, PF_P | PF_U | PF_I, 4 },
	{ "4-level: fetch, no XD, EFER.NXE=1",
	  REGS64(0, EFER_NXE, 0), T64_4K(URW, URW, URW, URW), LA64, EX, 0,
	  GPA64_4K, 0, 4 },
	{ "4-level: read, XD PTE, EFER.NXE=1",
	  REGS64(0, EFER_NXE, 0), T64_4K(URW, URW, URW, XD | URW), LA64, RD,
	  0, GPA64_4K, 0, 4 },
	{ "4-level: write, XD 1 GiB page, EFER.NXE=1",
	  REGS64(0, EFER_NXE, 0), T64_1G(URW, XD | URW), LA64, WR, 0,
	  GPA64_1G, 0, 2 },
};

static u8 ram[RAM_SIZE];
static int reads;
static bool bad_read;
static size_t entry_size;

/* The walk's callback: guest RAM is ram[], and a read is one entry. */
static int read_ram(void *ctx, u64 gpa, void *buf, size_t len)
{
	reads++;
	if (ctx != ram || len != entry_size) {
		bad_read = true;
		return -EINVAL;
	}
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return -EFAULT;
	memcpy(buf, ram + gpa, len);
	return 0;
}

static void test_case(const struct walk_case *c)
{
	u64 gpa = 0;
	u32 pf_error = 0;
	const struct entry *e;
	int ret;

	/* 8-byte entries with PAE and 4-level paging, 4 with 32-bit. */
	entry_size = (c->regs.cr4 & CR4_PAE) || (c->regs.efer & EFER_LMA) ?
		     8 : 4;
	memset(ram, 0, sizeof(ram));
	for (e = c->mem; e->gpa; e++)
		memcpy(ram + e->gpa, &e->val, entry_size);
	reads = 0;
	bad_read = false;

	ret = guest_paging_walk(&c->regs, c->la, c->access, read_ram, ram,
				&gpa, &pf_error);

	if (ret != c->ret)
		ksft_print_msg("%s: returned %d, expected %d\n", c->name, ret,
			       c->ret);
	else if (!ret && gpa != c->gpa)
		ksft_print_msg("%s: gpa %#llx, expected %#llx\n", c->name,
			       (unsigned long long)gpa,
			       (unsigned long long)c->gpa);
	else if (ret == -ENOENT && pf_error != c->pf_error)
		ksft_print_msg("%s: #PF error code %#x, expected %#x\n",
			       c->name, pf_error, c->pf_error);
	if (reads != c->reads)
		ksft_print_msg("%s: read %d entries, expected %d\n", c->name,
			       reads, c->reads);
	if (bad_read)
		ksft_print_msg("%s: a read was not one %zu-byte entry\n",
			       c->name, entry_size);
	ksft_test_result(ret == c->ret &&
			 (ret || gpa == c->gpa) &&
			 (ret != -ENOENT || pf_error == c->pf_error) &&
			 reads == c->reads && !bad_read, "%s\n", c->name);
}

int main(void)
{
	unsigned int i;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		test_case(&cases[i]);
	ksft_finished();
	return 0;
}
