// SPDX-License-Identifier: GPL-2.0
/*
 * demo_test - every "tvmmctl demo" runs its guest in tvmm and its facts
 * are what the demo claims: one test per demo, on the JSON lines of
 * "tvmmctl demo NAME --json" (userspace-ctl/demo/, guests in demos/).
 * The facts are asserted, not the text. The linux demo boots a kernel
 * that only the Linux-guest machines have: linux_guest_test.c tests it.
 * The snapshot demo's facts are its own parts' (file.*, rollback.*,
 * migrate.*), and its checks compare their outputs.
 *
 * Each line is {"demo": D, "fact": KEY, "value": V}, {"demo": D, "check":
 * TEXT, "ok": B} or, last, {"demo": D, "result": "pass"|"fail", ...}. Facts named
 * "sN.KEY" are what the guest reported, or the exits by reason
 * ("sN.exits.REASON"), in step N of the demo; "exits.REASON" count the
 * whole run; "sN.traced.kernel" and "sN.traced.tvmmctl" count the trace
 * ring's entries of step N by who handled them. Reports through the demo
 * port are not counted in any of them.
 *
 * The values come from the SDM and from the demos' guests: e.g. CPUID
 * exits unconditionally (Vol. 3C, 26.1.2), one per CPUID; tvmm's CPUID
 * signature is "tvmmtvmmtvmm" (uapi/tvmm_para.h); an MSR tvmm does not
 * know is #GP (vector 13) at the RDMSR; each IN and OUT exits (I/O bitmaps
 * of ones); the guest reads CR0/CR4 from the read shadows (25.6.6) while
 * CR0.NE and CR4.VMXE stay set (A.7, A.8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvmm_test.h"
#include "uapi/tvmm_para.h"
#include "userspace-ctl/lib/x86.h"

#define EFER_LME_LMA	(EFER_LME | EFER_LMA)

struct demo_out {
	int status;		/* tvmmctl's exit status */
	char text[65536];	/* the JSON lines */
};

static struct demo_out out;

/* "tvmmctl demo @name --json": its exit status and output in @o. */
static void run_demo(const char *name, struct demo_out *o)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "tvmmctl demo %s --json", name);
	o->status = run_capture(cmd, o->text, sizeof(o->text));
}

/*
 * The value of fact @key, as JSON text ("3", "\"0x1f\""); NULL if absent.
 * Four buffers in turn, so that one check may compare two facts.
 */
static const char *fact_value(const char *key)
{
	static char vals[4][256];
	static unsigned int turn;
	char *val = vals[turn++ % 4];
	char pat[128];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"fact\": \"%s\", \"value\": ", key);
	p = strstr(out.text, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	end = strchr(p, '\n');
	if (!end || end[-1] != '}' || end - p > (long)sizeof(vals[0]))
		return NULL;
	memcpy(val, p, end - 1 - p);
	val[end - 1 - p] = '\0';
	return val;
}

/* A fact as a number: 12, or a hex string "0x1f". ~0 when absent. */
static unsigned long long num(const char *key)
{
	const char *v = fact_value(key);

	if (!v)
		return ~0ULL;
	return strtoull(v[0] == '"' ? v + 1 : v, NULL, 0);
}

/* Every check of the demo passed, and its last line says so. */
#define EXPECT_DEMO_PASSED(name) do {					\
	EXPECT_EQ(0, out.status);					\
	EXPECT_EQ(NULL, strstr(out.text, "\"ok\": false"))		\
		TH_LOG("a check of the demo failed:\n%s", out.text);	\
	EXPECT_NE(NULL, strstr(out.text, "{\"demo\": \"" name		\
			       "\", \"result\": \"pass\""))		\
		TH_LOG("%s", out.text);					\
} while (0)

#define RUN_DEMO(name) do {						\
	TVMM_REQUIRE_MODULE();						\
	run_demo(name, &out);						\
	ASSERT_NE(-1, out.status);					\
} while (0)

/* Fact @key, "(missing)" when absent: for EXPECT_STREQ(). */
static const char *fact(const char *key)
{
	const char *v = fact_value(key);

	return v ? v : "(missing)";
}

/* Fact @key reads @want (JSON text). */
#define EXPECT_FACT(key, want)	EXPECT_STREQ(want, fact(key))

