// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_trace_test - "tvmmctl run --trace" prints every VM exit of a
 * guest, those tvmm.ko handles included, each with its decoded detail and
 * who handled it, none missing although the guest makes more exits than
 * the trace ring holds (TVMM_EXIT_TRACE_FULL is drained transparently);
 * --json prints the same as JSON lines; --stats counts what the guest did,
 * per exit reason (tvmm.ko's TVMM_GET_VCPU_STATS) and per device
 * (tvmmctl's); --summary (and --trace, after its lines) counts the same
 * exits by reason, by what they touched and by device, none lost.
 *
 * The guest, in 32-bit protected mode: CPUID leaf 0, an OUT to the UART,
 * an IN from a port nobody owns, an MMIO read of the local APIC's ID and
 * an MMIO write where nothing is, CPUID leaf 0x40000000 NR_LOOP times,
 * then isa-debug-exit with 0x21 (exit status 0x43).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmmctl_image.h"

/* More than the ring's TVMM_TRACE_ENTRIES, so it fills at least once. */
#define NR_LOOP		5000
#define OPTS		"--timeout 60 --mode protected --load-addr 0x8000"

GUEST_ASM32(trace_guest,
	    "xor %eax, %eax\n"
	    "xor %ecx, %ecx\n"
	    "cpuid\n"
	    "mov $0x3f8, %dx\n"
	    "mov $0x41, %al\n"
	    "out %al, %dx\n"
	    "mov $0x1234, %dx\n"
	    "in %dx, %al\n"
	    "movl 0xfee00020, %eax\n"
	    "movl $0x12345678, 0xd0000000\n"
	    "mov $" TVMM_STR(NR_LOOP) ", %esi\n"
	    "1: mov $0x40000000, %eax\n"
	    "xor %ecx, %ecx\n"
	    "cpuid\n"
	    "dec %esi\n"
	    "jnz 1b\n"
	    "mov $0x21, %al\n"
	    "out %al, $0xf4\n"
	    "hlt\n");

static char out[4096];

/* What the stderr lines said. */
struct seen {
	unsigned long long lines, exits, next_seq, gaps;
	unsigned long long cpuid0, cpuid_hv, uart_out, unknown_in;
	unsigned long long apic_read, mmio_write, debug_exit, end;
	unsigned long long stats_cpuid, stats_io, stats_ept, bad;
	unsigned long long uart_writes, unknown_reads, apic_reads;
	unsigned long long unknown_mmio_writes;
	unsigned long long sum_exits, sum_cpuid_hv, sum_uart_thr;
	unsigned long long sum_apic_id, sum_unknown_in, sum_uart_dev;
	char first_bad[512];
};

static void bad_line(struct seen *s, const char *line)
{
	if (!s->bad++)
		snprintf(s->first_bad, sizeof(s->first_bad), "%s", line);
}

/* "#N" of a text line, or "seq": N of a JSON line: consecutive from 1. */
static void check_seq(struct seen *s, unsigned long long seq)
{
	if (seq != s->next_seq + 1)
		s->gaps++;
	s->next_seq = seq;
	s->exits++;
}

/*
 * The --trace lines of the guest's exits, after "cpu0 #N ", up to the
 * cycles. RIPs: the guest is at 0x8000; leaf 0 answers EAX = 0x16 (the
 * highest basic leaf of tvmmctl's CPU model, vmm/cpuid.c) and the host's
 * vendor, from the table tvmmctl gave tvmm.ko, which answers it.
 */
static const struct {
	size_t counter;
	const char *text;
} text_exits[] = {
	{ offsetof(struct seen, cpuid0),
	  "CPUID rip=0x8004 | CPUID leaf 0x0 -> eax=0x00000016 "
	},
	{ offsetof(struct seen, cpuid_hv),
	  "CPUID rip=0x802d | CPUID leaf 0x40000000 -> eax=0x40000000 ebx=0x6d6d7674 ecx=0x6d6d7674 edx=0x6d6d7674 \"tvmmtvmmtvmm\" | kernel ("
	},
	{ offsetof(struct seen, uart_out),
	  "IO_INSTRUCTION rip=0x800c | OUT 0x3f8 <- 'A' | tvmmctl: uart-16550a ("
	},
	{ offsetof(struct seen, unknown_in),
	  "IO_INSTRUCTION rip=0x8011 | IN 0x1234 | tvmmctl: unknown port, read as all ones ("
	},
	{ offsetof(struct seen, apic_read),
	  "EPT_VIOLATION rip=0x8012 | EPT violation GPA 0xfee00020 read 4 bytes -> MMIO | tvmmctl: local-apic -> 0x0 ("
	},
	{ offsetof(struct seen, mmio_write),
	  "EPT_VIOLATION rip=0x8017 | EPT violation GPA 0xd0000000 write 4 bytes value 0x12345678 -> MMIO | tvmmctl: no device, write dropped ("
	},
	{ offsetof(struct seen, debug_exit),
	  "IO_INSTRUCTION rip=0x8034 | OUT 0xf4 <- '!' | tvmmctl: isa-debug-exit: exit status 67 ("
	},
};

/* --summary's lines: the total, what the guest's exits touched. */
static void summary_line(struct seen *s, const char *line)
{
	unsigned long long n, r, w;

	if (sscanf(line, "summary: run: %llu exits", &n) == 1)
		s->sum_exits = n;
	else if (sscanf(line, "summary: CPUID leaf 0x40000000 %llu", &n) == 1)
		s->sum_cpuid_hv = n;
	else if (sscanf(line, "summary: OUT 0x3f8 THR (uart-16550a) %llu",
			&n) == 1)
		s->sum_uart_thr = n;
	else if (sscanf(line, "summary: EPT read 0xfee00020 ID (local-apic) %llu",
			&n) == 1)
		s->sum_apic_id = n;
	else if (sscanf(line, "summary: IN 0x1234 %llu", &n) == 1)
		s->sum_unknown_in = n;
	else if (sscanf(line, "summary: uart-16550a %llu %*s %*u %llu reads, %llu writes",
			&n, &r, &w) == 3 && !r)
		s->sum_uart_dev = w;
}

static void text_line(const char *line, void *data)
{
	struct seen *s = data;
	unsigned long long seq, n;
	const char *p;
	char what[64];
	size_t i;

	s->lines++;
	if (sscanf(line, "cpu0 #%llu ", &seq) == 1) {
		check_seq(s, seq);
		p = strchr(line + 6, ' ') + 1;
		for (i = 0; i < ARRAY_SIZE(text_exits); i++)
			if (!strncmp(p, text_exits[i].text,
				     strlen(text_exits[i].text)))
				(*(unsigned long long *)((char *)s +
					text_exits[i].counter))++;
	} else if (sscanf(line, "stats: cpu0 %63s %llu", what, &n) == 2) {
		if (!strcmp(what, "CPUID"))
			s->stats_cpuid = n;
		else if (!strcmp(what, "IO_INSTRUCTION"))
			s->stats_io = n;
		else if (!strcmp(what, "EPT_VIOLATION"))
			s->stats_ept = n;
	} else if (!strncmp(line, "summary: ", 9)) {
		summary_line(s, line);
	} else if (!strncmp(line, "stats: ", 7)) {
		unsigned long long r, w;

		if (sscanf(line, "stats: uart-16550a %llu reads %llu writes",
			   &r, &w) == 2)
			s->uart_writes = w;
		else if (sscanf(line, "stats: unknown ports %llu reads %llu writes",
				&r, &w) == 2)
			s->unknown_reads = r;
		else if (sscanf(line, "stats: local-apic %llu reads %llu writes",
				&r, &w) == 2)
			s->apic_reads = r;
		else if (sscanf(line, "stats: unknown MMIO %llu reads %llu writes",
				&r, &w) == 2)
			s->unknown_mmio_writes = w;
	} else {
		bad_line(s, line);
	}
}

/* The text of member @key of a JSON line (one level, our own format). */
static bool json_member(const char *line, const char *key, char *val,
			size_t len)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	if (*p == '"') {
		/* A string: up to the closing quote (no escapes in ours). */
		end = strchr(p + 1, '"');
		if (!end)
			return false;
		p++;
	} else {
		end = p + strcspn(p, ",}");
	}
	snprintf(val, len, "%.*s", (int)(end - p), p);
	return true;
}

static bool json_is(const char *line, const char *key, const char *want)
{
	char val[256];

	return json_member(line, key, val, sizeof(val)) && !strcmp(val, want);
}

static void json_line(const char *line, void *data)
{
	struct seen *s = data;
	char val[256];
	size_t n = strlen(line);

	s->lines++;
	if (line[0] != '{' || line[n - 1] != '}' ||
	    !json_member(line, "type", val, sizeof(val))) {
		bad_line(s, line);
		return;
	}
	if (!strcmp(val, "exit")) {
		if (!json_member(line, "seq", val, sizeof(val))) {
			bad_line(s, line);
			return;
		}
		check_seq(s, strtoull(val, NULL, 0));
		s->cpuid_hv += json_is(line, "reason", "CPUID") &&
			       json_is(line, "leaf", "0x40000000") &&
			       json_is(line, "ebx", "0x6d6d7674") &&
			       json_is(line, "handled_by", "kernel");
		s->uart_out += json_is(line, "reason", "IO_INSTRUCTION") &&
			       json_is(line, "port", "1016") &&
			       json_is(line, "direction", "out") &&
			       json_is(line, "value", "0x41") &&
			       json_is(line, "handled_by", "tvmmctl") &&
			       json_is(line, "action", "uart-16550a") &&
			       json_is(line, "rip", "0x800c");
		s->apic_read += json_is(line, "reason", "EPT_VIOLATION") &&
				json_is(line, "gpa", "0xfee00020") &&
				json_is(line, "access", "read") &&
				json_is(line, "mmio", "true") &&
				json_is(line, "action", "local-apic -> 0x0");
	} else if (!strcmp(val, "exit_stats")) {
		if (json_is(line, "reason", "CPUID") &&
		    json_member(line, "count", val, sizeof(val)))
			s->stats_cpuid = strtoull(val, NULL, 0);
	} else if (!strcmp(val, "device_stats")) {
		if (json_is(line, "device", "uart-16550a") &&
		    json_member(line, "writes", val, sizeof(val)))
			s->uart_writes = strtoull(val, NULL, 0);
	} else if (!strcmp(val, "summary_phase")) {
		if (json_member(line, "exits", val, sizeof(val)))
			s->sum_exits = strtoull(val, NULL, 0);
	} else if (!strcmp(val, "summary_touched")) {
		if (json_is(line, "what", "CPUID leaf 0x40000000") &&
		    json_is(line, "reason", "CPUID") &&
		    json_member(line, "count", val, sizeof(val)))
			s->sum_cpuid_hv = strtoull(val, NULL, 0);
		if (json_is(line, "what", "OUT 0x3f8 THR") &&
		    json_is(line, "device", "uart-16550a") &&
		    json_is(line, "user", "1") &&
		    json_member(line, "count", val, sizeof(val)))
			s->sum_uart_thr = strtoull(val, NULL, 0);
	} else if (!strcmp(val, "summary_device") ||
		   !strcmp(val, "summary_reason")) {
		/* Counted in the text variant. */
	} else if (!strcmp(val, "end")) {
		s->end += json_is(line, "reason", "device") &&
			  json_is(line, "status", "67");
	}
}

/* A counter of struct seen, and what it must end as: @n, or at least. */
struct count {
	size_t field;
	const char *name;
	unsigned long long n;
	bool at_least;
};

#define COUNT(f, n)	{ offsetof(struct seen, f), #f, (n), false }
#define AT_LEAST(f, n)	{ offsetof(struct seen, f), #f, (n), true }

FIXTURE(run) {
	struct seen s;
};

/* "tvmmctl run @opts", each stderr line to @parse: @want counted. */
FIXTURE_VARIANT(run) {
	const char *opts;
	tvmmctl_line_fn *parse;
	struct count want[10];		/* up to the first without name */
};

/* At least the guest's exits, each once, numbered without a gap. */
FIXTURE_VARIANT_ADD(run, trace_every_exit) {
	.opts = "--trace", .parse = text_line,
	.want = {
		AT_LEAST(exits, NR_LOOP + 6), COUNT(gaps, 0),
		COUNT(cpuid0, 1), COUNT(cpuid_hv, NR_LOOP),
		COUNT(uart_out, 1), COUNT(unknown_in, 1),
		COUNT(apic_read, 1), COUNT(mmio_write, 1),
		COUNT(debug_exit, 1), COUNT(sum_cpuid_hv, NR_LOOP),
	},
};

/* The same exits summed up, without a line each. */
FIXTURE_VARIANT_ADD(run, summary) {
	.opts = "--summary", .parse = text_line,
	.want = {
		COUNT(exits, 0), AT_LEAST(sum_exits, NR_LOOP + 6),
		COUNT(sum_cpuid_hv, NR_LOOP), COUNT(sum_uart_thr, 1),
		COUNT(sum_apic_id, 1), COUNT(sum_unknown_in, 1),
		COUNT(sum_uart_dev, 1),
	},
};

FIXTURE_VARIANT_ADD(run, summary_json) {
	.opts = "--summary --json", .parse = json_line,
	.want = {
		COUNT(exits, 0), AT_LEAST(sum_exits, NR_LOOP + 6),
		COUNT(sum_cpuid_hv, NR_LOOP), COUNT(sum_uart_thr, 1),
		COUNT(end, 1),
	},
};

FIXTURE_VARIANT_ADD(run, trace_json) {
	.opts = "--trace --json", .parse = json_line,
	.want = {
		AT_LEAST(exits, NR_LOOP + 6), COUNT(gaps, 0),
		COUNT(cpuid_hv, NR_LOOP), COUNT(uart_out, 1),
		COUNT(apic_read, 1), COUNT(end, 1),
		COUNT(sum_cpuid_hv, NR_LOOP), COUNT(sum_uart_thr, 1),
	},
};

FIXTURE_VARIANT_ADD(run, stats) {
	.opts = "--stats", .parse = text_line,
	.want = {
		COUNT(exits, 0), COUNT(stats_cpuid, NR_LOOP + 1),
		COUNT(stats_io, 3), COUNT(stats_ept, 2),
		COUNT(uart_writes, 1), COUNT(unknown_reads, 1),
		COUNT(apic_reads, 1), COUNT(unknown_mmio_writes, 1),
	},
};

FIXTURE_VARIANT_ADD(run, stats_json) {
	.opts = "--stats --json", .parse = json_line,
	.want = {
		COUNT(stats_cpuid, NR_LOOP + 1), COUNT(uart_writes, 1),
		COUNT(end, 1),
	},
};

FIXTURE_SETUP(run)
{
	TVMM_REQUIRE_MODULE();
}

FIXTURE_TEARDOWN(run)
{
}

/* Every line understood, and every count what the guest did. */
TEST_F(run, counts)
{
	const struct count *c;
	char opts[256];

	snprintf(opts, sizeof(opts), "%s %s", OPTS, variant->opts);
	EXPECT_EQ(0x43, tvmmctl_run_image(trace_guest_start,
					  trace_guest_end - trace_guest_start,
					  NULL, opts, out, sizeof(out),
					  variant->parse, &self->s));
	EXPECT_STREQ("A", out);
	EXPECT_EQ(0, self->s.bad) {
		TH_LOG("%llu lines not understood, first: %s", self->s.bad,
		       self->s.first_bad);
	}
	for (c = variant->want; c->name; c++) {
		unsigned long long n =
			*(unsigned long long *)((char *)&self->s + c->field);

		EXPECT_TRUE(c->at_least ? n >= c->n : n == c->n)
			TH_LOG("%s: %llu, not %s%llu", c->name, n,
			       c->at_least ? "at least " : "", c->n);
	}
	/* With --trace, the summary counts every exit the lines showed. */
	if (self->s.exits)
		EXPECT_EQ(self->s.exits, self->s.sum_exits);
}

TEST_HARNESS_MAIN
