// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of "tvmmctl bench" without a VM: the median and spread, the
 * command line, the ratios and targets, the table and the JSON of
 * hand-made results, the work that runs both in the guest and natively
 * (sieve, memloop, touch), and the embedded guest image.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"

#include "bench/backend.h"
#include "bench/work.h"
#include "tvmmctl.h"
#include "bench_test.h"
#include "check.h"

static bool near(double a, double b)
{
	return fabs(a - b) < 0.000000001;
}

/* ---- median and spread ---------------------------------------------- */

bool test_bench_stats(void)
{
	const double odd[] = { 30, 10, 20, 1000, 25 };
	const double even[] = { 4, 1, 3, 2 };
	const double one[] = { 7 };
	double many[BENCH_MAX_REPS + 1] = { 0 };
	struct bench_stat st;
	bool ok = true;

	ok &= EXPECT(!bench_stat_compute(odd, 5, &st));
	ok &= EXPECT(near(st.median, 25) && near(st.min, 10) &&
		     near(st.max, 1000));
	/* Half the range, in percent of the median. */
	ok &= EXPECT(near(st.spread_pct, (1000.0 - 10) / 2 / 25 * 100));
	ok &= EXPECT(!bench_stat_compute(even, 4, &st));
	ok &= EXPECT(near(st.median, 2.5) && near(st.spread_pct, 60));
	ok &= EXPECT(!bench_stat_compute(one, 1, &st));
	ok &= EXPECT(near(st.median, 7) && near(st.spread_pct, 0));
	/* The caller's samples keep their order. */
	ok &= EXPECT(odd[0] == 30 && odd[3] == 1000);
	ok &= EXPECT(bench_stat_compute(odd, 0, &st) == -EINVAL);
	ok &= EXPECT(bench_stat_compute(many, BENCH_MAX_REPS + 1, &st) ==
		     -EINVAL);
	ok &= EXPECT(!bench_stat_compute(many, BENCH_MAX_REPS, &st));
	ok &= EXPECT(near(st.spread_pct, 0));
	return ok;
}

/* ---- command line ------------------------------------------------------ */

static int parse(struct bench_opts *o, char **argv)
{
	int argc = 0, ret;
	FILE *saved = stderr;

	while (argv[argc])
		argc++;
	/* Usage errors print; the status is what is checked here. */
	stderr = fopen("/dev/null", "w");
	ret = bench_parse(argc, argv, o);
	fclose(stderr);
	stderr = saved;
	return ret;
}

#define PARSE(o, ...)	parse(o, (char *[]){ "bench", ##__VA_ARGS__, NULL })

bool test_bench_parse(void)
{
	/* Each exits 2. */
	static const char *const usage_errors[][4] = {
		{ "bench", "--reps", "0" },
		{ "bench", "--reps", "101" },
		{ "bench", "--reps", "3x" },
		{ "bench", "--reps" },
		{ "bench", "--size", "huge" },
		{ "bench", "--backend", "xen" },
		{ "bench", "--backend", "tvmm," },
		{ "bench", "--backend", "" },
		{ "bench", "--backend", "tvmmkvm" },
		{ "bench", "--json-file" },
		{ "bench", "--json-file=" },
		{ "bench", "nosuchcase" },
		{ "bench", "--jsonx" },
	};
	const unsigned int all_cases = BIT(BENCH_GUEST_NR_CASES) - 1;
	struct bench_opts o;
	bool ok = true;
	size_t i;

	ok &= EXPECT(PARSE(&o) == TVMMCTL_EXIT_OK);
	ok &= EXPECT(o.reps == BENCH_DEFAULT_REPS && o.size == BENCH_SIZE_FULL &&
		     o.backends == (BIT(BENCH_TVMM) | BIT(BENCH_KVM) |
				    BIT(BENCH_NATIVE)) &&
		     o.cases == all_cases && !o.json && !o.json_file &&
		     !o.verbose);

	ok &= EXPECT(PARSE(&o, "--json", "--reps", "3", "--size=small",
			   "--backend", "kvm,tvmm", "-v", "--json-file",
			   "/tmp/x.json", "cpuid", "sieve") ==
		     TVMMCTL_EXIT_OK);
	ok &= EXPECT(o.json && o.verbose && o.reps == 3 &&
		     o.size == BENCH_SIZE_SMALL &&
		     o.backends == (BIT(BENCH_TVMM) | BIT(BENCH_KVM)) &&
		     o.cases == (BIT(BENCH_GUEST_CPUID) |
				 BIT(BENCH_GUEST_SIEVE)) &&
		     o.json_file && !strcmp(o.json_file, "/tmp/x.json"));
	/* "slot" is measured by the touch case. */
	ok &= EXPECT(PARSE(&o, "slot", "--reps=100", "--backend=native") ==
		     TVMMCTL_EXIT_OK);
	ok &= EXPECT(o.cases == BIT(BENCH_GUEST_TOUCH) && o.reps == 100 &&
		     o.backends == BIT(BENCH_NATIVE));

	for (i = 0; i < ARRAY_SIZE(usage_errors); i++) {
		if (parse(&o, (char **)usage_errors[i]) != TVMMCTL_EXIT_USAGE) {
			ksft_print_msg("accepted: bench %s %s\n",
				       usage_errors[i][1],
				       usage_errors[i][2] ?: "");
			ok = false;
		}
	}
	return ok;
}

