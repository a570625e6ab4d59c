// SPDX-License-Identifier: GPL-2.0
/*
 * The small devices test kernels written for QEMU's PC expect:
 *  - isa-debug-exit at 0xf4: writing V ends the run, status (V << 1) | 1;
 *  - POST codes at 0x80: ignored (--trace shows them, as every exit).
 * (The i8042's reset, which they use too, is i8042.c's.)
 */
#include <stdio.h>

#include "devices/devices.h"

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
