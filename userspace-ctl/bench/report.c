// SPDX-License-Identifier: GPL-2.0
/*
 * What tvmmctl bench prints: one table, or the same numbers as JSON.
 *
 * Table cells are "MEDIAN ±SPREAD%"; "-" where the metric does not apply
 * to the backend (no exit runs natively) or the backend was not asked
 * for, "n/a" where the backend could not make its VM, "error" where the measurement failed (a
 * note under the table says why).
 */
#include <math.h>
#include <string.h>

#include "bench/bench.h"
#include "lib/json_out.h"
#include "tvmmctl.h"

/* Room for any double printf() may write, so no cell is cut. */
#define VALUE_LEN	320
#define CELL_LEN	(VALUE_LEN + 32)

static bool metric_asked(const struct bench_results *r, enum bench_metric m)
{
	return r->opts.cases & BIT(bench_metrics[m].guest_case);
}

static bool metric_on(enum bench_metric m, enum bench_backend_id b)
{
	return bench_metrics[m].backends & BIT(b);
}

/* Enough digits to compare, not more: 3.4, 123.4, 12345. */
static void format_value(char *buf, size_t len, double v)
{
	snprintf(buf, len, v < 1000 ? "%.1f" : "%.0f", v);
}

static void format_cell(char *buf, size_t len, const struct bench_results *r,
			enum bench_metric m, enum bench_backend_id b)
{
	const struct bench_series *s = &r->series[m][b];
	char v[VALUE_LEN];

	if (!metric_on(m, b) || !r->backend[b].used) {
		snprintf(buf, len, "-");
	} else if (!r->backend[b].available) {
		snprintf(buf, len, "n/a");
	} else if (!bench_series_ok(s)) {
		snprintf(buf, len, "error");
	} else {
		format_value(v, sizeof(v), s->stat.median);
		snprintf(buf, len, "%s ±%.1f%%", v, s->stat.spread_pct);
	}
}

static void format_ratio(char *buf, size_t len, const struct bench_results *r,
			 enum bench_metric m, enum bench_backend_id num,
			 enum bench_backend_id den)
{
	double ratio;

	if (bench_ratio(r, m, num, den, &ratio))
		snprintf(buf, len, "%.3f", ratio);
	else
		snprintf(buf, len, "-");
}

/*
 * "<=0.50 met": every target as a bound on a ratio column. Compute's, tvmm
 * at least 0.98 of native speed, is tvmm/nat at most 1 / 0.98.
 */
static void format_target(char *buf, size_t len,
			  const struct bench_results *r, enum bench_metric m)
{
	const struct bench_metric_info *info = &bench_metrics[m];
	double value = 0, limit = info->target_value;
	enum bench_verdict v;

	v = bench_target_check(r, m, &value);
	if (v == BENCH_NO_TARGET) {
		snprintf(buf, len, "-");
		return;
	}
	if (info->target == BENCH_TARGET_VS_NATIVE)
		limit = 1 / limit;
	snprintf(buf, len, "<=%.2f %s", limit,
		 v == BENCH_UNJUDGED ? "n/a" : v == BENCH_MET ? "met" : "MISSED");
}

/* "tvmm: kernel, kvm: kernel": where each backend handled it. */
static void format_handled(char *buf, size_t len,
			   const struct bench_results *r, enum bench_metric m)
{
	size_t n = 0;
	int b;

	buf[0] = '\0';
	for (b = 0; b < BENCH_NR_BACKENDS; b++) {
		const char *h = r->series[m][b].handled;

		if (!h || n >= len)
			continue;
		n += snprintf(buf + n, len - n, "%s%s: %s", n ? ", " : "",
			      bench_backend_names[b], h);
	}
}

/* A cell of @width columns: "±" is two bytes in UTF-8 but one column. */
static int cell_width(const char *cell, int width)
{
	return width + !!strstr(cell, "±");
}

