// SPDX-License-Identifier: GPL-2.0
/*
 * demo io: a tiny serial driver in the guest (demos/io.c); each of its
 * port accesses is a VM exit that tvmmctl's 16550A model
 * (devices/uart.c) completes. Shown exit by exit.
 */
#include <string.h>

#include "demo/demo.h"

#define COM1		0x3f8
#define UART_LCR_DLAB	0x80

struct io_priv {
	unsigned int ins, outs;		/* UART exits of this step */
	size_t uart_at_begin;		/* the UART's output so far */
};

/* The register at @port, as the 16550A decodes it (PC16550D, table 2). */
static const char *uart_reg(struct demo_vm *vm, __u16 port, bool out)
{
	bool dlab = vm->dev.uart.lcr & UART_LCR_DLAB;

	switch (port - COM1) {
	case 0:
		return dlab ? "DLL, divisor low" : out ? "THR, transmit" :
			      "RBR, receive";
	case 1:
		return dlab ? "DLM, divisor high" : "IER, interrupt enable";
	case 2:
		return out ? "FCR, FIFO control" : "IIR, interrupt id";
	case 3:
		return "LCR, line control";
	case 4:
		return "MCR, modem control";
	case 5:
		return "LSR, line status";
	case 6:
		return "MSR, modem status";
	default:
		return "SCR, scratch";
	}
}

static int io_exit(struct demo_vm *vm)
{
	struct io_priv *p = vm->priv;
	struct tvmm_run *run = demo_vm_run_area(vm);
	bool out = run->io.direction == TVMM_IO_OUT;
	char c[8] = "";
	__u32 val = 0;

	if (run->exit_reason != TVMM_EXIT_IO || run->io.port < COM1 ||
	    run->io.port > COM1 + 7 || run->io.count != 1)
		return VMM_HOOK_PASS;
	if (out) {
		p->outs++;
		memcpy(&val, (__u8 *)run + run->io.data_offset, 1);
		if (val >= 0x20 && val < 0x7f)
			snprintf(c, sizeof(c), " '%c'", (char)val);
		demo_vm_action(vm, "UART %s = 0x%02x%s",
			       uart_reg(vm, run->io.port, true), val, c);
		return VMM_HOOK_PASS;	/* the UART model does it */
	}
	/* An IN of one byte: the UART model answers, and we say what. */
	p->ins++;
	val = io_in(&vm->dev, run->io.port, 1);
	memcpy((__u8 *)run + run->io.data_offset, &val, 1);
	demo_vm_action(vm, "UART %s -> 0x%02x",
		       uart_reg(vm, run->io.port, false), val);
	return VMM_HOOK_HANDLED;
}

static int io_begin(struct demo_vm *vm)
{
	struct io_priv *p = vm->priv;

	p->ins = 0;
	p->outs = 0;
	fflush(vm->uart);
	p->uart_at_begin = vm->uart_len;
	return 0;
}

/* Step 1: programming the UART, each OUT an exit to the model. */
static int io_program(struct demo_vm *vm)
{
	struct io_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;

	demo_item(ctx, "guest",
		  "Five OUTs: DLAB on, the divisor (1: 115200 baud), 8 data bits, no parity, 1 stop bit, then DTR and RTS.");
	demo_item(ctx, "trapped",
		  "Every IN and OUT exits: tvmm's I/O bitmaps have every port set (SDM Vol. 3C, 25.6.4). Port I/O is sensitive because the ports are the host's real devices: a guest's OUT to 0x3f8 would drive the host's own serial line.");
	demo_item(ctx, "VMM",
		  "tvmm.ko cannot finish these in the kernel: it returns from TVMM_RUN with exit reason IO (port, size, direction, data). tvmmctl hands each access to its 16550A model, which keeps the registers in memory, and runs the guest again.");
	demo_item(ctx, "guest saw",
		  "nothing unusual: each OUT completed, as on a real UART.");
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, p->outs, "program_outs");
	demo_check(ctx, p->outs == 5 && p->ins == 0,
		   "five OUTs, five exits to the UART model (%u OUT, %u IN)",
		   p->outs, p->ins);
	return 0;
}

