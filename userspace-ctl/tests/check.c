// SPDX-License-Identifier: GPL-2.0
/*
 * What the unit tests share: see check.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#include "check.h"
#include "json_check.h"

bool check_expect(bool ok, const char *what, const char *file, int line)
{
	if (!ok)
		ksft_print_msg("%s line %d: check failed: %s\n", file, line,
			       what);
	return ok;
}

bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return true;
		p++;
	}
	ksft_print_msg("missing line: \"%s\"\n", line);
	return false;
}

bool has_lines(const char *text, const char *const *lines)
{
	bool ok = true;

	for (; *lines; lines++)
		ok &= has_line(text, *lines);
	return ok;
}

bool starts_with(const char *s, const char *prefix)
{
	if (!strncmp(s, prefix, strlen(prefix)))
		return true;
	ksft_print_msg("\"%.60s\" does not start with \"%s\"\n", s, prefix);
	return false;
}

bool lines_fit(const char *text, size_t cols)
{
	const char *p = text, *nl;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if ((size_t)(nl - p) > cols) {
			ksft_print_msg("line longer than %zu: \"%.*s\"\n",
				       cols, (int)(nl - p), p);
			return false;
		}
		if (!*nl)
			break;
	}
	return true;
}

bool json_valid(const char *doc)
{
	char err[128] = "";

	if (json_check(doc, NULL, NULL, 0, err, sizeof(err))) {
		ksft_print_msg("invalid JSON: %s in %.300s\n", err, doc);
		return false;
	}
	return true;
}

bool json_is(const char *doc, const char *path, const char *want)
{
	char got[8192], err[128] = "";
	int ret = json_check(doc, path, got, sizeof(got), err, sizeof(err));

	if (!want) {
		if (ret == -ENOENT)
			return true;
		ksft_print_msg("json '%s': want none, got %s\n", path,
			       ret ? err : got);
		return false;
	}
	if (ret) {
		ksft_print_msg("json '%s': %s in %.300s\n", path, err, doc);
		return false;
	}
	if (strcmp(got, want)) {
		ksft_print_msg("json '%s': got %s, want %s\n", path, got, want);
		return false;
	}
	return true;
}

bool json_has(const char *doc, const struct json_want *want)
{
	bool ok = true;

	for (; want->path; want++)
		ok &= json_is(doc, want->path, want->value);
	return ok;
}

static bool matches(const char *name, const char *got,
		    const struct match *m, size_t n)
{
	const char *nl;
	bool ok = true;
	size_t i;

	for (i = 0; i < n && m[i].how != MATCH_END; i++) {
		switch (m[i].how) {
		case MATCH_IS:
			if (!strcmp(got, m[i].text))
				continue;
			break;
		case MATCH_STARTS:
			if (starts_with(got, m[i].text))
				continue;
			break;
		case MATCH_HAS:
			if (strstr(got, m[i].text))
				continue;
			break;
		case MATCH_LINE:
			if (has_line(got, m[i].text))
				continue;
			break;
		case MATCH_RUN_ERROR:
			nl = strchr(got, '\n');
			if (nl && !nl[1] && strstr(got, m[i].text) &&
			    !strncmp(got, "tvmmctl: run: ", 14))
				continue;
			break;
		default:
			break;
		}
		ksft_print_msg("%s \"%.300s\" does not match \"%s\" (%d)\n",
			       name, got, m[i].text, m[i].how);
		ok = false;
	}
	return ok;
}

FILE *mem_stream(char **buf, size_t *len)
{
	FILE *f;

	*buf = NULL;
	*len = 0;
	f = open_memstream(buf, len);
	if (!f)
		ksft_exit_fail_msg("open_memstream: %s\n", strerror(errno));
	return f;
}

static void read_all(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

void run_child(struct child_result *r, int (*fn)(void *arg), void *arg,
	       const char *input)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int in[2] = { -1, -1 }, wstatus;
	pid_t pid;

	if (!out || !err)
		ksft_exit_fail_msg("tmpfile: %s\n", strerror(errno));
	if (input && pipe(in))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		if (input) {
			dup2(in[0], STDIN_FILENO);
			close(in[1]);
		}
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		wstatus = fn(arg);
		fflush(stdout);
		fflush(stderr);
		_exit(wstatus);
	}
	if (input) {
		close(in[0]);
		if (write(in[1], input, strlen(input)) < 0)
			ksft_print_msg("write to the pipe: %s\n",
				       strerror(errno));
		close(in[1]);
	}
	if (waitpid(pid, &wstatus, 0) != pid)
		ksft_exit_fail_msg("waitpid: %s\n", strerror(errno));
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	read_all(out, r->out, sizeof(r->out));
	read_all(err, r->err, sizeof(r->err));
	if (getenv("TVMMCTL_TEST_VERBOSE"))
		ksft_print_msg("exit %d, stdout \"%s\", stderr \"%s\"\n",
			       r->status, r->out, r->err);
}

bool child_is(const struct child_result *r, int status,
	      const struct match *out, const struct match *err)
{
	bool ok = true;

	if (r->status != status) {
		ksft_print_msg("exit %d, want %d\n", r->status, status);
		ok = false;
	}
	ok &= matches("stdout", r->out, out, MAX_MATCHES);
	ok &= matches("stderr", r->err, err, MAX_MATCHES);
	return ok;
}