void bench_print_table(FILE *f, const struct bench_results *r)
{
	char cell[BENCH_NR_BACKENDS][CELL_LEN];
	char tk[VALUE_LEN], tn[VALUE_LEN], kn[VALUE_LEN];
	char target[VALUE_LEN], handled[128];
	int m, b;

	fprintf(f, "tvmmctl bench, size %s: TSC cycles per operation, ",
		bench_size_names[r->opts.size]);
	fprintf(f, "median ±spread of %u repetitions\n\n", r->opts.reps);
	fprintf(f, "%-7s %14s %14s %14s %8s %8s %8s  %s\n", "case", "tvmm",
		"kvm", "native", "tvmm/kvm", "tvmm/nat", "kvm/nat", "target");
	for (m = 0; m < BENCH_NR_METRICS; m++) {
		if (!metric_asked(r, m))
			continue;
		for (b = 0; b < BENCH_NR_BACKENDS; b++)
			format_cell(cell[b], sizeof(cell[b]), r, m, b);
		format_ratio(tk, sizeof(tk), r, m, BENCH_TVMM, BENCH_KVM);
		format_ratio(tn, sizeof(tn), r, m, BENCH_TVMM, BENCH_NATIVE);
		format_ratio(kn, sizeof(kn), r, m, BENCH_KVM, BENCH_NATIVE);
		format_target(target, sizeof(target), r, m);
		fprintf(f, "%-7s %*s %*s %*s %8s %8s %8s  %s\n",
			bench_metrics[m].name,
			cell_width(cell[0], 14), cell[0],
			cell_width(cell[1], 14), cell[1],
			cell_width(cell[2], 14), cell[2], tk, tn, kn, target);
	}

	fprintf(f, "\n");
	for (m = 0; m < BENCH_NR_METRICS; m++) {
		if (!metric_asked(r, m))
			continue;
		fprintf(f, "%-8s %s (%llu %ss a repetition)\n",
			bench_metrics[m].name, bench_metrics[m].what,
			(unsigned long long)r->ops[m], bench_metrics[m].unit);
		format_handled(handled, sizeof(handled), r, m);
		if (handled[0])
			fprintf(f, "%-8s %s\n", "", handled);
	}
	fprintf(f, "%-8s tvmm/kvm at most the bound; sieve: tvmm at least %.2f of native speed\n",
		"target", bench_metrics[BENCH_M_SIEVE].target_value);
	for (b = 0; b < BENCH_NR_BACKENDS; b++) {
		const struct bench_backend_state *st = &r->backend[b];

		if (st->used && !st->available)
			fprintf(f, "%s: not run: %s\n", bench_backend_names[b],
				st->why);
		else if (st->available)
			fprintf(f, "%s: %llu of %llu MiB of RAM in 2 MiB host pages\n",
				bench_backend_names[b],
				(unsigned long long)st->ram_huge_bytes >> 20,
				(unsigned long long)st->ram_bytes >> 20);
	}
	for (m = 0; m < BENCH_NR_METRICS; m++)
		for (b = 0; b < BENCH_NR_BACKENDS; b++)
			if (r->series[m][b].err)
				fprintf(f, "%s on %s: %s\n",
					bench_metrics[m].name,
					bench_backend_names[b],
					r->series[m][b].why);
}

static void json_ratio(struct json_out *j, const char *key,
		       const struct bench_results *r, enum bench_metric m,
		       enum bench_backend_id num, enum bench_backend_id den)
{
	double ratio;

	if (bench_ratio(r, m, num, den, &ratio))
		json_fixed(j, key, ratio, 4);
	else
		json_null(j, key);
}

static void json_series(struct json_out *j, const struct bench_results *r,
			enum bench_metric m, enum bench_backend_id b)
{
	const struct bench_series *s = &r->series[m][b];
	unsigned int i;

	if (!metric_on(m, b) || !r->backend[b].available) {
		json_null(j, bench_backend_names[b]);
		return;
	}
	json_object_begin(j, bench_backend_names[b]);
	if (s->handled)
		json_string(j, "handled", s->handled);
	if (!bench_series_ok(s)) {
		json_string(j, "error", s->err ? s->why : "not measured");
	} else {
		json_fixed(j, "median", s->stat.median, 3);
		json_fixed(j, "min", s->stat.min, 3);
		json_fixed(j, "max", s->stat.max, 3);
		json_fixed(j, "spread_pct", s->stat.spread_pct, 3);
		json_array_begin(j, "samples");
		for (i = 0; i < s->n; i++)
			json_fixed(j, NULL, s->samples[i], 3);
		json_array_end(j);
	}
	json_object_end(j);
}

