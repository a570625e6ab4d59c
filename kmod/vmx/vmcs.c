// SPDX-License-Identifier: GPL-2.0
/*
 * vmcs.c - the VMCS of a vCPU: controls, host state, guest state.
 *
 * Controls are asked for by name and then adjusted against the capability
 * MSRs (SDM Vol. 3D, A.3 to A.5): a control the CPU forces to 1 is set, an
 * optional one the CPU lacks is left out, so no path assumes a feature.
 * The guest starts as an x86 CPU does after RESET (Vol. 3A, 10.1.1,
 * Table 10-1), in real mode at F000:FFF0, which unrestricted guest runs
 * natively.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>

#include "../ept/ept.h"
#include "../guest.h"
#include "caps.h"
#include "ctls.h"
#include "vmcs.h"
#include "vmx_internal.h"
#include "vmx_sdm.h"

void vmcs_error(const char *insn, unsigned long field, int err)
{
	pr_err_ratelimited("%s of VMCS field %#lx failed (%s)\n", insn, field,
			   err == -EFAULT ? "fault" : "VMfail");
}

/*
 * vmx_ctls_adjust(), which refuses a required control the CPU does not
 * allow. The probe (caps.c, vmx_required[]) refuses such a CPU at load,
 * by name; this catches a control missing from that list, and fails the
 * vCPU's creation instead of running without the control.
 */
static int vmx_adjust_ctls(u64 cap, u32 required, u32 optional, u32 *ctls)
{
	int err = vmx_ctls_adjust(cap, required, optional, ctls);

	if (err)
		pr_err_once("the CPU cannot set VMX controls %#llx, which tvmm requires\n",
			    required & ~(cap >> 32));
	return err;
}

/*
 * The CR0 the CPU runs the guest with: what VMX requires (unrestricted
 * guest lets PE and PG go, A.7), and caching always on: the guest's CD/NW
 * stay in its read shadow, or the host's CPU would really run uncached.
 */
static unsigned long vmx_guest_cr0(unsigned long cr0)
{
	u64 fixed0 = vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return ((cr0 | fixed0) & vmx_caps.cr0_fixed1) &
	       ~(X86_CR0_CD | X86_CR0_NW);
}

/*
 * The CR4 the CPU runs the guest with: VMX's fixed bits, and the host's
 * MCE, since a machine check with CR4.MCE clear shuts the CPU down.
 */
static unsigned long vmx_guest_cr4(unsigned long cr4)
{
	cr4 |= vmx_caps.cr4_fixed0 | (cr4_read_shadow() & X86_CR4_MCE);
	return cr4 & vmx_caps.cr4_fixed1;
}

/*
 * Machine checks always exit, so the host handles its own (25.6.3). #DB
 * and #AC always exit too: delivered by the CPU, one that raises itself
 * again in its own delivery loops in microcode and hangs the host CPU,
 * and a #DB would leave its bits in the CPU's DR6, which VMX does not
 * switch. events.c gives them to the guest (vmx_reflect_exception()).
 */
u32 vmx_exception_bitmap(u32 guest_vectors)
{
	return guest_vectors | BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC) |
	       BIT(X86_TRAP_MC);
}

/*
 * Host state that differs between CPUs or may have changed: written at the
 * start of each session (run.c), the only place VM entries happen. SDM Vol. 3C,
 * 25.5 "Host-State Area"; a VM exit loads exactly these.
 */
void vmx_set_host_state_per_cpu(void)
{
	int cpu = smp_processor_id();
	struct desc_ptr idt;
	u64 val;

	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_writel(HOST_CR3, __read_cr3());
	vmcs_writel(HOST_CR4, cr4_read_shadow());
	vmcs_writel(HOST_TR_BASE,
		    (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_GS_BASE, val);
	vmcs_writel(HOST_GS_BASE, val);
	rdmsrl(MSR_FS_BASE, val);
	vmcs_writel(HOST_FS_BASE, val);
	rdmsrl(MSR_IA32_SYSENTER_ESP, val);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, val);
}

