/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demos of "tvmmctl demo": each runs a small guest (its source in
 * demos/, its image built into tvmmctl) and tells what the guest did, what
 * the CPU trapped and why, what the VMM did, what the guest saw and what
 * it cost; and it states facts (machine-readable, --json) and checks them.
 *
 * A demo is a declaration: demo/NAME.c defines struct demo demo_NAME, its
 * title and intro, and the guest it runs (struct demo_guest: RAM, options,
 * hooks), with a table of step functions, one per step of the guest, each
 * named after what its step shows. The rest is the same for every demo:
 * vm.c makes the VM (vmm/, loader/, devices/), runs it, reads the guest's
 * reports (demos/demo_abi.h), lists each step's exits with their cost
 * from the vCPU's exit statistics, records the guest's facts and calls
 * the step's function; demo.c runs the demo's guests in turn and checks
 * how each run ended; report.c writes it all as text or JSON.
 *
 * To add a demo: demos/NAME.c, the guest (a demo_main() that brackets
 * each step with demo_begin() and demo_end()); demo/NAME.c, its struct
 * demo; and a DEMO(NAME) line in demo/demos.h, which embeds the guest,
 * declares the demo and lists it.
 */
#ifndef TVMMCTL_DEMO_H
#define TVMMCTL_DEMO_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/util.h"
#include "uapi/tvmm.h"
#include "uapi/tvmm_vmx.h"
#include "demos/demo_abi.h"
#include "vmm/vmm.h"

/**
 * struct demo_ctx - one "tvmmctl demo" invocation, and the demo it is at.
 * @out:	where the text or the JSON lines go.
 * @json:	facts and checks as JSON lines instead of the text.
 * @demo:	the demo running.
 * @checks:	checks made by this demo so far.
 * @failed:	how many of them failed.
 * @dev:	the /dev/tvmm the demo's VMs come from.
 * @kernel, @initrd, @cpus: what the linux demo boots (NULL, 0: its
 *		defaults, in DEMO_LINUX_DIR, on 1 vCPU).
 */
struct demo_ctx {
	FILE *out;
	bool json;
	const struct demo *demo;
	unsigned int checks;
	unsigned int failed;
	const char *dev;
	const char *kernel;
	const char *initrd;
	unsigned int cpus;
};

/* Where testvm/run --linux-guest puts a kernel and an initramfs. */
#define DEMO_LINUX_DIR		"/usr/lib/tvmm/linux"

/* An ELF image built from demos/NAME.c, embedded by demo/images.S. */
struct demo_image {
	const unsigned char *start;
	const unsigned char *end;
};

#define DEMO_IMAGE(name)	{ demo_image_##name, demo_image_##name##_end }

struct demo_vm;

/*
 * What a demo shows of one step of its guest: called at the step's END
 * report, once the step's exits are listed and the guest's facts are
 * recorded. It tells the step (demo_item(), demo_vm_cost()) and states
 * the step's own facts and checks. Returns 0; VMM_HOOK_STOP to end the
 * run there, on purpose (the guest then counts as having run to its
 * end); or a negative errno, which stops the demo.
 */
typedef int (*demo_step_fn)(struct demo_vm *vm);

/**
 * struct demo_guest - one run of a demo's guest, and what tvmmctl does
 * with it. Every member but @mem may be left out.
 * @heading:	a line before the run, for a demo that runs its guest twice.
 * @mem:	guest RAM at GPA 0. A guest with none ends struct demo's list.
 * @real_mode:	start at the image's entry in real mode, not long mode.
 * @arg:	RDI at entry: the argument of the guest's demo_main().
 * @timeout_ms:	0: DEMO_TIMEOUT_MS, and the guest must run to its end (a
 *		check). Else a guest that never ends, stopped after so long.
 * @end_prefix:	put before the keys of the facts of how the run ended.
 * @priv_size:	the size of the demo's own state, vm->priv, zeroed for
 *		each run.
 * @setup:	once the VM is made, before it runs: the demo's ioctls,
 *		memory slots, capabilities. Returns 0 to run the guest;
 *		DEMO_SKIP when this host has nothing to show (it said why);
 *		a negative errno when the demo cannot run (it printed why).
 * @teardown:	once the VM is gone, whether @setup ran or not: undoes what
 *		vm->priv says @setup did (only with a @priv_size).
 * @on_exit:	the demo's own handling of an exit, before the device
 *		models: returns an enum vmm_hook.
 * @on_begin:	at each BEGIN report, before the step's cost starts.
 * @on_end:	at each END report, before the step's function: what every
 *		step shares. Returns 0 or a negative errno.
 * @steps:	step N of the guest (its Nth BEGIN ... END) shows itself
 *		with @steps[N - 1]; @nr_steps of them, one per step.
 * @after:	once the guest has run and how it ended is recorded: the
 *		run's own facts and checks.
 */
