// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_run_test - "tvmmctl run" boots tiny guest images, built here at
 * run time, and ends with the exit status each one asks for: UART output
 * and isa-debug-exit from a real-mode boot sector, a triple fault, a halt
 * with interrupts off, an ELF64 kernel printing in long mode, --cmdline
 * read through fw_cfg, README.md's ELF example, a multiboot kernel linked
 * at 0x8000, a missing file.
 *
 * Each case is a row: the image and tvmmctl's options, then the exit
 * status, the guest's output (stdout: the UART) and what tvmmctl says
 * (stderr), kept apart.
 */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/elf.h>

#include "tvmm_test.h"
#include "tvmmctl_image.h"

/* tvmmctl run: 4 triple fault, 6 VM error, 8 timeout, 10 reboot (cmd/run.c). */
#define RUN_EXIT_TRIPLE_FAULT	4
#define RUN_EXIT_TIMEOUT	8
#define RUN_EXIT_REBOOT		10

/*
 * 16-bit, at 0000:7c00: print "hello\n" on COM1, write 0x21 to
 * isa-debug-exit.
 */
static const unsigned char hello_real[] = {
	0xba, 0xf8, 0x03,		/* mov dx, 0x3f8 */
	0xbe, 0x13, 0x7c,		/* mov si, msg */
	0xac,				/* 1: lodsb */
	0x84, 0xc0,			/* test al, al */
	0x74, 0x03,			/* jz 2f */
	0xee,				/* out dx, al */
	0xeb, 0xf8,			/* jmp 1b */
	0xb0, 0x21,			/* 2: mov al, 0x21 */
	0xe6, 0xf4,			/* out 0xf4, al */
	0xf4,				/* hlt */
	'h', 'e', 'l', 'l', 'o', '\n', 0, /* msg, at 0x7c13 */
};

/* An empty IDT, then INT3: #GP, #DF, shutdown. */
static const unsigned char triple_fault_real[] = {
	0x0f, 0x01, 0x1e, 0x08, 0x7c,	/* lidt [0x7c08] */
	0xcc,				/* int3 */
	0xf4,				/* hlt */
	0x90,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* limit 0, base 0 */
};

static const unsigned char cli_hlt_real[] = {
	0xfa,				/* cli */
	0xf4,				/* hlt */
};

/* 64-bit: print "long mode\n" on COM1, then cli; hlt. */
static const unsigned char hello_long[] = {
	0x66, 0xba, 0xf8, 0x03,		/* mov dx, 0x3f8 */
	0x48, 0x8d, 0x35, 0x0a, 0, 0, 0, /* lea rsi, [rip + msg] */
	0xac,				/* 1: lodsb */
	0x84, 0xc0,			/* test al, al */
	0x74, 0x03,			/* jz 2f */
	0xee,				/* out dx, al */
	0xeb, 0xf8,			/* jmp 1b */
	0xfa,				/* 2: cli */
	0xf4,				/* hlt */
	'l', 'o', 'n', 'g', ' ', 'm', 'o', 'd', 'e', '\n', 0,
};

/* 32-bit: print "protected\n" on COM1, write 0x22 to isa-debug-exit. */
static const unsigned char hello_protected[] = {
	0x66, 0xba, 0xf8, 0x03,		/* mov dx, 0x3f8 */
	0xbe, 0x6a, 0x00, 0x10, 0x00,	/* mov esi, msg (0x10006a) */
	0xac,				/* 1: lodsb */
	0x84, 0xc0,			/* test al, al */
	0x74, 0x03,			/* jz 2f */
	0xee,				/* out dx, al */
	0xeb, 0xf8,			/* jmp 1b */
	0xb0, 0x22,			/* 2: mov al, 0x22 */
	0xe6, 0xf4,			/* out 0xf4, al */
	0xf4,				/* hlt */
	'p', 'r', 'o', 't', 'e', 'c', 't', 'e', 'd', '\n', 0,
};

