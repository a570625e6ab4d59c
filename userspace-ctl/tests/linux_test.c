// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Linux loaders and what they share, without a VM:
 *  - the e820 map;
 *  - bzImages made here: every header check (too old, no 64-bit entry,
 *    a zImage, truncated, command line too long, initrd too large or
 *    over init_size, --mem too small with the number), RAM untouched by
 *    a refused image; the zero page byte by byte (nothing before 0x1f1,
 *    the sentinel 0, the header range copied, the loader's fields, the
 *    e820 table); the boot state (long mode, __BOOT_CS/__BOOT_DS, RSI);
 *  - PVH vmlinux ELF files made here: the note, hvm_start_info, its module
 *    and memmap, the 32-bit boot state; bad notes and entries;
 *  - the MP table, decoded back: checksums, entries per vCPU count;
 *  - the order the loader table tells formats apart;
 *  - Debian's own bzImage and the vmlinux testvm/setup makes from it, when
 *    build/testvm/cache has them (skipped otherwise).
 * Offsets in the zero page and the structures are written here as
 * numbers, from Documentation/x86/zero-page.rst and boot.rst, the Xen
 * start_info.h and the MP specification, not taken from the loader.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <linux/elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"

#include "lib/util.h"
#include "loader/loader.h"
#include "loader/mptable.h"
#include "check.h"
#include "linux_test.h"
#include "run_test.h"

#define MIB		BIT_ULL(20)
#define RAM_MAX		(64 * MIB)
#define FILL		0xcc
#define ZP		0x8000		/* the zero page, PVH's start info */
#define CMDLINE		0x20000
#define MPTABLE		0x9fc00

/* Guest RAM of up to 64 MiB, filled with FILL. */
static __u8 *ram_buf;
static struct guest_ram ram;

static void fresh_ram(__u64 size)
{
	if (!ram_buf) {
		ram_buf = malloc(RAM_MAX);
		if (!ram_buf)
			ksft_exit_fail_msg("out of memory\n");
	}
	memset(ram_buf, FILL, RAM_MAX);
	ram.hva = ram_buf;
	ram.size = size;
}

static bool ram_untouched(void)
{
	__u64 i;

	for (i = 0; i < RAM_MAX; i++)
		if (ram_buf[i] != FILL) {
			ksft_print_msg("RAM written at 0x%llx\n",
				       (unsigned long long)i);
			return false;
		}
	return true;
}

static __u64 rd(__u64 addr, unsigned int size)
{
	__u64 v = 0;

	memcpy(&v, ram_buf + addr, size);
	return v;
}

static void wr(__u8 *p, unsigned int size, __u64 v)
{
	memcpy(p, &v, size);
}

/* ---- e820 -------------------------------------------------------------- */

/* One map entry: base, size, type. */
struct e820_want {
	__u64 addr, size;
	__u32 type;
};

/* The map of @ram_size: the PC's, RAM up to 128 KiB below @top. */
static void want_map(__u64 top, struct e820_want *w)
{
	const struct e820_want pc[6] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, top - 0x20000 - 0x100000, 1 },
		{ top - 0x20000, 0x20000, 2 },
		{ 0xfffc0000, 0x40000, 2 },
	};

	memcpy(w, pc, sizeof(pc));
}

bool test_e820(void)
{
	static const struct {
		__u64 ram, top;
	} cases[] = {
		{ 2 * MIB, 2 * MIB },
		{ 256 * MIB, 256 * MIB },
		{ 0xfec00000ULL, 0xfec00000ULL },
		/* RAM stops before the I/O APIC, with 4 GiB in the slot. */
		{ 4096 * MIB, 0xfec00000ULL },
	};
	struct e820_entry map[E820_MAX_ENTRIES];
	struct e820_want w[6];
	unsigned int i, j, n;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = e820_map(cases[i].ram, map);
		want_map(cases[i].top, w);
		ok &= EXPECT(n == 6);
		ok &= EXPECT(e820_ram_top(cases[i].ram) ==
			     cases[i].top - 0x20000);
		for (j = 0; j < n && j < 6; j++)
			if (!EXPECT(map[j].addr == w[j].addr &&
				    map[j].size == w[j].size &&
				    map[j].type == w[j].type)) {
				ksft_print_msg("RAM 0x%llx entry %u\n",
					       (unsigned long long)cases[i].ram,
					       j);
				ok = false;
			}
		/* Sorted, not overlapping. */
		for (j = 1; j < n; j++)
			ok &= EXPECT(map[j - 1].addr + map[j - 1].size <=
				     map[j].addr);
	}
	return ok;
}

/* ---- bzImage ----------------------------------------------------------- */

#define BZ_HDR_END	0x26c		/* 0x202 + 0x6a, as Debian's */
#define BZ_LOAD		0x1000000ULL
#define BZ_INIT_SIZE	0x800000ULL

/* Setup header fields: their offsets in the file, and sizes below. */
#define H_SETUP_SECTS	0x1f1
#define H_SYSSIZE	0x1f4
#define H_BOOT_FLAG	0x1fe
#define H_JUMP		0x200
#define H_LEN_BYTE	0x201
#define H_MAGIC		0x202
#define H_VERSION	0x206
#define H_LOADFLAGS	0x211
#define H_CODE32_START	0x214
#define H_INITRD_MAX	0x22c
#define H_ALIGN		0x230
#define H_RELOCATABLE	0x234
#define H_MIN_ALIGN	0x235
#define H_XLOADFLAGS	0x236
#define H_CMDLINE_SIZE	0x238
#define H_PAYLOAD_OFF	0x248
#define H_PAYLOAD_LEN	0x24c
#define H_PREF_ADDRESS	0x258
#define H_HANDOVER	0x264
#define H_KERNEL_INFO	0x268
#define H_SENTINEL	0x1ef		/* just before the header */

