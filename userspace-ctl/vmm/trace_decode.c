// SPDX-License-Identifier: GPL-2.0
/*
 * One VM exit in words, for trace.h: the names of exit reasons, vectors
 * and MSRs, and the decoders that turn a struct tvmm_trace_entry into a
 * text line or a JSON object. Pure functions of the entry: nothing here
 * touches a vCPU or prints.
 *
 * Decoding follows what tvmm puts in struct tvmm_trace_entry (uapi/tvmm.h)
 * and the exit-qualification formats of the Intel SDM Vol. 3C, 28.2.1
 * "Basic VM-Exit Information" (tables 28-1 to 28-7). Each decoder writes
 * the text detail and, when asked, the same facts as JSON members, so the
 * two outputs cannot disagree.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "lib/jsonl.h"
#include "lib/util.h"
#include "uapi/tvmm_para.h"
#include "uapi/tvmm_vmx.h"
#include "vmm/trace.h"

/* Interruption information (SDM 25.9.2, table 25-17). */
#define INTR_INFO_VECTOR(i)	((i) & 0xff)
#define INTR_INFO_TYPE(i)	(((i) >> 8) & 7)
#define INTR_INFO_ERROR_VALID	BIT(11)
#define INTR_INFO_VALID		BIT(31)
#define INTR_TYPE_EXT_INTR	0
#define INTR_TYPE_NMI		2
#define INTR_TYPE_HW_EXCEPTION	3
#define INTR_TYPE_SW_INTR	4
#define INTR_TYPE_PRIV_SW_EXC	5
#define INTR_TYPE_SW_EXCEPTION	6
#define VECTOR_DB		1
#define VECTOR_PF		14

/* I/O instructions (table 28-5). */
#define IO_QUAL_SIZE(q)		(((q) & 7) + 1)
#define IO_QUAL_IN		BIT(3)
#define IO_QUAL_STRING		BIT(4)
#define IO_QUAL_REP		BIT(5)
#define IO_QUAL_PORT(q)		(((q) >> 16) & 0xffff)

/* Control-register accesses (table 28-3). */
#define CR_QUAL_CR(q)		((q) & 0xf)
#define CR_QUAL_TYPE(q)		(((q) >> 4) & 3)
#define CR_QUAL_GPR(q)		(((q) >> 8) & 0xf)
#define CR_QUAL_LMSW_DATA(q)	(((q) >> 16) & 0xffff)
#define CR_TYPE_MOV_TO		0
#define CR_TYPE_MOV_FROM	1
#define CR_TYPE_CLTS		2
#define CR_TYPE_LMSW		3

/* MOV DR (table 28-4). */
#define DR_QUAL_DR(q)		((q) & 7)
#define DR_QUAL_FROM		BIT(4)
#define DR_QUAL_GPR(q)		(((q) >> 8) & 0xf)

/* EPT violations (table 28-7). */
#define EPT_QUAL_READ		BIT(0)
#define EPT_QUAL_WRITE		BIT(1)
#define EPT_QUAL_FETCH		BIT(2)

/* Task switches (table 28-2). */
#define TS_QUAL_SELECTOR(q)	((q) & 0xffff)
#define TS_QUAL_SOURCE(q)	(((q) >> 30) & 3)

/* APIC accesses (table 28-6). */
#define APIC_QUAL_OFFSET(q)	((q) & 0xfff)
#define APIC_QUAL_TYPE(q)	(((q) >> 12) & 0xf)

/* ---- names ---------------------------------------------------------- */

static const struct {
	unsigned int nr;
	const char *name;
} exit_names[] = {
#define TVMM_VMX_EXIT_NAME(nr, name)	{ nr, name },
#include "uapi/tvmm_names.h"
#undef TVMM_VMX_EXIT_NAME
};

const char *trace_exit_name(unsigned int reason)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_names); i++)
		if (exit_names[i].nr == reason)
			return exit_names[i].name;
	return NULL;
}

