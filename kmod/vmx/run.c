// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - running a vCPU: its VMCS on a CPU, and the loop around VM entry.
 *
 * A VMCS is active on at most one CPU and must be VMCLEARed there before
 * another CPU may VMPTRLD it (SDM Vol. 3C, 25.11.1 "Software Use of the
 * VMCS and Related Structures"). Each CPU keeps the list of VMCSs active on
 * it, so a vCPU whose thread moved, a vCPU being freed and a CPU going
 * offline can all clear them.
 *
 * TVMM_RUN alternates sessions and checks. A session runs with preemption
 * disabled, the guest's syscall MSRs loaded and host state written into the
 * VMCS; inside it, each VM entry is made with interrupts disabled, and
 * interrupts are enabled right after the exit so the host takes its own
 * interrupts at once; before that, the host's debug registers and
 * DEBUGCTL are back as the kernel last set them. A session ends on an
 * exit for userspace, or when the host needs the CPU (need_resched), a
 * signal is pending, or the VM's memory map is about to change.
 *
 * Right before each entry, a queued external interrupt goes into the VMCS
 * when the guest can take it (events.c). After each exit, when userspace
 * traces the vCPU (TVMM_SET_TRACE), the exit goes into the trace ring; a
 * full ring stops the vCPU before its next entry (TVMM_EXIT_TRACE_FULL),
 * so no exit is lost.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/mm.h>
#include <asm/io.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/segment.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>

#include "../trace.h"
#include "caps.h"
#include "exits.h"
#include "vmcs.h"
#include "vmx_internal.h"
#include "vmx_ops.h"
#include "vmx_sdm.h"

static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(struct tvmm_vcpu *, current_vcpu);
/*
 * The id of the VM whose vCPU was last loaded on this CPU (0: none yet).
 * Unlike current_vcpu it survives VMCLEAR and points at nothing that can
 * be freed, so the IBPB decision needs no lock against vCPU teardown.
 * Used with preemption disabled.
 */
static DEFINE_PER_CPU(u64, last_vm_id);
static DEFINE_IDA(vpid_ida);

int vmx_run_init(void)
{
	int cpu;

#ifdef X86_FEATURE_FRED
	/*
	 * vmx_forward_host_events() hands NMIs and machine checks to the
	 * host with INT 2 and INT 18, through the IDT. Under FRED (Linux
	 * 6.9 and later, fred=on) a software INT n other than 3 and 4 is a
	 * #GP, so every NMI taken in the guest would become a kernel #GP.
	 * Linux 6.1 has no FRED and compiles this out.
	 */
	if (cpu_feature_enabled(X86_FEATURE_FRED)) {
		pr_err("the kernel uses FRED, and tvmm forwards NMIs and machine checks through the IDT: boot with fred=off\n");
		return -EOPNOTSUPP;
	}
#endif
	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(loaded_vmcss, cpu));
	return 0;
}

/* On the CPU where @data's VMCS is active. */
static void vmcs_clear_local(void *data)
{
	struct tvmm_vcpu *vcpu = data;
	int cpu = raw_smp_processor_id();

	if (vcpu->vmx.cpu != cpu)
		return;
	vmx_vmclear(page_to_phys(vcpu->vmx.vmcs));
	if (per_cpu(current_vcpu, cpu) == vcpu)
		per_cpu(current_vcpu, cpu) = NULL;
	list_del(&vcpu->vmx.loaded_link);
	/* The list and the VMCS are done before another CPU sees cpu = -1. */
	smp_wmb();
	vcpu->vmx.cpu = -1;
	vcpu->vmx.launched = false;
}

static void vcpu_vmcs_clear(struct tvmm_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->vmx.cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmcs_clear_local, vcpu, 1);
}

void vmx_clear_loaded_vmcss(void)
{
	struct tvmm_vcpu *vcpu, *next;

	list_for_each_entry_safe(vcpu, next, this_cpu_ptr(&loaded_vmcss),
				 vmx.loaded_link)
		vmcs_clear_local(vcpu);
}

