// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot file as a container (file.h): the writer, which streams
 * each section to PATH.tmp and goes back to fill in its header once its
 * length and CRC are known; the reader, which reads the whole file and
 * checks all of it before anyone looks inside; the CPU feature check.
 * Runs in whichever thread calls it; no locks, no printing.
 */
#define _GNU_SOURCE	/* asprintf(), memfd_create() */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crc32.h"
#include "lib/util.h"
#include "tvmmctl.h"
#include "snapshot/file.h"

/* ---- section types ------------------------------------------------------ */

static const struct {
	__u32 type;
	const char *name;
	bool per_vcpu;		/* the id is a vCPU's */
} snap_types[] = {
	{ SNAP_SEC_MACHINE,	"machine",	false },
	{ SNAP_SEC_CLOCK,	"clock",	false },
	{ SNAP_SEC_UART,	"uart",		false },
	{ SNAP_SEC_PIC,		"pic",		false },
	{ SNAP_SEC_PIT,		"pit",		false },
	{ SNAP_SEC_LAPIC,	"local-apic",	true },
	{ SNAP_SEC_IOAPIC,	"ioapic",	false },
	{ SNAP_SEC_RTC,		"rtc",		false },
	{ SNAP_SEC_I8042,	"i8042",	false },
	{ SNAP_SEC_FW_CFG,	"fw_cfg",	false },
	{ SNAP_SEC_VCPU_REGS,	"vcpu-regs",	true },
	{ SNAP_SEC_VCPU_SREGS,	"vcpu-sregs",	true },
	{ SNAP_SEC_VCPU_MSRS,	"vcpu-msrs",	true },
	{ SNAP_SEC_VCPU_EVENTS,	"vcpu-events",	true },
	{ SNAP_SEC_VCPU_CPUID,	"vcpu-cpuid",	true },
	{ SNAP_SEC_VCPU_LOOP,	"vcpu-loop",	true },
	{ SNAP_SEC_VCPU_XSAVE,	"vcpu-xsave",	true },
	{ SNAP_SEC_VCPU_DEBUGREGS, "vcpu-debugregs", true },
	{ SNAP_SEC_MEMORY,	"memory",	false },
};

static int snap_type_index(__u32 type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(snap_types); i++)
		if (snap_types[i].type == type)
			return i;
	return -1;
}

const char *snap_type_name(__u32 type)
{
	int i = snap_type_index(type);

	return i < 0 ? NULL : snap_types[i].name;
}

const char *snap_section_label(const struct snap_section *s, char *buf,
			       size_t len)
{
	int i = snap_type_index(s->type);

	if (i < 0)
		snprintf(buf, len, "section %u (type 0x%x)", s->index,
			 s->type);
	else if (snap_types[i].per_vcpu)
		snprintf(buf, len, "section %u (%s, vCPU %u)", s->index,
			 snap_types[i].name, s->id);
	else if (s->type == SNAP_SEC_MEMORY)
		snprintf(buf, len, "section %u (memory, slot %u)", s->index,
			 s->id);
	else
		snprintf(buf, len, "section %u (%s)", s->index,
			 snap_types[i].name);
	return buf;
}

/* ---- CPU features ------------------------------------------------------- */

static const struct {
	__u32 leaf, subleaf;
	unsigned int reg;
} snap_words[SNAP_NR_FEATURE_WORDS] = {
	/* Registers: 0 EAX, 1 EBX, 2 ECX, 3 EDX. */
	[SNAP_FW_1_ECX]		= { 0x1, 0, 2 },
	[SNAP_FW_1_EDX]		= { 0x1, 0, 3 },
	[SNAP_FW_7_EBX]		= { 0x7, 0, 1 },
	[SNAP_FW_7_ECX]		= { 0x7, 0, 2 },
	[SNAP_FW_7_EDX]		= { 0x7, 0, 3 },
	[SNAP_FW_D_EAX]		= { 0xd, 0, 0 },
	[SNAP_FW_D_1_EAX]	= { 0xd, 1, 0 },
	[SNAP_FW_81_ECX]	= { 0x80000001, 0, 2 },
	[SNAP_FW_81_EDX]	= { 0x80000001, 0, 3 },
};