static const struct {
	size_t off;
	unsigned int size;
} hdr_fields[] = {
	{ H_SETUP_SECTS, 1 }, { H_SYSSIZE, 4 }, { H_BOOT_FLAG, 2 },
	{ H_JUMP, 1 }, { H_LEN_BYTE, 1 }, { H_MAGIC, 4 }, { H_VERSION, 2 },
	{ H_LOADFLAGS, 1 }, { H_CODE32_START, 4 }, { H_INITRD_MAX, 4 },
	{ H_ALIGN, 4 }, { H_RELOCATABLE, 1 }, { H_MIN_ALIGN, 1 },
	{ H_XLOADFLAGS, 2 }, { H_CMDLINE_SIZE, 4 }, { H_PAYLOAD_OFF, 4 },
	{ H_PAYLOAD_LEN, 4 }, { H_PREF_ADDRESS, 8 }, { H_INIT_SIZE, 4 },
	{ H_HANDOVER, 4 }, { H_KERNEL_INFO, 4 }, { H_SENTINEL, 1 },
};

/* Set the header field at @off of @img to @v. */
void set(__u8 *img, size_t off, __u64 v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hdr_fields); i++)
		if (hdr_fields[i].off == off) {
			wr(img + off, hdr_fields[i].size, v);
			return;
		}
	ksft_exit_fail_msg("no header field at 0x%zx\n", off);
}

void make_bzimage(__u8 *img)
{
	size_t i;

	memset(img, 0xee, 0x1f1);
	img[0] = 'M';
	img[1] = 'Z';
	memset(img + 0x1f1, 0, BZ_HDR_END - 0x1f1);
	memset(img + BZ_HDR_END, 0xdd, BZ_PAYLOAD - BZ_HDR_END);
	for (i = BZ_PAYLOAD; i < BZ_SIZE; i++)
		img[i] = i * 3;
	set(img, H_SETUP_SECTS, 1);
	set(img, H_SYSSIZE, 0x7d820);
	set(img, H_BOOT_FLAG, 0xaa55);
	set(img, H_JUMP, 0xeb);
	set(img, H_LEN_BYTE, BZ_HDR_END - 0x202);
	set(img, H_MAGIC, 0x53726448);
	set(img, H_VERSION, 0x020f);
	set(img, H_LOADFLAGS, 1);		/* LOADED_HIGH */
	set(img, H_CODE32_START, 0x100000);
	set(img, H_INITRD_MAX, 0x7fffffff);
	set(img, H_ALIGN, 0x200000);
	set(img, H_RELOCATABLE, 1);
	set(img, H_MIN_ALIGN, 0x15);
	set(img, H_XLOADFLAGS, 0x7f);
	set(img, H_CMDLINE_SIZE, 2047);
	set(img, H_PAYLOAD_OFF, 0x3a5);
	set(img, H_PAYLOAD_LEN, 0x7c8000);
	set(img, H_PREF_ADDRESS, BZ_LOAD);
	set(img, H_INIT_SIZE, BZ_INIT_SIZE);
	set(img, H_HANDOVER, 0x7c8d20);
	set(img, H_KERNEL_INFO, 0x7d56fc);
}

static char why_buf[LOADER_WHY_MAX];

/* Load and expect @err, and a reason that contains @why_has. */
static bool load_as(int (*load)(struct guest_ram *, const void *, size_t,
				const struct load_args *, struct boot_info *,
				const char **),
		    const void *img, size_t len, const struct load_args *a,
		    struct boot_info *boot, int err, const char *why_has)
{
	const char *why = "";
	int ret;

	memset(boot, 0x5a, sizeof(*boot));
	ret = load(&ram, img, len, a, boot, &why);
	if (ret != err || (why_has && !strstr(why, why_has))) {
		ksft_print_msg("load: %d '%s', wanted %d '%s'\n", ret, why,
			       err, why_has ? why_has : "");
		return false;
	}
	return true;
}

/* A bzImage, its header field at @off set to @value (none if 0). */
struct bz_bad {
	size_t off;
	__u64 value;
	size_t len;		/* of the file, BZ_SIZE if 0 */
	__u64 ram;		/* MiB, 64 if 0 */
	const char *cmdline;
	size_t initrd_len;
	int err;
	const char *why;
};

