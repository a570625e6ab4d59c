// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vmm/trace.c and vmm/trace_decode.c on fabricated trace
 * entries: every exit reason tvmm fills info[] for, decoded as text (exact
 * lines) and as JSON (valid, with the decoded members), the names of
 * exits, vectors and MSRs, the ring protocol on a hand-made ring, and the
 * statistics output.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"

#include "lib/util.h"
#include "vmm/summary.h"
#include "vmm/trace.h"
#include "trace_test.h"
#include "check.h"

#define KERNEL	TVMM_TRACE_BY_KERNEL
#define USER	TVMM_TRACE_BY_USER

/* A fabricated entry: seq 7, 100 cycles. */
#define ENTRY(reason_, by_, rip_, qual_, i0_, i1_, i2_) {		\
	.seq = 7, .rip = (rip_), .qualification = (qual_),		\
	.info = { (i0_), (i1_), (i2_) }, .exit_reason = (reason_),	\
	.handled_by = (by_), .insn_len = 2, .cycles = 100,		\
}

static struct tvmm_trace_entry entry(__u32 reason, __u8 by, __u64 rip,
				     __u64 qual, __u64 i0, __u64 i1, __u64 i2)
{
	struct tvmm_trace_entry e = ENTRY(reason, by, rip, qual, i0, i1, i2);

	return e;
}

