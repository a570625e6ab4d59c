// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the multiboot loader and of fw_cfg, without a VM: the
 * header search, the a.out kludge, ELF kernels, the info block, the
 * memory map and the module layout (against addresses QEMU 7.2 gave the
 * same kernel), the --initrd syntax, every kind of bad kernel (RAM left
 * untouched), and fw_cfg's items through the port table.
 */
#include <errno.h>
#include <linux/elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"

#include "loader/loader.h"
#include "devices/devices.h"
#include "multiboot_test.h"
#include "run_test.h"
#include "check.h"

#define RAM_SIZE	(4ULL << 20)
#define FILL		0xcc
#define MB_MAGIC	0x1badb002
#define AOUT		0x00010000

static __u8 ram_buf[RAM_SIZE];
static struct guest_ram ram = { ram_buf, RAM_SIZE };

static void fresh_ram(void)
{
	memset(ram_buf, FILL, sizeof(ram_buf));
	ram.size = RAM_SIZE;
}

static __u32 rd32(__u64 addr)
{
	__u32 v;

	memcpy(&v, ram_buf + addr, 4);
	return v;
}

static __u64 rd64(__u64 addr)
{
	__u64 v;

	memcpy(&v, ram_buf + addr, 8);
	return v;
}

static bool str_at(__u64 addr, const char *want)
{
	return addr < RAM_SIZE &&
	       !memcmp(ram_buf + addr, want, strlen(want) + 1);
}

static void wr32(__u8 *p, __u32 v)
{
	memcpy(p, &v, 4);
}

/* A multiboot header at @p: magic, @flags, checksum, then @aout[5]. */
static void put_header(__u8 *p, __u32 flags, const __u32 *aout)
{
	int i;

	wr32(p, MB_MAGIC);
	wr32(p + 4, flags);
	wr32(p + 8, -(MB_MAGIC + flags));
	for (i = 0; aout && i < 5; i++)
		wr32(p + 12 + i * 4, aout[i]);
}

/* Byte i of a made-up kernel file. */
static __u8 pattern(size_t i)
{
	return (i * 7 + 1) & 0xff;
}

/*
 * An a.out kludge kernel: @size bytes, the header at @off with
 * header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr.
 */
static __u8 *make_aout(size_t size, size_t off, const __u32 *aout)
{
	__u8 *img = malloc(size);
	size_t i;

	if (!img)
		ksft_exit_fail_msg("out of memory\n");
	for (i = 0; i < size; i++)
		img[i] = pattern(i);
	put_header(img + off, AOUT | 3, aout);
	return img;
}

static bool load(const void *img, size_t len, const struct load_args *args,
		 struct boot_info *boot, int want, const char *why_has)
{
	const char *why = "";
	int ret;

	memset(boot, 0, sizeof(*boot));
	ret = load_multiboot(&ram, img, len, args, boot, &why);
	if (ret != want || (why_has && !strstr(why, why_has))) {
		ksft_print_msg("load_multiboot: %d '%s', wanted %d '%s'\n",
			       ret, why, want, why_has ? why_has : "");
		return false;
	}
	return true;
}

/* After a failure: nothing written to RAM. */
static bool ram_untouched(void)
{
	size_t i;

	for (i = 0; i < RAM_SIZE; i++)
		if (ram_buf[i] != FILL) {
			ksft_print_msg("RAM written at 0x%zx\n", i);
			return false;
		}
	return true;
}

bool test_mb_header_search(void)
{
	static __u8 img[10000];
	size_t off = 0;
	bool ok = true;

	memset(img, 0, sizeof(img));
	ok &= EXPECT(mb_find_header(img, sizeof(img), &off) == -ENOENT);
	put_header(img + 8, 3, NULL);
	ok &= EXPECT(!mb_find_header(img, sizeof(img), &off) && off == 8);
	ok &= EXPECT(mb_find_header(img, 19, &off) == -ENOENT);
	ok &= EXPECT(!mb_find_header(img, 20, &off) && off == 8);

	/* 4-byte aligned only. */
	memset(img, 0, sizeof(img));
	put_header(img + 6, 3, NULL);
	ok &= EXPECT(mb_find_header(img, sizeof(img), &off) == -ENOENT);

	/* The last place QEMU looks at: 8192 - 48 - 4. */
	memset(img, 0, sizeof(img));
	put_header(img + 8140, 3, NULL);
	ok &= EXPECT(!mb_find_header(img, sizeof(img), &off) && off == 8140);
	memset(img, 0, sizeof(img));
	put_header(img + 8144, 3, NULL);
	ok &= EXPECT(mb_find_header(img, sizeof(img), &off) == -ENOENT);

	/* A bad checksum alone; then a good header after it wins. */
	memset(img, 0, sizeof(img));
	put_header(img + 64, 3, NULL);
	img[64 + 8] ^= 1;
	ok &= EXPECT(mb_find_header(img, sizeof(img), &off) == -EBADMSG);
	put_header(img + 128, 0, NULL);
	ok &= EXPECT(!mb_find_header(img, sizeof(img), &off) && off == 128);
	return ok;
}