bool test_bzimage_bad(void)
{
	static __u8 initrd[40 << 20];
	static const struct bz_bad cases[] = {
		{ H_VERSION, 0x020b, .err = -ENOEXEC,
		  .why = "boot protocol 2.11 is too old: tvmmctl needs 2.12" },
		{ H_VERSION, 0x0204, .err = -ENOEXEC, .why = "2.04 is too old" },
		{ H_XLOADFLAGS, 0x7e, .err = -ENOEXEC,
		  .why = "no 64-bit entry point (XLF_KERNEL_64)" },
		{ H_LOADFLAGS, 0, .err = -ENOEXEC, .why = "a zImage" },
		{ H_BOOT_FLAG, 0x55aa, .err = -ENOEXEC, .why = "0xaa55" },
		{ H_LEN_BYTE, 0x60, .err = -ENOEXEC,
		  .why = "setup header ends at 0x262, before init_size" },
		{ H_LEN_BYTE, 0x2, .err = -ENOEXEC, .why = "before its version" },
		{ 0, 0, .len = 0x250, .err = -ENOEXEC,
		  .why = "the setup header is past the end" },
		{ 0, 0, .len = BZ_PAYLOAD, .err = -ENOEXEC,
		  .why = "no protected-mode kernel" },
		/* Moved up to the next 2 MiB: fine. */
		{ H_PREF_ADDRESS, 0x1000001, .err = 0 },
		{ H_ALIGN, 0x300000, .err = -ENOEXEC,
		  .why = "corrupt bzImage: kernel_alignment 0x300000" },
		{ H_RELOCATABLE, 0, .err = 0 },	/* at pref_address: fine */
		{ H_PREF_ADDRESS, 0x100000000ULL, .err = -EINVAL,
		  .why = "above 4 GiB" },
		/* 17 bytes for a cmdline_size of 16. */
		{ H_CMDLINE_SIZE, 16, .cmdline = "0123456789abcdefg",
		  .err = -E2BIG,
		  .why = "command line of 17 bytes: this kernel takes 16 at most" },
		{ H_CMDLINE_SIZE, 16, .cmdline = "0123456789abcdef", .err = 0 },
		/*
		 * --mem too small: the kernel's [16, 24) MiB, the initrd, 128
		 * KiB of firmware tables; 24 MiB is short of them.
		 */
		{ 0, 0, .ram = 24, .err = -EFBIG,
		  .why = "needs --mem 25M or more (kernel [0x1000000, 0x1800000)" },
		{ 0, 0, .ram = 24, .initrd_len = 0x3000, .err = -EFBIG,
		  .why = "0x1800000) with what it needs to start, initrd of 12 KiB" },
		{ 0, 0, .ram = 25, .initrd_len = 0x3000, .err = 0 },
		{ 0, 0, .initrd_len = 40 << 20, .err = -EFBIG,
		  .why = "needs --mem 65M or more" },
		/* init_size to 64 MiB: as much as RAM. */
		{ H_INIT_SIZE, 48 << 20, .err = -EFBIG,
		  .why = "needs --mem 65M or more (kernel [0x1000000, 0x4000000)" },
		/* The initrd would overlap [load, load + init_size). */
		{ H_INITRD_MAX, 0x18fffff, .initrd_len = 2 << 20, .err = -EFBIG,
		  .why = "(2097152 bytes) does not fit between the kernel's end (0x1800000)" },
		{ H_INITRD_MAX, 0x18fffff, .initrd_len = 2 << 20, .err = -EFBIG,
		  .why = "the highest address it may use (0x18fffff, initrd_addr_max)" },
		{ H_INITRD_MAX, 0x19fffff, .initrd_len = 2 << 20, .err = 0 },
	};
	static __u8 img[BZ_SIZE];
	struct load_args a = { .why_buf = why_buf };
	struct boot_info boot;
	bool ok = true, one;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bz_bad *c = &cases[i];

		make_bzimage(img);
		if (c->off)
			set(img, c->off, c->value);
		a.cmdline = c->cmdline;
		a.initrd_data = c->initrd_len ? initrd : NULL;
		a.initrd_len = c->initrd_len;
		fresh_ram((c->ram ? c->ram : 64) * MIB);
		one = load_as(load_bzimage, img, c->len ? c->len : BZ_SIZE,
			      &a, &boot, c->err, c->why);
		if (c->err)
			one &= ram_untouched();
		if (!one) {
			ksft_print_msg("bzImage case %zu\n", i);
			ok = false;
		}
	}
	/* An empty initrd file is refused too. */
	make_bzimage(img);
	a.cmdline = NULL;
	a.initrd_data = initrd;
	a.initrd_len = 0;
	fresh_ram(64 * MIB);
	ok &= EXPECT(load_as(load_bzimage, img, BZ_SIZE, &a, &boot, -EINVAL,
			     "initrd is empty"));
	/* Too many vCPUs for the MP table. */
	a.initrd_data = NULL;
	a.nr_cpus = 41;
	ok &= EXPECT(load_as(load_bzimage, img, BZ_SIZE, &a, &boot, -EINVAL,
			     "41 vCPUs"));
	ok &= ram_untouched();
	return ok;
}

/* The loader's fields of the setup header, [off, off + size). */
static const struct {
	size_t off;
	unsigned int size;
} bz_set_fields[] = {
	{ 0x1fa, 2 },	/* vid_mode */
	{ 0x210, 1 },	/* type_of_loader */
	{ 0x218, 4 },	/* ramdisk_image */
	{ 0x21c, 4 },	/* ramdisk_size */
	{ 0x228, 4 },	/* cmd_line_ptr */
};

static bool is_set_field(size_t off)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bz_set_fields); i++)
		if (off >= bz_set_fields[i].off &&
		    off < bz_set_fields[i].off + bz_set_fields[i].size)
			return true;
	return false;
}

/* Is byte @off of the zero page @want? */
static bool zp_byte(size_t off, __u8 want)
{
	if (ram_buf[ZP + off] == want)
		return true;
	ksft_print_msg("zero page byte 0x%zx: 0x%02x, want 0x%02x\n", off,
		       ram_buf[ZP + off], want);
	return false;
}

/* The e820 table of the zero page (20-byte entries at 0x2d0), for @top. */
static bool zero_page_e820(__u64 top)
{
	struct e820_want w[6];
	bool ok = true;
	unsigned int i;

	want_map(top, w);
	ok &= EXPECT(rd(ZP + 0x1e8, 1) == 6);
	for (i = 0; i < 6; i++) {
		__u64 e = ZP + 0x2d0 + i * 20;

		ok &= EXPECT(rd(e, 8) == w[i].addr && rd(e + 8, 8) == w[i].size &&
			     rd(e + 16, 4) == w[i].type);
	}
	return ok;
}

/* The GDT of Linux's boot protocols at 0x500, and the segments. */
static bool linux_gdt(const struct tvmm_sregs *s, bool code64)
{
	bool ok = true;

	ok &= EXPECT(s->gdt.base == 0x500 && rd(0x500, 8) == 0 &&
		     rd(0x508, 8) == 0);
	ok &= EXPECT(rd(0x510, 8) == (code64 ? 0x00af9b000000ffffULL :
						0x00cf9b000000ffffULL));
	ok &= EXPECT(rd(0x518, 8) == 0x00cf93000000ffffULL);
	ok &= EXPECT(s->cs.selector == 0x10 && s->cs.l == code64 &&
		     s->cs.db == !code64 && s->cs.base == 0 &&
		     s->cs.limit == 0xffffffff);
	ok &= EXPECT(s->ds.selector == 0x18 && s->es.selector == 0x18 &&
		     s->ss.selector == 0x18 && s->ds.limit == 0xffffffff);
	return ok;
}

