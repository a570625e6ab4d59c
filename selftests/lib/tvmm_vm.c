// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm_vm.c - the guest-test library (tvmm_vm.h): VMs and vCPUs over the
 * tvmm ioctls, guest memory and its layout, the test binary's image in the
 * guest, long-mode page tables, and the register state of each mode.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/elf.h>

#include "tvmm_util.h"
#include "tvmm_vm.h"

#define TEST_EXIT_FAIL		1	/* KSFT_FAIL: the harness fails the test */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

noreturn void test_assert_fail(const char *file, int line,
			       const char *cond, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "# ==== Test Assertion Failure ====\n");
	if (cond)
		fprintf(stderr, "#   %s:%d: %s\n", file, line, cond);
	else
		fprintf(stderr, "#   %s:%d\n", file, line);
	fprintf(stderr, "#   ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	exit(TEST_EXIT_FAIL);
}

static __u64 round_up_page(__u64 x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static __u64 round_down_page(__u64 x)
{
	return x & ~(PAGE_SIZE - 1);
}

/*
 * The descriptors in the library's GDT, and the hidden parts a CPU loads
 * from them: one definition for both, so that a guest that reloads a
 * segment register gets what it had.
 */
static const struct tvmm_segment seg_code64 = {
	.limit = 0xffffffff,	/* ignored in 64-bit mode; G = 1 needs 0xfff */
	.selector = TVMM_SEL_CODE64,
	.type = SEG_TYPE_CODE_XRA,
	.s = SEG_S_CODE_DATA,
	.dpl = DPL_KERNEL,
	.present = 1,
	.l = 1,
	.db = 0,		/* L = 1 requires D = 0 */
	.g = 1,
};

static const struct tvmm_segment seg_code32 = {
	.limit = 0xffffffff,
	.selector = TVMM_SEL_CODE32,
	.type = SEG_TYPE_CODE_XRA,
	.s = SEG_S_CODE_DATA,
	.dpl = DPL_KERNEL,
	.present = 1,
	.db = 1,
	.g = 1,
};

static const struct tvmm_segment seg_data = {
	.limit = 0xffffffff,
	.selector = TVMM_SEL_DATA,
	.type = SEG_TYPE_DATA_RWA,
	.s = SEG_S_CODE_DATA,
	.dpl = DPL_KERNEL,
	.present = 1,
	.db = 1,
	.g = 1,
};

/*
 * TR must be usable in every mode, and busy (SDM Vol. 3C, "Checks on Guest
 * Segment Registers"); the type is the same number for a 32-bit and a
 * 64-bit TSS.
 */
static const struct tvmm_segment seg_tss = {
	.base = TVMM_GPA_TSS,
	.limit = TSS_SIZE - 1,
	.selector = TVMM_SEL_TSS,
	.type = SYS_TYPE_TSS_BUSY,
	.s = SEG_S_SYSTEM,
	.dpl = DPL_KERNEL,
	.present = 1,
};

static const struct tvmm_segment seg_ldt_unusable = {
	.unusable = 1,
};

void *__addr_gpa2hva(struct tvmm_vm *vm, __u64 gpa, __u64 size)
{
	unsigned int i;

	if (!size)
		size = 1;
	for (i = 0; i < TVMM_MAX_MEMSLOTS; i++) {
		struct tvmm_mem_region *r = &vm->regions[i];
		__u64 off = gpa - r->gpa;

		if (r->hva && gpa >= r->gpa && off < r->size &&
		    size <= r->size - off)
			return (char *)r->hva + off;
	}
	return NULL;
}

void *addr_gpa2hva(struct tvmm_vm *vm, __u64 gpa)
{
	void *hva = __addr_gpa2hva(vm, gpa, 1);

	TEST_ASSERT(hva, "guest-physical address %#llx is in no slot",
		    (unsigned long long)gpa);
	return hva;
}

void vm_write_guest(struct tvmm_vm *vm, __u64 gpa, const void *src,
		    size_t len)
{
	void *hva = __addr_gpa2hva(vm, gpa, len);

	TEST_ASSERT(hva, "guest-physical [%#llx, +%#zx) is not in one slot",
		    (unsigned long long)gpa, len);
	memcpy(hva, src, len);
}

void vm_read_guest(struct tvmm_vm *vm, __u64 gpa, void *dst, size_t len)
{
	void *hva = __addr_gpa2hva(vm, gpa, len);

	TEST_ASSERT(hva, "guest-physical [%#llx, +%#zx) is not in one slot",
		    (unsigned long long)gpa, len);
	memcpy(dst, hva, len);
}

void vm_sync_to_guest(struct tvmm_vm *vm, const void *var, size_t len)
{
	vm_write_guest(vm, (unsigned long)var, var, len);
}

void vm_sync_from_guest(struct tvmm_vm *vm, void *var, size_t len)
{
	vm_read_guest(vm, (unsigned long)var, var, len);
}

int __vm_set_memory_region(struct tvmm_vm *vm, __u32 slot, __u32 flags,
			   __u64 gpa, __u64 size, void *hva)
{
	struct tvmm_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(unsigned long)hva,
	};

	return ioctl(vm->fd, TVMM_SET_MEMORY_REGION, &region) ? -errno : 0;
}

