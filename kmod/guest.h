/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.h - reading and writing guest memory from the host.
 *
 * Functions return 0; -EFAULT when the guest-physical address is not RAM
 * tvmm can touch (outside every slot, or a write to a read-only slot); or
 * -ENOENT when the guest's page tables do not allow the access, with the
 * #PF error code in *pf_error for the caller to inject.
 */
#ifndef TVMM_GUEST_H
#define TVMM_GUEST_H

#include "tvmm.h"

#define GUEST_ACCESS_READ	0
#define GUEST_ACCESS_WRITE	BIT(0)
#define GUEST_ACCESS_FETCH	BIT(1)

int guest_read_phys(struct tvmm_vm *vm, u64 gpa, void *buf, size_t len);
int guest_write_phys(struct tvmm_vm *vm, u64 gpa, const void *buf,
		     size_t len);

/* With the vCPU's VMCS current: translate with the guest's paging mode. */
int guest_linear_to_phys(struct tvmm_vcpu *vcpu, u64 la, u32 access,
			 u64 *gpa, u32 *pf_error);
int guest_read_linear(struct tvmm_vcpu *vcpu, u64 la, void *buf, size_t len,
		      u32 access, u32 *pf_error);
int guest_write_linear(struct tvmm_vcpu *vcpu, u64 la, const void *buf,
		       size_t len, u32 *pf_error);

#endif /* TVMM_GUEST_H */
