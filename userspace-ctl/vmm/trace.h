/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM exits in words: the vCPU's trace ring (TVMM_SET_TRACE), one exit as a
 * line of text or of JSON, and the exit statistics (TVMM_GET_VCPU_STATS).
 * Used by "tvmmctl run --trace/--stats" and meant for any other command
 * that shows exits; nothing here knows about devices or threads.
 *
 * Reading a ring:
 *
 *	struct trace_ring tr;
 *
 *	trace_ring_enable(&tr, vcpu_fd);	// TVMM_SET_TRACE on, mmap()
 *	... TVMM_RUN; on TVMM_EXIT_TRACE_FULL just drain and run again ...
 *	trace_ring_drain(&tr, my_sink, my_data); // my_sink(entry, my_data)
 *	trace_ring_disable(&tr);		// off, munmap()
 *
 * Printing one entry:
 *
 *	struct trace_record r = { .e = entry, .vcpu = 0, .action = NULL };
 *	char line[TRACE_LINE_MAX];
 *
 *	trace_format_text(line, sizeof(line), &r);  // or trace_format_json()
 *
 * Functions return 0 (or a length) or a negative errno and never print,
 * except the trace_stats_print*() ones, which write to the FILE given.
 */
#ifndef TVMMCTL_VMM_TRACE_H
#define TVMMCTL_VMM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "uapi/tvmm.h"

/* Enough for any line trace_format_*() writes, JSON included. */
#define TRACE_LINE_MAX		1024

/**
 * struct trace_ring - one vCPU's trace ring, mapped.
 * @vcpu_fd:	the vCPU file descriptor, -1 when not enabled.
 * @ring:	the mapping (TVMM_TRACE_MMAP_SIZE bytes), NULL when not.
 * @lost:	entries skipped because tvmm's head ran away from the tail
 *		(should stay 0: tvmm stops with TVMM_EXIT_TRACE_FULL instead).
 */
struct trace_ring {
	int vcpu_fd;
	struct tvmm_trace_ring *ring;
	unsigned long long lost;
};

/* Called once per entry, oldest first; @e is a copy, valid during the call. */
typedef void trace_sink_fn(const struct tvmm_trace_entry *e, void *data);

/*
 * Start recording and map the ring: 0, or -errno of TVMM_SET_TRACE or
 * mmap(), or -EPROTO for a ring whose header does not fit the mapping.
 * Entries recorded before (by an earlier enable) are skipped.
 */
int trace_ring_enable(struct trace_ring *tr, int vcpu_fd);
/* Stop recording and unmap; a ring never enabled is left alone. */
void trace_ring_disable(struct trace_ring *tr);
/* Hand every recorded entry to @sink, then free its slots; the count. */
unsigned int trace_ring_drain(struct trace_ring *tr, trace_sink_fn *sink,
			      void *data);

/**
 * struct trace_record - an entry and what the caller knows about it.
 * @e:		the entry.
 * @vcpu:	which vCPU took the exit.
 * @action:	for an exit handled in userspace (TVMM_TRACE_BY_USER), what
 *		the caller did with it, in a few words ("uart-16550a -> 0x60",
 *		"unknown port, write dropped"); NULL when not known.
 */
struct trace_record {
	const struct tvmm_trace_entry *e;
	unsigned int vcpu;
	const char *action;
};

/*
 * One line, no newline, into @buf:
 *
 *   cpu0 #12 IO_INSTRUCTION rip=0x7c05 | OUT 0x3f8 <- 'A' | tvmmctl: uart-16550a
 *   cpu0 #13 CPUID rip=0x7c09 | CPUID leaf 0x0 -> eax=0x1 ebx=... "GenuineIntel" | kernel
 *
 * that is the vCPU, the sequence number (run->exit_count of the exit), the
 * basic exit reason by its SDM name, the guest RIP, the decoded detail,
 * where it was handled (with @action for userspace) and the host TSC
 * cycles tvmm spent on it. trace_format_json() writes one JSON object
 * with the same facts as keys (see README.md). Both return the length, or
 * -ENOSPC when @buf is too small (then @buf is empty).
 */
int trace_format_text(char *buf, size_t len, const struct trace_record *r);
int trace_format_json(char *buf, size_t len, const struct trace_record *r);

/* Only the decoded detail ("OUT 0x3f8 <- 'A'"), as in the line above. */
int trace_describe(char *buf, size_t len, const struct tvmm_trace_entry *e);

/* "CPUID" for 10 (uapi/tvmm_names.h); NULL for a number without a name. */
const char *trace_exit_name(unsigned int reason);
/* "#GP" for 13, "NMI" for 2; NULL for a reserved vector (< 32) or above. */
const char *trace_vector_name(unsigned int vector);
/* "IA32_EFER" for 0xc0000080; NULL for an MSR this file does not name. */
const char *trace_msr_name(unsigned int msr);

/*
 * What exit @e touched, as one number that groups alike exits (the exit
 * summary's, vmm/summary.h): the CPUID leaf; the MSR; the port, with
 * IN or OUT; the guest-physical address rounded down to 4 bytes, with
 * read or write; the control or debug register and the access; the
 * vector and its type; VMCALL's RAX; XSETBV's XCR; 0 for the reasons
 * with nothing to tell apart. At most TRACE_TOUCHED_MAX.
 */
#define TRACE_TOUCHED_MAX	((1ULL << 51) - 1)
__u64 trace_touched(const struct tvmm_trace_entry *e);
/*
 * @touched, of an exit with basic exit reason @reason, in words that
 * say the reason too: "CPUID leaf 0x1", "WRMSR IA32_EFER", "OUT 0x3f8",
 * "EPT write 0xfee000b0", "MOV to CR4", "exception #PF", "HLT". The
 * length, or -ENOSPC when @buf is too small.
 */
int trace_touched_words(char *buf, size_t len, unsigned int reason,
			__u64 touched);
/* @touched is a read (IN, an MMIO read, RDMSR); its port or address. */
bool trace_touched_in(unsigned int reason, __u64 touched);
__u64 trace_touched_addr(unsigned int reason, __u64 touched);

/* TVMM_GET_VCPU_STATS, with size, flags and reserved set: 0 or -errno. */
int trace_stats_read(int vcpu_fd, struct tvmm_vcpu_stats *st);

/*
 * Print @st: one line per exit reason with a non-zero count (count, total
 * and average host TSC cycles), then the total; as text lines starting
 * "stats: cpuN", or as JSON lines {"type": "exit_stats", ...} and
 * {"type": "vcpu_stats", ...}.
 */
void trace_stats_print(FILE *f, const struct tvmm_vcpu_stats *st,
		       unsigned int vcpu, bool json);
/* One number of the caller's own about a vCPU ("interrupts injected"). */
void trace_stats_print_value(FILE *f, unsigned int vcpu, const char *what,
			     unsigned long long value, bool json);
/* One counter of the caller's own ("uart-16550a": reads, writes). */
void trace_stats_print_count(FILE *f, const char *what,
			     unsigned long long reads,
			     unsigned long long writes, bool json);

#endif /* TVMMCTL_VMM_TRACE_H */
