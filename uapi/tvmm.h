/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tvmm.h - the one ABI between tvmm.ko and userspace (tvmmctl, selftests).
 *
 * Rules this header keeps, so it never needs compat code:
 *  - fixed-width fields only, explicit padding, no pointers (user addresses
 *    travel as __u64);
 *  - every struct that userspace fills has flags and reserved fields that
 *    must be zero, so they can be given a meaning later;
 *  - TVMM_API_VERSION changes whenever an existing ioctl changes; new
 *    features are announced through TVMM_CHECK_EXTENSION instead;
 *  - every struct's size and field offsets are checked at build time at the
 *    bottom of this file, by the module and by userspace alike.
 *
 * Its companions in uapi/: tvmm_vmx.h names the VMX exit reasons this ABI
 * carries (TVMM_VMX_EXIT_*); tvmm_para.h is what a guest may know of tvmm
 * (hypercalls, the CPUID signature leaf); tvmm_names.h and tvmm_features.h
 * are name lists for tools.
 */
#ifndef _UAPI_TVMM_H
#define _UAPI_TVMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define TVMM_API_VERSION	1

/* 0xB8 is unused in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define TVMMIO			0xB8

/*
 * System ioctls, on the /dev/tvmm file descriptor.
 *
 * TVMM_GET_API_VERSION: argument must be 0; returns TVMM_API_VERSION.
 * TVMM_CHECK_EXTENSION: argument is a TVMM_CAP_* number; returns a positive
 *	value when the extension is present, 0 when it is not or is unknown.
 * TVMM_GET_VMX_CAPS: fills struct tvmm_vmx_caps; see below.
 */
#define TVMM_GET_API_VERSION	_IO(TVMMIO, 0x00)
#define TVMM_CHECK_EXTENSION	_IO(TVMMIO, 0x01)
#define TVMM_GET_VMX_CAPS	_IOWR(TVMMIO, 0x02, struct tvmm_vmx_caps)

/*
 * TVMM_CREATE_VM: argument must be 0; returns a new VM file descriptor.
 * TVMM_GET_VCPU_MMAP_SIZE: argument must be 0; returns the size to mmap()
 *	on a vCPU file descriptor to reach its struct tvmm_run: at least
 *	4096, the end of the I/O data area. Both areas of a vCPU fd (this
 *	one and the trace ring) are mapped MAP_SHARED, at their size; any
 *	other mmap() is -EINVAL, and neither grows with mremap().
 */
#define TVMM_CREATE_VM		_IO(TVMMIO, 0x03)
#define TVMM_GET_VCPU_MMAP_SIZE	_IO(TVMMIO, 0x04)
/*
 * TVMM_GET_MSR_INDEX_LIST: the MSRs that hold a vCPU's state, which
 *	TVMM_GET_MSRS reads and TVMM_SET_MSRS writes back: what a VMM saves
 *	and restores, in the order to restore them (struct tvmm_msr_list).
 *	In: nmsrs, the room in indices[]; out: nmsrs, how many there are,
 *	and the indices. -E2BIG: too little room (nmsrs is set to the count,
 *	no index written); -EINVAL: flags. The other MSRs TVMM_GET_MSRS
 *	knows read a constant (IA32_APIC_BASE, IA32_PLATFORM_ID, the MTRRs,
 *	IA32_TSC_ADJUST, IA32_BIOS_SIGN_ID) that no write changes. A user
 *	MSR (TVMM_SET_USER_MSRS) is userspace's to save, listed or not.
 */
#define TVMM_GET_MSR_INDEX_LIST	_IOWR(TVMMIO, 0x05, struct tvmm_msr_list)

/*
 * VM ioctls, on a VM file descriptor.
 *
 * TVMM_SET_MEMORY_REGION: create, move or delete (memory_size 0) a slot of
 *	guest-physical memory backed by the caller's memory. -EINVAL: bad
 *	slot, flags, reserved, alignment or range; -EEXIST: overlaps
 *	another slot; -EFAULT: the memory cannot be pinned; -ENOMEM: over
 *	RLIMIT_MEMLOCK, or too large to keep track of; -EOPNOTSUPP: the
 *	memory is a writable shared mapping of a file other than shmem
 *	(memfd, tmpfs) or hugetlbfs, whose writeback would miss the guest's
 *	writes.
 * TVMM_CREATE_VCPU: argument is the vCPU id (0..TVMM_MAX_VCPUS-1); returns
 *	a new vCPU file descriptor.
 * TVMM_SET_TSC_OFFSET: the value added to the host TSC when the guest
 *	reads its TSC (RDTSC, RDTSCP, IA32_TIME_STAMP_COUNTER).
 * TVMM_SET_USER_MSRS: the MSRs userspace models (struct tvmm_user_msrs,
 *	below), replacing the whole list; nmsrs 0 gives them all back to
 *	tvmm. The guest's RDMSR or WRMSR of one returns from TVMM_RUN with
 *	TVMM_EXIT_MSR (run->msr), and TVMM_GET/SET_MSRS treat it as an MSR
 *	tvmm does not keep. -EINVAL, the list in force unchanged: flags, an
 *	index past nmsrs not 0, nmsrs above TVMM_MAX_USER_MSRS, an MSR twice,
 *	or one tvmm.ko keeps itself (all TVMM_GET_MSRS reads but
 *	IA32_APIC_BASE, and what the VMCS or the host keeps: DEBUGCTL,
 *	PERF_GLOBAL_CTRL, BNDCFGS, RTIT_CTL, XSS, S_CET, INTERRUPT_SSP_TABLE,
 *	LBR_CTL, SPEC_CTRL, PRED_CMD, FLUSH_CMD); -EFAULT: a bad pointer.
 *	IA32_APIC_BASE, IA32_TSC_DEADLINE, the x2APIC range and MSRs tvmm
 *	does not know may be claimed. Takes effect at the next RDMSR/WRMSR
 *	of every vCPU, running or not.
 */
