// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - a vCPU: its file, its shared run page and trace ring, and its
 * ioctls.
 *
 * One ioctl at a time per vCPU (vcpu->lock); the state ioctls go through
 * the VMCS, made current on this CPU by vmx_vcpu_load_wait(). A mapping of the
 * run page or the trace ring holds the file, so the vCPU outlives every
 * mapping of it. What a vCPU allocates is charged to the memory cgroup of
 * the task that asked (GFP_KERNEL_ACCOUNT), except the guest's FPU state,
 * which the kernel allocates (vmx_vcpu_create()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "tvmm.h"
#include "vmx/vmx.h"

/* The argument of a state ioctl, which vcpu_state_ioctl() copies. */
union vcpu_state {
	struct tvmm_regs regs;
	struct tvmm_sregs sregs;
	struct tvmm_exception_exits ex;
	struct tvmm_intercepts ic;
	struct tvmm_vcpu_events events;
	struct tvmm_debugregs dbg;
};

/* An argument a state ioctl refuses, before anything is touched. */
static bool vcpu_state_bad(unsigned int cmd, const union vcpu_state *s)
{
	switch (cmd) {
	case TVMM_SET_EXCEPTION_EXITS:
		return s->ex.flags;
	case TVMM_SET_INTERCEPTS:
		return s->ic.flags & ~TVMM_INTERCEPT_RDTSC || s->ic.reserved;
	}
	return false;
}

/* What a state ioctl does, with the vCPU's VMCS current on this CPU. */
static int vcpu_state_op(struct tvmm_vcpu *vcpu, unsigned int cmd,
			 union vcpu_state *s)
{
	switch (cmd) {
	case TVMM_GET_REGS:
		vmx_get_regs(vcpu, &s->regs);
		return 0;
	case TVMM_SET_REGS:
		vmx_set_regs(vcpu, &s->regs);
		return 0;
	case TVMM_GET_SREGS:
		vmx_get_sregs(vcpu, &s->sregs);
		return 0;
	case TVMM_SET_SREGS:
		return vmx_set_sregs(vcpu, &s->sregs);
	case TVMM_SET_EXCEPTION_EXITS:
		vmx_set_exception_exits(vcpu, s->ex.vectors);
		return 0;
	case TVMM_SET_INTERCEPTS:
		return vmx_set_intercepts(vcpu, s->ic.flags);
	case TVMM_GET_VCPU_EVENTS:
		vmx_get_events(vcpu, &s->events);
		return 0;
	case TVMM_SET_VCPU_EVENTS:
		return vmx_set_events(vcpu, &s->events);
	case TVMM_GET_DEBUGREGS:
		vmx_get_debugregs(vcpu, &s->dbg);
		return 0;
	case TVMM_SET_DEBUGREGS:
		return vmx_set_debugregs(vcpu, &s->dbg);
	}
	return -ENOTTY;
}

/*
 * The state ioctls, one way: the argument copied in (_IOW) and checked,
 * the operation done between vmx_vcpu_load_wait() and vmx_vcpu_put(), the
 * argument copied out (_IOR) if it succeeded.
 */
static long vcpu_state_ioctl(struct tvmm_vcpu *vcpu, unsigned int cmd,
			     void __user *argp)
{
	/* Loading PAE PDPTEs reads guest memory: the slots must stay put. */
	bool hold_mem = cmd == TVMM_SET_SREGS;
	union vcpu_state s;
	int err;

	if ((_IOC_DIR(cmd) & _IOC_WRITE) &&
	    copy_from_user(&s, argp, _IOC_SIZE(cmd)))
		return -EFAULT;
	if (vcpu_state_bad(cmd, &s))
		return -EINVAL;
	if (hold_mem)
		down_read(&vcpu->vm->mem_rwsem);
	err = vmx_vcpu_load_wait(vcpu);
	if (!err) {
		err = vcpu_state_op(vcpu, cmd, &s);
		vmx_vcpu_put(vcpu);
	}
	if (hold_mem)
		up_read(&vcpu->vm->mem_rwsem);
	if (!err && (_IOC_DIR(cmd) & _IOC_READ) &&
	    copy_to_user(argp, &s, _IOC_SIZE(cmd)))
		return -EFAULT;
	return err;
}

/* memdup_user(), charged to the caller's memory cgroup. */
static void *vcpu_memdup_user(const void __user *src, size_t len)
{
	void *p = kmalloc(len, GFP_KERNEL_ACCOUNT);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

static long vcpu_set_cpuid(struct tvmm_vcpu *vcpu,
			   struct tvmm_cpuid __user *argp)
{
	struct tvmm_cpuid_entry *entries;
	struct tvmm_cpuid hdr;
	u32 i;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.flags || hdr.nent > TVMM_MAX_CPUID_ENTRIES)
		return -EINVAL;
	entries = vcpu_memdup_user(argp->entries,
				   hdr.nent * sizeof(*entries));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	for (i = 0; i < hdr.nent; i++) {
		if (entries[i].flags & ~TVMM_CPUID_INDEXED ||
		    entries[i].reserved[0] || entries[i].reserved[1] ||
		    entries[i].reserved[2]) {
			kfree(entries);
			return -EINVAL;
		}
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = entries;
	vcpu->cpuid_nent = hdr.nent;
	return 0;
}

/* Returns how many entries were done; stops at the first it cannot do. */
static long vcpu_msrs(struct tvmm_vcpu *vcpu, struct tvmm_msrs __user *argp,
		      bool set)
{
	struct tvmm_msr_entry *entries;
	struct tvmm_msrs hdr;
	size_t size;
	u32 i;
	int err;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.flags || hdr.nmsrs > TVMM_MAX_MSR_ENTRIES)
		return -EINVAL;
	size = hdr.nmsrs * sizeof(*entries);
	entries = vcpu_memdup_user(argp->entries, size);
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (entries[i].reserved) {
			err = -EINVAL;
			goto free;
		}
	}
	err = vmx_vcpu_load_wait(vcpu);
	if (err)
		goto free;
	for (i = 0; i < hdr.nmsrs; i++) {
		/* Userspace's own (TVMM_SET_USER_MSRS): not tvmm's to tell. */
		if (tvmm_user_msr(vcpu->vm, entries[i].index))
			break;
		if (set ? vmx_set_msr(vcpu, entries[i].index, entries[i].data) :
			  vmx_get_msr(vcpu, entries[i].index, &entries[i].data))
			break;
	}
	vmx_vcpu_put(vcpu);
	err = i;
	if (!set && copy_to_user(argp->entries, entries, size))
		err = -EFAULT;
free:
	kfree(entries);
	return err;
}

