/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86.h - x86 architecture numbers for host-side code: control-register,
 * EFER and RFLAGS bits, the local APIC's MSRs, descriptor types, the TSS
 * size and 4-level paging.
 *
 * The one copy for tvmmctl (loader/, demo/, vmm/) and the selftests, whose
 * include/tvmm_x86.h includes it. Only macros, no types and no libc, so any
 * C file may include it. Section titles are those of the Intel SDM, Vol. 3A.
 * The freestanding guests (demos/, selftests/refguests/) keep their own few
 * bits, so that they build without the host's include paths.
 */
#ifndef TVMMCTL_LIB_X86_H
#define TVMMCTL_LIB_X86_H

/* Same text as lib/util.h's, so a file may include both. */
#ifndef BIT_ULL
#define BIT_ULL(nr)	(1ULL << (nr))
#endif

/* 2.5 "Control Registers" */
#define X86_CR0_PE		BIT_ULL(0)	/* protection enable */
#define X86_CR0_MP		BIT_ULL(1)	/* monitor coprocessor */
#define X86_CR0_EM		BIT_ULL(2)	/* x87 emulation */
#define X86_CR0_TS		BIT_ULL(3)	/* task switched */
#define X86_CR0_ET		BIT_ULL(4)	/* extension type, reads as 1 */
#define X86_CR0_NE		BIT_ULL(5)	/* native x87 error reporting */
#define X86_CR0_WP		BIT_ULL(16)	/* write protect at CPL 0 */
#define X86_CR0_AM		BIT_ULL(18)	/* alignment mask */
#define X86_CR0_NW		BIT_ULL(29)	/* not write-through */
#define X86_CR0_CD		BIT_ULL(30)	/* cache disable */
#define X86_CR0_PG		BIT_ULL(31)	/* paging */

#define X86_CR4_PSE		BIT_ULL(4)	/* 4 MiB pages (32-bit paging) */
#define X86_CR4_PAE		BIT_ULL(5)	/* physical address extension */
#define X86_CR4_PGE		BIT_ULL(7)	/* global pages */
#define X86_CR4_OSFXSR		BIT_ULL(9)	/* FXSAVE/FXRSTOR, SSE */
#define X86_CR4_OSXMMEXCPT	BIT_ULL(10)	/* unmasked SIMD exceptions: #XM */
#define X86_CR4_VMXE		BIT_ULL(13)	/* VMX enable */
#define X86_CR4_OSXSAVE		BIT_ULL(18)	/* XSAVE, XGETBV/XSETBV */

/* 2.2.1 "Extended Feature Enable Register" */
#define MSR_IA32_EFER		0xc0000080
#define EFER_SCE		BIT_ULL(0)	/* SYSCALL/SYSRET */
#define EFER_LME		BIT_ULL(8)	/* IA-32e mode enable */
#define EFER_LMA		BIT_ULL(10)	/* IA-32e mode active */
#define EFER_NXE		BIT_ULL(11)	/* execute-disable bit */

/* Vol. 4 "Model-Specific Registers": what a guest's kernel sets up. */
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_PAT		0x277
#define MSR_IA32_STAR		0xc0000081
#define MSR_IA32_LSTAR		0xc0000082
#define MSR_IA32_CSTAR		0xc0000083
#define MSR_IA32_FMASK		0xc0000084
#define MSR_IA32_KERNEL_GS_BASE	0xc0000102
#define MSR_IA32_TSC_AUX	0xc0000103

/* Vol. 3A 11.4.4 "Local APIC Status and Location" */
#define MSR_IA32_APICBASE	0x1b
#define APICBASE_BSP		BIT_ULL(8)	/* the bootstrap processor */
#define APICBASE_EXTD		BIT_ULL(10)	/* x2APIC mode */
#define APICBASE_ENABLE		BIT_ULL(11)	/* APIC global enable */

