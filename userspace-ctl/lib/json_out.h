/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer for the --json output of tvmmctl.
 *
 * Objects print one member per line, indented by two spaces per level;
 * arrays print on one line ("[0, 1, 3]") so that a list of 1024 CPUs stays
 * readable, and hold only scalars. @key is the member name inside an
 * object and NULL inside an array or for the top-level value. The writer
 * adds the commas; a document ends with a newline.
 */
#ifndef TVMMCTL_LIB_JSON_OUT_H
#define TVMMCTL_LIB_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_OUT_MAX_DEPTH	8

/**
 * struct json_out - the state of one JSON document being written.
 * @f:		where it goes.
 * @depth:	how many objects and arrays are open.
 * @empty:	per open level: nothing has been written in it yet.
 * @in_array:	per open level: it is an array (one line) not an object.
 */
struct json_out {
	FILE *f;
	unsigned int depth;
	bool empty[JSON_OUT_MAX_DEPTH];
	bool in_array[JSON_OUT_MAX_DEPTH];
};

void json_out_init(struct json_out *j, FILE *f);
void json_object_begin(struct json_out *j, const char *key);
void json_object_end(struct json_out *j);
void json_array_begin(struct json_out *j, const char *key);
void json_array_end(struct json_out *j);
void json_bool(struct json_out *j, const char *key, bool value);
void json_uint(struct json_out *j, const char *key, unsigned long long value);
void json_string(struct json_out *j, const char *key, const char *value);
void json_hex64(struct json_out *j, const char *key, unsigned long long value);

#endif /* TVMMCTL_LIB_JSON_OUT_H */
