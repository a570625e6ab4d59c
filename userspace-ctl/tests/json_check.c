// SPDX-License-Identifier: GPL-2.0
/*
 * A recursive-descent JSON checker (RFC 8259, strict: no
 * trailing commas, no comments, no leading zeros, no control characters in
 * strings, no duplicate keys in an object, one value per document).
 *
 * Paths name values the way jq would without the leading dot:
 * "features.ept", "online_cpus[2]", "" for the whole document.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json_check.h"

#define JSON_MAX_DEPTH	32
#define JSON_MAX_PATH	256
#define JSON_MAX_KEYS	128
#define JSON_MAX_KEY	64

struct json_parser {
	const char *doc;
	const char *p;
	const char *want;
	char path[JSON_MAX_PATH];
	const char *found;
	size_t found_len;
	unsigned int depth;
	char *err;
	size_t err_len;
};

static int json_fail(struct json_parser *jp, const char *what)
{
	if (jp->err && jp->err_len)
		snprintf(jp->err, jp->err_len, "%s at offset %zu", what,
			 (size_t)(jp->p - jp->doc));
	return -EINVAL;
}

static void json_ws(struct json_parser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
	       *jp->p == '\r')
		jp->p++;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The 4 hex digits of a \u escape, at @p. */
static bool is_hex4(const char *p)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (!is_hex(p[i]))
			return false;
	}
	return true;
}

/* A string; its raw contents (escapes not decoded) go to @out if given. */
static int json_string(struct json_parser *jp, char *out, size_t len)
{
	size_t n = 0;

	if (*jp->p != '"')
		return json_fail(jp, "expected a string");
	jp->p++;
	while (*jp->p != '"') {
		const char *start = jp->p;

		if (!*jp->p)
			return json_fail(jp, "unterminated string");
		if ((unsigned char)*jp->p < 0x20)
			return json_fail(jp, "control character in a string");
		if (*jp->p == '\\') {
			jp->p++;
			if (*jp->p == 'u') {
				if (!is_hex4(jp->p + 1))
					return json_fail(jp, "bad \\u escape");
				jp->p += 4;
			} else if (!*jp->p || !strchr("\"\\/bfnrt", *jp->p)) {
				return json_fail(jp, "bad escape");
			}
		}
		jp->p++;
		for (; out && start < jp->p; start++) {
			if (n + 1 >= len)
				return json_fail(jp, "key too long");
			out[n++] = *start;
		}
	}
	jp->p++;
	if (out)
		out[n] = '\0';
	return 0;
}

static int json_number(struct json_parser *jp)
{
	if (*jp->p == '-')
		jp->p++;
	if (*jp->p == '0')
		jp->p++;
	else if (*jp->p >= '1' && *jp->p <= '9')
		while (is_digit(*jp->p))
			jp->p++;
	else
		return json_fail(jp, "bad number");
	if (*jp->p == '.') {
		jp->p++;
		if (!is_digit(*jp->p))
			return json_fail(jp, "bad fraction");
		while (is_digit(*jp->p))
			jp->p++;
	}
	if (*jp->p == 'e' || *jp->p == 'E') {
		jp->p++;
		if (*jp->p == '+' || *jp->p == '-')
			jp->p++;
		if (!is_digit(*jp->p))
			return json_fail(jp, "bad exponent");
		while (is_digit(*jp->p))
			jp->p++;
	}
	return 0;
}

static int json_literal(struct json_parser *jp, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(jp->p, word, n))
		return json_fail(jp, "unexpected character");
	jp->p += n;
	return 0;
}

static int json_value(struct json_parser *jp, size_t path_len);