static const struct {
	struct tvmm_trace_entry e;
	const char *action;
	const char *head;	/* the line: "cpu0 #7 " head " | " detail */
	const char *detail;	/* " | " by " (100 cycles)" */
	const char *by;
} text_cases[] = {
	/* CPUID (10): the vendor string in EBX EDX ECX order. */
	{ ENTRY(10, KERNEL, 0x7c00, 0, 0, 0x756e65470000000dULL,
		0x49656e696c65746eULL), NULL,
	  "CPUID rip=0x7c00",
	  "CPUID leaf 0x0 -> eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69 \"GenuineIntel\"",
	  "kernel" },
	/* tvmm's signature leaf: EBX ECX EDX. */
	{ ENTRY(10, KERNEL, 0x100000, 0, 0x40000000,
		0x6d6d767440000000ULL, 0x6d6d76746d6d7674ULL), NULL,
	  "CPUID rip=0x100000",
	  "CPUID leaf 0x40000000 -> eax=0x40000000 ebx=0x6d6d7674 ecx=0x6d6d7674 edx=0x6d6d7674 \"tvmmtvmmtvmm\"",
	  "kernel" },
	/* The brand string, NUL-padded; leaf 7 shows its subleaf. */
	{ ENTRY(10, KERNEL, 0x10, 0, 0x80000004, 0x0000000029434028ULL, 0),
	  NULL,
	  "CPUID rip=0x10",
	  "CPUID leaf 0x80000004 -> eax=0x29434028 ebx=0x00000000 ecx=0x00000000 edx=0x00000000 \"(@C)\"",
	  "kernel" },
	{ ENTRY(10, KERNEL, 0x10, 0, 7, 0x1, 0), NULL,
	  "CPUID rip=0x10",
	  "CPUID leaf 0x7 subleaf 0x0 -> eax=0x00000001 ebx=0x00000000 ecx=0x00000000 edx=0x00000000",
	  "kernel" },
	/* Leaf 1 is not text; a subleaf asked for is shown. */
	{ ENTRY(10, KERNEL, 0x10, 0, 0x300000001ULL, 0x00010800000906eaULL,
		0xbfebfbff7ffafbffULL), NULL,
	  "CPUID rip=0x10",
	  "CPUID leaf 0x1 subleaf 0x3 -> eax=0x000906ea ebx=0x00010800 ecx=0x7ffafbff edx=0xbfebfbff",
	  "kernel" },
	/* RDMSR (31), WRMSR (32): named, value, or #GP. */
	{ ENTRY(31, KERNEL, 0x20, 0, 0xc0000080, 0x500, 0), NULL,
	  "MSR_READ rip=0x20",
	  "RDMSR 0xc0000080 IA32_EFER -> 0x500",
	  "kernel" },
	{ ENTRY(32, KERNEL, 0x20, 0, 0x1b, 0xfee00900, 0), NULL,
	  "MSR_WRITE rip=0x20",
	  "WRMSR 0x1b IA32_APIC_BASE <- 0xfee00900",
	  "kernel" },
	{ ENTRY(31, KERNEL, 0x20, 0, 0xdeadbeef, 0, 1), NULL,
	  "MSR_READ rip=0x20",
	  "RDMSR 0xdeadbeef -> #GP",
	  "kernel" },
	{ ENTRY(32, KERNEL, 0x20, 0, 0x12345, 0x7, 1), NULL,
	  "MSR_WRITE rip=0x20",
	  "WRMSR 0x12345 <- 0x7 -> #GP",
	  "kernel" },
	/* A user MSR (TVMM_EXIT_MSR): tvmmctl's answer is the action's. */
	{ ENTRY(31, USER, 0x20, 0, 0x6e0, 0, 0), "local-apic -> 0x0",
	  "MSR_READ rip=0x20",
	  "RDMSR 0x6e0 IA32_TSC_DEADLINE",
	  "tvmmctl: local-apic -> 0x0" },
	{ ENTRY(32, USER, 0x20, 0, 0x6e0, 0x12345678, 0), "local-apic",
	  "MSR_WRITE rip=0x20",
	  "WRMSR 0x6e0 IA32_TSC_DEADLINE <- 0x12345678",
	  "tvmmctl: local-apic" },
	{ ENTRY(31, USER, 0x20, 0, 0x1b, 0, 1), NULL,
	  "MSR_READ rip=0x20",
	  "RDMSR 0x1b IA32_APIC_BASE -> #GP",
	  "tvmmctl" },
	/* I/O (30): port in bits 31:16, size - 1 in 2:0, IN bit 3. */
	{ ENTRY(30, USER, 0x7c05, 0x3f80000, 'A', 0, 0), "uart-16550a",
	  "IO_INSTRUCTION rip=0x7c05",
	  "OUT 0x3f8 <- 'A'",
	  "tvmmctl: uart-16550a" },
	{ ENTRY(30, USER, 0x7c05, 0x3f80000, '\n', 0, 0), "uart-16550a",
	  "IO_INSTRUCTION rip=0x7c05",
	  "OUT 0x3f8 <- '\\n'",
	  "tvmmctl: uart-16550a" },
	{ ENTRY(30, USER, 0x7c05, 0x3f80000, '\'', 0, 0), NULL,
	  "IO_INSTRUCTION rip=0x7c05",
	  "OUT 0x3f8 <- '\\''",
	  "tvmmctl" },
	{ ENTRY(30, USER, 0x7c05, 0x200000, 0x20, 0, 0),
	  "pic-master",
	  "IO_INSTRUCTION rip=0x7c05",
	  "OUT 0x20 <- 0x20",
	  "tvmmctl: pic-master" },
	{ ENTRY(30, USER, 0x7c05, 0x800000, 0x1ff, 0, 0),
	  "post",
	  "IO_INSTRUCTION rip=0x7c05",
	  "OUT 0x80 <- 0xff",
	  "tvmmctl: post" },
	{ ENTRY(30, USER, 0x7c07, 0x3fd0008, 0, 0, 0),
	  "uart-16550a -> 0x60",
	  "IO_INSTRUCTION rip=0x7c07",
	  "IN 0x3fd",
	  "tvmmctl: uart-16550a -> 0x60" },
	{ ENTRY(30, USER, 0x7c07, 0x12340001, 0xbeef, 0, 0),
	  "unknown port, write dropped",
	  "IO_INSTRUCTION rip=0x7c07",
	  "OUT 0x1234 <- 0xbeef (2 bytes)",
	  "tvmmctl: unknown port, write dropped" },
	{ ENTRY(30, USER, 0x7c07, 0xcfc000b, 0, 0, 0),
	  "unknown port, read as all ones",
	  "IO_INSTRUCTION rip=0x7c07",
	  "IN 0xcfc (4 bytes)",
	  "tvmmctl: unknown port, read as all ones" },
	{ ENTRY(30, USER, 0x7c07, 0x3f80030, 'h', 0, 0),
	  "uart-16550a, 6 elements",
	  "IO_INSTRUCTION rip=0x7c07",
	  "REP OUTSB 0x3f8 <- 'h'...",
	  "tvmmctl: uart-16550a, 6 elements" },
	{ ENTRY(30, USER, 0x7c07, 0x1f00019, 0, 0, 0), NULL,
	  "IO_INSTRUCTION rip=0x7c07",
	  "INSW 0x1f0",
	  "tvmmctl" },
	/* EPT violation (48): GPA, length, value written. */
	{ ENTRY(48, USER, 0x100020, 0x182, 0xfee00300, 4, 0xc4500),
	  "local-apic",
	  "EPT_VIOLATION rip=0x100020",
	  "EPT violation GPA 0xfee00300 write 4 bytes value 0xc4500 -> MMIO",
	  "tvmmctl: local-apic" },
	{ ENTRY(48, USER, 0x100020, 0x181, 0xfee00020, 4, 0),
	  "local-apic -> 0x1000000",
	  "EPT_VIOLATION rip=0x100020",
	  "EPT violation GPA 0xfee00020 read 4 bytes -> MMIO",
	  "tvmmctl: local-apic -> 0x1000000" },
	{ ENTRY(48, KERNEL, 0x100020, 0x184, 0x200000, 0, 0), NULL,
	  "EPT_VIOLATION rip=0x100020",
	  "EPT violation GPA 0x200000 fetch",
	  "kernel" },
	/* VMCALL (18): nr, first argument, result when in the kernel. */
	{ ENTRY(18, KERNEL, 0x30, 0, 0, 0x5, 0), NULL,
	  "VMCALL rip=0x30",
	  "VMCALL nr 0x0 (NOP) arg 0x5 -> 0x0",
	  "kernel" },
	{ ENTRY(18, USER, 0x30, 0, 0x1234, 0x5, 0), "unexpected: the run ends",
	  "VMCALL rip=0x30",
	  "VMCALL nr 0x1234 arg 0x5",
	  "tvmmctl: unexpected: the run ends" },
	/* CR access (28): CR in 3:0, type in 5:4, GPR in 11:8. */
	{ ENTRY(28, KERNEL, 0x40, 0x000, 0x80000011, 0, 0), NULL,
	  "CR_ACCESS rip=0x40",
	  "MOV CR0 <- rax = 0x80000011",
	  "kernel" },
	{ ENTRY(28, KERNEL, 0x40, 0x313, 0x1000, 0, 0), NULL,
	  "CR_ACCESS rip=0x40",
	  "MOV rbx <- CR3 = 0x1000",
	  "kernel" },
	{ ENTRY(28, KERNEL, 0x40, 0x020, 0, 0, 0), NULL,
	  "CR_ACCESS rip=0x40",
	  "CLTS",
	  "kernel" },
	{ ENTRY(28, KERNEL, 0x40, 0x10030, 0, 0, 0), NULL,
	  "CR_ACCESS rip=0x40",
	  "LMSW 0x1",
	  "kernel" },
	{ ENTRY(28, KERNEL, 0x40, 0xf04, 0x20, 0, 0), NULL,
	  "CR_ACCESS rip=0x40",
	  "MOV CR4 <- r15 = 0x20",
	  "kernel" },
	/* MOV DR (29). */
	{ ENTRY(29, KERNEL, 0x40, 0x217, 0, 0, 0), NULL,
	  "DR_ACCESS rip=0x40",
	  "MOV rdx <- DR7",
	  "kernel" },
	/* RDTSC (16), RDTSCP (51). */
	{ ENTRY(16, KERNEL, 0x50, 0, 0x123456789ULL, 0, 0), NULL,
	  "RDTSC rip=0x50",
	  "RDTSC -> 0x123456789",
	  "kernel" },
	{ ENTRY(51, KERNEL, 0x50, 0, 0x42, 0, 0), NULL,
	  "RDTSCP rip=0x50",
	  "RDTSCP -> 0x42",
	  "kernel" },
	/* Exceptions (0): interruption information, error code. */
	{ ENTRY(0, USER, 0x60, 0, 0x80000b0d, 0x18, 0), NULL,
	  "EXCEPTION_NMI rip=0x60",
	  "exception #GP error 0x18",
	  "tvmmctl" },
	{ ENTRY(0, USER, 0x60, 0xdead000, 0x80000b0e, 0x2, 0), NULL,
	  "EXCEPTION_NMI rip=0x60",
	  "exception #PF error 0x2 address 0xdead000",
	  "tvmmctl" },
	{ ENTRY(0, USER, 0x60, 0, 0x80000306, 0, 0), NULL,
	  "EXCEPTION_NMI rip=0x60",
	  "exception #UD",
	  "tvmmctl" },
	{ ENTRY(0, USER, 0x60, 0, 0x80000603, 0, 0), NULL,
	  "EXCEPTION_NMI rip=0x60",
	  "exception #BP (software)",
	  "tvmmctl" },
	{ ENTRY(0, KERNEL, 0x60, 0x4000, 0x80000301, 0, 0), NULL,
	  "EXCEPTION_NMI rip=0x60",
	  "exception #DB dr6 0x4000",
	  "kernel" },
	{ ENTRY(0, KERNEL, 0x60, 0, 0x80000202, 0, 0), NULL,
	  "EXCEPTION_NMI rip=0x60",
	  "NMI",
	  "kernel" },
	{ ENTRY(0, KERNEL, 0x60, 0, 0x8000031f, 0, 0), NULL,
	  "EXCEPTION_NMI rip=0x60",
	  "exception vector 31",
	  "kernel" },
	/* External interrupt (1): the host's. */
	{ ENTRY(1, KERNEL, 0x70, 0, 0x800000ec, 0, 0), NULL,
	  "EXTERNAL_INTERRUPT rip=0x70",
	  "host interrupt vector 0xec",
	  "kernel" },
	{ ENTRY(1, KERNEL, 0x70, 0, 0, 0, 0), NULL,
	  "EXTERNAL_INTERRUPT rip=0x70",
	  "host interrupt",
	  "kernel" },
	/* The ones without info[]. */
	{ ENTRY(12, USER, 0x7c0a, 0, 0, 0, 0), "wait for an interrupt",
	  "HLT rip=0x7c0a",
	  "HLT",
	  "tvmmctl: wait for an interrupt" },
	{ ENTRY(2, USER, 0x7c0a, 0, 0, 0, 0), "triple fault: the run ends",
	  "TRIPLE_FAULT rip=0x7c0a",
	  "triple fault (shutdown)",
	  "tvmmctl: triple fault: the run ends" },
	{ ENTRY(7, USER, 0x80, 0, 0, 0, 0), "interrupt window open",
	  "INTERRUPT_WINDOW rip=0x80",
	  "interrupt window open",
	  "tvmmctl: interrupt window open" },
	{ ENTRY(3, KERNEL, 0x80, 0, 0, 0, 0), NULL,
	  "INIT_SIGNAL rip=0x80",
	  "INIT signal",
	  "kernel" },
	{ ENTRY(8, KERNEL, 0x80, 0, 0, 0, 0), NULL,
	  "NMI_WINDOW rip=0x80",
	  "NMI window open",
	  "kernel" },
	{ ENTRY(9, KERNEL, 0x80, 0x80000028ULL, 0, 0, 0), NULL,
	  "TASK_SWITCH rip=0x80",
	  "task switch to 0x28 by JMP",
	  "kernel" },
	{ ENTRY(14, KERNEL, 0x80, 0xffff8000, 0, 0, 0), NULL,
	  "INVLPG rip=0x80",
	  "INVLPG 0xffff8000",
	  "kernel" },
	{ ENTRY(33, USER, 0x80, 0, 0, 0, 0), NULL,
	  "INVALID_GUEST_STATE rip=0x80",
	  "VM entry failed",
	  "tvmmctl" },
	{ ENTRY(44, KERNEL, 0x80, 0x1300, 0, 0, 0), NULL,
	  "APIC_ACCESS rip=0x80",
	  "APIC access offset 0x300 type 1",
	  "kernel" },
	{ ENTRY(49, USER, 0x80, 0, 0, 0, 0), NULL,
	  "EPT_MISCONFIG rip=0x80",
	  "EPT misconfiguration",
	  "tvmmctl" },
	{ ENTRY(52, KERNEL, 0x80, 0, 0, 0, 0), NULL,
	  "PREEMPTION_TIMER rip=0x80",
	  "VMX-preemption timer expired",
	  "kernel" },
	{ ENTRY(55, KERNEL, 0x80, 0, 0, 0x7, 0), NULL,
	  "XSETBV rip=0x80",
	  "XSETBV XCR0 <- 0x7",
	  "kernel" },
	{ ENTRY(40, KERNEL, 0x80, 0, 0, 0, 0), NULL,
	  "PAUSE rip=0x80",
	  "PAUSE",
	  "kernel" },
	{ ENTRY(54, KERNEL, 0x80, 0, 0, 0, 0), NULL,
	  "WBINVD rip=0x80",
	  "WBINVD",
	  "kernel" },
	{ ENTRY(77, KERNEL, 0x80, 0x5, 0, 0, 0), NULL,
	  "EXIT_77 rip=0x80",
	  "exit reason 77 qualification 0x5",
	  "kernel" },
};