void *vm_add_memory(struct tvmm_vm *vm, __u32 slot, __u64 gpa, __u64 size,
		    __u32 flags)
{
	struct tvmm_mem_region *r;
	void *hva;
	int ret;

	TEST_ASSERT(slot < TVMM_MAX_MEMSLOTS && !vm->regions[slot].hva,
		    "slot %u is out of range or taken", slot);
	TEST_ASSERT(size && !(gpa % PAGE_SIZE) && !(size % PAGE_SIZE),
		    "slot %u: gpa %#llx size %#llx must be page-aligned", slot,
		    (unsigned long long)gpa, (unsigned long long)size);
	hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(hva != MAP_FAILED, "mmap(%#llx bytes) for slot %u: %s",
		    (unsigned long long)size, slot, strerror(errno));
	if (vm->fd >= 0) {
		ret = __vm_set_memory_region(vm, slot, flags, gpa, size, hva);
		TEST_ASSERT(!ret,
			    "TVMM_SET_MEMORY_REGION(slot %u, flags %#x, gpa %#llx, size %#llx): %s",
			    slot, flags, (unsigned long long)gpa,
			    (unsigned long long)size, strerror(-ret));
	}
	r = &vm->regions[slot];
	r->hva = hva;
	r->gpa = gpa;
	r->size = size;
	r->flags = flags;
	return hva;
}

void vm_remove_memory(struct tvmm_vm *vm, __u32 slot)
{
	struct tvmm_mem_region *r;
	int ret;

	TEST_ASSERT(slot < TVMM_MAX_MEMSLOTS && vm->regions[slot].hva,
		    "slot %u was not added", slot);
	r = &vm->regions[slot];
	if (vm->fd >= 0) {
		ret = __vm_set_memory_region(vm, slot, 0, r->gpa, 0, r->hva);
		TEST_ASSERT(!ret, "TVMM_SET_MEMORY_REGION(slot %u, size 0): %s",
			    slot, strerror(-ret));
	}
	munmap(r->hva, r->size);
	memset(r, 0, sizeof(*r));
}

/* Page tables: from the pool in low memory, a page at a time. */
static __u64 pt_alloc(struct tvmm_vm *vm)
{
	__u64 gpa;

	TEST_ASSERT(vm->pt_pages < TVMM_PT_POOL_PAGES,
		    "the page-table pool (%d pages) is full",
		    TVMM_PT_POOL_PAGES);
	gpa = TVMM_GPA_PT_POOL + vm->pt_pages++ * PAGE_SIZE;
	memset(addr_gpa2hva(vm, gpa), 0, PAGE_SIZE);
	return gpa;
}

static __u64 *pte_ptr(struct tvmm_vm *vm, __u64 table, __u64 gva, int level)
{
	return (__u64 *)addr_gpa2hva(vm, table) + PT_INDEX(gva, level);
}

static void virt_map_page(struct tvmm_vm *vm, __u64 gva, __u64 gpa)
{
	__u64 table = vm->pgd;
	__u64 *pte;
	int level;

	for (level = PT_LEVELS; level > 1; level--) {
		pte = pte_ptr(vm, table, gva, level);
		if (!(*pte & PTE_PRESENT))
			*pte = pt_alloc(vm) | PTE_PRESENT | PTE_WRITABLE;
		TEST_ASSERT(!(*pte & PTE_LARGE),
			    "gva %#llx is in a large page",
			    (unsigned long long)gva);
		table = *pte & PTE_ADDR_MASK;
	}
	pte = pte_ptr(vm, table, gva, 1);
	TEST_ASSERT(!(*pte & PTE_PRESENT), "gva %#llx is already mapped",
		    (unsigned long long)gva);
	*pte = gpa | PTE_PRESENT | PTE_WRITABLE;
}

void virt_map(struct tvmm_vm *vm, __u64 gva, __u64 gpa, __u64 size)
{
	__u64 off;

	TEST_ASSERT(vm->pgd, "this VM has no page tables");
	TEST_ASSERT(!(gva % PAGE_SIZE) && !(gpa % PAGE_SIZE) &&
		    !(size % PAGE_SIZE),
		    "%s(%#llx, %#llx, %#llx): not page-aligned", __func__,
		    (unsigned long long)gva, (unsigned long long)gpa,
		    (unsigned long long)size);
	TEST_ASSERT(size && is_canonical48(gva) &&
		    is_canonical48(gva + size - 1) &&
		    gpa + size - 1 <= (PTE_ADDR_MASK | (PAGE_SIZE - 1)),
		    "%s(%#llx, %#llx, %#llx): out of range", __func__,
		    (unsigned long long)gva, (unsigned long long)gpa,
		    (unsigned long long)size);
	for (off = 0; off < size; off += PAGE_SIZE)
		virt_map_page(vm, gva + off, gpa + off);
}

bool __addr_gva2gpa(struct tvmm_vm *vm, __u64 gva, __u64 *gpa)
{
	__u64 table = vm->pgd;
	int level;

	if (!table || !is_canonical48(gva))
		return false;
	for (level = PT_LEVELS; level >= 1; level--) {
		__u64 *pte = __addr_gpa2hva(vm, table, PAGE_SIZE);
		__u64 page_mask;

		if (!pte)
			return false;
		pte += PT_INDEX(gva, level);
		if (!(*pte & PTE_PRESENT))
			return false;
		/* A PS bit: a 1 GiB (PDPTE) or 2 MiB (PDE) page. */
		if (level == 1 || (level <= 3 && (*pte & PTE_LARGE))) {
			page_mask = (1ULL << PT_LEVEL_SHIFT(level)) - 1;
			*gpa = (*pte & PTE_ADDR_MASK & ~page_mask) |
			       (gva & page_mask);
			return true;
		}
		table = *pte & PTE_ADDR_MASK;
	}
	return false;
}

__u64 addr_gva2gpa(struct tvmm_vm *vm, __u64 gva)
{
	__u64 gpa;

	TEST_ASSERT(__addr_gva2gpa(vm, gva, &gpa), "gva %#llx is not mapped",
		    (unsigned long long)gva);
	return gpa;
}

