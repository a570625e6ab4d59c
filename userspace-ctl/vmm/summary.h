/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit summary: every VM exit of a run, as the vCPUs' trace rings
 * record them (trace.h), counted by phase, by basic exit reason, by what
 * the exit touched (the CPUID leaf, the MSR, the port or the device
 * register, the control register, the vector) and by device, with the
 * host TSC cycles tvmm spent on them. "tvmmctl run --summary" prints it at
 * the end of a run (--trace too, after its lines), so that a run of
 * millions of exits still reads in a screen; the linux demo splits a boot
 * into phases with it and tells what each made the VMM do.
 *
 * Threads: each vCPU's thread adds its own exits to its own tally
 * (summary_add(), no lock); anybody may move the run to its next phase
 * (summary_phase()); the queries and the printer read the tallies once
 * the vCPU threads are gone.
 */
#ifndef TVMMCTL_VMM_SUMMARY_H
#define TVMMCTL_VMM_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "uapi/tvmm.h"

#define SUMMARY_MAX_PHASES	8

struct summary_tally;

/**
 * struct exit_summary - the tallies of one run.
 * @nr_vcpus:	vCPUs, one tally each.
 * @nr_phases:	phases named so far (1 to SUMMARY_MAX_PHASES).
 * @phase:	the phase exits are counted in now.
 * @names:	each phase's name.
 * @start_ns:	when each phase began, @end_ns when the run ended (the
 *		caller's clock; 0 when not known).
 * @tally:	per vCPU.
 */
struct exit_summary {
	unsigned int nr_vcpus;
	unsigned int nr_phases;
	unsigned int phase;
	const char *names[SUMMARY_MAX_PHASES];
	__u64 start_ns[SUMMARY_MAX_PHASES];
	__u64 end_ns;
	struct summary_tally *tally;
};

/* Tallies for @nr_vcpus vCPUs, in one phase named @name: 0 or -ENOMEM. */
int summary_init(struct exit_summary *s, unsigned int nr_vcpus,
		 const char *name, __u64 now_ns);
void summary_free(struct exit_summary *s);
/*
 * Exits from now on count in a new phase @name: its number, or -ENOSPC
 * after SUMMARY_MAX_PHASES (the exits then stay in the last one).
 */
int summary_phase(struct exit_summary *s, const char *name, __u64 now_ns);
/* One exit of vCPU @vcpu, from its own thread. */
void summary_add(struct exit_summary *s, unsigned int vcpu,
		 const struct tvmm_trace_entry *e);
void summary_end(struct exit_summary *s, __u64 now_ns);

/* How summary_rows() groups the exits. */
enum summary_group {
	SUMMARY_BY_REASON,	/* basic exit reason */
	SUMMARY_BY_TOUCHED,	/* exit reason and what it touched */
	SUMMARY_BY_DEVICE,	/* device: port I/O, MMIO, the devices' MSRs */
};

#define SUMMARY_WHAT_MAX	64

/**
 * struct summary_row - one group of exits.
 * @reason:	the basic exit reason (BY_REASON, BY_TOUCHED).
 * @touched:	trace_touched()'s number (BY_TOUCHED).
 * @device:	the device's name (BY_DEVICE; BY_TOUCHED when there is
 *		one), else NULL.
 * @what:	BY_TOUCHED: the words for @touched, with the device's
 *		register ("OUT 0x3f8 THR"); BY_DEVICE: reads and writes.
 * @count:	exits; @user of them returned to tvmmctl.
 * @cycles:	host TSC cycles tvmm spent on them.
 * @reads, @writes: BY_DEVICE: accesses that read and that wrote.
 */
struct summary_row {
	unsigned int reason;
	__u64 touched;
	const char *device;
	char what[SUMMARY_WHAT_MAX];
	__u64 count, user, cycles;
	__u64 reads, writes;
};

/*
 * The exits of @phase (-1: all phases) grouped by @group, the largest
 * count first, into @rows: the number of groups, which may be more than
 * @max (then the first @max are in @rows). -ENOMEM when out of memory.
 */
int summary_rows(const struct exit_summary *s, int phase,
		 enum summary_group group, struct summary_row *rows,
		 unsigned int max);
/* All the exits of @phase (-1: all): their count, tvmmctl's share, cycles. */
void summary_totals(const struct exit_summary *s, int phase,
		    struct summary_row *total);

/*
 * Print @phase (-1: every phase in turn, then the whole run): the exits by
 * reason (count, share, how many reached tvmmctl, average cycles), the
 * @top largest groups by what they touched, and the devices; as text
 * lines starting "summary:", or as JSON lines {"type": "summary_phase"},
 * {"type": "summary_reason"}, {"type": "summary_touched"} and
 * {"type": "summary_device"}.
 */
void summary_print(FILE *f, const struct exit_summary *s, int phase,
		   unsigned int top, bool json);

#endif /* TVMMCTL_VMM_SUMMARY_H */