/* SDM Vol. 3A, 6.3.1 "External Interrupts...": table 6-1. */
static const char *const vector_names[32] = {
	[0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF",
	[5] = "#BR", [6] = "#UD", [7] = "#NM", [8] = "#DF",
	[10] = "#TS", [11] = "#NP", [12] = "#SS", [13] = "#GP",
	[14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC",
	[19] = "#XM", [20] = "#VE", [21] = "#CP",
};

const char *trace_vector_name(unsigned int vector)
{
	return vector < ARRAY_SIZE(vector_names) ? vector_names[vector] : NULL;
}

/* The MSRs a small kernel touches (SDM Vol. 4, table 2-2). */
static const struct {
	unsigned int msr;
	const char *name;
} msr_names[] = {
	{ 0x10, "IA32_TIME_STAMP_COUNTER" },
	{ 0x17, "IA32_PLATFORM_ID" },
	{ 0x1b, "IA32_APIC_BASE" },
	{ 0x3a, "IA32_FEATURE_CONTROL" },
	{ 0x3b, "IA32_TSC_ADJUST" },
	{ 0x48, "IA32_SPEC_CTRL" },
	{ 0x49, "IA32_PRED_CMD" },
	{ 0x8b, "IA32_BIOS_SIGN_ID" },
	{ 0xe7, "IA32_MPERF" },
	{ 0xe8, "IA32_APERF" },
	{ 0xfe, "IA32_MTRRCAP" },
	{ 0x10a, "IA32_ARCH_CAPABILITIES" },
	{ 0x174, "IA32_SYSENTER_CS" },
	{ 0x175, "IA32_SYSENTER_ESP" },
	{ 0x176, "IA32_SYSENTER_EIP" },
	{ 0x179, "IA32_MCG_CAP" },
	{ 0x17a, "IA32_MCG_STATUS" },
	{ 0x1a0, "IA32_MISC_ENABLE" },
	{ 0x277, "IA32_PAT" },
	{ 0x2ff, "IA32_MTRR_DEF_TYPE" },
	{ 0x6e0, "IA32_TSC_DEADLINE" },
	{ 0xda0, "IA32_XSS" },
	{ 0xc0000080, "IA32_EFER" },
	{ 0xc0000081, "IA32_STAR" },
	{ 0xc0000082, "IA32_LSTAR" },
	{ 0xc0000083, "IA32_CSTAR" },
	{ 0xc0000084, "IA32_FMASK" },
	{ 0xc0000100, "IA32_FS_BASE" },
	{ 0xc0000101, "IA32_GS_BASE" },
	{ 0xc0000102, "IA32_KERNEL_GS_BASE" },
	{ 0xc0000103, "IA32_TSC_AUX" },
};

const char *trace_msr_name(unsigned int msr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(msr_names); i++)
		if (msr_names[i].msr == msr)
			return msr_names[i].name;
	return NULL;
}

/* General-purpose registers by their number in exit qualifications. */
static const char *const gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* ---- decoding ------------------------------------------------------- */

/* A string being appended to; stops at the end of the buffer. */
struct sbuf {
	char *buf;
	size_t len, pos;
	bool overflow;
};

static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->pos, s->len - s->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= s->len - s->pos) {
		s->overflow = true;
		return;
	}
	s->pos += n;
}

/*
 * An I/O value: 'A' for a printable byte (not a space, which reads as
 * nothing: the PIC's EOI is 0x20), else hex of its size.
 */
static void sb_io_value(struct sbuf *s, __u32 val, unsigned int size)
{
	if (size == 1 && val > 0x20 && val < 0x7f)
		sb_printf(s, val == '\'' || val == '\\' ? "'\\%c'" : "'%c'",
			  val);
	else if (size == 1 && val == '\n')
		sb_printf(s, "'\\n'");
	else if (size == 1 && val == '\r')
		sb_printf(s, "'\\r'");
	else if (size == 1 && val == '\t')
		sb_printf(s, "'\\t'");
	else
		sb_printf(s, "0x%0*x", size * 2, val);
}

static bool is_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/*
 * The text CPUID registers spell, in the order the leaf defines it: the
 * vendor (leaf 0: EBX EDX ECX), a hypervisor signature (0x400000x0: EBX
 * ECX EDX), the brand string (0x80000002-4: EAX EBX ECX EDX, NUL-padded).
 * Only when every byte is printable.
 */
