// SPDX-License-Identifier: GPL-2.0
/*
 * caps.c - read the VMX capability MSRs on every CPU, check them against
 * what tvmm requires, and decode them for userspace.
 *
 * Runs at module load (process context, CPU hotplug lock held) and on each
 * CPU that comes online later. Nothing here changes CPU state: a failed
 * probe leaves the host exactly as it was.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "../../uapi/tvmm.h"
#include "../ept/ept.h"
#include "caps.h"
#include "vmx.h"
#include "vmx_sdm.h"

struct vmx_caps vmx_caps __ro_after_init;

/* Which capability register a bit is read from. */
enum vmx_cap_reg {
	REG_BASIC,
	REG_PIN,	/* control MSRs: test the allowed-1 half */
	REG_PROC,
	REG_PROC2,
	REG_EXIT,
	REG_ENTRY,
	REG_MISC,	/* plain capability MSRs: test the bit itself */
	REG_EPT_VPID,
};

/*
 * A control may be set to 1 when its bit is set in bits 63:32 of the
 * control's capability MSR (SDM Vol. 3D, A.3.1 "Pin-Based VM-Execution
 * Controls" and the sections after it).
 */
static bool vmx_caps_has(const struct vmx_caps *c, enum vmx_cap_reg reg,
			 u64 bit)
{
	switch (reg) {
	case REG_BASIC:
		return c->basic & bit;
	case REG_PIN:
		return (c->pinbased >> 32) & bit;
	case REG_PROC:
		return (c->procbased >> 32) & bit;
	case REG_PROC2:
		return (c->procbased2 >> 32) & bit;
	case REG_EXIT:
		return (c->exit >> 32) & bit;
	case REG_ENTRY:
		return (c->entry >> 32) & bit;
	case REG_MISC:
		return c->misc & bit;
	case REG_EPT_VPID:
		return c->ept_vpid & bit;
	}
	return false;
}

/*
 * What tvmm will not run without. Each of these is used by the VMCS tvmm
 * builds; a CPU without one is refused at load, by name.
 */