bool test_trace_text(void)
{
	char line[TRACE_LINE_MAX], want[TRACE_LINE_MAX];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(text_cases); i++) {
		struct trace_record r = {
			.e = &text_cases[i].e,
			.action = text_cases[i].action,
		};
		int n = trace_format_text(line, sizeof(line), &r);

		snprintf(want, sizeof(want), "cpu0 #7 %s | %s | %s (100 cycles)",
			 text_cases[i].head, text_cases[i].detail,
			 text_cases[i].by);
		if (n != (int)strlen(want) || strcmp(line, want)) {
			ksft_print_msg("case %zu:\n#  got  %s\n#  want %s\n", i,
				       line, want);
			ok = false;
		}
	}
	return ok;
}

/* The vCPU, a kernel exit's action ignored, a buffer too small. */
bool test_trace_text_edges(void)
{
	struct tvmm_trace_entry e = entry(12, KERNEL, 0x10, 0, 0, 0, 0);
	struct trace_record r = { .e = &e, .vcpu = 3, .action = "ignored" };
	char line[TRACE_LINE_MAX], small[20];
	bool ok = true;

	e.seq = 123456789012ULL;
	ok &= EXPECT(trace_format_text(line, sizeof(line), &r) > 0);
	ok &= EXPECT(!strcmp(line,
		"cpu3 #123456789012 HLT rip=0x10 | HLT | kernel (100 cycles)"));
	ok &= EXPECT(trace_format_text(small, sizeof(small), &r) == -ENOSPC);
	ok &= EXPECT(small[0] == '\0');
	ok &= EXPECT(trace_format_json(small, sizeof(small), &r) == -ENOSPC);
	ok &= EXPECT(small[0] == '\0');
	ok &= EXPECT(trace_describe(line, sizeof(line), &e) == 3);
	ok &= EXPECT(!strcmp(line, "HLT"));
	e.handled_by = 0;
	ok &= EXPECT(trace_format_text(line, sizeof(line), &r) > 0);
	ok &= EXPECT(strstr(line, "| unknown (100 cycles)"));
	return ok;
}