bool test_bzimage_zero_page(void)
{
	static const char cmdline[] = "console=ttyS0 earlyprintk=serial";
	static __u8 img[BZ_SIZE], initrd[0x2345];
	struct load_args a = {
		.cmdline = cmdline, .initrd_data = initrd,
		.initrd_len = sizeof(initrd), .nr_cpus = 2, .why_buf = why_buf,
	};
	__u64 top = 64 * MIB - 0x20000, initrd_at = (top - 0x2345) & ~0xfffULL;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct boot_info boot;
	const char *why = NULL;
	bool ok = true;
	size_t i;

	for (i = 0; i < sizeof(initrd); i++)
		initrd[i] = i ^ 0x5a;
	make_bzimage(img);
	set(img, H_SENTINEL, 0xee);	/* the loader must not copy it */
	fresh_ram(64 * MIB);
	ok &= EXPECT(load_as(load_bzimage, img, BZ_SIZE, &a, &boot, 0, NULL));
	ok &= EXPECT(boot.mode == BOOT_LONG && boot.entry == BZ_LOAD + 0x200);
	ok &= EXPECT(boot.rsi == ZP && !boot.rax && !boot.rbx);
	ok &= EXPECT(boot.linux_gdt && boot.area == 0);

	/* Nothing before 0x1f1 but e820_entries; the sentinel 0. */
	for (i = 0; i < 0x1f1; i++)
		if (i != 0x1e8)
			ok &= zp_byte(i, 0);
	ok &= EXPECT(!ram_buf[ZP + 0x1ef]);
	/* The header range copied, but for the loader's fields. */
	for (i = 0x1f1; i < BZ_HDR_END; i++)
		if (!is_set_field(i))
			ok &= zp_byte(i, img[i]);
	ok &= EXPECT(rd(ZP + 0x1fa, 2) == 0xffff);	/* vid_mode */
	ok &= EXPECT(rd(ZP + 0x210, 1) == 0xff);	/* type_of_loader */
	ok &= EXPECT(rd(ZP + 0x218, 4) == initrd_at);
	ok &= EXPECT(rd(ZP + 0x21c, 4) == sizeof(initrd));
	ok &= EXPECT(rd(ZP + 0x228, 4) == CMDLINE);
	ok &= EXPECT(rd(ZP + 0x0c0, 4) == 0 && rd(ZP + 0x0c4, 4) == 0 &&
		     rd(ZP + 0x0c8, 4) == 0);	/* ext_*: all below 4 GiB */
	/* Not past the header's end: zeros up to the e820 table. */
	for (i = BZ_HDR_END; i < 0x2d0; i++)
		ok &= zp_byte(i, 0);
	ok &= zero_page_e820(64 * MIB);
	for (i = 0x2d0 + 6 * 20; i < 0x1000; i++)
		ok &= zp_byte(i, 0);

	/* The payload, the command line, the initrd, the MP table. */
	ok &= EXPECT(!memcmp(ram_buf + BZ_LOAD, img + BZ_PAYLOAD,
			     BZ_SIZE - BZ_PAYLOAD));
	ok &= EXPECT(ram_buf[BZ_LOAD + BZ_SIZE - BZ_PAYLOAD] == FILL);
	ok &= EXPECT(!memcmp(ram_buf + CMDLINE, cmdline, sizeof(cmdline)));
	ok &= EXPECT(!memcmp(ram_buf + initrd_at, initrd, sizeof(initrd)));
	ok &= EXPECT(ram_buf[initrd_at + sizeof(initrd)] == FILL);
	ok &= EXPECT(!memcmp(ram_buf + MPTABLE, "_MP_", 4));

	/* Long mode at the 64-bit entry, RSI the zero page, IF clear. */
	ok &= EXPECT(!boot_setup(&ram, &boot, &regs, &sregs, &why));
	ok &= linux_gdt(&sregs, true);
	ok &= EXPECT(regs.rip == BZ_LOAD + 0x200 && regs.rsi == ZP);
	ok &= EXPECT(regs.rflags == 2 && sregs.efer == 0x500);
	ok &= EXPECT(sregs.cr0 == 0x80010033 && sregs.cr3 == 0x1000);
	ok &= EXPECT(rd(0x1000, 8) == (0x2000 | 3));	/* the identity map */

	/* No initrd, no command line: zeros and an empty string. */
	a.cmdline = NULL;
	a.initrd_data = NULL;
	a.initrd_len = 0;
	fresh_ram(64 * MIB);
	ok &= EXPECT(load_as(load_bzimage, img, BZ_SIZE, &a, &boot, 0, NULL));
	ok &= EXPECT(!rd(ZP + 0x218, 4) && !rd(ZP + 0x21c, 4));
	ok &= EXPECT(rd(ZP + 0x228, 4) == CMDLINE && !ram_buf[CMDLINE]);

	/* A relocatable kernel wanting 512 KiB goes to 2 MiB (aligned). */
	set(img, H_PREF_ADDRESS, 0x80000);
	fresh_ram(64 * MIB);
	ok &= EXPECT(load_as(load_bzimage, img, BZ_SIZE, &a, &boot, 0, NULL));
	ok &= EXPECT(boot.entry == 0x200200);
	ok &= EXPECT(!memcmp(ram_buf + 0x200000, img + BZ_PAYLOAD, 16));
	/* ...but not one that cannot be moved. */
	set(img, H_RELOCATABLE, 0);
	fresh_ram(64 * MIB);
	ok &= EXPECT(load_as(load_bzimage, img, BZ_SIZE, &a, &boot, -EINVAL,
			     "not relocatable and wants to be at 0x80000"));
	return ok;
}

/* ---- PVH vmlinux ------------------------------------------------------- */

#define PVH_SIZE	0x1000
#define PVH_NOTES	0x800
#define PVH_LOAD	0x1000000ULL
#define PVH_ENTRY	0x1000010ULL

/* Append one ELF note at *@at. */
static void put_note(__u8 *img, size_t *at, const char *name, __u32 type,
		     const void *desc, __u32 descsz)
{
	__u32 namesz = strlen(name) + 1;

	wr(img + *at, 4, namesz);
	wr(img + *at + 4, 4, descsz);
	wr(img + *at + 8, 4, type);
	*at += 12;
	memcpy(img + *at, name, namesz);
	*at += (namesz + 3) & ~3U;
	memcpy(img + *at, desc, descsz);
	*at += (descsz + 3) & ~3U;
}

/*
 * A vmlinux: one PT_LOAD of 0x400 bytes (0x2000 in memory) at @paddr,
 * then a PT_NOTE with Xen's other notes, a GNU one and the PVH entry
 * (@descsz bytes of @entry; no entry note if 0). Its size.
 */