static const struct vmx_requirement {
	enum vmx_cap_reg reg;
	u64 bit;
	const char *name;
} vmx_required[] = {
	{ REG_PIN, PIN_CTL_EXTERNAL_INTERRUPT_EXITING,
	  "external-interrupt exiting" },
	{ REG_PIN, PIN_CTL_NMI_EXITING, "NMI exiting" },
	{ REG_PROC, CPU_CTL_HLT_EXITING, "HLT exiting" },
	/* Switched on and off around entries to deliver interrupts. */
	{ REG_PROC, CPU_CTL_INTERRUPT_WINDOW_EXITING,
	  "interrupt-window exiting" },
	{ REG_PROC, CPU_CTL_USE_IO_BITMAPS, "use I/O bitmaps" },
	{ REG_PROC, CPU_CTL_USE_MSR_BITMAPS, "use MSR bitmaps" },
	{ REG_PROC, CPU_CTL_ACTIVATE_SECONDARY_CONTROLS,
	  "activate secondary controls" },
	/*
	 * Without these the guest would reach host state: the TPR (CR8),
	 * which masks the host's interrupts, the debug registers, the
	 * performance counters, and MONITOR/MWAIT's power states.
	 */
	{ REG_PROC, CPU_CTL_CR8_LOAD_EXITING, "CR8-load exiting" },
	{ REG_PROC, CPU_CTL_CR8_STORE_EXITING, "CR8-store exiting" },
	{ REG_PROC, CPU_CTL_MOV_DR_EXITING, "MOV-DR exiting" },
	{ REG_PROC, CPU_CTL_RDPMC_EXITING, "RDPMC exiting" },
	{ REG_PROC, CPU_CTL_MONITOR_EXITING, "MONITOR exiting" },
	{ REG_PROC, CPU_CTL_MWAIT_EXITING, "MWAIT exiting" },
	{ REG_PROC2, CPU_CTL2_ENABLE_EPT, "enable EPT" },
	{ REG_PROC2, CPU_CTL2_UNRESTRICTED_GUEST, "unrestricted guest" },
	{ REG_EXIT, EXIT_CTL_HOST_ADDRESS_SPACE_SIZE,
	  "host address-space size (VM exit)" },
	{ REG_EXIT, EXIT_CTL_SAVE_IA32_EFER, "save IA32_EFER (VM exit)" },
	{ REG_EXIT, EXIT_CTL_LOAD_IA32_EFER, "load IA32_EFER (VM exit)" },
	/* The guest never runs with the host's DR7 and DEBUGCTL. */
	{ REG_EXIT, EXIT_CTL_SAVE_DEBUG_CONTROLS,
	  "save debug controls (VM exit)" },
	{ REG_ENTRY, ENTRY_CTL_LOAD_DEBUG_CONTROLS,
	  "load debug controls (VM entry)" },
	{ REG_ENTRY, ENTRY_CTL_IA32E_MODE_GUEST, "IA-32e mode guest (VM entry)" },
	{ REG_ENTRY, ENTRY_CTL_LOAD_IA32_EFER, "load IA32_EFER (VM entry)" },
	{ REG_EPT_VPID, EPT_CAP_PAGE_WALK_4, "EPT page-walk length 4" },
	{ REG_EPT_VPID, EPT_CAP_MEMTYPE_WB, "EPT write-back memory type" },
	{ REG_EPT_VPID, EPT_CAP_INVEPT, "INVEPT" },
	{ REG_EPT_VPID, EPT_CAP_INVEPT_SINGLE_CONTEXT,
	  "INVEPT single-context" },
	{ REG_EPT_VPID, EPT_CAP_INVEPT_ALL_CONTEXT, "INVEPT all-context" },
	/* INS/OUTS exits say their address size (25.9.4). */
	{ REG_BASIC, IA32_VMX_BASIC_INOUT_INFO, "INS/OUTS instruction information" },
};

