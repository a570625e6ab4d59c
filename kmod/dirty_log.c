// SPDX-License-Identifier: GPL-2.0
/*
 * dirty_log.c - the dirty-page log of memory slots made with
 * TVMM_MEM_LOG_DIRTY, and TVMM_GET_DIRTY_LOG.
 *
 * How writes are caught: by write protection in the EPT, not by the EPT
 * dirty flags. A logged slot is mapped with 4 KiB pages, a page writable
 * only while its bit is set. The guest's first write to a clean page is
 * an EPT violation (vmx/mmio.c), after which the page is writable and
 * its bit set; TVMM_GET_DIRTY_LOG takes the bits and write-protects their
 * pages again, then invalidates the EPT's cached translations (INVEPT)
 * so that the next write faults again. The dirty flags (EPT_CAP_ACCESSED_
 * DIRTY, and PML, which needs them) would spare those exits, but they are
 * optional (CPUs before Haswell, many nested hypervisors lack them) and
 * would need a second path; with them on, every guest page-table walk
 * counts as a write (SDM Vol. 3C, 29.3.5 "Accessed and Dirty Flags for
 * EPT"), so the page tables would always look dirty. Write protection
 * works wherever EPT does, and the emulator (whose corei7_skylake_x has
 * both, IA32_VMX_EPT_VPID_CAP 0xf0106334141) tests the path every host
 * runs.
 *
 * The order that loses no write: a fault makes the page writable, then
 * sets its bit; TVMM_GET_DIRTY_LOG takes a word of bits, then
 * write-protects the pages of the bits it took. A page writable without
 * its bit is one whose fault is about to set it: it is reported next
 * time. Writes tvmm.ko makes for the guest (guest.c) set the bit alone.
 *
 * Context: process context. Faults and tvmm.ko's writes run in a vCPU's
 * session with vm->mem_rwsem held for reading, so the slot and the EPT
 * tables stay put; TVMM_GET_DIRTY_LOG holds vm->lock, which every slot
 * change and EPT rebuild takes too. Both sides only use atomic bit
 * operations on the bitmap and the EPT entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "tvmm.h"

/* The EPT permissions of page @page of @slot when the EPT is built. */
u64 tvmm_dirty_log_ept_perm(const struct tvmm_memslot *slot, u64 page)
{
	if (slot->flags & TVMM_MEM_READONLY)
		return EPT_RX;
	if (slot->dirty_bitmap && !test_bit(page, slot->dirty_bitmap))
		return EPT_RX;
	return EPT_RWX;
}

/*
 * A guest write to a write-protected page of a logged slot. No INVEPT:
 * the EPT violation itself invalidated the translations of that address
 * on this CPU (SDM Vol. 3C, "Operations that Invalidate Cached
 * Mappings"), and another CPU that still holds the read-only one faults
 * here too, finding the page writable already.
 */
void tvmm_dirty_log_write_fault(struct tvmm_vm *vm, struct tvmm_memslot *slot,
				u64 gpa)
{
	u64 *leaf = ept_leaf_4k(&vm->ept, gpa);

	if (leaf)
		ept_leaf_allow_write(leaf);
	/* After the entry (a locked operation): see the order above. */
	tvmm_mark_page_dirty(slot, gpa);
}

/* tvmm.ko wrote guest-physical @gpa of @slot for the guest. */
void tvmm_mark_page_dirty(struct tvmm_memslot *slot, u64 gpa)
{
	if (slot->dirty_bitmap)
		set_bit((gpa - slot->gpa) >> PAGE_SHIFT, slot->dirty_bitmap);
}

/*
 * Take the bits of @slot into @bits, write-protecting their pages.
 * Returns whether any page was write-protected.
 */
static bool dirty_log_take(struct tvmm_vm *vm, struct tvmm_memslot *slot,
			   unsigned long *bits, u64 words)
{
	bool taken = false;
	u64 w, b;

	for (w = 0; w < words; w++) {
		bits[w] = READ_ONCE(slot->dirty_bitmap[w]) ?
			  xchg(&slot->dirty_bitmap[w], 0) : 0;
		for_each_set_bit(b, &bits[w], BITS_PER_LONG) {
			u64 gpa = slot->gpa +
				  ((w * BITS_PER_LONG + b) << PAGE_SHIFT);
			u64 *leaf = ept_leaf_4k(&vm->ept, gpa);

			if (leaf)
				ept_leaf_deny_write(leaf);
			taken = true;
		}
		/* A word per 256 KiB of guest memory: gigabytes take a while. */
		if (!(w % 4096))
			cond_resched();
	}
	return taken;
}

long tvmm_get_dirty_log(struct tvmm_vm *vm, void __user *argp)
{
	struct tvmm_dirty_log log;
	struct tvmm_memslot *slot;
	unsigned long *bits;
	u64 words, w, b;
	long err = 0;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	if (log.slot >= TVMM_MAX_MEMSLOTS || log.flags || log.reserved[0] ||
	    log.reserved[1])
		return -EINVAL;
	log.slot = array_index_nospec(log.slot, TVMM_MAX_MEMSLOTS);

	mutex_lock(&vm->lock);
	slot = &vm->slots[log.slot];
	if (!slot->npages || !slot->dirty_bitmap) {
		err = -ENOENT;
		goto unlock;
	}
	words = BITS_TO_LONGS(slot->npages);
	BUILD_BUG_ON(TVMM_DIRTY_LOG_BYTES(1) != sizeof(long));
	if (log.bitmap_size < TVMM_DIRTY_LOG_BYTES(slot->npages)) {
		err = -EINVAL;
		goto unlock;
	}
	bits = kvmalloc_array(words, sizeof(*bits),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!bits) {
		err = -ENOMEM;
		goto unlock;
	}
	/* Before the bits go out: the next write to their pages faults. */
	if (dirty_log_take(vm, slot, bits, words))
		ept_invalidate(&vm->ept);
	if (copy_to_user(u64_to_user_ptr(log.bitmap), bits,
			 words * sizeof(*bits))) {
		/* Not lost: set again, for the next call. */
		for (w = 0; w < words; w++)
			for_each_set_bit(b, &bits[w], BITS_PER_LONG)
				set_bit(w * BITS_PER_LONG + b,
					slot->dirty_bitmap);
		err = -EFAULT;
	}
	kvfree(bits);
unlock:
	mutex_unlock(&vm->lock);
	return err;
}
