// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl_run_test - "tvmmctl run" boots tiny guest images, built here at
 * run time, and ends with the exit status each one asks for: UART output
 * and isa-debug-exit from a real-mode boot sector, a triple fault, a halt
 * with interrupts off, an ELF64 kernel printing in long mode, --cmdline
 * read through fw_cfg, README.md's ELF example, a missing file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/elf.h>

#include "tvmm_test.h"

/* tvmmctl run: 4 triple fault, 6 VM error, 8 timeout (cmd/run.c). */
#define RUN_EXIT_TRIPLE_FAULT	4
#define RUN_EXIT_TIMEOUT	8

/* Write @len bytes to a new file; its name in @path. */
static int write_image(char *path, const void *buf, size_t len)
{
	int fd;

	strcpy(path, "/tmp/tvmmctl_run_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* "tvmmctl run @opts IMAGE @redir"; stdout (and stderr) in @out. */
static int run_image_opts(const void *img, size_t len, const char *opts,
			  const char *redir, char *out, size_t outlen)
{
	char path[64], cmd[256];
	int ret;

	if (write_image(path, img, len))
		return -1;
	snprintf(cmd, sizeof(cmd), "tvmmctl run %s %s %s", opts, path, redir);
	ret = run_capture(cmd, out, outlen);
	unlink(path);
	return ret;
}

static int run_image(const void *img, size_t len, const char *redir,
		     char *out, size_t outlen)
{
	return run_image_opts(img, len, "--timeout 10", redir, out, outlen);
}

static char out[8192];

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

#define ELF64_LOAD	0x100000
#define ELF32_LOAD	0x100000

/* An ELF32 executable: one PT_LOAD of the whole file at ELF32_LOAD. */
static size_t make_elf32(unsigned char *buf, const void *code, size_t len)
{
	size_t off = sizeof(struct elf32_hdr) + sizeof(struct elf32_phdr);
	struct elf32_hdr *e = (struct elf32_hdr *)buf;
	struct elf32_phdr *p = (struct elf32_phdr *)(buf + sizeof(*e));

	memset(buf, 0, off);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS32;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_386;
	e->e_version = EV_CURRENT;
	e->e_entry = ELF32_LOAD + off;
	e->e_phoff = sizeof(*e);
	e->e_ehsize = sizeof(*e);
	e->e_phentsize = sizeof(*p);
	e->e_phnum = 1;
	p->p_type = PT_LOAD;
	p->p_flags = PF_R | PF_X;
	p->p_paddr = ELF32_LOAD;
	p->p_vaddr = ELF32_LOAD;
	p->p_filesz = off + len;
	p->p_memsz = off + len;
	memcpy(buf + off, code, len);
	return off + len;
}

/* An ELF64 executable: one PT_LOAD of the whole file at ELF64_LOAD. */
static size_t make_elf64(unsigned char *buf, const void *code, size_t len)
{
	size_t off = sizeof(struct elf64_hdr) + sizeof(struct elf64_phdr);
	struct elf64_hdr *e = (struct elf64_hdr *)buf;
	struct elf64_phdr *p = (struct elf64_phdr *)(buf + sizeof(*e));

	memset(buf, 0, off);
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = ELF64_LOAD + off;
	e->e_phoff = sizeof(*e);
	e->e_ehsize = sizeof(*e);
	e->e_phentsize = sizeof(*p);
	e->e_phnum = 1;
	p->p_type = PT_LOAD;
	p->p_flags = PF_R | PF_X;
	p->p_paddr = ELF64_LOAD;
	p->p_vaddr = ELF64_LOAD;
	p->p_filesz = off + len;
	p->p_memsz = off + len;
	memcpy(buf + off, code, len);
	return off + len;
}

TEST(raw_hello_and_debug_exit)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(0x43, run_image(hello_real, sizeof(hello_real), "",
				  out, sizeof(out)));
	EXPECT_STREQ("hello\n", out);
}

TEST(raw_triple_fault)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(RUN_EXIT_TRIPLE_FAULT,
		  run_image(triple_fault_real, sizeof(triple_fault_real),
			    "2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "triple fault")) {
		TH_LOG("tvmmctl said: %s", out);
	}
	EXPECT_NE(NULL, strstr(out, "rip ")) {
		TH_LOG("no register dump: %s", out);
	}
}

TEST(raw_cli_hlt)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(0, run_image(cli_hlt_real, sizeof(cli_hlt_real), "2>&1",
			       out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST(elf64_long_mode_hello)
{
	unsigned char img[512];
	size_t len;

	TVMM_REQUIRE_MODULE();
	len = make_elf64(img, hello_long, sizeof(hello_long));
	EXPECT_EQ(0, run_image(img, len, "2>&1", out, sizeof(out)));
	EXPECT_STREQ("long mode\n", out);
}

TEST(elf32_protected_mode_hello)
{
	unsigned char img[512];
	size_t len;

	TVMM_REQUIRE_MODULE();
	/* msg is at ELF32_LOAD + 84 + 22: the headers, then the code. */
	ASSERT_EQ(84, sizeof(struct elf32_hdr) + sizeof(struct elf32_phdr));
	len = make_elf32(img, hello_protected, sizeof(hello_protected));
	EXPECT_EQ(0x45, run_image(img, len, "2>&1", out, sizeof(out)));
	EXPECT_STREQ("protected\n", out);
}

TEST(raw_long_mode_at_1m)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(0, run_image_opts(hello_long, sizeof(hello_long),
				    "--mode long --load-addr 0x100000 --mem 2M",
				    "2>&1", out, sizeof(out)));
	EXPECT_STREQ("long mode\n", out);
}

TEST(raw_i8042_reset)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(0, run_image(reset_real, sizeof(reset_real), "2>&1",
			       out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST(raw_timeout)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(RUN_EXIT_TIMEOUT,
		  run_image_opts(spin_real, sizeof(spin_real), "--timeout 1",
				 "2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "tvmmctl: run: timeout\n")) {
		TH_LOG("tvmmctl said: %s", out);
	}
}

/* --cmdline reaches a raw image through fw_cfg; without it, nothing. */
TEST(raw_fw_cfg_cmdline)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(0x23, run_image_opts(fw_cfg_cmdline_real,
				       sizeof(fw_cfg_cmdline_real),
				       "--timeout 10 --cmdline 'console=ttyS0 x=1'",
				       "2>&1", out, sizeof(out)));
	EXPECT_STREQ("console=ttyS0 x=1", out);
	EXPECT_EQ(0x23, run_image(fw_cfg_cmdline_real,
				  sizeof(fw_cfg_cmdline_real), "2>&1", out,
				  sizeof(out)));
	EXPECT_STREQ("", out);
}

/*
 * README.md's ELF example (docs/examples/hello-elf.c), built with the
 * command it shows (selftests/Makefile): its output, status 0 after
 * "cli; hlt", and --stats' table on stderr with one OUT per byte.
 */
TEST(readme_hello_elf)
{
	const char *msg = "hello from an ELF\n";
	char exe[PATH_MAX], cmd[PATH_MAX + 64], *slash, *stats;
	ssize_t n;

	TVMM_REQUIRE_MODULE();
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ASSERT_NE(NULL, slash);
	strcpy(slash + 1, "refguests/ex_hello.elf");
	snprintf(cmd, sizeof(cmd), "tvmmctl run --stats %s 2>&1", exe);
	EXPECT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_EQ(0, strncmp(out, msg, strlen(msg))) {
		TH_LOG("tvmmctl said: %s", out);
	}
	stats = strstr(out, "IO_INSTRUCTION");
	EXPECT_NE(NULL, stats) {
		TH_LOG("no I/O exits in the statistics: %s", out);
	}
	if (stats)
		EXPECT_EQ(strlen(msg), strtoul(stats + strlen("IO_INSTRUCTION"),
					       NULL, 10));
}

TEST(missing_file)
{
	TVMM_REQUIRE_MODULE();
	EXPECT_EQ(1, run_capture("tvmmctl run /nonexistent/image 2>&1", out,
				 sizeof(out)));
	EXPECT_STREQ("tvmmctl: run: /nonexistent/image: No such file or directory\n",
		     out);
}

TEST_HARNESS_MAIN
