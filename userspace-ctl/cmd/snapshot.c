// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl snapshot info FILE": what a snapshot of "tvmmctl run
 * --save-on" holds, after the checks "tvmmctl restore" makes before it
 * opens /dev/tvmm (all but the CPU features, which need the device).
 * snapshot/ has the format; this file only picks the subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "tvmmctl.h"
#include "snapshot/snapshot.h"

static int snapshot_info(const char *path)
{
	struct snap_machine_info m = { 0 };
	struct snap_file f;
	int ret = TVMMCTL_EXIT_OK;

	if (snap_read(&f, path)) {
		fprintf(stderr, "tvmmctl: snapshot: %s: %s\n", path, f.why);
		snap_file_free(&f);
		return TVMMCTL_EXIT_FAILURE;
	}
	snap_print_info(stdout, path, &f);
	if (snap_load_machine(&f, &m) || snap_check_state(&f, &m)) {
		fprintf(stderr, "tvmmctl: snapshot: %s: %s\n", path, f.why);
		ret = TVMMCTL_EXIT_FAILURE;
	}
	snap_machine_free(&m);
	snap_file_free(&f);
	return ret;
}

static int snapshot_run(int argc, char **argv)
{
	if (argc < 2)
		return tvmmctl_usage_error(argv[0],
					   "snapshot: no subcommand given");
	if (strcmp(argv[1], "info"))
		return tvmmctl_usage_error(argv[0],
			"snapshot: unknown subcommand '%s'", argv[1]);
	if (argc != 3)
		return tvmmctl_usage_error(argv[0],
			"snapshot info: want one snapshot file");
	return snapshot_info(argv[2]);
}

const struct tvmmctl_cmd tvmmctl_cmd_snapshot = {
	.name		= "snapshot",
	.usage		= "info FILE",
	.summary	= "show what a snapshot file holds",
	.help		=
"info FILE: the format version and the tvmmctl that wrote FILE, the\n"
"machine (vCPUs, RAM, TSC rate, command line), the CPU features the guest\n"
"was given, where each vCPU stopped, how many pages of memory it holds\n"
"and how many were zeros left out, and every section: its type, vCPU or\n"
"slot, layout version, length and place. FILE is checked as tvmmctl\n"
"restore checks it before it runs anything; a file it would refuse is\n"
"refused here with the same words (status 1).\n",
	.run		= snapshot_run,
};
