// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - reaching guest memory from the host: guest-physical addresses
 * through the VM's slots, guest-linear addresses through the guest's own
 * page tables, which x86/paging.c walks with the paging state the caller
 * took from the vCPU (vmx_guest_paging()).
 *
 * Used to emulate what the CPU hands to tvmm half done: the bytes of an
 * instruction that touched MMIO, and the memory operands of INS/OUTS.
 *
 * Context: process context, vm->mem_rwsem held for reading so that the
 * slots stay put. Callers may have preemption off (a VMCS loaded), which
 * kmap_local_page() allows; nothing here sleeps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/kernel.h>

#include "guest.h"

/* Copy @len bytes at guest-physical @gpa, within one page, to or from @buf. */
static int guest_phys_access(struct tvmm_vm *vm, u64 gpa, void *buf,
			     size_t len, bool write)
{
	struct tvmm_memslot *slot = tvmm_gpa_to_slot(vm, gpa);
	struct page *page;
	void *va;

	if (!slot || offset_in_page(gpa) + len > PAGE_SIZE)
		return -EFAULT;
	if (write && (slot->flags & TVMM_MEM_READONLY))
		return -EFAULT;
	page = slot->pages[(gpa - slot->gpa) >> PAGE_SHIFT];
	va = kmap_local_page(page);
	if (write) {
		memcpy(va + offset_in_page(gpa), buf, len);
		tvmm_mark_page_dirty(slot, gpa);
	} else {
		memcpy(buf, va + offset_in_page(gpa), len);
	}
	kunmap_local(va);
	return 0;
}

int guest_read_phys(struct tvmm_vm *vm, u64 gpa, void *buf, size_t len)
{
	return guest_phys_access(vm, gpa, buf, len, false);
}

int guest_write_phys(struct tvmm_vm *vm, u64 gpa, const void *buf,
		     size_t len)
{
	return guest_phys_access(vm, gpa, (void *)buf, len, true);
}

/* The walk's callback: @ctx is the VM. */
static int guest_read_pte(void *ctx, u64 gpa, void *buf, size_t len)
{
	return guest_read_phys(ctx, gpa, buf, len);
}

int guest_linear_to_phys(struct tvmm_vm *vm,
			 const struct guest_paging *paging, u64 la,
			 u32 access, u64 *gpa, u32 *pf_error)
{
	return guest_paging_walk(paging, la, access, guest_read_pte, vm, gpa,
				 pf_error);
}

/* Copy page by page: each page of a linear range is translated alone. */
static int guest_linear_access(struct tvmm_vm *vm,
			       const struct guest_paging *paging, u64 la,
			       void *buf, size_t len, u32 access,
			       u32 *pf_error)
{
	bool write = access & GUEST_ACCESS_WRITE;
	u8 *p = buf;

	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(la));
		u64 gpa;
		int err;

		err = guest_linear_to_phys(vm, paging, la, access, &gpa,
					   pf_error);
		if (err)
			return err;
		if (guest_phys_access(vm, gpa, p, n, write))
			return -EFAULT;
		la += n;
		p += n;
		len -= n;
	}
	return 0;
}

int guest_read_linear(struct tvmm_vm *vm, const struct guest_paging *paging,
		      u64 la, void *buf, size_t len, u32 access,
		      u32 *pf_error)
{
	return guest_linear_access(vm, paging, la, buf, len,
				   access & ~GUEST_ACCESS_WRITE, pf_error);
}

int guest_write_linear(struct tvmm_vm *vm, const struct guest_paging *paging,
		       u64 la, const void *buf, size_t len, u32 *pf_error)
{
	return guest_linear_access(vm, paging, la, (void *)buf, len,
				   GUEST_ACCESS_WRITE, pf_error);
}
