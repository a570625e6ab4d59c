// SPDX-License-Identifier: GPL-2.0
/*
 * What a demo tells its reader: the text (a title, paragraphs, labelled
 * items, all wrapped to the terminal's width), the facts for --json and
 * the checks that hold the demo to what it claims. Nothing here touches a
 * VM: vm.c and each demo/NAME.c call it. See demo.h.
 */
#include <stdarg.h>
#include <string.h>

#include "lib/jsonl.h"
#include "demo/demo.h"

/* ---- the text ---- */

#define WRAP_WIDTH	78
#define LABEL_WIDTH	13

/*
 * @text after @label (LABEL_WIDTH columns; none when @label is NULL),
 * wrapped at WRAP_WIDTH columns under the text's first column; '\n' in
 * @text breaks the line.
 */
void demo_wrap(FILE *f, const char *label, const char *text)
{
	int indent = label ? LABEL_WIDTH : 0, col = 0;
	const char *p = text;

	if (label) {
		col = fprintf(f, "  %-*s", LABEL_WIDTH - 3, label);
		col += fprintf(f, " ");
	}
	while (*p) {
		size_t word = strcspn(p, "\n ");

		if (col > indent && col + 1 + (int)word > WRAP_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, word, f);
		col += word;
		p += word;
		if (*p == '\n') {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			p++;
		}
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

void demo_title(struct demo_ctx *ctx, const char *title)
{
	if (ctx->json)
		return;
	fprintf(ctx->out, "\n=== %s: %s ===\n\n", ctx->demo->name, title);
}

/* @fmt's text after @label, wrapped by demo_wrap(); nothing with --json. */
static void demo_vwrap(struct demo_ctx *ctx, const char *label,
		       const char *fmt, va_list ap)
{
	char buf[2048];

	if (ctx->json)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	demo_wrap(ctx->out, label, buf);
}

/* A paragraph, wrapped, then a blank line. */
void demo_para(struct demo_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	demo_vwrap(ctx, NULL, fmt, ap);
	va_end(ap);
	demo_line(ctx, "%s", "");
}

void demo_item(struct demo_ctx *ctx, const char *label, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	demo_vwrap(ctx, label, fmt, ap);
	va_end(ap);
}

/* A line as it is (exit by exit, tables). */
void demo_line(struct demo_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->json)
		return;
	va_start(ap, fmt);
	vfprintf(ctx->out, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->out);
}

/* ---- facts and checks ---- */

#define FACT_KEY_MAX	128

/*
 * One JSON line {"demo": D, "fact": KEY, "value": V}, KEY from @key_fmt,
 * V @value or @str as @kind says. Nothing without --json, or when it does
 * not fit.
 */
static void fact_line(struct demo_ctx *ctx, unsigned int kind, __u64 value,
		      const char *str, const char *key_fmt, va_list ap)
{
	char buf[DEMO_LINE_MAX], key[FACT_KEY_MAX];
	struct jsonl j;

	if (!ctx->json)
		return;
	vsnprintf(key, sizeof(key), key_fmt, ap);
	jsonl_begin(&j, buf, sizeof(buf));
	jsonl_str(&j, "demo", ctx->demo->name);
	jsonl_str(&j, "fact", key);
	switch (kind) {
	case DEMO_FACT_STR:
		jsonl_str(&j, "value", str ? str : "");
		break;
	case DEMO_FACT_HEX:
		/* "0x...": JSON numbers above 2^53 lose bits in parsers. */
		jsonl_hex(&j, "value", value);
		break;
	case DEMO_FACT_INT:
		jsonl_int(&j, "value", (__s64)value);
		break;
	case DEMO_FACT_BOOL:
		jsonl_bool(&j, "value", value);
		break;
	default:
		jsonl_uint(&j, "value", value);
		break;
	}
	if (jsonl_end(&j) > 0)
		fprintf(ctx->out, "%s\n", buf);
}

void demo_fact(struct demo_ctx *ctx, unsigned int kind, __u64 value,
	       const char *key_fmt, ...)
{
	va_list ap;

	va_start(ap, key_fmt);
	fact_line(ctx, kind, value, NULL, key_fmt, ap);
	va_end(ap);
}

void demo_fact_str(struct demo_ctx *ctx, const char *value,
		   const char *key_fmt, ...)
{
	va_list ap;

	va_start(ap, key_fmt);
	fact_line(ctx, DEMO_FACT_STR, 0, value, key_fmt, ap);
	va_end(ap);
}

/*
 * One of the demo's own checks: a fact the demo promises. Printed when it
 * fails (text) or always (JSON); returns @ok.
 */
bool demo_check(struct demo_ctx *ctx, bool ok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->checks++;
	if (!ok)
		ctx->failed++;
	if (ctx->json) {
		char line[DEMO_LINE_MAX];
		struct jsonl j;

		jsonl_begin(&j, line, sizeof(line));
		jsonl_str(&j, "demo", ctx->demo->name);
		jsonl_str(&j, "check", buf);
		jsonl_bool(&j, "ok", ok);
		if (jsonl_end(&j) > 0)
			fprintf(ctx->out, "%s\n", line);
	} else if (!ok) {
		fprintf(ctx->out, "  CHECK FAILED: %s\n", buf);
	}
	return ok;
}
