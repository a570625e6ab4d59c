// SPDX-License-Identifier: GPL-2.0
/*
 * PVH boot shim: turn the Multiboot v1 boot information into the PVH
 * hvm_start_info (version 1) that Linux's PVH entry point reads
 * (CONFIG_PVH; include/xen/interface/hvm/start_info.h), so that a Multiboot
 * loader can start an already decompressed kernel. This skips the bzImage
 * decompressor, which takes over a minute under Bochs.
 *
 * The kernel copies everything it needs from these structures (and from the
 * command line and memory map they point to) before it allocates any memory,
 * so they may live in the shim's own page and in the loader's memory.
 */
/* Freestanding: no kernel or libc headers. */
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#define BIT(n)			(1U << (n))

#define MB_BOOT_MAGIC		0x2badb002
#define MB_INFO_MEMORY		BIT(0)
#define MB_INFO_CMDLINE		BIT(2)
#define MB_INFO_MODS		BIT(3)
#define MB_INFO_MEM_MAP		BIT(6)

struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper;	/* KiB below 1 MiB, KiB above 1 MiB */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
};

struct mb_module {
	u32 mod_start, mod_end, string, reserved;
};

/*
 * "size" does not count itself: the next entry is at +size+4. The 64-bit
 * fields are only 4-byte aligned, hence the halves.
 */
struct mb_mmap_entry {
	u32 size;
	u32 addr_lo, addr_hi, len_lo, len_hi;
	u32 type;
};

#define HVM_START_MAGIC		0x336ec578

struct hvm_start_info {
	u32 magic, version, flags, nr_modules;
	u64 modlist_paddr, cmdline_paddr, rsdp_paddr;
	u64 memmap_paddr;		/* version 1 */
	u32 memmap_entries, reserved;
};

struct hvm_modlist_entry {
	u64 paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	u64 addr, size;
	u32 type, reserved;		/* type: E820 type */
};

#define MAX_MEMMAP	32

static struct hvm_start_info start_info;
static struct hvm_modlist_entry initrd;
static struct hvm_memmap_entry memmap[MAX_MEMMAP];

static int is_rsdp(const u8 *p)
{
	static const char sig[8] = "RSD PTR ";
	u8 sum = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (p[i] != (u8)sig[i])
			return 0;
	for (i = 0; i < 20; i++)	/* the ACPI 1.0 part's checksum */
		sum += p[i];
	return sum == 0;
}

/* A fixed physical address, hidden from GCC's object-bounds checks. */
static const void *phys(u32 addr)
{
	const void *p = (const void *)addr;

	asm("" : "+r"(p));
	return p;
}

/* The BIOS puts the ACPI RSDP on a 16-byte boundary in one of two places. */
static u32 find_rsdp(void)
{
	u32 ebda = (u32)*(const unsigned short *)phys(0x40e) << 4;
	u32 a;

	for (a = ebda; ebda && a < ebda + 1024; a += 16)
		if (is_rsdp(phys(a)))
			return a;
	for (a = 0xe0000; a < 0x100000; a += 16)
		if (is_rsdp(phys(a)))
			return a;
	return 0;
}

static void halt(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

struct hvm_start_info *shim_main(u32 magic, const struct mb_info *mbi)
{
	u32 n = 0;

	if (magic != MB_BOOT_MAGIC)
		halt();

	start_info.magic = HVM_START_MAGIC;
	start_info.version = 1;

	if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count) {
		const struct mb_module *mod = (const void *)mbi->mods_addr;

		initrd.paddr = mod->mod_start;
		initrd.size = mod->mod_end - mod->mod_start;
		start_info.nr_modules = 1;
		start_info.modlist_paddr = (u32)&initrd;
	}

	if (mbi->flags & MB_INFO_CMDLINE) {
		/* mboot.c32 passes "/kernel.mb ARGS": drop the file name. */
		const char *c = (const char *)mbi->cmdline;

		if (*c == '/') {
			while (*c && *c != ' ')
				c++;
			while (*c == ' ')
				c++;
		}
		start_info.cmdline_paddr = (u32)c;
	}

	if (mbi->flags & MB_INFO_MEM_MAP) {
		u32 p = mbi->mmap_addr, end = p + mbi->mmap_length;

		for (; p < end && n < MAX_MEMMAP; n++) {
			const struct mb_mmap_entry *e = (const void *)p;

			memmap[n].addr = (u64)e->addr_hi << 32 | e->addr_lo;
			memmap[n].size = (u64)e->len_hi << 32 | e->len_lo;
			memmap[n].type = e->type;
			p += e->size + 4;
		}
	} else if (mbi->flags & MB_INFO_MEMORY) {
		memmap[0].addr = 0;
		memmap[0].size = (u64)mbi->mem_lower << 10;
		memmap[0].type = 1;
		memmap[1].addr = 0x100000;
		memmap[1].size = (u64)mbi->mem_upper << 10;
		memmap[1].type = 1;
		n = 2;
	}
	start_info.memmap_paddr = (u32)memmap;
	start_info.memmap_entries = n;
	start_info.rsdp_paddr = find_rsdp();
	return &start_info;
}