static size_t make_vmlinux(__u8 *img, bool is64, __u64 paddr, __u64 entry,
			   __u32 descsz)
{
	const struct seg_spec segs[] = {
		{ 0x200, paddr, 0x400, 0x2000 },
		{ 0, 0, 0, 0 },		/* becomes the PT_NOTE */
	};
	size_t phdr1 = is64 ? sizeof(struct elf64_hdr) + sizeof(struct elf64_phdr) :
			      sizeof(struct elf32_hdr) + sizeof(struct elf32_phdr);
	size_t at = PVH_NOTES;

	make_elf(img, PVH_SIZE, is64, paddr, segs, 2);
	put_note(img, &at, "Xen", 6, "linux", 6);	/* GUEST_OS */
	put_note(img, &at, "GNU", 3, "0123456789abcdefghij", 20);
	put_note(img, &at, "Xe", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
	put_note(img, &at, "Xen", 17, &entry, 4);
	if (descsz)
		put_note(img, &at, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry,
			 descsz);
	if (is64) {
		struct elf64_phdr p = {
			.p_type = PT_NOTE, .p_offset = PVH_NOTES,
			.p_filesz = at - PVH_NOTES, .p_align = 4,
		};

		memcpy(img + phdr1, &p, sizeof(p));
	} else {
		struct elf32_phdr p = {
			.p_type = PT_NOTE, .p_offset = PVH_NOTES,
			.p_filesz = at - PVH_NOTES, .p_align = 4,
		};

		memcpy(img + phdr1, &p, sizeof(p));
	}
	return PVH_SIZE;
}

bool test_pvh(void)
{
	static const char cmdline[] = "console=ttyS0";
	static __u8 img[PVH_SIZE], initrd[5000];
	struct load_args a = {
		.cmdline = cmdline, .initrd_data = initrd,
		.initrd_len = sizeof(initrd), .why_buf = why_buf,
	};
	__u64 initrd_at = (64 * MIB - 0x20000 - 5000) & ~0xfffULL;
	struct e820_want w[6];
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct boot_info boot;
	const char *why = NULL;
	bool ok = true;
	size_t len;
	unsigned int i;

	memset(initrd, 0x42, sizeof(initrd));
	len = make_vmlinux(img, true, PVH_LOAD, PVH_ENTRY, 4);
	ok &= EXPECT(pvh_probe(img, len));
	fresh_ram(64 * MIB);
	ok &= EXPECT(load_as(load_pvh, img, len, &a, &boot, 0, NULL));
	ok &= EXPECT(boot.mode == BOOT_PROTECTED && boot.entry == PVH_ENTRY);
	ok &= EXPECT(boot.rbx == ZP && !boot.rsi && boot.linux_gdt);

	/* hvm_start_info, version 1. */
	ok &= EXPECT(rd(ZP, 4) == 0x336ec578 && rd(ZP + 4, 4) == 1);
	ok &= EXPECT(rd(ZP + 8, 4) == 0 && rd(ZP + 12, 4) == 1);
	ok &= EXPECT(rd(ZP + 24, 8) == CMDLINE && rd(ZP + 32, 8) == 0);
	ok &= EXPECT(rd(ZP + 48, 4) == 6 && rd(ZP + 52, 4) == 0);
	/* Module 0, the initramfs, with no command line. */
	ok &= EXPECT(rd(rd(ZP + 16, 8), 8) == initrd_at);
	ok &= EXPECT(rd(rd(ZP + 16, 8) + 8, 8) == sizeof(initrd));
	ok &= EXPECT(!rd(rd(ZP + 16, 8) + 16, 8) &&
		     !rd(rd(ZP + 16, 8) + 24, 8));
	ok &= EXPECT(!memcmp(ram_buf + initrd_at, initrd, sizeof(initrd)));
	/* The memmap: the e820 map in 24-byte entries. */
	want_map(64 * MIB, w);
	for (i = 0; i < 6; i++) {
		__u64 e = rd(ZP + 40, 8) + i * 24;

		ok &= EXPECT(rd(e, 8) == w[i].addr && rd(e + 8, 8) == w[i].size &&
			     rd(e + 16, 4) == w[i].type && !rd(e + 20, 4));
	}
	/* The segment, its BSS, the command line, the MP table. */
	ok &= EXPECT(!memcmp(ram_buf + PVH_LOAD, img + 0x200, 0x400));
	ok &= EXPECT(!ram_buf[PVH_LOAD + 0x400] && !ram_buf[PVH_LOAD + 0x1fff]);
	ok &= EXPECT(!memcmp(ram_buf + CMDLINE, cmdline, sizeof(cmdline)));
	ok &= EXPECT(!memcmp(ram_buf + MPTABLE, "_MP_", 4));

	/* 32-bit flat protected mode, paging off, EBX the start info. */
	ok &= EXPECT(!boot_setup(&ram, &boot, &regs, &sregs, &why));
	ok &= linux_gdt(&sregs, false);
	ok &= EXPECT(regs.rip == PVH_ENTRY && regs.rbx == ZP);
	ok &= EXPECT(!(sregs.cr0 & 0x80000000) && (sregs.cr0 & 1) &&
		     !sregs.cr4 && !sregs.efer && regs.rflags == 2);

	/* No initrd: no module. An ELF32 and an 8-byte note work too. */
	a.initrd_data = NULL;
	a.initrd_len = 0;
	len = make_vmlinux(img, false, PVH_LOAD, PVH_ENTRY, 8);
	fresh_ram(64 * MIB);
	ok &= EXPECT(load_as(load_pvh, img, len, &a, &boot, 0, NULL));
	ok &= EXPECT(boot.entry == PVH_ENTRY && !rd(ZP + 12, 4) &&
		     !rd(ZP + 16, 8));
	return ok;
}

bool test_pvh_bad(void)
{
	static const struct {
		__u64 paddr, entry;
		__u32 descsz;
		__u64 ram;	/* MiB */
		int err;
		const char *why;
	} cases[] = {
		{ PVH_LOAD, PVH_ENTRY, 0, 64, -ENOEXEC, "no Xen PVH entry note" },
		{ PVH_LOAD, PVH_ENTRY, 3, 64, -ENOEXEC, "corrupt Xen PVH entry note" },
		{ PVH_LOAD, 0x123456789ULL, 8, 64, -ENOEXEC,
		  "corrupt Xen PVH entry note" },
		{ PVH_LOAD, PVH_LOAD + 0x2000, 4, 64, -ENOEXEC,
		  "PVH entry point 0x1002000 is outside the loaded segments" },
		{ 0x80000, 0x80000, 4, 64, -EINVAL, "kernel below 1 MiB" },
		{ PVH_LOAD, PVH_ENTRY, 4, 16, -EFBIG,
		  "this kernel needs --mem 17M or more (kernel [0x1000000, 0x1002000)" },
		{ 0x100000000ULL - 0x1000, PVH_ENTRY, 4, 64, -EFBIG,
		  "segment outside guest RAM" },
	};
	static __u8 img[PVH_SIZE];
	struct load_args a = { .why_buf = why_buf };
	struct boot_info boot;
	bool ok = true;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		len = make_vmlinux(img, true, cases[i].paddr, cases[i].entry,
				   cases[i].descsz);
		fresh_ram(cases[i].ram * MIB);
		if (!load_as(load_pvh, img, len, &a, &boot, cases[i].err,
			     cases[i].why) || !ram_untouched()) {
			ksft_print_msg("PVH case %zu\n", i);
			ok = false;
		}
	}
	/* Truncated notes: no note found, so no PVH image. */
	len = make_vmlinux(img, true, PVH_LOAD, PVH_ENTRY, 4);
	wr(img + PVH_NOTES, 4, 0x10000);	/* the first note's namesz */
	ok &= EXPECT(!pvh_probe(img, len));
	len = make_vmlinux(img, true, PVH_LOAD, PVH_ENTRY, 4);
	ok &= EXPECT(!pvh_probe(img, PVH_NOTES + 0x20));
	return ok;
}

