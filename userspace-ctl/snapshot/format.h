/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot file of "tvmmctl run --save-on" and "tvmmctl restore": the
 * one place for its layout and numbers (userspace-ctl/README.md describes
 * it for readers of the file).
 *
 * A file is a header, then sections, each a section header and a payload.
 * Everything is little-endian (tvmmctl runs on x86 only, so the structs
 * below are written as they are; their sizes are checked at build time).
 * The header says which format version it is, which tvmmctl wrote it, how
 * many sections follow and how long the file is, and which CPU features
 * the guest was given (and may use); a CRC-32 covers it. Each section has
 * a type, an id (the vCPU, device instance or memory slot), a version of
 * its payload's layout, the payload's length and CRC-32, and a CRC-32 of
 * its own header, so that a flipped bit anywhere is found before anything
 * is believed.
 */
#ifndef TVMMCTL_SNAPSHOT_FORMAT_H
#define TVMMCTL_SNAPSHOT_FORMAT_H

#include <assert.h>
#include <linux/types.h>

#define SNAP_MAGIC		"TVMMSNAP"
#define SNAP_MAGIC_LEN		8
/* Changes whenever a reader of the last one could misread the file. */
#define SNAP_FORMAT_VERSION	2
#define SNAP_VERSION_LEN	32

/*
 * The CPUID words whose feature bits the guest was told about: a file is
 * restored only where each bit it needs is one this host's tvmm can give.
 * snapshot/file.c has the leaf and register of each.
 */
enum snap_feature_word {
	SNAP_FW_1_ECX,		/* CPUID.(EAX=1):ECX */
	SNAP_FW_1_EDX,		/* CPUID.(EAX=1):EDX */
	SNAP_FW_7_EBX,		/* CPUID.(EAX=7,ECX=0):EBX */
	SNAP_FW_7_ECX,		/* CPUID.(EAX=7,ECX=0):ECX */
	SNAP_FW_7_EDX,		/* CPUID.(EAX=7,ECX=0):EDX */
	SNAP_FW_D_EAX,		/* CPUID.(EAX=0xd,ECX=0):EAX, XCR0's bits */
	SNAP_FW_D_1_EAX,	/* CPUID.(EAX=0xd,ECX=1):EAX */
	SNAP_FW_81_ECX,		/* CPUID.(EAX=0x80000001):ECX */
	SNAP_FW_81_EDX,		/* CPUID.(EAX=0x80000001):EDX */
	SNAP_NR_FEATURE_WORDS
};

#define SNAP_HEADER_FEATURE_WORDS	16

/**
 * struct snap_header - the first bytes of the file.
 * @magic:	SNAP_MAGIC, without its NUL.
 * @format_version: SNAP_FORMAT_VERSION of the writer.
 * @header_size: sizeof(struct snap_header).
 * @tvmmctl_version: TVMMCTL_VERSION of the writer, NUL-padded.
 * @nr_sections: sections after the header.
 * @flags:	0.
 * @file_size:	the whole file, in bytes.
 * @features:	the bits of each SNAP_FEATURE_WORDS() word the guest's CPUID
 *		has (vCPU 0's), which this host must have too; the rest 0.
 * @reserved:	0.
 * @crc32:	of every byte before it.
 */
struct snap_header {
	char  magic[SNAP_MAGIC_LEN];
	__u32 format_version;
	__u32 header_size;
	char  tvmmctl_version[SNAP_VERSION_LEN];
	__u32 nr_sections;
	__u32 flags;
	__u64 file_size;
	__u32 features[SNAP_HEADER_FEATURE_WORDS];
	__u32 reserved[7];
	__u32 crc32;
};

/**
 * struct snap_section_header - before each payload.
 * @type:	enum snap_section_type.
 * @id:		the vCPU (vCPU sections, local APICs), the memory slot, or 0.
 * @version:	of the payload's layout; each type has its own.
 * @flags:	0.
 * @length:	the payload's bytes, which follow.
 * @crc32:	of the payload.
 * @header_crc32: of the bytes of this header before it.
 */
struct snap_section_header {
	__u32 type;
	__u32 id;
	__u32 version;
	__u32 flags;
	__u64 length;
	__u32 crc32;
	__u32 header_crc32;
};

