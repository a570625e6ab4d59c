// SPDX-License-Identifier: GPL-2.0
/*
 * A demo's guest VM: made from the demo's struct demo_guest (vmm/,
 * loader/, devices/), run, and followed report by report. See demo.h.
 *
 * A guest's step is BEGIN ... END (demos/demo_abi.h). At each report
 * tvmmctl reads TVMM_GET_VCPU_STATS: the difference is what the step cost,
 * in exits of each basic reason and the cycles tvmm spent on them. The END
 * report is an I/O exit itself: it is taken out of the count.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "tvmmctl.h"
#include "lib/jsonl.h"
#include "demo/demo.h"

/* ---- the guest VM ---- */

static int demo_report(struct demo_vm *vm);
static void demo_vm_facts(struct demo_vm *vm);
static void demo_vm_print_exits(struct demo_vm *vm);
static void demo_trace_check(struct demo_vm *vm);

/* A report's exit: an OUT to DEMO_PORT. */
static bool demo_is_report(const struct tvmm_trace_entry *e)
{
	return e->exit_reason == TVMM_VMX_EXIT_IO_INSTRUCTION &&
	       ((e->qualification >> 16) & 0xffff) == DEMO_PORT;
}

/* Keep the step's exits, but the reports; the END report's cycles apart. */
static void demo_trace_sink(const struct tvmm_trace_entry *e, void *data)
{
	struct demo_vm *vm = data;

	if (demo_is_report(e)) {
		vm->report_cycles = e->cycles;
		return;
	}
	if (vm->nr_traced < DEMO_MAX_TRACED)
		vm->traced[vm->nr_traced++] = *e;
	else
		vm->more_traced++;
}

static void demo_trace_drain(struct demo_vm *vm)
{
	if (vm->tracing)
		trace_ring_drain(&vm->trace, demo_trace_sink, vm);
}

/* The exit hook of every demo VM: the reports, then the demo's own. */
int demo_vm_exit_hook(struct vmm_vcpu *v, void *data)
{
	struct demo_vm *vm = data;
	struct tvmm_run *run = v->run;

	/* The ring is full: keep what it holds, tvmm then enters again. */
	if (run->exit_reason == TVMM_EXIT_TRACE_FULL) {
		demo_trace_drain(vm);
		return VMM_HOOK_HANDLED;
	}
	if (run->exit_reason == TVMM_EXIT_IO && run->io.port == DEMO_PORT)
		return demo_report(vm);
	if (vm->guest->on_exit)
		return vm->guest->on_exit(vm);
	return VMM_HOOK_PASS;
}

/* Guest RAM at @gpa, if [@gpa, @gpa + @len) is all RAM; else NULL. */
void *demo_vm_gpa(struct demo_vm *vm, __u64 gpa, __u64 len)
{
	const struct guest_ram *ram = &vm->vmm.ram;

	if (gpa > ram->size || len > ram->size - gpa)
		return NULL;
	return ram->hva + gpa;
}

static int demo_get_stats(struct demo_vm *vm, struct tvmm_vcpu_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	if (ioctl(demo_vm_vcpu_fd(vm), TVMM_GET_VCPU_STATS, st))
		return -errno;
	return 0;
}

/* The mailbox the guest named, copied out and made safe to print. */
static int demo_read_mailbox(struct demo_vm *vm)
{
	struct tvmm_run *run = demo_vm_run_area(vm);
	struct demo_mailbox *m = &vm->mbox;
	const void *src;
	__u32 gpa, i;

	if (run->io.direction != TVMM_IO_OUT || run->io.size != 4 ||
	    run->io.count != 1 ||
	    run->io.data_offset > vm->vmm.run_size - 4)
		return -EPROTO;
	memcpy(&gpa, (__u8 *)run + run->io.data_offset, 4);
	src = demo_vm_gpa(vm, gpa, sizeof(*m));
	if (!src)
		return -EFAULT;
	memcpy(m, src, sizeof(*m));
	m->text[sizeof(m->text) - 1] = '\0';
	if (m->nr_facts > DEMO_MAX_FACTS)
		m->nr_facts = DEMO_MAX_FACTS;
	for (i = 0; i < m->nr_facts; i++) {
		m->facts[i].key[sizeof(m->facts[i].key) - 1] = '\0';
		m->facts[i].str[sizeof(m->facts[i].str) - 1] = '\0';
	}
	return 0;
}

