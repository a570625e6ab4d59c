// SPDX-License-Identifier: GPL-2.0
/*
 * The exit summary (summary.h): each vCPU's exits counted in a small open
 * hash table keyed by phase, who handled the exit, its basic exit reason
 * and what it touched (trace_touched()); queries merge the vCPUs' tables
 * and group their cells by reason, by what was touched, or by device (the
 * device tables of devices/ name ports, MMIO addresses and MSRs).
 *
 * A table never fills: once half its cells are taken, a new key of a
 * (phase, reason) goes to that pair's "other" cell (touched =
 * TRACE_TOUCHED_MAX), and there are far fewer such pairs than cells.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonl.h"
#include "lib/util.h"
#include "uapi/tvmm_vmx.h"
#include "devices/devices.h"
#include "vmm/summary.h"
#include "vmm/trace.h"

#define SUMMARY_CELLS		4096	/* per vCPU, a power of two */
#define SUMMARY_OTHER		TRACE_TOUCHED_MAX

/* The key: phase, handled in userspace, exit reason, what it touched. */
#define KEY_PHASE_SHIFT		60
#define KEY_USER		BIT_ULL(59)
#define KEY_REASON_SHIFT	52
#define KEY_REASON_MASK		0x7fULL

static_assert(SUMMARY_MAX_PHASES <= 8, "3 bits of phase in the key");
static_assert(TVMM_NR_VMX_EXIT_REASONS <= 128, "7 bits of reason");
static_assert(TRACE_TOUCHED_MAX < (1ULL << KEY_REASON_SHIFT),
	      "touched below the reason");

struct summary_cell {
	__u64 key;
	__u64 count;	/* 0: a free cell */
	__u64 cycles;
};

struct summary_tally {
	struct summary_cell cells[SUMMARY_CELLS];
	unsigned int used;
};

static unsigned int key_phase(__u64 key)
{
	return key >> KEY_PHASE_SHIFT;
}

static unsigned int key_reason(__u64 key)
{
	return (key >> KEY_REASON_SHIFT) & KEY_REASON_MASK;
}

static __u64 key_touched(__u64 key)
{
	return key & TRACE_TOUCHED_MAX;
}

int summary_init(struct exit_summary *s, unsigned int nr_vcpus,
		 const char *name, __u64 now_ns)
{
	memset(s, 0, sizeof(*s));
	s->tally = calloc(nr_vcpus, sizeof(*s->tally));
	if (!s->tally)
		return -ENOMEM;
	s->nr_vcpus = nr_vcpus;
	s->nr_phases = 1;
	s->names[0] = name;
	s->start_ns[0] = now_ns;
	return 0;
}

void summary_free(struct exit_summary *s)
{
	free(s->tally);
	s->tally = NULL;
}

int summary_phase(struct exit_summary *s, const char *name, __u64 now_ns)
{
	unsigned int n = s->nr_phases;

	if (n >= SUMMARY_MAX_PHASES)
		return -ENOSPC;
	s->names[n] = name;
	s->start_ns[n] = now_ns;
	s->nr_phases = n + 1;
	/* The vCPU threads read it without the caller's lock. */
	__atomic_store_n(&s->phase, n, __ATOMIC_RELEASE);
	return n;
}

void summary_end(struct exit_summary *s, __u64 now_ns)
{
	s->end_ns = now_ns;
}

static __u64 key_hash(__u64 key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key;
}

/* The cell of @key in @t: found, or a free one; NULL if neither. */
static struct summary_cell *tally_cell(struct summary_tally *t, __u64 key)
{
	unsigned int i = key_hash(key) & (SUMMARY_CELLS - 1), n;

	for (n = 0; n < SUMMARY_CELLS; n++) {
		struct summary_cell *c = &t->cells[i];

		if (!c->count || c->key == key)
			return c;
		i = (i + 1) & (SUMMARY_CELLS - 1);
	}
	return NULL;
}

