// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of snapshot/ and devices/state.c: the file written and read
 * back; every refusal (another format version, truncation at every
 * section boundary, a flipped byte in every section, an unknown section
 * type, a CPU feature the host lacks, through a pretend host; XSAVE state
 * that XRSTOR or XSETBV refuses, an XCR0 component or an ioctl the host
 * lacks, IA32_TSC among a vCPU's MSRs); memory
 * with zero pages left out; each device's state saved, loaded into a
 * fresh set of devices and saved again, byte for byte; bad values
 * refused with the device unchanged; and timers that go on after a load
 * as they would have without it (an APIC timer, the PIT, the RTC's date),
 * with the clocks of the loading process elsewhere.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"

#include "lib/crc32.h"
#include "lib/util.h"
#include "lib/x86.h"
#include "devices/state.h"
#include "snapshot/file.h"
#include "snapshot/snapshot.h"
#include "check.h"
#include "snapshot_test.h"

#define PAGES	8

static char tmp_path[32] = "/tmp/tvmmctl-snap-XXXXXX";
static bool tmp_made;

/* A pretend clock for the devices: the test moves it. */
static struct {
	__u64 ns, tsc;
} now;

static __u64 pretend_ns(void *data)
{
	return now.ns;
}

static __u64 pretend_tsc(void *data)
{
	return now.tsc;
}

static const struct dev_hooks pretend_hooks = {
	.now_ns	= pretend_ns,
	.tsc	= pretend_tsc,
};

static FILE *null_out;

static void ctx_init(struct dev_ctx *ctx)
{
	if (!null_out)
		null_out = fopen("/dev/null", "w");
	dev_ctx_init(ctx, null_out, false);
	ctx->nr_cpus = 2;
	ctx->tsc_khz = 1000000;
	ctx->hooks = &pretend_hooks;
}

/* A file: machine, clock, a device, memory; into a malloc()ed buffer. */
static void *write_sample(size_t *len, const __u32 *features)
{
	static __u8 ram[PAGES * SNAP_PAGE_SIZE];
	struct snap_clock clock = { .tsc = 123, .ns = 456 };
	struct snap_machine m = { .nr_vcpus = 1, .ram_size = sizeof(ram) };
	struct snap_writer w;
	__u8 dev[40];
	void *buf = NULL;
	int fd;
	FILE *f;
	long n;

	memset(ram, 0, sizeof(ram));
	memset(ram + 2 * SNAP_PAGE_SIZE, 0xa5, SNAP_PAGE_SIZE);
	ram[5 * SNAP_PAGE_SIZE + 17] = 1;
	memset(dev, 0x3c, sizeof(dev));
	if (!tmp_made) {
		fd = mkstemp(tmp_path);
		if (fd < 0)
			return NULL;
		close(fd);
		tmp_made = true;
	}
	if (snap_writer_open(&w, tmp_path, features))
		return NULL;
	snap_section(&w, SNAP_SEC_MACHINE, 0, 1, &m, sizeof(m));
	snap_section(&w, SNAP_SEC_CLOCK, 0, 1, &clock, sizeof(clock));
	snap_section(&w, SNAP_SEC_PIT, 0, 1, dev, sizeof(dev));
	snap_section(&w, SNAP_SEC_VCPU_LOOP, 0, 1, dev, 0);
	snap_write_memory(&w, 0, 0, ram, sizeof(ram));
	if (snap_writer_close(&w))
		return NULL;
	f = fopen(tmp_path, "r");
	n = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (n > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	if (f)
		fclose(f);
	unlink(tmp_path);
	return buf;
}

static const __u32 no_features[SNAP_NR_FEATURE_WORDS];

bool test_snap_crc32(void)
{
	bool ok = true;

	ok &= EXPECT(crc32_update(0, "123456789", 9) == 0xcbf43926);
	/* In pieces, as the writer streams a section. */
	ok &= EXPECT(crc32_update(crc32_update(0, "1234", 4), "56789", 5) ==
		     0xcbf43926);
	ok &= EXPECT(crc32_update(0, "", 0) == 0);
	return ok;
}

bool test_snap_round_trip(void)
{
	static __u8 ram[PAGES * SNAP_PAGE_SIZE];
	const struct snap_section *s;
	struct snap_memory m;
	struct snap_file f;
	char why[SNAP_WHY_MAX];
	bool ok = true;
	size_t len;
	__u8 *buf;

	buf = write_sample(&len, no_features);
	if (!EXPECT(buf))
		return false;
	ok &= EXPECT(snap_parse(&f, buf, len) == SNAP_OK);
	ok &= EXPECT(f.nr == 5);
	ok &= EXPECT(f.hdr.file_size == len);
	ok &= EXPECT(!strcmp(f.hdr.tvmmctl_version, "0.1.0"));
	s = snap_find(&f, SNAP_SEC_PIT, 0);
	ok &= EXPECT(s && s->length == 40 && ((__u8 *)s->data)[39] == 0x3c);
	ok &= EXPECT(!snap_find(&f, SNAP_SEC_PIT, 1));
	/* Two of eight pages hold something: only they are stored. */
	s = snap_find(&f, SNAP_SEC_MEMORY, 0);
	ok &= EXPECT(s && snap_memory_check(s, sizeof(ram), &m, why,
					    sizeof(why)) == SNAP_OK);
	ok &= EXPECT(m.nr_stored == 2);
	ok &= EXPECT(s->length == sizeof(m) + 8 + 2 * SNAP_PAGE_SIZE);
	memset(ram, 0xff, sizeof(ram));
	snap_memory_load(s, ram);
	ok &= EXPECT(ram[0] == 0 && ram[SNAP_PAGE_SIZE * 2] == 0xa5 &&
		     ram[5 * SNAP_PAGE_SIZE + 17] == 1 &&
		     ram[5 * SNAP_PAGE_SIZE + 18] == 0 &&
		     ram[sizeof(ram) - 1] == 0);
	/* RAM too small for it. */
	ok &= EXPECT(snap_memory_check(s, sizeof(ram) - SNAP_PAGE_SIZE, &m,
				       why, sizeof(why)) == SNAP_ERR_LAYOUT);
	snap_file_free(&f);
	free(buf);
	return ok;
}

static bool refused(const void *buf, size_t len, enum snap_error want,
		    const char *says)
{
	struct snap_file f;
	enum snap_error err = snap_parse(&f, buf, len);
	bool ok = err == want && (!says || strstr(f.why, says));

	if (!ok)
		ksft_print_msg("got error %d (\"%s\"), want %d with \"%s\"\n",
			       err, f.why, want, says ? says : "");
	snap_file_free(&f);
	return ok;
}

/* The same header, its CRC made right again. */
static void fix_header(__u8 *buf)
{
	struct snap_header *h = (struct snap_header *)buf;

	h->crc32 = crc32_update(0, h, offsetof(struct snap_header, crc32));
}

bool test_snap_refusals(void)
{
	struct snap_section_header *sh;
	struct snap_header *h;
	struct snap_file f;
	unsigned int i;
	size_t len, at;
	bool ok = true;
	__u8 *buf, *copy;

	buf = write_sample(&len, no_features);
	copy = malloc(len + 1);
	if (!EXPECT(buf && copy))
		return false;
	h = (struct snap_header *)copy;
	if (!EXPECT(snap_parse(&f, buf, len) == SNAP_OK))
		return false;

	/* Another format version, its header otherwise right. */
	memcpy(copy, buf, len);
	h->format_version = SNAP_FORMAT_VERSION + 1;
	fix_header(copy);
	ok &= EXPECT(refused(copy, len, SNAP_ERR_VERSION,
			     "format version 3; this tvmmctl (0.1.0) reads version 2"));
	ok &= EXPECT(refused("TVMMSNAX", 8, SNAP_ERR_MAGIC, "not a tvmm"));
	ok &= EXPECT(refused(buf, 0, SNAP_ERR_MAGIC, NULL));

	/* Truncated at every section boundary, and within each header. */
	for (i = 0; i < f.nr; i++) {
		ok &= EXPECT(refused(buf, f.sec[i].offset, SNAP_ERR_TRUNCATED,
				     "truncated"));
		ok &= EXPECT(refused(buf, f.sec[i].offset + 10,
				     SNAP_ERR_TRUNCATED, "truncated"));
	}
	ok &= EXPECT(refused(buf, len - 1, SNAP_ERR_TRUNCATED, "truncated"));
	ok &= EXPECT(refused(buf, 100, SNAP_ERR_TRUNCATED, "header"));
	/* A header whose file size lies, and whose count cannot be. */
	memcpy(copy, buf, len);
	h->file_size = f.sec[2].offset + 20;
	fix_header(copy);
	ok &= EXPECT(refused(copy, f.sec[2].offset + 20, SNAP_ERR_LAYOUT,
			     "5 sections cannot fit"));

	/* A flipped byte in the header, each section's header and payload. */
	for (at = SNAP_MAGIC_LEN + 4; at < sizeof(*h); at += 7) {
		memcpy(copy, buf, len);
		copy[at] ^= 0x01;
		ok &= EXPECT(refused(copy, len, SNAP_ERR_CORRUPT,
				     "header's checksum"));
	}
	for (i = 0; i < f.nr; i++) {
		for (at = 0; at < sizeof(*sh); at += 5) {
			memcpy(copy, buf, len);
			copy[f.sec[i].offset + at] ^= 0x80;
			ok &= EXPECT(refused(copy, len, SNAP_ERR_CORRUPT,
					     "corrupted"));
		}
		if (!f.sec[i].length)
			continue;
		memcpy(copy, buf, len);
		copy[f.sec[i].offset + sizeof(*sh) + f.sec[i].length / 2] ^= 4;
		ok &= EXPECT(refused(copy, len, SNAP_ERR_CORRUPT,
				     "checksum does not match: corrupted"));
	}

	/* A section type this tvmmctl does not know, its CRCs right. */
	memcpy(copy, buf, len);
	sh = (struct snap_section_header *)(copy + f.sec[2].offset);
	sh->type = SNAP_SEC_VCPU_XCRS;
	sh->header_crc32 = crc32_update(0, sh,
					offsetof(struct snap_section_header,
						 header_crc32));
	ok &= EXPECT(refused(copy, len, SNAP_ERR_UNKNOWN,
			     "section 2 (type 0x208): a section type this tvmmctl"));
	/* Two of one section. */
	sh->type = SNAP_SEC_MACHINE;
	sh->header_crc32 = crc32_update(0, sh,
					offsetof(struct snap_section_header,
						 header_crc32));
	ok &= EXPECT(refused(copy, len, SNAP_ERR_LAYOUT, "a second one"));
	/* Bytes after the end; and the file as written. */
	memcpy(copy, buf, len);
	copy[len] = 0;
	ok &= EXPECT(refused(copy, len + 1, SNAP_ERR_LAYOUT,
			     "1 bytes after the end"));
	ok &= EXPECT(refused(buf, len, SNAP_OK, NULL));
	snap_file_free(&f);
	free(copy);
	free(buf);
	return ok;
}

/* A pretend host with the features of @data, a word array. */
static int pretend_host(void *data, __u32 words[SNAP_NR_FEATURE_WORDS])
{
	if (!data)
		return -ENODEV;
	memcpy(words, data, SNAP_NR_FEATURE_WORDS * sizeof(*words));
	return 0;
}

bool test_snap_features(void)
{
	__u32 need[SNAP_NR_FEATURE_WORDS] = { 0 };
	__u32 host[SNAP_NR_FEATURE_WORDS] = { 0 };
	struct tvmm_cpuid_entry cpuid[3] = {
		{ .function = 1, .ecx = BIT(28) | BIT(27) | BIT(0),
		  .edx = BIT(25) },
		{ .function = 7, .flags = TVMM_CPUID_INDEXED, .index = 0,
		  .ebx = BIT(5) },
		{ .function = 7, .flags = TVMM_CPUID_INDEXED, .index = 1,
		  .ebx = BIT(9) },
	};
	struct snap_file f;
	bool ok = true;
	size_t len;
	__u8 *buf;

	/* OSXSAVE follows the guest's CR4: not a feature to need. */
	snap_features_from_cpuid(cpuid, ARRAY_SIZE(cpuid), need);
	ok &= EXPECT(need[SNAP_FW_1_ECX] == (BIT(28) | BIT(0)));
	ok &= EXPECT(need[SNAP_FW_1_EDX] == BIT(25));
	ok &= EXPECT(need[SNAP_FW_7_EBX] == BIT(5));
	ok &= EXPECT(need[SNAP_FW_81_EDX] == 0);
	buf = write_sample(&len, need);
	if (!EXPECT(buf) || !EXPECT(snap_parse(&f, buf, len) == SNAP_OK))
		return false;
	/* A host with all of it, and more. */
	memcpy(host, need, sizeof(host));
	host[SNAP_FW_7_EBX] |= BIT(3);
	ok &= EXPECT(snap_check_features(&f, pretend_host, host) == SNAP_OK);
	/* Without AVX2. */
	host[SNAP_FW_7_EBX] = BIT(3);
	ok &= EXPECT(snap_check_features(&f, pretend_host, host) ==
		     SNAP_ERR_FEATURE);
	ok &= EXPECT(starts_with(f.why, "the guest needs CPU feature "));
	ok &= EXPECT(strstr(f.why, "(EAX=0x7,ECX=0):EBX[5] (avx2), which"));
	/* Without AVX either: the first word first. */
	host[SNAP_FW_1_ECX] = BIT(0);
	ok &= EXPECT(snap_check_features(&f, pretend_host, host) ==
		     SNAP_ERR_FEATURE);
	ok &= EXPECT(strstr(f.why, "EAX=0x1,ECX=0):ECX[28] (avx)"));
	ok &= EXPECT(snap_check_features(&f, pretend_host, NULL) ==
		     SNAP_ERR_IO);
	snap_file_free(&f);
	free(buf);
	return ok;
}

/* ---- vCPU sections ------------------------------------------------------ */

/* A vCPU's sections as a file; parsed into @f (@buf is the caller's). */
static void *write_vcpu(struct snap_file *f, const struct tvmm_xsave *xs,
			const struct tvmm_debugregs *dr,
			const struct tvmm_msr_entry *msr, unsigned int nmsr,
			bool events)
{
	struct tvmm_vcpu_events ev = { 0 };
	struct snap_vcpu_loop loop = { 0 };
	struct tvmm_sregs sregs = { 0 };
	struct tvmm_regs regs = { 0 };
	struct snap_writer w;
	void *buf = NULL;
	size_t len = 0;
	FILE *in;
	int fd;

	if (!tmp_made) {
		fd = mkstemp(tmp_path);
		if (fd < 0)
			return NULL;
		close(fd);
		tmp_made = true;
	}
	if (snap_writer_open(&w, tmp_path, no_features))
		return NULL;
	snap_section(&w, SNAP_SEC_VCPU_REGS, 0, 1, &regs, sizeof(regs));
	snap_section(&w, SNAP_SEC_VCPU_SREGS, 0, 1, &sregs, sizeof(sregs));
	snap_section(&w, SNAP_SEC_VCPU_MSRS, 0, 1, msr, nmsr * sizeof(*msr));
	if (events)
		snap_section(&w, SNAP_SEC_VCPU_EVENTS, 0, 1, &ev, sizeof(ev));
	if (xs)
		snap_section(&w, SNAP_SEC_VCPU_XSAVE, 0, 1, xs, sizeof(*xs));
	if (dr)
		snap_section(&w, SNAP_SEC_VCPU_DEBUGREGS, 0, 1, dr,
			     sizeof(*dr));
	snap_section(&w, SNAP_SEC_VCPU_LOOP, 0, 1, &loop, sizeof(loop));
	if (snap_writer_close(&w))
		return NULL;
	in = fopen(tmp_path, "r");
	if (in) {
		buf = malloc(1 << 16);
		len = buf ? fread(buf, 1, 1 << 16, in) : 0;
		fclose(in);
	}
	unlink(tmp_path);
	if (buf && snap_parse(f, buf, len) != SNAP_OK) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

static void set_xstate_bv(struct tvmm_xsave *xs, __u64 bv)
{
	memcpy(xs->area + XSAVE_HDR_OFFSET, &bv, sizeof(bv));
}

/* @xs and @dr against the host @h: the error, and f.why holds @says. */
static bool vcpu_verdict(const struct tvmm_xsave *xs,
			 const struct tvmm_debugregs *dr,
			 const struct tvmm_msr_entry *msr, unsigned int nmsr,
			 const struct snap_host *h, enum snap_error want,
			 const char *says)
{
	struct snap_machine_info m = { .nr_vcpus = 1 };
	enum snap_error err;
	struct snap_file f;
	void *buf;
	bool ok;

	buf = write_vcpu(&f, xs, dr, msr, nmsr, true);
	if (!buf)
		return false;
	err = snap_check_vcpus(&f, &m);
	if (!err && h)
		err = snap_check_host(&f, &m, h);
	ok = err == want && (!says || strstr(f.why, says));
	if (!ok)
		ksft_print_msg("got error %d (\"%s\"), want %d with \"%s\"\n",
			       err, err ? f.why : "", want, says ? says : "");
	snap_file_free(&f);
	free(buf);
	return ok;
}

bool test_snap_vcpu_refusals(void)
{
	const struct snap_host avx = {
		.events = true, .xsave = true, .debugregs = true,
		.xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX,
	};
	struct snap_host h = avx;
	struct tvmm_msr_entry msr[2] = {
		{ .index = MSR_IA32_STAR, .data = 1 },
		{ .index = MSR_IA32_TSC, .data = 2 },
	};
	static struct tvmm_xsave xs;
	struct tvmm_debugregs dr = { .dr6 = 0xffff0ff0, .dr7 = 0x400 };
	bool ok = true;

	memset(&xs, 0, sizeof(xs));
	xs.xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX;
	set_xstate_bv(&xs, XCR0_X87 | XCR0_SSE | XCR0_AVX);
	/* All of it, on a host that has all of it. */
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, &h, SNAP_OK, NULL));
	/* Neither section: a file from a host without them. */
	ok &= EXPECT(vcpu_verdict(NULL, NULL, msr, 1, &h, SNAP_OK, NULL));
	/* IA32_TSC belongs to the clock section, set last. */
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 2, NULL, SNAP_ERR_LAYOUT,
				  "IA32_TSC, which only the clock section"));

	/* The XSAVE area's own rules, whatever the host. */
	xs.xcr0 = XCR0_SSE | XCR0_AVX;
	ok &= EXPECT(vcpu_verdict(&xs, NULL, msr, 1, NULL, SNAP_ERR_LAYOUT,
				  "vcpu-xsave, vCPU 0): XCR0 0x6, which XSETBV refuses"));
	xs.xcr0 = XCR0_X87 | XCR0_AVX;
	ok &= EXPECT(vcpu_verdict(&xs, NULL, msr, 1, NULL, SNAP_ERR_LAYOUT,
				  "XCR0 0x5, which XSETBV refuses"));
	/* A component the area holds that its XCR0 does not enable. */
	xs.xcr0 = XCR0_X87 | XCR0_SSE;
	ok &= EXPECT(vcpu_verdict(&xs, NULL, msr, 1, NULL, SNAP_ERR_LAYOUT,
				  "XSTATE_BV 0x7 holds components its XCR0 0x3 does not enable"));
	/* The compacted format. */
	xs.xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX;
	xs.area[XSAVE_HDR_OFFSET + 15] = 0x80;
	ok &= EXPECT(vcpu_verdict(&xs, NULL, msr, 1, NULL, SNAP_ERR_LAYOUT,
				  "not the standard XSAVE format"));
	xs.area[XSAVE_HDR_OFFSET + 15] = 0;
	xs.reserved[5] = 1;
	ok &= EXPECT(vcpu_verdict(&xs, NULL, msr, 1, NULL, SNAP_ERR_LAYOUT,
				  "vcpu-xsave, vCPU 0): flags or reserved not 0"));
	xs.reserved[5] = 0;
	dr.dr7 |= 1ULL << 32;
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, NULL, SNAP_ERR_LAYOUT,
				  "bits 63:32 set"));
	dr.dr7 = 0x400;
	dr.flags = 1;
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, NULL, SNAP_ERR_LAYOUT,
				  "vcpu-debugregs, vCPU 0): flags or reserved"));
	dr.flags = 0;

	/* This host: no AVX (an XCR0 bit it cannot give). */
	h.xcr0 = XCR0_X87 | XCR0_SSE;
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, &h, SNAP_ERR_FEATURE,
				  "gives guests 0x3, without state component 2 (AVX)"));
	/* The area holds AVX state, XCR0 without it: valid, and refused here. */
	xs.xcr0 = XCR0_X87 | XCR0_SSE | XCR0_AVX;
	h.xcr0 = 0;
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, &h, SNAP_ERR_FEATURE,
				  "without state component 2 (AVX)"));
	/* x87 and SSE state is on every host: only XSAVE is needed. */
	xs.xcr0 = XCR0_X87;
	set_xstate_bv(&xs, XCR0_X87 | XCR0_SSE);
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, &h, SNAP_OK, NULL));
	/* Each capability a section needs. */
	h = avx;
	h.xsave = false;
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, &h, SNAP_ERR_FEATURE,
				  "x87/SSE/AVX state needs TVMM_CAP_XSAVE, which"));
	ok &= EXPECT(vcpu_verdict(NULL, &dr, msr, 1, &h, SNAP_OK, NULL));
	h = avx;
	h.debugregs = false;
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, &h, SNAP_ERR_FEATURE,
				  "needs TVMM_CAP_DEBUGREGS"));
	h = avx;
	h.events = false;
	ok &= EXPECT(vcpu_verdict(&xs, &dr, msr, 1, &h, SNAP_ERR_FEATURE,
				  "its pending events needs TVMM_CAP_VCPU_EVENTS"));
	return ok;
}

