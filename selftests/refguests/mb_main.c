// SPDX-License-Identifier: GPL-2.0
/*
 * mb_main.c - the multiboot reference kernels: print what the boot loader
 * and the machine tell them, then leave through isa-debug-exit with the
 * code "exit=N" on their command line asks for (16 without one).
 *
 * QEMU's -kernel and "tvmmctl run" must give the same printout. So it has
 * the loader's addresses and QEMU's memory map, but not
 * boot_loader_name: that one names the loader ("qemu", "tvmmctl"); nor
 * fw_cfg's DMA bit (see show_fw_cfg()).
 * Built twice: mb_elf prints everything; mb_aout (AOUT, loaded through
 * the a.out kludge) a subset.
 */
#include "multiboot.h"

#define DEFAULT_EXIT_CODE	16
#define MAX_SHOWN		64	/* module bytes shown */
#define X86_CR0_PE		0x1
#define X86_CR0_PG		0x80000000
#define X86_EFLAGS_IF		0x200
#define X86_EFLAGS_VM		0x20000

#ifdef AOUT
#define NAME			"mb_aout"
#define FULL			0
#else
#define NAME			"mb_elf"
#define FULL			1
#endif

/*
 * The loader must have loaded the data segment and zeroed the BSS. Not
 * static, so that the compiler cannot know their values.
 */
u32 data_probe = 0x5eed1e55;
u8 bss_probe[4096];

static void put_str(const char *s)
{
	putc('"');
	for (; *s; s++)
		putc(*s);
	putc('"');
}

/* @len bytes, quoted, with anything not printable as \xNN. */
static void put_bytes(const u8 *p, u32 len)
{
	putc('"');
	for (; len; len--, p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
			putc(*p);
		} else {
			puts("\\x");
			put_hex(*p, 2);
		}
	}
	putc('"');
}

/* FNV-1a, 32 bits: one number that changes with any byte. */
static u32 fnv1a(const u8 *p, u32 len)
{
	u32 h = 0x811c9dc5;

	while (len--) {
		h ^= *p++;
		h *= 0x01000193;
	}
	return h;
}

static u32 exit_code(const char *cmdline)
{
	const char *p;
	u32 code;

	for (p = cmdline; *p; p++) {
		if (p[0] != 'e' || p[1] != 'x' || p[2] != 'i' || p[3] != 't' ||
		    p[4] != '=' || (p != cmdline && p[-1] != ' '))
			continue;
		code = 0;
		for (p += 5; *p >= '0' && *p <= '9'; p++)
			code = code * 10 + *p - '0';
		return code & 0xff;
	}
	return DEFAULT_EXIT_CODE;
}

static int bss_is_zero(void)
{
	u32 i;

	for (i = 0; i < sizeof(bss_probe); i++)
		if (bss_probe[i])
			return 0;
	return 1;
}

static void show_mods(const struct mb_info *mbi)
{
	const struct mb_module *mod = (const void *)mbi->mods_addr;
	u32 i, len;

	puts("mods ");
	put_dec(mbi->mods_count);
	puts(" at ");
	put_hex(mbi->mods_addr, 8);
	putc('\n');
	for (i = 0; i < mbi->mods_count; i++, mod++) {
		len = mod->mod_end - mod->mod_start;
		puts("mod ");
		put_dec(i);
		putc(' ');
		put_hex(mod->mod_start, 8);
		putc('-');
		put_hex(mod->mod_end, 8);
		putc(' ');
		put_str((const char *)mod->string);
		puts("\n  ");
		put_dec(len);
		puts(" bytes fnv ");
		put_hex(fnv1a((const u8 *)mod->mod_start, len), 8);
		putc(' ');
		put_bytes((const u8 *)mod->mod_start,
			  len < MAX_SHOWN ? len : MAX_SHOWN);
		putc('\n');
	}
}

static void show_mmap(const struct mb_info *mbi)
{
	u32 off = 0;
	const struct mb_mmap *e;

	puts("mmap at ");
	put_hex(mbi->mmap_addr, 8);
	puts(", ");
	put_dec(mbi->mmap_length);
	puts(" bytes\n");
	while (off < mbi->mmap_length) {
		e = (const void *)(mbi->mmap_addr + off);
		puts("  ");
		put_hex(e->base_hi, 8);
		put_hex(e->base_lo, 8);
		putc(' ');
		put_hex(e->len_hi, 8);
		put_hex(e->len_lo, 8);
		puts(" type ");
		put_dec(e->type);
		puts(" size ");
		put_dec(e->size);
		putc('\n');
		off += e->size + 4;
	}
}