#define TVMM_SET_MEMORY_REGION	_IOW(TVMMIO, 0x10, struct tvmm_memory_region)
#define TVMM_CREATE_VCPU	_IO(TVMMIO, 0x11)
#define TVMM_SET_TSC_OFFSET	_IOW(TVMMIO, 0x12, struct tvmm_tsc_offset)
#define TVMM_SET_USER_MSRS	_IOW(TVMMIO, 0x13, struct tvmm_user_msrs)
/*
 * TVMM_GET_DIRTY_LOG: the pages of a memory slot created with
 *	TVMM_MEM_LOG_DIRTY that were written since the slot was created or
 *	since the last TVMM_GET_DIRTY_LOG of it, as a bitmap at
 *	struct tvmm_dirty_log.bitmap (bit n of byte n / 8: page n of the
 *	slot), cleared as it is read: a page written after its bit was read
 *	is reported by the next call, none is lost. Writes by the guest and
 *	by tvmm.ko for the guest (INS) count; userspace's own writes through
 *	its mapping do not. The bits are read and cleared atomically while
 *	vCPUs run: a VMM stops the vCPUs before its last call only to have
 *	a final, complete set. tvmm writes TVMM_DIRTY_LOG_BYTES(pages of
 *	the slot) bytes. A logged slot is mapped with 4 KiB pages, and the
 *	first write to a page after a call costs a VM exit handled in the
 *	kernel. -EINVAL: bad slot, flags, reserved, or a bitmap_size under
 *	TVMM_DIRTY_LOG_BYTES(pages of the slot); -ENOENT: the slot is empty
 *	or has no TVMM_MEM_LOG_DIRTY; -EFAULT: the bitmap cannot be written
 *	(the bits stay set, for the next call).
 */
#define TVMM_GET_DIRTY_LOG	_IOW(TVMMIO, 0x14, struct tvmm_dirty_log)

/*
 * vCPU ioctls, on a vCPU file descriptor.
 *
 * TVMM_RUN: argument must be 0. Runs the guest until an exit userspace must
 *	handle; returns 0 with struct tvmm_run filled, or -EINTR when a signal
 *	is pending (run->exit_reason is then TVMM_EXIT_INTR). There is no
 *	interrupt controller in the kernel: userspace models it and queues
 *	interrupts with TVMM_INTERRUPT, and every HLT exits, RIP past it,
 *	even with an interrupt queued (the next TVMM_RUN delivers that one
 *	to the instruction after the HLT). run->if_flag and
 *	run->ready_for_interrupt_injection are filled at every return.
 * TVMM_GET_SREGS, TVMM_SET_SREGS: CR0 and CR4 as the guest sees them (the
 *	bits VMX forces on are hidden). SET refuses with -EINVAL: reserved
 *	bits in CR0, CR4 or EFER, CR0.PG without PE, NW without CD, CR8 above
 *	15, EFER.LMA other than LME && PG, non-zero reserved; segment state
 *	is left to the CPU, whose refusal is TVMM_EXIT_FAIL_ENTRY.
 * TVMM_SET_CPUID: the CPUID table the guest sees.
 * TVMM_GET_MSRS, TVMM_SET_MSRS: the MSRs tvmm virtualizes; return how many
 *	entries were processed, stopping at the first unsupported one (a
 *	user MSR, TVMM_SET_USER_MSRS, is one) or, for SET, at a value the
 *	guest's WRMSR could not write. TVMM_GET_MSR_INDEX_LIST lists those
 *	to save and restore. IA32_TSC (0x10) is the guest's TSC, the host's
 *	plus the VM's offset (TVMM_SET_TSC_OFFSET): GET reads it now; SET
 *	sets the VM's offset so that the guest's TSC reads the value now
 *	and counts on from it, on every vCPU of the VM (one offset per VM).
 *	A restorer sets IA32_TSC last, once, right before the vCPUs run
 *	again: the guest's TSC then goes on from the saved value, never
 *	backwards, and the time the VM spent stopped is not counted. To
 *	count it, add it in TSC cycles. tvmm never scales the TSC: on a
 *	host of another rate (TVMM_CAP_TSC_KHZ) it runs at that rate.
 * TVMM_SET_EXCEPTION_EXITS: guest exceptions (bitmap of vectors 0-31) that
 *	exit to userspace as TVMM_EXIT_EXCEPTION instead of being delivered.
 * TVMM_GET_VCPU_STATS: how many VM exits of each basic exit reason the vCPU
 *	took, and the host TSC cycles tvmm spent on them (from the VM exit to
 *	the next VM entry, or to the return to userspace).
 */
#define TVMM_RUN		_IO(TVMMIO, 0x20)
#define TVMM_GET_REGS		_IOR(TVMMIO, 0x21, struct tvmm_regs)
#define TVMM_SET_REGS		_IOW(TVMMIO, 0x22, struct tvmm_regs)
#define TVMM_GET_SREGS		_IOR(TVMMIO, 0x23, struct tvmm_sregs)
#define TVMM_SET_SREGS		_IOW(TVMMIO, 0x24, struct tvmm_sregs)
#define TVMM_SET_CPUID		_IOW(TVMMIO, 0x25, struct tvmm_cpuid)
#define TVMM_GET_MSRS		_IOWR(TVMMIO, 0x26, struct tvmm_msrs)
#define TVMM_SET_MSRS		_IOW(TVMMIO, 0x27, struct tvmm_msrs)
#define TVMM_SET_EXCEPTION_EXITS _IOW(TVMMIO, 0x28, struct tvmm_exception_exits)
#define TVMM_GET_VCPU_STATS	_IOWR(TVMMIO, 0x29, struct tvmm_vcpu_stats)
/*
 * TVMM_INTERRUPT: queue external interrupt @vector (0 to 255) for the
 *	guest, as the PC's interrupt controller would raise it (the
 *	controller is modelled in userspace). tvmm delivers it at the first VM
 *	entry where the guest can take it (RFLAGS.IF = 1, no STI or MOV SS
 *	blocking, no event being re-delivered), waiting with interrupt-window
 *	exiting if need be, without returning to userspace. -EBUSY: a vector
 *	is already queued; -EINVAL: bad vector, flags or reserved.
 * TVMM_SET_TRACE: start (TVMM_TRACE_ON) or stop (0) recording every VM
 *	exit of the vCPU, handled in the kernel or not, in the vCPU's trace
 *	ring (struct tvmm_trace_ring, below). The first start allocates the
 *	ring; it then stays until the vCPU is closed. -EINVAL: bad flags or
 *	reserved.
 */
#define TVMM_INTERRUPT		_IOW(TVMMIO, 0x2a, struct tvmm_interrupt)
#define TVMM_SET_TRACE		_IOW(TVMMIO, 0x2b, struct tvmm_trace_config)
/*
 * TVMM_SET_INTERCEPTS: sensitive-but-harmless instructions the guest
 *	normally runs without an exit, made to exit to tvmm (which emulates
 *	them in the kernel), to watch them or to measure the cost of a trap.
 *	TVMM_INTERCEPT_RDTSC: RDTSC and RDTSCP exit; the guest still reads
 *	host TSC + the VM's TSC offset. -EINVAL: unknown flags or reserved;
 *	-EOPNOTSUPP: the CPU cannot exit on it.
 */