/* Where each feature of uapi/tvmm.h's TVMM_VMX_FEATURES is read from. */
static const struct vmx_feature_source {
	u8 feature;
	enum vmx_cap_reg reg;
	u64 bit;
} vmx_feature_sources[] = {
	{ TVMM_VMX_TRUE_CTLS, REG_BASIC, IA32_VMX_BASIC_TRUE_CTLS },
	{ TVMM_VMX_EPT, REG_PROC2, CPU_CTL2_ENABLE_EPT },
	{ TVMM_VMX_EPT_4LEVEL, REG_EPT_VPID, EPT_CAP_PAGE_WALK_4 },
	{ TVMM_VMX_EPT_5LEVEL, REG_EPT_VPID, EPT_CAP_PAGE_WALK_5 },
	{ TVMM_VMX_EPT_WB, REG_EPT_VPID, EPT_CAP_MEMTYPE_WB },
	{ TVMM_VMX_EPT_2M, REG_EPT_VPID, EPT_CAP_PDE_2M },
	{ TVMM_VMX_EPT_1G, REG_EPT_VPID, EPT_CAP_PDPTE_1G },
	{ TVMM_VMX_EPT_AD, REG_EPT_VPID, EPT_CAP_ACCESSED_DIRTY },
	{ TVMM_VMX_EPT_X_ONLY, REG_EPT_VPID, EPT_CAP_EXECUTE_ONLY },
	{ TVMM_VMX_INVEPT, REG_EPT_VPID, EPT_CAP_INVEPT },
	{ TVMM_VMX_VPID, REG_PROC2, CPU_CTL2_ENABLE_VPID },
	{ TVMM_VMX_INVVPID, REG_EPT_VPID, VPID_CAP_INVVPID },
	{ TVMM_VMX_UNRESTRICTED_GUEST, REG_PROC2, CPU_CTL2_UNRESTRICTED_GUEST },
	{ TVMM_VMX_PREEMPTION_TIMER, REG_PIN, PIN_CTL_VMX_PREEMPTION_TIMER },
	{ TVMM_VMX_VNMI, REG_PIN, PIN_CTL_VIRTUAL_NMIS },
	{ TVMM_VMX_TSC_OFFSET, REG_PROC, CPU_CTL_USE_TSC_OFFSETTING },
	{ TVMM_VMX_TSC_SCALING, REG_PROC2, CPU_CTL2_USE_TSC_SCALING },
	{ TVMM_VMX_RDTSCP, REG_PROC2, CPU_CTL2_ENABLE_RDTSCP },
	{ TVMM_VMX_MSR_BITMAPS, REG_PROC, CPU_CTL_USE_MSR_BITMAPS },
	{ TVMM_VMX_IO_BITMAPS, REG_PROC, CPU_CTL_USE_IO_BITMAPS },
	{ TVMM_VMX_TPR_SHADOW, REG_PROC, CPU_CTL_USE_TPR_SHADOW },
	{ TVMM_VMX_VIRT_APIC_ACCESSES, REG_PROC2,
	  CPU_CTL2_VIRTUALIZE_APIC_ACCESSES },
	{ TVMM_VMX_POSTED_INTR, REG_PIN, PIN_CTL_PROCESS_POSTED_INTERRUPTS },
	{ TVMM_VMX_MTF, REG_PROC, CPU_CTL_MONITOR_TRAP_FLAG },
	{ TVMM_VMX_PAUSE_LOOP_EXITING, REG_PROC2, CPU_CTL2_PAUSE_LOOP_EXITING },
	{ TVMM_VMX_SHADOW_VMCS, REG_PROC2, CPU_CTL2_VMCS_SHADOWING },
	{ TVMM_VMX_PML, REG_PROC2, CPU_CTL2_ENABLE_PML },
	{ TVMM_VMX_LOAD_EFER, REG_ENTRY, ENTRY_CTL_LOAD_IA32_EFER },
	{ TVMM_VMX_ACTIVITY_HLT, REG_MISC, IA32_VMX_MISC_ACTIVITY_HLT },
};

u64 vmx_caps_features(const struct vmx_caps *caps)
{
	u64 features = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vmx_feature_sources); i++) {
		const struct vmx_feature_source *s = &vmx_feature_sources[i];

		if (vmx_caps_has(caps, s->reg, s->bit))
			features |= BIT_ULL(s->feature);
	}
	return features;
}

void vmx_caps_to_abi(struct tvmm_vmx_caps *out)
{
	const struct vmx_caps *c = &vmx_caps;

	out->basic = c->basic;
	out->pinbased_ctls = c->pinbased;
	out->procbased_ctls = c->procbased;
	out->procbased_ctls2 = c->procbased2;
	out->exit_ctls = c->exit;
	out->entry_ctls = c->entry;
	out->misc = c->misc;
	out->cr0_fixed0 = c->cr0_fixed0;
	out->cr0_fixed1 = c->cr0_fixed1;
	out->cr4_fixed0 = c->cr4_fixed0;
	out->cr4_fixed1 = c->cr4_fixed1;
	out->ept_vpid_cap = c->ept_vpid;
	out->vmfunc = c->vmfunc;
	out->features = vmx_caps_features(c);
	/* IA32_VMX_BASIC and IA32_VMX_MISC fields, decoded (A.1, A.6). */
	out->vmcs_revision = c->basic & IA32_VMX_BASIC_REVISION_MASK;
	out->vmcs_size = (c->basic & IA32_VMX_BASIC_VMCS_SIZE_MASK) >>
			 IA32_VMX_BASIC_VMCS_SIZE_SHIFT;
	out->vmcs_memtype = (c->basic & IA32_VMX_BASIC_MEMTYPE_MASK) >>
			    IA32_VMX_BASIC_MEMTYPE_SHIFT;
	out->preemption_timer_shift = c->misc &
				      IA32_VMX_MISC_PREEMPTION_TIMER_RATE;
}