/*
 * Section types: the VM's, then one per device model (devices/state.c has
 * their payloads), one per kind of vCPU state, and memory. A reader refuses
 * a type it does not know: every one holds state the guest needs.
 */
enum snap_section_type {
	SNAP_SEC_MACHINE	= 0x001,	/* struct snap_machine, cmdline */
	SNAP_SEC_CLOCK		= 0x002,	/* struct snap_clock */

	SNAP_SEC_UART		= 0x101,	/* devices/: dev_state_types[] */
	SNAP_SEC_PIC		= 0x102,
	SNAP_SEC_PIT		= 0x103,
	SNAP_SEC_LAPIC		= 0x104,	/* id: the vCPU */
	SNAP_SEC_IOAPIC		= 0x105,
	SNAP_SEC_RTC		= 0x106,
	SNAP_SEC_I8042		= 0x107,
	SNAP_SEC_FW_CFG		= 0x108,

	SNAP_SEC_VCPU_REGS	= 0x201,	/* struct tvmm_regs; id: vCPU */
	SNAP_SEC_VCPU_SREGS	= 0x202,	/* struct tvmm_sregs */
	SNAP_SEC_VCPU_MSRS	= 0x203,	/* struct tvmm_msr_entry[] */
	SNAP_SEC_VCPU_EVENTS	= 0x204,	/* struct tvmm_vcpu_events */
	SNAP_SEC_VCPU_CPUID	= 0x205,	/* struct tvmm_cpuid_entry[] */
	SNAP_SEC_VCPU_LOOP	= 0x206,	/* struct snap_vcpu_loop */
	SNAP_SEC_VCPU_XSAVE	= 0x207,	/* struct tvmm_xsave, XCR0 in it */
	/*
	 * Never written: XCR0, the only XCR a guest has, travels in struct
	 * tvmm_xsave. Kept so that the number means nothing else; refused.
	 */
	SNAP_SEC_VCPU_XCRS	= 0x208,
	SNAP_SEC_VCPU_DEBUGREGS	= 0x209,	/* struct tvmm_debugregs */

	SNAP_SEC_MEMORY		= 0x301,	/* struct snap_memory; id: slot */
};

/* struct snap_machine.flags */
#define SNAP_MACHINE_CMDLINE	0x1u	/* fw_cfg has a command line */

/**
 * struct snap_machine - SNAP_SEC_MACHINE, version 1: what "tvmmctl run"
 * was told, which a restore builds again. The command line fw_cfg gives
 * follows (@cmdline_len bytes, no NUL).
 * @nr_vcpus:	1 to DEV_MAX_CPUS.
 * @flags:	SNAP_MACHINE_*.
 * @ram_size:	guest RAM from GPA 0, in bytes.
 * @tsc_khz:	the guest's TSC rate, as CPUID leaf 0x15 tells it.
 * @cmdline_len: bytes of command line after the struct.
 */
struct snap_machine {
	__u32 nr_vcpus;
	__u32 flags;
	__u64 ram_size;
	__u32 tsc_khz;
	__u32 cmdline_len;
};

/**
 * struct snap_clock - SNAP_SEC_CLOCK, version 1: the guest's clocks when
 * it stopped. The devices' times are saved relative to these (a timer's
 * deadline as TSC cycles or ns from now), so they go on where they were
 * whenever and wherever the file is restored.
 * @tsc:	the guest's TSC.
 * @ns:		the devices' clock (CLOCK_MONOTONIC of the writer).
 */
struct snap_clock {
	__u64 tsc;
	__u64 ns;
};

/* struct snap_vcpu_loop.flags: what the vCPU's thread waits for. */
#define SNAP_VCPU_HALTED	0x1u	/* HLT with IF = 1: an interrupt */
#define SNAP_VCPU_PARKED	0x2u	/* an AP's HLT with IF = 0: INIT */

/* SNAP_SEC_VCPU_LOOP, version 1: tvmmctl's side of a vCPU. */
struct snap_vcpu_loop {
	__u32 flags;
	__u32 reserved;
};

