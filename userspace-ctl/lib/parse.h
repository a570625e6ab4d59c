/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: options with values, sizes with K/M/G suffixes, plain
 * addresses, counts in a range, one word of a list. The parsers return 0
 * (or the word's index) or -EINVAL (bad text) / -ERANGE (does not fit).
 */
#ifndef TVMMCTL_LIB_PARSE_H
#define TVMMCTL_LIB_PARSE_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * Is argv[*i] option @name ("--mem"), as "--mem VALUE" or "--mem=VALUE"?
 * Then *value is VALUE, or NULL when it is missing, and *i has moved past
 * a VALUE that was an argument of its own.
 */
bool tvmm_opt(int argc, char **argv, int *i, const char *name,
	      const char **value);

int tvmm_parse_size(const char *s, __u64 *out);
int tvmm_parse_u64(const char *s, __u64 *out);
/* A number from @min to @max. */
int tvmm_parse_range(const char *s, __u64 min, __u64 max, __u64 *out);
/* One of the @n @words, exactly: its index. */
int tvmm_parse_word(const char *s, const char *const *words, unsigned int n);

#endif /* TVMMCTL_LIB_PARSE_H */