/* ---- device state ------------------------------------------------------- */

/* Devices with state a guest might leave: every table has something. */
static void busy_devices(struct dev_ctx *ctx)
{
	const __u8 in[3] = { 'a', 'b', 'c' };

	io_out(ctx, 0x3f9, 1, 0x03);		/* UART IER */
	io_out(ctx, 0x3fc, 1, 0x0b);		/* MCR: OUT2 */
	io_in(ctx, 0x3fd, 1);			/* LSR: arms the receiver */
	uart_rx_push(ctx, in, sizeof(in));
	io_out(ctx, 0x20, 1, 0x11);		/* PIC: ICW1, mid-init */
	io_out(ctx, 0x21, 1, 0x20);
	io_out(ctx, 0x43, 1, 0x34);		/* PIT counter 0, mode 2 */
	io_out(ctx, 0x40, 1, 0x9c);
	io_out(ctx, 0x40, 1, 0x2e);
	io_out(ctx, 0x61, 1, 0x01);		/* counter 2's gate */
	mmio_write(ctx, 0, LAPIC_BASE + 0xf0, 4, 0x1ff);
	mmio_write(ctx, 0, LAPIC_BASE + 0x3e0, 4, 0xb);
	mmio_write(ctx, 0, LAPIC_BASE + 0x320, 4, 0x40 | 1 << 17);
	mmio_write(ctx, 0, LAPIC_BASE + 0x380, 4, 5000);
	mmio_write(ctx, 1, LAPIC_BASE + 0xf0, 4, 0x1ff);
	mmio_write(ctx, 1, LAPIC_BASE + 0x320, 4, 0x41 | 2 << 17);
	dev_msr_write(ctx, 1, MSR_IA32_TSC_DEADLINE, now.tsc + 7777);
	mmio_write(ctx, 0, IOAPIC_BASE, 4, 0x12);	/* IOREGSEL */
	mmio_write(ctx, 0, IOAPIC_BASE + 0x10, 4, 0x31);
	io_out(ctx, 0x70, 1, 0x0a);			/* RTC register A */
	io_out(ctx, 0x71, 1, 0x26);
	io_out(ctx, 0x70, 1, 0x20);			/* RAM */
	io_out(ctx, 0x71, 1, 0x5a);
	io_out(ctx, 0x64, 1, 0x60);			/* i8042 command byte */
	io_out(ctx, 0x60, 1, 0x45);
	io_out(ctx, 0x60, 1, 0xf2);			/* keyboard: identify */
	io_out(ctx, 0x510, 2, 0x0005);			/* fw_cfg: CPU count */
	io_in(ctx, 0x511, 1);
}

