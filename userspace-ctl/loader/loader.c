// SPDX-License-Identifier: GPL-2.0
/*
 * The image formats "tvmmctl run" knows, in the order they are told
 * apart. The order matters, as one image can look like several:
 *  - multiboot first: a kernel may carry a bzImage header or be an ELF as
 *    well, and its multiboot header is what it asks to be booted by;
 *  - a bzImage ("HdrS" at 0x202) before raw: it also has the boot
 *    sector's 0xaa55 at 510 (and Debian's, the EFI stub's "MZ" at 0);
 *  - a vmlinux with a PVH entry note before other ELF files: it is an
 *    ELF64 whose e_entry would start it in long mode with no boot_params;
 *  - raw takes anything left.
 */
#include "lib/util.h"
#include "loader/loader.h"

const struct loader loaders[] = {
	{
		.name		= "multiboot kernel",
		.probe		= mb_probe,
		.load		= load_multiboot,
		.initrd		= LOADER_INITRD_MODULES,
	}, {
		.name		= "Linux bzImage",
		.probe		= bzimage_probe,
		.load		= load_bzimage,
		.initrd		= LOADER_INITRD_FILE,
		.default_mem	= LINUX_DEFAULT_MEM,
		.fw_cfg_cmdline	= true,
	}, {
		.name		= "Linux vmlinux (PVH)",
		.probe		= pvh_probe,
		.load		= load_pvh,
		.initrd		= LOADER_INITRD_FILE,
		.default_mem	= LINUX_DEFAULT_MEM,
		.fw_cfg_cmdline	= true,
	}, {
		.name		= "ELF executable",
		.probe		= image_is_elf,
		.load		= load_elf_image,
		.fw_cfg_cmdline	= true,
	}, {
		.name		= "raw image",
		.probe		= raw_probe,
		.load		= load_raw_image,
		.raw_opts	= true,
		.fw_cfg_cmdline	= true,
	},
};

const unsigned int nr_loaders = ARRAY_SIZE(loaders);

const struct loader *loader_find(const void *img, size_t len)
{
	unsigned int i;

	for (i = 0; i < nr_loaders; i++)
		if (loaders[i].probe(img, len))
			return &loaders[i];
	return &loaders[nr_loaders - 1];
}
