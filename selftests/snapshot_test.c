// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_test - "tvmmctl run --save-on USR2 FILE" stops a guest at an
 * instruction boundary and writes it to FILE; "tvmmctl restore FILE", in
 * another process and later, goes on from there with every device as it
 * was, and ends as the uninterrupted run does.
 *
 * The guest is C in this file, run in long mode from this binary's own
 * image (its PT_LOAD segments written out as a raw image at their
 * addresses): it programs the 8259A pair and the PIT (IRQ0, 100 Hz) and
 * its local APIC's timer (periodic, 100 Hz), and for each of ROUNDS
 * rounds computes over a page of memory, sleeps ("sti; hlt") until both
 * timers have ticked TICKS more times, and prints the round and its
 * checksum on the UART; then the checksum of all of it, and exits through
 * isa-debug-exit with a status made of it. Its output depends on nothing
 * but its own computation, and it cannot end without both timers.
 * While it sleeps, where the snapshots are taken, it keeps values in the
 * vector registers (YMM0-15 with AVX, which it enables with XSETBV, else
 * XMM0-15), MXCSR (round toward zero) and the x87 stack, and after the
 * sleep prints a line saying which it found changed: a restore that lost
 * the XSAVE state or XCR0 (a YMM load then faults) cannot print the same.
 *
 * Checked: a run saved at three points prints what the uninterrupted run
 * prints and ends with the same status; each snapshot restored prints the
 * rest of that output, from no earlier than where it was saved, and the
 * same status; one snapshot restored twice gives the same two runs; and
 * a snapshot flipped, truncated, of another format version, with a
 * section type unknown, or needing a CPU feature no Intel CPU has, is
 * refused, saying which, with nothing run; so is one whose XSAVE state
 * needs an XCR0 component (PKRU) that tvmm never gives a guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmmctl_image.h"
#include "tvmm_pc_guest.h"
#include "userspace-ctl/snapshot/format.h"

#define ROUNDS		8
#define TICKS		10		/* per round, of each timer */
#define WORDS		512

#define DIR		"/tmp/snapshot_test"
#define IMAGE		DIR "/guest.img"
#define SNAP		DIR "/snap"
#define OUT_MAX		4096

/* ---- the guest ---------------------------------------------------------- */

/*
 * What the interrupt handlers count, the guest's own copies. The wait
 * loop reads them after an asm with a memory clobber: no volatile needed.
 */
unsigned int guest_pit_ticks, guest_apic_ticks;
static unsigned long long guest_data[WORDS];
static unsigned long long guest_idt[2 * 256];

/* EOI to the master 8259A; to the local APIC (EOI register, 0xb0). */
asm(".pushsection .text\n"
	"guest_isr_pit:\n"
	"	push %rax\n"
	"	lock incl guest_pit_ticks(%rip)\n"
	"	mov $0x20, %al\n"
	"	out %al, $0x20\n"
	"	pop %rax\n"
	"	iretq\n"
	"guest_isr_apic:\n"
	"	push %rax\n"
	"	lock incl guest_apic_ticks(%rip)\n"
	"	mov $0xfee000b0, %eax\n"
	"	movl $0, (%rax)\n"
	"	pop %rax\n"
	"	iretq\n"
	".popsection\n");
GUEST_ASM_LABEL(guest_isr_pit);
GUEST_ASM_LABEL(guest_isr_apic);

/* One MOV to the APIC's page: an MMIO exit tvmmctl's model takes. */
static inline void guest_apic_write(unsigned int reg, unsigned int v)
{
	asm volatile("movl %0, (%1)" : : "r"(v), "r"(0xfee00000UL + reg)
		     : "memory");
}

static unsigned int guest_crystal_hz(void)
{
	unsigned int a = 0x15, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return c ? c : 1000000;
}

#define NR_VREGS	16
#define VREG_QWORDS	(NR_VREGS * 4)	/* 32 bytes each: a YMM, or an XMM */
#define MXCSR_DEFAULT	0x1f80
#define MXCSR_GUEST	(MXCSR_DEFAULT | 0x6000)	/* round toward zero */

