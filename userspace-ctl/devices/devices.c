// SPDX-License-Identifier: GPL-2.0
/*
 * The port table: every device model, and the dispatch of one port access.
 */
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"

static const struct io_dev *const io_devs[] = {
	&uart_dev,
	&debug_exit_dev,
	&post_dev,
	&i8042_dev,
	&fw_cfg_dev,
};

void dev_ctx_init(struct dev_ctx *ctx, FILE *out, bool trace)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out = out;
	ctx->trace = trace;
	ctx->nr_cpus = 1;
}

const struct io_dev *io_dev_find(__u16 port)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(io_devs); i++)
		if (port >= io_devs[i]->base &&
		    port - io_devs[i]->base < io_devs[i]->len)
			return io_devs[i];
	return NULL;
}

static __u32 size_mask(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

__u32 io_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	const struct io_dev *dev = io_dev_find(port);

	if (!dev || !dev->in)
		return size_mask(size);
	return dev->in(ctx, port, size) & size_mask(size);
}

void io_out(struct dev_ctx *ctx, __u16 port, unsigned int size, __u32 val)
{
	const struct io_dev *dev = io_dev_find(port);

	if (dev && dev->out)
		dev->out(ctx, port, size, val & size_mask(size));
}