/* Bits that follow the guest's own CR4 (OSXSAVE, OSPKE): not the host's. */
static const __u32 snap_dynamic_bits[SNAP_NR_FEATURE_WORDS] = {
	[SNAP_FW_1_ECX]	= BIT(27),
	[SNAP_FW_7_ECX]	= BIT(4),
};

/* Names of the features a guest is likely to be given. */
static const struct {
	unsigned int word, bit;
	const char *name;
} snap_feature_names[] = {
	{ SNAP_FW_1_ECX, 0, "sse3" },	{ SNAP_FW_1_ECX, 1, "pclmulqdq" },
	{ SNAP_FW_1_ECX, 9, "ssse3" },	{ SNAP_FW_1_ECX, 12, "fma" },
	{ SNAP_FW_1_ECX, 13, "cx16" },	{ SNAP_FW_1_ECX, 19, "sse4.1" },
	{ SNAP_FW_1_ECX, 20, "sse4.2" }, { SNAP_FW_1_ECX, 22, "movbe" },
	{ SNAP_FW_1_ECX, 23, "popcnt" }, { SNAP_FW_1_ECX, 24, "tsc-deadline" },
	{ SNAP_FW_1_ECX, 25, "aes" },	{ SNAP_FW_1_ECX, 26, "xsave" },
	{ SNAP_FW_1_ECX, 28, "avx" },	{ SNAP_FW_1_ECX, 29, "f16c" },
	{ SNAP_FW_1_ECX, 30, "rdrand" },
	{ SNAP_FW_1_EDX, 0, "fpu" },	{ SNAP_FW_1_EDX, 4, "tsc" },
	{ SNAP_FW_1_EDX, 9, "apic" },	{ SNAP_FW_1_EDX, 23, "mmx" },
	{ SNAP_FW_1_EDX, 24, "fxsr" },	{ SNAP_FW_1_EDX, 25, "sse" },
	{ SNAP_FW_1_EDX, 26, "sse2" },
	{ SNAP_FW_7_EBX, 0, "fsgsbase" }, { SNAP_FW_7_EBX, 3, "bmi1" },
	{ SNAP_FW_7_EBX, 5, "avx2" },	{ SNAP_FW_7_EBX, 7, "smep" },
	{ SNAP_FW_7_EBX, 8, "bmi2" },	{ SNAP_FW_7_EBX, 9, "erms" },
	{ SNAP_FW_7_EBX, 16, "avx512f" }, { SNAP_FW_7_EBX, 18, "rdseed" },
	{ SNAP_FW_7_EBX, 19, "adx" },	{ SNAP_FW_7_EBX, 20, "smap" },
	{ SNAP_FW_7_EBX, 29, "sha" },
	{ SNAP_FW_D_EAX, 0, "x87 state" }, { SNAP_FW_D_EAX, 1, "sse state" },
	{ SNAP_FW_D_EAX, 2, "avx state" },
	{ SNAP_FW_D_1_EAX, 0, "xsaveopt" }, { SNAP_FW_D_1_EAX, 1, "xsavec" },
	{ SNAP_FW_D_1_EAX, 3, "xsaves" },
	{ SNAP_FW_81_ECX, 0, "lahf_lm" }, { SNAP_FW_81_ECX, 5, "lzcnt" },
	{ SNAP_FW_81_ECX, 8, "prefetchw" },
	{ SNAP_FW_81_EDX, 11, "syscall" }, { SNAP_FW_81_EDX, 20, "nx" },
	{ SNAP_FW_81_EDX, 26, "pdpe1gb" }, { SNAP_FW_81_EDX, 27, "rdtscp" },
	{ SNAP_FW_81_EDX, 29, "lm" },
};

const char *snap_feature_name(unsigned int word, unsigned int bit)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(snap_feature_names); i++)
		if (snap_feature_names[i].word == word &&
		    snap_feature_names[i].bit == bit)
			return snap_feature_names[i].name;
	return NULL;
}

