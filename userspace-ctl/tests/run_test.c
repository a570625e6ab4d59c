// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of "tvmmctl run" without a VM: size parsing, the raw and ELF
 * loaders on hand-made images (good, truncated, overlapping, outside RAM,
 * corrupt), the long-mode page tables, and the UART and isa-debug-exit
 * models driven through the port table.
 */
#include <errno.h>
#include <linux/elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"

#include "lib/opts.h"
#include "lib/parse.h"
#include "lib/util.h"
#include "loader/loader.h"
#include "devices/devices.h"
#include "run_test.h"
#include "check.h"

#define RAM_SIZE	(4ULL << 20)

static __u8 ram_buf[RAM_SIZE];

static struct guest_ram *fresh_ram(void)
{
	static struct guest_ram ram;

	memset(ram_buf, 0xcc, sizeof(ram_buf));
	ram.hva = ram_buf;
	ram.size = RAM_SIZE;
	return &ram;
}

bool test_run_parse_size(void)
{
	static const struct {
		const char *text;
		int ret;
		__u64 value;
	} sizes[] = {
		{ "64M", 0, 64ULL << 20 },
		{ "64m", 0, 64ULL << 20 },
		{ "4096", 0, 4096 },
		{ "512K", 0, 512ULL << 10 },
		{ "2G", 0, 2ULL << 30 },
		{ "0x1000", 0, 0x1000 },
		{ "", -EINVAL },
		{ NULL, -EINVAL },
		{ "M", -EINVAL },
		{ "-1M", -EINVAL },
		{ "64MB", -EINVAL },
		{ "64T", -EINVAL },
		{ "99999999999999999999", -ERANGE },
		{ "17179869184G", -ERANGE },
	};
	bool ok = true;
	size_t i;
	__u64 v;
	int ret;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		v = 0;
		ret = tvmm_parse_size(sizes[i].text, &v);
		if (ret != sizes[i].ret || (!ret && v != sizes[i].value)) {
			ksft_print_msg("size \"%s\": %d, 0x%llx\n",
				       sizes[i].text ? sizes[i].text : "(null)",
				       ret, (unsigned long long)v);
			ok = false;
		}
	}
	ok &= EXPECT(!tvmm_parse_u64("0x7c00", &v) && v == 0x7c00);
	ok &= EXPECT(tvmm_parse_u64("0x7c00k", &v) == -EINVAL);
	ok &= EXPECT(!tvmm_parse_range("16", 1, 16, &v) && v == 16);
	ok &= EXPECT(tvmm_parse_range("17", 1, 16, &v) == -ERANGE);
	ok &= EXPECT(tvmm_parse_range("0", 1, 16, &v) == -ERANGE);
	ok &= EXPECT(tvmm_parse_range("1x", 1, 16, &v) == -EINVAL);
	ok &= EXPECT(tvmm_parse_range(NULL, 1, 16, &v) == -EINVAL);
	ok &= EXPECT(tvmm_parse_word("long", boot_mode_names,
				     BOOT_NR_MODES) == BOOT_LONG);
	ok &= EXPECT(tvmm_parse_word("Long", boot_mode_names,
				     BOOT_NR_MODES) == -EINVAL);
	ok &= EXPECT(tvmm_parse_word(NULL, boot_mode_names,
				     BOOT_NR_MODES) == -EINVAL);
	return ok;
}

/* "--mem VALUE", "--mem=VALUE", a missing VALUE, another option. */
bool test_run_parse_opt(void)
{
	char **argv = (char *[]){ "run", "--mem=1M", "--mem", "2M", "--memx",
				  "--mem" };
	const char *v = "unset";
	bool ok = true;
	int i = 1;

	ok &= EXPECT(tvmm_opt(6, argv, &i, "--mem", &v) && i == 1 &&
		     !strcmp(v, "1M"));
	i = 2;
	ok &= EXPECT(tvmm_opt(6, argv, &i, "--mem", &v) && i == 3 &&
		     !strcmp(v, "2M"));
	i = 4;
	ok &= EXPECT(!tvmm_opt(6, argv, &i, "--mem", &v) && i == 4);
	i = 5;
	ok &= EXPECT(tvmm_opt(6, argv, &i, "--mem", &v) && i == 5 && !v);
	i = 1;
	ok &= EXPECT(!tvmm_opt(6, argv, &i, "--me", &v) && i == 1);
	return ok;
}

