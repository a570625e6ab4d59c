// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: "--name VALUE" or "--name=VALUE", numbers ("64M",
 * "0x100000", "1G", "1 to 16") and words ("real", "small").
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"

bool tvmm_opt(int argc, char **argv, int *i, const char *name,
	      const char **value)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n) || (arg[n] && arg[n] != '='))
		return false;
	if (arg[n] == '=')
		*value = arg + n + 1;
	else if (*i + 1 < argc)
		*value = argv[++*i];
	else
		*value = NULL;
	return true;
}

/* Decimal, 0x hex or 0 octal, no sign, no spaces; the rest in @end. */
static int parse_prefix(const char *s, __u64 *out, char **end)
{
	unsigned long long v;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

int tvmm_parse_u64(const char *s, __u64 *out)
{
	char *end;
	int ret = parse_prefix(s, out, &end);

	if (ret)
		return ret;
	return *end ? -EINVAL : 0;
}

int tvmm_parse_size(const char *s, __u64 *out)
{
	unsigned int shift = 0;
	char *end;
	__u64 v;
	int ret = parse_prefix(s, &v, &end);

	if (ret)
		return ret;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int tvmm_parse_range(const char *s, __u64 min, __u64 max, __u64 *out)
{
	__u64 v;
	int ret = tvmm_parse_u64(s, &v);

	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int tvmm_parse_word(const char *s, const char *const *words, unsigned int n)
{
	unsigned int i;

	for (i = 0; s && i < n; i++)
		if (!strcmp(s, words[i]))
			return i;
	return -EINVAL;
}
