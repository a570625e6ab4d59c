/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal of "tvmmctl run": raw input while the guest owns the UART,
 * the user's settings back on every way out, signals included, and the
 * escape key that talks to tvmmctl instead of the guest.
 */
#ifndef TVMMCTL_VMM_TERM_H
#define TVMMCTL_VMM_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/*
 * When @fd is a terminal: keep its settings, switch it to raw input (no
 * echo, no line editing, no signals: every byte as typed, Ctrl-C, Ctrl-\
 * and Ctrl-Z included, goes to the guest) and catch the signals that
 * would end tvmmctl, to put the settings back first. Returns 1 when it
 * did, 0 when @fd is not a terminal, or -errno.
 */
int term_raw_begin(int fd);
/* Put the terminal's settings back, if term_raw_begin() changed them. */
void term_restore(void);

/*
 * The escape key, as QEMU's: Ctrl-A, then x quits, h prints term_help,
 * Ctrl-A sends one Ctrl-A to the guest; anything else is dropped with it.
 */
#define TERM_ESCAPE		0x01
#define TERM_QUEUE_SIZE		256

enum term_action {
	TERM_NONE,
	TERM_HELP,		/* Ctrl-A h: print term_help */
	TERM_QUIT,		/* Ctrl-A x: end the run */
};

/* What was typed at the terminal and the guest has not taken yet. */
struct term_input {
	bool escape;		/* Ctrl-A typed: the next byte is for tvmmctl */
	__u8 queue[TERM_QUEUE_SIZE];
	unsigned int len;
	unsigned long long dropped;	/* typed while the queue was full */
};

extern const char term_help[];

/*
 * @n bytes typed: the escape sequences are acted on, the rest queued for
 * the guest (dropped when the queue is full, as a UART overruns). Stops at
 * Ctrl-A x: TERM_QUIT; else TERM_HELP if Ctrl-A h was among them.
 */
enum term_action term_input_feed(struct term_input *t, const __u8 *in,
				 size_t n);
/* Up to @max queued bytes into @out, oldest first: how many. */
size_t term_input_take(struct term_input *t, __u8 *out, size_t max);

#endif /* TVMMCTL_VMM_TERM_H */