/* An option table: values, flags, aliases, arguments, unknown options. */
bool test_opt_table(void)
{
	static const struct tvmm_option opts[] = {
		[0] = { "--mem", NULL, "SIZE", "guest RAM" },
		[2] = { "--json", "-j", NULL, "JSON\nlines" },
	};
	char **argv = (char *[]){ "cmd", "--mem", "2M", "-j", "--json=x",
				  "img", "-", "--mem=3M", "--mem" };
	const int want[] = { 0, 2, TVMM_OPT_UNKNOWN, TVMM_OPT_ARG,
			     TVMM_OPT_ARG, 0, 0, TVMM_OPT_END };
	static const char *const val[] = { "2M", "-j", "--json=x", "img", "-", "3M", NULL };
	char *help = NULL;
	size_t len, k;
	const char *v;
	bool ok = true;
	FILE *f;
	int i = 1;

	for (k = 0; k < ARRAY_SIZE(want); k++, i++) {
		int got = tvmm_opt_next(opts, ARRAY_SIZE(opts), 9, argv, &i,
					&v);

		ok &= EXPECT(got == want[k]);
		if (got != TVMM_OPT_END)
			ok &= EXPECT(val[k] ? v && !strcmp(v, val[k]) : !v);
	}
	f = mem_stream(&help, &len);
	tvmm_opts_print(f, opts, ARRAY_SIZE(opts));
	fclose(f);
	ok &= EXPECT(!strcmp(help,
		"  --mem SIZE          guest RAM\n"
		"  --json, -j          JSON\n"
		"                      lines\n"));
	free(help);
	return ok;
}

bool test_run_raw(void)
{
	struct guest_ram *ram = fresh_ram();
	static const __u8 img[] = { 0xfa, 0xf4 };
	const char *why = NULL;
	bool ok = true;

	ok &= EXPECT(!load_raw(ram, img, sizeof(img), RAW_LOAD_ADDR, &why));
	ok &= EXPECT(!memcmp(ram->hva + 0x7c00, img, sizeof(img)));
	ok &= EXPECT(ram->hva[0x7c02] == 0xcc && ram->hva[0x7bff] == 0xcc);
	ok &= EXPECT(!load_raw(ram, img, sizeof(img), RAM_SIZE - 2, &why));
	ok &= EXPECT(load_raw(ram, img, sizeof(img), RAM_SIZE - 1, &why) ==
		     -EFBIG);
	ok &= EXPECT(load_raw(ram, img, sizeof(img), ~0ULL, &why) == -EFBIG);
	ok &= EXPECT(load_raw(ram, img, 0, 0x7c00, &why) == -ENOEXEC);
	return ok;
}

/*
 * A small ELF file: header, @n program headers, code at 0x200. The headers
 * are made in ELF64's form and, for ELF32, narrowed field by field: not
 * the loader's code, which widens them.
 */
size_t make_elf(__u8 *buf, size_t size, bool is64, __u64 entry,
		const struct seg_spec *segs, unsigned int n)
{
	struct elf64_hdr e = {
		.e_type = ET_EXEC,
		.e_machine = is64 ? EM_X86_64 : EM_386,
		.e_version = EV_CURRENT,
		.e_entry = entry,
		.e_phoff = is64 ? sizeof(struct elf64_hdr) :
				  sizeof(struct elf32_hdr),
		.e_phentsize = is64 ? sizeof(struct elf64_phdr) :
				      sizeof(struct elf32_phdr),
		.e_phnum = n,
	};
	struct elf32_hdr e32 = {
		.e_type = e.e_type, .e_machine = e.e_machine,
		.e_version = e.e_version, .e_entry = e.e_entry,
		.e_phoff = e.e_phoff, .e_phentsize = e.e_phentsize,
		.e_phnum = e.e_phnum,
	};
	unsigned int i;

	memset(buf, 0, size);
	for (i = 0x200; i < size; i++)
		buf[i] = i & 0xff;
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(e32.e_ident, e.e_ident, EI_NIDENT);
	if (is64)
		memcpy(buf, &e, sizeof(e));
	else
		memcpy(buf, &e32, sizeof(e32));
	for (i = 0; i < n; i++) {
		struct elf64_phdr p = {
			.p_type = PT_LOAD, .p_offset = segs[i].offset,
			.p_paddr = segs[i].paddr, .p_filesz = segs[i].filesz,
			.p_memsz = segs[i].memsz,
		};
		struct elf32_phdr p32 = {
			.p_type = p.p_type, .p_offset = p.p_offset,
			.p_paddr = p.p_paddr, .p_filesz = p.p_filesz,
			.p_memsz = p.p_memsz,
		};
		__u8 *at = buf + e.e_phoff + i * e.e_phentsize;

		if (is64)
			memcpy(at, &p, sizeof(p));
		else
			memcpy(at, &p32, sizeof(p32));
	}
	return size;
}