bool test_mb_parse_modules(void)
{
	static const struct {
		const char *spec;
		unsigned int n;
		const char *want[3];
	} cases[] = {
		{ "", 0, { NULL } },
		{ "a", 1, { "a" } },
		{ "mod1.txt first arg,mod2.bin", 2,
		  { "mod1.txt first arg", "mod2.bin" } },
		{ "a,,b", 1, { "a,b" } },
		{ "a,", 1, { "a" } },
		{ ",a", 2, { "", "a" } },
		{ "x,,,y,,,,z", 2, { "x,", "y,,z" } },
	};
	struct mb_module *mods;
	unsigned int n, i, j;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		mods = NULL;
		n = 99;
		if (!EXPECT(!mb_parse_modules(cases[i].spec, &mods, &n)))
			return false;
		ok &= EXPECT(n == cases[i].n);
		for (j = 0; j < n && j < cases[i].n; j++)
			if (!EXPECT(!strcmp(mods[j].string, cases[i].want[j]))) {
				ksft_print_msg("'%s' module %u: '%s'\n",
					       cases[i].spec, j, mods[j].string);
				ok = false;
			}
		mb_free_modules(mods, n);
	}
	ok &= EXPECT(mb_module_name_len("mod1.txt first arg") == 8);
	ok &= EXPECT(mb_module_name_len("mod2.bin") == 8);
	ok &= EXPECT(mb_module_name_len(" x") == 0);
	return ok;
}

/* The info block as QEMU fills it, for RAM_SIZE; @mods_list, @nmods. */
static bool check_info(__u64 mods_list, __u32 nmods)
{
	bool ok = true;

	ok &= EXPECT(rd32(0x9500) == 0x24f);
	ok &= EXPECT(rd32(0x9500 + 4) == 639);		/* mem_lower */
	/* 4 MiB: SeaBIOS keeps 128 KiB at the top; QEMU said 2944. */
	ok &= EXPECT(rd32(0x9500 + 8) == 2944);
	ok &= EXPECT(rd32(0x9500 + 12) == 0x8000ffff);
	ok &= EXPECT(rd32(0x9500 + 20) == nmods);
	ok &= EXPECT(rd32(0x9500 + 24) == mods_list);
	ok &= EXPECT(rd32(0x9500 + 44) == 6 * 24);	/* mmap_length */
	ok &= EXPECT(rd32(0x9500 + 48) == 0x9000);
	ok &= EXPECT(str_at(rd32(0x9500 + 64), "tvmmctl"));
	/* syms, drives, config table, APM, VBE: zero. */
	ok &= EXPECT(!rd32(0x9500 + 28) && !rd32(0x9500 + 52) &&
		     !rd32(0x9500 + 60) && !rd32(0x9500 + 68) &&
		     !rd32(0x9500 + 84));
	return ok;
}

/* The map QEMU 7.2 with SeaBIOS gave a 4 MiB PC (refguests/mb_main.c). */
bool test_mb_mmap(void)
{
	static const __u64 want[][3] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, 0x2e0000, 1 },
		{ 0x3e0000, 0x20000, 2 },
		{ 0xfffc0000, 0x40000, 2 },
	};
	static const __u32 aout[] = {
		0x100000, 0x100000, 0x100100, 0x100200, 0x100010,
	};
	struct load_args args = { .image = "k" };
	struct boot_info boot;
	__u8 *img = make_aout(0x100, 0, aout);
	bool ok = true;
	unsigned int i;
	__u64 e;

	fresh_ram();
	ok &= EXPECT(load(img, 0x100, &args, &boot, 0, NULL));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		e = 0x9000 + i * 24;
		ok &= EXPECT(rd32(e) == 20);
		ok &= EXPECT(rd64(e + 4) == want[i][0]);
		ok &= EXPECT(rd64(e + 12) == want[i][1]);
		ok &= EXPECT(rd32(e + 20) == want[i][2]);
	}
	ok &= check_info(0x101000, 0);
	free(img);
	return ok;
}

