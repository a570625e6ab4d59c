/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_vcpu.h - the VMX half of a vCPU (struct vmx_vcpu), embedded in
 * struct tvmm_vcpu as vcpu->vmx.
 *
 * Only the files of kmod/vmx/ read or write these fields; the core sees
 * the type only because it embeds it. Unless a field's comment says
 * otherwise, they are used with vcpu->lock held.
 */
#ifndef TVMM_VMX_VMX_VCPU_H
#define TVMM_VMX_VMX_VCPU_H

#include <linux/list.h>
#include <linux/types.h>

#include "../x86/insn.h"

struct page;

/*
 * One batch of an INS or OUTS (io.c), as the exit described it: enough to
 * move RSI/RDI, RCX and RIP on once the batch is done.
 */
struct vmx_string_io {
	u64 la;				/* linear address of the first element */
	u64 addr_mask;			/* the address size, as a mask */
	u32 count;			/* elements in the batch, 0: none */
	u8 size;			/* bytes per element */
	u8 insn_len;			/* the instruction's length */
	bool in;			/* INS, not OUTS */
	bool down;			/* RFLAGS.DF: addresses go down */
	bool rep;			/* a REP prefix: RCX counts */
};

/*
 * What userspace must complete before the next VM entry (io.c, mmio.c,
 * msr.c): an IN's size, an INS's batch, the MMIO instruction in flight,
 * a user MSR's RDMSR or WRMSR.
 */
struct vmx_pending_exit {
	u32 exit;			/* TVMM_EXIT_* or 0 */
	u8 size;			/* IN: operand size */
	bool msr_write;			/* MSR: WRMSR, not RDMSR */
	u8 msr_insn_len;		/* MSR: the instruction's length */
	struct vmx_string_io ins;	/* INS: the elements to store */
	u64 gpa;			/* MMIO: the address accessed */
	struct tvmm_insn insn;		/* MMIO: the instruction in flight */
};

/*
 * One VM exit, as run.c hands it to vmx_handle_exit() and the handler
 * (exits.h). It is kept in struct vmx_vcpu, not on run.c's stack, so
 * that a session neither clears nor guards it. The basic reason is
 * always read. The qualification and the interruption information,
 * which only some exits need and a traced exit needs twice, are read
 * from the VMCS at their first use and kept here. The instruction length
 * is not kept: the exits that skip an instruction (CPUID, VMCALL, OUT...)
 * are the fast path, and one VMREAD there costs less than testing for a
 * kept copy. info[] is what the handler did (the leaf and the answer of a
 * CPUID, an MSR and its value...) for the trace ring's entry (struct
 * tvmm_trace_entry), cleared by run.c only when the vCPU is traced.
 */
struct vmx_exit {
	u32 reason;			/* basic exit reason (Appendix C) */
	u32 read;			/* VMX_EXIT_READ_*: fields read so far */
	unsigned long qual;		/* exit qualification (28.2.1) */
	u32 intr_info;			/* VM-exit interruption info (25.9.2) */
	u64 info[3];
};

struct vmx_vcpu {
	/*
	 * VMCS residency (SDM Vol. 3C, 25.11.1): the VMCS is active on one
	 * CPU at a time (cpu, on that CPU's list of loaded VMCSs through
	 * loaded_link), and VMCLEARed before another CPU loads it. cpu and
	 * loaded_link also change in an IPI from another vCPU's load.
	 */
	struct page *vmcs;
	u16 vpid;			/* 0: none, flush instead */
	int cpu;			/* where the VMCS is active, or -1 */
	bool launched;			/* VMRESUME, not VMLAUNCH, next */
	struct list_head loaded_link;
	unsigned long host_cr4;		/* HOST_CR4 as last written */

	u64 *io_bitmap;			/* two pages: ports 0-7fff, 8000-ffff */
	u64 *msr_bitmap;		/* one page, SDM 25.6.9 */

	/* VM-execution controls tvmm changes, as they are in the VMCS. */
	bool preemption_timer;		/* its pin-based control is on */
	bool irq_window_exiting;	/* interrupt-window exiting is on */
	u32 exception_exits;		/* userspace asked for these vectors */

	struct vmx_exit exit;		/* the last exit, run.c's */
	struct vmx_pending_exit pending;
};

#endif /* TVMM_VMX_VMX_VCPU_H */
