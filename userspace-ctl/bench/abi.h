/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark's guest and the VMMs that run it agree on: the
 * guest-physical layout, the two ports, and the command block.
 *
 * The guest (bench/guest/) is one image for every backend. It starts in
 * long mode with the first 4 GiB identity-mapped (loader/boot.c), loops
 * forever: read the command block, run the case, write the result, OUT to
 * BENCH_PORT_DONE. The VMM fills the block before each TVMM_RUN/KVM_RUN
 * that follows a DONE, so no vCPU state is ever set twice.
 *
 * Included by the freestanding guest code too: constants and fixed-width
 * types only.
 */
#ifndef TVMMCTL_BENCH_ABI_H
#define TVMMCTL_BENCH_ABI_H

/* Numbers the assembler and the linker script read too. */
#ifdef __ASSEMBLER__
#define BENCH_ULL(x)		x
#else
#include <linux/types.h>
#define BENCH_ULL(x)		x##ULL
#endif

/* Guest-physical layout, in the one RAM slot at GPA 0. */
#define BENCH_CMD_GPA		BENCH_ULL(0x8000)	/* struct bench_cmd */
#define BENCH_IMAGE_GPA		BENCH_ULL(0x100000)	/* the guest image, linked here */
#define BENCH_IMAGE_MAX		BENCH_ULL(0x100000)
#define BENCH_STACK_TOP		BENCH_ULL(0x300000)
#define BENCH_SIEVE_GPA		BENCH_ULL(0x400000)	/* the sieve's bytes, 1 MiB max */
#define BENCH_SIEVE_MAX		BENCH_ULL(0x100000)
#define BENCH_MEM_GPA		BENCH_ULL(0x800000)	/* memloop's buffer, 2 MiB aligned */

/* Outside RAM: a second slot for "touch", and nothing at all for "mmio". */
#define BENCH_TOUCH_GPA		BENCH_ULL(0x40000000)
#define BENCH_MMIO_GPA		BENCH_ULL(0xd0000000)

/* Ports: one the VMM resumes at once, one that ends a command. */
#define BENCH_PORT_NOP		0x7000
#define BENCH_PORT_DONE		0x7004

/* Operations before the timed loop, so that first-time costs stay out. */
#define BENCH_WARMUP		8

#ifndef __ASSEMBLER__

/* What the guest can run (struct bench_cmd.case_id). */
enum bench_guest_case {
	BENCH_GUEST_CPUID,	/* CPUID leaf 0 */
	BENCH_GUEST_VMCALL,	/* VMCALL with RAX = 0 (TVMM_HC_NOP) */
	BENCH_GUEST_PIO,	/* OUT to BENCH_PORT_NOP */
	BENCH_GUEST_MMIO,	/* a 4-byte store to BENCH_MMIO_GPA */
	BENCH_GUEST_HLT,	/* HLT with interrupts off */
	BENCH_GUEST_TOUCH,	/* one store to each 4 KiB page of addr */
	BENCH_GUEST_MEMLOOP,	/* memloop over size bytes at addr */
	BENCH_GUEST_SIEVE,	/* sieve of size bytes at addr, ops times */
	BENCH_GUEST_NR_CASES
};

#define BENCH_CMD_MAGIC		BENCH_ULL(0x68636e6562)		/* "bench" */

/* Guest status */
#define BENCH_STATUS_OK		0
#define BENCH_STATUS_BAD_CMD	1	/* unknown case or bad magic */

/**
 * struct bench_cmd - at BENCH_CMD_GPA.
 * @magic:	BENCH_CMD_MAGIC, written by the VMM.
 * @case_id:	enum bench_guest_case.
 * @ops:	operations to time (pages, reads, sieve runs, exits).
 * @addr:	the buffer of touch, memloop and sieve (guest-physical).
 * @size:	its size in bytes (memloop, sieve).
 * @cycles:	out: TSC cycles of the timed loop, as the guest read them.
 * @result:	out: what the loop computed, for the VMM to check.
 * @status:	out: BENCH_STATUS_*.
 * @seq:	out: how many commands the guest has run.
 */
struct bench_cmd {
	__u64 magic;
	__u32 case_id;
	__u32 padding;
	__u64 ops;
	__u64 addr;
	__u64 size;
	__u64 cycles;
	__u64 result;
	__u32 status;
	__u32 seq;
};

/* The guest's C entry, called by bench/guest/start.S; never returns. */
void bench_guest_main(void);

#endif /* !__ASSEMBLER__ */

#endif /* TVMMCTL_BENCH_ABI_H */