bool test_mb_aout(void)
{
	/* File: 0x40 bytes before the header, loaded from 0x100000. */
	static const __u32 aout[] = {
		0x100040, 0x100000, 0x100200, 0x101800, 0x100080,
	};
	static const __u32 aout_whole[] = {
		0x300040, 0x300000, 0, 0, 0x300040,
	};
	struct load_args args = { .image = "kernel.bin", .cmdline = "a  b" };
	struct boot_info boot;
	__u8 *img = make_aout(0x300, 0x40, aout);
	bool ok = true;
	size_t i;

	fresh_ram();
	ok &= EXPECT(load(img, 0x300, &args, &boot, 0, NULL));
	ok &= EXPECT(boot.mode == BOOT_PROTECTED && boot.entry == 0x100080);
	ok &= EXPECT(boot.rax == 0x2badb002 && boot.rbx == 0x9500);
	ok &= EXPECT(!memcmp(ram_buf + 0x100000, img, 0x200));
	for (i = 0x100200; i < 0x101800; i++)
		if (ram_buf[i])
			ok &= EXPECT(false);
	/* The module list (empty), then the strings, at the next page. */
	ok &= check_info(0x102000, 0);
	ok &= EXPECT(rd32(0x9500 + 16) == 0x102000);
	ok &= EXPECT(str_at(0x102000, "kernel.bin a  b"));
	ok &= EXPECT(str_at(0x102000 + 16, "tvmmctl"));
	ok &= EXPECT(ram_buf[0x102000 + 24] == FILL);
	free(img);

	/* load_end_addr 0: the whole file; bss_end_addr 0: no BSS. */
	img = make_aout(0x300, 0x40, aout_whole);
	args.cmdline = NULL;
	fresh_ram();
	ok &= EXPECT(load(img, 0x300, &args, &boot, 0, NULL));
	ok &= EXPECT(!memcmp(ram_buf + 0x300000, img, 0x300));
	ok &= EXPECT(ram_buf[0x300300] == FILL);
	/* QEMU writes "IMAGE CMDLINE", so a missing one leaves a space. */
	ok &= EXPECT(str_at(rd32(0x9500 + 16), "kernel.bin "));
	free(img);
	return ok;
}

/*
 * The refguest mb_elf under QEMU 7.2 ("-kernel mb_elf -append 'exit=3
 * hello  world' -initrd 'mod1.txt first arg,mod2.bin'"): a kernel at
 * [0x100000, 0x104020), modules of 13 and 300 bytes. QEMU's addresses:
 * module list 0x105000, command line 0x10503c, modules at 0x106000 and
 * 0x107000. Loaded here through the a.out kludge, same extent.
 */
bool test_mb_layout_like_qemu(void)
{
	static const __u32 aout[] = {
		0x100000, 0x100000, 0x101004, 0x104020, 0x10000c,
	};
	static const char mod1[] = "hello module\n";
	static __u8 mod2[300];
	struct mb_module mods[] = {
		{ "mod1.txt first arg", mod1, 13 },
		{ "mod2.bin", mod2, sizeof(mod2) },
	};
	struct load_args args = {
		.image = "mb_elf",
		.cmdline = "exit=3 hello  world",
		.initrd = "mod1.txt first arg,mod2.bin",
		.mods = mods,
		.nmods = 2,
	};
	struct boot_info boot;
	__u8 *img = make_aout(0x1004, 0, aout);
	bool ok = true;
	size_t i;

	for (i = 0; i < sizeof(mod2); i++)
		mod2[i] = i ^ 0x5a;
	fresh_ram();
	ok &= EXPECT(load(img, 0x1004, &args, &boot, 0, NULL));
	ok &= check_info(0x105000, 2);
	ok &= EXPECT(rd32(0x9500 + 16) == 0x10503c);
	ok &= EXPECT(str_at(0x10503c, "mb_elf exit=3 hello  world"));
	ok &= EXPECT(rd32(0x105000) == 0x106000 && rd32(0x105004) == 0x10600d);
	ok &= EXPECT(rd32(0x105008) == 0x105020 && !rd32(0x10500c));
	ok &= EXPECT(str_at(0x105020, "mod1.txt first arg"));
	ok &= EXPECT(rd32(0x105010) == 0x107000 && rd32(0x105014) == 0x10712c);
	ok &= EXPECT(str_at(rd32(0x105018), "mod2.bin"));
	ok &= EXPECT(!memcmp(ram_buf + 0x106000, mod1, 13));
	ok &= EXPECT(!memcmp(ram_buf + 0x107000, mod2, sizeof(mod2)));
	/* The loader's name after the room QEMU keeps for the strings. */
	ok &= EXPECT(str_at(rd32(0x9500 + 64), "tvmmctl"));
	ok &= EXPECT(rd32(0x9500 + 64) == 0x105020 + 7 + 20 + 28);
	free(img);
	return ok;
}

