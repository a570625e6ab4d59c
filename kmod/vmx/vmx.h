/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx.h - what the module core asks of VMX for a vCPU.
 *
 * State accessors (regs, sregs, MSRs) work on the VMCS, so they run between
 * vmx_vcpu_load() and vmx_vcpu_put(), which make the vCPU's VMCS current on
 * this CPU with preemption disabled.
 */
#ifndef TVMM_VMX_VMX_H
#define TVMM_VMX_VMX_H

#include "../tvmm.h"

struct guest_paging;

int vmx_vcpu_create(struct tvmm_vcpu *vcpu);
void vmx_vcpu_free(struct tvmm_vcpu *vcpu);

int vmx_vcpu_load(struct tvmm_vcpu *vcpu);
int vmx_vcpu_load_wait(struct tvmm_vcpu *vcpu);
void vmx_vcpu_put(struct tvmm_vcpu *vcpu);

void vmx_get_regs(struct tvmm_vcpu *vcpu, struct tvmm_regs *regs);
void vmx_set_regs(struct tvmm_vcpu *vcpu, const struct tvmm_regs *regs);
void vmx_get_sregs(struct tvmm_vcpu *vcpu, struct tvmm_sregs *sregs);
int vmx_set_sregs(struct tvmm_vcpu *vcpu, const struct tvmm_sregs *sregs);
/* 0, or -ENOENT for an MSR tvmm does not virtualize, -EINVAL for a value. */
int vmx_get_msr(struct tvmm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct tvmm_vcpu *vcpu, u32 index, u64 data);
void vmx_set_exception_exits(struct tvmm_vcpu *vcpu, u32 vectors);
int vmx_set_intercepts(struct tvmm_vcpu *vcpu, u32 flags);

/* TVMM_RUN: 0 with vcpu->run filled, or -errno (-EINTR: signal). */
int vmx_vcpu_run(struct tvmm_vcpu *vcpu);

void vmx_run_init(void);
/* CPU hotplug: VMCLEAR every VMCS active on this CPU before VMXOFF. */
void vmx_clear_loaded_vmcss(void);

/* vmcs.c: the VMCS tvmm builds, and what it needs at load. */
int vmx_setup_vmcs(struct tvmm_vcpu *vcpu);
void vmx_set_host_state_per_cpu(void);
void vmx_guest_reset(struct tvmm_vcpu *vcpu);
unsigned long vmx_guest_cr0(unsigned long cr0);
unsigned long vmx_guest_cr4(unsigned long cr4);
u32 vmx_exception_bitmap(u32 guest_vectors);
bool vmx_guest_has_rdtscp(void);
bool vmx_cr0_valid(unsigned long cr0);
bool vmx_cr4_valid(unsigned long cr4);
bool vmx_efer_valid(u64 efer);
void vmx_write_cr0(struct tvmm_vcpu *vcpu, unsigned long cr0);
void vmx_write_cr4(struct tvmm_vcpu *vcpu, unsigned long cr4);
void vmx_guest_paging(struct tvmm_vcpu *vcpu, struct guest_paging *paging);

/* entry.S: enter the guest; 0 after a VM exit, 1 on VMfail. */
int __vmx_vcpu_run(unsigned long *regs, bool launched);
void __vmx_vmexit(void);

/* guest_checks.c: TVMM_GUEST_CHECK_*, after a refused guest state */
u32 vmx_guest_state_check(struct tvmm_vcpu *vcpu);

/* exits.c */
int vmx_handle_exit(struct tvmm_vcpu *vcpu, u32 exit_reason);

/* io.c */
int vmx_complete_userspace_exit(struct tvmm_vcpu *vcpu);

/* events.c */
void vmx_fit_pending_event(void);
void vmx_get_events(struct tvmm_vcpu *vcpu, struct tvmm_vcpu_events *ev);
int vmx_set_events(struct tvmm_vcpu *vcpu, const struct tvmm_vcpu_events *ev);
bool vmx_inject_interrupt(struct tvmm_vcpu *vcpu);
void vmx_cancel_interrupt(struct tvmm_vcpu *vcpu);
void vmx_report_interrupt_state(struct tvmm_vcpu *vcpu);

#endif /* TVMM_VMX_VMX_H */