/* Reset through the i8042; spin if that did not work. */
static const unsigned char reset_real[] = {
	0xb0, 0xfe,			/* mov al, 0xfe */
	0xe6, 0x64,			/* out 0x64, al */
	0xeb, 0xfe,			/* jmp . */
};

static const unsigned char spin_real[] = {
	0xeb, 0xfe,			/* jmp . */
};

/*
 * 16-bit: copy fw_cfg's FW_CFG_CMDLINE_DATA to COM1 up to its NUL (reads
 * past the end, or of an item that is not there, give 0), write 0x11 to
 * isa-debug-exit.
 */
static const unsigned char fw_cfg_cmdline_real[] = {
	0xba, 0x10, 0x05,		/* mov dx, 0x510 */
	0xb8, 0x15, 0x00,		/* mov ax, FW_CFG_CMDLINE_DATA */
	0xef,				/* out dx, ax */
	0x42,				/* inc dx: 0x511 */
	0xec,				/* 1: in al, dx */
	0x84, 0xc0,			/* test al, al */
	0x74, 0x09,			/* jz 2f */
	0xba, 0xf8, 0x03,		/* mov dx, 0x3f8 */
	0xee,				/* out dx, al */
	0xba, 0x11, 0x05,		/* mov dx, 0x511 */
	0xeb, 0xf2,			/* jmp 1b */
	0xb0, 0x11,			/* 2: mov al, 0x11 */
	0xe6, 0xf4,			/* out 0xf4, al */
	0xf4,				/* hlt */
};

#define ELF_LOAD	0x100000

/*
 * make_elf32() and make_elf64(): an ELF executable of the @len bytes of
 * @code in @buf, one PT_LOAD of the whole file at ELF_LOAD, entry at the
 * code; its size.
 */
#define DEFINE_MAKE_ELF(bits, machine)					\
static size_t make_elf##bits(unsigned char *buf, const void *code,	\
			     size_t len)				\
{									\
	struct elf##bits##_hdr *e = (struct elf##bits##_hdr *)buf;	\
	struct elf##bits##_phdr *p = (struct elf##bits##_phdr *)(e + 1); \
	size_t off = sizeof(*e) + sizeof(*p);				\
									\
	memset(buf, 0, off);						\
	memcpy(e->e_ident, ELFMAG, SELFMAG);				\
	e->e_ident[EI_CLASS] = ELFCLASS##bits;				\
	e->e_ident[EI_DATA] = ELFDATA2LSB;				\
	e->e_ident[EI_VERSION] = EV_CURRENT;				\
	e->e_type = ET_EXEC;						\
	e->e_machine = machine;						\
	e->e_version = EV_CURRENT;					\
	e->e_entry = ELF_LOAD + off;					\
	e->e_phoff = sizeof(*e);					\
	e->e_ehsize = sizeof(*e);					\
	e->e_phentsize = sizeof(*p);					\
	e->e_phnum = 1;							\
	p->p_type = PT_LOAD;						\
	p->p_flags = PF_R | PF_X;					\
	p->p_paddr = ELF_LOAD;						\
	p->p_vaddr = ELF_LOAD;						\
	p->p_filesz = off + len;					\
	p->p_memsz = off + len;						\
	memcpy(buf + off, code, len);					\
	return off + len;						\
}

DEFINE_MAKE_ELF(32, EM_386)
DEFINE_MAKE_ELF(64, EM_X86_64)

/* hello_protected's msg is at ELF_LOAD + 84 + 22: the headers, the code. */
static_assert(sizeof(struct elf32_hdr) + sizeof(struct elf32_phdr) == 84,
	      "ELF32 headers");

/* tvmmctl's stderr, line by line. */
struct text {
	char buf[8192];
	size_t len;
};

static void keep_line(const char *line, void *data)
{
	struct text *t = data;
	int n = snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "%s\n",
			 line);

	if (n > 0)
		t->len += (size_t)n < sizeof(t->buf) - t->len ?
			  (size_t)n : sizeof(t->buf) - t->len - 1;
}

