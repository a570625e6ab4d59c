/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx.h - the contract between the module core (the files of kmod/) and
 * VMX: all that main.c, dev.c, vm.c and vcpu.c may call in kmod/vmx/,
 * including VMX root operation (vmxon.h, included here). The core
 * includes this header and no other of kmod/vmx/; what only VMX files
 * share is in vmx_internal.h.
 *
 * The state accessors (regs, sregs, MSRs, events...) work on the VMCS, so
 * they run between vmx_vcpu_load_wait() and vmx_vcpu_put(), which make
 * the vCPU's VMCS current on this CPU with preemption disabled, and with
 * vcpu->lock held. No ops table: tvmm has one backend, called directly.
 */
#ifndef TVMM_VMX_VMX_H
#define TVMM_VMX_VMX_H

#include "../tvmm.h"
#include "vmxon.h"

/*
 * At load (caps.c): read and check the capabilities of every online CPU.
 * Returns 0, or -errno after one pr_err() line naming the reason. Call
 * with the CPU hotplug lock held, so the set of CPUs stays put.
 */
int vmx_caps_probe(void);
/* TVMM_GET_VMX_CAPS: the fields of @out that the capability MSRs give. */
void vmx_caps_to_abi(struct tvmm_vmx_caps *out);

/*
 * At load, before any vCPU exists (run.c): 0, or -errno when the host
 * kernel delivers events in a way the run loop cannot follow.
 */
int vmx_run_init(void);

/* A vCPU's VMX half: its VMCS, built for the reset state, and its VPID. */
int vmx_vcpu_create(struct tvmm_vcpu *vcpu);
void vmx_vcpu_free(struct tvmm_vcpu *vcpu);

/*
 * Make the vCPU's VMCS current on this CPU and disable preemption, waiting
 * out a CPU still coming online: 0, -EINTR (fatal signal) or -EIO (VMX is
 * gone). vmx_vcpu_put() ends it.
 */
int vmx_vcpu_load_wait(struct tvmm_vcpu *vcpu);
void vmx_vcpu_put(struct tvmm_vcpu *vcpu);

/* The state ioctls, between load and put (vmcs.c, events.c, msr.c). */
void vmx_get_regs(struct tvmm_vcpu *vcpu, struct tvmm_regs *regs);
void vmx_set_regs(struct tvmm_vcpu *vcpu, const struct tvmm_regs *regs);
void vmx_get_sregs(struct tvmm_vcpu *vcpu, struct tvmm_sregs *sregs);
int vmx_set_sregs(struct tvmm_vcpu *vcpu, const struct tvmm_sregs *sregs);
/* 0, or -ENOENT for an MSR tvmm does not virtualize, -EINVAL for a value. */
int vmx_get_msr(struct tvmm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct tvmm_vcpu *vcpu, u32 index, u64 data);
/* An MSR userspace may not claim (TVMM_SET_USER_MSRS). Any context. */
bool vmx_msr_kernel_owned(u32 index);
void vmx_set_exception_exits(struct tvmm_vcpu *vcpu, u32 vectors);
int vmx_set_intercepts(struct tvmm_vcpu *vcpu, u32 flags);
void vmx_get_events(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_events *ev);
int vmx_set_events(struct tvmm_vcpu *vcpu, const struct tvmm_vcpu_events *ev);
void vmx_get_debugregs(struct tvmm_vcpu *vcpu, struct tvmm_debugregs *dbg);
int vmx_set_debugregs(struct tvmm_vcpu *vcpu,
		      const struct tvmm_debugregs *dbg);
/*
 * TVMM_GET_MSR_INDEX_LIST: the MSRs vmx_get_msr() and vmx_set_msr() save
 * and restore, into @indices if @n is at least their number, which is
 * returned. Any context.
 */
u32 vmx_msr_index_list(u32 *indices, u32 n);

/*
 * TVMM_GET/SET_XSAVE (xsave.c): with vcpu->lock held, outside TVMM_RUN;
 * no VMCS needed. SET: 0 or -EINVAL, the vCPU unchanged.
 */
void vmx_get_xsave(struct tvmm_vcpu *vcpu, struct tvmm_xsave *xs);
int vmx_set_xsave(struct tvmm_vcpu *vcpu, const struct tvmm_xsave *xs);

/*
 * TVMM_RUN (run.c), with vcpu->lock held and the VMCS not loaded: 0 with
 * vcpu->run filled, or -errno (-EINTR: a signal).
 */
int vmx_vcpu_run(struct tvmm_vcpu *vcpu);

#endif /* TVMM_VMX_VMX_H */
