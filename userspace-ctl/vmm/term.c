// SPDX-License-Identifier: GPL-2.0
/*
 * Raw terminal input for the guest's UART, the way back, and the escape
 * key (Ctrl-A, as QEMU's) that quits.
 *
 * The saved settings live in static storage, so the signal handler can
 * restore them: tcsetattr() is async-signal-safe. The handler is installed
 * with SA_RESETHAND and raises the signal again, so tvmmctl still dies of
 * it, as whoever sent it asked, with a sane terminal; an exit() restores
 * them too. The keyboard sends no signals (ISIG off): Ctrl-C is the
 * guest's, Ctrl-A x is how the user leaves. Output processing (OPOST) is
 * left on: a guest that writes "\n" still starts a new line.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/util.h"
#include "vmm/term.h"

static struct termios term_saved;
static int term_fd = -1;
static atomic_int term_active;

/* The signals whose default action ends the process. */
static const int term_signals[] = {
	SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGABRT, SIGSEGV, SIGBUS, SIGPIPE,
};

void term_restore(void)
{
	if (atomic_exchange(&term_active, 0))
		tcsetattr(term_fd, TCSAFLUSH, &term_saved);
}

static void term_signal(int sig)
{
	term_restore();
	raise(sig);	/* SA_RESETHAND: the default action this time */
}

int term_raw_begin(int fd)
{
	struct sigaction sa;
	struct termios t;
	size_t i;

	if (!isatty(fd))
		return 0;
	if (tcgetattr(fd, &term_saved))
		return -errno;
	t = term_saved;
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
		       ICRNL | IXON);
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(term_signals); i++)
		sigaction(term_signals[i], &sa, NULL);

	if (term_fd < 0)
		atexit(term_restore);
	term_fd = fd;
	atomic_store(&term_active, 1);
	if (tcsetattr(fd, TCSAFLUSH, &t)) {
		atomic_store(&term_active, 0);
		return -errno;
	}
	return 1;
}

const char term_help[] =
	"\ntvmmctl: Ctrl-A x  quit (tvmmctl run exits with status 14)\n"
	"tvmmctl: Ctrl-A h  this help\n"
	"tvmmctl: Ctrl-A Ctrl-A  Ctrl-A for the guest\n"
	"tvmmctl: every other key, Ctrl-C included, goes to the guest\n";

static void term_queue(struct term_input *t, __u8 c)
{
	if (t->len < sizeof(t->queue))
		t->queue[t->len++] = c;
	else
		t->dropped++;
}

enum term_action term_input_feed(struct term_input *t, const __u8 *in,
				 size_t n)
{
	enum term_action action = TERM_NONE;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!t->escape) {
			if (in[i] == TERM_ESCAPE)
				t->escape = true;
			else
				term_queue(t, in[i]);
			continue;
		}
		t->escape = false;
		switch (in[i]) {
		case 'x':
		case 'X':
			return TERM_QUIT;
		case 'h':
		case 'H':
		case '?':
			action = TERM_HELP;
			break;
		case TERM_ESCAPE:
			term_queue(t, TERM_ESCAPE);
			break;
		}
	}
	return action;
}

size_t term_input_take(struct term_input *t, __u8 *out, size_t max)
{
	size_t n = t->len < max ? t->len : max;

	memcpy(out, t->queue, n);
	memmove(t->queue, t->queue + n, t->len - n);
	t->len -= n;
	return n;
}