#define TVMM_SET_INTERCEPTS	_IOW(TVMMIO, 0x2c, struct tvmm_intercepts)
/*
 * TVMM_GET_VCPU_EVENTS, TVMM_SET_VCPU_EVENTS: the vCPU's event state,
 *	which neither regs nor sregs hold: the event the next VM entry will
 *	deliver (one a VM exit interrupted while the CPU was delivering it,
 *	which tvmm re-delivers, or an exception tvmm raised), the interrupt
 *	queued by TVMM_INTERRUPT, and the STI / MOV SS interrupt shadow. A
 *	VMM saves and restores it with the registers, so that moving or
 *	restoring a vCPU loses no event, and clears it (all zero) for INIT.
 *	SET refuses with -EINVAL, changing nothing: flags, padding or
 *	reserved not zero, a flag field other than 0 or 1, an event type
 *	tvmm does not inject (NMI, other), a hardware exception above 31 or
 *	with an error code it never has or above 0xffff (SDM Vol. 3C,
 *	27.2.1.3), an instruction length outside 1-15 for a software event
 *	or given for another, both shadows, a queue vector without a queued
 *	interrupt. An error code is delivered only in protected mode.
 */
#define TVMM_GET_VCPU_EVENTS	_IOR(TVMMIO, 0x2d, struct tvmm_vcpu_events)
#define TVMM_SET_VCPU_EVENTS	_IOW(TVMMIO, 0x2e, struct tvmm_vcpu_events)
/*
 * TVMM_GET_XSAVE, TVMM_SET_XSAVE: the guest's x87, SSE and AVX state in
 *	the standard (non-compacted) XSAVE format (SDM Vol. 1, 13.4 "XSAVE
 *	Area"), and its XCR0 (struct tvmm_xsave). The area's XSAVE header
 *	(bytes 512-575) says which components it holds (XSTATE_BV): x87 and
 *	SSE, which exist whatever XCR0 says (FXSAVE state), and those of
 *	XCR0 the guest enabled (AVX, AVX-512). A component whose bit is clear
 *	is in its initial state. On a host without XSAVE (noxsave) GET gives
 *	the FXSAVE image with XSTATE_BV = x87 | SSE, and XCR0 = 1.
 *	SET refuses with -EINVAL, changing nothing, what XRSTOR or XSETBV
 *	would refuse: flags or reserved not zero; an XCR0 the guest's XSETBV
 *	could not set on this host (x87 clear, a component the host does not
 *	enable or tvmm does not give guests, AVX without SSE, part of
 *	AVX-512 or AVX-512 without AVX; only 1 without host XSAVE); XCOMP_BV
 *	(the compacted format) or the header's reserved bytes not zero; a
 *	component in XSTATE_BV beyond x87, SSE and the new XCR0; MXCSR bits
 *	the CPU reserves (MXCSR_MASK, Vol. 1, 11.6.6).
 */
#define TVMM_GET_XSAVE		_IOR(TVMMIO, 0x2f, struct tvmm_xsave)
#define TVMM_SET_XSAVE		_IOW(TVMMIO, 0x30, struct tvmm_xsave)
/*
 * TVMM_GET_DEBUGREGS, TVMM_SET_DEBUGREGS: the guest's DR0-DR3, DR6 and
 *	DR7 (struct tvmm_debugregs) as its MOV DR reads them: DR6 with its
 *	reserved bits set, DR7 with bit 10 set and bits 11, 12, 14 and 15
 *	clear (SDM Vol. 3B, 18.2). tvmm keeps them virtual: the guest reads
 *	and writes them, but its breakpoints never fire. SET stores them as
 *	MOV DR would (DR7's fixed bits forced). -EINVAL, nothing changed:
 *	flags or reserved not zero, DR6 or DR7 bits 63:32 set (MOV DR's
 *	#GP).
 */
#define TVMM_GET_DEBUGREGS	_IOR(TVMMIO, 0x31, struct tvmm_debugregs)
#define TVMM_SET_DEBUGREGS	_IOW(TVMMIO, 0x32, struct tvmm_debugregs)

/* Extensions, for TVMM_CHECK_EXTENSION. Append only. */
#define TVMM_CAP_VMX_CAPS	1	/* TVMM_GET_VMX_CAPS exists */
#define TVMM_CAP_NR_MEMSLOTS	2	/* how many memory slots a VM has */
#define TVMM_CAP_MAX_VCPUS	3	/* how many vCPUs a VM may have */
#define TVMM_CAP_VCPU_STATS	4	/* TVMM_GET_VCPU_STATS exists */
#define TVMM_CAP_INTERRUPT	5	/* TVMM_INTERRUPT, interrupt windows */
#define TVMM_CAP_TRACE		6	/* TVMM_SET_TRACE and the trace ring */
#define TVMM_CAP_KERNEL_HYPERCALLS 7	/* TVMM_HC_* handled in the kernel */
#define TVMM_CAP_INTERCEPTS	8	/* TVMM_SET_INTERCEPTS */
#define TVMM_CAP_VCPU_EVENTS	9	/* TVMM_GET/SET_VCPU_EVENTS */
/*
 * The host's TSC rate in kHz, the rate the guest's TSC runs at (tvmm
 * offsets the TSC, never scales it): the value, 0 if unknown.
 */
#define TVMM_CAP_TSC_KHZ	10
#define TVMM_CAP_USER_MSRS	11	/* TVMM_SET_USER_MSRS, TVMM_EXIT_MSR */
#define TVMM_CAP_XSAVE		12	/* TVMM_GET/SET_XSAVE */
#define TVMM_CAP_DEBUGREGS	13	/* TVMM_GET/SET_DEBUGREGS */
#define TVMM_CAP_MSR_INDEX_LIST	14	/* TVMM_GET_MSR_INDEX_LIST */
#define TVMM_CAP_DIRTY_LOG	15	/* TVMM_MEM_LOG_DIRTY, TVMM_GET_DIRTY_LOG */

#define TVMM_MAX_MEMSLOTS	32
#define TVMM_MAX_VCPUS		64

/*
 * VMX features tvmm reports in tvmm_vmx_caps.features (1 << TVMM_VMX_*),
 * decoded from the capability MSRs (Intel SDM Vol. 3D, Appendix A "VMX
 * Capability Reporting Facility"). Numbers are ABI: append only. Their names,
 * and the names Linux gives them in /proc/cpuinfo, are in tvmm_features.h.
 */
