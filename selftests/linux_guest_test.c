// SPDX-License-Identifier: GPL-2.0
/*
 * linux_guest_test - an unmodified Linux boots under "tvmmctl run" to a
 * shell, and works: the test machine's own Debian kernel (the bzImage, or
 * the same kernel as a vmlinux ELF through its PVH entry) with a busybox
 * initramfs, as "testvm/run --linux-guest" puts them in /usr/lib/tvmm/linux.
 *
 * The first test boots it once, on as many vCPUs as this machine has CPUs,
 * and drives its shell through the UART the way a user at a terminal
 * would: the guest's /init (testvm/linux-guest/init, with "tvmmtest" on its
 * command line) prints "guest: KEY VALUE" lines and its kernel log, then
 * starts a shell; the test types a command, interrupts a "sleep" with
 * Ctrl-C, and types "poweroff -f". What the guest printed is kept in a file
 * for the tests after it, each of which checks one thing the guest
 * reported. A boot that failed fails them all.
 *
 * Then the guest is saved at its prompt and restored: the vmlinux boots
 * ("quiet", no reports) under "tvmmctl run --save-on USR2 FILE", the test
 * sets a shell variable, sends USR2, ends that tvmmctl once it says the
 * snapshot is saved, and "tvmmctl restore FILE", a new process, answers
 * the next command with the variable's value and powers off.
 * TVMM_LINUX_SNAPSHOT=0 skips it.
 *
 * The last test runs "tvmmctl demo linux" on the vmlinux (no minutes of
 * decompression) and the same vCPUs: its own checks pass, and its facts
 * show what a boot makes the VMM do in each phase
 * (userspace-ctl/demo/linux.c). Its console is loud (the phases are the
 * kernel's lines), which makes its boot slower than the first test's:
 * TVMM_LINUX_DEMO=0 skips it (testvm/check runs it in one machine).
 *
 * Environment: TVMM_LINUX_KERNEL (vmlinuz, the default, or vmlinux, or a
 * path), TVMM_LINUX_CPUS (default: this machine's CPUs), TVMM_LINUX_MEM
 * (default 256M), TVMM_LINUX_TIMEOUT (seconds for the whole run, default
 * 1800: Bochs decompresses the bzImage for minutes), TVMM_LINUX_CMDLINE
 * (default CMDLINE below; it must keep "tvmmtest").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmmctl_image.h"

#define LINUX_DIR	"/usr/lib/tvmm/linux"
#define OUT_FILE	"/tmp/linux_guest_test.out"
#define MAX_CPUS	16
/*
 * "tvmmtest": the guest's /init reports, then starts the shell.
 * mitigations=off: the CPU model has no speculation controls, and Linux
 * says "WARNING" about what that leaves open. cryptomgr.notests: the
 * crypto self-tests take 9 s of the guest's time in Bochs.
 * watchdog_thresh=60: the soft-lockup watchdog's longest; Bochs's 2-CPU
 * machine runs 10 million instructions a second, so a kernel path that
 * takes a real CPU a tenth of a second looks stuck for 20 s there.
 */
#define CMDLINE		"console=ttyS0 quiet mitigations=off cryptomgr.notests " \
			"watchdog_thresh=60 panic=-1 tvmmtest"
/* busybox sh's prompt for root in / */
#define PROMPT		"/ # "

/* What a line of the guest's console says about a broken kernel. */
static const char *const bad_words[] = {
	"WARNING", "BUG:", "BUG at", "Call Trace", "unchecked MSR", "panic",
	"timer doesn't work", "Oops", "soft lockup", "detected stall",
};

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static unsigned int nr_cpus(void)
{
	const char *v = getenv("TVMM_LINUX_CPUS");
	long n = v ? strtol(v, NULL, 0) : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_CPUS ? MAX_CPUS : n;
}

static void kernel_path(char *buf, size_t len)
{
	const char *k = env_or("TVMM_LINUX_KERNEL", "vmlinuz");

	if (strchr(k, '/'))
		snprintf(buf, len, "%s", k);
	else
		snprintf(buf, len, LINUX_DIR "/%s", k);
}