const char *snap_feature_word_name(unsigned int word, char *buf, size_t len)
{
	static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };

	if (word >= SNAP_NR_FEATURE_WORDS) {
		snprintf(buf, len, "feature word %u", word);
		return buf;
	}
	snprintf(buf, len, "CPUID.(EAX=%#x,ECX=%u):%s", snap_words[word].leaf,
		 snap_words[word].subleaf, regs[snap_words[word].reg]);
	return buf;
}

void snap_features_from_cpuid(const struct tvmm_cpuid_entry *e,
			      unsigned int n,
			      __u32 words[SNAP_NR_FEATURE_WORDS])
{
	const __u32 *r;
	unsigned int i, w;

	memset(words, 0, SNAP_NR_FEATURE_WORDS * sizeof(*words));
	for (w = 0; w < SNAP_NR_FEATURE_WORDS; w++) {
		for (i = 0; i < n; i++) {
			if (e[i].function != snap_words[w].leaf)
				continue;
			if (e[i].flags & TVMM_CPUID_INDEXED &&
			    e[i].index != snap_words[w].subleaf)
				continue;
			r = &e[i].eax;
			words[w] = r[snap_words[w].reg] &
				   ~snap_dynamic_bits[w];
			break;
		}
	}
}

enum snap_error snap_check_features(struct snap_file *f,
				    snap_host_features_fn *host, void *data)
{
	__u32 have[SNAP_NR_FEATURE_WORDS], missing;
	const char *name;
	char word[64];
	unsigned int w, bit;
	int ret;

	ret = host(data, have);
	if (ret) {
		snprintf(f->why, sizeof(f->why),
			 "cannot tell this host's CPU features: %s",
			 strerror(-ret));
		return SNAP_ERR_IO;
	}
	for (w = 0; w < SNAP_NR_FEATURE_WORDS; w++) {
		missing = f->hdr.features[w] & ~have[w];
		if (!missing)
			continue;
		bit = __builtin_ctz(missing);
		name = snap_feature_name(w, bit);
		snprintf(f->why, sizeof(f->why),
			 "the guest needs CPU feature %s[%u]%s%s%s, which this host lacks",
			 snap_feature_word_name(w, word, sizeof(word)), bit,
			 name ? " (" : "", name ? name : "", name ? ")" : "");
		return SNAP_ERR_FEATURE;
	}
	return SNAP_OK;
}

/* ---- reading ------------------------------------------------------------ */

static enum snap_error snap_fail(struct snap_file *f, enum snap_error err,
				 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	return err;
}

static __u32 snap_header_crc(const struct snap_header *h)
{
	return crc32_update(0, h, offsetof(struct snap_header, crc32));
}

static __u32 snap_section_header_crc(const struct snap_section_header *sh)
{
	return crc32_update(0, sh, offsetof(struct snap_section_header,
					    header_crc32));
}

static enum snap_error snap_parse_header(struct snap_file *f)
{
	struct snap_header *h = &f->hdr;
	char ver[SNAP_VERSION_LEN + 1];

	if (f->size < SNAP_MAGIC_LEN ||
	    memcmp(f->buf, SNAP_MAGIC, SNAP_MAGIC_LEN))
		return snap_fail(f, SNAP_ERR_MAGIC, "not a tvmm snapshot");
	if (f->size < offsetof(struct snap_header, tvmmctl_version))
		return snap_fail(f, SNAP_ERR_TRUNCATED,
				 "truncated: %zu bytes, less than a header",
				 f->size);
	memcpy(h, f->buf, offsetof(struct snap_header, tvmmctl_version));
	if (h->format_version != SNAP_FORMAT_VERSION)
		return snap_fail(f, SNAP_ERR_VERSION,
				 "snapshot format version %u; this tvmmctl (%s) reads version %u",
				 h->format_version, TVMMCTL_VERSION,
				 SNAP_FORMAT_VERSION);
	if (f->size < sizeof(*h))
		return snap_fail(f, SNAP_ERR_TRUNCATED,
				 "truncated: %zu bytes, less than a header",
				 f->size);
	memcpy(h, f->buf, sizeof(*h));
	if (h->crc32 != snap_header_crc(h))
		return snap_fail(f, SNAP_ERR_CORRUPT,
				 "the header's checksum does not match: corrupted");
	memcpy(ver, h->tvmmctl_version, SNAP_VERSION_LEN);
	ver[SNAP_VERSION_LEN] = '\0';
	if (h->header_size != sizeof(*h) || h->flags ||
	    !memchr(h->tvmmctl_version, '\0', SNAP_VERSION_LEN))
		return snap_fail(f, SNAP_ERR_LAYOUT,
				 "the header is not one of format version %u",
				 SNAP_FORMAT_VERSION);
	if (f->size < h->file_size)
		return snap_fail(f, SNAP_ERR_TRUNCATED,
				 "truncated: %zu bytes of the %llu written by tvmmctl %s",
				 f->size, (unsigned long long)h->file_size,
				 ver);
	if (f->size > h->file_size)
		return snap_fail(f, SNAP_ERR_LAYOUT,
				 "%llu bytes after the end of the snapshot",
				 (unsigned long long)(f->size - h->file_size));
	return SNAP_OK;
}

