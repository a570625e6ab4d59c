// SPDX-License-Identifier: GPL-2.0
/*
 * An ELF32 guest: tvmmctl starts it at its entry in flat protected mode,
 * with a stack. Built and run by README.md's "Running your own guest".
 */
static void port_write(unsigned short port, unsigned char val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

void _start(void)
{
	const char *s;

	for (s = "hello from an ELF\n"; *s; s++)
		port_write(0x3f8, *s);
	/* Halting with interrupts off ends the run with status 0. */
	__asm__ volatile("cli; hlt");
}