/* Every text case is also valid JSON with the same detail. */
bool test_trace_json(void)
{
	char line[TRACE_LINE_MAX], want[TRACE_LINE_MAX];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(text_cases); i++) {
		struct trace_record r = {
			.e = &text_cases[i].e, .vcpu = 1,
			.action = text_cases[i].action,
		};

		if (trace_format_json(line, sizeof(line), &r) <= 0 ||
		    strchr(line, '\n') || !json_valid(line)) {
			ksft_print_msg("case %zu: bad JSON %s\n", i, line);
			ok = false;
			continue;
		}
		ok &= json_is(line, "type", "\"exit\"");
		ok &= json_is(line, "vcpu", "1");
		ok &= json_is(line, "seq", "7");
		ok &= json_is(line, "cycles", "100");
		ok &= json_is(line, "handled_by",
			      text_cases[i].e.handled_by == KERNEL ?
			      "\"kernel\"" : "\"tvmmctl\"");
		/*
		 * The same detail as the text line; those with characters
		 * JSON escapes are checked by hand elsewhere.
		 */
		if (strpbrk(text_cases[i].detail, "\\\""))
			continue;
		snprintf(want, sizeof(want), "\"%s\"", text_cases[i].detail);
		ok &= json_is(line, "detail", want);
	}
	return ok;
}

