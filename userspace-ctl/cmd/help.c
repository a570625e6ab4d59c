// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl help [COMMAND]": the command list, or one command's
 * usage and options.
 */
#include <stdio.h>

#include "tvmmctl.h"

static int help_run(int argc, char **argv)
{
	const struct tvmmctl_cmd *cmd;

	if (argc < 2) {
		tvmmctl_print_usage(stdout);
		return TVMMCTL_EXIT_OK;
	}
	if (argc > 2)
		return tvmmctl_usage_error(argv[0],
					   "help takes one command name");

	cmd = tvmmctl_find_cmd(argv[1]);
	if (!cmd)
		return tvmmctl_usage_error(NULL, "unknown command '%s'",
					   argv[1]);
	tvmmctl_print_cmd_help(stdout, cmd);
	return TVMMCTL_EXIT_OK;
}

const struct tvmmctl_cmd tvmmctl_cmd_help = {
	.name		= "help",
	.usage		= "[COMMAND]",
	.summary	= "list the commands, or show how to use one",
	.help		=
		"Without COMMAND, lists tvmmctl's commands. With\n"
		"COMMAND, shows its usage and options, as\n"
		"'tvmmctl COMMAND --help' does.\n",
	.run		= help_run,
};