bool test_mb_elf(void)
{
	static const struct seg_spec segs[] = {
		{ 0x200, 0x100000, 0x100, 0x100 },
		{ 0x300, 0x200000, 0x100, 0x1000 },
	};
	static const char mod[] = "module data";
	struct mb_module mods[] = { { "m.bin x", mod, sizeof(mod) } };
	struct load_args args = {
		.image = "k.elf", .cmdline = "c", .initrd = "m.bin x",
		.mods = mods, .nmods = 1,
	};
	struct boot_info boot;
	__u8 img[0x400];
	size_t len;
	bool ok = true;

	len = make_elf(img, sizeof(img), false, 0x100020, segs, 2);
	put_header(img + 0x200, 3, NULL);
	fresh_ram();
	ok &= EXPECT(load(img, len, &args, &boot, 0, NULL));
	ok &= EXPECT(boot.mode == BOOT_PROTECTED && boot.entry == 0x100020);
	ok &= EXPECT(boot.rax == 0x2badb002 && boot.rbx == 0x9500);
	ok &= EXPECT(!memcmp(ram_buf + 0x100000, img + 0x200, 0x100));
	ok &= EXPECT(!memcmp(ram_buf + 0x200000, img + 0x300, 0x100));
	ok &= EXPECT(!ram_buf[0x200100] && !ram_buf[0x200fff]);
	/* After [0x100000, 0x201000): list, strings, name; then module. */
	ok &= check_info(0x201000, 1);
	ok &= EXPECT(rd32(0x201000) == 0x202000);
	ok &= EXPECT(rd32(0x201004) == 0x202000 + sizeof(mod));
	ok &= EXPECT(str_at(rd32(0x201008), "m.bin x"));
	ok &= EXPECT(str_at(rd32(0x9500 + 16), "k.elf c"));
	ok &= EXPECT(!memcmp(ram_buf + 0x202000, mod, sizeof(mod)));
	ok &= EXPECT(ram_buf[0x202000 + sizeof(mod)] == FILL);
	return ok;
}

/* @img must be refused with @err and a reason containing @why_has. */
static bool refused(const void *img, size_t len, const struct load_args *a,
		    int err, const char *why_has)
{
	struct boot_info boot;
	bool ok;

	fresh_ram();
	ok = load(img, len, a, &boot, err, why_has);
	return ok & ram_untouched();
}