static void sb_cpuid_string(struct sbuf *s, __u32 leaf, const __u32 r[4])
{
	static const unsigned char vendor[] = { 1, 3, 2 }, hv[] = { 1, 2, 3 },
				   brand[] = { 0, 1, 2, 3 };
	const unsigned char *order;
	char str[17];
	size_t n, i;

	if (leaf == 0) {
		order = vendor;
		n = 3;
	} else if ((leaf & 0xffff00ff) == 0x40000000) {
		order = hv;
		n = 3;
	} else if (leaf >= 0x80000002 && leaf <= 0x80000004) {
		order = brand;
		n = 4;
	} else {
		return;
	}
	for (i = 0; i < n; i++)
		memcpy(str + 4 * i, &r[order[i]], 4);
	str[4 * n] = '\0';
	n = strlen(str);
	if (n && is_printable(str, n))
		sb_printf(s, " \"%s\"", str);
}

/* Leaves whose answer depends on ECX (SDM Vol. 2A, CPUID). */
static bool cpuid_leaf_indexed(__u32 leaf)
{
	switch (leaf) {
	case 4: case 7: case 0xb: case 0xd: case 0xf: case 0x10: case 0x12:
	case 0x14: case 0x17: case 0x18: case 0x1d: case 0x1f: case 0x20:
	case 0x8000001d:
		return true;
	}
	return false;
}

static void decode_cpuid(const struct tvmm_trace_entry *e, struct sbuf *t,
			 struct jsonl *j)
{
	__u32 leaf = e->info[0], subleaf = e->info[0] >> 32;
	__u32 r[4] = { e->info[1], e->info[1] >> 32, e->info[2],
		       e->info[2] >> 32 };

	sb_printf(t, "CPUID leaf 0x%x", leaf);
	if (subleaf || cpuid_leaf_indexed(leaf))
		sb_printf(t, " subleaf 0x%x", subleaf);
	sb_printf(t, " -> eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x",
		  r[0], r[1], r[2], r[3]);
	sb_cpuid_string(t, leaf, r);
	if (j) {
		jsonl_hex(j, "leaf", leaf);
		jsonl_hex(j, "subleaf", subleaf);
		jsonl_hex(j, "eax", r[0]);
		jsonl_hex(j, "ebx", r[1]);
		jsonl_hex(j, "ecx", r[2]);
		jsonl_hex(j, "edx", r[3]);
	}
}

static void decode_msr(const struct tvmm_trace_entry *e, struct sbuf *t,
		       struct jsonl *j)
{
	bool wr = e->exit_reason == TVMM_VMX_EXIT_MSR_WRITE;
	bool gp = e->info[2] & 1;
	/* A user MSR's RDMSR (TVMM_EXIT_MSR): userspace gives the value. */
	bool asked = !wr && !gp && e->handled_by == TVMM_TRACE_BY_USER;
	__u32 msr = e->info[0];
	const char *name = trace_msr_name(msr);

	sb_printf(t, "%s 0x%x", wr ? "WRMSR" : "RDMSR", msr);
	if (name)
		sb_printf(t, " %s", name);
	if (wr)
		sb_printf(t, " <- 0x%llx", (unsigned long long)e->info[1]);
	if (gp)
		sb_printf(t, " -> #GP");
	else if (!wr && !asked)
		sb_printf(t, " -> 0x%llx", (unsigned long long)e->info[1]);
	if (j) {
		jsonl_hex(j, "msr", msr);
		if (name)
			jsonl_str(j, "msr_name", name);
		if (!asked)
			jsonl_hex(j, "value", e->info[1]);
		jsonl_bool(j, "gp", gp);
	}
}

static void decode_io(const struct tvmm_trace_entry *e, struct sbuf *t,
		      struct jsonl *j)
{
	__u64 q = e->qualification;
	unsigned int size = IO_QUAL_SIZE(q), port = IO_QUAL_PORT(q);
	bool in = q & IO_QUAL_IN, str = q & IO_QUAL_STRING;
	bool rep = q & IO_QUAL_REP;
	__u32 val = size >= 4 ? (__u32)e->info[0] :
			       (__u32)e->info[0] & ((1u << (8 * size)) - 1);