/* ---- the MP table ------------------------------------------------------- */

static __u8 sum(__u64 addr, size_t len)
{
	__u8 s = 0;

	while (len--)
		s += ram_buf[addr++];
	return s;
}

/* Decode the MP table of @n vCPUs and check every entry. */
static bool check_mptable(unsigned int n)
{
	/* A PC's wiring: the PIT on pin 2, no IRQ2 (the 8259 cascade). */
	static const int pins[NR_ISA_IRQS] = {
		2, 1, -1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	};
	unsigned int cpus = 0, buses = 0, ioapics = 0, lints = 0, count = 0;
	unsigned int irq_seen = 0;
	__u64 mpc, at, end;
	bool ok = true;

	ok &= EXPECT(!memcmp(ram_buf + MPTABLE, "_MP_", 4));
	ok &= EXPECT(sum(MPTABLE, 16) == 0);
	ok &= EXPECT(rd(MPTABLE + 8, 1) == 1 && rd(MPTABLE + 9, 1) == 4);
	ok &= EXPECT(!rd(MPTABLE + 11, 4) && !rd(MPTABLE + 15, 1));
	mpc = rd(MPTABLE + 4, 4);
	ok &= EXPECT(mpc == MPTABLE + 16);
	ok &= EXPECT(!memcmp(ram_buf + mpc, "PCMP", 4));
	end = mpc + rd(mpc + 4, 2);
	ok &= EXPECT(rd(mpc + 4, 2) == 44 + 20 * n + 8 + 8 + 15 * 8 + 2 * 8);
	ok &= EXPECT(end <= 0xa0000);
	ok &= EXPECT(sum(mpc, rd(mpc + 4, 2)) == 0);
	ok &= EXPECT(rd(mpc + 6, 1) == 4);
	ok &= EXPECT(!memcmp(ram_buf + mpc + 8, "TVMM    TVMMCTL     ", 20));
	ok &= EXPECT(rd(mpc + 36, 4) == 0xfee00000 && !rd(mpc + 40, 4));
	ok &= EXPECT(rd(mpc + 34, 2) == n + 2 + 15 + 2);

	for (at = mpc + 44; at < end; count++) {
		switch (ram_buf[at]) {
		case 0:		/* processor */
			ok &= EXPECT(rd(at + 1, 1) == cpus);	/* APIC ID */
			ok &= EXPECT(rd(at + 2, 1) == 0x14);
			ok &= EXPECT(rd(at + 3, 1) == (cpus ? 1 : 3));
			ok &= EXPECT(rd(at + 8, 4) & (1 << 9));	/* APIC */
			cpus++;
			at += 20;
			break;
		case 1:		/* bus */
			ok &= EXPECT(!rd(at + 1, 1));
			ok &= EXPECT(!memcmp(ram_buf + at + 2, "ISA   ", 6));
			buses++;
			at += 8;
			break;
		case 2:		/* I/O APIC */
			ok &= EXPECT(rd(at + 1, 1) == n);
			ok &= EXPECT(rd(at + 2, 1) == 0x11 && rd(at + 3, 1) == 1);
			ok &= EXPECT(rd(at + 4, 4) == 0xfec00000);
			ioapics++;
			at += 8;
			break;
		case 3: {	/* interrupt: ISA IRQ to an I/O APIC pin */
			unsigned int irq = rd(at + 5, 1);

			ok &= EXPECT(rd(at + 1, 1) == 0 && !rd(at + 2, 2));
			ok &= EXPECT(rd(at + 4, 1) == 0 && irq < 16);
			ok &= EXPECT(rd(at + 6, 1) == n);
			ok &= EXPECT(irq < 16 && (int)rd(at + 7, 1) == pins[irq]);
			ok &= EXPECT(!(irq_seen & 1U << irq));
			irq_seen |= 1U << irq;
			at += 8;
			break;
		}
		case 4:		/* local interrupt */
			if (!lints) {	/* ExtINT to vCPU 0's LINT0 */
				ok &= EXPECT(rd(at + 1, 1) == 3);
				ok &= EXPECT(rd(at + 6, 1) == 0 &&
					     rd(at + 7, 1) == 0);
			} else {	/* NMI to every LINT1 */
				ok &= EXPECT(rd(at + 1, 1) == 1);
				ok &= EXPECT(rd(at + 6, 1) == 0xff &&
					     rd(at + 7, 1) == 1);
			}
			lints++;
			at += 8;
			break;
		default:
			ksft_print_msg("entry type %u at 0x%llx\n", ram_buf[at],
				       (unsigned long long)at);
			return false;
		}
	}
	ok &= EXPECT(at == end && count == rd(mpc + 34, 2));
	ok &= EXPECT(cpus == n && buses == 1 && ioapics == 1 && lints == 2);
	/* Every ISA IRQ but the cascade, IRQ0 on pin 2. */
	ok &= EXPECT(irq_seen == 0xfffb && pins[0] == 2);
	if (!ok)
		ksft_print_msg("MP table of %u vCPUs\n", n);
	return ok;
}

