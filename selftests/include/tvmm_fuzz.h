/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_fuzz.h - what the two fuzzers (insn_fuzz_test, ioctl_fuzz_test)
 * share: their command line, a seeded random generator, how long to go
 * on, the check that a struct tvmm_run is one uapi/tvmm.h documents,
 * histograms of the exits seen, and the leak check around a run.
 *
 * Command line of a fuzzer:
 *	--seed N	the run's seed (default: the test's fixed seed)
 *	--seconds S	run for S seconds
 *	--iterations N	run N executions (with --seconds: whichever ends
 *			first)
 * With neither, a short fixed round, the one testvm/check runs. The
 * environment's TVMM_FUZZ_SEED, TVMM_FUZZ_SECONDS and TVMM_FUZZ_ITERATIONS
 * are the defaults of these (for run_selftests, which passes no
 * arguments; state_fuzz_test reads TVMM_FUZZ_SEED too). The seed
 * is printed; the same seed makes the same choices again (what a guest
 * does before a timer stops it, and what racing threads meet, vary).
 */
#ifndef TVMM_SELFTEST_FUZZ_H
#define TVMM_SELFTEST_FUZZ_H

#include <stdbool.h>
#include <linux/types.h>

#include "uapi/tvmm.h"

struct fuzz_opts {
	__u64 seed;
	double seconds;			/* 0: no time limit */
	unsigned long iterations;	/* 0: no count limit */
};

extern struct fuzz_opts fuzz_opts;

/*
 * Parse the fuzzer's options into fuzz_opts (exits with a usage message
 * on a bad one); returns the harness's timeout for the test, in seconds.
 */
unsigned int fuzz_parse_args(int argc, char **argv, __u64 default_seed,
			     unsigned long default_iterations);

/*
 * main() of a fuzzer: its options, the harness timeout of @test_name
 * stretched to fit --seconds, then the kselftest harness.
 */
#define TVMM_FUZZ_MAIN(test_name, default_seed, default_iterations)	\
	static void __attribute__((constructor))			\
	__constructor_order_last(void)					\
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}								\
	int main(int argc, char **argv)					\
	{								\
		_##test_name##_object.timeout =				\
			fuzz_parse_args(argc, argv, default_seed,	\
					default_iterations);		\
		return test_harness_run(argc, argv);			\
	}

/* xorshift64*, seeded by fuzz_srand(): the same sequence everywhere. */
void fuzz_srand(__u64 seed);
__u64 fuzz_rnd(void);
__u64 fuzz_below(__u64 n);		/* 0 to n - 1; n > 0 */
bool fuzz_one_in(__u64 n);
/* A value a check is likely to get wrong: 0, ~0, powers of 2 +-1, ... */
__u64 fuzz_boundary(void);
/* Random bytes, or one of fuzz_boundary()'s values, @n bits wide. */
__u64 fuzz_value(unsigned int bits);

/* Start the clock; then whether execution @done is one too many. */
void fuzz_start(void);
bool fuzz_done(unsigned long done);
double fuzz_elapsed(void);

/* Executions and executions per second, for the log. */
void fuzz_print_rate(const char *what, unsigned long done);

/*
 * NULL if @run, after TVMM_RUN returned @ret (0 or -errno), is one the ABI
 * documents, else what is wrong with it. @exits: the exception vectors
 * the vCPU was asked to exit on; @window: whether request_interrupt_window
 * was set; @trace: whether a trace was on.
 */
const char *fuzz_check_run(const struct tvmm_run *run, int ret,
			   __u32 exits, bool window, bool trace);

/* How many of each exit: tvmm exits and VMX exit reasons. */
struct fuzz_hist {
	unsigned long tvmm[TVMM_EXIT_MSR + 1];
	unsigned long long vmx[TVMM_NR_VMX_EXIT_REASONS];
};

void fuzz_hist_add_run(struct fuzz_hist *h, const struct tvmm_run *run);
/* Add a vCPU's TVMM_GET_VCPU_STATS (nothing if the ioctl fails). */
void fuzz_hist_add_stats(struct fuzz_hist *h, int vcpu_fd);
void fuzz_hist_print(const struct fuzz_hist *h);

/*
 * The leak check: fuzz_mem_before() after a warm-up, with nothing of
 * tvmm open; fuzz_mem_after() once everything is closed again: false
 * (with a message) if used memory (but processes' anonymous memory) grew
 * by @tolerance_kb or more, or this
 * process's locked memory (RLIMIT_MEMLOCK's count, VmLck) did not come
 * back, or the module cannot be unloaded (a reference left behind). It
 * loads the module again.
 */
#define FUZZ_MEMINFO_MAX	64

struct fuzz_mem {
	long used_kb;
	long unreclaimable_kb;
	long locked_kb;
	int nr_meminfo;
	char meminfo_keys[FUZZ_MEMINFO_MAX][32];
	long meminfo_kb[FUZZ_MEMINFO_MAX];
};

void fuzz_mem_before(struct fuzz_mem *m);
bool fuzz_mem_after(const struct fuzz_mem *m, long tolerance_kb);

#endif /* TVMM_SELFTEST_FUZZ_H */
