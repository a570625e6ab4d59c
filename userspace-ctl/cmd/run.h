/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "tvmmctl run" (cmd/run.c) lends other commands: to "tvmmctl
 * restore" (cmd/restore.c), which goes on with a guest run left, the CPU
 * model's options, --save-on, and how a run ends (--stats, the exit
 * status, the --json end line); to a command that drives the run itself
 * (the linux demo, demo/linux.c), its guest, made exactly as run makes it.
 */
#ifndef TVMMCTL_CMD_RUN_H
#define TVMMCTL_CMD_RUN_H

#include <stdbool.h>

#include "snapshot/migrate.h"
#include "snapshot/snapshot.h"
#include "vmm/cpuid.h"
#include "vmm/vmm.h"

/*
 * What the pause signal does: --save-on SIGNAL FILE (@path) or
 * --migrate-on SIGNAL ADDR (@migrate), and what each needs.
 */
struct run_save {
	int signal;
	const char *path;
	bool migrate;
	const char *who;		/* "run", "restore": for messages */
	struct snap_machine_info *machine;
	unsigned int count;		/* snapshots written */
	bool json;			/* --json: a line for each */
	struct mig_send mig;		/* @mig.addr: where to migrate */
};

#define RUN_SAVE_ON_OPTION						\
	{ "--save-on", NULL, "SIGNAL FILE",				\
	  "on each SIGNAL (USR2, HUP, TERM... or a number),\n"		\
	  "stop the guest at an instruction boundary, write\n"		\
	  "a snapshot of it to FILE (replacing it whole) and\n"		\
	  "go on; tvmmctl restore FILE goes on from there" }

#define RUN_MIGRATE_ON_OPTION						\
	{ "--migrate-on", NULL, "SIGNAL ADDR",				\
	  "on SIGNAL, move the running guest to the\n"			\
	  "tvmmctl restore --incoming ADDR listening at ADDR\n"		\
	  "(unix:PATH or tcp:HOST:PORT) and end; it goes on\n"		\
	  "there. The guest runs while its memory is copied;\n"		\
	  "if the move fails it goes on here" }

/*
 * --save-on's and --migrate-on's two values (@opt_name says which): @sig
 * (tvmm_opt_next()'s), then argv[*@i + 1], which *@i moves past.
 * TVMMCTL_EXIT_OK or a usage error, printed.
 */
int run_parse_save_on(int argc, char **argv, int *i, const char *opt_name,
		      const char *sig, struct run_save *s);

/* CLOCK_MONOTONIC in ns, for the times tvmmctl reports. */
__u64 run_now_ns(void);

/* The CPU model tvmmctl gives its guests on this host and tvmm.ko. */
void run_cpu_model_opts(struct vmm *vmm, struct cpu_model_opts *mo);

/*
 * vmm_run() with what every command that runs a guest prints: with
 * @save (NULL: none), what --save-on or --migrate-on did; with @summary,
 * the exit summary at the end (vmm/summary.h); then --stats, the exit
 * status (and why, on stderr, as "tvmmctl: @who: ..."), the --json end
 * line (@vo->json). Returns the exit status.
 */
int run_go(struct vmm *vmm, struct dev_ctx *ctx, struct vmm_opts *vo,
	   struct run_save *save, bool summary, bool stats, const char *who);

/**
 * struct run_guest - a guest as "tvmmctl run" options give it.
 * @image:	the image (any format run takes).
 * @initrd:	--initrd, or NULL.
 * @cmdline:	--cmdline, or NULL.
 * @cpus:	--cpus (0: 1).
 * @mem:	--mem in bytes (0: the image format's default).
 * @summary:	the trace rings will be on (--summary): checks that
 *		tvmm.ko has them.
 */
struct run_guest {
	const char *image;
	const char *initrd;
	const char *cmdline;
	unsigned int cpus;
	__u64 mem;
	bool summary;
};

/*
 * Make @g's VM in @vmm, ready for vmm_run(): the image loaded, the vCPUs
 * created with their first state and CPU model. @fw_cmdline: the command
 * line fw_cfg gives. 0, or prints why not ("tvmmctl: run: ...") and
 * returns -errno. Either way vmm_destroy() undoes it.
 */
int run_make_guest(struct vmm *vmm, const struct run_guest *g,
		   const char **fw_cmdline);

#endif /* TVMMCTL_CMD_RUN_H */
