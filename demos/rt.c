// SPDX-License-Identifier: GPL-2.0
/*
 * rt.c - the demo guests' runtime: the IDT, the exception dispatch, the
 * reports to tvmmctl, and the few library functions the compiler may call.
 */
#include "demos/rt.h"

/* A present DPL-0 64-bit interrupt gate (SDM Vol. 3A, 7.14.1). */
#define IDT_GATE_INTR64		0x8eULL
#define NR_VECTORS		32

static __u64 idt[NR_VECTORS * 2];
static void (*handlers[NR_VECTORS])(struct demo_frame *f);
static struct demo_mailbox mbox;

/* One report: tvmmctl reads the mailbox at this exit. */
static void report(__u32 op)
{
	mbox.op = op;
	asm volatile("" : : : "memory");
	port_out32(DEMO_PORT, (__u32)(unsigned long)&mbox);
	mbox.nr_facts = 0;
	mbox.text[0] = '\0';
}

static void copy_str(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

void demo_begin(const char *title)
{
	copy_str(mbox.text, title, sizeof(mbox.text));
	report(DEMO_OP_BEGIN);
}

static struct demo_fact *new_fact(const char *key, __u32 kind)
{
	struct demo_fact *f;

	if (mbox.nr_facts >= DEMO_MAX_FACTS)
		demo_fail("too many facts in one step", __LINE__);
	f = &mbox.facts[mbox.nr_facts++];
	memset(f, 0, sizeof(*f));
	copy_str(f->key, key, sizeof(f->key));
	f->kind = kind;
	return f;
}

void demo_fact(const char *key, __u64 value)
{
	new_fact(key, DEMO_FACT_UINT)->value = value;
}

void demo_fact_hex(const char *key, __u64 value)
{
	new_fact(key, DEMO_FACT_HEX)->value = value;
}

void demo_fact_int(const char *key, __s64 value)
{
	new_fact(key, DEMO_FACT_INT)->value = value;
}

void demo_fact_str(const char *key, const char *s)
{
	copy_str(new_fact(key, DEMO_FACT_STR)->str, s, DEMO_STR_LEN);
}

void demo_end(void)
{
	report(DEMO_OP_END);
}

void demo_fail(const char *what, int line)
{
	copy_str(mbox.text, what, sizeof(mbox.text));
	mbox.line = line;
	for (;;)
		report(DEMO_OP_FAIL);
}

__u64 demo_insn_rip, demo_resume_rip;
struct demo_fault demo_fault;

void demo_skip_handler(struct demo_frame *f)
{
	demo_fault.count++;
	demo_fault.vector = f->vector;
	demo_fault.error_code = f->error_code;
	demo_fault.rip = f->rip;
	f->rip = demo_resume_rip;
}

void demo_set_handler(unsigned int vector, void (*fn)(struct demo_frame *f))
{
	if (vector < NR_VECTORS)
		handlers[vector] = fn;
}

void demo_exception(struct demo_frame *f)
{
	if (f->vector < NR_VECTORS && handlers[f->vector]) {
		handlers[f->vector](f);
		return;
	}
	mbox.nr_facts = 0;
	demo_fact("vector", f->vector);
	demo_fact_hex("rip", f->rip);
	demo_fail("an exception the guest has no handler for", __LINE__);
}

static void idt_setup(void)
{
	/* The IDTR operand: a 16-bit limit, then the 64-bit base. */
	__u16 desc[5] = { sizeof(idt) - 1 };
	__u64 base = (unsigned long)idt;
	__u16 cs;
	int i;

	memcpy(&desc[1], &base, sizeof(base));
	asm volatile("mov %%cs, %0" : "=r"(cs));
	for (i = 0; i < NR_VECTORS; i++) {
		__u64 h = demo_isr_table[i];

		idt[2 * i] = (h & 0xffff) | (__u64)cs << 16 |
			     IDT_GATE_INTR64 << 40 |
			     ((h >> 16) & 0xffff) << 48;
		idt[2 * i + 1] = h >> 32;
	}
	asm volatile("lidt %0" : : "m"(desc));
}

void demo_rt_main(__u64 arg)
{
	idt_setup();
	demo_main(arg);
	report(DEMO_OP_DONE);
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
