// SPDX-License-Identifier: GPL-2.0
/*
 * The linux demo: what a real operating system makes the VMM do. It boots
 * an unmodified Linux kernel with a busybox initramfs (by default the
 * test machine's own, in DEMO_LINUX_DIR: testvm/run --linux-guest puts
 * them there) as "tvmmctl run" would, to a shell, types three commands at
 * its prompt, and counts every VM exit of the boot in phases that the
 * kernel's own console lines and the shell's prompts mark (vmm/summary.h).
 * Then it tells, phase by phase, which exits the kernel caused, what they
 * touched, which devices it used and how often, what it cost, and why
 * each of those instructions is sensitive.
 *
 * Unlike the other demos it has no guest of its own in demos/ (DEMO_OS()
 * in demos.h): its struct demo has a run() instead of guests. Its guest
 * is driven through the UART: the console's bytes come to uart_write()
 * (a stdio cookie, in the vCPU thread that wrote THR, with the device
 * lock held), which finds the phase markers and, at a prompt, writes the
 * next command into the pipe that vmm.c's input thread feeds the UART
 * from, as a user typing would.
 */
#define _GNU_SOURCE	/* fopencookie() */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/run.h"
#include "lib/jsonl.h"
#include "uapi/tvmm_vmx.h"
#include "demo/demo.h"
#include "vmm/summary.h"

/* Seconds: a 2-vCPU boot in the emulated test machine takes about 5 min. */
#define LINUX_TIMEOUT		1200
#define LINUX_CONSOLE_MAX	BIT(20)
#define LINUX_LINE_MAX		256
#define LINUX_TOP		6

/*
 * No "quiet": the kernel's own lines mark the phases, and earlyprintk
 * prints them as they happen (the console proper starts later and
 * replays its buffer). Every byte of it is an exit: the demo says so.
 * The rest as in selftests/linux_guest_test.c: no speculation controls
 * to complain about, no crypto self-tests, and a watchdog patient with
 * an emulated CPU.
 */
#define DEMO_LINUX_CMDLINE "console=ttyS0 earlyprintk=serial,ttyS0 mitigations=off cryptomgr.notests watchdog_thresh=60 panic=-1"

/*
 * The phases of a boot, in order: each begins where its @marker appears
 * on the console (a line that starts with it, the kernel's timestamp
 * aside), or, for those with a @command, at the shell prompt that the
 * demo answers with it. A marker that never shows leaves its phase empty.
 */
static const struct linux_phase {
	const char *id;		/* the key of its facts */
	const char *name;
	const char *marker;
	const char *command;
	const char *what;	/* what the kernel does in it */
} phases[] = {
	{ "start", "start", NULL, NULL,
	  "From the first instruction to the kernel's first line: the entry code (the bzImage's decompressor, or the vmlinux's PVH entry), early page tables, the switch to long mode, the CPU's features read through CPUID.",
	},
	{ "early", "early setup on one CPU", "Linux version", NULL,
	  "setup_arch() and start_kernel(): the memory map, the MP table, the local APIC and the IOAPIC set up, the clock (the TSC, whose rate CPUID leaf 0x15 gives), the scheduler, the console; one CPU, most of the time with interrupts off.",
	},
	{ "smp", "SMP bring-up", "smp: Bringing up secondary CPUs", NULL,
	  "The other CPUs started: INIT and STARTUP IPIs through the local APIC's ICR, and each new CPU's own setup.",
	},
	{ "drivers", "drivers and subsystems", "smp: Brought up", NULL,
	  "The initcalls: every built-in driver probes its hardware (the UART, the i8042, the RTC, PCI, which is not there), the initramfs is unpacked.",
	},
	{ "userspace", "init and the shell", "Run /init as init process", NULL,
	  "The first user-space process: busybox's init script mounts /proc, /sys and /dev and starts a shell on the console.",
	},
	{ "command", "a command", NULL, "cat /proc/interrupts",
	  "The demo types a command at the prompt: the shell reads it through the UART, forks, execs cat, which prints the interrupt counts.",
	},
	{ "idle", "an idle second", NULL, "sleep 1",
	  "sleep 1: nothing to do, so the CPUs halt, and a timer interrupt wakes them.",
	},
	{ "poweroff", "power off", NULL, "poweroff -f",
	  "poweroff -f: the kernel stops the CPUs and halts with interrupts off, where tvmmctl ends the run.",
	},
};

