// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the MMIO instruction decoder, kmod/x86/insn.c.
 *
 * Expected values are written from the Intel SDM, never copied from the
 * decoder's output:
 *  - decode tables: one line per instruction in 16-, 32- and 64-bit code,
 *    its bytes as GNU as makes them (make asm-check proves it), and what
 *    the SDM says it is: operation, sizes, direction, register (AH..BH
 *    flagged), immediate, displacement, moffs, prefixes. Each is also
 *    decoded with trailing bytes, and cut short at the end of a page
 *    followed by an inaccessible one (-ENOSPC, never a read past @len);
 *  - reject tables: register-direct forms, LOCK/REP where they #UD or are
 *    reserved, opcodes outside the supported set, over-long instructions;
 *  - completion tables: the register, written-back data and RFLAGS after
 *    a read, and the data and rDI/rCX of a write, with the SDM's merge,
 *    zero- and sign-extension rules and flag definitions;
 *  - random bytes at a page end (no crash, no read past the end, and what
 *    is accepted decodes the same from any longer buffer);
 *  - on an x86-64 host, the CPU itself as a second witness: thousands of
 *    generated encodings (every supported opcode, each register, prefix
 *    and REX combination, random operands) run natively and through the
 *    decoder and helpers, registers, RFLAGS and memory compared; every
 *    8-bit ALU operation on every pair of operands and carry.
 *
 * Output is kselftest TAP. --list prints the decode and reject tables for
 * asm_check.sh. --valgrind, for a run under valgrind, shortens the fuzzing
 * and skips the native comparisons: valgrind emulates the CPU, and not
 * all of it (it does not ignore a REX placed before a legacy prefix).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"

#include "insn.h"
#include "native_exec.h"

#define M16	TVMM_INSN_MODE_16
#define M32	TVMM_INSN_MODE_32
#define M64	TVMM_INSN_MODE_64

#define RD	TVMM_INSN_MEM_READ
#define WR	TVMM_INSN_MEM_WRITE
#define RMW	(TVMM_INSN_MEM_READ | TVMM_INSN_MEM_WRITE)

#define LOAD	TVMM_INSN_MOV_LOAD
#define STORE	TVMM_INSN_MOV_STORE
#define STIMM	TVMM_INSN_MOV_STORE_IMM
#define MOVZX	TVMM_INSN_MOVZX
#define MOVSX	TVMM_INSN_MOVSX
#define STOS	TVMM_INSN_STOS
#define XCHG	TVMM_INSN_XCHG
#define ADD	TVMM_INSN_ADD
#define OR	TVMM_INSN_OR
#define ADC	TVMM_INSN_ADC
#define SBB	TVMM_INSN_SBB
#define AND	TVMM_INSN_AND
#define SUB	TVMM_INSN_SUB
#define XOR	TVMM_INSN_XOR
#define CMP	TVMM_INSN_CMP
#define TEST	TVMM_INSN_TEST

#define H8	TVMM_INSN_F_HIGH8
#define DST	TVMM_INSN_F_REG_DEST
#define IMM	TVMM_INSN_F_IMM
#define LOCK	TVMM_INSN_F_LOCK
#define REP	TVMM_INSN_F_REP
#define RIPREL	TVMM_INSN_F_RIP_REL
#define MOFFS	TVMM_INSN_F_MOFFS
#define SIB	TVMM_INSN_F_SIB
/* The flags the decode tables state; the others echo the encoding. */
#define CHECKED_FLAGS	(H8 | DST | IMM | LOCK | REP | RIPREL | MOFFS | SIB)

/* decode_case.seg: 0 for no override. */
#define SEG(s)		(TVMM_INSN_SEG_##s + 1)

#define CF	TVMM_INSN_RFLAGS_CF
#define PF	TVMM_INSN_RFLAGS_PF
#define AF	TVMM_INSN_RFLAGS_AF
#define ZF	TVMM_INSN_RFLAGS_ZF
#define SF	TVMM_INSN_RFLAGS_SF
#define DF	TVMM_INSN_RFLAGS_DF
#define OF	TVMM_INSN_RFLAGS_OF
#define STATUS	TVMM_INSN_RFLAGS_STATUS
/* RFLAGS as user code runs: bit 1 is always 1, IF is set. */
#define FL_BASE	0x202ULL

#define RAX	0
#define RCX	1
#define RDX	2
#define RBX	3
#define RSP	4
#define RSI	6
#define RDI	7

static bool valgrind;

/* Check @cond; when it is false, say which check failed, and where. */
#define EXPECT(cond)	expect((cond), #cond, __LINE__)

static bool expect(bool ok, const char *what, int line)
{
	if (!ok)
		ksft_print_msg("line %d: check failed: %s\n", line, what);
	return ok;
}

static const char *mode_name(enum tvmm_insn_mode mode)
{
	return mode == M16 ? "16" : mode == M32 ? "32" : "64";
}

/* "88 03" -> { 0x88, 0x03 }; returns the count. */
static unsigned int parse_hex(const char *hex, u8 *out, unsigned int max)
{
	unsigned int n = 0, v;
	int used;

	while (sscanf(hex, " %2x%n", &v, &used) == 1) {
		if (n == max)
			ksft_exit_fail_msg("too many bytes in '%s'\n", hex);
		out[n++] = v;
		hex += used;
	}
	return n;
}

/* ---- a page whose end is followed by an inaccessible page ------------ */

static u8 *guard_page;
static long page_size;

