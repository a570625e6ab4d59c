/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "tvmmctl run" lends other commands: its guest, made exactly as run
 * makes it (cmd/run.c), for a command that drives the run itself (the
 * linux demo, demo/linux.c).
 */
#ifndef TVMMCTL_CMD_RUN_H
#define TVMMCTL_CMD_RUN_H

#include <stdbool.h>

#include "vmm/vmm.h"

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
