// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - a VM: its file, its guest memory slots and their EPT mappings,
 * and the list of MSRs userspace models (TVMM_SET_USER_MSRS). The dirty
 * log of a slot is dirty_log.c's.
 *
 * Guest memory is the caller's memory: each slot's pages are pinned for as
 * long as the slot exists (charged to RLIMIT_MEMLOCK like mlock) and mapped
 * into the VM's EPT. Changing a slot rebuilds the EPT while no vCPU is in
 * the guest (vm->mem_rwsem), then invalidates what the CPUs cached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <asm/io.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "tvmm.h"
#include "vmx/vmx.h"

#define PAGES_PER_2M	(SZ_2M >> PAGE_SHIFT)

/* VM ids start at 1: 0 is "no VM" to run.c. */
static atomic64_t tvmm_vm_ids = ATOMIC64_INIT(0);

struct tvmm_memslot *tvmm_gpa_to_slot(struct tvmm_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < TVMM_MAX_MEMSLOTS; i++) {
		struct tvmm_memslot *s = &vm->slots[i];

		if (s->npages && gpa >= s->gpa &&
		    gpa - s->gpa < s->npages << PAGE_SHIFT)
			return s;
	}
	return NULL;
}

/* Can the 2 MiB at page @i of @s be one EPT large page? */
static bool slot_can_map_2m(struct tvmm_memslot *s, u64 i)
{
	unsigned long pfn = page_to_pfn(s->pages[i]);
	u64 j;

	if (!IS_ALIGNED(s->gpa + (i << PAGE_SHIFT), SZ_2M) ||
	    i + PAGES_PER_2M > s->npages || !IS_ALIGNED(pfn, PAGES_PER_2M))
		return false;
	for (j = 1; j < PAGES_PER_2M; j++) {
		if (page_to_pfn(s->pages[i + j]) != pfn + j)
			return false;
	}
	return true;
}

/*
 * A read-only slot: the guest's writes fault and exit as MMIO. A logged
 * one: 4 KiB pages, each writable only once written (dirty_log.c).
 */
static int vm_map_slot(struct tvmm_vm *vm, struct tvmm_memslot *s)
{
	u64 i = 0;
	int err;

	while (i < s->npages) {
		bool large = !s->dirty_bitmap && slot_can_map_2m(s, i);

		err = ept_map(&vm->ept, s->gpa + (i << PAGE_SHIFT),
			      page_to_phys(s->pages[i]), large,
			      tvmm_dirty_log_ept_perm(s, i));
		if (err)
			return err;
		i += large ? PAGES_PER_2M : 1;
		/* Gigabytes of slots are seconds of work: let others run. */
		if (!(i % PAGES_PER_2M))
			cond_resched();
	}
	return 0;
}

static void noop_ipi(void *unused)
{
}

/*
 * Put @slot in place of slot @index and rebuild the EPT from the slots.
 * Every vCPU is first made to leave the guest: the IPI forces a VM exit,
 * after which a vCPU that sees mem_writers waits on mem_rwsem. Only CPUs
 * a vCPU of this VM was loaded on can be in its guest (ept_note_cpu()
 * orders that against mem_writers). The slots change only under the write
 * lock: vCPUs read them under the read lock. Returns the old slot in
 * *@slot. With vm->lock held, which orders the writers.
 */
static int vm_rebuild_ept(struct tvmm_vm *vm, u32 index,
			  struct tvmm_memslot *slot)
{
	struct tvmm_memslot old;
	int i, err = 0;

	lockdep_assert_held(&vm->lock);
	atomic_inc(&vm->mem_writers);
	/* Pairs with ept_note_cpu(): the count before the mask is read. */
	smp_mb__after_atomic();
	on_each_cpu_mask(vm->ept.cpus, noop_ipi, NULL, 1);
	down_write(&vm->mem_rwsem);
	old = vm->slots[index];
	vm->slots[index] = *slot;
	*slot = old;
	ept_clear(&vm->ept);
	for (i = 0; i < TVMM_MAX_MEMSLOTS && !err; i++) {
		if (vm->slots[i].npages)
			err = vm_map_slot(vm, &vm->slots[i]);
	}
	ept_invalidate(&vm->ept);
	up_write(&vm->mem_rwsem);
	atomic_dec(&vm->mem_writers);
	return err;
}

