// SPDX-License-Identifier: GPL-2.0
/*
 * The one-line JSON writer of jsonl.h. Every write goes through
 * jsonl_put(), which refuses to go past the buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/jsonl.h"

static void jsonl_put(struct jsonl *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->buf + j->pos, j->len - j->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= j->len - j->pos) {
		j->overflow = true;
		j->buf[j->pos] = '\0';
		return;
	}
	j->pos += n;
}

static void jsonl_put_string(struct jsonl *j, const char *s)
{
	const unsigned char *p;

	jsonl_put(j, "\"");
	for (p = (const unsigned char *)s; *p && !j->overflow; p++) {
		if (*p == '"' || *p == '\\')
			jsonl_put(j, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			jsonl_put(j, "\\u%04x", *p);
		else
			jsonl_put(j, "%c", *p);
	}
	jsonl_put(j, "\"");
}

static void jsonl_key(struct jsonl *j, const char *key)
{
	if (j->members++)
		jsonl_put(j, ", ");
	jsonl_put_string(j, key);
	jsonl_put(j, ": ");
}

void jsonl_begin(struct jsonl *j, char *buf, size_t len)
{
	j->buf = buf;
	j->len = len;
	j->pos = 0;
	j->members = 0;
	j->overflow = !len;
	jsonl_put(j, "{");
}

void jsonl_str(struct jsonl *j, const char *key, const char *value)
{
	jsonl_key(j, key);
	jsonl_put_string(j, value);
}

void jsonl_uint(struct jsonl *j, const char *key, unsigned long long value)
{
	jsonl_key(j, key);
	jsonl_put(j, "%llu", value);
}

void jsonl_int(struct jsonl *j, const char *key, long long value)
{
	jsonl_key(j, key);
	jsonl_put(j, "%lld", value);
}

void jsonl_bool(struct jsonl *j, const char *key, bool value)
{
	jsonl_key(j, key);
	jsonl_put(j, value ? "true" : "false");
}

void jsonl_hex(struct jsonl *j, const char *key, unsigned long long value)
{
	jsonl_key(j, key);
	jsonl_put(j, "\"0x%llx\"", value);
}

int jsonl_end(struct jsonl *j)
{
	jsonl_put(j, "}");
	if (j->overflow) {
		if (j->len)
			j->buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)j->pos;
}