static void vmx_set_host_state_constant(void)
{
	u64 val;

	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	rdmsrl(MSR_IA32_SYSENTER_CS, val);
	vmcs_write32(HOST_IA32_SYSENTER_CS, val);
	rdmsrl(MSR_IA32_SYSENTER_EIP, val);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, val);
	rdmsrl(MSR_EFER, val);
	vmcs_write64(HOST_IA32_EFER, val);
	if (vmcs_read32(VM_EXIT_CONTROLS) & EXIT_CTL_LOAD_IA32_PAT) {
		rdmsrl(MSR_IA32_CR_PAT, val);
		vmcs_write64(HOST_IA32_PAT, val);
	}
	vmcs_writel(HOST_RIP, (unsigned long)__vmx_vmexit);
}

static void vmx_set_segment(enum vmcs_field sel, const struct tvmm_segment *s)
{
	/* The fields of a segment are at fixed distances from its selector. */
	unsigned long i = (sel - GUEST_ES_SELECTOR) / 2;
	u32 ar;

	ar = (s->type & 0xf) | (s->s ? VMX_AR_S : 0) |
	     ((s->dpl & 3) << VMX_AR_DPL_SHIFT) | (s->present ? VMX_AR_P : 0) |
	     (s->avl ? VMX_AR_AVL : 0) | (s->l ? VMX_AR_L : 0) | (s->db ? VMX_AR_DB : 0) |
	     (s->g ? VMX_AR_G : 0) | (s->unusable ? VMX_AR_UNUSABLE : 0);
	vmcs_write16(sel, s->selector);
	vmcs_writel(GUEST_ES_BASE + i * 2, s->base);
	vmcs_write32(GUEST_ES_LIMIT + i * 2, s->limit);
	vmcs_write32(GUEST_ES_AR_BYTES + i * 2, ar);
}

static void vmx_get_segment(enum vmcs_field sel, struct tvmm_segment *s)
{
	unsigned long i = (sel - GUEST_ES_SELECTOR) / 2;
	u32 ar = vmcs_read32(GUEST_ES_AR_BYTES + i * 2);

	memset(s, 0, sizeof(*s));
	s->selector = vmcs_read16(sel);
	s->base = vmcs_readl(GUEST_ES_BASE + i * 2);
	s->limit = vmcs_read32(GUEST_ES_LIMIT + i * 2);
	s->type = ar & VMX_AR_TYPE_MASK;
	s->s = !!(ar & VMX_AR_S);
	s->dpl = (ar & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT;
	s->present = !!(ar & VMX_AR_P);
	s->avl = !!(ar & VMX_AR_AVL);
	s->l = !!(ar & VMX_AR_L);
	s->db = !!(ar & VMX_AR_DB);
	s->g = !!(ar & VMX_AR_G);
	s->unusable = !!(ar & VMX_AR_UNUSABLE);
}

/* The state of an x86 CPU after RESET (Table 10-1), made VMX-legal. */
static void vmx_guest_reset(struct tvmm_vcpu *vcpu)
{
	struct tvmm_segment code = {
		.selector = 0xf000, .base = 0xffff0000, .limit = 0xffff,
		.type = SEG_TYPE_CODE_RX_ACCESSED, .s = 1, .present = 1,
	};
	struct tvmm_segment data = {
		.limit = 0xffff, .type = SEG_TYPE_DATA_RW_ACCESSED, .s = 1,
		.present = 1,
	};
	struct tvmm_segment ldt = {
		.limit = 0xffff, .type = SEG_TYPE_LDT, .present = 1,
	};
	struct tvmm_segment tr = {
		.limit = 0xffff, .type = SEG_TYPE_TSS16_BUSY, .present = 1,
	};
	const unsigned long cr0 = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs[REG_RDX] = 0x600;	/* family 6: the CPU signature */
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_RIP, 0xfff0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmx_set_segment(GUEST_CS_SELECTOR, &code);
	vmx_set_segment(GUEST_DS_SELECTOR, &data);
	vmx_set_segment(GUEST_ES_SELECTOR, &data);
	vmx_set_segment(GUEST_SS_SELECTOR, &data);
	vmx_set_segment(GUEST_FS_SELECTOR, &data);
	vmx_set_segment(GUEST_GS_SELECTOR, &data);
	vmx_set_segment(GUEST_LDTR_SELECTOR, &ldt);
	vmx_set_segment(GUEST_TR_SELECTOR, &tr);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, vmx_guest_cr0(cr0));
	vmcs_writel(CR4_READ_SHADOW, 0);
	vmcs_writel(GUEST_CR4, vmx_guest_cr4(0));
	vmcs_writel(GUEST_CR3, 0);
	vmcs_write64(GUEST_IA32_EFER, 0);
	/*
	 * The CPU runs the guest with no breakpoint armed and DEBUGCTL clear
	 * (loaded at each VM entry): the guest's debug registers are virtual
	 * (cr.c), vcpu->dr7 is the one it reads.
	 */
	vmcs_writel(GUEST_DR7, DR7_FIXED_1);
	vcpu->dr7 = DR7_FIXED_1;
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(VM_ENTRY_CONTROLS,
		     vmcs_read32(VM_ENTRY_CONTROLS) & ~ENTRY_CTL_IA32E_MODE_GUEST);
	vcpu->msrs.pat = 0x0007040600070406ULL;	/* PAT after RESET */
	if (vmcs_read32(VM_ENTRY_CONTROLS) & ENTRY_CTL_LOAD_IA32_PAT)
		vmcs_write64(GUEST_IA32_PAT, vcpu->msrs.pat);
	vcpu->cr2 = 0;
}

