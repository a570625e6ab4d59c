/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_internal.h - what the files of kmod/vmx/ share among themselves and
 * the module core never calls: VMCS residency, the VMCS builder and its
 * checks, the entry code, and the steps of a session (run.c) that live in
 * the exit-handling files. The exit handlers' own helpers are in exits.h.
 *
 * Unless a comment says otherwise, everything here runs with this vCPU's
 * VMCS current on this CPU (preemption off) and vcpu->lock held.
 */
#ifndef TVMM_VMX_VMX_INTERNAL_H
#define TVMM_VMX_VMX_INTERNAL_H

#include <linux/lockdep.h>
#include <asm/cpufeature.h>

#include "vmx.h"

struct guest_paging;

/* run.c: VMCS residency (SDM Vol. 3C, 25.11.1). */
int vmx_vcpu_load(struct tvmm_vcpu *vcpu);
/* WARN once unless @vcpu's VMCS is the current one on this CPU. */
void vmx_assert_loaded(struct tvmm_vcpu *vcpu);

/*
 * At the contract's state operations (vcpu.c's state ioctls, between
 * vmx_vcpu_load_wait() and vmx_vcpu_put()): vcpu->lock held, and the
 * vCPU's VMCS current on this CPU.
 */
static inline void vmx_assert_state_op(struct tvmm_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->lock);
	vmx_assert_loaded(vcpu);
}

/*
 * The host runs with CR4.OSXSAVE: only then are XGETBV and XSETBV usable
 * in the host (else #UD, Vol. 2C), and can the guest have XCR0. A host
 * booted with noxsave, or a CPU or hypervisor without XSAVE, has neither.
 */
static inline bool vmx_host_osxsave(void)
{
	return cpu_feature_enabled(X86_FEATURE_OSXSAVE);
}

/* xsave.c: an XCR0 the guest may have (XSETBV, TVMM_SET_XSAVE). */
bool vmx_xcr0_valid(struct tvmm_vcpu *vcpu, u64 xcr0);

/* CPU hotplug: VMCLEAR every VMCS active on this CPU before VMXOFF. */
void vmx_clear_loaded_vmcss(void);

/* vmcs.c: the VMCS tvmm builds, and what it needs at load. */
int vmx_setup_vmcs(struct tvmm_vcpu *vcpu);
void vmx_set_host_state_per_cpu(void);
u32 vmx_exception_bitmap(u32 guest_vectors);
bool vmx_guest_has_rdtscp(void);
bool vmx_cr0_valid(unsigned long cr0);
bool vmx_cr4_valid(unsigned long cr4);
bool vmx_efer_valid(u64 efer);
void vmx_write_cr0(struct tvmm_vcpu *vcpu, unsigned long cr0);
void vmx_write_cr4(struct tvmm_vcpu *vcpu, unsigned long cr4);
bool vmx_pdptes_valid(struct tvmm_vcpu *vcpu, unsigned long cr0,
		      unsigned long cr4);
/* The paging state guest.c's page walk needs, from the guest's VMCS. */
void vmx_guest_paging(struct tvmm_vcpu *vcpu, struct guest_paging *paging);

/* entry.S: enter the guest; 0 after a VM exit, 1 on VMfail. */
int __vmx_vcpu_run(unsigned long *regs, bool launched);
void __vmx_vmexit(void);

/* guest_checks.c: TVMM_GUEST_CHECK_*, after a refused guest state. */
u32 vmx_guest_state_check(struct tvmm_vcpu *vcpu);

/* io.c: finish what userspace completed, before the next entry. */
int vmx_complete_userspace_exit(struct tvmm_vcpu *vcpu);

/* events.c: the pending event and external interrupts around entries. */
void vmx_fit_pending_event(void);
bool vmx_inject_interrupt(struct tvmm_vcpu *vcpu);
void vmx_cancel_interrupt(struct tvmm_vcpu *vcpu);
void vmx_report_interrupt_state(struct tvmm_vcpu *vcpu);

#endif /* TVMM_VMX_VMX_INTERNAL_H */
