// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - load and unload tvmm.
 *
 * Load: read and check the VMX capabilities of every CPU, allocate the
 * per-CPU VMXON regions, enter VMX root operation everywhere (unless
 * deferred), and only then make /dev/tvmm visible. Any failure unwinds what
 * was done, so a refused load leaves the host as it found it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/module.h>

#include "tvmm.h"

/* The tracepoints' definitions live here, once (trace.h). */
#define CREATE_TRACE_POINTS
#include "trace.h"
#include "vmx/vmx.h"

bool tvmm_defer_vmxon;
module_param_named(defer_vmxon, tvmm_defer_vmxon, bool, 0444);
MODULE_PARM_DESC(defer_vmxon,
		 "Enter VMX root operation only while a VM exists, so that tvmm and another hypervisor can take turns (default: from load to unload)");

static int __init tvmm_init(void)
{
	int err;

	cpus_read_lock();
	err = vmx_caps_probe();
	cpus_read_unlock();
	if (err)
		return err;

	err = vmx_run_init();
	if (err)
		return err;
	err = vmx_root_init();
	if (err)
		return err;
	if (!tvmm_defer_vmxon) {
		err = vmx_root_get();
		if (err)
			goto root_exit;
	}
	err = tvmm_dev_init();
	if (err)
		goto root_put;
	return 0;

root_put:
	if (!tvmm_defer_vmxon)
		vmx_root_put();
root_exit:
	vmx_root_exit();
	return err;
}

static void __exit tvmm_exit(void)
{
	tvmm_dev_exit();
	if (!tvmm_defer_vmxon)
		vmx_root_put();
	vmx_root_exit();
}

module_init(tvmm_init);
module_exit(tvmm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tvmm: a small type-2 hypervisor on Intel VMX");