int vmx_vcpu_load(struct tvmm_vcpu *vcpu)
{
	bool moved;
	int cpu;

	preempt_disable();
	cpu = smp_processor_id();
	/* A CPU coming online may not have done VMXON yet. */
	if (!vmx_root_cpu_on(cpu)) {
		preempt_enable();
		return vmx_root_rebooting() ? -EIO : -EAGAIN;
	}
	moved = vcpu->vmx.cpu != cpu;
	if (moved) {
		vcpu_vmcs_clear(vcpu);
		/* Pairs with vmcs_clear_local(): the old CPU is done with it. */
		smp_rmb();
		local_irq_disable();
		list_add(&vcpu->vmx.loaded_link, this_cpu_ptr(&loaded_vmcss));
		vcpu->vmx.cpu = cpu;
		local_irq_enable();
		ept_note_cpu(&vcpu->vm->ept, cpu);
	}
	if (per_cpu(current_vcpu, cpu) != vcpu) {
		/* Another VM ran here: it must not steer our branches. */
		if (per_cpu(last_vm_id, cpu) != vcpu->vm->id) {
			indirect_branch_prediction_barrier();
			per_cpu(last_vm_id, cpu) = vcpu->vm->id;
		}
		if (vmx_vmptrld(page_to_phys(vcpu->vmx.vmcs))) {
			pr_err_ratelimited("VMPTRLD failed on CPU%d\n", cpu);
			preempt_enable();
			return -EIO;
		}
		per_cpu(current_vcpu, cpu) = vcpu;
	}
	/* This CPU may hold stale translations tagged with our VPID. */
	if (moved && vcpu->vmx.vpid)
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, vcpu->vmx.vpid);
	return 0;
}

/*
 * The contract's state operations need the vCPU's VMCS current on this
 * CPU: a host bug if not. Two per-CPU reads, outside the exit path. A
 * reboot's IPI may have cleared every VMCS and left VMX on this CPU
 * (vmxon.c) since the load: not a bug, and the IPI, which runs whole on
 * this CPU, has then also turned vmx_root_cpu_on() false.
 */
void vmx_assert_loaded(struct tvmm_vcpu *vcpu)
{
	WARN_ON_ONCE(this_cpu_read(current_vcpu) != vcpu &&
		     vmx_root_cpu_on(smp_processor_id()));
}

void vmx_vcpu_put(struct tvmm_vcpu *vcpu)
{
	vmx_assert_loaded(vcpu);
	preempt_enable();
}

/* vmx_vcpu_load(), waiting out a CPU that is still coming online. */
int vmx_vcpu_load_wait(struct tvmm_vcpu *vcpu)
{
	int err;

	while ((err = vmx_vcpu_load(vcpu)) == -EAGAIN) {
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return err;
}

int vmx_vcpu_create(struct tvmm_vcpu *vcpu)
{
	int err, vpid = 0;

	vcpu->vmx.cpu = -1;
	INIT_LIST_HEAD(&vcpu->vmx.loaded_link);
	vcpu->vmx.vmcs = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	vcpu->vmx.io_bitmap = (u64 *)__get_free_pages(GFP_KERNEL_ACCOUNT, 1);
	vcpu->vmx.msr_bitmap = (u64 *)__get_free_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->vmx.vmcs || !vcpu->vmx.io_bitmap || !vcpu->vmx.msr_bitmap) {
		err = -ENOMEM;
		goto free;
	}
	/* All ones: every port and every MSR access exits (25.6.4, 25.6.9). */
	memset(vcpu->vmx.io_bitmap, 0xff, 2 * PAGE_SIZE);
	memset(vcpu->vmx.msr_bitmap, 0xff, PAGE_SIZE);
	*(u32 *)page_address(vcpu->vmx.vmcs) = vmx_caps.basic &
					   IA32_VMX_BASIC_REVISION_MASK;
	/* VPID only if tvmm can flush it (INVVPID single-context). */
	if ((vmx_caps_features(&vmx_caps) & BIT_ULL(TVMM_VMX_VPID)) &&
	    (vmx_caps.ept_vpid & VPID_CAP_INVVPID_SINGLE)) {
		vpid = ida_alloc_range(&vpid_ida, 1, 0xffff, GFP_KERNEL);
		if (vpid < 0)
			vpid = 0;	/* run without VPID, flushing instead */
	}
	vcpu->vmx.vpid = vpid;
	/*
	 * Not charged to the memory cgroup: the kernel allocates it with a
	 * plain vzalloc() in 6.1, for KVM as well, and takes no GFP flags.
	 */
	if (!fpu_alloc_guest_fpstate(&vcpu->fpu)) {
		err = -ENOMEM;
		goto free_vpid;
	}

	/* A new VMCS region is made clear before it is first loaded. */
	preempt_disable();
	err = vmx_vmclear(page_to_phys(vcpu->vmx.vmcs)) ? -EIO : 0;
	preempt_enable();
	if (err)
		goto free_fpu;
	err = vmx_vcpu_load_wait(vcpu);
	if (err)
		goto free_fpu;
	err = vmx_setup_vmcs(vcpu);
	vmx_vcpu_put(vcpu);
	if (err)
		goto free_fpu;
	return 0;

free_fpu:
	vcpu_vmcs_clear(vcpu);
	fpu_free_guest_fpstate(&vcpu->fpu);
free_vpid:
	if (vpid)
		ida_free(&vpid_ida, vpid);
free:
	free_page((unsigned long)vcpu->vmx.msr_bitmap);
	free_pages((unsigned long)vcpu->vmx.io_bitmap, 1);
	if (vcpu->vmx.vmcs)
		__free_page(vcpu->vmx.vmcs);
	return err;
}

