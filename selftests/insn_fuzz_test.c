// SPDX-License-Identifier: GPL-2.0
/*
 * insn_fuzz_test - random and mutated guest instruction streams, run in
 * real, protected and long mode guests: whatever the guest executes, the
 * host stays up (no oops, WARN or BUG: testvm/run fails the machine on
 * one), nothing leaks, and every return of TVMM_RUN is one uapi/tvmm.h
 * documents (fuzz_check_run()).
 *
 * One execution: low memory is restored (GDT with more descriptors than
 * the library's, an LDT, an IDT or real-mode IVT whose handlers step RIP
 * past the faulting byte and IRET, so a stream goes on after a fault), a
 * stream of up to MAX_INSNS instructions is copied to CODE_GPA with HLT
 * behind it, the vCPU gets the mode's state with random registers, flags,
 * a random TVMM_SET_EXCEPTION_EXITS bitmap, sometimes a queued interrupt,
 * an interrupt window or RDTSC exiting, and runs until the stream halts
 * past its end, exits in a way that ends it (shutdown, failed entry,
 * internal error), MAX_RUNS exits have been seen, or a timer stops a guest
 * that loops (TVMM_EXIT_INTR: normal). I/O and MMIO reads get random data;
 * an exception exit is resumed one byte further half the time. Now and
 * then the VM claims a few MSRs (TVMM_SET_USER_MSRS, which refuses
 * tvmm's own), whose accesses get a random answer, an error (#GP) or
 * their completion dropped by TVMM_SET_REGS.
 *
 * A stream is generated or mutated from one that reached something new
 * (a VMX exit reason, a tvmm exit, an exception vector, in a mode not
 * seen before). Generated instructions mix random bytes, random
 * prefix/opcode/ModRM/SIB/displacement/immediate forms, and the
 * instructions a hypervisor must get right: MOV to and from CR and DR,
 * RDMSR/WRMSR of interesting MSRs, LGDT/LIDT/LLDT/LTR, far jumps, calls
 * and returns to every descriptor (mode switches included), I/O and
 * string I/O, INT n, POPF with TF/AC, XSETBV, CPUID, the VMX and SMX
 * instructions, WBINVD/INVD, MONITOR/MWAIT, FPU/SSE/AVX, and accesses to
 * memory outside RAM.
 *
 * Options: tvmm_fuzz.h (--seed, --seconds, --iterations). The VM is made
 * again every VM_LIFETIME executions, so that VM creation and teardown are
 * in the leak check too.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmm_fuzz.h"
#include "uapi/tvmm_vmx.h"

#define DEFAULT_SEED		0x11f022
#define DEFAULT_ITERATIONS	400

#define CODE_GPA	TVMM_GPA_ASM_CODE	/* the stream, then HLT */
#define CODE_SIZE	0x1000
#define DATA_GPA	0x9000		/* pointers the stream uses */
#define DATA_SIZE	0x100
#define LDT_GPA		0x1800
#define STUB_GPA	0x60000		/* exception handlers */
#define SCRATCH_GPA	0x50000		/* what string instructions touch */
#define IST_TOP		0x7000		/* long mode handlers' stack (IST1) */
#define RESTORE_SIZE	0x70000		/* what a guest may spoil */
#define GDT_ENTRIES	16

#define MAX_INSNS	48
#define MAX_RUNS	32		/* TVMM_RUN calls per execution */
#define KICK_USEC	3000		/* a looping guest: TVMM_EXIT_INTR */
#define VM_LIFETIME	400
#define POOL_SIZE	32
#define LEAK_TOLERANCE_KB	2048

enum mode { MODE_REAL, MODE_PROT, MODE_LONG, NR_MODES };
static const char *const mode_names[] = { "real", "protected", "long" };

struct stream {
	__u8 code[CODE_SIZE];
	unsigned int len;
	__u8 data[DATA_SIZE];
	enum mode mode;
};

/* Streams that reached something new, to mutate. */
static struct stream pool[POOL_SIZE];
static unsigned int pool_len;

/* What was reached, for the pool: per mode. */
static bool seen_vmx[NR_MODES][TVMM_NR_VMX_EXIT_REASONS];
static bool seen_exit[NR_MODES][TVMM_EXIT_MSR + 1][32];

static struct tvmm_run *kick_run;

static void on_alarm(int sig)
{
	struct tvmm_run *run = __atomic_load_n(&kick_run, __ATOMIC_RELAXED);

	/* Caught outside TVMM_RUN: the next one returns -EINTR at once. */
	if (run)
		run->immediate_exit = 1;
}

/* ---- building the stream ---- */

static void emit(struct stream *s, __u8 b)
{
	if (s->len < CODE_SIZE - 16)
		s->code[s->len++] = b;
}

static void emit16(struct stream *s, __u16 v)
{
	emit(s, v);
	emit(s, v >> 8);
}

static void emit32(struct stream *s, __u32 v)
{
	emit16(s, v);
	emit16(s, v >> 16);
}

/* An operand-size prefix where 16-bit code needs one for 32 bits. */
static void op32(struct stream *s)
{
	if (s->mode == MODE_REAL)
		emit(s, 0x66);
}

/* ModRM (and SIB) for an absolute 32-bit address: [disp32], no base. */
static void emit_abs(struct stream *s, unsigned int reg, __u32 addr)
{
	emit(s, (reg & 7) << 3 | 4);
	emit(s, 0x25);
	emit32(s, addr);
}

/* An address-size prefix where 16-bit code needs it for emit_abs(). */
static void addr32(struct stream *s)
{
	if (s->mode == MODE_REAL)
		emit(s, 0x67);
}

static __u32 pick(const __u32 *list, unsigned int n)
{
	return list[fuzz_below(n)];
}

#define ONE_OF(...)	pick((const __u32[]){ __VA_ARGS__ },		\
			     sizeof((const __u32[]){ __VA_ARGS__ }) /	\
			     sizeof(__u32))

static __u32 cr0_value(void)
{
	static const __u32 bits[] = {
		0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x10000, 0x40000,
		0x20000000, 0x40000000, 0x80000000,
	};
	__u32 v = 0x31, i, n = fuzz_below(4);

	if (fuzz_one_in(8))
		return fuzz_rnd();
	if (fuzz_one_in(3))
		v |= 0x80000000;
	for (i = 0; i < n; i++)
		v ^= pick(bits, ARRAY_SIZE(bits));
	return v;
}

static __u32 cr4_value(void)
{
	__u32 v = fuzz_one_in(2) ? 0x620 : 0, i, n = 1 + fuzz_below(3);

	if (fuzz_one_in(8))
		return fuzz_rnd();
	for (i = 0; i < n; i++)
		v ^= 1u << fuzz_below(25);
	return v;
}