static const struct seg_spec two_segs[] = {
	{ 0x200, 0x100000, 0x100, 0x100 },
	{ 0x300, 0x200000, 0x100, 0x1000 },	/* 0xf00 bytes of BSS */
};

static bool check_two_segs(bool is64)
{
	struct guest_ram *ram = fresh_ram();
	struct boot_info boot;
	const char *why = NULL;
	__u8 img[0x400];
	size_t len = make_elf(img, sizeof(img), is64, 0x100010, two_segs, 2);
	bool ok = true;

	ok &= EXPECT(!load_elf(ram, img, len, &boot, &why));
	if (why)
		ksft_print_msg("load_elf: %s\n", why);
	ok &= EXPECT(boot.mode == (is64 ? BOOT_LONG : BOOT_PROTECTED));
	ok &= EXPECT(boot.entry == 0x100010);
	ok &= EXPECT(!memcmp(ram->hva + 0x100000, img + 0x200, 0x100));
	ok &= EXPECT(ram->hva[0x100100] == 0xcc);
	ok &= EXPECT(!memcmp(ram->hva + 0x200000, img + 0x300, 0x100));
	ok &= EXPECT(ram->hva[0x200100] == 0 && ram->hva[0x200fff] == 0);
	ok &= EXPECT(ram->hva[0x201000] == 0xcc);
	return ok;
}

bool test_run_elf64_good(void)
{
	return check_two_segs(true);
}

bool test_run_elf32_good(void)
{
	return check_two_segs(false);
}

/* Load @img and expect @err; RAM must be left untouched. */
static bool elf_fails(__u8 *img, size_t len, int err, const char *why_has)
{
	struct guest_ram *ram = fresh_ram();
	struct boot_info boot;
	const char *why = "";
	bool ok = true;
	size_t i;

	ok &= EXPECT(load_elf(ram, img, len, &boot, &why) == err);
	ok &= EXPECT(strstr(why, why_has));
	if (!ok)
		ksft_print_msg("wanted '%s', got '%s'\n", why_has, why);
	for (i = 0x100000; i < 0x100400; i++)
		if (ram->hva[i] != 0xcc)
			return EXPECT(false);
	return ok;
}

void poke(__u8 *img, const struct poke *p)
{
	/* Little-endian, as the file and this host are. */
	memcpy(img + p->off, &p->value, p->size);
}

/*
 * A bad ELF image: make_elf() of @segs, then @poke, loaded from its first
 * @len bytes (all if 0).
 */
struct elf_bad {
	bool is64;
	__u64 entry;
	const struct seg_spec *segs;
	unsigned int nseg;
	struct poke poke;
	size_t len;
	int err;
	const char *why;
};

#define EHDR64(field)	offsetof(struct elf64_hdr, field)

