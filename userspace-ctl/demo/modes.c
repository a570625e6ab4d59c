// SPDX-License-Identifier: GPL-2.0
/*
 * demo modes: the guest climbs from real mode to protected mode to long
 * mode (demos/modes.c); at each step's END report tvmmctl reads the
 * vCPU's CR0, EFER and CS, and the exits show the writes that made the
 * switch.
 */
#include "demo/demo.h"
#include "lib/x86.h"

/* Whether the MOV to CR3 exited: [0] it did, [1] it did not. */
static const char *const cr3_text[] = {
	"The MOV to CR3 too: this CPU does not let VMX turn CR3-load exiting off.",
	"The MOV to CR3 did not: with EPT the guest's page tables are its own business.",
};

static const char *mode_name(const struct tvmm_sregs *s)
{
	if (!(s->cr0 & X86_CR0_PE))
		return "real mode (16-bit)";
	if (s->efer & EFER_LMA)
		return s->cs.l ? "long mode (64-bit)" :
				 "compatibility mode";
	return s->cs.db ? "protected mode (32-bit)" : "protected mode (16-bit)";
}

/*
 * Every step: the vCPU's mode at the step's END, as tvmmctl reads it
 * (TVMM_GET_SREGS) into vm->priv, and as facts.
 */
static int modes_end(struct demo_vm *vm)
{
	struct tvmm_sregs *s = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	int ret = vmm_get_sregs(&vm->vmm, s);

	if (ret)
		return ret;
	demo_fact(ctx, DEMO_FACT_HEX, s->cr0, "s%u.cr0", vm->step);
	demo_fact(ctx, DEMO_FACT_HEX, s->efer, "s%u.efer", vm->step);
	demo_fact(ctx, DEMO_FACT_UINT, s->cs.l, "s%u.cs_l", vm->step);
	demo_fact(ctx, DEMO_FACT_UINT, s->cs.db, "s%u.cs_db", vm->step);
	return 0;
}

/* What the VMM saw at the step's END: the mode, and what makes it. */
static void modes_saw(struct demo_vm *vm)
{
	const struct tvmm_sregs *s = vm->priv;

	demo_item(vm->ctx, "VMM saw",
		  "%s: CR0 0x%llx, CR4 0x%llx, EFER 0x%llx, CS %04x (base 0x%llx, %s)",
		  mode_name(s), (unsigned long long)s->cr0,
		  (unsigned long long)s->cr4, (unsigned long long)s->efer,
		  s->cs.selector, (unsigned long long)s->cs.base,
		  s->cs.l ? "L: 64-bit code" : s->cs.db ? "D: 32-bit code" :
		  "16-bit code");
}

/* Step 1: real mode, as after reset. */
static int modes_real(struct demo_vm *vm)
{
	const struct tvmm_sregs *s = vm->priv;
	struct demo_ctx *ctx = vm->ctx;

	demo_item(ctx, "guest",
		  "Starts at 0800:0000 in real mode, as the processor does after reset: 16-bit code, addresses segment * 16 + offset, no protection.");
	demo_item(ctx, "VMM",
		  "tvmmctl set this state (TVMM_SET_SREGS, CR0.PE = 0). VMX runs real mode directly thanks to \"unrestricted guest\"; before it, VMMs emulated real mode or ran it in virtual-8086 mode.");
	modes_saw(vm);
	demo_vm_cost(vm, NULL);
	demo_check(ctx, !(s->cr0 & X86_CR0_PE) && !s->cs.db && !s->cs.l,
		   "the guest starts in real mode");
	return 0;
}

/* Step 2: into 32-bit protected mode. */
static int modes_protected(struct demo_vm *vm)
{
	const struct tvmm_sregs *s = vm->priv;
	struct demo_ctx *ctx = vm->ctx;

	demo_item(ctx, "guest",
		  "LGDT (its own GDT), MOV to CR0 with PE set, a far jump to a 32-bit code segment, then loads DS, ES, SS.");
	demo_item(ctx, "trapped",
		  "The MOV to CR0 (tvmm owns every CR0 bit: see the cr demo). LGDT, the far jump and the segment loads run natively: with unrestricted guest they need no help.");
	demo_item(ctx, "VMM",
		  "tvmm.ko checked the new CR0 (PE without PG is fine), set the read shadow and the real CR0, and entered the guest again, in the kernel.");
	modes_saw(vm);
	demo_vm_cost(vm, NULL);
	demo_check(ctx, (s->cr0 & X86_CR0_PE) && !(s->cr0 & X86_CR0_PG) &&
		   s->cs.db && !s->cs.l,
		   "the VMM sees 32-bit protected mode");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_CR_ACCESS] == 1,
		   "one CR-access exit: MOV to CR0 (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_CR_ACCESS]);
	return 0;
}