static enum snap_error snap_parse_section(struct snap_file *f, __u64 *off,
					  unsigned int i)
{
	struct snap_section *s = &f->sec[i];
	struct snap_section_header sh;
	const char *base = f->buf;
	char label[64];
	unsigned int j;

	s->index = i;
	s->offset = *off;
	if (f->size - *off < sizeof(sh))
		return snap_fail(f, SNAP_ERR_TRUNCATED,
				 "truncated: section %u's header at offset %llu is cut off",
				 i, (unsigned long long)*off);
	memcpy(&sh, base + *off, sizeof(sh));
	if (sh.header_crc32 != snap_section_header_crc(&sh))
		return snap_fail(f, SNAP_ERR_CORRUPT,
				 "section %u (at offset %llu): its header's checksum does not match: corrupted",
				 i, (unsigned long long)*off);
	s->type = sh.type;
	s->id = sh.id;
	s->version = sh.version;
	s->length = sh.length;
	snap_section_label(s, label, sizeof(label));
	if (sh.flags)
		return snap_fail(f, SNAP_ERR_LAYOUT, "%s: flags 0x%x", label,
				 sh.flags);
	*off += sizeof(sh);
	if (f->size - *off < sh.length)
		return snap_fail(f, SNAP_ERR_TRUNCATED,
				 "truncated: %s needs %llu bytes at offset %llu",
				 label, (unsigned long long)sh.length,
				 (unsigned long long)*off);
	s->data = base + *off;
	if (crc32_update(0, s->data, sh.length) != sh.crc32)
		return snap_fail(f, SNAP_ERR_CORRUPT,
				 "%s: checksum does not match: corrupted",
				 label);
	*off += sh.length;
	if (snap_type_index(sh.type) < 0)
		return snap_fail(f, SNAP_ERR_UNKNOWN,
				 "%s: a section type this tvmmctl (%s) does not know",
				 label, TVMMCTL_VERSION);
	for (j = 0; j < i; j++)
		if (f->sec[j].type == s->type && f->sec[j].id == s->id)
			return snap_fail(f, SNAP_ERR_LAYOUT,
					 "%s: a second one", label);
	return SNAP_OK;
}

enum snap_error snap_parse(struct snap_file *f, const void *buf, size_t size)
{
	enum snap_error err;
	__u64 off;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->buf = (void *)buf;
	f->size = size;
	err = snap_parse_header(f);
	if (err)
		return err;
	/* At least a section header each: the count cannot be absurd. */
	if (f->hdr.nr_sections > (size - sizeof(f->hdr)) /
				 sizeof(struct snap_section_header))
		return snap_fail(f, SNAP_ERR_LAYOUT,
				 "%u sections cannot fit in %zu bytes",
				 f->hdr.nr_sections, size);
	f->sec = calloc(f->hdr.nr_sections + 1, sizeof(*f->sec));
	if (!f->sec)
		return snap_fail(f, SNAP_ERR_IO, "%s", strerror(ENOMEM));
	off = sizeof(f->hdr);
	for (i = 0; i < f->hdr.nr_sections; i++) {
		err = snap_parse_section(f, &off, i);
		if (err)
			return err;
		f->nr++;
	}
	if (off != size)
		return snap_fail(f, SNAP_ERR_LAYOUT,
				 "%llu bytes after the last section",
				 (unsigned long long)(size - off));
	return SNAP_OK;
}

