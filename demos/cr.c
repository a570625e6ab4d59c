// SPDX-License-Identifier: GPL-2.0
/*
 * cr - the guest writes CR0 and CR4 and reads back what it wrote, while
 * the register the CPU really uses keeps what VMX requires: CR0.NE set,
 * caches on, CR4.VMXE set. Then it tries to turn VMX on for itself.
 */
#include "demos/rt.h"

void demo_main(__u64 arg)
{
	unsigned long cr0, cr4, want, got;

	demo_begin("CR0: clear NE (native x87 errors), set CD (no caching)");
	cr0 = read_cr0();
	want = (cr0 & ~X86_CR0_NE) | X86_CR0_CD;
	write_cr0(want);
	got = read_cr0();
	demo_fact_hex("cr0_before", cr0);
	demo_fact_hex("cr0_written", want);
	demo_fact_hex("cr0_read", got);
	demo_end();
	DEMO_ASSERT(got == want);
	write_cr0(cr0);

	demo_begin("CR4: set DE (debugging extensions)");
	cr4 = read_cr4();
	want = cr4 | X86_CR4_DE;
	write_cr4(want);
	got = read_cr4();
	demo_fact_hex("cr4_before", cr4);
	demo_fact_hex("cr4_written", want);
	demo_fact_hex("cr4_read", got);
	demo_end();
	DEMO_ASSERT(got == want);

	demo_set_handler(GP_VECTOR, demo_skip_handler);
	demo_begin("CR4: set VMXE, to run a hypervisor of its own");
	DEMO_INSN("mov %0, %%cr4", : : "r"(want | X86_CR4_VMXE));
	demo_fact("gp_count", demo_fault.count);
	demo_fact_hex("gp_rip", demo_fault.rip);
	demo_fact_hex("mov_rip", demo_insn_rip);
	demo_fact_hex("cr4_read", read_cr4());
	demo_end();
}
