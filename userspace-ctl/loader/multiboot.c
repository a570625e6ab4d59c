// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot 0.6.96 kernels, loaded the way QEMU's -kernel loads them
 * (hw/i386/multiboot.c and its option ROM, on SeaBIOS), so that a kernel
 * finds the same things, at the same addresses, under both:
 *  - the header: the first magic with a good checksum in the first 8 KiB
 *    of the file, 4-byte aligned;
 *  - the kernel: with flags bit 16 (the a.out kludge) the file from
 *    header_addr - load_addr bytes before the header, to load_addr, up to
 *    load_end_addr, zeroed up to bss_end_addr; else the ELF32 program
 *    headers (elf.c);
 *  - from the first page boundary after the kernel (counted from its
 *    lowest address): the module list (16 bytes a module), the module
 *    strings, the kernel's command line ("IMAGE CMDLINE", as QEMU writes
 *    it), the boot loader's name; then each module, page-aligned;
 *  - the memory map at 0x9000 and the info block at 0x9500, where QEMU's
 *    option ROM writes them; the map is the one SeaBIOS gives QEMU's PC
 *    (e820.c). A kernel may be loaded there: QEMU then writes them under
 *    the kernel, which finds zeros in its info block (QEMU 7.2 with a
 *    kernel at 0x8000); tvmmctl puts them after the kernel's data instead;
 *  - tvmmctl's boot area (GDT, stack) below 0x7c00, or elsewhere if the
 *    kernel is there (boot_area_place()).
 * The vCPU starts in flat 32-bit protected mode, paging off, EAX =
 * 0x2badb002, EBX = the info block (the specification's section 3.2).
 * Everything is checked before anything is copied.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "loader/loader.h"

#define MB_HEADER_MAGIC		0x1badb002
#define MB_SEARCH_END		(8192 - 48)	/* QEMU's bound */
#define MB_HEADER_LEN		12
#define MB_AOUT_HEADER_LEN	32

/* Header flags: bits 0-15 must be honoured, 16-31 are optional. */
#define MB_FLAG_PAGE_ALIGN	0x00000001	/* modules page-aligned */
#define MB_FLAG_MEMORY_INFO	0x00000002	/* mem_* and the map */
#define MB_FLAG_VIDEO_MODE	0x00000004	/* ignored, as QEMU does */
#define MB_FLAG_AOUT_KLUDGE	0x00010000
#define MB_FLAGS_REQUIRED	0x0000ffff
#define MB_FLAGS_KNOWN		(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | \
				 MB_FLAG_VIDEO_MODE)

/* Info block flags: what QEMU fills in. */
#define MBI_MEMORY		0x001
#define MBI_BOOTDEV		0x002
#define MBI_CMDLINE		0x004
#define MBI_MODS		0x008
#define MBI_MMAP		0x040
#define MBI_LOADER_NAME		0x200
#define MBI_FLAGS		(MBI_MEMORY | MBI_BOOTDEV | MBI_CMDLINE | \
				 MBI_MODS | MBI_MMAP | MBI_LOADER_NAME)
#define MBI_BOOT_DEVICE		0x8000ffff	/* QEMU's: BIOS disk 0x80 */

#define MB_PAGE			4096ULL
#define MB_MOD_ENTRY_LEN	16
#define MB_MMAP_ENTRY_LEN	24

#define MB_4G			0x100000000ULL

struct mb_header {
	__u32 magic, flags, checksum;
	__u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* The kernel's place in RAM: [low, high), and how to put it there. */
struct mb_kernel {
	__u64 low, high, entry;
	bool is_elf;
	struct elf_image elf;
	__u64 file_off, file_len;	/* a.out: the bytes copied to low */
};

static int mb_fail(const char **why, const char *msg, int err)
{
	*why = msg;
	return err;
}

static __u32 get32(const __u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static __u64 page_align(__u64 x)
{
	return (x + MB_PAGE - 1) & ~(MB_PAGE - 1);
}

int mb_find_header(const void *img, size_t len, size_t *off)
{
	const __u8 *b = img;
	bool seen = false;
	size_t i;

	for (i = 0; i < MB_SEARCH_END && i + MB_HEADER_LEN <= len; i += 4) {
		if (get32(b + i) != MB_HEADER_MAGIC)
			continue;
		if (get32(b + i) + get32(b + i + 4) + get32(b + i + 8) == 0) {
			*off = i;
			return 0;
		}
		seen = true;
	}
	return seen ? -EBADMSG : -ENOENT;
}

/* Even a header with a bad checksum: that is no other format either. */
bool mb_probe(const void *img, size_t len)
{
	size_t off;

	return mb_find_header(img, len, &off) != -ENOENT;
}

static void read_header(const __u8 *b, size_t off, size_t len,
			struct mb_header *h)
{
	__u32 *f = &h->magic;
	size_t i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < sizeof(*h) / 4 && off + i * 4 + 4 <= len; i++)
		f[i] = get32(b + off + i * 4);
}

/* The a.out kludge: addresses from the header (QEMU's checks, and more). */
static int aout_kernel(const struct mb_header *h, size_t off, size_t len,
		       struct mb_kernel *k, const char **why)
{
	__u64 text_off, load_len, mem_len;