void vmx_vcpu_free(struct tvmm_vcpu *vcpu)
{
	vcpu_vmcs_clear(vcpu);
	fpu_free_guest_fpstate(&vcpu->fpu);
	if (vcpu->vmx.vpid)
		ida_free(&vpid_ida, vcpu->vmx.vpid);
	free_page((unsigned long)vcpu->vmx.msr_bitmap);
	free_pages((unsigned long)vcpu->vmx.io_bitmap, 1);
	__free_page(vcpu->vmx.vmcs);
}

/* The host's values of the MSRs a guest may own during a session. */
struct host_msrs {
	u64 star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux;
};

static void vmx_switch_msrs_to_guest(struct tvmm_vcpu *vcpu,
				     struct host_msrs *host)
{
	rdmsrl(MSR_STAR, host->star);
	rdmsrl(MSR_LSTAR, host->lstar);
	rdmsrl(MSR_CSTAR, host->cstar);
	rdmsrl(MSR_SYSCALL_MASK, host->sfmask);
	rdmsrl(MSR_KERNEL_GS_BASE, host->kernel_gs_base);
	wrmsrl(MSR_STAR, vcpu->msrs.star);
	wrmsrl(MSR_LSTAR, vcpu->msrs.lstar);
	wrmsrl(MSR_CSTAR, vcpu->msrs.cstar);
	wrmsrl(MSR_SYSCALL_MASK, vcpu->msrs.sfmask);
	wrmsrl(MSR_KERNEL_GS_BASE, vcpu->msrs.kernel_gs_base);
	if (vmx_guest_has_rdtscp()) {
		rdmsrl(MSR_TSC_AUX, host->tsc_aux);
		wrmsrl(MSR_TSC_AUX, vcpu->msrs.tsc_aux);
	}
}

static void vmx_switch_msrs_to_host(struct tvmm_vcpu *vcpu,
				    const struct host_msrs *host)
{
	/* SWAPGS in the guest changes KERNEL_GS_BASE without an exit. */
	rdmsrl(MSR_KERNEL_GS_BASE, vcpu->msrs.kernel_gs_base);
	wrmsrl(MSR_STAR, host->star);
	wrmsrl(MSR_LSTAR, host->lstar);
	wrmsrl(MSR_CSTAR, host->cstar);
	wrmsrl(MSR_SYSCALL_MASK, host->sfmask);
	wrmsrl(MSR_KERNEL_GS_BASE, host->kernel_gs_base);
	if (vmx_guest_has_rdtscp())
		wrmsrl(MSR_TSC_AUX, host->tsc_aux);
}

/* VM entry failed: @exit is NULL for a VMfail, else the failed entry. */
static void vmx_report_entry_failure(struct tvmm_vcpu *vcpu,
				     struct vmx_exit *exit)
{
	struct tvmm_run *run = vcpu->run;

