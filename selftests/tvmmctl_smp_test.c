// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_smp_test - "tvmmctl run --cpus 2" starts vCPU 1 the way a PC
 * starts an application processor (Intel SDM Vol. 3A, 9.4.4 "MP
 * Initialization Example"): the BSP, in protected mode, reads its local
 * APIC ID (0), copies a real-mode start-up routine to 0x20000 and sends
 * INIT, STARTUP, STARTUP with vector 0x20 to APIC 1. The AP starts in
 * real mode at 2000:0000, prints through the UART, enters protected mode,
 * checks its APIC ID (1), enables its APIC and sleeps in "sti; hlt"; the
 * BSP sends it a fixed IPI (vector 0x40), whose handler EOIs; the AP says
 * so and halts with interrupts off, which stops it, not the VM; the BSP
 * then exits through isa-debug-exit. Each CPU waits for the other through
 * a flag in memory, so the output's order is fixed.
 */
#include <stdio.h>
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmmctl_image.h"

#define AP_START	0x20000
#define NR_GATES	0x50

#define ADDR(label)	GUEST_ASM_ADDR(smp_guest_start, label)

/* Print the NUL-terminated string at @label; clobbers EAX, EDX, ESI. */
#define ASM_PRINT(label, si)						\
	"mov $" ADDR(label) ", %" si "\n"				\
	"mov $0x3f8, %dx\n"						\
	"1: lodsb\n"							\
	"test %al, %al\n"						\
	"jz 2f\n"							\
	"out %al, %dx\n"						\
	"jmp 1b\n"							\
	"2:\n"

GUEST_ASM32(smp_guest,
	    /* The BSP. */
	    "mov 0xfee00020, %eax\n"		/* APIC ID 0 */
	    "test %eax, %eax\n"
	    "jne smp_fail\n"
	    "sgdt " ADDR(smp_gdtr) "\n"		/* for the AP */
	    "mov $" ADDR(smp_ap_isr) ", %eax\n"	/* gate 0x40, for the AP */
	    "mov $" ADDR(smp_idt) " + 0x40 * 8, %ebx\n"
	    "mov %ax, (%ebx)\n"
	    "movw $0x18, 2(%ebx)\n"
	    "movw $0x8e00, 4(%ebx)\n"
	    "shr $16, %eax\n"
	    "mov %ax, 6(%ebx)\n"
	    "mov $" ADDR(smp_ap16) ", %esi\n"
	    "mov $" TVMM_STR(AP_START) ", %edi\n"
	    "mov $smp_ap16_end - smp_ap16, %ecx\n"
	    "cld\n"
	    "rep movsb\n"
	    "movl $0x01000000, 0xfee00310\n"	/* to APIC 1: */
	    "movl $0x00004500, 0xfee00300\n"	/* INIT */
	    "movl $0x00004620, 0xfee00300\n"	/* STARTUP at 0x20000 */
	    "movl $0x00004620, 0xfee00300\n"	/* STARTUP again */
	    "smp_wait_up:\n"
	    "pause\n"
	    "cmpl $1, " ADDR(smp_flag) "\n"
	    "jne smp_wait_up\n"
	    "movl $0x00004040, 0xfee00300\n"	/* fixed IPI, vector 0x40 */
	    "smp_wait_ipi:\n"
	    "pause\n"
	    "cmpl $2, " ADDR(smp_flag) "\n"
	    "jne smp_wait_ipi\n"
	    ASM_PRINT(smp_msg_done, "esi")
	    "mov $0x11, %al\n"
	    "out %al, $0xf4\n"
	    "smp_fail:\n"
	    "mov $0x7f, %al\n"
	    "out %al, $0xf4\n"
	    "hlt\n"

	    /* The AP, from STARTUP: real mode, CS = 0x2000, DS = 0. */
	    ".code16\n"
	    "smp_ap16:\n"
	    "cli\n"
	    ASM_PRINT(smp_msg_up, "si")
	    "lgdtl " ADDR(smp_gdtr) "\n"
	    "mov %cr0, %eax\n"
	    "or $1, %eax\n"
	    "mov %eax, %cr0\n"
	    "ljmpl $0x18, $" ADDR(smp_ap32) "\n"
	    "smp_ap16_end:\n"
	    ".code32\n"
	    "smp_ap32:\n"
	    "mov $0x10, %ax\n"
	    "mov %ax, %ds\n"
	    "mov %ax, %es\n"
	    "mov %ax, %ss\n"
	    "mov $" ADDR(smp_ap_stack_top) ", %esp\n"
	    "lidt " ADDR(smp_idtr) "\n"
	    "mov 0xfee00020, %eax\n"		/* APIC ID 1 */
	    "cmp $0x01000000, %eax\n"
	    "jne smp_fail\n"
	    "movl $0x1ff, 0xfee000f0\n"		/* SVR: APIC enabled */
	    "movl $1, " ADDR(smp_flag) "\n"
	    "smp_ap_wait:\n"
	    "cli\n"
	    "cmpl $0, " ADDR(smp_ipis) "\n"
	    "jne smp_ap_done\n"
	    "sti\n"
	    "hlt\n"
	    "jmp smp_ap_wait\n"
	    "smp_ap_done:\n"
	    ASM_PRINT(smp_msg_ipi, "esi")
	    "movl $2, " ADDR(smp_flag) "\n"
	    "hlt\n"				/* IF = 0: the AP stops */

	    "smp_ap_isr:\n"
	    "incl " ADDR(smp_ipis) "\n"
	    "movl $0, 0xfee000b0\n"		/* EOI */
	    "iret\n"

	    "smp_msg_up: .asciz \"AP up\\n\"\n"
	    "smp_msg_ipi: .asciz \"AP got IPI\\n\"\n"
	    "smp_msg_done: .asciz \"BSP done\\n\"\n"
	    ".balign 4\n"
	    "smp_flag: .long 0\n"
	    "smp_ipis: .long 0\n"
	    "smp_gdtr: .word 0\n"
	    ".long 0\n"
	    "smp_idtr: .word " TVMM_STR(NR_GATES) " * 8 - 1\n"
	    ".long " ADDR(smp_idt) "\n"
	    ".balign 8\n"
	    "smp_idt: .fill " TVMM_STR(NR_GATES) " * 8, 1, 0\n"
	    "smp_ap_stack: .fill 256, 1, 0\n"
	    "smp_ap_stack_top:\n");

static char out[4096];

FIXTURE(smp) {
	int unused;
};

/* "tvmmctl run @opts": it exits with @status, the guests print @out. */
FIXTURE_VARIANT(smp) {
	const char *opts;
	int status;
	const char *out;
};

FIXTURE_VARIANT_ADD(smp, ap_started_by_init_sipi_sipi) {
	.opts = "--cpus 2 --timeout 60",
	.status = 0x23, .out = "AP up\nAP got IPI\nBSP done\n",
};

/* With one vCPU nobody answers: the BSP spins until --timeout (8). */
FIXTURE_VARIANT_ADD(smp, no_ap_with_one_cpu) {
	.opts = "--cpus 1 --timeout 2",
	.status = 8, .out = "",
};

FIXTURE_SETUP(smp)
{
	TVMM_REQUIRE_MODULE();
}

FIXTURE_TEARDOWN(smp)
{
}

TEST_F(smp, exit_status_and_output)
{
	char opts[128];

	snprintf(opts, sizeof(opts),
		 "%s --mode protected --load-addr 0x8000", variant->opts);
	EXPECT_EQ(variant->status,
		  tvmmctl_run_image(smp_guest_start,
				    smp_guest_end - smp_guest_start, NULL,
				    opts, out, sizeof(out), NULL, NULL));
	EXPECT_STREQ(variant->out, out);
}

TEST_HARNESS_MAIN