#define NR_PHASES	ARRAY_SIZE(phases)
static_assert(ARRAY_SIZE(phases) <= SUMMARY_MAX_PHASES,
	      "one summary phase each");

/*
 * Why an exit reason's instruction or event is sensitive, and what tvmm
 * did; the reasons a Linux boot makes.
 */
static const struct {
	unsigned int reason;
	const char *why;
} exit_why[] = {
	{ TVMM_VMX_EXIT_PREEMPTION_TIMER,
	  "tvmm's own: it arms the VMX-preemption timer (SDM Vol. 3C, 26.5.1) for a short slice at every entry, so that a guest that never exits cannot keep the host's CPU; at expiry tvmm looks for signals and for rescheduling, then enters again. The guest did nothing; KVM needs no such slice, as the host's timer interrupt exits anyway.",
	},
	{ TVMM_VMX_EXIT_EXTERNAL_INTERRUPT,
	  "A host interrupt (a timer tick, a disk) arrived while the guest ran: \"external-interrupt exiting\" is on, because the host's interrupts belong to the host. The CPU leaves the guest and the host's own Linux handles it; not the guest's doing.",
	},
	{ TVMM_VMX_EXIT_MSR_WRITE,
	  "WRMSR exits when the MSR bitmap says so: MSRs control the machine (a write to LSTAR would redirect the host's system calls). Most of Linux's are IA32_TSC_DEADLINE: each arms the next timer interrupt of the local APIC, which tvmmctl models, so the write goes to tvmmctl.",
	},
	{ TVMM_VMX_EXIT_MSR_READ,
	  "RDMSR would show the host's values: tvmm answers with the guest's own (IA32_APIC_BASE, IA32_MISC_ENABLE, the TSC_ADJUST the TSC code checks).",
	},
	{ TVMM_VMX_EXIT_EPT_VIOLATION,
	  "A guest-physical address that EPT does not map: the local APIC's page (0xfee00000) and the IOAPIC's (0xfec00000) are not memory but devices, so each access traps and tvmmctl's model answers. Most are writes to the APIC's EOI register, one per interrupt handled. Guest RAM never traps: tvmm.ko maps all of it in EPT when userspace gives it the memory slot.",
	},
	{ TVMM_VMX_EXIT_CPUID,
	  "CPUID exits unconditionally (SDM Vol. 3C, 26.1.2): the guest must see the processor its VMM gives it. Linux asks a lot at boot (features, caches in leaf 4, XSAVE sizes in leaf 0xd), and again on every CPU it starts.",
	},
	{ TVMM_VMX_EXIT_IO_INSTRUCTION,
	  "IN and OUT exit (the I/O bitmaps have every port): the ports are the host's real devices. Here they reach tvmmctl's models: the UART (two exits per byte of console output: LSR, then THR), the RTC's index and data ports, the PICs, the PIT, the i8042, and ports nobody has (PCI's 0xcf8: there is no PCI).",
	},
	{ TVMM_VMX_EXIT_HLT,
	  "HLT exits (\"HLT exiting\"): on the real CPU it would stop the host's processor. tvmmctl puts the vCPU's thread to sleep until an interrupt is due: this is what an idle guest costs.",
	},
	{ TVMM_VMX_EXIT_INTERRUPT_WINDOW,
	  "tvmmctl had an interrupt to inject but the guest had interrupts off: tvmm asked the CPU to exit as soon as they are on again (\"interrupt-window exiting\"), and injected it then.",
	},
	{ TVMM_VMX_EXIT_CR_ACCESS,
	  "MOV to CR0 or CR4 exits when it touches a bit the VMM owns (the guest/host masks): VMX needs some bits fixed while the guest runs. Linux writes CR4 to turn features on and to flush global TLB entries (toggling CR4.PGE).",
	},
	{ TVMM_VMX_EXIT_DR_ACCESS,
	  "MOV to or from a debug register exits: the debug registers are the host's until tvmm switches them (\"MOV-DR exiting\").",
	},
	{ TVMM_VMX_EXIT_XSETBV,
	  "XSETBV exits unconditionally: XCR0 chooses which register state XSAVE handles, and tvmm checks it against what it saves for the guest.",
	},
	{ TVMM_VMX_EXIT_EXCEPTION_NMI,
	  "An exception tvmm intercepts (its exception bitmap), or an NMI.",
	},
	{ TVMM_VMX_EXIT_RDTSC,
	  "RDTSC exiting is on: each read of the TSC traps.",
	},
	{ TVMM_VMX_EXIT_RDPMC,
	  "RDPMC exits: the performance counters are the host's.",
	},
	{ TVMM_VMX_EXIT_WBINVD,
	  "WBINVD exits: flushing every cache is the host's business.",
	},
};