bool test_mb_bad(void)
{
	static const struct seg_spec overlap[] = {
		{ 0x200, 0x100000, 0x100, 0x100 },
		{ 0x300, 0x1000ff, 0x100, 0x100 },
	};
	static const struct seg_spec one_seg[] = {
		{ 0x200, 0x100000, 0x100, 0x100 },
	};
	static const struct seg_spec past_ram[] = {
		{ 0x200, 0x3ff000, 0x100, 0x2000 },
	};
	struct {
		__u32 aout[5];
		size_t len;
		int err;
		const char *why;
	} bad_aout[] = {
		{ { 0x100000, 0x100100, 0, 0, 0x100100 }, 0x300, -ENOEXEC,
		  "header_addr and load_addr" },
		{ { 0x100100, 0x100000, 0, 0, 0x100000 }, 0x300, -ENOEXEC,
		  "header_addr and load_addr" },
		{ { 0x100000, 0x100000, 0xff000, 0, 0x100000 }, 0x300,
		  -ENOEXEC, "load_end_addr below" },
		{ { 0x100000, 0x100000, 0x100400, 0, 0x100000 }, 0x300,
		  -ENOEXEC, "past the end of the file" },
		{ { 0x100000, 0x100000, 0x100200, 0x100100, 0x100000 }, 0x300,
		  -ENOEXEC, "bss_end_addr below" },
		{ { 0x100000, 0x100000, 0, 0, 0x100300 }, 0x300, -ENOEXEC,
		  "entry_addr outside" },
		{ { 0xffffff00, 0xffffff00, 0, 0, 0xffffff00 }, 0x300,
		  -EFBIG, "beyond 4 GiB" },
		{ { 0x100000, 0x100000, 0, 0, 0x100000 }, 0x1c, -ENOEXEC,
		  "truncated" },
		/*
		 * Beyond --mem, into the firmware's tables (low RAM, the BIOS
		 * area below 1 MiB included, is loadable, as under QEMU).
		 */
		{ { 0x3ff000, 0x3ff000, 0, 0, 0x3ff000 }, 0x300, -EFBIG,
		  "outside the usable guest RAM" },
		{ { 0x3d0000, 0x3d0000, 0, 0x3e1000, 0x3d0000 }, 0x300, -EFBIG,
		  "outside the usable guest RAM" },
		/* Over 0x9000 up to the top: no room left for the map. */
		{ { 0x8000, 0x8000, 0, 0x3df000, 0x8000 }, 0x300, -EFBIG,
		  "no room for the memory map" },
	};
	static const struct {
		bool is64;
		__u64 entry;
		const struct seg_spec *segs;
		unsigned int nseg;
		__u32 flags;		/* of the multiboot header at 0x200 */
		struct poke poke;
		int err;
		const char *why;
	} bad_elf[] = {
		/* The flags changed after the checksum was made. */
		{ false, 0x100000, one_seg, 1, 3, { 0x204, 1, 0x83 },
		  -ENOEXEC, "bad checksum" },
		/* A required flag tvmmctl does not know (bit 3). */
		{ false, 0x100000, one_seg, 1, 0xb, { 0 },
		  -EOPNOTSUPP, "flags bits 3-15" },
		/* Not ELF and no a.out kludge. */
		{ false, 0x100000, one_seg, 1, 3, { 1, 1, 'X' },
		  -ENOEXEC, "neither ELF nor" },
		{ true, 0x100000, one_seg, 1, 3, { 0 }, -ENOEXEC, "ELF64" },
		{ false, 0x100000, overlap, 2, 3, { 0 }, -EINVAL, "overlapping" },
		{ false, 0x3ff000, past_ram, 1, 3, { 0 },
		  -EFBIG, "outside guest RAM" },
	};
	static char big_mod[0x2e0000];
	struct mb_module mods[] = { { "big", big_mod, sizeof(big_mod) } };
	struct load_args args = { .image = "k" };
	__u8 img[0x400], *aimg;
	size_t len, i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(bad_elf); i++) {
		len = make_elf(img, sizeof(img), bad_elf[i].is64,
			       bad_elf[i].entry, bad_elf[i].segs,
			       bad_elf[i].nseg);
		put_header(img + 0x200, bad_elf[i].flags, NULL);
		poke(img, &bad_elf[i].poke);
		if (!refused(img, len, &args, bad_elf[i].err,
			     bad_elf[i].why)) {
			ksft_print_msg("bad ELF kernel %zu\n", i);
			ok = false;
		}
	}
	/* Flags bits 0-2 and 16-31 are fine. */
	len = make_elf(img, sizeof(img), false, 0x100000, one_seg, 1);
	put_header(img + 0x200, 0x80000007, NULL);
	fresh_ram();
	ok &= EXPECT(load(img, len, &args, &(struct boot_info){ 0 }, 0, NULL));
	/* Guest RAM below the kernel's end. */
	put_header(img + 0x200, 3, NULL);
	ram.size = 1ULL << 20;
	ok &= EXPECT(load_multiboot(&ram, img, len, &args, &(struct boot_info){ 0 },
				    &(const char *){ NULL }) == -EFBIG);
	ram.size = RAM_SIZE;

	for (i = 0; i < ARRAY_SIZE(bad_aout); i++) {
		aimg = make_aout(0x300, 0, bad_aout[i].aout);
		if (!refused(aimg, bad_aout[i].len, &args, bad_aout[i].err,
			     bad_aout[i].why)) {
			ksft_print_msg("bad a.out kernel %zu\n", i);
			ok = false;
		}
		free(aimg);
	}

	/* A module that does not fit after the kernel (4M - 128K RAM). */
	len = make_elf(img, sizeof(img), false, 0x100000, one_seg, 1);
	put_header(img + 0x200, 3, NULL);
	args.mods = mods;
	args.nmods = 1;
	args.initrd = "big";
	ok &= refused(img, len, &args, -EFBIG, "modules do not fit");
	mods[0].len = 0x2d0000;
	fresh_ram();
	ok &= EXPECT(load(img, len, &args, &(struct boot_info){ 0 }, 0, NULL));
	return ok;
}

