// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot demo: what state a VM is made of, a guest rolled back, and
 * a guest that moves between two processes without noticing. Its guest
 * (demos/snapshot.c) takes the PIT's ticks, keeps a value in XMM7 and
 * rewrites pages of RAM, and prints lines made of that state alone; the
 * demo writes it to a directory of its own and runs it with the real
 * commands, as child processes of this tvmmctl (/proc/self/exe), as a
 * user would type them: "run" once whole; "run --save-on USR2 FILE",
 * signalled mid-run, and the file walked section by section (snap_read(),
 * snap_find()); "restore FILE" twice; "restore --incoming unix:SOCK" and
 * "run --migrate-on USR2 unix:SOCK", signalled mid-run. What each printed
 * is checked against the whole run's output.
 *
 * Like the linux demo it has a run() of its own, and no guest that
 * demo/vm.c drives: its image is embedded as every demo's is (DEMO() in
 * demos.h), but run by the commands. It runs in the process of "tvmmctl
 * demo", which waits for its children and reads their files.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/tvmm_dev.h"
#include "snapshot/file.h"
#include "demo/demo.h"

/* As demos/snapshot.c has them. */
#define SNAPDEMO_LINES		16
#define SNAPDEMO_MEM		"16M"
#define SNAPDEMO_RAM_PAGES	(16ULL << 20 >> 12)
#define SNAPDEMO_BUF_PAGES	32
/* The lines the guest prints before the save, and before the move. */
#define SNAPDEMO_SAVE_AFTER	4
#define SNAPDEMO_MOVE_AFTER	6
/* Seconds: each command's --timeout, and how long the demo waits. */
#define SNAPDEMO_TIMEOUT	"120"
#define SNAPDEMO_WAIT_S		150
#define SNAPDEMO_POLL_MS	10
#define SNAPDEMO_PATH_MAX	128
#define SNAPDEMO_DIR_MAX	48

/* The XMM registers in the XSAVE area's legacy region (SDM Vol. 1, 13.4.1). */
#define XSAVE_XMM_OFFSET	160

/* One command run as a child: its files and how it ended. */
struct snapdemo_cmd {
	const char *name;		/* "plain": files DIR/plain.out, .err */
	pid_t pid;
	int status;			/* exit status, or minus a signal */
	char *out, *err;		/* what it printed, read at its end */
	size_t out_len;
};

struct snapdemo {
	struct demo_ctx *ctx;
	char dir[SNAPDEMO_DIR_MAX];
	char image[SNAPDEMO_PATH_MAX];
	char file[SNAPDEMO_PATH_MAX];
	char addr[SNAPDEMO_PATH_MAX];	/* "unix:DIR/sock" */
	struct snapdemo_cmd plain;	/* the whole run */
	unsigned int plain_lines;
};

static const char *const snapdemo_files[] = {
	"guest.elf", "guest.snap", "sock", "plain.out", "plain.err",
	"save.out", "save.err", "restore1.out", "restore1.err",
	"restore2.out", "restore2.err", "sender.out", "sender.err",
	"receiver.out", "receiver.err",
};

/* ---- children and their files ---- */

static void snapdemo_path(const struct snapdemo *sd, char *buf,
			  const char *name, const char *ext)
{
	snprintf(buf, SNAPDEMO_PATH_MAX, "%s/%s%s", sd->dir, name, ext);
}

/* The whole file at @path, NUL-terminated (an empty one when absent). */
static char *snapdemo_read(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t size = 0, n = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	do {
		if (n + 4096 + 1 > size) {
			char *p = realloc(buf, size + 65536);

			if (!p) {
				n = 0;
				break;
			}
			buf = p;
			size += 65536;
		}
		got = fd < 0 ? 0 : read(fd, buf + n, size - n - 1);
		if (got > 0)
			n += got;
	} while (got > 0);
	if (fd >= 0)
		close(fd);
	if (!buf)
		buf = calloc(1, 1);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = buf ? n : 0;
	return buf;
}

