// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's fw_cfg, the traditional I/O interface only (QEMU's
 * docs/specs/fw_cfg.txt): a 16-bit write to 0x510 selects an item, byte
 * reads of 0x511 return its bytes in turn. What QEMU's x86 PC does, for
 * the items modelled:
 *  - numbers are little-endian: FW_CFG_RAM_SIZE 8 bytes, FW_CFG_ID and
 *    FW_CFG_CMDLINE_SIZE 4, FW_CFG_NB_CPUS and FW_CFG_MAX_CPUS 2;
 *  - FW_CFG_CMDLINE_SIZE counts the NUL that ends FW_CFG_CMDLINE_DATA;
 *  - reads past an item's end, of an item that does not exist and of a
 *    selector beyond every table return 0;
 *  - after reset the signature is selected;
 *  - no DMA interface (FW_CFG_ID bit 1 clear; QEMU's PC has one), no
 *    writes, no files.
 */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "devices/state.h"

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511

#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_MAX_CPUS		0x0f
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15

#define FW_CFG_VERSION		0x01	/* FW_CFG_ID: the I/O interface */
#define FW_CFG_ARCH_LOCAL	0x8000	/* x86's own items: none here */
#define FW_CFG_ENTRY_MASK	0x3fff	/* QEMU ignores the write bit 0x4000 */

/* Byte @off of item @key, or -1 past its end or for an unknown item. */
static int fw_cfg_item_byte(const struct dev_ctx *ctx, __u16 key, __u32 off)
{
	__u64 val;
	size_t len;

	if (key & FW_CFG_ARCH_LOCAL)
		return -1;
	switch (key & FW_CFG_ENTRY_MASK) {
	case FW_CFG_SIGNATURE:
		return off < 4 ? "QEMU"[off] : -1;
	case FW_CFG_ID:
		val = FW_CFG_VERSION;
		len = 4;
		break;
	case FW_CFG_RAM_SIZE:
		val = ctx->ram_size;
		len = 8;
		break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		/* No CPU hotplug: every possible CPU is there. */
		val = ctx->nr_cpus;
		len = 2;
		break;
	case FW_CFG_CMDLINE_SIZE:
		if (!ctx->cmdline)
			return -1;
		val = strlen(ctx->cmdline) + 1;
		len = 4;
		break;
	case FW_CFG_CMDLINE_DATA:
		if (!ctx->cmdline || off > strlen(ctx->cmdline))
			return -1;
		return (__u8)ctx->cmdline[off];
	default:
		return -1;
	}
	return off < len ? (__u8)(val >> (off * 8)) : -1;
}

static __u32 fw_cfg_in(struct dev_ctx *ctx, __u16 port, unsigned int size)
{
	struct fw_cfg_state *s = &ctx->fw_cfg;
	int b;

	/* QEMU takes byte reads at either port; wider ones read 0. */
	if (size != 1)
		return 0;
	b = fw_cfg_item_byte(ctx, s->key, s->offset);
	if (b < 0)
		return 0;
	s->offset++;
	return b;
}

static void fw_cfg_out(struct dev_ctx *ctx, __u16 port, unsigned int size,
		       __u32 val)
{
	/* A 16-bit write selects; byte writes are dropped (QEMU >= 2.4). */
	if (size == 2) {
		ctx->fw_cfg.key = val;
		ctx->fw_cfg.offset = 0;
	}
}

const struct io_dev fw_cfg_dev = {
	.name	= "fw_cfg",
	.base	= FW_CFG_PORT_SEL,
	.len	= 2,		/* 0x510 selector, 0x511 data */
	.in	= fw_cfg_in,
	.out	= fw_cfg_out,
};

/* ---- snapshots (state.h) ----------------------------------------------- */

/* The items come from the machine (RAM, vCPUs, command line), not here. */
static const struct dev_field fw_cfg_fields[] = {
	DEV_FIELD(struct fw_cfg_state, key, DF_U16),
	DEV_FIELD(struct fw_cfg_state, offset, DF_U32),
};

int fw_cfg_state_save(const struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_buf *b, const struct dev_clock *clk)
{
	return dev_state_put(b, &ctx->fw_cfg, fw_cfg_fields,
			     ARRAY_SIZE(fw_cfg_fields), clk);
}

int fw_cfg_state_load(struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_in *in, const struct dev_clock *clk)
{
	struct fw_cfg_state s = { 0 };

	if (dev_state_get_all(in, &s, fw_cfg_fields,
			      ARRAY_SIZE(fw_cfg_fields), clk))
		return -EINVAL;
	ctx->fw_cfg = s;
	return 0;
}
