// SPDX-License-Identifier: GPL-2.0
/*
 * The PC's keyboard controller (Intel 8042, as PS/2 PCs have it) at ports
 * 0x60 (data) and 0x64 (status and commands), with an AT keyboard and no
 * mouse, enough for Linux's i8042 and atkbd drivers to probe at once and
 * for a guest to reset the machine through it.
 *
 * The controller answers at once: the input buffer is never full (status
 * IBF 0), the keyboard is never locked (status bit 4 set: Linux warns
 * otherwise), and what the controller or the keyboard answers waits in an
 * output queue whose head is the output buffer (OBF, IRQ1 when the
 * command byte's bit 0 allows it). Commands: 0x20 and 0x60 read and write
 * the command byte (CTR); 0xaa self-test (0x55); 0xab keyboard interface
 * test (0x00); 0xad, 0xae disable and enable the keyboard interface; 0xa7,
 * 0xa8 the aux one (CTR bit 5 only); 0xa9 the aux interface test, which
 * answers 0x02, "clock line stuck high": there is no aux port, and Linux
 * takes this answer for that (i8042_check_aux()). 0xd3 and 0xd4, the aux
 * port's, are unknown, so the byte after them goes to the keyboard, which
 * does not know it either (Linux sends 0xd3 first, and reads that as no
 * aux loop). 0xd0, 0xd1 read and write the output port, 0xd2 puts a byte
 * in the output buffer as if from the keyboard; 0xf0-0xff pulse the output
 * port's lines low for each bit clear, bit 0 being the CPU's reset.
 *
 * The keyboard takes every byte written to port 0x60 outside a command,
 * and answers as an MF-II keyboard: 0xfa (ACK) to each command and
 * parameter, 0xff reset (0xfa, 0xaa), 0xf2 identify (0xfa, 0xab, 0x83, or
 * 0x41 translated), 0xee echo, 0xfe resend, 0xed LEDs, 0xf3 typematic, 0xf0
 * scan code set, 0xf4-0xf6 enable, disable, defaults; 0xfe for anything
 * else. It never sends a key: tvmmctl's input is the UART's.
 *
 * The run ends on a reset (output port bit 0 pulsed low: Linux's reboot
 * through the keyboard controller), told apart in two kinds for Linux's
 * sake. Linux's orderly reboot shuts its devices down first, atkbd's
 * cleanup sending the keyboard 0xf6 (defaults); an emergency restart (a
 * panic with panic=N, N not 0, SysRq-b) goes straight to the reset, the
 * keyboard still as atkbd enabled it (0xf4 last): DEV_STOP_EMERGENCY. A
 * guest that never enabled the keyboard resets as DEV_STOP_RESET.
 * The run also ends on the LEDs set to 0x05, caps lock and scroll lock
 * together: how Linux's i8042_panic_blink() shows a panic while it waits
 * (panic=0, the default: forever), from its first blink on (DEV_STOP_PANIC).
 * Debian's kernel blinks through its LED triggers instead
 * (CONFIG_LEDS_TRIGGER_PANIC takes the hook), which reach no LED here:
 * its panic with panic=0 only spins. (A guest that sets those two LEDs
 * otherwise, setleds on a virtual console, ends its run the same way.)
 */
#include <stdio.h>
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "devices/devices.h"
#include "devices/state.h"

#define I8042_DATA		0x60
#define I8042_KBD_IRQ		1
#define I8042_AUX_IRQ		12

/* Status register (0x64, read). */
#define I8042_STR_OBF		0x01
#define I8042_STR_SYS		0x04
#define I8042_STR_CMD		0x08	/* the last write was a command */
#define I8042_STR_UNLOCKED	0x10	/* keyboard not inhibited */
#define I8042_STR_AUXDATA	0x20

