// SPDX-License-Identifier: GPL-2.0
/*
 * boot_main.c - the boot sector reference guest (gcc -m16, in real mode):
 * prints where the BIOS started it, the boot drive and what fw_cfg says
 * about the machine, then leaves through isa-debug-exit. QEMU boots it from
 * a raw disk through SeaBIOS, tvmmctl as a raw image: the output must match.
 */
#include "refguest.h"

#define BOOT_EXIT_CODE	0x15

u16 entry_cs, entry_ip;
u8 entry_dl;

void boot_main(void)
{
	int i;

	puts("boot ");
	put_hex(entry_cs, 4);
	putc(':');
	put_hex(entry_ip, 4);
	puts(" dl ");
	put_hex(entry_dl, 2);
	puts("\nfw_cfg ");
	fw_cfg_select(FW_CFG_SIGNATURE);
	for (i = 0; i < 4; i++)
		putc(fw_cfg_byte());
	puts(" ram ");
	put_hex(fw_cfg_u32(FW_CFG_RAM_SIZE), 8);
	puts(" cpus ");
	put_hex(fw_cfg_u32(FW_CFG_NB_CPUS), 4);
	putc('\n');
	debug_exit(BOOT_EXIT_CODE);
}
