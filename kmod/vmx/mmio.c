// SPDX-License-Identifier: GPL-2.0
/*
 * mmio.c - MMIO: guest accesses to guest-physical addresses outside every
 * memory slot (or writes to a read-only slot), which exit as EPT
 * violations, as do the first writes to pages of a slot whose writes are
 * logged (handed to dirty_log.c). tvmm fetches and decodes the instruction (x86/insn.c),
 * hands the access to userspace, and finishes a read when userspace
 * returns with the data.
 *
 * Context: this vCPU's VMCS loaded on this CPU (preemption off), IRQs on,
 * vcpu->lock and vm->mem_rwsem (read) held, so the slots stay put while
 * the instruction is fetched. handle_ept_violation() runs in a session
 * (run.c); vmx_complete_mmio_read() from vmx_complete_userspace_exit()
 * (io.c), before the next one.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "../guest.h"
#include "exits.h"

/* The guest's registers in encoding order, RSP included, for insn.c. */
static void vmx_regs_to_insn(struct tvmm_vcpu *vcpu, u64 regs[16])
{
	int i;

	for (i = 0; i < 16; i++)
		regs[i] = vmx_read_gpr(vcpu, i);
}

static void vmx_regs_from_insn(struct tvmm_vcpu *vcpu, const u64 regs[16])
{
	int i;

	for (i = 0; i < 16; i++)
		vmx_write_gpr(vcpu, i, regs[i]);
}

static enum tvmm_insn_mode vmx_insn_mode(void)
{
	if (vmx_guest_64bit_code())
		return TVMM_INSN_MODE_64;
	if (vmx_guest_protected() &&
	    (vmcs_read32(GUEST_CS_AR_BYTES) & VMX_AR_DB))
		return TVMM_INSN_MODE_32;
	return TVMM_INSN_MODE_16;
}

/*
 * The bytes at CS:RIP, up to 15, stopping early where the guest's memory
 * ends (the decoder says if it needed more).
 */
static size_t vmx_fetch_insn(struct tvmm_vcpu *vcpu, u8 *bytes)
{
	u64 la = vmcs_readl(GUEST_RIP);
	struct guest_paging paging;
	size_t n = 0, chunk;
	u32 pf_error;

	vmx_guest_paging(vcpu, &paging);
	/* CS.base counts outside 64-bit code only (Vol. 3A, 3.4.4). */
	if (!vmx_guest_64bit_code())
		la = (u32)(la + vmcs_readl(GUEST_CS_BASE));
	while (n < TVMM_INSN_MAX_LEN) {
		chunk = min_t(size_t, TVMM_INSN_MAX_LEN - n,
			      PAGE_SIZE - offset_in_page(la + n));
		if (guest_read_linear(vcpu->vm, &paging, la + n, bytes + n,
				      chunk, GUEST_ACCESS_FETCH, &pf_error))
			break;
		n += chunk;
	}
	return n;
}

static void vmx_mmio_exit(struct tvmm_vcpu *vcpu, u64 gpa, bool write,
			  u64 data)
{
	struct tvmm_run *run = vcpu->run;

	run->exit_reason = TVMM_EXIT_MMIO;
	memset(&run->mmio, 0, sizeof(run->mmio));
	run->mmio.phys_addr = gpa;
	run->mmio.len = vcpu->vmx.pending.insn.mem_size;
	run->mmio.is_write = write;
	if (write)
		memcpy(run->mmio.data, &data, run->mmio.len);
}

/*
 * Outside every slot, or a write to a read-only one: the guest touched a
 * device. Decode the instruction (x86/insn.c) and hand userspace the
 * access; a read completes when userspace comes back with the data.
 */
int handle_ept_violation(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	unsigned long qual = vmx_exit_qual(exit);
	struct tvmm_memslot *slot = tvmm_gpa_to_slot(vcpu->vm, gpa);
	struct tvmm_insn *insn = &vcpu->vmx.pending.insn;
	struct tvmm_run *run = vcpu->run;
	u8 bytes[TVMM_INSN_MAX_LEN];
	u64 regs[16], data, val;
	size_t n;

	vmx_exit_info(exit, gpa, 0, 0);
	/*
	 * RAM after all: the first write to a page of a logged slot
	 * (dirty_log.c), or a translation of a slot that just changed.
	 */
	if (slot && !((slot->flags & TVMM_MEM_READONLY) &&
		      (qual & EPT_QUAL_WRITE))) {
		if ((qual & EPT_QUAL_WRITE) && slot->dirty_bitmap)
			tvmm_dirty_log_write_fault(vcpu->vm, slot, gpa);
		return 1;
	}
	n = vmx_fetch_insn(vcpu, bytes);
	if ((qual & EPT_QUAL_FETCH) ||
	    tvmm_insn_decode(bytes, n, vmx_insn_mode(), insn)) {
		vmx_internal_error(vcpu, exit, TVMM_INTERNAL_EMULATION);
		run->internal.qualification = gpa;
		run->internal.insn_len = n;
		memcpy(run->internal.insn_bytes, bytes, n);
		return 0;
	}
	if (insn->mem_access & TVMM_INSN_MEM_READ) {
		vmx_exit_info(exit, gpa, insn->mem_size, 0);
		vmx_mmio_exit(vcpu, gpa, false, 0);
		vcpu->vmx.pending.exit = TVMM_EXIT_MMIO;
		vcpu->vmx.pending.gpa = gpa;
		return 0;
	}
	vmx_regs_to_insn(vcpu, regs);
	data = tvmm_insn_reg_read(insn, regs);
	if (tvmm_insn_complete_write(insn, regs, vmcs_readl(GUEST_RFLAGS)))
		vmx_advance_rip(vcpu, insn->len);
	vmx_regs_from_insn(vcpu, regs);
	vmx_mmio_exit(vcpu, gpa, true, data);
	val = 0;
	memcpy(&val, &data, insn->mem_size);
	vmx_exit_info(exit, gpa, insn->mem_size, val);
	return 0;
}

/*
 * An MMIO read is back with its data: finish the instruction. Returns 0
 * when it also writes memory (XCHG, an ALU op on memory), run->mmio then
 * holding that write for userspace; 1 otherwise.
 */
int vmx_complete_mmio_read(struct tvmm_vcpu *vcpu)
{
	struct tvmm_insn *insn = &vcpu->vmx.pending.insn;
	u64 regs[16], rflags = vmcs_readl(GUEST_RFLAGS), data = 0, wb;

	memcpy(&data, vcpu->run->mmio.data, insn->mem_size);
	vmx_regs_to_insn(vcpu, regs);
	wb = tvmm_insn_complete_read(insn, regs, &rflags, data);
	vmx_regs_from_insn(vcpu, regs);
	vmcs_writel(GUEST_RFLAGS, rflags);
	vmx_advance_rip(vcpu, insn->len);
	if (!(insn->mem_access & TVMM_INSN_MEM_WRITE))
		return 1;
	vmx_mmio_exit(vcpu, vcpu->vmx.pending.gpa, true, wb);
	return 0;
}