/* The command byte (CTR). */
#define I8042_CTR_KBDINT	0x01
#define I8042_CTR_AUXINT	0x02
#define I8042_CTR_SYS		0x04
#define I8042_CTR_KBDDIS	0x10
#define I8042_CTR_AUXDIS	0x20
#define I8042_CTR_XLATE		0x40
/* As a PC's BIOS leaves it: IRQ1, system flag, no aux, translation. */
#define I8042_CTR_BIOS		(I8042_CTR_KBDINT | I8042_CTR_SYS |	\
				 I8042_CTR_AUXDIS | I8042_CTR_XLATE)

/* Controller commands (0x64, write). */
#define I8042_CMD_READ_CTR	0x20
#define I8042_CMD_WRITE_CTR	0x60
#define I8042_CMD_AUX_DISABLE	0xa7
#define I8042_CMD_AUX_ENABLE	0xa8
#define I8042_CMD_AUX_TEST	0xa9
#define I8042_CMD_SELF_TEST	0xaa
#define I8042_CMD_KBD_TEST	0xab
#define I8042_CMD_KBD_DISABLE	0xad
#define I8042_CMD_KBD_ENABLE	0xae
#define I8042_CMD_READ_INPUT	0xc0
#define I8042_CMD_READ_OUTPUT	0xd0
#define I8042_CMD_WRITE_OUTPUT	0xd1
#define I8042_CMD_WRITE_KBD_OBUF 0xd2
#define I8042_CMD_READ_TEST	0xe0
#define I8042_CMD_PULSE		0xf0	/* 0xf0-0xff: bits 3-0 clear pulse */

#define I8042_SELF_TEST_OK	0x55
#define I8042_AUX_CLOCK_HIGH	0x02
#define I8042_OUT_RESET		0x01	/* output port bit 0: CPU not reset */
#define I8042_OUT_A20		0x02

/* The keyboard's commands and answers. */
#define KBD_CMD_SET_LEDS	0xed
#define KBD_CMD_ECHO		0xee
#define KBD_CMD_SCAN_SET	0xf0
#define KBD_CMD_GET_ID		0xf2
#define KBD_CMD_TYPEMATIC	0xf3
#define KBD_CMD_ENABLE		0xf4
#define KBD_CMD_DISABLE		0xf5
#define KBD_CMD_DEFAULTS	0xf6
#define KBD_CMD_SET_KEYS_FIRST	0xf7	/* 0xf7-0xfd: scan set 3 key types */
#define KBD_CMD_SET_KEYS_LAST	0xfd
#define KBD_CMD_RESEND		0xfe
#define KBD_CMD_RESET		0xff
#define KBD_ACK			0xfa
#define KBD_RESEND		0xfe
#define KBD_BAT_OK		0xaa
#define KBD_ID_1		0xab
#define KBD_ID_2		0x83
#define KBD_ID_2_XLATE		0x41

/* Linux's panic blink: caps lock (4) and scroll lock (1). */
#define KBD_LEDS_PANIC		0x05

static void i8042_update_irq(struct dev_ctx *ctx)
{
	const struct i8042_state *k = &ctx->i8042;
	bool full = k->count, aux = full && k->aux[k->head];

	dev_set_irq(ctx, I8042_KBD_IRQ,
		    full && !aux && (k->ctr & I8042_CTR_KBDINT));
	dev_set_irq(ctx, I8042_AUX_IRQ,
		    aux && (k->ctr & I8042_CTR_AUXINT));
}

/* A byte for the guest to read at 0x60, after those already waiting. */
static void i8042_queue(struct dev_ctx *ctx, __u8 v, bool aux)
{
	struct i8042_state *k = &ctx->i8042;
	unsigned int i;

	if (k->count == I8042_QUEUE_SIZE)
		return;		/* a keyboard's buffer overflows too */
	i = (k->head + k->count) % I8042_QUEUE_SIZE;
	k->queue[i] = v;
	k->aux[i] = aux;
	k->count++;
	i8042_update_irq(ctx);
}

/* A byte from the keyboard, as the guest will read it. */
static void kbd_send(struct dev_ctx *ctx, __u8 v)
{
	ctx->i8042.kbd_last = v;
	i8042_queue(ctx, v, false);
}

