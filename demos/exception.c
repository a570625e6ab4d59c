// SPDX-License-Identifier: GPL-2.0
/*
 * exception - exceptions the VMM intercepts. VMMCALL, AMD's hypercall
 * instruction, which an Intel CPU lacks: #UD, caught by tvmmctl, which
 * emulates it (as KVM does for guests moved between vendors). INT3, a
 * breakpoint: caught by the VMM as a debugger would, then, once tvmmctl
 * stops intercepting #BP, by the guest's own handler.
 */
#include "demos/rt.h"

#define BP_MARK		0xb4b4b4b4ULL

extern const char vmmcall_insn[], int3_vmm[], int3_guest[];

static __u64 bp_count, bp_rip;

static void bp_handler(struct demo_frame *f)
{
	bp_count++;
	bp_rip = f->rip;	/* a trap: past the INT3 */
}

void demo_main(__u64 arg)
{
	__u64 rax = DEMO_HC_PING, rbx = 99;

	demo_begin("VMMCALL (AMD's VMCALL) on an Intel CPU");
	asm volatile("vmmcall_insn: vmmcall"
		     : "+a"(rax) : "b"(rbx) : "memory");
	demo_fact("result", rax);
	demo_fact_hex("insn_rip", (unsigned long)vmmcall_insn);
	demo_end();

	demo_begin("INT3 while the VMM intercepts #BP");
	rax = BP_MARK;
	asm volatile("int3_vmm: int3" : "+a"(rax) : : "memory");
	demo_fact_hex("insn_rip", (unsigned long)int3_vmm);
	demo_fact("guest_handler_calls", bp_count);
	demo_end();

	demo_set_handler(BP_VECTOR, bp_handler);
	demo_begin("INT3 with #BP left to the guest");
	asm volatile("int3_guest: int3" : : : "memory");
	demo_fact_hex("insn_rip", (unsigned long)int3_guest);
	demo_fact("guest_handler_calls", bp_count);
	demo_fact_hex("handler_rip", bp_rip);
	demo_end();
}
