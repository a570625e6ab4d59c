// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl demo [--json] NAME... | all | --list": run small guests that
 * each show one thing a VMM does, and say what happened (demo/).
 */
#include <string.h>

#include "tvmmctl.h"
#include "lib/parse.h"
#include "lib/tvmm_dev.h"
#include "demo/demo.h"

enum { DEMO_OPT_LIST, DEMO_OPT_JSON, DEMO_OPT_KERNEL, DEMO_OPT_INITRD,
	DEMO_OPT_CPUS };

static const struct tvmm_option demo_options[] = {
	[DEMO_OPT_LIST]	= { "--list", NULL, NULL,
		"the demos, with one line each (also with no argument)" },
	[DEMO_OPT_JSON]	= { "--json", NULL, NULL,
		"no text: facts and checks as JSON lines (below)" },
	[DEMO_OPT_KERNEL] = { "--kernel", NULL, "FILE",
		"the linux demo's kernel, a vmlinux or a bzImage\n"
		"(default " DEMO_LINUX_DIR "/vmlinux)" },
	[DEMO_OPT_INITRD] = { "--initrd", NULL, "FILE",
		"the linux demo's initramfs, whose /init starts a\n"
		"shell on the console (default initrd.cpio there)" },
	[DEMO_OPT_CPUS] = { "--cpus", NULL, "N",
		"the linux demo's vCPUs, 1 (default) to 16" },
};

static int demo_cmd_run(int argc, char **argv)
{
	const struct demo *chosen[64];
	struct demo_ctx ctx = {
		.out = stdout,
		.dev = tvmm_dev_path(),
	};
	unsigned int n = 0, i, failed = 0, skipped = 0;
	__u64 cpus;
	int arg_i;
	bool list = false, all = false;
	struct tvmm_dev dev;
	char msg[512];
	int ret, status = TVMMCTL_EXIT_OK;

	for (arg_i = 1; arg_i < argc; arg_i++) {
		const char *arg;
		int opt = tvmm_opt_next(demo_options, ARRAY_SIZE(demo_options),
					argc, argv, &arg_i, &arg);

		if (opt == DEMO_OPT_JSON) {
			ctx.json = true;
		} else if (opt == DEMO_OPT_KERNEL || opt == DEMO_OPT_INITRD) {
			if (!arg)
				return tvmmctl_usage_error(argv[0],
					"demo: %s: a file is missing",
					demo_options[opt].name);
			*(opt == DEMO_OPT_KERNEL ? &ctx.kernel : &ctx.initrd) =
				arg;
		} else if (opt == DEMO_OPT_CPUS) {
			if (tvmm_parse_range(arg, 1, DEV_MAX_CPUS, &cpus))
				return tvmmctl_usage_error(argv[0],
					"demo: --cpus: want 1 to %u, not '%s'",
					DEV_MAX_CPUS, arg ? arg : "");
			ctx.cpus = cpus;
		} else if (opt == DEMO_OPT_LIST) {
			list = true;
		} else if (opt == TVMM_OPT_UNKNOWN) {
			return tvmmctl_usage_error(argv[0],
				"demo: unknown option '%s'", arg);
		} else if (!strcmp(arg, "all")) {
			all = true;
		} else if (!demo_find(arg)) {
			return tvmmctl_usage_error(argv[0],
				"demo: no demo '%s' (tvmmctl demo --list)",
				arg);
		} else if (n < ARRAY_SIZE(chosen)) {
			chosen[n++] = demo_find(arg);
		}
	}
	if (list || (!all && !n)) {
		if (all || n)
			return tvmmctl_usage_error(argv[0],
				"demo: --list takes no demo");
		printf("Demos (tvmmctl demo NAME..., or all):\n");
		demo_print_list(stdout);
		return TVMMCTL_EXIT_OK;
	}
	if (all && n)
		return tvmmctl_usage_error(argv[0],
			"demo: 'all' or names, not both");
	if (all)
		for (n = 0; n < demo_count; n++)
			chosen[n] = demo_list[n];

	/* Say once, not per demo, that tvmm is missing. */
	ret = tvmm_dev_open(&dev, ctx.dev);
	if (ret) {
		fprintf(stderr, "tvmmctl: %s\n",
			tvmm_dev_strerror(&dev, ret, msg, sizeof(msg)));
		return TVMMCTL_EXIT_FAILURE;
	}
	tvmm_dev_close(&dev);

	for (i = 0; i < n; i++) {
		ret = demo_run_one(&ctx, chosen[i]);
		if (ret < 0)
			return TVMMCTL_EXIT_FAILURE;
		if (ret == DEMO_SKIPPED)
			skipped++;
		else if (ret)
			failed++;
	}
	if (n > 1 && !ctx.json)
		printf("\n%u of %u demos passed their checks%s\n",
		       n - failed - skipped, n - skipped,
		       skipped ? ", one had nothing to run" : "");
	if (failed)
		status = TVMMCTL_EXIT_FAILURE;
	return status;
}

const struct tvmmctl_cmd tvmmctl_cmd_demo = {
	.name		= "demo",
	.usage		= "[--json] [--kernel FILE] [--initrd FILE] [--cpus N]\n"
			  "            NAME... | all | --list",
	.summary	= "small guests that show what a VMM does, step by step",
	.help		=
"Each demo runs a small guest built into tvmmctl (its source is in\n"
"demos/) and tells, step by step, what the guest did, what the CPU\n"
"trapped and why, what the VMM did, what the guest saw and what it cost\n"
"(the vCPU's exit statistics). Each also checks the facts it shows.\n"
"'all' runs every demo, in the order of --list. snapshot runs its guest\n"
"with tvmmctl's own run and restore commands instead, as child processes,\n"
"in a directory of its own under /tmp. The last, linux, boots a real\n"
"kernel to a shell: it needs one (see --kernel), or it says so and is\n"
"skipped.\n"
"\n",
	.opts		= demo_options,
	.nr_opts	= ARRAY_SIZE(demo_options),
	.help_end	=
"\n"
"With --json, each line is one object, e.g.\n"
"  {\"demo\": \"cpuid\", \"fact\": \"guest_vendor\", \"value\": \"tvmmtvmmtvmm\"}\n"
"  {\"demo\": \"cpuid\", \"check\": \"...\", \"ok\": true}\n"
"and one {\"demo\": NAME, \"result\": \"pass\", ...} per demo.\n"
"\n"
"Exit status: 0 when every check passed; 1 when one failed or tvmm is\n"
"missing; 2 bad command line.\n",
	.run		= demo_cmd_run,
};
