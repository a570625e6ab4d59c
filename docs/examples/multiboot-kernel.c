// SPDX-License-Identifier: GPL-2.0
/*
 * A multiboot kernel: prints its command line and its modules' strings,
 * then exits through isa-debug-exit. Built and run by README.md's "Running
 * your own guest", and compared with QEMU by make check
 * (selftests/refguests/cases).
 */
struct mb_module {
	unsigned int start, end, string, reserved;
};

struct mb_info {
	unsigned int flags, mem_lower, mem_upper, boot_device, cmdline;
	unsigned int mods_count, mods_addr;
};

/* Not static: only the asm below uses it. */
char kernel_stack[4096];

/* The header must be in the file's first 8 KiB: first in .text. */
__asm__(".text\n"
	".align 4\n"
	".long 0x1badb002, 0, -0x1badb002\n"	/* magic, flags, checksum */
	".globl _start\n"
	"_start: mov $kernel_stack + 4096, %esp\n"
	"	push %ebx\n"			/* the multiboot info */
	"	call kmain\n");

static void port_write(unsigned short port, unsigned char val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static void print(const char *s)
{
	while (*s)
		port_write(0x3f8, *s++);
}

void kmain(struct mb_info *mbi)
{
	struct mb_module *mod = (struct mb_module *)mbi->mods_addr;
	unsigned int i;

	print("cmdline: ");
	print((const char *)mbi->cmdline);
	print("\n");
	for (i = 0; i < mbi->mods_count; i++, mod++) {
		print("module: ");
		print((const char *)mod->string);
		print("\n");
	}
	port_write(0xf4, 0x10);		/* tvmmctl exits with 0x10 << 1 | 1 */
}
