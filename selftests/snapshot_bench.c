// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_bench - a benchmark, not a test: what saving, restoring and
 * live-migrating a guest cost, measured through the commands a user
 * types (testvm/bench --snapshot runs it; docs/BENCHMARKS.md has the
 * figures). It prints a table, and the figures as JSON with --json FILE.
 *
 * The guest is C in this binary (tvmmctl_self_image()), with two knobs
 * patched into its image: it fills @fill_pages pages from BUF_GPA with
 * data (so a snapshot has pages to store), prints "ready", and then, each
 * PIT tick (100 Hz), rewrites one word of each of the next @dirty_pages
 * pages of that buffer, round and round, forever.
 *
 * Save and restore, for each RAM size: "tvmmctl run --json --save-on USR2
 * FILE" sent USR2 once the guest is ready (the time its "snapshot" JSON
 * line says: stopping at a boundary excluded, writing the file included),
 * then "tvmmctl restore --json FILE" (its "restore" line: reading and
 * checking the file, making the VM, loading memory, vCPUs and devices).
 * Migration, for each dirty rate: "tvmmctl run --json --migrate-on USR2
 * unix:SOCK" to "tvmmctl restore --incoming unix:SOCK" (the sender's
 * "migration" line: rounds, pages, bytes, the whole time, the downtime).
 *
 * Time in the test machine (Bochs, clock: sync=none) follows executed
 * instructions: the figures are path lengths, comparable with each other
 * in one boot, not a host's speeds.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tvmm_vm.h"
#include "tvmmctl_image.h"
#include "tvmm_pc_guest.h"

#define BUF_GPA		0x1000000ULL	/* 16 MiB: above the image */
#define DIR		"/tmp/snapshot_bench"
#define IMAGE		DIR "/guest.img"
#define SNAP		DIR "/snap"
#define SOCK		DIR "/sock"
#define OUT_MAX		8192
#define MAX_REPS	9

/* ---- the guest ---------------------------------------------------------- */

/*
 * The knobs, patched into the image by set_knobs(): globals of this
 * binary, which the compiler cannot take for constants.
 */
unsigned long long guest_fill_pages = 1, guest_dirty_pages;
unsigned int guest_ticks;
static unsigned long long guest_idt[2 * 256];

GUEST_PIT_ISR(bench_isr_pit, guest_ticks);

/* The guest's entry point (--entry): never returns. */
void bench_guest_main(void)
{
	unsigned long long *buf = (unsigned long long *)BUF_GPA;
	unsigned long long fill = guest_fill_pages, dirty = guest_dirty_pages;
	unsigned long long i, next = 0, gen = 1;
	unsigned int seen = 0;

	guest_set_gate(guest_idt, PC_IRQ0_VECTOR, bench_isr_pit);
	guest_lidt(guest_idt, 256);
	guest_pic_init();
	guest_pit_periodic(100);
	for (i = 0; i < fill * 512; i += 64)
		buf[i] = i * 0x9e3779b97f4a7c15ULL + 1;
	guest_puts("ready\n");
	asm volatile("sti");
	for (;;) {
		asm volatile("cli\n"
			     "1: cmpl %0, guest_ticks(%%rip)\n"
			     "jne 2f\n"
			     "sti; hlt; cli\n"
			     "jmp 1b\n"
			     "2: sti\n" : : "r"(seen) : "memory", "cc");
		seen = guest_ticks;
		for (i = 0; i < dirty; i++) {
			buf[next * 512] = ++gen;
			next = next + 1 < fill ? next + 1 : 0;
		}
	}
}

/* ---- the host ----------------------------------------------------------- */

static unsigned long long image_lo;

/* The knobs into the image's copy of the two variables. */
static int set_knobs(unsigned long long fill, unsigned long long dirty)
{
	FILE *f = fopen(IMAGE, "r+");
	int ret = 0;

	if (!f)
		return -1;
	if (fseek(f, (unsigned long long)&guest_fill_pages - image_lo,
		  SEEK_SET) || fwrite(&fill, 8, 1, f) != 1 ||
	    fseek(f, (unsigned long long)&guest_dirty_pages - image_lo,
		  SEEK_SET) || fwrite(&dirty, 8, 1, f) != 1)
		ret = -1;
	return fclose(f) || ret ? -1 : 0;
}

