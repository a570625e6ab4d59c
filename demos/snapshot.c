// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot - a guest whose state is everywhere a VMM must save it, for
 * "tvmmctl demo snapshot", which runs it with "tvmmctl run" (not through
 * the demo reports: the demo drives the real commands, --save-on, restore,
 * --migrate-on, as a user would).
 *
 * It takes the PIT's interrupts (IRQ0 through the 8259A pair, 100 Hz),
 * keeps a running value in XMM7 that no memory holds, rewrites BUF_PAGES
 * pages of RAM every line after checking what the line before wrote, and
 * sleeps in "sti; hlt" between lines. Each line it prints is made only of
 * that state, never of the time: any run, whole or cut and restored, must
 * print the same lines. A lost register, page, tick or halt shows: a
 * wrong XMM7, a wrong word count, a wait that never ends.
 */
#include "demos/rt.h"

#define LINES		16
#define TICKS		10		/* PIT ticks per line: 0.1 s */
#define PIT_COUNT	11932		/* 1193182 Hz / 100 */
#define TIMER_VECTOR	0x20
#define NR_VECTORS	(TIMER_VECTOR + 1)
#define BUF_PAGES	32
#define WORDS		(BUF_PAGES * 512)
#define UART		0x3f8
#define DEBUG_EXIT	0xf4

/* A 64-bit interrupt gate, present, DPL 0 (SDM Vol. 3A, 7.14.1). */
#define IDT_GATE_INTR64	0x8eULL

unsigned int snap_ticks;
static __u64 idt[2 * NR_VECTORS];
static __u64 buf[WORDS];

/* IRQ0: count the tick, end it at the master PIC (non-specific EOI). */
asm(".pushsection .text\n"
	"snap_timer_isr:\n"
	"	push %rax\n"
	"	lock incl snap_ticks(%rip)\n"
	"	mov $0x20, %al\n"
	"	out %al, $0x20\n"
	"	pop %rax\n"
	"	iretq\n"
	".popsection\n");

static void puts_uart(const char *s)
{
	while (*s)
		port_out8(UART, *s++);
}

static void put_hex(__u64 v, int digits)
{
	char s[17];
	int i;

	for (i = digits - 1; i >= 0; i--, v >>= 4)
		s[i] = "0123456789abcdef"[v & 15];
	s[digits] = '\0';
	puts_uart(s);
}

static void put_dec(unsigned int v)
{
	char s[11];
	int i = sizeof(s) - 1;

	s[i] = '\0';
	do {
		s[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts_uart(s + i);
}

/*
 * rt.c's IDT (the exceptions) copied, and the timer's gate added: the
 * runtime's table stops at vector 31.
 */
static void idt_setup(void)
{
	/* The IDTR operand: a 16-bit limit, then the 64-bit base. */
	__u16 desc[5];
	__u64 base, h;
	__u16 cs;

	asm volatile("sidt %0" : "=m"(desc));
	memcpy(&base, &desc[1], sizeof(base));
	memcpy(idt, (void *)(unsigned long)base, 32 * 16);
	asm volatile("lea snap_timer_isr(%%rip), %0" : "=r"(h));
	asm volatile("mov %%cs, %0" : "=r"(cs));
	idt[2 * TIMER_VECTOR] = (h & 0xffff) | (__u64)cs << 16 |
				IDT_GATE_INTR64 << 40 |
				((h >> 16) & 0xffff) << 48;
	idt[2 * TIMER_VECTOR + 1] = h >> 32;
	desc[0] = sizeof(idt) - 1;
	base = (unsigned long)idt;
	memcpy(&desc[1], &base, sizeof(base));
	asm volatile("lidt %0" : : "m"(desc));
}

/* The PIC pair at vectors 0x20 and 0x28, IRQ0 alone unmasked; 100 Hz. */
static void timer_setup(void)
{
	port_out8(0x20, 0x11);
	port_out8(0xa0, 0x11);
	port_out8(0x21, TIMER_VECTOR);
	port_out8(0xa1, TIMER_VECTOR + 8);
	port_out8(0x21, 0x04);
	port_out8(0xa1, 0x02);
	port_out8(0x21, 0x01);
	port_out8(0xa1, 0x01);
	port_out8(0x21, 0xfe);
	port_out8(0xa1, 0xff);
	/* Counter 0, lobyte/hibyte, mode 2 (rate generator). */
	port_out8(0x43, 0x34);
	port_out8(0x40, PIT_COUNT & 0xff);
	port_out8(0x40, PIT_COUNT >> 8);
}

/* What line @l writes in word @i. */
static __u64 word(unsigned int l, unsigned int i)
{
	return ((l + 1) * 0x9e3779b97f4a7c15ULL) ^ (i * 0xff51afd7ed558ccdULL);
}

/*
 * Every word checked against line @l - 1's and rewritten; the words found
 * wrong in *@wrong. Returns the buffer's checksum.
 */
static __u64 rewrite(unsigned int l, unsigned int *wrong)
{
	__u64 sum = l;
	unsigned int i;

	*wrong = 0;
	for (i = 0; i < WORDS; i++) {
		if (l && buf[i] != word(l - 1, i))
			(*wrong)++;
		buf[i] = word(l, i);
		sum = (sum ^ buf[i]) * 0x100000001b3ULL;
	}
	return sum;
}

/* Until the PIT has ticked @n times, asleep; no wake-up lost. */
static void wait_ticks(unsigned int n)
{
	asm volatile("cli\n"
		     "1: cmpl %0, snap_ticks(%%rip)\n"
		     "jae 2f\n"
		     "sti; hlt; cli\n"
		     "jmp 1b\n"
		     "2: sti\n"
		     : : "r"(n) : "memory", "cc");
}

/*
 * XMM7 += XMM6, both lanes: the only copy of the running value is in the
 * register, so only a saved and restored XSAVE area keeps it. The guest
 * is built without SSE (rt.h): the compiler never touches XMM6 or XMM7.
 */
static __u64 xmm7_step(void)
{
	__u64 v;

	asm volatile("paddq %%xmm6, %%xmm7\n\t"
		     "movq %%xmm7, %0" : "=r"(v));
	return v;
}

void demo_main(__u64 arg)
{
	__u64 seed = 0x5eed5eed0badcafeULL, step = 0x0123456789abcdefULL;
	__u64 sum, all = 0, x;
	unsigned int l, wrong;

	asm volatile("movq %0, %%xmm7\n\t"
		     "movq %1, %%xmm6" : : "r"(seed), "r"(step));
	idt_setup();
	timer_setup();
	asm volatile("sti");
	for (l = 0; l < LINES; l++) {
		x = xmm7_step();
		sum = rewrite(l, &wrong);
		all ^= sum ^ x;
		wait_ticks((l + 1) * TICKS);
		puts_uart("line ");
		put_dec(l + 1);
		puts_uart(": tick ");
		put_dec((l + 1) * TICKS);
		puts_uart(", xmm7 ");
		put_hex(x, 16);
		puts_uart(", memory ");
		put_hex(sum, 16);
		puts_uart(", wrong words ");
		put_dec(wrong);
		puts_uart("\n");
	}
	puts_uart("done ");
	put_hex(all, 16);
	puts_uart("\n");
	/* isa-debug-exit: "tvmmctl run" ends with status (V << 1) | 1. */
	port_out8(DEBUG_EXIT, all & 0x7f);
}