static __u32 msr_index(void)
{
	static const __u32 msrs[] = {
		0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0x9b, 0xe7, 0xe8, 0xfe,
		0x10a, 0x174, 0x175, 0x176, 0x179, 0x17a, 0x1a0, 0x1d9,
		0x277, 0x2ff, 0x345, 0x38d, 0x3f1, 0x480, 0x481, 0x482,
		0x48b, 0x48d, 0x491, 0x4d0, 0x6e0, 0x800, 0x802, 0x808,
		0x80b, 0x830, 0x838, 0xc80, 0xda0, 0xdb0,
		0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
		0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,
		0xc0010000, 0xc0011029, 0x40000000, 0x40000001, 0x4b564d00,
		0xffffffff,
	};

	return fuzz_one_in(8) ? fuzz_rnd() : pick(msrs, ARRAY_SIZE(msrs));
}

static __u32 port_number(void)
{
	static const __u32 ports[] = {
		0x20, 0x21, 0x40, 0x43, 0x60, 0x61, 0x64, 0x70, 0x71, 0x80,
		0x92, 0xa0, 0xcf8, 0xcf9, 0xcfc, 0x3f8, 0x3fd, 0x402, 0xe9,
		0x510, 0x511, UCALL_PORT, 0xffff,
	};

	return fuzz_one_in(4) ? fuzz_below(0x10000) : pick(ports, ARRAY_SIZE(ports));
}

static __u32 selector(void)
{
	if (fuzz_one_in(4))
		return fuzz_below(0x10000);
	/* Any of the GDT's, the LDT's (TI = 1), with any RPL. */
	return fuzz_below(GDT_ENTRIES) << 3 | fuzz_below(8);
}

static __u32 address(void)
{
	static const __u32 addrs[] = {
		0, 0x1000, 0x2000, 0x8000, 0x9000, SCRATCH_GPA, 0xfff,
		0x1ffffc, 0x1ffffe, 0x200000, 0x400000, 0xa0000, 0xb8000,
		0xfec00000, 0xfee00000, 0xfee00300, 0xfffffff0, 0xfffffffc,
		0x10000000, 0x0ffffffc,
	};

	return fuzz_one_in(8) ? fuzz_rnd() : pick(addrs, ARRAY_SIZE(addrs));
}

/* A value for a register, of a random kind. */
static __u32 imm_value(void)
{
	switch (fuzz_below(9)) {
	case 0:
		return cr0_value();
	case 1:
		return cr4_value();
	case 2:
		return msr_index();
	case 3:
		return port_number();
	case 4:
		return selector();
	case 5:
		return address();
	case 6:
		return fuzz_below(64);
	case 7:
		return fuzz_boundary();
	default:
		return fuzz_rnd();
	}
}

/* mov $v, %reg (32 bits; zero-extended in 64-bit mode). */
static void mov_imm(struct stream *s, unsigned int reg, __u32 v)
{
	op32(s);
	emit(s, 0xb8 + (reg & 7));
	emit32(s, v);
}

/* A far pointer in the data page for the stream's jumps: its address. */
static __u32 data_far_ptr(struct stream *s, __u64 off, __u16 sel)
{
	unsigned int slot = fuzz_below(DATA_SIZE / 16);
	__u8 *p = s->data + slot * 16;

	memcpy(p, &off, 8);
	if (fuzz_one_in(2)) {		/* m16:32 */
		memcpy(p + 4, &sel, 2);
	} else {			/* m16:64 */
		memcpy(p + 8, &sel, 2);
	}
	return DATA_GPA + slot * 16;
}

/* A pseudo-descriptor for LGDT/LIDT in the data page: its address. */
static __u32 data_dtr(struct stream *s)
{
	unsigned int slot = fuzz_below(DATA_SIZE / 16);
	__u8 *p = s->data + slot * 16;
	__u16 limit = fuzz_one_in(2) ? GDT_ENTRIES * 8 - 1 : fuzz_rnd();
	__u64 base = fuzz_one_in(2) ? ONE_OF(0, 0x1000, 0x2000, 0x9000) :
		     fuzz_boundary();

	memcpy(p, &limit, 2);
	memcpy(p + 2, &base, 8);
	return DATA_GPA + slot * 16;
}

/* Random prefixes: legacy ones, and REX in 64-bit mode. */
static void prefixes(struct stream *s)
{
	static const __u32 legacy[] = {
		0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64,
		0x65,
	};
	unsigned int i, n = fuzz_below(3);

	for (i = 0; i < n; i++)
		emit(s, pick(legacy, ARRAY_SIZE(legacy)));
	if (s->mode == MODE_LONG && fuzz_one_in(3))
		emit(s, 0x40 | fuzz_below(16));
}

/* A random instruction in the shape of one: prefixes, opcode, operands. */
static void random_form(struct stream *s)
{
	unsigned int i, tail;

	prefixes(s);
	switch (fuzz_below(10)) {
	case 0:
	case 1:
	case 2:
	case 3:
	case 4:
		emit(s, fuzz_rnd());
		break;
	case 5:
	case 6:
	case 7:
		emit(s, 0x0f);
		emit(s, fuzz_rnd());
		break;
	case 8:
		emit(s, 0x0f);
		emit(s, fuzz_one_in(2) ? 0x38 : 0x3a);
		emit(s, fuzz_rnd());
		break;
	default:
		/* VEX (c4/c5) or EVEX (62) */
		emit(s, ONE_OF(0xc4, 0xc5, 0x62));
		emit(s, fuzz_rnd() | 0xc0);
		emit(s, fuzz_rnd());
		emit(s, fuzz_rnd());
		break;
	}
	/* ModRM, SIB, displacement, immediate: the CPU takes what it needs. */
	tail = fuzz_below(9);
	for (i = 0; i < tail; i++)
		emit(s, fuzz_rnd());
}