	if (size != 1 && size != 2 && size != 4)
		size = 1;
	sb_printf(t, "%s%s", rep ? "REP " : "", in ? "IN" : "OUT");
	if (str)
		sb_printf(t, "S%c", size == 1 ? 'B' : size == 2 ? 'W' : 'D');
	sb_printf(t, " 0x%x", port);
	if (!in) {
		sb_printf(t, " <- ");
		sb_io_value(t, val, size);
		if (str)
			sb_printf(t, "...");
	}
	if (!str && size > 1)
		sb_printf(t, " (%u bytes)", size);
	if (j) {
		jsonl_uint(j, "port", port);
		jsonl_uint(j, "size", size);
		jsonl_str(j, "direction", in ? "in" : "out");
		jsonl_bool(j, "string", str);
		jsonl_bool(j, "rep", rep);
		if (!in)
			jsonl_hex(j, "value", val);
	}
}

static void decode_ept(const struct tvmm_trace_entry *e, struct sbuf *t,
		       struct jsonl *j)
{
	__u64 q = e->qualification;
	const char *access = q & EPT_QUAL_FETCH ? "fetch" :
			     q & EPT_QUAL_WRITE ? "write" : "read";
	bool mmio = e->handled_by == TVMM_TRACE_BY_USER;

	sb_printf(t, "EPT violation GPA 0x%llx %s",
		  (unsigned long long)e->info[0], access);
	if (e->info[1])
		sb_printf(t, " %llu byte%s", (unsigned long long)e->info[1],
			  e->info[1] == 1 ? "" : "s");
	if (q & EPT_QUAL_WRITE)
		sb_printf(t, " value 0x%llx", (unsigned long long)e->info[2]);
	if (mmio)
		sb_printf(t, " -> MMIO");
	if (j) {
		jsonl_hex(j, "gpa", e->info[0]);
		jsonl_str(j, "access", access);
		jsonl_uint(j, "len", e->info[1]);
		if (q & EPT_QUAL_WRITE)
			jsonl_hex(j, "value", e->info[2]);
		jsonl_bool(j, "mmio", mmio);
	}
}

static void decode_vmcall(const struct tvmm_trace_entry *e, struct sbuf *t,
			  struct jsonl *j)
{
	bool kernel = e->handled_by == TVMM_TRACE_BY_KERNEL;

	sb_printf(t, "VMCALL nr 0x%llx%s arg 0x%llx",
		  (unsigned long long)e->info[0],
		  e->info[0] == TVMM_HC_NOP ? " (NOP)" : "",
		  (unsigned long long)e->info[1]);
	if (kernel)
		sb_printf(t, " -> 0x%llx", (unsigned long long)e->info[2]);
	if (j) {
		jsonl_hex(j, "nr", e->info[0]);
		jsonl_hex(j, "arg0", e->info[1]);
		if (kernel)
			jsonl_hex(j, "result", e->info[2]);
	}
}

static void decode_cr(const struct tvmm_trace_entry *e, struct sbuf *t,
		      struct jsonl *j)
{
	static const char *const types[] = {
		"mov_to", "mov_from", "clts", "lmsw",
	};
	__u64 q = e->qualification;
	unsigned int cr = CR_QUAL_CR(q), type = CR_QUAL_TYPE(q);
	const char *gpr = gpr_names[CR_QUAL_GPR(q)];
	unsigned long long val = e->info[0];

	switch (type) {
	case CR_TYPE_MOV_TO:
		sb_printf(t, "MOV CR%u <- %s = 0x%llx", cr, gpr, val);
		break;
	case CR_TYPE_MOV_FROM:
		sb_printf(t, "MOV %s <- CR%u = 0x%llx", gpr, cr, val);
		break;
	case CR_TYPE_CLTS:
		sb_printf(t, "CLTS");
		break;
	default:
		sb_printf(t, "LMSW 0x%llx", (unsigned long long)
			  CR_QUAL_LMSW_DATA(q));
		break;
	}
	if (j) {
		jsonl_uint(j, "cr", cr);
		jsonl_str(j, "access", types[type]);
		if (type <= CR_TYPE_MOV_FROM)
			jsonl_str(j, "gpr", gpr);
		jsonl_hex(j, "value", type == CR_TYPE_LMSW ?
			  CR_QUAL_LMSW_DATA(q) : val);
	}
}

static void decode_dr(const struct tvmm_trace_entry *e, struct sbuf *t,
		      struct jsonl *j)
{
	__u64 q = e->qualification;
	const char *gpr = gpr_names[DR_QUAL_GPR(q)];
	bool from = q & DR_QUAL_FROM;