/* Step 2: sending a line, an IN and an OUT per byte. */
static int io_send(struct demo_vm *vm)
{
	struct io_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 bytes = demo_vm_value(vm, "bytes");
	char text[64] = "";
	size_t n;

	fflush(vm->uart);
	n = vm->uart_len - p->uart_at_begin;
	if (n < sizeof(text))
		memcpy(text, vm->uart_buf + p->uart_at_begin, n);
	demo_item(ctx, "guest",
		  "For each of the %llu bytes of \"Hi!\\n\": IN from LSR until \"transmitter empty\", then OUT to THR.",
		  (unsigned long long)bytes);
	demo_item(ctx, "trapped", "Each IN and each OUT.");
	demo_item(ctx, "VMM",
		  "The model's LSR always says \"empty\" (it sends at once), so each byte costs one IN and one OUT; THR's byte went to the model's output.");
	demo_item(ctx, "guest saw",
		  "the UART ready at the first poll, %llu polls for %llu bytes.",
		  (unsigned long long)demo_vm_value(vm, "lsr_polls"),
		  (unsigned long long)bytes);
	demo_item(ctx, "output", "the UART model received \"%.*s\\n\"",
		  (int)(n && text[n - 1] == '\n' ? n - 1 : n), text);
	demo_vm_cost(vm, "the line");
	demo_fact(ctx, DEMO_FACT_UINT, bytes, "text_bytes");
	demo_fact(ctx, DEMO_FACT_UINT, p->outs, "text_out_exits");
	demo_fact(ctx, DEMO_FACT_UINT, p->ins, "text_in_exits");
	demo_fact_str(ctx, text, "uart_output");
	demo_check(ctx, p->outs == bytes,
		   "exactly one OUT exit per byte (%u for %llu)", p->outs,
		   (unsigned long long)bytes);
	demo_check(ctx, p->ins == demo_vm_value(vm, "lsr_polls"),
		   "one IN exit per LSR poll (%u)", p->ins);
	demo_check(ctx,
		   vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION] == p->ins + p->outs,
		   "every I/O exit of the step reached the model (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION]);
	demo_check(ctx, !strcmp(text, "Hi!\n"),
		   "the UART model got \"Hi!\\n\"");
	return 0;
}

/* Step 3: a device's state is the VMM's data. */
static int io_scratch(struct demo_vm *vm)
{
	struct io_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 got = demo_vm_value(vm, "scratch_read");

	demo_item(ctx, "guest", "OUT 0x5a to the scratch register, then IN.");
	demo_item(ctx, "VMM",
		  "The model keeps the scratch register's byte in tvmmctl's memory: device state is the VMM's data.");
	demo_item(ctx, "guest saw", "0x%02llx", (unsigned long long)got);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_HEX, got, "scratch_read");
	demo_check(ctx, got == 0x5a, "the scratch register keeps 0x5a");
	demo_check(ctx, p->outs == 1 && p->ins == 1, "one OUT and one IN exit");
	return 0;
}

/* The steps of demos/io.c, in its order. */
static const demo_step_fn io_steps[] = {
	io_program,
	io_send,
	io_scratch,
};

const struct demo demo_io = {
	.name		= "io",
	.summary	= "port I/O trapped and emulated by the UART model",
	.title		= "port I/O, trapped and emulated",
	.intro		=
		"A PC's older devices sit on I/O ports, reached with IN and OUT. A guest's devices are models in the VMM: the CPU stops the guest at each port access and the VMM plays the device. Here the guest drives a serial port (COM1, a 16550A UART) as a kernel would.",
	.image		= DEMO_IMAGE(io),
	.guests		= { {
		.mem		= 1 << 20,
		.priv_size	= sizeof(struct io_priv),
		.on_exit	= io_exit,
		.on_begin	= io_begin,
		.steps		= io_steps,
		.nr_steps	= ARRAY_SIZE(io_steps),
	} },
};