/* ---- driving the guest's console ------------------------------------- */

/*
 * tvmmctl with its stdin and stdout on pipes; @out collects stdout (the
 * guest's UART), and every byte also goes to OUT_FILE.
 */
struct console {
	pid_t pid;
	int in, out;
	FILE *log;
	char *buf;
	size_t len, cap;
	time_t deadline;
	int status;		/* tvmmctl's exit status, -1 before */
};

/* argv's stdout copied to @log as it comes, its stdin a pipe. */
static int console_start_log(struct console *c, char *const argv[],
			     const char *log)
{
	int in[2], out[2];

	memset(c, 0, sizeof(*c));
	c->status = -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -errno;
	c->log = fopen(log, "w");
	if (!c->log)
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (!c->pid) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = out[0];
	return 0;
}

static int console_start(struct console *c, char *const argv[])
{
	return console_start_log(c, argv, OUT_FILE);
}

/* Read what there is, waiting up to @ms; false at the end of stdout. */
static bool console_read(struct console *c, int ms)
{
	struct pollfd p = { .fd = c->out, .events = POLLIN };
	char chunk[4096];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return true;
	n = read(c->out, chunk, sizeof(chunk));
	if (n <= 0)
		return false;
	fwrite(chunk, 1, n, c->log);
	fflush(c->log);
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			return false;
	}
	memcpy(c->buf + c->len, chunk, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return true;
}

/*
 * Wait until the output after offset @from holds @text, as a whole line
 * (with \r\n or \n around it) when @line; the offset of its end, or -1 on
 * timeout or EOF.
 */
static long console_wait(struct console *c, size_t from, const char *text,
			 bool line)
{
	size_t n = strlen(text);
	char *p;

	for (;;) {
		for (p = c->buf ? c->buf + from : NULL; p && (p = strstr(p, text));
		     p += n) {
			bool start = p == c->buf || p[-1] == '\n';
			bool end = p[n] == '\r' || p[n] == '\n';

			if (!line || (start && end))
				return p + n - c->buf;
		}
		if (time(NULL) > c->deadline || !console_read(c, 1000))
			return -1;
	}
}

static long console_expect(struct console *c, size_t from, const char *line)
{
	return console_wait(c, from, line, true);
}

/*
 * The shell's prompt after @from: type only then, as a user would. Input
 * typed earlier can be lost: opening the tty resets the UART's FIFO.
 */
static long console_prompt(struct console *c, size_t from)
{
	return console_wait(c, from, PROMPT, false);
}

static void console_type(struct console *c, const char *s)
{
	if (write(c->in, s, strlen(s)) != (ssize_t)strlen(s))
		fprintf(stderr, "# cannot type into the guest: %s\n",
			strerror(errno));
}

/* Read to the end; tvmmctl's exit status, or -1 (killed at the deadline). */
static int console_finish(struct console *c)
{
	int status;

	while (time(NULL) <= c->deadline && console_read(c, 1000))
		;
	if (time(NULL) > c->deadline)
		kill(c->pid, SIGKILL);
	close(c->in);
	close(c->out);
	waitpid(c->pid, &status, 0);
	fclose(c->log);
	free(c->buf);
	return WIFEXITED(status) && time(NULL) <= c->deadline ?
	       WEXITSTATUS(status) : -1;
}

/*
 * The end of a shell session: at the prompt after @at, power off; with
 * none (@at <= 0, or no prompt), SIGTERM. tvmmctl's exit status.
 */
static int console_poweroff(struct console *c, long at)
{
	if (at > 0)
		at = console_prompt(c, at);
	if (at > 0)
		console_type(c, "poweroff -f\n");
	else
		kill(c->pid, SIGTERM);
	return console_finish(c);
}

/* ---- what the guest said --------------------------------------------- */

/*
 * The value of the first "guest: KEY VALUE" (or "guest: KEY") line of
 * OUT_FILE, or NULL.
 */
