/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "tvmmctl run" (cmd/run.c) shares with "tvmmctl restore"
 * (cmd/restore.c), which goes on with a guest run left: the CPU model's
 * options, --save-on, and how a run ends (--stats, the exit status, the
 * --json end line).
 */
#ifndef TVMMCTL_CMD_RUN_H
#define TVMMCTL_CMD_RUN_H

#include <stdbool.h>

#include "snapshot/snapshot.h"
#include "vmm/cpuid.h"
#include "vmm/vmm.h"

/* --save-on SIGNAL FILE, and what saving needs. */
struct run_save {
	int signal;
	const char *path;
	const char *who;		/* "run", "restore": for messages */
	struct snap_machine_info *machine;
	unsigned int count;		/* snapshots written */
};

#define RUN_SAVE_ON_OPTION						\
	{ "--save-on", NULL, "SIGNAL FILE",				\
	  "on each SIGNAL (USR2, HUP, TERM... or a number),\n"		\
	  "stop the guest at an instruction boundary, write\n"		\
	  "a snapshot of it to FILE (replacing it whole) and\n"		\
	  "go on; tvmmctl restore FILE goes on from there" }

/*
 * --save-on's two values: @sig (tvmm_opt_next()'s), then argv[*@i + 1],
 * which *@i moves past. TVMMCTL_EXIT_OK or a usage error, printed.
 */
int run_parse_save_on(int argc, char **argv, int *i, const char *sig,
		      struct run_save *s);
/* Have vmm_run() save on the signal, when --save-on was given. */
void run_save_setup(struct vmm *vmm, struct vmm_opts *vo, struct run_save *s);

/* The CPU model tvmmctl gives its guests on this host and tvmm.ko. */
void run_cpu_model_opts(struct vmm *vmm, struct cpu_model_opts *mo);

/*
 * After vmm_run(): --stats, the exit status (and why, on stderr, as
 * "tvmmctl: @who: ..."), the --json end line. Returns the status.
 */
int run_finish(struct vmm *vmm, struct dev_ctx *ctx, enum vmm_stop stop,
	       bool stats, bool json, const char *who);

#endif /* TVMMCTL_CMD_RUN_H */
