/* SPDX-License-Identifier: GPL-2.0 */
/*
 * multiboot.h - the Multiboot 0.6.96 structures the reference kernels read
 * (the specification's section 3.3, "Boot information format").
 */
#ifndef REFGUEST_MULTIBOOT_H
#define REFGUEST_MULTIBOOT_H

#include "refguest.h"

#define MB_HEADER_MAGIC		0x1badb002
#define MB_BOOT_MAGIC		0x2badb002

#define MB_HEADER_PAGE_ALIGN	0x00000001
#define MB_HEADER_MEMORY_INFO	0x00000002
#define MB_HEADER_AOUT_KLUDGE	0x00010000

#define MBI_MEMORY		0x001
#define MBI_BOOTDEV		0x002
#define MBI_CMDLINE		0x004
#define MBI_MODS		0x008
#define MBI_MMAP		0x040
#define MBI_LOADER_NAME		0x200

#ifndef __ASSEMBLER__
struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
	u32 apm_table;
	u32 vbe[6];
};

struct mb_module {
	u32 mod_start, mod_end;
	u32 string;
	u32 reserved;
};

/* @size is the size of the rest of the entry: the next is at +size+4. */
struct mb_mmap {
	u32 size;
	u32 base_lo, base_hi;
	u32 len_lo, len_hi;
	u32 type;
};
#endif /* __ASSEMBLER__ */

#endif /* REFGUEST_MULTIBOOT_H */
