// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_qemu_test - "tvmmctl run" against QEMU: each case of
 * refguests/cases boots a reference guest (a boot sector, a multiboot ELF
 * kernel, an a.out kludge kernel; selftests/refguests/) with the same
 * memory size, command line and modules QEMU booted it with on the build
 * host ("make -C selftests reference"). What the guest prints on COM1 and
 * the exit status (isa-debug-exit) must be QEMU's, byte for byte: the
 * memory map, the multiboot info block and its addresses, the modules,
 * fw_cfg, the CPU state at entry.
 *
 * One TAP result per case; everything is skipped without VMX or without
 * the reference outputs (no QEMU on the build host).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "tvmm_util.h"

#define MAX_CASES	32
#define MAX_OUT		65536
#define RUN_TIMEOUT	"30"

struct ref_case {
	char name[64], kind[16], image[64], mem[16];
	char cmdline[256], initrd[256];
};

static char dir[PATH_MAX];	/* the built guests and the reference */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static void copy_field(char *dst, size_t len, char *src)
{
	snprintf(dst, len, "%s", trim(src ? src : ""));
}

/* refguests/cases: "NAME | KIND | IMAGE | MEM | CMDLINE | INITRD". */
static int read_cases(struct ref_case *cases)
{
	char line[1024], path[PATH_MAX + 8], *f[6], *p;
	FILE *in;
	int n = 0, i;

	snprintf(path, sizeof(path), "%s/cases", dir);
	in = fopen(path, "r");
	if (!in)
		return -errno;
	while (fgets(line, sizeof(line), in) && n < MAX_CASES) {
		p = trim(line);
		if (!*p || *p == '#')
			continue;
		for (i = 0; i < 6; i++)
			f[i] = strsep(&p, "|");
		copy_field(cases[n].name, sizeof(cases[n].name), f[0]);
		copy_field(cases[n].kind, sizeof(cases[n].kind), f[1]);
		copy_field(cases[n].image, sizeof(cases[n].image), f[2]);
		copy_field(cases[n].mem, sizeof(cases[n].mem), f[3]);
		copy_field(cases[n].cmdline, sizeof(cases[n].cmdline), f[4]);
		copy_field(cases[n].initrd, sizeof(cases[n].initrd), f[5]);
		n++;
	}
	fclose(in);
	return n;
}

/* The whole of @name@suffix in @dir, NUL-terminated; length or -errno. */
static long read_file(const char *name, const char *suffix, char *buf,
		      size_t len)
{
	char path[PATH_MAX + 128];
	size_t n = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/%.63s%.15s", dir, name, suffix);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return n;
}

/*
 * "tvmmctl run" for @c in @dir, so that the image and modules have the
 * names QEMU saw; its stdout in @out (@out_len), stderr in @err. Its exit
 * status, or -1.
 */
static int run_case(const struct ref_case *c, char *out, long *out_len,
		    char *err, size_t len)
{
	const char *bin = getenv("TVMMCTL") ? getenv("TVMMCTL") : "tvmmctl";
	const char *argv[16];
	FILE *o = tmpfile(), *e = tmpfile();
	int argc = 0, status;
	size_t n;
	pid_t pid;

	if (!o || !e)
		return -1;
	argv[argc++] = bin;
	argv[argc++] = "run";
	argv[argc++] = "--timeout";
	argv[argc++] = RUN_TIMEOUT;
	argv[argc++] = "--mem";
	argv[argc++] = c->mem;
	if (c->cmdline[0]) {
		argv[argc++] = "--cmdline";
		argv[argc++] = c->cmdline;
	}
	if (c->initrd[0]) {
		argv[argc++] = "--initrd";
		argv[argc++] = c->initrd;
	}
	argv[argc++] = c->image;
	argv[argc] = NULL;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (chdir(dir) ||
		    dup2(fileno(o), STDOUT_FILENO) < 0 ||
		    dup2(fileno(e), STDERR_FILENO) < 0)
			_exit(127);
		execvp(bin, (char **)argv);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	rewind(o);
	*out_len = fread(out, 1, MAX_OUT - 1, o);
	out[*out_len] = '\0';
	rewind(e);
	n = fread(err, 1, len - 1, e);
	err[n] = '\0';
	fclose(o);
	fclose(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* @text as TAP comments, each line "# @who: LINE". */
static void show_lines(const char *who, const char *text)
{
	const char *nl;

	for (; *text; text = nl + 1) {
		nl = strchr(text, '\n');
		if (!nl)
			nl = text + strlen(text) - 1;
		ksft_print_msg("%s: %.*s\n", who, (int)(nl - text + 1) -
			       (*nl == '\n'), text);
	}
}

/* Both outputs, and where they part. */
static void show_difference(const char *want, long want_len,
			    const char *got, long got_len)
{
	long i, line = 1;

	for (i = 0; i < want_len && i < got_len && want[i] == got[i]; i++)
		if (want[i] == '\n')
			line++;
	ksft_print_msg("output differs from line %ld (byte %ld)\n", line, i);
	show_lines("QEMU", want);
	show_lines("tvmmctl", got);
}

static bool check_case(const struct ref_case *c)
{
	static char want[MAX_OUT], got[MAX_OUT], err[4096];
	long want_len, got_len = 0;
	int want_status, status;
	bool ok = true;
	char buf[32];

	want_len = read_file(c->name, ".out", want, sizeof(want));
	if (want_len < 0 || read_file(c->name, ".status", buf, sizeof(buf)) <= 0) {
		ksft_print_msg("%s: no reference output\n", c->name);
		return false;
	}
	want_status = atoi(buf);
	status = run_case(c, got, &got_len, err, sizeof(err));
	if (status != want_status) {
		ksft_print_msg("%s: exit status %d, QEMU's %d\n", c->name,
			       status, want_status);
		ok = false;
	}
	if (got_len != want_len || memcmp(got, want, want_len)) {
		show_difference(want, want_len, got, got_len);
		ok = false;
	}
	if (!ok)
		show_lines("tvmmctl stderr", err);
	return ok;
}

int main(void)
{
	static struct ref_case cases[MAX_CASES];
	char version[128], *slash;
	int n, i;

	ksft_print_header();
	if (readlink("/proc/self/exe", dir, sizeof(dir) - 16) < 0)
		ksft_exit_fail_msg("readlink /proc/self/exe: %s\n",
				   strerror(errno));
	slash = strrchr(dir, '/');
	strcpy(slash ? slash + 1 : dir, "refguests");
	if (!host_has_vmx())
		ksft_exit_skip("this CPU has no VMX\n");
	n = read_cases(cases);
	if (n < 0)
		ksft_exit_fail_msg("%s/cases: %s\n", dir, strerror(-n));
	if (read_file("qemu-version", "", version, sizeof(version)) <= 0)
		ksft_exit_skip("no reference outputs in %s: %s\n", dir,
			       "run 'make -C selftests reference' where QEMU is");
	ksft_print_msg("reference: %s", version);
	if (tvmm_ensure_loaded())
		ksft_exit_fail_msg("cannot load tvmm\n");
	ksft_set_plan(n);
	for (i = 0; i < n; i++)
		ksft_test_result(check_case(&cases[i]), "%s: %s %s --mem %s\n",
				 cases[i].name, cases[i].kind, cases[i].image,
				 cases[i].mem);
	ksft_finished();
	return 0;
}
