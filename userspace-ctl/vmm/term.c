// SPDX-License-Identifier: GPL-2.0
/*
 * Raw terminal input for the guest's UART, and the way back.
 *
 * The saved settings live in static storage, so the signal handler can
 * restore them: tcsetattr() is async-signal-safe. The handler is installed
 * with SA_RESETHAND and raises the signal again, so tvmmctl still dies of
 * it, as the user asked, with a sane terminal. Output processing (OPOST)
 * is left on: a guest that writes "\n" still starts a new line.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
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
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	t.c_cc[VSUSP] = _POSIX_VDISABLE;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(term_signals); i++)
		sigaction(term_signals[i], &sa, NULL);

	term_fd = fd;
	atomic_store(&term_active, 1);
	if (tcsetattr(fd, TCSAFLUSH, &t)) {
		atomic_store(&term_active, 0);
		return -errno;
	}
	return 1;
}