/* What the specification promises about the CPU (section 3.2). */
static void show_cpu(void)
{
	u32 cr0, eflags, cs_limit, ds_limit;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("pushf; pop %0" : "=r"(eflags));
	asm volatile("mov %%cs, %0; lsl %0, %0" : "=r"(cs_limit));
	asm volatile("mov %%ds, %0; lsl %0, %0" : "=r"(ds_limit));
	puts("cpu: cr0.pe ");
	put_dec(!!(cr0 & X86_CR0_PE));
	puts(" cr0.pg ");
	put_dec(!!(cr0 & X86_CR0_PG));
	puts(" eflags.if ");
	put_dec(!!(eflags & X86_EFLAGS_IF));
	puts(" eflags.vm ");
	put_dec(!!(eflags & X86_EFLAGS_VM));
	puts(" cs limit ");
	put_hex(cs_limit, 8);
	puts(" ds limit ");
	put_hex(ds_limit, 8);
	putc('\n');
}

static void fw_cfg_read(u16 key, u8 *buf, u32 len)
{
	fw_cfg_select(key);
	while (len--)
		*buf++ = fw_cfg_byte();
}

static void show_fw_cfg(void)
{
	u8 buf[256];
	u32 size;
	u64 ram;

	fw_cfg_read(FW_CFG_SIGNATURE, buf, 6);
	puts("fw_cfg: signature ");
	put_bytes(buf, 6);		/* two bytes past the end: 0 */
	/*
	 * FW_CFG_ID bit 0: the I/O interface. Not bit 1: QEMU's PC has the
	 * DMA interface, tvmmctl has not (QEMU's multiboot option ROM needs
	 * it, so QEMU cannot run without it to compare).
	 */
	puts(" id.io ");
	put_dec(fw_cfg_u32(FW_CFG_ID) & 1);
	fw_cfg_read(FW_CFG_RAM_SIZE, (u8 *)&ram, sizeof(ram));
	puts("\nfw_cfg: ram_size ");
	put_hex(ram >> 32, 8);
	put_hex(ram, 8);
	puts(" nb_cpus ");
	put_dec(fw_cfg_u32(FW_CFG_NB_CPUS));
	puts(" max_cpus ");
	put_dec(fw_cfg_u32(FW_CFG_MAX_CPUS));
	size = fw_cfg_u32(FW_CFG_CMDLINE_SIZE);
	puts("\nfw_cfg: cmdline_size ");
	put_dec(size);
	if (size > sizeof(buf))
		size = sizeof(buf);
	fw_cfg_read(FW_CFG_CMDLINE_DATA, buf, size);
	puts(" cmdline ");
	put_bytes(buf, size);
	/* An unused key and one past every table read as 0. */
	puts("\nfw_cfg: key 0x0006 ");
	put_hex(fw_cfg_u32(0x0006), 8);
	puts(" key 0x3fff ");
	put_hex(fw_cfg_u32(0x3fff), 8);
	putc('\n');
}

noreturn void mb_main(u32 magic, const struct mb_info *mbi)
{
	const char *cmdline = "";

	puts(NAME ": magic ");
	put_hex(magic, 8);
	puts(" mbi ");
	put_hex((u32)mbi, 8);
	puts(" flags ");
	put_hex(mbi->flags, 8);
	puts(" data ");
	put_hex(data_probe, 8);
	puts(" bss ");
	puts(bss_is_zero() ? "zero\n" : "NOT ZERO\n");
	if (magic != MB_BOOT_MAGIC)
		debug_exit(DEFAULT_EXIT_CODE);
	if (mbi->flags & MBI_MEMORY) {
		puts("mem_lower ");
		put_dec(mbi->mem_lower);
		puts(" KiB mem_upper ");
		put_dec(mbi->mem_upper);
		puts(" KiB\n");
	}
	if (mbi->flags & MBI_BOOTDEV) {
		puts("boot_device ");
		put_hex(mbi->boot_device, 8);
		putc('\n');
	}
	if (mbi->flags & MBI_CMDLINE) {
		cmdline = (const char *)mbi->cmdline;
		puts("cmdline at ");
		put_hex(mbi->cmdline, 8);
		putc(' ');
		put_str(cmdline);
		putc('\n');
	}
	if (mbi->flags & MBI_MODS)
		show_mods(mbi);
	if (FULL) {
		if (mbi->flags & MBI_MMAP)
			show_mmap(mbi);
		show_cpu();
		show_fw_cfg();
	}
	puts("exit ");
	put_dec(exit_code(cmdline));
	putc('\n');
	debug_exit(exit_code(cmdline));
}
