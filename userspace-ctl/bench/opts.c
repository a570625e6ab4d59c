// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl bench's command line:
 *   [--json] [--json-file FILE] [--verbose] [--reps N] [--size small|full]
 *   [--backend tvmm,kvm,native] [CASE...]
 */
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

int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	const char *v;
	__u64 n;
	int i, c;

	memset(o, 0, sizeof(*o));
	o->reps = BENCH_DEFAULT_REPS;
	o->size = BENCH_SIZE_FULL;
	o->backends = BIT(BENCH_NR_BACKENDS) - 1;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (arg[0] != '-') {
			c = parse_case(arg);
			if (c < 0)
				return tvmmctl_usage_error(argv[0],
					"bench: unknown case '%s'", arg);
			o->cases |= BIT(c);
		} else if (!strcmp(arg, "--json")) {
			o->json = true;
		} else if (!strcmp(arg, "--verbose") || !strcmp(arg, "-v")) {
			o->verbose = true;
		} else if (tvmm_opt(argc, argv, &i, "--json-file", &v)) {
			if (!v || !*v)
				return tvmmctl_usage_error(argv[0],
					"bench: --json-file: no file given");
			o->json_file = v;
		} else if (tvmm_opt(argc, argv, &i, "--reps", &v)) {
			if (tvmm_parse_range(v, 1, BENCH_MAX_REPS, &n))
				return tvmmctl_usage_error(argv[0],
					"bench: --reps: want 1 to %u, not '%s'",
					BENCH_MAX_REPS, v ? v : "");
			o->reps = n;
		} else if (tvmm_opt(argc, argv, &i, "--size", &v)) {
			c = tvmm_parse_word(v, bench_size_names,
					    BENCH_NR_SIZES);
			if (c < 0)
				return tvmmctl_usage_error(argv[0],
					"bench: --size: want small or full, not '%s'",
					v ? v : "");
			o->size = c;
		} else if (tvmm_opt(argc, argv, &i, "--backend", &v)) {
			o->backends = parse_backends(v);
			if (!o->backends)
				return tvmmctl_usage_error(argv[0],
					"bench: --backend: want a list of tvmm, kvm and native, not '%s'",
					v ? v : "");
		} else {
			return tvmmctl_usage_error(argv[0],
				"bench: unknown option '%s'", arg);
		}
	}
	if (!o->cases)
		o->cases = BIT(BENCH_GUEST_NR_CASES) - 1;
	return TVMMCTL_EXIT_OK;
}