/*
 * The XSAVE area is too big for the stack: a buffer of its own. The
 * guest's FPU state is in memory, not in the registers, between runs
 * (vcpu->lock): no VMCS is needed.
 */
static long vcpu_xsave(struct tvmm_vcpu *vcpu, struct tvmm_xsave __user *argp,
		       bool set)
{
	struct tvmm_xsave *xs;
	long ret = 0;

	xs = kmalloc(sizeof(*xs), GFP_KERNEL_ACCOUNT);
	if (!xs)
		return -ENOMEM;
	if (set) {
		if (copy_from_user(xs, argp, sizeof(*xs)))
			ret = -EFAULT;
		else
			ret = vmx_set_xsave(vcpu, xs);
	} else {
		vmx_get_xsave(vcpu, xs);
		if (copy_to_user(argp, xs, sizeof(*xs)))
			ret = -EFAULT;
	}
	kfree(xs);
	return ret;
}

static long vcpu_get_stats(struct tvmm_vcpu *vcpu,
			   struct tvmm_vcpu_stats __user *argp)
{
	struct tvmm_vcpu_stats *st;
	long ret = 0;

	st = kmalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	if (copy_from_user(st, argp, sizeof(*st))) {
		ret = -EFAULT;
		goto out;
	}
	if (st->size != sizeof(*st) || st->flags ||
	    memchr_inv(st->reserved, 0, sizeof(st->reserved))) {
		ret = -EINVAL;
		goto out;
	}
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	memcpy(st->exits, vcpu->stat_exits, sizeof(st->exits));
	memcpy(st->cycles, vcpu->stat_cycles, sizeof(st->cycles));
	if (copy_to_user(argp, st, sizeof(*st)))
		ret = -EFAULT;
out:
	kfree(st);
	return ret;
}

