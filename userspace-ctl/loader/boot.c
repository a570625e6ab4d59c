// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU's first state for each boot mode, and what protected and long
 * mode need in guest RAM: a GDT (null, code64, data, code32, TSS) so that
 * the guest may reload its segments, a stack, and for long mode page
 * tables that identity-map the first 4 GiB with 2 MiB pages.
 */
#include <errno.h>
#include <string.h>

#include "lib/x86.h"
#include "loader/loader.h"

/* A segment's limit is its last byte's offset. */
#define TSS_LIMIT		(TSS_SIZE - 1)

/* Flat descriptors (SDM Vol. 3A, 3.4.5 "Segment Descriptors"). */
static const __u64 boot_gdt[] = {
	0,
	0x00af9b000000ffffULL,	/* 0x08: code, 64-bit */
	0x00cf93000000ffffULL,	/* 0x10: data, 4 GiB */
	0x00cf9b000000ffffULL,	/* 0x18: code, 32-bit, 4 GiB */
	/* 0x20: 64-bit busy TSS at BOOT_TSS; 16 bytes */
	TSS_LIMIT | (BOOT_TSS << 16) | (0x8bULL << 40),
	0,
};

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

static void write_page_tables(struct guest_ram *ram)
{
	__u64 *pml4 = (__u64 *)(ram->hva + BOOT_PML4);
	__u64 *pdpt = (__u64 *)(ram->hva + BOOT_PDPT);
	__u64 *pd = (__u64 *)(ram->hva + BOOT_PD);
	unsigned int i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT | PTE_PRESENT | PTE_WRITABLE;
	for (i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD + i * 4096) | PTE_PRESENT | PTE_WRITABLE;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((__u64)i << 21) | PTE_PRESENT | PTE_WRITABLE |
			PTE_LARGE;
}

const char *const boot_mode_names[BOOT_NR_MODES] = {
	[BOOT_REAL]		= "real",
	[BOOT_PROTECTED]	= "protected",
	[BOOT_LONG]		= "long",
};

int boot_setup(struct guest_ram *ram, const struct boot_info *boot,
	       struct tvmm_regs *regs, struct tvmm_sregs *sregs,
	       const char **why)
{
	struct tvmm_segment data;
	__u16 sel;

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
		if (ram->size < BOOT_AREA_END + 1 ||
		    (boot->mode == BOOT_PROTECTED && boot->entry > 0xffffffff)) {
			*why = "entry point or RAM size unusable";
			return -EINVAL;
		}
		memcpy(ram->hva + BOOT_GDT, boot_gdt, sizeof(boot_gdt));
		memset(ram->hva + BOOT_TSS, 0, TSS_LIMIT + 1);
		sregs->tr.selector = BOOT_SEL_TSS;
		sregs->gdt.base = BOOT_GDT;
		sregs->gdt.limit = sizeof(boot_gdt) - 1;
		data = flat_seg(BOOT_SEL_DATA, SEG_TYPE_DATA_RWA, false);
		regs->rip = boot->entry;
		sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE;
		if (boot->mode == BOOT_PROTECTED) {
			sregs->cs = flat_seg(BOOT_SEL_CODE32,
					     SEG_TYPE_CODE_XRA, false);
		} else {
			write_page_tables(ram);
			sregs->cs = flat_seg(BOOT_SEL_CODE64,
					     SEG_TYPE_CODE_XRA, true);
			sregs->cr0 |= X86_CR0_WP | X86_CR0_PG;
			sregs->cr3 = BOOT_PML4;
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
	return 0;
}