/* One instruction (or a short sequence) a hypervisor must get right. */
static void interesting(struct stream *s)
{
	unsigned int reg = fuzz_below(8), n;
	__u32 v;

	switch (fuzz_below(26)) {
	case 0:
		mov_imm(s, fuzz_below(8), imm_value());
		break;
	case 1:		/* mov to CR, often after loading a value for it */
		n = ONE_OF(0, 0, 3, 4, 4, 8, 2, 1, 5, 9);
		if (fuzz_one_in(2))
			mov_imm(s, 0, n == 0 ? cr0_value() : n == 4 ?
				cr4_value() : imm_value());
		if (n == 8 && s->mode != MODE_LONG)
			emit(s, 0xf0);		/* AMD's alias: #UD here */
		else if (n > 7)
			emit(s, 0x44);
		emit(s, 0x0f);
		emit(s, 0x22);
		emit(s, 0xc0 | (n & 7) << 3 | (fuzz_one_in(2) ? 0 : reg));
		break;
	case 2:		/* mov from CR */
		n = ONE_OF(0, 2, 3, 4, 8, 1, 6);
		if (n > 7)
			emit(s, 0x44);
		emit(s, 0x0f);
		emit(s, 0x20);
		emit(s, 0xc0 | (n & 7) << 3 | reg);
		break;
	case 3:		/* mov to or from DR: DR7 breakpoints, GD, DR4/5 */
		if (fuzz_one_in(2))
			mov_imm(s, 0, fuzz_one_in(2) ? address() :
				(__u32)fuzz_rnd() | 0x400);
		emit(s, 0x0f);
		emit(s, fuzz_one_in(2) ? 0x23 : 0x21);
		emit(s, 0xc0 | fuzz_below(8) << 3 | (fuzz_one_in(2) ? 0 : reg));
		break;
	case 4:		/* RDMSR/WRMSR */
		mov_imm(s, 1, msr_index());
		if (fuzz_one_in(2)) {
			mov_imm(s, 0, imm_value());
			mov_imm(s, 2, fuzz_one_in(2) ? 0 : imm_value());
			emit(s, 0x0f);
			emit(s, 0x30);
		} else {
			emit(s, 0x0f);
			emit(s, 0x32);
		}
		break;
	case 5:		/* LGDT, LIDT, SGDT, SIDT */
		addr32(s);
		if (s->mode == MODE_LONG && fuzz_one_in(4))
			emit(s, 0x66);
		emit(s, 0x0f);
		emit(s, 0x01);
		emit_abs(s, fuzz_below(4), data_dtr(s));
		break;
	case 6:		/* LLDT, LTR, VERR, VERW, LAR, LSL, ARPL */
		mov_imm(s, 0, selector());
		if (fuzz_one_in(3)) {
			emit(s, 0x0f);
			emit(s, fuzz_one_in(2) ? 0x02 : 0x03);
			emit(s, 0xc0 | reg << 3);
		} else {
			emit(s, 0x0f);
			emit(s, 0x00);
			emit(s, 0xc0 | fuzz_below(6) << 3);
		}
		break;
	case 7:		/* mov to a segment register, POP SS, LSS */
		mov_imm(s, 0, selector());
		if (fuzz_one_in(4)) {
			op32(s);
			emit(s, 0x50);
			emit(s, ONE_OF(0x17, 0x1f, 0x07));
		} else {
			emit(s, 0x8e);
			emit(s, 0xc0 | fuzz_below(8) << 3);
		}
		break;
	case 8:		/* far jump, call or return to any descriptor */
		v = CODE_GPA + s->len + 12;	/* about the next instruction */
		n = selector();
		switch (fuzz_below(4)) {
		case 0:
		case 1:
			if (s->mode != MODE_LONG && fuzz_one_in(2)) {
				op32(s);
				emit(s, fuzz_one_in(2) ? 0xea : 0x9a);
				emit32(s, v);
				emit16(s, n);
				break;
			}
			addr32(s);
			if (s->mode == MODE_LONG && fuzz_one_in(2))
				emit(s, 0x48);
			emit(s, 0xff);
			emit_abs(s, fuzz_one_in(2) ? 5 : 3,
				 data_far_ptr(s, v, n));
			break;
		case 2:		/* push sel; push off; lret */
			mov_imm(s, 0, n);
			op32(s);
			emit(s, 0x50);
			mov_imm(s, 0, v);
			op32(s);
			emit(s, 0x50);
			if (s->mode == MODE_LONG && fuzz_one_in(2))
				emit(s, 0x48);
			emit(s, 0xcb);
			break;
		default:	/* IRET with whatever is on the stack */
			if (s->mode == MODE_LONG && fuzz_one_in(2))
				emit(s, 0x48);
			emit(s, 0xcf);
			break;
		}
		break;
	case 9:		/* port I/O */
		mov_imm(s, 2, port_number());
		if (fuzz_one_in(2)) {
			emit(s, 0xe4 + fuzz_below(4));
			emit(s, port_number());
		} else {
			if (fuzz_one_in(2))
				emit(s, 0x66);
			emit(s, 0xec + fuzz_below(4));
		}
		break;
	case 10:	/* string I/O, REP or not */
		mov_imm(s, 2, port_number());
		mov_imm(s, 1, fuzz_one_in(2) ? fuzz_below(2000) : imm_value());
		mov_imm(s, fuzz_one_in(2) ? 6 : 7, fuzz_one_in(2) ?
			SCRATCH_GPA + fuzz_below(0x1000) : address());
		if (fuzz_one_in(4))
			emit(s, 0xfd);		/* STD */
		if (fuzz_one_in(4))
			emit(s, ONE_OF(0x66, 0x67));
		if (fuzz_one_in(4))
			emit(s, ONE_OF(0x2e, 0x26, 0x64));
		if (fuzz_below(4))
			emit(s, 0xf3);
		emit(s, 0x6c + fuzz_below(4));
		break;
	case 11:	/* software interrupts and #UD */
		switch (fuzz_below(6)) {
		case 0:
			emit(s, 0xcd);
			emit(s, fuzz_rnd());
			break;
		case 1:
			emit(s, 0xcc);
			break;
		case 2:
			emit(s, 0xf1);
			break;
		case 3:
			emit(s, 0xce);
			break;
		case 4:
			emit(s, 0x0f);
			emit(s, 0x0b);
			break;
		default:
			emit(s, 0x62);	/* BOUND, EVEX in 64-bit mode */
			emit(s, 0x05);
			emit32(s, DATA_GPA);
			break;
		}
		break;
	case 12:	/* CPUID */
		mov_imm(s, 0, ONE_OF(0, 1, 4, 6, 7, 0xa, 0xb, 0xd, 0x12, 0x14,
				     0x40000000, 0x40000001, 0x80000000,
				     0x80000001, 0x80000008, 0x8fffffff,
				     0xffffffff));
		mov_imm(s, 1, fuzz_below(4));
		emit(s, 0x0f);
		emit(s, 0xa2);
		break;
	case 13:	/* time stamps, counters, random numbers */
		mov_imm(s, 1, fuzz_one_in(2) ? fuzz_below(8) : imm_value());
		switch (fuzz_below(5)) {
		case 0:
			emit(s, 0x0f);
			emit(s, 0x31);
			break;
		case 1:
			emit(s, 0x0f);
			emit(s, 0x01);
			emit(s, 0xf9);
			break;
		case 2:
			emit(s, 0x0f);
			emit(s, 0x33);
			break;
		case 3:
			emit(s, 0x0f);
			emit(s, 0xc7);
			emit(s, 0xf0 | fuzz_below(16));	/* RDRAND, RDSEED */
			break;
		default:
			emit(s, 0xf3);
			emit(s, 0x0f);
			emit(s, 0xc7);
			emit(s, 0xf8);		/* RDPID */
			break;
		}
		break;
	case 14:	/* HLT, interrupt shadows, PAUSE */
		switch (fuzz_below(6)) {
		case 0:
			emit(s, 0xf4);
			break;
		case 1:
			emit(s, 0xfb);
			emit(s, 0xf4);
			break;
		case 2:
			emit(s, 0xfa);
			break;
		case 3:
			emit(s, 0xfb);
			emit(s, 0xfb);
			break;
		case 4:
			emit(s, 0x8c);
			emit(s, 0xd0);		/* mov %ss, %eax */
			emit(s, 0x8e);
			emit(s, 0xd0);		/* mov %eax, %ss */
			emit(s, fuzz_one_in(2) ? 0xf4 : 0xf1);
			break;
		default:
			emit(s, 0xf3);
			emit(s, 0x90);
			break;
		}
		break;
	case 15:	/* VMX instructions */
		switch (fuzz_below(8)) {
		case 0:
			mov_imm(s, 0, fuzz_one_in(2) ? fuzz_below(16) :
				imm_value());
			emit(s, 0x0f);
			emit(s, 0x01);
			emit(s, 0xc1);		/* VMCALL */
			break;
		case 1:
			emit(s, 0x0f);
			emit(s, 0x01);
			emit(s, 0xc2 + fuzz_below(3));	/* VMLAUNCH.. VMXOFF */
			break;
		case 2:
			emit(s, 0x0f);
			emit(s, 0x01);
			emit(s, 0xd4);		/* VMFUNC */
			break;
		case 3:			/* VMXON, VMPTRLD, VMCLEAR, VMPTRST */
			addr32(s);
			v = fuzz_below(4);
			if (v == 0)
				emit(s, 0xf3);
			else if (v == 2)
				emit(s, 0x66);
			emit(s, 0x0f);
			emit(s, 0xc7);
			emit_abs(s, v == 3 ? 7 : 6, DATA_GPA);
			break;
		case 4:
			emit(s, 0x0f);
			emit(s, fuzz_one_in(2) ? 0x78 : 0x79);
			emit(s, 0xc0 | fuzz_below(64));
			break;
		case 5:			/* INVEPT, INVVPID, INVPCID */
			addr32(s);
			emit(s, 0x66);
			emit(s, 0x0f);
			emit(s, 0x38);
			emit(s, 0x80 + fuzz_below(3));
			emit_abs(s, 0, DATA_GPA);
			break;
		case 6:
			emit(s, 0x0f);
			emit(s, 0x37);		/* GETSEC */
			break;
		default:
			emit(s, 0x0f);
			emit(s, 0xaa);		/* RSM */
			break;
		}
		break;
	case 16:	/* XSETBV, XGETBV */
		mov_imm(s, 1, fuzz_one_in(2) ? 0 : fuzz_below(3));
		mov_imm(s, 0, ONE_OF(1, 3, 7, 0xe7, 0x2e7, 0, 2, 0xffffffff));
		mov_imm(s, 2, 0);
		emit(s, 0x0f);
		emit(s, 0x01);
		emit(s, fuzz_one_in(2) ? 0xd1 : 0xd0);
		break;
	case 17:	/* cache and TLB control, CLTS, LMSW, SMSW */
		switch (fuzz_below(8)) {
		case 0:
			emit(s, 0x0f);
			emit(s, 0x09);		/* WBINVD */
			break;
		case 1:
			emit(s, 0x0f);
			emit(s, 0x08);		/* INVD */
			break;
		case 2:
			emit(s, 0xf3);
			emit(s, 0x0f);
			emit(s, 0x09);		/* WBNOINVD */
			break;
		case 3:
			emit(s, 0x0f);
			emit(s, 0x06);		/* CLTS */
			break;
		case 4:
			mov_imm(s, 0, cr0_value());
			emit(s, 0x0f);
			emit(s, 0x01);
			emit(s, 0xf0);		/* LMSW %ax */
			break;
		case 5:
			emit(s, 0x0f);
			emit(s, 0x01);
			emit(s, 0xe0 | reg);	/* SMSW */
			break;
		case 6:
			addr32(s);
			emit(s, 0x0f);
			emit(s, 0x01);
			emit_abs(s, 7, address());	/* INVLPG */
			break;
		default:
			addr32(s);
			emit(s, 0x0f);
			emit(s, 0xae);
			emit_abs(s, 7, address());	/* CLFLUSH */
			break;
		}
		break;
	case 18:	/* MONITOR/MWAIT, system calls, SWAPGS, others */
		emit(s, 0x0f);
		switch (fuzz_below(9)) {
		case 0:
			emit(s, 0x01);
			emit(s, 0xc8 + fuzz_below(2));
			break;
		case 1:
			emit(s, 0x34 + fuzz_below(2));	/* SYSENTER/EXIT */
			break;
		case 2:
			emit(s, fuzz_one_in(2) ? 0x05 : 0x07);
			break;
		case 3:
			emit(s, 0x01);
			emit(s, 0xf8);		/* SWAPGS */
			break;
		case 4:
			emit(s, 0x01);
			emit(s, ONE_OF(0xcf, 0xd7, 0xc5, 0xe8, 0xee, 0xef,
				       0xca, 0xcb, 0xfa, 0xfb));
			break;
		case 5:
			emit(s, 0xc7);
			emit(s, 0x08 | fuzz_below(8) << 3 | 5);
			emit32(s, DATA_GPA);	/* XSAVES, XRSTORS... */
			break;
		case 6:
			emit(s, 0x05);
			break;
		case 7:
			emit(s, 0xff);		/* UD0 */
			emit(s, 0xc0);
			break;
		default:
			emit(s, 0x01);
			emit(s, 0xd0 + fuzz_below(16));
			break;
		}
		break;
	case 19:	/* POPF: TF (single-step), AC, IF, NT, IOPL, RF, ID */
		op32(s);
		emit(s, 0x68);
		v = 0x2 | (fuzz_one_in(2) ? 0x100 : 0) |
		    (fuzz_one_in(2) ? 0x40000 : 0) |
		    (fuzz_one_in(2) ? 0x200 : 0);
		if (fuzz_one_in(4))
			v |= fuzz_rnd() & 0x3f7fd5;
		emit32(s, v);
		op32(s);
		emit(s, 0x9d);
		break;
	case 20:	/* x87, SSE, AVX, XSAVE */
		switch (fuzz_below(8)) {
		case 0:
			emit(s, 0xdb);
			emit(s, 0xe3);		/* FNINIT */
			emit(s, 0xd9);
			emit(s, 0xee);		/* FLDZ */
			emit(s, 0xd9);
			emit(s, 0xe8);		/* FLD1 */
			emit(s, 0xde);
			emit(s, 0xf1);		/* FDIVRP: 1 / 0 */
			emit(s, 0x9b);		/* FWAIT */
			break;
		case 1:
			addr32(s);
			emit(s, 0xd9);
			emit_abs(s, 5, DATA_GPA);	/* FLDCW: unmask */
			emit(s, 0xd9);
			emit(s, 0xf8);		/* FPREM */
			emit(s, 0x9b);
			break;
		case 2:
			emit(s, 0x0f);
			emit(s, 0x28);
			emit(s, 0xc0 | fuzz_below(64));	/* MOVAPS */
			break;
		case 3:
			emit(s, 0xc5);
			emit(s, 0xfd);
			emit(s, 0x6f);
			emit(s, 0xc0 | fuzz_below(64));	/* VMOVDQA ymm */
			break;
		case 4:
			addr32(s);
			emit(s, 0x0f);
			emit(s, 0xae);
			emit_abs(s, fuzz_below(6), DATA_GPA); /* FXSAVE..XRSTOR */
			break;
		case 5:
			emit(s, 0xc5);
			emit(s, 0xfc);
			emit(s, 0x77);		/* VZEROALL */
			break;
		case 6:
			emit(s, 0x62);		/* EVEX */
			emit(s, 0xf1);
			emit(s, 0x7c);
			emit(s, 0x48);
			emit(s, 0x28);
			emit(s, 0xc0);
			break;
		default:
			addr32(s);
			emit(s, 0x0f);
			emit(s, 0xae);
			emit_abs(s, 2, DATA_GPA);	/* LDMXCSR */
			break;
		}
		break;
	case 21:	/* memory outside RAM: MMIO of every width and form */
		mov_imm(s, 3, address());
		switch (fuzz_below(7)) {
		case 0:
			prefixes(s);
			emit(s, ONE_OF(0x88, 0x89, 0x8a, 0x8b, 0x01, 0x31,
				       0x85, 0x87, 0xc6, 0xc7));
			emit(s, reg << 3 | 3);
			emit32(s, fuzz_rnd());
			break;
		case 1:		/* MOVS, STOS, CMPS through RDI/RSI */
			mov_imm(s, 7, address());
			mov_imm(s, 6, address());
			mov_imm(s, 1, fuzz_below(64));
			if (fuzz_one_in(2))
				emit(s, 0xf3);
			emit(s, ONE_OF(0xa4, 0xa5, 0xaa, 0xab, 0xa6, 0xac));
			break;
		case 2:
			emit(s, 0xf0);		/* LOCK ADD, CMPXCHG */
			emit(s, 0x0f);
			emit(s, ONE_OF(0xb1, 0xc1, 0xc7));
			emit(s, 0x0b);
			break;
		case 3:
			emit(s, 0xc5);
			emit(s, 0xfe);
			emit(s, 0x6f);
			emit(s, 0x03);		/* VMOVDQU (%ebx), %ymm0 */
			break;
		case 4:
			emit(s, 0x0f);
			emit(s, 0x01);
			emit(s, 0x13);		/* LGDT (%ebx) */
			break;
		case 5:
			emit(s, 0xff);
			emit(s, ONE_OF(0x13, 0x23, 0x2b, 0x1b));
			break;
		default:
			emit(s, 0x8f);
			emit(s, 0x03);		/* POP (%ebx) */
			break;
		}
		break;
	case 22:	/* the stack pointer, somewhere */
		mov_imm(s, 4, fuzz_one_in(2) ? address() : imm_value());
		break;
	case 23:	/* a mode switch step: EFER.LME, PAE, paging */
		switch (fuzz_below(4)) {
		case 0:
			mov_imm(s, 1, 0xc0000080);
			mov_imm(s, 0, fuzz_one_in(2) ? 0x100 : 0x901);
			mov_imm(s, 2, 0);
			emit(s, 0x0f);
			emit(s, 0x30);
			break;
		case 1:
			mov_imm(s, 0, 0x10000);		/* the PML4 */
			emit(s, 0x0f);
			emit(s, 0x22);
			emit(s, 0xd8);
			break;
		case 2:
			mov_imm(s, 0, 0x20 | (fuzz_one_in(2) ? 0x600 : 0));
			emit(s, 0x0f);
			emit(s, 0x22);
			emit(s, 0xe0);
			break;
		default:
			mov_imm(s, 0, fuzz_one_in(2) ? 0x80000011 : 0x10);
			emit(s, 0x0f);
			emit(s, 0x22);
			emit(s, 0xc0);
			break;
		}
		break;
	case 24:	/* raw bytes */
		n = 1 + fuzz_below(8);
		while (n--)
			emit(s, fuzz_rnd());
		break;
	default:
		random_form(s);
		break;
	}
}