/* Program header @i of the open ELF file @fd, if it is a PT_LOAD one. */
static bool elf_load_phdr(int fd, const struct elf64_hdr *eh, int i,
			  struct elf64_phdr *ph)
{
	off_t at = eh->e_phoff + (off_t)i * sizeof(*ph);

	TEST_ASSERT(pread(fd, ph, sizeof(*ph), at) == sizeof(*ph),
		    "reading program header %d of /proc/self/exe", i);
	return ph->p_type == PT_LOAD && ph->p_memsz;
}

/*
 * The test binary's PT_LOAD segments at guest-physical = virtual addresses,
 * in one slot, mapped 1:1. Read from the file: the guest gets the initial
 * data, as the program had it before main(); the rest (.bss) is zero.
 */
static void vm_load_image(struct tvmm_vm *vm)
{
	__u64 lo = ~0ULL, hi = 0;
	struct elf64_phdr ph;
	struct elf64_hdr eh;
	size_t done;
	ssize_t n;
	char *dst;
	int fd, i;

	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	TEST_ASSERT(fd >= 0, "open(/proc/self/exe): %s", strerror(errno));
	TEST_ASSERT(pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) &&
		    !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
		    eh.e_ident[EI_CLASS] == ELFCLASS64 &&
		    eh.e_machine == EM_X86_64 &&
		    eh.e_phentsize == sizeof(ph),
		    "/proc/self/exe is not an x86-64 ELF file");
	TEST_ASSERT(eh.e_type == ET_EXEC,
		    "the test binary must be static and non-PIE (ELF type %u)",
		    eh.e_type);

	for (i = 0; i < eh.e_phnum; i++) {
		if (!elf_load_phdr(fd, &eh, i, &ph))
			continue;
		if (ph.p_vaddr < lo)
			lo = ph.p_vaddr;
		if (ph.p_vaddr + ph.p_memsz > hi)
			hi = ph.p_vaddr + ph.p_memsz;
	}
	TEST_ASSERT(lo < hi, "the test binary has no PT_LOAD segment");
	lo = round_down_page(lo);
	hi = round_up_page(hi);
	TEST_ASSERT(lo >= TVMM_LOWMEM_SIZE && hi <= TVMM_GPA_TEST_SLOTS,
		    "the test binary's image [%#llx, %#llx) overlaps the guest layout",
		    (unsigned long long)lo, (unsigned long long)hi);
	vm_add_memory(vm, TVMM_SLOT_IMAGE, lo, hi - lo, 0);

	for (i = 0; i < eh.e_phnum; i++) {
		if (!elf_load_phdr(fd, &eh, i, &ph))
			continue;
		dst = addr_gpa2hva(vm, ph.p_vaddr);
		for (done = 0; done < ph.p_filesz; done += n) {
			n = pread(fd, dst + done, ph.p_filesz - done,
				  ph.p_offset + done);
			TEST_ASSERT(n > 0, "reading segment %d of /proc/self/exe",
				    i);
		}
	}
	close(fd);
	virt_map(vm, lo, lo, hi - lo);
}

static void vm_write_desc(struct tvmm_vm *vm, const struct tvmm_segment *seg)
{
	bool system = seg->s == SEG_S_SYSTEM;
	__u8 desc[16];
	int len;

	len = desc_encode(desc, seg, system);
	TEST_ASSERT(len, "segment %#x cannot be encoded", seg->selector);
	vm_write_guest(vm, TVMM_GPA_GDT + SELECTOR_INDEX(seg->selector) * 8,
		       desc, len);
}

/* Low memory with its GDT, TSS and page tables, then the image. */
static void vm_setup_guest_memory(struct tvmm_vm *vm)
{
	__u16 iomap_base = TSS_SIZE;	/* beyond the limit: no I/O bitmap */

	vm_add_memory(vm, TVMM_SLOT_LOWMEM, 0, TVMM_LOWMEM_SIZE, 0);
	vm_write_desc(vm, &seg_code64);
	vm_write_desc(vm, &seg_data);
	vm_write_desc(vm, &seg_code32);
	vm_write_desc(vm, &seg_tss);
	vm_write_guest(vm, TVMM_GPA_TSS + TSS_IOMAP_BASE_OFFSET, &iomap_base,
		       sizeof(iomap_base));

	/* Page 0 stays unmapped: a NULL dereference faults. */
	vm->pgd = pt_alloc(vm);
	virt_map(vm, PAGE_SIZE, PAGE_SIZE, TVMM_LOWMEM_SIZE - PAGE_SIZE);
	vm_load_image(vm);
}

struct tvmm_vm *vm_create_barebones(void)
{
	struct tvmm_vm *vm = calloc(1, sizeof(*vm));
	int ret;

	TEST_ASSERT(vm, "calloc");
	vm->dev_fd = __tvmm_open();
	TEST_ASSERT(vm->dev_fd >= 0, "open(%s): %s", TVMM_DEV,
		    strerror(-vm->dev_fd));
	vm->fd = ioctl(vm->dev_fd, TVMM_CREATE_VM, 0);
	TEST_ASSERT(vm->fd >= 0, "TVMM_CREATE_VM: %s", strerror(errno));
	ret = ioctl(vm->dev_fd, TVMM_GET_VCPU_MMAP_SIZE, 0);
	TEST_ASSERT(ret >= (int)sizeof(struct tvmm_run),
		    "TVMM_GET_VCPU_MMAP_SIZE: %d (%s)", ret,
		    ret < 0 ? strerror(errno) : "too small");
	vm->run_size = ret;
	return vm;
}