static int json_object(struct json_parser *jp, size_t path_len)
{
	static char keys[JSON_MAX_DEPTH][JSON_MAX_KEYS][JSON_MAX_KEY];
	char (*seen)[JSON_MAX_KEY] = keys[jp->depth];
	unsigned int nkeys = 0, i;
	int ret;

	jp->p++;
	json_ws(jp);
	if (*jp->p == '}') {
		jp->p++;
		return 0;
	}
	for (;;) {
		json_ws(jp);
		if (nkeys == JSON_MAX_KEYS)
			return json_fail(jp, "too many keys for the checker");
		ret = json_string(jp, seen[nkeys], JSON_MAX_KEY);
		if (ret)
			return ret;
		for (i = 0; i < nkeys; i++) {
			if (!strcmp(seen[i], seen[nkeys]))
				return json_fail(jp, "duplicate key");
		}
		ret = snprintf(jp->path + path_len, JSON_MAX_PATH - path_len,
			       "%s%s", path_len ? "." : "", seen[nkeys]);
		if (ret < 0 || (size_t)ret >= JSON_MAX_PATH - path_len)
			return json_fail(jp, "path too long");
		nkeys++;
		json_ws(jp);
		if (*jp->p != ':')
			return json_fail(jp, "expected ':'");
		jp->p++;
		ret = json_value(jp, path_len + ret);
		if (ret)
			return ret;
		jp->path[path_len] = '\0';
		json_ws(jp);
		if (*jp->p == '}') {
			jp->p++;
			return 0;
		}
		if (*jp->p != ',')
			return json_fail(jp, "expected ',' or '}'");
		jp->p++;
	}
}

static int json_array(struct json_parser *jp, size_t path_len)
{
	unsigned int index = 0;
	int ret;

	jp->p++;
	json_ws(jp);
	if (*jp->p == ']') {
		jp->p++;
		return 0;
	}
	for (;;) {
		ret = snprintf(jp->path + path_len, JSON_MAX_PATH - path_len,
			       "[%u]", index++);
		if (ret < 0 || (size_t)ret >= JSON_MAX_PATH - path_len)
			return json_fail(jp, "path too long");
		ret = json_value(jp, path_len + ret);
		if (ret)
			return ret;
		jp->path[path_len] = '\0';
		json_ws(jp);
		if (*jp->p == ']') {
			jp->p++;
			return 0;
		}
		if (*jp->p != ',')
			return json_fail(jp, "expected ',' or ']'");
		jp->p++;
	}
}

static int json_value(struct json_parser *jp, size_t path_len)
{
	const char *start;
	int ret;

	json_ws(jp);
	start = jp->p;
	if (jp->depth == JSON_MAX_DEPTH)
		return json_fail(jp, "nested too deep for the checker");
	jp->depth++;
	switch (*jp->p) {
	case '{':
		ret = json_object(jp, path_len);
		break;
	case '[':
		ret = json_array(jp, path_len);
		break;
	case '"':
		ret = json_string(jp, NULL, 0);
		break;
	case 't':
		ret = json_literal(jp, "true");
		break;
	case 'f':
		ret = json_literal(jp, "false");
		break;
	case 'n':
		ret = json_literal(jp, "null");
		break;
	default:
		ret = json_number(jp);
		break;
	}
	jp->depth--;
	if (!ret && jp->want && !strcmp(jp->path, jp->want)) {
		jp->found = start;
		jp->found_len = jp->p - start;
	}
	return ret;
}

/**
 * json_check() - check that @doc is one valid JSON value; fetch a value.
 * @doc:	the document, NUL-terminated.
 * @path:	the value to fetch, or NULL to only check.
 * @out:	gets the value's text as it appears in @doc ("true", "[0, 1]",
 *		"\"0x01\"" with its quotes).
 * @len:	size of @out.
 * @err:	gets what is wrong and where, when something is.
 * @err_len:	size of @err.
 *
 * Return: 0, -EINVAL when @doc is not valid JSON, -ENOENT when @path is
 * not in it, -ENOSPC when the value does not fit in @out.
 */
int json_check(const char *doc, const char *path, char *out, size_t len,
	       char *err, size_t err_len)
{
	struct json_parser jp = {
		.doc = doc, .p = doc, .want = path, .err = err,
		.err_len = err_len,
	};
	int ret;

	ret = json_value(&jp, 0);
	if (ret)
		return ret;
	json_ws(&jp);
	if (*jp.p)
		return json_fail(&jp, "text after the value");
	if (!path)
		return 0;
	if (!jp.found) {
		snprintf(err, err_len, "no value at '%s'", path);
		return -ENOENT;
	}
	if (jp.found_len >= len) {
		snprintf(err, err_len, "value at '%s' is too long", path);
		return -ENOSPC;
	}
	memcpy(out, jp.found, jp.found_len);
	out[jp.found_len] = '\0';
	return 0;
}