enum tvmm_vmx_feature {
	TVMM_VMX_TRUE_CTLS	= 0,		/* IA32_VMX_BASIC[55]: the TRUE_*_CTLS MSRs exist */
	TVMM_VMX_EPT		= 1,		/* enable EPT may be 1 */
	TVMM_VMX_EPT_4LEVEL	= 2,		/* EPT page-walk length 4 */
	TVMM_VMX_EPT_5LEVEL	= 3,		/* EPT page-walk length 5 */
	TVMM_VMX_EPT_WB		= 4,		/* EPT structures may be write-back */
	TVMM_VMX_EPT_2M		= 5,		/* EPT 2 MiB pages (PDE) */
	TVMM_VMX_EPT_1G		= 6,		/* EPT 1 GiB pages (PDPTE) */
	TVMM_VMX_EPT_AD		= 7,		/* EPT accessed and dirty flags */
	TVMM_VMX_EPT_X_ONLY	= 8,		/* EPT execute-only translations */
	TVMM_VMX_INVEPT		= 9,		/* the INVEPT instruction */
	TVMM_VMX_VPID		= 10,		/* enable VPID may be 1 */
	TVMM_VMX_INVVPID	= 11,		/* the INVVPID instruction */
	TVMM_VMX_UNRESTRICTED_GUEST	= 12,	/* unrestricted guest may be 1 */
	TVMM_VMX_PREEMPTION_TIMER	= 13,	/* activate VMX-preemption timer may be 1 */
	TVMM_VMX_VNMI		= 14,		/* virtual NMIs may be 1 */
	TVMM_VMX_TSC_OFFSET	= 15,		/* use TSC offsetting may be 1 */
	TVMM_VMX_TSC_SCALING	= 16,		/* use TSC scaling may be 1 */
	TVMM_VMX_RDTSCP		= 17,		/* enable RDTSCP may be 1 */
	TVMM_VMX_MSR_BITMAPS	= 18,		/* use MSR bitmaps may be 1 */
	TVMM_VMX_IO_BITMAPS	= 19,		/* use I/O bitmaps may be 1 */
	TVMM_VMX_TPR_SHADOW	= 20,		/* use TPR shadow may be 1 */
	TVMM_VMX_VIRT_APIC_ACCESSES	= 21,	/* virtualize APIC accesses may be 1 */
	TVMM_VMX_POSTED_INTR	= 22,		/* process posted interrupts may be 1 */
	TVMM_VMX_MTF		= 23,		/* monitor trap flag may be 1 */
	TVMM_VMX_PAUSE_LOOP_EXITING	= 24,	/* PAUSE-loop exiting may be 1 */
	TVMM_VMX_SHADOW_VMCS	= 25,		/* VMCS shadowing may be 1 */
	TVMM_VMX_PML		= 26,		/* enable PML may be 1 */
	TVMM_VMX_LOAD_EFER	= 27,		/* load IA32_EFER on VM entry may be 1 */
	TVMM_VMX_ACTIVITY_HLT	= 28,		/* the HLT activity state */
	TVMM_VMX_NR_FEATURES
};

/* Enough bits for CONFIG_NR_CPUS=1024; more CPUs set TVMM_CAPS_CPUS_TRUNCATED. */
#define TVMM_MAX_CPUS		1024
#define TVMM_CPU_WORDS		(TVMM_MAX_CPUS / 64)

/* tvmm_vmx_caps.state: what tvmm itself has done with VMX on this host. */
#define TVMM_CAPS_VMXON_DEFERRED	0x1u /* defer_vmxon=1: VMXON waits for a VM */
#define TVMM_CAPS_CPUS_TRUNCATED	0x2u /* more than TVMM_MAX_CPUS CPU ids */

/*
 * struct tvmm_vmx_caps - TVMM_GET_VMX_CAPS.
 *
 * In: size = sizeof(struct tvmm_vmx_caps), flags = 0, reserved = 0; anything
 * else is -EINVAL. Out: the raw capability MSRs as read at module load
 * (identical on every CPU, or the module would not have loaded), the
 * decoded features, and which CPUs are online and in VMX root mode now.
 *
 * The *_ctls fields hold the TRUE_* MSR when IA32_VMX_BASIC[55] says those
 * exist, else the plain one: bits 31:0 are the allowed-0 settings (a 1 means
 * the control must be 1), bits 63:32 the allowed-1 settings (a 0 means the
 * control must be 0). SDM Vol. 3D, A.3 to A.5.
 */
struct tvmm_vmx_caps {
	__u32 size;
	__u32 flags;
	__u64 basic;			/* IA32_VMX_BASIC */
	__u64 pinbased_ctls;		/* IA32_VMX_(TRUE_)PINBASED_CTLS */
	__u64 procbased_ctls;		/* IA32_VMX_(TRUE_)PROCBASED_CTLS */
	__u64 procbased_ctls2;		/* IA32_VMX_PROCBASED_CTLS2, 0 if none */
	__u64 exit_ctls;		/* IA32_VMX_(TRUE_)EXIT_CTLS */
	__u64 entry_ctls;		/* IA32_VMX_(TRUE_)ENTRY_CTLS */
	__u64 misc;			/* IA32_VMX_MISC */
	__u64 cr0_fixed0;		/* IA32_VMX_CR0_FIXED0 */
	__u64 cr0_fixed1;		/* IA32_VMX_CR0_FIXED1 */
	__u64 cr4_fixed0;		/* IA32_VMX_CR4_FIXED0 */
	__u64 cr4_fixed1;		/* IA32_VMX_CR4_FIXED1 */
	__u64 ept_vpid_cap;		/* IA32_VMX_EPT_VPID_CAP, 0 if none */
	__u64 vmfunc;			/* IA32_VMX_VMFUNC, 0 if none */
	__u64 features;			/* 1 << TVMM_VMX_* */
	__u32 vmcs_revision;		/* IA32_VMX_BASIC[30:0] */
	__u32 vmcs_size;		/* IA32_VMX_BASIC[44:32], bytes */
	__u32 vmcs_memtype;		/* IA32_VMX_BASIC[53:50], 6 = write-back */
	__u32 preemption_timer_shift;	/* IA32_VMX_MISC[4:0]: TSC >> this */
	__u32 nr_cpu_ids;		/* CPU ids 0..nr_cpu_ids-1 may exist */
	__u32 state;			/* TVMM_CAPS_* */
	__u64 online_cpus[TVMM_CPU_WORDS];	/* bitmap of online CPUs */
	__u64 vmxon_cpus[TVMM_CPU_WORDS];	/* ... in VMX root mode by tvmm */
	__u64 reserved[8];		/* in: 0 */
};

