/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device models' state as plain data, for snapshots: each device file
 * has a save/load pair, here listed in one table (dev_state_types[]), and
 * describes its state as a table of fields that one codec (state.c)
 * writes and reads, little-endian, in the table's order. A section's
 * layout is its table: a change to a table is a new version of that
 * device's section, and load refuses versions it does not know.
 *
 * Time: what counts on the devices' clock (dev_now_ns(): the PIT, the
 * RTC) or on the guest's TSC (the APIC timers) is saved relative to the
 * clocks at the snapshot (struct dev_clock): a deadline 3 ms ahead loads
 * as 3 ms ahead of the loading process's clock. The guest then sees its
 * timers go on where they were, however much later and in whichever
 * process the snapshot is restored.
 *
 * Load checks every value an index or a divisor is made of, into a copy:
 * bad data is refused (-EINVAL) with the device left as it was.
 * Called with ctx->lock held, or before the devices run.
 */
#ifndef TVMMCTL_DEVICES_STATE_H
#define TVMMCTL_DEVICES_STATE_H

#include <stddef.h>
#include <linux/types.h>

#include "devices/devices.h"
#include "snapshot/format.h"

/* The devices' clock and the guest's TSC at one moment. */
struct dev_clock {
	__u64 ns;
	__u64 tsc;
};

/* How a field is written. */
enum dev_field_kind {
	DF_U8, DF_U16, DF_U32, DF_U64,	/* as they are */
	DF_BOOL,			/* one byte, 0 or 1 */
	DF_S64,				/* as it is */
	DF_NS,		/* a time of dev_now_ns(): s64 ns from the clock */
	DF_TSC,		/* a guest TSC value: s64 cycles from the clock */
	DF_TSC_ARMED,	/* the same, but 0 (disarmed) stays 0 */
	DF_NS_OFFSET,	/* added to dev_now_ns() (s64): what it gives then */
};

/**
 * struct dev_field - one field of a device's state struct.
 * @name:	its name, for messages.
 * @off:	offsetof() in the struct.
 * @kind:	an enum dev_field_kind, which also gives its C type.
 * @count:	elements, for an array.
 */
struct dev_field {
	const char *name;
	size_t off;
	enum dev_field_kind kind;
	unsigned int count;
};

#define DEV_FIELD(type, field, kind)					\
	{ #field, offsetof(type, field), kind, 1 }
/* An array of @n (its declared size; the codec reads no more). */
#define DEV_FIELD_ARRAY(type, field, kind, n)				\
	{ #field, offsetof(type, field), kind, n }

/* A payload being written: grows as needed; @err the first -errno. */
struct dev_state_buf {
	__u8 *data;
	size_t len, cap;
	int err;
};

/* A payload being read: @left bytes at @p. */
struct dev_state_in {
	const __u8 *p;
	size_t left;
};

/* The codec: @obj's fields, in order. put: 0 or b->err. get: 0, -EINVAL. */
int dev_state_put(struct dev_state_buf *b, const void *obj,
		  const struct dev_field *fields, unsigned int n,
		  const struct dev_clock *clk);
int dev_state_get(struct dev_state_in *in, void *obj,
		  const struct dev_field *fields, unsigned int n,
		  const struct dev_clock *clk);
/* dev_state_get() of the whole payload: -EINVAL if bytes are left. */
int dev_state_get_all(struct dev_state_in *in, void *obj,
		      const struct dev_field *fields, unsigned int n,
		      const struct dev_clock *clk);
void dev_state_buf_free(struct dev_state_buf *b);

/**
 * struct dev_state_type - one device's save/load pair.
 * @section:	its SNAP_SEC_* section type.
 * @version:	the layout save writes, the only one load takes.
 * @per_cpu:	one section per vCPU (the id), else one with id 0.
 * @save:	append the state of instance @id to @b: 0 or -errno.
 * @load:	replace it with @len bytes at @data: 0, or -EINVAL with
 *		nothing changed.
 */
struct dev_state_type {
	__u32 section;
	__u32 version;
	bool per_cpu;
	int (*save)(const struct dev_ctx *ctx, unsigned int id,
		    struct dev_state_buf *b, const struct dev_clock *clk);
	int (*load)(struct dev_ctx *ctx, unsigned int id,
		    struct dev_state_in *in, const struct dev_clock *clk);
};

extern const struct dev_state_type dev_state_types[];
extern const unsigned int dev_nr_state_types;

/* The entry for section type @section, or NULL. */
const struct dev_state_type *dev_state_type_find(__u32 section);
/*
 * Load one section's payload: 0, -EINVAL (bad data, a version or
 * instance load does not take, bytes left over), nothing changed then.
 */
int dev_state_load(struct dev_ctx *ctx, const struct dev_state_type *t,
		   unsigned int id, __u32 version, const void *data,
		   size_t len, const struct dev_clock *clk);

/* The pairs, in their device files. */
int uart_state_save(const struct dev_ctx *ctx, unsigned int id,
		    struct dev_state_buf *b, const struct dev_clock *clk);
int uart_state_load(struct dev_ctx *ctx, unsigned int id,
		    struct dev_state_in *in, const struct dev_clock *clk);
int pic_state_save(const struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_buf *b, const struct dev_clock *clk);
int pic_state_load(struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_in *in, const struct dev_clock *clk);
int pit_state_save(const struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_buf *b, const struct dev_clock *clk);
int pit_state_load(struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_in *in, const struct dev_clock *clk);
int lapic_state_save(const struct dev_ctx *ctx, unsigned int id,
		     struct dev_state_buf *b, const struct dev_clock *clk);
int lapic_state_load(struct dev_ctx *ctx, unsigned int id,
		     struct dev_state_in *in, const struct dev_clock *clk);
int ioapic_state_save(const struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_buf *b, const struct dev_clock *clk);
int ioapic_state_load(struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_in *in, const struct dev_clock *clk);
int rtc_state_save(const struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_buf *b, const struct dev_clock *clk);
int rtc_state_load(struct dev_ctx *ctx, unsigned int id,
		   struct dev_state_in *in, const struct dev_clock *clk);
int i8042_state_save(const struct dev_ctx *ctx, unsigned int id,
		     struct dev_state_buf *b, const struct dev_clock *clk);
int i8042_state_load(struct dev_ctx *ctx, unsigned int id,
		     struct dev_state_in *in, const struct dev_clock *clk);
int fw_cfg_state_save(const struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_buf *b, const struct dev_clock *clk);
int fw_cfg_state_load(struct dev_ctx *ctx, unsigned int id,
		      struct dev_state_in *in, const struct dev_clock *clk);

#endif /* TVMMCTL_DEVICES_STATE_H */
