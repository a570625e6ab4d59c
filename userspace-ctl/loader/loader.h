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

/*
 * Real mode starts at CS:IP = 0000:entry like a BIOS jump to a boot
 * sector, or at (entry >> 4):(entry & 0xf) for an entry above 64 KiB.
 */
enum boot_mode {
	BOOT_REAL,		/* 16-bit */
	BOOT_PROTECTED,		/* 32-bit flat, paging off */
	BOOT_LONG,		/* 64-bit, the first 4 GiB identity-mapped */
	BOOT_NR_MODES
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

/*
 * How the vCPU starts. @rax and @rbx: what a boot protocol passes in them
 * (multiboot: the magic and the info block), else 0.
 */
struct boot_info {
	enum boot_mode mode;
	__u64 entry;
	__u64 rax, rbx;
};

bool image_is_elf(const void *img, size_t len);
int load_raw(struct guest_ram *ram, const void *img, size_t len,
	     __u64 load_addr, const char **why);
int load_elf(struct guest_ram *ram, const void *img, size_t len,
	     struct boot_info *boot, const char **why);

/* An ELF executable checked against guest RAM by elf_check(), not copied. */
#define ELF_MAX_PHNUM	64

struct elf_seg {
	__u64 offset, paddr, filesz, memsz;
};

struct elf_image {
	bool is64;
	__u64 entry;
	__u64 low, high;	/* lowest p_paddr, highest p_paddr + p_memsz */
	unsigned int nseg;
	struct elf_seg segs[ELF_MAX_PHNUM];	/* PT_LOAD, p_memsz > 0 */
};

int elf_check(const struct guest_ram *ram, const void *img, size_t len,
	      struct elf_image *elf, const char **why);
void elf_copy(struct guest_ram *ram, const void *img,
	      const struct elf_image *elf);

/*
 * Multiboot 0.6.96 kernels (multiboot.c), loaded as QEMU's -kernel loads
 * them. A module: what "--initrd" names, as QEMU's -initrd for a multiboot
 * kernel: @string is the module's string ("file args"), @data its file.
 */
struct mb_module {
	char *string;
	const void *data;
	size_t len;
};

/*
 * @image:	the kernel's name as given, the start of its command line.
 * @cmdline:	the rest of its command line (NULL: none).
 * @initrd:	the --initrd text as given (NULL: none); its length shapes
 *		the layout, as in QEMU.
 * @mods:	its modules, @nmods of them (mb_parse_modules()).
 */
struct mb_args {
	const char *image;
	const char *cmdline;
	const char *initrd;
	const struct mb_module *mods;
	unsigned int nmods;
};

/* Where QEMU's option ROM puts the E820 map and the info block. */
#define MB_MMAP_ADDR		0x9000ULL
#define MB_INFO_ADDR		0x9500ULL
#define MB_INFO_SIZE		88
#define MB_BOOT_MAGIC		0x2badb002
#define MB_LOADER_NAME		"tvmmctl"
#define MB_MIN_MEM		(2ULL << 20)

/* 0 and the header's offset; -ENOENT: none; -EBADMSG: bad checksum. */
int mb_find_header(const void *img, size_t len, size_t *off);
int mb_parse_modules(const char *spec, struct mb_module **mods,
		     unsigned int *nmods);
void mb_free_modules(struct mb_module *mods, unsigned int nmods);
/* The file a module's string names: up to the first space. */
size_t mb_module_name_len(const char *string);
int load_multiboot(struct guest_ram *ram, const void *img, size_t len,
		   const struct mb_args *args, struct boot_info *boot,
		   const char **why);
int boot_setup(struct guest_ram *ram, const struct boot_info *boot,
	       struct tvmm_regs *regs, struct tvmm_sregs *sregs,
	       const char **why);
/* "real", "protected", "long": --mode's words. */
extern const char *const boot_mode_names[BOOT_NR_MODES];

#endif /* TVMMCTL_LOADER_H */