bool test_run_elf_bad(void)
{
	static const struct seg_spec overlap[] = {
		{ 0x200, 0x100000, 0x100, 0x100 },
		{ 0x300, 0x1000ff, 0x100, 0x100 },
	};
	static const struct seg_spec outside[] = {
		{ 0x200, RAM_SIZE - 0x80, 0x100, 0x100 },
	};
	static const struct seg_spec wrap[] = {
		{ 0x200, ~0ULL - 0x10, 0x100, 0x100 },
	};
	static const struct seg_spec past_end[] = {
		{ 0x200, 0x100000, 0x300, 0x300 },
	};
	static const struct seg_spec file_gt_mem[] = {
		{ 0x200, 0x100000, 0x100, 0x80 },
	};
	static const struct elf_bad cases[] = {
		/* Truncated: header only, no program headers; cut shorter. */
		{ true, 0x100000, two_segs, 2, .len = sizeof(struct elf64_hdr),
		  .err = -ENOEXEC, .why = "truncated" },
		{ true, 0x100000, two_segs, 2, .len = 20,
		  .err = -ENOEXEC, .why = "truncated ELF header" },
		{ true, 0x100000, two_segs, 2, .len = 0x250,
		  .err = -ENOEXEC, .why = "segment past the end" },
		{ true, 0x100000, two_segs, 2, .len = 4,
		  .err = -ENOEXEC, .why = "truncated ELF header" },
		{ true, 0x100000, two_segs, 2, { 1, 1, 'X' },
		  .err = -ENOEXEC, .why = "not an ELF file" },
		{ true, 0x100000, overlap, 2, .err = -EINVAL, .why = "overlapping" },
		{ false, 0x100000, overlap, 2, .err = -EINVAL, .why = "overlapping" },
		{ true, RAM_SIZE - 0x80, outside, 1,
		  .err = -EFBIG, .why = "outside guest RAM" },
		{ true, 0x100000, wrap, 1, .err = -EFBIG, .why = "outside guest RAM" },
		{ true, 0x100000, past_end, 1,
		  .err = -ENOEXEC, .why = "segment past the end" },
		{ true, 0x100000, file_gt_mem, 1,
		  .err = -ENOEXEC, .why = "p_filesz > p_memsz" },
		/* Entry outside every segment. */
		{ true, 0x500000, two_segs, 2, .err = -ENOEXEC, .why = "entry point" },
		/* Corrupt header fields, one at a time. */
		{ true, 0x100000, two_segs, 2, { EI_CLASS, 1, 7 },
		  .err = -ENOEXEC, .why = "bad class" },
		{ true, 0x100000, two_segs, 2, { EI_DATA, 1, ELFDATA2MSB },
		  .err = -ENOEXEC, .why = "little-endian" },
		{ true, 0x100000, two_segs, 2, { EHDR64(e_phentsize), 2, 40 },
		  .err = -ENOEXEC, .why = "e_phentsize" },
		{ true, 0x100000, two_segs, 2, { EHDR64(e_phnum), 2, 0 },
		  .err = -ENOEXEC, .why = "e_phnum" },
		{ true, 0x100000, two_segs, 2, { EHDR64(e_phoff), 8, ~0ULL - 8 },
		  .err = -ENOEXEC, .why = "program headers past the end" },
		{ true, 0x100000, two_segs, 2, { EHDR64(e_machine), 2, EM_386 },
		  .err = -ENOEXEC, .why = "e_machine" },
		{ true, 0x100000, two_segs, 2, { EHDR64(e_type), 2, ET_DYN },
		  .err = -ENOEXEC, .why = "ET_EXEC" },
	};
	const struct elf_bad *c;
	__u8 img[0x400];
	bool ok = true;
	size_t len;

	for (c = cases; c < cases + ARRAY_SIZE(cases); c++) {
		len = make_elf(img, sizeof(img), c->is64, c->entry, c->segs,
			       c->nseg);
		poke(img, &c->poke);
		if (!elf_fails(img, c->len ? c->len : len, c->err, c->why)) {
			ksft_print_msg("bad ELF case %zu\n", c - cases);
			ok = false;
		}
	}
	return ok;
}

bool test_run_boot_long(void)
{
	struct guest_ram *ram = fresh_ram();
	struct boot_info boot = { .mode = BOOT_LONG, .entry = 0x100000 };
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	const char *why = NULL;
	__u64 pml4, pdpt3, pd_last;
	bool ok = true;

	ok &= EXPECT(!boot_setup(ram, &boot, &regs, &sregs, &why));
	memcpy(&pml4, ram->hva + BOOT_PML4, 8);
	memcpy(&pdpt3, ram->hva + BOOT_PDPT + 3 * 8, 8);
	memcpy(&pd_last, ram->hva + BOOT_PD + (4 * 512 - 1) * 8, 8);
	ok &= EXPECT(pml4 == (BOOT_PDPT | 3));
	ok &= EXPECT(pdpt3 == ((BOOT_PD + 3 * 4096) | 3));
	ok &= EXPECT(pd_last == (0xffe00000ULL | 0x83));
	ok &= EXPECT(regs.rip == 0x100000 && regs.rflags == 2);
	ok &= EXPECT(sregs.cs.l && !sregs.cs.db && sregs.cs.selector == 8);
	ok &= EXPECT(sregs.cr3 == BOOT_PML4 && sregs.efer == 0x500);
	ok &= EXPECT(sregs.cr0 == 0x80010033);

	boot.mode = BOOT_REAL;
	boot.entry = 0x7c00;
	ok &= EXPECT(!boot_setup(ram, &boot, &regs, &sregs, &why));
	/* 0000:7c00, as a BIOS starts a boot sector. */
	ok &= EXPECT(sregs.cs.selector == 0 && sregs.cs.base == 0);
	ok &= EXPECT(regs.rip == 0x7c00 && sregs.cr0 == 0x10);
	ok &= EXPECT(regs.rdx == 0x80 && !regs.rax && !regs.rbx);
	boot.entry = 0x12345;
	ok &= EXPECT(!boot_setup(ram, &boot, &regs, &sregs, &why));
	ok &= EXPECT(sregs.cs.selector == 0x1234 && regs.rip == 5);
	boot.entry = 0x100000;
	ok &= EXPECT(boot_setup(ram, &boot, &regs, &sregs, &why) == -EINVAL);

	/* A boot protocol's registers (multiboot: EAX, EBX). */
	boot.mode = BOOT_PROTECTED;
	boot.rax = 0x2badb002;
	boot.rbx = 0x9500;
	ok &= EXPECT(!boot_setup(ram, &boot, &regs, &sregs, &why));
	ok &= EXPECT(regs.rax == 0x2badb002 && regs.rbx == 0x9500);
	ok &= EXPECT(regs.rip == 0x100000 && sregs.cr0 == 0x33);
	ok &= EXPECT(sregs.cs.db && !sregs.cs.l && sregs.cs.limit == 0xffffffff);
	ok &= EXPECT(sregs.ds.limit == 0xffffffff && sregs.ss.db);
	return ok;
}

