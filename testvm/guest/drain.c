// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm-drain: wait until the console UART has sent all queued output.
 *
 * /init runs it before it logs a marker line through /dev/kmsg: the kernel
 * writes console messages to the UART at once, ahead of what user space
 * still has queued in the tty, so without it a marker could overtake the
 * last lines of the command's output.
 */
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0 || tcdrain(fd))
		return 1;
	close(fd);
	return 0;
}