static unsigned long long guest_vin[VREG_QWORDS], guest_vout[VREG_QWORDS];
static unsigned int guest_avx;

/* AVX on (CR4.OSXSAVE, XCR0 = x87 | SSE | AVX) if CPUID says it exists. */
static void guest_enable_avx(void)
{
	unsigned int a = 1, b, c = 0, d;
	unsigned long cr4;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (!(c & 1u << 26) || !(c & 1u << 28))	/* XSAVE, AVX */
		return;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | 1ul << 18));
	asm volatile("xsetbv" : : "a"(7), "d"(0), "c"(0));
	guest_avx = 1;
}

/* The 16 registers from 32-byte slots at %rbx; to those at %rdi. */
#define YMM_LOADS	\
	"vmovdqu 0(%%rbx), %%ymm0\nvmovdqu 32(%%rbx), %%ymm1\n"	\
	"vmovdqu 64(%%rbx), %%ymm2\nvmovdqu 96(%%rbx), %%ymm3\n"	\
	"vmovdqu 128(%%rbx), %%ymm4\nvmovdqu 160(%%rbx), %%ymm5\n"	\
	"vmovdqu 192(%%rbx), %%ymm6\nvmovdqu 224(%%rbx), %%ymm7\n"	\
	"vmovdqu 256(%%rbx), %%ymm8\nvmovdqu 288(%%rbx), %%ymm9\n"	\
	"vmovdqu 320(%%rbx), %%ymm10\nvmovdqu 352(%%rbx), %%ymm11\n"	\
	"vmovdqu 384(%%rbx), %%ymm12\nvmovdqu 416(%%rbx), %%ymm13\n"	\
	"vmovdqu 448(%%rbx), %%ymm14\nvmovdqu 480(%%rbx), %%ymm15\n"
#define XMM_LOADS	\
	"movdqu 0(%%rbx), %%xmm0\nmovdqu 32(%%rbx), %%xmm1\n"	\
	"movdqu 64(%%rbx), %%xmm2\nmovdqu 96(%%rbx), %%xmm3\n"	\
	"movdqu 128(%%rbx), %%xmm4\nmovdqu 160(%%rbx), %%xmm5\n"	\
	"movdqu 192(%%rbx), %%xmm6\nmovdqu 224(%%rbx), %%xmm7\n"	\
	"movdqu 256(%%rbx), %%xmm8\nmovdqu 288(%%rbx), %%xmm9\n"	\
	"movdqu 320(%%rbx), %%xmm10\nmovdqu 352(%%rbx), %%xmm11\n"	\
	"movdqu 384(%%rbx), %%xmm12\nmovdqu 416(%%rbx), %%xmm13\n"	\
	"movdqu 448(%%rbx), %%xmm14\nmovdqu 480(%%rbx), %%xmm15\n"
#define YMM_STORES	\
	"vmovdqu %%ymm0, 0(%%rdi)\nvmovdqu %%ymm1, 32(%%rdi)\n"	\
	"vmovdqu %%ymm2, 64(%%rdi)\nvmovdqu %%ymm3, 96(%%rdi)\n"	\
	"vmovdqu %%ymm4, 128(%%rdi)\nvmovdqu %%ymm5, 160(%%rdi)\n"	\
	"vmovdqu %%ymm6, 192(%%rdi)\nvmovdqu %%ymm7, 224(%%rdi)\n"	\
	"vmovdqu %%ymm8, 256(%%rdi)\nvmovdqu %%ymm9, 288(%%rdi)\n"	\
	"vmovdqu %%ymm10, 320(%%rdi)\nvmovdqu %%ymm11, 352(%%rdi)\n"	\
	"vmovdqu %%ymm12, 384(%%rdi)\nvmovdqu %%ymm13, 416(%%rdi)\n"	\
	"vmovdqu %%ymm14, 448(%%rdi)\nvmovdqu %%ymm15, 480(%%rdi)\n"