/*
 * Images where tvmmctl keeps its boot area (GDT, TSS, page tables, stack
 * below 0x7c00): the area moves past them, and boot_setup() writes it
 * there, leaving the image alone.
 */
bool test_run_boot_area(void)
{
	static const struct seg_spec low[] = {
		{ 0x200, 0x1000, 0x100, 0x100 },
	};
	static const struct seg_spec low_and_next[] = {
		{ 0x200, 0x1000, 0x100, 0x100 },
		{ 0x300, 0x2000, 0x100, 0x7000 },	/* to 0x9000 */
	};
	static const struct gpa_range all = { 0, RAM_SIZE };
	struct guest_ram *ram = fresh_ram();
	struct load_args args = { .has_mode = true, .mode = BOOT_PROTECTED,
				  .has_load_addr = true, .load_addr = 0x6000 };
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct boot_info boot;
	const char *why = NULL;
	__u8 img[0x400];
	__u64 v, area;
	size_t len;
	bool ok = true;

	/* ELF64 at 0x1000: the area after it, at 0x2000. */
	len = make_elf(img, sizeof(img), true, 0x1000, low, 1);
	ok &= EXPECT(!load_elf(ram, img, len, &boot, &why));
	ok &= EXPECT(boot.area == 0x2000 && boot.mode == BOOT_LONG);
	ok &= EXPECT(!boot_setup(ram, &boot, &regs, &sregs, &why));
	ok &= EXPECT(!memcmp(ram->hva + 0x1000, img + 0x200, 0x100));
	ok &= EXPECT(ram->hva[0x1100] == 0xcc && ram->hva[0x24ff] == 0xcc);
	ok &= EXPECT(sregs.gdt.base == 0x2500 && sregs.tr.base == 0x2580);
	ok &= EXPECT(sregs.cr3 == 0x3000 && regs.rsp == 0x9c00);
	memcpy(&v, ram->hva + 0x3000, 8);
	ok &= EXPECT(v == (0x4000 | 3));
	memcpy(&v, ram->hva + 0x2500 + BOOT_SEL_CODE64, 8);
	ok &= EXPECT(v == 0x00af9b000000ffffULL);
	/* The TSS descriptor has the moved base. */
	memcpy(&v, ram->hva + 0x2500 + BOOT_SEL_TSS, 8);
	ok &= EXPECT(v == (0x67 | 0x2580ULL << 16 | 0x8bULL << 40));

	/* Two segments up to 0x9000: after the second. */
	fresh_ram();
	len = make_elf(img, sizeof(img), false, 0x1000, low_and_next, 2);
	ok &= EXPECT(!load_elf(ram, img, len, &boot, &why));
	ok &= EXPECT(boot.area == 0x9000 && boot.mode == BOOT_PROTECTED);

	/* A raw image in protected mode at 0x6000. */
	fresh_ram();
	ok &= EXPECT(!load_raw_image(ram, img, 0x100, &args, &boot, &why));
	ok &= EXPECT(boot.area == 0x7000 && boot.entry == 0x6000);
	ok &= EXPECT(!memcmp(ram->hva + 0x6000, img, 0x100));
	/* ...in real mode, no area is needed. */
	args.mode = BOOT_REAL;
	ok &= EXPECT(!load_raw_image(ram, img, 0x100, &args, &boot, &why));
	ok &= EXPECT(boot.area == 0);

	/* No room: RAM all taken, or an area outside RAM. */
	ok &= EXPECT(boot_area_place(ram, &all, 1, &area, &why) == -ENOSPC);
	ok &= EXPECT(strstr(why, "boot area"));
	boot.mode = BOOT_LONG;
	boot.area = RAM_SIZE - 0x1000;
	ok &= EXPECT(boot_setup(ram, &boot, &regs, &sregs, &why) == -EINVAL);
	boot.area = 0x1800;
	ok &= EXPECT(boot_setup(ram, &boot, &regs, &sregs, &why) == -EINVAL);
	return ok;
}