	if (from)
		sb_printf(t, "MOV %s <- DR%u", gpr, (unsigned int)DR_QUAL_DR(q));
	else
		sb_printf(t, "MOV DR%u <- %s", (unsigned int)DR_QUAL_DR(q), gpr);
	if (j) {
		jsonl_uint(j, "dr", DR_QUAL_DR(q));
		jsonl_str(j, "access", from ? "mov_from" : "mov_to");
		jsonl_str(j, "gpr", gpr);
	}
}

/* Interruption types (table 25-17), for JSON. */
static const char *const event_names[8] = {
	"external_interrupt", "reserved", "nmi", "hardware_exception",
	"software_interrupt", "privileged_software_exception",
	"software_exception", "other",
};

static void decode_exception(const struct tvmm_trace_entry *e,
			     struct sbuf *t, struct jsonl *j)
{
	__u32 info = e->info[0];
	unsigned int vector = INTR_INFO_VECTOR(info);
	unsigned int type = INTR_INFO_TYPE(info);
	const char *name = trace_vector_name(vector);

	if (!(info & INTR_INFO_VALID)) {
		sb_printf(t, "exception or NMI");
		return;
	}
	if (type == INTR_TYPE_NMI)
		sb_printf(t, "NMI");
	else if (type == INTR_TYPE_SW_INTR)
		sb_printf(t, "INT 0x%x", vector);
	else if (name)
		sb_printf(t, "exception %s", name);
	else
		sb_printf(t, "exception vector %u", vector);
	if (type == INTR_TYPE_SW_EXCEPTION || type == INTR_TYPE_PRIV_SW_EXC)
		sb_printf(t, " (software)");
	if (info & INTR_INFO_ERROR_VALID)
		sb_printf(t, " error 0x%llx", (unsigned long long)e->info[1]);
	if (vector == VECTOR_PF && type == INTR_TYPE_HW_EXCEPTION)
		sb_printf(t, " address 0x%llx",
			  (unsigned long long)e->qualification);
	else if (vector == VECTOR_DB && type == INTR_TYPE_HW_EXCEPTION)
		sb_printf(t, " dr6 0x%llx",
			  (unsigned long long)e->qualification);
	if (j) {
		jsonl_uint(j, "vector", vector);
		if (name)
			jsonl_str(j, "vector_name", name);
		jsonl_str(j, "event", event_names[type]);
		if (info & INTR_INFO_ERROR_VALID)
			jsonl_hex(j, "error_code", e->info[1]);
	}
}

static void decode_external_intr(const struct tvmm_trace_entry *e,
				 struct sbuf *t, struct jsonl *j)
{
	__u32 info = e->info[0];

	/* The host's interrupt, not the guest's: tvmm lets the host take it. */
	if (!(info & INTR_INFO_VALID)) {
		sb_printf(t, "host interrupt");
		return;
	}
	sb_printf(t, "host interrupt vector 0x%x", INTR_INFO_VECTOR(info));
	if (j)
		jsonl_uint(j, "vector", INTR_INFO_VECTOR(info));
}

static void decode_task_switch(const struct tvmm_trace_entry *e,
			       struct sbuf *t, struct jsonl *j)
{
	static const char *const sources[] = {
		"CALL", "IRET", "JMP", "IDT task gate",
	};
	__u64 q = e->qualification;

	sb_printf(t, "task switch to 0x%x by %s",
		  (unsigned int)TS_QUAL_SELECTOR(q), sources[TS_QUAL_SOURCE(q)]);
	if (j)
		jsonl_hex(j, "selector", TS_QUAL_SELECTOR(q));
}

/* The detail of @e in @t, and its members in @j when not NULL. */
static void decode(const struct tvmm_trace_entry *e, struct sbuf *t,
		   struct jsonl *j)
{
	unsigned long long q = e->qualification;

