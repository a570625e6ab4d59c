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
 *    option ROM writes them; the map is the one SeaBIOS gives QEMU's PC.
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

/*
 * The PC's memory map as SeaBIOS reports it on QEMU's PC (E820): its EBDA
 * below 640 KiB, the BIOS below 1 MiB, 128 KiB of its tables at the top
 * of RAM, its flash below 4 GiB. QEMU's PC moves RAM above 3 GiB to
 * 4 GiB; tvmmctl keeps one slot from 0, so above 3 GiB the maps differ.
 */
#define E820_RAM		1
#define E820_RESERVED		2
#define MB_EBDA			0x9fc00ULL
#define MB_BIOS			0xf0000ULL
#define MB_HIGH			0x100000ULL
#define MB_FW_TABLES		0x20000ULL
#define MB_FLASH		0xfffc0000ULL
#define MB_4G			0x100000000ULL
/* Low RAM a kernel may have: above the info block, below the EBDA. */
#define MB_LOW_LOAD		0xa000ULL

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

/* The start of the firmware's tables at the top of RAM (see above). */
static __u64 mb_high_end(const struct guest_ram *ram)
{
	__u64 top = ram->size < MB_FLASH ? ram->size : MB_FLASH;

	return top - MB_FW_TABLES;
}

/*
 * Whether [start, end) is RAM a multiboot kernel and its data may use:
 * above the info block and below the firmware's tables. The BIOS area
 * between 640 KiB and 1 MiB is RAM in tvmmctl's single slot, and QEMU
 * loads there too: a kernel linked at 1 MiB by GCC's default script puts
 * its ELF headers in a read-only segment at 0xff000.
 */
static bool mb_loadable(const struct guest_ram *ram, __u64 start, __u64 end)
{
	return start >= MB_LOW_LOAD && end <= mb_high_end(ram);
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
 * The memory map at MB_MMAP_ADDR, as the option ROM copies it from the
 * BIOS's E820 map: entries of 24 bytes (size 20, base, length, type).
 * Returns its length in bytes.
 */
static __u32 write_mmap(struct guest_ram *ram)
{
	__u64 high_end = mb_high_end(ram);
	const struct {
		__u64 base, len;
		__u32 type;
	} map[] = {
		{ 0, MB_EBDA, E820_RAM },
		{ MB_EBDA, 0xa0000 - MB_EBDA, E820_RESERVED },
		{ MB_BIOS, MB_HIGH - MB_BIOS, E820_RESERVED },
		{ MB_HIGH, high_end - MB_HIGH, E820_RAM },
		{ high_end, MB_FW_TABLES, E820_RESERVED },
		{ MB_FLASH, MB_4G - MB_FLASH, E820_RESERVED },
	};
	__u64 e = MB_MMAP_ADDR;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++, e += MB_MMAP_ENTRY_LEN) {
		put32(ram, e, MB_MMAP_ENTRY_LEN - 4);
		put32(ram, e + 4, map[i].base);
		put32(ram, e + 8, map[i].base >> 32);
		put32(ram, e + 12, map[i].len);
		put32(ram, e + 16, map[i].len >> 32);
		put32(ram, e + 20, map[i].type);
	}
	return e - MB_MMAP_ADDR;
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

static void mb_layout(const struct mb_kernel *k, const struct mb_args *a,
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

/* The info block, the module list and the strings. */
static void write_info(struct guest_ram *ram, const struct mb_args *a,
		       const struct mb_layout *l)
{
	__u64 str = l->strings, base = MB_INFO_ADDR;
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
	put32(ram, base + 4, MB_EBDA >> 10);	/* mem_lower, KiB */
	put32(ram, base + 8, (mb_high_end(ram) - MB_HIGH) >> 10);
	put32(ram, base + 12, MBI_BOOT_DEVICE);
	put32(ram, base + 20, a->nmods);
	put32(ram, base + 24, l->mods_list);
	put32(ram, base + 44, write_mmap(ram));
	put32(ram, base + 48, MB_MMAP_ADDR);
	put32(ram, base + 64, l->loader_name);
}

int load_multiboot(struct guest_ram *ram, const void *img, size_t len,
		   const struct mb_args *args, struct boot_info *boot,
		   const char **why)
{
	struct mb_layout *l;
	struct mb_header h;
	struct mb_kernel k;
	unsigned int i;
	size_t off;
	int ret;

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
	if (!mb_loadable(ram, k.low, k.high))
		return mb_fail(why, "kernel outside the usable guest RAM (see --mem)",
			       -EFBIG);

	l = calloc(1, sizeof(*l) + args->nmods * sizeof(l->mod_addr[0]));
	if (!l)
		return mb_fail(why, "out of memory", -ENOMEM);
	mb_layout(&k, args, l);
	if (!mb_loadable(ram, k.low, l->end)) {
		ret = mb_fail(why, args->nmods ?
			      "modules do not fit in guest RAM after the kernel (see --mem)" :
			      "command line does not fit in guest RAM after the kernel (see --mem)",
			      -EFBIG);
		goto out;
	}

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
	write_info(ram, args, l);
	boot->mode = BOOT_PROTECTED;
	boot->entry = k.entry;
	boot->rax = MB_BOOT_MAGIC;
	boot->rbx = MB_INFO_ADDR;
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
