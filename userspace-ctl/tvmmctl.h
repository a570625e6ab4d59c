/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every tvmmctl command sees: the command descriptor, the exit
 * statuses, and the helpers of the dispatcher in tvmmctl.c.
 *
 * A command is one file, cmd/NAME.c, that defines
 *
 *	const struct tvmmctl_cmd tvmmctl_cmd_NAME = { ... };
 *
 * plus one TVMMCTL_CMD(NAME) line in cmd/commands.h. The dispatcher owns
 * "--help", "--version" and "COMMAND --help"; a command's run() gets its
 * own name as argv[0] and returns an exit status. Commands print their own
 * errors (one line, starting with "tvmmctl: ") and never call exit(): the
 * unit tests call tvmmctl_main() and look at what comes back.
 */
#ifndef TVMMCTL_H
#define TVMMCTL_H

#include <stdio.h>

#include "lib/opts.h"
#include "lib/util.h"

#define TVMMCTL_VERSION		"0.1.0"

/* Exit statuses of tvmmctl, the same for every command. */
enum tvmmctl_exit {
	TVMMCTL_EXIT_OK		= 0,	/* did what was asked */
	TVMMCTL_EXIT_FAILURE	= 1,	/* the device or OS said no */
	TVMMCTL_EXIT_USAGE	= 2,	/* bad command line */
};

/**
 * struct tvmmctl_cmd - one tvmmctl command.
 * @name:	what the user types: "tvmmctl NAME ...".
 * @usage:	the arguments after the name, e.g. "[--json]"; "" for none.
 * @summary:	one line for the command list of "tvmmctl help".
 * @help:	what "tvmmctl help NAME" prints after the usage line: a
 *		paragraph or two, each line ending in '\n'.
 * @opts:	the options, which run() parses with tvmm_opt_next() and
 *		the help lists after @help.
 * @nr_opts:	how many.
 * @help_end:	optional: printed after the options.
 * @run:	does the work. argv[0] is @name; returns an enum tvmmctl_exit.
 */
struct tvmmctl_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	const char *help;
	const struct tvmm_option *opts;
	unsigned int nr_opts;
	const char *help_end;
	int (*run)(int argc, char **argv);
};

/*
 * Every command of cmd/commands.h, declared in one go:
 * extern const struct tvmmctl_cmd tvmmctl_cmd_help, tvmmctl_cmd_info, ...;
 * (tvmmctl_cmd_list_end only closes the list; it is never defined.)
 */
#define TVMMCTL_CMD(name)	tvmmctl_cmd_##name,
extern const struct tvmmctl_cmd
#include "cmd/commands.h"
	tvmmctl_cmd_list_end;

int tvmmctl_main(int argc, char **argv);
const struct tvmmctl_cmd *tvmmctl_find_cmd(const char *name);
void tvmmctl_print_usage(FILE *f);
void tvmmctl_print_cmd_help(FILE *f, const struct tvmmctl_cmd *cmd);
int tvmmctl_usage(const char *name);

/*
 * Report a bad command line: "tvmmctl: " and the message on stderr, then
 * the usage of the command @name (its argv[0]), or tvmmctl's own usage and
 * command list when @name is NULL. Evaluates to TVMMCTL_EXIT_USAGE. A
 * macro, so that the compiler checks @fmt against its arguments.
 */
#define tvmmctl_usage_error(name, fmt, ...)				\
	(fprintf(stderr, "tvmmctl: " fmt "\n", ##__VA_ARGS__),		\
	 tvmmctl_usage(name))

#endif /* TVMMCTL_H */
