/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM runner: one VM, guest RAM from GPA 0 (around the IOAPIC's and
 * the local APIC's pages), 1 to DEV_MAX_CPUS vCPUs each run by its own
 * thread, and the loop that hands every exit to the device models.
 * Functions return 0 or a negative errno and never print, except
 * vmm_dump_regs() and the --trace lines vmm_run() writes where its
 * options say.
 *
 * Threads: vmm_run() starts one thread per vCPU and itself becomes the
 * input thread: it reads stdin into the UART, drives the devices' timers
 * (the PIT, the APIC timers), and watches --timeout. Device state is
 * shared under dev_ctx.lock; a vCPU waiting (HLT, or an AP waiting for
 * STARTUP) sleeps on vmm.cond with that lock, and a vCPU in TVMM_RUN is
 * kicked out with a signal (SIGUSR1) whose handler sets its
 * run->immediate_exit, so a kick is never lost.
 */
#ifndef TVMMCTL_VMM_H
#define TVMMCTL_VMM_H

#include <pthread.h>
#include <stdio.h>

#include "lib/tvmm_dev.h"
#include "loader/loader.h"
#include "devices/devices.h"
#include "vmm/term.h"
#include "vmm/summary.h"
#include "vmm/trace.h"

/* How a run ended. */
enum vmm_stop {
	VMM_STOP_DEVICE,	/* a device model (debug-exit, reset) */
	VMM_STOP_HALT,		/* HLT with RFLAGS.IF = 0 on vCPU 0 */
	VMM_STOP_SHUTDOWN,	/* triple fault */
	VMM_STOP_FAIL_ENTRY,	/* the CPU refused the guest state */
	VMM_STOP_INTERNAL,	/* tvmm could not go on */
	VMM_STOP_UNEXPECTED,	/* an exit tvmmctl did not ask for */
	VMM_STOP_TIMEOUT,	/* --timeout expired */
	VMM_STOP_ERROR,		/* a call failed: vmm.err_what, vmm.err */
	VMM_STOP_HOOK,		/* the exit hook ended the run */
	VMM_STOP_QUIT,		/* the user typed the escape key's quit */
	VMM_STOP_MIGRATED,	/* the guest went on elsewhere (pause_fn) */
};

/* What vmm.pause_fn returns, beyond 0 (go on) and a negative errno. */
#define VMM_PAUSE_END	1	/* end the run: VMM_STOP_MIGRATED */

/* What an exit hook (struct vmm.exit_hook) did with an exit. */
enum vmm_hook {
	VMM_HOOK_PASS,		/* not its business: the loop handles it */
	VMM_HOOK_HANDLED,	/* done: enter the guest again */
	VMM_HOOK_STOP,		/* end the run with VMM_STOP_HOOK */
};

#define VMM_ACTION_MAX	128

/**
 * struct vmm_vcpu - one vCPU and its thread.
 * @id:		the vCPU id, also its APIC ID.
 * @fd:		the vCPU file descriptor, -1 if none.
 * @run:	its mmap()ed struct tvmm_run.
 * @trace:	its trace ring, when --trace.
 * @action:	what the loop did with the last exit it handled, for --trace.
 * @action_seq:	run->exit_count of that exit.
 * @injected:	interrupts injected (TVMM_INTERRUPT), for --stats.
 * @halted:	HLT with RFLAGS.IF = 1: waits for an interrupt.
 * @parked:	an AP that halted with RFLAGS.IF = 0: waits for INIT.
 * @in_run:	between deciding to enter the guest and TVMM_RUN returning:
 *		a kick must be a signal.
 * @started:	the thread exists.
 * @paused:	stopped at an instruction boundary for vmm.pause_fn.
 * @owed:	tvmm.ko completes the last exit at the next TVMM_RUN (IN,
 *		MMIO read, user MSR): not an instruction boundary yet.
 * @deferred:	the last exit is left for after the pause: RIP is still
 *		at its instruction (MMIO read, user MSR), which a restored
 *		guest executes again.
 * @completing:	in the run that completes what is @owed, during a pause.
 */
struct vmm_vcpu {
	struct vmm *vmm;
	unsigned int id;
	int fd;
	struct tvmm_run *run;
	pthread_t thread;
	struct trace_ring trace;
	char action[VMM_ACTION_MAX];
	__u64 action_seq;
	unsigned long long injected;
	bool halted, parked, in_run, started;
	bool paused, owed, deferred, completing;
};

/**
 * struct vmm_opts - how to run.
 * @timeout:	seconds, 0 for none.
 * @timeout_ms:	milliseconds, instead of @timeout when not 0.
 * @trace:	record every exit and print it on @trace_out.
 * @json:	print trace lines as JSON.
 * @trace_out:	where trace lines go.
 * @input_fd:	what the UART receives (stdin), -1 for nothing.
 * @summary:	NULL, or where every exit is counted (vmm/summary.h),
 *		with or without @trace: the trace rings are on for it.
 * @pause_signal: a signal that stops every vCPU at an instruction
 *		boundary and calls vmm.pause_fn (--save-on); 0 for none.
 * @resume:	the vCPUs and devices come from a snapshot: the APs are
 *		not made to wait for STARTUP again.
 */
struct vmm_opts {
	unsigned int timeout;
	unsigned int timeout_ms;
	bool trace, json;
	FILE *trace_out;
	int input_fd;
	struct exit_summary *summary;
	int pause_signal;
	bool resume;
};

/**
 * struct vmm - the VM.
 * @nr_vcpus:	vCPUs created.
 * @has_intr:	tvmm.ko injects interrupts (TVMM_CAP_INTERRUPT).
 * @has_events:	tvmm.ko has TVMM_SET_VCPU_EVENTS (TVMM_CAP_VCPU_EVENTS).
 * @has_xsave:	tvmm.ko has TVMM_GET/SET_XSAVE (TVMM_CAP_XSAVE).
 * @has_debugregs: tvmm.ko has TVMM_GET/SET_DEBUGREGS (TVMM_CAP_DEBUGREGS).
 * @has_msr_list: tvmm.ko has TVMM_GET_MSR_INDEX_LIST.
 * @has_user_msrs: tvmm.ko hands the devices' MSRs (dev_msrs[]) to tvmmctl
 *		(TVMM_CAP_USER_MSRS): TVMM_EXIT_MSR.
 * @tsc_khz:	the TSC's rate (TVMM_CAP_TSC_KHZ), 0 unknown.
 * @ctx:	the devices, during vmm_run().
 * @hooks:	how the devices reach the threads.
 * @cond:	where waiting vCPUs sleep (with ctx->lock).
 * @wake:	a pipe that wakes the input thread.
 * @done:	the run is over (under ctx->lock); @stop says why, @stop_cpu
 *		which vCPU ended it, @err_what and @err what failed and its
 *		errno (also set by a failed vmm_create(): @err_what is NULL
 *		when the device did not open).
 * @tty:	the input is a terminal (raw): typed keys go through @term,
 *		its escape key included.
 * @term:	typed keys the UART has no room for yet (input thread only).
 * @exit_hook:	optional: sees each exit before the loop does, in the vCPU's
 *		thread with ctx->lock held, and returns an enum vmm_hook or
 *		a negative errno (the demos use it: demo/); @hook_data is
 *		its argument.
 * @tsc_offset:	the guest's TSC less the host's (vmm_set_guest_tsc()).
 * @pause_fn:	called by the input thread, ctx->lock held, once every vCPU
 *		stopped at an instruction boundary after opts.pause_signal
 *		or vmm_request_pause(): 0, VMM_PAUSE_END, or a negative
 *		errno that ends the run; @pause_data is its argument.
 * @pause_requested: vmm_request_pause() was called (atomic).
 * @pausing:	a pause is under way: vCPUs stop at the next boundary.
 * @pause_cond:	where the input thread waits for them.
 */
struct vmm {
	struct tvmm_dev dev;
	int vm_fd;
	size_t run_size;
	struct guest_ram ram;
	unsigned int nr_vcpus;
	struct vmm_vcpu vcpus[DEV_MAX_CPUS];
	bool has_intr;
	bool has_events;
	bool has_xsave;
	bool has_debugregs;
	bool has_msr_list;
	bool has_user_msrs;
	__u32 tsc_khz;
	struct dev_ctx *ctx;
	struct dev_hooks hooks;
	struct vmm_opts opts;
	pthread_cond_t cond;
	int wake[2];
	bool done;
	enum vmm_stop stop;
	unsigned int stop_cpu;
	const char *err_what;
	int err;
	bool tty;
	struct term_input term;
	int (*exit_hook)(struct vmm_vcpu *v, void *data);
	void *hook_data;
	__s64 tsc_offset;
	int (*pause_fn)(struct vmm *vmm, void *data);
	void *pause_data;
	bool pause_requested;
	bool pausing;
	pthread_cond_t pause_cond;
};

int vmm_alloc_ram(struct vmm *vmm, __u64 size);
/* The VM, its RAM and @nr_vcpus vCPUs (1 to DEV_MAX_CPUS). */
int vmm_create(struct vmm *vmm, const char *path, unsigned int nr_vcpus);
/*
 * vmm_create()'s failure @err as one sentence for "tvmmctl: ": the
 * device's (tvmm_dev_strerror()) when it did not open, else
 * "@who: cannot create the VM: " and the step that failed.
 */
const char *vmm_create_strerror(const struct vmm *vmm, const char *who,
				int err, char *buf, size_t len);
void vmm_destroy(struct vmm *vmm);
/* vCPU 0's first state; the APs wait for INIT and STARTUP. */
int vmm_set_state(struct vmm *vmm, const struct tvmm_regs *regs,
		  const struct tvmm_sregs *sregs);
/* vCPU 0's registers, read or written between runs or by the exit hook. */
int vmm_get_regs(struct vmm *vmm, struct tvmm_regs *regs);
int vmm_set_regs(struct vmm *vmm, const struct tvmm_regs *regs);
int vmm_get_sregs(struct vmm *vmm, struct tvmm_sregs *sregs);
/* RAM slot @slot's guest-physical [*@start, *@end); false past the last. */
bool vmm_ram_slot(const struct vmm *vmm, unsigned int slot, __u64 *start,
		  __u64 *end);
/*
 * One more slot of guest memory at @hva (RAM has 0, and 1 and 2 above the
 * IOAPIC's and the local APIC's pages when it reaches them).
 */
int vmm_add_memory(struct vmm *vmm, __u32 slot, __u64 gpa, void *hva,
		   __u64 size, __u32 flags);
/*
 * The RAM slots' dirty-page logs (uapi/tvmm.h, TVMM_MEM_LOG_DIRTY) on or
 * off, from any thread: 0 or a negative errno.
 */
int vmm_log_dirty(struct vmm *vmm, bool on);
/*
 * RAM slot @slot's pages written since the last call (the first: since
 * the log was turned on) into @bitmap, of @bytes bytes, at least
 * TVMM_DIRTY_LOG_BYTES(its pages): 0 or a negative errno.
 */
int vmm_get_dirty_log(struct vmm *vmm, __u32 slot, __u64 *bitmap,
		      size_t bytes);
/*
 * Run until the guest stops (see enum vmm_stop): 0 with *@stop set, or
 * -errno when the run could not start. --trace lines are printed as
 * exits happen; the trace rings stay mapped for the caller until
 * vmm_destroy().
 */
int vmm_run(struct vmm *vmm, struct dev_ctx *ctx, const struct vmm_opts *o,
	    enum vmm_stop *stop);
/*
 * Have the input thread pause the vCPUs and call vmm.pause_fn, as
 * opts.pause_signal does; from any thread but a vCPU's, without
 * ctx->lock (live migration's pre-copy thread asks for its last round).
 * A request made while a pause is under way is served by that pause.
 */
void vmm_request_pause(struct vmm *vmm);
const char *vmm_stop_reason(const struct vmm *vmm, enum vmm_stop stop,
			    char *buf, size_t len);
/* The registers of the vCPU that ended the run. */
void vmm_dump_regs(const struct vmm *vmm, FILE *f);

/*
 * The guest's TSC now; and making it @tsc now (TVMM_SET_TSC_OFFSET), for
 * a restored guest whose TSC goes on from its snapshot's. The devices
 * count with the same value.
 */
__u64 vmm_guest_tsc(const struct vmm *vmm);
int vmm_set_guest_tsc(struct vmm *vmm, __u64 tsc);

#endif /* TVMMCTL_VMM_H */