/* The decoded members, one exit of each kind. */
bool test_trace_json_members(void)
{
	static const struct {
		struct tvmm_trace_entry e;
		const char *action;
		struct json_want want[11];
	} cases[] = {
		{ ENTRY(30, USER, 0x7c05, 0x3f80000, 'A', 0, 0), "uart-16550a", {
			{ "reason", "\"IO_INSTRUCTION\"" },
			{ "exit_reason", "30" },
			{ "rip", "\"0x7c05\"" },
			{ "action", "\"uart-16550a\"" },
			{ "port", "1016" },
			{ "size", "1" },
			{ "direction", "\"out\"" },
			{ "string", "false" },
			{ "value", "\"0x41\"" },
			{ "detail", "\"OUT 0x3f8 <- 'A'\"" },
		} },
		/* Handled in the kernel: an action given is not shown. */
		{ ENTRY(10, KERNEL, 0x10, 0, 0, 0x756e65470000000dULL,
			0x49656e696c65746eULL), "uart-16550a", {
			{ "leaf", "\"0x0\"" },
			{ "ebx", "\"0x756e6547\"" },
			{ "handled_by", "\"kernel\"" },
			{ "action", NULL },
		} },
		{ ENTRY(31, KERNEL, 0x20, 0, 0xc0000080, 0x500, 0),
		  "uart-16550a", {
			{ "msr", "\"0xc0000080\"" },
			{ "msr_name", "\"IA32_EFER\"" },
			{ "gp", "false" },
		} },
		{ ENTRY(48, USER, 0x100020, 0x182, 0xfee00300, 4, 0xc4500),
		  "local-apic", {
			{ "gpa", "\"0xfee00300\"" },
			{ "access", "\"write\"" },
			{ "len", "4" },
			{ "mmio", "true" },
		} },
		{ ENTRY(0, USER, 0x60, 0, 0x80000b0d, 0x18, 0), "local-apic", {
			{ "vector", "13" },
			{ "vector_name", "\"#GP\"" },
			{ "error_code", "\"0x18\"" },
			{ "event", "\"hardware_exception\"" },
		} },
	};
	char line[TRACE_LINE_MAX];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct trace_record r = {
			.e = &cases[i].e, .action = cases[i].action,
		};

		ok &= EXPECT(trace_format_json(line, sizeof(line), &r) > 0);
		ok &= json_has(line, cases[i].want);
	}
	return ok;
}

bool test_trace_names(void)
{
	bool ok = true;

	ok &= EXPECT(!strcmp(trace_exit_name(0), "EXCEPTION_NMI"));
	ok &= EXPECT(!strcmp(trace_exit_name(30), "IO_INSTRUCTION"));
	ok &= EXPECT(!strcmp(trace_exit_name(64), "XRSTORS"));
	ok &= EXPECT(!trace_exit_name(4) && !trace_exit_name(1000));
	ok &= EXPECT(!strcmp(trace_vector_name(13), "#GP"));
	ok &= EXPECT(!strcmp(trace_vector_name(2), "NMI"));
	ok &= EXPECT(!trace_vector_name(15) && !trace_vector_name(32));
	ok &= EXPECT(!strcmp(trace_msr_name(0x10), "IA32_TIME_STAMP_COUNTER"));
	ok &= EXPECT(!trace_msr_name(0x12345));
	return ok;
}