static void memslot_release(struct tvmm_vm *vm, struct tvmm_memslot *s)
{
	u64 done, n;

	if (!s->npages)
		return;
	/* In chunks, with a chance to reschedule: slots can be huge. */
	for (done = 0; done < s->npages; done += n) {
		n = min_t(u64, s->npages - done, SZ_16M >> PAGE_SHIFT);
		unpin_user_pages(s->pages + done, n);
		cond_resched();
	}
	account_locked_vm(vm->mm, s->npages, false);
	kvfree(s->pages);
	kvfree(s->dirty_bitmap);
	memset(s, 0, sizeof(*s));
}

/*
 * Can a page pinned for writing be guest RAM? The guest writes it through
 * the EPT, unseen by the page cache: a page of a regular file's shared
 * mapping could be written back, cleaned and reclaimed-from while the
 * guest still writes it, and the file lose those writes. Memory with no
 * writeback behind it is fine: anonymous, shmem and hugetlbfs pages.
 * (Linux refuses such long-term pins itself from 6.5 on.)
 */
static bool memslot_page_ok(struct page *page)
{
	struct address_space *mapping;

	if (PageAnon(page) || PageHuge(page))
		return true;
	mapping = page_mapping(page);
	return mapping && shmem_mapping(mapping);
}

/*
 * Pin the slot's pages. Writable ones are pinned for writing even for a
 * read-only slot, so an untouched page is a page of its own and not the
 * shared zero page: the guest must see what the caller writes there later.
 * Only memory the caller itself cannot write is pinned read-only.
 */
static long memslot_pin_range(unsigned long start, unsigned long nr,
			      bool readonly, struct page **pages)
{
	long i, n = pin_user_pages_fast(start, nr, FOLL_LONGTERM | FOLL_WRITE,
					pages);

	if (n <= 0 && readonly)
		return pin_user_pages_fast(start, nr, FOLL_LONGTERM, pages);
	for (i = 0; i < n; i++) {
		if (!memslot_page_ok(pages[i])) {
			unpin_user_pages(pages, n);
			return -EOPNOTSUPP;
		}
	}
	return n;
}

static int memslot_pin(struct tvmm_vm *vm, struct tvmm_memslot *s)
{
	bool readonly = s->flags & TVMM_MEM_READONLY;
	u64 done = 0;
	long n;
	int err;

	if (vm->mm != current->mm)
		return -EIO;
	/*
	 * RLIMIT_MEMLOCK first, so that a slot over it costs no allocation.
	 * The page array of a slot near the physical-address limit can pass
	 * INT_MAX bytes, which kvmalloc refuses with a WARN unless told not
	 * to: such a slot is -ENOMEM, quietly.
	 */
	err = account_locked_vm(vm->mm, s->npages, true);
	if (err)
		return err;
	s->pages = kvcalloc(s->npages, sizeof(*s->pages),
			    GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!s->pages) {
		err = -ENOMEM;
		goto unaccount;
	}
	while (done < s->npages) {
		n = memslot_pin_range(s->uaddr + (done << PAGE_SHIFT),
				      min_t(u64, s->npages - done, INT_MAX),
				      readonly, s->pages + done);
		if (n <= 0) {
			err = n ? n : -EFAULT;
			goto unpin;
		}
		done += n;
	}
	return 0;

unpin:
	unpin_user_pages(s->pages, done);
	kvfree(s->pages);
	s->pages = NULL;
unaccount:
	account_locked_vm(vm->mm, s->npages, false);
	return err;
}

