/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line JSON objects written into a buffer, for JSON-lines output
 * (tvmmctl run --json: one object per line). Members are added in order;
 * jsonl_end() closes the object. A member that does not fit marks the
 * object truncated and jsonl_end() returns -ENOSPC, so a caller never
 * prints half an object.
 */
#ifndef TVMMCTL_LIB_JSONL_H
#define TVMMCTL_LIB_JSONL_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct jsonl - an object being written.
 * @buf:	where it goes, always NUL-terminated.
 * @len:	the size of @buf.
 * @pos:	how much of @buf is used.
 * @members:	members written so far (for the commas).
 * @overflow:	something did not fit.
 */
struct jsonl {
	char *buf;
	size_t len;
	size_t pos;
	unsigned int members;
	bool overflow;
};

void jsonl_begin(struct jsonl *j, char *buf, size_t len);
void jsonl_str(struct jsonl *j, const char *key, const char *value);
void jsonl_uint(struct jsonl *j, const char *key, unsigned long long value);
void jsonl_int(struct jsonl *j, const char *key, long long value);
void jsonl_bool(struct jsonl *j, const char *key, bool value);
/* A string "0x..." in lower-case hex: JSON numbers lose bits above 2^53. */
void jsonl_hex(struct jsonl *j, const char *key, unsigned long long value);
/* Returns the length of the object (no newline added), or -ENOSPC. */
int jsonl_end(struct jsonl *j);

#endif /* TVMMCTL_LIB_JSONL_H */