/* The step's cost: the statistics since BEGIN, less the END report. */
static int demo_step_cost(struct demo_vm *vm)
{
	struct tvmm_vcpu_stats now;
	unsigned int i;
	int ret;

	ret = demo_get_stats(vm, &now);
	if (ret)
		return ret;
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++) {
		vm->exits[i] = now.exits[i] - vm->stats_begin.exits[i];
		vm->cycles[i] = now.cycles[i] - vm->stats_begin.cycles[i];
	}
	if (vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION])
		vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION]--;
	/* With the trace, the report's own cycles are known: out with them. */
	if (vm->tracing &&
	    vm->cycles[TVMM_VMX_EXIT_IO_INSTRUCTION] >= vm->report_cycles)
		vm->cycles[TVMM_VMX_EXIT_IO_INSTRUCTION] -= vm->report_cycles;
	return 0;
}

/* Step N of the guest ended: its function, @steps[N - 1], shows it. */
static int demo_vm_step(struct demo_vm *vm)
{
	const struct demo_guest *g = vm->guest;
	int ret;

	/* A check only when it fails: the JSON of a good run has none. */
	if (vm->step < 1 || vm->step > g->nr_steps) {
		demo_check(vm->ctx, false, "the demo knows the guest's step %u",
			   vm->step);
		return VMM_HOOK_STOP;
	}
	ret = g->on_end ? g->on_end(vm) : 0;
	if (!ret)
		ret = g->steps[vm->step - 1](vm);
	if (ret == VMM_HOOK_STOP)
		vm->stopped = true;
	return ret;
}

static int demo_report(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	int ret;

	vm->reports++;
	ret = demo_read_mailbox(vm);
	if (ret) {
		demo_check(ctx, false, "the guest's report is readable (%s)",
			   strerror(-ret));
		return VMM_HOOK_STOP;
	}
	switch (vm->mbox.op) {
	case DEMO_OP_BEGIN:
		vm->step++;
		demo_line(ctx, "Step %u: %s", vm->step, vm->mbox.text);
		vm->tsc_begin = demo_host_rdtsc();
		vm->nr_actions = 0;
		/* What came before the step is not the step's. */
		demo_trace_drain(vm);
		vm->nr_traced = 0;
		vm->more_traced = 0;
		ret = vm->guest->on_begin ? vm->guest->on_begin(vm) : 0;
		if (ret < 0)
			return ret;
		/* Last, so that on_begin's own work is not in the step. */
		ret = demo_get_stats(vm, &vm->stats_begin);
		if (ret)
			return ret;
		return VMM_HOOK_HANDLED;
	case DEMO_OP_END:
		vm->tsc_end = demo_host_rdtsc();
		vm->report_cycles = 0;
		demo_trace_drain(vm);
		ret = demo_step_cost(vm);
		if (ret)
			return ret;
		demo_vm_facts(vm);
		demo_trace_check(vm);
		demo_vm_print_exits(vm);
		ret = demo_vm_step(vm);
		if (ret < 0)
			return ret;
		demo_line(ctx, "%s", "");
		return ret == VMM_HOOK_STOP ? VMM_HOOK_STOP : VMM_HOOK_HANDLED;
	case DEMO_OP_FAIL:
		vm->failed = true;
		demo_check(ctx, false, "guest check at demos/%s.c:%u: %s",
			   ctx->demo->name, vm->mbox.line, vm->mbox.text);
		demo_vm_facts(vm);
		return VMM_HOOK_STOP;
	case DEMO_OP_DONE:
		vm->done = true;
		return VMM_HOOK_STOP;
	default:
		demo_check(ctx, false, "the guest's report has a known op (%u)",
			   vm->mbox.op);
		return VMM_HOOK_STOP;
	}
}

/*
 * The VM of guest @g: RAM, the image loaded, the vCPU's first state, the
 * device models, the trace ring, and the demo's own state. Returns 0, or
 * a negative errno (printed).
 */
