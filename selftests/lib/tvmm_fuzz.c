// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm_fuzz.c - what the fuzzers share (tvmm_fuzz.h): options, the random
 * generator, the run-page check, exit histograms and the leak check.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdnoreturn.h>
#include <unistd.h>

#include "kselftest.h"
#include "tvmm_fuzz.h"
#include "tvmm_vm.h"
#include "tvmm_util.h"
#include "uapi/tvmm_vmx.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* The harness's margin past --seconds: setup, the leak check, unloading. */
#define FUZZ_TIMEOUT_MARGIN	300
#define FUZZ_DEFAULT_TIMEOUT	600

struct fuzz_opts fuzz_opts;

static __u64 rng_state;
static double t_start;

static noreturn void bad_args(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--seed N] [--seconds S] [--iterations N]\n"
		"  with neither --seconds nor --iterations: a short fixed round\n",
		prog);
	exit(KSFT_FAIL);
}

static unsigned long long env_or(const char *name, unsigned long long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

unsigned int fuzz_parse_args(int argc, char **argv, __u64 default_seed,
			     unsigned long default_iterations)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	fuzz_opts.seed = env_or("TVMM_FUZZ_SEED", default_seed);
	fuzz_opts.seconds = env_or("TVMM_FUZZ_SECONDS", 0);
	fuzz_opts.iterations = env_or("TVMM_FUZZ_ITERATIONS", 0);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		errno = 0;
		switch (c) {
		case 's':
			fuzz_opts.seed = strtoull(optarg, &end, 0);
			break;
		case 't':
			fuzz_opts.seconds = strtod(optarg, &end);
			break;
		case 'n':
			fuzz_opts.iterations = strtoul(optarg, &end, 0);
			break;
		default:
			bad_args(argv[0]);
		}
		if (errno || *end || end == optarg)
			bad_args(argv[0]);
	}
	if (optind != argc)
		bad_args(argv[0]);
	if (!fuzz_opts.seconds && !fuzz_opts.iterations)
		fuzz_opts.iterations = default_iterations;
	/* xorshift never leaves 0. */
	if (!fuzz_opts.seed)
		fuzz_opts.seed = default_seed;
	if (fuzz_opts.seconds)
		return (unsigned int)fuzz_opts.seconds + FUZZ_TIMEOUT_MARGIN;
	return FUZZ_DEFAULT_TIMEOUT;
}

void fuzz_srand(__u64 seed)
{
	rng_state = seed ? seed : 1;
}

__u64 fuzz_rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

__u64 fuzz_below(__u64 n)
{
	return fuzz_rnd() % n;
}

bool fuzz_one_in(__u64 n)
{
	return !fuzz_below(n);
}

__u64 fuzz_boundary(void)
{
	unsigned int bit = fuzz_below(64);

	switch (fuzz_below(8)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return 1ULL << bit;
	case 3:
		return (1ULL << bit) - 1;
	case 4:
		return (1ULL << bit) + 1;
	case 5:
		return -(1ULL << bit);
	case 6:
		return 0xffff800000000000ULL + fuzz_below(1ULL << 30);
	default:
		return fuzz_below(0x10000);
	}
}

__u64 fuzz_value(unsigned int bits)
{
	__u64 v = fuzz_one_in(2) ? fuzz_boundary() : fuzz_rnd();

	return bits >= 64 ? v : v & ((1ULL << bits) - 1);
}

void fuzz_start(void)
{
	t_start = now_seconds();
}

double fuzz_elapsed(void)
{
	return now_seconds() - t_start;
}

bool fuzz_done(unsigned long done)
{
	if (fuzz_opts.iterations && done >= fuzz_opts.iterations)
		return true;
	return fuzz_opts.seconds && fuzz_elapsed() >= fuzz_opts.seconds;
}

void fuzz_print_rate(const char *what, unsigned long done)
{
	double t = fuzz_elapsed();

	ksft_print_msg("%lu %s in %.1f s: %.1f per second (seed %#llx)\n",
		       done, what, t, t > 0 ? done / t : 0.0,
		       (unsigned long long)fuzz_opts.seed);
}

/* Exception vectors that push an error code (SDM Vol. 3A, Table 7-1). */
#define VECTORS_WITH_ERROR_CODE	((1u << 8) | (1u << 10) | (1u << 11) | \
				 (1u << 12) | (1u << 13) | (1u << 14) | \
				 (1u << 17) | (1u << 21) | (1u << 29) | \
				 (1u << 30))

