/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command's options as one table, which both parses the command line
 * and prints the options part of "tvmmctl help COMMAND": an option cannot
 * be accepted without being documented, or documented without being
 * accepted.
 */
#ifndef TVMMCTL_LIB_OPTS_H
#define TVMMCTL_LIB_OPTS_H

#include <stdio.h>

/**
 * struct tvmm_option - one option of a command.
 * @name:	"--mem": matched whole; with @arg also as "--mem=VALUE".
 * @alias:	another spelling of a flag ("-v"), or NULL.
 * @arg:	the value's name in the help ("SIZE"); NULL for a flag.
 * @help:	what it does, lines separated by '\n' (the second and later
 *		ones are printed under the first).
 *
 * Commands index their table with an enum of their own, through
 * designated initializers: tvmm_opt_next() returns that index.
 */
struct tvmm_option {
	const char *name;
	const char *alias;
	const char *arg;
	const char *help;
};

/* What tvmm_opt_next() returns besides an index into the table. */
enum {
	TVMM_OPT_END		= -1,	/* no more arguments */
	TVMM_OPT_ARG		= -2,	/* not an option ("-" included) */
	TVMM_OPT_UNKNOWN	= -3,	/* starts with '-' but is none of them */
};

/*
 * Look at argv[*i]: the index of the option it is in @opts (@n of them),
 * with *@value its value (NULL when missing at the end of the line) and
 * *@i moved past a value given as an argument of its own; or one of
 * TVMM_OPT_*, with *@value the argument itself. The caller moves *@i on.
 */
int tvmm_opt_next(const struct tvmm_option *opts, unsigned int n, int argc,
		  char **argv, int *i, const char **value);

/* The options' help: "  --name ARG", then its help from column 22. */
void tvmm_opts_print(FILE *f, const struct tvmm_option *opts,
		     unsigned int n);

#endif /* TVMMCTL_LIB_OPTS_H */
