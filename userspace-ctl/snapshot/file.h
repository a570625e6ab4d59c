/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot file as a container (format.h has its layout): writing it
 * section by section, memory with its zero pages left out; reading it
 * back, with every check made before the caller sees a byte: magic,
 * format version, header and section checksums, truncation, section types
 * this tvmmctl knows, and the CPU features the guest needs against what
 * this host has (through a function the caller gives, so that the unit
 * tests can pretend to be any host).
 *
 * What the sections hold is the business of snapshot/vm.c (the VM and its
 * vCPUs) and devices/state.c (the device models). Nothing here prints:
 * failures come back as an enum snap_error and one sentence in why[].
 */
#ifndef TVMMCTL_SNAPSHOT_FILE_H
#define TVMMCTL_SNAPSHOT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "uapi/tvmm.h"
#include "snapshot/format.h"

/* Why a file was refused. */
enum snap_error {
	SNAP_OK = 0,
	SNAP_ERR_IO,		/* it cannot be read or written (errno) */
	SNAP_ERR_MAGIC,		/* not a tvmm snapshot */
	SNAP_ERR_VERSION,	/* another format version */
	SNAP_ERR_TRUNCATED,	/* shorter than its header says */
	SNAP_ERR_CORRUPT,	/* a checksum does not match */
	SNAP_ERR_UNKNOWN,	/* a section type this tvmmctl does not know */
	SNAP_ERR_FEATURE,	/* the guest needs a CPU feature the host lacks */
	SNAP_ERR_LAYOUT,	/* checksums right, contents impossible */
};

#define SNAP_WHY_MAX	256

/**
 * struct snap_section - one section of a file read by snap_parse().
 * @type, @id, @version: from its header.
 * @data:	its payload, inside the file's buffer.
 * @length:	the payload's bytes.
 * @offset:	where its header starts in the file.
 * @index:	0 for the first section.
 */
struct snap_section {
	__u32 type, id, version;
	const void *data;
	__u64 length;
	__u64 offset;
	unsigned int index;
};

/**
 * struct snap_file - a file read and checked.
 * @buf, @size:	the whole file (snap_read()'s to free, or the caller's).
 * @hdr:	its header.
 * @sec, @nr:	its sections, in file order.
 * @why:	after a failure, what was wrong and where.
 */
struct snap_file {
	void *buf;
	size_t size;
	bool owned;
	struct snap_header hdr;
	struct snap_section *sec;
	unsigned int nr;
	char why[SNAP_WHY_MAX];
};

/*
 * Check the @size bytes at @buf, which must stay there while @f is used,
 * as a snapshot: SNAP_OK, or the first thing wrong (in f->why).
 */
enum snap_error snap_parse(struct snap_file *f, const void *buf, size_t size);
/* snap_parse() of the file at @path, read whole. */
enum snap_error snap_read(struct snap_file *f, const char *path);
void snap_file_free(struct snap_file *f);

/* The section of @type and @id, or NULL. */
const struct snap_section *snap_find(const struct snap_file *f, __u32 type,
				     __u32 id);
/* The name of a section type ("vcpu-regs", "pit"), NULL if unknown. */
const char *snap_type_name(__u32 type);
/* "section 3 (pit)", "section 5 (vcpu-regs, vCPU 1)": for messages. */
const char *snap_section_label(const struct snap_section *s, char *buf,
			       size_t len);

/*
 * The CPU features: the feature words of a CPUID table (vCPU 0's), their
 * bits that depend on the guest's own state (OSXSAVE, OSPKE) left out.
 */
void snap_features_from_cpuid(const struct tvmm_cpuid_entry *e,
			      unsigned int n,
			      __u32 words[SNAP_NR_FEATURE_WORDS]);
/*
 * What this host's tvmm.ko and tvmmctl could give a guest, as the same
 * words: 0, or a negative errno.
 */
typedef int snap_host_features_fn(void *data,
				  __u32 words[SNAP_NR_FEATURE_WORDS]);
/*
 * SNAP_OK when the host has every feature the file's guest was given,
 * else SNAP_ERR_FEATURE naming the first it lacks ("CPUID.(EAX=7,ECX=0):
 * EBX[5] (avx2)"), or SNAP_ERR_IO when @host fails.
 */
enum snap_error snap_check_features(struct snap_file *f,
				    snap_host_features_fn *host, void *data);
/* A feature bit's name ("avx2"), or NULL if the table has none. */
const char *snap_feature_name(unsigned int word, unsigned int bit);
/* "CPUID.(EAX=7,ECX=0):EBX" for a word. */
const char *snap_feature_word_name(unsigned int word, char *buf, size_t len);

/**
 * struct snap_writer - a file being written: to PATH.tmp, renamed to PATH
 * by snap_writer_close(), so that PATH is only ever a whole file; or into
 * memory (snap_writer_open_mem(), @path NULL).
 * @err:	the first error (negative errno); every later call is a no-op.
 */
struct snap_writer {
	FILE *f;
	char *path, *tmp;
	struct snap_header hdr;
	struct snap_section_header sh;
	long sh_offset;
	bool in_section;
	int err;
};

/* Start @path: 0 or a negative errno. */
int snap_writer_open(struct snap_writer *w, const char *path,
		     const __u32 features[SNAP_NR_FEATURE_WORDS]);
/* The same, into memory that snap_writer_close_mem() hands over. */
int snap_writer_open_mem(struct snap_writer *w,
			 const __u32 features[SNAP_NR_FEATURE_WORDS]);
int snap_section_begin(struct snap_writer *w, __u32 type, __u32 id,
		       __u32 version);
int snap_write(struct snap_writer *w, const void *buf, size_t len);
int snap_section_end(struct snap_writer *w);
/* One section at once. */
int snap_section(struct snap_writer *w, __u32 type, __u32 id, __u32 version,
		 const void *buf, size_t len);
/* A SNAP_SEC_MEMORY section of slot @slot: @size bytes at @hva, at @gpa. */
int snap_write_memory(struct snap_writer *w, __u32 slot, __u64 gpa,
		      const void *hva, __u64 size);
/* Finish the header, flush, rename: 0 or the first error. */
int snap_writer_close(struct snap_writer *w);
/*
 * Finish a file in memory: 0 with the malloc()ed file in *@buf, *@len, or
 * the first error.
 */
int snap_writer_close_mem(struct snap_writer *w, void **buf, size_t *len);
/* Drop the file being written. */
void snap_writer_abort(struct snap_writer *w);

/*
 * A SNAP_SEC_MEMORY section's header, checked: its pages fit in
 * [0, @ram_size), its bitmap and pages fill the payload exactly.
 */
enum snap_error snap_memory_check(const struct snap_section *s,
				  __u64 ram_size, struct snap_memory *m,
				  char *why, size_t len);
/* Its pages into guest RAM at @ram (the section passed the check). */
void snap_memory_load(const struct snap_section *s, void *ram);

#endif /* TVMMCTL_SNAPSHOT_FILE_H */