const char *fuzz_check_run(const struct tvmm_run *run, int ret,
			   __u32 exits, bool window, bool trace)
{
	__u32 hw;

	if (ret == -EINTR)
		return run->exit_reason == TVMM_EXIT_INTR ? NULL :
		       "-EINTR without TVMM_EXIT_INTR";
	if (ret)
		return "TVMM_RUN failed with an errno the ABI does not list";
	if (run->if_flag > 1 || run->ready_for_interrupt_injection > 1)
		return "if_flag or ready_for_interrupt_injection not 0 or 1";
	switch (run->exit_reason) {
	case TVMM_EXIT_IO:
		if (run->io.direction > TVMM_IO_OUT)
			return "I/O direction";
		if (run->io.size != 1 && run->io.size != 2 &&
		    run->io.size != 4)
			return "I/O size";
		if (!run->io.count ||
		    run->io.count > TVMM_RUN_IO_DATA_SIZE / run->io.size)
			return "I/O count";
		if (run->io.data_offset != TVMM_RUN_IO_DATA_OFFSET)
			return "I/O data_offset";
		return NULL;
	case TVMM_EXIT_MMIO:
		if (run->mmio.len != 1 && run->mmio.len != 2 &&
		    run->mmio.len != 4 && run->mmio.len != 8)
			return "MMIO len";
		if (run->mmio.is_write > 1)
			return "MMIO is_write";
		return NULL;
	case TVMM_EXIT_HLT:
	case TVMM_EXIT_SHUTDOWN:
	case TVMM_EXIT_HYPERCALL:
		return NULL;
	case TVMM_EXIT_EXCEPTION:
		if (run->exception.vector > 31 ||
		    !(exits & (1u << run->exception.vector)))
			return "an exception not asked for";
		if (run->exception.error_code_valid > 1)
			return "error_code_valid not 0 or 1";
		if (run->exception.error_code_valid &&
		    !(VECTORS_WITH_ERROR_CODE & (1u << run->exception.vector)))
			return "an error code on a vector that has none";
		return NULL;
	case TVMM_EXIT_FAIL_ENTRY:
		hw = run->fail_entry.hardware_entry_failure_reason & 0xffff;
		if (hw != TVMM_VMX_EXIT_INVALID_GUEST_STATE &&
		    hw != TVMM_VMX_EXIT_MSR_LOADING &&
		    hw != TVMM_VMX_EXIT_MACHINE_CHECK)
			return "a VM-entry failure of another reason";
		if (run->fail_entry.guest_state_check >
		    TVMM_GUEST_CHECK_DESCRIPTOR_TABLE)
			return "guest_state_check unknown";
		return NULL;
	case TVMM_EXIT_INTERNAL_ERROR:
		if (run->internal.suberror == TVMM_INTERNAL_EPT_MISCONFIG)
			return "EPT misconfiguration (a host bug)";
		if (run->internal.suberror != TVMM_INTERNAL_UNHANDLED_EXIT &&
		    run->internal.suberror != TVMM_INTERNAL_EMULATION)
			return "internal suberror unknown";
		if (run->internal.insn_len > 15)
			return "internal insn_len above 15";
		return NULL;
	case TVMM_EXIT_IRQ_WINDOW_OPEN:
		return window ? NULL : "IRQ_WINDOW_OPEN not asked for";
	case TVMM_EXIT_TRACE_FULL:
		return trace ? NULL : "TRACE_FULL without a trace";
	case TVMM_EXIT_MSR:
		if (run->msr.is_write > 1)
			return "MSR is_write not 0 or 1";
		if (run->msr.error || run->msr.pad[0] || run->msr.pad[1])
			return "MSR error or padding not 0";
		if (!run->msr.is_write && run->msr.data)
			return "MSR data of an RDMSR not 0";
		return NULL;
	default:
		return "an exit reason the ABI does not define";
	}
}

void fuzz_hist_add_run(struct fuzz_hist *h, const struct tvmm_run *run)
{
	if (run->exit_reason < ARRAY_SIZE(h->tvmm))
		h->tvmm[run->exit_reason]++;
}

