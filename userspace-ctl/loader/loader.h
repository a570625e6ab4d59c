/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Image loaders: put a guest image into guest RAM (an ordinary buffer, so
 * that the tests need no VM) and say how the vCPU starts.
 *
 * loaders[] (loader.c) is the list of formats, in the order they are
 * told apart: each has a probe (is this image mine?) and a load. Then:
 * raw.c, elf.c, multiboot.c, linux.c (bzImage and PVH vmlinux) load;
 * e820.c is the one memory map they all describe; mptable.c the MP
 * table of Linux guests; boot.c the vCPU's first state and tvmmctl's own
 * boot area.
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
 * tvmmctl's boot area, what it puts in guest RAM for protected and long
 * mode: a GDT, a TSS, page tables (long mode), a stack. Offsets from the
 * area's base, struct boot_info's @area: at base 0 (the default) they use
 * [0x500, 0x7c00). A loader whose image asks for that place moves the
 * area elsewhere in RAM (boot_area_place()).
 */
#define BOOT_GDT	0x500ULL
#define BOOT_TSS	0x580ULL
#define BOOT_PML4	0x1000ULL
#define BOOT_PDPT	0x2000ULL
#define BOOT_PD		0x3000ULL	/* 4 pages: 4 GiB in 2 MiB pages */
#define BOOT_STACK_TOP	0x7c00ULL
#define BOOT_AREA_END	0x7c00ULL

#define RAW_LOAD_ADDR	0x7c00ULL

/* tvmmctl's own GDT. */
#define BOOT_SEL_CODE64	0x08
#define BOOT_SEL_DATA	0x10
#define BOOT_SEL_CODE32	0x18
#define BOOT_SEL_TSS	0x20
/*
 * The GDT of Linux's boot protocols (Documentation/x86/boot.rst):
 * __BOOT_CS, 64-bit code for the 64-bit protocol and 32-bit code else,
 * and __BOOT_DS. 0x08 is null; the TSS stays at BOOT_SEL_TSS.
 */
#define LINUX_BOOT_CS	0x10
#define LINUX_BOOT_DS	0x18

/* Guest RAM: guest-physical [0, size) at hva. */
struct guest_ram {
	__u8 *hva;
	__u64 size;
};

/* Guest-physical [start, end). */
struct gpa_range {
	__u64 start, end;
};

/*
 * How the vCPU starts. @rax, @rbx, @rsi: what a boot protocol passes in
 * them (multiboot: EAX the magic, EBX the info block; Linux's 64-bit
 * protocol: RSI the zero page; PVH: EBX the start info), else 0. @area:
 * the base of tvmmctl's boot area. @linux_gdt: the GDT of Linux's boot
 * protocols instead of tvmmctl's.
 */
struct boot_info {
	enum boot_mode mode;
	__u64 entry;
	__u64 rax, rbx, rsi;
	__u64 area;
	bool linux_gdt;
};

int boot_setup(struct guest_ram *ram, const struct boot_info *boot,
	       struct tvmm_regs *regs, struct tvmm_sregs *sregs,
	       const char **why);
/*
 * The base for tvmmctl's boot area: 0 unless one of the @n ranges @busy
 * is in its way, else the lowest page after one of them that is free, in
 * RAM and below 4 GiB. 0, or -ENOSPC (and *why).
 */
int boot_area_place(const struct guest_ram *ram, const struct gpa_range *busy,
		    unsigned int n, __u64 *area, const char **why);
/* "real", "protected", "long": --mode's words. */
extern const char *const boot_mode_names[BOOT_NR_MODES];

/*
 * A multiboot module: what "--initrd" names for a multiboot kernel, as
 * QEMU's -initrd: @string is the module's string ("file args"), @data
 * its file.
 */
struct mb_module {
	char *string;
	const void *data;
	size_t len;
};

/* A reason with numbers in it, formatted in load_args' @why_buf. */
#define LOADER_WHY_MAX	256