int demo_vm_create(struct demo_ctx *ctx, struct demo_vm *vm,
		   const struct demo_guest *g)
{
	const struct demo_image *image = &ctx->demo->image;
	const char *name = ctx->demo->name, *why = "";
	size_t len = image->end - image->start;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct boot_info boot;
	char msg[512], who[80];
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->ctx = ctx;
	vm->guest = g;
	ret = vmm_alloc_ram(&vm->vmm, g->mem);
	if (ret) {
		fprintf(stderr, "tvmmctl: demo %s: guest RAM: %s\n", name,
			strerror(-ret));
		return ret;
	}
	if (g->priv_size) {
		vm->priv = calloc(1, g->priv_size);
		if (!vm->priv) {
			ret = -ENOMEM;
			goto err;
		}
	}
	ret = load_elf(&vm->vmm.ram, image->start, len, &boot, &why);
	if (!ret) {
		if (g->real_mode)
			boot.mode = BOOT_REAL;
		ret = boot_setup(&vm->vmm.ram, &boot, &regs, &sregs, &why);
	}
	if (ret) {
		fprintf(stderr, "tvmmctl: demo %s: the guest image: %s\n",
			name, why);
		goto err;
	}
	regs.rdi = g->arg;
	vm->uart = open_memstream(&vm->uart_buf, &vm->uart_len);
	if (!vm->uart) {
		ret = -errno;
		goto err;
	}
	dev_ctx_init(&vm->dev, vm->uart, false);
	ret = vmm_create(&vm->vmm, ctx->dev, 1);
	if (ret) {
		snprintf(who, sizeof(who), "demo %s", name);
		fprintf(stderr, "tvmmctl: %s\n",
			vmm_create_strerror(&vm->vmm, who, ret, msg,
					    sizeof(msg)));
		goto err;
	}
	ret = vmm_set_state(&vm->vmm, &regs, &sregs);
	if (ret) {
		fprintf(stderr, "tvmmctl: demo %s: cannot set the vCPU's state: %s\n",
			name, strerror(-ret));
		goto err;
	}
	vm->vmm.exit_hook = demo_vm_exit_hook;
	vm->vmm.hook_data = vm;
	vm->trace.vcpu_fd = -1;
	if (tvmm_check_extension(&vm->vmm.dev, TVMM_CAP_TRACE) > 0) {
		ret = trace_ring_enable(&vm->trace, demo_vm_vcpu_fd(vm));
		if (ret) {
			fprintf(stderr, "tvmmctl: demo %s: the trace ring: %s\n",
				name, strerror(-ret));
			goto err;
		}
		vm->tracing = true;
	}
	return 0;
err:
	demo_vm_destroy(vm);
	return ret;
}

/* Undoes demo_vm_create(), then what the demo's setup did. */
void demo_vm_destroy(struct demo_vm *vm)
{
	if (vm->tracing)
		trace_ring_disable(&vm->trace);
	vm->tracing = false;
	vmm_destroy(&vm->vmm);
	if (vm->uart)
		fclose(vm->uart);
	free(vm->uart_buf);
	vm->uart = NULL;
	vm->uart_buf = NULL;
	if (vm->priv && vm->guest->teardown)
		vm->guest->teardown(vm);
	free(vm->priv);
	vm->priv = NULL;
}

/*
 * Run until the guest is done, fails a check, or a demo's handler or
 * @timeout_ms stops it. @total gets the exits of the whole run, the
 * reports taken out. Returns 0 or a negative errno (printed).
 */
int demo_vm_run(struct demo_vm *vm, unsigned int timeout_ms)
{
	struct vmm_opts opts = { .timeout_ms = timeout_ms, .input_fd = -1 };
	struct tvmm_vcpu_stats st;
	struct timespec start, end;
	unsigned int i;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ret = vmm_run(&vm->vmm, &vm->dev, &opts, &vm->stop);
	clock_gettime(CLOCK_MONOTONIC, &end);
	vm->run_ms = (end.tv_sec - start.tv_sec) * 1000 +
		     (end.tv_nsec - start.tv_nsec) / 1000000;
	fflush(vm->uart);
	if (ret) {
		fprintf(stderr, "tvmmctl: demo %s: TVMM_RUN: %s\n",
			vm->ctx->demo->name, strerror(-ret));
		return ret;
	}
	ret = demo_get_stats(vm, &st);
	if (ret)
		return ret;
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++)
		vm->total[i] = st.exits[i];
	if (vm->total[TVMM_VMX_EXIT_IO_INSTRUCTION] >= vm->reports)
		vm->total[TVMM_VMX_EXIT_IO_INSTRUCTION] -= vm->reports;
	return 0;
}

static const struct demo_fact *demo_vm_fact(struct demo_vm *vm,
					    const char *key)
{
	unsigned int i;

	for (i = 0; i < vm->mbox.nr_facts; i++)
		if (!strcmp(vm->mbox.facts[i].key, key))
			return &vm->mbox.facts[i];
	return NULL;
}

/* A fact of the current step; 0 when the guest did not report it. */
__u64 demo_vm_value(struct demo_vm *vm, const char *key)
{
	const struct demo_fact *f = demo_vm_fact(vm, key);

	return f ? f->value : 0;
}

const char *demo_vm_str(struct demo_vm *vm, const char *key)
{
	const struct demo_fact *f = demo_vm_fact(vm, key);

	return f && f->kind == DEMO_FACT_STR ? f->str : "";
}