struct tvmm_vm *vm_create(void)
{
	struct tvmm_vm *vm = vm_create_barebones();

	vm_setup_guest_memory(vm);
	return vm;
}

struct tvmm_vm *vm_create_offline(void)
{
	struct tvmm_vm *vm = calloc(1, sizeof(*vm));

	TEST_ASSERT(vm, "calloc");
	vm->dev_fd = -1;
	vm->fd = -1;
	vm->run_size = PAGE_SIZE;
	vm_setup_guest_memory(vm);
	return vm;
}

struct tvmm_vm *vm_create_with_one_vcpu(struct tvmm_vcpu **vcpu,
					void (*guest_code)(void))
{
	struct tvmm_vm *vm = vm_create();

	*vcpu = vm_vcpu_add(vm, 0);
	vcpu_setup_long_mode(*vcpu, (__u64)(unsigned long)guest_code);
	return vm;
}

struct tvmm_vm *vm_create_with_asm_vcpu(struct tvmm_vcpu **vcpu,
					const void *start, const void *end,
					unsigned int bits)
{
	struct tvmm_vm *vm = vm_create();

	TEST_ASSERT(bits == 16 || bits == 32, "asm guests are 16 or 32-bit");
	*vcpu = vm_vcpu_add(vm, 0);
	vm_load_asm_guest(vm, start, end);
	if (bits == 16)
		vcpu_setup_real_mode(*vcpu, 0, TVMM_GPA_ASM_CODE);
	else
		vcpu_setup_protected_mode(*vcpu, TVMM_GPA_ASM_CODE);
	return vm;
}

void vcpu_close(struct tvmm_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	vcpu->run = NULL;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
}

void vm_free(struct tvmm_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 0; i < TVMM_MAX_VCPUS; i++) {
		struct tvmm_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		vcpu_close(vcpu);
		free(vcpu);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	/* The VM is gone: its slots no longer pin this memory. */
	for (i = 0; i < TVMM_MAX_MEMSLOTS; i++)
		if (vm->regions[i].hva)
			munmap(vm->regions[i].hva, vm->regions[i].size);
	free(vm);
}

/* Type 14 (64-bit interrupt gate), S = 0, DPL 0, P = 1. */
#define IDT_GATE_INTR64		0x8eULL

void vm_set_idt_gate(struct tvmm_vm *vm, unsigned int vector,
		     const void *handler)
{
	__u64 h = (unsigned long)handler;
	__u64 gate[2];

	TEST_ASSERT(vector < 256, "vector %u", vector);
	gate[0] = (h & 0xffff) | ((__u64)TVMM_SEL_CODE64 << 16) |
		  (IDT_GATE_INTR64 << 40) | (((h >> 16) & 0xffff) << 48);
	gate[1] = h >> 32;
	vm_write_guest(vm, TVMM_GPA_IDT + vector * sizeof(gate), gate,
		       sizeof(gate));
}

__u64 vm_load_asm_guest(struct tvmm_vm *vm, const void *start,
			const void *end)
{
	size_t len = (const char *)end - (const char *)start;

	TEST_ASSERT(end > start && len <= TVMM_ASM_CODE_MAX,
		    "asm guest code of %zd bytes (at most %d)",
		    (const char *)end - (const char *)start,
		    TVMM_ASM_CODE_MAX);
	vm_write_guest(vm, TVMM_GPA_ASM_CODE, start, len);
	return TVMM_GPA_ASM_CODE;
}

int __vm_create_vcpu(struct tvmm_vm *vm, __u32 id)
{
	int fd = ioctl(vm->fd, TVMM_CREATE_VCPU, (unsigned long)id);

	return fd < 0 ? -errno : fd;
}

struct tvmm_vcpu *vm_vcpu_add(struct tvmm_vm *vm, __u32 id)
{
	struct tvmm_vcpu *vcpu;
	void *run;

	TEST_ASSERT(id < TVMM_MAX_VCPUS && !vm->vcpus[id],
		    "vCPU id %u is out of range or taken", id);
	vcpu = calloc(1, sizeof(*vcpu));
	TEST_ASSERT(vcpu, "calloc");
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = __vm_create_vcpu(vm, id);
	TEST_ASSERT(vcpu->fd >= 0, "TVMM_CREATE_VCPU(%u): %s", id,
		    strerror(-vcpu->fd));
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	TEST_ASSERT(run != MAP_FAILED, "mmap of vCPU %u's run area: %s", id,
		    strerror(errno));
	vcpu->run = run;
	vcpu->run_size = vm->run_size;
	vm->vcpus[id] = vcpu;
	return vcpu;
}

int __vcpu_run(struct tvmm_vcpu *vcpu)
{
	return ioctl(vcpu->fd, TVMM_RUN, 0) ? -errno : 0;
}

void vcpu_run(struct tvmm_vcpu *vcpu)
{
	int ret = __vcpu_run(vcpu);

	TEST_ASSERT(!ret, "TVMM_RUN on vCPU %u: %s (exit reason %s)",
		    vcpu->id, strerror(-ret),
		    exit_reason_str(vcpu->run->exit_reason));
}

#define VCPU_IOCTL(vcpu, cmd, arg) (ioctl((vcpu)->fd, cmd, arg) ? -errno : 0)

int __vcpu_get_regs(struct tvmm_vcpu *vcpu, struct tvmm_regs *regs)
{
	return VCPU_IOCTL(vcpu, TVMM_GET_REGS, regs);
}

int __vcpu_set_regs(struct tvmm_vcpu *vcpu, const struct tvmm_regs *regs)
{
	return VCPU_IOCTL(vcpu, TVMM_SET_REGS, regs);
}