/* What Linux uses each device model for. */
static const struct {
	const char *device;
	const char *what;
} device_use[] = {
	{ "local-apic",
	  "its timer (TSC-deadline mode), the EOI of every interrupt, the IPIs between CPUs",
	},
	{ "uart-16550a", "the console: every byte printed, every key typed" },
	{ "io-apic",
	  "routing each device's interrupt to a CPU: set up once, then the mask of a level-triggered line",
	},
	{ "rtc-cmos", "the date at boot (no other clock gives it)" },
	{ "i8042", "the keyboard controller's probe, and the reset line" },
	{ "i8042-data", "the keyboard controller's data port, in the probe" },
	{ "pic-master", "masked at boot: Linux uses the IOAPIC" },
	{ "pic-slave", "masked at boot: Linux uses the IOAPIC" },
	{ "pit-8254", "programmed, then left alone: the TSC is the clock" },
	{ "port-b", "the PIT's gate and speaker port" },
	{ "post", "port 0x80: a short delay between slow I/O accesses" },
	{ "fw_cfg", "nothing: Linux does not look for QEMU's firmware config" },
};

/* The run: the summary and the console, as uart_write() sees them. */
struct linux_run {
	struct demo_ctx *ctx;
	struct exit_summary summary;
	struct dev_ctx dev;
	int input[2];			/* the UART's "keyboard": a pipe */
	unsigned int phase;		/* phases[] index counted in now */
	unsigned int commands;		/* prompts answered */
	bool marked[NR_PHASES];		/* its marker or prompt was seen */
	__u64 start_ns;
	char line[LINUX_LINE_MAX];	/* the console line being written */
	size_t line_len;
	char *console;			/* all of it, up to the limit */
	size_t console_len;
	size_t command_out[NR_PHASES];	/* where each phase's output starts */
};

static __u64 linux_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Exits count in phase @to from now; those skipped stay empty. */
static void linux_enter(struct linux_run *lr, unsigned int to,
			const char *said)
{
	__u64 now = linux_now_ns(), ms = (now - lr->start_ns) / 1000000;

	if (to <= lr->phase)
		return;
	while (lr->phase < to) {
		lr->phase++;
		summary_phase(&lr->summary, phases[lr->phase].name, now);
	}
	lr->marked[to] = true;
	lr->command_out[to] = lr->console_len;
	if (lr->ctx->json)
		return;
	fprintf(lr->ctx->out, "  [%4llu.%llu s] %-24s %s\n", ms / 1000,
		ms % 1000 / 100, phases[to].name, said);
	fflush(lr->ctx->out);
}

