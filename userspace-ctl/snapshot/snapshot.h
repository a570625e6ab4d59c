/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A whole VM of "tvmmctl run" in a snapshot file and back (vm.c): the
 * machine (vCPUs, RAM, the CPU model, fw_cfg's command line), the clocks,
 * each vCPU's state through the ioctls of uapi/tvmm.h, each device
 * model's state (devices/state.h), and guest memory. file.h is the
 * container under it.
 *
 * Saving runs in the input thread of vmm/, with ctx->lock held and every
 * vCPU stopped at an instruction boundary (vmm.pause_fn). Restoring runs
 * before the vCPU threads exist, in steps, so that "tvmmctl restore" can
 * check the whole file before it opens /dev/tvmm, and refuse it with
 * nothing run. Nothing here prints but snap_print_info().
 */
#ifndef TVMMCTL_SNAPSHOT_SNAPSHOT_H
#define TVMMCTL_SNAPSHOT_SNAPSHOT_H

#include <stdio.h>

#include "devices/devices.h"
#include "devices/state.h"
#include "snapshot/file.h"
#include "vmm/vmm.h"

/**
 * struct snap_machine_info - what a VM was made of, which a restore makes
 * again: what "tvmmctl run" was told, and the CPUID it gave each vCPU
 * (tvmm.ko has no TVMM_GET_CPUID: the copy is kept here).
 * @cmdline:	fw_cfg's command line, or NULL.
 * @cpuid, @nent: vCPU n's table, malloc()ed.
 */
struct snap_machine_info {
	unsigned int nr_vcpus;
	__u64 ram_size;
	__u32 tsc_khz;
	char *cmdline;
	struct tvmm_cpuid_entry *cpuid[DEV_MAX_CPUS];
	unsigned int nent[DEV_MAX_CPUS];
};

/* Keep a copy of vCPU @cpu's CPUID table: 0 or -ENOMEM. */
int snap_machine_set_cpuid(struct snap_machine_info *m, unsigned int cpu,
			   const struct tvmm_cpuid_entry *e, unsigned int n);
void snap_machine_free(struct snap_machine_info *m);

/*
 * Write the stopped VM to @path (through PATH.tmp): 0, or a negative
 * errno with @why saying which step failed.
 */
int snap_save(const char *path, struct vmm *vmm,
	      const struct snap_machine_info *m, char *why, size_t len);

/*
 * The same, without guest memory, into a malloc()ed buffer (*@buf,
 * *@size): the last record of a live migration, whose stream carried the
 * memory before it.
 */
int snap_save_state(struct vmm *vmm, const struct snap_machine_info *m,
		    void **buf, size_t *size, char *why, size_t len);

/* Restoring: the machine section and the CPUID tables, into @m. */
enum snap_error snap_load_machine(struct snap_file *f,
				  struct snap_machine_info *m);
/*
 * Every section @m's machine needs is there, in a version this tvmmctl
 * reads, and loads (the devices into a scratch set): no VM needed yet.
 */
enum snap_error snap_check_state(struct snap_file *f,
				 const struct snap_machine_info *m);
/* The vCPUs' sections alone (snap_check_state() checks them first). */
enum snap_error snap_check_vcpus(struct snap_file *f,
				 const struct snap_machine_info *m);

/**
 * struct snap_host - what the restoring host's tvmm.ko gives a vCPU.
 * @events, @xsave, @debugregs: TVMM_CAP_VCPU_EVENTS, TVMM_CAP_XSAVE,
 *		TVMM_CAP_DEBUGREGS.
 * @xcr0:	the XCR0 bits a guest may enable on this host (its CPU
 *		model's CPUID.(EAX=0xd,ECX=0):EAX); x87 and SSE always.
 */
struct snap_host {
	bool events, xsave, debugregs;
	__u64 xcr0;
};

/*
 * Every vCPU section has what it needs on @h: SNAP_OK, or
 * SNAP_ERR_FEATURE naming the capability or XSAVE state component that
 * this host lacks. Before any state goes into the VM.
 */
enum snap_error snap_check_host(struct snap_file *f,
				const struct snap_machine_info *m,
				const struct snap_host *h);
/* Guest memory into @ram (checked by snap_check_state()). */
void snap_load_memory(const struct snap_file *f, struct guest_ram *ram);
/*
 * The vCPUs' state into the VM (its vCPUs made, CPUID included), and the
 * guest's TSC: 0, or a negative errno with f->why saying what failed.
 */
int snap_load_vcpus(struct snap_file *f, struct vmm *vmm);
/* The devices' state, relative to @clk (the restoring process's now). */
int snap_load_devices(struct snap_file *f, struct dev_ctx *ctx,
		      const struct dev_clock *clk);
/* The guest's TSC when it stopped. */
__u64 snap_saved_tsc(const struct snap_file *f);

/* "tvmmctl snapshot info": what the file holds, for people. */
void snap_print_info(FILE *out, const char *path, const struct snap_file *f);

#endif /* TVMMCTL_SNAPSHOT_SNAPSHOT_H */