/*
 * Kernels where QEMU's option ROM writes the memory map and info block
 * (0x9000, 0x9500) or where tvmmctl keeps its boot area (below 0x7c00).
 * QEMU 7.2 loads them all, then writes the map and info under the kernel
 * (a kernel at 0x8000 finds its info block zeroed): tvmmctl moves what
 * is in the way after the kernel and its data instead.
 */
bool test_mb_low(void)
{
	static const __u32 at_8000[] = {
		0x8000, 0x8000, 0, 0, 0x8010,
	};
	/* refguests' mb_low: text at 0x8000, data and BSS from 0x9000. */
	static const struct seg_spec mb_low[] = {
		{ 0x200, 0x8000, 0x100, 0xc30 },
		{ 0x300, 0x9000, 0x4, 0x3020 },
	};
	static const struct seg_spec boot_area[] = {
		{ 0x200, 0x1000, 0x100, 0x7000 },
	};
	struct load_args args = { .image = "k" };
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct boot_info boot;
	const char *why = NULL;
	__u8 img[0x400], *aimg;
	bool ok = true;
	size_t len;

	/*
	 * 0x300 bytes at 0x8000: QEMU's layout puts the (empty) module list
	 * and the strings at 0x9000, up to 0xa000: the map goes there.
	 */
	aimg = make_aout(0x300, 0, at_8000);
	fresh_ram();
	ok &= EXPECT(load(aimg, 0x300, &args, &boot, 0, NULL));
	ok &= EXPECT(boot.entry == 0x8010 && boot.rbx == 0xa500);
	ok &= EXPECT(boot.area == 0);
	ok &= EXPECT(!memcmp(ram_buf + 0x8000, aimg, 0x300));
	ok &= EXPECT(rd32(0xa500) == 0x24f && rd32(0xa500 + 48) == 0xa000);
	ok &= EXPECT(rd32(0xa500 + 44) == 6 * 24);
	ok &= EXPECT(rd32(0xa000) == 20 && rd64(0xa000 + 3 * 24 + 4) == 0x100000);
	ok &= EXPECT(rd32(0xa500 + 16) == 0x9000 && str_at(0x9000, "k "));
	ok &= EXPECT(str_at(rd32(0xa500 + 64), "tvmmctl"));
	ok &= EXPECT(ram_buf[0x9500] == FILL && ram_buf[0xa558] == FILL);
	free(aimg);

	/* An ELF kernel linked at 0x8000: its data from 0x9000. */
	len = make_elf(img, sizeof(img), false, 0x8000, mb_low, 2);
	put_header(img + 0x200, 3, NULL);
	fresh_ram();
	ok &= EXPECT(load(img, len, &args, &boot, 0, NULL));
	ok &= EXPECT(boot.rbx == 0xe500 && rd32(0xe500) == 0x24f);
	ok &= EXPECT(!memcmp(ram_buf + 0x9000, img + 0x300, 4));
	ok &= EXPECT(!ram_buf[0x9004] && !ram_buf[0xc01f]);
	ok &= EXPECT(rd32(0xe500 + 16) == 0xd000);

	/*
	 * [0x1000, 0x8000) is where the boot area was: it goes after the
	 * info block, which stays at 0x9500, and boot_setup() puts the GDT
	 * and the stack there.
	 */
	len = make_elf(img, sizeof(img), false, 0x1000, boot_area, 1);
	put_header(img + 0x200, 3, NULL);
	fresh_ram();
	ok &= EXPECT(load(img, len, &args, &boot, 0, NULL));
	ok &= EXPECT(boot.rbx == 0x9500 && boot.area == 0xa000);
	ok &= EXPECT(!boot_setup(&ram, &boot, &regs, &sregs, &why));
	ok &= EXPECT(regs.rsp == 0xa000 + 0x7c00 && regs.rbx == 0x9500);
	ok &= EXPECT(sregs.gdt.base == 0xa500 && regs.rax == 0x2badb002);
	ok &= EXPECT(!memcmp(ram_buf + 0x1000, img + 0x200, 0x100));
	ok &= EXPECT(!ram_buf[0x1100] && !ram_buf[0x7fff]);
	ok &= EXPECT(rd32(0x9500 + 16) == 0x8000 && str_at(0x8000, "k "));
	return ok;
}

