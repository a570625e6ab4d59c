// SPDX-License-Identifier: GPL-2.0
/*
 * The small devices test kernels written for QEMU's PC expect:
 *  - isa-debug-exit at 0xf4: writing V ends the run, status (V << 1) | 1;
 *  - POST codes at 0x80: ignored (--trace shows them, as every exit);
 *  - the i8042's reset line: 0xfe written to 0x64 resets, status 0.
 */
#include <stdio.h>

#include "devices/devices.h"

#define I8042_CMD_PULSE_RESET	0xfe

static void debug_exit_out(struct dev_ctx *ctx, __u16 port,
			   unsigned int size, __u32 val)
{
	ctx->stop = DEV_STOP_DEBUG_EXIT;
	ctx->status = (int)((val << 1) | 1);
}

/* The write that ended the run says with which status. */
static bool debug_exit_trace(const struct dev_ctx *ctx, char *buf,
			     size_t len)
{
	if (ctx->stop != DEV_STOP_DEBUG_EXIT)
		return false;
	snprintf(buf, len, "%s: exit status %d", debug_exit_dev.name,
		 ctx->status);
	return true;
}

const struct io_dev debug_exit_dev = {
	.name	= "isa-debug-exit",
	.base	= 0xf4,
	.len	= 1,
	.out	= debug_exit_out,
	.trace	= debug_exit_trace,
};

const struct io_dev post_dev = {
	.name	= "post",
	.base	= 0x80,
	.len	= 1,
};

/* Status register (0x64): input and output buffers empty. */
static __u32 i8042_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	return 0;
}

static void i8042_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		      __u32 val)
{
	if (port == 0x64 && (val & 0xff) == I8042_CMD_PULSE_RESET) {
		ctx->stop = DEV_STOP_RESET;
		ctx->status = 0;
	}
}

static bool i8042_trace(const struct dev_ctx *ctx, char *buf, size_t len)
{
	if (ctx->stop != DEV_STOP_RESET)
		return false;
	snprintf(buf, len, "%s: reset", i8042_dev.name);
	return true;
}

const struct io_dev i8042_dev = {
	.name	= "i8042",
	.base	= 0x60,
	.len	= 5,		/* 0x60 data ... 0x64 command/status */
	.in	= i8042_in,
	.out	= i8042_out,
	.trace	= i8042_trace,
};