bool test_mptable(void)
{
	static const unsigned int counts[] = { 1, 2, 3, 16, 40 };
	const char *why = NULL;
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		fresh_ram(2 * MIB);
		ok &= EXPECT(!mptable_write(&ram, counts[i], &why));
		ok &= check_mptable(counts[i]);
		ok &= EXPECT(mptable_size(counts[i]) ==
			     16 + rd(MPTABLE + 16 + 4, 2));
		ok &= EXPECT(ram_buf[MPTABLE + mptable_size(counts[i])] ==
			     FILL && ram_buf[MPTABLE - 1] == FILL);
	}
	/* 41 do not fit in the KiB below 640 KiB; nor does 0 make sense. */
	fresh_ram(2 * MIB);
	ok &= EXPECT(mptable_write(&ram, 41, &why) == -EINVAL);
	ok &= EXPECT(mptable_write(&ram, 0, &why) == -EINVAL);
	fresh_ram(0x9f000);
	ok &= EXPECT(mptable_write(&ram, 1, &why) == -EFBIG);
	ok &= ram_untouched();
	return ok;
}

/* ---- the loader table --------------------------------------------------- */

static bool found(const void *img, size_t len, const char *name)
{
	const struct loader *ld = loader_find(img, len);

	if (strcmp(ld->name, name)) {
		ksft_print_msg("loader '%s', wanted '%s'\n", ld->name, name);
		return false;
	}
	return true;
}

bool test_loader_order(void)
{
	static const struct seg_spec seg[] = { { 0x200, 0x100000, 0x100, 0x100 } };
	static __u8 img[0x3000];
	static const __u32 mb[] = { 0x1badb002, 3, -(0x1badb002U + 3) };
	bool ok = true;
	size_t len;

	memset(img, 0, sizeof(img));
	ok &= found(img, 2, "raw image");
	ok &= found(img, 0, "raw image");
	/* A boot sector: 0xaa55 at 510. */
	set(img, H_BOOT_FLAG, 0xaa55);	/* at 510 */
	ok &= found(img, 512, "raw image");
	/* A bzImage has it too, and "MZ". */
	make_bzimage(img);
	ok &= found(img, BZ_SIZE, "Linux bzImage");
	ok &= found(img, 0x205, "raw image");
	/* ...and loses to a multiboot header in its first 8 KiB. */
	memcpy(img + 0x1800, mb, sizeof(mb));
	ok &= found(img, sizeof(img), "multiboot kernel");
	/* ELF files: plain, multiboot, PVH (ELF64 and ELF32). */
	len = make_elf(img, 0x400, true, 0x100000, seg, 1);
	ok &= found(img, len, "ELF executable");
	memcpy(img + 0x200, mb, sizeof(mb));
	ok &= found(img, len, "multiboot kernel");
	len = make_vmlinux(img, true, PVH_LOAD, PVH_ENTRY, 4);
	ok &= found(img, len, "Linux vmlinux (PVH)");
	len = make_vmlinux(img, false, PVH_LOAD, PVH_ENTRY, 4);
	ok &= found(img, len, "Linux vmlinux (PVH)");
	/* Xen's other notes alone do not make a PVH kernel. */
	len = make_vmlinux(img, true, PVH_LOAD, PVH_ENTRY, 0);
	ok &= found(img, len, "ELF executable");

	/* What each format takes. */
	ok &= EXPECT(loaders[0].initrd == LOADER_INITRD_MODULES &&
		     !loaders[0].fw_cfg_cmdline && !loaders[0].default_mem);
	ok &= EXPECT(loaders[1].initrd == LOADER_INITRD_FILE &&
		     loaders[1].default_mem == 256 * MIB);
	ok &= EXPECT(loaders[2].initrd == LOADER_INITRD_FILE &&
		     loaders[2].default_mem == 256 * MIB);
	ok &= EXPECT(loaders[3].initrd == LOADER_INITRD_NONE &&
		     !loaders[3].raw_opts);
	ok &= EXPECT(nr_loaders == 5 && loaders[4].raw_opts);
	return ok;
}

/* ---- Debian's kernel ------------------------------------------------------ */

/*
 * build/testvm/cache, from this program's place (build/tests/ in
 * userspace-ctl/), or $TVMM_TESTVM_CACHE.
 */
static const char *testvm_cache(void)
{
	static char dir[PATH_MAX + 32];
	const char *env = getenv("TVMM_TESTVM_CACHE");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && env[0])
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(dir, sizeof(dir), "%s/../../../build/testvm/cache", exe);
	return dir;
}

/* The first file matching @pattern in the testvm cache, or NULL. */
static char *cache_file(const char *pattern)
{
	static char path[PATH_MAX * 2 + 64];
	const char *dir = testvm_cache();
	glob_t g;

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, pattern);
	if (glob(path, 0, NULL, &g) || !g.gl_pathc) {
		globfree(&g);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
	globfree(&g);
	return path;
}

#define DEBIAN_BZIMAGE	"linux-image-*/boot/vmlinuz-*"
#define DEBIAN_VMLINUX	"pvh-*.elf"

const char *skip_no_debian_bzimage(void)
{
	return cache_file(DEBIAN_BZIMAGE) ? NULL :
	       "no Debian bzImage in build/testvm/cache (testvm/setup)";
}

const char *skip_no_debian_vmlinux(void)
{
	return cache_file(DEBIAN_VMLINUX) ? NULL :
	       "no PVH vmlinux in build/testvm/cache (testvm/setup)";
}

static __u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	__u8 *buf = NULL;
	long n;

	if (!f)
		return NULL;
	n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (n > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	fclose(f);
	return buf;
}

