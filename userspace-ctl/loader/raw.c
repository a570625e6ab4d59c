// SPDX-License-Identifier: GPL-2.0
/*
 * Raw images: the bytes of the file at one guest-physical address, by
 * default 0x7c00 like a boot sector, started in real mode at 0000:7c00
 * unless --load-addr, --entry and --mode say otherwise. Anything is a raw
 * image: the last format loader_find() tries.
 */
#include <errno.h>
#include <string.h>

#include "loader/loader.h"

bool raw_probe(const void *img, size_t len)
{
	return true;
}

int load_raw(struct guest_ram *ram, const void *img, size_t len,
	     __u64 load_addr, const char **why)
{
	if (!len) {
		*why = "empty image";
		return -ENOEXEC;
	}
	if (len > ram->size || load_addr > ram->size - len) {
		*why = "image does not fit in guest RAM (see --mem)";
		return -EFBIG;
	}
	memcpy(ram->hva + load_addr, img, len);
	return 0;
}

int load_raw_image(struct guest_ram *ram, const void *img, size_t len,
		   const struct load_args *args, struct boot_info *boot,
		   const char **why)
{
	__u64 addr = args->has_load_addr ? args->load_addr : RAW_LOAD_ADDR;
	struct gpa_range image = { addr, addr + len };
	int ret;

	memset(boot, 0, sizeof(*boot));
	boot->mode = args->has_mode ? args->mode : BOOT_REAL;
	boot->entry = args->has_entry ? args->entry : addr;
	if (len > ram->size) {
		*why = "image larger than guest RAM (see --mem)";
		return -EFBIG;
	}
	if (len && addr <= ram->size - len && boot->mode != BOOT_REAL) {
		ret = boot_area_place(ram, &image, 1, &boot->area, why);
		if (ret)
			return ret;
	}
	return load_raw(ram, img, len, addr, why);
}