FIXTURE(run) {
	char out[8192];		/* stdout: the guest's UART */
	struct text err;	/* stderr: tvmmctl's own */
};

/*
 * "tvmmctl run @opts" of @len bytes of @code, as they are or wrapped in
 * an ELF of @elf bits; or of the file @file. It exits with @status, the
 * guest prints @out, tvmmctl prints @err on stderr, or lines that
 * contain each of @err_has.
 */
FIXTURE_VARIANT(run) {
	const unsigned char *code;
	size_t len;
	unsigned int elf;
	const char *file;
	const char *opts;
	int status;
	const char *out;
	const char *err;
	const char *err_has[2];
};

FIXTURE_VARIANT_ADD(run, raw_hello_and_debug_exit) {
	.code = hello_real, .len = sizeof(hello_real),
	.opts = "--timeout 10",
	.status = 0x43, .out = "hello\n", .err = "",
};

FIXTURE_VARIANT_ADD(run, raw_triple_fault) {
	.code = triple_fault_real, .len = sizeof(triple_fault_real),
	.opts = "--timeout 10",
	.status = RUN_EXIT_TRIPLE_FAULT, .out = "",
	/* Said, with a register dump. */
	.err_has = { "triple fault", "rip " },
};

FIXTURE_VARIANT_ADD(run, raw_cli_hlt) {
	.code = cli_hlt_real, .len = sizeof(cli_hlt_real),
	.opts = "--timeout 10",
	.status = 0, .out = "", .err = "",
};

FIXTURE_VARIANT_ADD(run, elf64_long_mode_hello) {
	.code = hello_long, .len = sizeof(hello_long), .elf = 64,
	.opts = "--timeout 10",
	.status = 0, .out = "long mode\n", .err = "",
};

FIXTURE_VARIANT_ADD(run, elf32_protected_mode_hello) {
	.code = hello_protected, .len = sizeof(hello_protected), .elf = 32,
	.opts = "--timeout 10",
	.status = 0x45, .out = "protected\n", .err = "",
};

FIXTURE_VARIANT_ADD(run, raw_long_mode_at_1m) {
	.code = hello_long, .len = sizeof(hello_long),
	.opts = "--mode long --load-addr 0x100000 --mem 2M",
	.status = 0, .out = "long mode\n", .err = "",
};

FIXTURE_VARIANT_ADD(run, raw_i8042_reset) {
	.code = reset_real, .len = sizeof(reset_real),
	.opts = "--timeout 10",
	.status = RUN_EXIT_REBOOT, .out = "", .err = "",
};

FIXTURE_VARIANT_ADD(run, raw_timeout) {
	.code = spin_real, .len = sizeof(spin_real),
	.opts = "--timeout 1",
	.status = RUN_EXIT_TIMEOUT, .out = "",
	.err_has = { "tvmmctl: run: timeout\n" },
};

/* --cmdline reaches a raw image through fw_cfg; without it, nothing. */
FIXTURE_VARIANT_ADD(run, raw_fw_cfg_cmdline) {
	.code = fw_cfg_cmdline_real, .len = sizeof(fw_cfg_cmdline_real),
	.opts = "--timeout 10 --cmdline 'console=ttyS0 x=1'",
	.status = 0x23, .out = "console=ttyS0 x=1", .err = "",
};

FIXTURE_VARIANT_ADD(run, raw_fw_cfg_no_cmdline) {
	.code = fw_cfg_cmdline_real, .len = sizeof(fw_cfg_cmdline_real),
	.opts = "--timeout 10",
	.status = 0x23, .out = "", .err = "",
};

FIXTURE_VARIANT_ADD(run, missing_file) {
	.file = "/nonexistent/image",
	.opts = "",
	.status = 1, .out = "",
	.err = "tvmmctl: run: /nonexistent/image: No such file or directory\n",
};

FIXTURE_SETUP(run)
{
	TVMM_REQUIRE_MODULE();
}

FIXTURE_TEARDOWN(run)
{
}