/*
 * SNAP_SEC_MEMORY, version 1: @size bytes of guest memory at @gpa, in
 * pages of @page_size: a bitmap of the pages stored (bit n of byte n / 8
 * for page n; (pages + 63) / 64 * 8 bytes), then the @nr_stored pages
 * whose bit is set, in order. Pages of zeros are not stored.
 */
struct snap_memory {
	__u64 gpa;
	__u64 size;
	__u32 page_size;
	__u32 flags;		/* 0 */
	__u64 nr_stored;
};

#define SNAP_PAGE_SIZE		4096

/*
 * The live migration stream, from "tvmmctl run --migrate-on" to "tvmmctl
 * restore --incoming", over one stream socket: records, each a struct
 * mig_record and its payload. The sender's, in order: MIG_REC_HELLO, then
 * MIG_REC_PAGES any number of times (the pre-copy rounds while the guest
 * runs, then the last, with it stopped: a page sent again replaces what
 * came before), then MIG_REC_STATE, a snapshot file (above) without its
 * memory sections. The receiver's one answer: MIG_REC_ACK once its VM is
 * made and about to run (the sender then ends), or MIG_REC_NAK with one
 * sentence why not (the sender's guest goes on).
 */
#define MIG_MAGIC		"TVMMMIGR"
#define MIG_VERSION		1

enum mig_record_type {
	MIG_REC_HELLO	= 1,	/* struct mig_hello */
	MIG_REC_PAGES	= 2,	/* see below */
	MIG_REC_STATE	= 3,	/* a snapshot file without memory */
	MIG_REC_ACK	= 4,	/* empty */
	MIG_REC_NAK	= 5,	/* why, at most MIG_NAK_MAX bytes, no NUL */
};

/**
 * struct mig_record - before each payload.
 * @type:	enum mig_record_type.
 * @count:	MIG_REC_PAGES: the pages; else 0.
 * @length:	the payload's bytes, which follow.
 * @crc32:	of the payload.
 * @header_crc32: of the bytes of this header before it.
 */
struct mig_record {
	__u32 type;
	__u32 count;
	__u64 length;
	__u32 crc32;
	__u32 header_crc32;
};

/**
 * struct mig_hello - MIG_REC_HELLO, the first record.
 * @magic:	MIG_MAGIC, without its NUL.
 * @version:	MIG_VERSION of the sender.
 * @page_size:	SNAP_PAGE_SIZE.
 * @ram_size:	the guest's RAM from GPA 0, in bytes.
 * @nr_vcpus:	its vCPUs: with @ram_size, what the receiver makes its VM
 *		of before the pages come, so that its stop is short.
 * @reserved:	0.
 * @tvmmctl_version: TVMMCTL_VERSION of the sender, NUL-padded.
 */
struct mig_hello {
	char  magic[SNAP_MAGIC_LEN];
	__u32 version;
	__u32 page_size;
	__u64 ram_size;
	__u32 nr_vcpus;
	__u32 reserved;
	char  tvmmctl_version[SNAP_VERSION_LEN];
};

/*
 * MIG_REC_PAGES: @count __u64s, each a page's guest-physical address,
 * with MIG_PAGE_ZERO set for a page of zeros; then the other pages'
 * bytes, in the same order. At most MIG_PAGES_MAX pages a record.
 */
#define MIG_PAGE_ZERO		0x1ULL
#define MIG_PAGES_MAX		256
#define MIG_NAK_MAX		256
/* A MIG_REC_STATE larger than this is refused (it is some 100 KiB). */
#define MIG_STATE_MAX		(64U << 20)

static_assert(sizeof(struct mig_record) == 24, "mig_record size");
static_assert(sizeof(struct mig_hello) == 64, "mig_hello size");
static_assert(sizeof(struct snap_header) == 160, "snap_header size");
static_assert(sizeof(struct snap_section_header) == 32,
	      "snap_section_header size");
static_assert(sizeof(struct snap_machine) == 24, "snap_machine size");
static_assert(sizeof(struct snap_clock) == 16, "snap_clock size");
static_assert(sizeof(struct snap_memory) == 32, "snap_memory size");
static_assert(SNAP_NR_FEATURE_WORDS <= SNAP_HEADER_FEATURE_WORDS,
	      "feature words");

#endif /* TVMMCTL_SNAPSHOT_FORMAT_H */