static void generate(struct stream *s)
{
	unsigned int i, n = 1 + fuzz_below(MAX_INSNS);

	s->len = 0;
	s->mode = fuzz_below(NR_MODES);
	for (i = 0; i < DATA_SIZE; i++)
		s->data[i] = fuzz_rnd();
	for (i = 0; i < n; i++) {
		if (fuzz_one_in(3))
			random_form(s);
		else
			interesting(s);
	}
}

/* A pool stream changed: bytes flipped, code inserted, cut or spliced. */
static void mutate(struct stream *s)
{
	unsigned int i, n = 1 + fuzz_below(4), at, len;
	struct stream ins;

	*s = pool[fuzz_below(pool_len)];
	if (fuzz_one_in(8))
		s->mode = fuzz_below(NR_MODES);
	for (i = 0; i < n; i++) {
		at = s->len ? fuzz_below(s->len) : 0;
		switch (fuzz_below(6)) {
		case 0:
			if (s->len)
				s->code[at] ^= 1 << fuzz_below(8);
			break;
		case 1:
			if (s->len)
				s->code[at] = fuzz_rnd();
			break;
		case 2:
		case 3:		/* insert an instruction */
			ins.len = 0;
			ins.mode = s->mode;
			memcpy(ins.data, s->data, DATA_SIZE);
			interesting(&ins);
			if (s->len + ins.len < CODE_SIZE - 16) {
				memmove(s->code + at + ins.len, s->code + at,
					s->len - at);
				memcpy(s->code + at, ins.code, ins.len);
				s->len += ins.len;
				memcpy(s->data, ins.data, DATA_SIZE);
			}
			break;
		case 4:		/* cut */
			len = fuzz_below(s->len - at + 1);
			memmove(s->code + at, s->code + at + len,
				s->len - at - len);
			s->len -= len;
			break;
		default:	/* splice another pool stream's tail */
			ins = pool[fuzz_below(pool_len)];
			len = ins.len ? fuzz_below(ins.len) : 0;
			if (at + ins.len - len < CODE_SIZE - 16) {
				memcpy(s->code + at, ins.code + len,
				       ins.len - len);
				s->len = at + ins.len - len;
			}
			break;
		}
	}
	if (s->len > CODE_SIZE - 16)
		s->len = CODE_SIZE - 16;
}