struct sink_log {
	unsigned int n;
	__u64 seqs[8];
};

static void sink(const struct tvmm_trace_entry *e, void *data)
{
	struct sink_log *log = data;

	if (log->n < ARRAY_SIZE(log->seqs))
		log->seqs[log->n] = e->seq;
	log->n++;
}

/* The consumer side on a hand-made ring of 4 entries that wraps. */
bool test_trace_ring_drain(void)
{
	static union {
		struct tvmm_trace_ring ring;
		__u8 bytes[sizeof(struct tvmm_trace_ring) +
			   4 * sizeof(struct tvmm_trace_entry)];
	} u;
	struct trace_ring tr = { .vcpu_fd = -1, .ring = &u.ring };
	struct sink_log log = { 0 };
	unsigned int i;
	bool ok = true;

	u.ring.nr_entries = 4;
	u.ring.head = 6;
	u.ring.tail = 3;
	for (i = 0; i < 4; i++)
		u.ring.entries[i].seq = 100 + i;	/* slot i */
	ok &= EXPECT(trace_ring_drain(&tr, sink, &log) == 3);
	/* Entries 3, 4, 5 are in slots 3, 0, 1. */
	ok &= EXPECT(log.n == 3 && log.seqs[0] == 103 && log.seqs[1] == 100 &&
		     log.seqs[2] == 101);
	ok &= EXPECT(u.ring.tail == 6);
	ok &= EXPECT(trace_ring_drain(&tr, sink, &log) == 0);
	/* A tail more than nr_entries behind: resynchronised, counted. */
	u.ring.head = 20;
	u.ring.tail = 10;
	log.n = 0;
	ok &= EXPECT(trace_ring_drain(&tr, sink, &log) == 0);
	ok &= EXPECT(u.ring.tail == 20 && tr.lost == 10 && log.n == 0);
	tr.ring = NULL;
	ok &= EXPECT(trace_ring_drain(&tr, sink, &log) == 0);
	return ok;
}

/* What test_trace_stats() prints as JSON lines, line by line. */
static const struct json_want json_lines[][7] = {
	{
		{ "type", "\"exit_stats\"" },
		{ "vcpu", "2" },
		{ "reason", "\"CPUID\"" },
		{ "exit_reason", "10" },
		{ "count", "4" },
		{ "avg_cycles", "1000" },
	},
	{
		{ "type", "\"exit_stats\"" },
	},
	{
		{ "type", "\"vcpu_stats\"" },
		{ "count", "7" },
	},
	{
		{ "type", "\"device_stats\"" },
		{ "device", "\"unknown ports\"" },
		{ "reads", "1" },
	},
	{
		{ "type", "\"vcpu_count\"" },
		{ "count", "9" },
	},
};

bool test_trace_stats(void)
{
	static struct tvmm_vcpu_stats st;
	char buf[4096] = "", *line;
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	unsigned int lines = 0;
	bool ok = true;

	if (!f)
		return EXPECT(false);
	st.exits[10] = 4;
	st.cycles[10] = 4000;
	st.exits[30] = 3;
	st.cycles[30] = 30001;
	trace_stats_print(f, &st, 0, false);
	trace_stats_print_count(f, "uart-16550a", 2, 5, false);
	trace_stats_print_value(f, 1, "interrupts injected", 9, false);
	fclose(f);
	ok &= EXPECT(strstr(buf,
		"stats: cpu0 CPUID                             4           4000       1000\n"));
	ok &= EXPECT(strstr(buf,
		"stats: cpu0 IO_INSTRUCTION                    3          30001      10000\n"));
	ok &= EXPECT(strstr(buf,
		"stats: cpu0 total                             7          34001       4857\n"));
	ok &= EXPECT(strstr(buf, "stats: uart-16550a"));
	ok &= EXPECT(strstr(buf, "          2 reads          5 writes\n"));
	ok &= EXPECT(strstr(buf, "stats: cpu1 interrupts injected"));
	ok &= EXPECT(!strstr(buf, "HLT"));

	memset(buf, 0, sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");
	if (!f)
		return EXPECT(false);
	trace_stats_print(f, &st, 2, true);
	trace_stats_print_count(f, "unknown ports", 1, 0, true);
	trace_stats_print_value(f, 2, "interrupts injected", 9, true);
	fclose(f);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (lines < ARRAY_SIZE(json_lines))
			ok &= json_valid(line) &&
			      json_has(line, json_lines[lines]);
		lines++;
	}
	ok &= EXPECT(lines == ARRAY_SIZE(json_lines));
	return ok;
}

/* ---- the exit summary (vmm/summary.c) ---- */