/* A whole console line: the kernel's timestamp "[    1.234567] " aside. */
static void linux_line(struct linux_run *lr, const char *line)
{
	char said[72];
	unsigned int i;

	if (line[0] == '[' && strchr(line, ']'))
		line = strchr(line, ']') + 1;
	while (*line == ' ')
		line++;
	for (i = lr->phase + 1; i < NR_PHASES; i++) {
		if (!phases[i].marker ||
		    strncmp(line, phases[i].marker, strlen(phases[i].marker)))
			continue;
		snprintf(said, sizeof(said), "\"%.*s%s\"", 60, line,
			 strlen(line) > 60 ? "..." : "");
		linux_enter(lr, i, said);
		return;
	}
}

/* The shell's prompt: the next command, typed into the UART's pipe. */
static void linux_prompt(struct linux_run *lr)
{
	char said[72];
	unsigned int i, n = 0;

	for (i = 0; i < NR_PHASES; i++) {
		if (!phases[i].command || n++ != lr->commands)
			continue;
		snprintf(said, sizeof(said), "typed \"%s\"", phases[i].command);
		linux_enter(lr, i, said);
		lr->commands++;
		/* The pipe has room: the commands are short, read at once. */
		if (write(lr->input[1], phases[i].command,
			  strlen(phases[i].command)) < 0 ||
		    write(lr->input[1], "\n", 1) < 0)
			lr->input[1] = -1;
		return;
	}
}

/* The UART's transmitter, byte by byte (uart.c flushes each). */
static ssize_t uart_write(void *cookie, const char *buf, size_t len)
{
	struct linux_run *lr = cookie;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (lr->console_len + 1 < LINUX_CONSOLE_MAX) {
			lr->console[lr->console_len++] = c;
			lr->console[lr->console_len] = '\0';
		}
		if (c == '\n' || c == '\r') {
			lr->line[lr->line_len] = '\0';
			if (lr->line_len)
				linux_line(lr, lr->line);
			lr->line_len = 0;
			continue;
		}
		if (lr->line_len + 1 < sizeof(lr->line))
			lr->line[lr->line_len++] = c;
		/* busybox sh's prompt, "/ # ", waits for a line. */
		if (lr->line_len == 4 && !memcmp(lr->line, "/ # ", 4))
			linux_prompt(lr);
	}
	return len;
}

/* ---- the report ---- */

static const char *linux_exit_why(unsigned int reason)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_why); i++)
		if (exit_why[i].reason == reason)
			return exit_why[i].why;
	return "See the SDM, Vol. 3C, chapter 26, for when it exits.";
}

static const char *linux_device_use(const char *device)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(device_use); i++)
		if (!strcmp(device_use[i].device, device))
			return device_use[i].what;
	return "";
}

static unsigned long long per_mille(__u64 part, __u64 whole)
{
	return whole ? (part * 1000 + whole / 2) / whole : 0;
}

static __u64 phase_ms(const struct linux_run *lr, int p)
{
	const struct exit_summary *s = &lr->summary;
	__u64 end = (unsigned int)p + 1 < s->nr_phases ? s->start_ns[p + 1] :
		    s->end_ns;

	return end > s->start_ns[p] ? (end - s->start_ns[p]) / 1000000 : 0;
}

/* "CPUID" as a fact key: the exit's name, as the other demos' facts. */
static const char *reason_key(unsigned int reason)
{
	return demo_exit_name(reason);
}