int vmx_setup_vmcs(struct tvmm_vcpu *vcpu)
{
	u32 pin, cpu, cpu2, exit, entry;
	int err;

	err = vmx_adjust_ctls(vmx_caps.pinbased,
			      PIN_CTL_EXTERNAL_INTERRUPT_EXITING |
			      PIN_CTL_NMI_EXITING,
			      PIN_CTL_VMX_PREEMPTION_TIMER, &pin);
	if (err)
		return err;
	/*
	 * Everything that would let the guest touch host state exits: all
	 * ports and MSRs (bitmaps of ones), MWAIT/MONITOR, RDPMC, debug
	 * registers, CR8 (the host's TPR).
	 */
	err = vmx_adjust_ctls(vmx_caps.procbased,
			      CPU_CTL_HLT_EXITING | CPU_CTL_USE_IO_BITMAPS |
			      CPU_CTL_USE_MSR_BITMAPS |
			      CPU_CTL_ACTIVATE_SECONDARY_CONTROLS |
			      CPU_CTL_MWAIT_EXITING | CPU_CTL_MONITOR_EXITING |
			      CPU_CTL_RDPMC_EXITING | CPU_CTL_MOV_DR_EXITING |
			      CPU_CTL_CR8_LOAD_EXITING |
			      CPU_CTL_CR8_STORE_EXITING,
			      CPU_CTL_USE_TSC_OFFSETTING, &cpu);
	if (err)
		return err;
	/*
	 * WBINVD exits where the CPU can make it (exits.c skips it): run
	 * natively, a guest could write back and flush the host's shared
	 * caches in a loop.
	 */
	err = vmx_adjust_ctls(vmx_caps.procbased2,
			      CPU_CTL2_ENABLE_EPT | CPU_CTL2_UNRESTRICTED_GUEST,
			      CPU_CTL2_ENABLE_VPID | CPU_CTL2_ENABLE_RDTSCP |
			      CPU_CTL2_WBINVD_EXITING, &cpu2);
	if (err)
		return err;
	/*
	 * DR7 and IA32_DEBUGCTL are the guest's (GUEST_DR7,
	 * GUEST_IA32_DEBUGCTL) from VM entry to VM exit: without the debug
	 * controls, the guest would run with the host's breakpoints armed
	 * and the host's DEBUGCTL (LBR, BTF, bus-lock detection).
	 */
	err = vmx_adjust_ctls(vmx_caps.exit,
			      EXIT_CTL_HOST_ADDRESS_SPACE_SIZE |
			      EXIT_CTL_SAVE_DEBUG_CONTROLS |
			      EXIT_CTL_SAVE_IA32_EFER | EXIT_CTL_LOAD_IA32_EFER,
			      EXIT_CTL_SAVE_IA32_PAT | EXIT_CTL_LOAD_IA32_PAT,
			      &exit);
	if (err)
		return err;
	err = vmx_adjust_ctls(vmx_caps.entry,
			      ENTRY_CTL_LOAD_DEBUG_CONTROLS |
			      ENTRY_CTL_LOAD_IA32_EFER,
			      ENTRY_CTL_LOAD_IA32_PAT, &entry);
	if (err)
		return err;
	/*
	 * PAT is switched only when both directions can do it. Asking for
	 * less than before cannot fail.
	 */
	if (!(exit & EXIT_CTL_LOAD_IA32_PAT) ||
	    !(entry & ENTRY_CTL_LOAD_IA32_PAT)) {
		vmx_adjust_ctls(vmx_caps.exit, exit &
				~(EXIT_CTL_SAVE_IA32_PAT |
				  EXIT_CTL_LOAD_IA32_PAT), 0, &exit);
		vmx_adjust_ctls(vmx_caps.entry,
				entry & ~ENTRY_CTL_LOAD_IA32_PAT, 0, &entry);
	}
	if (!vcpu->vmx.vpid)
		cpu2 &= ~CPU_CTL2_ENABLE_VPID;

	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, pin);
	/* The pin-based controls never change: run.c tests this, not them. */
	vcpu->vmx.preemption_timer = pin & PIN_CTL_VMX_PREEMPTION_TIMER;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, cpu);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, cpu2);
	vmcs_write32(VM_EXIT_CONTROLS, exit);
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
	vmcs_write32(EXCEPTION_BITMAP,
		     vmx_exception_bitmap(vcpu->vmx.exception_exits));
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write64(IO_BITMAP_A, __pa(vcpu->vmx.io_bitmap));
	vmcs_write64(IO_BITMAP_B, __pa(vcpu->vmx.io_bitmap) + PAGE_SIZE);
	vmcs_write64(MSR_BITMAP, __pa(vcpu->vmx.msr_bitmap));
	vmcs_write64(EPT_POINTER, vcpu->vm->ept.eptp);
	if (cpu2 & CPU_CTL2_ENABLE_VPID)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vcpu->vmx.vpid);
	/* Every CR0/CR4 bit is the guest's to read but tvmm's to set. */
	vmcs_writel(CR0_GUEST_HOST_MASK, ~0UL);
	vmcs_writel(CR4_GUEST_HOST_MASK, ~0UL);

	vmx_set_host_state_constant();
	vmx_guest_reset(vcpu);
	return 0;
}