static char *guest_says(const char *key, char *val, size_t len)
{
	char line[4096], want[128];
	FILE *f = fopen(OUT_FILE, "r");
	char *ret = NULL;
	size_t n;

	if (!f)
		return NULL;
	n = snprintf(want, sizeof(want), "guest: %s", key);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		/* The key, then a space and the value, or nothing. */
		if (strncmp(line, want, n) || (line[n] && line[n] != ' '))
			continue;
		snprintf(val, len, "%s", line[n] ? line + n + 1 : "");
		ret = val;
		break;
	}
	fclose(f);
	return ret;
}

/* The numbers of a "guest: KEY N N N..." line; how many, -1 if none. */
static int guest_numbers(const char *key, double *v, int max)
{
	char buf[4096], *p, *end;
	int n = 0;

	if (!guest_says(key, buf, sizeof(buf)))
		return -1;
	for (p = buf; n < max; p = end) {
		v[n] = strtod(p, &end);
		if (end == p)
			break;
		n++;
	}
	return n;
}

/* The boot test leaves OUT_FILE and "rc start end" in OUT_FILE.status. */
static bool boot_result(int *rc, long *start, long *end)
{
	FILE *f = fopen(OUT_FILE ".status", "r");
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%d %ld %ld", rc, start, end) == 3;
	fclose(f);
	return ok;
}

/* The guest reached its shell: everything it reports was printed. */
static bool guest_booted(void)
{
	long start, end;
	char val[8];
	int rc;

	return boot_result(&rc, &start, &end) &&
	       guest_says("dmesg-end", val, sizeof(val)) &&
	       guest_says("ready", val, sizeof(val));
}

/* ---- the tests ----------------------------------------------------------- */

FIXTURE(guest) {
	char kernel[256];
};

FIXTURE_SETUP(guest)
{
	kernel_path(self->kernel, sizeof(self->kernel));
	if (access(self->kernel, R_OK) ||
	    access(LINUX_DIR "/initrd.cpio", R_OK))
		TVMM_SKIP("no %s or " LINUX_DIR "/initrd.cpio: %s",
			  self->kernel, "boot the machine with testvm/run --linux-guest");
	TVMM_REQUIRE_MODULE();
}

FIXTURE_TEARDOWN(guest)
{
}

/*
 * Boot, answer a command, take Ctrl-C, power off with status 0; all of it
 * before the deadline.
 */