static int vm_check_region(struct tvmm_vm *vm,
			   const struct tvmm_memory_region *r)
{
	u64 end = r->guest_phys_addr + r->memory_size;
	int i;

	if (r->slot >= TVMM_MAX_MEMSLOTS ||
	    r->flags & ~(TVMM_MEM_READONLY | TVMM_MEM_LOG_DIRTY) ||
	    r->reserved[0] || r->reserved[1])
		return -EINVAL;
	if (!PAGE_ALIGNED(r->guest_phys_addr) ||
	    !PAGE_ALIGNED(r->memory_size) || !PAGE_ALIGNED(r->userspace_addr))
		return -EINVAL;
	if (!r->memory_size)
		return 0;
	if (end < r->guest_phys_addr ||
	    end > min(1ULL << boot_cpu_data.x86_phys_bits, EPT_GPA_LIMIT) ||
	    r->userspace_addr + r->memory_size < r->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)r->userspace_addr,
		       r->memory_size))
		return -EINVAL;
	for (i = 0; i < TVMM_MAX_MEMSLOTS; i++) {
		const struct tvmm_memslot *s = &vm->slots[i];

		if (i == r->slot || !s->npages)
			continue;
		if (r->guest_phys_addr < s->gpa + (s->npages << PAGE_SHIFT) &&
		    s->gpa < end)
			return -EEXIST;
	}
	return 0;
}

/*
 * The same memory as @old, differing only in TVMM_MEM_LOG_DIRTY: the
 * pinned pages carry over, as a VMM turns the log on and off.
 */
static bool memslot_log_toggled(const struct tvmm_memslot *old,
				const struct tvmm_memslot *new)
{
	return old->npages && old->gpa == new->gpa &&
	       old->npages == new->npages && old->uaddr == new->uaddr &&
	       (old->flags ^ new->flags) == TVMM_MEM_LOG_DIRTY;
}

static long vm_set_memory_region(struct tvmm_vm *vm, void __user *argp)
{
	struct tvmm_memory_region r;
	struct tvmm_memslot new = {};
	bool same_pages = false;
	int err;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;

	mutex_lock(&vm->lock);
	err = vm_check_region(vm, &r);
	if (err)
		goto unlock;
	/* Checked above: no speculative index past the array either. */
	r.slot = array_index_nospec(r.slot, TVMM_MAX_MEMSLOTS);
	if (r.memory_size) {
		new.gpa = r.guest_phys_addr;
		new.npages = r.memory_size >> PAGE_SHIFT;
		new.uaddr = r.userspace_addr;
		new.flags = r.flags;
		same_pages = memslot_log_toggled(&vm->slots[r.slot], &new);
		if (same_pages)
			new.pages = vm->slots[r.slot].pages;
		else
			err = memslot_pin(vm, &new);
		if (err)
			goto unlock;
		/* Empty: nothing written yet, every page write-protected. */
		if (new.flags & TVMM_MEM_LOG_DIRTY) {
			new.dirty_bitmap =
				kvcalloc(BITS_TO_LONGS(new.npages),
					 sizeof(long),
					 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
			if (!new.dirty_bitmap) {
				err = -ENOMEM;
				goto release_new;
			}
		}
	}
	/* On return, new holds the slot that was there. */
	err = vm_rebuild_ept(vm, r.slot, &new);
	if (err) {
		/* Out of memory for tables: put the old slot back. */
		if (vm_rebuild_ept(vm, r.slot, &new))
			pr_err_ratelimited("cannot restore the EPT of a VM\n");
	}
release_new:
	if (same_pages) {
		/* Either way, the pages are the slot's: only the log goes. */
		kvfree(new.dirty_bitmap);
	} else {
		memslot_release(vm, &new);
	}
unlock:
	mutex_unlock(&vm->lock);
	return err;
}

static long vm_set_tsc_offset(struct tvmm_vm *vm, void __user *argp)
{
	struct tvmm_tsc_offset t;

	if (copy_from_user(&t, argp, sizeof(t)))
		return -EFAULT;
	if (t.flags || t.reserved)
		return -EINVAL;
	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->tsc_offset, t.offset);
	mutex_unlock(&vm->lock);
	return 0;
}

/*
 * Whether @index is a user MSR: its RDMSR/WRMSR exits to userspace
 * (vmx/msr.c), and TVMM_GET/SET_MSRS do not know it (vcpu.c). Any
 * context: RCU, no lock.
 */
