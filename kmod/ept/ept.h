/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ept.h - Extended Page Tables: what the CPU can do (the EPT half of
 * IA32_VMX_EPT_VPID_CAP) and the EPT pointer format.
 *
 * SDM Vol. 3D, A.10 "VPID and EPT Capabilities", and Vol. 3C, 29.3 "The
 * Extended Page Table Mechanism (EPT)".
 */
#ifndef TVMM_EPT_H
#define TVMM_EPT_H

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/types.h>

/* IA32_VMX_EPT_VPID_CAP, EPT half (A.10) */
#define EPT_CAP_EXECUTE_ONLY		BIT_ULL(0)
#define EPT_CAP_PAGE_WALK_4		BIT_ULL(6)
#define EPT_CAP_PAGE_WALK_5		BIT_ULL(7)
#define EPT_CAP_MEMTYPE_UC		BIT_ULL(8)
#define EPT_CAP_MEMTYPE_WB		BIT_ULL(14)
#define EPT_CAP_PDE_2M			BIT_ULL(16)
#define EPT_CAP_PDPTE_1G		BIT_ULL(17)
#define EPT_CAP_INVEPT			BIT_ULL(20)
#define EPT_CAP_ACCESSED_DIRTY		BIT_ULL(21)
#define EPT_CAP_INVEPT_SINGLE_CONTEXT	BIT_ULL(25)
#define EPT_CAP_INVEPT_ALL_CONTEXT	BIT_ULL(26)

/* EPT pointer (25.6.11 "Extended-Page-Table Pointer (EPTP)") */
#define EPTP_MEMTYPE_WB			6ULL
#define EPTP_PAGE_WALK_LENGTH_SHIFT	3	/* walk length minus one */
#define EPTP_ENABLE_ACCESSED_DIRTY	BIT_ULL(6)

/* EPT paging-structure entries (29.3.2, Tables 29-2 to 29-6) */
#define EPT_READ			BIT_ULL(0)
#define EPT_WRITE			BIT_ULL(1)
#define EPT_EXECUTE			BIT_ULL(2)
#define EPT_RWX				(EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_RX				(EPT_READ | EPT_EXECUTE)
#define EPT_WRITE_BIT			1	/* EPT_WRITE, for bit operations */
#define EPT_MEMTYPE_SHIFT		3	/* leaf entries: bits 5:3 */
#define EPT_IGNORE_PAT			BIT_ULL(6)	/* leaves: type is EPT's */
#define EPT_LARGE_PAGE			BIT_ULL(7)	/* PDE maps 2 MiB */
#define EPT_ADDR_MASK			GENMASK_ULL(51, 12)

#define EPT_LEVELS			4
#define EPT_ENTRIES			512
#define EPT_LEVEL_SHIFT(level)		(12 + 9 * ((level) - 1))
#define EPT_INDEX(gpa, level)		(((gpa) >> EPT_LEVEL_SHIFT(level)) & 511)
/* What a 4-level EPT translates: 48 bits of guest-physical address. */
#define EPT_GPA_LIMIT			BIT_ULL(EPT_LEVEL_SHIFT(EPT_LEVELS + 1))

/*
 * A VM's EPT: a 4-level table whose root never changes, so the EPT pointer
 * stays valid for the VM's life. Every table page is on @pages, so
 * clearing the mappings frees them all without walking. @cpus are the CPUs
 * that may cache translations tagged with this EPTP, the only ones an
 * invalidation has to reach: every CPU a vCPU of the VM was loaded on.
 */
struct tvmm_ept {
	u64 *root;
	struct list_head pages;		/* table pages below the root */
	u64 eptp;
	unsigned long nr_pages;
	cpumask_var_t cpus;
};

int ept_init(struct tvmm_ept *ept);
void ept_destroy(struct tvmm_ept *ept);
/* Drop every mapping (the caller invalidates, INVEPT, before reuse). */
void ept_clear(struct tvmm_ept *ept);
/* Map one 4 KiB (@large false) or 2 MiB page at @gpa to @hpa. */
int ept_map(struct tvmm_ept *ept, u64 gpa, u64 hpa, bool large, u64 perm);
/*
 * The 4 KiB leaf entry that maps @gpa, or NULL (unmapped, or in a 2 MiB
 * page). With the tables held in place: the VM's lock or mem_rwsem.
 */
u64 *ept_leaf_4k(struct tvmm_ept *ept, u64 gpa);
/*
 * Let the guest write through @leaf, or no longer. Atomic, against the
 * same on other CPUs; the CPU itself never writes tvmm's entries (no A/D).
 * Taking the right away needs ept_invalidate() before it holds.
 */
static inline void ept_leaf_allow_write(u64 *leaf)
{
	set_bit(EPT_WRITE_BIT, (unsigned long *)leaf);
}

static inline void ept_leaf_deny_write(u64 *leaf)
{
	clear_bit(EPT_WRITE_BIT, (unsigned long *)leaf);
}

/* Invalidate this EPT's cached translations on every CPU in @ept->cpus. */
void ept_invalidate(struct tvmm_ept *ept);

/*
 * This CPU is about to hold a VMCS using @ept (preemption off). The full
 * barrier orders the bit before the caller's later check of the VM's
 * mem_writers, against a writer's increment before it reads @ept->cpus:
 * either the writer's IPI reaches this CPU or this CPU sees the writer.
 */
static inline void ept_note_cpu(struct tvmm_ept *ept, int cpu)
{
	if (!cpumask_test_cpu(cpu, ept->cpus)) {
		cpumask_set_cpu(cpu, ept->cpus);
		/* Pairs with vm_rebuild_ept()'s, after mem_writers. */
		smp_mb__after_atomic();
	}
}

#endif /* TVMM_EPT_H */
