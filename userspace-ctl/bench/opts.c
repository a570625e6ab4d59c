// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl bench's command line:
 *   [--json] [--json-file FILE] [--verbose] [--reps N] [--size small|full]
 *   [--backend tvmm,kvm,native] [CASE...]
 */
#include <assert.h>
#include <string.h>

#include "bench/bench.h"
#include "lib/parse.h"
#include "tvmmctl.h"

/* "tvmm,kvm": a bitmap of backends, or 0 for a bad list. */
static unsigned int parse_backends(const char *list)
{
	unsigned int map = 0, b;
	const char *p = list;
	size_t n;

	if (!list || !*list)
		return 0;
	for (;;) {
		n = strcspn(p, ",");
		for (b = 0; b < BENCH_NR_BACKENDS; b++)
			if (strlen(bench_backend_names[b]) == n &&
			    !strncmp(p, bench_backend_names[b], n))
				break;
		if (b == BENCH_NR_BACKENDS)
			return 0;
		map |= BIT(b);
		if (!p[n])
			return map;
		p += n + 1;
	}
}

/* A case on the command line: a metric's name selects its guest case. */
static int parse_case(const char *name)
{
	int m;

	for (m = 0; m < BENCH_NR_METRICS; m++)
		if (!strcmp(name, bench_metrics[m].name))
			return bench_metrics[m].guest_case;
	return -1;
}

/* bench's options: the table parses them and prints them in the help. */
const struct tvmm_option bench_options[BENCH_NR_OPTS] = {
	[BENCH_OPT_JSON]	= { "--json", NULL, NULL,
		"the results as JSON instead of the table" },
	[BENCH_OPT_JSON_FILE]	= { "--json-file", NULL, "FILE",
		"also write the JSON to FILE" },
	[BENCH_OPT_VERBOSE]	= { "--verbose", "-v", NULL,
		"progress on stderr" },
	[BENCH_OPT_REPS]	= { "--reps", NULL, "N",
		"repetitions of each case (default 5)" },
	[BENCH_OPT_SIZE]	= { "--size", NULL, "SIZE",
		"small (seconds, proves it works) or full (default)" },
	[BENCH_OPT_BACKEND]	= { "--backend", NULL, "LIST",
		"which of tvmm, kvm and native to run (default all)" },
};

static_assert(ARRAY_SIZE(bench_options) == BENCH_NR_OPTS,
	      "an option without its row");

/* One option of the table, @v its value; a usage error or 0. */
static int bench_option(char **argv, int opt, const char *v,
			struct bench_opts *o)
{
	const char *val = v ? v : "";
	__u64 n;
	int c;

	switch (opt) {
	case BENCH_OPT_JSON:
		o->json = true;
		break;
	case BENCH_OPT_VERBOSE:
		o->verbose = true;
		break;
	case BENCH_OPT_JSON_FILE:
		if (!v || !*v)
			return tvmmctl_usage_error(argv[0],
				"bench: --json-file: no file given");
		o->json_file = v;
		break;
	case BENCH_OPT_REPS:
		if (tvmm_parse_range(v, 1, BENCH_MAX_REPS, &n))
			return tvmmctl_usage_error(argv[0],
				"bench: --reps: want 1 to %u, not '%s'",
				BENCH_MAX_REPS, val);
		o->reps = n;
		break;
	case BENCH_OPT_SIZE:
		c = tvmm_parse_word(v, bench_size_names, BENCH_NR_SIZES);
		if (c < 0)
			return tvmmctl_usage_error(argv[0],
				"bench: --size: want small or full, not '%s'",
				val);
		o->size = c;
		break;
	case BENCH_OPT_BACKEND:
		o->backends = parse_backends(v);
		if (!o->backends)
			return tvmmctl_usage_error(argv[0],
				"bench: --backend: want a list of tvmm, kvm and native, not '%s'",
				val);
		break;
	}
	return 0;
}

int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	const char *v;
	int i, c, opt, ret;

	memset(o, 0, sizeof(*o));
	o->reps = BENCH_DEFAULT_REPS;
	o->size = BENCH_SIZE_FULL;
	o->backends = BIT(BENCH_NR_BACKENDS) - 1;
	for (i = 1; i < argc; i++) {
		opt = tvmm_opt_next(bench_options, ARRAY_SIZE(bench_options),
				    argc, argv, &i, &v);
		if (opt == TVMM_OPT_ARG) {
			c = parse_case(v);
			if (c < 0)
				return tvmmctl_usage_error(argv[0],
					"bench: unknown case '%s'", v);
			o->cases |= BIT(c);
		} else if (opt == TVMM_OPT_UNKNOWN) {
			return tvmmctl_usage_error(argv[0],
				"bench: unknown option '%s'", v);
		} else {
			ret = bench_option(argv, opt, v, o);
			if (ret)
				return ret;
		}
	}
	if (!o->cases)
		o->cases = BIT(BENCH_GUEST_NR_CASES) - 1;
	return TVMMCTL_EXIT_OK;
}
