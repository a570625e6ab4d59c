// SPDX-License-Identifier: GPL-2.0
/*
 * What every demo shares around its guest: the list of demos, and the one
 * way each runs (demo_run_one()): its title and intro, its guests one by
 * one (each a VM of vm.c), and its result line. See demo.h; the words a
 * demo prints are report.c's, the guest VM it drives is vm.c's.
 */
#include <string.h>
#include <cpuid.h>
#include <x86intrin.h>

#include "tvmmctl.h"
#include "lib/jsonl.h"
#include "demo/demo.h"

/* The order of "tvmmctl demo all" and --list: demos.h's. */
const struct demo *const demo_list[] = {
#define DEMO(name)	(&demo_##name),
#define DEMO_OS(name)	(&demo_##name),
#include "demo/demos.h"
};

const unsigned int demo_count = ARRAY_SIZE(demo_list);

const struct demo *demo_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < demo_count; i++)
		if (!strcmp(demo_list[i]->name, name))
			return demo_list[i];
	return NULL;
}

void demo_print_list(FILE *f)
{
	unsigned int i;

	for (i = 0; i < demo_count; i++)
		fprintf(f, "  %-17s %s\n", demo_list[i]->name,
			demo_list[i]->summary);
}

/* SDM Vol. 3D, Appendix C's name for basic exit reason @reason. */
const char *demo_exit_name(unsigned int reason)
{
	const char *name = trace_exit_name(reason);

	return name ? name : "UNKNOWN";
}

void demo_host_cpuid(__u32 leaf, __u32 subleaf, __u32 r[4])
{
	__cpuid_count(leaf, subleaf, r[0], r[1], r[2], r[3]);
}

__u64 demo_host_rdtsc(void)
{
	return __rdtsc();
}

/* ---- running a demo ---- */

/*
 * Run guest @g of the demo: its VM, the demo's setup, the run, how it
 * ended, and the run's own facts and checks. Returns 0, or a negative
 * errno when it could not run (printed).
 */
static int demo_run_guest(struct demo_ctx *ctx, const struct demo_guest *g)
{
	struct demo_vm vm;
	int ret;

	if (g->heading)
		demo_line(ctx, "%s", g->heading);
	ret = demo_vm_create(ctx, &vm, g);
	if (ret)
		return ret;
	ret = g->setup ? g->setup(&vm) : 0;
	if (!ret)
		ret = demo_vm_run(&vm, g->timeout_ms ? g->timeout_ms :
					DEMO_TIMEOUT_MS);
	if (!ret) {
		demo_vm_end_facts(&vm, g->end_prefix ? g->end_prefix : "");
		/* A guest with its own time limit is one that never ends. */
		if (!g->timeout_ms)
			demo_check(ctx, vm.done || vm.stopped,
				   "the guest ran to its end");
		if (g->after)
			g->after(&vm);
	}
	demo_vm_destroy(&vm);
	return ret < 0 ? ret : 0;
}

/*
 * Run @demo: its title, its text or facts, its checks, and a last line
 * (text) or {"demo":...,"result":...} (JSON). Returns 0 when every check
 * passed, 1 when one failed, DEMO_SKIPPED when it had nothing to run, a
 * negative errno when it could not run.
 */
int demo_run_one(struct demo_ctx *ctx, const struct demo *demo)
{
	unsigned int i;
	int ret = 0;

	ctx->demo = demo;
	ctx->checks = 0;
	ctx->failed = 0;
	demo_title(ctx, demo->title);
	demo_para(ctx, "%s", demo->intro);
	if (demo->run)
		ret = demo->run(ctx);
	for (i = 0; i < DEMO_MAX_GUESTS && demo->guests[i].mem && !ret; i++)
		ret = demo_run_guest(ctx, &demo->guests[i]);
	if (ret < 0)
		ctx->failed++;
	if (ctx->json) {
		char line[DEMO_LINE_MAX];
		struct jsonl j;

		jsonl_begin(&j, line, sizeof(line));
		jsonl_str(&j, "demo", demo->name);
		jsonl_str(&j, "result", ctx->failed ? "fail" :
			  ret == DEMO_SKIP ? "skip" : "pass");
		jsonl_uint(&j, "checks", ctx->checks);
		jsonl_uint(&j, "failed", ctx->failed);
		if (jsonl_end(&j) > 0)
			fprintf(ctx->out, "%s\n", line);
	} else if (ret == DEMO_SKIP) {
		fprintf(ctx->out, "%s: skipped\n", demo->name);
	} else if (ret >= 0) {
		fprintf(ctx->out, "%s: %u of %u checks passed%s\n",
			demo->name, ctx->checks - ctx->failed, ctx->checks,
			ctx->failed ? ": FAILED" : "");
	}
	fflush(ctx->out);
	if (ret < 0)
		return ret;
	if (ctx->failed)
		return 1;
	return ret == DEMO_SKIP ? DEMO_SKIPPED : 0;
}
