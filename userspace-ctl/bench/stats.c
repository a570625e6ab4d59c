// SPDX-License-Identifier: GPL-2.0
/*
 * The numbers of tvmmctl bench: a series' median and spread, the ratios
 * between backends and whether a target is met.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The median (the mean of the middle two of an even count), the range,
 * and the spread: half the range, in percent of the median, so that
 * "1000 ±2%" means every repetition was within 980 to 1020 or so.
 */
int bench_stat_compute(const double *samples, unsigned int n,
		       struct bench_stat *stat)
{
	double v[BENCH_MAX_REPS];

	memset(stat, 0, sizeof(*stat));
	if (!n || n > BENCH_MAX_REPS)
		return -EINVAL;
	memcpy(v, samples, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	stat->min = v[0];
	stat->max = v[n - 1];
	stat->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	if (stat->median > 0)
		stat->spread_pct = (stat->max - stat->min) / 2 /
				   stat->median * 100;
	return 0;
}

bool bench_series_ok(const struct bench_series *s)
{
	return s->measured && !s->err;
}

/* @num's median over @den's, when both were measured. */
bool bench_ratio(const struct bench_results *r, enum bench_metric m,
		 enum bench_backend_id num, enum bench_backend_id den,
		 double *ratio)
{
	const struct bench_series *a = &r->series[m][num];
	const struct bench_series *b = &r->series[m][den];

	if (!bench_series_ok(a) || !bench_series_ok(b) ||
	    b->stat.median <= 0)
		return false;
	*ratio = a->stat.median / b->stat.median;
	return true;
}

/*
 * Metric @m against its target. @value gets the number judged: tvmm/kvm
 * in cycles, or for compute tvmm's speed as a fraction of native's
 * (native/tvmm in cycles).
 */
enum bench_verdict bench_target_check(const struct bench_results *r,
				      enum bench_metric m, double *value)
{
	const struct bench_metric_info *info = &bench_metrics[m];
	bool met;

	switch (info->target) {
	case BENCH_TARGET_VS_KVM:
		if (!bench_ratio(r, m, BENCH_TVMM, BENCH_KVM, value))
			return BENCH_UNJUDGED;
		met = *value <= info->target_value;
		break;
	case BENCH_TARGET_VS_NATIVE:
		if (!bench_ratio(r, m, BENCH_NATIVE, BENCH_TVMM, value))
			return BENCH_UNJUDGED;
		met = *value >= info->target_value;
		break;
	default:
		return BENCH_NO_TARGET;
	}
	return met ? BENCH_MET : BENCH_MISSED;
}