/* ---- the guest's memory and state ---- */

static __u64 seg_desc(__u32 base, __u32 limit, __u8 access, __u8 flags)
{
	return (limit & 0xffffULL) | (__u64)(base & 0xffffff) << 16 |
	       (__u64)access << 40 | (__u64)((limit >> 16) & 0xf) << 48 |
	       (__u64)(flags & 0xf) << 52 | (__u64)(base >> 24) << 56;
}

/* Exception handlers: step past the faulting byte, IRET. */
static const __u8 stub_real[] = { 0x67, 0xff, 0x04, 0x24, 0xcf };
static const __u8 stub32[] = { 0x83, 0x04, 0x24, 0x01, 0xcf };
static const __u8 stub32_err[] = { 0x83, 0xc4, 0x04, 0x83, 0x04, 0x24, 0x01,
				   0xcf };
static const __u8 stub64[] = { 0x48, 0x83, 0x04, 0x24, 0x01, 0x48, 0xcf };
static const __u8 stub64_err[] = { 0x48, 0x83, 0xc4, 0x08, 0x48, 0x83, 0x04,
				   0x24, 0x01, 0x48, 0xcf };

#define ERROR_CODE_VECTORS	((1u << 8) | (1u << 10) | (1u << 11) | \
				 (1u << 12) | (1u << 13) | (1u << 14) | \
				 (1u << 17) | (1u << 21) | (1u << 29) | \
				 (1u << 30))

