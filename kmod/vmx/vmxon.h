/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmxon.h - VMX root operation on every online CPU, held by reference.
 *
 * VMX is on (every online CPU in VMX root operation) while at least one
 * user holds a reference: the module itself from load to unload, or, with
 * defer_vmxon=1, each VM while it exists.
 */
#ifndef TVMM_VMX_VMXON_H
#define TVMM_VMX_VMXON_H

#include <linux/types.h>

/* Allocate the per-CPU VMXON regions; VMX stays off. */
int vmx_root_init(void);
void vmx_root_exit(void);

/*
 * Take a reference on VMX root operation, entering it on every online CPU
 * if this is the first. Returns 0 or -errno (-EBUSY: another hypervisor
 * holds VMX) after one pr_err() line; on failure no CPU is left in VMX.
 */
int vmx_root_get(void);
void vmx_root_put(void);

/* Whether @cpu is in VMX root operation by tvmm now. */
bool vmx_root_cpu_on(unsigned int cpu);

/* The host is going down: VMX is gone for good. */
bool vmx_root_rebooting(void);

#endif /* TVMM_VMX_VMXON_H */
