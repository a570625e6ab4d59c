// SPDX-License-Identifier: GPL-2.0
/*
 * Linux kernels, with no BIOS and no real-mode setup code:
 *  - a bzImage through the 64-bit boot protocol (Documentation/x86/boot.rst
 *    of Linux 6.1): boot protocol 2.12 or later with XLF_KERNEL_64; the
 *    protected-mode payload (the file from (setup_sects + 1) * 512) at
 *    pref_address, which it needs init_size bytes from; the zero page
 *    (struct boot_params) with the setup header copied from the file's
 *    0x1f1 up to 0x202 + its byte at 0x201, and nothing before it (the
 *    sentinel at 0x1ef stays 0, or the kernel clears fields it thinks a
 *    loader left stale); entry at the payload + 0x200 in long mode, RSI =
 *    the zero page, CS = __BOOT_CS, DS/ES/SS = __BOOT_DS, interrupts off;
 *  - a vmlinux ELF through its Xen PVH entry note
 *    (XEN_ELFNOTE_PHYS32_ENTRY), as QEMU's -kernel starts one: the
 *    segments at their p_paddr, hvm_start_info version 1 (command line,
 *    the initramfs as module 0, the e820 map as memmap, no ACPI RSDP),
 *    entry at the note's address in flat 32-bit protected mode, paging
 *    off, EBX = the start info. testvm/boot/shim.c builds the same for the
 *    Bochs machine.
 * Both: the zero page or the start info at LINUX_BOOT_PARAMS, the command
 * line at LINUX_CMDLINE, the MP table in the EBDA (mptable.c); tvmmctl's
 * boot area below them; the initramfs page-aligned at the top of RAM below
 * 4 GiB (below initrd_addr_max for a bzImage), as QEMU puts it, above
 * the kernel's memory. Everything is checked before anything is copied.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <asm/bootparam.h>

#include "lib/util.h"
#include "loader/loader.h"
#include "loader/mptable.h"

#define LINUX_HDR		0x1f1	/* the setup header in the file */
#define LINUX_HDR_LEN_BYTE	0x201	/* its end: 0x202 + this byte */
#define LINUX_HDR_MAGIC_OFF	0x202
#define LINUX_HDR_MAGIC		0x53726448	/* "HdrS" */
#define LINUX_HDR_VERSION_END	0x208
#define LINUX_HDR_MIN_END	0x268	/* 2.12's: up to handover_offset */
#define LINUX_BOOT_FLAG		0xaa55
#define LINUX_MIN_VERSION	0x020c	/* 2.12: xloadflags, 64-bit entry */
#define LINUX_LOADER_UNDEFINED	0xff	/* type_of_loader: no ID */
#define LINUX_VID_MODE_NORMAL	0xffff
#define LINUX_PAGE		4096ULL
#define LINUX_4G		0x100000000ULL
#define LINUX_CMDLINE_MAX	(MPTABLE_ADDR - LINUX_CMDLINE)

static_assert(sizeof(struct boot_params) == LINUX_PAGE, "the zero page");
static_assert(BOOT_AREA_END <= LINUX_BOOT_PARAMS, "the boot area, then the zero page");
static_assert(LINUX_BOOT_PARAMS + LINUX_PAGE <= LINUX_CMDLINE,
	      "the zero page, then the command line");

/* include/xen/interface/hvm/start_info.h, version 1. */
struct hvm_start_info {
	__u32 magic, version, flags, nr_modules;
	__u64 modlist_paddr, cmdline_paddr, rsdp_paddr;
	__u64 memmap_paddr;
	__u32 memmap_entries, reserved;
};

struct hvm_modlist_entry {
	__u64 paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_table_entry {
	__u64 addr, size;
	__u32 type, reserved;
};

static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");
static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
	      "hvm_memmap_table_entry");

/* The start info, then the module list, then the memmap, in one page. */
#define PVH_MODLIST		(LINUX_BOOT_PARAMS + 0x40)
#define PVH_MEMMAP		(LINUX_BOOT_PARAMS + 0x80)
static_assert(LINUX_BOOT_PARAMS + sizeof(struct hvm_start_info) <= PVH_MODLIST &&
	      PVH_MODLIST + sizeof(struct hvm_modlist_entry) <= PVH_MEMMAP &&
	      PVH_MEMMAP + E820_MAX_ENTRIES *
	      sizeof(struct hvm_memmap_table_entry) <=
	      LINUX_BOOT_PARAMS + LINUX_PAGE, "the PVH page");

/* Where a kernel goes, and what its initramfs and command line are. */
struct linux_layout {
	__u64 load, end;	/* the kernel's memory, [load, end) */
	__u64 initrd_max;	/* the initramfs ends below this */
	__u64 initrd;		/* its address (0: none) */
};