TEST_F_TIMEOUT(guest, boots_to_shell_and_powers_off, 3600)
{
	const char *mem = env_or("TVMM_LINUX_MEM", "256M");
	const char *cmdline = env_or("TVMM_LINUX_CMDLINE", CMDLINE);
	char cpus[16], timeout[16];
	const char *argv[16];
	unsigned int n = 0;
	struct console c;
	long at, start;
	FILE *f;
	int rc;

	unlink(OUT_FILE ".status");
	snprintf(cpus, sizeof(cpus), "%u", nr_cpus());
	snprintf(timeout, sizeof(timeout), "%s",
		 env_or("TVMM_LINUX_TIMEOUT", "1800"));
	argv[n++] = "tvmmctl";
	argv[n++] = "run";
	argv[n++] = "--cpus";
	argv[n++] = cpus;
	argv[n++] = "--mem";
	argv[n++] = mem;
	argv[n++] = "--timeout";
	argv[n++] = timeout;
	argv[n++] = "--initrd";
	argv[n++] = LINUX_DIR "/initrd.cpio";
	argv[n++] = "--cmdline";
	argv[n++] = cmdline;
	argv[n++] = self->kernel;
	argv[n] = NULL;
	TH_LOG("tvmmctl run --cpus %s --mem %s --initrd %s --cmdline \"%s\" %s",
	       cpus, mem, LINUX_DIR "/initrd.cpio", cmdline, self->kernel);
	start = time(NULL);
	ASSERT_EQ(0, console_start(&c, (char *const *)argv));
	c.deadline = start + strtol(timeout, NULL, 0) + 60;

	at = console_expect(&c, 0, "guest: ready");
	EXPECT_LT(0, at) TH_LOG("no \"guest: ready\": the boot did not finish");
	if (at > 0)
		at = console_prompt(&c, at);
	if (at > 0) {
		/* A command, typed: its output, not the echo of its input. */
		console_type(&c, "echo answer-$((6 * 7))\n");
		at = console_expect(&c, at, "answer-42");
		EXPECT_LT(0, at) TH_LOG("the shell did not answer");
	}
	if (at > 0)
		at = console_prompt(&c, at);
	if (at > 0) {
		/*
		 * Ctrl-C reaches the guest's foreground job, as SIGINT. The
		 * job is in the foreground before it prints "sleeping" (a ^C
		 * to the shell itself would only cancel the line). The shell
		 * then drops the rest of the line, as shells do, and its $?
		 * says how the job ended: 128 + SIGINT.
		 */
		console_type(&c, "sh -c 'echo sleeping; exec sleep 600'\n");
		at = console_expect(&c, at, "sleeping");
		EXPECT_LT(0, at);
		if (at > 0) {
			console_type(&c, "\x03");
			at = console_prompt(&c, at);
		}
		if (at > 0) {
			console_type(&c, "echo sleep-status-$?\n");
			at = console_expect(&c, at, "sleep-status-130");
			EXPECT_LT(0, at) TH_LOG("Ctrl-C did not end the sleep");
		}
	}
	rc = console_poweroff(&c, at);
	EXPECT_EQ(0, rc) TH_LOG("tvmmctl's exit status (see " OUT_FILE ")");
	f = fopen(OUT_FILE ".status", "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "%d %ld %ld\n", rc, start, (long)time(NULL));
	fclose(f);
}

/* None of the words of a broken kernel in the console or the kernel log. */
TEST_F(guest, console_is_clean)
{
	char line[4096];
	unsigned int i, bad = 0;
	FILE *f;

	ASSERT_TRUE(guest_booted());
	f = fopen(OUT_FILE, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		/* The command line names "panic=-1". */
		if (strstr(line, "ommand line:"))
			continue;
		for (i = 0; i < ARRAY_SIZE(bad_words); i++) {
			if (!strstr(line, bad_words[i]))
				continue;
			if (bad++ < 10)
				TH_LOG("%s", line);
		}
	}
	fclose(f);
	EXPECT_EQ(0, bad);
}

TEST_F(guest, uname_is_this_kernel)
{
	struct utsname u;
	char val[256];

	ASSERT_TRUE(guest_booted());
	ASSERT_EQ(0, uname(&u));
	ASSERT_NE(NULL, guest_says("uname", val, sizeof(val)));
	EXPECT_STREQ(u.release, val);
}

TEST_F(guest, nproc_is_the_vcpu_count)
{
	double n;

	ASSERT_TRUE(guest_booted());
	ASSERT_EQ(1, guest_numbers("nproc", &n, 1));
	EXPECT_EQ(nr_cpus(), (unsigned int)n);
}

/* Its clock is the TSC, trusted: no jiffies, no PIT calibration. */
TEST_F(guest, clocksource_is_tsc)
{
	char val[64];

	ASSERT_TRUE(guest_booted());
	ASSERT_NE(NULL, guest_says("clocksource", val, sizeof(val)));
	EXPECT_STREQ("tsc", val);
}

/* Every CPU's local timer interrupts grow over the guest's "sleep 1". */
TEST_F(guest, timer_interrupts_on_every_cpu)
{
	double a[MAX_CPUS], b[MAX_CPUS];
	unsigned int i, n = nr_cpus();

	ASSERT_TRUE(guest_booted());
	ASSERT_EQ(n, guest_numbers("loc0", a, MAX_CPUS));
	ASSERT_EQ(n, guest_numbers("loc1", b, MAX_CPUS));
	for (i = 0; i < n; i++)
		EXPECT_LT(a[i], b[i]) TH_LOG("CPU %u: %.0f, then %.0f", i,
					     a[i], b[i]);
}

/* "sleep 1" lasts a second of the guest's own clock, not much more. */
TEST_F(guest, sleep_lasts_a_second)
{
	double t[2];

	ASSERT_TRUE(guest_booted());
	ASSERT_EQ(2, guest_numbers("slept", t, 2));
	EXPECT_LE(1.0, t[1] - t[0]);
	EXPECT_GT(3.0, t[1] - t[0]);
}

/*
 * The RTC gave the host's date: the guest's RTC and system clock read
 * between this machine's time at the start and at the end of the run.
 */
TEST_F(guest, clock_starts_at_the_host_date)
{
	double rtc, date;
	long start, end;
	int rc;

	ASSERT_TRUE(guest_booted());
	ASSERT_TRUE(boot_result(&rc, &start, &end));
	ASSERT_EQ(1, guest_numbers("rtc", &rtc, 1));
	ASSERT_EQ(1, guest_numbers("date", &date, 1));
	EXPECT_LE(start - 2, (long)rtc);
	EXPECT_GE(end + 2, (long)rtc);
	EXPECT_LE(start - 2, (long)date);
	EXPECT_GE(end + 2, (long)date);
}

/* "taskset -c N" runs a task on each CPU N. */
TEST_F(guest, runs_work_on_every_cpu)
{
	char key[32], val[64];
	unsigned int i;

	ASSERT_TRUE(guest_booted());
	for (i = 0; i < nr_cpus(); i++) {
		snprintf(key, sizeof(key), "cpu %u", i);
		ASSERT_NE(NULL, guest_says(key, val, sizeof(val)));
		snprintf(key, sizeof(key), "ran-on %u", i);
		EXPECT_STREQ(key, val);
	}
}

/* ---- saved at the prompt, restored ----------------------------------- */

#define SNAP_FILE	"/tmp/linux_guest_test.snap"
#define SNAP_ERR	"/tmp/linux_guest_test.err"
#define SNAP_CMDLINE	"console=ttyS0 quiet mitigations=off cryptomgr.notests " \
			"watchdog_thresh=60 panic=-1"

/* "sh -c 'exec tvmmctl ARGS 2>SNAP_ERR'" on a console. */
static int console_tvmmctl_log(struct console *c, const char *args,
			       const char *log)
{
	char cmd[1024];
	char *const argv[] = { "sh", "-c", cmd, NULL };

	snprintf(cmd, sizeof(cmd), "exec tvmmctl %s 2>>" SNAP_ERR, args);
	return console_start_log(c, argv, log);
}

static int console_tvmmctl(struct console *c, const char *args)
{
	return console_tvmmctl_log(c, args, OUT_FILE);
}

/* SNAP_ERR holds @text before @deadline. */
static bool wait_stderr(const char *text, time_t deadline)
{
	struct timespec ts = { 0, 50 * 1000000 };
	char buf[4096];

	while (time(NULL) <= deadline) {
		tvmmctl_read_file(SNAP_ERR, buf, sizeof(buf));
		if (strstr(buf, text))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * The shell's state (a variable), the kernel's, the devices' and the
 * vCPUs' go from one tvmmctl to another through the file: the restored
 * guest answers the next command as the saved one would have.
 */
TEST_F_TIMEOUT(guest, saved_at_prompt_and_restored, 1800)
{
	char args[512], err[4096];
	struct console c;
	time_t deadline;
	long at;
	int rc;

	if (!strcmp(env_or("TVMM_LINUX_SNAPSHOT", "1"), "0"))
		TVMM_SKIP("TVMM_LINUX_SNAPSHOT=0");
	if (access(LINUX_DIR "/vmlinux", R_OK))
		TVMM_SKIP("no " LINUX_DIR "/vmlinux");
	unlink(SNAP_FILE);
	unlink(SNAP_ERR);
	snprintf(args, sizeof(args),
		 "run --save-on USR2 " SNAP_FILE " --cpus %u --mem %s --timeout 900 --initrd "
		 LINUX_DIR "/initrd.cpio --cmdline '" SNAP_CMDLINE "' " LINUX_DIR "/vmlinux",
		 nr_cpus(), env_or("TVMM_LINUX_MEM", "256M"));
	TH_LOG("tvmmctl %s", args);
	deadline = time(NULL) + 1000;
	ASSERT_EQ(0, console_tvmmctl(&c, args));
	c.deadline = deadline;
	at = console_prompt(&c, 0);
	EXPECT_LT(0, at) TH_LOG("no prompt: the boot did not finish");
	if (at > 0) {
		console_type(&c, "x=42; echo set-$x\n");
		at = console_expect(&c, at, "set-42");
		EXPECT_LT(0, at) TH_LOG("the shell did not answer");
	}
	if (at > 0)
		at = console_prompt(&c, at);
	if (at > 0) {
		EXPECT_EQ(0, kill(c.pid, SIGUSR2));
		EXPECT_TRUE(wait_stderr("snapshot 1 saved", deadline));
	}
	/* That guest ends here: only the file goes on. */
	kill(c.pid, SIGKILL);
	console_finish(&c);
	ASSERT_LT(0, at);
	ASSERT_EQ(0, access(SNAP_FILE, R_OK));

	ASSERT_EQ(0, console_tvmmctl(&c, "restore --timeout 600 " SNAP_FILE));
	c.deadline = time(NULL) + 700;
	/*
	 * The prompt was printed before the save: type now. The UART's FIFO
	 * and the tty are as they were, so nothing typed is lost.
	 */
	console_type(&c, "echo restored-$x\n");
	at = console_expect(&c, 0, "restored-42");
	EXPECT_LT(0, at) TH_LOG("the restored shell did not answer (" OUT_FILE ")");
	rc = console_poweroff(&c, at);
	tvmmctl_read_file(SNAP_ERR, err, sizeof(err));
	EXPECT_EQ(0, rc) TH_LOG("tvmmctl restore's exit status; stderr: %s", err);
}

#define MIG_SOCK	"/tmp/linux_guest_test.sock"
#define MIG_OUT		"/tmp/linux_guest_test.moved"
/* Lines the shell writes: it still writes when the move is over. */
#define MIG_LINES	"5000"

/*
 * The same move, live: a Linux guest on two vCPUs migrated to "tvmmctl
 * restore --incoming", which answers the next command; the sender ends
 * with 0, having said what it sent. The move starts while the guest's
 * shell writes lines to the UART, which both vCPUs drive: a pause then
 * finds a vCPU completing a port read that may spin, interrupts off, on
 * a lock the other vCPU holds (vmm/vmm.c, vmm_pause()).
 */
TEST_F_TIMEOUT(guest, migrated_at_prompt, 1800)
{
	char args[768], err[8192];
	struct console c, r;
	time_t deadline;
	long at;
	int rc;

	if (!strcmp(env_or("TVMM_LINUX_SNAPSHOT", "1"), "0"))
		TVMM_SKIP("TVMM_LINUX_SNAPSHOT=0");
	if (access(LINUX_DIR "/vmlinux", R_OK))
		TVMM_SKIP("no " LINUX_DIR "/vmlinux");
	unlink(MIG_SOCK);
	unlink(SNAP_ERR);
	deadline = time(NULL) + 1200;
	ASSERT_EQ(0, console_tvmmctl_log(&r, "restore --timeout 900 --incoming unix:"
					 MIG_SOCK, MIG_OUT));
	r.deadline = deadline;
	ASSERT_TRUE(wait_stderr("waiting for a migration", deadline));
	snprintf(args, sizeof(args),
		 "run --json --migrate-on USR2 unix:" MIG_SOCK
		 " --cpus 2 --mem %s --timeout 900 --initrd " LINUX_DIR
		 "/initrd.cpio --cmdline '" SNAP_CMDLINE "' " LINUX_DIR
		 "/vmlinux",
		 env_or("TVMM_LINUX_MEM", "256M"));
	TH_LOG("tvmmctl %s", args);
	ASSERT_EQ(0, console_tvmmctl(&c, args));
	c.deadline = deadline;
	at = console_prompt(&c, 0);
	EXPECT_LT(0, at) TH_LOG("no prompt: the boot did not finish");
	if (at > 0) {
		console_type(&c, "x=42; i=0; while [ $i -lt " MIG_LINES
			     " ]; do echo line-$i; i=$((i + 1)); done\n");
		at = console_expect(&c, at, "line-100");
		EXPECT_LT(0, at) TH_LOG("the shell did not answer");
	}
	if (at <= 0)
		kill(c.pid, SIGKILL);
	if (at > 0)
		EXPECT_EQ(0, kill(c.pid, SIGUSR2));
	/* The sender ends by itself once the receiver took the guest. */
	rc = console_finish(&c);
	EXPECT_EQ(0, rc);
	/*
	 * From here, offsets are in the receiver's output. What is typed
	 * waits in the tty until the shell's loop ends.
	 */
	at = at > 0 && !rc ? 0 : -1;
	if (!at) {
		console_type(&r, "echo moved-$x\n");
		at = console_expect(&r, 0, "moved-42");
		EXPECT_LT(0, at) TH_LOG("the moved shell did not answer (" MIG_OUT ")");
	}
	rc = console_poweroff(&r, at);
	tvmmctl_read_file(SNAP_ERR, err, sizeof(err));
	EXPECT_EQ(0, rc) TH_LOG("the receiver's exit status; stderr: %s", err);
	EXPECT_NE(NULL, strstr(err, "\"type\": \"migration\"")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "goes on here")) TH_LOG("%s", err);
}

/* ---- tvmmctl demo linux ---------------------------------------------- */

static char demo_out[256 * 1024];

/* Fact @key of the demo's JSON lines, as a number; -1 when absent. */
static long long demo_fact(const char *key)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\"fact\": \"%s\", \"value\": ", key);
	p = strstr(demo_out, pat);
	return p ? strtoll(p + strlen(pat), NULL, 0) : -1;
}