/*
 * Say what tvmmctl did with the exit being handled: a line of the step's
 * "exit by exit" list, printed at its END report.
 */
void demo_vm_action(struct demo_vm *vm, const char *fmt, ...)
{
	struct demo_action *a;
	va_list ap;

	if (vm->nr_actions >= DEMO_MAX_ACTIONS)
		return;
	a = &vm->actions[vm->nr_actions++];
	a->seq = demo_vm_run_area(vm)->exit_count;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

/*
 * A long list shows its first DEMO_LIST_HEAD and last DEMO_LIST_TAIL lines:
 * true for line @i of @n when it is left out (the first one left out says
 * how many).
 */
#define DEMO_LIST_HEAD	8
#define DEMO_LIST_TAIL	2

static bool demo_skip_line(struct demo_vm *vm, unsigned int i, unsigned int n)
{
	if (n <= DEMO_LIST_HEAD + DEMO_LIST_TAIL + 1 || i < DEMO_LIST_HEAD ||
	    i >= n - DEMO_LIST_TAIL)
		return false;
	if (i == DEMO_LIST_HEAD)
		demo_line(vm->ctx, "    ... %u more like these ...",
			  n - DEMO_LIST_HEAD - DEMO_LIST_TAIL);
	return true;
}

/* What tvmmctl said it did with exit @seq, or NULL. */
static const char *demo_vm_action_of(struct demo_vm *vm, __u64 seq)
{
	unsigned int i;

	for (i = 0; i < vm->nr_actions; i++)
		if (vm->actions[i].seq == seq)
			return vm->actions[i].text;
	return NULL;
}

/*
 * The step's exits, one line each: from the trace ring when tvmm.ko has
 * one (every exit, the ones it handled itself too, decoded by vmm/trace.c,
 * with what tvmmctl did), else those that reached tvmmctl.
 */
static void demo_vm_print_exits(struct demo_vm *vm)
{
	char line[TRACE_LINE_MAX];
	unsigned int i;

	if (vm->ctx->json)
		return;
	if (vm->tracing) {
		if (!vm->nr_traced)
			return;
		demo_line(vm->ctx, "  exit by exit, from the vCPU's trace ring:");
		for (i = 0; i < vm->nr_traced; i++) {
			struct trace_record r = { .e = &vm->traced[i] };

			if (demo_skip_line(vm, i, vm->nr_traced))
				continue;
			r.action = demo_vm_action_of(vm, r.e->seq);
			if (trace_format_text(line, sizeof(line), &r) > 0)
				demo_line(vm->ctx, "    %s", line);
		}
		if (vm->more_traced)
			demo_line(vm->ctx, "    and %u more", vm->more_traced);
		return;
	}
	if (!vm->nr_actions)
		return;
	demo_line(vm->ctx, "  exit by exit, as TVMM_RUN returned them to tvmmctl:");
	for (i = 0; i < vm->nr_actions; i++)
		if (!demo_skip_line(vm, i, vm->nr_actions))
			demo_line(vm->ctx, "    exit %-4llu %s",
				  (unsigned long long)vm->actions[i].seq,
				  vm->actions[i].text);
}

/* Exits the step took for the host's sake: its interrupts, its timer. */
static __u64 demo_vm_host_events(const struct demo_vm *vm)
{
	return vm->exits[TVMM_VMX_EXIT_EXTERNAL_INTERRUPT] +
	       vm->exits[TVMM_VMX_EXIT_PREEMPTION_TIMER];
}

/*
 * The step's facts: what the guest reported, as "sN.KEY", and the exits
 * by reason, as "sN.exits.REASON".
 */
static void demo_vm_facts(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	unsigned int i, user = 0;

	if (!ctx->json)
		return;
	for (i = 0; i < vm->mbox.nr_facts; i++) {
		const struct demo_fact *f = &vm->mbox.facts[i];

		if (f->kind == DEMO_FACT_STR)
			demo_fact_str(ctx, f->str, "s%u.%s", vm->step, f->key);
		else
			demo_fact(ctx, f->kind, f->value, "s%u.%s", vm->step,
				  f->key);
	}
	if (vm->mbox.op != DEMO_OP_END)
		return;
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++)
		if (vm->exits[i])
			demo_fact(ctx, DEMO_FACT_UINT, vm->exits[i],
				  "s%u.exits.%s", vm->step, demo_exit_name(i));
	if (!vm->tracing)
		return;
	for (i = 0; i < vm->nr_traced; i++)
		user += vm->traced[i].handled_by == TVMM_TRACE_BY_USER;
	demo_fact(ctx, DEMO_FACT_UINT, vm->nr_traced + vm->more_traced - user,
		  "s%u.traced.kernel", vm->step);
	demo_fact(ctx, DEMO_FACT_UINT, user, "s%u.traced.tvmmctl", vm->step);
}

