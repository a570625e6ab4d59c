// SPDX-License-Identifier: GPL-2.0
/*
 * demo msr: RDMSR and WRMSR virtualized (demos/msr.c). The guest's
 * IA32_LSTAR lives in tvmm's vCPU state, not in the CPU while the host
 * runs; an MSR tvmm does not give guests is a #GP the guest handles.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "demo/demo.h"

#define MSR_LSTAR		0xc0000082
#define GP_VECTOR		13

static int msr_get(struct demo_vm *vm, __u32 index, __u64 *val)
{
	struct {
		struct tvmm_msrs hdr;
		struct tvmm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e.index = index };
	int ret = ioctl(demo_vm_vcpu_fd(vm), TVMM_GET_MSRS, &m);

	if (ret != 1)
		return ret < 0 ? -errno : -EIO;
	*val = m.e.data;
	return 0;
}

/* Step 1: the guest's IA32_LSTAR lives in the vCPU, not in the CPU. */
static int msr_lstar(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	__u64 wrote = demo_vm_value(vm, "lstar_written");
	__u64 read = demo_vm_value(vm, "lstar_read");
	__u64 vcpu = 0;
	int ret = msr_get(vm, MSR_LSTAR, &vcpu);

	demo_item(ctx, "guest",
		  "WRMSR 0xc0000082 (IA32_LSTAR, where SYSCALL enters the kernel) = 0x%llx, then RDMSR of it.",
		  (unsigned long long)wrote);
	demo_item(ctx, "trapped",
		  "Both exit: tvmm's MSR bitmap has every bit set (SDM Vol. 3C, 25.6.9 \"MSR-Bitmap Address\"). WRMSR is sensitive: written to the CPU, LSTAR would send the host's own system calls into the guest's code. RDMSR too: it would show the host's values.");
	demo_item(ctx, "VMM",
		  "tvmm.ko kept the value in the vCPU and loads it into the CPU only around VM entries, for the guest's SYSCALLs. It answered the RDMSR from there. All in the kernel: tvmmctl saw no exit.");
	demo_item(ctx, "guest saw",
		  "0x%llx, what it wrote. tvmmctl, asking TVMM_GET_MSRS: 0x%llx%s.",
		  (unsigned long long)read, (unsigned long long)vcpu,
		  ret ? " (TVMM_GET_MSRS failed)" : "");
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_HEX, read, "guest_lstar_read");
	demo_fact(ctx, DEMO_FACT_HEX, vcpu, "vcpu_lstar");
	demo_check(ctx, read == wrote, "the guest reads back its LSTAR");
	demo_check(ctx, !ret && vcpu == wrote,
		   "the vCPU state holds the guest's LSTAR");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_MSR_WRITE] == 1 &&
		   vm->exits[TVMM_VMX_EXIT_MSR_READ] == 1,
		   "one WRMSR exit and one RDMSR exit (%llu, %llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_MSR_WRITE],
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_MSR_READ]);
	return 0;
}

/* Step 2: an MSR tvmm does not give guests is a #GP. */
static int msr_unknown(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	__u64 vector = demo_vm_value(vm, "gp_vector");
	__u64 rip = demo_vm_value(vm, "gp_rip");
	__u64 insn = demo_vm_value(vm, "rdmsr_rip");

	demo_item(ctx, "guest",
		  "RDMSR 0x198 (IA32_PERF_STATUS: the host CPU's frequency and voltage), with its own #GP handler installed.");
	demo_item(ctx, "trapped", "RDMSR, as every MSR access.");
	demo_item(ctx, "VMM",
		  "tvmm.ko does not give guests that MSR, so it did what a CPU does for an MSR it lacks: it injected #GP(0) into the guest (SDM Vol. 4: reading an unimplemented MSR raises #GP), without advancing RIP.");
	demo_item(ctx, "guest saw",
		  "its #GP handler ran: vector %llu, error code %llu, at RIP 0x%llx (the RDMSR is at 0x%llx); the handler skipped the instruction.",
		  (unsigned long long)vector,
		  (unsigned long long)demo_vm_value(vm, "gp_error_code"),
		  (unsigned long long)rip, (unsigned long long)insn);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, vector, "gp_vector");
	demo_fact(ctx, DEMO_FACT_HEX, rip, "gp_rip");
	demo_fact(ctx, DEMO_FACT_HEX, insn, "rdmsr_rip");
	demo_check(ctx, demo_vm_value(vm, "gp_count") == 1 &&
		   vector == GP_VECTOR,
		   "the guest's handler caught one #GP (vector %llu)",
		   (unsigned long long)vector);
	demo_check(ctx, rip == insn, "the #GP is at the RDMSR (0x%llx)",
		   (unsigned long long)rip);
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_MSR_READ] == 1 &&
		   !vm->exits[TVMM_VMX_EXIT_EXCEPTION_NMI],
		   "one RDMSR exit, and the #GP went to the guest without one");
	return 0;
}

/* The steps of demos/msr.c, in its order. */
static const demo_step_fn msr_steps[] = {
	msr_lstar,
	msr_unknown,
};

const struct demo demo_msr = {
	.name		= "msr",
	.summary	= "RDMSR/WRMSR virtualized; an unknown MSR is a #GP",
	.title		= "model-specific registers, virtualized",
	.intro		=
		"MSRs hold the settings a kernel gives its CPU: where system calls enter, the time-stamp counter, power management. A guest kernel writes them like any kernel; the VMM keeps the guest's values apart from the host's and decides which MSRs a guest may have at all.",
	.image		= DEMO_IMAGE(msr),
	.guests		= { {
		.mem		= 1 << 20,
		.steps		= msr_steps,
		.nr_steps	= ARRAY_SIZE(msr_steps),
	} },
};