/*
 * What the command line gives the loaders; each reads what its format
 * needs.
 * @image:	the image's name as given (multiboot: the start of the
 *		kernel's command line).
 * @cmdline:	--cmdline (NULL: none).
 * @initrd:	--initrd as given (NULL: none); its length shapes a
 *		multiboot layout, as in QEMU.
 * @mods:	multiboot: its modules, @nmods of them (mb_parse_modules()).
 * @initrd_data: Linux: the initramfs file, @initrd_len bytes.
 * @nr_cpus:	the vCPUs (Linux: the MP table's processors); 0 means 1.
 * @load_addr, @entry, @mode: raw images, when @has_load_addr,
 *		@has_entry, @has_mode.
 * @why_buf:	LOADER_WHY_MAX bytes for a reason with numbers (NULL: the
 *		reason goes without them).
 */
struct load_args {
	const char *image;
	const char *cmdline;
	const char *initrd;
	const struct mb_module *mods;
	unsigned int nmods;
	const void *initrd_data;
	size_t initrd_len;
	unsigned int nr_cpus;
	bool has_load_addr, has_entry, has_mode;
	__u64 load_addr, entry;
	enum boot_mode mode;
	char *why_buf;
};

/* What --initrd means for a format. */
enum loader_initrd {
	LOADER_INITRD_NONE,	/* nothing: refused */
	LOADER_INITRD_MODULES,	/* multiboot modules, "FILE ARGS,FILE ARGS" */
	LOADER_INITRD_FILE,	/* one file: Linux's initramfs */
};

/*
 * One image format.
 * @probe:	is @img of this format? Cheap, and true for a broken image
 *		of the format too, so that @load says what is wrong.
 * @default_mem: guest RAM without --mem (0: tvmmctl's default).
 * @raw_opts:	takes --load-addr, --entry and --mode.
 * @fw_cfg_cmdline: --cmdline also goes to fw_cfg (as QEMU does for all
 *		but multiboot kernels).
 */
struct loader {
	const char *name;
	bool (*probe)(const void *img, size_t len);
	int (*load)(struct guest_ram *ram, const void *img, size_t len,
		    const struct load_args *args, struct boot_info *boot,
		    const char **why);
	enum loader_initrd initrd;
	__u64 default_mem;
	bool raw_opts;
	bool fw_cfg_cmdline;
};

/* In probe order: multiboot, bzImage, PVH vmlinux, ELF, raw. */
extern const struct loader loaders[];
extern const unsigned int nr_loaders;
/* The first format whose probe takes @img (raw takes anything). */
const struct loader *loader_find(const void *img, size_t len);

/* raw.c: the bytes of the file at one guest-physical address. */
bool raw_probe(const void *img, size_t len);
int load_raw(struct guest_ram *ram, const void *img, size_t len,
	     __u64 load_addr, const char **why);
int load_raw_image(struct guest_ram *ram, const void *img, size_t len,
		   const struct load_args *args, struct boot_info *boot,
		   const char **why);

/* elf.c: ELF32 and ELF64 executables, by their program headers. */
bool image_is_elf(const void *img, size_t len);
int load_elf(struct guest_ram *ram, const void *img, size_t len,
	     struct boot_info *boot, const char **why);
int load_elf_image(struct guest_ram *ram, const void *img, size_t len,
		   const struct load_args *args, struct boot_info *boot,
		   const char **why);

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
 * The descriptor of the first note named @name of type @type in the
 * PT_NOTE segments of an ELF file: 0, -ENOENT (none, or not an ELF file
 * whose program headers can be read).
 */
int elf_find_note(const void *img, size_t len, const char *name, __u32 type,
		  const __u8 **desc, __u32 *descsz);

/*
 * e820.c: the PC's memory map, as SeaBIOS reports it on QEMU's PC (E820):
 * RAM below the EBDA, the EBDA (where Linux guests find their MP table),
 * the BIOS, RAM from 1 MiB, 128 KiB of firmware tables at the top of RAM
 * below the I/O APIC, the flash below 4 GiB. Multiboot's memory map,
 * Linux's zero page and PVH's memmap all say this.
 */