static __u32 fw_cfg_read(struct dev_ctx *ctx, __u16 key, int n)
{
	__u32 v = 0;
	int i;

	io_out(ctx, 0x510, 2, key);
	for (i = 0; i < n; i++)
		v |= io_in(ctx, 0x511, 1) << (i * 8);
	return v;
}

bool test_fw_cfg(void)
{
	struct dev_ctx ctx;
	bool ok = true;
	__u64 ram;
	int i;

	dev_ctx_init(&ctx, stdout, false);
	ctx.ram_size = 0x123456789000ULL;
	ok &= EXPECT(ctx.nr_cpus == 1);
	ok &= EXPECT(io_dev_find(0x510) == &fw_cfg_dev);
	ok &= EXPECT(io_dev_find(0x511) == &fw_cfg_dev);
	ok &= EXPECT(io_dev_find(0x512) != &fw_cfg_dev);
	/* After reset the signature is selected. */
	ok &= EXPECT(io_in(&ctx, 0x511, 1) == 'Q');
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0000, 4) == 0x554d4551);  /* QEMU */
	ok &= EXPECT(io_in(&ctx, 0x511, 1) == 0);	/* past the end */
	ok &= EXPECT(io_in(&ctx, 0x511, 1) == 0);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0001, 4) == 1);	/* no DMA */
	io_out(&ctx, 0x510, 2, 0x0003);
	ram = 0;
	for (i = 0; i < 8; i++)
		ram |= (__u64)io_in(&ctx, 0x511, 1) << (i * 8);
	ok &= EXPECT(ram == 0x123456789000ULL);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0005, 4) == 1);
	ctx.nr_cpus = 3;
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0005, 4) == 3);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x000f, 4) == 3);
	/* No command line: no such items. */
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0014, 4) == 0);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0015, 4) == 0);
	/* The size counts the NUL. */
	ctx.cmdline = "abc";
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0014, 4) == 4);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0015, 4) == 0x00636261);
	ok &= EXPECT(io_in(&ctx, 0x511, 1) == 0);
	ctx.cmdline = "";
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0014, 4) == 1);
	/* Unknown items, x86's own items: 0. The write bit is ignored. */
	ok &= EXPECT(fw_cfg_read(&ctx, 0x0006, 4) == 0);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x3fff, 4) == 0);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x8003, 4) == 0);
	ok &= EXPECT(fw_cfg_read(&ctx, 0x4000, 4) == 0x554d4551);
	/* Byte reads at 0x510 read data too; wider reads read 0. */
	io_out(&ctx, 0x510, 2, 0x0000);
	ok &= EXPECT(io_in(&ctx, 0x510, 1) == 'Q');
	ok &= EXPECT(io_in(&ctx, 0x511, 2) == 0);
	ok &= EXPECT(io_in(&ctx, 0x511, 4) == 0);
	ok &= EXPECT(io_in(&ctx, 0x511, 1) == 'E');
	/* Byte and dword writes select nothing; a word write to 0x511 does. */
	io_out(&ctx, 0x510, 1, 0x01);
	io_out(&ctx, 0x510, 4, 0x01);
	ok &= EXPECT(io_in(&ctx, 0x511, 1) == 'M');
	io_out(&ctx, 0x511, 2, 0x0001);
	ok &= EXPECT(io_in(&ctx, 0x511, 1) == 1);
	ok &= EXPECT(!ctx.stop);
	return ok;
}