	run->exit_reason = TVMM_EXIT_FAIL_ENTRY;
	memset(&run->fail_entry, 0, sizeof(run->fail_entry));
	if (!exit) {
		run->fail_entry.vm_instruction_error =
			vmcs_read32(VM_INSTRUCTION_ERROR);
	} else {
		run->fail_entry.hardware_entry_failure_reason = exit->reason;
		run->fail_entry.qualification = vmx_exit_qual(exit);
		if (exit->reason == EXIT_REASON_INVALID_GUEST_STATE)
			run->fail_entry.guest_state_check =
				vmx_guest_state_check(vcpu);
	}
}

/*
 * Give the host the NMI or machine check the exit consumed (NMI exiting,
 * #MC in the exception bitmap, or a machine check during VM entry), with
 * interrupts still off, as if the CPU had delivered it. Through the IDT:
 * vmx_run_init() refuses a kernel that uses FRED.
 */
static void vmx_forward_host_events(struct vmx_exit *exit)
{
	u32 info;

	if (exit->reason == EXIT_REASON_MACHINE_CHECK) {
		asm volatile("int %0" : : "i" (X86_TRAP_MC));
		return;
	}
	if (exit->reason != EXIT_REASON_EXCEPTION_NMI)
		return;
	info = vmx_exit_intr_info(exit);
	if (!intr_info_valid(info))
		return;
	if (intr_info_type(info) == INTR_TYPE_NMI)
		asm volatile("int %0" : : "i" (X86_TRAP_NMI));
	else if (intr_info_vector(info) == X86_TRAP_MC)
		asm volatile("int %0" : : "i" (X86_TRAP_MC));
}

/*
 * Per-vCPU statistics: one more exit of this reason, and its cost, which
 * is returned.
 */
static u64 vmx_count_exit(struct tvmm_vcpu *vcpu, u32 basic, u64 exit_tsc)
{
	u64 cycles = rdtsc_ordered() - exit_tsc;

	if (basic < TVMM_NR_VMX_EXIT_REASONS) {
		vcpu->stat_exits[basic]++;
		vcpu->stat_cycles[basic] += cycles;
	}
	return cycles;
}

/*
 * The trace ring (uapi/tvmm.h, struct tvmm_trace_ring): tvmm writes
 * entries at its own head and publishes head with a release store;
 * userspace's tail is only compared with head, never used as an index.
 * The acquire load of tail pairs with userspace's release of it: it has
 * read the entries it gave back before tvmm writes over them.
 */
static bool vmx_trace_full(struct tvmm_vcpu *vcpu)
{
	u64 tail;

	/* Userspace is done with what it gave back (its release of tail). */
	tail = smp_load_acquire(&vcpu->trace_ring->tail);
	/* A tail farther than that from head counts as a drained ring. */
	return vcpu->trace_head - tail == TVMM_TRACE_ENTRIES;
}

/*
 * @exit's info[] is what its handler noted; an event's information is
 * the exit's own (interruption information and error code).
 */
static void vmx_trace_append(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
			     unsigned long rip, u8 insn_len, u64 cycles,
			     u8 handled_by)
{
	struct tvmm_trace_ring *ring = vcpu->trace_ring;
	u64 head = vcpu->trace_head;
	struct tvmm_trace_entry *e = &ring->entries[head % TVMM_TRACE_ENTRIES];
	u32 info;

	e->seq = vcpu->run->exit_count;
	e->rip = rip;
	e->qualification = vmx_exit_qual(exit);
	if (exit->reason == EXIT_REASON_EXCEPTION_NMI ||
	    exit->reason == EXIT_REASON_EXTERNAL_INTERRUPT) {
		info = vmx_exit_intr_info(exit);
		e->info[0] = info;
		e->info[1] = intr_info_has_error_code(info) ?
			     vmcs_read32(VM_EXIT_INTR_ERROR_CODE) : 0;
		e->info[2] = 0;
	} else {
		memcpy(e->info, exit->info, sizeof(e->info));
	}
	e->exit_reason = exit->reason;
	e->handled_by = handled_by;
	e->insn_len = insn_len;
	e->padding = 0;
	e->cycles = cycles;
	vcpu->trace_head = head + 1;
	/* The entry is complete before userspace sees head move past it. */
	smp_store_release(&ring->head, head + 1);
}