static void kbd_defaults(struct i8042_state *k)
{
	k->kbd_scan_set = 2;
	k->kbd_leds = 0;
}

void i8042_reset(struct dev_ctx *ctx)
{
	struct i8042_state *k = &ctx->i8042;

	memset(k, 0, sizeof(*k));
	k->ctr = I8042_CTR_BIOS;
	k->outport = I8042_OUT_RESET | I8042_OUT_A20;
	kbd_defaults(k);
	k->kbd_scanning = true;
}

/* Bit 0 of the output port pulsed low: the CPU resets. */
static void i8042_cpu_reset(struct dev_ctx *ctx)
{
	ctx->stop = ctx->i8042.kbd_in_use ? DEV_STOP_EMERGENCY :
		    DEV_STOP_RESET;
	ctx->status = 0;
}

/* The parameter of keyboard command @cmd. */
static void kbd_param(struct dev_ctx *ctx, __u8 cmd, __u8 v)
{
	/* Scan code sets 1, 2, 3 as the translating controller passes them. */
	static const __u8 set_xlate[4] = { 0, 0x43, 0x41, 0x3f };
	struct i8042_state *k = &ctx->i8042;

	switch (cmd) {
	case KBD_CMD_SET_LEDS:
		k->kbd_leds = v & 7;
		kbd_send(ctx, KBD_ACK);
		if (v == KBD_LEDS_PANIC) {
			ctx->stop = DEV_STOP_PANIC;
			ctx->status = 0;
		}
		break;
	case KBD_CMD_SCAN_SET:
		if (v > 3) {
			kbd_send(ctx, KBD_RESEND);
			break;
		}
		kbd_send(ctx, KBD_ACK);
		if (v)
			k->kbd_scan_set = v;
		else if (k->ctr & I8042_CTR_XLATE)
			kbd_send(ctx, set_xlate[k->kbd_scan_set]);
		else
			kbd_send(ctx, k->kbd_scan_set);
		break;
	default:			/* KBD_CMD_TYPEMATIC */
		kbd_send(ctx, KBD_ACK);
		break;
	}
}

/* A byte written to port 0x60 that the controller passes on. */
static void kbd_write(struct dev_ctx *ctx, __u8 v)
{
	struct i8042_state *k = &ctx->i8042;
	__u8 cmd = k->kbd_cmd;

	k->kbd_cmd = 0;
	/* A command where a parameter was due starts over. */
	if (cmd && v < KBD_CMD_SET_LEDS) {
		kbd_param(ctx, cmd, v);
		return;
	}
	switch (v) {
	case KBD_CMD_SET_LEDS:
	case KBD_CMD_SCAN_SET:
	case KBD_CMD_TYPEMATIC:
		kbd_send(ctx, KBD_ACK);
		k->kbd_cmd = v;
		break;
	case KBD_CMD_ECHO:
		kbd_send(ctx, KBD_CMD_ECHO);
		break;
	case KBD_CMD_GET_ID:
		kbd_send(ctx, KBD_ACK);
		kbd_send(ctx, KBD_ID_1);
		kbd_send(ctx, k->ctr & I8042_CTR_XLATE ? KBD_ID_2_XLATE :
			 KBD_ID_2);
		break;
	case KBD_CMD_ENABLE:
		k->kbd_scanning = true;
		k->kbd_in_use = true;
		kbd_send(ctx, KBD_ACK);
		break;
	case KBD_CMD_DISABLE:
		kbd_defaults(k);
		k->kbd_scanning = false;
		k->kbd_in_use = false;
		kbd_send(ctx, KBD_ACK);
		break;
	case KBD_CMD_DEFAULTS:
		kbd_defaults(k);
		k->kbd_in_use = false;
		kbd_send(ctx, KBD_ACK);
		break;
	case KBD_CMD_RESEND:
		kbd_send(ctx, k->kbd_last);
		break;
	case KBD_CMD_RESET:
		kbd_defaults(k);
		k->kbd_scanning = true;
		k->kbd_in_use = false;
		kbd_send(ctx, KBD_ACK);
		kbd_send(ctx, KBD_BAT_OK);
		break;
	default:
		if (v >= KBD_CMD_SET_KEYS_FIRST && v <= KBD_CMD_SET_KEYS_LAST)
			kbd_send(ctx, KBD_ACK);
		else
			kbd_send(ctx, KBD_RESEND);
		break;
	}
}

