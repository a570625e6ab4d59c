// SPDX-License-Identifier: GPL-2.0
/*
 * vmxon.c - enter and leave VMX root operation on every CPU.
 *
 * SDM Vol. 3C, 24.7 "Enabling and Entering VMX Operation" and 24.8
 * "Restrictions on VMX Operation": IA32_FEATURE_CONTROL must allow VMXON,
 * CR0 and CR4 must respect the IA32_VMX_CR{0,4}_FIXED{0,1} MSRs, CR4.VMXE
 * must be set, and VMXON takes a page-aligned region that begins with the
 * VMCS revision identifier.
 *
 * The CPU hotplug state machine does the per-CPU work: registering the
 * state runs vmx_cpu_online() on every online CPU (and on each CPU that
 * comes online later); removing it runs vmx_cpu_offline() everywhere. Both
 * run on the CPU concerned, in its hotplug thread.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/reboot.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "caps.h"
#include "vmx_ops.h"
#include "vmx_internal.h"
#include "vmx_sdm.h"
#include "vmxon.h"

static DEFINE_PER_CPU(struct page *, vmxon_region);
static DEFINE_PER_CPU(bool, vmx_on);

static DEFINE_MUTEX(vmx_users_lock);
static unsigned int vmx_users;		/* under vmx_users_lock */
static int vmx_cpuhp_state;		/* valid while vmx_users > 0 */
static bool vmx_rebooting;

static bool vmx_fixed_bits_ok(u64 val, u64 fixed0, u64 fixed1)
{
	/* Bits set in FIXED0 must be 1; bits clear in FIXED1 must be 0. */
	return (val & fixed0) == fixed0 && !(val & ~fixed1);
}

/* On the CPU itself, interrupts disabled so nothing can VMXON in between. */
static int vmx_enable_this_cpu(unsigned int cpu)
{
	u64 pa = page_to_phys(per_cpu(vmxon_region, cpu));
	u64 feat_ctl;
	int err;

	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("CPU%u: VMX is in use by another hypervisor (CR4.VMXE is set)\n",
		       cpu);
		return -EBUSY;
	}
	if (!vmx_fixed_bits_ok(read_cr0(), vmx_caps.cr0_fixed0,
			       vmx_caps.cr0_fixed1) ||
	    !vmx_fixed_bits_ok(cr4_read_shadow() | X86_CR4_VMXE,
			       vmx_caps.cr4_fixed0, vmx_caps.cr4_fixed1)) {
		pr_err("CPU%u: CR0 or CR4 holds a value VMX does not allow (IA32_VMX_CR0/CR4_FIXED0/1)\n",
		       cpu);
		return -EIO;
	}
	/* The firmware left IA32_FEATURE_CONTROL unlocked: allow VMXON, lock. */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat_ctl))
		return -EIO;
	if (!(feat_ctl & FEAT_CTL_LOCKED) &&
	    wrmsrl_safe(MSR_IA32_FEAT_CTL, feat_ctl | FEAT_CTL_LOCKED |
			FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("CPU%u: cannot enable VMX in IA32_FEATURE_CONTROL\n", cpu);
		return -EIO;
	}

	cr4_set_bits(X86_CR4_VMXE);
	err = vmx_vmxon(pa);
	if (err) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err("CPU%u: VMXON failed (%s)\n", cpu,
		       err == -EFAULT ? "fault" : "VMfail");
		return -EIO;
	}
	/*
	 * EPT translations cached before an earlier VMXOFF (another
	 * hypervisor's, or a freed VM's) survive it: flush them all.
	 */
	vmx_invept(INVEPT_ALL_CONTEXT, 0);
	this_cpu_write(vmx_on, true);
	return 0;
}

/* On the CPU itself, interrupts disabled. */
static void vmx_disable_this_cpu(void)
{
	if (!this_cpu_read(vmx_on))
		return;
	/* VMCSs active here go back to memory first (SDM 25.11.1). */
	vmx_clear_loaded_vmcss();
	if (vmx_vmxoff())
		pr_err_once("VMXOFF failed on CPU%u\n", smp_processor_id());
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(vmx_on, false);
}

static int vmx_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int err;

	err = vmx_caps_check_this_cpu(cpu);
	if (err)
		return err;
	local_irq_save(flags);
	err = READ_ONCE(vmx_rebooting) ? 0 : vmx_enable_this_cpu(cpu);
	local_irq_restore(flags);
	return err;
}

static int vmx_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	vmx_disable_this_cpu();
	local_irq_restore(flags);
	return 0;
}

int vmx_root_get(void)
{
	int ret = 0;

	mutex_lock(&vmx_users_lock);
	if (READ_ONCE(vmx_rebooting)) {
		ret = -EBUSY;
		goto unlock;
	}
	if (!vmx_users) {
		/* Rolls back the CPUs already done if one of them fails. */
		ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "tvmm/vmx:online",
					vmx_cpu_online, vmx_cpu_offline);
		if (ret < 0)
			goto unlock;
		vmx_cpuhp_state = ret;
		ret = 0;
	}
	vmx_users++;