TEST_F(run, exit_status_and_output)
{
	const void *img = variant->code;
	size_t len = variant->len;
	unsigned char elf[512];
	int status;
	size_t i;

	if (variant->elf == 32)
		len = make_elf32(elf, variant->code, variant->len);
	if (variant->elf == 64)
		len = make_elf64(elf, variant->code, variant->len);
	if (variant->elf)
		img = elf;
	if (variant->file)
		status = tvmmctl_run_file(variant->file, NULL, variant->opts,
					  self->out, sizeof(self->out),
					  keep_line, &self->err);
	else
		status = tvmmctl_run_image(img, len, NULL, variant->opts,
					   self->out, sizeof(self->out),
					   keep_line, &self->err);

	EXPECT_EQ(variant->status, status) {
		TH_LOG("tvmmctl said: %s", self->err.buf);
	}
	EXPECT_STREQ(variant->out, self->out);
	if (variant->err)
		EXPECT_STREQ(variant->err, self->err.buf);
	for (i = 0; i < ARRAY_SIZE(variant->err_has); i++) {
		if (!variant->err_has[i])
			continue;
		EXPECT_NE(NULL, strstr(self->err.buf, variant->err_has[i])) {
			TH_LOG("no \"%s\" in: %s", variant->err_has[i],
			       self->err.buf);
		}
	}
}

/*
 * README.md's ELF example (docs/examples/hello-elf.c), built with the
 * command it shows (selftests/Makefile): its output, status 0 after
 * "cli; hlt", and --stats' table on stderr with one OUT per byte.
 */
TEST(readme_hello_elf)
{
	const char *msg = "hello from an ELF\n";
	char exe[PATH_MAX], out[256], *slash, *stats;
	struct text err = { 0 };
	ssize_t n;

	TVMM_REQUIRE_MODULE();
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ASSERT_NE(NULL, slash);
	strcpy(slash + 1, "refguests/ex_hello.elf");
	EXPECT_EQ(0, tvmmctl_run_file(exe, NULL, "--stats", out, sizeof(out),
				      keep_line, &err));
	EXPECT_STREQ(msg, out);
	stats = strstr(err.buf, "IO_INSTRUCTION");
	EXPECT_NE(NULL, stats) {
		TH_LOG("no I/O exits in the statistics: %s", err.buf);
	}
	if (stats)
		EXPECT_EQ(strlen(msg), strtoul(stats + strlen("IO_INSTRUCTION"),
					       NULL, 10));
}

/*
 * refguests' mb_elf linked at 0x8000 (mb_low): its data page is where
 * QEMU's option ROM writes the memory map and info block (0x9000,
 * 0x9500). QEMU 7.2 runs it with an info block of zeros (flags 0, no
 * command line: exit 16); tvmmctl puts them after the kernel, so it gets
 * everything, and its exit code from the command line.
 */
TEST(multiboot_kernel_at_0x8000)
{
	char exe[PATH_MAX], out[4096], *slash;
	struct text err = { 0 };
	ssize_t n;

	TVMM_REQUIRE_MODULE();
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ASSERT_NE(NULL, slash);
	strcpy(slash + 1, "refguests/mb_low");
	EXPECT_EQ((5 << 1) | 1,
		  tvmmctl_run_file(exe, NULL, "--cmdline 'exit=5 low'", out,
				   sizeof(out), keep_line, &err)) {
		TH_LOG("tvmmctl said: %s", err.buf);
	}
	EXPECT_STREQ("", err.buf);
	EXPECT_NE(NULL, strstr(out, "mb_elf: magic 2badb002 mbi 0000"));
	EXPECT_NE(NULL, strstr(out, " flags 0000024f data 5eed1e55 bss zero\n"));
	EXPECT_NE(NULL, strstr(out, "refguests/mb_low exit=5 low\"\n")) {
		TH_LOG("output: %s", out);
	}
	EXPECT_NE(NULL, strstr(out, "\nexit 5\n"));
}

TEST_HARNESS_MAIN
