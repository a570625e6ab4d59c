// SPDX-License-Identifier: GPL-2.0
/*
 * io.c - port I/O (IN, OUT, INS, OUTS) and hypercalls (VMCALL), which
 * userspace completes, and the completion itself when TVMM_RUN comes back.
 *
 * An exit for userspace is told in vcpu->run; what tvmm needs to finish
 * the instruction afterwards (an IN's size, an INS's addresses, the MMIO
 * instruction in flight) waits in vcpu->vmx.pending, and
 * vmx_complete_userspace_exit() uses it before the next VM entry. An OUT
 * or a hypercall is complete (RIP moved on) before userspace sees it.
 *
 * Context: this vCPU's VMCS loaded on this CPU (preemption off), IRQs on,
 * vcpu->lock and vm->mem_rwsem (read) held. The handlers run in a session
 * (run.c); vmx_complete_userspace_exit() runs in vmx_vcpu_run() just
 * before one starts.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/trapnr.h>

#include "../../uapi/tvmm_para.h"
#include "../guest.h"
#include "exits.h"

static int vmx_inject_pf(struct tvmm_vcpu *vcpu, u64 addr, u32 error)
{
	vcpu->cr2 = addr;
	return vmx_raise_exception(vcpu, X86_TRAP_PF, true, error);
}

/*
 * Address size of INS/OUTS from the VM-exit instruction-information field
 * (25.9.4, Table 25-19, bits 9:7), as a mask.
 */
static u64 vmx_string_addr_mask(void)
{
	u32 info = vmcs_read32(VMX_INSTRUCTION_INFO);

	switch ((info & INSN_INFO_ADDR_SIZE_MASK) >> INSN_INFO_ADDR_SIZE_SHIFT) {
	case INSN_INFO_ADDR_SIZE_16:
		return 0xffff;
	case INSN_INFO_ADDR_SIZE_32:
		return 0xffffffff;
	default:
		return ~0ULL;
	}
}

/* Add @delta to a register as an instruction of that address size does. */
static void vmx_add_masked(struct tvmm_vcpu *vcpu, int reg, s64 delta,
			   u64 mask)
{
	u64 val = vmx_read_gpr(vcpu, reg) + delta;

	/* 16-bit updates keep the upper bits; 32-bit ones clear them. */
	if (mask == 0xffff)
		val = (vmx_read_gpr(vcpu, reg) & ~mask) | (val & mask);
	else
		val &= mask;
	vmx_write_gpr(vcpu, reg, val);
}

/*
 * After a batch of INS/OUTS: move RSI/RDI and count RCX down. A REP with
 * elements left is not skipped: the guest executes it again and exits
 * again for the next batch, as an interrupted REP would.
 */
static void vmx_string_io_advance(struct tvmm_vcpu *vcpu,
				  const struct vmx_string_io *op)
{
	u64 mask = op->addr_mask;
	s64 step = (s64)op->count * op->size;

	vmx_add_masked(vcpu, op->in ? REG_RDI : REG_RSI,
		       op->down ? -step : step, mask);
	if (op->rep) {
		vmx_add_masked(vcpu, REG_RCX, -(s64)op->count, mask);
		if (vmx_read_gpr(vcpu, REG_RCX) & mask)
			return;
	}
	vmx_advance_rip(vcpu, op->insn_len);
}

/*
 * INS/OUTS (Vol. 2A): up to TVMM_RUN_IO_DATA_SIZE bytes per exit, the
 * elements read from (OUTS) or later written to (INS) guest memory at the
 * linear address the CPU reports, going down when RFLAGS.DF is set.
 */