/*
 * Queue an external interrupt; vmx_inject_interrupt() delivers it at the
 * first entry where the guest can take it.
 */
static long vcpu_interrupt(struct tvmm_vcpu *vcpu, void __user *argp)
{
	struct tvmm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	/*
	 * Any vector 0-255 (Vol. 3A, 6.2), as the ABI says: 0-31 are the
	 * CPU's exceptions, but userspace may still send them as external
	 * interrupts, as a misprogrammed interrupt controller would.
	 */
	if (irq.vector > 255 || irq.flags || irq.reserved)
		return -EINVAL;
	if (vcpu->irq_queued)
		return -EBUSY;
	vcpu->irq_vector = irq.vector;
	vcpu->irq_queued = true;
	return 0;
}

static long vcpu_set_trace(struct tvmm_vcpu *vcpu, void __user *argp)
{
	struct tvmm_trace_config cfg;
	struct tvmm_trace_ring *ring = vcpu->trace_ring;

	if (copy_from_user(&cfg, argp, sizeof(cfg)))
		return -EFAULT;
	if ((cfg.flags & ~TVMM_TRACE_ON) || cfg.reserved)
		return -EINVAL;
	if (!ring && (cfg.flags & TVMM_TRACE_ON)) {
		/*
		 * Zeroed, since all of it is mapped to userspace, and
		 * charged. In Linux 6.1 vmalloc_user() does not charge, and
		 * remap_vmalloc_range() maps nothing else: tvmm_vcpu_mmap()
		 * maps the pages itself.
		 */
		ring = __vmalloc(TVMM_TRACE_MMAP_SIZE,
				 GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!ring)
			return -ENOMEM;
		ring->nr_entries = TVMM_TRACE_ENTRIES;
		/* mmap() reads it without vcpu->lock: complete first. */
		smp_store_release(&vcpu->trace_ring, ring);
	}
	vcpu->trace_on = cfg.flags & TVMM_TRACE_ON;
	if (ring)
		WRITE_ONCE(ring->flags, cfg.flags);
	return 0;
}

static long tvmm_vcpu_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct tvmm_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	switch (cmd) {
	case TVMM_RUN:
		ret = arg ? -EINVAL : vmx_vcpu_run(vcpu);
		break;
	case TVMM_GET_REGS:
	case TVMM_SET_REGS:
	case TVMM_GET_SREGS:
	case TVMM_SET_SREGS:
	case TVMM_SET_EXCEPTION_EXITS:
	case TVMM_SET_INTERCEPTS:
	case TVMM_GET_VCPU_EVENTS:
	case TVMM_SET_VCPU_EVENTS:
	case TVMM_GET_DEBUGREGS:
	case TVMM_SET_DEBUGREGS:
		ret = vcpu_state_ioctl(vcpu, cmd, argp);
		break;
	case TVMM_GET_XSAVE:
	case TVMM_SET_XSAVE:
		ret = vcpu_xsave(vcpu, argp, cmd == TVMM_SET_XSAVE);
		break;
	case TVMM_SET_CPUID:
		ret = vcpu_set_cpuid(vcpu, argp);
		break;
	case TVMM_GET_MSRS:
		ret = vcpu_msrs(vcpu, argp, false);
		break;
	case TVMM_SET_MSRS:
		ret = vcpu_msrs(vcpu, argp, true);
		break;
	case TVMM_GET_VCPU_STATS:
		ret = vcpu_get_stats(vcpu, argp);
		break;
	case TVMM_INTERRUPT:
		ret = vcpu_interrupt(vcpu, argp);
		break;
	case TVMM_SET_TRACE:
		ret = vcpu_set_trace(vcpu, argp);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&vcpu->lock);
	return ret;
}

static vm_fault_t tvmm_vcpu_fault(struct vm_fault *vmf)
{
	struct tvmm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff != 0)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct tvmm_vcpu_vm_ops = {
	.fault = tvmm_vcpu_fault,
};