/*
 * vmx_handle_exit() and the statistics, when the vCPU is traced: the exit
 * also goes into the ring, with the RIP and qualification it had before
 * its handler ran. An exit handled here that fills the ring ends the run
 * (TVMM_EXIT_TRACE_FULL) instead of entering the guest again.
 */
static noinline int vmx_handle_exit_traced(struct tvmm_vcpu *vcpu,
					   struct vmx_exit *exit, u64 exit_tsc)
{
	u32 basic = exit->reason;
	unsigned long rip = vmcs_readl(GUEST_RIP);
	u8 insn_len = 0;
	u64 cycles;
	int ret;

	if (basic == EXIT_REASON_XRSTORS ||
	    (basic < 64 && (EXIT_REASONS_WITH_INSN_LEN & BIT_ULL(basic))))
		insn_len = vmx_exit_insn_len(exit);
	memset(exit->info, 0, sizeof(exit->info));
	ret = vmx_handle_exit(vcpu, exit);
	cycles = vmx_count_exit(vcpu, basic, exit_tsc);
	vmx_trace_append(vcpu, exit, rip, insn_len, cycles,
			 ret == 1 ? TVMM_TRACE_BY_KERNEL : TVMM_TRACE_BY_USER);
	if (ret == 1 && vmx_trace_full(vcpu)) {
		vcpu->run->exit_reason = TVMM_EXIT_TRACE_FULL;
		ret = 0;
	}
	return ret;
}

/* A failed VM entry is an exit too (exit_count counts it): traced. */
static void vmx_trace_failed_entry(struct tvmm_vcpu *vcpu,
				   struct vmx_exit *exit)
{
	memset(exit->info, 0, sizeof(exit->info));
	vmx_trace_append(vcpu, exit, vmcs_readl(GUEST_RIP), 0, 0,
			 TVMM_TRACE_BY_USER);
}

/*
 * Right before VM entry, with interrupts off: leave the guest nothing of
 * the host's in the L1 data cache where the CPU leaks it (L1TF) and can
 * flush it. The store, fill and load buffers are emptied later, in
 * entry.S, after the last load from host memory (CLEAR_CPU_BUFFERS: the
 * kernel's decision, for MDS, TAA, RFDS and MMIO stale data). The MMIO
 * stale data case the kernel leaves to hypervisors (mmio_stale_data_clear)
 * is for guests given a device's MMIO; a tvmm guest never is, since
 * memory slots hold only pinned pages.
 */
static __always_inline void vmx_flush_l1d(void)
{
	if (boot_cpu_has_bug(X86_BUG_L1TF) && boot_cpu_has(X86_FEATURE_FLUSH_L1D))
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
}

/*
 * The host's debug state around one VM entry, with interrupts off, so
 * that what is restored is what is true now: perf and ptrace change DR7
 * and DEBUGCTL from IPIs, which a snapshot taken earlier would undo or
 * miss. VM entry loads the guest's DR7 and DEBUGCTL (the debug controls,
 * vmcs.c); VM exit sets DR7 to DR7_FIXED_1 and clears DEBUGCTL (28.5.1).
 * Host breakpoints are disarmed up to the entry, so none fires in its
 * path, and the kernel's per-CPU copy (hw_breakpoint_restore()) brings
 * them back, with a clean DR6, right after the exit. Returns the host's
 * DEBUGCTL.
 */
static __always_inline u64 vmx_host_debug_save(void)
{
	if (unlikely(hw_breakpoint_active()))
		set_debugreg(0, 7);
	/*
	 * The bare RDMSR, not get_debugctlmsr()'s paravirt call: this runs
	 * at every entry, and DEBUGCTL exists on every CPU with VMX.
	 */
	return __rdmsr(MSR_IA32_DEBUGCTLMSR);
}

static __always_inline void vmx_host_debug_restore(u64 host_debugctl)
{
	if (unlikely(hw_breakpoint_active()))
		hw_breakpoint_restore();
	if (host_debugctl)
		update_debugctlmsr(host_debugctl);
}

/*
 * Returns 1 when the session ended for the host's sake (run again), 0
 * when vcpu->run holds an exit for userspace, or -errno.
 */