#define XMM_STORES	\
	"movdqu %%xmm0, 0(%%rdi)\nmovdqu %%xmm1, 32(%%rdi)\n"	\
	"movdqu %%xmm2, 64(%%rdi)\nmovdqu %%xmm3, 96(%%rdi)\n"	\
	"movdqu %%xmm4, 128(%%rdi)\nmovdqu %%xmm5, 160(%%rdi)\n"	\
	"movdqu %%xmm6, 192(%%rdi)\nmovdqu %%xmm7, 224(%%rdi)\n"	\
	"movdqu %%xmm8, 256(%%rdi)\nmovdqu %%xmm9, 288(%%rdi)\n"	\
	"movdqu %%xmm10, 320(%%rdi)\nmovdqu %%xmm11, 352(%%rdi)\n"	\
	"movdqu %%xmm12, 384(%%rdi)\nmovdqu %%xmm13, 416(%%rdi)\n"	\
	"movdqu %%xmm14, 448(%%rdi)\nmovdqu %%xmm15, 480(%%rdi)\n"

/*
 * Until both timers have ticked @n times; no wake-up lost ("sti; hlt").
 * One asm, so that the compiler keeps nothing of its own in the vector
 * registers, MXCSR or the x87 stack meanwhile: they hold round @r's
 * values from before the sleep to after it. 0, or which were changed
 * (1 vector registers, 2 MXCSR, 4 x87).
 */
static unsigned int guest_wait_ticks(unsigned int n, unsigned int r)
{
	unsigned long long x87_in, x87_out = 0;
	unsigned int mxcsr_in = MXCSR_GUEST, mxcsr_out = 0;
	unsigned int mxcsr_default = MXCSR_DEFAULT, lost = 0, i;

	for (i = 0; i < VREG_QWORDS; i++) {
		guest_vin[i] = (r + 1) * 0x9e3779b97f4a7c15ULL * (i + 1);
		guest_vout[i] = 0;
	}
	/* If the x87 stack were lost, FSTP would give the QNaN indefinite. */
	x87_in = 0x4000c90fdaa22168ULL + r;	/* a double near pi */
	asm volatile("ldmxcsr %[mi]\n"
		     "fldl %[xi]\n"
		     "test %[avx], %[avx]\n"
		     "jz 4f\n"
		     YMM_LOADS
		     "jmp 5f\n"
		     "4:\n"
		     XMM_LOADS
		     "5: cli\n"
		     "1: cmpl %[n], guest_pit_ticks(%%rip)\n"
		     "jb 2f\n"
		     "cmpl %[n], guest_apic_ticks(%%rip)\n"
		     "jae 3f\n"
		     "2: sti; hlt; cli\n"
		     "jmp 1b\n"
		     "3: sti\n"
		     "test %[avx], %[avx]\n"
		     "jz 6f\n"
		     YMM_STORES
		     "jmp 7f\n"
		     "6:\n"
		     XMM_STORES
		     "7: fstpl %[xo]\n"
		     "stmxcsr %[mo]\n"
		     "ldmxcsr %[md]\n"
		     : [xo] "=m"(x87_out), [mo] "=m"(mxcsr_out)
		     : [mi] "m"(mxcsr_in), [xi] "m"(x87_in), [n] "r"(n),
		       [md] "m"(mxcsr_default), [avx] "r"(guest_avx),
		       "b"(guest_vin), "D"(guest_vout)
		     : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
		       "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		       "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	for (i = 0; i < VREG_QWORDS; i++)
		if (guest_vout[i] != (guest_avx || (i & 3) < 2 ?
				      guest_vin[i] : 0))
			lost |= 1;
	if (mxcsr_out != mxcsr_in)
		lost |= 2;
	if (x87_out != x87_in)
		lost |= 4;
	return lost;
}

static unsigned long long guest_round(unsigned int r)
{
	unsigned long long sum = r;
	unsigned int i;

	for (i = 0; i < WORDS; i++) {
		guest_data[i] = guest_data[i] * 6364136223846793005ULL +
				1442695040888963407ULL + i + r;
		sum = (sum ^ guest_data[i]) * 0x100000001b3ULL;
	}
	return sum;
}

/* The guest's entry point (--entry): never returns. */
void guest_main(void)
{
	unsigned long long sum, all = 0;
	unsigned int r, lost;

	guest_enable_avx();
	guest_puts(guest_avx ? "ymm\n" : "xmm\n");
	guest_set_gate(guest_idt, PC_IRQ0_VECTOR, guest_isr_pit);
	guest_set_gate(guest_idt, 0x40, guest_isr_apic);
	guest_lidt(guest_idt, 256);
	guest_pic_init();
	guest_pit_periodic(100);
	/* The APIC on, LINT0 ExtINT (the PIC), its timer periodic at 100 Hz. */
	guest_apic_write(0xf0, 0x1ff);
	guest_apic_write(0x350, 0x700);
	guest_apic_write(0x3e0, 0xb);
	guest_apic_write(0x320, 0x40 | 1 << 17);
	guest_apic_write(0x380, guest_crystal_hz() / 100);
	asm volatile("sti");
	for (r = 0; r < ROUNDS; r++) {
		sum = guest_round(r);
		all ^= sum;
		lost = guest_wait_ticks((r + 1) * TICKS, r);
		if (lost) {
			guest_puts(lost & 1 ? "vector registers lost\n" : "");
			guest_puts(lost & 2 ? "MXCSR lost\n" : "");
			guest_puts(lost & 4 ? "x87 stack lost\n" : "");
		}
		guest_puts("round ");
		guest_put_hex(r);
		guest_puts(" ");
		guest_put_hex(sum);
		guest_puts("\n");
	}
	guest_done(all);
}

/* ---- the host ----------------------------------------------------------- */

static unsigned long long image_lo;

static int write_image(void)
{
	return tvmmctl_self_image(IMAGE, &image_lo);
}

static char run_opts[256];

static const char *guest_opts(void)
{
	snprintf(run_opts, sizeof(run_opts),
		 "--timeout 300 --mem 16M --mode long --load-addr %#llx --entry %#llx",
		 image_lo, (unsigned long long)guest_main);
	return run_opts;
}

/* "tvmmctl ARGS", stdout and stderr into @out and @err: its status. */
static int run_tvmmctl(const char *args, char *out, char *err)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd),
		 "tvmmctl %s >" DIR "/out 2>" DIR "/err </dev/null", args);
	st = system(cmd);
	tvmmctl_read_file(DIR "/out", out, OUT_MAX);
	tvmmctl_read_file(DIR "/err", err, OUT_MAX);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char plain_out[OUT_MAX], plain_err[OUT_MAX];
