/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device models on I/O ports. Each device file defines one
 * struct io_dev with the ports it owns and its in/out handlers;
 * devices.c lists them and hands each port access to its owner.
 * Ports nobody owns read as all ones and drop writes, as on a PC bus.
 *
 * Handlers never print to stderr or exit: a device that wants the VM
 * to stop sets ctx->stop and ctx->status (the exit status of tvmmctl).
 */
#ifndef TVMMCTL_DEVICES_H
#define TVMMCTL_DEVICES_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

/* Why a device stopped the VM. */
enum dev_stop {
	DEV_RUNNING = 0,
	DEV_STOP_DEBUG_EXIT,	/* isa-debug-exit written */
	DEV_STOP_RESET,		/* i8042 pulsed the reset line */
};

/* The 16550A registers that keep a value. */
struct uart_state {
	__u8 ier, lcr, mcr, scr, dll, dlm;
};

/* fw_cfg: the selected item and the offset of the next byte read. */
struct fw_cfg_state {
	__u16 key;
	__u32 offset;
};

/**
 * struct dev_ctx - what device models share with the vCPU loop.
 * @out:	where the UART's transmitter goes (stdout).
 * @trace:	--trace was given (POST codes are printed).
 * @nr_cpus:	the VM's vCPU count, as fw_cfg reports it (FW_CFG_NB_CPUS,
 *		FW_CFG_MAX_CPUS); dev_ctx_init() sets 1, run sets --cpus.
 * @ram_size:	guest RAM in bytes, as fw_cfg reports it (FW_CFG_RAM_SIZE).
 * @cmdline:	the command line fw_cfg gives (FW_CFG_CMDLINE_SIZE/_DATA),
 *		or NULL for none, as QEMU has none for a boot sector or a
 *		multiboot kernel (which finds its own in its info block).
 * @stop:	set by a device to end the run.
 * @status:	tvmmctl's exit status when @stop is set.
 * @uart:	the UART's registers.
 * @fw_cfg:	fw_cfg's selector state.
 */
struct dev_ctx {
	FILE *out;
	bool trace;
	unsigned int nr_cpus;
	__u64 ram_size;
	const char *cmdline;
	enum dev_stop stop;
	int status;
	struct uart_state uart;
	struct fw_cfg_state fw_cfg;
};

/**
 * struct io_dev - a device model on ports [@base, @base + @len).
 * @in:		returns the value read (@size 1, 2 or 4 bytes).
 * @out:	takes the value written.
 */
struct io_dev {
	const char *name;
	__u16 base;
	__u16 len;
	__u32 (*in)(struct dev_ctx *ctx, __u16 port, unsigned int size);
	void (*out)(struct dev_ctx *ctx, __u16 port, unsigned int size,
		    __u32 val);
};

extern const struct io_dev uart_dev, debug_exit_dev, post_dev, i8042_dev,
	fw_cfg_dev;

void dev_ctx_init(struct dev_ctx *ctx, FILE *out, bool trace);
const struct io_dev *io_dev_find(__u16 port);
__u32 io_in(struct dev_ctx *ctx, __u16 port, unsigned int size);
void io_out(struct dev_ctx *ctx, __u16 port, unsigned int size, __u32 val);

#endif /* TVMMCTL_DEVICES_H */