/* A boot in miniature, on two vCPUs, in two phases. */
static void summary_fill(struct exit_summary *s)
{
	/* CPUID leaf 1 three times, leaf 0xd twice: tvmm.ko's. */
	const struct tvmm_trace_entry cpuid1 = ENTRY(10, KERNEL, 0, 0, 1, 0, 0);
	const struct tvmm_trace_entry cpuid_d = ENTRY(10, KERNEL, 0, 0,
						      0x10000000dULL, 0, 0);
	/* OUT 0x3f8 (THR), IN 0x3fd (LSR): the UART's, in tvmmctl. */
	const struct tvmm_trace_entry thr = ENTRY(30, USER, 0, 0x3f80000, 'A',
						  0, 0);
	const struct tvmm_trace_entry lsr = ENTRY(30, USER, 0, 0x3fd0008, 0,
						  0, 0);
	/* WRMSR IA32_TSC_DEADLINE (the APIC's) and IA32_EFER (tvmm.ko's). */
	const struct tvmm_trace_entry tscd = ENTRY(32, USER, 0, 0, 0x6e0, 5,
						   0);
	const struct tvmm_trace_entry efer = ENTRY(32, KERNEL, 0, 0,
						   0xc0000080, 0xd01, 0);
	/* An EOI write to the local APIC; a read of guest RAM not mapped. */
	const struct tvmm_trace_entry eoi = ENTRY(48, USER, 0, 2, 0xfee000b0,
						  4, 0);
	const struct tvmm_trace_entry ram = ENTRY(48, KERNEL, 0, 1, 0x123456,
						  0, 0);
	unsigned int i;

	for (i = 0; i < 3; i++)
		summary_add(s, 0, &cpuid1);
	summary_add(s, 1, &cpuid_d);
	summary_add(s, 1, &cpuid_d);
	summary_add(s, 0, &efer);
	summary_add(s, 0, &ram);
	summary_phase(s, "second", 2000000000ULL);
	for (i = 0; i < 4; i++)
		summary_add(s, i & 1, &thr);
	summary_add(s, 0, &lsr);
	summary_add(s, 0, &tscd);
	summary_add(s, 1, &tscd);
	summary_add(s, 1, &eoi);
	summary_add(s, 1, &eoi);
	summary_end(s, 3000000000ULL);
}

static bool row_is(const struct summary_row *r, const char *what,
		   const char *device, __u64 count, __u64 user)
{
	bool ok = EXPECT(!strcmp(r->what, what)) &&
		  EXPECT(device ? r->device && !strcmp(r->device, device) :
				  !r->device) &&
		  EXPECT(r->count == count) && EXPECT(r->user == user) &&
		  EXPECT(r->cycles == count * 100);

	if (!ok)
		ksft_print_msg("row \"%s\" %s %llu %llu\n", r->what,
			       r->device ?: "-", (unsigned long long)r->count,
			       (unsigned long long)r->user);
	return ok;
}

bool test_summary_rows(void)
{
	struct summary_row rows[16], t;
	struct exit_summary s;
	bool ok = true;
	int n;

	if (!EXPECT(!summary_init(&s, 2, "first", 1000000000ULL)))
		return false;
	summary_fill(&s);
	ok &= EXPECT(s.nr_phases == 2);

	/* The whole run by reason: CPUID 5, I/O 5, WRMSR 3, EPT 3. */
	n = summary_rows(&s, -1, SUMMARY_BY_REASON, rows, 16);
	ok &= EXPECT(n == 4);
	ok &= row_is(&rows[0], "CPUID", NULL, 5, 0);
	ok &= row_is(&rows[1], "IO_INSTRUCTION", NULL, 5, 5);
	ok &= EXPECT(!strcmp(rows[2].what, "EPT_VIOLATION") ||
		     !strcmp(rows[2].what, "MSR_WRITE"));
	summary_totals(&s, -1, &t);
	ok &= EXPECT(t.count == 16 && t.user == 9 && t.cycles == 1600);

	/* Phase 0 by what was touched: leaf 1, leaf 0xd, EFER, RAM. */
	n = summary_rows(&s, 0, SUMMARY_BY_TOUCHED, rows, 16);
	ok &= EXPECT(n == 4);
	ok &= row_is(&rows[0], "CPUID leaf 0x1", NULL, 3, 0);
	ok &= row_is(&rows[1], "CPUID leaf 0xd", NULL, 2, 0);
	ok &= EXPECT(rows[2].count == 1 && rows[3].count == 1);
	ok &= EXPECT(!strcmp(rows[2].what, "WRMSR IA32_EFER") ||
		     !strcmp(rows[3].what, "WRMSR IA32_EFER"));
	ok &= EXPECT(!strcmp(rows[2].what, "EPT read guest RAM") ||
		     !strcmp(rows[3].what, "EPT read guest RAM"));

	/* Phase 1: the device registers by name, from both vCPUs. */
	n = summary_rows(&s, 1, SUMMARY_BY_TOUCHED, rows, 16);
	ok &= EXPECT(n == 4);
	ok &= row_is(&rows[0], "OUT 0x3f8 THR", "uart-16550a", 4, 4);
	/* Equal counts: in the order of their words. */
	ok &= row_is(&rows[1], "EPT write 0xfee000b0 EOI", "local-apic", 2, 2);
	ok &= row_is(&rows[2], "WRMSR IA32_TSC_DEADLINE", "local-apic", 2, 2);
	ok &= row_is(&rows[3], "IN 0x3fd LSR", "uart-16550a", 1, 1);
	/* Only the first rows fit: the count says how many there are. */
	ok &= EXPECT(summary_rows(&s, 1, SUMMARY_BY_TOUCHED, rows, 1) == 4);
	ok &= row_is(&rows[0], "OUT 0x3f8 THR", "uart-16550a", 4, 4);

	/* By device: reads and writes; tvmm.ko's own exits have none. */
	n = summary_rows(&s, -1, SUMMARY_BY_DEVICE, rows, 16);
	ok &= EXPECT(n == 2);
	ok &= row_is(&rows[0], "uart-16550a", "uart-16550a", 5, 5);
	ok &= EXPECT(rows[0].reads == 1 && rows[0].writes == 4);
	ok &= row_is(&rows[1], "local-apic", "local-apic", 4, 4);
	ok &= EXPECT(rows[1].reads == 0 && rows[1].writes == 4);
	summary_free(&s);
	return ok;
}

