/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmmctl bench: the same guest code under tvmm and under KVM, and the
 * compute and memory parts of it natively, timed with the guest's TSC.
 *
 * A case is something the guest runs (bench/abi.h); a metric is one row
 * of the table, in cycles per operation: every case gives one metric, but
 * "touch" gives two (the guest's first touch, and the host's cost of adding
 * the slot). Each metric is measured opts.reps times on each backend; the
 * table shows the median and the spread.
 *
 * Functions return 0 or a negative errno and print nothing, except the
 * report functions and bench_run()'s progress lines (opts.verbose).
 */
#ifndef TVMMCTL_BENCH_BENCH_H
#define TVMMCTL_BENCH_BENCH_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "bench/abi.h"
#include "lib/opts.h"
#include "lib/util.h"

#define BENCH_MAX_REPS		100
#define BENCH_DEFAULT_REPS	5

enum bench_backend_id {
	BENCH_TVMM,		/* /dev/tvmm */
	BENCH_KVM,		/* /dev/kvm, a minimal runner of our own */
	BENCH_NATIVE,		/* the same code called in tvmmctl */
	BENCH_NR_BACKENDS
};

enum bench_size {
	BENCH_SIZE_SMALL,	/* seconds in Bochs: proves it works */
	BENCH_SIZE_FULL,	/* the published figures */
	BENCH_NR_SIZES
};

enum bench_metric {
	BENCH_M_CPUID,
	BENCH_M_VMCALL,
	BENCH_M_PIO,
	BENCH_M_MMIO,
	BENCH_M_HLT,
	BENCH_M_TOUCH,		/* guest cycles per page touched first */
	BENCH_M_SLOT,		/* host cycles per page to add the slot */
	BENCH_M_MEMLOOP,
	BENCH_M_SIEVE,
	BENCH_NR_METRICS
};

/* How a metric is judged against the targets. */
enum bench_target_kind {
	BENCH_TARGET_NONE,
	BENCH_TARGET_VS_KVM,	/* tvmm/kvm cycles at most @value */
	BENCH_TARGET_VS_NATIVE,	/* native/tvmm cycles (speed) at least @value */
};

/**
 * struct bench_metric_info - one row of the table.
 * @name:	the row's name; also the case's name on the command line
 *		(BENCH_M_SLOT runs with "touch").
 * @guest_case:	the enum bench_guest_case that produces it.
 * @unit:	what one operation is.
 * @what:	a line for the legend.
 * @backends:	bitmap of the backends it is measured on.
 * @handled:	where each backend handles the operation ("kernel", ...).
 * @target:	the target for it.
 * @target_value: its number.
 */
struct bench_metric_info {
	const char *name;
	enum bench_guest_case guest_case;
	const char *unit;
	const char *what;
	unsigned int backends;
	const char *handled[BENCH_NR_BACKENDS];
	enum bench_target_kind target;
	double target_value;
};

extern const struct bench_metric_info bench_metrics[BENCH_NR_METRICS];
extern const char *const bench_backend_names[BENCH_NR_BACKENDS];
extern const char *const bench_size_names[BENCH_NR_SIZES];

enum bench_verdict {
	BENCH_NO_TARGET,	/* the metric has none */
	BENCH_UNJUDGED,		/* a backend it needs did not measure it */
	BENCH_MET,
	BENCH_MISSED,
};

/* What each size runs. */
struct bench_size_params {
	__u64 fast_exits;	/* CPUID, VMCALL: per repetition */
	__u64 slow_exits;	/* PIO, MMIO, HLT: userspace round trips */
	__u64 touch_pages;
	__u64 memloop_bytes;	/* power of two, at least 4 KiB */
	__u64 sieve_bytes;
	__u64 sieve_runs;
};

extern const struct bench_size_params bench_sizes[];

struct bench_opts {
	bool json;		/* JSON on stdout instead of the table */
	const char *json_file;	/* also write the JSON here */
	bool verbose;		/* progress on stderr */
	unsigned int reps;
	enum bench_size size;
	unsigned int backends;	/* bitmap of enum bench_backend_id */
	unsigned int cases;	/* bitmap of enum bench_guest_case */
};

/* Median, range and spread of one series. */
struct bench_stat {
	double median, min, max;
	double spread_pct;	/* (max - min) / 2 / median, in percent */
};

/* One metric on one backend. */
struct bench_series {
	unsigned int n;
	double samples[BENCH_MAX_REPS];
	struct bench_stat stat;
	bool measured;		/* every repetition ran: stat is valid */
	const char *handled;	/* where the backend handled it, or NULL */
	int err;		/* the measurement failed: why says why */
	char why[256];
};

struct bench_backend_state {
	bool used;		/* asked for */
	bool available;		/* could create its VM */
	char why[256];		/* why not */
	bool kernel_hypercalls;	/* tvmm: TVMM_CAP_KERNEL_HYPERCALLS */
	__u64 ram_bytes;	/* guest RAM (slot 0) */
	__u64 ram_huge_bytes;	/* ...of it in transparent huge pages, at the end */
};

struct bench_results {
	struct bench_opts opts;
	struct bench_backend_state backend[BENCH_NR_BACKENDS];
	struct bench_series series[BENCH_NR_METRICS][BENCH_NR_BACKENDS];
	__u64 ops[BENCH_NR_METRICS];	/* operations per repetition */
};

/* opts.c: the command line (argv[0] is "bench"); a TVMMCTL_EXIT_* status. */
int bench_parse(int argc, char **argv, struct bench_opts *opts);
/* The options bench_parse() takes, also for "tvmmctl help bench". */
enum {
	BENCH_OPT_JSON, BENCH_OPT_JSON_FILE, BENCH_OPT_VERBOSE, BENCH_OPT_REPS,
	BENCH_OPT_SIZE, BENCH_OPT_BACKEND, BENCH_NR_OPTS
};

extern const struct tvmm_option bench_options[BENCH_NR_OPTS];

/* stats.c */
int bench_stat_compute(const double *samples, unsigned int n,
		       struct bench_stat *stat);
bool bench_series_ok(const struct bench_series *s);
bool bench_ratio(const struct bench_results *r, enum bench_metric m,
		 enum bench_backend_id num, enum bench_backend_id den,
		 double *ratio);
enum bench_verdict bench_target_check(const struct bench_results *r,
				      enum bench_metric m, double *value);

/* bench.c: run everything opts asks for; 0 when every series ran. */
int bench_run(const struct bench_opts *opts, struct bench_results *r);

/* report.c */
void bench_print_table(FILE *f, const struct bench_results *r);
void bench_print_json(FILE *f, const struct bench_results *r);

#endif /* TVMMCTL_BENCH_BENCH_H */