void vmx_get_regs(struct tvmm_vcpu *vcpu, struct tvmm_regs *r)
{
	const unsigned long *g = vcpu->regs;

	vmx_assert_state_op(vcpu);

	r->rax = g[REG_RAX];
	r->rbx = g[REG_RBX];
	r->rcx = g[REG_RCX];
	r->rdx = g[REG_RDX];
	r->rsi = g[REG_RSI];
	r->rdi = g[REG_RDI];
	r->rbp = g[REG_RBP];
	r->r8 = g[REG_R8];
	r->r9 = g[REG_R9];
	r->r10 = g[REG_R10];
	r->r11 = g[REG_R11];
	r->r12 = g[REG_R12];
	r->r13 = g[REG_R13];
	r->r14 = g[REG_R14];
	r->r15 = g[REG_R15];
	r->rsp = vmcs_readl(GUEST_RSP);
	r->rip = vmcs_readl(GUEST_RIP);
	r->rflags = vmcs_readl(GUEST_RFLAGS);
}

void vmx_set_regs(struct tvmm_vcpu *vcpu, const struct tvmm_regs *r)
{
	unsigned long *g = vcpu->regs;

	vmx_assert_state_op(vcpu);

	g[REG_RAX] = r->rax;
	g[REG_RBX] = r->rbx;
	g[REG_RCX] = r->rcx;
	g[REG_RDX] = r->rdx;
	g[REG_RSI] = r->rsi;
	g[REG_RDI] = r->rdi;
	g[REG_RBP] = r->rbp;
	g[REG_R8] = r->r8;
	g[REG_R9] = r->r9;
	g[REG_R10] = r->r10;
	g[REG_R11] = r->r11;
	g[REG_R12] = r->r12;
	g[REG_R13] = r->r13;
	g[REG_R14] = r->r14;
	g[REG_R15] = r->r15;
	vmcs_writel(GUEST_RSP, r->rsp);
	vmcs_writel(GUEST_RIP, r->rip);
	/* Bit 1 is always 1 (Vol. 1, 3.4.3 "EFLAGS Register"). */
	vmcs_writel(GUEST_RFLAGS, r->rflags | X86_EFLAGS_FIXED);
	/*
	 * A user MSR's RDMSR/WRMSR exits with RIP still at it: the state
	 * set now is from before the instruction, which the guest executes
	 * again (uapi/tvmm.h, run->msr), instead of completing it on top.
	 */
	if (vcpu->vmx.pending.exit == TVMM_EXIT_MSR)
		vcpu->vmx.pending.exit = 0;
}