struct demo_guest {
	const char *heading;
	__u64 mem;
	bool real_mode;
	__u64 arg;
	unsigned int timeout_ms;
	const char *end_prefix;
	size_t priv_size;
	int (*setup)(struct demo_vm *vm);
	void (*teardown)(struct demo_vm *vm);
	int (*on_exit)(struct demo_vm *vm);
	int (*on_begin)(struct demo_vm *vm);
	int (*on_end)(struct demo_vm *vm);
	const demo_step_fn *steps;
	unsigned int nr_steps;
	void (*after)(struct demo_vm *vm);
};

#define DEMO_MAX_GUESTS		2

/* What a guest's setup returns when this host has nothing to show. */
#define DEMO_SKIP		1
/* What demo_run_one() returns for a demo that had nothing to run. */
#define DEMO_SKIPPED		2

/**
 * struct demo - one demo: what it is about, and the guests it runs.
 * demo_run_one() does the rest: it prints @title and @intro, then for
 * each guest makes the VM, runs it, lists each step's exits, records the guest's
 * facts and the step's cost, calls the step's function, and checks that
 * the guest ran to its end.
 * @name:	what "tvmmctl demo NAME" takes.
 * @summary:	one line for --list.
 * @title:	the heading of its text.
 * @intro:	the paragraph under it: what the demo is about.
 * @image:	its guest (demos/NAME.c).
 * @guests:	the runs of @image, in order; most demos have one.
 * @run:	instead of @guests, for a demo that runs its guest itself and
 *		tells it all: an operating system the user has (DEMO_OS()
 *		in demos.h, no @image), or @image run by tvmmctl's own
 *		commands (snapshot). Returns 0, DEMO_SKIP when there is
 *		nothing to run (it said why), or a negative errno.
 */
struct demo {
	const char *name;
	const char *summary;
	const char *title;
	const char *intro;
	struct demo_image image;
	struct demo_guest guests[DEMO_MAX_GUESTS];
	int (*run)(struct demo_ctx *ctx);
};

extern const struct demo *const demo_list[];
extern const unsigned int demo_count;

const struct demo *demo_find(const char *name);
void demo_print_list(FILE *f);

#define DEMO_MAX_ACTIONS	128
#define DEMO_MAX_TRACED		256
#define DEMO_ACTION_LEN		160

/* What tvmmctl did with one exit of the step (demo_vm_action()). */
struct demo_action {
	__u64 seq;			/* run->exit_count of the exit */
	char text[DEMO_ACTION_LEN];
};

/**
 * struct demo_vm - the VM of one demo run, and what its guest reported.
 * @vmm:	the VM, its RAM and its vCPU.
 * @dev:	the device models; the UART writes to @uart.
 * @uart:	what the guest sent to the UART (open_memstream()).
 * @ctx:	the demo.
 * @guest:	what the demo declared of this run.
 * @mbox:	the guest's last report, copied out of guest RAM.
 * @step:	the number of the step reported last (1, 2, ...).
 * @reports:	how many reports (exits to DEMO_PORT) the guest made.
 * @exits, @cycles: the current step's exits by basic exit reason, and the
 *		TSC cycles tvmm spent on them; the report that ends the step
 *		is taken out of @exits, and out of @cycles when the trace
 *		ring says what it cost (@report_cycles).
 * @total:	all exits of the run but the reports.
 * @stats_begin: the vCPU's exit statistics at the step's BEGIN.
 * @tsc_begin, @tsc_end: the host's TSC at the step's BEGIN and END.
 * @actions:	what tvmmctl did with the step's exits, printed exit by
 *		exit at END; @nr_actions of them.
 * @trace:	the vCPU's trace ring (vmm/trace.h), when tvmm.ko has one
 *		(@tracing): every exit of the step, the kernel's too.
 * @traced:	the step's entries drained from @trace, reports left out;
 *		@nr_traced of them, @more_traced not kept.
 * @report_cycles: the END report's own cycles, from its trace entry.
 * @priv:	the demo's own state (@guest's priv_size).
 * @done:	the guest reported DONE.
 * @failed:	the guest reported a failed check.
 * @stopped:	a step's function ended the run (VMM_HOOK_STOP).
 * @stop:	how vmm_run() ended.
 * @run_ms:	how long the run took, in milliseconds.
 */
