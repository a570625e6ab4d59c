/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm.h - the module core's objects: VMs and vCPUs.
 *
 * A VM is a file (from TVMM_CREATE_VM) owning guest memory slots and the
 * EPT that maps them; a vCPU is a file (from TVMM_CREATE_VCPU) holding a
 * reference on its VM's file, so a VM lives until its last vCPU is closed.
 */
#ifndef TVMM_TVMM_H
#define TVMM_TVMM_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "../uapi/tvmm.h"
#include "ept/ept.h"
#include "vmx/vmx_vcpu.h"

/* Module parameter: VMXON only while a VM exists (see main.c). */
extern bool tvmm_defer_vmxon;

struct tvmm_memslot {
	u64 gpa;
	u64 npages;			/* 0: the slot is empty */
	u64 uaddr;
	u32 flags;			/* TVMM_MEM_* */
	struct page **pages;		/* pinned for the slot's life */
	/*
	 * TVMM_MEM_LOG_DIRTY: a bit per page written since the last
	 * TVMM_GET_DIRTY_LOG (dirty_log.c), else NULL. Atomic bit operations.
	 */
	unsigned long *dirty_bitmap;
};

/*
 * The MSRs userspace models (TVMM_SET_USER_MSRS). Never changed once
 * published: a new list replaces it, and RCU frees the old one after
 * the vCPUs that may be looking at it.
 */
struct tvmm_user_msr_list {
	struct rcu_head rcu;
	u32 nmsrs;			/* 1 to TVMM_MAX_USER_MSRS */
	u32 indices[TVMM_MAX_USER_MSRS];
};

struct tvmm_vm {
	struct mutex lock;		/* slots, vcpus, tsc_offset */
	/*
	 * Held for read by each vCPU while it may be in the guest, and for
	 * write while the EPT changes, so no CPU walks freed tables.
	 */
	struct rw_semaphore mem_rwsem;
	atomic_t mem_writers;		/* vCPUs should let go of mem_rwsem */
	struct tvmm_memslot slots[TVMM_MAX_MEMSLOTS];
	struct tvmm_ept ept;
	struct tvmm_vcpu *vcpus[TVMM_MAX_VCPUS];
	s64 tsc_offset;
	/* NULL: no user MSR. Set under lock, read under RCU. */
	struct tvmm_user_msr_list __rcu *user_msrs;
	struct mm_struct *mm;		/* the creator's, charged for pins */
	struct file *file;
	u64 id;				/* never reused (run.c's IBPB) */
};

/* The guest's general-purpose registers, as vmx/entry.S saves them. */
enum tvmm_reg {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	NR_TVMM_REGS
};

/* MSRs tvmm keeps for the guest and swaps with the host's around a run. */
struct tvmm_guest_msrs {
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 tsc_aux, pat, misc_enable;
};

struct tvmm_vcpu {
	struct tvmm_vm *vm;
	unsigned int id;
	struct tvmm_run *run;		/* one page, shared with userspace */
	struct mutex lock;		/* one ioctl at a time */

	unsigned long regs[NR_TVMM_REGS];	/* RSP lives in the VMCS */
	unsigned long cr2;		/* VMX does not switch CR2 */
	unsigned long cr8;		/* the guest's TPR, virtual */
	unsigned long dr[4], dr6, dr7;	/* debug registers, virtual */
	struct tvmm_guest_msrs msrs;
	struct fpu_guest fpu;

	struct vmx_vcpu vmx;		/* VMX's own, kmod/vmx/ only */

	/* exits by basic reason, and host TSC cycles spent on them */
	u64 stat_exits[TVMM_NR_VMX_EXIT_REASONS];
	u64 stat_cycles[TVMM_NR_VMX_EXIT_REASONS];

	/* the CPUID table userspace set */
	struct tvmm_cpuid_entry *cpuid;
	u32 cpuid_nent;

	u64 xcr0;			/* the guest's XCR0 */

	/*
	 * External interrupts (TVMM_INTERRUPT): the vector waiting for the
	 * guest to take it, delivered at a VM entry by vmx/events.c.
	 */
	bool irq_queued;
	u8 irq_vector;
	bool irq_window_wanted;		/* run->request_interrupt_window */

	/*
	 * The exit trace ring (TVMM_SET_TRACE): allocated at the first start,
	 * freed with the vCPU; head is tvmm's own, never read back from the
	 * shared ring.
	 */
	bool trace_on;
	struct tvmm_trace_ring *trace_ring;
	u64 trace_head;
};

/* dev.c: /dev/tvmm. Registering it is the last step of loading. */
int tvmm_dev_init(void);
void tvmm_dev_exit(void);

/* vm.c */
int tvmm_vm_create(void);
struct tvmm_memslot *tvmm_gpa_to_slot(struct tvmm_vm *vm, u64 gpa);
bool tvmm_user_msr(struct tvmm_vm *vm, u32 index);

/* dirty_log.c: TVMM_MEM_LOG_DIRTY slots. */
long tvmm_get_dirty_log(struct tvmm_vm *vm, void __user *argp);
u64 tvmm_dirty_log_ept_perm(const struct tvmm_memslot *slot, u64 page);
void tvmm_dirty_log_write_fault(struct tvmm_vm *vm, struct tvmm_memslot *slot,
				u64 gpa);
void tvmm_mark_page_dirty(struct tvmm_memslot *slot, u64 gpa);

/* vcpu.c */
int tvmm_vcpu_create(struct tvmm_vm *vm, unsigned long id);

#endif /* TVMM_TVMM_H */
