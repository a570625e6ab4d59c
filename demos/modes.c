// SPDX-License-Identifier: GPL-2.0
/*
 * modes - the guest boots as a PC does, in 16-bit real mode, and climbs
 * to 32-bit protected mode, then to 64-bit long mode, with its own GDT
 * and page tables (SDM Vol. 3A, 10.9 "Mode Switching" and 10.8.5
 * "Initializing IA-32e Mode"). It reports after each step, so tvmmctl
 * reads the vCPU's CR0, EFER and CS at that point: the VMM sees every
 * step. The writes to CR0, CR4 and EFER exit on the way; tvmm.ko handles
 * them in the kernel.
 *
 * The climb is assembly (C cannot run in real mode); long mode ends in the
 * runtime's _start, and demo_main() reports once more from C.
 */
#include "demos/rt.h"

#define MSR_EFER	0xc0000080

#define XSTR(x)		#x
#define STR(x)		XSTR(x)

/* The prebuilt reports of the assembly steps; op is set before each. */
struct demo_mailbox mbox_real = {
	.text = "start in real mode, as a PC does at power-on",
};

struct demo_mailbox mbox_prot = {
	.text = "real mode -> protected mode: LGDT, CR0.PE, a far jump",
};

struct demo_mailbox mbox_long = {
	.text = "protected -> long mode: CR4.PAE, CR3, EFER.LME, CR0.PG",
};

/*
 * GDT (the selectors of tvmmctl's, loader/boot.c): 0x08 64-bit code,
 * 0x10 data, 0x18 32-bit code. Page tables: the first 1 GiB
 * identity-mapped with 2 MiB pages.
 */
asm(".section .data\n"
"	.balign 8\n"
"modes_gdt:\n"
"	.quad 0\n"
"	.quad 0x00af9b000000ffff\n"
"	.quad 0x00cf93000000ffff\n"
"	.quad 0x00cf9b000000ffff\n"
"modes_gdt_end:\n"
"modes_gdt_desc:\n"
"	.word modes_gdt_end - modes_gdt - 1\n"
"	.long modes_gdt\n"
"	.balign 4096\n"
"modes_pml4:\n"
"	.quad modes_pdpt + 0x3\n"
"	.fill 511, 8, 0\n"
"modes_pdpt:\n"
"	.quad modes_pd + 0x3\n"
"	.fill 511, 8, 0\n"
"modes_pd:\n"
"	.set addr, 0\n"
"	.rept 512\n"
"	.quad addr + 0x83\n"		/* present, writable, 2 MiB */
"	.set addr, addr + 0x200000\n"
"	.endr\n");

/* Report @op through mailbox @mb: EAX = its address, OUT to DEMO_PORT. */
#define REPORT(mb, op)							\
	"	movl $" STR(op) ", " #mb "\n"				\
	"	movl $" #mb ", %eax\n"					\
	"	movw $" STR(DEMO_PORT) ", %dx\n"			\
	"	outl %eax, %dx\n"

asm(".section .text.entry16, \"ax\"\n"
"	.code16\n"
"	.globl modes_entry16\n"
"modes_entry16:\n"
"	cli\n"
"	xor %ax, %ax\n"
"	mov %ax, %ds\n"
"	mov %ax, %ss\n"
"	mov $0x7c00, %sp\n"
REPORT(mbox_real, DEMO_OP_BEGIN)
REPORT(mbox_real, DEMO_OP_END)

REPORT(mbox_prot, DEMO_OP_BEGIN)
"	lgdtl modes_gdt_desc\n"
"	mov %cr0, %eax\n"
"	or $0x1, %eax\n"			/* CR0.PE */
"	mov %eax, %cr0\n"
"	ljmpl $0x18, $modes_prot32\n"
"	.code32\n"
"modes_prot32:\n"
"	mov $0x10, %ax\n"
"	mov %ax, %ds\n"
"	mov %ax, %es\n"
"	mov %ax, %ss\n"
"	mov $0x7c00, %esp\n"
REPORT(mbox_prot, DEMO_OP_END)

REPORT(mbox_long, DEMO_OP_BEGIN)
"	mov %cr4, %eax\n"
"	or $0x20, %eax\n"			/* CR4.PAE */
"	mov %eax, %cr4\n"
"	mov $modes_pml4, %eax\n"
"	mov %eax, %cr3\n"
"	mov $" STR(MSR_EFER) ", %ecx\n"
"	rdmsr\n"
"	or $0x100, %eax\n"			/* EFER.LME */
"	wrmsr\n"
"	mov %cr0, %eax\n"
"	or $0x80000000, %eax\n"			/* CR0.PG: long mode is on */
"	mov %eax, %cr0\n"
"	ljmp $0x08, $modes_long64\n"
"	.code64\n"
"modes_long64:\n"
REPORT(mbox_long, DEMO_OP_END)
"	xor %edi, %edi\n"
"	jmp _start\n"
"	.text\n");

void demo_main(__u64 arg)
{
	demo_begin("in long mode, C code reads CR0, CR4 and EFER");
	demo_fact_hex("cr0", read_cr0());
	demo_fact_hex("cr4", read_cr4());
	demo_fact_hex("efer", rdmsr(MSR_EFER));
	demo_end();
}
