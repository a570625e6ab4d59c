// SPDX-License-Identifier: GPL-2.0
/*
 * guest_checks.c - why the CPU refused the guest state.
 *
 * A VM entry that fails the checks on the guest-state area exits with
 * basic reason 33 and, mostly, no hint of which check (SDM Vol. 3C, 27.8
 * "VM-Entry Failures During or After Loading Guest State"). Userspace gets
 * a name for the first rule of 27.3.1 that tvmm finds broken, checked in
 * the SDM's order for an unrestricted guest; TVMM_GUEST_CHECK_UNKNOWN when
 * it finds none.
 */
#include <linux/kernel.h>
#include <asm/processor-flags.h>

#include "vmcs.h"
#include "vmx_internal.h"
#include "vmx_sdm.h"

#define RFLAGS_RESERVED	(GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))

/* Limit and granularity agree (27.3.1.2): G=0 below 1 MiB, G=1 above. */
static bool seg_limit_ok(u32 limit, u32 ar)
{
	if ((limit & 0xfff) != 0xfff && (ar & VMX_AR_G))
		return false;
	if ((limit & 0xfff00000) && !(ar & VMX_AR_G))
		return false;
	return true;
}

static bool cs_ok(bool ia32e)
{
	u32 ar = vmcs_read32(GUEST_CS_AR_BYTES);
	u32 type = ar & VMX_AR_TYPE_MASK;

	/* Accessed code, or (unrestricted guest) read/write accessed data. */
	if (type != 9 && type != 11 && type != 13 && type != 15 && type != 3)
		return false;
	if (!(ar & VMX_AR_S) || !(ar & VMX_AR_P) || (ar & VMX_AR_UNUSABLE))
		return false;
	if (ia32e && (ar & VMX_AR_L) && (ar & VMX_AR_DB))
		return false;
	return seg_limit_ok(vmcs_read32(GUEST_CS_LIMIT), ar);
}

static bool data_seg_ok(enum vmcs_field ar_field, enum vmcs_field limit,
			bool is_ss)
{
	u32 ar = vmcs_read32(ar_field);
	u32 type = ar & VMX_AR_TYPE_MASK;

	if (ar & VMX_AR_UNUSABLE)
		return true;
	if (!(ar & VMX_AR_S) || !(ar & VMX_AR_P) || !(type & 1))
		return false;
	if (is_ss && type != 3 && type != 7)
		return false;
	/* A code segment used as data must be readable. */
	if ((type & 8) && !(type & 2))
		return false;
	return seg_limit_ok(vmcs_read32(limit), ar);
}

static bool tr_ok(bool ia32e)
{
	u32 ar = vmcs_read32(GUEST_TR_AR_BYTES);
	u32 type = ar & VMX_AR_TYPE_MASK;

	if (vmcs_read16(GUEST_TR_SELECTOR) & 4)	/* TI: must be in the GDT */
		return false;
	if (type != SEG_TYPE_TSS_BUSY &&
	    (ia32e || type != SEG_TYPE_TSS16_BUSY))
		return false;
	if ((ar & VMX_AR_S) || !(ar & VMX_AR_P) || (ar & VMX_AR_UNUSABLE))
		return false;
	return seg_limit_ok(vmcs_read32(GUEST_TR_LIMIT), ar);
}

static bool ldtr_ok(void)
{
	u32 ar = vmcs_read32(GUEST_LDTR_AR_BYTES);

	if (ar & VMX_AR_UNUSABLE)
		return true;
	if ((vmcs_read16(GUEST_LDTR_SELECTOR) & 4) ||
	    (ar & VMX_AR_TYPE_MASK) != SEG_TYPE_LDT || (ar & VMX_AR_S) ||
	    !(ar & VMX_AR_P))
		return false;
	return seg_limit_ok(vmcs_read32(GUEST_LDTR_LIMIT), ar);
}

u32 vmx_guest_state_check(struct tvmm_vcpu *vcpu)
{
	unsigned long cr0 = vmcs_readl(GUEST_CR0);
	unsigned long cr4 = vmcs_readl(GUEST_CR4);
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u64 rflags = vmcs_readl(GUEST_RFLAGS);
	bool ia32e = vmcs_read32(VM_ENTRY_CONTROLS) &
		     ENTRY_CTL_IA32E_MODE_GUEST;

	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return TVMM_GUEST_CHECK_CR0;
	if (ia32e != !!(efer & EFER_LMA) ||
	    (ia32e && (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE))) ||
	    ((cr0 & X86_CR0_PG) && !!(efer & EFER_LMA) != !!(efer & EFER_LME)))
		return TVMM_GUEST_CHECK_IA32E;
	if (!cs_ok(ia32e))
		return TVMM_GUEST_CHECK_CS;
	if (!data_seg_ok(GUEST_SS_AR_BYTES, GUEST_SS_LIMIT, true))
		return TVMM_GUEST_CHECK_SS;
	if (!data_seg_ok(GUEST_DS_AR_BYTES, GUEST_DS_LIMIT, false) ||
	    !data_seg_ok(GUEST_ES_AR_BYTES, GUEST_ES_LIMIT, false) ||
	    !data_seg_ok(GUEST_FS_AR_BYTES, GUEST_FS_LIMIT, false) ||
	    !data_seg_ok(GUEST_GS_AR_BYTES, GUEST_GS_LIMIT, false))
		return TVMM_GUEST_CHECK_DATA_SEGMENT;
	if (!tr_ok(ia32e))
		return TVMM_GUEST_CHECK_TR;
	if (!ldtr_ok())
		return TVMM_GUEST_CHECK_LDTR;
	if (vmcs_read32(GUEST_GDTR_LIMIT) > 0xffff ||
	    vmcs_read32(GUEST_IDTR_LIMIT) > 0xffff)
		return TVMM_GUEST_CHECK_DESCRIPTOR_TABLE;
	if ((rflags & RFLAGS_RESERVED) || !(rflags & X86_EFLAGS_FIXED) ||
	    ((vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
	      GUEST_INTR_STATE_STI) && !(rflags & X86_EFLAGS_IF)))
		return TVMM_GUEST_CHECK_RFLAGS;
	if ((!ia32e || !(vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_L)) &&
	    (vmcs_readl(GUEST_RIP) >> 32))
		return TVMM_GUEST_CHECK_RIP;
	return TVMM_GUEST_CHECK_UNKNOWN;
}