/* struct tvmm_memory_region.flags */
#define TVMM_MEM_READONLY	0x1u	/* guest writes exit as MMIO */
/*
 * Keep a dirty-page log of the slot (TVMM_GET_DIRTY_LOG), empty when the
 * slot is created. Changing only this flag of a slot (same address, size
 * and memory) keeps its pages pinned; turning it off drops the log.
 */
#define TVMM_MEM_LOG_DIRTY	0x2u

/*
 * struct tvmm_memory_region - TVMM_SET_MEMORY_REGION.
 *
 * guest_phys_addr, memory_size and userspace_addr are page-aligned;
 * slots may not overlap; memory_size 0 deletes the slot. The memory is
 * pinned while the slot exists and counted against RLIMIT_MEMLOCK.
 */
struct tvmm_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 reserved[2];
};

/* struct tvmm_dirty_log - TVMM_GET_DIRTY_LOG. */
struct tvmm_dirty_log {
	__u32 slot;
	__u32 flags;			/* 0 */
	__u64 bitmap;			/* user address of the bitmap */
	__u64 bitmap_size;		/* its bytes */
	__u64 reserved[2];		/* 0 */
};

/* The bitmap of a slot of @pages pages: whole 64-bit words. */
#define TVMM_DIRTY_LOG_BYTES(pages)	((((pages) + 63) / 64) * 8)

/* struct tvmm_msr_list - TVMM_GET_MSR_INDEX_LIST: nmsrs indices follow. */
struct tvmm_msr_list {
	__u32 nmsrs;
	__u32 flags;			/* 0 */
	__u32 indices[];
};

struct tvmm_tsc_offset {
	__s64 offset;
	__u32 flags;			/* 0 */
	__u32 reserved;
};

#define TVMM_MAX_USER_MSRS	16

/* struct tvmm_user_msrs - TVMM_SET_USER_MSRS. */
struct tvmm_user_msrs {
	__u32 nmsrs;	/* 0 (none: the default) to TVMM_MAX_USER_MSRS */
	__u32 flags;		/* must be 0 */
	__u32 indices[TVMM_MAX_USER_MSRS];	/* unused ones must be 0 */
};

/* General-purpose registers, RIP and RFLAGS. */
struct tvmm_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/*
 * A segment register with its hidden part (SDM Vol. 3A, 3.4.5 "Segment
 * Descriptors"): the access-rights fields as a descriptor holds them.
 */
struct tvmm_segment {
	__u64 base;
	__u32 limit;			/* in bytes, granularity applied */
	__u16 selector;
	__u8  type;			/* 4 bits */
	__u8  s;			/* 1: code/data, 0: system */
	__u8  dpl;
	__u8  present;
	__u8  avl;
	__u8  l;			/* 64-bit code */
	__u8  db;			/* default operation size 32-bit */
	__u8  g;			/* limit in 4 KiB units */
	__u8  unusable;			/* a null selector loaded */
	__u8  padding;
};

struct tvmm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

/* Segment, control and descriptor-table registers, and EFER. */
struct tvmm_sregs {
	struct tvmm_segment cs, ds, es, fs, gs, ss;
	struct tvmm_segment tr, ldt;
	struct tvmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 reserved[4];
};

/* struct tvmm_cpuid_entry.flags */
#define TVMM_CPUID_INDEXED	0x1u	/* the entry applies to this ECX only */

struct tvmm_cpuid_entry {
	__u32 function;			/* EAX in */
	__u32 index;			/* ECX in, when TVMM_CPUID_INDEXED */
	__u32 flags;
	__u32 eax, ebx, ecx, edx;
	__u32 reserved[3];
};

#define TVMM_MAX_CPUID_ENTRIES	256

/*
 * struct tvmm_cpuid - TVMM_SET_CPUID: nent entries follow the header.
 * Leaves the table lacks read as all zeros, as leaves above the maximum do
 * on Intel CPUs.
 */
struct tvmm_cpuid {
	__u32 nent;
	__u32 flags;			/* 0 */
	struct tvmm_cpuid_entry entries[];
};

struct tvmm_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

#define TVMM_MAX_MSR_ENTRIES	64

/* struct tvmm_msrs - TVMM_GET_MSRS/TVMM_SET_MSRS: nmsrs entries follow. */
struct tvmm_msrs {
	__u32 nmsrs;
	__u32 flags;			/* 0 */
	struct tvmm_msr_entry entries[];
};

struct tvmm_exception_exits {
	__u32 vectors;			/* bit n: exit on exception vector n */
	__u32 flags;			/* 0 */
};

/* VMX exit reasons counted (SDM Vol. 3D, Appendix C: 0 to 75). */
#define TVMM_NR_VMX_EXIT_REASONS	80

/*
 * struct tvmm_vcpu_stats - TVMM_GET_VCPU_STATS. In: size = sizeof, flags
 * and reserved 0. Out: counts and cycles indexed by VMX exit reason
 * (TVMM_VMX_EXIT_*, see "tvmm exit" below).
 */
struct tvmm_vcpu_stats {
	__u32 size;
	__u32 flags;
	__u64 exits[TVMM_NR_VMX_EXIT_REASONS];
	__u64 cycles[TVMM_NR_VMX_EXIT_REASONS];
	__u64 reserved[4];
};

/* struct tvmm_interrupt - TVMM_INTERRUPT. */
struct tvmm_interrupt {
	__u32 vector;			/* 0 to 255: any, as a PIC's */
	__u32 flags;			/* 0 */
	__u64 reserved;			/* 0 */
};

/* struct tvmm_trace_config - TVMM_SET_TRACE. */
struct tvmm_trace_config {
	__u32 flags;			/* TVMM_TRACE_ON or 0 */
	__u32 reserved;			/* 0 */
};

#define TVMM_TRACE_ON		0x1u

/* struct tvmm_intercepts - TVMM_SET_INTERCEPTS. */
struct tvmm_intercepts {
	__u32 flags;			/* TVMM_INTERCEPT_* */
	__u32 reserved;			/* 0 */
};

#define TVMM_INTERCEPT_RDTSC	0x1u

/*
 * struct tvmm_vcpu_events - TVMM_GET_VCPU_EVENTS, TVMM_SET_VCPU_EVENTS.
 * event.type is the SDM's interruption type (Vol. 3C, 25.8.3).
 */
