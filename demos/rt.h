/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rt.h - the runtime of the demo guests: what a tiny freestanding x86-64
 * program needs to show one thing about virtualization. rt_entry.S starts
 * it (stack, IDT) and calls demo_main(); rt.c reports to tvmmctl through
 * the mailbox of demo_abi.h.
 *
 * The guest runs in long mode with tvmmctl's boot state (loader/boot.c):
 * flat segments, the first 4 GiB identity-mapped, so a pointer is also
 * the guest-physical address tvmmctl sees.
 */
#ifndef DEMOS_RT_H
#define DEMOS_RT_H

#include <stddef.h>
#include <linux/types.h>

#include "demos/demo_abi.h"

#define BIT(nr)		(1UL << (nr))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define X86_CR0_NE	BIT(5)
#define X86_CR0_CD	BIT(30)
#define X86_CR4_DE	BIT(3)
#define X86_CR4_VMXE	BIT(13)

#define UD_VECTOR	6
#define BP_VECTOR	3
#define GP_VECTOR	13

/* What the exception stubs of rt_entry.S push, lowest address first. */
struct demo_frame {
	__u64 r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	__u64 vector, error_code;
	__u64 rip, cs, rflags, rsp, ss;	/* the CPU's interrupt frame */
};

/* The guest's entry point: @arg is RDI at entry (0 unless tvmmctl sets it). */
void demo_main(__u64 arg);

void demo_begin(const char *title);
void demo_fact(const char *key, __u64 value);
void demo_fact_hex(const char *key, __u64 value);
void demo_fact_int(const char *key, __s64 value);
void demo_fact_str(const char *key, const char *s);
void demo_end(void);
void demo_fail(const char *what, int line);	/* does not return */

/* A check in the guest: on failure, report it and stop. */
#define DEMO_ASSERT(cond) do {						\
	if (!(cond))							\
		demo_fail(#cond, __LINE__);				\
} while (0)

/*
 * Handle exception @vector in the guest (no VM exit unless tvmmctl asked
 * for one). @fn may change frame->rip to resume elsewhere. An exception
 * without a handler is reported as a failure.
 */
void demo_set_handler(unsigned int vector, void (*fn)(struct demo_frame *f));

/*
 * Run @insn (asm text; its operands follow as ": outputs : inputs") with
 * demo_insn_rip set to its address and demo_resume_rip to the next
 * instruction's: for the VMM's or a handler's checks, and for
 * demo_skip_handler() to resume at.
 */
#define DEMO_INSN(insn, ...) ({					\
	asm volatile("lea 1f(%%rip), %%r11\n\t"				\
		     "mov %%r11, demo_insn_rip(%%rip)\n\t"		\
		     "lea 2f(%%rip), %%r11\n\t"				\
		     "mov %%r11, demo_resume_rip(%%rip)\n"		\
		     "1: " insn "\n"					\
		     "2:\n"						\
		     __VA_ARGS__ : "r11", "memory");			\
})

extern __u64 demo_insn_rip, demo_resume_rip;

/* The exceptions demo_skip_handler() took: how many, and the last one. */
struct demo_fault {
	__u64 count, vector, error_code, rip;
};

extern struct demo_fault demo_fault;

/* A handler that records the exception and resumes at demo_resume_rip. */
void demo_skip_handler(struct demo_frame *f);

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Called from rt_entry.S. */
void demo_rt_main(__u64 arg);
void demo_exception(struct demo_frame *f);
extern const __u64 demo_isr_table[32];

static inline void port_out8(__u16 port, __u8 val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline __u8 port_in8(__u16 port)
{
	__u8 val;

	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline void port_out32(__u16 port, __u32 val)
{
	asm volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

/*
 * One 64-bit MOV to or from guest-physical @addr (identity-mapped): what a
 * driver does to a device register, and what tvmm's MMIO decoder expects.
 */
static inline void write64(unsigned long addr, __u64 val)
{
	asm volatile("movq %1, (%0)" : : "r"(addr), "r"(val) : "memory");
}

static inline __u64 read64(unsigned long addr)
{
	__u64 val;

	asm volatile("movq (%1), %0" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline __u64 rdtsc(void)
{
	__u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | (__u64)hi << 32;
}

static inline void cpuid(__u32 leaf, __u32 subleaf, __u32 r[4])
{
	asm volatile("cpuid"
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(subleaf));
}

static inline __u64 rdmsr(__u32 msr)
{
	__u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | (__u64)hi << 32;
}

static inline void wrmsr(__u32 msr, __u64 val)
{
	asm volatile("wrmsr"
		     : : "c"(msr), "a"((__u32)val), "d"((__u32)(val >> 32))
		     : "memory");
}

static inline unsigned long read_cr0(void)
{
	unsigned long val;

	asm volatile("mov %%cr0, %0" : "=r"(val));
	return val;
}

static inline void write_cr0(unsigned long val)
{
	asm volatile("mov %0, %%cr0" : : "r"(val) : "memory");
}

static inline unsigned long read_cr4(void)
{
	unsigned long val;

	asm volatile("mov %%cr4, %0" : "=r"(val));
	return val;
}

static inline void write_cr4(unsigned long val)
{
	asm volatile("mov %0, %%cr4" : : "r"(val) : "memory");
}

/* VMCALL: the number in RAX, arguments in RBX, RCX, RDX; returns RAX. */
static inline __u64 vmcall(__u64 nr, __u64 a0, __u64 a1, __u64 a2)
{
	asm volatile("vmcall"
		     : "+a"(nr) : "b"(a0), "c"(a1), "d"(a2) : "memory");
	return nr;
}

#endif /* DEMOS_RT_H */
