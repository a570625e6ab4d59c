/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live migration (migrate.c): a running guest moved to another tvmmctl,
 * on this host or another, over the stream of stream.h, with the guest
 * stopped only for its last few pages and its state.
 *
 * The sender ("tvmmctl run --migrate-on SIGNAL ADDR"), by pre-copy: on
 * SIGNAL the RAM slots' dirty logs go on (uapi/tvmm.h, TVMM_MEM_LOG_DIRTY)
 * and a thread of its own connects and sends every page while the guest
 * runs; then, round after round, the pages written meanwhile, until a
 * round is small (MIG_LAST_ROUND_PAGES), stops shrinking, or
 * MIG_MAX_ROUNDS went by. Then it asks the input thread of vmm/ for a
 * pause (vmm_request_pause()), in which, every vCPU stopped at an
 * instruction boundary, the last dirty pages and the state (a snapshot
 * without memory) go, and the receiver answers. Accepted: the run ends
 * (VMM_STOP_MIGRATED), the guest goes on over there. Anything else before
 * that (no receiver, a refusal, a lost connection): the dirty logs go
 * off, the sender says why, and its guest goes on as if nothing happened;
 * SIGNAL again tries again.
 *
 * The receiver ("tvmmctl restore --incoming ADDR"): listens, takes one
 * connection, fills fresh guest RAM with the pages as they come, and
 * hands the state to the snapshot restore's checks and loaders
 * (snapshot.h) before it answers.
 */
#ifndef TVMMCTL_SNAPSHOT_MIGRATE_H
#define TVMMCTL_SNAPSHOT_MIGRATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "snapshot/snapshot.h"
#include "snapshot/stream.h"
#include "vmm/vmm.h"

/* A round this small goes with the guest stopped. */
#define MIG_LAST_ROUND_PAGES	64
/* Pre-copy rounds at most, the first (all of RAM) included. */
#define MIG_MAX_ROUNDS		30
/* Rounds in a row that did not shrink before the last goes anyway. */
#define MIG_STALL_ROUNDS	5

enum mig_state {
	MIG_IDLE,		/* nothing under way (or the last try failed) */
	MIG_PRECOPY,		/* the thread sends while the guest runs */
	MIG_DONE,		/* the receiver took the guest */
};

/**
 * struct mig_stats - what a migration did, for people and --json.
 * @round_pages: pages each round sent, the last (guest stopped) included.
 * @rounds:	rounds in @round_pages.
 * @pages:	pages sent, zero pages included; @zero_pages of them.
 * @bytes:	bytes on the wire.
 * @state_bytes: the state record's payload.
 * @total_ns:	from the signal to the receiver's answer.
 * @downtime_ns: from the guest's stop to the receiver's answer.
 */
struct mig_stats {
	unsigned int round_pages[MIG_MAX_ROUNDS + 1];
	unsigned int rounds;
	__u64 pages, zero_pages, bytes, state_bytes;
	__u64 total_ns, downtime_ns;
};

/**
 * struct mig_send - the sender's side, kept by "tvmmctl run".
 * @addr:	where to.
 * @who:	"run", "restore": for messages.
 * @machine:	what the VM was made of, for the state record.
 * @json:	print the result as a JSON line too.
 * @lock:	guards @state, @last_round, @failed between the threads.
 * @state:	enum mig_state.
 * @last_round: the thread asked for the last round's pause.
 * @cancel:	the run is over: the thread stops (atomic).
 * @thread_started: @thread exists and was not joined.
 * @stream:	the connection.
 * @bitmap:	one dirty log's bits, for the largest slot.
 * @start_ns:	when SIGNAL came.
 * @attempts:	migrations tried; @stats of the last.
 */
struct mig_send {
	struct vmm *vmm;
	struct mig_addr addr;
	const char *who;
	const struct snap_machine_info *machine;
	bool json;
	pthread_mutex_t lock;
	enum mig_state state;
	bool last_round;
	bool cancel;
	pthread_t thread;
	bool thread_started;
	struct mig_stream stream;
	__u64 *bitmap;
	size_t bitmap_bytes;
	__u64 start_ns;
	unsigned int attempts;
	struct mig_stats stats;
};

/* Ready @m for vmm.pause_fn (mig_pause()); 0 or -errno. */
int mig_send_init(struct mig_send *m, struct vmm *vmm, const char *who);
/*
 * vmm.pause_fn of --migrate-on: the first pause starts a migration, the
 * one its thread asks for ends it (VMM_PAUSE_END when the receiver took
 * the guest).
 */
int mig_pause(struct vmm *vmm, void *data);
/* After vmm_run(): the thread stopped and joined, the socket closed. */
void mig_send_end(struct mig_send *m);
/* A finished migration, on @out ("tvmmctl: run: migrated to ..."). */
void mig_print_stats(FILE *out, const struct mig_send *m);

/**
 * struct mig_recv - what "tvmmctl restore --incoming" received.
 * @stream:	the connection, open until mig_recv_answer().
 * @ram:	the guest's RAM, filled (vmm_alloc_ram()'s, in @vmm).
 * @state, @state_len: the state record's snapshot file (malloc()ed).
 * @ram_size, @nr_vcpus: the sender's guest, from its hello.
 * @pages:	pages received.
 * @make_vm:	in: the device to make the VM on (vmm_create()) as soon as
 *		the hello came; NULL to only allocate RAM.
 */
struct mig_recv {
	struct mig_stream stream;
	void *state;
	size_t state_len;
	__u64 ram_size;
	unsigned int nr_vcpus;
	__u64 pages;
	const char *make_vm;
};

/*
 * Listen on @a, print @who's "waiting" line on @out, take one sender, and
 * receive its guest's RAM into @vmm (vmm_alloc_ram(), and vmm_create()
 * with r->make_vm) and its state into @r: 0, or a negative errno with
 * @why saying what went wrong. @r->make_vm is kept; the rest is reset.
 */
int mig_receive(struct mig_recv *r, const struct mig_addr *a,
		struct vmm *vmm, FILE *out, const char *who, char *why,
		size_t len);
/*
 * Answer the sender: @why NULL accepts the guest (it goes on here), else
 * refuses it saying @why. 0 or -errno (the sender may not know).
 */
int mig_recv_answer(struct mig_recv *r, const char *why);
void mig_recv_free(struct mig_recv *r);

#endif /* TVMMCTL_SNAPSHOT_MIGRATE_H */