/* One phase: what it is, its exits, what they touched; and its facts. */
static void linux_report_phase(struct linux_run *lr, unsigned int p)
{
	struct demo_ctx *ctx = lr->ctx;
	struct summary_row rows[TVMM_NR_VMX_EXIT_REASONS], t;
	char buf[1024];
	size_t len = 0;
	int n, i;

	summary_totals(&lr->summary, p, &t);
	demo_fact_str(ctx, phases[p].name, "%s.name", phases[p].id);
	demo_fact(ctx, DEMO_FACT_UINT, t.count, "%s.exits", phases[p].id);
	demo_fact(ctx, DEMO_FACT_UINT, t.user, "%s.user", phases[p].id);
	demo_fact(ctx, DEMO_FACT_UINT, phase_ms(lr, p), "%s.ms", phases[p].id);
	demo_fact(ctx, DEMO_FACT_BOOL, lr->marked[p] || !p, "%s.seen",
		  phases[p].id);
	n = summary_rows(&lr->summary, p, SUMMARY_BY_REASON, rows,
			 ARRAY_SIZE(rows));
	for (i = 0; i < n && i < (int)ARRAY_SIZE(rows); i++)
		demo_fact(ctx, DEMO_FACT_UINT, rows[i].count, "%s.exits.%s",
			  phases[p].id, reason_key(rows[i].reason));
	n = summary_rows(&lr->summary, p, SUMMARY_BY_DEVICE, rows,
			 ARRAY_SIZE(rows));
	for (i = 0; i < n && i < (int)ARRAY_SIZE(rows); i++)
		demo_fact(ctx, DEMO_FACT_UINT, rows[i].count, "%s.device.%s",
			  phases[p].id, rows[i].device);
	if (ctx->json)
		return;

	demo_line(ctx, "%u. %s: %llu.%llu s, %llu exits, %llu.%llu%% of them to tvmmctl",
		  p + 1, phases[p].name,
		  (unsigned long long)phase_ms(lr, p) / 1000,
		  (unsigned long long)phase_ms(lr, p) % 1000 / 100,
		  (unsigned long long)t.count, per_mille(t.user, t.count) / 10,
		  per_mille(t.user, t.count) % 10);
	demo_item(ctx, "what", "%s", phases[p].what);
	n = summary_rows(&lr->summary, p, SUMMARY_BY_TOUCHED, rows,
			 LINUX_TOP);
	for (i = 0; i < n && i < LINUX_TOP && len < sizeof(buf) - 100; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s%s%s%s %llu",
				i ? "; " : "", rows[i].what,
				rows[i].device ? " (" : "",
				rows[i].device ?: "", rows[i].device ? ")" : "",
				(unsigned long long)rows[i].count);
	if (n > 0)
		demo_item(ctx, "exits", "%s%s", buf,
			  n > LINUX_TOP ? "; ..." : "");
	demo_line(ctx, "%s", "");
}

/* Every reason of the boot, phase by phase, and why it is sensitive. */
static void linux_report_reasons(struct linux_run *lr)
{
	struct demo_ctx *ctx = lr->ctx;
	struct summary_row rows[TVMM_NR_VMX_EXIT_REASONS], r;
	__u64 by_phase[NR_PHASES][TVMM_NR_VMX_EXIT_REASONS] = { { 0 } };
	char line[256], label[64];
	unsigned int p;
	size_t len;
	int n, i;

	n = summary_rows(&lr->summary, -1, SUMMARY_BY_REASON, rows,
			 ARRAY_SIZE(rows));
	if (n <= 0 || ctx->json)
		return;
	/* Each phase's counts by reason, read once for the whole table. */
	for (p = 0; p < NR_PHASES; p++) {
		struct summary_row pr[TVMM_NR_VMX_EXIT_REASONS];
		int m = summary_rows(&lr->summary, p, SUMMARY_BY_REASON, pr,
				     ARRAY_SIZE(pr)), k;

		for (k = 0; k < m && k < (int)ARRAY_SIZE(pr); k++)
			if (pr[k].reason < TVMM_NR_VMX_EXIT_REASONS)
				by_phase[p][pr[k].reason] = pr[k].count;
	}
	demo_line(ctx, "Exits by reason and phase (1 to %zu as above):",
		  NR_PHASES);
	len = snprintf(line, sizeof(line), "  %-20s", "");
	for (p = 0; p < NR_PHASES; p++)
		len += snprintf(line + len, sizeof(line) - len, " %6u", p + 1);
	snprintf(line + len, sizeof(line) - len, " %8s", "all");
	demo_line(ctx, "%s", line);
	for (i = 0; i < n && i < (int)ARRAY_SIZE(rows); i++) {
		len = snprintf(line, sizeof(line), "  %-20.20s",
			       demo_exit_name(rows[i].reason));
		for (p = 0; p < NR_PHASES; p++)
			len += snprintf(line + len, sizeof(line) - len,
					" %6llu", (unsigned long long)
					(rows[i].reason < TVMM_NR_VMX_EXIT_REASONS ?
					 by_phase[p][rows[i].reason] : 0));
		snprintf(line + len, sizeof(line) - len, " %8llu",
			 (unsigned long long)rows[i].count);
		demo_line(ctx, "%s", line);
	}
	demo_line(ctx, "%s", "");
	demo_line(ctx, "Why each of them exits:");
	for (i = 0; i < n && i < (int)ARRAY_SIZE(rows); i++) {
		r = rows[i];
		snprintf(label, sizeof(label), "%s", demo_exit_name(r.reason));
		demo_item(ctx, label, "%llu exits, %llu.%llu%% to tvmmctl. %s",
			  (unsigned long long)r.count,
			  per_mille(r.user, r.count) / 10,
			  per_mille(r.user, r.count) % 10,
			  linux_exit_why(r.reason));
	}
	demo_line(ctx, "%s", "");
}