void summary_add(struct exit_summary *s, unsigned int vcpu,
		 const struct tvmm_trace_entry *e)
{
	struct summary_tally *t;
	struct summary_cell *c;
	__u64 key;

	if (!s->tally || vcpu >= s->nr_vcpus)
		return;
	t = &s->tally[vcpu];
	key = (__u64)__atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) <<
	      KEY_PHASE_SHIFT;
	if (e->handled_by == TVMM_TRACE_BY_USER)
		key |= KEY_USER;
	key |= (__u64)(e->exit_reason & KEY_REASON_MASK) << KEY_REASON_SHIFT;
	c = tally_cell(t, key | trace_touched(e));
	if (c && !c->count && t->used >= SUMMARY_CELLS / 2) {
		key |= SUMMARY_OTHER;
		c = tally_cell(t, key);
	} else {
		key |= trace_touched(e);
	}
	if (!c)
		return;
	if (!c->count) {
		c->key = key;
		t->used++;
	}
	c->count++;
	c->cycles += e->cycles;
}

/* ---- queries ---------------------------------------------------------- */

/* The device an exit of @reason that touched @touched reached, or NULL. */
static const char *touched_device(unsigned int reason, __u64 touched,
				  bool user, const char **reg)
{
	__u64 addr = trace_touched_addr(reason, touched);
	bool in = trace_touched_in(reason, touched);
	const struct io_dev *io;
	const struct mmio_dev *mmio;

	*reg = NULL;
	if (touched == SUMMARY_OTHER)
		return NULL;
	switch (reason) {
	case TVMM_VMX_EXIT_IO_INSTRUCTION:
		io = io_dev_find(addr);
		if (!io)
			return NULL;
		if (io->reg_name)
			*reg = io->reg_name(addr - io->base, !in);
		return io->name;
	case TVMM_VMX_EXIT_EPT_VIOLATION:
		mmio = user ? mmio_dev_find(addr) : NULL;
		if (!mmio)
			return NULL;
		if (mmio->reg_name)
			*reg = mmio->reg_name(addr - mmio->base, !in);
		return mmio->name;
	case TVMM_VMX_EXIT_MSR_READ:
	case TVMM_VMX_EXIT_MSR_WRITE:
		return user ? dev_msr_owner(touched) : NULL;
	default:
		return NULL;
	}
}

/* @row's what: the words for what an exit touched, and the register. */
static void row_words(struct summary_row *row, bool user)
{
	const char *reg;
	int n;

	row->device = touched_device(row->reason, row->touched, user, &reg);
	if (row->touched == SUMMARY_OTHER) {
		snprintf(row->what, sizeof(row->what), "%s, others",
			 trace_exit_name(row->reason) ?: "?");
		return;
	}
	if (row->reason == TVMM_VMX_EXIT_EPT_VIOLATION && !row->device &&
	    !user) {
		/* tvmm.ko's own: guest RAM that EPT did not map yet. */
		snprintf(row->what, sizeof(row->what), "EPT %s guest RAM",
			 trace_touched_in(row->reason, row->touched) ?
			 "read" : "write");
		return;
	}
	n = trace_touched_words(row->what, sizeof(row->what), row->reason,
				row->touched);
	if (n > 0 && reg)
		snprintf(row->what + n, sizeof(row->what) - n, " %s", reg);
}

/* The row of @rows (@n so far) that @row groups with, or a new one. */
static struct summary_row *row_find(struct summary_row **rows,
				    unsigned int *n, unsigned int *cap,
				    const struct summary_row *row,
				    enum summary_group group)
{
	struct summary_row *r;
	unsigned int i;

	for (i = 0; i < *n; i++) {
		r = &(*rows)[i];
		if (group == SUMMARY_BY_DEVICE ?
		    !strcmp(r->device, row->device) :
		    group == SUMMARY_BY_REASON ? r->reason == row->reason :
		    r->reason == row->reason && !strcmp(r->what, row->what))
			return r;
	}
	if (*n == *cap) {
		unsigned int cap2 = *cap ? 2 * *cap : 64;

		r = realloc(*rows, cap2 * sizeof(*r));
		if (!r)
			return NULL;
		*rows = r;
		*cap = cap2;
	}
	r = &(*rows)[(*n)++];
	*r = *row;	/* its name and words; summary_rows() counts */
	return r;
}

static int row_cmp(const void *a, const void *b)
{
	const struct summary_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->what, y->what);
}

