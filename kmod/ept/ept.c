// SPDX-License-Identifier: GPL-2.0
/*
 * ept.c - build a VM's Extended Page Tables.
 *
 * EPT translates guest-physical addresses to host-physical ones (SDM Vol.
 * 3C, 29.3 "The Extended Page Table Mechanism (EPT)"): four levels of 512
 * entries (PML4, PDPT, PD, PT), each entry holding read/write/execute
 * permissions and, in leaves, the memory type. tvmm maps guest memory
 * write-back with 4 KiB pages, or 2 MiB pages where a slot's backing and
 * alignment allow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <asm/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include "../vmx/vmx_ops.h"
#include "ept.h"

static u64 *ept_alloc_table(struct tvmm_ept *ept)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return NULL;
	list_add(&page->lru, &ept->pages);
	ept->nr_pages++;
	return page_address(page);
}

int ept_init(struct tvmm_ept *ept)
{
	struct page *root;

	if (!zalloc_cpumask_var(&ept->cpus, GFP_KERNEL_ACCOUNT))
		return -ENOMEM;
	root = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!root) {
		free_cpumask_var(ept->cpus);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&ept->pages);
	ept->nr_pages = 0;
	ept->root = page_address(root);
	ept->eptp = page_to_phys(root) | EPTP_MEMTYPE_WB |
		    ((EPT_LEVELS - 1) << EPTP_PAGE_WALK_LENGTH_SHIFT);
	return 0;
}

void ept_clear(struct tvmm_ept *ept)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &ept->pages, lru) {
		list_del(&page->lru);
		__free_page(page);
		cond_resched();
	}
	ept->nr_pages = 0;
	memset(ept->root, 0, PAGE_SIZE);
}

void ept_destroy(struct tvmm_ept *ept)
{
	if (!ept->root)
		return;
	/* No CPU may keep translations into pages about to be reused. */
	ept_invalidate(ept);
	ept_clear(ept);
	free_page((unsigned long)ept->root);
	ept->root = NULL;
	free_cpumask_var(ept->cpus);
}

int ept_map(struct tvmm_ept *ept, u64 gpa, u64 hpa, bool large, u64 perm)
{
	int leaf_level = large ? 2 : 1;
	u64 *table = ept->root;
	int level;

	for (level = EPT_LEVELS; level > leaf_level; level--) {
		u64 *entry = &table[EPT_INDEX(gpa, level)];

		if (!*entry) {
			u64 *next = ept_alloc_table(ept);

			if (!next)
				return -ENOMEM;
			/* Non-leaf entries grant everything; leaves decide. */
			*entry = __pa(next) | EPT_RWX;
		}
		table = __va(*entry & EPT_ADDR_MASK);
	}
	/*
	 * Write-back whatever the guest's PAT says: guest RAM is the host's
	 * cacheable memory, and a UC or WC alias of it must not exist.
	 */
	table[EPT_INDEX(gpa, leaf_level)] = hpa | perm |
		(EPTP_MEMTYPE_WB << EPT_MEMTYPE_SHIFT) | EPT_IGNORE_PAT |
		(large ? EPT_LARGE_PAGE : 0);
	return 0;
}

u64 *ept_leaf_4k(struct tvmm_ept *ept, u64 gpa)
{
	u64 *table = ept->root;
	int level;

	for (level = EPT_LEVELS; level > 1; level--) {
		u64 entry = READ_ONCE(table[EPT_INDEX(gpa, level)]);

		if (!(entry & EPT_RWX) || (entry & EPT_LARGE_PAGE))
			return NULL;
		table = __va(entry & EPT_ADDR_MASK);
	}
	return &table[EPT_INDEX(gpa, 1)];
}

static void ept_invalidate_local(void *data)
{
	struct tvmm_ept *ept = data;

	vmx_invept(INVEPT_SINGLE_CONTEXT, ept->eptp);
}

void ept_invalidate(struct tvmm_ept *ept)
{
	/*
	 * Only CPUs that loaded a VMCS with this EPTP can hold its
	 * translations: the others, nohz_full ones included, are left alone.
	 * A CPU that went offline since does INVEPT all-context at VMXON.
	 */
	on_each_cpu_mask(ept->cpus, ept_invalidate_local, ept, 1);
}