static int plain_status = -1;

/* The uninterrupted run, once. */
static void plain_run(struct __test_metadata *_metadata)
{
	char args[512];

	snprintf(args, sizeof(args), "run %s %s", guest_opts(), IMAGE);
	plain_status = run_tvmmctl(args, plain_out, plain_err);
	/* "ymm" or "xmm", ROUNDS rounds and "done": nothing lost. */
	ASSERT_EQ(ROUNDS + 2, tvmmctl_count_lines(plain_out)) {
		TH_LOG("status %d, stdout \"%s\", stderr \"%s\"", plain_status,
		       plain_out, plain_err);
	}
	ASSERT_EQ(1, plain_status & 1);
	TH_LOG("the guest keeps its values in %.3s registers", plain_out);
}

#define SAVES	3

static const unsigned int save_after[SAVES] = { 2, 4, 6 };
/* Bytes of the plain output before each save was asked for. */
static size_t saved_at[SAVES];

/*
 * "tvmmctl run --save-on USR2 SNAP", sent USR2 once it printed
 * save_after[k] lines; each snapshot renamed SNAP.k.
 */
static void saving_run(struct __test_metadata *_metadata)
{
	char cmd[1024], out[OUT_MAX], err[OUT_MAX], path[64];
	struct timespec ts = { 0, 2 * 1000000 };
	unsigned int k = 0;
	int st = 0;
	pid_t pid;

	plain_run(_metadata);
	unlink(SNAP);
	snprintf(cmd, sizeof(cmd),
		 "exec tvmmctl run --save-on USR2 " SNAP " %s %s >" DIR
		 "/sout 2>" DIR "/serr </dev/null", guest_opts(), IMAGE);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (k < SAVES && waitpid(pid, &st, WNOHANG) == 0) {
		tvmmctl_read_file(DIR "/sout", out, sizeof(out));
		if (tvmmctl_count_lines(out) < save_after[k]) {
			nanosleep(&ts, NULL);
			continue;
		}
		saved_at[k] = strlen(out);
		ASSERT_EQ(0, kill(pid, SIGUSR2));
		ASSERT_TRUE(tvmmctl_wait_file(SNAP, 120));
		snprintf(path, sizeof(path), SNAP ".%u", k);
		ASSERT_EQ(0, rename(SNAP, path));
		k++;
	}
	if (k == SAVES)
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
	tvmmctl_read_file(DIR "/sout", out, sizeof(out));
	tvmmctl_read_file(DIR "/serr", err, sizeof(err));
	ASSERT_EQ(SAVES, k) {
		TH_LOG("the guest ended before save %u: stdout \"%s\", stderr \"%s\"",
		       k, out, err);
	}
	/* Stopping and saving changes nothing the guest does. */
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(plain_status, WEXITSTATUS(st));
	EXPECT_STREQ(plain_out, out);
	EXPECT_NE(NULL, strstr(err, "snapshot 3 saved")) {
		TH_LOG("stderr: \"%s\"", err);
	}
}

