/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_sdm.h - VMX constants, named as the Intel SDM names them.
 *
 * The one place for VMX architecture numbers: capability MSR fields and VM
 * control bits. Section numbers refer to the SDM, Vol. 3C (chapter 25, "VMCS
 * Layout") and Vol. 3D (Appendix A, "VMX Capability Reporting Facility").
 * MSR numbers themselves come from the kernel's <asm/msr-index.h>. EPT
 * formats and EPT capability bits live in kmod/ept/ept.h.
 */
#ifndef TVMM_VMX_SDM_H
#define TVMM_VMX_SDM_H

#include <linux/bits.h>

/* CPUID.1:ECX[5] - "VMX" (Vol. 3C, 24.6 "Discovering Support for VMX") */
#define CPUID_1_ECX_VMX			BIT(5)

/* IA32_VMX_BASIC (A.1 "Basic VMX Information") */
#define IA32_VMX_BASIC_REVISION_MASK		GENMASK_ULL(30, 0)
#define IA32_VMX_BASIC_VMCS_SIZE_SHIFT	32
#define IA32_VMX_BASIC_VMCS_SIZE_MASK	GENMASK_ULL(44, 32)
#define IA32_VMX_BASIC_32BIT_PHYS_ADDR_ONLY	BIT_ULL(48)
#define IA32_VMX_BASIC_DUAL_MONITOR		BIT_ULL(49)
#define IA32_VMX_BASIC_MEMTYPE_SHIFT		50
#define IA32_VMX_BASIC_MEMTYPE_MASK		GENMASK_ULL(53, 50)
#define IA32_VMX_BASIC_INOUT_INFO		BIT_ULL(54)
#define IA32_VMX_BASIC_TRUE_CTLS		BIT_ULL(55)

/* Memory types (Vol. 3A, 12.3 "Methods of Caching Available") */
#define VMX_MEMTYPE_UC			0
#define VMX_MEMTYPE_WB			6

/* IA32_VMX_MISC (A.6 "Miscellaneous Data") */
#define IA32_VMX_MISC_PREEMPTION_TIMER_RATE	GENMASK_ULL(4, 0)
#define IA32_VMX_MISC_SAVE_EFER_LMA		BIT_ULL(5)
#define IA32_VMX_MISC_ACTIVITY_HLT		BIT_ULL(6)

/*
 * IA32_VMX_EPT_VPID_CAP, VPID half (A.10 "VPID and EPT Capabilities");
 * the EPT half is in kmod/ept/ept.h.
 */
#define VPID_CAP_INVVPID		BIT_ULL(32)
#define VPID_CAP_INVVPID_ADDR	BIT_ULL(40)
#define VPID_CAP_INVVPID_SINGLE	BIT_ULL(41)
#define VPID_CAP_INVVPID_ALL	BIT_ULL(42)

/* Pin-based VM-execution controls (25.6.1) */
#define PIN_CTL_EXTERNAL_INTERRUPT_EXITING	BIT(0)
#define PIN_CTL_NMI_EXITING			BIT(3)
#define PIN_CTL_VIRTUAL_NMIS			BIT(5)
#define PIN_CTL_VMX_PREEMPTION_TIMER		BIT(6)
#define PIN_CTL_PROCESS_POSTED_INTERRUPTS	BIT(7)

/* Primary processor-based VM-execution controls (25.6.2, Table 25-6) */
#define CPU_CTL_INTERRUPT_WINDOW_EXITING	BIT(2)
#define CPU_CTL_USE_TSC_OFFSETTING		BIT(3)
#define CPU_CTL_HLT_EXITING			BIT(7)
#define CPU_CTL_INVLPG_EXITING			BIT(9)
#define CPU_CTL_MWAIT_EXITING			BIT(10)
#define CPU_CTL_RDPMC_EXITING			BIT(11)
#define CPU_CTL_RDTSC_EXITING			BIT(12)
#define CPU_CTL_CR3_LOAD_EXITING		BIT(15)
#define CPU_CTL_CR3_STORE_EXITING		BIT(16)
#define CPU_CTL_CR8_LOAD_EXITING		BIT(19)
#define CPU_CTL_CR8_STORE_EXITING		BIT(20)
#define CPU_CTL_USE_TPR_SHADOW			BIT(21)
#define CPU_CTL_NMI_WINDOW_EXITING		BIT(22)
#define CPU_CTL_MOV_DR_EXITING			BIT(23)
#define CPU_CTL_UNCONDITIONAL_IO_EXITING	BIT(24)
#define CPU_CTL_USE_IO_BITMAPS			BIT(25)
#define CPU_CTL_MONITOR_TRAP_FLAG		BIT(27)
#define CPU_CTL_USE_MSR_BITMAPS			BIT(28)
#define CPU_CTL_MONITOR_EXITING			BIT(29)
#define CPU_CTL_PAUSE_EXITING			BIT(30)
#define CPU_CTL_ACTIVATE_SECONDARY_CONTROLS	BIT(31)

/* Secondary processor-based VM-execution controls (25.6.2, Table 25-7) */
#define CPU_CTL2_VIRTUALIZE_APIC_ACCESSES	BIT(0)
#define CPU_CTL2_ENABLE_EPT			BIT(1)
#define CPU_CTL2_DESCRIPTOR_TABLE_EXITING	BIT(2)
#define CPU_CTL2_ENABLE_RDTSCP			BIT(3)
#define CPU_CTL2_VIRTUALIZE_X2APIC_MODE		BIT(4)
#define CPU_CTL2_ENABLE_VPID			BIT(5)
#define CPU_CTL2_WBINVD_EXITING			BIT(6)
#define CPU_CTL2_UNRESTRICTED_GUEST		BIT(7)
#define CPU_CTL2_PAUSE_LOOP_EXITING		BIT(10)
#define CPU_CTL2_ENABLE_INVPCID			BIT(12)
#define CPU_CTL2_ENABLE_VM_FUNCTIONS		BIT(13)
#define CPU_CTL2_VMCS_SHADOWING			BIT(14)
#define CPU_CTL2_ENABLE_PML			BIT(17)
#define CPU_CTL2_ENABLE_XSAVES			BIT(20)
#define CPU_CTL2_USE_TSC_SCALING		BIT(25)

/* Primary VM-exit controls (25.7.1, Table 25-13) */
#define EXIT_CTL_SAVE_DEBUG_CONTROLS		BIT(2)
#define EXIT_CTL_HOST_ADDRESS_SPACE_SIZE	BIT(9)
#define EXIT_CTL_LOAD_IA32_PERF_GLOBAL_CTRL	BIT(12)
#define EXIT_CTL_ACK_INTERRUPT_ON_EXIT		BIT(15)
#define EXIT_CTL_SAVE_IA32_PAT			BIT(18)
#define EXIT_CTL_LOAD_IA32_PAT			BIT(19)
#define EXIT_CTL_SAVE_IA32_EFER			BIT(20)
#define EXIT_CTL_LOAD_IA32_EFER			BIT(21)
#define EXIT_CTL_SAVE_VMX_PREEMPTION_TIMER	BIT(22)

/* VM-entry controls (25.8.1, Table 25-15) */
#define ENTRY_CTL_LOAD_DEBUG_CONTROLS		BIT(2)
#define ENTRY_CTL_IA32E_MODE_GUEST		BIT(9)
#define ENTRY_CTL_LOAD_IA32_PERF_GLOBAL_CTRL	BIT(13)
#define ENTRY_CTL_LOAD_IA32_PAT			BIT(14)
#define ENTRY_CTL_LOAD_IA32_EFER		BIT(15)

#endif /* TVMM_VMX_SDM_H */