enum snap_error snap_read(struct snap_file *f, const char *path)
{
	enum snap_error err;
	struct stat st;
	size_t done = 0;
	void *buf = NULL;
	ssize_t n;
	int fd;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = snap_fail(f, SNAP_ERR_IO, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = snap_fail(f, SNAP_ERR_IO, "not a regular file");
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		err = snap_fail(f, SNAP_ERR_IO, "%s", strerror(ENOMEM));
		goto out;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, (char *)buf + done, st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = snap_fail(f, SNAP_ERR_IO, "%s",
					n ? strerror(errno) : "shrank while read");
			goto out;
		}
		done += n;
	}
	close(fd);
	err = snap_parse(f, buf, done);
	f->owned = true;
	return err;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

void snap_file_free(struct snap_file *f)
{
	free(f->sec);
	if (f->owned)
		free(f->buf);
	f->sec = NULL;
	f->buf = NULL;
	f->nr = 0;
}

const struct snap_section *snap_find(const struct snap_file *f, __u32 type,
				     __u32 id)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		if (f->sec[i].type == type && f->sec[i].id == id)
			return &f->sec[i];
	return NULL;
}

/* ---- memory sections ---------------------------------------------------- */

static __u64 snap_bitmap_bytes(__u64 pages)
{
	return (pages + 63) / 64 * 8;
}

static bool snap_page_stored(const __u8 *bitmap, __u64 page)
{
	return bitmap[page / 8] & (1u << (page % 8));
}

enum snap_error snap_memory_check(const struct snap_section *s,
				  __u64 ram_size, struct snap_memory *m,
				  char *why, size_t len)
{
	const __u8 *bitmap = (const __u8 *)s->data + sizeof(*m);
	__u64 pages, bytes, stored = 0, i;
	char label[64];

	snap_section_label(s, label, sizeof(label));
	if (s->version != 1 || s->length < sizeof(*m)) {
		snprintf(why, len, "%s: not a version 1 memory section", label);
		return SNAP_ERR_LAYOUT;
	}
	memcpy(m, s->data, sizeof(*m));
	if (m->page_size != SNAP_PAGE_SIZE || m->flags ||
	    m->gpa % SNAP_PAGE_SIZE || m->size % SNAP_PAGE_SIZE ||
	    m->gpa > ram_size || m->size > ram_size - m->gpa) {
		snprintf(why, len,
			 "%s: %llu bytes at %#llx in pages of %u do not fit %llu bytes of RAM",
			 label, (unsigned long long)m->size,
			 (unsigned long long)m->gpa, m->page_size,
			 (unsigned long long)ram_size);
		return SNAP_ERR_LAYOUT;
	}
	pages = m->size / SNAP_PAGE_SIZE;
	bytes = snap_bitmap_bytes(pages);
	if (m->nr_stored > pages ||
	    s->length - sizeof(*m) < bytes ||
	    s->length - sizeof(*m) - bytes != m->nr_stored * SNAP_PAGE_SIZE) {
		snprintf(why, len, "%s: %llu bytes for %llu pages stored",
			 label, (unsigned long long)s->length,
			 (unsigned long long)m->nr_stored);
		return SNAP_ERR_LAYOUT;
	}
	for (i = 0; i < bytes * 8; i++)
		if (snap_page_stored(bitmap, i))
			stored++;
	for (i = pages; i < bytes * 8; i++)
		if (snap_page_stored(bitmap, i))
			stored = ~0ULL;
	if (stored != m->nr_stored) {
		snprintf(why, len, "%s: its bitmap does not match its %llu pages",
			 label, (unsigned long long)m->nr_stored);
		return SNAP_ERR_LAYOUT;
	}
	return SNAP_OK;
}

void snap_memory_load(const struct snap_section *s, void *ram)
{
	const struct snap_memory *m = s->data;
	const __u8 *bitmap = (const __u8 *)s->data + sizeof(*m);
	const __u8 *page;
	__u64 pages = m->size / SNAP_PAGE_SIZE, i;
	__u8 *dst = (__u8 *)ram + m->gpa;

	page = bitmap + snap_bitmap_bytes(pages);
	for (i = 0; i < pages; i++, dst += SNAP_PAGE_SIZE) {
		if (snap_page_stored(bitmap, i)) {
			memcpy(dst, page, SNAP_PAGE_SIZE);
			page += SNAP_PAGE_SIZE;
		} else {
			memset(dst, 0, SNAP_PAGE_SIZE);
		}
	}
}