void vmx_get_sregs(struct tvmm_vcpu *vcpu, struct tvmm_sregs *s)
{
	vmx_assert_state_op(vcpu);

	memset(s, 0, sizeof(*s));
	vmx_get_segment(GUEST_CS_SELECTOR, &s->cs);
	vmx_get_segment(GUEST_DS_SELECTOR, &s->ds);
	vmx_get_segment(GUEST_ES_SELECTOR, &s->es);
	vmx_get_segment(GUEST_FS_SELECTOR, &s->fs);
	vmx_get_segment(GUEST_GS_SELECTOR, &s->gs);
	vmx_get_segment(GUEST_SS_SELECTOR, &s->ss);
	vmx_get_segment(GUEST_TR_SELECTOR, &s->tr);
	vmx_get_segment(GUEST_LDTR_SELECTOR, &s->ldt);
	s->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	s->cr0 = vmcs_readl(CR0_READ_SHADOW);
	s->cr2 = vcpu->cr2;
	s->cr3 = vmcs_readl(GUEST_CR3);
	s->cr4 = vmcs_readl(CR4_READ_SHADOW);
	s->cr8 = vcpu->cr8;
	s->efer = vmcs_read64(GUEST_IA32_EFER);
}

/*
 * RDTSC exiting (Table 25-6) also makes RDTSCP exit when "enable RDTSCP"
 * is 1 (26.1.3); without that control RDTSCP is #UD and never exits.
 */
int vmx_set_intercepts(struct tvmm_vcpu *vcpu, u32 flags)
{
	u32 cpu = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
	u32 may_be_1 = vmx_caps.procbased >> 32;

	vmx_assert_state_op(vcpu);

	if ((flags & TVMM_INTERCEPT_RDTSC) &&
	    !(may_be_1 & CPU_CTL_RDTSC_EXITING))
		return -EOPNOTSUPP;
	if (flags & TVMM_INTERCEPT_RDTSC)
		cpu |= CPU_CTL_RDTSC_EXITING;
	else
		cpu &= ~CPU_CTL_RDTSC_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, cpu);
	return 0;
}

/*
 * Whether the guest may execute RDTSCP. It reads the CPU's TSC_AUX, so
 * run.c loads the guest's TSC_AUX for the length of a session.
 */
bool vmx_guest_has_rdtscp(void)
{
	return vmcs_read32(SECONDARY_VM_EXEC_CONTROL) & CPU_CTL2_ENABLE_RDTSCP;
}