/*
 * The trace ring and the statistics must agree on the step: the same
 * exits, reason by reason (the reports left out of both).
 */
static void demo_trace_check(struct demo_vm *vm)
{
	__u64 traced[TVMM_NR_VMX_EXIT_REASONS] = { 0 };
	const unsigned int nr = TVMM_NR_VMX_EXIT_REASONS;
	unsigned int i, bad = nr;

	if (!vm->tracing || vm->more_traced)
		return;
	for (i = 0; i < vm->nr_traced; i++)
		if (vm->traced[i].exit_reason < nr)
			traced[vm->traced[i].exit_reason]++;
	for (i = 0; i < nr && bad == nr; i++)
		if (traced[i] != vm->exits[i])
			bad = i;
	demo_check(vm->ctx, bad == nr,
		   "step %u: the trace ring and the statistics agree%s%s",
		   vm->step, bad < nr ? " but on " : "",
		   bad < nr ? demo_exit_name(bad) : "");
}

/*
 * The "cost" line of a step: its exits by reason with tvmm's cycles, the
 * host's own exits apart, and what the guest measured with its TSC when
 * it reported "cycles".
 */
void demo_vm_cost(struct demo_vm *vm, const char *guest_what)
{
	char buf[1024];
	size_t n = 0;
	unsigned int i;
	bool any = false;
	__u64 host = demo_vm_host_events(vm);

	buf[0] = '\0';
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++) {
		if (!vm->exits[i] || i == TVMM_VMX_EXIT_EXTERNAL_INTERRUPT ||
		    i == TVMM_VMX_EXIT_PREEMPTION_TIMER)
			continue;
		n += snprintf(buf + n, sizeof(buf) - n,
			      "%s%llu %s exit%s (%llu cycles in tvmm%s)",
			      any ? ", " : "",
			      (unsigned long long)vm->exits[i],
			      demo_exit_name(i), vm->exits[i] > 1 ? "s" : "",
			      (unsigned long long)vm->cycles[i],
			      i == TVMM_VMX_EXIT_IO_INSTRUCTION &&
			      !vm->tracing ?
			      ", with the report's own exit" : "");
		any = true;
		if (n >= sizeof(buf))
			break;
	}
	if (!any && n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, "no exit");
	if (host && n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n,
			      "; and %llu for the host's own interrupts and timer",
			      (unsigned long long)host);
	if (demo_vm_fact(vm, "cycles") && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n,
			 ". The guest measured %llu TSC cycles for %s.",
			 (unsigned long long)demo_vm_value(vm, "cycles"),
			 guest_what ? guest_what : "it");
	demo_item(vm->ctx, "cost", "%s", buf);
}

static const char *demo_stop_name(const struct demo_vm *vm)
{
	if (vm->done)
		return "done";
	if (vm->failed)
		return "guest check failed";
	switch (vm->stop) {
	case VMM_STOP_DEVICE:
		return "device";
	case VMM_STOP_HALT:
		return "halt";
	case VMM_STOP_SHUTDOWN:
		return "triple fault";
	case VMM_STOP_FAIL_ENTRY:
		return "failed entry";
	case VMM_STOP_INTERNAL:
		return "internal error";
	case VMM_STOP_UNEXPECTED:
		return "unexpected exit";
	case VMM_STOP_TIMEOUT:
		return "timeout";
	default:
		return "stopped by the VMM";
	}
}

/*
 * How the run ended, as facts: PREFIX "end" ("done", "timeout", ...) and
 * PREFIX "exits.REASON" for the whole run; the reports not counted.
 */
void demo_vm_end_facts(struct demo_vm *vm, const char *prefix)
{
	struct demo_ctx *ctx = vm->ctx;
	unsigned int i;

	demo_fact_str(ctx, demo_stop_name(vm), "%send", prefix);
	for (i = 0; i < TVMM_NR_VMX_EXIT_REASONS; i++)
		if (vm->total[i])
			demo_fact(ctx, DEMO_FACT_UINT, vm->total[i],
				  "%sexits.%s", prefix, demo_exit_name(i));
	if (!vm->done && !vm->failed && vm->stop != VMM_STOP_TIMEOUT) {
		char why[256];

		demo_line(ctx, "  the guest stopped: %s",
			  vmm_stop_reason(&vm->vmm, vm->stop, why,
					  sizeof(why)));
	}
}