	switch (e->exit_reason) {
	case TVMM_VMX_EXIT_EXCEPTION_NMI:
		decode_exception(e, t, j);
		break;
	case TVMM_VMX_EXIT_EXTERNAL_INTERRUPT:
		decode_external_intr(e, t, j);
		break;
	case TVMM_VMX_EXIT_TRIPLE_FAULT:
		sb_printf(t, "triple fault (shutdown)");
		break;
	case TVMM_VMX_EXIT_INIT_SIGNAL:
		sb_printf(t, "INIT signal");
		break;
	case TVMM_VMX_EXIT_INTERRUPT_WINDOW:
		sb_printf(t, "interrupt window open");
		break;
	case TVMM_VMX_EXIT_NMI_WINDOW:
		sb_printf(t, "NMI window open");
		break;
	case TVMM_VMX_EXIT_TASK_SWITCH:
		decode_task_switch(e, t, j);
		break;
	case TVMM_VMX_EXIT_CPUID:
		decode_cpuid(e, t, j);
		break;
	case TVMM_VMX_EXIT_HLT:
		sb_printf(t, "HLT");
		break;
	case TVMM_VMX_EXIT_INVLPG:
		sb_printf(t, "INVLPG 0x%llx", q);
		if (j)
			jsonl_hex(j, "address", q);
		break;
	case TVMM_VMX_EXIT_RDTSC:
	case TVMM_VMX_EXIT_RDTSCP:
		sb_printf(t, "%s -> 0x%llx",
			  e->exit_reason == TVMM_VMX_EXIT_RDTSC ?
			  "RDTSC" : "RDTSCP",
			  (unsigned long long)e->info[0]);
		if (j)
			jsonl_hex(j, "value", e->info[0]);
		break;
	case TVMM_VMX_EXIT_VMCALL:
		decode_vmcall(e, t, j);
		break;
	case TVMM_VMX_EXIT_CR_ACCESS:
		decode_cr(e, t, j);
		break;
	case TVMM_VMX_EXIT_DR_ACCESS:
		decode_dr(e, t, j);
		break;
	case TVMM_VMX_EXIT_IO_INSTRUCTION:
		decode_io(e, t, j);
		break;
	case TVMM_VMX_EXIT_MSR_READ:
	case TVMM_VMX_EXIT_MSR_WRITE:
		decode_msr(e, t, j);
		break;
	case TVMM_VMX_EXIT_INVALID_GUEST_STATE:
	case TVMM_VMX_EXIT_MSR_LOADING:
	case TVMM_VMX_EXIT_MACHINE_CHECK:
		sb_printf(t, "VM entry failed");
		break;
	case TVMM_VMX_EXIT_APIC_ACCESS:
		sb_printf(t, "APIC access offset 0x%x type %u",
			  (unsigned int)APIC_QUAL_OFFSET(q),
			  (unsigned int)APIC_QUAL_TYPE(q));
		break;
	case TVMM_VMX_EXIT_EPT_VIOLATION:
		decode_ept(e, t, j);
		break;
	case TVMM_VMX_EXIT_EPT_MISCONFIG:
		sb_printf(t, "EPT misconfiguration");
		break;
	case TVMM_VMX_EXIT_PREEMPTION_TIMER:
		sb_printf(t, "VMX-preemption timer expired");
		break;
	case TVMM_VMX_EXIT_XSETBV:
		sb_printf(t, "XSETBV XCR%u <- 0x%llx", (unsigned int)e->info[0],
			  (unsigned long long)e->info[1]);
		if (j) {
			jsonl_uint(j, "xcr", (__u32)e->info[0]);
			jsonl_hex(j, "value", e->info[1]);
		}
		break;
	default:
		if (trace_exit_name(e->exit_reason))
			sb_printf(t, "%s", trace_exit_name(e->exit_reason));
		else
			sb_printf(t, "exit reason %u", e->exit_reason);
		if (q)
			sb_printf(t, " qualification 0x%llx", q);
		break;
	}
}

static const char *handler_name(const struct tvmm_trace_entry *e)
{
	switch (e->handled_by) {
	case TVMM_TRACE_BY_KERNEL:
		return "kernel";
	case TVMM_TRACE_BY_USER:
		return "tvmmctl";
	default:
		return "unknown";
	}
}

int trace_describe(char *buf, size_t len, const struct tvmm_trace_entry *e)
{
	struct sbuf t = { .buf = buf, .len = len };

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	decode(e, &t, NULL);
	if (t.overflow) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)t.pos;
}

