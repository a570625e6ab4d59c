// SPDX-License-Identifier: GPL-2.0
/*
 * demo paravirt: full virtualization against para-virtualization
 * (demos/paravirt.c). The same line through the emulated UART, a VM exit
 * per byte, and through one hypercall that hands over the whole buffer.
 */
#include <string.h>

#include "demo/demo.h"

#define COM1		0x3f8
#define PV_MAX		256

struct pv_priv {
	unsigned int uart_outs, hypercalls;
	char pv[PV_MAX + 1];		/* what the hypercall printed */
	__u64 full_cycles, full_exits;	/* step 1, for step 2's comparison */
};

static int pv_exit(struct demo_vm *vm)
{
	struct pv_priv *p = vm->priv;
	struct tvmm_run *run = demo_vm_run_area(vm);
	const void *buf;
	__u64 len;

	if (run->exit_reason == TVMM_EXIT_IO && run->io.port == COM1) {
		p->uart_outs++;
		return VMM_HOOK_PASS;
	}
	if (run->exit_reason != TVMM_EXIT_HYPERCALL ||
	    run->hypercall.nr != DEMO_HC_WRITE)
		return VMM_HOOK_PASS;
	p->hypercalls++;
	/* The guest names the buffer: check it is all RAM before reading. */
	len = run->hypercall.args[1];
	buf = demo_vm_gpa(vm, run->hypercall.args[0], len);
	if (!buf || len > PV_MAX) {
		run->hypercall.ret = -(__u64)22;	/* -EINVAL */
		return VMM_HOOK_HANDLED;
	}
	memcpy(p->pv, buf, len);
	p->pv[len] = '\0';
	run->hypercall.ret = len;
	demo_vm_action(vm, "DEMO_HC_WRITE: prints %llu bytes from guest RAM at 0x%llx",
		       (unsigned long long)len,
		       (unsigned long long)run->hypercall.args[0]);
	return VMM_HOOK_HANDLED;
}

/* Step 1: a line through the emulated UART, an exit per byte. */
static int pv_full(struct demo_vm *vm)
{
	struct pv_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 bytes = demo_vm_value(vm, "bytes");

	fflush(vm->uart);
	demo_item(ctx, "guest",
		  "OUT to the UART's transmit register, once per byte: %llu bytes. Its driver was written for real hardware: full virtualization runs it unchanged.",
		  (unsigned long long)bytes);
	demo_item(ctx, "trapped",
		  "Every OUT (port I/O is the host's hardware: see the io demo).");
	demo_item(ctx, "VMM",
		  "Each OUT went from tvmm.ko back to tvmmctl and its UART model, then into the guest again: %u round trips.",
		  p->uart_outs);
	demo_item(ctx, "output", "\"%.*s\"",
		  (int)(vm->uart_len && vm->uart_buf[vm->uart_len - 1] == '\n' ?
			vm->uart_len - 1 : vm->uart_len), vm->uart_buf);
	demo_vm_cost(vm, "the line");
	p->full_cycles = demo_vm_value(vm, "cycles");
	p->full_exits = vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION];
	demo_fact(ctx, DEMO_FACT_UINT, bytes, "full_bytes");
	demo_fact(ctx, DEMO_FACT_UINT, vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION],
		  "full_io_exits");
	demo_fact(ctx, DEMO_FACT_UINT, p->full_cycles, "full_cycles");
	demo_check(ctx, p->uart_outs == bytes &&
		   vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION] == bytes,
		   "one I/O exit per byte (%u to the UART, %llu I/O exits, %llu bytes)",
		   p->uart_outs,
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION],
		   (unsigned long long)bytes);
	return 0;
}

/* Step 2: the same line in one hypercall. */
static int pv_para(struct demo_vm *vm)
{
	struct pv_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 bytes = demo_vm_value(vm, "bytes");
	__u64 cycles = demo_vm_value(vm, "cycles");
	size_t len = strlen(p->pv);

	fflush(vm->uart);
	demo_item(ctx, "guest",
		  "One VMCALL: DEMO_HC_WRITE with the buffer's address and length. Its driver knows it runs under a VMM: para-virtualization.");
	demo_item(ctx, "trapped", "The VMCALL: one exit.");
	demo_item(ctx, "VMM",
		  "tvmmctl checked that the buffer lies in guest RAM, copied it out and answered the length.");
	demo_item(ctx, "output", "\"%.*s\"",
		  (int)(len && p->pv[len - 1] == '\n' ? len - 1 : len), p->pv);
	demo_vm_cost(vm, "the line");
	demo_item(ctx, "compared",
		  "%llu exits against 1; the guest's TSC: %llu cycles against %llu, %llu times faster.",
		  (unsigned long long)p->full_exits,
		  (unsigned long long)p->full_cycles,
		  (unsigned long long)cycles,
		  (unsigned long long)(cycles ? p->full_cycles / cycles : 0));
	demo_fact(ctx, DEMO_FACT_UINT, bytes, "pv_bytes");
	demo_fact(ctx, DEMO_FACT_UINT, vm->exits[TVMM_VMX_EXIT_VMCALL],
		  "pv_hypercall_exits");
	demo_fact(ctx, DEMO_FACT_UINT, vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION],
		  "pv_io_exits");
	demo_fact(ctx, DEMO_FACT_UINT, cycles, "pv_cycles");
	demo_check(ctx, p->hypercalls == 1 &&
		   vm->exits[TVMM_VMX_EXIT_VMCALL] == 1 &&
		   !vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION],
		   "one hypercall exit for the whole line, no I/O exit");
	demo_check(ctx, demo_vm_value(vm, "written") == bytes,
		   "the hypercall wrote every byte");
	demo_check(ctx, vm->uart_len == len &&
		   !memcmp(vm->uart_buf, p->pv, len),
		   "both ways printed the same text");
	return 0;
}

/* The steps of demos/paravirt.c, in its order. */
static const demo_step_fn pv_steps[] = {
	pv_full,
	pv_para,
};

const struct demo demo_paravirt = {
	.name		= "paravirt",
	.summary	= "port I/O (an exit per byte) against one hypercall",
	.title		=
		"full virtualization and para-virtualization, side by side",
	.intro		=
		"Full virtualization runs a guest written for real hardware: every device access it makes is trapped and emulated. Para-virtualization changes the guest's drivers to talk to the VMM directly, in few, large requests. Same text, both ways:",
	.image		= DEMO_IMAGE(paravirt),
	.guests		= { {
		.mem		= 1 << 20,
		.priv_size	= sizeof(struct pv_priv),
		.on_exit	= pv_exit,
		.steps		= pv_steps,
		.nr_steps	= ARRAY_SIZE(pv_steps),
	} },
};