void fuzz_hist_add_stats(struct fuzz_hist *h, int vcpu_fd)
{
	struct tvmm_vcpu_stats st = { .size = sizeof(st) };
	unsigned int i;

	if (ioctl(vcpu_fd, TVMM_GET_VCPU_STATS, &st))
		return;
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++)
		h->vmx[i] += st.exits[i];
}

#define TVMM_VMX_EXIT_NAME(nr, name)	\
	[nr] = name,
static const char *const vmx_exit_names[TVMM_NR_VMX_EXIT_REASONS] = {
#include "uapi/tvmm_names.h"
};

#undef TVMM_VMX_EXIT_NAME

void fuzz_hist_print(const struct fuzz_hist *h)
{
	unsigned int i;

	ksft_print_msg("tvmm exits (why TVMM_RUN returned):\n");
	for (i = 0; i < ARRAY_SIZE(h->tvmm); i++)
		if (h->tvmm[i])
			ksft_print_msg("  %-16s %lu\n", exit_reason_str(i),
				       h->tvmm[i]);
	ksft_print_msg("VMX exits (TVMM_GET_VCPU_STATS, closed vCPUs' lost):\n");
	for (i = 0; i < ARRAY_SIZE(h->vmx); i++)
		if (h->vmx[i])
			ksft_print_msg("  %2u %-22s %llu\n", i,
				       vmx_exit_names[i] ? vmx_exit_names[i] :
				       "?", h->vmx[i]);
}

/* A line "Key:  N kB" of /proc/self/status, or -1. */
static long status_kb(const char *key)
{
	return proc_kb("/proc/self/status", key);
}

/* /proc/meminfo's "Key: N kB" lines: how many were read into @keys/@kb. */
static int read_meminfo(char keys[][32], long *kb, int max)
{
	FILE *f = fopen("/proc/meminfo", "r");
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fscanf(f, "%31[^:]: %ld%*[^\n]\n", keys[n], &kb[n]) == 2)
		n++;
	fclose(f);
	return n;
}

static void settle(void)
{
	run_quiet("sync; echo 3 > /proc/sys/vm/drop_caches");
}

void fuzz_mem_before(struct fuzz_mem *m)
{
	settle();
	/*
	 * Not the fuzzer's own anonymous memory (thread stacks glibc keeps,
	 * its heap): the kernel's. Pages tvmm pinned and never let go are
	 * no process's anymore, so they stay in it.
	 */
	m->used_kb = used_memory_kb() - meminfo_kb("AnonPages");
	m->unreclaimable_kb = meminfo_kb("SUnreclaim");
	m->locked_kb = status_kb("VmLck");
	m->nr_meminfo = read_meminfo(m->meminfo_keys, m->meminfo_kb,
				     FUZZ_MEMINFO_MAX);
}

bool fuzz_mem_after(const struct fuzz_mem *m, long tolerance_kb)
{
	static struct fuzz_mem now;
	bool ok = true;
	int err, i;

	fuzz_mem_before(&now);
	ksft_print_msg("used memory but anonymous %ld -> %ld KiB, locked %ld -> %ld KiB\n",
		       m->used_kb, now.used_kb, m->locked_kb, now.locked_kb);
	ksft_print_msg("unreclaimable slab %ld -> %ld KiB\n",
		       m->unreclaimable_kb, now.unreclaimable_kb);
	/* Where it went, for a report: every line that moved much. */
	for (i = 0; i < now.nr_meminfo && i < m->nr_meminfo; i++)
		if (labs(now.meminfo_kb[i] - m->meminfo_kb[i]) >= 256)
			ksft_print_msg("  %s: %+ld KiB\n", now.meminfo_keys[i],
				       now.meminfo_kb[i] - m->meminfo_kb[i]);
	if (now.used_kb - m->used_kb >= tolerance_kb) {
		ksft_print_msg("used memory grew by %ld KiB (tolerance %ld)\n",
			       now.used_kb - m->used_kb, tolerance_kb);
		ok = false;
	}
	if (now.locked_kb != m->locked_kb) {
		ksft_print_msg("locked memory (RLIMIT_MEMLOCK's count) did not come back\n");
		ok = false;
	}
	err = __tvmm_unload();
	if (err) {
		ksft_print_msg("tvmm cannot be unloaded (%s): a reference left behind\n",
			       strerror(-err));
		ok = false;
	}
	if (tvmm_ensure_loaded()) {
		ksft_print_msg("tvmm does not load again\n");
		ok = false;
	}
	return ok;
}