/*
 * Low memory as vm_create() made it, plus this fuzzer's GDT entries, LDT,
 * IDT (or IVT) and handlers for @mode: the image restored before each
 * execution in that mode.
 */
static void build_image(struct tvmm_vm *vm, __u8 *img, enum mode mode)
{
	__u64 *gdt = (__u64 *)(img + TVMM_GPA_GDT);
	__u64 *ldt = (__u64 *)(img + LDT_GPA);
	__u64 ist = IST_TOP;
	unsigned int v;

	memcpy(img, __addr_gpa2hva(vm, 0, RESTORE_SIZE), RESTORE_SIZE);
	/* More descriptors for far jumps and segment loads. */
	gdt[6] = seg_desc(0, 0xffff, 0x9a, 0x0);	/* 16-bit code */
	gdt[7] = seg_desc(0, 0xffff, 0x92, 0x0);	/* 16-bit data */
	gdt[8] = seg_desc(0, 0xfffff, 0xfa, 0xa);	/* 64-bit code, DPL 3 */
	gdt[9] = seg_desc(0, 0xfffff, 0xf2, 0xc);	/* data, DPL 3 */
	gdt[10] = seg_desc(0, 0xfffff, 0xfa, 0xc);	/* 32-bit code, DPL 3 */
	gdt[11] = seg_desc(LDT_GPA, 0x3f, 0x82, 0x0);	/* the LDT */
	gdt[12] = 0;
	gdt[13] = seg_desc(0, 0xfffff, 0x9e, 0xc);	/* conforming code */
	gdt[14] = seg_desc(0x1000, 0xfff, 0x96, 0x0);	/* expand-down data */
	gdt[15] = seg_desc(0, 0xfffff, 0x9a, 0xe);	/* L and D: invalid */
	memcpy(ldt, gdt, 8 * 8);
	/* Long mode handlers on their own stack (TSS.IST1). */
	memcpy(img + TVMM_GPA_TSS + 0x24, &ist, 8);
	memset(img + CODE_GPA, 0xf4, CODE_SIZE);

	for (v = 0; v < 256; v++) {
		bool err = v < 32 && (ERROR_CODE_VECTORS & (1u << v));
		__u32 off = STUB_GPA + (err ? 0x10 : 0);

		if (mode == MODE_REAL) {
			__u32 ivt = (STUB_GPA >> 4) << 16;	/* seg:0 */

			memcpy(img + v * 4, &ivt, 4);
		} else if (mode == MODE_PROT) {
			__u64 g = (off & 0xffff) | (__u64)TVMM_SEL_CODE32 << 16 |
				  0x8eULL << 40 | (__u64)(off >> 16) << 48;

			memcpy(img + TVMM_GPA_IDT + v * 8, &g, 8);
		} else {
			__u64 g[2] = {
				(off & 0xffff) | (__u64)TVMM_SEL_CODE64 << 16 |
				(__u64)(v < 32) << 32 | 0x8eULL << 40 |
				(__u64)(off >> 16) << 48,
				0,
			};

			memcpy(img + TVMM_GPA_IDT + v * 16, g, 16);
		}
	}
	if (mode == MODE_REAL) {
		memcpy(img + STUB_GPA, stub_real, sizeof(stub_real));
	} else if (mode == MODE_PROT) {
		memcpy(img + STUB_GPA, stub32, sizeof(stub32));
		memcpy(img + STUB_GPA + 0x10, stub32_err, sizeof(stub32_err));
	} else {
		memcpy(img + STUB_GPA, stub64, sizeof(stub64));
		memcpy(img + STUB_GPA + 0x10, stub64_err, sizeof(stub64_err));
	}
}

struct fuzz_vm {
	struct tvmm_vm *vm;
	struct tvmm_vcpu *vcpu;
	__u8 *lowmem;
	__u8 *image[NR_MODES];
	struct tvmm_vcpu_stats last;
};

static void fuzz_vm_create(struct fuzz_vm *f)
{
	unsigned int m;

	f->vm = vm_create();
	f->vcpu = vm_vcpu_add(f->vm, 0);
	f->lowmem = __addr_gpa2hva(f->vm, 0, TVMM_LOWMEM_SIZE);
	TEST_ASSERT(f->lowmem, "low memory not mapped");
	for (m = 0; m < NR_MODES; m++) {
		f->image[m] = malloc(RESTORE_SIZE);
		TEST_ASSERT(f->image[m], "out of memory");
		build_image(f->vm, f->image[m], m);
	}
	memset(&f->last, 0, sizeof(f->last));
}

static void fuzz_vm_free(struct fuzz_vm *f, struct fuzz_hist *h)
{
	unsigned int m;

	fuzz_hist_add_stats(h, f->vcpu->fd);
	for (m = 0; m < NR_MODES; m++)
		free(f->image[m]);
	__atomic_store_n(&kick_run, NULL, __ATOMIC_RELAXED);
	vm_free(f->vm);
	memset(f, 0, sizeof(*f));
}

static __u64 reg_value(void)
{
	switch (fuzz_below(5)) {
	case 0:
		return 0;
	case 1:
		return SCRATCH_GPA + fuzz_below(0x10000);
	case 2:
		return address();
	case 3:
		return fuzz_boundary();
	default:
		return fuzz_rnd();
	}
}

static __u32 exception_bitmap(void)
{
	__u32 v = 0;
	unsigned int i, n;

	switch (fuzz_below(6)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return ~0u;
	case 3:
		return fuzz_rnd();
	default:
		n = 1 + fuzz_below(3);
		for (i = 0; i < n; i++)
			v |= 1u << fuzz_below(32);
		return v;
	}
}

/* What one execution asked of tvmm, for the check of its exits. */
struct exec {
	const struct stream *s;
	__u32 exits;
	bool window;
	unsigned long index;
};

/* Mode state, random registers and flags, the exec's settings. */
/*
 * A new list of user MSRs (TVMM_SET_USER_MSRS) for the VM, of MSRs the
 * streams access: those tvmm keeps are refused alone, and left out.
 */