struct tvmm_vcpu_events {
	__u32 flags;			/* 0 */
	__u32 shadow;			/* TVMM_SHADOW_* */
	struct {
		__u8  pending;		/* 1: VM entry delivers it */
		__u8  type;		/* TVMM_EVENT_* */
		__u8  vector;
		__u8  has_error_code;
		__u32 error_code;
		__u32 insn_len;		/* software events: 1 to 15 */
		__u32 padding;
	} event;
	struct {
		__u8  queued;		/* 1: TVMM_INTERRUPT's, not delivered */
		__u8  vector;
		__u8  padding[6];
	} interrupt;
	__u64 reserved[4];
};

/*
 * The XSAVE area of struct tvmm_xsave: room for every component tvmm lets
 * a guest enable (x87, SSE, AVX, AVX-512 end at byte 2688).
 */
#define TVMM_XSAVE_AREA_SIZE	4096

/* struct tvmm_xsave - TVMM_GET_XSAVE, TVMM_SET_XSAVE. */
struct tvmm_xsave {
	__u32 flags;			/* 0 */
	__u32 padding;			/* 0 */
	__u64 xcr0;			/* the guest's XCR0 */
	__u64 reserved[6];		/* 0 */
	/* standard format: legacy area, header at 512, components */
	__u8  area[TVMM_XSAVE_AREA_SIZE];
};

/* struct tvmm_debugregs - TVMM_GET_DEBUGREGS, TVMM_SET_DEBUGREGS. */
struct tvmm_debugregs {
	__u64 db[4];			/* DR0-DR3 */
	__u64 dr6;
	__u64 dr7;
	__u32 flags;			/* 0 */
	__u32 padding;			/* 0 */
	__u64 reserved[3];		/* 0 */
};

#define TVMM_EVENT_EXTERNAL		0	/* an external interrupt */
#define TVMM_EVENT_HW_EXCEPTION		3
#define TVMM_EVENT_SW_INTERRUPT		4	/* INT n */
#define TVMM_EVENT_PRIV_SW_EXCEPTION	5	/* INT1 */
#define TVMM_EVENT_SW_EXCEPTION		6	/* INT3, INTO */

/* Interrupts blocked for one instruction (Vol. 3C, 25.4.2). */
#define TVMM_SHADOW_STI		0x1u
#define TVMM_SHADOW_MOV_SS	0x2u

/*
 * struct tvmm_trace_entry - one VM exit in the trace ring.
 *
 * info[] by VMX exit reason (TVMM_VMX_EXIT_*, see "tvmm exit" below):
 *  CPUID (10):		  [0] EAX | ECX << 32 asked; [1] EAX | EBX << 32 and
 *			  [2] ECX | EDX << 32 answered
 *  RDMSR (31), WRMSR (32): [0] the MSR; [1] the value read or written;
 *			  [2] 1 if tvmm raised #GP instead. A user MSR's
 *			  (TVMM_EXIT_MSR, handled_by user): [1] the value
 *			  written, 0 for RDMSR, which userspace answers
 *  I/O instruction (30):   [0] the value written by OUT (first element);
 *			  the qualification has port, size, direction
 *  EPT violation (48):	  [0] the guest-physical address; [1] the access
 *			  length; [2] the value written (MMIO writes)
 *  VMCALL (18):		  [0] RAX, [1] RBX at the call; [2] RAX after, if
 *			  handled in the kernel
 *  RDTSC (16), RDTSCP (51): [0] the value the guest got
 *  CR access (28):	  [0] the value moved to or from the register
 *  XSETBV (55):		  [0] the XCR (ECX); [1] the value
 *  exception or NMI (0), external interrupt (1): [0] the interruption
 *			  information; [1] the error code
 * Other reasons leave info[] zero.
 */
struct tvmm_trace_entry {
	__u64 seq;			/* run->exit_count of this exit */
	__u64 rip;			/* guest RIP of the exiting instruction */
	__u64 qualification;		/* the exit qualification */
	__u64 info[3];
	__u32 exit_reason;		/* VMX exit reason: TVMM_VMX_EXIT_* */
	__u8  handled_by;		/* TVMM_TRACE_BY_* */
	__u8  insn_len;			/* VM-exit instruction length, or 0 */
	__u16 padding;
	__u64 cycles;			/* host TSC cycles tvmm spent on it */
};

#define TVMM_TRACE_BY_KERNEL	1	/* tvmm.ko handled it and re-entered */
#define TVMM_TRACE_BY_USER	2	/* TVMM_RUN returned to userspace */

/*
 * struct tvmm_trace_ring - mmap() of the vCPU fd at TVMM_TRACE_MMAP_OFFSET,
 * TVMM_TRACE_MMAP_SIZE bytes, after the first TVMM_SET_TRACE.
 *
 * A single-producer ring: tvmm writes entries[head % nr_entries], then
 * advances head (a release store); userspace reads entries from tail to
 * head (head with an acquire load), then advances tail. When the ring is
 * full, TVMM_RUN returns with TVMM_EXIT_TRACE_FULL before entering the
 * guest again: userspace drains it and calls TVMM_RUN, and no exit is
 * lost. A tail that is not within nr_entries of head counts as a drained
 * ring.
 */
struct tvmm_trace_ring {
	__u64 head;			/* written by tvmm */
	__u64 tail;			/* written by userspace */
	__u32 nr_entries;		/* TVMM_TRACE_ENTRIES */
	__u32 flags;			/* TVMM_TRACE_ON while recording */
	__u64 reserved[5];
	struct tvmm_trace_entry entries[];
};

#define TVMM_TRACE_ENTRIES	4095
#define TVMM_TRACE_MMAP_OFFSET	4096
#define TVMM_TRACE_MMAP_SIZE	(64 * (TVMM_TRACE_ENTRIES + 1))

/*
 * Two kinds of exit cross this ABI, and "exit reason" names both:
 *  - a tvmm exit is why TVMM_RUN returned: run->exit_reason, one of the
 *    TVMM_EXIT_* below. Most VM exits never become one (tvmm handles them
 *    in the kernel and enters the guest again), and some tvmm exits follow
 *    no VM exit (TVMM_EXIT_INTR, TVMM_EXIT_TRACE_FULL);
 *  - a VMX exit reason is the basic exit reason the CPU gave one VM exit
 *    (SDM Vol. 3D, Appendix C), one of TVMM_VMX_EXIT_* in tvmm_vmx.h: the
 *    index of tvmm_vcpu_stats.exits[] and .cycles[],
 *    tvmm_trace_entry.exit_reason, run->internal.exit_reason and
 *    run->fail_entry.hardware_entry_failure_reason.
 * Hypercalls (TVMM_EXIT_HYPERCALL) and what else a guest may know of tvmm
 * are in tvmm_para.h.
 */

