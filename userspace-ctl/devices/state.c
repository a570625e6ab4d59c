// SPDX-License-Identifier: GPL-2.0
/*
 * The device state codec and the table of the devices' save/load pairs
 * (state.h). Each field goes out little-endian at its own width; times
 * go out relative to the snapshot's clocks, and come back relative to the
 * loading process's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "devices/state.h"

const struct dev_state_type dev_state_types[] = {
	{ SNAP_SEC_UART,	1, false, uart_state_save, uart_state_load },
	{ SNAP_SEC_PIC,		1, false, pic_state_save, pic_state_load },
	{ SNAP_SEC_PIT,		1, false, pit_state_save, pit_state_load },
	{ SNAP_SEC_LAPIC,	1, true, lapic_state_save, lapic_state_load },
	{ SNAP_SEC_IOAPIC,	1, false, ioapic_state_save,
	  ioapic_state_load },
	{ SNAP_SEC_RTC,		1, false, rtc_state_save, rtc_state_load },
	{ SNAP_SEC_I8042,	1, false, i8042_state_save,
	  i8042_state_load },
	{ SNAP_SEC_FW_CFG,	1, false, fw_cfg_state_save,
	  fw_cfg_state_load },
};

const unsigned int dev_nr_state_types = ARRAY_SIZE(dev_state_types);

const struct dev_state_type *dev_state_type_find(__u32 section)
{
	unsigned int i;

	for (i = 0; i < dev_nr_state_types; i++)
		if (dev_state_types[i].section == section)
			return &dev_state_types[i];
	return NULL;
}

static unsigned int dev_field_width(enum dev_field_kind kind)
{
	switch (kind) {
	case DF_U8:
	case DF_BOOL:
		return 1;
	case DF_U16:
		return 2;
	case DF_U32:
		return 4;
	default:
		return 8;
	}
}

static int dev_state_grow(struct dev_state_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	__u8 *p;

	if (b->err)
		return b->err;
	if (b->len + more <= b->cap)
		return 0;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

/* One element at @src as it goes out. */
static __u64 dev_field_out(enum dev_field_kind kind, const void *src,
			   const struct dev_clock *clk)
{
	__u64 v = 0;

	switch (kind) {
	case DF_U8:
		return *(const __u8 *)src;
	case DF_BOOL:
		return *(const bool *)src;
	case DF_U16:
		return *(const __u16 *)src;
	case DF_U32:
		return *(const __u32 *)src;
	default:
		memcpy(&v, src, sizeof(v));
		break;
	}
	switch (kind) {
	case DF_NS:
		return v - clk->ns;
	case DF_TSC_ARMED:
		return v ? v - clk->tsc : 0;
	case DF_TSC:
		return v - clk->tsc;
	case DF_NS_OFFSET:
		return v + clk->ns;
	default:
		return v;
	}
}

/* One element read, into @dst: 0, or -EINVAL for a bool not 0 or 1. */
static int dev_field_in(enum dev_field_kind kind, __u64 v, void *dst,
			const struct dev_clock *clk)
{
	switch (kind) {
	case DF_U8:
		*(__u8 *)dst = v;
		return 0;
	case DF_BOOL:
		if (v > 1)
			return -EINVAL;
		*(bool *)dst = v;
		return 0;
	case DF_U16:
		*(__u16 *)dst = v;
		return 0;
	case DF_U32:
		*(__u32 *)dst = v;
		return 0;
	case DF_NS:
		v += clk->ns;
		break;
	case DF_TSC_ARMED:
		v = v ? v + clk->tsc : 0;
		break;
	case DF_TSC:
		v += clk->tsc;
		break;
	case DF_NS_OFFSET:
		v -= clk->ns;
		break;
	default:
		break;
	}
	memcpy(dst, &v, sizeof(v));
	return 0;
}

static size_t dev_elem_size(enum dev_field_kind kind)
{
	switch (kind) {
	case DF_U8:
		return sizeof(__u8);
	case DF_BOOL:
		return sizeof(bool);
	case DF_U16:
		return sizeof(__u16);
	case DF_U32:
		return sizeof(__u32);
	default:
		return sizeof(__u64);
	}
}

int dev_state_put(struct dev_state_buf *b, const void *obj,
		  const struct dev_field *fields, unsigned int n,
		  const struct dev_clock *clk)
{
	const __u8 *base = obj;
	unsigned int i, j, w;
	__u64 v;

	for (i = 0; i < n; i++) {
		w = dev_field_width(fields[i].kind);
		if (dev_state_grow(b, (size_t)w * fields[i].count))
			return b->err;
		for (j = 0; j < fields[i].count; j++) {
			v = dev_field_out(fields[i].kind, base + fields[i].off +
					  j * dev_elem_size(fields[i].kind),
					  clk);
			/* x86 is little-endian: the low @w bytes, in order. */
			memcpy(b->data + b->len, &v, w);
			b->len += w;
		}
	}
	return 0;
}

int dev_state_get(struct dev_state_in *in, void *obj,
		  const struct dev_field *fields, unsigned int n,
		  const struct dev_clock *clk)
{
	__u8 *base = obj;
	unsigned int i, j, w;
	__u64 v;

	for (i = 0; i < n; i++) {
		w = dev_field_width(fields[i].kind);
		if (in->left < (size_t)w * fields[i].count)
			return -EINVAL;
		for (j = 0; j < fields[i].count; j++) {
			v = 0;
			memcpy(&v, in->p, w);
			in->p += w;
			in->left -= w;
			if (dev_field_in(fields[i].kind, v, base + fields[i].off +
					 j * dev_elem_size(fields[i].kind), clk))
				return -EINVAL;
		}
	}
	return 0;
}

int dev_state_get_all(struct dev_state_in *in, void *obj,
		      const struct dev_field *fields, unsigned int n,
		      const struct dev_clock *clk)
{
	if (dev_state_get(in, obj, fields, n, clk))
		return -EINVAL;
	return in->left ? -EINVAL : 0;
}

void dev_state_buf_free(struct dev_state_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int dev_state_load(struct dev_ctx *ctx, const struct dev_state_type *t,
		   unsigned int id, __u32 version, const void *data,
		   size_t len, const struct dev_clock *clk)
{
	struct dev_state_in in = { .p = data, .left = len };

	if (version != t->version)
		return -EINVAL;
	if (t->per_cpu ? id >= DEV_MAX_CPUS : id != 0)
		return -EINVAL;
	/* Loads check everything, the length included, before they commit. */
	return t->load(ctx, id, &in, clk) ? -EINVAL : 0;
}