/* ---- hand-made results --------------------------------------------------- */

/* Three repetitions around @median: 0.98, 1 and 1.02 of it. */
static void set_series(struct bench_results *r, enum bench_metric m,
		       enum bench_backend_id b, double median)
{
	struct bench_series *s = &r->series[m][b];

	s->n = 3;
	s->samples[0] = median * 1.02;
	s->samples[1] = median;
	s->samples[2] = median * 0.98;
	bench_stat_compute(s->samples, s->n, &s->stat);
	s->measured = true;
	s->handled = bench_metrics[m].handled[b];
}

/*
 * tvmm and KVM ran everything but MMIO on KVM failed; CPUID meets its
 * target, PIO misses it; sieve at 0.99 of native speed.
 */
static void fake_results(struct bench_results *r)
{
	memset(r, 0, sizeof(*r));
	r->opts.reps = 3;
	r->opts.size = BENCH_SIZE_SMALL;
	r->opts.cases = BIT(BENCH_GUEST_CPUID) | BIT(BENCH_GUEST_PIO) |
			BIT(BENCH_GUEST_MMIO) | BIT(BENCH_GUEST_TOUCH) |
			BIT(BENCH_GUEST_SIEVE);
	r->opts.backends = BIT(BENCH_TVMM) | BIT(BENCH_KVM) |
			   BIT(BENCH_NATIVE);
	r->ops[BENCH_M_CPUID] = 200;
	r->ops[BENCH_M_SIEVE] = 2;
	r->backend[BENCH_TVMM].used = true;
	r->backend[BENCH_TVMM].available = true;
	r->backend[BENCH_KVM].used = true;
	r->backend[BENCH_KVM].available = true;
	r->backend[BENCH_NATIVE].used = true;
	r->backend[BENCH_NATIVE].available = true;
	set_series(r, BENCH_M_CPUID, BENCH_TVMM, 400);
	set_series(r, BENCH_M_CPUID, BENCH_KVM, 1000);
	set_series(r, BENCH_M_PIO, BENCH_TVMM, 2500);
	set_series(r, BENCH_M_PIO, BENCH_KVM, 3000);
	set_series(r, BENCH_M_MMIO, BENCH_TVMM, 3800);
	r->series[BENCH_M_MMIO][BENCH_KVM].err = -EIO;
	snprintf(r->series[BENCH_M_MMIO][BENCH_KVM].why,
		 sizeof(r->series[0][0].why), "guest stopped: KVM exit reason 8");
	set_series(r, BENCH_M_TOUCH, BENCH_TVMM, 4);
	set_series(r, BENCH_M_TOUCH, BENCH_KVM, 7000);
	set_series(r, BENCH_M_TOUCH, BENCH_NATIVE, 3500);
	set_series(r, BENCH_M_SLOT, BENCH_TVMM, 4400);
	set_series(r, BENCH_M_SLOT, BENCH_KVM, 5);
	set_series(r, BENCH_M_SIEVE, BENCH_TVMM, 1000000);
	set_series(r, BENCH_M_SIEVE, BENCH_KVM, 1020000);
	set_series(r, BENCH_M_SIEVE, BENCH_NATIVE, 990000);
}