/* Every device's sections, one buffer each, into @b[]. */
static void save_all(struct dev_ctx *ctx, struct dev_state_buf *b,
		     const struct dev_clock *clk)
{
	const struct dev_state_type *t;
	unsigned int i, id, k = 0;

	for (i = 0; i < dev_nr_state_types; i++) {
		t = &dev_state_types[i];
		for (id = 0; id < (t->per_cpu ? ctx->nr_cpus : 1); id++) {
			memset(&b[k], 0, sizeof(b[k]));
			t->save(ctx, id, &b[k], clk);
			k++;
		}
	}
}

static bool load_all(struct dev_ctx *ctx, struct dev_state_buf *b,
		     const struct dev_clock *clk)
{
	const struct dev_state_type *t;
	unsigned int i, id, k = 0;
	bool ok = true;

	for (i = 0; i < dev_nr_state_types; i++) {
		t = &dev_state_types[i];
		for (id = 0; id < (t->per_cpu ? ctx->nr_cpus : 1); id++) {
			ok &= EXPECT(!dev_state_load(ctx, t, id, t->version,
						     b[k].data, b[k].len,
						     clk));
			k++;
		}
	}
	return ok;
}

#define MAX_BUFS	(DEV_MAX_CPUS + 16)

bool test_snap_devices_round_trip(void)
{
	struct dev_state_buf one[MAX_BUFS], two[MAX_BUFS];
	struct dev_clock c1, c2;
	struct dev_ctx a, b;
	unsigned int k, n;
	bool ok = true;

	now.ns = 5000000000ULL;
	now.tsc = 9000000000ULL;
	ctx_init(&a);
	busy_devices(&a);
	now.ns += 1234567;
	now.tsc += 7654321;
	c1 = (struct dev_clock){ .ns = now.ns, .tsc = now.tsc };
	save_all(&a, one, &c1);
	/* Another process, much later: another clock. */
	now.ns = 77000000000ULL;
	now.tsc = 3000000000ULL;
	c2 = (struct dev_clock){ .ns = now.ns, .tsc = now.tsc };
	ctx_init(&b);
	ok &= load_all(&b, one, &c2);
	save_all(&b, two, &c2);
	n = dev_nr_state_types - 1 + a.nr_cpus;
	for (k = 0; k < n; k++) {
		ok &= EXPECT(one[k].len && one[k].len == two[k].len &&
			     !memcmp(one[k].data, two[k].data, one[k].len));
		dev_state_buf_free(&one[k]);
		dev_state_buf_free(&two[k]);
	}
	/* What the guest reads goes on: the UART's bytes, the LSR. */
	ok &= EXPECT(io_in(&b, 0x3f8, 1) == 'a');
	ok &= EXPECT(io_in(&b, 0x70 + 1, 1) == 0x5a);
	return ok;
}

