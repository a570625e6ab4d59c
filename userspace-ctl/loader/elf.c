// SPDX-License-Identifier: GPL-2.0
/*
 * ELF32 and ELF64 executables for x86: each PT_LOAD segment is copied to
 * its p_paddr and the rest of its p_memsz zeroed; ELF32 starts in 32-bit
 * protected mode, ELF64 in long mode, at e_entry. Every header field used
 * is checked against the file and guest RAM first (elf_check()): nothing
 * is copied (elf_copy()) before the whole image is known to be sound, and
 * tvmmctl's boot area moves out of the segments' way. The multiboot and
 * PVH loaders use the two halves, and elf_find_note() finds PVH's entry.
 */
#include <errno.h>
#include <string.h>
#include <linux/elf.h>

#include "loader/loader.h"

bool image_is_elf(const void *img, size_t len)
{
	return len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG);
}

/*
 * The headers in one form, ELF64's, whatever the class: an ELF32 header
 * is widened field by field, so the checks below are written once.
 */
static void read_ehdr(const __u8 *img, bool is64, struct elf64_hdr *e)
{
	struct elf32_hdr e32;

	if (is64) {
		memcpy(e, img, sizeof(*e));
		return;
	}
	memcpy(&e32, img, sizeof(e32));
	memcpy(e->e_ident, e32.e_ident, EI_NIDENT);
	e->e_type = e32.e_type;
	e->e_machine = e32.e_machine;
	e->e_version = e32.e_version;
	e->e_entry = e32.e_entry;
	e->e_phoff = e32.e_phoff;
	e->e_shoff = e32.e_shoff;
	e->e_flags = e32.e_flags;
	e->e_ehsize = e32.e_ehsize;
	e->e_phentsize = e32.e_phentsize;
	e->e_phnum = e32.e_phnum;
	e->e_shentsize = e32.e_shentsize;
	e->e_shnum = e32.e_shnum;
	e->e_shstrndx = e32.e_shstrndx;
}

static void read_phdr(const __u8 *img, bool is64, struct elf64_phdr *p)
{
	struct elf32_phdr p32;

	if (is64) {
		memcpy(p, img, sizeof(*p));
		return;
	}
	memcpy(&p32, img, sizeof(p32));
	p->p_type = p32.p_type;
	p->p_flags = p32.p_flags;
	p->p_offset = p32.p_offset;
	p->p_vaddr = p32.p_vaddr;
	p->p_paddr = p32.p_paddr;
	p->p_filesz = p32.p_filesz;
	p->p_memsz = p32.p_memsz;
	p->p_align = p32.p_align;
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
	unsigned int nseg = 0, i, j;
	bool is64, entry_ok = false;
	struct elf64_phdr p;
	struct elf64_hdr e;

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

	read_ehdr(b, is64, &e);
	if (e.e_type != ET_EXEC)
		return elf_fail(why, "ELF file is not an executable (ET_EXEC)");
	if (e.e_machine != (is64 ? EM_X86_64 : EM_386))
		return elf_fail(why, "ELF file is not for x86 (e_machine)");
	if (e.e_version != EV_CURRENT)
		return elf_fail(why, "corrupt ELF header: bad e_version");
	if (e.e_phentsize != (is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr)))
		return elf_fail(why, "corrupt ELF header: bad e_phentsize");
	if (!e.e_phnum || e.e_phnum > ELF_MAX_PHNUM)
		return elf_fail(why, "corrupt ELF header: bad e_phnum");
	if (e.e_phoff > len ||
	    (__u64)e.e_phnum * e.e_phentsize > len - e.e_phoff)
		return elf_fail(why, "truncated ELF file: program headers past the end");

	for (i = 0; i < e.e_phnum; i++) {
		struct elf_seg *s = &segs[nseg];

		read_phdr(b + e.e_phoff + (__u64)i * e.e_phentsize, is64, &p);
		if (p.p_type != PT_LOAD || !p.p_memsz)
			continue;
		s->offset = p.p_offset;
		s->paddr = p.p_paddr;
		s->filesz = p.p_filesz;
		s->memsz = p.p_memsz;
		if (s->filesz > s->memsz)
			return elf_fail(why, "corrupt program header: p_filesz > p_memsz");
		if (s->offset > len || s->filesz > len - s->offset)
			return elf_fail(why, "truncated ELF file: segment past the end");
		if (s->memsz > ram->size || s->paddr > ram->size - s->memsz) {
			*why = "segment outside guest RAM (see --mem)";
			return -EFBIG;
		}
		for (j = 0; j < nseg; j++)
			if (s->paddr < segs[j].paddr + segs[j].memsz &&
			    segs[j].paddr < s->paddr + s->memsz) {
				*why = "overlapping segments";
				return -EINVAL;
			}
		if (e.e_entry >= s->paddr && e.e_entry - s->paddr < s->memsz)
			entry_ok = true;
		nseg++;
	}
	if (!nseg)
		return elf_fail(why, "no loadable segment");
	if (!entry_ok)
		return elf_fail(why, "entry point outside the loaded segments");

	elf->is64 = is64;
	elf->entry = e.e_entry;
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