static int handle_string_io(struct tvmm_vcpu *vcpu, struct vmx_exit *exit,
			    unsigned long qual, u8 size)
{
	struct vmx_string_io op = {
		.la = vmcs_readl(GUEST_LINEAR_ADDRESS),
		.addr_mask = vmx_string_addr_mask(),
		.size = size,
		.in = qual & IO_QUAL_IN,
		.down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF,
		.rep = qual & IO_QUAL_REP,
	};
	u8 *data = (u8 *)vcpu->run + TVMM_RUN_IO_DATA_OFFSET;
	u64 count = op.rep ? vmx_read_gpr(vcpu, REG_RCX) & op.addr_mask : 1;
	u64 la = op.la, addr, gpa, first = 0;
	struct guest_paging paging;
	u32 i, n, pf_error = 0;
	int err = 0;

	if (!count) {
		vmx_skip_instruction(vcpu, exit);
		return 1;
	}
	n = min_t(u64, count, TVMM_RUN_IO_DATA_SIZE / size);
	vmx_guest_paging(vcpu, &paging);
	/* Take the elements up to the first the guest cannot access. */
	for (i = 0; i < n; i++) {
		addr = op.down ? la - (u64)i * size : la + (u64)i * size;
		if (op.in)
			err = guest_linear_to_phys(vcpu->vm, &paging, addr,
						   GUEST_ACCESS_WRITE, &gpa,
						   &pf_error);
		else
			err = guest_read_linear(vcpu->vm, &paging, addr,
						data + i * size, size,
						GUEST_ACCESS_READ, &pf_error);
		if (err)
			break;
	}
	if (!i) {
		if (err == -ENOENT)
			return vmx_inject_pf(vcpu, addr, pf_error);
		return vmx_internal_error(vcpu, exit,
					  TVMM_INTERNAL_EMULATION);
	}
	op.count = i;
	op.insn_len = vmx_exit_insn_len(exit);

	vcpu->run->io.count = op.count;
	if (op.in) {
		vcpu->vmx.pending.exit = TVMM_EXIT_IO;
		vcpu->vmx.pending.ins = op;
		return 0;
	}
	memcpy(&first, data, size);
	vmx_exit_info(exit, first, 0, 0);
	vmx_string_io_advance(vcpu, &op);
	return 0;
}

int handle_io(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	unsigned long qual = vmx_exit_qual(exit);
	struct tvmm_run *run = vcpu->run;
	u8 size = (qual & IO_QUAL_SIZE_MASK) + 1;

	/* 1, 2 or 4 bytes (Table 28-5); anything else is a bad L0's. */
	if (size != 1 && size != 2 && size != 4)
		return vmx_internal_error(vcpu, exit,
					  TVMM_INTERNAL_UNHANDLED_EXIT);
	run->exit_reason = TVMM_EXIT_IO;
	memset(&run->io, 0, sizeof(run->io));
	run->io.direction = qual & IO_QUAL_IN ? TVMM_IO_IN : TVMM_IO_OUT;
	run->io.size = size;
	run->io.port = qual >> IO_QUAL_PORT_SHIFT;
	run->io.count = 1;
	run->io.data_offset = TVMM_RUN_IO_DATA_OFFSET;
	if (qual & IO_QUAL_STRING)
		return handle_string_io(vcpu, exit, qual, size);
	if (run->io.direction == TVMM_IO_OUT) {
		u64 val = 0;

		memcpy(&val, &vcpu->regs[REG_RAX], size);
		vmx_exit_info(exit, val, 0, 0);
		memcpy((u8 *)run + TVMM_RUN_IO_DATA_OFFSET, &val, size);
	} else {
		vcpu->vmx.pending.exit = TVMM_EXIT_IO;
		vcpu->vmx.pending.size = size;
		vcpu->vmx.pending.ins.count = 0;
	}
	vmx_skip_instruction(vcpu, exit);
	return 0;
}

