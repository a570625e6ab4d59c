// SPDX-License-Identifier: GPL-2.0
/*
 * Numbers from the command line: "64M", "0x100000", "1G".
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "lib/parse.h"

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