/* What tvmm lets a guest (or userspace) put in CR0, CR4 and EFER. */
#define CR0_ALLOWED	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | \
			 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | \
			 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)
#define CR4_ALLOWED	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | \
			 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE | \
			 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE | \
			 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT | \
			 X86_CR4_FSGSBASE | X86_CR4_OSXSAVE)
#define EFER_ALLOWED	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

bool vmx_cr0_valid(unsigned long cr0)
{
	if (cr0 & ~CR0_ALLOWED)
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	return true;
}

bool vmx_cr4_valid(unsigned long cr4)
{
	/*
	 * The guest's XCR0 is switched in by the host's XSETBV: without
	 * the host's OSXSAVE, CR4.OSXSAVE is reserved for the guest, as on
	 * a CPU without XSAVE (Vol. 3A, 2.5).
	 */
	if ((cr4 & X86_CR4_OSXSAVE) && !vmx_host_osxsave())
		return false;
	return !(cr4 & ~CR4_ALLOWED);
}

bool vmx_efer_valid(u64 efer)
{
	return !(efer & ~EFER_ALLOWED);
}

/*
 * A CR0/CR4 write the CPU would have done flushes the TLB (Vol. 3A, 4.10.4);
 * done by tvmm, the flush is tvmm's: the guest's translations are tagged
 * with its VPID, which survives VM entries.
 */
static void vmx_flush_guest_tlb(struct tvmm_vcpu *vcpu)
{
	if (vcpu->vmx.vpid)
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, vcpu->vmx.vpid);
}

/*
 * The four PAE page-directory-pointer entries CR3 points to, when CR0 and
 * CR4 (as the guest sees them) and EFER.LME make PAE paging, else false.
 * If CR3 does not point into RAM there is nothing sensible to load: the
 * entries stay zero (not present), so the guest's accesses through them
 * fault.
 */
static bool vmx_read_pdptes(struct tvmm_vcpu *vcpu, unsigned long cr0,
			    unsigned long cr4, u64 pdpte[4])
{
	memset(pdpte, 0, 4 * sizeof(*pdpte));
	if (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) ||
	    (vmcs_read64(GUEST_IA32_EFER) & EFER_LME))
		return false;
	guest_read_phys(vcpu->vm, vmcs_readl(GUEST_CR3) & GENMASK(31, 5),
			pdpte, 4 * sizeof(*pdpte));
	return true;
}

/*
 * A MOV to CR0 or CR4 that leaves the guest in PAE paging loads the
 * PDPTEs, and a present one with a reserved bit set is #GP (Vol. 3A,
 * 4.4.1): bits 2:1, 8:5 and those from MAXPHYADDR up. Checked before the
 * write, as the CPU does; else VM entry would refuse the guest state.
 */
bool vmx_pdptes_valid(struct tvmm_vcpu *vcpu, unsigned long cr0,
		      unsigned long cr4)
{
	u64 rsvd = GENMASK_ULL(63, boot_cpu_data.x86_phys_bits) |
		   GENMASK_ULL(8, 5) | GENMASK_ULL(2, 1);
	u64 pdpte[4];
	int i;

	if (!vmx_read_pdptes(vcpu, cr0, cr4, pdpte))
		return true;
	for (i = 0; i < 4; i++) {
		if ((pdpte[i] & _PAGE_PRESENT) && (pdpte[i] & rsvd))
			return false;
	}
	return true;
}

/*
 * With EPT, VM entry loads the four PAE page-directory-pointer entries
 * from the VMCS when the guest uses PAE paging (27.3.2.4), and the guest
 * loads them itself on MOV to CR3. When tvmm emulates the switch into PAE
 * paging (CR0/CR4 writes, TVMM_SET_SREGS), it loads them from CR3.
 */
static void vmx_load_pdptes(struct tvmm_vcpu *vcpu)
{
	u64 pdpte[4];
	int i;

	if (!vmx_read_pdptes(vcpu, vmcs_readl(CR0_READ_SHADOW),
			     vmcs_readl(CR4_READ_SHADOW), pdpte))
		return;
	for (i = 0; i < 4; i++)
		vmcs_write64(GUEST_PDPTE0 + i * 2, pdpte[i]);
}

