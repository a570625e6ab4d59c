/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal of "tvmmctl run": raw input while the guest owns the UART,
 * the user's settings back on every way out, signals included.
 */
#ifndef TVMMCTL_VMM_TERM_H
#define TVMMCTL_VMM_TERM_H

/*
 * When @fd is a terminal: keep its settings, switch it to raw input (no
 * echo, no line editing, bytes as typed; Ctrl-C and Ctrl-\ still signal
 * tvmmctl, Ctrl-Z goes to the guest) and catch the signals that would end
 * tvmmctl, to put the settings back first. Returns 1 when it did, 0 when
 * @fd is not a terminal, or -errno.
 */
int term_raw_begin(int fd);
/* Put the terminal's settings back, if term_raw_begin() changed them. */
void term_restore(void);

#endif /* TVMMCTL_VMM_TERM_H */
