// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_irq_test - "tvmmctl run" delivers the PC's interrupts: a guest
 * that programs the 8259A pair and the 16550A's receive interrupt, then
 * sleeps in "sti; hlt", gets the bytes written to tvmmctl's stdin (a pipe,
 * more than the UART's FIFO holds) one IRQ4 at a time, and echoes them;
 * a guest that programs the 8254 sleeps until three IRQ0 ticks came; a
 * guest that programs its local APIC's timer sleeps through five periodic
 * ticks, which may not come before five periods of its TSC went by, then
 * spins through ten periods of a one-shot count, which must interrupt it
 * once; with TVMM_CAP_USER_MSRS, a guest that reads IA32_APIC_BASE, gets
 * #GP for moving it, and sleeps until its TSC-deadline timer fires, no
 * sooner than the TSC says. The guests never poll for their interrupts:
 * without them they would sleep until --timeout.
 *
 * Both guests run in 32-bit protected mode with an IDT of their own; the
 * main loop tests its flag with interrupts off and sleeps with "sti; hlt"
 * (STI's shadow: no interrupt between the two), so no wake-up is lost.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmmctl_image.h"

#define OPTS		"--timeout 60 --mode protected --load-addr 0x8000"
#define NR_GATES	0x40

/* The PIC pair at vectors 0x20 and 0x28, as Linux sets it up. */
#define ASM_PIC_INIT(master_mask)					\
	"mov $0x11, %al\n"	/* ICW1: edge, cascade, ICW4 */		\
	"out %al, $0x20\n"						\
	"out %al, $0xa0\n"						\
	"mov $0x20, %al\n"	/* ICW2 */				\
	"out %al, $0x21\n"						\
	"mov $0x28, %al\n"						\
	"out %al, $0xa1\n"						\
	"mov $0x04, %al\n"	/* ICW3: slave on IR2 */		\
	"out %al, $0x21\n"						\
	"mov $0x02, %al\n"						\
	"out %al, $0xa1\n"						\
	"mov $0x01, %al\n"	/* ICW4: 8086 mode */			\
	"out %al, $0x21\n"						\
	"out %al, $0xa1\n"						\
	"mov $" #master_mask ", %al\n"	/* OCW1 */			\
	"out %al, $0x21\n"						\
	"mov $0xff, %al\n"						\
	"out %al, $0xa1\n"

/*
 * A 32-bit interrupt gate to the address @isr at the address @gate (the
 * IDT's, plus 8 times the vector), code selector 0x18 (tvmmctl's flat
 * code segment). Clobbers EAX, EBX.
 */
#define ASM_SET_GATE(gate, isr)						\
	"mov $" isr ", %eax\n"						\
	"mov $" gate ", %ebx\n"						\
	"mov %ax, (%ebx)\n"						\
	"movw $0x18, 2(%ebx)\n"						\
	"movw $0x8e00, 4(%ebx)\n"					\
	"shr $16, %eax\n"						\
	"mov %ax, 6(%ebx)\n"

/*
 * Echo what the UART receives until a newline, then exit with 0x10
 * (status 0x21). The handler drains the FIFO (IRQ4 is edge-triggered:
 * the line must drop for the next byte to raise it again).
 */
GUEST_ASM32(uart_guest,
	    ASM_SET_GATE(GUEST_ASM_ADDR(uart_guest_start, uart_idt) "+0x24*8",
			 GUEST_ASM_ADDR(uart_guest_start, uart_isr))
	    "lidt " GUEST_ASM_ADDR(uart_guest_start, uart_idtr) "\n"
	    ASM_PIC_INIT(0xef)
	    "mov $0x3fa, %dx\n"		/* FCR: FIFOs, trigger at 1 */
	    "mov $0x07, %al\n"
	    "out %al, %dx\n"
	    "mov $0x3fc, %dx\n"		/* MCR: DTR, RTS, OUT2 */
	    "mov $0x0b, %al\n"
	    "out %al, %dx\n"
	    "mov $0x3f9, %dx\n"		/* IER: received data */
	    "mov $0x01, %al\n"
	    "out %al, %dx\n"
	    "uart_wait:\n"
	    "cli\n"
	    "cmpb $1, " GUEST_ASM_ADDR(uart_guest_start, uart_done) "\n"
	    "je uart_exit\n"
	    "sti\n"
	    "hlt\n"
	    "jmp uart_wait\n"
	    "uart_exit:\n"
	    "mov $0x10, %al\n"
	    "out %al, $0xf4\n"
	    "hlt\n"

	    "uart_isr:\n"
	    "push %eax\n"
	    "push %edx\n"
	    "uart_isr_more:\n"
	    "mov $0x3fd, %dx\n"		/* LSR: data ready? */
	    "in %dx, %al\n"
	    "test $1, %al\n"
	    "jz uart_isr_eoi\n"
	    "mov $0x3f8, %dx\n"
	    "in %dx, %al\n"
	    "out %al, %dx\n"
	    "cmp $0x0a, %al\n"
	    "jne uart_isr_more\n"
	    "movb $1, " GUEST_ASM_ADDR(uart_guest_start, uart_done) "\n"
	    "jmp uart_isr_more\n"
	    "uart_isr_eoi:\n"
	    "mov $0x20, %al\n"		/* non-specific EOI */
	    "out %al, $0x20\n"
	    "pop %edx\n"
	    "pop %eax\n"
	    "iret\n"

	    "uart_done: .byte 0\n"
	    ".balign 8\n"
	    "uart_idtr: .word " TVMM_STR(NR_GATES) " * 8 - 1\n"
	    ".long " GUEST_ASM_ADDR(uart_guest_start, uart_idt) "\n"
	    ".balign 8\n"
	    "uart_idt: .fill " TVMM_STR(NR_GATES) " * 8, 1, 0\n");

/* Three PIT ticks at 100 Hz (IRQ0, vector 0x20), then exit with 0x11. */
GUEST_ASM32(pit_guest,
	    ASM_SET_GATE(GUEST_ASM_ADDR(pit_guest_start, pit_idt) "+0x20*8",
			 GUEST_ASM_ADDR(pit_guest_start, pit_isr))
	    "lidt " GUEST_ASM_ADDR(pit_guest_start, pit_idtr) "\n"
	    ASM_PIC_INIT(0xfe)
	    "mov $0x34, %al\n"		/* channel 0, lo/hi, mode 2 */
	    "out %al, $0x43\n"
	    "mov $0x9c, %al\n"		/* 11932: 100 Hz */
	    "out %al, $0x40\n"
	    "mov $0x2e, %al\n"
	    "out %al, $0x40\n"
	    "pit_wait:\n"
	    "cli\n"
	    "cmpl $3, " GUEST_ASM_ADDR(pit_guest_start, pit_count) "\n"
	    "jae pit_exit\n"
	    "sti\n"
	    "hlt\n"
	    "jmp pit_wait\n"
	    "pit_exit:\n"
	    "mov $0x11, %al\n"
	    "out %al, $0xf4\n"
	    "hlt\n"

	    "pit_isr:\n"
	    "push %eax\n"
	    "incl " GUEST_ASM_ADDR(pit_guest_start, pit_count) "\n"
	    "mov $0x20, %al\n"
	    "out %al, $0x20\n"
	    "pop %eax\n"
	    "iret\n"

	    ".balign 4\n"
	    "pit_count: .long 0\n"
	    "pit_idtr: .word " TVMM_STR(NR_GATES) " * 8 - 1\n"
	    ".long " GUEST_ASM_ADDR(pit_guest_start, pit_idt) "\n"
	    ".balign 8\n"
	    "pit_idt: .fill " TVMM_STR(NR_GATES) " * 8, 1, 0\n");

/*
 * The local APIC's timer against the TSC, its base clock: TDCR divide by
 * 4, TMICT 250000, so a period of 1M TSC cycles. Five periodic ticks
 * (vector 0x30) no sooner than 5M cycles after TMICT was written, else
 * exit 0x12; then one-shot (vector 0x31, the change of mode stops the
 * periodic count), spinning with interrupts on through 10M cycles: one
 * interrupt, else exit 0x13. Passed: exit 0x11.
 */
#define APIC_T0		GUEST_ASM_ADDR(apic_guest_start, apic_t0)

/* EDX:EAX = TSC - apic_t0; at 2^32 and above, to @label; else compare. */
#define APIC_ASM_ELAPSED(label, cycles)					\
	"rdtsc\n"							\
	"sub " APIC_T0 ", %eax\n"					\
	"sbb " APIC_T0 "+4, %edx\n"					\
	"test %edx, %edx\n"						\
	"jnz " label "\n"						\
	"cmp $" #cycles ", %eax\n"

GUEST_ASM32(apic_guest,
	    ASM_SET_GATE(GUEST_ASM_ADDR(apic_guest_start, apic_idt) "+0x30*8",
			 GUEST_ASM_ADDR(apic_guest_start, apic_isr))
	    ASM_SET_GATE(GUEST_ASM_ADDR(apic_guest_start, apic_idt) "+0x31*8",
			 GUEST_ASM_ADDR(apic_guest_start, apic_isr1))
	    "lidt " GUEST_ASM_ADDR(apic_guest_start, apic_idtr) "\n"
	    "movl $0x1ff, 0xfee000f0\n"	/* SVR: enabled */
	    "movl $0x1, 0xfee003e0\n"		/* TDCR: divide by 4 */
	    "movl $0x20030, 0xfee00320\n"	/* LVT: periodic, 0x30 */
	    "rdtsc\n"
	    "mov %eax, " APIC_T0 "\n"
	    "mov %edx, " APIC_T0 "+4\n"
	    "movl $250000, 0xfee00380\n"	/* TMICT */
	    "apic_wait:\n"
	    "cli\n"
	    "cmpl $5, " GUEST_ASM_ADDR(apic_guest_start, apic_count) "\n"
	    "jae apic_five\n"
	    "sti\n"
	    "hlt\n"
	    "jmp apic_wait\n"
	    "apic_five:\n"
	    APIC_ASM_ELAPSED("apic_one_shot", 5000000)
	    "jae apic_one_shot\n"
	    "mov $0x12, %al\n"
	    "out %al, $0xf4\n"
	    "hlt\n"
	    "apic_one_shot:\n"
	    "movl $0x31, 0xfee00320\n"		/* LVT: one-shot, 0x31 */
	    "rdtsc\n"
	    "mov %eax, " APIC_T0 "\n"
	    "mov %edx, " APIC_T0 "+4\n"
	    "movl $250000, 0xfee00380\n"
	    "sti\n"
	    "apic_spin:\n"
	    APIC_ASM_ELAPSED("apic_spun", 10000000)
	    "jb apic_spin\n"
	    "apic_spun:\n"
	    "cli\n"
	    "cmpl $1, " GUEST_ASM_ADDR(apic_guest_start, apic_count1) "\n"
	    "mov $0x11, %al\n"
	    "je apic_exit\n"
	    "mov $0x13, %al\n"
	    "apic_exit:\n"
	    "out %al, $0xf4\n"
	    "hlt\n"

	    "apic_isr:\n"
	    "incl " GUEST_ASM_ADDR(apic_guest_start, apic_count) "\n"
	    "movl $0, 0xfee000b0\n"		/* EOI */
	    "iret\n"
	    "apic_isr1:\n"
	    "incl " GUEST_ASM_ADDR(apic_guest_start, apic_count1) "\n"
	    "movl $0, 0xfee000b0\n"
	    "iret\n"

	    ".balign 8\n"
	    "apic_t0: .quad 0\n"
	    "apic_count: .long 0\n"
	    "apic_count1: .long 0\n"
	    "apic_idtr: .word " TVMM_STR(NR_GATES) " * 8 - 1\n"
	    ".long " GUEST_ASM_ADDR(apic_guest_start, apic_idt) "\n"
	    ".balign 8\n"
	    "apic_idt: .fill " TVMM_STR(NR_GATES) " * 8, 1, 0\n");

/*
 * The local APIC's MSRs, which tvmm.ko hands to tvmmctl: IA32_APIC_BASE
 * reads 0xfee00900 on vCPU 0 (else exit 0x14) and moving the APIC is #GP
 * (else 0x15); in TSC-deadline mode (vector 0x32) IA32_TSC_DEADLINE reads
 * back the deadline written, 2M cycles ahead (else 0x16), the interrupt
 * comes no sooner (else 0x17) and the MSR then reads 0 (else 0x18).
 * Passed: exit 0x11.
 */
#define TSCDL_ADDR(label)	GUEST_ASM_ADDR(tscdl_guest_start, label)
#define TSCDL_FAIL(code)	"mov $" #code ", %al\njmp tscdl_exit\n"

GUEST_ASM32(tscdl_guest,
	    ASM_SET_GATE(TSCDL_ADDR(tscdl_idt) "+13*8", TSCDL_ADDR(tscdl_gp))
	    ASM_SET_GATE(TSCDL_ADDR(tscdl_idt) "+0x32*8",
			 TSCDL_ADDR(tscdl_isr))
	    "lidt " TSCDL_ADDR(tscdl_idtr) "\n"
	    "mov $0x1b, %ecx\n"			/* IA32_APIC_BASE */
	    "rdmsr\n"
	    "cmp $0xfee00900, %eax\n"
	    "jne tscdl_bad_base\n"
	    "test %edx, %edx\n"
	    "jz tscdl_move\n"
	    "tscdl_bad_base:\n"
	    TSCDL_FAIL(0x14)
	    "tscdl_move:\n"
	    "mov $0xfed00900, %eax\n"
	    "wrmsr\n"				/* #GP: the handler skips it */
	    "cmpl $1, " TSCDL_ADDR(tscdl_gps) "\n"
	    "je tscdl_arm\n"
	    TSCDL_FAIL(0x15)
	    "tscdl_arm:\n"
	    "movl $0x1ff, 0xfee000f0\n"	/* SVR: enabled */
	    "movl $0x40032, 0xfee00320\n"	/* LVT: TSC-deadline, 0x32 */
	    "mfence\n"				/* before the WRMSR (11.5.4.1) */
	    "rdtsc\n"
	    "add $2000000, %eax\n"
	    "adc $0, %edx\n"
	    "mov %eax, " TSCDL_ADDR(tscdl_deadline) "\n"
	    "mov %edx, " TSCDL_ADDR(tscdl_deadline) "+4\n"
	    "mov $0x6e0, %ecx\n"			/* IA32_TSC_DEADLINE */
	    "wrmsr\n"
	    "rdmsr\n"
	    "cmp " TSCDL_ADDR(tscdl_deadline) ", %eax\n"
	    "jne tscdl_bad_read\n"
	    "cmp " TSCDL_ADDR(tscdl_deadline) "+4, %edx\n"
	    "je tscdl_wait\n"
	    "tscdl_bad_read:\n"
	    TSCDL_FAIL(0x16)
	    "tscdl_wait:\n"
	    "cli\n"
	    "cmpl $1, " TSCDL_ADDR(tscdl_count) "\n"
	    "jae tscdl_fired\n"
	    "sti\n"
	    "hlt\n"
	    "jmp tscdl_wait\n"
	    "tscdl_fired:\n"
	    "mov " TSCDL_ADDR(tscdl_at) ", %eax\n"
	    "mov " TSCDL_ADDR(tscdl_at) "+4, %edx\n"
	    "sub " TSCDL_ADDR(tscdl_deadline) ", %eax\n"
	    "sbb " TSCDL_ADDR(tscdl_deadline) "+4, %edx\n"
	    "jae tscdl_reads_zero\n"
	    TSCDL_FAIL(0x17)
	    "tscdl_reads_zero:\n"
	    "mov $0x6e0, %ecx\n"
	    "rdmsr\n"
	    "or %edx, %eax\n"
	    "jz tscdl_pass\n"
	    TSCDL_FAIL(0x18)
	    "tscdl_pass:\n"
	    "mov $0x11, %al\n"
	    "tscdl_exit:\n"
	    "out %al, $0xf4\n"
	    "hlt\n"

	    "tscdl_gp:\n"			/* #GP: skip the 2-byte WRMSR */
	    "add $4, %esp\n"			/* the error code */
	    "addl $2, (%esp)\n"
	    "incl " TSCDL_ADDR(tscdl_gps) "\n"
	    "iret\n"
	    "tscdl_isr:\n"
	    "push %eax\n"
	    "push %edx\n"
	    "rdtsc\n"
	    "mov %eax, " TSCDL_ADDR(tscdl_at) "\n"
	    "mov %edx, " TSCDL_ADDR(tscdl_at) "+4\n"
	    "incl " TSCDL_ADDR(tscdl_count) "\n"
	    "movl $0, 0xfee000b0\n"		/* EOI */
	    "pop %edx\n"
	    "pop %eax\n"
	    "iret\n"

	    ".balign 8\n"
	    "tscdl_deadline: .quad 0\n"
	    "tscdl_at: .quad 0\n"
	    "tscdl_count: .long 0\n"
	    "tscdl_gps: .long 0\n"
	    "tscdl_idtr: .word " TVMM_STR(NR_GATES) " * 8 - 1\n"
	    ".long " TSCDL_ADDR(tscdl_idt) "\n"
	    ".balign 8\n"
	    "tscdl_idt: .fill " TVMM_STR(NR_GATES) " * 8, 1, 0\n");

/* Longer than the UART's 16-byte FIFO: tvmmctl must wait for room. */
#define INPUT	"The quick brown fox jumps over the lazy dog.\n"

static char out[4096];

struct irq_seen {
	unsigned int injected, waits, other;
	unsigned int exits, sum_exits, hlts, sum_hlts;
	char first_other[256];
};

static void trace_line(const char *line, void *data)
{
	struct irq_seen *s = data;
	unsigned int n;

	if (!strncmp(line, "cpu0 #", 6))
		s->exits++;
	if (strstr(line, " HLT rip="))
		s->hlts++;
	/* The summary after the trace: the same exits, counted. */
	if (!strncmp(line, "summary: ", 9)) {
		if (sscanf(line, "summary: run: %u exits", &n) == 1)
			s->sum_exits = n;
		else if (sscanf(line, "summary: HLT %u", &n) == 1)
			s->sum_hlts = n;
		return;
	}
	if (strstr(line, "cpu0 inject vector 0x24 (IRQ4)") ||
	    strstr(line, "cpu0 inject vector 0x20 (IRQ0)") ||
	    strstr(line, "cpu0 inject vector 0x30 (local APIC)") ||
	    strstr(line, "cpu0 inject vector 0x31 (local APIC)") ||
	    strstr(line, "cpu0 inject vector 0x32 (local APIC)"))
		s->injected++;
	else if (strstr(line, " HLT rip=") &&
		 strstr(line, "| tvmmctl: wait for an interrupt ("))
		s->waits++;
	else if (strncmp(line, "cpu0 #", 6) && !s->other++)
		snprintf(s->first_other, sizeof(s->first_other), "%s", line);
}

FIXTURE(irq) {
	struct irq_seen s;
};

/*
 * "@input tvmmctl run" of the asm guest @guest to @guest_end, with --trace
 * if @trace: it exits with @status, the guest prints @out and, traced,
 * gets @min_injected to @max_injected interrupts, at least one while
 * halted, and tvmmctl traces nothing else. With @user_msrs, skipped
 * without TVMM_CAP_USER_MSRS.
 */
FIXTURE_VARIANT(irq) {
	const char *guest, *guest_end;
	const char *input;
	bool trace;
	int status;
	const char *out;
	unsigned int min_injected, max_injected;
	bool user_msrs;
};

FIXTURE_VARIANT_ADD(irq, uart_input_by_interrupt) {
	.guest = uart_guest_start, .guest_end = uart_guest_end,
	.input = "printf '" INPUT "' |",
	.status = 0x21, .out = INPUT,
};

/* One interrupt per byte at most; at least one. */
FIXTURE_VARIANT_ADD(irq, uart_input_traced) {
	.guest = uart_guest_start, .guest_end = uart_guest_end,
	.input = "printf '" INPUT "' |", .trace = true,
	.status = 0x21, .out = INPUT,
	.min_injected = 1, .max_injected = sizeof(INPUT) - 1,
};

FIXTURE_VARIANT_ADD(irq, pit_timer_interrupts) {
	.guest = pit_guest_start, .guest_end = pit_guest_end,
	.trace = true,
	.status = 0x23, .out = "",
	.min_injected = 3, .max_injected = UINT_MAX,
};

/* Five periodic, one one-shot, maybe a periodic one pending at the switch. */
FIXTURE_VARIANT_ADD(irq, apic_timer_interrupts) {
	.guest = apic_guest_start, .guest_end = apic_guest_end,
	.trace = true,
	.status = 0x23, .out = "",
	.min_injected = 6, .max_injected = 7,
};

FIXTURE_VARIANT_ADD(irq, apic_timer_untraced) {
	.guest = apic_guest_start, .guest_end = apic_guest_end,
	.status = 0x23, .out = "",
};

FIXTURE_VARIANT_ADD(irq, apic_tsc_deadline) {
	.guest = tscdl_guest_start, .guest_end = tscdl_guest_end,
	.trace = true, .user_msrs = true,
	.status = 0x23, .out = "",
	.min_injected = 1, .max_injected = 1,
};

static int has_extension(long cap)
{
	int fd = open(TVMM_DEV, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, TVMM_CHECK_EXTENSION, cap);
	close(fd);
	return ret;
}

FIXTURE_SETUP(irq)
{
	TVMM_REQUIRE_MODULE();
	if (variant->user_msrs && has_extension(TVMM_CAP_USER_MSRS) <= 0)
		TVMM_SKIP("tvmm.ko hands no MSRs to tvmmctl (TVMM_CAP_USER_MSRS)");
}

FIXTURE_TEARDOWN(irq)
{
}

TEST_F(irq, guest_woken_by_interrupts)
{
	struct irq_seen *s = &self->s;

	EXPECT_EQ(variant->status,
		  tvmmctl_run_image(variant->guest,
				    variant->guest_end - variant->guest,
				    variant->input,
				    variant->trace ? OPTS " --trace" : OPTS,
				    out, sizeof(out),
				    variant->trace ? trace_line : NULL, s));
	EXPECT_STREQ(variant->out, out);
	if (!variant->trace)
		return;
	EXPECT_LE(variant->min_injected, s->injected);
	EXPECT_GE(variant->max_injected, s->injected);
	EXPECT_LE(1, s->waits);
	EXPECT_EQ(0, s->other) {
		TH_LOG("unexpected line: %s", s->first_other);
	}
	EXPECT_EQ(s->exits, s->sum_exits);
	EXPECT_EQ(s->hlts, s->sum_hlts);
}

TEST_HARNESS_MAIN
