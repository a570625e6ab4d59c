/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ept.h - Extended Page Tables: what the CPU can do (the EPT half of
 * IA32_VMX_EPT_VPID_CAP) and the EPT pointer format.
 *
 * SDM Vol. 3D, A.10 "VPID and EPT Capabilities", and Vol. 3C, 29.3 "The
 * Extended Page Table Mechanism (EPT)".
 */
#ifndef TVMM_EPT_H
#define TVMM_EPT_H

#include <linux/bits.h>

/* IA32_VMX_EPT_VPID_CAP, EPT half (A.10) */
#define EPT_CAP_EXECUTE_ONLY		BIT_ULL(0)
#define EPT_CAP_PAGE_WALK_4		BIT_ULL(6)
#define EPT_CAP_PAGE_WALK_5		BIT_ULL(7)
#define EPT_CAP_MEMTYPE_UC		BIT_ULL(8)
#define EPT_CAP_MEMTYPE_WB		BIT_ULL(14)
#define EPT_CAP_PDE_2M			BIT_ULL(16)
#define EPT_CAP_PDPTE_1G		BIT_ULL(17)
#define EPT_CAP_INVEPT			BIT_ULL(20)
#define EPT_CAP_ACCESSED_DIRTY		BIT_ULL(21)
#define EPT_CAP_INVEPT_SINGLE_CONTEXT	BIT_ULL(25)
#define EPT_CAP_INVEPT_ALL_CONTEXT	BIT_ULL(26)

/* EPT pointer (25.6.11 "Extended-Page-Table Pointer (EPTP)") */
#define EPTP_MEMTYPE_WB			6ULL
#define EPTP_PAGE_WALK_LENGTH_SHIFT	3	/* walk length minus one */
#define EPTP_ENABLE_ACCESSED_DIRTY	BIT_ULL(6)

#endif /* TVMM_EPT_H */