	if (off + MB_AOUT_HEADER_LEN > len)
		return mb_fail(why, "truncated multiboot header (a.out kludge)",
			       -ENOEXEC);
	if (h->header_addr < h->load_addr ||
	    h->header_addr - h->load_addr > off)
		return mb_fail(why, "a.out kludge: header_addr and load_addr do not fit the file",
			       -ENOEXEC);
	text_off = off - (h->header_addr - h->load_addr);
	if (!h->load_end_addr) {
		load_len = len - text_off;
	} else {
		if (h->load_end_addr < h->load_addr)
			return mb_fail(why, "a.out kludge: load_end_addr below load_addr",
				       -ENOEXEC);
		load_len = h->load_end_addr - h->load_addr;
		if (load_len > len - text_off)
			return mb_fail(why, "a.out kludge: load_end_addr past the end of the file",
				       -ENOEXEC);
	}
	mem_len = load_len;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < h->load_addr + load_len)
			return mb_fail(why, "a.out kludge: bss_end_addr below load_end_addr",
				       -ENOEXEC);
		mem_len = h->bss_end_addr - h->load_addr;
	}
	if (!mem_len)
		return mb_fail(why, "a.out kludge: nothing to load", -ENOEXEC);
	if (h->load_addr + mem_len > MB_4G)
		return mb_fail(why, "a.out kludge: kernel beyond 4 GiB", -EFBIG);
	if (h->entry_addr < h->load_addr ||
	    h->entry_addr >= h->load_addr + mem_len)
		return mb_fail(why, "a.out kludge: entry_addr outside the kernel",
			       -ENOEXEC);
	k->is_elf = false;
	k->low = h->load_addr;
	k->high = h->load_addr + mem_len;
	k->entry = h->entry_addr;
	k->file_off = text_off;
	k->file_len = load_len;
	return 0;
}

static int elf_kernel(const struct guest_ram *ram, const void *img,
		      size_t len, struct mb_kernel *k, const char **why)
{
	int ret;

	if (!image_is_elf(img, len))
		return mb_fail(why, "multiboot kernel is neither ELF nor a.out kludge (bit 16)",
			       -ENOEXEC);
	ret = elf_check(ram, img, len, &k->elf, why);
	if (ret)
		return ret;
	if (k->elf.is64)
		return mb_fail(why, "multiboot kernel is ELF64: multiboot wants ELF32",
			       -ENOEXEC);
	k->is_elf = true;
	k->low = k->elf.low;
	k->high = k->elf.high;
	k->entry = k->elf.entry;
	return 0;
}

/*
 * Whether a multiboot kernel and its data may end at @end: below the
 * firmware's tables (e820.c). Low RAM is all theirs, as under QEMU: the
 * BIOS area between 640 KiB and 1 MiB is RAM in tvmmctl's single slot (a
 * kernel linked at 1 MiB by GCC's default script puts its ELF headers in
 * a read-only segment at 0xff000), and what tvmmctl keeps in low RAM
 * moves out of the kernel's way.
 */
static bool mb_loadable(const struct guest_ram *ram, __u64 end)
{
	return end <= e820_ram_top(ram->size);
}

static void put32(struct guest_ram *ram, __u64 addr, __u32 val)
{
	__u8 *p = ram->hva + addr;

	p[0] = val;
	p[1] = val >> 8;
	p[2] = val >> 16;
	p[3] = val >> 24;
}

/*
 * The memory map at @mmap, as the option ROM copies it from the BIOS's
 * E820 map: entries of 24 bytes (size 20, base, length, type). Returns
 * its length in bytes.
 */