#define E820_RAM		1
#define E820_RESERVED		2
#define E820_MAX_ENTRIES	6
#define E820_EBDA		0x9fc00ULL
#define E820_HIGH		0x100000ULL	/* 1 MiB */
#define E820_FW_TABLES		0x20000ULL
#define E820_MIN_RAM		(2ULL << 20)	/* room for all of it */

struct e820_entry {
	__u64 addr, size;
	__u32 type;
};

/* The map for @ram_size (at least E820_MIN_RAM); its number of entries. */
unsigned int e820_map(__u64 ram_size, struct e820_entry *map);
/* The end of the RAM from 1 MiB: where the firmware tables start. */
__u64 e820_ram_top(__u64 ram_size);

/*
 * multiboot.c: multiboot 0.6.96 kernels, loaded as QEMU's -kernel loads
 * them. The memory map and the info block go where QEMU's option ROM
 * puts them, unless the kernel or its modules are there (then after them).
 */
#define MB_MMAP_ADDR		0x9000ULL
#define MB_INFO_OFF		0x500ULL	/* the info block after the map */
#define MB_INFO_ADDR		(MB_MMAP_ADDR + MB_INFO_OFF)
#define MB_INFO_SIZE		88
#define MB_BOOT_MAGIC		0x2badb002
#define MB_LOADER_NAME		"tvmmctl"
#define MB_MIN_MEM		E820_MIN_RAM

bool mb_probe(const void *img, size_t len);
/* 0 and the header's offset; -ENOENT: none; -EBADMSG: bad checksum. */
int mb_find_header(const void *img, size_t len, size_t *off);
int mb_parse_modules(const char *spec, struct mb_module **mods,
		     unsigned int *nmods);
void mb_free_modules(struct mb_module *mods, unsigned int nmods);
/* The file a module's string names: up to the first space. */
size_t mb_module_name_len(const char *string);
int load_multiboot(struct guest_ram *ram, const void *img, size_t len,
		   const struct load_args *args, struct boot_info *boot,
		   const char **why);

/*
 * linux.c: Linux kernels. A bzImage through the 64-bit boot protocol
 * (the zero page at LINUX_BOOT_PARAMS, RSI), a vmlinux ELF through its
 * Xen PVH entry (hvm_start_info at LINUX_BOOT_PARAMS, EBX), as QEMU's
 * -kernel starts one. Both get the command line at LINUX_CMDLINE, the
 * initramfs at the top of RAM below 4 GiB, the MP table (mptable.c).
 */
#define LINUX_DEFAULT_MEM	(256ULL << 20)
#define LINUX_BOOT_PARAMS	0x8000ULL
#define LINUX_CMDLINE		0x20000ULL
#define LINUX_KERNEL_ENTRY_64	0x200	/* from the load address */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define XEN_HVM_START_MAGIC	0x336ec578

bool bzimage_probe(const void *img, size_t len);
int load_bzimage(struct guest_ram *ram, const void *img, size_t len,
		 const struct load_args *args, struct boot_info *boot,
		 const char **why);
bool pvh_probe(const void *img, size_t len);
int load_pvh(struct guest_ram *ram, const void *img, size_t len,
	     const struct load_args *args, struct boot_info *boot,
	     const char **why);

/*
 * mptable.c: the MP table of a Linux guest at MPTABLE_ADDR (mptable.h):
 * @nr_cpus processors (1 to 254). 0, or -EINVAL/-EFBIG and *why.
 */
int mptable_write(struct guest_ram *ram, unsigned int nr_cpus,
		  const char **why);
/* Its size in bytes, floating pointer included. */
size_t mptable_size(unsigned int nr_cpus);

#endif /* TVMMCTL_LOADER_H */