static __u64 page_align(__u64 x)
{
	return (x + LINUX_PAGE - 1) & ~(LINUX_PAGE - 1);
}

static int fail(const char **why, const char *msg, int err)
{
	*why = msg;
	return err;
}

/* A reason with numbers, in @a's why_buf. */
static int failf(const struct load_args *a, const char **why, int err,
		 const char *fmt, ...)
{
	va_list ap;

	if (!a->why_buf)
		return fail(why, "bad Linux image or options", err);
	va_start(ap, fmt);
	vsnprintf(a->why_buf, LOADER_WHY_MAX, fmt, ap);
	va_end(ap);
	*why = a->why_buf;
	return err;
}

static __u32 get32(const __u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static __u64 mib_up(__u64 bytes)
{
	return (bytes + (1ULL << 20) - 1) >> 20;
}

/*
 * The command line, the vCPU count and the memory: the kernel's memory
 * [l->load, l->end) and the initramfs must fit below the firmware's
 * tables, the initramfs below l->initrd_max too. Sets l->initrd.
 */
static int linux_check(const struct guest_ram *ram,
		       const struct load_args *a, __u64 cmdline_max,
		       struct linux_layout *l, const char **why)
{
	size_t cmdline_len = a->cmdline ? strlen(a->cmdline) : 0;
	__u64 top = e820_ram_top(ram->size), need, limit;

	if (cmdline_len > cmdline_max)
		return failf(a, why, -E2BIG,
			     "command line of %zu bytes: this kernel takes %llu at most",
			     cmdline_len, (unsigned long long)cmdline_max);
	if (mptable_size(a->nr_cpus ? a->nr_cpus : 1) > MPTABLE_SPACE)
		return failf(a, why, -EINVAL,
			     "%u vCPUs: more than the MP table has room for",
			     a->nr_cpus);
	if (a->initrd_data && !a->initrd_len)
		return fail(why, "the initrd is empty", -EINVAL);
	if (l->load < E820_HIGH)
		return fail(why, "kernel below 1 MiB, where tvmmctl keeps its boot structures",
			    -EINVAL);
	need = page_align(l->end) + page_align(a->initrd_len);
	if (ram->size < E820_MIN_RAM || need > top)
		return failf(a, why, -EFBIG,
			     "too little guest RAM: this kernel needs --mem %lluM or more (kernel [0x%llx, 0x%llx) with what it needs to start, initrd of %llu KiB, 128 KiB of firmware tables)",
			     (unsigned long long)mib_up(need + E820_FW_TABLES),
			     (unsigned long long)l->load,
			     (unsigned long long)l->end,
			     (unsigned long long)(page_align(a->initrd_len) >> 10));
	l->initrd = 0;
	if (!a->initrd_len)
		return 0;
	limit = top < l->initrd_max ? top : l->initrd_max;
	if (limit < a->initrd_len ||
	    ((limit - a->initrd_len) & ~(LINUX_PAGE - 1)) < page_align(l->end))
		return failf(a, why, -EFBIG,
			     "the initrd (%zu bytes) does not fit between the kernel's end (0x%llx) and the highest address it may use (0x%llx, initrd_addr_max)",
			     a->initrd_len, (unsigned long long)l->end,
			     (unsigned long long)l->initrd_max - 1);
	l->initrd = (limit - a->initrd_len) & ~(LINUX_PAGE - 1);
	return 0;
}

/* The command line, the initramfs and the MP table. */
static void linux_write_common(struct guest_ram *ram,
			       const struct load_args *a,
			       const struct linux_layout *l)
{
	const char *cmdline = a->cmdline ? a->cmdline : "";
	const char *why;

	memcpy(ram->hva + LINUX_CMDLINE, cmdline, strlen(cmdline) + 1);
	if (l->initrd)
		memcpy(ram->hva + l->initrd, a->initrd_data, a->initrd_len);
	mptable_write(ram, a->nr_cpus ? a->nr_cpus : 1, &why);
}

bool bzimage_probe(const void *img, size_t len)
{
	return len >= LINUX_HDR_MAGIC_OFF + 4 &&
	       get32((const __u8 *)img + LINUX_HDR_MAGIC_OFF) == LINUX_HDR_MAGIC;
}

/* The setup header: what tvmmctl needs of it, checked against the file. */
static int bzimage_header(const __u8 *b, size_t len, const struct load_args *a,
			  struct setup_header *h, size_t *hdr_end,
			  const char **why)
{
	size_t n;

	*hdr_end = LINUX_HDR_MAGIC_OFF + (size_t)b[LINUX_HDR_LEN_BYTE];
	if (*hdr_end > len)
		return fail(why, "truncated bzImage: the setup header is past the end",
			    -ENOEXEC);
	if (*hdr_end < LINUX_HDR_VERSION_END)
		return fail(why, "corrupt bzImage: the setup header ends before its version",
			    -ENOEXEC);
	n = *hdr_end - LINUX_HDR;
	memset(h, 0, sizeof(*h));
	memcpy(h, b + LINUX_HDR, n < sizeof(*h) ? n : sizeof(*h));
	if (h->boot_flag != LINUX_BOOT_FLAG)
		return fail(why, "corrupt bzImage: no 0xaa55 boot flag at 0x1fe",
			    -ENOEXEC);
	if (h->version < LINUX_MIN_VERSION)
		return failf(a, why, -ENOEXEC,
			     "Linux boot protocol %u.%02u is too old: tvmmctl needs 2.12 or later (its 64-bit entry)",
			     h->version >> 8, h->version & 0xff);
	if (*hdr_end < LINUX_HDR_MIN_END)
		return failf(a, why, -ENOEXEC,
			     "corrupt bzImage: the setup header ends at 0x%zx, before init_size",
			     *hdr_end);
	if (!(h->xloadflags & XLF_KERNEL_64))
		return fail(why, "no 64-bit entry point (XLF_KERNEL_64): a 32-bit kernel?",
			    -ENOEXEC);
	if (!(h->loadflags & LOADED_HIGH))
		return fail(why, "a zImage, loaded below 1 MiB: tvmmctl loads only bzImages",
			    -ENOEXEC);
	return 0;
}

/* Where the payload goes: pref_address, or the aligned place above 1 MiB. */
static int bzimage_place(const struct setup_header *h, const struct load_args *a,
			 __u64 payload_len, struct linux_layout *l,
			 const char **why)
{
	__u64 align = h->kernel_alignment;

	if (h->relocatable_kernel && (!align || align & (align - 1)))
		return failf(a, why, -ENOEXEC,
			     "corrupt bzImage: kernel_alignment 0x%llx",
			     (unsigned long long)align);
	l->load = h->pref_address;
	if (l->load < E820_HIGH ||
	    (h->relocatable_kernel && l->load & (align - 1))) {
		if (!h->relocatable_kernel)
			return failf(a, why, -EINVAL,
				     "this kernel is not relocatable and wants to be at 0x%llx",
				     (unsigned long long)h->pref_address);
		if (l->load < E820_HIGH)
			l->load = E820_HIGH;
		l->load = (l->load + align - 1) & ~(align - 1);
	}
	if (l->load >= LINUX_4G)
		return failf(a, why, -EINVAL,
			     "this kernel wants to be at 0x%llx, above 4 GiB",
			     (unsigned long long)l->load);
	l->end = l->load + (h->init_size > payload_len ? h->init_size :
			    payload_len);
	l->initrd_max = (__u64)h->initrd_addr_max + 1;
	return 0;
}

/* The zero page: the setup header from the file, then what a loader sets. */
static void bzimage_zero_page(struct guest_ram *ram, const __u8 *b,
			      size_t hdr_end, const struct load_args *a,
			      const struct linux_layout *l)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	struct boot_params bp;
	unsigned int i, n;

	memset(&bp, 0, sizeof(bp));
	memcpy((__u8 *)&bp + LINUX_HDR, b + LINUX_HDR, hdr_end - LINUX_HDR);
	bp.hdr.type_of_loader = LINUX_LOADER_UNDEFINED;
	bp.hdr.vid_mode = LINUX_VID_MODE_NORMAL;
	bp.hdr.cmd_line_ptr = LINUX_CMDLINE;
	bp.ext_cmd_line_ptr = LINUX_CMDLINE >> 32;
	bp.hdr.ramdisk_image = l->initrd;
	bp.ext_ramdisk_image = l->initrd >> 32;
	bp.hdr.ramdisk_size = a->initrd_len;
	bp.ext_ramdisk_size = (__u64)a->initrd_len >> 32;
	n = e820_map(ram->size, map);
	for (i = 0; i < n; i++) {
		bp.e820_table[i].addr = map[i].addr;
		bp.e820_table[i].size = map[i].size;
		bp.e820_table[i].type = map[i].type;
	}
	bp.e820_entries = n;
	memcpy(ram->hva + LINUX_BOOT_PARAMS, &bp, sizeof(bp));
}