FIXTURE(snap) {
	char out[OUT_MAX], err[OUT_MAX];
};

FIXTURE_SETUP(snap)
{
	TVMM_REQUIRE_MODULE();
	mkdir(DIR, 0755);
	ASSERT_EQ(0, write_image());
}

FIXTURE_TEARDOWN(snap)
{
}

/*
 * Each snapshot goes on to the same end, from where it was saved; one
 * restored twice gives two identical runs (roll back). The harness runs
 * each test in a child process: the snapshots stay on disk for "broken".
 */
TEST_F(snap, save_and_restore)
{
	char args[128], first[OUT_MAX];
	size_t len, plain_len;
	unsigned int k;
	int status;

	saving_run(_metadata);
	plain_len = strlen(plain_out);
	for (k = 0; k < SAVES; k++) {
		snprintf(args, sizeof(args), "restore " SNAP ".%u", k);
		status = run_tvmmctl(args, self->out, self->err);
		len = strlen(self->out);
		EXPECT_EQ(plain_status, status) {
			TH_LOG("snapshot %u: stderr \"%s\"", k, self->err);
		}
		/* The rest of the output, none of what came before the save. */
		EXPECT_TRUE(len > 0 && len <= plain_len - saved_at[k] &&
			    !strcmp(plain_out + plain_len - len, self->out)) {
			TH_LOG("snapshot %u (asked after %zu bytes): \"%s\"", k,
			       saved_at[k], self->out);
		}
		if (k == 1)
			memcpy(first, self->out, sizeof(first));
	}
	status = run_tvmmctl("restore " SNAP ".1", self->out, self->err);
	EXPECT_EQ(plain_status, status);
	EXPECT_STREQ(first, self->out);
	status = run_tvmmctl("snapshot info " SNAP ".1", self->out, self->err);
	EXPECT_EQ(0, status);
	EXPECT_NE(NULL, strstr(self->out, "machine: 1 vCPUs, 16 MiB")) {
		TH_LOG("snapshot info: \"%s\"", self->out);
	}
}

enum breakage { FLIP, TRUNCATE, VERSION, UNKNOWN_SECTION, FEATURE, XCR0 };

/* vCPU 0's XSAVE section's header in the file at @buf, or NULL. */
static struct snap_section_header *find_xsave(char *buf, size_t size)
{
	struct snap_section_header *sh;
	size_t at = sizeof(struct snap_header);

