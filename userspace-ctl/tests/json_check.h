/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict JSON (RFC 8259) checker for the unit tests, so
 * that they need no Python: it says whether a document is valid and
 * fetches the text of one value by path.
 */
#ifndef TVMMCTL_TESTS_JSON_CHECK_H
#define TVMMCTL_TESTS_JSON_CHECK_H

#include <stddef.h>

int json_check(const char *doc, const char *path, char *out, size_t len,
	       char *err, size_t err_len);

#endif /* TVMMCTL_TESTS_JSON_CHECK_H */
