// SPDX-License-Identifier: GPL-2.0
/*
 * The trace ring and the exit statistics of trace.h: reading a vCPU's ring
 * of exits (TVMM_SET_TRACE, mmap) and printing TVMM_GET_VCPU_STATS. How
 * one exit reads in words, text or JSON, is trace_decode.c's.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "lib/jsonl.h"
#include "lib/util.h"
#include "vmm/trace.h"

/* ---- the ring ------------------------------------------------------- */

int trace_ring_enable(struct trace_ring *tr, int vcpu_fd)
{
	struct tvmm_trace_config on = { .flags = TVMM_TRACE_ON };
	struct tvmm_trace_config off = { 0 };
	struct tvmm_trace_ring *ring;
	int ret;

	tr->vcpu_fd = -1;
	tr->ring = NULL;
	tr->lost = 0;
	if (ioctl(vcpu_fd, TVMM_SET_TRACE, &on))
		return -errno;
	ring = mmap(NULL, TVMM_TRACE_MMAP_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED, vcpu_fd, TVMM_TRACE_MMAP_OFFSET);
	if (ring == MAP_FAILED) {
		ret = -errno;
		goto err_off;
	}
	/* The entries must lie inside the mapping, whatever tvmm says. */
	if (!ring->nr_entries ||
	    ring->nr_entries > (TVMM_TRACE_MMAP_SIZE - sizeof(*ring)) /
			       sizeof(ring->entries[0])) {
		ret = -EPROTO;
		goto err_unmap;
	}
	/* Start from now: skip what an earlier session left. */
	__atomic_store_n(&ring->tail, __atomic_load_n(&ring->head,
						      __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	tr->vcpu_fd = vcpu_fd;
	tr->ring = ring;
	return 0;

err_unmap:
	munmap(ring, TVMM_TRACE_MMAP_SIZE);
err_off:
	ioctl(vcpu_fd, TVMM_SET_TRACE, &off);
	return ret;
}

void trace_ring_disable(struct trace_ring *tr)
{
	struct tvmm_trace_config off = { 0 };

	if (!tr->ring)
		return;
	ioctl(tr->vcpu_fd, TVMM_SET_TRACE, &off);
	munmap(tr->ring, TVMM_TRACE_MMAP_SIZE);
	tr->ring = NULL;
	tr->vcpu_fd = -1;
}

/*
 * The consumer side of the protocol in uapi/tvmm.h: head with an acquire
 * load (the entries before it are written), copy the entries out, then
 * publish the new tail with a release store (tvmm may reuse the slots).
 */
unsigned int trace_ring_drain(struct trace_ring *tr, trace_sink_fn *sink,
			      void *data)
{
	struct tvmm_trace_ring *ring = tr->ring;
	struct tvmm_trace_entry e;
	unsigned int n = 0;
	__u64 head, tail;
	__u32 nr;

	if (!ring)
		return 0;
	nr = ring->nr_entries;
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	tail = ring->tail;
	if (head - tail > nr) {
		/* Cannot happen with a correct tvmm: count, resync. */
		tr->lost += head - tail;
		tail = head;
	}
	for (; tail != head; tail++, n++) {
		memcpy(&e, &ring->entries[tail % nr], sizeof(e));
		if (sink)
			sink(&e, data);
	}
	__atomic_store_n(&ring->tail, tail, __ATOMIC_RELEASE);
	return n;
}

/* ---- statistics ----------------------------------------------------- */

int trace_stats_read(int vcpu_fd, struct tvmm_vcpu_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	if (ioctl(vcpu_fd, TVMM_GET_VCPU_STATS, st))
		return -errno;
	return 0;
}

static void stats_line(FILE *f, unsigned int vcpu, const char *what,
		       unsigned int reason, unsigned long long count,
		       unsigned long long cycles, bool json)
{
	unsigned long long avg = count ? cycles / count : 0;
	char line[TRACE_LINE_MAX];
	struct jsonl j;

	if (!json) {
		fprintf(f, "stats: cpu%u %-24s %10llu %14llu %10llu\n", vcpu,
			what, count, cycles, avg);
		return;
	}
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", reason == ~0u ? "vcpu_stats" : "exit_stats");
	jsonl_uint(&j, "vcpu", vcpu);
	if (reason != ~0u) {
		jsonl_str(&j, "reason", what);
		jsonl_uint(&j, "exit_reason", reason);
	}
	jsonl_uint(&j, "count", count);
	jsonl_uint(&j, "cycles", cycles);
	jsonl_uint(&j, "avg_cycles", avg);
	if (jsonl_end(&j) > 0)
		fprintf(f, "%s\n", line);
}

void trace_stats_print(FILE *f, const struct tvmm_vcpu_stats *st,
		       unsigned int vcpu, bool json)
{
	unsigned long long count = 0, cycles = 0;
	char fallback[16];
	unsigned int i;

	if (!json)
		fprintf(f, "stats: cpu%u %-24s %10s %14s %10s\n", vcpu,
			"exit reason", "count", "cycles", "average");
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++) {
		const char *name = trace_exit_name(i);

		if (!st->exits[i])
			continue;
		if (!name) {
			snprintf(fallback, sizeof(fallback), "EXIT_%u", i);
			name = fallback;
		}
		stats_line(f, vcpu, name, i, st->exits[i], st->cycles[i], json);
		count += st->exits[i];
		cycles += st->cycles[i];
	}
	stats_line(f, vcpu, "total", ~0u, count, cycles, json);
}

void trace_stats_print_value(FILE *f, unsigned int vcpu, const char *what,
			     unsigned long long value, bool json)
{
	char line[TRACE_LINE_MAX];
	struct jsonl j;

	if (!json) {
		fprintf(f, "stats: cpu%u %-24s %10llu\n", vcpu, what, value);
		return;
	}
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", "vcpu_count");
	jsonl_uint(&j, "vcpu", vcpu);
	jsonl_str(&j, "what", what);
	jsonl_uint(&j, "count", value);
	if (jsonl_end(&j) > 0)
		fprintf(f, "%s\n", line);
}

void trace_stats_print_count(FILE *f, const char *what,
			     unsigned long long reads,
			     unsigned long long writes, bool json)
{
	char line[TRACE_LINE_MAX];
	struct jsonl j;

	if (!json) {
		fprintf(f, "stats: %-29s %10llu reads %10llu writes\n", what,
			reads, writes);
		return;
	}
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", "device_stats");
	jsonl_str(&j, "device", what);
	jsonl_uint(&j, "reads", reads);
	jsonl_uint(&j, "writes", writes);
	if (jsonl_end(&j) > 0)
		fprintf(f, "%s\n", line);
}