int load_bzimage(struct guest_ram *ram, const void *img, size_t len,
		 const struct load_args *args, struct boot_info *boot,
		 const char **why)
{
	const __u8 *b = img;
	struct linux_layout l;
	struct setup_header h;
	__u64 payload, cmdline_max;
	size_t hdr_end;
	int ret;

	memset(boot, 0, sizeof(*boot));
	if (!bzimage_probe(img, len))
		return fail(why, "not a bzImage (no HdrS setup header)", -ENOEXEC);
	ret = bzimage_header(b, len, args, &h, &hdr_end, why);
	if (ret)
		return ret;
	payload = ((__u64)(h.setup_sects ? h.setup_sects : 4) + 1) * 512;
	if (payload >= len)
		return fail(why, "truncated bzImage: no protected-mode kernel after the setup code",
			    -ENOEXEC);
	ret = bzimage_place(&h, args, len - payload, &l, why);
	if (ret)
		return ret;
	cmdline_max = h.cmdline_size < LINUX_CMDLINE_MAX ? h.cmdline_size :
			LINUX_CMDLINE_MAX - 1;
	ret = linux_check(ram, args, cmdline_max, &l, why);
	if (ret)
		return ret;

	memcpy(ram->hva + l.load, b + payload, len - payload);
	bzimage_zero_page(ram, b, hdr_end, args, &l);
	linux_write_common(ram, args, &l);
	boot->mode = BOOT_LONG;
	boot->entry = l.load + LINUX_KERNEL_ENTRY_64;
	boot->rsi = LINUX_BOOT_PARAMS;
	boot->linux_gdt = true;
	return 0;
}