	while (at + sizeof(*sh) <= size) {
		sh = (struct snap_section_header *)(buf + at);
		if (sh->type == SNAP_SEC_VCPU_XSAVE && sh->id == 0)
			return sh;
		at += sizeof(*sh) + sh->length;
	}
	return NULL;
}

/* SNAP.0, broken as @how says, to SNAP.bad. */
static void break_snapshot(struct __test_metadata *_metadata,
			   enum breakage how)
{
	struct snap_section_header *sh;
	struct tvmm_xsave *xs;
	struct snap_header *h;
	struct stat st;
	char *buf;
	int fd;

	fd = open(SNAP ".0", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	buf = malloc(st.st_size);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(st.st_size, read(fd, buf, st.st_size));
	close(fd);
	h = (struct snap_header *)buf;
	sh = (struct snap_section_header *)(buf + sizeof(*h));
	switch (how) {
	case FLIP:
		buf[st.st_size / 2] ^= 0x10;
		break;
	case TRUNCATE:
		st.st_size /= 2;
		break;
	case VERSION:
		h->format_version++;
		h->crc32 = tvmm_crc32(h, offsetof(struct snap_header, crc32));
		break;
	case UNKNOWN_SECTION:
		sh->type = 0x7777;
		sh->header_crc32 =
			tvmm_crc32(sh, offsetof(struct snap_section_header,
						header_crc32));
		break;
	case FEATURE:
		/* 3DNow! extensions: AMD's, never an Intel CPU's. */
		h->features[SNAP_FW_81_EDX] |= 1u << 30;
		h->crc32 = tvmm_crc32(h, offsetof(struct snap_header, crc32));
		break;
	case XCR0:
		/* PKRU in XCR0: state tvmm never lets a guest enable. */
		sh = find_xsave(buf, st.st_size);
		ASSERT_NE(NULL, sh);
		xs = (struct tvmm_xsave *)(sh + 1);
		xs->xcr0 |= 1ULL << 9;
		sh->crc32 = tvmm_crc32(xs, sh->length);
		sh->header_crc32 =
			tvmm_crc32(sh, offsetof(struct snap_section_header,
						header_crc32));
		break;
	}
	fd = open(SNAP ".bad", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(st.st_size, write(fd, buf, st.st_size));
	close(fd);
	free(buf);
}

FIXTURE(broken) {
	char out[OUT_MAX], err[OUT_MAX];
};

FIXTURE_VARIANT(broken) {
	enum breakage how;
	const char *says;
};

FIXTURE_VARIANT_ADD(broken, flipped_byte) {
	.how = FLIP, .says = "checksum does not match: corrupted",
};

FIXTURE_VARIANT_ADD(broken, truncated) {
	.how = TRUNCATE, .says = "truncated",
};

FIXTURE_VARIANT_ADD(broken, other_version) {
	.how = VERSION, .says = "snapshot format version 3; this tvmmctl",
};

FIXTURE_VARIANT_ADD(broken, unknown_section) {
	.how = UNKNOWN_SECTION, .says = "a section type this tvmmctl",
};

FIXTURE_VARIANT_ADD(broken, cpu_feature_missing) {
	.how = FEATURE,
	.says = "CPU feature CPUID.(EAX=0x80000001,ECX=0):EDX[30], which this host lacks",
};

FIXTURE_VARIANT_ADD(broken, xcr0_component_missing) {
	.how = XCR0,
	.says = "without state component 9 (PKRU)",
};

FIXTURE_SETUP(broken)
{
	TVMM_REQUIRE_MODULE();
	mkdir(DIR, 0755);
	ASSERT_EQ(0, write_image());
}

FIXTURE_TEARDOWN(broken)
{
}

/* Refused, saying why, with nothing run: no guest output. */
TEST_F(broken, refused)
{
	break_snapshot(_metadata, variant->how);
	EXPECT_EQ(1, run_tvmmctl("restore " SNAP ".bad", self->out, self->err));
	EXPECT_STREQ("", self->out);
	EXPECT_NE(NULL, strstr(self->err, variant->says)) {
		TH_LOG("stderr: \"%s\"", self->err);
	}
}

TEST_HARNESS_MAIN
