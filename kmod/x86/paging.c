// SPDX-License-Identifier: GPL-2.0
/*
 * paging.c - the guest page walk: a guest-linear address to the
 * guest-physical one, with the guest's paging mode and access rights
 * (SDM Vol. 3A, chapter 4 "Paging": 4.3 "32-Bit Paging", 4.4 "PAE
 * Paging", 4.5 "4-Level Paging and 5-Level Paging", 4.6 "Access Rights",
 * 4.7 "Page-Fault Exceptions").
 *
 * Pure: the guest's registers come in a struct guest_paging and the
 * paging-structure entries through the caller's read callback, so this
 * file runs in any context its callback allows. tvmm calls it from the
 * exit handlers, with the vCPU's VMCS loaded and vm->mem_rwsem held for
 * reading (guest.c's callback needs the slots). What the walk does and
 * does not do is listed in paging.h.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

#include "paging.h"

/* Control-register bits (Vol. 3A, 2.5 "Control Registers", 2.2.1) */
#define CR0_WP		0x00010000ULL	/* bit 16 */
#define CR0_PG		0x80000000ULL	/* bit 31 */
#define CR4_PSE		0x00000010ULL	/* bit 4 */
#define CR4_PAE		0x00000020ULL	/* bit 5 */
#define IA32_EFER_LMA	0x00000400ULL	/* bit 10 */
#define IA32_EFER_NXE	0x00000800ULL	/* bit 11 */

/* Paging-structure entry bits (Vol. 3A, 4.3 to 4.5, Tables 4-4 to 4-20) */
#define PTE_P		0x0000000000000001ULL	/* bit 0 */
#define PTE_RW		0x0000000000000002ULL	/* bit 1 */
#define PTE_US		0x0000000000000004ULL	/* bit 2 */
#define PTE_PS		0x0000000000000080ULL	/* bit 7 */
#define PTE_XD		0x8000000000000000ULL	/* bit 63 */
/* The next table or the page: bits 51:12 (PAE, 4-level), 31:12 (32-bit) */
#define PTE_ADDR	0x000ffffffffff000ULL
#define PTE32_ADDR	0x00000000fffff000ULL
/* CR3 with PAE paging: the PDPT is 32-byte aligned, at bits 31:5. */
#define CR3_PAE_ADDR	0x00000000ffffffe0ULL

/* #PF error code (Vol. 3A, 6.15 "Interrupt 14", 4.7) */
#define PFERR_PRESENT	0x01
#define PFERR_WRITE	0x02
#define PFERR_USER	0x04
#define PFERR_FETCH	0x10

int guest_paging_walk(const struct guest_paging *paging, u64 la, u32 access,
		      guest_read_phys_fn read_phys, void *ctx, u64 *gpa,
		      u32 *pf_error)
{
	bool write = access & GUEST_ACCESS_WRITE;
	bool fetch = access & GUEST_ACCESS_FETCH;
	bool user = paging->cpl == 3;
	bool wp = paging->cr0 & CR0_WP;
	bool nxe = paging->efer & IA32_EFER_NXE;
	u64 table = paging->cr3, addr_mask;
	int level, levels, entry_size;
	u32 err = (write ? PFERR_WRITE : 0) | (user ? PFERR_USER : 0) |
		  (fetch && nxe ? PFERR_FETCH : 0);

	if (!(paging->cr0 & CR0_PG)) {
		*gpa = (u32)la;
		return 0;
	}
	if (paging->efer & IA32_EFER_LMA) {
		levels = 4;
		entry_size = 8;
		addr_mask = PTE_ADDR;
		table &= PTE_ADDR;
	} else if (paging->cr4 & CR4_PAE) {
		/* The four PDPTEs are read from guest memory at CR3. */
		levels = 3;
		entry_size = 8;
		addr_mask = PTE_ADDR;
		table &= CR3_PAE_ADDR;
	} else {
		levels = 2;
		entry_size = 4;
		addr_mask = PTE32_ADDR;
		table &= PTE32_ADDR;
		la = (u32)la;
	}

	for (level = levels; level >= 1; level--) {
		/* 1024 entries of 4 bytes, or 512 of 8, in each table. */
		int index_bits = entry_size == 4 ? 10 : 9;
		int shift = 12 + index_bits * (level - 1);
		u64 index = (la >> shift) & ((1ULL << index_bits) - 1);
		u64 entry = 0, page_mask;

		/* PAE's PDPT has four entries, for linear bits 31:30. */
		if (levels == 3 && level == 3)
			index &= 3;
		if (read_phys(ctx, table + index * entry_size, &entry,
			      entry_size))
			return -EFAULT;
		if (!(entry & PTE_P))
			goto fault;
		if (levels == 3 && level == 3) {
			/* PAE PDPTEs carry no access rights. */
			table = entry & PTE_ADDR;
			continue;
		}
		/* Every level's rights count (Vol. 3A, 4.6.1). */
		if ((write && !(entry & PTE_RW) && (user || wp)) ||
		    (user && !(entry & PTE_US)) ||
		    (fetch && nxe && (entry & PTE_XD)))
			goto protection;
		/*
		 * A large page: PS in a PDE (2 or 4 MiB; 4 MiB with 32-bit
		 * paging only under CR4.PSE) or a 4-level PDPTE (1 GiB).
		 */
		if (level > 1 && (entry & PTE_PS) &&
		    (level == 2 || (level == 3 && levels == 4)) &&
		    (entry_size == 8 || (paging->cr4 & CR4_PSE))) {
			page_mask = (1ULL << shift) - 1;
			*gpa = (entry & addr_mask & ~page_mask) |
			       (la & page_mask);
			return 0;
		}
		table = entry & addr_mask;
	}
	*gpa = table | (la & 0xfff);
	return 0;

protection:
	err |= PFERR_PRESENT;
fault:
	*pf_error = err;
	return -ENOENT;
}