/* 256 MiB of guest RAM, the default for Linux, mapped as tvmmctl maps it. */
static bool big_ram(struct guest_ram *r)
{
	void *p = mmap(NULL, LINUX_DEFAULT_MEM, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	r->hva = p;
	r->size = LINUX_DEFAULT_MEM;
	return true;
}

static __u64 get(const __u8 *p, unsigned int size)
{
	__u64 v = 0;

	memcpy(&v, p, size);
	return v;
}

/*
 * Debian's bzImage (boot protocol 2.15, a 64-bit entry, 16 MiB
 * pref_address, 63.6 MiB init_size for 6.1): found as a bzImage, loaded
 * in the default 256 MiB, refused in 64 MiB with the --mem it needs.
 */
bool test_debian_bzimage(void)
{
	const char *path = cache_file(DEBIAN_BZIMAGE);
	struct load_args a = {
		.cmdline = "console=ttyS0 earlyprintk=serial", .nr_cpus = 2,
		.why_buf = why_buf,
	};
	__u64 pref, init_size, payload, need;
	struct guest_ram r = { 0 };
	struct boot_info boot;
	const char *why = "";
	char want[64];
	size_t len = 0, hdr_end;
	bool ok = true;
	__u8 *img;

	img = path ? read_file(path, &len) : NULL;
	if (!img || !big_ram(&r))
		return EXPECT(false);
	ok &= found(img, len, "Linux bzImage");
	pref = get(img + 0x258, 8);
	init_size = get(img + 0x260, 4);
	payload = (img[0x1f1] + 1) * 512ULL;
	hdr_end = 0x202 + img[0x201];
	ksft_print_msg("%s: protocol %x, setup_sects %u, xloadflags 0x%llx,\n",
		       path, (unsigned int)get(img + 0x206, 2), img[0x1f1],
		       (unsigned long long)get(img + 0x236, 2));
	ksft_print_msg("  pref_address 0x%llx, init_size 0x%llx, cmdline_size %llu\n",
		       (unsigned long long)pref, (unsigned long long)init_size,
		       (unsigned long long)get(img + 0x238, 4));
	ok &= EXPECT(get(img + 0x206, 2) >= 0x20c && get(img + 0x236, 2) & 1);
	ok &= EXPECT(!load_bzimage(&r, img, len, &a, &boot, &why));
	if (why[0])
		ksft_print_msg("%s\n", why);
	ok &= EXPECT(boot.entry == pref + 0x200 && boot.rsi == ZP);
	ok &= EXPECT(!memcmp(r.hva + pref, img + payload, len - payload));
	/* The header after cmd_line_ptr, as in the file. */
	ok &= EXPECT(!memcmp(r.hva + ZP + 0x22c, img + 0x22c, hdr_end - 0x22c));
	ok &= EXPECT(get(r.hva + ZP + 0x228, 4) == CMDLINE &&
		     get(r.hva + ZP + 0x210, 1) == 0xff);
	ok &= EXPECT(!memcmp(r.hva + MPTABLE, "_MP_", 4));

	/* 64 MiB is too little: the number is the kernel's. */
	need = ((pref + init_size + 0xfff) & ~0xfffULL) + 0x20000;
	snprintf(want, sizeof(want), "needs --mem %lluM or more",
		 (unsigned long long)((need + MIB - 1) / MIB));
	r.size = 64 * MIB;
	why = "";
	ok &= EXPECT(load_bzimage(&r, img, len, &a, &boot, &why) == -EFBIG);
	ok &= EXPECT(strstr(why, want));
	ksft_print_msg("--mem 64M: %s\n", why);
	munmap(r.hva, LINUX_DEFAULT_MEM);
	free(img);
	return ok;
}

/* Where guest-physical @addr is in the file of an ELF64 (its PT_LOADs). */
static __u64 elf64_file_off(const __u8 *img, __u64 addr)
{
	unsigned int i, n = get(img + 0x38, 2), size = get(img + 0x36, 2);
	const __u8 *p;

	for (i = 0; i < n; i++) {
		p = img + get(img + 0x20, 8) + i * size;
		if (get(p, 4) == PT_LOAD && addr - get(p + 24, 8) < get(p + 32, 8))
			return get(p + 8, 8) + addr - get(p + 24, 8);
	}
	return 0;
}

/*
 * The vmlinux testvm/setup decompresses from it (boot/mkkernel.py --elf):
 * found as a PVH kernel, its entry the one a plain search of the file
 * finds (namesz 4, descsz 8 in Linux 6.1, type 18, "Xen"), loaded in
 * 256 MiB.
 */
bool test_debian_vmlinux(void)
{
	static const __u8 note[] = { 4, 0, 0, 0, 8, 0, 0, 0, 18, 0, 0, 0,
				     'X', 'e', 'n', 0 };
	const char *path = cache_file(DEBIAN_VMLINUX);
	struct load_args a = { .cmdline = "console=ttyS0", .why_buf = why_buf };
	struct guest_ram r = { 0 };
	struct boot_info boot;
	const char *why = "";
	__u64 entry = 0, off;
	size_t len = 0, i;
	bool ok = true;
	__u8 *img;

	img = path ? read_file(path, &len) : NULL;
	if (!img || !big_ram(&r))
		return EXPECT(false);
	ok &= found(img, len, "Linux vmlinux (PVH)");
	for (i = 0; i + sizeof(note) + 8 <= len; i += 4)
		if (!memcmp(img + i, note, sizeof(note))) {
			entry = get(img + i + sizeof(note), 8);
			break;
		}
	ksft_print_msg("%s: PVH entry 0x%llx\n", path,
		       (unsigned long long)entry);
	ok &= EXPECT(entry);
	ok &= EXPECT(!load_pvh(&r, img, len, &a, &boot, &why));
	if (why[0])
		ksft_print_msg("%s\n", why);
	ok &= EXPECT(boot.entry == entry && boot.mode == BOOT_PROTECTED &&
		     boot.rbx == ZP);
	ok &= EXPECT(get(r.hva + ZP, 4) == 0x336ec578);
	off = elf64_file_off(img, entry);
	ok &= EXPECT(off && !memcmp(r.hva + entry, img + off, 16));
	munmap(r.hva, LINUX_DEFAULT_MEM);
	free(img);
	return ok;
}
