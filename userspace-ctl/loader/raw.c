// SPDX-License-Identifier: GPL-2.0
/*
 * Raw images: the bytes of the file at one guest-physical address, by
 * default 0x7c00 like a boot sector.
 */
#include <errno.h>
#include <string.h>

#include "loader/loader.h"

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
