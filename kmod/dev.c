// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/tvmm and its system ioctls.
 *
 * Every ioctl checks all of its input before it changes or returns
 * anything: a bad pointer is -EFAULT, a wrong size or a non-zero flag or
 * reserved field is -EINVAL, an unknown command is -ENOTTY.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>

#include "../uapi/tvmm.h"
#include "tvmm.h"
#include "vmx/vmx.h"

static long tvmm_check_extension(unsigned long ext)
{
	switch (ext) {
	case TVMM_CAP_VMX_CAPS:
		return 1;
	case TVMM_CAP_NR_MEMSLOTS:
		return TVMM_MAX_MEMSLOTS;
	case TVMM_CAP_MAX_VCPUS:
		return TVMM_MAX_VCPUS;
	case TVMM_CAP_VCPU_STATS:
	case TVMM_CAP_INTERCEPTS:
	case TVMM_CAP_VCPU_EVENTS:
	case TVMM_CAP_INTERRUPT:
	case TVMM_CAP_TRACE:
	case TVMM_CAP_KERNEL_HYPERCALLS:
	case TVMM_CAP_USER_MSRS:
	case TVMM_CAP_XSAVE:
	case TVMM_CAP_DEBUGREGS:
	case TVMM_CAP_MSR_INDEX_LIST:
	case TVMM_CAP_DIRTY_LOG:
		return 1;
	case TVMM_CAP_TSC_KHZ:
		/* The guest's TSC is the host's plus an offset, never scaled. */
		return tsc_khz;
	}
	return 0;
}

/*
 * The capabilities come from VMX (caps.c); the CPUs and whether they are
 * in VMX root operation now are the module's own state.
 */
static void tvmm_fill_vmx_caps(struct tvmm_vmx_caps *out)
{
	unsigned int cpu;

	out->size = sizeof(*out);
	vmx_caps_to_abi(out);
	out->nr_cpu_ids = nr_cpu_ids;
	if (tvmm_defer_vmxon)
		out->state |= TVMM_CAPS_VMXON_DEFERRED;
	if (nr_cpu_ids > TVMM_MAX_CPUS)
		out->state |= TVMM_CAPS_CPUS_TRUNCATED;

	for_each_online_cpu(cpu) {
		if (cpu >= TVMM_MAX_CPUS)
			break;
		out->online_cpus[cpu / 64] |= BIT_ULL(cpu % 64);
		if (vmx_root_cpu_on(cpu))
			out->vmxon_cpus[cpu / 64] |= BIT_ULL(cpu % 64);
	}
}

static long tvmm_get_vmx_caps(struct tvmm_vmx_caps __user *argp)
{
	struct tvmm_vmx_caps caps;

	if (copy_from_user(&caps, argp, sizeof(caps)))
		return -EFAULT;
	if (caps.size != sizeof(caps) || caps.flags ||
	    memchr_inv(caps.reserved, 0, sizeof(caps.reserved)))
		return -EINVAL;

	memset(&caps, 0, sizeof(caps));
	tvmm_fill_vmx_caps(&caps);
	if (copy_to_user(argp, &caps, sizeof(caps)))
		return -EFAULT;
	return 0;
}

/* The MSRs a VMM saves and restores: all of them, or -E2BIG. */
static long tvmm_get_msr_index_list(struct tvmm_msr_list __user *argp)
{
	struct tvmm_msr_list hdr;
	u32 indices[TVMM_MAX_MSR_ENTRIES];
	u32 n;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.flags)
		return -EINVAL;
	n = vmx_msr_index_list(indices, min_t(u32, hdr.nmsrs,
					      ARRAY_SIZE(indices)));
	if (WARN_ON_ONCE(n > ARRAY_SIZE(indices)))
		return -EIO;
	if (put_user(n, &argp->nmsrs))
		return -EFAULT;
	if (hdr.nmsrs < n)
		return -E2BIG;
	if (copy_to_user(argp->indices, indices, n * sizeof(*indices)))
		return -EFAULT;
	return 0;
}

static long tvmm_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case TVMM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return TVMM_API_VERSION;
	case TVMM_CHECK_EXTENSION:
		return tvmm_check_extension(arg);
	case TVMM_GET_VMX_CAPS:
		return tvmm_get_vmx_caps((void __user *)arg);
	case TVMM_CREATE_VM:
		return arg ? -EINVAL : tvmm_vm_create();
	case TVMM_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	case TVMM_GET_MSR_INDEX_LIST:
		return tvmm_get_msr_index_list((void __user *)arg);
	}
	return -ENOTTY;
}

/* .owner pins the module while a file is open: rmmod gets -EAGAIN. */
static const struct file_operations tvmm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= tvmm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice tvmm_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "tvmm",
	.fops	= &tvmm_dev_fops,
	.mode	= 0600,
};

int tvmm_dev_init(void)
{
	int err = misc_register(&tvmm_dev);

	if (err)
		pr_err("cannot register /dev/tvmm (%d)\n", err);
	return err;
}

void tvmm_dev_exit(void)
{
	misc_deregister(&tvmm_dev);
}