bool test_bench_verdicts(void)
{
	struct bench_results r;
	double v = 0;
	bool ok = true;

	fake_results(&r);
	ok &= EXPECT(bench_target_check(&r, BENCH_M_CPUID, &v) == BENCH_MET);
	ok &= EXPECT(near(v, 0.4));
	ok &= EXPECT(bench_target_check(&r, BENCH_M_PIO, &v) == BENCH_MISSED);
	ok &= EXPECT(near(v, 2500.0 / 3000));
	ok &= EXPECT(bench_target_check(&r, BENCH_M_MMIO, &v) ==
		     BENCH_UNJUDGED);
	ok &= EXPECT(bench_target_check(&r, BENCH_M_VMCALL, &v) ==
		     BENCH_UNJUDGED);
	ok &= EXPECT(bench_target_check(&r, BENCH_M_TOUCH, &v) ==
		     BENCH_NO_TARGET);
	/* Compute: native/tvmm in cycles is tvmm's speed. */
	ok &= EXPECT(bench_target_check(&r, BENCH_M_SIEVE, &v) == BENCH_MET);
	ok &= EXPECT(near(v, 0.99));
	set_series(&r, BENCH_M_SIEVE, BENCH_TVMM, 1020000);
	ok &= EXPECT(bench_target_check(&r, BENCH_M_SIEVE, &v) ==
		     BENCH_MISSED);
	ok &= EXPECT(bench_ratio(&r, BENCH_M_TOUCH, BENCH_KVM, BENCH_NATIVE,
				 &v) && near(v, 2));
	ok &= EXPECT(!bench_ratio(&r, BENCH_M_MMIO, BENCH_TVMM, BENCH_KVM,
				  &v));
	return ok;
}

static char *print_results(void (*print)(FILE *f,
					 const struct bench_results *r),
			   const struct bench_results *r)
{
	char *buf;
	size_t len;
	FILE *f = mem_stream(&buf, &len);

	print(f, r);
	fclose(f);
	return buf;
}

static const char *const table[] = {
	"tvmmctl bench, size small: TSC cycles per operation, median ±spread of 3 repetitions",
	"case              tvmm            kvm         native tvmm/kvm tvmm/nat  kvm/nat  target",
	"cpuid      400.0 ±2.0%     1000 ±2.0%              -    0.400        -        -  <=0.50 met",
	"pio         2500 ±2.0%     3000 ±2.0%              -    0.833        -        -  <=0.80 MISSED",
	"mmio        3800 ±2.0%          error              -        -        -        -  <=0.80 n/a",
	"touch        4.0 ±2.0%     7000 ±2.0%            n/a    0.001        -        -  -",
	"slot        4400 ±2.0%      5.0 ±2.0%              -  880.000        -        -  -",
	"sieve    1000000 ±2.0%  1020000 ±2.0%            n/a    0.980        -        -  <=1.02 n/a",
	"cpuid    CPUID leaf 0, answered in the kernel (200 exits a repetition)",
	"         tvmm: kernel, kvm: kernel",
	"         tvmm: pre-mapped, kvm: EPT fault",
	"sieve    a sieve of Eratosthenes, compute-bound (2 runs a repetition)",
	"native: not run: asked to fail",
	"mmio on kvm: guest stopped: KVM exit reason 8",
	NULL,
};

bool test_bench_table(void)
{
	struct bench_results r;
	bool ok = true;
	char *t;

	fake_results(&r);
	/* As bench_run() leaves it when native could not start. */
	r.backend[BENCH_NATIVE].available = false;
	memset(&r.series[BENCH_M_TOUCH][BENCH_NATIVE], 0,
	       sizeof(r.series[0][0]));
	memset(&r.series[BENCH_M_SIEVE][BENCH_NATIVE], 0,
	       sizeof(r.series[0][0]));
	snprintf(r.backend[BENCH_NATIVE].why, sizeof(r.backend[0].why),
		 "asked to fail");
	t = print_results(bench_print_table, &r);
	ok &= has_lines(t, table);
	/* Cases not asked for have no row. */
	ok &= EXPECT(!strstr(t, "\nvmcall ") && !strstr(t, "\nmemloop "));
	free(t);
	return ok;
}