/* The PT_LOAD segments as ranges, for boot_area_place(). */
static void elf_ranges(const struct elf_image *elf, struct gpa_range *r)
{
	unsigned int i;

	for (i = 0; i < elf->nseg; i++) {
		r[i].start = elf->segs[i].paddr;
		r[i].end = elf->segs[i].paddr + elf->segs[i].memsz;
	}
}

int load_elf(struct guest_ram *ram, const void *img, size_t len,
	     struct boot_info *boot, const char **why)
{
	struct gpa_range busy[ELF_MAX_PHNUM];
	struct elf_image elf;
	int ret;

	memset(boot, 0, sizeof(*boot));
	ret = elf_check(ram, img, len, &elf, why);
	if (ret)
		return ret;
	elf_ranges(&elf, busy);
	ret = boot_area_place(ram, busy, elf.nseg, &boot->area, why);
	if (ret)
		return ret;
	elf_copy(ram, img, &elf);
	boot->mode = elf.is64 ? BOOT_LONG : BOOT_PROTECTED;
	boot->entry = elf.entry;
	return 0;
}

int load_elf_image(struct guest_ram *ram, const void *img, size_t len,
		   const struct load_args *args, struct boot_info *boot,
		   const char **why)
{
	return load_elf(ram, img, len, boot, why);
}

/* The program headers of @img, if they can be read: their number. */
static unsigned int elf_phdrs(const __u8 *b, size_t len, bool *is64,
			      struct elf64_hdr *e)
{
	if (!image_is_elf(b, len) || len < EI_NIDENT ||
	    (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64) ||
	    b[EI_DATA] != ELFDATA2LSB)
		return 0;
	*is64 = b[EI_CLASS] == ELFCLASS64;
	if (len < (*is64 ? sizeof(struct elf64_hdr) : sizeof(struct elf32_hdr)))
		return 0;
	read_ehdr(b, *is64, e);
	if (e->e_phentsize != (*is64 ? sizeof(struct elf64_phdr) :
				       sizeof(struct elf32_phdr)) ||
	    e->e_phnum > ELF_MAX_PHNUM || e->e_phoff > len ||
	    (__u64)e->e_phnum * e->e_phentsize > len - e->e_phoff)
		return 0;
	return e->e_phnum;
}

#define ELF_NOTE_ALIGN(x)	(((__u64)(x) + 3) & ~3ULL)

/* In the notes [off, end) of @b: as elf_find_note(). */
static int find_note(const __u8 *b, __u64 off, __u64 end, const char *name,
		     __u32 type, const __u8 **desc, __u32 *descsz)
{
	size_t name_len = strlen(name) + 1;
	struct elf32_note n;	/* the same 12 bytes in ELF64 */
	__u64 name_off, desc_off;

	while (end - off >= sizeof(n)) {
		memcpy(&n, b + off, sizeof(n));
		name_off = off + sizeof(n);
		desc_off = name_off + ELF_NOTE_ALIGN(n.n_namesz);
		if (desc_off > end || ELF_NOTE_ALIGN(n.n_descsz) > end - desc_off)
			return -ENOENT;
		if (n.n_type == type && n.n_namesz == name_len &&
		    !memcmp(b + name_off, name, name_len)) {
			*desc = b + desc_off;
			*descsz = n.n_descsz;
			return 0;
		}
		off = desc_off + ELF_NOTE_ALIGN(n.n_descsz);
	}
	return -ENOENT;
}

int elf_find_note(const void *img, size_t len, const char *name, __u32 type,
		  const __u8 **desc, __u32 *descsz)
{
	const __u8 *b = img;
	unsigned int i, n;
	struct elf64_phdr p;
	struct elf64_hdr e;
	bool is64;

	n = elf_phdrs(b, len, &is64, &e);
	for (i = 0; i < n; i++) {
		read_phdr(b + e.e_phoff + (__u64)i * e.e_phentsize, is64, &p);
		if (p.p_type != PT_NOTE || p.p_offset > len ||
		    p.p_filesz > len - p.p_offset)
			continue;
		if (!find_note(b, p.p_offset, p.p_offset + p.p_filesz, name,
			       type, desc, descsz))
			return 0;
	}
	return -ENOENT;
}