static unsigned int snapdemo_lines(const char *s, size_t len)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void snapdemo_sleep(void)
{
	struct timespec ts = { 0, SNAPDEMO_POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * "tvmmctl @args..." (NULL-terminated) as a child of its own, stdout and
 * stderr to DIR/NAME.out and .err, stdin /dev/null: 0 or a negative errno.
 */
static int snapdemo_start(struct snapdemo *sd, struct snapdemo_cmd *c,
			  const char *name, const char *const *args)
{
	char out[SNAPDEMO_PATH_MAX], err[SNAPDEMO_PATH_MAX];
	const char *argv[16] = { "tvmmctl" };
	unsigned int i;
	sigset_t none;

	memset(c, 0, sizeof(*c));
	c->name = name;
	c->status = -1000;
	snapdemo_path(sd, out, name, ".out");
	snapdemo_path(sd, err, name, ".err");
	for (i = 0; args[i] && i + 2 < ARRAY_SIZE(argv); i++)
		argv[i + 1] = args[i];
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (!c->pid) {
		int in = open("/dev/null", O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 ||
		    dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		/* A signal the demo blocks stays blocked across exec. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	return 0;
}

/* What @c printed so far. */
static void snapdemo_reread(struct snapdemo *sd, struct snapdemo_cmd *c)
{
	char path[SNAPDEMO_PATH_MAX];

	free(c->out);
	free(c->err);
	snapdemo_path(sd, path, c->name, ".out");
	c->out = snapdemo_read(path, &c->out_len);
	snapdemo_path(sd, path, c->name, ".err");
	c->err = snapdemo_read(path, NULL);
	if (!c->out || !c->err) {
		free(c->out);
		free(c->err);
		c->out = NULL;
		c->err = NULL;
		c->out_len = 0;
	}
}

/* @status of waitpid() as a number: the exit status, or minus a signal. */
static int snapdemo_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       WIFSIGNALED(status) ? -WTERMSIG(status) : -1000;
}

/*
 * Poll @c until it ended (true), or, with @lines, until it printed that
 * many lines (false while it runs), or until @err_says is in its stderr;
 * a child that outlives SNAPDEMO_WAIT_S is killed.
 */
static bool snapdemo_poll(struct snapdemo *sd, struct snapdemo_cmd *c,
			  unsigned int lines, const char *err_says)
{
	unsigned int i, max = SNAPDEMO_WAIT_S * 1000 / SNAPDEMO_POLL_MS;
	int status;

	for (i = 0; c->pid > 0; i++) {
		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			c->pid = 0;
			c->status = snapdemo_status(status);
			break;
		}
		snapdemo_reread(sd, c);
		if (lines && c->out &&
		    snapdemo_lines(c->out, c->out_len) >= lines)
			return false;
		if (err_says && c->err && strstr(c->err, err_says))
			return false;
		if (i == max) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &status, 0);
			c->pid = 0;
			c->status = -SIGKILL;
			break;
		}
		snapdemo_sleep();
	}
	snapdemo_reread(sd, c);
	return true;
}

static void snapdemo_wait(struct snapdemo *sd, struct snapdemo_cmd *c)
{
	snapdemo_poll(sd, c, 0, NULL);
}

/* A child still running (a failure's leftover) is killed. */
static void snapdemo_done(struct snapdemo_cmd *c)
{
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	free(c->out);
	free(c->err);
	c->out = NULL;
	c->err = NULL;
}

/* A command's last words, when it did not do what the demo expected. */
static void snapdemo_said(struct snapdemo *sd, const struct snapdemo_cmd *c)
{
	const char *err = c->err ? c->err : "";
	size_t len = strlen(err);

	demo_line(sd->ctx, "  %s: exit status %d; its stderr: %s", c->name,
		  c->status, len > 600 ? err + len - 600 : err);
}

/* The guest's lines from @text, each indented, @from to @to. */
static void snapdemo_show(struct snapdemo *sd, const char *text,
			  unsigned int from, unsigned int to)
{
	unsigned int n = 1;
	const char *p = text, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		if (n >= from && n <= to)
			demo_line(sd->ctx, "    | %.*s",
				  (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : NULL;
		n++;
	}
}

/*
 * Where @tail starts in the whole run's output, when it is its end: the
 * line (1, 2, ...) and whether in its middle. False when it is not.
 */
static bool snapdemo_suffix(const struct snapdemo *sd, const char *tail,
			    size_t len, unsigned int *line, bool *mid)
{
	const struct snapdemo_cmd *p = &sd->plain;
	size_t at;

	if (!tail || len > p->out_len ||
	    memcmp(p->out + p->out_len - len, tail, len))
		return false;
	at = p->out_len - len;
	*line = snapdemo_lines(p->out, at) + 1;
	*mid = at && p->out[at - 1] != '\n';
	return true;
}

/* ---- 1. the whole run ---- */

static int snapdemo_plain(struct snapdemo *sd)
{
	struct demo_ctx *ctx = sd->ctx;
	const char *const args[] = { "run", "--mem", SNAPDEMO_MEM, "--timeout",
			       SNAPDEMO_TIMEOUT, sd->image, NULL };
	struct snapdemo_cmd *c = &sd->plain;
	unsigned int right = 0;
	const char *p;
	int ret;

	demo_line(ctx, "The guest, run whole: tvmmctl run --mem %s %s",
		  SNAPDEMO_MEM, sd->image);
	ret = snapdemo_start(sd, c, "plain", args);
	if (ret)
		return ret;
	snapdemo_wait(sd, c);
	if (!c->out)
		return -ENOMEM;
	sd->plain_lines = snapdemo_lines(c->out, c->out_len);
	snapdemo_show(sd, c->out, 1, 2);
	demo_line(ctx, "    | ...");
	snapdemo_show(sd, c->out, sd->plain_lines - 1, sd->plain_lines);
	demo_line(ctx, "%s", "");
	demo_para(ctx,
		  "Each line is made of the guest's state alone, never of the time: the ticks it waited for (the PIT's interrupts, counted by its handler), XMM7, where it keeps a running sum that no memory holds, a checksum of %d pages of RAM it rewrites every line, and how many words of them it found not as the line before left them. Then it ends through isa-debug-exit, and tvmmctl with status %d. Any run of it, whole or cut and resumed, must print exactly these lines.",
		  SNAPDEMO_BUF_PAGES, c->status);
	demo_fact(ctx, DEMO_FACT_UINT, sd->plain_lines, "run.lines");
	demo_fact(ctx, DEMO_FACT_INT, c->status, "run.status");
	for (p = c->out; (p = strstr(p, ", wrong words 0\n")); p++)
		right++;
	if (!demo_check(ctx, sd->plain_lines == SNAPDEMO_LINES + 1 &&
			right == SNAPDEMO_LINES && (c->status & 1) &&
			strstr(c->out, "\ndone "),
			"the whole run printed its %d lines, no word wrong, and \"done\", and ended through isa-debug-exit",
			SNAPDEMO_LINES)) {
		snapdemo_said(sd, c);
		return 1;
	}
	return 0;
}

/* ---- 2. the snapshot, section by section ---- */

/* Why the VMM keeps each section: what the guest would lose without it. */
static const struct {
	__u32 type;
	const char *why;
} snapdemo_why[] = {
	{ SNAP_SEC_MACHINE,
	  "The machine's shape, which a restore builds again before anything else: vCPUs, RAM, the TSC rate the guest was told (CPUID leaf 0x15), fw_cfg's command line. The guest cannot change it, but everything else only makes sense in it.",
	},
	{ SNAP_SEC_CLOCK,
	  "The guest's TSC and the devices' clock when it stopped. Every device timer below is saved relative to them (a tick due in 3 ms is due 3 ms after the restore, however long the file waited), and the guest's TSC goes on from here: it never sees time jump or go back.",
	},
	{ SNAP_SEC_VCPU_REGS,
	  "The general-purpose registers, RIP and RFLAGS: where the guest is in its program, and with what in hand.",
	},
	{ SNAP_SEC_VCPU_SREGS,
	  "The segment registers with their hidden parts (base, limit, rights: loaded from a GDT the guest may since have changed), GDTR, IDTR, CR0, CR3, CR4, EFER: the mode the CPU is in, its page tables, where its interrupts go.",
	},
	{ SNAP_SEC_VCPU_MSRS,
	  "The model-specific registers that the VMCS or tvmm.ko keeps for the guest (SYSCALL's targets, PAT, KERNEL_GS_BASE, TSC_AUX, ...): a kernel sets them once at boot and never again. Not IA32_TSC: the clock section has it.",
	},
	{ SNAP_SEC_VCPU_EVENTS,
	  "What the CPU was about to deliver: an exception or interrupt in the middle of its injection, one tvmmctl queued, the one-instruction shadow of STI or MOV SS. Lost, an interrupt would vanish, or come where the guest cannot take it.",
	},
	{ SNAP_SEC_VCPU_CPUID,
	  "The CPU model the vCPU was given: the guest chose at boot what to use from it, so the restored CPU must be the same. The file's header lists its features, and a host that cannot give one refuses the file.",
	},
	{ SNAP_SEC_VCPU_LOOP,
	  "Not the CPU's state but tvmmctl's: whether the vCPU's thread was waiting in HLT for an interrupt, or an AP for INIT. A restored vCPU that ran on past its HLT would do the guest's next thing before its time.",
	},
	{ SNAP_SEC_VCPU_XSAVE,
	  "XCR0 and the XSAVE area: x87, SSE (XMM0-15, MXCSR), AVX. tvmm.ko switches them between host and guest at every entry and exit; they live in no VMCS field, so they need their own ioctl.",
	},
	{ SNAP_SEC_VCPU_DEBUGREGS,
	  "DR0-DR3, DR6, DR7: the breakpoints and watchpoints a debugger in the guest set.",
	},
	{ SNAP_SEC_UART,
	  "The 16550A: divisor, line settings, interrupt enables and identification, FIFO contents. A guest programs its port once.",
	},
	{ SNAP_SEC_PIC,
	  "The 8259A pair: where each is in its initialization, the vector bases, masks, interrupts requested (IRR) and in service (ISR). An IRQ0 in service with no EOI yet, lost or doubled, stops or swallows every later tick.",
	},
	{ SNAP_SEC_PIT,
	  "The 8254: each counter's mode, reload value and how far into its count it is (relative to the clock section). The guest's ticks come from counter 0: without it the guest would sleep in HLT forever.",
	},
	{ SNAP_SEC_LAPIC,
	  "The vCPU's local APIC: its ID, task priority, vectors requested and in service, LVT entries, the timer's mode and deadline.",
	},
	{ SNAP_SEC_IOAPIC,
	  "The IOAPIC's 24 redirection entries: which CPU and vector each device's interrupt goes to. This guest uses the PICs; a saved machine is the whole machine.",
	},
	{ SNAP_SEC_RTC,
	  "The CMOS clock and its RAM: the guest's date, saved as a date, so that it goes on from it rather than jumping to the restoring host's.",
	},
	{ SNAP_SEC_I8042,
	  "The keyboard controller: its command byte, output buffer, and what the keyboard was told.",
	},
	{ SNAP_SEC_FW_CFG,
	  "QEMU's firmware interface: which item the guest selected, how far it has read.",
	},
	{ SNAP_SEC_MEMORY,
	  "Guest RAM, from GPA 0. Pages of zeros are left out, and a bitmap says which pages are stored: most of a guest's RAM is usually untouched.",
	},
};

static const char *snapdemo_why_of(__u32 type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(snapdemo_why); i++)
		if (snapdemo_why[i].type == type)
			return snapdemo_why[i].why;
	return "";
}

/* What the walk found, for the checks and the other parts. */
struct snapdemo_walk {
	__u64 pages, stored;
	__u64 rip, xmm7;
	bool halted, has_xsave, has_loop;
	unsigned int kinds;		/* distinct section types */
};

/* The section's own values worth a student's look, after its "why". */
static void snapdemo_section_detail(const struct snap_section *s, char *buf,
				    size_t len, struct snapdemo_walk *w)
{
	const struct tvmm_regs *r = s->data;
	const struct tvmm_sregs *sr = s->data;
	const struct tvmm_xsave *x = s->data;
	const struct snap_vcpu_loop *l = s->data;
	const struct snap_memory *m = s->data;
	const struct tvmm_vcpu_events *e = s->data;
	static const char *const loop_said[] = {
		"running: the guest was between two HLTs",
		"halted: the guest was asleep in HLT, waiting for its next tick, and the restored vCPU waits too",
	};

	buf[0] = '\0';
	switch (s->type) {
	case SNAP_SEC_VCPU_REGS:
		if (s->length < sizeof(*r))
			break;
		w->rip = r->rip;
		snprintf(buf, len, " Here RIP 0x%llx, RSP 0x%llx, RFLAGS 0x%llx (IF %s).",
			 (unsigned long long)r->rip,
			 (unsigned long long)r->rsp,
			 (unsigned long long)r->rflags,
			 r->rflags & 0x200 ? "set" : "clear");
		break;
	case SNAP_SEC_VCPU_SREGS:
		if (s->length < sizeof(*sr))
			break;
		snprintf(buf, len,
			 " Here CR0 0x%llx, CR3 0x%llx, CR4 0x%llx, EFER 0x%llx (long mode), CS.L %u.",
			 (unsigned long long)sr->cr0,
			 (unsigned long long)sr->cr3,
			 (unsigned long long)sr->cr4,
			 (unsigned long long)sr->efer, sr->cs.l);
		break;
	case SNAP_SEC_VCPU_MSRS:
		snprintf(buf, len, " Here %llu of them.",
			 (unsigned long long)(s->length /
					      sizeof(struct tvmm_msr_entry)));
		break;
	case SNAP_SEC_VCPU_EVENTS:
		if (s->length < sizeof(*e))
			break;
		snprintf(buf, len, " Here %s.", e->event.pending ?
			 "an event in the middle of its delivery" :
			 e->interrupt.queued ? "an interrupt queued" :
			 "nothing on its way");
		break;
	case SNAP_SEC_VCPU_CPUID:
		snprintf(buf, len, " Here %llu leaves.",
			 (unsigned long long)(s->length /
					      sizeof(struct tvmm_cpuid_entry)));
		break;
	case SNAP_SEC_VCPU_LOOP:
		if (s->length < sizeof(*l))
			break;
		w->has_loop = true;
		w->halted = l->flags & SNAP_VCPU_HALTED;
		snprintf(buf, len, " Here %s.", loop_said[w->halted]);
		break;
	case SNAP_SEC_VCPU_XSAVE:
		if (s->length < sizeof(*x))
			break;
		w->has_xsave = true;
		memcpy(&w->xmm7, x->area + XSAVE_XMM_OFFSET + 7 * 16,
		       sizeof(w->xmm7));
		snprintf(buf, len,
			 " Here XCR0 0x%llx (this guest never runs XSETBV; SSE's registers are state all the same, as CR4.OSFXSR lets it use them), and XMM7 0x%016llx: the guest's running value, in no other place.",
			 (unsigned long long)x->xcr0,
			 (unsigned long long)w->xmm7);
		break;
	case SNAP_SEC_MEMORY:
		if (s->length < sizeof(*m))
			break;
		w->pages += m->size / SNAP_PAGE_SIZE;
		w->stored += m->nr_stored;
		snprintf(buf, len,
			 " Here %llu pages of RAM, %llu stored: the guest's image, stack, page tables and the pages it rewrites.",
			 (unsigned long long)(m->size / SNAP_PAGE_SIZE),
			 (unsigned long long)m->nr_stored);
		break;
	}
}

/* Each section: what it is, its size, why it is kept; and the facts. */
static void snapdemo_walk(struct snapdemo *sd, const struct snap_file *f,
			  struct snapdemo_walk *w)
{
	struct demo_ctx *ctx = sd->ctx;
	char label[64], detail[320], seen[64][24];
	unsigned int i, j, nseen = 0;

	for (i = 0; i < f->nr; i++) {
		const struct snap_section *s = &f->sec[i];
		const char *name = snap_type_name(s->type);
		__u64 bytes = 0;

		snapdemo_section_detail(s, detail, sizeof(detail), w);
		snap_section_label(s, label, sizeof(label));
		demo_item(ctx, label, "%llu bytes. %s%s",
			  (unsigned long long)s->length,
			  snapdemo_why_of(s->type), detail);
		/* The bytes of each kind, its ids added up, once. */
		for (j = 0; j < nseen; j++)
			if (!strcmp(seen[j], name ? name : "?"))
				break;
		if (j < nseen || nseen == ARRAY_SIZE(seen))
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", name ?: "?");
		for (j = i; j < f->nr; j++)
			if (f->sec[j].type == s->type)
				bytes += f->sec[j].length;
		demo_fact(ctx, DEMO_FACT_UINT, bytes, "file.bytes.%s",
			  name ? name : "?");
	}
	w->kinds = nseen;
}

static int snapdemo_save(struct snapdemo *sd, struct snapdemo_walk *w)
{
	struct demo_ctx *ctx = sd->ctx;
	const char *const args[] = { "run", "--save-on", "USR2", sd->file, "--mem",
			       SNAPDEMO_MEM, "--timeout", SNAPDEMO_TIMEOUT,
			       sd->image, NULL };
	static const __u32 needed[] = {
		SNAP_SEC_MACHINE, SNAP_SEC_CLOCK, SNAP_SEC_VCPU_REGS,
		SNAP_SEC_VCPU_SREGS, SNAP_SEC_VCPU_MSRS, SNAP_SEC_VCPU_CPUID,
		SNAP_SEC_VCPU_LOOP, SNAP_SEC_VCPU_XSAVE, SNAP_SEC_UART,
		SNAP_SEC_PIC, SNAP_SEC_PIT, SNAP_SEC_LAPIC, SNAP_SEC_IOAPIC,
		SNAP_SEC_RTC, SNAP_SEC_I8042, SNAP_SEC_FW_CFG,
		SNAP_SEC_MEMORY,
	};
	struct snapdemo_cmd c;
	struct snap_file f;
	enum snap_error err;
	unsigned int i, at_signal;
	bool all = true, saved;
	int ret;

	demo_line(ctx, "1. Saved: tvmmctl run --save-on USR2 %s ..., and kill -USR2 after line %d",
		  sd->file, SNAPDEMO_SAVE_AFTER);
	ret = snapdemo_start(sd, &c, "save", args);
	if (ret)
		return ret;
	snapdemo_poll(sd, &c, SNAPDEMO_SAVE_AFTER, NULL);
	at_signal = c.out ? snapdemo_lines(c.out, c.out_len) : 0;
	if (c.pid > 0)
		kill(c.pid, SIGUSR2);
	snapdemo_wait(sd, &c);
	saved = c.err && strstr(c.err, "snapshot 1 saved to");
	demo_para(ctx,
		  "On the signal tvmmctl stopped every vCPU at an instruction boundary, wrote the VM to %s.tmp, renamed it (a reader never sees half a file), and let the guest go on: it printed all %u of its lines, %s the whole run's, and ended with status %d.",
		  sd->file, snapdemo_lines(c.out ? c.out : "", c.out_len),
		  c.out && !strcmp(c.out, sd->plain.out) ? "the same as" :
		  "NOT the same as", c.status);
	demo_fact(ctx, DEMO_FACT_UINT, at_signal, "save.lines_before_signal");
	demo_check(ctx, saved, "run --save-on said it saved the snapshot");
	demo_check(ctx, c.out && !strcmp(c.out, sd->plain.out) &&
		   c.status == sd->plain.status,
		   "the guest saved went on as if nothing happened: the same lines and exit status as the whole run");
	if (!saved) {
		snapdemo_said(sd, &c);
		snapdemo_done(&c);
		return 1;
	}
	snapdemo_done(&c);

	err = snap_read(&f, sd->file);
	if (!demo_check(ctx, err == SNAP_OK, "the snapshot file reads back, every checksum good")) {
		demo_line(ctx, "  %s: %s", sd->file, f.why);
		return 1;
	}
	demo_para(ctx,
		  "The file, as snap_read() checks it and \"tvmmctl snapshot info %s\" would show it: a header of %zu bytes (the format version, the tvmmctl that wrote it, the CPU features the guest was given, a CRC-32), then %u sections, each with its own header and CRC-32, %llu bytes in all. In the order they are written:",
		  sd->file, sizeof(struct snap_header), f.nr,
		  (unsigned long long)f.hdr.file_size);
	snapdemo_walk(sd, &f, w);
	demo_line(ctx, "%s", "");
	demo_para(ctx,
		  "Of the %llu KiB of the file, %llu pages of 4 KiB are RAM (%llu of the guest's %llu pages: the rest are zeros, left out), and the rest, a few KiB, is all the rest of the machine. That is what a VM is: memory, and a small amount of CPU and device state that the VMM alone can read, because the hardware keeps it (the VMCS, the XSAVE area) or because the VMM is the hardware (the device models).",
		  (unsigned long long)f.hdr.file_size >> 10,
		  (unsigned long long)w->stored,
		  (unsigned long long)w->stored,
		  (unsigned long long)w->pages);
	demo_fact(ctx, DEMO_FACT_UINT, f.nr, "file.sections");
	demo_fact(ctx, DEMO_FACT_UINT, f.hdr.file_size, "file.bytes");
	demo_fact(ctx, DEMO_FACT_UINT, w->kinds, "file.kinds");
	demo_fact(ctx, DEMO_FACT_UINT, w->pages, "file.memory.pages");
	demo_fact(ctx, DEMO_FACT_UINT, w->stored, "file.memory.stored");
	demo_fact(ctx, DEMO_FACT_HEX, w->rip, "file.rip");
	demo_fact(ctx, DEMO_FACT_HEX, w->xmm7, "file.xmm7");
	demo_fact(ctx, DEMO_FACT_BOOL, w->halted, "file.halted");
	for (i = 0; i < ARRAY_SIZE(needed); i++)
		if (!snap_find(&f, needed[i], 0)) {
			all = false;
			demo_line(ctx, "  no %s section", snap_type_name(needed[i]));
		}
	demo_check(ctx, all,
		   "the file has the machine, the clocks, each kind of vCPU state, each device and memory");
	demo_check(ctx, w->pages == SNAPDEMO_RAM_PAGES && w->stored > 0 &&
		   w->stored < w->pages,
		   "memory: all %llu pages of RAM accounted for, the zero pages left out",
		   SNAPDEMO_RAM_PAGES);
	{
		char hex[24];

		snprintf(hex, sizeof(hex), "xmm7 %016llx",
			 (unsigned long long)w->xmm7);
		demo_check(ctx, w->has_xsave && strstr(sd->plain.out, hex),
			   "XMM7 in the file is one of the guest's running values");
	}
	snap_file_free(&f);
	return 0;
}

/* ---- 3. rolled back ---- */

static int snapdemo_rollback(struct snapdemo *sd)
{
	struct demo_ctx *ctx = sd->ctx;
	const char *const args[] = { "restore", "--timeout", SNAPDEMO_TIMEOUT,
			       sd->file, NULL };
	struct snapdemo_cmd r[2];
	unsigned int line = 0, i;
	bool mid = false, tail = false, same;
	int ret;

	demo_line(ctx, "2. Rolled back: tvmmctl restore %s, twice", sd->file);
	for (i = 0; i < 2; i++) {
		ret = snapdemo_start(sd, &r[i], i ? "restore2" : "restore1",
				     args);
		if (ret) {
			if (i)
				snapdemo_done(&r[0]);
			return ret;
		}
		snapdemo_wait(sd, &r[i]);
	}
	same = r[0].out && r[1].out && !strcmp(r[0].out, r[1].out);
	if (r[0].out)
		tail = snapdemo_suffix(sd, r[0].out, r[0].out_len, &line,
				       &mid);
	if (r[0].out)
		snapdemo_show(sd, r[0].out, 1, 2);
	demo_line(ctx, "    | ...");
	demo_line(ctx, "%s", "");
	demo_para(ctx,
		  "Twice, a new process made a new VM from the file: RAM from the memory section, then each vCPU's state through the same ioctls that read it, the devices' models, and last the guest's TSC. The guest went on from the instruction where it stopped, in line %u%s, and printed the rest of its lines: the same %zu bytes both times, which are the last %zu bytes of the whole run's output. It went back in time to the moment of the save, and did not notice: its ticks, XMM7 and RAM are where they were, and no word of its pages is wrong. This is how a VM is rolled back to a known state (a test, an update that failed) any number of times.",
		  line, mid ? ", in the middle of writing it" : "",
		  r[0].out_len, r[0].out_len);
	demo_fact(ctx, DEMO_FACT_UINT, r[0].out_len, "rollback.bytes");
	demo_fact(ctx, DEMO_FACT_UINT, line, "rollback.from_line");
	demo_fact(ctx, DEMO_FACT_BOOL, same, "rollback.same");
	demo_check(ctx, r[0].status == sd->plain.status &&
		   r[1].status == sd->plain.status,
		   "both restores ended as the whole run did (exit status %d)",
		   sd->plain.status);
	demo_check(ctx, same, "both restores printed the same");
	demo_check(ctx, tail && r[0].out_len > 0 &&
		   line > SNAPDEMO_SAVE_AFTER,
		   "what they printed is the rest of the whole run's output, from after line %d",
		   SNAPDEMO_SAVE_AFTER);
	if (!same || !tail || r[0].status != sd->plain.status) {
		snapdemo_said(sd, &r[0]);
		snapdemo_said(sd, &r[1]);
	}
	snapdemo_done(&r[0]);
	snapdemo_done(&r[1]);
	return 0;
}

/* ---- 4. moved ---- */

/* A number of the sender's {"type": "migration", ...} line; 0 if absent. */
static unsigned long long snapdemo_json_num(const char *line, const char *key)
{
	char k[64];
	const char *p;

	if (!line)
		return 0;
	snprintf(k, sizeof(k), "\"%s\": ", key);
	p = strstr(line, k);
	return p ? strtoull(p + strlen(k), NULL, 10) : 0;
}

static int snapdemo_move(struct snapdemo *sd)
{
	static const char *const keys[] = {
		"rounds", "last_round_pages", "pages", "zero_pages", "bytes",
		"state_bytes", "total_ns", "downtime_ns",
	};
	struct demo_ctx *ctx = sd->ctx;
	const char *const recv_args[] = { "restore", "--timeout", SNAPDEMO_TIMEOUT,
				    "--incoming", sd->addr, NULL };
	const char *const send_args[] = { "run", "--json", "--migrate-on", "USR2",
				    sd->addr, "--mem", SNAPDEMO_MEM,
				    "--timeout", SNAPDEMO_TIMEOUT, sd->image,
				    NULL };
	struct snapdemo_cmd recv, send;
	const char *mig = NULL, *said;
	unsigned int i;
	bool listening, moved, same = false;
	int ret;

	demo_line(ctx,
		  "3. Moved: tvmmctl restore --incoming %s, then tvmmctl run --migrate-on USR2 %s ..., and kill -USR2 after line %d",
		  sd->addr, sd->addr, SNAPDEMO_MOVE_AFTER);
	ret = snapdemo_start(sd, &recv, "receiver", recv_args);
	if (ret)
		return ret;
	listening = !snapdemo_poll(sd, &recv, 0, "waiting for a migration");
	if (!demo_check(ctx, listening, "the receiver listens")) {
		snapdemo_said(sd, &recv);
		snapdemo_done(&recv);
		return 1;
	}
	ret = snapdemo_start(sd, &send, "sender", send_args);
	if (ret) {
		snapdemo_done(&recv);
		return ret;
	}
	snapdemo_poll(sd, &send, SNAPDEMO_MOVE_AFTER, NULL);
	if (send.pid > 0)
		kill(send.pid, SIGUSR2);
	snapdemo_wait(sd, &send);
	moved = send.status == 0 && send.err &&
		strstr(send.err, "migrated to");
	/* A sender that did not move its guest leaves the receiver waiting. */
	if (!moved && recv.pid > 0)
		kill(recv.pid, SIGTERM);
	snapdemo_wait(sd, &recv);
	if (send.err)
		mig = strstr(send.err, "{\"type\": \"migration\"");
	/* The sender's output, then the receiver's: the whole run's. */
	if (send.out && recv.out &&
	    send.out_len + recv.out_len == sd->plain.out_len)
		same = !memcmp(sd->plain.out, send.out, send.out_len) &&
		       !memcmp(sd->plain.out + send.out_len, recv.out,
			       recv.out_len);
	said = send.err ? strstr(send.err, "tvmmctl: run: migrated") : NULL;
	if (said)
		demo_line(ctx, "  %.*s", (int)strcspn(said, "\n"), said);
	demo_line(ctx, "%s", "");
	demo_para(ctx,
		  "The sender's guest printed %u lines, the receiver's the other %u, and together they are the whole run's output: the guest did not notice that it changed processes. While it ran, the sender turned on tvmm.ko's dirty-page log (EPT write protection: the first write to each page after a read of the log traps once and is recorded) and sent all %llu pages of RAM (%llu of them zeros, sent as a mark only); then, round after round, the pages written since the round before. When a round was small enough (64 pages or fewer) it stopped the guest, sent the pages written since (%llu) and the state (the snapshot file above without its memory sections, %llu bytes), and the receiver, its VM made, took the guest. Of the %llu ms the move took, the guest stood still for %llu: the rounds before the last went over while it ran, rewriting %d pages every tenth of a second.",
		  send.out ? snapdemo_lines(send.out, send.out_len) : 0,
		  recv.out ? snapdemo_lines(recv.out, recv.out_len) : 0,
		  SNAPDEMO_RAM_PAGES, snapdemo_json_num(mig, "zero_pages"),
		  snapdemo_json_num(mig, "last_round_pages"),
		  snapdemo_json_num(mig, "state_bytes"),
		  snapdemo_json_num(mig, "total_ns") / 1000000,
		  snapdemo_json_num(mig, "downtime_ns") / 1000000,
		  SNAPDEMO_BUF_PAGES);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		demo_fact(ctx, DEMO_FACT_UINT, snapdemo_json_num(mig, keys[i]),
			  "migrate.%s", keys[i]);
	demo_fact(ctx, DEMO_FACT_UINT,
		  send.out ? snapdemo_lines(send.out, send.out_len) : 0,
		  "migrate.sender_lines");
	demo_fact(ctx, DEMO_FACT_UINT,
		  recv.out ? snapdemo_lines(recv.out, recv.out_len) : 0,
		  "migrate.receiver_lines");
	demo_fact(ctx, DEMO_FACT_BOOL, same, "migrate.same");
	demo_check(ctx, moved && mig,
		   "the sender ended with 0, saying it migrated the guest");
	demo_check(ctx, recv.err && strstr(recv.err, "goes on here") &&
		   recv.status == sd->plain.status,
		   "the receiver took the guest, and it ended as the whole run did");
	demo_check(ctx, same && send.out_len && recv.out_len,
		   "the sender's lines, then the receiver's, are the whole run's output");
	demo_check(ctx, snapdemo_json_num(mig, "rounds") >= 2 &&
		   snapdemo_json_num(mig, "pages") >= SNAPDEMO_RAM_PAGES,
		   "every page went over, in a first round and at least one more");
	if (!moved || !same || recv.status != sd->plain.status) {
		snapdemo_said(sd, &send);
		snapdemo_said(sd, &recv);
	}
	snapdemo_done(&send);
	snapdemo_done(&recv);
	return 0;
}

/* ---- the demo ---- */

/* The guest's image into a new directory of the demo's own. */
static int snapdemo_setup(struct snapdemo *sd)
{
	const struct demo_image *img = &sd->ctx->demo->image;
	size_t len = img->end - img->start;
	int fd;
	bool ok;

	snprintf(sd->dir, sizeof(sd->dir), "/tmp/tvmmctl-demo-snapshot.XXXXXX");
	if (!mkdtemp(sd->dir))
		return -errno;
	snapdemo_path(sd, sd->image, "guest.elf", "");
	snapdemo_path(sd, sd->file, "guest.snap", "");
	snprintf(sd->addr, sizeof(sd->addr), "unix:%s/sock", sd->dir);
	fd = open(sd->image, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ok = write(fd, img->start, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -EIO;
}

static void snapdemo_cleanup(struct snapdemo *sd)
{
	char path[SNAPDEMO_PATH_MAX];
	unsigned int i;

	if (!sd->dir[0] || strchr(sd->dir, 'X'))
		return;
	for (i = 0; i < ARRAY_SIZE(snapdemo_files); i++) {
		snapdemo_path(sd, path, snapdemo_files[i], "");
		unlink(path);
	}
	snapdemo_path(sd, path, "guest.snap", ".tmp");
	unlink(path);
	rmdir(sd->dir);
}

/*
 * What this tvmm.ko gives: SSE state through TVMM_CAP_XSAVE (without it
 * a restored guest loses XMM7, and the demo has nothing true to show),
 * and the dirty-page log a live migration needs.
 */
static int snapdemo_caps(struct demo_ctx *ctx, bool *dirty_log)
{
	struct tvmm_dev dev;
	char msg[512];
	int ret, xsave;

	ret = tvmm_dev_open(&dev, ctx->dev);
	if (ret) {
		demo_line(ctx, "  %s", tvmm_dev_strerror(&dev, ret, msg,
							 sizeof(msg)));
		return ret;
	}
	xsave = tvmm_check_extension(&dev, TVMM_CAP_XSAVE);
	*dirty_log = tvmm_check_extension(&dev, TVMM_CAP_DIRTY_LOG) > 0;
	tvmm_dev_close(&dev);
	if (xsave <= 0) {
		demo_para(ctx,
			  "This tvmm.ko has no TVMM_CAP_XSAVE: it cannot read or write a vCPU's SSE registers, so a snapshot would lose the guest's XMM7. Nothing true to show here.");
		return DEMO_SKIP;
	}
	return 0;
}

static int snapdemo_run(struct demo_ctx *ctx)
{
	struct snapdemo sd = { .ctx = ctx };
	struct snapdemo_walk w = { 0 };
	bool dirty_log;
	int ret;

	ret = snapdemo_caps(ctx, &dirty_log);
	if (ret)
		return ret;
	ret = snapdemo_setup(&sd);
	if (ret) {
		demo_line(ctx, "  cannot write the guest's image in %s: %s",
			  sd.dir, strerror(-ret));
		goto out;
	}
	ret = snapdemo_plain(&sd);
	if (!ret)
		ret = snapdemo_save(&sd, &w);
	if (!ret)
		ret = snapdemo_rollback(&sd);
	if (!ret && dirty_log) {
		ret = snapdemo_move(&sd);
	} else if (!ret) {
		demo_para(ctx,
			  "3. Moved: not shown. This tvmm.ko has no TVMM_CAP_DIRTY_LOG, the log of the pages a guest writes, without which a running guest cannot be copied.");
	}
	/* A failed check was said, and counted: the demo goes no further. */
	if (ret > 0)
		ret = 0;
	if (ret < 0)
		demo_line(ctx, "  cannot run a command: %s", strerror(-ret));
out:
	snapdemo_done(&sd.plain);
	snapdemo_cleanup(&sd);
	return ret;
}

const struct demo demo_snapshot = {
	.name		= "snapshot",
	.summary	= "a VM saved section by section, rolled back, moved",
	.title		= "What a VM is made of: saved, rolled back, moved",
	.intro		=
		"A VM is a process's data: guest RAM, and a little state that the CPU keeps for the guest while it runs (registers, the VMCS, the XSAVE area) or that the VMM's device models are. Stopped at an instruction boundary, all of it can be written down, and a new VM made from what was written goes on as if nothing happened. The demo runs its guest with tvmmctl's own commands, as child processes, as you would type them: whole; saved to a file mid-run, the file read section by section; the file restored, twice; and moved, running, to another process.",
	.image		= DEMO_IMAGE(snapshot),
	.run		= snapdemo_run,
};
