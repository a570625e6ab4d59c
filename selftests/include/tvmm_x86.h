/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_x86.h - x86 architecture for the guest-test library: segment
 * descriptors and selectors, canonical addresses, and the few instructions
 * 64-bit guest code needs, as inline functions. The architectural bits
 * (control registers, EFER, RFLAGS, descriptor types, paging) come from
 * userspace-ctl/lib/x86.h, shared with tvmmctl.
 *
 * Host side and guest side alike: nothing here calls libc. Section titles
 * are those of the Intel SDM, Vol. 3A.
 */
#ifndef TVMM_SELFTEST_X86_H
#define TVMM_SELFTEST_X86_H

#include <stdbool.h>
#include <linux/types.h>

#include "uapi/tvmm.h"
#include "userspace-ctl/lib/x86.h"

/* The descriptor S flag. */
#define SEG_S_SYSTEM		0
#define SEG_S_CODE_DATA		1

/* Privilege levels. */
#define DPL_KERNEL		0
#define DPL_USER		3

/* A segment selector: index, table indicator, requested privilege level. */
#define SELECTOR(index, rpl)	((__u16)(((index) << 3) | (rpl)))
#define SELECTOR_INDEX(sel)	((sel) >> 3)

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
