/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Image loaders: put a guest image into guest RAM (an ordinary buffer, so
 * that the tests need no VM) and say how the vCPU starts.
 *
 * Every function returns 0 or a negative errno and sets *why to a short
 * reason for the user; none prints or exits.
 */
#ifndef TVMMCTL_LOADER_H
#define TVMMCTL_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "uapi/tvmm.h"

enum boot_mode {
	BOOT_REAL,		/* 16-bit, CS:IP = entry >> 4 : entry & 0xf */
	BOOT_PROTECTED,		/* 32-bit flat, paging off */
	BOOT_LONG,		/* 64-bit, the first 4 GiB identity-mapped */
};

/*
 * What tvmmctl itself puts in low guest RAM for protected and long mode
 * (a GDT, page tables, a stack): images must stay out of [0, BOOT_AREA_END).
 */
#define BOOT_GDT	0x500ULL
#define BOOT_TSS	0x580ULL
#define BOOT_PML4	0x1000ULL
#define BOOT_PDPT	0x2000ULL
#define BOOT_PD		0x3000ULL	/* 4 pages: 4 GiB in 2 MiB pages */
#define BOOT_STACK_TOP	0x7c00ULL
#define BOOT_AREA_END	0x7c00ULL

#define RAW_LOAD_ADDR	0x7c00ULL

#define BOOT_SEL_CODE64	0x08
#define BOOT_SEL_DATA	0x10
#define BOOT_SEL_CODE32	0x18
#define BOOT_SEL_TSS	0x20

/* Guest RAM: guest-physical [0, size) at hva. */
struct guest_ram {
	__u8 *hva;
	__u64 size;
};

struct boot_info {
	enum boot_mode mode;
	__u64 entry;
};

bool image_is_elf(const void *img, size_t len);
int load_raw(struct guest_ram *ram, const void *img, size_t len,
	     __u64 load_addr, const char **why);
int load_elf(struct guest_ram *ram, const void *img, size_t len,
	     struct boot_info *boot, const char **why);
int boot_setup(struct guest_ram *ram, const struct boot_info *boot,
	       struct tvmm_regs *regs, struct tvmm_sregs *sregs,
	       const char **why);
const char *boot_mode_name(enum boot_mode mode);

#endif /* TVMMCTL_LOADER_H */
