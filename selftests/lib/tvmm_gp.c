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

void install_gp_gate(struct tvmm_vm *vm)
{
	vm_set_idt_gate(vm, GP_VECTOR, gp_handler);
}