static void linux_report_devices(struct linux_run *lr)
{
	struct demo_ctx *ctx = lr->ctx;
	struct summary_row rows[32], t;
	__u64 console = 0;
	int n, i;

	n = summary_rows(&lr->summary, -1, SUMMARY_BY_DEVICE, rows,
			 ARRAY_SIZE(rows));
	for (i = 0; i < n && i < (int)ARRAY_SIZE(rows); i++)
		demo_fact(ctx, DEMO_FACT_UINT, rows[i].count, "device.%s",
			  rows[i].device);
	if (n <= 0 || ctx->json)
		return;
	demo_line(ctx, "The devices it used (exits to tvmmctl's models):");
	for (i = 0; i < n && i < (int)ARRAY_SIZE(rows); i++) {
		demo_item(ctx, rows[i].device,
			  "%llu reads, %llu writes: %s",
			  (unsigned long long)rows[i].reads,
			  (unsigned long long)rows[i].writes,
			  linux_device_use(rows[i].device));
		if (!strcmp(rows[i].device, uart_dev.name))
			console = rows[i].count;
	}
	summary_totals(&lr->summary, -1, &t);
	demo_line(ctx, "%s", "");
	demo_para(ctx,
		  "The console alone made %llu.%llu%% of all exits: a serial console costs two exits a byte (LSR, then THR). Booted with \"quiet\", as the test machine boots its guests, Linux prints almost nothing and most of these go; a paravirtual console (virtio) would take a whole buffer per exit.",
		  per_mille(console, t.count) / 10,
		  per_mille(console, t.count) % 10);
}

/*
 * What it cost, and a check that the trace rings lost nothing: the
 * summary's exits equal tvmm.ko's own counts (TVMM_GET_VCPU_STATS).
 */
static void linux_report_cost(struct linux_run *lr, struct vmm *vmm)
{
	struct demo_ctx *ctx = lr->ctx;
	struct tvmm_vcpu_stats st;
	struct summary_row t;
	__u64 stats = 0, ms, cycle_ms;
	unsigned int v, i;
	bool read_all = true;

	summary_totals(&lr->summary, -1, &t);
	for (v = 0; v < vmm->nr_vcpus; v++) {
		if (trace_stats_read(vmm->vcpus[v].fd, &st)) {
			read_all = false;
			continue;
		}
		for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++)
			stats += st.exits[i];
	}
	ms = lr->summary.end_ns > lr->start_ns ?
	     (lr->summary.end_ns - lr->start_ns) / 1000000 : 0;
	cycle_ms = vmm->tsc_khz ? t.cycles / vmm->tsc_khz : 0;
	demo_fact(ctx, DEMO_FACT_UINT, t.count, "total.exits");
	demo_fact(ctx, DEMO_FACT_UINT, t.user, "total.user");
	demo_fact(ctx, DEMO_FACT_UINT, t.cycles, "total.cycles");
	demo_fact(ctx, DEMO_FACT_UINT, ms, "total.ms");
	demo_fact(ctx, DEMO_FACT_UINT, stats, "stats.exits");
	demo_item(ctx, "cost",
		  "%llu exits in %llu.%llu s, %llu a second; %llu.%llu%% of them went to tvmmctl. tvmm.ko spent %llu host TSC cycles on them (%llu ms at the TSC's rate; tvmmctl's own time not counted). An exit handled in the kernel costs a few hundred cycles; one that reaches tvmmctl costs a return to user space and back, several times that, so tvmm's per-interrupt cost is the local APIC's exits (make bench compares it with KVM's, which keeps the APIC in the kernel).",
		  (unsigned long long)t.count, (unsigned long long)ms / 1000,
		  (unsigned long long)ms % 1000 / 100,
		  (unsigned long long)(ms ? t.count * 1000 / ms : 0),
		  per_mille(t.user, t.count) / 10,
		  per_mille(t.user, t.count) % 10,
		  (unsigned long long)t.cycles, (unsigned long long)cycle_ms);
	demo_line(ctx, "%s", "");
	demo_check(ctx, read_all && stats == t.count,
		   "every exit was counted: %llu in the trace rings, %llu in tvmm.ko's statistics",
		   (unsigned long long)t.count, (unsigned long long)stats);
}