static void claim_msrs(struct fuzz_vm *f)
{
	struct tvmm_user_msrs u = { 0 }, one = { .nmsrs = 1 };
	unsigned int i, j, n = fuzz_below(TVMM_MAX_USER_MSRS + 1);

	for (i = 0; i < n; i++) {
		one.indices[0] = msr_index();
		for (j = 0; j < u.nmsrs; j++)
			if (u.indices[j] == one.indices[0])
				break;
		if (j == u.nmsrs &&
		    !ioctl(f->vm->fd, TVMM_SET_USER_MSRS, &one))
			u.indices[u.nmsrs++] = one.indices[0];
	}
	TEST_ASSERT(!ioctl(f->vm->fd, TVMM_SET_USER_MSRS, &u),
		    "TVMM_SET_USER_MSRS of %u MSRs: %s", u.nmsrs,
		    strerror(errno));
}

static void setup_vcpu(struct fuzz_vm *f, struct exec *e)
{
	struct tvmm_vcpu *vcpu = f->vcpu;
	struct tvmm_vcpu_events no_events = { 0 };
	struct tvmm_intercepts icpt = { 0 };
	struct tvmm_sregs sr, more;
	struct tvmm_regs r;
	__u64 *gpr = &r.rax;
	unsigned int i;

	memcpy(f->lowmem, f->image[e->s->mode], RESTORE_SIZE);
	memcpy(f->lowmem + CODE_GPA, e->s->code, e->s->len);
	memcpy(f->lowmem + DATA_GPA, e->s->data, DATA_SIZE);
	/* Random descriptors too, now and then. */
	if (fuzz_one_in(4))
		for (i = 12; i < GDT_ENTRIES; i++)
			if (i != 13 || fuzz_one_in(2))
				((__u64 *)(f->lowmem + TVMM_GPA_GDT))[i] =
					fuzz_rnd();
	/* A few gates not present: #NP, then #DF or a shutdown. */
	if (fuzz_one_in(8) && e->s->mode != MODE_REAL)
		for (i = 0; i < 3; i++)
			f->lowmem[TVMM_GPA_IDT + fuzz_below(256) *
				  (e->s->mode == MODE_LONG ? 16 : 8) + 5] &= 0x7f;

	switch (e->s->mode) {
	case MODE_REAL:
		vm_sregs_real_mode(f->vm, &sr, 0);
		break;
	case MODE_PROT:
		vm_sregs_protected_mode(f->vm, &sr);
		break;
	default:
		vm_sregs_long_mode(f->vm, &sr);
		break;
	}
	sr.gdt.limit = GDT_ENTRIES * 8 - 1;
	more = sr;
	if (fuzz_one_in(4)) {
		more.cr4 |= 1ULL << fuzz_below(25);
		if (fuzz_one_in(2))
			more.cr0 |= 0x40000;	/* AM: #AC with RFLAGS.AC */
	}
	if (__vcpu_set_sregs(vcpu, &more))
		vcpu_set_sregs(vcpu, &sr);

	for (i = 0; i < 16; i++)
		gpr[i] = reg_value();
	if (e->s->mode != MODE_LONG)
		for (i = 0; i < 16; i++)
			gpr[i] &= 0xffffffff;
	r.rip = CODE_GPA;
	r.rsp = e->s->mode == MODE_REAL ? TVMM_GPA_REAL_STACK_TOP :
		vcpu_stack_top(0);
	r.rflags = 0x2;
	if (fuzz_one_in(4))
		r.rflags |= 0x200;		/* IF */
	if (fuzz_one_in(16))
		r.rflags |= 0x100;		/* TF: single-step */
	if (fuzz_one_in(16))
		r.rflags |= 0x40000;		/* AC */
	if (fuzz_one_in(32))
		r.rflags |= fuzz_rnd() & 0x254dd5;
	vcpu_set_regs(vcpu, &r);

	TEST_ASSERT(!ioctl(vcpu->fd, TVMM_SET_VCPU_EVENTS, &no_events),
		    "TVMM_SET_VCPU_EVENTS: %s", strerror(errno));
	e->exits = exception_bitmap();
	vcpu_set_exception_exits(vcpu, e->exits);
	if (fuzz_one_in(8)) {
		icpt.flags = fuzz_one_in(2) ? TVMM_INTERCEPT_RDTSC : 0;
		ioctl(vcpu->fd, TVMM_SET_INTERCEPTS, &icpt);
	}
	if (fuzz_one_in(16))
		__vcpu_interrupt(vcpu, fuzz_below(256), 0, 0);
	if (fuzz_one_in(4))
		claim_msrs(f);
	e->window = fuzz_one_in(16);
	vcpu->run->request_interrupt_window = e->window;
	vcpu->run->immediate_exit = 0;
}

static void log_stream(const struct exec *e)
{
	char hex[3 * 64 + 1];
	unsigned int i, n = e->s->len < 64 ? e->s->len : 64;

	for (i = 0; i < n; i++)
		snprintf(hex + 3 * i, 4, "%02x ", e->s->code[i]);
	hex[3 * n] = '\0';
	ksft_print_msg("  execution %lu, %s mode, exception exits %#x, %u bytes: %s%s\n",
		       e->index, mode_names[e->s->mode], e->exits, e->s->len,
		       hex, e->s->len > n ? "..." : "");
}

/* A failed entry's reason, instruction error and qualification. */
static void log_fail_entry(const struct tvmm_run *run)
{
	ksft_print_msg("  reason %llu, VM-instruction error %u, qualification %u\n",
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
		       run->fail_entry.vm_instruction_error,
		       run->fail_entry.qualification);
}

/* Worth a look, not a failure: the first few of each. */
static void note_odd_exit(const struct exec *e, const struct tvmm_run *run)
{
	static unsigned int fail_entries, internals;

	if (run->exit_reason == TVMM_EXIT_FAIL_ENTRY && fail_entries++ < 5) {
		ksft_print_msg("VM entry failed after guest code: reason %llu, check %u, qual %u\n",
			       (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			       run->fail_entry.guest_state_check,
			       run->fail_entry.qualification);
		log_stream(e);
	}
	if (run->exit_reason == TVMM_EXIT_INTERNAL_ERROR &&
	    run->internal.suberror == TVMM_INTERNAL_UNHANDLED_EXIT &&
	    internals++ < 5) {
		ksft_print_msg("unhandled VMX exit %u at %#llx\n",
			       run->internal.exit_reason,
			       (unsigned long long)run->internal.guest_rip);
		log_stream(e);
	}
}

/* Something new reached: the stream joins the pool. */
static bool coverage(struct fuzz_vm *f, const struct exec *e,
		     const struct tvmm_run *run)
{
	struct tvmm_vcpu_stats st = { .size = sizeof(st) };
	unsigned int i, sub = 0;
	bool fresh = false;

	if (run->exit_reason == TVMM_EXIT_EXCEPTION)
		sub = run->exception.vector & 31;
	else if (run->exit_reason == TVMM_EXIT_INTERNAL_ERROR)
		sub = run->internal.suberror & 31;
	else if (run->exit_reason == TVMM_EXIT_FAIL_ENTRY)
		sub = run->fail_entry.guest_state_check & 31;
	if (run->exit_reason <= TVMM_EXIT_MSR &&
	    !seen_exit[e->s->mode][run->exit_reason][sub]) {
		seen_exit[e->s->mode][run->exit_reason][sub] = true;
		fresh = true;
	}
	if (!ioctl(f->vcpu->fd, TVMM_GET_VCPU_STATS, &st)) {
		for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++)
			if (st.exits[i] != f->last.exits[i] &&
			    !seen_vmx[e->s->mode][i]) {
				seen_vmx[e->s->mode][i] = true;
				fresh = true;
			}
		f->last = st;
	}
	return fresh;
}