int summary_rows(const struct exit_summary *s, int phase,
		 enum summary_group group, struct summary_row *rows,
		 unsigned int max)
{
	struct summary_row *all = NULL, row, *r;
	unsigned int n = 0, cap = 0, v, i;

	for (v = 0; v < s->nr_vcpus && s->tally; v++) {
		for (i = 0; i < SUMMARY_CELLS; i++) {
			const struct summary_cell *c = &s->tally[v].cells[i];
			bool user = c->key & KEY_USER;

			if (!c->count ||
			    (phase >= 0 && key_phase(c->key) != (unsigned int)phase))
				continue;
			memset(&row, 0, sizeof(row));
			row.reason = key_reason(c->key);
			row.touched = key_touched(c->key);
			if (group != SUMMARY_BY_REASON)
				row_words(&row, user);
			if (group == SUMMARY_BY_DEVICE && !row.device)
				continue;
			if (group == SUMMARY_BY_DEVICE)
				snprintf(row.what, sizeof(row.what), "%s",
					 row.device);
			if (group == SUMMARY_BY_REASON)
				snprintf(row.what, sizeof(row.what), "%s",
					 trace_exit_name(row.reason) ?: "?");
			r = row_find(&all, &n, &cap, &row, group);
			if (!r) {
				free(all);
				return -ENOMEM;
			}
			r->count += c->count;
			r->cycles += c->cycles;
			if (user)
				r->user += c->count;
			if (trace_touched_in(row.reason, row.touched))
				r->reads += c->count;
			else
				r->writes += c->count;
		}
	}
	if (n)
		qsort(all, n, sizeof(*all), row_cmp);
	for (i = 0; i < n && i < max; i++)
		rows[i] = all[i];
	free(all);
	return n;
}

void summary_totals(const struct exit_summary *s, int phase,
		    struct summary_row *total)
{
	unsigned int v, i;

	memset(total, 0, sizeof(*total));
	snprintf(total->what, sizeof(total->what), "total");
	for (v = 0; v < s->nr_vcpus && s->tally; v++) {
		for (i = 0; i < SUMMARY_CELLS; i++) {
			const struct summary_cell *c = &s->tally[v].cells[i];

			if (!c->count ||
			    (phase >= 0 && key_phase(c->key) != (unsigned int)phase))
				continue;
			total->count += c->count;
			total->cycles += c->cycles;
			if (c->key & KEY_USER)
				total->user += c->count;
		}
	}
}

/* ---- printing --------------------------------------------------------- */

static unsigned long long pct(__u64 part, __u64 whole)
{
	return whole ? (part * 1000 + whole / 2) / whole : 0;
}

static __u64 phase_ns(const struct exit_summary *s, int phase)
{
	__u64 start, end;

	if (phase < 0) {
		start = s->start_ns[0];
		end = s->end_ns;
	} else {
		start = s->start_ns[phase];
		end = (unsigned int)phase + 1 < s->nr_phases ?
		      s->start_ns[phase + 1] : s->end_ns;
	}
	return start && end > start ? end - start : 0;
}

static void print_head(FILE *f, const struct exit_summary *s, int phase,
		       bool json)
{
	const char *name = phase < 0 ? "all" : s->names[phase];
	struct summary_row t;
	__u64 ns = phase_ns(s, phase);
	char line[TRACE_LINE_MAX];
	struct jsonl j;

	summary_totals(s, phase, &t);
	if (!json) {
		fprintf(f, "summary: %s: %llu exits", name,
			(unsigned long long)t.count);
		if (ns)
			fprintf(f, " in %llu.%03llu s (%llu a second)",
				(unsigned long long)(ns / 1000000000ULL),
				(unsigned long long)(ns / 1000000 % 1000),
				(unsigned long long)(t.count * 1000000000ULL /
						     ns));
		fprintf(f, ", %llu.%llu%% to tvmmctl, %llu host cycles in tvmm\n",
			pct(t.user, t.count) / 10, pct(t.user, t.count) % 10,
			(unsigned long long)t.cycles);
		fprintf(f, "summary: %-40s %9s %6s %8s %10s\n",
			"exit reason", "count", "share", "tvmmctl",
			"avg cycles");
		return;
	}
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", "summary_phase");
	jsonl_str(&j, "phase", name);
	jsonl_uint(&j, "exits", t.count);
	jsonl_uint(&j, "user", t.user);
	jsonl_uint(&j, "cycles", t.cycles);
	jsonl_uint(&j, "ns", ns);
	if (jsonl_end(&j) > 0)
		fprintf(f, "%s\n", line);
}