struct demo_vm {
	struct vmm vmm;
	struct dev_ctx dev;
	FILE *uart;
	char *uart_buf;
	size_t uart_len;
	struct demo_ctx *ctx;
	const struct demo_guest *guest;
	struct demo_mailbox mbox;
	unsigned int step;
	unsigned int reports;
	__u64 exits[TVMM_NR_VMX_EXIT_REASONS];
	__u64 cycles[TVMM_NR_VMX_EXIT_REASONS];
	__u64 total[TVMM_NR_VMX_EXIT_REASONS];
	struct tvmm_vcpu_stats stats_begin;
	__u64 tsc_begin, tsc_end;
	struct demo_action actions[DEMO_MAX_ACTIONS];
	unsigned int nr_actions;
	struct trace_ring trace;
	bool tracing;
	struct tvmm_trace_entry traced[DEMO_MAX_TRACED];
	unsigned int nr_traced, more_traced;
	__u64 report_cycles;
	void *priv;
	bool done, failed, stopped;
	enum vmm_stop stop;
	__u64 run_ms;
};

/* No demo guest should need more, even in an emulator. */
#define DEMO_TIMEOUT_MS		60000

/* The vCPU's shared struct tvmm_run, and its file descriptor. */
static inline struct tvmm_run *demo_vm_run_area(struct demo_vm *vm)
{
	return vm->vmm.vcpus[0].run;
}

static inline int demo_vm_vcpu_fd(const struct demo_vm *vm)
{
	return vm->vmm.vcpus[0].fd;
}

int demo_vm_exit_hook(struct vmm_vcpu *v, void *data);
void *demo_vm_gpa(struct demo_vm *vm, __u64 gpa, __u64 len);
__u64 demo_vm_value(struct demo_vm *vm, const char *key);
const char *demo_vm_str(struct demo_vm *vm, const char *key);
void demo_vm_action(struct demo_vm *vm, const char *fmt, ...);
void demo_vm_cost(struct demo_vm *vm, const char *guest_what);

/* The text (nothing with --json). */
void demo_title(struct demo_ctx *ctx, const char *title);
void demo_para(struct demo_ctx *ctx, const char *fmt, ...);
void demo_item(struct demo_ctx *ctx, const char *label, const char *fmt, ...);
void demo_line(struct demo_ctx *ctx, const char *fmt, ...);
void demo_wrap(FILE *f, const char *label, const char *text);

/*
 * Facts, only with --json: {"demo": D, "fact": KEY, "value": V}, KEY
 * written from @key_fmt. demo_fact() writes @value as @kind says, the
 * kinds of the guest's facts: DEMO_FACT_UINT, _HEX, _INT or _BOOL
 * (demos/demo_abi.h); demo_fact_str() writes a string.
 */
void demo_fact(struct demo_ctx *ctx, unsigned int kind, __u64 value,
	       const char *key_fmt, ...);
void demo_fact_str(struct demo_ctx *ctx, const char *value,
		   const char *key_fmt, ...);
/* A JSON line of a fact or a demo's result fits in this. */
#define DEMO_LINE_MAX	1024

/* Checks, text and JSON alike. */
bool demo_check(struct demo_ctx *ctx, bool ok, const char *fmt, ...);

const char *demo_exit_name(unsigned int reason);
int demo_run_one(struct demo_ctx *ctx, const struct demo *demo);

/*
 * The guest VM's life, driven by demo_run_one() (vm.c): made from @g,
 * run until the guest ends or @timeout_ms, its end told as facts, and
 * undone. demo_vm_create() and demo_vm_run() return 0 or a negative errno
 * (printed).
 */
int demo_vm_create(struct demo_ctx *ctx, struct demo_vm *vm,
		   const struct demo_guest *g);
int demo_vm_run(struct demo_vm *vm, unsigned int timeout_ms);
void demo_vm_end_facts(struct demo_vm *vm, const char *prefix);
void demo_vm_destroy(struct demo_vm *vm);

/* The host CPU's own CPUID, for comparison. */
void demo_host_cpuid(__u32 leaf, __u32 subleaf, __u32 r[4]);
__u64 demo_host_rdtsc(void);

/*
 * Each demo of demos.h, and its guest's image (demo/images.S), declared in
 * one go as tvmmctl.h declares the commands: the *_list_end names only
 * close the lists and are never defined.
 */
#define DEMO(name)	demo_##name,
#define DEMO_OS(name)	demo_##name,
extern const struct demo
#include "demo/demos.h"
	demo_list_end;
#define DEMO(name)	demo_image_##name[],
extern const unsigned char
#include "demo/demos.h"
	demo_image_list_end[];
#define DEMO(name)	demo_image_##name##_end[],
extern const unsigned char
#include "demo/demos.h"
	demo_image_end_list_end[];

#endif /* TVMMCTL_DEMO_H */