int trace_format_text(char *buf, size_t len, const struct trace_record *r)
{
	const struct tvmm_trace_entry *e = r->e;
	const char *name = trace_exit_name(e->exit_reason);
	struct sbuf t = { .buf = buf, .len = len };

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	sb_printf(&t, "cpu%u #%llu ", r->vcpu, (unsigned long long)e->seq);
	if (name)
		sb_printf(&t, "%s", name);
	else
		sb_printf(&t, "EXIT_%u", e->exit_reason);
	sb_printf(&t, " rip=0x%llx | ", (unsigned long long)e->rip);
	decode(e, &t, NULL);
	sb_printf(&t, " | %s", handler_name(e));
	if (e->handled_by == TVMM_TRACE_BY_USER && r->action)
		sb_printf(&t, ": %s", r->action);
	sb_printf(&t, " (%llu cycles)", (unsigned long long)e->cycles);
	if (t.overflow) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)t.pos;
}

int trace_format_json(char *buf, size_t len, const struct trace_record *r)
{
	const struct tvmm_trace_entry *e = r->e;
	const char *name = trace_exit_name(e->exit_reason);
	char detail[TRACE_LINE_MAX / 2], fallback[16];
	struct sbuf t = { .buf = detail, .len = sizeof(detail) };
	struct jsonl j;

	if (!len)
		return -ENOSPC;
	if (!name) {
		snprintf(fallback, sizeof(fallback), "EXIT_%u", e->exit_reason);
		name = fallback;
	}
	detail[0] = '\0';
	jsonl_begin(&j, buf, len);
	jsonl_str(&j, "type", "exit");
	jsonl_uint(&j, "vcpu", r->vcpu);
	jsonl_uint(&j, "seq", e->seq);
	jsonl_str(&j, "reason", name);
	jsonl_uint(&j, "exit_reason", e->exit_reason);
	jsonl_hex(&j, "rip", e->rip);
	jsonl_str(&j, "handled_by", handler_name(e));
	if (e->handled_by == TVMM_TRACE_BY_USER && r->action)
		jsonl_str(&j, "action", r->action);
	jsonl_uint(&j, "cycles", e->cycles);
	jsonl_hex(&j, "qualification", e->qualification);
	jsonl_uint(&j, "insn_len", e->insn_len);
	decode(e, &t, &j);
	if (t.overflow)
		detail[0] = '\0';
	jsonl_str(&j, "detail", detail);
	return jsonl_end(&j);
}

/* ---- what an exit touched, for the exit summary ---------------------- */

/* Bits of trace_touched()'s number that say more than its main value. */
#define TOUCHED_IN		BIT_ULL(16)	/* port I/O: IN, not OUT */
#define TOUCHED_WRITE		BIT_ULL(0)	/* MMIO: a write (GPA & ~3) */
#define TOUCHED_TYPE_SHIFT	8		/* CR, DR, event: the access */
#define TOUCHED_VALID		BIT_ULL(16)	/* event: a vector was given */

__u64 trace_touched(const struct tvmm_trace_entry *e)
{
	__u64 q = e->qualification;

	switch (e->exit_reason) {
	case TVMM_VMX_EXIT_CPUID:
		return (__u32)e->info[0];
	case TVMM_VMX_EXIT_MSR_READ:
	case TVMM_VMX_EXIT_MSR_WRITE:
		return (__u32)e->info[0];
	case TVMM_VMX_EXIT_IO_INSTRUCTION:
		return IO_QUAL_PORT(q) | (q & IO_QUAL_IN ? TOUCHED_IN : 0);
	case TVMM_VMX_EXIT_EPT_VIOLATION:
		return (e->info[0] & ~3ULL & TRACE_TOUCHED_MAX) |
		       (q & EPT_QUAL_WRITE ? TOUCHED_WRITE : 0);
	case TVMM_VMX_EXIT_CR_ACCESS:
		return CR_QUAL_CR(q) |
		       (__u64)CR_QUAL_TYPE(q) << TOUCHED_TYPE_SHIFT;
	case TVMM_VMX_EXIT_DR_ACCESS:
		return DR_QUAL_DR(q) |
		       (q & DR_QUAL_FROM ? 1ULL << TOUCHED_TYPE_SHIFT : 0);
	case TVMM_VMX_EXIT_EXCEPTION_NMI:
	case TVMM_VMX_EXIT_EXTERNAL_INTERRUPT:
		/* No vector unless the CPU acknowledged the interrupt. */
		if (!(e->info[0] & INTR_INFO_VALID))
			return 0;
		return INTR_INFO_VECTOR(e->info[0]) | TOUCHED_VALID |
		       (__u64)INTR_INFO_TYPE(e->info[0]) << TOUCHED_TYPE_SHIFT;
	case TVMM_VMX_EXIT_VMCALL:
		return (__u32)e->info[0];
	case TVMM_VMX_EXIT_XSETBV:
		return (__u32)e->info[0];
	default:
		return 0;
	}
}