TEST(cpuid)
{
	RUN_DEMO("cpuid");
	EXPECT_DEMO_PASSED("cpuid");
	EXPECT_FACT("guest_vendor", "\"" TVMM_SIGNATURE "\"");
	EXPECT_FACT("guest_hypervisor_bit", "1");
	EXPECT_FACT("guest_vmx_bit", "0");
	EXPECT_FACT("host_vmx_bit", "1");
	EXPECT_STREQ(fact("host_cpu_vendor"), fact("guest_cpu_vendor"));
	EXPECT_STRNE("(missing)", fact("guest_cpu_vendor"));
	EXPECT_FACT("s1.exits.CPUID", "1");
	EXPECT_FACT("s2.exits.CPUID", "1");
	EXPECT_FACT("s3.exits.CPUID", "1");
	EXPECT_FACT("exits.CPUID", "3");
	EXPECT_FACT("end", "\"done\"");
	/* The trace ring saw the CPUID, handled in the kernel. */
	EXPECT_GE(num("s3.traced.kernel"), 1);
	EXPECT_FACT("s3.traced.tvmmctl", "0");
}

TEST(msr)
{
	RUN_DEMO("msr");
	EXPECT_DEMO_PASSED("msr");
	EXPECT_FACT("guest_lstar_read", "\"0xffffffff81a00000\"");
	EXPECT_FACT("vcpu_lstar", "\"0xffffffff81a00000\"");
	EXPECT_FACT("s1.exits.MSR_WRITE", "1");
	EXPECT_FACT("s1.exits.MSR_READ", "1");
	EXPECT_FACT("gp_vector", "13");
	EXPECT_FACT("s2.gp_count", "1");
	EXPECT_FACT("s2.gp_error_code", "0");
	EXPECT_NE(~0ULL, num("gp_rip"));
	EXPECT_EQ(num("rdmsr_rip"), num("gp_rip"));
	EXPECT_FACT("s2.exits.MSR_READ", "1");
	EXPECT_EQ(NULL, fact_value("s2.exits.EXCEPTION_NMI"));
}

TEST(io)
{
	RUN_DEMO("io");
	EXPECT_DEMO_PASSED("io");
	EXPECT_FACT("program_outs", "5");
	EXPECT_FACT("s1.exits.IO_INSTRUCTION", "5");
	EXPECT_FACT("text_bytes", "4");
	EXPECT_FACT("text_out_exits", "4");
	EXPECT_FACT("text_in_exits", "4");
	EXPECT_FACT("s2.exits.IO_INSTRUCTION", "8");
	EXPECT_FACT("uart_output", "\"Hi!\\u000a\"");
	EXPECT_FACT("scratch_read", "\"0x5a\"");
	EXPECT_FACT("exits.IO_INSTRUCTION", "15");
	/* Each of them came to tvmmctl, as the trace ring says. */
	EXPECT_FACT("s2.traced.tvmmctl", "8");
}

TEST(hlt)
{
	RUN_DEMO("hlt");
	EXPECT_DEMO_PASSED("hlt");
	EXPECT_FACT("s1.halts", "3");
	EXPECT_FACT("hlt_userspace_exits", "3");
	EXPECT_FACT("s1.exits.HLT", "3");
	EXPECT_FACT("end", "\"done\"");
}

TEST(cr)
{
	RUN_DEMO("cr");
	EXPECT_DEMO_PASSED("cr");
	EXPECT_EQ(num("s1.cr0_written"), num("s1.cr0_read"));
	EXPECT_EQ(num("s1.cr0_written"), num("guest_cr0"));
	EXPECT_EQ(0, num("guest_cr0") & X86_CR0_NE);
	EXPECT_EQ(X86_CR0_NE, num("real_cr0") & X86_CR0_NE);
	EXPECT_FACT("s1.exits.CR_ACCESS", "1");
	EXPECT_EQ(num("s2.cr4_written"), num("s2.cr4_read"));
	EXPECT_EQ(0, num("guest_cr4") & X86_CR4_VMXE);
	EXPECT_EQ(X86_CR4_VMXE, num("real_cr4") & X86_CR4_VMXE);
	EXPECT_FACT("s2.exits.CR_ACCESS", "1");
	EXPECT_FACT("s3.gp_count", "1");
	EXPECT_EQ(num("s3.mov_rip"), num("s3.gp_rip"));
	EXPECT_EQ(0, num("s3.cr4_read") & X86_CR4_VMXE);
}

TEST(hypercall)
{
	bool kernel_hc;

	RUN_DEMO("hypercall");
	EXPECT_DEMO_PASSED("hypercall");
	EXPECT_FACT("ping", "42");
	EXPECT_FACT("s1.exits.VMCALL", "1");
	EXPECT_FACT("s2.exits.VMCALL", "2");
	EXPECT_FACT("unknown_ret", "-38");
	EXPECT_FACT("s4.nop_ret", "0");
	EXPECT_FACT("s4.exits.VMCALL", "1");
	kernel_hc = !strcmp(fact("kernel_hypercalls"), "true");
	EXPECT_EQ(kernel_hc ? 0 : 1, num("nop_userspace_exits"));
}

