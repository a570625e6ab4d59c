/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM runner: one VM, one slot of guest RAM at GPA 0, one vCPU, and the
 * vCPU loop that hands every exit to the device models. Functions return
 * 0 or a negative errno and never print, except vmm_dump_regs().
 */
#ifndef TVMMCTL_VMM_H
#define TVMMCTL_VMM_H

#include <stdio.h>

#include "lib/tvmm_dev.h"
#include "loader/loader.h"
#include "devices/devices.h"

/* How a run ended. */
enum vmm_stop {
	VMM_STOP_DEVICE,	/* a device model (debug-exit, reset) */
	VMM_STOP_HALT,		/* HLT with RFLAGS.IF = 0 */
	VMM_STOP_SHUTDOWN,	/* triple fault */
	VMM_STOP_FAIL_ENTRY,	/* the CPU refused the guest state */
	VMM_STOP_INTERNAL,	/* tvmm could not go on */
	VMM_STOP_UNEXPECTED,	/* an exit tvmmctl did not ask for */
	VMM_STOP_TIMEOUT,	/* --timeout expired */
	VMM_STOP_HOOK,		/* the exit hook ended the run */
};

/* What an exit hook (struct vmm.exit_hook) did with an exit. */
enum vmm_hook {
	VMM_HOOK_PASS,		/* not its business: the loop handles it */
	VMM_HOOK_HANDLED,	/* done: enter the guest again */
	VMM_HOOK_STOP,		/* end the run with VMM_STOP_HOOK */
};

struct vmm {
	struct tvmm_dev dev;
	int vm_fd;
	int vcpu_fd;
	struct tvmm_run *run;
	size_t run_size;
	struct guest_ram ram;
	/*
	 * Optional: sees every exit before the loop does, and returns an
	 * enum vmm_hook or a negative errno (the demos use it: demo/).
	 */
	int (*exit_hook)(struct vmm *vmm, struct dev_ctx *ctx);
	void *hook_data;
};

int vmm_alloc_ram(struct vmm *vmm, __u64 size);
int vmm_create(struct vmm *vmm, const char *path);
void vmm_destroy(struct vmm *vmm);
int vmm_add_memory(struct vmm *vmm, __u32 slot, __u64 gpa, void *hva,
		   __u64 size, __u32 flags);
int vmm_set_state(struct vmm *vmm, const struct tvmm_regs *regs,
		  const struct tvmm_sregs *sregs);
int vmm_get_regs(struct vmm *vmm, struct tvmm_regs *regs);
int vmm_set_regs(struct vmm *vmm, const struct tvmm_regs *regs);
int vmm_get_sregs(struct vmm *vmm, struct tvmm_sregs *sregs);
int vmm_run(struct vmm *vmm, struct dev_ctx *ctx, unsigned int timeout,
	    enum vmm_stop *stop);
int vmm_run_ms(struct vmm *vmm, struct dev_ctx *ctx, unsigned int timeout_ms,
	       enum vmm_stop *stop);
const char *vmm_stop_reason(const struct vmm *vmm, enum vmm_stop stop,
			    char *buf, size_t len);
void vmm_dump_regs(const struct vmm *vmm, FILE *f);

#endif /* TVMMCTL_VMM_H */