bool test_bench_json(void)
{
	static const struct json_want want[] = {
		{ "size", "\"small\"" },
		{ "reps", "3" },
		{ "params.fast_exits", "200" },
		{ "backends.tvmm.available", "true" },
		{ "backends.tvmm.kernel_hypercalls", "false" },
		{ "metrics.cpuid.ops", "200" },
		{ "metrics.cpuid.tvmm.handled", "\"kernel\"" },
		{ "metrics.cpuid.tvmm.median", "400.000" },
		{ "metrics.cpuid.tvmm.min", "392.000" },
		{ "metrics.cpuid.tvmm.max", "408.000" },
		{ "metrics.cpuid.tvmm.spread_pct", "2.000" },
		{ "metrics.cpuid.tvmm.samples[1]", "400.000" },
		{ "metrics.cpuid.native", "null" },
		{ "metrics.cpuid.tvmm_kvm", "0.4000" },
		{ "metrics.cpuid.tvmm_native", "null" },
		{ "metrics.cpuid.target.ratio", "\"tvmm/kvm\"" },
		{ "metrics.cpuid.target.limit", "0.50" },
		{ "metrics.cpuid.target.met", "true" },
		{ "metrics.pio.target.met", "false" },
		{ "metrics.mmio.kvm.error", "\"guest stopped: KVM exit reason 8\"" },
		{ "metrics.mmio.target.met", "null" },
		{ "metrics.touch.native.handled", "\"page fault\"" },
		{ "metrics.touch.target", "null" },
		{ "metrics.sieve.target.ratio", "\"native/tvmm\"" },
		{ "metrics.sieve.target.value", "0.9900" },
		{ "metrics.sieve.target.met", "true" },
		{ "metrics.sieve.kvm_native", "1.0303" },
		{ "ok", "false" },
		{ "metrics.vmcall", NULL },	/* not asked for */
		{ NULL },
	};
	struct bench_results r;
	bool ok = true;
	char *j;

	fake_results(&r);
	j = print_results(bench_print_json, &r);
	ok &= json_valid(j) && json_has(j, want);
	free(j);

	/* Everything measured: ok. */
	r.series[BENCH_M_MMIO][BENCH_KVM].err = 0;
	set_series(&r, BENCH_M_MMIO, BENCH_KVM, 5000);
	j = print_results(bench_print_json, &r);
	ok &= json_is(j, "ok", "true");
	ok &= json_is(j, "metrics.mmio.tvmm_kvm", "0.7600");
	free(j);
	return ok;
}

/* ---- the code guests and tvmmctl share ----------------------------------- */

bool test_bench_work(void)
{
	__u64 size = 1ULL << 20, result = 0, i;
	bool ok = true;
	__u8 *buf = calloc(1, size);

	if (!buf)
		return false;
	/* pi(2^14) and pi(2^20), the sieve's counts below its size. */
	bench_sieve(buf, 1ULL << 14, 2, &result);
	ok &= EXPECT(result == 1900);
	bench_sieve(buf, size, 1, &result);
	ok &= EXPECT(result == 82025);
	ok &= EXPECT(buf[2] && buf[1048573] && !buf[1048575] && !buf[1]);

	/* memloop reads every line once: the sum of 0..lines-1. */
	memset(buf, 0, size);
	bench_memloop_init((__u64 *)buf, size);
	ok &= EXPECT(((__u64 *)buf)[8 * 5] == 5);
	bench_memloop((__u64 *)buf, size, &result);
	ok &= EXPECT(result == bench_memloop_expect(size));
	ok &= EXPECT(result == 16384ULL * 16383 / 2);
	/* A line read twice or never would change the sum. */
	((__u64 *)buf)[8 * 77] = 76;
	bench_memloop((__u64 *)buf, size, &result);
	ok &= EXPECT(result == bench_memloop_expect(size) - 1);

	memset(buf, 0, size);
	bench_touch(buf, 256, &result);
	ok &= EXPECT(result == 256);
	for (i = 0; i < 256; i++)
		ok &= EXPECT(buf[i * 4096] == 1 && !buf[i * 4096 + 1]);
	free(buf);
	return ok;
}

bool test_bench_guest_image(void)
{
	/* mov $BENCH_STACK_TOP, %rsp: the image starts at _start. */
	static const __u8 start[] = { 0x48, 0xc7, 0xc4, 0x00, 0x00, 0x30, 0x00 };
	size_t len = bench_guest_image_end - bench_guest_image;
	bool ok = true;

	ok &= EXPECT(len > sizeof(start) && len <= BENCH_IMAGE_MAX);
	ok &= EXPECT(!memcmp(bench_guest_image, start, sizeof(start)));
	ok &= EXPECT(BENCH_STACK_TOP == 0x300000);
	/* The layout's pieces do not overlap. */
	ok &= EXPECT(BENCH_CMD_GPA + sizeof(struct bench_cmd) <=
		     BENCH_IMAGE_GPA);
	ok &= EXPECT(BENCH_IMAGE_GPA + BENCH_IMAGE_MAX < BENCH_STACK_TOP);
	ok &= EXPECT(BENCH_STACK_TOP <= BENCH_SIEVE_GPA);
	ok &= EXPECT(BENCH_SIEVE_GPA + BENCH_SIEVE_MAX <= BENCH_MEM_GPA);
	ok &= EXPECT(bench_sizes[BENCH_SIZE_FULL].sieve_bytes <=
		     BENCH_SIEVE_MAX);
	ok &= EXPECT(BENCH_MEM_GPA + bench_sizes[BENCH_SIZE_FULL].memloop_bytes
		     <= BENCH_TOUCH_GPA);
	ok &= EXPECT(BENCH_TOUCH_GPA +
		     bench_sizes[BENCH_SIZE_FULL].touch_pages * 4096 <=
		     BENCH_MMIO_GPA);
	return ok;
}