/* The checks of what the guest did, and what it showed at its prompt. */
static void linux_checks(struct linux_run *lr, enum vmm_stop stop)
{
	struct demo_ctx *ctx = lr->ctx;
	struct summary_row rows[TVMM_NR_VMX_EXIT_REASONS];
	const char *out = lr->console ? lr->console : "";
	unsigned int p, idle = 0;
	__u64 hlt = 0, deadline = 0;
	bool all = true;
	int n, i;

	for (p = 1; p < NR_PHASES; p++)
		all &= lr->marked[p];
	demo_check(ctx, all, "the console showed every phase's mark");
	demo_check(ctx, lr->commands == 3,
		   "the guest reached its shell prompt and took the three commands");
	demo_check(ctx, lr->marked[NR_PHASES - 2] &&
		   strstr(out + lr->command_out[NR_PHASES - 3], "LOC:"),
		   "cat /proc/interrupts showed the local timer interrupts");
	demo_check(ctx, stop == VMM_STOP_HALT,
		   "poweroff -f ended the run with a halt");
	for (p = 0; p < NR_PHASES; p++)
		if (!strcmp(phases[p].id, "idle"))
			idle = p;
	n = summary_rows(&lr->summary, idle, SUMMARY_BY_TOUCHED, rows,
			 ARRAY_SIZE(rows));
	for (i = 0; i < n && i < (int)ARRAY_SIZE(rows); i++) {
		if (rows[i].reason == TVMM_VMX_EXIT_HLT)
			hlt += rows[i].count;
		if (!strcmp(rows[i].what, "WRMSR IA32_TSC_DEADLINE") ||
		    !strcmp(rows[i].what, "EPT write 0xfee00380 timer initial count"))
			deadline += rows[i].count;
	}
	demo_fact(ctx, DEMO_FACT_UINT, hlt, "idle.hlt");
	demo_fact(ctx, DEMO_FACT_UINT, deadline, "idle.timer_armed");
	demo_check(ctx, hlt > 0 && deadline > 0,
		   "in the idle second the guest halted and armed its APIC timer");
}

static int linux_run_guest(struct linux_run *lr, struct vmm *vmm,
			   const struct run_guest *g, enum vmm_stop *stop)
{
	struct vmm_opts vo = {
		.timeout	= LINUX_TIMEOUT,
		.summary	= &lr->summary,
	};
	cookie_io_functions_t io = { .write = uart_write };
	const char *fw_cmdline = NULL;
	FILE *uart;
	int ret;

	ret = run_make_guest(vmm, g, &fw_cmdline);
	if (ret)
		return ret;
	uart = fopencookie(lr, "w", io);
	if (!uart || pipe2(lr->input, O_CLOEXEC)) {
		if (uart)
			fclose(uart);
		return -errno;
	}
	setvbuf(uart, NULL, _IONBF, 0);
	vo.input_fd = lr->input[0];
	lr->start_ns = linux_now_ns();
	ret = summary_init(&lr->summary, vmm->nr_vcpus, phases[0].name,
			   lr->start_ns);
	if (!ret) {
		dev_ctx_init(&lr->dev, uart, false);
		lr->dev.ram_size = vmm->ram.size;
		lr->dev.cmdline = fw_cmdline;
		ret = vmm_run(vmm, &lr->dev, &vo, stop);
		summary_end(&lr->summary, linux_now_ns());
	}
	fclose(uart);
	close(lr->input[0]);
	if (lr->input[1] >= 0)
		close(lr->input[1]);
	return ret;
}