bool test_snap_devices_refused(void)
{
	const struct dev_state_type *t = dev_state_type_find(SNAP_SEC_UART);
	struct dev_state_buf b = { 0 };
	const struct dev_clock clk = { 0 };
	struct uart_state before;
	struct dev_ctx ctx;
	bool ok = true;

	ctx_init(&ctx);
	busy_devices(&ctx);
	t->save(&ctx, 0, &b, &clk);
	before = ctx.uart;
	/* rx_head (after 7 registers, 2 flags and the FIFO) past the FIFO. */
	b.data[7 + 2 + UART_FIFO_SIZE] = UART_FIFO_SIZE;
	ok &= EXPECT(dev_state_load(&ctx, t, 0, t->version, b.data, b.len,
				    &clk) == -EINVAL);
	b.data[7 + 2 + UART_FIFO_SIZE] = 0;
	/* A flag neither 0 nor 1. */
	b.data[7] = 2;
	ok &= EXPECT(dev_state_load(&ctx, t, 0, t->version, b.data, b.len,
				    &clk) == -EINVAL);
	b.data[7] = 1;
	/* Too short, too long, another version, a second UART. */
	ok &= EXPECT(dev_state_load(&ctx, t, 0, t->version, b.data,
				    b.len - 1, &clk) == -EINVAL);
	ok &= EXPECT(dev_state_load(&ctx, t, 0, t->version, b.data,
				    b.len + 1, &clk) == -EINVAL);
	ok &= EXPECT(dev_state_load(&ctx, t, 0, t->version + 1, b.data,
				    b.len, &clk) == -EINVAL);
	ok &= EXPECT(dev_state_load(&ctx, t, 1, t->version, b.data, b.len,
				    &clk) == -EINVAL);
	ok &= EXPECT(!memcmp(&before, &ctx.uart, sizeof(before)));
	ok &= EXPECT(dev_state_load(&ctx, t, 0, t->version, b.data, b.len,
				    &clk) == 0);
	dev_state_buf_free(&b);
	return ok;
}