/* INS completes: the data userspace gave goes to guest memory. */
static void vmx_complete_ins(struct tvmm_vcpu *vcpu)
{
	const struct vmx_string_io *op = &vcpu->vmx.pending.ins;
	u8 *data = (u8 *)vcpu->run + TVMM_RUN_IO_DATA_OFFSET;
	u8 size = op->size;
	struct guest_paging paging;
	u32 i, pf_error;

	vmx_guest_paging(vcpu, &paging);
	for (i = 0; i < op->count; i++) {
		u64 off = (u64)i * size;
		u64 addr = op->down ? op->la - off : op->la + off;

		/* Checked writable at the exit; the guest ran nothing since. */
		if (guest_write_linear(vcpu->vm, &paging, addr, data + off,
				       size, &pf_error))
			break;
	}
	vmx_string_io_advance(vcpu, op);
}

/* ---- hypercalls ---- */

/*
 * VMCALL: the hypercalls of tvmm_para.h (TVMM_HC_*) are done here, without
 * leaving the kernel; every other number goes to userspace.
 */
int handle_vmcall(struct tvmm_vcpu *vcpu, struct vmx_exit *exit)
{
	struct tvmm_run *run = vcpu->run;
	u64 rax = vcpu->regs[REG_RAX], nr = rax;

	/* Outside 64-bit code the guest sees EAX only: that is the number. */
	if ((nr >> 32) && !vmx_guest_64bit_code())
		nr = (u32)nr;
	/* RAX after, for the trace: 0 for TVMM_HC_NOP, unknown here else. */
	vmx_exit_info(exit, rax, vcpu->regs[REG_RBX], 0);
	if (nr == TVMM_HC_NOP) {
		vcpu->regs[REG_RAX] = 0;
		vmx_skip_instruction(vcpu, exit);
		return 1;
	}
	run->exit_reason = TVMM_EXIT_HYPERCALL;
	memset(&run->hypercall, 0, sizeof(run->hypercall));
	run->hypercall.nr = vcpu->regs[REG_RAX];
	run->hypercall.args[0] = vcpu->regs[REG_RBX];
	run->hypercall.args[1] = vcpu->regs[REG_RCX];
	run->hypercall.args[2] = vcpu->regs[REG_RDX];
	run->hypercall.args[3] = vcpu->regs[REG_RSI];
	run->hypercall.args[4] = vcpu->regs[REG_RDI];
	run->hypercall.ret = vcpu->regs[REG_RAX];
	vcpu->vmx.pending.exit = TVMM_EXIT_HYPERCALL;
	vmx_skip_instruction(vcpu, exit);
	return 0;
}

/* ---- completing an exit userspace handled ---- */

/*
 * Before the next entry: finish what userspace was asked to complete (IN
 * data, an MMIO read, a hypercall's result, a user MSR). Returns 1 to
 * enter the guest, 0 when vcpu->run holds a further exit for userspace.
 */
int vmx_complete_userspace_exit(struct tvmm_vcpu *vcpu)
{
	struct vmx_pending_exit *p = &vcpu->vmx.pending;
	struct tvmm_run *run = vcpu->run;
	unsigned long rax = vcpu->regs[REG_RAX];
	u32 pending = p->exit;
	u32 data = 0;

	p->exit = 0;
	switch (pending) {
	case TVMM_EXIT_IO:
		if (p->ins.count) {
			vmx_complete_ins(vcpu);
			break;
		}
		memcpy(&data, (u8 *)run + TVMM_RUN_IO_DATA_OFFSET, p->size);
		/* IN AL/AX merges; IN EAX zero-extends into RAX. */
		if (p->size == 4)
			rax = data;
		else if (p->size == 2)
			rax = (rax & ~0xffffUL) | (u16)data;
		else
			rax = (rax & ~0xffUL) | (u8)data;
		vcpu->regs[REG_RAX] = rax;
		break;
	case TVMM_EXIT_MMIO:
		return vmx_complete_mmio_read(vcpu);
	case TVMM_EXIT_MSR:
		return vmx_complete_user_msr(vcpu);
	case TVMM_EXIT_HYPERCALL:
		vcpu->regs[REG_RAX] = run->hypercall.ret;
		break;
	}
	return 1;
}