static int linux_demo_run(struct demo_ctx *ctx)
{
	struct run_guest g = {
		.image		= ctx->kernel ? ctx->kernel :
				  DEMO_LINUX_DIR "/vmlinux",
		.initrd		= ctx->initrd ? ctx->initrd :
				  DEMO_LINUX_DIR "/initrd.cpio",
		.cmdline	= DEMO_LINUX_CMDLINE,
		.cpus		= ctx->cpus,
		.summary	= true,
	};
	struct linux_run *lr;
	enum vmm_stop stop = VMM_STOP_ERROR;
	struct vmm vmm;
	unsigned int p;
	int ret;

	if (access(g.image, R_OK) || access(g.initrd, R_OK)) {
		demo_para(ctx,
			  "Nothing to boot: %s or %s is missing. testvm/run --linux-guest puts Debian's kernel and a busybox initramfs in %s; or give --kernel and --initrd.",
			  g.image, g.initrd, DEMO_LINUX_DIR);
		return DEMO_SKIP;
	}
	lr = calloc(1, sizeof(*lr));
	if (lr)
		lr->console = calloc(1, LINUX_CONSOLE_MAX);
	if (!lr || !lr->console) {
		free(lr);
		return -ENOMEM;
	}
	lr->ctx = ctx;
	lr->input[1] = -1;
	demo_para(ctx,
		  "Booting %s with %s on %u vCPU%s, as \"tvmmctl run\" would, with the command line \"%s\". The console is kept, not shown: its lines and the shell's prompts mark the phases below, and each exit counts in the phase it happened in.",
		  g.image, g.initrd, g.cpus ? g.cpus : 1,
		  g.cpus > 1 ? "s" : "", DEMO_LINUX_CMDLINE);
	ret = linux_run_guest(lr, &vmm, &g, &stop);
	if (!ret) {
		demo_line(ctx, "%s", "");
		for (p = 0; p < NR_PHASES; p++)
			linux_report_phase(lr, p);
		linux_report_reasons(lr);
		linux_report_devices(lr);
		linux_report_cost(lr, &vmm);
		linux_checks(lr, stop);
		if (stop != VMM_STOP_HALT && !ctx->json) {
			char why[256];

			demo_line(ctx, "  the run ended: %s",
				  vmm_stop_reason(&vmm, stop, why, sizeof(why)));
			demo_line(ctx, "  the console's last words: %s",
				  lr->console_len > 400 ?
				  lr->console + lr->console_len - 400 :
				  lr->console);
		}
	} else {
		demo_line(ctx, "  cannot run the guest: %s", strerror(-ret));
	}
	summary_free(&lr->summary);
	vmm_destroy(&vmm);
	free(lr->console);
	free(lr);
	return ret;
}

const struct demo demo_linux = {
	.name		= "linux",
	.summary	= "Linux boots to a shell: what a real OS makes the VMM do",
	.title		= "What a real operating system makes the VMM do",
	.intro		=
		"The other demos each run a few instructions chosen to show one thing. Here an unmodified Linux kernel boots to a shell and runs three commands, and tvmm counts every VM exit it causes: by phase of the boot, by exit reason, by what each exit touched (the MSR, the port, the device register, the CPUID leaf) and by device. An operating system runs mostly at native speed; what is left is what it asks of the machine that only the VMM may answer: the processor it is on, the devices, the timer, interrupts, idling.",
	.run		= linux_demo_run,
};