/*
 * Two sets of devices, one loaded from the other's snapshot under another
 * clock: moved on by the same steps, they raise the same interrupts at
 * the same time since the snapshot.
 */
bool test_snap_timers_go_on(void)
{
	struct dev_state_buf bufs[MAX_BUFS];
	struct dev_clock c1, c2;
	struct dev_ctx a, b;
	__u64 base_ns, base_tsc, step, t_a, t_b;
	unsigned int k, i;
	bool ok = true, same = true;
	int va, vb;

	now.ns = 1000000000ULL;
	now.tsc = 2000000000ULL;
	ctx_init(&a);
	busy_devices(&a);
	now.ns += 3333333;
	now.tsc += 3333333;
	c1 = (struct dev_clock){ .ns = now.ns, .tsc = now.tsc };
	save_all(&a, bufs, &c1);
	now.ns = 40000000000ULL;
	now.tsc = 90000000000ULL;
	c2 = (struct dev_clock){ .ns = now.ns, .tsc = now.tsc };
	ctx_init(&b);
	ok &= load_all(&b, bufs, &c2);
	for (k = 0; k < dev_nr_state_types - 1 + a.nr_cpus; k++)
		dev_state_buf_free(&bufs[k]);
	/* Their next events are as far away. */
	now.ns = c1.ns;
	now.tsc = c1.tsc;
	t_a = dev_next_event_ns(&a);
	now.ns = c2.ns;
	now.tsc = c2.tsc;
	t_b = dev_next_event_ns(&b);
	ok &= EXPECT(t_a == t_b);
	now.ns = c1.ns;
	t_a = pit_next_event_ns(&a);
	now.ns = c2.ns;
	t_b = pit_next_event_ns(&b);
	ok &= EXPECT(t_a == t_b && (__s64)t_a > 0);
	ok &= EXPECT(lapic_timer_deadline(&a, 1, &t_a) &&
		     lapic_timer_deadline(&b, 1, &t_b) &&
		     t_a - c1.tsc == t_b - c2.tsc);
	/* Step both through 60 ms: the same vectors at the same steps. */
	step = 777;
	for (i = 0; i < 60000000 / step / 100; i++) {
		base_ns = i * step * 100;
		base_tsc = i * step * 100;
		now.ns = c1.ns + base_ns;
		now.tsc = c1.tsc + base_tsc;
		dev_update(&a);
		va = lapic_peek(&a, 0) << 16 | lapic_peek(&a, 1) << 8 |
		     (pic_peek(&a, NULL) & 0xff);
		now.ns = c2.ns + base_ns;
		now.tsc = c2.tsc + base_tsc;
		dev_update(&b);
		vb = lapic_peek(&b, 0) << 16 | lapic_peek(&b, 1) << 8 |
		     (pic_peek(&b, NULL) & 0xff);
		same &= va == vb;
		if (lapic_peek(&a, 0) >= 0) {
			lapic_ack(&a, 0, lapic_peek(&a, 0));
			lapic_ack(&b, 0, lapic_peek(&b, 0));
		}
	}
	ok &= EXPECT(same);
	/* The APIC timer of vCPU 0 fired, as did the TSC deadline of 1. */
	ok &= EXPECT(a.lapic[0].isr[2] & 1);
	ok &= EXPECT(!a.lapic[1].tsc_deadline && !b.lapic[1].tsc_deadline);
	ok &= EXPECT(a.lapic[1].irr[2] == b.lapic[1].irr[2] &&
		     (a.lapic[1].irr[2] & 2));
	return ok;
}