static __u32 write_mmap(struct guest_ram *ram, __u64 mmap)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	unsigned int i, n = e820_map(ram->size, map);
	__u64 e = mmap;

	for (i = 0; i < n; i++, e += MB_MMAP_ENTRY_LEN) {
		put32(ram, e, MB_MMAP_ENTRY_LEN - 4);
		put32(ram, e + 4, map[i].addr);
		put32(ram, e + 8, map[i].addr >> 32);
		put32(ram, e + 12, map[i].size);
		put32(ram, e + 16, map[i].size >> 32);
		put32(ram, e + 20, map[i].type);
	}
	return e - mmap;
}

/* Copy @s with its NUL to @addr; the address after it. */
static __u64 put_str(struct guest_ram *ram, __u64 addr, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(ram->hva + addr, s, n);
	return addr + n;
}

/*
 * The layout, QEMU's arithmetic (offsets from the kernel's lowest
 * address): the module list at the first page boundary after the kernel;
 * room for every string (the image and command line as "IMAGE CMDLINE",
 * the --initrd text); the loader's name; then the modules, each on a page
 * boundary.
 */
struct mb_layout {
	__u64 mods_list, strings, loader_name, end;
	__u64 mod_addr[];
};

static void mb_layout(const struct mb_kernel *k, const struct load_args *a,
		      struct mb_layout *l)
{
	__u64 off, strings_len, used;
	unsigned int i;

	strings_len = strlen(a->image) + 1 +
		      strlen(a->cmdline ? a->cmdline : "") + 1;
	used = strings_len;
	for (i = 0; i < a->nmods; i++)
		used += strlen(a->mods[i].string) + 1;
	/* The --initrd text is never shorter than the module strings. */
	if (a->initrd)
		strings_len += strlen(a->initrd) + 1;
	if (strings_len < used)
		strings_len = used;
	off = page_align(k->high - k->low);
	l->mods_list = k->low + off;
	l->strings = l->mods_list + (__u64)a->nmods * MB_MOD_ENTRY_LEN;
	l->loader_name = l->strings + strings_len;
	off = page_align(off + (__u64)a->nmods * MB_MOD_ENTRY_LEN +
			 strings_len + sizeof(MB_LOADER_NAME));
	for (i = 0; i < a->nmods; i++) {
		l->mod_addr[i] = k->low + off;
		off = page_align(off + a->mods[i].len);
	}
	l->end = k->low + off;
}

/* The memory map at @mmap, the info block after it, the modules, the strings. */
static void write_info(struct guest_ram *ram, const struct load_args *a,
		       const struct mb_layout *l, __u64 mmap)
{
	__u64 str = l->strings, base = mmap + MB_INFO_OFF;
	unsigned int i;

	memset(ram->hva + base, 0, MB_INFO_SIZE);
	for (i = 0; i < a->nmods; i++) {
		__u64 e = l->mods_list + i * MB_MOD_ENTRY_LEN;

		put32(ram, e, l->mod_addr[i]);
		put32(ram, e + 4, l->mod_addr[i] + a->mods[i].len);
		put32(ram, e + 8, str);
		put32(ram, e + 12, 0);
		str = put_str(ram, str, a->mods[i].string);
	}
	put32(ram, base + 16, str);		/* cmdline */
	str = put_str(ram, str, a->image);
	ram->hva[str - 1] = ' ';
	put_str(ram, str, a->cmdline ? a->cmdline : "");
	put_str(ram, l->loader_name, MB_LOADER_NAME);

	put32(ram, base + 0, MBI_FLAGS);
	put32(ram, base + 4, E820_EBDA >> 10);	/* mem_lower, KiB */
	put32(ram, base + 8, (e820_ram_top(ram->size) - E820_HIGH) >> 10);
	put32(ram, base + 12, MBI_BOOT_DEVICE);
	put32(ram, base + 20, a->nmods);
	put32(ram, base + 24, l->mods_list);
	put32(ram, base + 44, write_mmap(ram, mmap));
	put32(ram, base + 48, mmap);
	put32(ram, base + 64, l->loader_name);
}

