/* SPDX-License-Identifier: GPL-2.0 */
/*
 * paging.h - translate a guest-linear address with the guest's own page
 * tables (SDM Vol. 3A, chapter 4 "Paging").
 *
 * Pure computation over a snapshot of the guest's control registers: no
 * VMX, no locks. The paging-structure entries are read through a callback,
 * so the kernel reads guest RAM (kmod/guest.c) and the unit tests in
 * test/ read a buffer. It builds in the kernel and, for those tests, in
 * userspace.
 *
 * What the walk does: no paging (CR0.PG = 0), 32-bit paging (4 KiB pages,
 * and 4 MiB pages with CR4.PSE), PAE paging (4 KiB and 2 MiB pages; the
 * four PDPTEs are read from memory at CR3), 4-level paging (4 KiB, 2 MiB
 * and 1 GiB pages); the R/W, U/S and XD rights of every level, with
 * CR0.WP and IA32_EFER.NXE. What it does not do: reserved-bit checks,
 * protection keys, SMEP, SMAP, PSE-36 address bits, 5-level paging, and
 * setting the accessed and dirty flags.
 */
#ifndef TVMM_X86_PAGING_H
#define TVMM_X86_PAGING_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stdbool.h>
#include <stddef.h>
/* The kernel's names for the UAPI types, for the unit tests. */
typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;
#endif

/* The access to check, for guest_paging_walk() */
#define GUEST_ACCESS_READ	0x0
#define GUEST_ACCESS_WRITE	0x1
#define GUEST_ACCESS_FETCH	0x2

/*
 * What the walk needs of the guest's state, as the guest sees it: CR0 and
 * CR4 as the guest wrote them, and the CPL (SS.DPL), which tells user
 * accesses (CPL 3) from supervisor ones.
 */
struct guest_paging {
	u64 cr0;
	u64 cr3;
	u64 cr4;
	u64 efer;
	u8 cpl;
};

/*
 * Read @len bytes of guest-physical memory at @gpa into @buf; 0, or a
 * negative errno that the walk passes on as -EFAULT. @ctx is the walk's.
 */
typedef int (*guest_read_phys_fn)(void *ctx, u64 gpa, void *buf,
				  size_t len);

/*
 * Translate @la for an access of kind @access (GUEST_ACCESS_*). Returns 0
 * with the guest-physical address in *@gpa; -EFAULT when a paging
 * structure could not be read; or -ENOENT when the guest's page tables
 * forbid the access, with the #PF error code in *@pf_error.
 */
int guest_paging_walk(const struct guest_paging *paging, u64 la, u32 access,
		      guest_read_phys_fn read_phys, void *ctx, u64 *gpa,
		      u32 *pf_error);

#endif /* TVMM_X86_PAGING_H */