static void i8042_command(struct dev_ctx *ctx, __u8 cmd)
{
	struct i8042_state *k = &ctx->i8042;

	k->pending = 0;
	switch (cmd) {
	case I8042_CMD_READ_CTR:
		i8042_queue(ctx, k->ctr, false);
		break;
	case I8042_CMD_WRITE_CTR:
	case I8042_CMD_WRITE_OUTPUT:
	case I8042_CMD_WRITE_KBD_OBUF:
		k->pending = cmd;	/* the data byte comes next */
		break;
	case I8042_CMD_AUX_DISABLE:
		k->ctr |= I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_ENABLE:
		k->ctr &= ~I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_TEST:
		i8042_queue(ctx, I8042_AUX_CLOCK_HIGH, false);
		break;
	case I8042_CMD_SELF_TEST:
		k->ctr |= I8042_CTR_SYS;
		i8042_queue(ctx, I8042_SELF_TEST_OK, false);
		break;
	case I8042_CMD_KBD_TEST:
		i8042_queue(ctx, 0x00, false);
		break;
	case I8042_CMD_KBD_DISABLE:
		k->ctr |= I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_KBD_ENABLE:
		k->ctr &= ~I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_READ_INPUT:
	case I8042_CMD_READ_TEST:
		i8042_queue(ctx, 0x00, false);
		break;
	case I8042_CMD_READ_OUTPUT:
		i8042_queue(ctx, k->outport, false);
		break;
	default:
		if (cmd >= I8042_CMD_PULSE && !(cmd & I8042_OUT_RESET))
			i8042_cpu_reset(ctx);
		break;		/* unknown commands do nothing */
	}
	i8042_update_irq(ctx);
}

static void i8042_data(struct dev_ctx *ctx, __u8 v)
{
	struct i8042_state *k = &ctx->i8042;
	__u8 cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case I8042_CMD_WRITE_CTR:
		k->ctr = v;
		i8042_update_irq(ctx);
		break;
	case I8042_CMD_WRITE_OUTPUT:
		k->outport = v;
		if (!(v & I8042_OUT_RESET))
			i8042_cpu_reset(ctx);
		break;
	case I8042_CMD_WRITE_KBD_OBUF:
		i8042_queue(ctx, v, false);
		break;
	default:
		kbd_write(ctx, v);
		break;
	}
}

static __u32 i8042_data_in(struct dev_ctx *ctx, __u16 port,
			   unsigned int size)
{
	struct i8042_state *k = &ctx->i8042;

	/* Empty, the output buffer still holds what was read last. */
	if (k->count) {
		k->last = k->queue[k->head];
		k->head = (k->head + 1) % I8042_QUEUE_SIZE;
		k->count--;
		/*
		 * OBF drops, and rises again with the next byte: one edge,
		 * one interrupt, per byte (Linux reads one per interrupt).
		 */
		dev_set_irq(ctx, I8042_KBD_IRQ, false);
		dev_set_irq(ctx, I8042_AUX_IRQ, false);
		i8042_update_irq(ctx);
	}
	return k->last;
}

static void i8042_data_out(struct dev_ctx *ctx, __u16 port,
			   unsigned int size, __u32 val)
{
	ctx->i8042.last_was_cmd = false;
	i8042_data(ctx, val);
}