TEST(paravirt)
{
	RUN_DEMO("paravirt");
	EXPECT_DEMO_PASSED("paravirt");
	EXPECT_FACT("full_bytes", "43");
	EXPECT_FACT("full_io_exits", "43");
	EXPECT_FACT("pv_bytes", "43");
	EXPECT_FACT("pv_hypercall_exits", "1");
	EXPECT_FACT("pv_io_exits", "0");
	EXPECT_FACT("s2.written", "43");
}

TEST(ept)
{
	RUN_DEMO("ept");
	EXPECT_DEMO_PASSED("ept");
	EXPECT_FACT("guest_wrote", "\"0x600dcafe12345678\"");
	EXPECT_FACT("host_saw", "\"0x600dcafe12345678\"");
	EXPECT_EQ(num("s1.ram_gpa"), num("guest_walk_gpa"));
	EXPECT_EQ(NULL, fact_value("s1.exits.EPT_VIOLATION"));
	EXPECT_FACT("ro_text", "\"written by the host\"");
	EXPECT_FACT("ro_write_gpa", "\"0x400100\"");
	EXPECT_FACT("s2.rom_after", "\"0x123456789abcdef\"");
	EXPECT_FACT("s2.exits.EPT_VIOLATION", "1");
	EXPECT_FACT("mmio_id", "\"0x7665642d6d6d7674\"");
	EXPECT_FACT("mmio_scratch", "\"0x1122334455667788\"");
	EXPECT_FACT("s3.exits.EPT_VIOLATION", "3");
	EXPECT_FACT("beyond_ram_exits", "6");
	EXPECT_FACT("s4.read_back", "\"0xffffffffffffffff\"");
	EXPECT_FACT("host_memory_intact", "true");
}

TEST(rdtsc)
{
	RUN_DEMO("rdtsc");
	EXPECT_DEMO_PASSED("rdtsc");
	EXPECT_EQ(NULL, fact_value("s1.exits.RDTSC"));
	EXPECT_EQ(NULL, fact_value("s2.exits.RDTSC"));
	/* The guest's clock started near 0, then jumped 10^12 ahead. */
	EXPECT_LT(num("guest_tsc1"), 1000000000000ULL);
	EXPECT_GT(num("guest_tsc2"), 1000000000000ULL);
	EXPECT_EQ(1000000000000LL,
		  (long long)(num("tsc_offset2") - num("tsc_offset1")));
	EXPECT_FACT("rdtsc_exits", "2");
	EXPECT_FACT("s3.exits.RDTSC", "2");
}

TEST(exception)
{
	RUN_DEMO("exception");
	EXPECT_DEMO_PASSED("exception");
	EXPECT_FACT("ud_exits", "1");
	EXPECT_EQ(num("s1.insn_rip"), num("ud_rip"));
	EXPECT_FACT("emulated_result", "100");
	EXPECT_FACT("s1.exits.EXCEPTION_NMI", "1");
	EXPECT_FACT("bp_exits", "1");
	EXPECT_EQ(num("s2.insn_rip"), num("bp_rip"));
	EXPECT_FACT("bp_rax", "\"0xb4b4b4b4\"");
	EXPECT_FACT("s2.guest_handler_calls", "0");
	EXPECT_FACT("guest_bp_calls", "1");
	EXPECT_EQ(num("s3.insn_rip") + 1, num("s3.handler_rip"));
	EXPECT_EQ(NULL, fact_value("s3.exits.EXCEPTION_NMI"));
}

TEST(modes)
{
	RUN_DEMO("modes");
	EXPECT_DEMO_PASSED("modes");
	EXPECT_EQ(0, num("s1.cr0") & X86_CR0_PE);
	EXPECT_FACT("s1.cs_db", "0");
	EXPECT_EQ(X86_CR0_PE, num("s2.cr0") & X86_CR0_PE);
	EXPECT_FACT("s2.cs_db", "1");
	EXPECT_FACT("s2.exits.CR_ACCESS", "1");
	EXPECT_EQ(EFER_LME_LMA, num("s3.efer") & EFER_LME_LMA);
	EXPECT_FACT("s3.cs_l", "1");
	EXPECT_FACT("s3.exits.MSR_WRITE", "1");
	EXPECT_FACT("s3.exits.MSR_READ", "1");
	EXPECT_EQ(num("s4.cr0"), num("s3.cr0"));
	EXPECT_EQ(num("s4.efer"), num("s3.efer"));
}