/* Whether @path holds @text within @seconds. */
static int wait_text(const char *path, const char *text, int seconds)
{
	struct timespec ts = { 0, 10 * 1000000 };
	static char buf[OUT_MAX];
	int i;

	for (i = 0; i < seconds * 100; i++) {
		tvmmctl_read_file(path, buf, sizeof(buf));
		if (strstr(buf, text))
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* The number after "@key": in the JSON line of @type in @path, or 0. */
static unsigned long long json_num(const char *path, const char *type,
				   const char *key)
{
	static char buf[OUT_MAX];
	char want[64];
	const char *line;

	tvmmctl_read_file(path, buf, sizeof(buf));
	snprintf(want, sizeof(want), "{\"type\": \"%s\"", type);
	line = strstr(buf, want);
	if (!line)
		return 0;
	snprintf(want, sizeof(want), "\"%s\": ", key);
	line = strstr(line, want);
	return line ? strtoull(line + strlen(want), NULL, 10) : 0;
}

static const char *guest_opts(unsigned int mib)
{
	static char buf[256];

	snprintf(buf, sizeof(buf),
		 "--timeout 900 --mem %uM --mode long --load-addr %#llx --entry %#llx",
		 mib, image_lo, (unsigned long long)bench_guest_main);
	return buf;
}

static int cmp_u64(const void *a, const void *b)
{
	const unsigned long long *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static unsigned long long median(unsigned long long *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n ? v[n / 2] : 0;
}

struct save_result {
	unsigned int mib;
	unsigned long long file_bytes, save_ns, restore_ns;
};

/* One save and one restore of a guest of @mib MiB, its RAM all data. */
static int save_restore(unsigned int mib, unsigned long long *file_bytes,
			unsigned long long *save_ns,
			unsigned long long *restore_ns)
{
	char cmd[1024];
	pid_t pid;

	if (set_knobs((mib - 16) * 256ULL, 0))
		return -1;
	unlink(SNAP);
	unlink(DIR "/out");
	unlink(DIR "/err");
	snprintf(cmd, sizeof(cmd),
		 "exec tvmmctl run --json --save-on USR2 " SNAP " %s " IMAGE
		 " >" DIR "/out 2>" DIR "/err </dev/null", guest_opts(mib));
	pid = tvmmctl_spawn(cmd);
	if (!wait_text(DIR "/out", "ready", 600) || kill(pid, SIGUSR2) ||
	    !wait_text(DIR "/err", "\"type\": \"snapshot\"", 600)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	*save_ns = json_num(DIR "/err", "snapshot", "ns");
	*file_bytes = json_num(DIR "/err", "snapshot", "file_bytes");
	/* The restored guest runs until --timeout: only the restore counts. */
	snprintf(cmd, sizeof(cmd),
		 "tvmmctl restore --json --timeout 1 " SNAP " >/dev/null 2>"
		 DIR "/rerr </dev/null");
	if (system(cmd) == -1)
		return -1;
	*restore_ns = json_num(DIR "/rerr", "restore", "ns");
	return *save_ns && *restore_ns ? 0 : -1;
}

struct mig_result {
	unsigned int rate;		/* pages dirtied a second */
	unsigned long long rounds, pages, bytes, total_ns, downtime_ns;
	unsigned long long last_round_pages;
};

#define MIG_MIB		64
#define MIG_BUF_PAGES	2048		/* 8 MiB rewritten round and round */

static int mig_once(struct mig_result *r)
{
	char cmd[1024];
	pid_t sender, receiver;
	int st;

	if (set_knobs(MIG_BUF_PAGES, r->rate / 100))
		return -1;
	unlink(SOCK);
	unlink(DIR "/out");
	unlink(DIR "/err");
	unlink(DIR "/rerr");
	receiver = tvmmctl_spawn("exec tvmmctl restore --timeout 1 --incoming unix:"
			 SOCK " >/dev/null 2>" DIR "/rerr </dev/null");
	if (!wait_text(DIR "/rerr", "waiting for a migration", 60))
		goto fail_receiver;
	snprintf(cmd, sizeof(cmd),
		 "exec tvmmctl run --json --migrate-on USR2 unix:" SOCK
		 " %s " IMAGE " >" DIR "/out 2>" DIR "/err </dev/null",
		 guest_opts(MIG_MIB));
	sender = tvmmctl_spawn(cmd);
	if (!wait_text(DIR "/out", "ready", 600) || kill(sender, SIGUSR2) ||
	    waitpid(sender, &st, 0) != sender || !WIFEXITED(st) ||
	    WEXITSTATUS(st)) {
		kill(sender, SIGKILL);
		waitpid(sender, NULL, 0);
		goto fail_receiver;
	}
	waitpid(receiver, NULL, 0);
	r->rounds = json_num(DIR "/err", "migration", "rounds");
	r->pages = json_num(DIR "/err", "migration", "pages");
	r->bytes = json_num(DIR "/err", "migration", "bytes");
	r->total_ns = json_num(DIR "/err", "migration", "total_ns");
	r->downtime_ns = json_num(DIR "/err", "migration", "downtime_ns");
	r->last_round_pages = json_num(DIR "/err", "migration",
				       "last_round_pages");
	return r->rounds ? 0 : -1;
fail_receiver:
	kill(receiver, SIGKILL);
	waitpid(receiver, NULL, 0);
	return -1;
}

static void print_err(const char *what)
{
	static char buf[OUT_MAX];

	tvmmctl_read_file(DIR "/err", buf, sizeof(buf));
	fprintf(stderr, "snapshot_bench: %s failed; tvmmctl said:\n%s\n",
		what, buf);
	tvmmctl_read_file(DIR "/rerr", buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

int main(int argc, char **argv)
{
	static const unsigned int full_mib[] = { 64, 256 };
	static const unsigned int small_mib[] = { 32 };
	static const unsigned int full_rates[] = { 0, 1000, 5000, 20000 };
	static const unsigned int small_rates[] = { 0, 5000 };
	const unsigned int *mibs = full_mib, *rates = full_rates;
	unsigned int nr_mibs = 2, nr_rates = 4, reps = 3, i, k;
	unsigned long long save[MAX_REPS], restore[MAX_REPS];
	struct save_result sr[2];
	struct mig_result mr[4];
	const char *json = NULL;
	FILE *j;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < (unsigned int)argc &&
		    !strcmp(argv[i + 1], "small")) {
			mibs = small_mib;
			nr_mibs = 1;
			rates = small_rates;
			nr_rates = 2;
			reps = 1;
			i++;
		} else if (!strcmp(argv[i], "--size") &&
			   i + 1 < (unsigned int)argc &&
			   !strcmp(argv[i + 1], "full")) {
			i++;
		} else if (!strcmp(argv[i], "--json") &&
			   i + 1 < (unsigned int)argc) {
			json = argv[++i];
		} else {
			fprintf(stderr,
				"usage: snapshot_bench [--size small|full] [--json FILE]\n");
			return 2;
		}
	}
	mkdir(DIR, 0755);
	if (tvmmctl_self_image(IMAGE, &image_lo)) {
		fprintf(stderr, "snapshot_bench: cannot write %s\n", IMAGE);
		return 1;
	}
	for (i = 0; i < nr_mibs; i++) {
		sr[i].mib = mibs[i];
		for (k = 0; k < reps; k++) {
			if (save_restore(mibs[i], &sr[i].file_bytes, &save[k],
					 &restore[k])) {
				print_err("save and restore");
				return 1;
			}
		}
		sr[i].save_ns = median(save, reps);
		sr[i].restore_ns = median(restore, reps);
		unlink(SNAP);
	}
	for (i = 0; i < nr_rates; i++) {
		mr[i].rate = rates[i];
		if (mig_once(&mr[i])) {
			print_err("migration");
			return 1;
		}
	}
	printf("snapshot_bench: time in the test machine, median of %u\n\n",
	       reps);
	printf("     RAM   file    save  save/MiB  restore  restore/MiB\n");
	for (i = 0; i < nr_mibs; i++)
		printf("%4u MiB %3llu MiB %5llu ms %6.2f ms %5llu ms %8.2f ms\n",
		       sr[i].mib, sr[i].file_bytes >> 20,
		       sr[i].save_ns / 1000000, sr[i].save_ns / 1e6 / sr[i].mib,
		       sr[i].restore_ns / 1000000,
		       sr[i].restore_ns / 1e6 / sr[i].mib);
	printf("\nlive migration of a %u MiB guest rewriting %u pages round and round\n",
	       MIG_MIB, MIG_BUF_PAGES);
	printf("dirty pages/s  rounds  pages sent  MiB sent  total ms  last round  downtime ms\n");
	for (i = 0; i < nr_rates; i++)
		printf("%13u %7llu %11llu %9.1f %9llu %11llu %12.1f\n",
		       mr[i].rate, mr[i].rounds, mr[i].pages,
		       mr[i].bytes / 1048576.0, mr[i].total_ns / 1000000,
		       mr[i].last_round_pages, mr[i].downtime_ns / 1e6);
	if (!json)
		return 0;
	j = fopen(json, "w");
	if (!j)
		return 1;
	fprintf(j, "{\"reps\": %u, \"save_restore\": [", reps);
	for (i = 0; i < nr_mibs; i++)
		fprintf(j,
			"%s{\"ram_mib\": %u, \"file_bytes\": %llu, \"save_ns\": %llu, \"restore_ns\": %llu}",
			i ? ", " : "", sr[i].mib, sr[i].file_bytes,
			sr[i].save_ns, sr[i].restore_ns);
	fprintf(j, "], \"migration\": [");
	for (i = 0; i < nr_rates; i++)
		fprintf(j,
			"%s{\"ram_mib\": %u, \"dirty_pages_per_s\": %u, \"rounds\": %llu, \"pages\": %llu, \"bytes\": %llu, \"total_ns\": %llu, \"last_round_pages\": %llu, \"downtime_ns\": %llu}",
			i ? ", " : "", MIG_MIB, mr[i].rate, mr[i].rounds,
			mr[i].pages, mr[i].bytes, mr[i].total_ns,
			mr[i].last_round_pages, mr[i].downtime_ns);
	fprintf(j, "]}\n");
	return fclose(j) ? 1 : 0;
}
