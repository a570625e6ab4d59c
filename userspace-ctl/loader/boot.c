// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU's first state for each boot mode, and tvmmctl's boot area, what
 * protected and long mode need in guest RAM: a GDT (tvmmctl's: null,
 * code64, data, code32, TSS; or the selectors of Linux's boot protocols)
 * so that the guest may reload its segments, a stack, and for long mode
 * page tables that identity-map the first 4 GiB with 2 MiB pages. The
 * area is at 0 unless the image wants that place (boot_area_place()).
 */
#include <errno.h>
#include <string.h>

#include "lib/x86.h"
#include "loader/loader.h"

/* A segment's limit is its last byte's offset. */
#define TSS_LIMIT		(TSS_SIZE - 1)
#define BOOT_GDT_ENTRIES	6
#define BOOT_4G			0x100000000ULL

/* Flat descriptors (SDM Vol. 3A, 3.4.5 "Segment Descriptors"). */
#define DESC_CODE64		0x00af9b000000ffffULL
#define DESC_DATA		0x00cf93000000ffffULL	/* 4 GiB */
#define DESC_CODE32		0x00cf9b000000ffffULL	/* 4 GiB */
#define DESC_TSS_BUSY		0x8bULL		/* present, 64-bit busy TSS */

/* A TSS descriptor's low 8 bytes (base[63:32] in the next 8). */
static __u64 desc_tss(__u64 base)
{
	return TSS_LIMIT | (base & 0xffffff) << 16 | DESC_TSS_BUSY << 40 |
	       (base >> 24 & 0xff) << 56;
}

static struct tvmm_segment flat_seg(__u16 sel, __u8 type, bool code64)
{
	struct tvmm_segment seg = {
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.s = 1,
		.present = 1,
		.l = code64,
		.db = !code64,
		.g = 1,
	};

	return seg;
}

static struct tvmm_segment real_seg(__u16 sel, __u8 type)
{
	struct tvmm_segment seg = {
		.base = (__u64)sel << 4,
		.limit = 0xffff,
		.selector = sel,
		.type = type,
		.s = 1,
		.present = 1,
	};

	return seg;
}

static void write_page_tables(struct guest_ram *ram, __u64 area)
{
	__u64 *pml4 = (__u64 *)(ram->hva + area + BOOT_PML4);
	__u64 *pdpt = (__u64 *)(ram->hva + area + BOOT_PDPT);
	__u64 *pd = (__u64 *)(ram->hva + area + BOOT_PD);
	unsigned int i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = (area + BOOT_PDPT) | PTE_PRESENT | PTE_WRITABLE;
	for (i = 0; i < 4; i++)
		pdpt[i] = (area + BOOT_PD + i * 4096) | PTE_PRESENT |
			  PTE_WRITABLE;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((__u64)i << 21) | PTE_PRESENT | PTE_WRITABLE |
			PTE_LARGE;
}

const char *const boot_mode_names[BOOT_NR_MODES] = {
	[BOOT_REAL]		= "real",
	[BOOT_PROTECTED]	= "protected",
	[BOOT_LONG]		= "long",
};

/*
 * The GDT at @area + BOOT_GDT: tvmmctl's, or Linux's boot protocols'
 * (__BOOT_CS: the code segment of @mode, __BOOT_DS); the TSS at
 * BOOT_SEL_TSS in both. The selectors of CS and data.
 */
static void write_gdt(struct guest_ram *ram, const struct boot_info *boot,
		      __u16 *cs, __u16 *ds)
{
	__u64 gdt[BOOT_GDT_ENTRIES] = { 0 };
	__u64 tss = boot->area + BOOT_TSS;

	if (boot->linux_gdt) {
		gdt[LINUX_BOOT_CS / 8] = boot->mode == BOOT_LONG ?
					 DESC_CODE64 : DESC_CODE32;
		gdt[LINUX_BOOT_DS / 8] = DESC_DATA;
		*cs = LINUX_BOOT_CS;
		*ds = LINUX_BOOT_DS;
	} else {
		gdt[BOOT_SEL_CODE64 / 8] = DESC_CODE64;
		gdt[BOOT_SEL_DATA / 8] = DESC_DATA;
		gdt[BOOT_SEL_CODE32 / 8] = DESC_CODE32;
		*cs = boot->mode == BOOT_LONG ? BOOT_SEL_CODE64 :
						BOOT_SEL_CODE32;
		*ds = BOOT_SEL_DATA;
	}
	gdt[BOOT_SEL_TSS / 8] = desc_tss(tss);
	gdt[BOOT_SEL_TSS / 8 + 1] = tss >> 32;
	memcpy(ram->hva + boot->area + BOOT_GDT, gdt, sizeof(gdt));
	memset(ram->hva + tss, 0, TSS_LIMIT + 1);
}

int boot_setup(struct guest_ram *ram, const struct boot_info *boot,
	       struct tvmm_regs *regs, struct tvmm_sregs *sregs,
	       const char **why)
{
	struct tvmm_segment data;
	__u16 sel, ds;

	memset(regs, 0, sizeof(*regs));
	memset(sregs, 0, sizeof(*sregs));
	regs->rflags = X86_RFLAGS_FIXED;
	regs->rsp = BOOT_STACK_TOP;
	sregs->ldt.unusable = 1;
	sregs->tr.base = BOOT_TSS;
	sregs->tr.limit = TSS_LIMIT;
	sregs->tr.type = SYS_TYPE_TSS_BUSY;
	sregs->tr.present = 1;

	if (boot->mode == BOOT_REAL) {
		if (boot->entry > 0xfffff) {
			*why = "real-mode entry above 1 MiB";
			return -EINVAL;
		}
		/* 0000:7c00 as a BIOS jumps to a boot sector. */
		sel = boot->entry > 0xffff ? boot->entry >> 4 : 0;
		sregs->cs = real_seg(sel, SEG_TYPE_CODE_XRA);
		regs->rip = boot->entry - ((__u64)sel << 4);
		data = real_seg(0, SEG_TYPE_DATA_RWA);
		sregs->gdt.limit = 0xffff;
		sregs->idt.limit = 256 * 4 - 1;
		sregs->cr0 = X86_CR0_ET;
		regs->rdx = 0x80;	/* the boot drive, as a BIOS leaves it */
	} else {
		if (boot->area & (PAGE_SIZE - 1) ||
		    boot->area + BOOT_AREA_END > ram->size ||
		    boot->area + BOOT_AREA_END > BOOT_4G) {
			*why = "tvmmctl's boot area is outside guest RAM";
			return -EINVAL;
		}
		if (boot->mode == BOOT_PROTECTED && boot->entry > 0xffffffff) {
			*why = "protected-mode entry point above 4 GiB";
			return -EINVAL;
		}
		write_gdt(ram, boot, &sel, &ds);
		regs->rsp = boot->area + BOOT_STACK_TOP;
		sregs->tr.base = boot->area + BOOT_TSS;
		sregs->tr.selector = BOOT_SEL_TSS;
		sregs->gdt.base = boot->area + BOOT_GDT;
		sregs->gdt.limit = BOOT_GDT_ENTRIES * 8 - 1;
		data = flat_seg(ds, SEG_TYPE_DATA_RWA, false);
		regs->rip = boot->entry;
		sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE;
		if (boot->mode == BOOT_PROTECTED) {
			sregs->cs = flat_seg(sel, SEG_TYPE_CODE_XRA, false);
		} else {
			write_page_tables(ram, boot->area);
			sregs->cs = flat_seg(sel, SEG_TYPE_CODE_XRA, true);
			sregs->cr0 |= X86_CR0_WP | X86_CR0_PG;
			sregs->cr3 = boot->area + BOOT_PML4;
			sregs->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR |
				     X86_CR4_OSXMMEXCPT;
			sregs->efer = EFER_LME | EFER_LMA;
		}
	}
	sregs->ds = data;
	sregs->es = data;
	sregs->fs = data;
	sregs->gs = data;
	sregs->ss = data;
	regs->rax = boot->rax;
	regs->rbx = boot->rbx;
	regs->rsi = boot->rsi;
	return 0;
}

static bool overlaps(__u64 start, __u64 end, const struct gpa_range *r)
{
	return start < r->end && r->start < end;
}

int boot_area_place(const struct guest_ram *ram, const struct gpa_range *busy,
		    unsigned int n, __u64 *area, const char **why)
{
	__u64 top = ram->size < BOOT_4G ? ram->size : BOOT_4G;
	__u64 cand, best = ~0ULL;
	unsigned int i, j;

	/* Candidates: 0, and the first page after each busy range. */
	for (i = 0; i <= n; i++) {
		cand = i == n ? 0 :
		       (busy[i].end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		if (cand >= best || cand > top || top - cand < BOOT_AREA_END)
			continue;
		for (j = 0; j < n; j++)
			if (overlaps(cand + BOOT_GDT, cand + BOOT_AREA_END,
				     &busy[j]))
				break;
		if (j == n)
			best = cand;
	}
	if (best == ~0ULL) {
		*why = "no room below 4 GiB for tvmmctl's boot area beside the image (see --mem)";
		return -ENOSPC;
	}
	*area = best;
	return 0;
}