bool tvmm_user_msr(struct tvmm_vm *vm, u32 index)
{
	const struct tvmm_user_msr_list *list;
	bool found = false;
	u32 i;

	rcu_read_lock();
	list = rcu_dereference(vm->user_msrs);
	for (i = 0; list && i < list->nmsrs; i++) {
		if (list->indices[i] == index) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/* Every check before anything changes: the old list stays on -EINVAL. */
static bool vm_user_msrs_valid(const struct tvmm_user_msrs *u)
{
	u32 i, j;

	if (u->flags || u->nmsrs > TVMM_MAX_USER_MSRS)
		return false;
	for (i = 0; i < TVMM_MAX_USER_MSRS; i++) {
		if (i >= u->nmsrs) {
			if (u->indices[i])
				return false;
			continue;
		}
		if (vmx_msr_kernel_owned(u->indices[i]))
			return false;
		for (j = 0; j < i; j++) {
			if (u->indices[j] == u->indices[i])
				return false;
		}
	}
	return true;
}

static long vm_set_user_msrs(struct tvmm_vm *vm, void __user *argp)
{
	struct tvmm_user_msr_list *list = NULL;
	struct tvmm_user_msrs u;

	if (copy_from_user(&u, argp, sizeof(u)))
		return -EFAULT;
	if (!vm_user_msrs_valid(&u))
		return -EINVAL;
	if (u.nmsrs) {
		list = kmalloc(sizeof(*list), GFP_KERNEL_ACCOUNT);
		if (!list)
			return -ENOMEM;
		list->nmsrs = u.nmsrs;
		memcpy(list->indices, u.indices, sizeof(list->indices));
	}
	mutex_lock(&vm->lock);
	list = rcu_replace_pointer(vm->user_msrs, list,
				   lockdep_is_held(&vm->lock));
	mutex_unlock(&vm->lock);
	/* A vCPU may still be reading the old list: free it after them. */
	if (list)
		kfree_rcu(list, rcu);
	return 0;
}

static long tvmm_vm_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct tvmm_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm)
		return -EIO;
	switch (cmd) {
	case TVMM_SET_MEMORY_REGION:
		return vm_set_memory_region(vm, argp);
	case TVMM_CREATE_VCPU:
		return tvmm_vcpu_create(vm, arg);
	case TVMM_SET_TSC_OFFSET:
		return vm_set_tsc_offset(vm, argp);
	case TVMM_SET_USER_MSRS:
		return vm_set_user_msrs(vm, argp);
	case TVMM_GET_DIRTY_LOG:
		return tvmm_get_dirty_log(vm, argp);
	}
	return -ENOTTY;
}

static int tvmm_vm_release(struct inode *inode, struct file *file)
{
	struct tvmm_vm *vm = file->private_data;
	int i;

	/* Every vCPU held a reference on this file: none is left. */
	ept_destroy(&vm->ept);
	for (i = 0; i < TVMM_MAX_MEMSLOTS; i++)
		memslot_release(vm, &vm->slots[i]);
	kfree(rcu_dereference_protected(vm->user_msrs, true));
	mmdrop(vm->mm);
	kfree(vm);
	vmx_root_put();
	return 0;
}

static const struct file_operations tvmm_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= tvmm_vm_release,
	.unlocked_ioctl	= tvmm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

int tvmm_vm_create(void)
{
	struct tvmm_vm *vm;
	int err, fd;

	err = vmx_root_get();
	if (err)
		return err;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		err = -ENOMEM;
		goto put_root;
	}
	mutex_init(&vm->lock);
	init_rwsem(&vm->mem_rwsem);
	vm->id = atomic64_inc_return(&tvmm_vm_ids);
	err = ept_init(&vm->ept);
	if (err)
		goto free_vm;
	mmgrab(current->mm);
	vm->mm = current->mm;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto drop_mm;
	}
	vm->file = anon_inode_getfile("tvmm-vm", &tvmm_vm_fops, vm, O_RDWR);
	if (IS_ERR(vm->file)) {
		err = PTR_ERR(vm->file);
		goto put_fd;
	}
	fd_install(fd, vm->file);
	return fd;

put_fd:
	put_unused_fd(fd);
drop_mm:
	mmdrop(vm->mm);
	ept_destroy(&vm->ept);
free_vm:
	kfree(vm);
put_root:
	vmx_root_put();
	return err;
}