static int vmx_session(struct tvmm_vcpu *vcpu)
{
	struct tvmm_vm *vm = vcpu->vm;
	/* No CR4.OSXSAVE in the guest without the host's (vmx_cr4_valid()). */
	u64 host_xcr0 = vmx_host_osxsave() ?
			xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
	u64 host_debugctl;
	u16 ds, es, fs, gs, ldt;
	struct vmx_exit *exit = &vcpu->vmx.exit;
	struct host_msrs host;
	bool switch_xcr0, injected;
	u32 exit_reason;
	u64 exit_tsc;
	int ret;

	/* Userspace has not drained the ring: the next exit has no room. */
	if (unlikely(vcpu->trace_on) && vmx_trace_full(vcpu)) {
		vcpu->run->exit_reason = TVMM_EXIT_TRACE_FULL;
		return 0;
	}

	/* A VM exit loads null selectors and an unusable LDTR (28.5.2). */
	savesegment(ds, ds);
	savesegment(es, es);
	savesegment(fs, fs);
	savesegment(gs, gs);
	asm volatile("sldt %0" : "=g" (ldt));
	vmx_set_host_state_per_cpu();
	vcpu->vmx.host_cr4 = cr4_read_shadow();
	if (vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & CPU_CTL_USE_TSC_OFFSETTING)
		vmcs_write64(TSC_OFFSET, READ_ONCE(vm->tsc_offset));
	vmx_switch_msrs_to_guest(vcpu, &host);

	for (;;) {
		if (vcpu->vmx.preemption_timer)
			vmcs_write32(VMX_PREEMPTION_TIMER_VALUE,
				     tsc_khz >>
				     (vmx_caps.misc &
				      IA32_VMX_MISC_PREEMPTION_TIMER_RATE));

		/* XCR0 matters to the guest once it has set CR4.OSXSAVE. */
		switch_xcr0 = vcpu->xcr0 != host_xcr0 &&
			      (vmcs_readl(CR4_READ_SHADOW) & X86_CR4_OSXSAVE);

		local_irq_disable();
		/*
		 * Checked with interrupts off: a wakeup, a signal's kick or
		 * the EPT rebuild's IPI arriving now is seen at the exit it
		 * causes. A reboot may have taken VMX away (vmxon.c).
		 */
		if (need_resched() || signal_pending(current) ||
		    atomic_read(&vm->mem_writers) ||
		    !vmx_root_cpu_on(smp_processor_id())) {
			local_irq_enable();
			ret = vmx_root_cpu_on(smp_processor_id()) ? 1 : -EIO;
			break;
		}
		/*
		 * Injected only now, with interrupts off and every reason to
		 * leave checked: from here the entry happens, so the vector
		 * is not lost in an injection the guest never sees.
		 */
		injected = false;
		if (unlikely(vcpu->irq_queued | vcpu->irq_window_wanted |
			     vcpu->vmx.irq_window_exiting))
			injected = vmx_inject_interrupt(vcpu);
		/* An IPI may have changed CR4 (e.g. perf's CR4.PCE). */
		if (cr4_read_shadow() != vcpu->vmx.host_cr4) {
			vcpu->vmx.host_cr4 = cr4_read_shadow();
			vmcs_writel(HOST_CR4, vcpu->vmx.host_cr4);
		}
		if (native_read_cr2() != vcpu->cr2)
			native_write_cr2(vcpu->cr2);
		/*
		 * The registers hold the guest's FPU state only while
		 * TIF_NEED_FPU_LOAD is clear. A task switch since the swap
		 * (cond_resched() or a sleep in vmx_vcpu_run()) or an
		 * interrupt's kernel_fpu_begin() after an exit left another
		 * task's or the kernel's values there: reload the guest's,
		 * now that nothing can take the registers before the entry.
		 */
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		if (switch_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
		host_debugctl = vmx_host_debug_save();
		vmx_flush_l1d();
		ret = __vmx_vcpu_run(vcpu->regs, vcpu->vmx.launched);
		vmx_host_debug_restore(host_debugctl);
		if (switch_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
		vcpu->cr2 = native_read_cr2();
		if (ret) {
			local_irq_enable();
			if (injected)
				vmx_cancel_interrupt(vcpu);
			vmx_report_entry_failure(vcpu, NULL);
			ret = 0;
			break;
		}
		/*
		 * VMSCAPE: the guest may have steered the branches of this
		 * CPU's userspace, the VMM included; the kernel issues an IBPB
		 * before it next returns there. On this CPU: preemption is off.
		 */
		if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
			this_cpu_write(x86_ibpb_exit_to_user, true);
		exit_reason = vmcs_read32(VM_EXIT_REASON);
		exit->reason = exit_reason & EXIT_REASON_BASIC_MASK;
		exit->read = 0;
		vmx_forward_host_events(exit);
		local_irq_enable();

		vcpu->run->exit_count++;
		if (exit_reason & EXIT_REASON_FAILED_VMENTRY) {
			if (injected)
				vmx_cancel_interrupt(vcpu);
			vmx_report_entry_failure(vcpu, exit);
			if (vcpu->trace_on)
				vmx_trace_failed_entry(vcpu, exit);
			ret = 0;
			break;
		}
		vcpu->vmx.launched = true;
		exit_tsc = rdtsc_ordered();
		/* VMREADs cannot be skipped by the compiler: test the key. */
		if (trace_tvmm_exit_enabled())
			trace_tvmm_exit(vcpu->id, exit_reason,
					vmcs_readl(GUEST_RIP),
					vmx_exit_qual(exit));
		if (likely(!vcpu->trace_on)) {
			ret = vmx_handle_exit(vcpu, exit);
			vmx_count_exit(vcpu, exit->reason, exit_tsc);
		} else {
			ret = vmx_handle_exit_traced(vcpu, exit, exit_tsc);
		}
		if (ret <= 0)
			break;
	}

	vmx_switch_msrs_to_host(vcpu, &host);
	loadsegment(ds, ds);
	loadsegment(es, es);
	if (ldt)
		asm volatile("lldt %0" : : "rm" (ldt));
	/*
	 * The exit left the bases at HOST_FS/GS_BASE. Reloading a selector
	 * loads its descriptor's base instead, not the one the task may have
	 * set with WRFSBASE/WRGSBASE: put those back after it.
	 */
	if (fs) {
		loadsegment(fs, fs);
		wrmsrl(MSR_FS_BASE, vmcs_readl(HOST_FS_BASE));
	}
	if (gs) {
		load_gs_index(gs);
		wrmsrl(MSR_KERNEL_GS_BASE, host.kernel_gs_base);
	}
	/* A VM exit leaves TR and GDTR with fixed limits (28.5.2): restore. */
	invalidate_tss_limit();
	load_fixmap_gdt(smp_processor_id());
	return ret;
}

/* The guest's interrupt state in vcpu->run, on a path without the VMCS. */
static void vmx_report_interrupt_state_load(struct tvmm_vcpu *vcpu)
{
	if (vmx_vcpu_load(vcpu)) {
		/* No VMX on this CPU now: nothing is known. */
		vcpu->run->if_flag = 0;
		vcpu->run->ready_for_interrupt_injection = 0;
		return;
	}
	vmx_report_interrupt_state(vcpu);
	vmx_vcpu_put(vcpu);
}

int vmx_vcpu_run(struct tvmm_vcpu *vcpu)
{
	struct tvmm_vm *vm = vcpu->vm;
	bool reported = false;
	int ret;

	lockdep_assert_held(&vcpu->lock);
	vcpu->irq_window_wanted =
		READ_ONCE(vcpu->run->request_interrupt_window);
	if (READ_ONCE(vcpu->run->immediate_exit)) {
		vcpu->run->exit_reason = TVMM_EXIT_INTR;
		ret = -EINTR;
		goto out;
	}
	/* The guest's FPU state is the task's until TVMM_RUN returns. */
	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	for (;;) {
		if (signal_pending(current)) {
			vcpu->run->exit_reason = TVMM_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		down_read(&vm->mem_rwsem);
		ret = vmx_vcpu_load(vcpu);
		if (!ret) {
			ret = vmx_complete_userspace_exit(vcpu);
			if (ret)
				ret = vmx_session(vcpu);
			if (ret != 1) {
				vmx_report_interrupt_state(vcpu);
				reported = true;
			}
			vmx_vcpu_put(vcpu);
		} else if (ret == -EAGAIN) {
			ret = 1;
		}
		up_read(&vm->mem_rwsem);
		if (ret != 1)
			break;
		cond_resched();
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);
out:
	if (!reported)
		vmx_report_interrupt_state_load(vcpu);
	return ret;
}