/*
 * The guest's paging state for a page walk (x86/paging.c): CR0 and CR4 as
 * the guest sees them (their read shadows), and the CPL, which the VMCS
 * keeps in SS.DPL (Vol. 3C, "Guest Register State").
 */
void vmx_guest_paging(struct tvmm_vcpu *vcpu, struct guest_paging *paging)
{
	paging->cr0 = vmcs_readl(CR0_READ_SHADOW);
	paging->cr3 = vmcs_readl(GUEST_CR3);
	paging->cr4 = vmcs_readl(CR4_READ_SHADOW);
	paging->efer = vmcs_read64(GUEST_IA32_EFER);
	paging->cpl = (vmcs_read32(GUEST_SS_AR_BYTES) & VMX_AR_DPL_MASK) >>
		      VMX_AR_DPL_SHIFT;
}

/*
 * Write CR0 as the guest sees it: the real CR0 keeps what VMX requires,
 * and IA-32e mode follows EFER.LME and CR0.PG (Vol. 3A, 10.8.5
 * "Initializing IA-32e Mode").
 */
void vmx_write_cr0(struct tvmm_vcpu *vcpu, unsigned long cr0)
{
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	if ((efer & EFER_LME) && (cr0 & X86_CR0_PG)) {
		efer |= EFER_LMA;
		entry |= ENTRY_CTL_IA32E_MODE_GUEST;
	} else {
		efer &= ~EFER_LMA;
		entry &= ~ENTRY_CTL_IA32E_MODE_GUEST;
	}
	vmcs_write64(GUEST_IA32_EFER, efer);
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, vmx_guest_cr0(cr0));
	vmx_load_pdptes(vcpu);
	vmx_flush_guest_tlb(vcpu);
}

void vmx_write_cr4(struct tvmm_vcpu *vcpu, unsigned long cr4)
{
	vmcs_writel(CR4_READ_SHADOW, cr4);
	vmcs_writel(GUEST_CR4, vmx_guest_cr4(cr4));
	vmx_load_pdptes(vcpu);
	vmx_flush_guest_tlb(vcpu);
}

int vmx_set_sregs(struct tvmm_vcpu *vcpu, const struct tvmm_sregs *s)
{
	vmx_assert_state_op(vcpu);

	if (s->reserved[0] || s->reserved[1] || s->reserved[2] ||
	    s->reserved[3])
		return -EINVAL;
	if (!vmx_cr0_valid(s->cr0) || !vmx_cr4_valid(s->cr4) ||
	    !vmx_efer_valid(s->efer) || s->cr8 > 15)
		return -EINVAL;
	/* LMA is the CPU's to set: it must agree with LME and PG. */
	if (!!(s->efer & EFER_LMA) !=
	    ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)))
		return -EINVAL;

	vmx_set_segment(GUEST_CS_SELECTOR, &s->cs);
	vmx_set_segment(GUEST_DS_SELECTOR, &s->ds);
	vmx_set_segment(GUEST_ES_SELECTOR, &s->es);
	vmx_set_segment(GUEST_FS_SELECTOR, &s->fs);
	vmx_set_segment(GUEST_GS_SELECTOR, &s->gs);
	vmx_set_segment(GUEST_SS_SELECTOR, &s->ss);
	vmx_set_segment(GUEST_TR_SELECTOR, &s->tr);
	vmx_set_segment(GUEST_LDTR_SELECTOR, &s->ldt);
	vmcs_writel(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, s->idt.limit);
	vcpu->cr2 = s->cr2;
	vmcs_writel(GUEST_CR3, s->cr3);
	vcpu->cr8 = s->cr8;
	vmcs_write64(GUEST_IA32_EFER, s->efer);
	vmx_write_cr0(vcpu, s->cr0);
	vmx_write_cr4(vcpu, s->cr4);
	vmx_fit_pending_event();
	return 0;
}