/* The LEDs that end the run say so. */
static bool i8042_data_trace(const struct dev_ctx *ctx, char *buf,
			     size_t len)
{
	if (ctx->stop == DEV_STOP_PANIC)
		snprintf(buf, len, "%s: keyboard LEDs blink: the guest panicked",
			 i8042_dev.name);
	else if (ctx->stop == DEV_STOP_RESET)
		snprintf(buf, len, "%s: reset", i8042_dev.name);
	else if (ctx->stop == DEV_STOP_EMERGENCY)
		snprintf(buf, len, "%s: reset, the keyboard still enabled: an emergency restart",
			 i8042_dev.name);
	else
		return false;
	return true;
}

const struct io_dev i8042_data_dev = {
	.name	= "i8042-data",
	.base	= I8042_DATA,
	.len	= 1,
	.in	= i8042_data_in,
	.out	= i8042_data_out,
	.trace	= i8042_data_trace,
};

static __u32 i8042_status_in(struct dev_ctx *ctx, __u16 port,
			     unsigned int size)
{
	const struct i8042_state *k = &ctx->i8042;
	__u8 st = I8042_STR_UNLOCKED;

	if (k->count)
		st |= I8042_STR_OBF |
		      (k->aux[k->head] ? I8042_STR_AUXDATA : 0);
	if (k->ctr & I8042_CTR_SYS)
		st |= I8042_STR_SYS;
	if (k->last_was_cmd)
		st |= I8042_STR_CMD;
	return st;
}

static void i8042_command_out(struct dev_ctx *ctx, __u16 port,
			      unsigned int size, __u32 val)
{
	ctx->i8042.last_was_cmd = true;
	i8042_command(ctx, val);
}

const struct io_dev i8042_dev = {
	.name	= "i8042",
	.base	= 0x64,
	.len	= 1,
	.in	= i8042_status_in,
	.out	= i8042_command_out,
	.trace	= i8042_data_trace,
};

/* ---- snapshots (state.h) ----------------------------------------------- */

static const struct dev_field i8042_fields[] = {
	DEV_FIELD(struct i8042_state, ctr, DF_U8),
	DEV_FIELD(struct i8042_state, outport, DF_U8),
	DEV_FIELD(struct i8042_state, pending, DF_U8),
	DEV_FIELD(struct i8042_state, last_was_cmd, DF_BOOL),
	DEV_FIELD_ARRAY(struct i8042_state, queue, DF_U8,
			I8042_QUEUE_SIZE),
	DEV_FIELD_ARRAY(struct i8042_state, aux, DF_BOOL,
			I8042_QUEUE_SIZE),
	DEV_FIELD(struct i8042_state, head, DF_U32),
	DEV_FIELD(struct i8042_state, count, DF_U32),
	DEV_FIELD(struct i8042_state, last, DF_U8),
	DEV_FIELD(struct i8042_state, kbd_cmd, DF_U8),
	DEV_FIELD(struct i8042_state, kbd_last, DF_U8),
	DEV_FIELD(struct i8042_state, kbd_leds, DF_U8),
	DEV_FIELD(struct i8042_state, kbd_scan_set, DF_U8),
	DEV_FIELD(struct i8042_state, kbd_scanning, DF_BOOL),
	DEV_FIELD(struct i8042_state, kbd_in_use, DF_BOOL),
};

int i8042_state_save(const struct dev_ctx *ctx, unsigned int id,
		     struct dev_state_buf *b, const struct dev_clock *clk)
{
	return dev_state_put(b, &ctx->i8042, i8042_fields,
			     ARRAY_SIZE(i8042_fields), clk);
}

int i8042_state_load(struct dev_ctx *ctx, unsigned int id,
		     struct dev_state_in *in, const struct dev_clock *clk)
{
	struct i8042_state k = { 0 };

	if (dev_state_get_all(in, &k, i8042_fields, ARRAY_SIZE(i8042_fields),
			      clk) ||
	    k.head >= I8042_QUEUE_SIZE || k.count > I8042_QUEUE_SIZE)
		return -EINVAL;
	ctx->i8042 = k;
	return 0;
}
