// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm-poweroff: end the test machine now, without losing console output.
 *
 * The guest console is an emulated 115200-baud UART, so output can still be
 * queued when the machine is switched off: first wait until it has all been
 * sent (tcdrain). Then
 *  - write "Shutdown" to I/O port 0x8900, Bochs's shutdown port: Bochs exits
 *    at once. Elsewhere (QEMU) nothing decodes that port and it is a no-op.
 *  - power off through the kernel (ACPI S5), like "poweroff -f": this ends
 *    QEMU, and Bochs too should the port write not have.
 * Installed as /sbin/poweroff, halt and reboot in the guest.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#define BOCHS_SHUTDOWN_PORT	0x8900

int main(void)
{
	static const char cmd[] = "Shutdown";
	const char *p;
	int fd;

	sync();
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		tcdrain(fd);
		close(fd);
	}
	if (ioperm(BOCHS_SHUTDOWN_PORT, 1, 1) == 0)
		for (p = cmd; *p; p++)
			outb(*p, BOCHS_SHUTDOWN_PORT);
	reboot(RB_POWER_OFF);
	perror("tvmm-poweroff: reboot");
	return 1;
}