/* Vol. 3A 11.5.4.1 "TSC-Deadline Mode" */
#define MSR_IA32_TSC_DEADLINE	0x6e0

/* Vol. 3B 17.17 "Time-Stamp Counter" */
#define MSR_IA32_TSC		0x10

/*
 * Vol. 1, 13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features"
 * and 13.4.2 "XSAVE Header": XCR0's bits are the state components; the
 * header of the standard-format area says which it holds.
 */
#define XCR0_X87		BIT_ULL(0)
#define XCR0_SSE		BIT_ULL(1)
#define XCR0_AVX		BIT_ULL(2)
#define XSAVE_HDR_OFFSET	512	/* after the legacy (FXSAVE) area */
#define XSAVE_HDR_SIZE		64	/* XSTATE_BV, XCOMP_BV, reserved */

/* 2.3 "System Flags and Fields in the EFLAGS Register" */
#define X86_RFLAGS_CF		BIT_ULL(0)
#define X86_RFLAGS_FIXED	BIT_ULL(1)	/* reserved, always 1 */
#define X86_RFLAGS_IF		BIT_ULL(9)	/* maskable interrupts enabled */
#define X86_RFLAGS_DF		BIT_ULL(10)	/* string ops count down */

/*
 * 3.4.5.1 "Code- and Data-Segment Descriptor Types" (S = 1): the type field.
 * Every type below has its accessed bit (bit 0) set, as VM entry requires of
 * a usable segment (SDM Vol. 3C, "Checks on Guest Segment Registers").
 */
#define SEG_TYPE_ACCESSED	0x1
#define SEG_TYPE_DATA_RW	0x2	/* data: writable */
#define SEG_TYPE_CODE		0x8	/* code, else data */
#define SEG_TYPE_CODE_R		0x2	/* code: readable */
#define SEG_TYPE_DATA_RWA	(SEG_TYPE_DATA_RW | SEG_TYPE_ACCESSED)	/* 3 */
#define SEG_TYPE_CODE_XRA	(SEG_TYPE_CODE | SEG_TYPE_CODE_R |	\
				 SEG_TYPE_ACCESSED)			/* 11 */

/* 3.5 "System Descriptor Types" (S = 0), IA-32e mode where they differ. */
#define SYS_TYPE_LDT		0x2
#define SYS_TYPE_TSS_AVAIL	0x9	/* 32-bit TSS, or 64-bit in IA-32e */
#define SYS_TYPE_TSS_BUSY	0xb	/* ... busy: what TR holds */

/*
 * The size of a TSS with no I/O permission bitmap, 32-bit ("Task-State
 * Segment") or 64-bit ("Task Management in 64-bit Mode"); both keep the I/O
 * map base address at the same offset.
 */
#define TSS_SIZE		104
#define TSS_IOMAP_BASE_OFFSET	0x66

/*
 * 4.5 "4-Level Paging and 5-Level Paging": entries of every level hold the
 * physical address of the next table (or of the page) in bits 51:12.
 */
#define PAGE_SHIFT		12
#define PAGE_SIZE		BIT_ULL(PAGE_SHIFT)
#define PTE_PRESENT		BIT_ULL(0)
#define PTE_WRITABLE		BIT_ULL(1)
#define PTE_USER		BIT_ULL(2)
#define PTE_ACCESSED		BIT_ULL(5)
#define PTE_DIRTY		BIT_ULL(6)
#define PTE_LARGE		BIT_ULL(7)	/* PS: a 1 GiB or 2 MiB page */
#define PTE_ADDR_MASK		0x000ffffffffff000ULL
#define PT_ENTRIES		512
#define PT_LEVELS		4		/* PML4, PDPT, PD, PT */
#define PT_LEVEL_SHIFT(level)	(PAGE_SHIFT + 9 * ((level) - 1))
#define PT_INDEX(va, level)	(((va) >> PT_LEVEL_SHIFT(level)) & 0x1ff)

#endif /* TVMMCTL_LIB_X86_H */