bool test_run_uart(void)
{
	struct dev_ctx ctx;
	char buf[64] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	bool ok = true;

	if (!f)
		return EXPECT(false);
	dev_ctx_init(&ctx, f, false);
	ok &= EXPECT(io_dev_find(0x3f8) == &uart_dev);
	ok &= EXPECT(io_dev_find(0x3ff) == &uart_dev);
	ok &= EXPECT(!io_dev_find(0x400));
	ok &= EXPECT(io_in(&ctx, 0x3fd, 1) == 0x60);	/* LSR: THRE, TEMT */
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0x01);	/* IIR: no interrupt */
	io_out(&ctx, 0x3fa, 1, 0xc7);			/* FCR: FIFOs on */
	ok &= EXPECT(io_in(&ctx, 0x3fa, 1) == 0xc1);	/* ...as a 16550A */
	io_out(&ctx, 0x3f8, 1, 'h');
	io_out(&ctx, 0x3f8, 1, 'i');
	/* DLAB: the divisor latch, not the transmitter. */
	io_out(&ctx, 0x3fb, 1, 0x83);
	io_out(&ctx, 0x3f8, 1, 0x01);
	io_out(&ctx, 0x3f9, 1, 0x00);
	ok &= EXPECT(io_in(&ctx, 0x3f8, 1) == 0x01);
	ok &= EXPECT(io_in(&ctx, 0x3fb, 1) == 0x83);
	io_out(&ctx, 0x3fb, 1, 0x03);
	io_out(&ctx, 0x3ff, 1, 0x5a);
	ok &= EXPECT(io_in(&ctx, 0x3ff, 1) == 0x5a);	/* scratch */
	io_out(&ctx, 0x3f8, 1, '\n');
	fclose(f);
	ok &= EXPECT(!strcmp(buf, "hi\n"));
	ok &= EXPECT(!ctx.stop);
	/* Nobody's ports. */
	ok &= EXPECT(io_in(&ctx, 0x1234, 1) == 0xff);
	ok &= EXPECT(io_in(&ctx, 0x1234, 2) == 0xffff);
	ok &= EXPECT(io_in(&ctx, 0x1234, 4) == 0xffffffff);
	io_out(&ctx, 0x1234, 4, 0);
	ok &= EXPECT(!ctx.stop);
	return ok;
}

bool test_run_debug_exit(void)
{
	struct dev_ctx ctx;
	bool ok = true;

	dev_ctx_init(&ctx, stdout, false);
	io_out(&ctx, 0x80, 1, 0x55);		/* POST code: nothing */
	ok &= EXPECT(!ctx.stop);
	io_out(&ctx, 0x64, 1, 0xd1);		/* another i8042 command */
	ok &= EXPECT(!ctx.stop);
	io_out(&ctx, 0xf4, 1, 0x21);
	ok &= EXPECT(ctx.stop == DEV_STOP_DEBUG_EXIT && ctx.status == 0x43);
	dev_ctx_init(&ctx, stdout, false);
	io_out(&ctx, 0xf4, 1, 0);
	ok &= EXPECT(ctx.stop == DEV_STOP_DEBUG_EXIT && ctx.status == 1);
	dev_ctx_init(&ctx, stdout, false);
	io_out(&ctx, 0x64, 1, 0xfe);
	ok &= EXPECT(ctx.stop == DEV_STOP_RESET && ctx.status == 0);
	return ok;
}