/* tvmm_run.exit_reason: a tvmm exit, why TVMM_RUN returned. */
#define TVMM_EXIT_UNKNOWN	0
#define TVMM_EXIT_IO		1	/* port I/O: run->io */
#define TVMM_EXIT_MMIO		2	/* memory outside RAM: run->mmio */
#define TVMM_EXIT_HLT		3	/* HLT; RIP is past it */
#define TVMM_EXIT_SHUTDOWN	4	/* triple fault */
#define TVMM_EXIT_HYPERCALL	5	/* VMCALL: run->hypercall */
#define TVMM_EXIT_EXCEPTION	6	/* a chosen exception: run->exception */
#define TVMM_EXIT_FAIL_ENTRY	7	/* VM entry failed: run->fail_entry */
#define TVMM_EXIT_INTERNAL_ERROR 8	/* tvmm cannot go on: run->internal */
#define TVMM_EXIT_INTR		9	/* a signal is pending (-EINTR) */
#define TVMM_EXIT_IRQ_WINDOW_OPEN 10	/* asked for by request_interrupt_window */
#define TVMM_EXIT_TRACE_FULL	11	/* drain the trace ring, then TVMM_RUN */
#define TVMM_EXIT_MSR		12	/* a user MSR's RDMSR/WRMSR: run->msr */

#define TVMM_IO_IN		0
#define TVMM_IO_OUT		1

/* Where in the mmap()ed vCPU area I/O data lives (run->io.data_offset). */
#define TVMM_RUN_IO_DATA_OFFSET	1024
#define TVMM_RUN_IO_DATA_SIZE	(4096 - TVMM_RUN_IO_DATA_OFFSET)

/*
 * struct tvmm_run - shared with userspace by mmap() of the vCPU fd.
 *
 * After TVMM_RUN returns, exit_reason says which member of the union is
 * valid. For TVMM_EXIT_IO with direction IN, TVMM_EXIT_MMIO reads and
 * TVMM_EXIT_MSR, userspace writes the data and the next TVMM_RUN
 * completes the guest's instruction with it, before entering the guest
 * (a TVMM_RUN that returns -EINTR first leaves it for the next one).
 */
struct tvmm_run {
	/* in */
	__u8  immediate_exit;		/* return -EINTR before entering */
	/*
	 * Return with TVMM_EXIT_IRQ_WINDOW_OPEN as soon as the guest can take
	 * an interrupt, if none is queued by TVMM_INTERRUPT.
	 */
	__u8  request_interrupt_window;
	__u8  padding1[6];
	/* out */
	__u32 exit_reason;
	/* TVMM_INTERRUPT now would be delivered at the next VM entry */
	__u8  ready_for_interrupt_injection;
	__u8  if_flag;			/* the guest's RFLAGS.IF */
	__u16 padding2;
	__u64 exit_count;		/* exits of this vCPU, all kinds */
	union {
		/*
		 * TVMM_EXIT_IO. For INS/OUTS, count elements of size bytes
		 * (at most TVMM_RUN_IO_DATA_SIZE / size) are at data_offset;
		 * RSI/RDI/RCX move past them when the exit is complete (for
		 * OUTS at the exit, for INS at the next TVMM_RUN), and a REP
		 * with elements left exits again for the next batch.
		 */
		struct {
			__u8  direction;	/* TVMM_IO_IN or TVMM_IO_OUT */
			__u8  size;		/* 1, 2 or 4 bytes */
			__u16 port;
			__u32 count;		/* > 1 for REP INS/OUTS */
			__u64 data_offset;	/* from the start of tvmm_run */
		} io;
		/* TVMM_EXIT_MMIO */
		struct {
			__u64 phys_addr;
			__u8  data[8];
			__u32 len;		/* 1, 2, 4 or 8 */
			__u8  is_write;
			__u8  padding[3];
		} mmio;
		/* TVMM_EXIT_HYPERCALL: RAX, then RBX RCX RDX RSI RDI */
		struct {
			__u64 nr;
			__u64 args[5];
			__u64 ret;		/* in: the guest's RAX after */
		} hypercall;
		/* TVMM_EXIT_EXCEPTION */
		struct {
			__u32 vector;
			__u32 error_code_valid;
			__u32 error_code;
			__u32 padding;
			__u64 rip;
			__u64 cr2;		/* for #PF */
		} exception;
		/* TVMM_EXIT_FAIL_ENTRY */
		struct {
			/*
			 * the VMX exit reason of the failed entry:
			 * TVMM_VMX_EXIT_INVALID_GUEST_STATE, _MSR_LOADING
			 * or _MACHINE_CHECK
			 */
			__u64 hardware_entry_failure_reason;
			/* VMLAUNCH/VMRESUME failed as an instruction */
			__u32 vm_instruction_error;
			__u32 qualification;	/* the CPU's exit qualification */
			__u32 guest_state_check; /* TVMM_GUEST_CHECK_*, if known */
			__u32 padding;
		} fail_entry;
		/*
		 * TVMM_EXIT_MSR: RDMSR or WRMSR of a user MSR, RIP still at
		 * the instruction. The next TVMM_RUN completes it: error
		 * set, #GP(0) for the guest, RIP unchanged; else RDMSR loads
		 * EDX:EAX from data, and RIP moves past the instruction.
		 * TVMM_SET_REGS before that drops the completion: the guest
		 * runs from the RIP it was given, which at the instruction
		 * means executing it (and exiting) again. A change of the
		 * list does not: the access was the user's when it exited.
		 */
		struct {
			__u32 index;		/* ECX */
			__u8  is_write;		/* 1: WRMSR, of data */
			/* userspace sets 1: the guest gets #GP(0) */
			__u8  error;
			__u8  pad[2];
			/* WRMSR: the value written; RDMSR: the answer */
			__u64 data;
		} msr;
		/* TVMM_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;		/* TVMM_INTERNAL_* */
			__u32 exit_reason;	/* a VMX exit reason */
			/* the exit qualification; for an EPT violation, the GPA */
			__u64 qualification;
			__u64 guest_rip;
			__u8  insn_len;
			__u8  insn_bytes[15];
		} internal;
		__u8 padding3[256];
	};
};

