// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm_gp.c - the guest #GP handler of tvmm_gp.h.
 */
#include "tvmm_gp.h"

__u64 gp_count, gp_error_code, gp_rip, gp_resume, gp_expected_rip;

/* Interrupt frame with an error code: [rsp] code, [rsp+8] RIP, ... */
asm(".pushsection .text\n"
	"gp_handler:\n"
	"	push %rax\n"
	"	incq gp_count(%rip)\n"
	"	mov 8(%rsp), %rax\n"		/* error code */
	"	mov %rax, gp_error_code(%rip)\n"
	"	mov 16(%rsp), %rax\n"		/* RIP of the faulting instruction */
	"	mov %rax, gp_rip(%rip)\n"
	"	mov gp_resume(%rip), %rax\n"
	"	mov %rax, 16(%rsp)\n"
	"	pop %rax\n"
	"	add $8, %rsp\n"			/* the error code */
	"	iretq\n"
	".popsection\n");
GUEST_ASM_LABEL(gp_handler);

/* A present DPL-0 64-bit interrupt gate (Vol. 3A, 7.14.1). */
#define IDT_GATE_INTR64		0x8eULL

void install_gp_gate(struct tvmm_vm *vm)
{
	__u64 h = (unsigned long)gp_handler;
	__u64 gate[2];

	gate[0] = (h & 0xffff) | ((__u64)TVMM_SEL_CODE64 << 16) |
		  (IDT_GATE_INTR64 << 40) | (((h >> 16) & 0xffff) << 48);
	gate[1] = h >> 32;
	vm_write_guest(vm, TVMM_GPA_IDT + GP_VECTOR * sizeof(gate), gate,
		       sizeof(gate));
}
