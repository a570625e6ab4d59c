// SPDX-License-Identifier: GPL-2.0
/*
 * demo exception: exceptions the VMM intercepts (demos/exception.c),
 * chosen with TVMM_SET_EXCEPTION_EXITS (the exception bitmap, SDM Vol.
 * 3C, 25.6.3). #UD from VMMCALL, which an Intel CPU lacks: tvmmctl
 * emulates the instruction. #BP from INT3: the VMM as a debugger, then
 * the guest's own handler once the VMM lets #BP through.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "demo/demo.h"

#define BP_VECTOR	3
#define UD_VECTOR	6
#define BP_MARK		0xb4b4b4b4ULL

static const __u8 vmmcall[] = { 0x0f, 0x01, 0xd9 };

struct exc_priv {
	unsigned int ud, bp, emulated;
	__u64 ud_rip, bp_rip, bp_rax;
};

static int exc_set_exits(struct demo_vm *vm, __u32 vectors)
{
	struct tvmm_exception_exits e = { .vectors = vectors };

	if (ioctl(demo_vm_vcpu_fd(vm), TVMM_SET_EXCEPTION_EXITS, &e))
		return -errno;
	return 0;
}

/* #UD: emulate VMMCALL as the VMCALL it stands for; nothing else. */
static int exc_ud(struct demo_vm *vm, struct exc_priv *p,
		  struct tvmm_regs *r)
{
	/* The demo's page tables map guest-virtual 1:1 to guest-physical. */
	const __u8 *insn = demo_vm_gpa(vm, r->rip, sizeof(vmmcall));

	p->ud++;
	p->ud_rip = r->rip;
	if (!insn || memcmp(insn, vmmcall, sizeof(vmmcall))) {
		demo_check(vm->ctx, false, "#UD at 0x%llx is a VMMCALL",
			   (unsigned long long)r->rip);
		return VMM_HOOK_STOP;
	}
	p->emulated++;
	r->rax = r->rax == DEMO_HC_PING ? r->rbx + 1 : -(__u64)DEMO_HC_ENOSYS;
	r->rip += sizeof(vmmcall);
	demo_vm_action(vm,
		       "bytes 0f 01 d9 are VMMCALL: does the hypercall, RAX = %llu, RIP + 3",
		       (unsigned long long)r->rax);
	return VMM_HOOK_HANDLED;
}

static int exc_exit(struct demo_vm *vm)
{
	struct exc_priv *p = vm->priv;
	struct tvmm_run *run = demo_vm_run_area(vm);
	struct tvmm_regs r;
	int ret;

	if (run->exit_reason != TVMM_EXIT_EXCEPTION)
		return VMM_HOOK_PASS;
	ret = vmm_get_regs(&vm->vmm, &r);
	if (ret)
		return ret;
	if (run->exception.vector == UD_VECTOR) {
		ret = exc_ud(vm, p, &r);
	} else if (run->exception.vector == BP_VECTOR) {
		/* No instruction completed: RIP is the INT3's own. */
		p->bp++;
		p->bp_rip = r.rip;
		p->bp_rax = r.rax;
		r.rip += 1;
		demo_vm_action(vm,
			       "a breakpoint: the guest stopped with RAX = 0x%llx; resumed at RIP + 1",
			       (unsigned long long)p->bp_rax);
		ret = VMM_HOOK_HANDLED;
	} else {
		return VMM_HOOK_PASS;
	}
	if (ret == VMM_HOOK_HANDLED && vmm_set_regs(&vm->vmm, &r))
		return -errno;
	return ret;
}

/* Before the guest runs: #UD and #BP exit, the guest's handlers aside. */
static int exc_setup(struct demo_vm *vm)
{
	int ret = exc_set_exits(vm, 1U << UD_VECTOR | 1U << BP_VECTOR);

	if (ret)
		fprintf(stderr, "tvmmctl: demo exception: TVMM_SET_EXCEPTION_EXITS: %s\n",
			strerror(-ret));
	return ret;
}

