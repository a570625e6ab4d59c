// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - reaching guest memory from the host: guest-physical addresses
 * through the VM's slots, guest-linear addresses through the guest's own
 * page tables (SDM Vol. 3A, chapter 4 "Paging").
 *
 * Used to emulate what the CPU hands to tvmm half done: the bytes of an
 * instruction that touched MMIO, and the memory operands of INS/OUTS.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/kernel.h>
#include <asm/processor-flags.h>

#include "guest.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_sdm.h"

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
	if (write)
		memcpy(va + offset_in_page(gpa), buf, len);
	else
		memcpy(buf, va + offset_in_page(gpa), len);
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

/* Paging-structure entry bits (Vol. 3A, 4.3 to 4.5, Tables 4-4 to 4-20) */
#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_XD		BIT_ULL(63)
#define PTE_ADDR	GENMASK_ULL(51, 12)

/* #PF error code (Vol. 3A, 6.15, "Interrupt 14") */
#define PFERR_PRESENT	BIT(0)
#define PFERR_WRITE	BIT(1)
#define PFERR_USER	BIT(2)
#define PFERR_FETCH	BIT(4)

int guest_linear_to_phys(struct tvmm_vcpu *vcpu, u64 la, u32 access,
			 u64 *gpa, u32 *pf_error)
{
	unsigned long cr0 = vmcs_readl(CR0_READ_SHADOW);
	unsigned long cr4 = vmcs_readl(CR4_READ_SHADOW);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u64 table = vmcs_readl(GUEST_CR3);
	bool user = ((vmcs_read32(GUEST_SS_AR_BYTES) & VMX_AR_DPL_MASK) >>
		     VMX_AR_DPL_SHIFT) == 3;
	bool write = access & GUEST_ACCESS_WRITE;
	bool fetch = access & GUEST_ACCESS_FETCH;
	int level, levels, entry_size;
	u64 entry = 0;
	u32 err = (write ? PFERR_WRITE : 0) | (user ? PFERR_USER : 0) |
		  (fetch && (efer & EFER_NX) ? PFERR_FETCH : 0);

	if (!(cr0 & X86_CR0_PG)) {
		*gpa = (u32)la;
		return 0;
	}
	if (efer & EFER_LMA) {
		levels = 4;
		entry_size = 8;
		table &= PTE_ADDR;
	} else if (cr4 & X86_CR4_PAE) {
		/* The four PDPTEs: 32-byte aligned table at CR3[31:5]. */
		levels = 3;
		entry_size = 8;
		table &= GENMASK_ULL(31, 5);
	} else {
		levels = 2;
		entry_size = 4;
		table &= GENMASK_ULL(31, 12);
		la = (u32)la;
	}

	for (level = levels; level >= 1; level--) {
		int shift = entry_size == 4 ? 12 + 10 * (level - 1) :
					      12 + 9 * (level - 1);
		u64 index = (la >> shift) &
			    (entry_size == 4 ? 1023 : (level == 3 &&
			     levels == 3 ? 3 : 511));
		u64 page_mask;

		entry = 0;
		if (guest_read_phys(vcpu->vm, table + index * entry_size,
				    &entry, entry_size))
			return -EFAULT;
		if (!(entry & PTE_P))
			goto fault;
		if (levels == 3 && level == 3) {
			/* PAE PDPTEs carry no access rights. */
			table = entry & PTE_ADDR;
			continue;
		}
		if ((write && !(entry & PTE_RW) &&
		     (user || (cr0 & X86_CR0_WP))) ||
		    (user && !(entry & PTE_US)) ||
		    (fetch && (efer & EFER_NX) && (entry & PTE_XD)))
			goto protection;
		/* A large page: PS in a PDE (2 or 4 MiB) or PDPTE (1 GiB). */
		if (level > 1 && (entry & PTE_PS) &&
		    (level == 2 || (level == 3 && levels == 4)) &&
		    (entry_size == 8 || (cr4 & X86_CR4_PSE))) {
			page_mask = (1ULL << shift) - 1;
			*gpa = ((entry & (entry_size == 4 ? GENMASK_ULL(31, 22) :
					 PTE_ADDR)) & ~page_mask) |
			       (la & page_mask);
			return 0;
		}
		table = entry & (entry_size == 4 ? GENMASK_ULL(31, 12) :
						   PTE_ADDR);
	}
	*gpa = table | (la & (PAGE_SIZE - 1));
	return 0;

protection:
	err |= PFERR_PRESENT;
fault:
	*pf_error = err;
	return -ENOENT;
}

/* Copy page by page: each page of a linear range is translated alone. */
static int guest_linear_access(struct tvmm_vcpu *vcpu, u64 la, void *buf,
			       size_t len, u32 access, u32 *pf_error)
{
	bool write = access & GUEST_ACCESS_WRITE;
	u8 *p = buf;

	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(la));
		u64 gpa;
		int err;

		err = guest_linear_to_phys(vcpu, la, access, &gpa, pf_error);
		if (err)
			return err;
		if (guest_phys_access(vcpu->vm, gpa, p, n, write))
			return -EFAULT;
		la += n;
		p += n;
		len -= n;
	}
	return 0;
}

int guest_read_linear(struct tvmm_vcpu *vcpu, u64 la, void *buf, size_t len,
		      u32 access, u32 *pf_error)
{
	return guest_linear_access(vcpu, la, buf, len,
				   access & ~GUEST_ACCESS_WRITE, pf_error);
}

int guest_write_linear(struct tvmm_vcpu *vcpu, u64 la, const void *buf,
		       size_t len, u32 *pf_error)
{
	return guest_linear_access(vcpu, la, (void *)buf, len,
				   GUEST_ACCESS_WRITE, pf_error);
}
