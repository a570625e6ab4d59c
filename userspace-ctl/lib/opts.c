// SPDX-License-Identifier: GPL-2.0
/*
 * Option tables (opts.h): one argument at a time against a command's
 * table, and the table as the options part of its help.
 */
#include <string.h>

#include "lib/opts.h"
#include "lib/parse.h"

/* Where an option's help starts, and how wide its name column is. */
#define OPT_HELP_COL	22

int tvmm_opt_next(const struct tvmm_option *opts, unsigned int n, int argc,
		  char **argv, int *i, const char **value)
{
	const struct tvmm_option *o;
	const char *arg;
	unsigned int k;

	if (*i >= argc)
		return TVMM_OPT_END;
	arg = argv[*i];
	*value = arg;
	if (arg[0] != '-' || !strcmp(arg, "-"))
		return TVMM_OPT_ARG;
	for (k = 0; k < n; k++) {
		o = &opts[k];
		if (!o->name)
			continue;	/* a hole in the caller's enum */
		if (o->arg ? tvmm_opt(argc, argv, i, o->name, value) :
		    !strcmp(arg, o->name) || (o->alias && !strcmp(arg, o->alias)))
			return k;
	}
	*value = arg;
	return TVMM_OPT_UNKNOWN;
}

void tvmm_opts_print(FILE *f, const struct tvmm_option *opts,
		     unsigned int n)
{
	const struct tvmm_option *o;
	const char *line, *nl;
	char left[64];
	unsigned int k;

	for (k = 0; k < n; k++) {
		o = &opts[k];
		if (!o->name)
			continue;
		if (o->arg)
			snprintf(left, sizeof(left), "%s %s", o->name, o->arg);
		else if (o->alias)
			snprintf(left, sizeof(left), "%s, %s", o->name,
				 o->alias);
		else
			snprintf(left, sizeof(left), "%s", o->name);
		fprintf(f, "  %-*s", OPT_HELP_COL - 3, left);
		for (line = o->help; ; line = nl + 1) {
			nl = strchr(line, '\n');
			fprintf(f, " %.*s\n", nl ? (int)(nl - line) :
				(int)strlen(line), line);
			if (!nl || !nl[1])
				break;
			fprintf(f, "%*s", OPT_HELP_COL - 1, "");
		}
	}
}
