/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_sdm.h - VMX constants, named as the Intel SDM names them.
 *
 * The one place for VMX architecture numbers: capability MSR fields, VM
 * control bits, exit reasons (under the SDM's names, their numbers from
 * the ABI) and exit information, with the few predicates that read them.
 * Section numbers refer to the SDM, Vol. 3C (chapter 25, "VMCS
 * Layout") and Vol. 3D (Appendix A, "VMX Capability Reporting Facility").
 * MSR numbers themselves come from the kernel's <asm/msr-index.h>. EPT
 * formats and EPT capability bits live in kmod/ept/ept.h.
 */
#ifndef TVMM_VMX_SDM_H
#define TVMM_VMX_SDM_H

#include <linux/bits.h>
#include <linux/types.h>

#include "../../uapi/tvmm_vmx.h"

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

/*
 * Basic VM-exit reasons (Appendix C, "VMX Basic Exit Reasons"). The ABI
 * carries them (statistics, trace ring, internal errors), so their numbers
 * are written once, in uapi/tvmm_vmx.h; here they keep the SDM's names.
 */
#define EXIT_REASON_EXCEPTION_NMI	TVMM_VMX_EXIT_EXCEPTION_NMI
#define EXIT_REASON_EXTERNAL_INTERRUPT	TVMM_VMX_EXIT_EXTERNAL_INTERRUPT
#define EXIT_REASON_TRIPLE_FAULT	TVMM_VMX_EXIT_TRIPLE_FAULT
#define EXIT_REASON_INIT_SIGNAL		TVMM_VMX_EXIT_INIT_SIGNAL
#define EXIT_REASON_INTERRUPT_WINDOW	TVMM_VMX_EXIT_INTERRUPT_WINDOW
#define EXIT_REASON_NMI_WINDOW		TVMM_VMX_EXIT_NMI_WINDOW
#define EXIT_REASON_TASK_SWITCH		TVMM_VMX_EXIT_TASK_SWITCH
#define EXIT_REASON_CPUID		TVMM_VMX_EXIT_CPUID
#define EXIT_REASON_GETSEC		TVMM_VMX_EXIT_GETSEC
#define EXIT_REASON_HLT			TVMM_VMX_EXIT_HLT
#define EXIT_REASON_INVD		TVMM_VMX_EXIT_INVD
#define EXIT_REASON_INVLPG		TVMM_VMX_EXIT_INVLPG
#define EXIT_REASON_RDPMC		TVMM_VMX_EXIT_RDPMC
#define EXIT_REASON_RDTSC		TVMM_VMX_EXIT_RDTSC
#define EXIT_REASON_VMCALL		TVMM_VMX_EXIT_VMCALL
#define EXIT_REASON_VMCLEAR		TVMM_VMX_EXIT_VMCLEAR
#define EXIT_REASON_VMLAUNCH		TVMM_VMX_EXIT_VMLAUNCH
#define EXIT_REASON_VMPTRLD		TVMM_VMX_EXIT_VMPTRLD
#define EXIT_REASON_VMPTRST		TVMM_VMX_EXIT_VMPTRST
#define EXIT_REASON_VMREAD		TVMM_VMX_EXIT_VMREAD
#define EXIT_REASON_VMRESUME		TVMM_VMX_EXIT_VMRESUME
#define EXIT_REASON_VMWRITE		TVMM_VMX_EXIT_VMWRITE
#define EXIT_REASON_VMXOFF		TVMM_VMX_EXIT_VMXOFF
#define EXIT_REASON_VMXON		TVMM_VMX_EXIT_VMXON
#define EXIT_REASON_CR_ACCESS		TVMM_VMX_EXIT_CR_ACCESS
#define EXIT_REASON_DR_ACCESS		TVMM_VMX_EXIT_DR_ACCESS
#define EXIT_REASON_IO_INSTRUCTION	TVMM_VMX_EXIT_IO_INSTRUCTION
#define EXIT_REASON_MSR_READ		TVMM_VMX_EXIT_MSR_READ
#define EXIT_REASON_MSR_WRITE		TVMM_VMX_EXIT_MSR_WRITE
#define EXIT_REASON_INVALID_GUEST_STATE	TVMM_VMX_EXIT_INVALID_GUEST_STATE
#define EXIT_REASON_MSR_LOADING		TVMM_VMX_EXIT_MSR_LOADING
#define EXIT_REASON_MWAIT		TVMM_VMX_EXIT_MWAIT
#define EXIT_REASON_MONITOR_TRAP_FLAG	TVMM_VMX_EXIT_MONITOR_TRAP_FLAG
#define EXIT_REASON_MONITOR		TVMM_VMX_EXIT_MONITOR
#define EXIT_REASON_PAUSE		TVMM_VMX_EXIT_PAUSE
#define EXIT_REASON_MACHINE_CHECK	TVMM_VMX_EXIT_MACHINE_CHECK
#define EXIT_REASON_TPR_BELOW_THRESHOLD	TVMM_VMX_EXIT_TPR_BELOW_THRESHOLD
#define EXIT_REASON_APIC_ACCESS		TVMM_VMX_EXIT_APIC_ACCESS
#define EXIT_REASON_GDTR_IDTR		TVMM_VMX_EXIT_GDTR_IDTR
#define EXIT_REASON_LDTR_TR		TVMM_VMX_EXIT_LDTR_TR
#define EXIT_REASON_EPT_VIOLATION	TVMM_VMX_EXIT_EPT_VIOLATION
#define EXIT_REASON_EPT_MISCONFIG	TVMM_VMX_EXIT_EPT_MISCONFIG
#define EXIT_REASON_INVEPT		TVMM_VMX_EXIT_INVEPT
#define EXIT_REASON_RDTSCP		TVMM_VMX_EXIT_RDTSCP
#define EXIT_REASON_PREEMPTION_TIMER	TVMM_VMX_EXIT_PREEMPTION_TIMER
#define EXIT_REASON_INVVPID		TVMM_VMX_EXIT_INVVPID
#define EXIT_REASON_WBINVD		TVMM_VMX_EXIT_WBINVD
#define EXIT_REASON_XSETBV		TVMM_VMX_EXIT_XSETBV
#define EXIT_REASON_RDRAND		TVMM_VMX_EXIT_RDRAND
#define EXIT_REASON_INVPCID		TVMM_VMX_EXIT_INVPCID
#define EXIT_REASON_RDSEED		TVMM_VMX_EXIT_RDSEED
#define EXIT_REASON_XSAVES		TVMM_VMX_EXIT_XSAVES
#define EXIT_REASON_XRSTORS		TVMM_VMX_EXIT_XRSTORS
#define NR_EXIT_REASONS				65

/*
 * Exits caused by executing an instruction, for which the CPU saves the
 * VM-exit instruction length (28.2.5, "Information for VM Exits Due to
 * Instruction Execution"); XRSTORS (64) is the one above bit 63.
 */
#define EXIT_REASONS_WITH_INSN_LEN					\
	(BIT_ULL(EXIT_REASON_CPUID) | BIT_ULL(EXIT_REASON_GETSEC) |	\
	 BIT_ULL(EXIT_REASON_HLT) | BIT_ULL(EXIT_REASON_INVD) |		\
	 BIT_ULL(EXIT_REASON_INVLPG) | BIT_ULL(EXIT_REASON_RDPMC) |	\
	 BIT_ULL(EXIT_REASON_RDTSC) | GENMASK_ULL(EXIT_REASON_VMXON,	\
						  EXIT_REASON_VMCALL) |	\
	 GENMASK_ULL(EXIT_REASON_MSR_WRITE, EXIT_REASON_CR_ACCESS) |	\
	 BIT_ULL(EXIT_REASON_MWAIT) | BIT_ULL(EXIT_REASON_MONITOR) |	\
	 BIT_ULL(EXIT_REASON_PAUSE) | BIT_ULL(EXIT_REASON_GDTR_IDTR) |	\
	 BIT_ULL(EXIT_REASON_LDTR_TR) | BIT_ULL(EXIT_REASON_INVEPT) |	\
	 BIT_ULL(EXIT_REASON_RDTSCP) | BIT_ULL(EXIT_REASON_INVVPID) |	\
	 BIT_ULL(EXIT_REASON_WBINVD) | BIT_ULL(EXIT_REASON_XSETBV) |	\
	 BIT_ULL(EXIT_REASON_RDRAND) | BIT_ULL(EXIT_REASON_INVPCID) |	\
	 BIT_ULL(EXIT_REASON_RDSEED) | BIT_ULL(EXIT_REASON_XSAVES))

/* Exit reason field (25.9.1, Table 25-17) */
#define EXIT_REASON_BASIC_MASK			GENMASK(15, 0)
#define EXIT_REASON_FAILED_VMENTRY		BIT(31)

/* VM-exit interruption information and IDT-vectoring info (25.9.2, 25.9.3) */
#define INTR_INFO_VECTOR_MASK			GENMASK(7, 0)
#define INTR_INFO_TYPE_SHIFT			8
#define INTR_INFO_TYPE_MASK			GENMASK(10, 8)
#define INTR_INFO_DELIVER_CODE			BIT(11)
#define INTR_INFO_NMI_UNBLOCKED_BY_IRET		BIT(12)
#define INTR_INFO_VALID				BIT(31)
#define INTR_TYPE_EXTERNAL			0
#define INTR_TYPE_NMI				2
#define INTR_TYPE_HW_EXCEPTION			3
#define INTR_TYPE_SW_INTERRUPT			4
#define INTR_TYPE_PRIV_SW_EXCEPTION		5
#define INTR_TYPE_SW_EXCEPTION			6

/* The fields of an interruption-information word, by name. */
static inline bool intr_info_valid(u32 info)
{
	return info & INTR_INFO_VALID;
}

static inline u32 intr_info_type(u32 info)
{
	return (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
}

static inline u8 intr_info_vector(u32 info)
{
	return info & INTR_INFO_VECTOR_MASK;
}

static inline bool intr_info_has_error_code(u32 info)
{
	return info & INTR_INFO_DELIVER_CODE;
}

/* A valid word that reports or injects a hardware exception. */
static inline bool intr_info_is_exception(u32 info)
{
	return intr_info_valid(info) &&
	       intr_info_type(info) == INTR_TYPE_HW_EXCEPTION;
}

/* The interruption-information word that injects @vector of @type. */
static inline u32 intr_info_event(u32 type, u8 vector)
{
	return vector | type << INTR_INFO_TYPE_SHIFT | INTR_INFO_VALID;
}

/*
 * The debug registers as software reads them back (Vol. 3B, 18.2.3 and
 * 18.2.4): DR6's reserved bits read as 1; DR7's bit 10 reads as 1 and
 * bits 12, 14 and 15 as 0 (DR7_FIXED_1 alone: no breakpoint armed). The
 * CPU clears DR7.GD when it delivers a #DB.
 */
#define DR6_FIXED_1				0xffff0ff0UL
#define DR7_FIXED_1				BIT(10)
#define DR7_WRITABLE				0xffff2fffUL
#define DR7_GD					BIT(13)

/*
 * Exit qualification for debug exceptions (28.2.1, Table 28-1): the DR6
 * bits the #DB would have set, all active high. The same layout is that of
 * the pending debug exceptions field (25.4.2, Table 25-4).
 */
#define DB_QUAL_B0_3				GENMASK(3, 0)
#define DB_QUAL_BD				BIT(13)
#define DB_QUAL_BS				BIT(14)

/* Exit qualification for I/O instructions (28.2.1, Table 28-5) */
#define IO_QUAL_SIZE_MASK			GENMASK(2, 0)	/* size - 1 */
#define IO_QUAL_IN				BIT(3)
#define IO_QUAL_STRING				BIT(4)
#define IO_QUAL_REP				BIT(5)
#define IO_QUAL_PORT_SHIFT			16

/* Exit qualification for control-register accesses (Table 28-3) */
#define CR_QUAL_NR_MASK				GENMASK(3, 0)
#define CR_QUAL_TYPE_SHIFT			4
#define CR_QUAL_TYPE_MASK			GENMASK(5, 4)
#define CR_QUAL_TYPE_MOV_TO_CR			0
#define CR_QUAL_TYPE_MOV_FROM_CR		1
#define CR_QUAL_TYPE_CLTS			2
#define CR_QUAL_TYPE_LMSW			3
#define CR_QUAL_REG_SHIFT			8
#define CR_QUAL_REG_MASK			GENMASK(11, 8)
#define CR_QUAL_LMSW_DATA_SHIFT			16

/* Exit qualification for MOV DR (Table 28-4) */
#define DR_QUAL_NR_MASK				GENMASK(2, 0)
#define DR_QUAL_FROM_DR				BIT(4)
#define DR_QUAL_REG_SHIFT			8
#define DR_QUAL_REG_MASK			GENMASK(11, 8)

/* VM-exit instruction information for INS and OUTS (25.9.4, Table 25-19) */
#define INSN_INFO_ADDR_SIZE_SHIFT		7
#define INSN_INFO_ADDR_SIZE_MASK		GENMASK(9, 7)
#define INSN_INFO_ADDR_SIZE_16			0
#define INSN_INFO_ADDR_SIZE_32			1

/* Exit qualification for EPT violations (Table 28-7) */
#define EPT_QUAL_READ				BIT(0)
#define EPT_QUAL_WRITE				BIT(1)
#define EPT_QUAL_FETCH				BIT(2)
#define EPT_QUAL_GPA_READABLE			BIT(3)
#define EPT_QUAL_NMI_UNBLOCKED_BY_IRET		BIT(12)

/* Guest activity and interruptibility state (25.4.2) */
#define GUEST_ACTIVITY_ACTIVE			0
#define GUEST_ACTIVITY_HLT			1
#define GUEST_INTR_STATE_STI			BIT(0)
#define GUEST_INTR_STATE_MOV_SS			BIT(1)
#define GUEST_INTR_STATE_NMI			BIT(3)

/* Segment access rights in the VMCS (25.4.1, Table 25-2) */
#define VMX_AR_TYPE_MASK				GENMASK(3, 0)
#define VMX_AR_S					BIT(4)
#define VMX_AR_DPL_SHIFT				5
#define VMX_AR_DPL_MASK				GENMASK(6, 5)
#define VMX_AR_P					BIT(7)
#define VMX_AR_AVL					BIT(12)
#define VMX_AR_L					BIT(13)
#define VMX_AR_DB					BIT(14)
#define VMX_AR_G					BIT(15)
#define VMX_AR_UNUSABLE				BIT(16)

/* Descriptor types (Vol. 3A, 3.4.5.1 and 3.5, Tables 3-1 and 3-2) */
#define SEG_TYPE_DATA_RW_ACCESSED		0x3
#define SEG_TYPE_CODE_RX_ACCESSED		0xb
#define SEG_TYPE_LDT				0x2
#define SEG_TYPE_TSS16_BUSY			0x3
#define SEG_TYPE_TSS_BUSY			0xb

/* VM-instruction error numbers (31.4, Table 31-1) worth naming here */
#define VMXERR_ENTRY_INVALID_CONTROL_FIELD	7
#define VMXERR_ENTRY_INVALID_HOST_STATE_FIELD	8

#endif /* TVMM_VMX_SDM_H */
