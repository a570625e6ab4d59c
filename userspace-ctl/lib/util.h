/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few helpers every tvmmctl file may want, named as in the kernel.
 */
#ifndef TVMMCTL_LIB_UTIL_H
#define TVMMCTL_LIB_UTIL_H

/* Same text as kselftest.h's, so the tests may include both. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif

#ifndef BIT
#define BIT(nr)		(1UL << (nr))
#endif
#ifndef BIT_ULL
#define BIT_ULL(nr)	(1ULL << (nr))
#endif

#endif /* TVMMCTL_LIB_UTIL_H */