unlock:
	mutex_unlock(&vmx_users_lock);
	return ret;
}

void vmx_root_put(void)
{
	mutex_lock(&vmx_users_lock);
	if (!--vmx_users)
		cpuhp_remove_state(vmx_cpuhp_state);
	mutex_unlock(&vmx_users_lock);
}

bool vmx_root_cpu_on(unsigned int cpu)
{
	return READ_ONCE(per_cpu(vmx_on, cpu));
}

bool vmx_root_rebooting(void)
{
	return READ_ONCE(vmx_rebooting);
}

static void vmx_disable_ipi(void *unused)
{
	vmx_disable_this_cpu();
}

/*
 * Leave VMX before reboot, halt, power-off and kexec: a CPU in VMX
 * operation blocks INIT (SDM Vol. 3C, 26.2 "Other Causes of VM Exits"), so
 * the next kernel could not start the other CPUs.
 */
static int vmx_reboot_notify(struct notifier_block *nb, unsigned long code,
			     void *unused)
{
	WRITE_ONCE(vmx_rebooting, true);
	on_each_cpu(vmx_disable_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block vmx_reboot_nb = {
	.notifier_call = vmx_reboot_notify,
};

/*
 * Emergency restarts and kdump run no reboot notifiers: the kernel calls
 * one "virt callback" on every CPU instead. There is a single slot, and
 * kvm_intel takes it at load (with a WARN if it is taken) for a callback
 * whose VMXOFF serves whichever hypervisor holds VMX. So tvmm holds the
 * slot only while kvm_intel is not loaded: it lets go when kvm_intel comes
 * and takes it back when kvm_intel is gone.
 */
static DEFINE_MUTEX(vmx_emergency_lock);
static bool vmx_emergency_registered;	/* under vmx_emergency_lock */

/* On every CPU, in NMI context on all but the crashing one: no printing. */
static void vmx_emergency_disable(void)
{
	if (!this_cpu_read(vmx_on))
		return;
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(vmx_on, false);
}

static void vmx_emergency_hold(bool hold)
{
	lockdep_assert_held(&vmx_emergency_lock);
	if (hold == vmx_emergency_registered)
		return;
	if (hold)
		cpu_emergency_register_virt_callback(vmx_emergency_disable);
	else
		cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
	vmx_emergency_registered = hold;
}

static int vmx_module_notify(struct notifier_block *nb, unsigned long state,
			     void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&vmx_emergency_lock);
	if (state == MODULE_STATE_COMING)
		vmx_emergency_hold(false);
	else if (state == MODULE_STATE_GOING)	/* after its exit or failed init */
		vmx_emergency_hold(true);
	mutex_unlock(&vmx_emergency_lock);
	return NOTIFY_OK;
}

static struct notifier_block vmx_module_nb = {
	.notifier_call = vmx_module_notify,
};

static int vmx_emergency_init(void)
{
	void *kvm;
	int err;

	err = register_module_notifier(&vmx_module_nb);
	if (err)
		return err;
	/*
	 * Is kvm_intel already here? It exports nothing, but needs kvm.ko,
	 * which does; with kvm.ko alone tvmm lets the slot be, to be safe.
	 * Checked after the notifier is in place, so no arrival is missed.
	 */
	mutex_lock(&vmx_emergency_lock);
	kvm = __symbol_get("kvm_rebooting");
	if (kvm)
		__symbol_put("kvm_rebooting");
	else
		vmx_emergency_hold(true);
	mutex_unlock(&vmx_emergency_lock);
	return 0;
}

static void vmx_emergency_exit(void)
{
	unregister_module_notifier(&vmx_module_nb);
	mutex_lock(&vmx_emergency_lock);
	vmx_emergency_hold(false);
	mutex_unlock(&vmx_emergency_lock);
}

static void vmx_free_regions(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(vmxon_region, cpu))
			__free_page(per_cpu(vmxon_region, cpu));
		per_cpu(vmxon_region, cpu) = NULL;
	}
}

int vmx_root_init(void)
{
	u32 revision = vmx_caps.basic & IA32_VMX_BASIC_REVISION_MASK;
	unsigned int cpu;
	int err;

	/* Every possible CPU gets its region now, so hotplug cannot fail on memory. */
	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO, 0);

		if (!page) {
			pr_err("out of memory for the VMXON regions\n");
			err = -ENOMEM;
			goto free_regions;
		}
		/* The region starts with the VMCS revision identifier, bit 31 clear. */
		*(u32 *)page_address(page) = revision;
		per_cpu(vmxon_region, cpu) = page;
	}
	err = register_reboot_notifier(&vmx_reboot_nb);
	if (err)
		goto free_regions;
	err = vmx_emergency_init();
	if (err)
		goto unregister_reboot;
	return 0;

unregister_reboot:
	unregister_reboot_notifier(&vmx_reboot_nb);
free_regions:
	vmx_free_regions();
	return err;
}

void vmx_root_exit(void)
{
	vmx_emergency_exit();
	unregister_reboot_notifier(&vmx_reboot_nb);
	vmx_free_regions();
}
