/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the unit tests share (check.c): checks that say what failed and
 * where, matchers for text and JSON output, and running code in a child
 * process with its output collected. Each says what it found wrong with
 * ksft_print_msg() and returns false; none stops the run.
 */
#ifndef TVMMCTL_TESTS_CHECK_H
#define TVMMCTL_TESTS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Check @cond; when it is false, say which check failed, and where. */
#define EXPECT(cond)	check_expect((cond), #cond, __FILE__, __LINE__)
bool check_expect(bool ok, const char *what, const char *file, int line);

/* Does @text hold a line that is exactly @line? */
bool has_line(const char *text, const char *line);
/* Does @text hold every line of @lines (NULL-terminated)? */
bool has_lines(const char *text, const char *const *lines);
bool starts_with(const char *s, const char *prefix);
/* Is every line of @text at most @cols long? */
bool lines_fit(const char *text, size_t cols);

/* The value at @path of a JSON document; a NULL @value: no such value. */
struct json_want {
	const char *path;
	const char *value;
};

bool json_valid(const char *doc);
/* Is the value at @path of @doc exactly @want (absent, if NULL)? */
bool json_is(const char *doc, const char *path, const char *want);
/* Is every value of @want (ended by a NULL path) where it says in @doc? */
bool json_has(const char *doc, const struct json_want *want);

/* How an expected text is looked for in what tvmmctl wrote. */
enum match_how {
	MATCH_END,		/* no more */
	MATCH_IS,		/* the whole of it */
	MATCH_STARTS,		/* its start */
	MATCH_HAS,		/* anywhere in it */
	MATCH_LINE,		/* one of its lines, whole */
	MATCH_RUN_ERROR,	/* one line, "tvmmctl: run: ...", with the text */
};

struct match {
	enum match_how how;
	const char *text;
};

#define IS(s)		{ MATCH_IS, s }
#define EMPTY		IS("")
#define STARTS(s)	{ MATCH_STARTS, s }
#define HAS(s)		{ MATCH_HAS, s }
#define LINE(s)		{ MATCH_LINE, s }
#define RUN_ERROR(s)	{ MATCH_RUN_ERROR, s }

/* open_memstream(), or the end of the test run. */
FILE *mem_stream(char **buf, size_t *len);

/* What a child process did: its exit status (-1 if it did not exit). */
struct child_result {
	int status;
	char out[16384];
	char err[16384];
};

/*
 * Run @fn(@arg) in a child process, its return value the exit status,
 * and collect what it wrote to stdout and stderr; unless @input is NULL,
 * stdin is a pipe that gives @input, then end of file.
 * TVMMCTL_TEST_VERBOSE=1 prints what came back.
 */
void run_child(struct child_result *r, int (*fn)(void *arg), void *arg,
	       const char *input);

/* At most so many matches for each of a child's outputs. */
#define MAX_MATCHES	4

/*
 * Did the child exit with @status, with stdout and stderr matching @out
 * and @err (MAX_MATCHES each, or fewer ended by MATCH_END)?
 */
bool child_is(const struct child_result *r, int status,
	      const struct match *out, const struct match *err);

#endif /* TVMMCTL_TESTS_CHECK_H */