int load_multiboot(struct guest_ram *ram, const void *img, size_t len,
		   const struct load_args *args, struct boot_info *boot,
		   const char **why)
{
	struct gpa_range busy[2];
	struct mb_layout *l;
	struct mb_header h;
	struct mb_kernel k;
	unsigned int i;
	__u64 mmap;
	size_t off;
	int ret;

	memset(boot, 0, sizeof(*boot));
	ret = mb_find_header(img, len, &off);
	if (ret == -EBADMSG)
		return mb_fail(why, "corrupt multiboot header: bad checksum",
			       -ENOEXEC);
	if (ret)
		return mb_fail(why, "no multiboot header in the first 8 KiB",
			       -ENOEXEC);
	read_header(img, off, len, &h);
	if (h.flags & MB_FLAGS_REQUIRED & ~MB_FLAGS_KNOWN)
		return mb_fail(why, "multiboot header asks for more (flags bits 3-15)",
			       -EOPNOTSUPP);
	if (ram->size < MB_MIN_MEM)
		return mb_fail(why, "multiboot kernels need --mem 2M or more",
			       -EFBIG);
	memset(&k, 0, sizeof(k));
	if (h.flags & MB_FLAG_AOUT_KLUDGE)
		ret = aout_kernel(&h, off, len, &k, why);
	else
		ret = elf_kernel(ram, img, len, &k, why);
	if (ret)
		return ret;
	if (!mb_loadable(ram, k.high))
		return mb_fail(why, "kernel outside the usable guest RAM (see --mem)",
			       -EFBIG);

	l = calloc(1, sizeof(*l) + args->nmods * sizeof(l->mod_addr[0]));
	if (!l)
		return mb_fail(why, "out of memory", -ENOMEM);
	mb_layout(&k, args, l);
	if (!mb_loadable(ram, l->end)) {
		ret = mb_fail(why, args->nmods ?
			      "modules do not fit in guest RAM after the kernel (see --mem)" :
			      "command line does not fit in guest RAM after the kernel (see --mem)",
			      -EFBIG);
		goto out;
	}
	busy[0].start = k.low;
	busy[0].end = l->end;
	mmap = MB_MMAP_ADDR;
	if (busy[0].start < mmap + MB_INFO_OFF + MB_INFO_SIZE &&
	    mmap < busy[0].end)
		mmap = l->end;
	busy[1].start = mmap;
	busy[1].end = mmap + MB_INFO_OFF + MB_INFO_SIZE;
	if (!mb_loadable(ram, busy[1].end)) {
		ret = mb_fail(why, "no room for the memory map after the kernel (see --mem)",
			      -EFBIG);
		goto out;
	}
	ret = boot_area_place(ram, busy, ARRAY_SIZE(busy), &boot->area, why);
	if (ret)
		goto out;

	if (k.is_elf) {
		elf_copy(ram, img, &k.elf);
	} else {
		memcpy(ram->hva + k.low, (const __u8 *)img + k.file_off,
		       k.file_len);
		memset(ram->hva + k.low + k.file_len, 0,
		       k.high - k.low - k.file_len);
	}
	for (i = 0; i < args->nmods; i++)
		memcpy(ram->hva + l->mod_addr[i], args->mods[i].data,
		       args->mods[i].len);
	write_info(ram, args, l, mmap);
	boot->mode = BOOT_PROTECTED;
	boot->entry = k.entry;
	boot->rax = MB_BOOT_MAGIC;
	boot->rbx = mmap + MB_INFO_OFF;
out:
	free(l);
	return ret;
}

/* QEMU's get_opt_value(): up to a lone ',', with ",," standing for ','. */
static const char *next_value(const char *p, char *out)
{
	for (; *p; p++) {
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;
		}
		*out++ = *p;
	}
	*out = '\0';
	return p;
}

int mb_parse_modules(const char *spec, struct mb_module **mods,
		     unsigned int *nmods)
{
	struct mb_module *m = NULL, *grown;
	unsigned int n = 0;
	const char *p = spec;
	char *value;

	while (*p) {
		value = malloc(strlen(p) + 1);
		grown = realloc(m, (n + 1) * sizeof(*m));
		if (!value || !grown) {
			free(value);
			mb_free_modules(grown ? grown : m, n);
			return -ENOMEM;
		}
		m = grown;
		p = next_value(p, value);
		memset(&m[n], 0, sizeof(m[n]));
		m[n++].string = value;
		if (*p)
			p++;
	}
	*mods = m;
	*nmods = n;
	return 0;
}

void mb_free_modules(struct mb_module *mods, unsigned int nmods)
{
	unsigned int i;

	for (i = 0; i < nmods; i++)
		free(mods[i].string);
	free(mods);
}

size_t mb_module_name_len(const char *string)
{
	return strcspn(string, " ");
}