/* One execution; false (with a message) on an answer outside the ABI. */
static bool execute(struct fuzz_vm *f, struct exec *e, struct fuzz_hist *h)
{
	struct itimerval kick = { .it_value.tv_usec = KICK_USEC };
	struct itimerval off = { 0 };
	struct tvmm_vcpu *vcpu = f->vcpu;
	struct tvmm_run *run = vcpu->run;
	struct tvmm_regs r;
	const char *bad;
	unsigned int i, n;
	__u64 count = run->exit_count;
	bool stop = false;
	int ret;

	setup_vcpu(f, e);
	__atomic_store_n(&kick_run, run, __ATOMIC_RELAXED);
	setitimer(ITIMER_REAL, &kick, NULL);
	for (n = 0; n < MAX_RUNS && !stop; n++) {
		ret = __vcpu_run(vcpu);
		bad = fuzz_check_run(run, ret, e->exits, e->window, false);
		if (!bad && run->exit_count < count)
			bad = "exit_count went back";
		if (bad) {
			setitimer(ITIMER_REAL, &off, NULL);
			ksft_print_msg("TVMM_RUN %d, exit %s: %s\n", ret,
				       exit_reason_str(run->exit_reason), bad);
			if (run->exit_reason == TVMM_EXIT_FAIL_ENTRY)
				log_fail_entry(run);
			log_stream(e);
			/* The harness may end this child with _exit(). */
			fflush(stdout);
			vcpu_dump(stderr, vcpu);
			return false;
		}
		count = run->exit_count;
		fuzz_hist_add_run(h, run);
		switch (run->exit_reason) {
		case TVMM_EXIT_IO:
			if (run->io.direction == TVMM_IO_IN)
				for (i = 0; i < run->io.count * run->io.size; i++)
					((__u8 *)run)[TVMM_RUN_IO_DATA_OFFSET + i] =
						fuzz_rnd();
			break;
		case TVMM_EXIT_MMIO:
			if (!run->mmio.is_write)
				for (i = 0; i < 8; i++)
					run->mmio.data[i] = fuzz_rnd();
			break;
		case TVMM_EXIT_HYPERCALL:
			run->hypercall.ret = fuzz_value(64);
			break;
		case TVMM_EXIT_MSR:
			run->msr.data = fuzz_value(64);
			run->msr.error = fuzz_one_in(4);
			if (fuzz_one_in(8)) {
				vcpu_get_regs(vcpu, &r);
				vcpu_set_regs(vcpu, &r);
			}
			break;
		case TVMM_EXIT_HLT:
			/* Past the stream, into the HLTs behind it: done. */
			vcpu_get_regs(vcpu, &r);
			stop = r.rip > CODE_GPA + e->s->len &&
			       r.rip <= CODE_GPA + CODE_SIZE;
			break;
		case TVMM_EXIT_EXCEPTION:
			if (fuzz_one_in(2)) {
				stop = true;
				break;
			}
			vcpu_get_regs(vcpu, &r);
			r.rip++;
			vcpu_set_regs(vcpu, &r);
			break;
		case TVMM_EXIT_IRQ_WINDOW_OPEN:
			run->request_interrupt_window = 0;
			e->window = false;
			__vcpu_interrupt(vcpu, fuzz_below(256), 0, 0);
			break;
		default:	/* shutdown, failed entry, internal, signal */
			note_odd_exit(e, run);
			stop = true;
			break;
		}
	}
	setitimer(ITIMER_REAL, &off, NULL);
	__atomic_store_n(&kick_run, NULL, __ATOMIC_RELAXED);
	run->immediate_exit = 0;
	if (coverage(f, e, run) && e->s->len) {
		if (pool_len < POOL_SIZE)
			pool[pool_len++] = *e->s;
		else
			pool[fuzz_below(POOL_SIZE)] = *e->s;
	}
	return true;
}

TEST(insn_fuzz)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	static struct stream s;
	struct fuzz_hist h = { 0 };
	struct fuzz_mem mem;
	struct fuzz_vm f = { 0 };
	unsigned long done, bad = 0;
	unsigned int m, modes_run[NR_MODES] = { 0 };
	struct exec e = { .s = &s };

	TVMM_REQUIRE_MODULE();
	/* No SA_RESTART: the timer must bring TVMM_RUN back with -EINTR. */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	fuzz_srand(fuzz_opts.seed);
	ksft_print_msg("seed %#llx, %lu executions, %.0f s\n",
		       (unsigned long long)fuzz_opts.seed, fuzz_opts.iterations,
		       fuzz_opts.seconds);

	/* A warm-up VM, so that the caches it fills count as before. */
	fuzz_vm_create(&f);
	fuzz_vm_free(&f, &h);
	memset(&h, 0, sizeof(h));
	fuzz_mem_before(&mem);

	fuzz_start();
	for (done = 0; !fuzz_done(done); done++) {
		if (!f.vm)
			fuzz_vm_create(&f);
		if (pool_len && fuzz_one_in(2))
			mutate(&s);
		else
			generate(&s);
		e.index = done;
		modes_run[s.mode]++;
		if (!execute(&f, &e, &h) && ++bad >= 10)
			break;
		if ((done + 1) % VM_LIFETIME == 0)
			fuzz_vm_free(&f, &h);
	}
	if (f.vm)
		fuzz_vm_free(&f, &h);
	fuzz_print_rate("executions", done);
	for (m = 0; m < NR_MODES; m++)
		ksft_print_msg("%s mode: %u executions\n", mode_names[m],
			       modes_run[m]);
	ksft_print_msg("pool: %u streams that reached something new\n",
		       pool_len);
	fuzz_hist_print(&h);
	EXPECT_EQ(0, bad);
	EXPECT_TRUE(fuzz_mem_after(&mem, LEAK_TOLERANCE_KB));
	/* The streams reached the kernel's handlers, not only HLT. */
	EXPECT_LT(0, h.tvmm[TVMM_EXIT_HLT]);
	EXPECT_LT(0, h.vmx[TVMM_VMX_EXIT_CR_ACCESS]);
	EXPECT_LT(0, h.vmx[TVMM_VMX_EXIT_IO_INSTRUCTION]);
}

TVMM_FUZZ_MAIN(insn_fuzz, DEFAULT_SEED, DEFAULT_ITERATIONS)
