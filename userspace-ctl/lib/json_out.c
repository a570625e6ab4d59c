// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer of json_out.h. It trusts its caller to
 * open and close levels in order; tests/ parses every document tvmmctl
 * writes, which is where a mistake would show.
 */
#include "lib/json_out.h"

void json_out_init(struct json_out *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
}

static void json_indent(struct json_out *j)
{
	unsigned int i;

	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void json_put_string(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Start a value: the separator, the indentation and the member name. */
static void json_value_start(struct json_out *j, const char *key)
{
	unsigned int top;

	if (!j->depth)
		return;
	top = j->depth - 1;
	if (j->in_array[top]) {
		if (!j->empty[top])
			fputs(", ", j->f);
	} else {
		fputs(j->empty[top] ? "\n" : ",\n", j->f);
		json_indent(j);
	}
	j->empty[top] = false;
	if (key) {
		json_put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void json_value_end(struct json_out *j)
{
	if (!j->depth)
		fputc('\n', j->f);
}

static void json_open(struct json_out *j, const char *key, bool array)
{
	json_value_start(j, key);
	fputc(array ? '[' : '{', j->f);
	if (j->depth < JSON_OUT_MAX_DEPTH) {
		j->empty[j->depth] = true;
		j->in_array[j->depth] = array;
	}
	j->depth++;
}

static void json_close(struct json_out *j)
{
	bool array = true, empty = true;

	j->depth--;
	if (j->depth < JSON_OUT_MAX_DEPTH) {
		array = j->in_array[j->depth];
		empty = j->empty[j->depth];
	}
	if (!array && !empty) {
		fputc('\n', j->f);
		json_indent(j);
	}
	fputc(array ? ']' : '}', j->f);
	json_value_end(j);
}

void json_object_begin(struct json_out *j, const char *key)
{
	json_open(j, key, false);
}

void json_object_end(struct json_out *j)
{
	json_close(j);
}

void json_array_begin(struct json_out *j, const char *key)
{
	json_open(j, key, true);
}

void json_array_end(struct json_out *j)
{
	json_close(j);
}

void json_bool(struct json_out *j, const char *key, bool value)
{
	json_value_start(j, key);
	fputs(value ? "true" : "false", j->f);
	json_value_end(j);
}

void json_uint(struct json_out *j, const char *key, unsigned long long value)
{
	json_value_start(j, key);
	fprintf(j->f, "%llu", value);
	json_value_end(j);
}

void json_string(struct json_out *j, const char *key, const char *value)
{
	json_value_start(j, key);
	json_put_string(j->f, value);
	json_value_end(j);
}

/*
 * A 64-bit register as a string, "0x" and 16 hex digits: JSON numbers
 * above 2^53 lose bits in many parsers (JavaScript's, jq's).
 */
void json_hex64(struct json_out *j, const char *key, unsigned long long value)
{
	char buf[sizeof("0x0123456789abcdef")];

	snprintf(buf, sizeof(buf), "0x%016llx", value);
	json_string(j, key, buf);
}
