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

void demo_main(__u64 arg)
{
	__u64 rax = DEMO_HC_PING, rbx = 99;

	demo_begin("VMMCALL (AMD's VMCALL) on an Intel CPU");
	DEMO_INSN("vmmcall", : "+a"(rax) : "b"(rbx));
	demo_fact("result", rax);
	demo_fact_hex("insn_rip", demo_insn_rip);
	demo_end();

	demo_begin("INT3 while the VMM intercepts #BP");
	rax = BP_MARK;
	DEMO_INSN("int3", : "+a"(rax) :);
	demo_fact_hex("insn_rip", demo_insn_rip);
	demo_fact("guest_handler_calls", demo_fault.count);
	demo_end();

	demo_set_handler(BP_VECTOR, demo_skip_handler);
	demo_begin("INT3 with #BP left to the guest");
	DEMO_INSN("int3", : :);
	demo_fact_hex("insn_rip", demo_insn_rip);
	demo_fact("guest_handler_calls", demo_fault.count);
	demo_fact_hex("handler_rip", demo_fault.rip);
	demo_end();
}
