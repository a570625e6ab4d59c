/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tvmm_vmx.h - the VMX basic exit reasons (Intel SDM Vol. 3D, Appendix C
 * "VMX Basic Exit Reasons") that tvmm's ABI carries: the index of
 * tvmm_vcpu_stats.exits[] and .cycles[], tvmm_trace_entry.exit_reason,
 * run->internal.exit_reason and run->fail_entry.hardware_entry_failure_reason
 * (uapi/tvmm.h tells a "VMX exit reason" from a "tvmm exit"). They are the
 * CPU's numbers, so they never change; their names, for tools, are in
 * tvmm_names.h (TVMM_VMX_EXIT_NAME).
 */
#ifndef _UAPI_TVMM_VMX_H
#define _UAPI_TVMM_VMX_H

#define TVMM_VMX_EXIT_EXCEPTION_NMI		0
#define TVMM_VMX_EXIT_EXTERNAL_INTERRUPT	1
#define TVMM_VMX_EXIT_TRIPLE_FAULT		2
#define TVMM_VMX_EXIT_INIT_SIGNAL		3
#define TVMM_VMX_EXIT_INTERRUPT_WINDOW		7
#define TVMM_VMX_EXIT_NMI_WINDOW		8
#define TVMM_VMX_EXIT_TASK_SWITCH		9
#define TVMM_VMX_EXIT_CPUID			10
#define TVMM_VMX_EXIT_GETSEC			11
#define TVMM_VMX_EXIT_HLT			12
#define TVMM_VMX_EXIT_INVD			13
#define TVMM_VMX_EXIT_INVLPG			14
#define TVMM_VMX_EXIT_RDPMC			15
#define TVMM_VMX_EXIT_RDTSC			16
#define TVMM_VMX_EXIT_VMCALL			18
#define TVMM_VMX_EXIT_VMCLEAR			19
#define TVMM_VMX_EXIT_VMLAUNCH			20
#define TVMM_VMX_EXIT_VMPTRLD			21
#define TVMM_VMX_EXIT_VMPTRST			22
#define TVMM_VMX_EXIT_VMREAD			23
#define TVMM_VMX_EXIT_VMRESUME			24
#define TVMM_VMX_EXIT_VMWRITE			25
#define TVMM_VMX_EXIT_VMXOFF			26
#define TVMM_VMX_EXIT_VMXON			27
#define TVMM_VMX_EXIT_CR_ACCESS			28
#define TVMM_VMX_EXIT_DR_ACCESS			29
#define TVMM_VMX_EXIT_IO_INSTRUCTION		30
#define TVMM_VMX_EXIT_MSR_READ			31
#define TVMM_VMX_EXIT_MSR_WRITE			32
#define TVMM_VMX_EXIT_INVALID_GUEST_STATE	33
#define TVMM_VMX_EXIT_MSR_LOADING		34
#define TVMM_VMX_EXIT_MWAIT			36
#define TVMM_VMX_EXIT_MONITOR_TRAP_FLAG		37
#define TVMM_VMX_EXIT_MONITOR			39
#define TVMM_VMX_EXIT_PAUSE			40
#define TVMM_VMX_EXIT_MACHINE_CHECK		41
#define TVMM_VMX_EXIT_TPR_BELOW_THRESHOLD	43
#define TVMM_VMX_EXIT_APIC_ACCESS		44
#define TVMM_VMX_EXIT_GDTR_IDTR			46
#define TVMM_VMX_EXIT_LDTR_TR			47
#define TVMM_VMX_EXIT_EPT_VIOLATION		48
#define TVMM_VMX_EXIT_EPT_MISCONFIG		49
#define TVMM_VMX_EXIT_INVEPT			50
#define TVMM_VMX_EXIT_RDTSCP			51
#define TVMM_VMX_EXIT_PREEMPTION_TIMER		52
#define TVMM_VMX_EXIT_INVVPID			53
#define TVMM_VMX_EXIT_WBINVD			54
#define TVMM_VMX_EXIT_XSETBV			55
#define TVMM_VMX_EXIT_RDRAND			57
#define TVMM_VMX_EXIT_INVPCID			58
#define TVMM_VMX_EXIT_RDSEED			61
#define TVMM_VMX_EXIT_XSAVES			63
#define TVMM_VMX_EXIT_XRSTORS			64

#endif /* _UAPI_TVMM_VMX_H */
