/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_x86.h - x86 architecture for the guest-test library: control-register
 * and EFER bits, segment descriptors, 4-level page-table entries, and the
 * few instructions 64-bit guest code needs, as inline functions.
 *
 * Host side and guest side alike: nothing here calls libc. Section titles
 * are those of the Intel SDM, Vol. 3A.
 */
#ifndef TVMM_SELFTEST_X86_H
#define TVMM_SELFTEST_X86_H

#include <stdbool.h>
#include <linux/types.h>

#include "uapi/tvmm.h"

#ifndef BIT_ULL
#define BIT_ULL(nr)		(1ULL << (nr))
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

/* The descriptor S flag. */
#define SEG_S_SYSTEM		0
#define SEG_S_CODE_DATA		1

/* Privilege levels. */
#define DPL_KERNEL		0
#define DPL_USER		3

/* A segment selector: index, table indicator, requested privilege level. */
#define SELECTOR(index, rpl)	((__u16)(((index) << 3) | (rpl)))
#define SELECTOR_INDEX(sel)	((sel) >> 3)

/*
 * The size of a TSS with no I/O permission bitmap, 32-bit ("Task-State
 * Segment") or 64-bit ("Task Management in 64-bit Mode"); both keep the I/O
 * map base address at the same offset.
 */
#define TSS_SIZE		104
#define TSS_IOMAP_BASE_OFFSET	0x66

/* Real mode: a segment's base is its selector times 16, its limit 64 KiB. */
#define REAL_MODE_SEG_BASE(sel)	((__u64)(sel) << 4)
#define REAL_MODE_SEG_LIMIT	0xffff

/*
 * 3.4.5 "Segment Descriptors": encode @seg (base, byte-granular limit,
 * access rights) as the descriptor the guest's GDT holds; 8 bytes, or 16
 * for a system descriptor in IA-32e mode (@long_mode_system). @seg->limit
 * must be expressible: with g set, its low 12 bits must all be ones; without,
 * it must fit in 20 bits. Returns the number of bytes written, 0 if @seg
 * cannot be encoded.
 */
int desc_encode(void *desc, const struct tvmm_segment *seg,
		bool long_mode_system);

/* The reverse, for checks: fills everything but selector and unusable. */
void desc_decode(const void *desc, struct tvmm_segment *seg,
		 bool long_mode_system);

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

/* Whether @va is canonical with 48-bit linear addresses. */
static inline bool is_canonical48(__u64 va)
{
	return (__u64)((__s64)(va << 16) >> 16) == va;
}

/*
 * Guest-side instructions, for 64-bit guest code written in C. They do not
 * touch libc and are inlined into the guest function that uses them.
 */
static inline __u64 get_cr0(void)
{
	__u64 val;

	asm volatile("mov %%cr0, %0" : "=r"(val));
	return val;
}

static inline __u64 get_cr3(void)
{
	__u64 val;

	asm volatile("mov %%cr3, %0" : "=r"(val));
	return val;
}

static inline __u64 get_cr4(void)
{
	__u64 val;

	asm volatile("mov %%cr4, %0" : "=r"(val));
	return val;
}

static inline __u16 get_cs(void)
{
	__u16 sel;

	asm volatile("mov %%cs, %0" : "=r"(sel));
	return sel;
}

static inline __u64 rdmsr(__u32 msr)
{
	__u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | ((__u64)hi << 32);
}

static inline void wrmsr(__u32 msr, __u64 val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((__u32)val),
		     "d"((__u32)(val >> 32)) : "memory");
}

static inline void cpuid(__u32 leaf, __u32 subleaf, __u32 *eax, __u32 *ebx,
			 __u32 *ecx, __u32 *edx)
{
	asm volatile("cpuid"
		     : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
		     : "a"(leaf), "c"(subleaf));
}

/* CPUID.80000008H:EAX[7:0], the physical-address width in bits. */
static inline unsigned int phys_addr_bits(void)
{
	__u32 eax, ebx, ecx, edx;

	cpuid(0x80000008, 0, &eax, &ebx, &ecx, &edx);
	return eax & 0xff;
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

/*
 * One 64-bit load or store at @addr that the compiler can neither merge,
 * move nor drop (a MOV, whatever the address holds): for guest code that
 * probes memory, or touches MMIO, and counts its accesses.
 */
static inline __u64 guest_read64(__u64 addr)
{
	__u64 v;

	asm volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void guest_write64(__u64 addr, __u64 v)
{
	asm volatile("movq %0, (%1)" : : "r"(v), "r"(addr) : "memory");
}

/*
 * Guest code must not call libc's memset/memcpy (static glibc resolves them
 * through IFUNC relocations the guest's copy of the binary never had
 * applied): use these. String instructions also keep the compiler from
 * turning the loop back into a libc call.
 */
static inline void guest_memset(void *dst, __u8 c, __u64 len)
{
	asm volatile("cld; rep stosb"
		     : "+D"(dst), "+c"(len) : "a"(c) : "memory");
}

static inline void guest_memcpy(void *dst, const void *src, __u64 len)
{
	asm volatile("cld; rep movsb"
		     : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
}

#endif /* TVMM_SELFTEST_X86_H */