TEST(equivalence)
{
	RUN_DEMO("equivalence");
	EXPECT_DEMO_PASSED("equivalence");
	EXPECT_FACT("guest_primes", "17984");
	EXPECT_FACT("native_primes", "17984");
	EXPECT_STREQ(fact("native_hash"), fact("guest_hash"));
	EXPECT_STRNE("(missing)", fact("guest_hash"));
	EXPECT_FACT("guest_exits", "0");
}

TEST(resource_control)
{
	RUN_DEMO("resource-control");
	EXPECT_DEMO_PASSED("resource-control");
	EXPECT_FACT("runaway.end", "\"timeout\"");
	EXPECT_GT(num("runaway.host_exits"), 0);
	EXPECT_FACT("beyond.end", "\"done\"");
	EXPECT_FACT("s1.last_read", "\"0x1a57\"");
	EXPECT_FACT("s1.past_read", "\"0xffffffffffffffff\"");
	EXPECT_FACT("s1.far_read", "\"0xffffffffffffffff\"");
	EXPECT_FACT("beyond.mmio_exits", "4");
	EXPECT_FACT("beyond.exits.EPT_VIOLATION", "4");
	EXPECT_FACT("beyond.host_memory_intact", "true");
}

/*
 * The snapshot demo runs its guest with tvmmctl's own commands: whole,
 * saved mid-run (run --save-on), restored twice, and moved mid-run to a
 * receiver (run --migrate-on, restore --incoming). Its own checks, passed
 * above, compare each part's output with the whole run's: a register, a
 * page, a tick or a device lost in the file or in the stream fails them.
 * Here the facts they stand on.
 */
TEST(snapshot)
{
	unsigned long long sections, stored;

	RUN_DEMO("snapshot");
	if (strstr(out.text, "\"result\": \"skip\""))
		SKIP(return, "this tvmm.ko cannot save the guest's SSE state");
	EXPECT_DEMO_PASSED("snapshot");
	/* The whole run: 16 lines and "done". */
	EXPECT_FACT("run.lines", "17");
	EXPECT_EQ(1, num("run.status") & 1);
	/*
	 * The file: the machine, the clock, vCPU 0's regs, sregs, MSRs,
	 * CPUID, loop flags and XSAVE (events and debug registers when
	 * tvmm.ko has them), eight devices and one memory slot.
	 */
	sections = num("file.sections");
	EXPECT_LE(17, sections);
	EXPECT_GE(19, sections);
	EXPECT_EQ(sections, num("file.kinds"));
	EXPECT_FACT("file.bytes.vcpu-regs", "144");
	EXPECT_FACT("file.bytes.clock", "16");
	EXPECT_NE(~0ULL, num("file.bytes.vcpu-xsave"));
	EXPECT_NE(~0ULL, num("file.bytes.pit"));
	EXPECT_FACT("file.memory.pages", "4096");
	stored = num("file.memory.stored");
	EXPECT_LT(32, stored);
	EXPECT_GT(4096, stored);
	/* The pages stored are most of the file. */
	EXPECT_LE(stored * 4096, num("file.bytes.memory"));
	EXPECT_GT(num("file.bytes"), num("file.bytes.memory"));
	EXPECT_NE(0, num("file.xmm7"));
	EXPECT_NE(~0ULL, num("file.xmm7"));
	/* Restored twice from the signal's line on: the same both times. */
	EXPECT_FACT("rollback.same", "true");
	EXPECT_LT(num("save.lines_before_signal"), num("rollback.from_line"));
	EXPECT_GE(17, num("rollback.from_line"));
	EXPECT_LT(0, num("rollback.bytes"));
	/* Moved: every line printed once, by one process or the other. */
	EXPECT_FACT("migrate.same", "true");
	EXPECT_LE(6, num("migrate.sender_lines"));
	EXPECT_LT(0, num("migrate.receiver_lines"));
	EXPECT_EQ(17, num("migrate.sender_lines") +
		  num("migrate.receiver_lines"));
	EXPECT_LE(2, num("migrate.rounds"));
	EXPECT_LE(4096, num("migrate.pages"));
	EXPECT_LT(0, num("migrate.state_bytes"));
	EXPECT_LT(0, num("migrate.downtime_ns"));
	EXPECT_LE(num("migrate.downtime_ns"), num("migrate.total_ns"));
}

TEST(unknown_demo_is_a_usage_error)
{
	RUN_DEMO("no-such-demo 2>/dev/null");
	EXPECT_EQ(2, out.status);
	EXPECT_STREQ("", out.text);
}

TEST_HARNESS_MAIN
