// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher: finds the command named by argv[1] in the table built
 * from cmd/commands.h and runs it. Also owns the options that belong to no
 * command: --help and --version.
 *
 * main() is in main.c, so the unit tests can link this file and call
 * tvmmctl_main() with any argv.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "uapi/tvmm.h"
#include "tvmmctl.h"

/* The command table, from cmd/commands.h (tvmmctl.h declares them). */
static const struct tvmmctl_cmd *const tvmmctl_cmds[] = {
#define TVMMCTL_CMD(name)	(&tvmmctl_cmd_##name),
#include "cmd/commands.h"
};

const struct tvmmctl_cmd *tvmmctl_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tvmmctl_cmds); i++) {
		if (!strcmp(tvmmctl_cmds[i]->name, name))
			return tvmmctl_cmds[i];
	}
	return NULL;
}

void tvmmctl_print_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: tvmmctl [--help] [--version] COMMAND [ARGS...]\n"
		"\n"
		"Drives the tvmm hypervisor through /dev/tvmm, or through\n"
		"the device node the environment variable TVMM_DEV names.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < ARRAY_SIZE(tvmmctl_cmds); i++)
		fprintf(f, "  %-10s %s\n", tvmmctl_cmds[i]->name,
			tvmmctl_cmds[i]->summary);
	fprintf(f,
		"\n"
		"'tvmmctl help COMMAND' shows the options of one command.\n"
		"Exit status: 0 success, 1 failure, 2 bad command line.\n");
}

void tvmmctl_print_cmd_help(FILE *f, const struct tvmmctl_cmd *cmd)
{
	fprintf(f, "usage: tvmmctl %s%s%s\n\n%s", cmd->name,
		cmd->usage[0] ? " " : "", cmd->usage, cmd->help);
	tvmm_opts_print(f, cmd->opts, cmd->nr_opts);
	if (cmd->help_end)
		fputs(cmd->help_end, f);
}

/*
 * The second half of tvmmctl_usage_error(): the usage of command @name, or
 * of tvmmctl when @name is NULL (or names no command), on stderr.
 * Return: TVMMCTL_EXIT_USAGE.
 */
int tvmmctl_usage(const char *name)
{
	const struct tvmmctl_cmd *cmd = name ? tvmmctl_find_cmd(name) : NULL;

	if (cmd)
		fprintf(stderr, "usage: tvmmctl %s%s%s\n", cmd->name,
			cmd->usage[0] ? " " : "", cmd->usage);
	else
		tvmmctl_print_usage(stderr);
	return TVMMCTL_EXIT_USAGE;
}

static bool is_help_option(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static int tvmmctl_dispatch(int argc, char **argv)
{
	const struct tvmmctl_cmd *cmd;

	if (argc < 2)
		return tvmmctl_usage_error(NULL, "no command given");
	if (is_help_option(argv[1])) {
		tvmmctl_print_usage(stdout);
		return TVMMCTL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tvmmctl %s (built for tvmm API %d)\n",
		       TVMMCTL_VERSION, TVMM_API_VERSION);
		return TVMMCTL_EXIT_OK;
	}

	cmd = tvmmctl_find_cmd(argv[1]);
	if (!cmd)
		return tvmmctl_usage_error(NULL, "unknown command '%s'",
					   argv[1]);
	if (argc > 2 && is_help_option(argv[2])) {
		tvmmctl_print_cmd_help(stdout, cmd);
		return TVMMCTL_EXIT_OK;
	}
	return cmd->run(argc - 1, argv + 1);
}

/*
 * Run the command line @argv and return tvmmctl's exit status. Output that
 * could not be written (a full disk, a closed pipe) is a failure too.
 */
int tvmmctl_main(int argc, char **argv)
{
	int ret = tvmmctl_dispatch(argc, argv);

	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "tvmmctl: error writing the output\n");
		if (ret == TVMMCTL_EXIT_OK)
			ret = TVMMCTL_EXIT_FAILURE;
	}
	return ret;
}