/* A full table keeps every exit: new keys go to their reason's "others". */
bool test_summary_overflow(void)
{
	struct tvmm_trace_entry e = ENTRY(10, KERNEL, 0, 0, 0, 0, 0);
	struct summary_row rows[4], t;
	struct exit_summary s;
	bool ok = true;
	unsigned int i;
	int n;

	if (!EXPECT(!summary_init(&s, 1, "run", 0)))
		return false;
	for (i = 0; i < 10000; i++) {
		e.info[0] = i;
		summary_add(&s, 0, &e);
	}
	summary_totals(&s, 0, &t);
	ok &= EXPECT(t.count == 10000 && t.cycles == 1000000);
	n = summary_rows(&s, 0, SUMMARY_BY_TOUCHED, rows, 1);
	ok &= EXPECT(n > 1000 && n < 4096);
	ok &= row_is(&rows[0], "CPUID, others", NULL, 10000 - (n - 1), 0);
	/* More phases than it has: the exits stay in the last one. */
	for (i = 1; i < SUMMARY_MAX_PHASES; i++)
		ok &= EXPECT(summary_phase(&s, "more", i) == (int)i);
	ok &= EXPECT(summary_phase(&s, "too many", 99) == -ENOSPC);
	summary_free(&s);
	return ok;
}

static const char *const summary_text[] = {
	"summary: first: 7 exits in 1.000 s (7 a second), 0.0% to tvmmctl, 700 host cycles in tvmm",
	"summary: all: 16 exits in 2.000 s (8 a second), 56.3% to tvmmctl, 1600 host cycles in tvmm",
	"summary: CPUID                                            5   31.3%        0        100",
	"summary:   OUT 0x3f8 THR (uart-16550a)                    4   25.0%        4        100",
	"summary:   ... and 2 more",
	"summary:   uart-16550a                                    5   31.3%        5 1 reads, 4 writes",
	NULL,
};

static const struct json_want summary_json[] = {
	{ "type", "\"summary_phase\"" }, { "phase", "\"first\"" }, { NULL, NULL },
};

bool test_summary_print(void)
{
	char buf[16384] = "", *line;
	struct exit_summary s;
	unsigned int lines = 0, phases = 0;
	bool ok = true;
	FILE *f;

	if (!EXPECT(!summary_init(&s, 2, "first", 1000000000ULL)))
		return false;
	summary_fill(&s);
	f = fmemopen(buf, sizeof(buf), "w");
	if (!f)
		return EXPECT(false);
	summary_print(f, &s, -1, 2, false);
	fclose(f);
	/* Each phase, then the whole run: 16 exits in 2 s. */
	ok &= EXPECT(has_lines(buf, summary_text));
	ok &= EXPECT(lines_fit(buf, 100));
	if (!ok)
		ksft_print_msg("%s", buf);

	memset(buf, 0, sizeof(buf));
	f = fmemopen(buf, sizeof(buf), "w");
	if (!f)
		return EXPECT(false);
	summary_print(f, &s, 0, 10, true);
	fclose(f);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		ok &= EXPECT(json_valid(line)) &&
		      EXPECT(json_is(line, "phase", "\"first\""));
		if (!lines++)
			ok &= EXPECT(json_has(line, summary_json));
		phases += !!strstr(line, "\"summary_phase\"");
	}
	/* Head, 3 reasons, 4 things touched, no device. */
	ok &= EXPECT(lines == 8 && phases == 1);
	summary_free(&s);
	return ok;
}