/*
 * run->fail_entry.guest_state_check: the first guest-state rule (SDM Vol.
 * 3C, 27.3.1 "Checks on the Guest State Area") tvmm found broken when the
 * CPU refused the guest state (TVMM_VMX_EXIT_INVALID_GUEST_STATE).
 */
#define TVMM_GUEST_CHECK_UNKNOWN	0	/* none tvmm checks */
#define TVMM_GUEST_CHECK_CR0		1	/* CR0 (PG without PE) */
#define TVMM_GUEST_CHECK_IA32E		2	/* IA-32e mode, EFER.LMA/LME, PAE */
#define TVMM_GUEST_CHECK_RFLAGS		3	/* reserved bits, IF vs. STI */
#define TVMM_GUEST_CHECK_RIP		4	/* bits 63:32 outside 64-bit code */
#define TVMM_GUEST_CHECK_CS		5
#define TVMM_GUEST_CHECK_SS		6
#define TVMM_GUEST_CHECK_DATA_SEGMENT	7	/* DS, ES, FS or GS */
#define TVMM_GUEST_CHECK_TR		8
#define TVMM_GUEST_CHECK_LDTR		9
#define TVMM_GUEST_CHECK_DESCRIPTOR_TABLE 10	/* GDTR or IDTR */

/* run->internal.suberror */
#define TVMM_INTERNAL_UNHANDLED_EXIT	1	/* no handler for exit_reason */
#define TVMM_INTERNAL_EMULATION		2	/* an instruction tvmm cannot decode */
#define TVMM_INTERNAL_EPT_MISCONFIG	3	/* a host bug: EPT misconfiguration */

/*
 * Build-time layout checks, compiled by the module and by userspace: a
 * change that moves a field fails the build on both sides. _Static_assert
 * is the C11 keyword, so the checks need no header from either side.
 */
#define TVMM_ABI_OFFSET(type, field, off)				\
	_Static_assert(__builtin_offsetof(type, field) == (off),	\
		       #type "." #field " moved")

_Static_assert(sizeof(struct tvmm_vmx_caps) == 464, "tvmm_vmx_caps size");
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, flags, 4);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, basic, 8);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, features, 112);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, vmcs_revision, 120);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, state, 140);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, online_cpus, 144);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, vmxon_cpus, 272);
TVMM_ABI_OFFSET(struct tvmm_vmx_caps, reserved, 400);
_Static_assert(sizeof(struct tvmm_memory_region) == 48, "memory_region size");
_Static_assert(sizeof(struct tvmm_dirty_log) == 40, "dirty_log size");
TVMM_ABI_OFFSET(struct tvmm_dirty_log, bitmap, 8);
_Static_assert(sizeof(struct tvmm_msr_list) == 8, "msr_list size");
_Static_assert(sizeof(struct tvmm_tsc_offset) == 16, "tsc_offset size");
_Static_assert(sizeof(struct tvmm_user_msrs) == 8 + 4 * 16, "user_msrs size");
TVMM_ABI_OFFSET(struct tvmm_user_msrs, indices, 8);
_Static_assert(sizeof(struct tvmm_regs) == 144, "regs size");
_Static_assert(sizeof(struct tvmm_vcpu_events) == 64, "vcpu_events size");
TVMM_ABI_OFFSET(struct tvmm_vcpu_events, event, 8);
TVMM_ABI_OFFSET(struct tvmm_vcpu_events, interrupt, 24);
TVMM_ABI_OFFSET(struct tvmm_vcpu_events, reserved, 32);
_Static_assert(sizeof(struct tvmm_xsave) == 64 + 4096, "xsave size");
TVMM_ABI_OFFSET(struct tvmm_xsave, xcr0, 8);
TVMM_ABI_OFFSET(struct tvmm_xsave, area, 64);
_Static_assert(sizeof(struct tvmm_debugregs) == 80, "debugregs size");
TVMM_ABI_OFFSET(struct tvmm_debugregs, dr6, 32);
TVMM_ABI_OFFSET(struct tvmm_debugregs, flags, 48);
_Static_assert(sizeof(struct tvmm_segment) == 24, "segment size");
_Static_assert(sizeof(struct tvmm_dtable) == 16, "dtable size");
_Static_assert(sizeof(struct tvmm_sregs) == 8 * 24 + 2 * 16 + 10 * 8,
	       "sregs size");
_Static_assert(sizeof(struct tvmm_cpuid_entry) == 40, "cpuid_entry size");
_Static_assert(sizeof(struct tvmm_cpuid) == 8, "cpuid size");
_Static_assert(sizeof(struct tvmm_msr_entry) == 16, "msr_entry size");
_Static_assert(sizeof(struct tvmm_msrs) == 8, "msrs size");
_Static_assert(sizeof(struct tvmm_exception_exits) == 8, "exception_exits");
_Static_assert(sizeof(struct tvmm_vcpu_stats) == 8 + 2 * 8 * 80 + 32,
	       "vcpu_stats size");
_Static_assert(sizeof(struct tvmm_interrupt) == 16, "interrupt size");
_Static_assert(sizeof(struct tvmm_trace_config) == 8, "trace_config size");
_Static_assert(sizeof(struct tvmm_intercepts) == 8, "intercepts size");
_Static_assert(sizeof(struct tvmm_trace_entry) == 64, "trace_entry size");
_Static_assert(sizeof(struct tvmm_trace_ring) == 64, "trace_ring size");
TVMM_ABI_OFFSET(struct tvmm_run, request_interrupt_window, 1);
TVMM_ABI_OFFSET(struct tvmm_run, ready_for_interrupt_injection, 12);
TVMM_ABI_OFFSET(struct tvmm_run, if_flag, 13);
_Static_assert(sizeof(struct tvmm_run) == 24 + 256, "run size");
_Static_assert(sizeof(struct tvmm_run) <= TVMM_RUN_IO_DATA_OFFSET,
	       "run overlaps the I/O data");
TVMM_ABI_OFFSET(struct tvmm_run, exit_reason, 8);
TVMM_ABI_OFFSET(struct tvmm_run, io, 24);
TVMM_ABI_OFFSET(struct tvmm_run, msr.index, 24);
TVMM_ABI_OFFSET(struct tvmm_run, msr.is_write, 28);
TVMM_ABI_OFFSET(struct tvmm_run, msr.error, 29);
TVMM_ABI_OFFSET(struct tvmm_run, msr.data, 32);
TVMM_ABI_OFFSET(struct tvmm_sregs, gdt, 192);
TVMM_ABI_OFFSET(struct tvmm_sregs, cr0, 224);

#endif /* _UAPI_TVMM_H */