/*
 * The demo boots the kernel to its shell and tells it: every check of its
 * own passes (each phase's mark on the console, the commands answered,
 * the power-off, every exit counted, the idle second halted), and what it
 * counted is what such a boot must make the VMM do.
 */
TEST_F_TIMEOUT(guest, demo_tells_the_boot, 3600)
{
	static const char *const phase[] = {
		"start", "early", "smp", "drivers", "userspace", "command",
		"idle", "poweroff",
	};
	char cmd[512], key[64];
	unsigned int i;
	int status;

	if (!strcmp(env_or("TVMM_LINUX_DEMO", "1"), "0"))
		TVMM_SKIP("TVMM_LINUX_DEMO=0");
	if (access(LINUX_DIR "/vmlinux", R_OK))
		TVMM_SKIP("no " LINUX_DIR "/vmlinux");
	snprintf(cmd, sizeof(cmd),
		 "tvmmctl demo linux --json --kernel %s --cpus %u </dev/null",
		 LINUX_DIR "/vmlinux", nr_cpus());
	status = run_capture(cmd, demo_out, sizeof(demo_out));
	EXPECT_EQ(0, status);
	EXPECT_EQ(NULL, strstr(demo_out, "\"ok\": false"))
		TH_LOG("a check of the demo failed:\n%s", demo_out);
	ASSERT_NE(NULL, strstr(demo_out, "{\"demo\": \"linux\", \"result\": \"pass\""))
		TH_LOG("%.4000s", demo_out);

	/* Every phase made exits, and their sum is every exit. */
	for (i = 0; i < ARRAY_SIZE(phase); i++) {
		snprintf(key, sizeof(key), "%s.exits", phase[i]);
		EXPECT_LT(0, demo_fact(key)) TH_LOG("%s", key);
	}
	EXPECT_EQ(demo_fact("stats.exits"), demo_fact("total.exits"));
	/* The kernel asks the CPU model early, on every CPU it starts. */
	EXPECT_LT(0, demo_fact("start.exits.CPUID") + demo_fact("early.exits.CPUID"));
	/* It probes the RTC for the date, the i8042 for a keyboard. */
	EXPECT_LT(0, demo_fact("device.rtc-cmos"));
	EXPECT_LT(0, demo_fact("device.i8042"));
	/* The console is the UART: the command's output went through it. */
	EXPECT_LT(0, demo_fact("command.device.uart-16550a"));
	EXPECT_LT(0, demo_fact("idle.hlt"));
	EXPECT_LT(0, demo_fact("idle.timer_armed"));
	/* More CPUs: the bring-up's STARTUP IPIs through each local APIC. */
	if (nr_cpus() > 1)
		EXPECT_LT(0, demo_fact("smp.device.local-apic"));
}

TEST_HARNESS_MAIN