bool trace_touched_in(unsigned int reason, __u64 touched)
{
	return reason == TVMM_VMX_EXIT_IO_INSTRUCTION ?
	       !!(touched & TOUCHED_IN) :
	       reason == TVMM_VMX_EXIT_EPT_VIOLATION ?
	       !(touched & TOUCHED_WRITE) : reason == TVMM_VMX_EXIT_MSR_READ;
}

__u64 trace_touched_addr(unsigned int reason, __u64 touched)
{
	if (reason == TVMM_VMX_EXIT_IO_INSTRUCTION)
		return touched & 0xffff;
	if (reason == TVMM_VMX_EXIT_EPT_VIOLATION)
		return touched & ~3ULL;
	return touched;
}

int trace_touched_words(char *buf, size_t len, unsigned int reason,
			__u64 touched)
{
	static const char *const cr_access[] = {
		"MOV to", "MOV from", "CLTS", "LMSW",
	};
	unsigned int type = (touched >> TOUCHED_TYPE_SHIFT) & 0xff;
	unsigned int low = touched & 0xff;
	const char *name, *op;
	int n;

	switch (reason) {
	case TVMM_VMX_EXIT_CPUID:
		n = snprintf(buf, len, "CPUID leaf 0x%llx",
			     (unsigned long long)touched);
		break;
	case TVMM_VMX_EXIT_MSR_READ:
	case TVMM_VMX_EXIT_MSR_WRITE:
		name = trace_msr_name(touched);
		op = reason == TVMM_VMX_EXIT_MSR_READ ? "RDMSR" : "WRMSR";
		n = name ? snprintf(buf, len, "%s %s", op, name) :
			   snprintf(buf, len, "%s 0x%llx", op,
				    (unsigned long long)touched);
		break;
	case TVMM_VMX_EXIT_IO_INSTRUCTION:
		n = snprintf(buf, len, "%s 0x%llx",
			     touched & TOUCHED_IN ? "IN" : "OUT",
			     (unsigned long long)(touched & 0xffff));
		break;
	case TVMM_VMX_EXIT_EPT_VIOLATION:
		n = snprintf(buf, len, "EPT %s 0x%llx",
			     touched & TOUCHED_WRITE ? "write" : "read",
			     (unsigned long long)(touched & ~3ULL));
		break;
	case TVMM_VMX_EXIT_CR_ACCESS:
		n = type >= 2 ? snprintf(buf, len, "%s", cr_access[type & 3]) :
			snprintf(buf, len, "%s CR%u", cr_access[type], low & 0xf);
		break;
	case TVMM_VMX_EXIT_DR_ACCESS:
		n = snprintf(buf, len, "MOV %s DR%u", type ? "from" : "to",
			     low & 7);
		break;
	case TVMM_VMX_EXIT_EXCEPTION_NMI:
		name = type == INTR_TYPE_NMI ? "NMI" : trace_vector_name(low);
		n = name ? snprintf(buf, len, "exception %s", name) :
			   snprintf(buf, len, "exception vector %u", low);
		break;
	case TVMM_VMX_EXIT_EXTERNAL_INTERRUPT:
		n = touched & TOUCHED_VALID ?
		    snprintf(buf, len, "host interrupt 0x%x", low) :
		    snprintf(buf, len, "host interrupt");
		break;
	case TVMM_VMX_EXIT_VMCALL:
		n = snprintf(buf, len, "VMCALL RAX 0x%llx",
			     (unsigned long long)touched);
		break;
	case TVMM_VMX_EXIT_XSETBV:
		n = snprintf(buf, len, "XSETBV XCR%llu",
			     (unsigned long long)touched);
		break;
	default:
		name = trace_exit_name(reason);
		n = name ? snprintf(buf, len, "%s", name) :
			   snprintf(buf, len, "exit %u", reason);
		break;
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}