int __vcpu_get_sregs(struct tvmm_vcpu *vcpu, struct tvmm_sregs *sregs)
{
	return VCPU_IOCTL(vcpu, TVMM_GET_SREGS, sregs);
}

int __vcpu_set_sregs(struct tvmm_vcpu *vcpu, const struct tvmm_sregs *sregs)
{
	return VCPU_IOCTL(vcpu, TVMM_SET_SREGS, sregs);
}

void vcpu_get_regs(struct tvmm_vcpu *vcpu, struct tvmm_regs *regs)
{
	int ret = __vcpu_get_regs(vcpu, regs);

	TEST_ASSERT(!ret, "TVMM_GET_REGS: %s", strerror(-ret));
}

void vcpu_set_regs(struct tvmm_vcpu *vcpu, const struct tvmm_regs *regs)
{
	int ret = __vcpu_set_regs(vcpu, regs);

	TEST_ASSERT(!ret, "TVMM_SET_REGS: %s", strerror(-ret));
}

void vcpu_get_sregs(struct tvmm_vcpu *vcpu, struct tvmm_sregs *sregs)
{
	int ret = __vcpu_get_sregs(vcpu, sregs);

	TEST_ASSERT(!ret, "TVMM_GET_SREGS: %s", strerror(-ret));
}

void vcpu_set_sregs(struct tvmm_vcpu *vcpu, const struct tvmm_sregs *sregs)
{
	int ret = __vcpu_set_sregs(vcpu, sregs);

	TEST_ASSERT(!ret, "TVMM_SET_SREGS: %s", strerror(-ret));
}

static void sregs_common(struct tvmm_vm *vm, struct tvmm_sregs *sregs)
{
	TEST_ASSERT(vm->regions[TVMM_SLOT_LOWMEM].hva,
		    "the VM has no library memory (vm_create())");
	memset(sregs, 0, sizeof(*sregs));
	sregs->tr = seg_tss;
	sregs->ldt = seg_ldt_unusable;
	sregs->gdt.base = TVMM_GPA_GDT;
	sregs->gdt.limit = TVMM_GDT_LIMIT;
}

static void sregs_flat_data(struct tvmm_sregs *sregs)
{
	sregs->ds = seg_data;
	sregs->es = seg_data;
	sregs->fs = seg_data;
	sregs->gs = seg_data;
	sregs->ss = seg_data;
}

static struct tvmm_segment real_mode_seg(__u16 sel, __u8 type)
{
	struct tvmm_segment seg = {
		.base = REAL_MODE_SEG_BASE(sel),
		.limit = REAL_MODE_SEG_LIMIT,
		.selector = sel,
		.type = type,
		.s = SEG_S_CODE_DATA,
		.dpl = DPL_KERNEL,	/* real mode runs at CPL 0 */
		.present = 1,
	};

	return seg;
}

void vm_sregs_real_mode(struct tvmm_vm *vm, struct tvmm_sregs *sregs,
			__u16 cs)
{
	sregs_common(vm, sregs);
	sregs->cs = real_mode_seg(cs, SEG_TYPE_CODE_XRA);
	sregs->ds = real_mode_seg(0, SEG_TYPE_DATA_RWA);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	/* The interrupt vector table: 256 far pointers at 0. */
	sregs->idt.base = 0;
	sregs->idt.limit = 256 * 4 - 1;
	sregs->cr0 = X86_CR0_ET;
}

void vm_sregs_protected_mode(struct tvmm_vm *vm, struct tvmm_sregs *sregs)
{
	sregs_common(vm, sregs);
	sregs->cs = seg_code32;
	sregs_flat_data(sregs);
	sregs->idt.base = TVMM_GPA_IDT;
	sregs->idt.limit = 256 * 8 - 1;	/* 8-byte gates, all not present */
	sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE;
}

void vm_sregs_long_mode(struct tvmm_vm *vm, struct tvmm_sregs *sregs)
{
	sregs_common(vm, sregs);
	TEST_ASSERT(vm->pgd, "the VM has no page tables");
	sregs->cs = seg_code64;
	sregs_flat_data(sregs);
	sregs->idt.base = TVMM_GPA_IDT;
	sregs->idt.limit = 256 * 16 - 1; /* 16-byte gates, all not present */
	sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		     X86_CR0_WP | X86_CR0_PG;
	sregs->cr3 = vm->pgd;
	sregs->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs->efer = EFER_LME | EFER_LMA;
}

__u64 vcpu_stack_top(__u32 id)
{
	TEST_ASSERT(id < TVMM_MAX_VCPUS, "vCPU id %u", id);
	return TVMM_GPA_STACKS + (__u64)(id + 1) * TVMM_STACK_SIZE;
}

static void vcpu_set_entry(struct tvmm_vcpu *vcpu,
			   const struct tvmm_sregs *sregs, __u64 rip,
			   __u64 rsp)
{
	struct tvmm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = rsp;
	regs.rflags = X86_RFLAGS_FIXED;
	vcpu_set_sregs(vcpu, sregs);
	vcpu_set_regs(vcpu, &regs);
}

void vcpu_setup_real_mode(struct tvmm_vcpu *vcpu, __u16 cs, __u16 ip)
{
	struct tvmm_sregs sregs;

	vm_sregs_real_mode(vcpu->vm, &sregs, cs);
	vcpu_set_entry(vcpu, &sregs, ip, TVMM_GPA_REAL_STACK_TOP);
}

void vcpu_setup_protected_mode(struct tvmm_vcpu *vcpu, __u32 eip)
{
	struct tvmm_sregs sregs;

	vm_sregs_protected_mode(vcpu->vm, &sregs);
	vcpu_set_entry(vcpu, &sregs, eip, vcpu_stack_top(vcpu->id));
}