/* One CPU's probe: the MSRs, or why they could not be read. */
struct vmx_cpu_probe {
	struct vmx_caps caps;
	int err;
	const char *why;
};

/* The capability MSRs every VMX CPU has (A.1 to A.8). */
static const struct vmx_cap_msr {
	u32 msr;
	u32 true_msr;	/* read instead when IA32_VMX_BASIC_TRUE_CTLS; 0: none */
	size_t offset;
} vmx_cap_msrs[] = {
	{ MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
	  offsetof(struct vmx_caps, pinbased) },
	{ MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
	  offsetof(struct vmx_caps, procbased) },
	{ MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
	  offsetof(struct vmx_caps, exit) },
	{ MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
	  offsetof(struct vmx_caps, entry) },
	{ MSR_IA32_VMX_MISC, 0, offsetof(struct vmx_caps, misc) },
	{ MSR_IA32_VMX_CR0_FIXED0, 0, offsetof(struct vmx_caps, cr0_fixed0) },
	{ MSR_IA32_VMX_CR0_FIXED1, 0, offsetof(struct vmx_caps, cr0_fixed1) },
	{ MSR_IA32_VMX_CR4_FIXED0, 0, offsetof(struct vmx_caps, cr4_fixed0) },
	{ MSR_IA32_VMX_CR4_FIXED1, 0, offsetof(struct vmx_caps, cr4_fixed1) },
};

static int vmx_read_msr(struct vmx_cpu_probe *p, u32 msr, u64 *val)
{
	if (!rdmsrl_safe(msr, val))
		return 0;
	p->err = -EIO;
	p->why = "reading a VMX capability MSR faulted";
	return p->err;
}

/* On the CPU being probed, with interrupts disabled (IPI or hotplug). */
static void vmx_caps_read(void *data)
{
	struct vmx_cpu_probe *p = data;
	struct vmx_caps *c = &p->caps;
	u64 feat_ctl;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!(cpuid_ecx(1) & CPUID_1_ECX_VMX)) {
		p->err = -ENODEV;
		p->why = "the CPU has no VMX (CPUID.1:ECX.VMX[bit 5] = 0)";
		return;
	}
	/*
	 * Locked with VMXON outside SMX clear means the firmware turned VMX
	 * off until the next reset (SDM Vol. 3C, 24.7 "Enabling and Entering
	 * VMX Operation"). Unlocked is fine: tvmm locks it at VMXON.
	 */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &feat_ctl)) {
		p->err = -ENODEV;
		p->why = "IA32_FEATURE_CONTROL cannot be read";
		return;
	}
	if ((feat_ctl & FEAT_CTL_LOCKED) &&
	    !(feat_ctl & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		p->err = -EPERM;
		p->why = "firmware locked VMX off in IA32_FEATURE_CONTROL: enable VT-x";
		return;
	}
	if (vmx_read_msr(p, MSR_IA32_VMX_BASIC, &c->basic))
		return;
	for (i = 0; i < ARRAY_SIZE(vmx_cap_msrs); i++) {
		const struct vmx_cap_msr *m = &vmx_cap_msrs[i];
		u32 msr = m->msr;

		if (m->true_msr && (c->basic & IA32_VMX_BASIC_TRUE_CTLS))
			msr = m->true_msr;
		if (vmx_read_msr(p, msr, (u64 *)((u8 *)c + m->offset)))
			return;
	}
	/* The optional MSRs exist only when their feature does (A.3.3, A.10, A.11). */
	if (vmx_caps_has(c, REG_PROC, CPU_CTL_ACTIVATE_SECONDARY_CONTROLS) &&
	    vmx_read_msr(p, MSR_IA32_VMX_PROCBASED_CTLS2, &c->procbased2))
		return;
	if ((vmx_caps_has(c, REG_PROC2, CPU_CTL2_ENABLE_EPT) ||
	     vmx_caps_has(c, REG_PROC2, CPU_CTL2_ENABLE_VPID)) &&
	    vmx_read_msr(p, MSR_IA32_VMX_EPT_VPID_CAP, &c->ept_vpid))
		return;
	if (vmx_caps_has(c, REG_PROC2, CPU_CTL2_ENABLE_VM_FUNCTIONS) &&
	    vmx_read_msr(p, MSR_IA32_VMX_VMFUNC, &c->vmfunc))
		return;
}

