/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.h - reading and writing guest memory from the host.
 *
 * Functions return 0; -EFAULT when the guest-physical address is not RAM
 * tvmm can touch (outside every slot, or a write to a read-only slot); or
 * -ENOENT when the guest's page tables do not allow the access, with the
 * #PF error code in *pf_error for the caller to inject.
 *
 * The linear-address functions translate with @paging, the guest's paging
 * state that the caller took from the vCPU (vmx_guest_paging()).
 */
#ifndef TVMM_GUEST_H
#define TVMM_GUEST_H

#include "tvmm.h"
#include "x86/paging.h"

int guest_read_phys(struct tvmm_vm *vm, u64 gpa, void *buf, size_t len);
int guest_write_phys(struct tvmm_vm *vm, u64 gpa, const void *buf,
		     size_t len);

int guest_linear_to_phys(struct tvmm_vm *vm,
			 const struct guest_paging *paging, u64 la,
			 u32 access, u64 *gpa, u32 *pf_error);
int guest_read_linear(struct tvmm_vm *vm, const struct guest_paging *paging,
		      u64 la, void *buf, size_t len, u32 access,
		      u32 *pf_error);
int guest_write_linear(struct tvmm_vm *vm, const struct guest_paging *paging,
		       u64 la, const void *buf, size_t len, u32 *pf_error);

#endif /* TVMM_GUEST_H */