void vcpu_setup_long_mode(struct tvmm_vcpu *vcpu, __u64 rip)
{
	__u64 ret = (__u64)(unsigned long)__guest_code_returned;
	__u64 rsp = vcpu_stack_top(vcpu->id) - sizeof(ret);
	struct tvmm_sregs sregs;

	vm_sregs_long_mode(vcpu->vm, &sregs);
	/* As a call leaves it: a return address, RSP + 8 16-byte aligned. */
	vm_write_guest(vcpu->vm, rsp, &ret, sizeof(ret));
	vcpu_set_entry(vcpu, &sregs, rip, rsp);
}

void vcpu_args_set(struct tvmm_vcpu *vcpu, unsigned int n, ...)
{
	struct tvmm_regs regs;
	__u64 *slots[] = { &regs.rdi, &regs.rsi, &regs.rdx, &regs.rcx,
			   &regs.r8, &regs.r9 };
	unsigned int i;
	va_list ap;

	TEST_ASSERT(n <= ARRAY_SIZE(slots), "%u arguments (at most %zu)", n,
		    ARRAY_SIZE(slots));
	vcpu_get_regs(vcpu, &regs);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		*slots[i] = va_arg(ap, __u64);
	va_end(ap);
	vcpu_set_regs(vcpu, &regs);
}

/* A zeroed header of @hdr bytes followed by @n entries of @entry bytes. */
static void *alloc_list(size_t hdr, __u32 n, size_t entry)
{
	void *list = calloc(1, hdr + n * entry);

	TEST_ASSERT(list, "calloc");
	return list;
}

struct tvmm_cpuid *tvmm_cpuid_alloc(__u32 nent)
{
	struct tvmm_cpuid *cpuid;

	cpuid = alloc_list(sizeof(*cpuid), nent, sizeof(cpuid->entries[0]));
	cpuid->nent = nent;
	return cpuid;
}

int __vcpu_set_cpuid(struct tvmm_vcpu *vcpu, const struct tvmm_cpuid *cpuid)
{
	return VCPU_IOCTL(vcpu, TVMM_SET_CPUID, cpuid);
}

void vcpu_set_cpuid(struct tvmm_vcpu *vcpu, const struct tvmm_cpuid *cpuid)
{
	int ret = __vcpu_set_cpuid(vcpu, cpuid);

	TEST_ASSERT(!ret, "TVMM_SET_CPUID(%u entries): %s", cpuid->nent,
		    strerror(-ret));
}

struct tvmm_msrs *tvmm_msrs_alloc(__u32 nmsrs)
{
	struct tvmm_msrs *msrs;

	msrs = alloc_list(sizeof(*msrs), nmsrs, sizeof(msrs->entries[0]));
	msrs->nmsrs = nmsrs;
	return msrs;
}

int __vcpu_get_msrs(struct tvmm_vcpu *vcpu, struct tvmm_msrs *msrs)
{
	int ret = ioctl(vcpu->fd, TVMM_GET_MSRS, msrs);

	return ret < 0 ? -errno : ret;
}

int __vcpu_set_msrs(struct tvmm_vcpu *vcpu, const struct tvmm_msrs *msrs)
{
	int ret = ioctl(vcpu->fd, TVMM_SET_MSRS, msrs);

	return ret < 0 ? -errno : ret;
}

/* A struct tvmm_msrs with one entry, on the stack. */
struct one_msr {
	struct tvmm_msrs hdr;
	struct tvmm_msr_entry entry;
};

static_assert(__builtin_offsetof(struct one_msr, entry) ==
	      sizeof(struct tvmm_msrs), "one_msr: entry is entries[0]");

int __vcpu_get_msr(struct tvmm_vcpu *vcpu, __u32 index, __u64 *value)
{
	struct one_msr m = { .hdr.nmsrs = 1, .entry.index = index };
	int ret = __vcpu_get_msrs(vcpu, &m.hdr);

	if (ret == 1)
		*value = m.entry.data;
	return ret;
}

int __vcpu_set_msr(struct tvmm_vcpu *vcpu, __u32 index, __u64 value)
{
	struct one_msr m = {
		.hdr.nmsrs = 1,
		.entry.index = index,
		.entry.data = value,
	};

	return __vcpu_set_msrs(vcpu, &m.hdr);
}

__u64 vcpu_get_msr(struct tvmm_vcpu *vcpu, __u32 index)
{
	__u64 value = 0;
	int ret = __vcpu_get_msr(vcpu, index, &value);

	TEST_ASSERT(ret == 1, "TVMM_GET_MSRS(%#x): %d (%s)", index, ret,
		    ret < 0 ? strerror(-ret) : "not virtualized");
	return value;
}

void vcpu_set_msr(struct tvmm_vcpu *vcpu, __u32 index, __u64 value)
{
	int ret = __vcpu_set_msr(vcpu, index, value);

	TEST_ASSERT(ret == 1, "TVMM_SET_MSRS(%#x, %#llx): %d (%s)", index,
		    (unsigned long long)value, ret,
		    ret < 0 ? strerror(-ret) : "not virtualized or refused");
}

int __vcpu_interrupt(struct tvmm_vcpu *vcpu, __u32 vector, __u32 flags,
		     __u64 reserved)
{
	struct tvmm_interrupt irq = {
		.vector = vector, .flags = flags, .reserved = reserved,
	};

	return VCPU_IOCTL(vcpu, TVMM_INTERRUPT, &irq);
}

int __vcpu_set_exception_exits(struct tvmm_vcpu *vcpu, __u32 vectors)
{
	struct tvmm_exception_exits exits = { .vectors = vectors };

	return VCPU_IOCTL(vcpu, TVMM_SET_EXCEPTION_EXITS, &exits);
}