/* ---- writing ------------------------------------------------------------ */

static int snap_werr(struct snap_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

static int snap_put(struct snap_writer *w, const void *buf, size_t len)
{
	if (w->err)
		return w->err;
	if (len && fwrite(buf, 1, len, w->f) != len)
		return snap_werr(w, errno ? -errno : -EIO);
	return 0;
}

static int snap_writer_start(struct snap_writer *w,
			     const __u32 features[SNAP_NR_FEATURE_WORDS])
{
	memcpy(w->hdr.magic, SNAP_MAGIC, SNAP_MAGIC_LEN);
	w->hdr.format_version = SNAP_FORMAT_VERSION;
	w->hdr.header_size = sizeof(w->hdr);
	snprintf(w->hdr.tvmmctl_version, sizeof(w->hdr.tvmmctl_version), "%s",
		 TVMMCTL_VERSION);
	memcpy(w->hdr.features, features,
	       SNAP_NR_FEATURE_WORDS * sizeof(*features));
	/* Filled in by snap_writer_close(). */
	return snap_put(w, &w->hdr, sizeof(w->hdr));
}

int snap_writer_open(struct snap_writer *w, const char *path,
		     const __u32 features[SNAP_NR_FEATURE_WORDS])
{
	memset(w, 0, sizeof(*w));
	w->path = strdup(path);
	if (!w->path || asprintf(&w->tmp, "%s.tmp", path) < 0) {
		free(w->path);
		w->tmp = NULL;
		return snap_werr(w, -ENOMEM);
	}
	w->f = fopen(w->tmp, "w+e");
	if (!w->f)
		return snap_werr(w, -errno);
	return snap_writer_start(w, features);
}

/*
 * An anonymous file, not open_memstream(): the writer seeks back to each
 * section's header, and a memory stream's end moves back with it.
 */
int snap_writer_open_mem(struct snap_writer *w,
			 const __u32 features[SNAP_NR_FEATURE_WORDS])
{
	int fd;

	memset(w, 0, sizeof(*w));
	fd = memfd_create("tvmm-snapshot", MFD_CLOEXEC);
	if (fd < 0)
		return snap_werr(w, -errno);
	w->f = fdopen(fd, "w+");
	if (!w->f) {
		close(fd);
		return snap_werr(w, -errno);
	}
	return snap_writer_start(w, features);
}

int snap_section_begin(struct snap_writer *w, __u32 type, __u32 id,
		       __u32 version)
{
	if (w->err)
		return w->err;
	if (w->in_section)
		return snap_werr(w, -EINVAL);
	memset(&w->sh, 0, sizeof(w->sh));
	w->sh.type = type;
	w->sh.id = id;
	w->sh.version = version;
	w->sh_offset = ftell(w->f);
	if (w->sh_offset < 0)
		return snap_werr(w, -errno);
	w->in_section = true;
	return snap_put(w, &w->sh, sizeof(w->sh));
}

int snap_write(struct snap_writer *w, const void *buf, size_t len)
{
	if (!w->err && !w->in_section)
		return snap_werr(w, -EINVAL);
	w->sh.crc32 = crc32_update(w->sh.crc32, buf, len);
	w->sh.length += len;
	return snap_put(w, buf, len);
}

int snap_section_end(struct snap_writer *w)
{
	if (w->err)
		return w->err;
	if (!w->in_section)
		return snap_werr(w, -EINVAL);
	w->in_section = false;
	w->sh.header_crc32 = snap_section_header_crc(&w->sh);
	if (fseek(w->f, w->sh_offset, SEEK_SET))
		return snap_werr(w, -errno);
	snap_put(w, &w->sh, sizeof(w->sh));
	if (fseek(w->f, 0, SEEK_END))
		return snap_werr(w, -errno);
	w->hdr.nr_sections++;
	return w->err;
}

int snap_section(struct snap_writer *w, __u32 type, __u32 id, __u32 version,
		 const void *buf, size_t len)
{
	snap_section_begin(w, type, id, version);
	snap_write(w, buf, len);
	return snap_section_end(w);
}

static bool snap_page_zero(const __u8 *p)
{
	static const __u8 zero[SNAP_PAGE_SIZE];

	return !memcmp(p, zero, SNAP_PAGE_SIZE);
}

int snap_write_memory(struct snap_writer *w, __u32 slot, __u64 gpa,
		      const void *hva, __u64 size)
{
	struct snap_memory m = {
		.gpa = gpa,
		.size = size,
		.page_size = SNAP_PAGE_SIZE,
	};
	__u64 pages = size / SNAP_PAGE_SIZE, i;
	const __u8 *p = hva;
	__u8 *bitmap;

	if (size % SNAP_PAGE_SIZE || gpa % SNAP_PAGE_SIZE)
		return snap_werr(w, -EINVAL);
	bitmap = calloc(1, snap_bitmap_bytes(pages) + 1);
	if (!bitmap)
		return snap_werr(w, -ENOMEM);
	for (i = 0; i < pages; i++) {
		if (snap_page_zero(p + i * SNAP_PAGE_SIZE))
			continue;
		bitmap[i / 8] |= 1u << (i % 8);
		m.nr_stored++;
	}
	snap_section_begin(w, SNAP_SEC_MEMORY, slot, 1);
	snap_write(w, &m, sizeof(m));
	snap_write(w, bitmap, snap_bitmap_bytes(pages));
	/*
	 * The guest is stopped: its pages do not change between the two
	 * passes, so the bitmap matches what is written.
	 */
	for (i = 0; i < pages; i++)
		if (snap_page_stored(bitmap, i))
			snap_write(w, p + i * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
	free(bitmap);
	return snap_section_end(w);
}

static void snap_writer_free(struct snap_writer *w)
{
	free(w->path);
	free(w->tmp);
	w->path = NULL;
	w->tmp = NULL;
	w->f = NULL;
}

/* The header, complete, over the one written first; the file's size. */
static long snap_writer_finish(struct snap_writer *w)
{
	long size;

	if (!w->err && w->in_section)
		snap_werr(w, -EINVAL);
	size = w->err ? 0 : ftell(w->f);
	if (size < 0)
		snap_werr(w, -errno);
	w->hdr.file_size = size;
	w->hdr.crc32 = snap_header_crc(&w->hdr);
	if (!w->err && fseek(w->f, 0, SEEK_SET))
		snap_werr(w, -errno);
	snap_put(w, &w->hdr, sizeof(w->hdr));
	return size;
}

int snap_writer_close_mem(struct snap_writer *w, void **buf, size_t *len)
{
	long size = snap_writer_finish(w);
	char *p = NULL;
	int ret;

	if (!w->err && fflush(w->f))
		snap_werr(w, -errno);
	if (!w->err) {
		p = malloc(size ? size : 1);
		if (!p)
			snap_werr(w, -ENOMEM);
		else if (pread(fileno(w->f), p, size, 0) != size)
			snap_werr(w, -EIO);
	}
	if (w->f)
		fclose(w->f);
	w->f = NULL;
	ret = w->err;
	if (!ret) {
		*buf = p;
		*len = size;
	} else {
		free(p);
	}
	snap_writer_free(w);
	return ret;
}

int snap_writer_close(struct snap_writer *w)
{
	int ret;

	snap_writer_finish(w);
	if (!w->err && (fflush(w->f) || fsync(fileno(w->f))))
		snap_werr(w, -errno);
	if (w->f && fclose(w->f))
		snap_werr(w, -errno);
	w->f = NULL;
	if (!w->err && rename(w->tmp, w->path))
		snap_werr(w, -errno);
	if (w->err && w->tmp)
		unlink(w->tmp);
	ret = w->err;
	snap_writer_free(w);
	return ret;
}

void snap_writer_abort(struct snap_writer *w)
{
	if (w->f)
		fclose(w->f);
	if (w->tmp)
		unlink(w->tmp);
	snap_writer_free(w);
}