/* A fault in the guard page: say so, then die of it. */
static void on_sigsegv(int sig, siginfo_t *info, void *ctx)
{
	static const char msg[] = "# fault in the guard page: a read past the bytes given\n";
	u8 *addr = info->si_addr;

	(void)ctx;
	if (addr >= guard_page + page_size && addr < guard_page + 2 * page_size &&
	    write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(KSFT_FAIL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void guard_setup(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigsegv,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	page_size = sysconf(_SC_PAGESIZE);
	guard_page = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_page == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	if (mprotect(guard_page + page_size, page_size, PROT_NONE))
		ksft_exit_fail_msg("mprotect: %s\n", strerror(errno));
}

/* @n bytes copied so that the last one is the last of the page. */
static const u8 *at_page_end(const u8 *bytes, size_t n)
{
	u8 *p = guard_page + page_size - n;

	memcpy(p, bytes, n);
	return p;
}

/* ---- decode tables ------------------------------------------------- */

struct decode_case {
	enum tvmm_insn_mode mode;
	const char *text;	/* GNU as syntax; make asm-check */
	const char *hex;	/* its bytes */
	u8 op;
	u8 access;
	u8 size;		/* operand size */
	u8 mem;			/* memory size; 0: the operand size */
	u8 addr;		/* address size; 0: the mode's default */
	u8 reg;
	u8 rex;
	u16 flags;		/* the CHECKED_FLAGS set */
	u8 seg;			/* SEG(x), or 0 */
	s64 imm;
	s64 disp;
	u64 moffs;
};

static const struct decode_case decode_cases[] = {
	/* 64-bit: MOV store, each register width, AH..BH against REX */
	{ M64, "mov %al,(%rbx)", "88 03", STORE, WR, 1 },
	{ M64, "mov %ah,(%rbx)", "88 23", STORE, WR, 1, .flags = H8 },
	{ M64, "mov %bh,(%rbx)", "88 3b", STORE, WR, 1, .reg = RBX,
	  .flags = H8 },
	{ M64, "mov %spl,(%rbx)", "40 88 23", STORE, WR, 1, .reg = RSP,
	  .rex = 0x40 },
	{ M64, "mov %sil,(%rbx)", "40 88 33", STORE, WR, 1, .reg = RSI,
	  .rex = 0x40 },
	{ M64, "mov %dil,(%rbx)", "40 88 3b", STORE, WR, 1, .reg = RDI,
	  .rex = 0x40 },
	{ M64, "mov %r8b,(%rbx)", "44 88 03", STORE, WR, 1, .reg = 8,
	  .rex = 0x44 },
	{ M64, "mov %ax,(%rbx)", "66 89 03", STORE, WR, 2 },
	{ M64, "mov %eax,(%rbx)", "89 03", STORE, WR, 4 },
	{ M64, "mov %rax,(%rbx)", "48 89 03", STORE, WR, 8, .rex = 0x48 },
	{ M64, "mov %r15,(%rbx)", "4c 89 3b", STORE, WR, 8, .reg = 15,
	  .rex = 0x4c },
	{ M64, "mov %r9d,0x10(%rbp)", "44 89 4d 10", STORE, WR, 4, .reg = 9,
	  .rex = 0x44, .disp = 0x10 },
	/* REX.B and REX.X extend the address registers, not the operand */
	{ M64, "mov %eax,(%r8)", "41 89 00", STORE, WR, 4, .rex = 0x41 },
	{ M64, "mov %eax,(%r8,%r9,2)", "43 89 04 48", STORE, WR, 4,
	  .rex = 0x43, .flags = SIB },
	/* MOV load */
	{ M64, "mov (%rbx),%cl", "8a 0b", LOAD, RD, 1, .reg = RCX,
	  .flags = DST },
	{ M64, "mov (%rbx),%dh", "8a 33", LOAD, RD, 1, .reg = RDX,
	  .flags = DST | H8 },
	{ M64, "mov (%rbx),%dx", "66 8b 13", LOAD, RD, 2, .reg = RDX,
	  .flags = DST },
	{ M64, "mov (%rbx),%edx", "8b 13", LOAD, RD, 4, .reg = RDX,
	  .flags = DST },
	{ M64, "mov (%rbx),%rdx", "48 8b 13", LOAD, RD, 8, .reg = RDX,
	  .rex = 0x48, .flags = DST },
	{ M64, "mov (%rbx),%r10w", "66 44 8b 13", LOAD, RD, 2, .reg = 10,
	  .rex = 0x44, .flags = DST },
	/* addressing forms: RIP-relative, SIB, no base, disp32 limits */
	{ M64, "mov 0x12345678(%rip),%eax", "8b 05 78 56 34 12", LOAD, RD, 4,
	  .flags = DST | RIPREL, .disp = 0x12345678 },
	{ M64, "mov -8(%rsp,%rcx,4),%eax", "8b 44 8c f8", LOAD, RD, 4,
	  .flags = DST | SIB, .disp = -8 },
	{ M64, "mov 0x1000(,%rcx,8),%eax", "8b 04 cd 00 10 00 00", LOAD, RD,
	  4, .flags = DST | SIB, .disp = 0x1000 },
	{ M64, "mov %eax,0x7fffffff(%rbx)", "89 83 ff ff ff 7f", STORE, WR, 4,
	  .disp = 0x7fffffff },
	{ M64, "mov %eax,-0x80000000(%rbx)", "89 83 00 00 00 80", STORE, WR,
	  4, .disp = -0x80000000LL },
	/* address-size prefix: 32-bit addressing, EIP-relative */
	{ M64, "mov %eax,(%ebx)", "67 89 03", STORE, WR, 4, .addr = 4 },
	{ M64, "mov 0x10(%eip),%eax", "67 8b 05 10 00 00 00", LOAD, RD, 4,
	  .addr = 4, .flags = DST | RIPREL, .disp = 0x10 },
	/* segment overrides, recorded; of two, the last */
	{ M64, "mov %eax,%fs:(%rbx)", "64 89 03", STORE, WR, 4, .seg = SEG(FS) },
	{ M64, "mov %eax,%gs:0x28", "65 89 04 25 28 00 00 00", STORE, WR, 4,
	  .seg = SEG(GS), .flags = SIB, .disp = 0x28 },
	{ M64, ".byte 0x3e,0x89,0x03", "3e 89 03", STORE, WR, 4,
	  .seg = SEG(DS) },
	{ M64, ".byte 0x2e,0x64,0x89,0x03", "2e 64 89 03", STORE, WR, 4,
	  .seg = SEG(FS) },
	/* MOV immediate: Ib, Iw, Id, and Id sign-extended to 64 bits */
	{ M64, "movb $0x80,(%rbx)", "c6 03 80", STIMM, WR, 1, .flags = IMM,
	  .imm = -0x80 },
	{ M64, "movw $0x8001,(%rbx)", "66 c7 03 01 80", STIMM, WR, 2,
	  .flags = IMM, .imm = -0x7fff },
	{ M64, "movl $0x80000000,(%rbx)", "c7 03 00 00 00 80", STIMM, WR, 4,
	  .flags = IMM, .imm = -0x80000000LL },
	{ M64, "movq $-2,(%rbx)", "48 c7 03 fe ff ff ff", STIMM, WR, 8,
	  .rex = 0x48, .flags = IMM, .imm = -2 },
	/* MOVZX, MOVSX, MOVSXD */
	{ M64, "movzbl (%rbx),%eax", "0f b6 03", MOVZX, RD, 4, .mem = 1,
	  .flags = DST },
	{ M64, "movzbw (%rbx),%ax", "66 0f b6 03", MOVZX, RD, 2, .mem = 1,
	  .flags = DST },
	{ M64, "movzbq (%rbx),%r8", "4c 0f b6 03", MOVZX, RD, 8, .mem = 1,
	  .reg = 8, .rex = 0x4c, .flags = DST },
	{ M64, "movzwl (%rbx),%eax", "0f b7 03", MOVZX, RD, 4, .mem = 2,
	  .flags = DST },
	{ M64, "movzwq (%rbx),%rax", "48 0f b7 03", MOVZX, RD, 8, .mem = 2,
	  .rex = 0x48, .flags = DST },
	{ M64, "movsbl (%rbx),%eax", "0f be 03", MOVSX, RD, 4, .mem = 1,
	  .flags = DST },
	{ M64, "movsbw (%rbx),%ax", "66 0f be 03", MOVSX, RD, 2, .mem = 1,
	  .flags = DST },
	{ M64, "movsbq (%rbx),%rax", "48 0f be 03", MOVSX, RD, 8, .mem = 1,
	  .rex = 0x48, .flags = DST },
	{ M64, "movswl (%rbx),%eax", "0f bf 03", MOVSX, RD, 4, .mem = 2,
	  .flags = DST },
	{ M64, "movswq (%rbx),%rax", "48 0f bf 03", MOVSX, RD, 8, .mem = 2,
	  .rex = 0x48, .flags = DST },
	/* Gv of MOVSX is not a byte register: 4 is ESP, not AH */
	{ M64, "movsbl (%rbx),%esp", "0f be 23", MOVSX, RD, 4, .mem = 1,
	  .reg = RSP, .flags = DST },
	{ M64, "movslq (%rbx),%rax", "48 63 03", MOVSX, RD, 8, .mem = 4,
	  .rex = 0x48, .flags = DST },
	{ M64, "movsxd (%rbx),%eax", "63 03", MOVSX, RD, 4, .flags = DST },
	{ M64, "movsxd (%rbx),%ax", "66 63 03", MOVSX, RD, 2, .flags = DST },
	/* moffs: 8 bytes, or 4 with 67 */
	{ M64, "movabs 0x1122334455667788,%al",
	  "a0 88 77 66 55 44 33 22 11", LOAD, RD, 1, .flags = DST | MOFFS,
	  .moffs = 0x1122334455667788ULL },
	{ M64, "movabs 0x1122334455667788,%eax",
	  "a1 88 77 66 55 44 33 22 11", LOAD, RD, 4, .flags = DST | MOFFS,
	  .moffs = 0x1122334455667788ULL },
	{ M64, "movabs 0x1122334455667788,%rax",
	  "48 a1 88 77 66 55 44 33 22 11", LOAD, RD, 8, .rex = 0x48,
	  .flags = DST | MOFFS, .moffs = 0x1122334455667788ULL },
	{ M64, "movabs %ax,0x1122334455667788",
	  "66 a3 88 77 66 55 44 33 22 11", STORE, WR, 2, .flags = MOFFS,
	  .moffs = 0x1122334455667788ULL },
	{ M64, "addr32 movabs 0x12345678,%eax", "67 a1 78 56 34 12", LOAD, RD,
	  4, .addr = 4, .flags = DST | MOFFS, .moffs = 0x12345678 },
	{ M64, "addr32 movabs %al,0x12345678", "67 a2 78 56 34 12", STORE, WR,
	  1, .addr = 4, .flags = MOFFS, .moffs = 0x12345678 },
	/* ALU, both directions */
	{ M64, "add %eax,(%rbx)", "01 03", ADD, RMW, 4 },
	{ M64, "add (%rbx),%eax", "03 03", ADD, RD, 4, .flags = DST },
	{ M64, "or %cl,(%rbx)", "08 0b", OR, RMW, 1, .reg = RCX },
	{ M64, "or (%rbx),%cl", "0a 0b", OR, RD, 1, .reg = RCX, .flags = DST },
	{ M64, "adc %eax,(%rbx)", "11 03", ADC, RMW, 4 },
	{ M64, "sbb (%rbx),%rax", "48 1b 03", SBB, RD, 8, .rex = 0x48,
	  .flags = DST },
	{ M64, "and %ax,(%rbx)", "66 21 03", AND, RMW, 2 },
	{ M64, "sub %r8,(%rbx)", "4c 29 03", SUB, RMW, 8, .reg = 8,
	  .rex = 0x4c },
	{ M64, "xor (%rbx),%esi", "33 33", XOR, RD, 4, .reg = RSI,
	  .flags = DST },
	{ M64, "cmp %eax,(%rbx)", "39 03", CMP, RD, 4 },
	{ M64, "cmp (%rbx),%eax", "3b 03", CMP, RD, 4, .flags = DST },
	{ M64, "cmp (%rbx),%ah", "3a 23", CMP, RD, 1, .flags = DST | H8 },
	{ M64, "lock add %eax,(%rbx)", "f0 01 03", ADD, RMW, 4, .flags = LOCK },
	/* ALU with an immediate: Group 1 */
	{ M64, "addb $0xff,(%rbx)", "80 03 ff", ADD, RMW, 1, .flags = IMM,
	  .imm = -1 },
	{ M64, "addw $0x1234,(%rbx)", "66 81 03 34 12", ADD, RMW, 2,
	  .flags = IMM, .imm = 0x1234 },
	{ M64, "addl $0x12345678,(%rbx)", "81 03 78 56 34 12", ADD, RMW, 4,
	  .flags = IMM, .imm = 0x12345678 },
	{ M64, "addq $-1,(%rbx)", "48 83 03 ff", ADD, RMW, 8, .rex = 0x48,
	  .flags = IMM, .imm = -1 },
	{ M64, "orl $0x80,(%rbx)", "81 0b 80 00 00 00", OR, RMW, 4,
	  .flags = IMM, .imm = 0x80 },
	{ M64, "lock orl $0x1,(%rbx)", "f0 83 0b 01", OR, RMW, 4,
	  .flags = IMM | LOCK, .imm = 1 },
	{ M64, "adcb $0x7f,(%rbx)", "80 13 7f", ADC, RMW, 1, .flags = IMM,
	  .imm = 0x7f },
	{ M64, "sbbl $1,(%rbx)", "83 1b 01", SBB, RMW, 4, .flags = IMM,
	  .imm = 1 },
	{ M64, "andl $-16,(%rbx)", "83 23 f0", AND, RMW, 4, .flags = IMM,
	  .imm = -16 },
	{ M64, "subq $-0x80000000,(%rbx)", "48 81 2b 00 00 00 80", SUB, RMW,
	  8, .rex = 0x48, .flags = IMM, .imm = -0x80000000LL },
	{ M64, "xorw $-2,(%rbx)", "66 83 33 fe", XOR, RMW, 2, .flags = IMM,
	  .imm = -2 },
	{ M64, "cmpb $1,(%rbx)", "80 3b 01", CMP, RD, 1, .flags = IMM,
	  .imm = 1 },
	{ M64, "cmpq $0x7fffffff,(%rbx)", "48 81 3b ff ff ff 7f", CMP, RD, 8,
	  .rex = 0x48, .flags = IMM, .imm = 0x7fffffff },
	/* TEST: read only */
	{ M64, "test %eax,(%rbx)", "85 03", TEST, RD, 4 },
	{ M64, "test %cl,(%rbx)", "84 0b", TEST, RD, 1, .reg = RCX },
	{ M64, "testb $0x80,(%rbx)", "f6 03 80", TEST, RD, 1, .flags = IMM,
	  .imm = -0x80 },
	{ M64, "testw $0x8000,(%rbx)", "66 f7 03 00 80", TEST, RD, 2,
	  .flags = IMM, .imm = -0x8000 },
	{ M64, "testl $0x100,(%rbx)", "f7 03 00 01 00 00", TEST, RD, 4,
	  .flags = IMM, .imm = 0x100 },
	{ M64, "testq $-1,(%rbx)", "48 f7 03 ff ff ff ff", TEST, RD, 8,
	  .rex = 0x48, .flags = IMM, .imm = -1 },
	/* XCHG */
	{ M64, "xchg %eax,(%rbx)", "87 03", XCHG, RMW, 4 },
	{ M64, "xchg %ah,(%rbx)", "86 23", XCHG, RMW, 1, .flags = H8 },
	{ M64, "xchg %r12d,(%rbx)", "44 87 23", XCHG, RMW, 4, .reg = 12,
	  .rex = 0x44 },
	{ M64, "lock xchg %rax,(%rbx)", "f0 48 87 03", XCHG, RMW, 8,
	  .rex = 0x48, .flags = LOCK },
	/* STOS: the segment is ES whatever the prefix, which is recorded */
	{ M64, "stosb", "aa", STOS, WR, 1 },
	{ M64, "stosw", "66 ab", STOS, WR, 2 },
	{ M64, "stosl", "ab", STOS, WR, 4 },
	{ M64, "stosq", "48 ab", STOS, WR, 8, .rex = 0x48 },
	{ M64, "rep stosl", "f3 ab", STOS, WR, 4, .flags = REP },
	{ M64, "rep stosq", "f3 48 ab", STOS, WR, 8, .rex = 0x48,
	  .flags = REP },
	{ M64, "addr32 stosl", "67 ab", STOS, WR, 4, .addr = 4 },
	{ M64, "addr32 rep stosb", "67 f3 aa", STOS, WR, 1, .addr = 4,
	  .flags = REP },
	{ M64, ".byte 0x64,0xab", "64 ab", STOS, WR, 4, .seg = SEG(FS) },
	/*
	 * Prefix order (Vol. 2A, 2.2.1): a REX not right before the opcode
	 * is ignored; of two REX, the last counts; REX.W wins over 66; 66
	 * on a byte operation changes nothing; REX.W on one neither, but
	 * its REX makes 4-7 SPL..DIL.
	 */
	{ M64, ".byte 0x48,0x66,0x89,0x03", "48 66 89 03", STORE, WR, 2 },
	{ M64, ".byte 0x66,0x48,0x89,0x03", "66 48 89 03", STORE, WR, 8,
	  .rex = 0x48 },
	{ M64, ".byte 0x40,0x2e,0x88,0x23", "40 2e 88 23", STORE, WR, 1,
	  .flags = H8, .seg = SEG(CS) },
	{ M64, ".byte 0x48,0x40,0x89,0x03", "48 40 89 03", STORE, WR, 4,
	  .rex = 0x40 },
	{ M64, ".byte 0x48,0x88,0x23", "48 88 23", STORE, WR, 1, .reg = RSP,
	  .rex = 0x48 },
	{ M64, ".byte 0x66,0x88,0x03", "66 88 03", STORE, WR, 1 },
	{ M64, ".byte 0x66,0x66,0x89,0x03", "66 66 89 03", STORE, WR, 2 },
	{ M64, ".byte 0x66,0x48,0xc7,0x03,0xff,0xff,0xff,0xff",
	  "66 48 c7 03 ff ff ff ff", STIMM, WR, 8, .rex = 0x48, .flags = IMM,
	  .imm = -1 },
	{ M64, ".byte 0x4f,0x0f,0xb6,0x00", "4f 0f b6 00", MOVZX, RD, 8,
	  .mem = 1, .reg = 8, .rex = 0x4f, .flags = DST },
	/* 15 bytes: the longest an instruction may be */
	{ M64, ".fill 13,1,0x66; .byte 0x89,0x03",
	  "66 66 66 66 66 66 66 66 66 66 66 66 66 89 03", STORE, WR, 2 },
	{ M64, ".byte 0x66,0xf0,0x67,0x48,0x81,0x84,0x88; .long 0x12345678,1",
	  "66 f0 67 48 81 84 88 78 56 34 12 01 00 00 00", ADD, RMW, 8,
	  .addr = 4, .rex = 0x48, .flags = IMM | LOCK | SIB,
	  .disp = 0x12345678, .imm = 1 },

	/* 32-bit code */
	{ M32, "mov %eax,(%ebx)", "89 03", STORE, WR, 4 },
	{ M32, "mov %ax,(%ebx)", "66 89 03", STORE, WR, 2 },
	{ M32, "mov %ah,(%ebx)", "88 23", STORE, WR, 1, .flags = H8 },
	{ M32, "mov (%ebx),%bh", "8a 3b", LOAD, RD, 1, .reg = RBX,
	  .flags = DST | H8 },
	{ M32, "mov %eax,0x10(%esp)", "89 44 24 10", STORE, WR, 4,
	  .flags = SIB, .disp = 0x10 },
	/* mod 0, rm 5 is [disp32], not RIP-relative, outside 64-bit mode */
	{ M32, "mov 0x12345678,%ecx", "8b 0d 78 56 34 12", LOAD, RD, 4,
	  .reg = RCX, .flags = DST, .disp = 0x12345678 },
	{ M32, ".byte 0x36,0x89,0x45,0xfc", "36 89 45 fc", STORE, WR, 4,
	  .seg = SEG(SS), .disp = -4 },
	{ M32, "mov 0x12345678,%eax", "a1 78 56 34 12", LOAD, RD, 4,
	  .flags = DST | MOFFS, .moffs = 0x12345678 },
	{ M32, "addr16 mov %al,0x1234", "67 a2 34 12", STORE, WR, 1, .addr = 2,
	  .flags = MOFFS, .moffs = 0x1234 },
	/* 67: 16-bit addressing (Table 2-1) */
	{ M32, "mov %eax,(%bx,%si)", "67 89 00", STORE, WR, 4, .addr = 2 },
	{ M32, "addr16 mov %ecx,0x1234", "67 89 0e 34 12", STORE, WR, 4,
	  .addr = 2, .reg = RCX, .disp = 0x1234 },
	{ M32, "movl $1,%es:(%edi)", "26 c7 07 01 00 00 00", STIMM, WR, 4,
	  .seg = SEG(ES), .flags = IMM, .imm = 1 },
	{ M32, "movzwl (%ebx),%eax", "0f b7 03", MOVZX, RD, 4, .mem = 2,
	  .flags = DST },
	{ M32, "movsbw (%ebx),%ax", "66 0f be 03", MOVSX, RD, 2, .mem = 1,
	  .flags = DST },
	{ M32, "stosb", "aa", STOS, WR, 1 },
	{ M32, "rep stosl", "f3 ab", STOS, WR, 4, .flags = REP },
	{ M32, "addr16 stosw", "67 66 ab", STOS, WR, 2, .addr = 2 },
	{ M32, "lock andl $0xfffffffe,(%ebx)", "f0 83 23 fe", AND, RMW, 4,
	  .flags = IMM | LOCK, .imm = -2 },
	{ M32, "sub (%ecx),%dl", "2a 11", SUB, RD, 1, .reg = RDX,
	  .flags = DST },
	{ M32, "xchg %eax,(%ebx)", "87 03", XCHG, RMW, 4 },
	{ M32, "testb $1,(%ebx)", "f6 03 01", TEST, RD, 1, .flags = IMM,
	  .imm = 1 },
	/* 82: the alias of 80, valid outside 64-bit mode */
	{ M32, ".byte 0x82,0x03,0x01", "82 03 01", ADD, RMW, 1, .flags = IMM,
	  .imm = 1 },

	/* 16-bit code: 16-bit operands and addresses by default */
	{ M16, "mov %ax,(%bx)", "89 07", STORE, WR, 2 },
	{ M16, "mov %eax,(%bx)", "66 89 07", STORE, WR, 4 },
	{ M16, "mov %al,(%bx,%si)", "88 00", STORE, WR, 1 },
	{ M16, "mov %ah,0x10(%bp)", "88 66 10", STORE, WR, 1, .flags = H8,
	  .disp = 0x10 },
	{ M16, "mov 0x1234,%ax", "a1 34 12", LOAD, RD, 2,
	  .flags = DST | MOFFS, .moffs = 0x1234 },
	{ M16, "mov 0x1234,%cx", "8b 0e 34 12", LOAD, RD, 2, .reg = RCX,
	  .flags = DST, .disp = 0x1234 },
	{ M16, "mov 0x1234(%bx),%cx", "8b 8f 34 12", LOAD, RD, 2, .reg = RCX,
	  .flags = DST, .disp = 0x1234 },
	{ M16, "cmpw $0x8000,-2(%bp,%di)", "81 7b fe 00 80", CMP, RD, 2,
	  .flags = IMM, .imm = -0x8000, .disp = -2 },
	{ M16, "mov %eax,(%ebx)", "67 66 89 03", STORE, WR, 4, .addr = 4 },
	{ M16, "mov %eax,(%esp)", "67 66 89 04 24", STORE, WR, 4, .addr = 4,
	  .flags = SIB },
	{ M16, "addr32 mov 0x12345678,%eax", "67 66 a1 78 56 34 12", LOAD, RD,
	  4, .addr = 4, .flags = DST | MOFFS, .moffs = 0x12345678 },
	{ M16, "mov %eax,%es:(%bx,%si)", "26 66 89 00", STORE, WR, 4,
	  .seg = SEG(ES) },
	{ M16, "movw $0x1234,(%di)", "c7 05 34 12", STIMM, WR, 2,
	  .flags = IMM, .imm = 0x1234 },
	{ M16, "movl $0x12345678,(%di)", "66 c7 05 78 56 34 12", STIMM, WR, 4,
	  .flags = IMM, .imm = 0x12345678 },
	{ M16, "movzbw (%si),%ax", "0f b6 04", MOVZX, RD, 2, .mem = 1,
	  .flags = DST },
	{ M16, "movzbl (%si),%eax", "66 0f b6 04", MOVZX, RD, 4, .mem = 1,
	  .flags = DST },
	{ M16, "movsbw (%si),%ax", "0f be 04", MOVSX, RD, 2, .mem = 1,
	  .flags = DST },
	{ M16, "stosw", "ab", STOS, WR, 2 },
	{ M16, "stosl", "66 ab", STOS, WR, 4 },
	{ M16, "rep stosb", "f3 aa", STOS, WR, 1, .flags = REP },
	{ M16, "addw $-1,(%bx)", "83 07 ff", ADD, RMW, 2, .flags = IMM,
	  .imm = -1 },
	{ M16, "lock xchg %ax,(%bx)", "f0 87 07", XCHG, RMW, 2, .flags = LOCK },
};

struct reject_case {
	enum tvmm_insn_mode mode;
	const char *text;
	const char *hex;
};

static const struct reject_case reject_cases[] = {
	/* register-direct: no memory access */
	{ M64, "mov %eax,%ebx", "89 c3" },
	{ M64, "mov %cl,%ah", "88 cc" },
	{ M64, "addl $1,%eax", "83 c0 01" },
	{ M64, "movzbl %al,%eax", "0f b6 c0" },
	{ M64, "movslq %eax,%rax", "48 63 c0" },
	{ M64, "test %eax,%eax", "85 c0" },
	{ M64, "xchg %ecx,%ebx", "87 cb" },
	{ M64, ".byte 0xc6,0xc0,0x01", "c6 c0 01" },
	{ M16, "mov %ax,%bx", "89 c3" },
	/* LOCK where it raises #UD */
	{ M64, ".byte 0xf0,0x89,0x03", "f0 89 03" },
	{ M64, ".byte 0xf0,0x8b,0x03", "f0 8b 03" },
	{ M64, ".byte 0xf0,0x39,0x03", "f0 39 03" },
	{ M64, ".byte 0xf0,0x80,0x3b,0x01", "f0 80 3b 01" },
	{ M64, ".byte 0xf0,0x03,0x03", "f0 03 03" },
	{ M64, ".byte 0xf0,0x85,0x03", "f0 85 03" },
	{ M64, ".byte 0xf0,0xab", "f0 ab" },
	{ M64, ".byte 0xf0,0x0f,0xb6,0x03", "f0 0f b6 03" },
	{ M64, ".byte 0xf0,0xc6,0x03,0x01", "f0 c6 03 01" },
	{ M64, ".byte 0xf0,0xa3,0,0,0,0,0,0,0,0", "f0 a3 00 00 00 00 00 00 00 00" },
	/* REP and REPNE where reserved, and the HLE hints */
	{ M64, ".byte 0xf3,0x89,0x03", "f3 89 03" },
	{ M64, "repne stosl", "f2 ab" },
	{ M64, ".byte 0xf2,0xf3,0xab", "f2 f3 ab" },
	{ M64, "xacquire lock addl $1,(%rbx)", "f2 f0 83 03 01" },
	{ M64, ".byte 0xf3,0x0f,0xb6,0x03", "f3 0f b6 03" },
	{ M64, ".byte 0xf3,0x8b,0x03", "f3 8b 03" },
	/* Group extensions other than the decoded ones */
	{ M64, ".byte 0xc6,0x0b,0x01", "c6 0b 01" },
	{ M64, ".byte 0xc7,0x3b,0x01,0x00,0x00,0x00", "c7 3b 01 00 00 00" },
	{ M64, ".byte 0xf7,0x0b,0x01,0x00,0x00,0x00", "f7 0b 01 00 00 00" },
	{ M64, "notl (%rbx)", "f7 13" },
	{ M64, "negl (%rbx)", "f7 1b" },
	{ M64, "mull (%rbx)", "f7 23" },
	{ M64, "divl (%rbx)", "f7 33" },
	{ M64, "negb (%rbx)", "f6 1b" },
	/* opcodes outside the set */
	{ M64, "incl (%rbx)", "ff 03" },
	{ M64, "push (%rbx)", "ff 33" },
	{ M64, "pop (%rbx)", "8f 03" },
	{ M64, "movsb", "a4" },
	{ M64, "lodsb", "ac" },
	{ M64, "cmpsb", "a6" },
	{ M64, "scasb", "ae" },
	{ M64, "cmpxchg %ecx,(%rbx)", "0f b1 0b" },
	{ M64, "xadd %ecx,(%rbx)", "0f c1 0b" },
	{ M64, "cmpxchg8b (%rbx)", "0f c7 0b" },
	{ M64, "btl $1,(%rbx)", "0f ba 23 01" },
	{ M64, "bts %eax,(%rbx)", "0f ab 03" },
	{ M64, "shll (%rbx)", "d1 23" },
	{ M64, "movdqa (%rbx),%xmm0", "66 0f 6f 03" },
	{ M64, "vmovdqa (%rbx),%ymm0", "c5 fd 6f 03" },
	{ M64, "vmovdqa64 (%rbx),%zmm0", "62 f1 fd 48 6f 03" },
	{ M64, "movnti %eax,(%rbx)", "0f c3 03" },
	{ M64, "movbe (%rbx),%eax", "0f 38 f0 03" },
	{ M64, "popcnt (%rbx),%eax", "f3 0f b8 03" },
	{ M64, "lea (%rbx),%eax", "8d 03" },
	{ M64, "mov %es,(%rbx)", "8c 03" },
	{ M64, "mov (%rbx),%es", "8e 03" },
	{ M64, "add $1,%al", "04 01" },
	{ M64, "mov $1,%eax", "b8 01 00 00 00" },
	{ M64, "nop", "90" },
	{ M64, "hlt", "f4" },
	{ M64, ".byte 0x0f,0x0f,0x03,0x0c", "0f 0f 03 0c" },
	{ M64, ".byte 0x0f,0x3a,0x0f,0x03,0x01", "0f 3a 0f 03 01" },
	{ M64, ".byte 0x0f,0xff", "0f ff" },
	{ M64, ".byte 0xd6", "d6" },
	/* valid in one mode only */
	{ M64, ".byte 0x82,0x03,0x01", "82 03 01" },
	{ M32, "arpl %ax,(%ebx)", "63 03" },
	{ M16, ".byte 0x63,0x07", "63 07" },
	{ M32, "les (%ebx),%eax", "c4 03" },
	/* no REX outside 64-bit mode: 48 is DEC eAX */
	{ M32, ".byte 0x48,0x89,0x03", "48 89 03" },
	{ M16, "inc %ax", "40" },
	/* over 15 bytes: 14 prefixes, opcode, ModRM */
	{ M64, ".fill 14,1,0x66; .byte 0x89,0x03",
	  "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 03" },
	{ M64, ".fill 16,1,0x66",
	  "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66" },
	{ M64, ".byte 0x2e,0x66,0xf0,0x67,0x48,0x81,0x84,0x88; .long 0x12345678,1",
	  "2e 66 f0 67 48 81 84 88 78 56 34 12 01 00 00 00" },
};

static bool check_decoded(const struct decode_case *c,
			  const struct tvmm_insn *in, unsigned int len)
{
	u8 addr = c->addr ? c->addr :
		  c->mode == M16 ? 2 : c->mode == M32 ? 4 : 8;
	u8 seg = c->seg ? c->seg - 1 : TVMM_INSN_SEG_NONE;
	bool modrm = !(c->flags & MOFFS) && c->op != STOS;
	bool ok = true;

	ok &= EXPECT(in->len == len);
	ok &= EXPECT(in->op == c->op);
	ok &= EXPECT(in->mem_access == c->access);
	ok &= EXPECT(in->op_size == c->size);
	ok &= EXPECT(in->mem_size == (c->mem ? c->mem : c->size));
	ok &= EXPECT(in->addr_size == addr);
	ok &= EXPECT(in->reg == c->reg);
	ok &= EXPECT(in->rex == c->rex);
	ok &= EXPECT((in->flags & CHECKED_FLAGS) == c->flags);
	ok &= EXPECT(!!(in->flags & TVMM_INSN_F_MODRM) == modrm);
	ok &= EXPECT(in->seg == seg);
	ok &= EXPECT(in->imm == c->imm);
	ok &= EXPECT(in->disp == c->disp);
	ok &= EXPECT(in->moffs == c->moffs);
	if (!ok) {
		ksft_print_msg("got: len %u op %u access %u size %u mem %u addr %u\n",
			       in->len, in->op, in->mem_access, in->op_size,
			       in->mem_size, in->addr_size);
		ksft_print_msg("got: reg %u rex %#x flags %#x seg %u\n",
			       in->reg, in->rex, in->flags, in->seg);
		ksft_print_msg("got: imm %lld disp %lld moffs %#llx\n",
			       (long long)in->imm, (long long)in->disp,
			       (unsigned long long)in->moffs);
	}
	return ok;
}

/* How the decoder took one case's bytes, given three ways. */
struct decoded {
	unsigned int len;	/* the case's bytes */
	int ret;		/* alone, the last at a page end */
	struct tvmm_insn insn;
	int padded_ret;		/* followed by 0xcc bytes */
	struct tvmm_insn padded;
	bool shorter_ok;	/* every shorter prefix at the page end */
};

/*
 * Decode @hex alone at a page end, with trailing bytes, and every shorter
 * prefix of it at the page end: those must give -ENOSPC (a valid
 * instruction needs all its bytes), or -EINVAL where @einval_ok (an
 * invalid one may be found out before its end). Nothing may be read past
 * the page end: the page after it faults.
 */
static void decode_three_ways(const char *hex, enum tvmm_insn_mode mode,
			      bool einval_ok, struct decoded *d)
{
	u8 bytes[TVMM_INSN_MAX_LEN + 1], padded[32];
	struct tvmm_insn out;
	unsigned int k;
	int ret;

	d->len = parse_hex(hex, bytes, sizeof(bytes));
	d->ret = tvmm_insn_decode(at_page_end(bytes, d->len), d->len, mode,
				  &d->insn);
	memset(padded, 0xcc, sizeof(padded));
	memcpy(padded, bytes, d->len);
	d->padded_ret = tvmm_insn_decode(padded, sizeof(padded), mode,
					 &d->padded);
	d->shorter_ok = true;
	for (k = 0; k < d->len; k++) {
		ret = tvmm_insn_decode(at_page_end(bytes, k), k, mode, &out);
		if (ret != -ENOSPC && !(einval_ok && ret == -EINVAL)) {
			ksft_print_msg("%u of %u bytes: %d\n", k, d->len, ret);
			d->shorter_ok = false;
		}
	}
}

/* One decode case: what the SDM says it is, however it is given. */
static void test_decode_case(const struct decode_case *c)
{
	struct decoded d;
	bool ok = true;

	decode_three_ways(c->hex, c->mode, false, &d);
	ok &= EXPECT(d.ret == 0);
	if (!d.ret)
		ok &= check_decoded(c, &d.insn, d.len);
	ok &= EXPECT(d.padded_ret == 0 &&
		     !memcmp(&d.insn, &d.padded, sizeof(d.insn)));
	ok &= EXPECT(d.shorter_ok);
	ksft_test_result(ok, "decode%s: %s\n", mode_name(c->mode), c->text);
}

/* One reject case: -EINVAL and nothing filled in, however it is given. */
static void test_reject_case(const struct reject_case *c)
{
	static const struct tvmm_insn zero;
	struct decoded d;
	bool ok = true;

	decode_three_ways(c->hex, c->mode, true, &d);
	ok &= EXPECT(d.ret == -EINVAL);
	ok &= EXPECT(!memcmp(&d.insn, &zero, sizeof(zero)));
	ok &= EXPECT(d.padded_ret == -EINVAL);
	ok &= EXPECT(d.shorter_ok);
	ksft_test_result(ok, "reject%s: %s\n", mode_name(c->mode), c->text);
}

static void test_bad_mode(void)
{
	static const u8 mov[] = { 0x89, 0x03 };
	struct tvmm_insn out;
	bool ok = true;

	ok &= EXPECT(tvmm_insn_decode(mov, sizeof(mov), (enum tvmm_insn_mode)3,
				      &out) == -EINVAL);
	ok &= EXPECT(tvmm_insn_decode(mov, 0, M64, &out) == -ENOSPC);
	ok &= EXPECT(tvmm_insn_decode(NULL, 0, M64, &out) == -ENOSPC);
	ksft_test_result(ok, "decode: unknown mode is -EINVAL, no bytes -ENOSPC\n");
}

/* ---- completion tables ---------------------------------------------- */

/* Every register starts as this pattern, but the one a case names. */
static u64 reg_pattern(unsigned int r)
{
	return 0x0101010101010101ULL * (0xa0 + r);
}

static void regs_init(u64 regs[TVMM_INSN_NR_GPRS])
{
	unsigned int r;

	for (r = 0; r < TVMM_INSN_NR_GPRS; r++)
		regs[r] = reg_pattern(r);
}

/* All registers but those in the @skip mask still hold the pattern. */
static bool regs_untouched(const u64 regs[TVMM_INSN_NR_GPRS],
			   unsigned int skip)
{
	unsigned int r;
	bool ok = true;

	for (r = 0; r < TVMM_INSN_NR_GPRS; r++)
		if (!(skip & 1u << r) && regs[r] != reg_pattern(r)) {
			ksft_print_msg("register %u changed: %#llx\n", r,
				       (unsigned long long)regs[r]);
			ok = false;
		}
	return ok;
}

/*
 * A read: register @reg holds @before, memory gives @data; then @reg must
 * hold @after, RFLAGS @fl_out, and the write-back be @wb.
 */
struct read_case {
	enum tvmm_insn_mode mode;
	const char *text;
	const char *hex;
	u8 reg;
	u64 before, data, after;
	u64 fl_in, fl_out;	/* status flags; FL_BASE is added */
	u64 wb;
};

static const struct read_case read_cases[] = {
	/* Vol. 1, 3.4.1.1: 8/16-bit results merge, 32-bit zero-extend */
	{ M64, "mov (%rbx),%al", "8a 03", RAX,
	  0x1122334455667788, 0xab, 0x11223344556677ab },
	{ M64, "mov (%rbx),%ah", "8a 23", RAX,
	  0x1122334455667788, 0xab, 0x112233445566ab88 },
	{ M64, "mov (%rbx),%bh", "8a 3b", RBX,
	  0x1122334455667788, 0xab, 0x112233445566ab88 },
	{ M64, "mov (%rbx),%spl", "40 8a 23", RSP,
	  0x1122334455667788, 0xab, 0x11223344556677ab },
	{ M64, "mov (%rbx),%sil", "40 8a 33", RSI,
	  0x1122334455667788, 0xab, 0x11223344556677ab },
	{ M64, "mov (%rbx),%r11b", "44 8a 1b", 11,
	  0x1122334455667788, 0xab, 0x11223344556677ab },
	{ M64, "mov (%rbx),%al (data above 8 bits ignored)", "8a 03", RAX,
	  0x1122334455667788, 0xffffffffffffff5a, 0x112233445566775a },
	{ M64, "mov (%rbx),%cx", "66 8b 0b", RCX,
	  0x1122334455667788, 0xbeef, 0x112233445566beef },
	{ M64, "mov (%rbx),%ecx", "8b 0b", RCX,
	  0x1122334455667788, 0xdeadbeef, 0xdeadbeef },
	{ M64, "mov (%rbx),%rcx", "48 8b 0b", RCX,
	  0x1122334455667788, 0xfedcba9876543210, 0xfedcba9876543210 },
	{ M64, "mov (%rbx),%r9d", "44 8b 0b", 9,
	  0x1122334455667788, 0x80000000, 0x80000000 },
	{ M64, "movabs 0x1122334455667788,%eax",
	  "a1 88 77 66 55 44 33 22 11", RAX,
	  0xffffffffffffffff, 0x12345678, 0x12345678 },
	{ M32, "mov (%ebx),%eax", "8b 03", RAX,
	  0xffffffff00000000, 0xcafef00d, 0xcafef00d },
	{ M16, "mov (%bx),%ax", "8b 07", RAX,
	  0x1122334455667788, 0xbeef, 0x112233445566beef },
	/* MOVZX zero-extends, then writes as its operand size says */
	{ M64, "movzbl (%rbx),%eax", "0f b6 03", RAX,
	  0x1122334455667788, 0x80, 0x80 },
	{ M64, "movzbw (%rbx),%ax", "66 0f b6 03", RAX,
	  0x1122334455667788, 0x80, 0x1122334455660080 },
	{ M64, "movzbq (%rbx),%rax", "48 0f b6 03", RAX,
	  0x1122334455667788, 0xff, 0xff },
	{ M64, "movzwl (%rbx),%eax", "0f b7 03", RAX,
	  0x1122334455667788, 0xffff, 0xffff },
	{ M64, "movzwq (%rbx),%rax", "48 0f b7 03", RAX,
	  0x1122334455667788, 0x8000, 0x8000 },
	{ M64, "movzbl (%rbx),%r15d", "44 0f b6 3b", 15,
	  0x1122334455667788, 0xfe, 0xfe },
	/* MOVSX and MOVSXD sign-extend */
	{ M64, "movsbl (%rbx),%eax", "0f be 03", RAX,
	  0x1122334455667788, 0x80, 0xffffff80 },
	{ M64, "movsbl (%rbx),%eax (positive)", "0f be 03", RAX,
	  0x1122334455667788, 0x7f, 0x7f },
	{ M64, "movsbw (%rbx),%ax", "66 0f be 03", RAX,
	  0x1122334455667788, 0x80, 0x112233445566ff80 },
	{ M64, "movsbq (%rbx),%rax", "48 0f be 03", RAX,
	  0x1122334455667788, 0x80, 0xffffffffffffff80 },
	{ M64, "movswl (%rbx),%eax", "0f bf 03", RAX,
	  0x1122334455667788, 0x8000, 0xffff8000 },
	{ M64, "movswq (%rbx),%rax", "48 0f bf 03", RAX,
	  0x1122334455667788, 0x8001, 0xffffffffffff8001 },
	{ M64, "movslq (%rbx),%rax", "48 63 03", RAX,
	  0x1122334455667788, 0x80000000, 0xffffffff80000000 },
	{ M64, "movslq (%rbx),%rax (positive)", "48 63 03", RAX,
	  0x1122334455667788, 0x7fffffff, 0x7fffffff },
	{ M64, "movsxd (%rbx),%eax", "63 03", RAX,
	  0x1122334455667788, 0x80000000, 0x80000000 },
	{ M64, "movsxd (%rbx),%ax", "66 63 03", RAX,
	  0x1122334455667788, 0x8000, 0x1122334455668000 },
	{ M64, "movsbl (%rbx),%esp", "0f be 23", RSP,
	  0x1122334455667788, 0x80, 0xffffff80 },
	{ M16, "movsbw (%si),%ax", "0f be 04", RAX,
	  0x1122334455667788, 0xfe, 0x112233445566fffe },
	/* XCHG: the register gets memory, memory gets the register */
	{ M64, "xchg %eax,(%rbx)", "87 03", RAX,
	  0x1122334455667788, 0xcafef00d, 0xcafef00d, .wb = 0x55667788 },
	{ M64, "xchg %ah,(%rbx)", "86 23", RAX,
	  0x1122334455667788, 0x12, 0x1122334455661288, .wb = 0x77 },
	{ M64, "xchg %rax,(%rbx)", "48 87 03", RAX,
	  0x1122334455667788, 0x1, 0x1, .wb = 0x1122334455667788 },
	/*
	 * ALU ("Flags Affected" of each instruction): the written-back
	 * result, or the register, and the six status flags.
	 */
	{ M64, "add %al,(%rbx): 0x7f + 1", "00 03", RAX,
	  0x01, 0x7f, 0x01, 0, OF | SF | AF, .wb = 0x80 },
	{ M64, "add %al,(%rbx): 0xff + 1", "00 03", RAX,
	  0x01, 0xff, 0x01, 0, CF | ZF | AF | PF, .wb = 0 },
	{ M64, "add (%rbx),%eax: 0xffffffff + 1", "03 03", RAX,
	  0x11223344ffffffff, 1, 0, 0, CF | ZF | AF | PF },
	{ M64, "add %rax,(%rbx): INT64_MAX + 1", "48 01 03", RAX,
	  1, 0x7fffffffffffffff, 1, 0, OF | SF | AF | PF,
	  .wb = 0x8000000000000000 },
	{ M64, "add (%rbx),%ah: 0x10 + 0x20", "02 23", RAX,
	  0x1122334455661088, 0x20, 0x1122334455663088, 0, PF },
	{ M64, "lock add %eax,(%rbx): 1 + 2", "f0 01 03", RAX,
	  2, 1, 2, 0, PF, .wb = 3 },
	{ M64, "adc %eax,(%rbx): 0xffffffff + 0 + CF", "11 03", RAX,
	  0, 0xffffffff, 0, CF, CF | ZF | AF | PF, .wb = 0 },
	{ M64, "adc %eax,(%rbx): 0x7fffffff + 0 + CF", "11 03", RAX,
	  0, 0x7fffffff, 0, CF, OF | SF | AF | PF, .wb = 0x80000000 },
	{ M64, "adcb $0x7f,(%rbx): 0 + 0x7f + CF", "80 13 7f", RAX,
	  0, 0, 0, CF, OF | SF | AF, .wb = 0x80 },
	{ M64, "sub %eax,(%rbx): 0 - 1", "29 03", RAX,
	  1, 0, 1, 0, CF | SF | AF | PF, .wb = 0xffffffff },
	{ M64, "sub %eax,(%rbx): 0x80000000 - 1", "29 03", RAX,
	  1, 0x80000000, 1, 0, OF | AF | PF, .wb = 0x7fffffff },
	{ M64, "sub %eax,(%rbx): -1 - 1, signs differ, no overflow", "29 03",
	  RAX, 1, 0xffffffff, 1, 0, SF, .wb = 0xfffffffe },
	{ M64, "cmp (%rbx),%eax: 1 - -1, signs differ, no overflow", "3b 03",
	  RAX, 1, 0xffffffff, 1, 0, CF | AF },
	{ M64, "add %eax,(%rbx): -1 + 1, signs differ, no overflow", "01 03",
	  RAX, 1, 0xffffffff, 1, 0, CF | ZF | AF | PF, .wb = 0 },
	{ M64, "sub (%rbx),%ax: 0 - 1", "66 2b 03", RAX,
	  0x1122334455660000, 1, 0x112233445566ffff, 0, CF | SF | AF | PF },
	{ M64, "sbb %al,(%rbx): 0 - 0 - CF", "18 03", RAX,
	  0, 0, 0, CF, CF | SF | AF | PF, .wb = 0xff },
	{ M64, "sbb %al,(%rbx): 5 - 5 - CF", "18 03", RAX,
	  5, 5, 5, CF, CF | SF | AF | PF, .wb = 0xff },
	{ M64, "sbbl $1,(%rbx): 0 - 1 - 0", "83 1b 01", RAX,
	  0, 0, 0, 0, CF | SF | AF | PF, .wb = 0xffffffff },
	{ M64, "cmp (%rbx),%eax: 5 - 7", "3b 03", RAX,
	  5, 7, 5, 0, CF | SF | AF },
	{ M64, "cmp %eax,(%rbx): 7 - 5 clears all", "39 03", RAX,
	  5, 7, 5, STATUS, 0 },
	{ M64, "cmpw $0x8000,(%rbx): 0 - 0x8000", "66 81 3b 00 80", RAX,
	  0, 0, 0, 0, CF | OF | SF | PF },
	{ M64, "and %al,(%rbx): 0xf0 & 0x0f", "20 03", RAX,
	  0x0f, 0xf0, 0x0f, STATUS, ZF | PF, .wb = 0 },
	{ M64, "or %rax,(%rbx): sign bit", "48 09 03", RAX,
	  1, 0x8000000000000000, 1, 0, SF, .wb = 0x8000000000000001 },
	{ M64, "orl $0x80,(%rbx)", "81 0b 80 00 00 00", RAX,
	  0, 1, 0, CF | OF, PF, .wb = 0x81 },
	{ M64, "andl $-16,(%rbx)", "83 23 f0", RAX,
	  0, 0x12345678, 0, 0, 0, .wb = 0x12345670 },
	{ M64, "xor (%rbx),%ecx: equal", "33 0b", RCX,
	  0x11223344aaaaaaaa, 0xaaaaaaaa, 0, 0, ZF | PF },
	{ M64, "xorw $-2,(%rbx)", "66 83 33 fe", RAX,
	  0, 0x00ff, 0, 0, SF, .wb = 0xff01 },
	{ M64, "test %eax,(%rbx): no write-back", "85 03", RAX,
	  0xffffffff, 0x80000000, 0xffffffff, CF | OF, SF | PF },
	{ M64, "testb $0x80,(%rbx): 0x7f", "f6 03 80", RAX,
	  0, 0x7f, 0, 0, ZF | PF },
	{ M64, "addq $-1,(%rbx): 0 - 1", "48 83 03 ff", RAX,
	  0, 0, 0, 0, SF | PF, .wb = 0xffffffffffffffff },
	{ M64, "addq $-1,(%rbx): 1 - 1", "48 83 03 ff", RAX,
	  0, 1, 0, 0, CF | ZF | AF | PF, .wb = 0 },
	{ M16, "addw $-1,(%bx): 0x8000 - 1", "83 07 ff", RAX,
	  0, 0x8000, 0, 0, CF | OF | PF, .wb = 0x7fff },
	{ M64, "add %al,(%rbx): DF and other bits kept", "00 03", RAX,
	  0x01, 0x7f, 0x01, DF | ZF, DF | OF | SF | AF, .wb = 0x80 },
};

static void test_read_case(const struct read_case *c)
{
	u8 bytes[TVMM_INSN_MAX_LEN];
	u64 regs[TVMM_INSN_NR_GPRS], rflags, wb;
	struct tvmm_insn in;
	unsigned int n;
	bool ok = true;

	n = parse_hex(c->hex, bytes, sizeof(bytes));
	ok &= EXPECT(!tvmm_insn_decode(bytes, n, c->mode, &in));
	ok &= EXPECT(in.mem_access & TVMM_INSN_MEM_READ);
	regs_init(regs);
	regs[c->reg] = c->before;
	rflags = FL_BASE | c->fl_in;
	wb = tvmm_insn_complete_read(&in, regs, &rflags, c->data);
	ok &= EXPECT(regs[c->reg] == c->after);
	ok &= EXPECT(regs_untouched(regs, 1u << c->reg));
	ok &= EXPECT(rflags == (FL_BASE | c->fl_out));
	ok &= EXPECT(wb == c->wb);
	if (!ok)
		ksft_print_msg("reg %#llx rflags %#llx wb %#llx\n",
			       (unsigned long long)regs[c->reg],
			       (unsigned long long)rflags,
			       (unsigned long long)wb);
	ksft_test_result(ok, "read%s: %s\n", mode_name(c->mode), c->text);
}

/*
 * A write: register @reg holds @val; the data must be @data. STOS: rDI
 * and rCX (for REP) before and after, and whether it is done.
 */
struct write_case {
	enum tvmm_insn_mode mode;
	const char *text;
	const char *hex;
	u8 reg;
	u64 val, data;
	u64 rdi, rcx, rflags;	/* STOS, in */
	u64 rdi_out, rcx_out;	/* STOS, out */
	bool more;		/* REP STOS: not done */
};

static const struct write_case write_cases[] = {
	{ M64, "mov %ah,(%rbx)", "88 23", RAX, 0x1122334455667788, 0x77 },
	{ M64, "mov %bh,(%rbx)", "88 3b", RBX, 0x112233445566abcd, 0xab },
	{ M64, "mov %spl,(%rbx)", "40 88 23", RSP, 0x1122334455667788, 0x88 },
	{ M64, "mov %dil,(%rbx)", "40 88 3b", RDI, 0x11223344556677fe, 0xfe },
	{ M64, "mov %r15w,(%rbx)", "66 44 89 3b", 15, 0x1122334455667788,
	  0x7788 },
	{ M64, "mov %eax,(%rbx)", "89 03", RAX, 0x1122334455667788,
	  0x55667788 },
	{ M64, "mov %rax,(%rbx)", "48 89 03", RAX, 0x1122334455667788,
	  0x1122334455667788 },
	{ M64, "movabs %ax,0x1122334455667788", "66 a3 88 77 66 55 44 33 22 11",
	  RAX, 0x1122334455667788, 0x7788 },
	{ M64, "movb $0x80,(%rbx)", "c6 03 80", RAX, 0, 0x80 },
	{ M64, "movw $0x8001,(%rbx)", "66 c7 03 01 80", RAX, 0, 0x8001 },
	{ M64, "movl $0x80000000,(%rbx)", "c7 03 00 00 00 80", RAX, 0,
	  0x80000000 },
	{ M64, "movq $-2,(%rbx)", "48 c7 03 fe ff ff ff", RAX, 0,
	  0xfffffffffffffffe },
	{ M64, "movq $0x7fffffff,(%rbx)", "48 c7 03 ff ff ff 7f", RAX, 0,
	  0x7fffffff },
	{ M16, "movw $0x1234,(%di)", "c7 05 34 12", RAX, 0, 0x1234 },
	{ M32, "mov %ax,(%ebx)", "66 89 03", RAX, 0x1122334455667788, 0x7788 },
	/* STOS: rDI moves by the size, down with DF; rCX counts for REP */
	{ M64, "stosl", "ab", RAX, 0x1122334455667788, 0x55667788,
	  0x1000, 5, 0, 0x1004, 5 },
	{ M64, "stosl, DF", "ab", RAX, 0x1122334455667788, 0x55667788,
	  0x1000, 5, DF, 0xffc, 5 },
	{ M64, "stosq, DF, wraps", "48 ab", RAX, 1, 1,
	  0, 5, DF, 0xfffffffffffffff8, 5 },
	{ M64, "stosb", "aa", RAX, 0x1122334455667788, 0x88,
	  0x1000, 5, 0, 0x1001, 5 },
	{ M64, "addr32 stosl: EDI wraps, zero-extended", "67 ab", RAX, 0, 0,
	  0x12345678fffffffe, 5, 0, 0x2, 5 },
	{ M16, "stosw: DI wraps, bits 63:16 kept", "ab", RAX, 0x1234, 0x1234,
	  0xaaaa5555ffff, 5, 0, 0xaaaa55550001, 5 },
	{ M64, "rep stosl: 3 left", "f3 ab", RAX, 7, 7,
	  0x1000, 3, 0, 0x1004, 2, true },
	{ M64, "rep stosl: last", "f3 ab", RAX, 7, 7,
	  0x1000, 1, 0, 0x1004, 0 },
	{ M64, "rep stosq: DF", "f3 48 ab", RAX, 7, 7,
	  0x1000, 2, DF, 0xff8, 1, true },
	{ M64, "rep stosl: count 0 touches nothing", "f3 ab", RAX, 7, 7,
	  0x1000, 0, 0, 0x1000, 0 },
	{ M64, "addr32 rep stosb: ECX, zero-extended", "67 f3 aa", RAX, 7, 7,
	  0x1000, 0xffffffff00000001, 0, 0x1001, 0 },
	{ M16, "rep stosb: CX, bits 63:16 kept", "f3 aa", RAX, 7, 7,
	  0x12340010, 0x12340002, 0, 0x12340011, 0x12340001, true },
	{ M32, "rep stosb: ECX", "f3 aa", RAX, 7, 7,
	  0x1000, 0x100000001, 0, 0x1001, 0 },
};

static void test_write_case(const struct write_case *c)
{
	u8 bytes[TVMM_INSN_MAX_LEN];
	u64 regs[TVMM_INSN_NR_GPRS], data;
	struct tvmm_insn in;
	unsigned int n;
	bool ok = true, done;

	n = parse_hex(c->hex, bytes, sizeof(bytes));
	ok &= EXPECT(!tvmm_insn_decode(bytes, n, c->mode, &in));
	ok &= EXPECT(in.mem_access == TVMM_INSN_MEM_WRITE);
	regs_init(regs);
	regs[c->reg] = c->val;
	if (in.op == STOS) {
		regs[RDI] = c->rdi;
		regs[RCX] = c->rcx;
	}
	data = tvmm_insn_reg_read(&in, regs);
	done = tvmm_insn_complete_write(&in, regs, FL_BASE | c->rflags);
	ok &= EXPECT(data == c->data);
	ok &= EXPECT(done == !c->more);
	ok &= EXPECT(regs[c->reg] == c->val);
	if (in.op == STOS) {
		ok &= EXPECT(regs[RDI] == c->rdi_out);
		ok &= EXPECT(regs[RCX] == c->rcx_out);
		ok &= EXPECT(regs_untouched(regs, 1u << c->reg | 1u << RDI |
					    1u << RCX));
	} else {
		ok &= EXPECT(regs_untouched(regs, 1u << c->reg));
	}
	if (!ok)
		ksft_print_msg("data %#llx rdi %#llx rcx %#llx done %d\n",
			       (unsigned long long)data,
			       (unsigned long long)regs[RDI],
			       (unsigned long long)regs[RCX], done);
	ksft_test_result(ok, "write%s: %s\n", mode_name(c->mode), c->text);
}

/* ---- random bytes ---------------------------------------------------- */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Bytes the decoder looks at, to reach deep paths often. */
static const u8 interesting[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65,
	0x40, 0x41, 0x44, 0x48, 0x4c, 0x4f, 0x0f, 0xb6, 0xb7, 0xbe, 0xbf,
	0x63, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
	0x8a, 0x8b, 0xa0, 0xa1, 0xa2, 0xa3, 0xaa, 0xab, 0xc6, 0xc7, 0xf6,
	0xf7, 0x00, 0x01, 0x02, 0x03, 0x39, 0x3b, 0x04, 0x05, 0x44, 0x84,
	0x24, 0x25, 0x0d, 0x06, 0xc0, 0xff,
};

static bool fuzz_one(const u8 *bytes, unsigned int n,
		     enum tvmm_insn_mode mode, unsigned int *accepted)
{
	static const struct tvmm_insn zero;
	struct tvmm_insn a, b;
	unsigned int k;
	bool ok = true;
	int ret;

	ret = tvmm_insn_decode(at_page_end(bytes, n), n, mode, &a);
	if (ret) {
		ok &= EXPECT(ret == -EINVAL || ret == -ENOSPC);
		ok &= EXPECT(!memcmp(&a, &zero, sizeof(a)));
		if (ret == -ENOSPC)
			ok &= EXPECT(n < TVMM_INSN_MAX_LEN);
		return ok;
	}
	(*accepted)++;
	ok &= EXPECT(a.len >= 1 && a.len <= n);
	ok &= EXPECT(a.op != TVMM_INSN_INVALID && a.op <= TEST);
	ok &= EXPECT(a.mem_size == 1 || a.mem_size == 2 || a.mem_size == 4 ||
		     a.mem_size == 8);
	ok &= EXPECT(a.op_size == 1 || a.op_size == 2 || a.op_size == 4 ||
		     a.op_size == 8);
	ok &= EXPECT(a.mem_size <= a.op_size);
	ok &= EXPECT(a.addr_size == 2 || a.addr_size == 4 ||
		     a.addr_size == 8);
	ok &= EXPECT(a.mem_access != 0);
	ok &= EXPECT(a.reg < TVMM_INSN_NR_GPRS);
	ok &= EXPECT(!(a.flags & H8) || (a.reg < 4 && a.op_size == 1 &&
					 !a.rex));
	ok &= EXPECT(!a.rex || mode == M64);
	/* the same from exactly its bytes; -ENOSPC from fewer */
	ret = tvmm_insn_decode(at_page_end(bytes, a.len), a.len, mode, &b);
	ok &= EXPECT(ret == 0 && !memcmp(&a, &b, sizeof(a)));
	for (k = 0; k < a.len; k++)
		ok &= EXPECT(tvmm_insn_decode(at_page_end(bytes, k), k, mode,
					      &b) == -ENOSPC);
	return ok;
}

static void test_fuzz(void)
{
	unsigned int i, k, n, accepted = 0, iters = valgrind ? 100000 : 400000;
	u8 bytes[TVMM_INSN_MAX_LEN + 1];
	enum tvmm_insn_mode mode;
	bool ok = true;

	for (i = 0; i < iters && ok; i++) {
		n = rnd() % (sizeof(bytes) + 1);
		mode = rnd() % 3;
		for (k = 0; k < n; k++)
			bytes[k] = rnd() & 1 ? rnd() :
				   interesting[rnd() % sizeof(interesting)];
		if (!fuzz_one(bytes, n, mode, &accepted)) {
			ksft_print_msg("bytes (%u, mode %s):", n,
				       mode_name(mode));
			for (k = 0; k < n; k++)
				printf(" %02x", bytes[k]);
			printf("\n");
			ok = false;
		}
	}
	ksft_print_msg("fuzz: %u byte strings, %u decoded\n", i, accepted);
	ksft_test_result(ok && accepted > iters / 100,
			 "fuzz: random bytes at a page end\n");
}

/* ---- the CPU as a witness (x86-64 hosts) ----------------------------- */

#ifdef __x86_64__

/*
 * Below 4 GiB (so that 32-bit addresses reach it): a code page, run
 * read-only, then a data page whose first MEM_SIZE bytes are the memory
 * operand.
 */
#define MEM_SIZE	128
#define STOS_START	64	/* where rDI points for STOS */

static u8 *code_page, *data_page;
static sigjmp_buf native_fault;

/* #UD in a native run is a result: run_native() returns SIGILL. */
static void on_sigill(int sig)
{
	siglongjmp(native_fault, sig);
}

static bool native_setup(void)
{
	struct sigaction sa = { .sa_handler = on_sigill };

	code_page = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (code_page == MAP_FAILED)
		return false;
	data_page = code_page + page_size;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGILL, &sa, NULL);
	return !mprotect(code_page, page_size, PROT_READ | PROT_EXEC);
}

static bool set_code(const u8 *bytes, unsigned int n)
{
	if (mprotect(code_page, page_size, PROT_READ | PROT_WRITE))
		return false;
	memcpy(code_page, bytes, n);
	code_page[n] = 0xc3;	/* RET */
	return !mprotect(code_page, page_size, PROT_READ | PROT_EXEC);
}

/* Run the code page natively on @st and @mem; 0, or the signal. */
static int run_native(struct cpu_state *st, u8 *mem)
{
	int sig;

	memcpy(data_page, mem, MEM_SIZE);
	sig = sigsetjmp(native_fault, 1);
	if (sig)
		return sig;
	native_exec(st, code_page);
	memcpy(mem, data_page, MEM_SIZE);
	return 0;
}

/*
 * What tvmm does: each memory access of @in goes to @mem (at guest
 * address data_page), through the helpers, in the order of insn.h's
 * flow. False if an access falls outside @mem.
 */
static bool run_emulated(const struct tvmm_insn *in, struct cpu_state *st,
			 u8 *mem)
{
	u64 base = (uintptr_t)data_page, addr, data = 0, wb;
	bool done;

	if (in->op == STOS) {
		do {
			addr = st->gpr[RDI];
			if (in->addr_size == 4)
				addr = (uint32_t)addr;
			if (addr < base || addr + in->mem_size > base + MEM_SIZE)
				return false;
			wb = tvmm_insn_reg_read(in, st->gpr);
			done = tvmm_insn_complete_write(in, st->gpr, st->rflags);
			memcpy(mem + (addr - base), &wb, in->mem_size);
		} while (!done);
		return true;
	}
	if (in->mem_access & RD) {
		memcpy(&data, mem, in->mem_size);
		wb = tvmm_insn_complete_read(in, st->gpr, &st->rflags, data);
	} else {
		wb = tvmm_insn_reg_read(in, st->gpr);
		tvmm_insn_complete_write(in, st->gpr, st->rflags);
	}
	if (in->mem_access & WR)
		memcpy(mem, &wb, in->mem_size);
	return true;
}

/* A value with edge cases (0, signs, all ones) more often than chance. */
static u64 rnd_value(void)
{
	static const u64 edges[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0x7fffffffffffffff,
		0x8000000000000000, 0xffffffffffffffff, 0x0f, 0x10,
	};

	switch (rnd() % 4) {
	case 0:
		return edges[rnd() % ARRAY_SIZE(edges)];
	case 1:
		return edges[rnd() % ARRAY_SIZE(edges)] ^
		       (rnd() & 0xffffffffffff0000ULL);
	default:
		return rnd();
	}
}

static u64 rnd_rflags(void)
{
	return FL_BASE | (rnd() & (STATUS | DF));
}

/*
 * Compare the CPU's and the emulation's registers (but RSP), RFLAGS
 * (status flags and DF: the others cannot change in user mode, and
 * valgrind does not model them) and memory. AF is undefined after AND,
 * OR, XOR and TEST.
 */
static bool same_outcome(const struct tvmm_insn *in, const struct cpu_state *n,
			 const u8 *nmem, const struct cpu_state *e,
			 const u8 *emem)
{
	u64 fmask = STATUS | DF;
	unsigned int r;
	bool ok = true;

	if (in->op == AND || in->op == OR || in->op == XOR || in->op == TEST)
		fmask &= ~AF;
	for (r = 0; r < TVMM_INSN_NR_GPRS; r++)
		if (r != RSP && n->gpr[r] != e->gpr[r]) {
			ksft_print_msg("reg %u: cpu %#llx, tvmm %#llx\n", r,
				       (unsigned long long)n->gpr[r],
				       (unsigned long long)e->gpr[r]);
			ok = false;
		}
	if ((n->rflags & fmask) != (e->rflags & fmask)) {
		ksft_print_msg("rflags: cpu %#llx, tvmm %#llx\n",
			       (unsigned long long)n->rflags,
			       (unsigned long long)e->rflags);
		ok = false;
	}
	for (r = 0; r < MEM_SIZE; r++)
		if (nmem[r] != emem[r]) {
			ksft_print_msg("memory byte %u: cpu %#x, tvmm %#x\n",
				       r, nmem[r], emem[r]);
			ok = false;
			break;
		}
	return ok;
}

static void print_bytes(const char *what, const u8 *b, unsigned int n)
{
	unsigned int i;

	ksft_print_msg("%s:", what);
	for (i = 0; i < n; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

/*
 * Run @bytes natively and emulated from @st and @mem. The memory operand
 * of ModRM forms is RIP-relative to data_page, that of moffs forms is
 * data_page, STOS writes at rDI. Returns false on a difference.
 */
static bool compare_one(const u8 *bytes, unsigned int n,
			const struct tvmm_insn *in, const struct cpu_state *st,
			const u8 *mem)
{
	struct cpu_state ns = *st, es = *st;
	u8 nmem[MEM_SIZE], emem[MEM_SIZE];
	int sig;

	memcpy(nmem, mem, MEM_SIZE);
	memcpy(emem, mem, MEM_SIZE);
	sig = run_native(&ns, nmem);
	if (sig) {
		print_bytes("the CPU faulted on", bytes, n);
		ksft_print_msg("signal %d\n", sig);
		return false;
	}
	if (!run_emulated(in, &es, emem)) {
		print_bytes("emulated access out of range", bytes, n);
		return false;
	}
	if (!same_outcome(in, &ns, nmem, &es, emem)) {
		print_bytes("differs", bytes, n);
		return false;
	}
	return true;
}

/* An opcode to generate encodings of. */
struct native_form {
	u8 opcode[2];
	u8 opcode_len;
	u8 kind;
	u8 ext;			/* NF_EXT: ModRM.reg */
	u8 imm;			/* 0, 1, or NF_IZ */
};

#define NF_MODRM	0	/* ModRM.reg a register, all 8 */
#define NF_EXT		1	/* ModRM.reg = ext */
#define NF_MOFFS	2
#define NF_STRING	3
#define NF_IZ		0xff	/* imm16 with 16-bit operands, else imm32 */

static const struct native_form native_forms[] = {
	{ { 0x00 }, 1 }, { { 0x01 }, 1 }, { { 0x02 }, 1 }, { { 0x03 }, 1 },
	{ { 0x08 }, 1 }, { { 0x09 }, 1 }, { { 0x0a }, 1 }, { { 0x0b }, 1 },
	{ { 0x10 }, 1 }, { { 0x11 }, 1 }, { { 0x12 }, 1 }, { { 0x13 }, 1 },
	{ { 0x18 }, 1 }, { { 0x19 }, 1 }, { { 0x1a }, 1 }, { { 0x1b }, 1 },
	{ { 0x20 }, 1 }, { { 0x21 }, 1 }, { { 0x22 }, 1 }, { { 0x23 }, 1 },
	{ { 0x28 }, 1 }, { { 0x29 }, 1 }, { { 0x2a }, 1 }, { { 0x2b }, 1 },
	{ { 0x30 }, 1 }, { { 0x31 }, 1 }, { { 0x32 }, 1 }, { { 0x33 }, 1 },
	{ { 0x38 }, 1 }, { { 0x39 }, 1 }, { { 0x3a }, 1 }, { { 0x3b }, 1 },
	{ { 0x63 }, 1 },
	{ { 0x84 }, 1 }, { { 0x85 }, 1 }, { { 0x86 }, 1 }, { { 0x87 }, 1 },
	{ { 0x88 }, 1 }, { { 0x89 }, 1 }, { { 0x8a }, 1 }, { { 0x8b }, 1 },
	{ { 0x0f, 0xb6 }, 2 }, { { 0x0f, 0xb7 }, 2 },
	{ { 0x0f, 0xbe }, 2 }, { { 0x0f, 0xbf }, 2 },
	{ { 0x80 }, 1, NF_EXT, 0, 1 }, { { 0x80 }, 1, NF_EXT, 1, 1 },
	{ { 0x80 }, 1, NF_EXT, 2, 1 }, { { 0x80 }, 1, NF_EXT, 3, 1 },
	{ { 0x80 }, 1, NF_EXT, 4, 1 }, { { 0x80 }, 1, NF_EXT, 5, 1 },
	{ { 0x80 }, 1, NF_EXT, 6, 1 }, { { 0x80 }, 1, NF_EXT, 7, 1 },
	{ { 0x81 }, 1, NF_EXT, 0, NF_IZ }, { { 0x81 }, 1, NF_EXT, 1, NF_IZ },
	{ { 0x81 }, 1, NF_EXT, 2, NF_IZ }, { { 0x81 }, 1, NF_EXT, 3, NF_IZ },
	{ { 0x81 }, 1, NF_EXT, 4, NF_IZ }, { { 0x81 }, 1, NF_EXT, 5, NF_IZ },
	{ { 0x81 }, 1, NF_EXT, 6, NF_IZ }, { { 0x81 }, 1, NF_EXT, 7, NF_IZ },
	{ { 0x83 }, 1, NF_EXT, 0, 1 }, { { 0x83 }, 1, NF_EXT, 1, 1 },
	{ { 0x83 }, 1, NF_EXT, 2, 1 }, { { 0x83 }, 1, NF_EXT, 3, 1 },
	{ { 0x83 }, 1, NF_EXT, 4, 1 }, { { 0x83 }, 1, NF_EXT, 5, 1 },
	{ { 0x83 }, 1, NF_EXT, 6, 1 }, { { 0x83 }, 1, NF_EXT, 7, 1 },
	{ { 0xc6 }, 1, NF_EXT, 0, 1 }, { { 0xc7 }, 1, NF_EXT, 0, NF_IZ },
	{ { 0xf6 }, 1, NF_EXT, 0, 1 }, { { 0xf7 }, 1, NF_EXT, 0, NF_IZ },
	{ { 0xa0 }, 1, NF_MOFFS }, { { 0xa1 }, 1, NF_MOFFS },
	{ { 0xa2 }, 1, NF_MOFFS }, { { 0xa3 }, 1, NF_MOFFS },
	{ { 0xaa }, 1, NF_STRING }, { { 0xab }, 1, NF_STRING },
};

/* Prefix strings; those the decoder refuses for a form are skipped. */
static const struct {
	u8 b[3];
	u8 n;
} native_prefixes[] = {
	{ { 0 }, 0 }, { { 0x66 }, 1 }, { { 0x48 }, 1 }, { { 0x66, 0x48 }, 2 },
	{ { 0x40 }, 1 }, { { 0x44 }, 1 }, { { 0x4c }, 1 }, { { 0x41 }, 1 },
	{ { 0x4f }, 1 }, { { 0x66, 0x44 }, 2 }, { { 0x67 }, 1 },
	{ { 0x67, 0x48 }, 2 }, { { 0x2e }, 1 }, { { 0x48, 0x66 }, 2 },
	{ { 0x44, 0x3e }, 2 }, { { 0x4c, 0x40 }, 2 }, { { 0xf0 }, 1 },
	{ { 0xf0, 0x48 }, 2 }, { { 0xf0, 0x66, 0x44 }, 3 }, { { 0xf3 }, 1 },
	{ { 0xf3, 0x48 }, 2 }, { { 0xf3, 0x67, 0x66 }, 3 },
};

/*
 * Build: prefixes, opcode, then ModRM with mod 0 and rm 5 (RIP-relative:
 * the disp32 makes it data_page) and the immediate; or moffs (data_page,
 * 8 or 4 bytes); or nothing for STOS. Returns the length.
 */
static unsigned int build(u8 *b, const struct native_form *f,
			  const u8 *pfx, unsigned int npfx, unsigned int reg,
			  u64 imm)
{
	bool adsize = memchr(pfx, 0x67, npfx);
	bool opsize = memchr(pfx, 0x66, npfx);
	bool rexw = npfx && (pfx[npfx - 1] & 0xf8) == 0x48;
	unsigned int n = 0, i, immlen = f->imm, disp_at;
	u64 addr = (uintptr_t)data_page;
	s64 disp;

	memcpy(b, pfx, npfx);
	n = npfx;
	for (i = 0; i < f->opcode_len; i++)
		b[n++] = f->opcode[i];
	if (f->kind == NF_MOFFS) {
		for (i = 0; i < (adsize ? 4u : 8u); i++)
			b[n++] = addr >> (8 * i);
		return n;
	}
	if (f->kind == NF_STRING)
		return n;
	b[n++] = ((f->kind == NF_EXT ? f->ext : reg) & 7) << 3 | 5;
	disp_at = n;
	n += 4;
	if (immlen == NF_IZ)
		immlen = opsize && !rexw ? 2 : 4;
	for (i = 0; i < immlen; i++)
		b[n++] = imm >> (8 * i);
	disp = (s64)addr - (s64)((uintptr_t)code_page + n);
	for (i = 0; i < 4; i++)
		b[disp_at + i] = (u64)disp >> (8 * i);
	return n;
}

static unsigned int native_total, native_skipped, native_lock_ud;

/*
 * The decoder refused a LOCK form: the CPU must refuse it too, with #UD
 * (SIGILL), or the rule in insn.c is wrong.
 */
static bool lock_raises_ud(const u8 *b, unsigned int n)
{
	struct cpu_state st = { .rflags = FL_BASE };
	u8 mem[MEM_SIZE] = { 0 };
	int sig;

	if (!set_code(b, n))
		return false;
	sig = run_native(&st, mem);
	if (sig != SIGILL) {
		print_bytes("refused, but the CPU runs", b, n);
		return false;
	}
	native_lock_ud++;
	return true;
}

static bool native_form_test(const struct native_form *f)
{
	unsigned int p, reg, iter, n, r, iters = 12;
	u8 b[TVMM_INSN_MAX_LEN + 8], mem[MEM_SIZE];
	struct cpu_state st;
	struct tvmm_insn in;
	bool ok = true;

	for (p = 0; p < ARRAY_SIZE(native_prefixes); p++) {
		for (reg = 0; reg < 8; reg++) {
			if (f->kind != NF_MODRM && reg)
				break;
			n = build(b, f, native_prefixes[p].b,
				  native_prefixes[p].n, reg, rnd());
			if (n > TVMM_INSN_MAX_LEN ||
			    tvmm_insn_decode(b, n, M64, &in)) {
				native_skipped++;
				if (native_prefixes[p].b[0] == 0xf0 &&
				    !lock_raises_ud(b, n))
					return false;
				continue;
			}
			if (!EXPECT(in.len == n)) {
				print_bytes("length", b, n);
				return false;
			}
			/* RSP cannot be set natively */
			if (!(in.flags & IMM) && f->kind == NF_MODRM &&
			    in.reg == RSP && !(in.flags & H8))
				continue;
			if (!set_code(b, n))
				return false;
			for (iter = 0; iter < iters; iter++) {
				for (r = 0; r < TVMM_INSN_NR_GPRS; r++)
					st.gpr[r] = rnd_value();
				st.rflags = rnd_rflags();
				for (r = 0; r < MEM_SIZE; r++)
					mem[r] = rnd_value();
				if (in.op == STOS) {
					st.gpr[RDI] = (uintptr_t)data_page +
						      STOS_START;
					st.gpr[RCX] = 1 + rnd() % 4;
				}
				native_total++;
				if (!compare_one(b, n, &in, &st, mem))
					ok = false;
			}
			if (!ok)
				return false;
		}
	}
	return ok;
}

static bool native_ok;

/* The native tests need native_setup() to have worked. */
static bool native_unavailable(void)
{
	if (!native_ok)
		ksft_test_result_skip("native: valgrind, or no low executable memory\n");
	return !native_ok;
}

static void test_native_forms(void)
{
	unsigned int i;
	bool ok = true;

	if (native_unavailable())
		return;
	native_total = 0;
	native_skipped = 0;
	native_lock_ud = 0;
	for (i = 0; i < ARRAY_SIZE(native_forms) && ok; i++)
		ok = native_form_test(&native_forms[i]);
	ksft_print_msg("native: %u runs compared\n", native_total);
	ksft_print_msg("native: %u prefix/form pairs refused\n", native_skipped);
	ksft_print_msg("native: %u of them LOCK forms, which the CPU refuses too\n",
		       native_lock_ud);
	ksft_test_result(ok && native_total > 10000,
			 "native: every form, register and prefix set, against the CPU\n");
}

/* Every 8-bit ALU operation, every pair of operands, CF 0 and 1. */
static void test_native_alu8(void)
{
	static const u8 opcodes[] = {
		0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x84,
	};
	static const struct native_form cl_form = { .opcode_len = 1 };
	unsigned int o, dst, src, cf, n, step = 1;
	u8 b[TVMM_INSN_MAX_LEN], mem[MEM_SIZE] = { 0 };
	struct native_form f = cl_form;
	struct cpu_state st = { 0 };
	struct tvmm_insn in;
	bool ok = true;

	if (native_unavailable())
		return;
	for (o = 0; o < sizeof(opcodes) && ok; o++) {
		f.opcode[0] = opcodes[o];
		n = build(b, &f, b, 0, RCX, 0);
		if (!EXPECT(!tvmm_insn_decode(b, n, M64, &in)) ||
		    !set_code(b, n)) {
			ok = false;
			break;
		}
		for (dst = 0; dst < 256 && ok; dst += step)
			for (src = 0; src < 256 && ok; src += step)
				for (cf = 0; cf < 2 && ok; cf++) {
					mem[0] = dst;
					st.gpr[RCX] = src;
					st.rflags = FL_BASE | cf;
					ok = compare_one(b, n, &in, &st, mem);
				}
	}
	ksft_test_result(ok, "native: 8-bit ADD OR ADC SBB AND SUB XOR CMP TEST, all operands\n");
}

#else /* !__x86_64__ */

static bool native_ok;

static bool native_setup(void)
{
	return false;
}

static void test_native_forms(void)
{
	ksft_test_result_skip("native: not an x86-64 host\n");
}

static void test_native_alu8(void)
{
	ksft_test_result_skip("native: not an x86-64 host\n");
}

#endif

/* ---- main ------------------------------------------------------------- */

static void list_cases(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(decode_cases); i++)
		printf("%s\t%s\t%s\n", mode_name(decode_cases[i].mode),
		       decode_cases[i].text, decode_cases[i].hex);
	for (i = 0; i < ARRAY_SIZE(reject_cases); i++)
		printf("%s\t%s\t%s\n", mode_name(reject_cases[i].mode),
		       reject_cases[i].text, reject_cases[i].hex);
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc > 1 && !strcmp(argv[1], "--list")) {
		list_cases();
		return 0;
	}
	valgrind = argc > 1 && !strcmp(argv[1], "--valgrind");

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(decode_cases) + ARRAY_SIZE(reject_cases) +
		      ARRAY_SIZE(read_cases) + ARRAY_SIZE(write_cases) + 4);
	guard_setup();
	native_ok = !valgrind && native_setup();

	for (i = 0; i < ARRAY_SIZE(decode_cases); i++)
		test_decode_case(&decode_cases[i]);
	for (i = 0; i < ARRAY_SIZE(reject_cases); i++)
		test_reject_case(&reject_cases[i]);
	test_bad_mode();
	for (i = 0; i < ARRAY_SIZE(read_cases); i++)
		test_read_case(&read_cases[i]);
	for (i = 0; i < ARRAY_SIZE(write_cases); i++)
		test_write_case(&write_cases[i]);
	test_fuzz();
	test_native_forms();
	test_native_alu8();

	ksft_finished();
	return 0;
}