void vcpu_set_exception_exits(struct tvmm_vcpu *vcpu, __u32 vectors)
{
	int ret = __vcpu_set_exception_exits(vcpu, vectors);

	TEST_ASSERT(!ret, "TVMM_SET_EXCEPTION_EXITS(%#x): %s", vectors,
		    strerror(-ret));
}

#define TVMM_EXIT_NAME(exit, name)	\
	[exit] = name,

static const char * const exit_reason_names[] = {
#include "uapi/tvmm_names.h"
};

#undef TVMM_EXIT_NAME

int __vcpu_get_stats(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	stats->size = sizeof(*stats);
	return ioctl(vcpu->fd, TVMM_GET_VCPU_STATS, stats) ? -errno : 0;
}

void vcpu_get_stats(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_stats *stats)
{
	int ret = __vcpu_get_stats(vcpu, stats);

	TEST_ASSERT(!ret, "TVMM_GET_VCPU_STATS: %s", strerror(-ret));
}

__u64 vcpu_exit_count(struct tvmm_vcpu *vcpu, __u32 reason)
{
	struct tvmm_vcpu_stats stats;

	TEST_ASSERT(reason < TVMM_NR_VMX_EXIT_REASONS, "exit reason %u",
		    reason);
	vcpu_get_stats(vcpu, &stats);
	return stats.exits[reason];
}

const char *exit_reason_str(__u32 reason)
{
	static char buf[32];

	if (reason < ARRAY_SIZE(exit_reason_names) &&
	    exit_reason_names[reason])
		return exit_reason_names[reason];
	snprintf(buf, sizeof(buf), "exit %u", reason);
	return buf;
}

#define TVMM_GUEST_CHECK_NAME(check, name)	\
	[check] = name,

static const char * const guest_check_names[] = {
#include "uapi/tvmm_names.h"
};

#undef TVMM_GUEST_CHECK_NAME

static const char *guest_check_str(__u32 check)
{
	if (check < ARRAY_SIZE(guest_check_names) && guest_check_names[check])
		return guest_check_names[check];
	return "?";
}

/* snprintf() at @*pos in @buf, never past @len. */
static void bufprintf(char *buf, size_t len, size_t *pos, const char *fmt,
		      ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += n;
}

static void describe_bytes(char *buf, size_t len, size_t *pos,
			   const __u8 *bytes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bufprintf(buf, len, pos, "%s%02x", i ? " " : "", bytes[i]);
}

const char *vcpu_describe_exit(struct tvmm_vcpu *vcpu, char *buf,
			       size_t len)
{
	struct tvmm_run *run = vcpu->run;
	size_t pos = 0;

	bufprintf(buf, len, &pos, "%s", exit_reason_str(run->exit_reason));
	switch (run->exit_reason) {
	case TVMM_EXIT_IO: {
		__u64 bytes = (__u64)run->io.size * run->io.count;

		bufprintf(buf, len, &pos, " %s port %#x size %u count %u",
			  run->io.direction == TVMM_IO_OUT ? "OUT" : "IN",
			  run->io.port, run->io.size, run->io.count);
		if (run->io.direction == TVMM_IO_OUT &&
		    run->io.data_offset <= vcpu->run_size &&
		    bytes <= vcpu->run_size - run->io.data_offset) {
			bufprintf(buf, len, &pos, " data ");
			describe_bytes(buf, len, &pos,
				       (__u8 *)run + run->io.data_offset,
				       bytes < 16 ? bytes : 16);
		}
		break;
	}
	case TVMM_EXIT_MMIO:
		bufprintf(buf, len, &pos, " %s gpa %#llx len %u",
			  run->mmio.is_write ? "write" : "read",
			  (unsigned long long)run->mmio.phys_addr,
			  run->mmio.len);
		if (run->mmio.is_write) {
			bufprintf(buf, len, &pos, " data ");
			describe_bytes(buf, len, &pos, run->mmio.data,
				       run->mmio.len <= 8 ? run->mmio.len : 8);
		}
		break;
	case TVMM_EXIT_MSR:
		bufprintf(buf, len, &pos, " %s %#x", run->msr.is_write ?
			  "WRMSR" : "RDMSR", run->msr.index);
		if (run->msr.is_write)
			bufprintf(buf, len, &pos, " data %#llx",
				  (unsigned long long)run->msr.data);
		break;
	case TVMM_EXIT_HYPERCALL:
		bufprintf(buf, len, &pos, " nr %#llx args %#llx %#llx %#llx",
			  (unsigned long long)run->hypercall.nr,
			  (unsigned long long)run->hypercall.args[0],
			  (unsigned long long)run->hypercall.args[1],
			  (unsigned long long)run->hypercall.args[2]);
		break;
	case TVMM_EXIT_EXCEPTION:
		bufprintf(buf, len, &pos, " vector %u", run->exception.vector);
		if (run->exception.error_code_valid)
			bufprintf(buf, len, &pos, " error code %#x",
				  run->exception.error_code);
		bufprintf(buf, len, &pos, " rip %#llx cr2 %#llx",
			  (unsigned long long)run->exception.rip,
			  (unsigned long long)run->exception.cr2);
		break;
	case TVMM_EXIT_FAIL_ENTRY:
		bufprintf(buf, len, &pos,
			  " hardware reason %#llx VM-instruction error %u qualification %u guest-state check %s",
			  (unsigned long long)
			  run->fail_entry.hardware_entry_failure_reason,
			  run->fail_entry.vm_instruction_error,
			  run->fail_entry.qualification,
			  guest_check_str(run->fail_entry.guest_state_check));
		break;
	case TVMM_EXIT_INTERNAL_ERROR:
		bufprintf(buf, len, &pos,
			  " suberror %u exit reason %u qualification %#llx rip %#llx insn ",
			  run->internal.suberror, run->internal.exit_reason,
			  (unsigned long long)run->internal.qualification,
			  (unsigned long long)run->internal.guest_rip);
		describe_bytes(buf, len, &pos, run->internal.insn_bytes,
			       run->internal.insn_len <= 15 ?
			       run->internal.insn_len : 15);
		break;
	}
	return buf;
}