/* The PVH entry's address: 0, or -ENOENT (no note), -ENOEXEC (corrupt). */
static int pvh_entry(const void *img, size_t len, __u64 *entry)
{
	const __u8 *desc;
	__u32 descsz;
	__u64 v = 0;

	if (elf_find_note(img, len, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &desc,
			  &descsz))
		return -ENOENT;
	if (descsz != 4 && descsz != 8)
		return -ENOEXEC;
	memcpy(&v, desc, descsz);
	if (v >> 32)
		return -ENOEXEC;
	*entry = v;
	return 0;
}

bool pvh_probe(const void *img, size_t len)
{
	__u64 entry;

	return pvh_entry(img, len, &entry) != -ENOENT;
}

static void pvh_start_info(struct guest_ram *ram, const struct load_args *a,
			   const struct linux_layout *l)
{
	struct hvm_memmap_table_entry mm[E820_MAX_ENTRIES] = { 0 };
	struct e820_entry map[E820_MAX_ENTRIES];
	struct hvm_modlist_entry mod = { 0 };
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC,
		.version = 1,
		.cmdline_paddr = LINUX_CMDLINE,
		.memmap_paddr = PVH_MEMMAP,
	};
	unsigned int i;

	si.memmap_entries = e820_map(ram->size, map);
	for (i = 0; i < si.memmap_entries; i++) {
		mm[i].addr = map[i].addr;
		mm[i].size = map[i].size;
		mm[i].type = map[i].type;
	}
	if (l->initrd) {
		si.nr_modules = 1;
		si.modlist_paddr = PVH_MODLIST;
		mod.paddr = l->initrd;
		mod.size = a->initrd_len;
	}
	memset(ram->hva + LINUX_BOOT_PARAMS, 0, LINUX_PAGE);
	memcpy(ram->hva + LINUX_BOOT_PARAMS, &si, sizeof(si));
	memcpy(ram->hva + PVH_MODLIST, &mod, sizeof(mod));
	memcpy(ram->hva + PVH_MEMMAP, mm, si.memmap_entries * sizeof(mm[0]));
}

int load_pvh(struct guest_ram *ram, const void *img, size_t len,
	     const struct load_args *args, struct boot_info *boot,
	     const char **why)
{
	/* The segments are checked against 4 GiB, then against --mem. */
	struct guest_ram all = { NULL, LINUX_4G };
	struct linux_layout l;
	struct elf_image elf;
	unsigned int i;
	__u64 entry;
	int ret;

	memset(boot, 0, sizeof(*boot));
	ret = pvh_entry(img, len, &entry);
	if (ret == -ENOENT)
		return fail(why, "no Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) in the ELF file",
			    -ENOEXEC);
	if (ret)
		return fail(why, "corrupt Xen PVH entry note", -ENOEXEC);
	ret = elf_check(&all, img, len, &elf, why);
	if (ret)
		return ret;
	for (i = 0; i < elf.nseg; i++)
		if (entry - elf.segs[i].paddr < elf.segs[i].memsz)
			break;
	if (i == elf.nseg)
		return failf(args, why, -ENOEXEC,
			     "the PVH entry point 0x%llx is outside the loaded segments",
			     (unsigned long long)entry);
	l.load = elf.low;
	l.end = elf.high;
	l.initrd_max = LINUX_4G;
	ret = linux_check(ram, args, LINUX_CMDLINE_MAX - 1, &l, why);
	if (ret)
		return ret;

	elf_copy(ram, img, &elf);
	pvh_start_info(ram, args, &l);
	linux_write_common(ram, args, &l);
	boot->mode = BOOT_PROTECTED;
	boot->entry = entry;
	boot->rbx = LINUX_BOOT_PARAMS;
	boot->linux_gdt = true;
	return 0;
}
