/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line numbers: sizes with K/M/G suffixes and plain addresses.
 * Both return 0 or -EINVAL (bad text) / -ERANGE (does not fit in 64 bits).
 */
#ifndef TVMMCTL_LIB_PARSE_H
#define TVMMCTL_LIB_PARSE_H

#include <linux/types.h>

int tvmm_parse_size(const char *s, __u64 *out);
int tvmm_parse_u64(const char *s, __u64 *out);

#endif /* TVMMCTL_LIB_PARSE_H */