static void json_target(struct json_out *j, const struct bench_results *r,
			enum bench_metric m)
{
	const struct bench_metric_info *info = &bench_metrics[m];
	enum bench_verdict v;
	double value = 0;

	v = bench_target_check(r, m, &value);
	if (v == BENCH_NO_TARGET) {
		json_null(j, "target");
		return;
	}
	json_object_begin(j, "target");
	if (info->target == BENCH_TARGET_VS_KVM) {
		json_string(j, "ratio", "tvmm/kvm");
		json_string(j, "bound", "max");
	} else {
		json_string(j, "ratio", "native/tvmm");
		json_string(j, "bound", "min");
	}
	json_fixed(j, "limit", info->target_value, 2);
	if (v == BENCH_UNJUDGED) {
		json_null(j, "value");
		json_null(j, "met");
	} else {
		json_fixed(j, "value", value, 4);
		json_bool(j, "met", v == BENCH_MET);
	}
	json_object_end(j);
}

void bench_print_json(FILE *f, const struct bench_results *r)
{
	const struct bench_size_params *p = &bench_sizes[r->opts.size];
	struct json_out j;
	bool ok = true;
	int m, b;

	json_out_init(&j, f);
	json_object_begin(&j, NULL);
	json_string(&j, "tvmmctl_version", TVMMCTL_VERSION);
	json_string(&j, "size", bench_size_names[r->opts.size]);
	json_uint(&j, "reps", r->opts.reps);
	json_string(&j, "unit", "TSC cycles per operation");
	json_object_begin(&j, "params");
	json_uint(&j, "fast_exits", p->fast_exits);
	json_uint(&j, "slow_exits", p->slow_exits);
	json_uint(&j, "touch_pages", p->touch_pages);
	json_uint(&j, "memloop_bytes", p->memloop_bytes);
	json_uint(&j, "sieve_bytes", p->sieve_bytes);
	json_uint(&j, "sieve_runs", p->sieve_runs);
	json_object_end(&j);

	json_object_begin(&j, "backends");
	for (b = 0; b < BENCH_NR_BACKENDS; b++) {
		const struct bench_backend_state *st = &r->backend[b];

		json_object_begin(&j, bench_backend_names[b]);
		json_bool(&j, "used", st->used);
		json_bool(&j, "available", st->available);
		if (st->used && !st->available) {
			json_string(&j, "why", st->why);
			ok = false;
		}
		if (b == BENCH_TVMM && st->available)
			json_bool(&j, "kernel_hypercalls",
				  st->kernel_hypercalls);
		if (st->available) {
			json_uint(&j, "ram_bytes", st->ram_bytes);
			json_uint(&j, "ram_huge_bytes", st->ram_huge_bytes);
		}
		json_object_end(&j);
	}
	json_object_end(&j);

	json_object_begin(&j, "metrics");
	for (m = 0; m < BENCH_NR_METRICS; m++) {
		if (!metric_asked(r, m))
			continue;
		json_object_begin(&j, bench_metrics[m].name);
		json_string(&j, "unit", bench_metrics[m].unit);
		json_string(&j, "what", bench_metrics[m].what);
		json_uint(&j, "ops", r->ops[m]);
		for (b = 0; b < BENCH_NR_BACKENDS; b++) {
			json_series(&j, r, m, b);
			if (metric_on(m, b) && r->backend[b].available &&
			    !bench_series_ok(&r->series[m][b]))
				ok = false;
		}
		json_ratio(&j, "tvmm_kvm", r, m, BENCH_TVMM, BENCH_KVM);
		json_ratio(&j, "tvmm_native", r, m, BENCH_TVMM, BENCH_NATIVE);
		json_ratio(&j, "kvm_native", r, m, BENCH_KVM, BENCH_NATIVE);
		json_target(&j, r, m);
		json_object_end(&j);
	}
	json_object_end(&j);
	json_bool(&j, "ok", ok);
	json_object_end(&j);
}