static int vmx_caps_check_required(const struct vmx_caps *c)
{
	u32 memtype = (c->basic & IA32_VMX_BASIC_MEMTYPE_MASK) >>
		      IA32_VMX_BASIC_MEMTYPE_SHIFT;
	u32 size = (c->basic & IA32_VMX_BASIC_VMCS_SIZE_MASK) >>
		   IA32_VMX_BASIC_VMCS_SIZE_SHIFT;
	size_t i;

	if (memtype != VMX_MEMTYPE_WB) {
		pr_err("the VMCS memory type is %u, tvmm requires write-back (6)\n",
		       memtype);
		return -EOPNOTSUPP;
	}
	if (size > PAGE_SIZE) {
		pr_err("the VMCS size %u exceeds a page\n", size);
		return -EOPNOTSUPP;
	}
	if (c->basic & IA32_VMX_BASIC_32BIT_PHYS_ADDR_ONLY) {
		pr_err("the CPU limits VMX structures to 32-bit physical addresses\n");
		return -EOPNOTSUPP;
	}
	for (i = 0; i < ARRAY_SIZE(vmx_required); i++) {
		const struct vmx_requirement *r = &vmx_required[i];

		if (!vmx_caps_has(c, r->reg, r->bit)) {
			pr_err("the CPU lacks the VMX feature \"%s\", which tvmm requires\n",
			       r->name);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* The CPU hotplug lock is held: every online CPU answers the IPI. */
int vmx_caps_probe(void)
{
	struct vmx_cpu_probe first, other;
	unsigned int cpu, first_cpu = cpumask_first(cpu_online_mask);

	if (smp_call_function_single(first_cpu, vmx_caps_read, &first, 1))
		return -EIO;
	if (first.err) {
		pr_err("CPU%u: %s\n", first_cpu, first.why);
		return first.err;
	}
	for_each_online_cpu(cpu) {
		if (cpu == first_cpu)
			continue;
		if (smp_call_function_single(cpu, vmx_caps_read, &other, 1))
			return -EIO;
		if (other.err) {
			pr_err("CPU%u: %s\n", cpu, other.why);
			return other.err;
		}
		if (memcmp(&first.caps, &other.caps, sizeof(other.caps))) {
			pr_err("CPU%u's VMX capabilities differ from CPU%u's; tvmm needs them identical\n",
			       cpu, first_cpu);
			return -EIO;
		}
	}
	if (vmx_caps_check_required(&first.caps))
		return -EOPNOTSUPP;
	vmx_caps = first.caps;
	return 0;
}

int vmx_caps_check_this_cpu(unsigned int cpu)
{
	struct vmx_cpu_probe p;
	unsigned long flags;

	local_irq_save(flags);
	vmx_caps_read(&p);
	local_irq_restore(flags);
	if (p.err) {
		pr_err("CPU%u: %s\n", cpu, p.why);
		return p.err;
	}
	if (memcmp(&p.caps, &vmx_caps, sizeof(p.caps))) {
		pr_err("CPU%u's VMX capabilities differ from the other CPUs'; not using it\n",
		       cpu);
		return -EIO;
	}
	return 0;
}
