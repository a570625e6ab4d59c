// SPDX-License-Identifier: GPL-2.0
/*
 * ELF32 and ELF64 executables for x86: each PT_LOAD segment is copied to
 * its p_paddr and the rest of its p_memsz zeroed; ELF32 starts in 32-bit
 * protected mode, ELF64 in long mode, at e_entry. Every header field used
 * is checked against the file and guest RAM first (elf_check()): nothing
 * is copied (elf_copy()) before the whole image is known to be sound. The
 * multiboot loader uses the two halves for multiboot ELF kernels.
 */
#include <errno.h>
#include <string.h>
#include <linux/elf.h>

#include "loader/loader.h"

bool image_is_elf(const void *img, size_t len)
{
	return len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG);
}

static void read_phdr(const __u8 *img, bool is64, __u64 off,
		      struct elf_seg *seg, __u32 *type)
{
	if (is64) {
		struct elf64_phdr p;

		memcpy(&p, img + off, sizeof(p));
		*type = p.p_type;
		seg->offset = p.p_offset;
		seg->paddr = p.p_paddr;
		seg->filesz = p.p_filesz;
		seg->memsz = p.p_memsz;
	} else {
		struct elf32_phdr p;

		memcpy(&p, img + off, sizeof(p));
		*type = p.p_type;
		seg->offset = p.p_offset;
		seg->paddr = p.p_paddr;
		seg->filesz = p.p_filesz;
		seg->memsz = p.p_memsz;
	}
}

static int elf_fail(const char **why, const char *msg)
{
	*why = msg;
	return -ENOEXEC;
}

int elf_check(const struct guest_ram *ram, const void *img, size_t len,
	      struct elf_image *elf, const char **why)
{
	struct elf_seg *segs = elf->segs;
	const __u8 *b = img;
	__u64 phoff, entry;
	unsigned int phnum, phentsize, nseg = 0, i, j;
	bool is64, entry_ok = false;
	__u16 type, machine;
	__u32 version;

	if (!image_is_elf(img, len))
		return elf_fail(why, "not an ELF file");
	if (len < EI_NIDENT)
		return elf_fail(why, "truncated ELF header");
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return elf_fail(why, "corrupt ELF header: bad class");
	is64 = b[EI_CLASS] == ELFCLASS64;
	if (b[EI_DATA] != ELFDATA2LSB)
		return elf_fail(why, "corrupt ELF header: not little-endian");
	if (b[EI_VERSION] != EV_CURRENT)
		return elf_fail(why, "corrupt ELF header: bad version");
	if (len < (is64 ? sizeof(struct elf64_hdr) : sizeof(struct elf32_hdr)))
		return elf_fail(why, "truncated ELF header");

	if (is64) {
		struct elf64_hdr e;

		memcpy(&e, img, sizeof(e));
		type = e.e_type;
		machine = e.e_machine;
		version = e.e_version;
		entry = e.e_entry;
		phoff = e.e_phoff;
		phnum = e.e_phnum;
		phentsize = e.e_phentsize;
	} else {
		struct elf32_hdr e;

		memcpy(&e, img, sizeof(e));
		type = e.e_type;
		machine = e.e_machine;
		version = e.e_version;
		entry = e.e_entry;
		phoff = e.e_phoff;
		phnum = e.e_phnum;
		phentsize = e.e_phentsize;
	}
	if (type != ET_EXEC)
		return elf_fail(why, "ELF file is not an executable (ET_EXEC)");
	if (machine != (is64 ? EM_X86_64 : EM_386))
		return elf_fail(why, "ELF file is not for x86 (e_machine)");
	if (version != EV_CURRENT)
		return elf_fail(why, "corrupt ELF header: bad e_version");
	if (phentsize != (is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr)))
		return elf_fail(why, "corrupt ELF header: bad e_phentsize");
	if (!phnum || phnum > ELF_MAX_PHNUM)
		return elf_fail(why, "corrupt ELF header: bad e_phnum");
	if (phoff > len || (__u64)phnum * phentsize > len - phoff)
		return elf_fail(why, "truncated ELF file: program headers past the end");

	for (i = 0; i < phnum; i++) {
		struct elf_seg *s = &segs[nseg];
		__u32 ptype;

		read_phdr(b, is64, phoff + (__u64)i * phentsize, s, &ptype);
		if (ptype != PT_LOAD || !s->memsz)
			continue;
		if (s->filesz > s->memsz)
			return elf_fail(why, "corrupt program header: p_filesz > p_memsz");
		if (s->offset > len || s->filesz > len - s->offset)
			return elf_fail(why, "truncated ELF file: segment past the end");
		if (s->memsz > ram->size || s->paddr > ram->size - s->memsz) {
			*why = "segment outside guest RAM (see --mem)";
			return -EFBIG;
		}
		if (s->paddr < BOOT_AREA_END) {
			*why = "segment overlaps tvmmctl's boot area below 0x7c00";
			return -EINVAL;
		}
		for (j = 0; j < nseg; j++)
			if (s->paddr < segs[j].paddr + segs[j].memsz &&
			    segs[j].paddr < s->paddr + s->memsz) {
				*why = "overlapping segments";
				return -EINVAL;
			}
		if (entry >= s->paddr && entry - s->paddr < s->memsz)
			entry_ok = true;
		nseg++;
	}
	if (!nseg)
		return elf_fail(why, "no loadable segment");
	if (!entry_ok)
		return elf_fail(why, "entry point outside the loaded segments");

	elf->is64 = is64;
	elf->entry = entry;
	elf->nseg = nseg;
	elf->low = segs[0].paddr;
	elf->high = segs[0].paddr + segs[0].memsz;
	for (i = 1; i < nseg; i++) {
		if (segs[i].paddr < elf->low)
			elf->low = segs[i].paddr;
		if (segs[i].paddr + segs[i].memsz > elf->high)
			elf->high = segs[i].paddr + segs[i].memsz;
	}
	return 0;
}

void elf_copy(struct guest_ram *ram, const void *img,
	      const struct elf_image *elf)
{
	const struct elf_seg *s;
	unsigned int i;

	for (i = 0; i < elf->nseg; i++) {
		s = &elf->segs[i];
		memcpy(ram->hva + s->paddr, (const __u8 *)img + s->offset,
		       s->filesz);
		memset(ram->hva + s->paddr + s->filesz, 0,
		       s->memsz - s->filesz);
	}
}

int load_elf(struct guest_ram *ram, const void *img, size_t len,
	     struct boot_info *boot, const char **why)
{
	struct elf_image elf;
	int ret;

	ret = elf_check(ram, img, len, &elf, why);
	if (ret)
		return ret;
	elf_copy(ram, img, &elf);
	boot->mode = elf.is64 ? BOOT_LONG : BOOT_PROTECTED;
	boot->entry = elf.entry;
	return 0;
}