/* Step 1: #UD exits, and tvmmctl emulates the instruction. */
static int exc_vmmcall(struct demo_vm *vm)
{
	struct exc_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 result = demo_vm_value(vm, "result");
	__u64 insn = demo_vm_value(vm, "insn_rip");

	demo_item(ctx, "guest",
		  "VMMCALL (0f 01 d9) with RAX = ping, RBX = 99: AMD's hypercall instruction, as a guest brought over from an AMD host would still use.");
	demo_item(ctx, "trapped",
		  "Intel CPUs do not have VMMCALL: it raises #UD (invalid opcode). tvmmctl asked for #UD exits, so the exception exited instead of going through the guest's IDT.");
	demo_item(ctx, "VMM",
		  "tvmmctl read the instruction's bytes from guest RAM, recognized VMMCALL, did what the instruction means (the hypercall: RAX = RBX + 1) and moved RIP past it: trap and emulate an instruction the CPU lacks, as KVM does for VMMCALL and VMCALL across vendors.");
	demo_item(ctx, "guest saw",
		  "RAX = %llu, and went on with the next instruction: to the guest, VMMCALL worked.",
		  (unsigned long long)result);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, p->ud, "ud_exits");
	demo_fact(ctx, DEMO_FACT_HEX, p->ud_rip, "ud_rip");
	demo_fact(ctx, DEMO_FACT_UINT, result, "emulated_result");
	demo_check(ctx, p->ud == 1 && p->emulated == 1,
		   "one #UD exit, emulated");
	demo_check(ctx, p->ud_rip == insn, "the #UD is at the VMMCALL (0x%llx)",
		   (unsigned long long)insn);
	demo_check(ctx, result == 100, "the guest got the emulated answer 100");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_EXCEPTION_NMI] == 1,
		   "one exception exit (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_EXCEPTION_NMI]);
	return 0;
}

/* Step 2: #BP exits: the VMM as the guest's debugger. */
static int exc_int3_vmm(struct demo_vm *vm)
{
	struct exc_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 insn = demo_vm_value(vm, "insn_rip");

	demo_item(ctx, "guest", "INT3, the one-byte breakpoint, with RAX = 0x%llx.",
		  BP_MARK);
	demo_item(ctx, "trapped",
		  "#BP exits: tvmmctl asked for it. This is how a VMM debugs its guest (a gdb stub): the guest's own debugger never sees the breakpoint.");
	demo_item(ctx, "VMM",
		  "tvmmctl read the registers at the breakpoint and resumed after the INT3. Then, at the END report, it turned #BP exits off (TVMM_SET_EXCEPTION_EXITS with #UD only).");
	demo_item(ctx, "guest saw",
		  "nothing: its handler ran %llu times.",
		  (unsigned long long)demo_vm_value(vm, "guest_handler_calls"));
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, p->bp, "bp_exits");
	demo_fact(ctx, DEMO_FACT_HEX, p->bp_rip, "bp_rip");
	demo_fact(ctx, DEMO_FACT_HEX, p->bp_rax, "bp_rax");
	demo_check(ctx, p->bp == 1 && p->bp_rip == insn,
		   "one #BP exit, at the INT3 (0x%llx)",
		   (unsigned long long)insn);
	demo_check(ctx, p->bp_rax == BP_MARK,
		   "the VMM saw the guest's registers at the breakpoint");
	demo_check(ctx, demo_vm_value(vm, "guest_handler_calls") == 0,
		   "the guest's handler did not run");
	return exc_set_exits(vm, 1U << UD_VECTOR);
}

/* Step 3: #BP left to the guest's own handler. */
static int exc_int3_guest(struct demo_vm *vm)
{
	struct exc_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 insn = demo_vm_value(vm, "insn_rip");
	__u64 calls = demo_vm_value(vm, "guest_handler_calls");

	demo_item(ctx, "guest", "INT3 again, with its own #BP handler installed.");
	demo_item(ctx, "trapped",
		  "Nothing: #BP is no longer in the exception bitmap, and the CPU delivered it through the guest's IDT as on real hardware.");
	demo_item(ctx, "guest saw",
		  "its handler ran (%llu call), its frame's RIP 0x%llx just past the INT3 at 0x%llx.",
		  (unsigned long long)calls,
		  (unsigned long long)demo_vm_value(vm, "handler_rip"),
		  (unsigned long long)insn);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_UINT, calls, "guest_bp_calls");
	demo_check(ctx, calls == 1 &&
		   demo_vm_value(vm, "handler_rip") == insn + 1,
		   "the guest's handler took the #BP");
	demo_check(ctx, !vm->exits[TVMM_VMX_EXIT_EXCEPTION_NMI] && p->bp == 1,
		   "no exception exit this time");
	return 0;
}

/* The steps of demos/exception.c, in its order. */
static const demo_step_fn exc_steps[] = {
	exc_vmmcall,
	exc_int3_vmm,
	exc_int3_guest,
};

const struct demo demo_exception = {
	.name		= "exception",
	.summary	= "#UD trapped and emulated (VMMCALL), and #BP",
	.title		= "exceptions the VMM intercepts",
	.intro		=
		"Exceptions normally go from the CPU straight to the guest's own handlers. A VMM can ask, vector by vector, to see them first: to emulate what the CPU cannot do, or to debug the guest from outside.",
	.image		= DEMO_IMAGE(exception),
	.guests		= { {
		.mem		= 1 << 20,
		.priv_size	= sizeof(struct exc_priv),
		.setup		= exc_setup,
		.on_exit	= exc_exit,
		.steps		= exc_steps,
		.nr_steps	= ARRAY_SIZE(exc_steps),
	} },
};