/* Step 3: into 64-bit long mode. */
static int modes_long(struct demo_vm *vm)
{
	const struct tvmm_sregs *s = vm->priv;
	struct demo_ctx *ctx = vm->ctx;

	demo_item(ctx, "guest",
		  "MOV to CR4 with PAE; MOV to CR3 (its page tables); RDMSR and WRMSR of EFER with LME; MOV to CR0 with PG; a far jump to 64-bit code (SDM Vol. 3A, 10.8.5).");
	demo_item(ctx, "trapped",
		  "The MOVs to CR4 and CR0, and RDMSR and WRMSR of EFER (every MSR access exits). %s",
		  cr3_text[vm->exits[TVMM_VMX_EXIT_CR_ACCESS] == 2]);
	demo_item(ctx, "VMM",
		  "tvmm.ko kept EFER.LME, and when CR0.PG came with LME set it did what the CPU does: EFER.LMA on, and the VM-entry control \"IA-32e mode guest\" with it.");
	modes_saw(vm);
	demo_vm_cost(vm, NULL);
	demo_check(ctx, (s->efer & (EFER_LME | EFER_LMA)) ==
		   (EFER_LME | EFER_LMA) && (s->cr0 & X86_CR0_PG) &&
		   (s->cr4 & X86_CR4_PAE) && s->cs.l,
		   "the VMM sees long mode: EFER.LME and LMA, CR0.PG, CR4.PAE, CS.L");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_MSR_WRITE] == 1 &&
		   vm->exits[TVMM_VMX_EXIT_MSR_READ] == 1,
		   "one RDMSR and one WRMSR exit, for EFER");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_CR_ACCESS] >= 2,
		   "the MOVs to CR4 and CR0 exited (%llu CR-access exits)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_CR_ACCESS]);
	return 0;
}

/* Step 4: the guest's C code and the VMM agree. */
static int modes_c_code(struct demo_vm *vm)
{
	const struct tvmm_sregs *s = vm->priv;
	struct demo_ctx *ctx = vm->ctx;

	demo_item(ctx, "guest",
		  "Its C code, in long mode, reads CR0 = 0x%llx, CR4 = 0x%llx, EFER = 0x%llx.",
		  (unsigned long long)demo_vm_value(vm, "cr0"),
		  (unsigned long long)demo_vm_value(vm, "cr4"),
		  (unsigned long long)demo_vm_value(vm, "efer"));
	modes_saw(vm);
	demo_vm_cost(vm, NULL);
	demo_check(ctx, demo_vm_value(vm, "cr0") == s->cr0 &&
		   demo_vm_value(vm, "efer") == s->efer,
		   "the guest and the VMM agree on CR0 and EFER");
	return 0;
}

/* The steps of demos/modes.c, in its order. */
static const demo_step_fn modes_steps[] = {
	modes_real,
	modes_protected,
	modes_long,
	modes_c_code,
};

const struct demo demo_modes = {
	.name		= "modes",
	.summary	= "real -> protected -> long mode, seen by the VMM",
	.title		= "real mode to protected mode to long mode",
	.intro		=
		"An x86 CPU starts in 16-bit real mode, like the 8086 of 1978; a kernel switches it to 32-bit protected mode, then to 64-bit long mode. A guest does the same, and the VMM must follow each step: the guest's mode decides how its instructions are decoded and its addresses translated.",
	.image		= DEMO_IMAGE(modes),
	.guests		= { {
		.mem		= 1 << 20,
		.real_mode	= true,
		.priv_size	= sizeof(struct tvmm_sregs),
		.on_end		= modes_end,
		.steps		= modes_steps,
		.nr_steps	= ARRAY_SIZE(modes_steps),
	} },
};