/*
 * All of the trace ring into @vma, as remap_vmalloc_range() would, which
 * only takes vmalloc_user()'s uncharged memory (VM_USERMAP).
 */
static int vcpu_map_trace_ring(struct vm_area_struct *vma, void *ring)
{
	unsigned long off;
	int err;

	/* tvmm_vcpu_mmap() made it VM_DONTEXPAND, like the run page. */
	vma->vm_flags |= VM_DONTDUMP;
	for (off = 0; off < TVMM_TRACE_MMAP_SIZE; off += PAGE_SIZE) {
		err = vm_insert_page(vma, vma->vm_start + off,
				     vmalloc_to_page(ring + off));
		if (err)
			return err;
	}
	return 0;
}

/*
 * Offset 0: the run page, one page, faulted in. TVMM_TRACE_MMAP_OFFSET:
 * the trace ring, all of it, once TVMM_SET_TRACE has allocated it. Runs
 * under the mmap lock, which ioctls take inside vcpu->lock (copying to
 * and from userspace): so no vcpu->lock here, only the published ring.
 */
static int tvmm_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct tvmm_vcpu *vcpu = file->private_data;
	struct tvmm_trace_ring *ring;

	/*
	 * A private mapping would show a copy that tvmm never updates once
	 * userspace wrote to it; and neither area may grow by mremap().
	 */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vma->vm_flags |= VM_DONTEXPAND;
	if (vma->vm_pgoff == TVMM_TRACE_MMAP_OFFSET >> PAGE_SHIFT) {
		/*
		 * Pairs with the release in vcpu_set_trace(): a ring seen
		 * here is fully initialized before it is mapped.
		 */
		ring = smp_load_acquire(&vcpu->trace_ring);
		if (!ring ||
		    vma->vm_end - vma->vm_start != TVMM_TRACE_MMAP_SIZE)
			return -EINVAL;
		return vcpu_map_trace_ring(vma, ring);
	}
	if (vma->vm_pgoff || vma_pages(vma) != 1)
		return -EINVAL;
	vma->vm_ops = &tvmm_vcpu_vm_ops;
	return 0;
}

static void tvmm_vcpu_free(struct tvmm_vcpu *vcpu)
{
	vmx_vcpu_free(vcpu);
	vfree(vcpu->trace_ring);
	kfree(vcpu->cpuid);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

static int tvmm_vcpu_release(struct inode *inode, struct file *file)
{
	struct tvmm_vcpu *vcpu = file->private_data;
	struct tvmm_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	vm->vcpus[vcpu->id] = NULL;
	mutex_unlock(&vm->lock);
	tvmm_vcpu_free(vcpu);
	fput(vm->file);
	return 0;
}

static const struct file_operations tvmm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= tvmm_vcpu_release,
	.unlocked_ioctl	= tvmm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= tvmm_vcpu_mmap,
	.llseek		= noop_llseek,
};

int tvmm_vcpu_create(struct tvmm_vm *vm, unsigned long id)
{
	struct tvmm_vcpu *vcpu;
	struct file *file;
	int err, fd;

	if (id >= TVMM_MAX_VCPUS)
		return -EINVAL;
	/* No speculative index past vm->vcpus[] either. */
	id = array_index_nospec(id, TVMM_MAX_VCPUS);
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->xcr0 = XFEATURE_MASK_FP;
	mutex_init(&vcpu->lock);
	vcpu->run = (struct tvmm_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		err = -ENOMEM;
		goto free_vcpu;
	}

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		err = -EEXIST;
		goto unlock;
	}
	err = vmx_vcpu_create(vcpu);
	if (err)
		goto unlock;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto free_vmx;
	}
	file = anon_inode_getfile("tvmm-vcpu", &tvmm_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto put_fd;
	}
	get_file(vm->file);
	vm->vcpus[id] = vcpu;
	mutex_unlock(&vm->lock);
	fd_install(fd, file);
	return fd;

put_fd:
	put_unused_fd(fd);
free_vmx:
	vmx_vcpu_free(vcpu);
unlock:
	mutex_unlock(&vm->lock);
	free_page((unsigned long)vcpu->run);
free_vcpu:
	kfree(vcpu);
	return err;
}