static void print_row(FILE *f, const char *phase, const char *type,
		      const struct summary_row *r, __u64 total, bool json)
{
	unsigned long long share = pct(r->count, total);
	char line[TRACE_LINE_MAX];
	char label[SUMMARY_WHAT_MAX + 40];
	struct jsonl j;

	if (!json) {
		if (!strcmp(type, "reason"))
			snprintf(label, sizeof(label), "%s", r->what);
		else if (!strcmp(type, "device"))
			snprintf(label, sizeof(label), "  %s", r->what);
		else
			snprintf(label, sizeof(label), "  %s%s%s%s", r->what,
				 r->device ? " (" : "", r->device ?: "",
				 r->device ? ")" : "");
		fprintf(f, "summary: %-40s %9llu %4llu.%llu%% %8llu",
			label, (unsigned long long)r->count, share / 10,
			share % 10, (unsigned long long)r->user);
		if (!strcmp(type, "device"))
			fprintf(f, " %llu reads, %llu writes\n",
				(unsigned long long)r->reads,
				(unsigned long long)r->writes);
		else
			fprintf(f, " %10llu\n", (unsigned long long)
				(r->count ? r->cycles / r->count : 0));
		return;
	}
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", type);
	jsonl_str(&j, "phase", phase);
	if (strcmp(type, "summary_device")) {
		jsonl_str(&j, "reason", trace_exit_name(r->reason) ?: "?");
		jsonl_uint(&j, "exit_reason", r->reason);
	}
	if (!strcmp(type, "summary_touched"))
		jsonl_str(&j, "what", r->what);
	if (r->device)
		jsonl_str(&j, "device", r->device);
	jsonl_uint(&j, "count", r->count);
	jsonl_uint(&j, "user", r->user);
	jsonl_uint(&j, "cycles", r->cycles);
	if (!strcmp(type, "summary_device")) {
		jsonl_uint(&j, "reads", r->reads);
		jsonl_uint(&j, "writes", r->writes);
	}
	if (jsonl_end(&j) > 0)
		fprintf(f, "%s\n", line);
}

static void print_group(FILE *f, const struct exit_summary *s, int phase,
			enum summary_group g, unsigned int top, bool json)
{
	static const char *const text_types[] = {
		[SUMMARY_BY_REASON]	= "reason",
		[SUMMARY_BY_TOUCHED]	= "touched",
		[SUMMARY_BY_DEVICE]	= "device",
	};
	static const char *const json_types[] = {
		[SUMMARY_BY_REASON]	= "summary_reason",
		[SUMMARY_BY_TOUCHED]	= "summary_touched",
		[SUMMARY_BY_DEVICE]	= "summary_device",
	};
	const char *name = phase < 0 ? "all" : s->names[phase];
	unsigned int max = top ? top : 1, i;
	struct summary_row *rows, t;
	int n;

	/* Every reason and device; the @top largest of what was touched. */
	if (g != SUMMARY_BY_TOUCHED)
		max = TVMM_NR_VMX_EXIT_REASONS;
	summary_totals(s, phase, &t);
	rows = calloc(max, sizeof(*rows));
	if (!rows)
		return;
	n = summary_rows(s, phase, g, rows, max);
	if (!json && n > 0 && g == SUMMARY_BY_TOUCHED)
		fprintf(f, "summary: what they touched, the %u largest:\n",
			n < (int)max ? (unsigned int)n : max);
	if (!json && n > 0 && g == SUMMARY_BY_DEVICE)
		fprintf(f, "summary: devices:\n");
	for (i = 0; n > 0 && i < (unsigned int)n && i < max; i++)
		print_row(f, name, json ? json_types[g] : text_types[g],
			  &rows[i], t.count, json);
	if (!json && n > (int)max)
		fprintf(f, "summary:   ... and %u more\n", n - max);
	free(rows);
}

static void print_phase(FILE *f, const struct exit_summary *s, int phase,
			unsigned int top, bool json)
{
	print_head(f, s, phase, json);
	print_group(f, s, phase, SUMMARY_BY_REASON, top, json);
	print_group(f, s, phase, SUMMARY_BY_TOUCHED, top, json);
	print_group(f, s, phase, SUMMARY_BY_DEVICE, top, json);
}

void summary_print(FILE *f, const struct exit_summary *s, int phase,
		   unsigned int top, bool json)
{
	unsigned int i;

	if (phase >= 0 || s->nr_phases == 1) {
		print_phase(f, s, phase >= 0 ? phase : 0, top, json);
		return;
	}
	for (i = 0; i < s->nr_phases; i++)
		print_phase(f, s, i, top, json);
	print_phase(f, s, -1, top, json);
}
