/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_pc_guest.h - for guests that are C in a test binary and run under
 * "tvmmctl run" as a PC (tvmmctl_self_image()): the UART at 0x3f8, the
 * 8259A pair and the 8254 PIT as a bare-metal program programs them, and
 * a 64-bit IDT gate. Guest code: static inline, no library calls.
 */
#ifndef TVMM_SELFTEST_PC_GUEST_H
#define TVMM_SELFTEST_PC_GUEST_H

#define PC_PIT_HZ	1193182		/* the PIT's input clock */

/*
 * An interrupt handler @name for IRQ0 through the master 8259A: counts in
 * the unsigned int @counter (a global of the guest), EOI, IRETQ.
 */
#define GUEST_PIT_ISR(name, counter)					\
	asm(".pushsection .text\n"					\
	    #name ":\n"							\
	    "	push %rax\n"						\
	    "	lock incl " #counter "(%rip)\n"				\
	    "	mov $0x20, %al\n"					\
	    "	out %al, $0x20\n"					\
	    "	pop %rax\n"						\
	    "	iretq\n"							\
	    ".popsection\n");						\
	extern const char name[]
#define PC_IRQ0_VECTOR	0x20		/* where guest_pic_init() puts IRQ0 */

static inline void guest_outb(unsigned short port, unsigned char v)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void guest_puts(const char *s)
{
	while (*s)
		guest_outb(0x3f8, *s++);
}

static inline void guest_put_hex(unsigned long long v)
{
	char buf[17];
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		buf[i] = "0123456789abcdef"[v & 15];
	buf[16] = '\0';
	guest_puts(buf);
}

/* Vector @vector of @idt: a 64-bit interrupt gate (SDM Vol. 3A, 6.14.1). */
static inline void guest_set_gate(unsigned long long *idt,
				  unsigned int vector, const void *isr)
{
	unsigned long long a = (unsigned long long)isr;

	idt[2 * vector] = (a & 0xffff) | 0x08ULL << 16 | 0x8eULL << 40 |
			  (a >> 16 & 0xffff) << 48;
	idt[2 * vector + 1] = a >> 32;
}

/* The IDTR's limit and base, as LIDT takes them (10 bytes). */
struct guest_dtr {
	unsigned short pad[3];
	unsigned short limit;
	unsigned long long base;
};

static inline void guest_lidt(const unsigned long long *idt, unsigned int n)
{
	struct guest_dtr d = {
		.limit = n * 16 - 1,
		.base = (unsigned long long)idt,
	};

	asm volatile("lidt %0" : : "m"(d.limit));
}

/* The PIC pair at 0x20 and 0x28, only IRQ0 unmasked. */
static inline void guest_pic_init(void)
{
	guest_outb(0x20, 0x11);
	guest_outb(0xa0, 0x11);
	guest_outb(0x21, PC_IRQ0_VECTOR);
	guest_outb(0xa1, PC_IRQ0_VECTOR + 8);
	guest_outb(0x21, 0x04);
	guest_outb(0xa1, 0x02);
	guest_outb(0x21, 0x01);
	guest_outb(0xa1, 0x01);
	guest_outb(0x21, 0xfe);
	guest_outb(0xa1, 0xff);
}

/* PIT counter 0 in mode 2 (rate generator) at @hz: IRQ0 @hz times a second. */
static inline void guest_pit_periodic(unsigned int hz)
{
	unsigned int count = PC_PIT_HZ / hz;

	guest_outb(0x43, 0x34);
	guest_outb(0x40, count & 0xff);
	guest_outb(0x40, count >> 8);
}

/*
 * The end of a guest that checks itself: "done" and @sum on the UART, and
 * exit through isa-debug-exit with a status made of it ((V << 1) | 1 to
 * tvmmctl run), so that a run that went wrong ends differently.
 */
static inline void guest_done(unsigned long long sum)
{
	guest_puts("done ");
	guest_put_hex(sum);
	guest_puts("\n");
	guest_outb(0xf4, sum & 0x7f);
	for (;;)
		asm volatile("cli; hlt");
}

#endif /* TVMM_SELFTEST_PC_GUEST_H */