static void dump_seg(FILE *stream, const char *name,
		     const struct tvmm_segment *s)
{
	fprintf(stream,
		"#   %-3s sel %#06x base %#llx limit %#x type %#x s %u dpl %u p %u l %u db %u g %u%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->s, s->dpl, s->present, s->l, s->db, s->g,
		s->unusable ? " unusable" : "");
}

void vcpu_dump(FILE *stream, struct tvmm_vcpu *vcpu)
{
	struct tvmm_sregs s;
	struct tvmm_regs r;

	if (__vcpu_get_regs(vcpu, &r) || __vcpu_get_sregs(vcpu, &s)) {
		fprintf(stream, "#   vCPU %u: registers unreadable\n",
			vcpu->id);
		return;
	}
	fprintf(stream, "#   vCPU %u: rip %#llx rflags %#llx rsp %#llx\n",
		vcpu->id, (unsigned long long)r.rip,
		(unsigned long long)r.rflags, (unsigned long long)r.rsp);
	fprintf(stream,
		"#   rax %#llx rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx\n",
		(unsigned long long)r.rax, (unsigned long long)r.rbx,
		(unsigned long long)r.rcx, (unsigned long long)r.rdx,
		(unsigned long long)r.rsi, (unsigned long long)r.rdi);
	fprintf(stream,
		"#   cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx\n",
		(unsigned long long)s.cr0, (unsigned long long)s.cr2,
		(unsigned long long)s.cr3, (unsigned long long)s.cr4,
		(unsigned long long)s.efer);
	dump_seg(stream, "cs", &s.cs);
	dump_seg(stream, "ss", &s.ss);
	dump_seg(stream, "ds", &s.ds);
	dump_seg(stream, "tr", &s.tr);
}

noreturn void vcpu_fail_exit_at(struct tvmm_vcpu *vcpu, const char *expected,
				const char *file, int line)
{
	char got[512], *regs = NULL;
	size_t regs_len = 0;
	struct ucall uc;
	FILE *f;

	switch (get_ucall(vcpu, &uc)) {
	case UCALL_ASSERT:
		ucall_format_assert(vcpu->vm, &uc, got, sizeof(got));
		break;
	case UCALL_SYNC:
		snprintf(got, sizeof(got), "GUEST_SYNC(%llu, %#llx)",
			 (unsigned long long)uc.args[UCALL_SYNC_STAGE],
			 (unsigned long long)uc.args[UCALL_SYNC_VALUE]);
		break;
	case UCALL_DONE:
		snprintf(got, sizeof(got), "GUEST_DONE()");
		break;
	default:
		vcpu_describe_exit(vcpu, got, sizeof(got));
		f = open_memstream(&regs, &regs_len);
		if (f) {
			vcpu_dump(f, vcpu);
			fclose(f);
		}
	}
	test_assert_fail(file, line, NULL, "expected %s, got %s\n%s", expected,
			 got, regs ? regs : "");
}

void vcpu_assert_exit_at(struct tvmm_vcpu *vcpu, __u32 reason,
			 const char *file, int line)
{
	char expected[64];

	if (vcpu->run->exit_reason == reason)
		return;
	snprintf(expected, sizeof(expected), "exit %s",
		 exit_reason_str(reason));
	vcpu_fail_exit_at(vcpu, expected, file, line);
}

void vcpu_run_expect_exit_at(struct tvmm_vcpu *vcpu, __u32 reason,
			     const char *file, int line)
{
	char expected[64];
	struct ucall uc;

	vcpu_run(vcpu);
	if (vcpu->run->exit_reason == reason &&
	    get_ucall(vcpu, &uc) == UCALL_NONE)
		return;
	snprintf(expected, sizeof(expected), "exit %s",
		 exit_reason_str(reason));
	vcpu_fail_exit_at(vcpu, expected, file, line);
}

void vcpu_run_expect_exception_at(struct tvmm_vcpu *vcpu, __u32 vector,
				  __s64 error_code, __u64 rip, __u64 resume,
				  const char *file, int line)
{
	struct tvmm_run *run = vcpu->run;
	bool has_error = error_code >= 0;
	char expected[128];
	struct tvmm_regs regs;

	vcpu_run(vcpu);
	vcpu_get_regs(vcpu, &regs);
	if (run->exit_reason == TVMM_EXIT_EXCEPTION &&
	    run->exception.vector == vector &&
	    run->exception.error_code_valid == has_error &&
	    (!has_error || run->exception.error_code == error_code) &&
	    run->exception.rip == rip && regs.rip == rip) {
		regs.rip = resume;
		vcpu_set_regs(vcpu, &regs);
		return;
	}
	if (!has_error)
		snprintf(expected, sizeof(expected),
			 "exception %u at rip %#llx", vector,
			 (unsigned long long)rip);
	else
		snprintf(expected, sizeof(expected),
			 "exception %u error code %#llx at rip %#llx", vector,
			 (unsigned long long)error_code,
			 (unsigned long long)rip);
	vcpu_fail_exit_at(vcpu, expected, file, line);
}
