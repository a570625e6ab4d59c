// SPDX-License-Identifier: GPL-2.0
/*
 * demo cr: the guest writes CR0 and CR4 (demos/cr.c) and reads back its
 * own values, while the registers the CPU runs it with keep what VMX
 * requires: the guest/host masks and read shadows of SDM Vol. 3C, 25.6.6
 * "Guest/Host Masks and Read Shadows for CR0 and CR4".
 */
#include "demo/demo.h"
#include "lib/tvmm_dev.h"
#include "lib/x86.h"

struct cr_priv {
	struct tvmm_vmx_caps caps;
};

/*
 * The CR0 the CPU runs the guest with, by tvmm's rule (kmod/vmx/vmcs.c,
 * vmx_guest_cr0()): the bits IA32_VMX_CR0_FIXED0 forces on, but PE and PG,
 * which unrestricted guest frees; caches always on.
 */
static __u64 real_cr0(const struct tvmm_vmx_caps *c, __u64 cr0)
{
	__u64 fixed0 = c->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return ((cr0 | fixed0) & c->cr0_fixed1) & ~(X86_CR0_CD | X86_CR0_NW);
}

static __u64 real_cr4(const struct tvmm_vmx_caps *c, __u64 cr4)
{
	return (cr4 | c->cr4_fixed0) & c->cr4_fixed1;
}

/* Before the guest runs: the CPU's fixed CR0 and CR4 bits, from tvmm.ko. */
static int cr_setup(struct demo_vm *vm)
{
	struct cr_priv *p = vm->priv;
	bool have_caps = !tvmm_get_vmx_caps(&vm->vmm.dev, &p->caps);

	if (!demo_check(vm->ctx, have_caps, "TVMM_GET_VMX_CAPS answers"))
		return DEMO_SKIP;
	return 0;
}

/* Step 1: CR0 as the guest wrote it, and as the CPU runs it. */
static int cr_cr0(struct demo_vm *vm)
{
	struct cr_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 wrote = demo_vm_value(vm, "cr0_written");
	__u64 read = demo_vm_value(vm, "cr0_read");
	__u64 real = real_cr0(&p->caps, wrote);
	struct tvmm_sregs s = { 0 };

	vmm_get_sregs(&vm->vmm, &s);
	demo_item(ctx, "guest",
		  "MOV from CR0: 0x%llx; MOV to CR0 of 0x%llx (NE cleared, CD set); MOV from CR0 again.",
		  (unsigned long long)demo_vm_value(vm, "cr0_before"),
		  (unsigned long long)wrote);
	demo_item(ctx, "trapped",
		  "The MOV to CR0 exits: tvmm's CR0 guest/host mask has every bit set, so the guest owns no bit of the real CR0. It is sensitive: CR0 switches paging and protection, and VMX requires some bits to stay set while the guest runs (IA32_VMX_CR0_FIXED0 = 0x%llx). The MOV from CR0 does not exit: the CPU answers it from the read shadow.",
		  (unsigned long long)p->caps.cr0_fixed0);
	demo_item(ctx, "VMM",
		  "tvmm.ko checked the value, put it in the read shadow (what the guest reads) and ran the guest with the real CR0 = 0x%llx: NE kept on, as VMX requires; CD off, since caching is the host's business.",
		  (unsigned long long)real);
	demo_item(ctx, "guest saw",
		  "0x%llx, its own value. TVMM_GET_SREGS, the guest's view, says 0x%llx.",
		  (unsigned long long)read, (unsigned long long)s.cr0);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_HEX, read, "guest_cr0");
	demo_fact(ctx, DEMO_FACT_HEX, real, "real_cr0");
	demo_check(ctx, read == wrote, "the guest reads back the CR0 it wrote");
	demo_check(ctx, !(read & X86_CR0_NE) && (real & X86_CR0_NE),
		   "CR0.NE: clear for the guest, set in the real register");
	demo_check(ctx, s.cr0 == wrote, "TVMM_GET_SREGS shows the guest's CR0");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_CR_ACCESS] == 1,
		   "one CR-access exit, for the write only (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_CR_ACCESS]);
	return 0;
}

/* Step 2: the same for CR4, whose VMXE VMX needs set. */
static int cr_cr4(struct demo_vm *vm)
{
	struct cr_priv *p = vm->priv;
	struct demo_ctx *ctx = vm->ctx;
	__u64 wrote = demo_vm_value(vm, "cr4_written");
	__u64 read = demo_vm_value(vm, "cr4_read");
	__u64 real = real_cr4(&p->caps, wrote);

	demo_item(ctx, "guest",
		  "MOV to CR4 of 0x%llx (DE added to 0x%llx), then MOV from CR4.",
		  (unsigned long long)wrote,
		  (unsigned long long)demo_vm_value(vm, "cr4_before"));
	demo_item(ctx, "trapped", "The MOV to CR4, as for CR0.");
	demo_item(ctx, "VMM",
		  "tvmm.ko put 0x%llx in the read shadow; the real CR4 is 0x%llx: with VMXE (bit 13), which must be set in VMX operation (IA32_VMX_CR4_FIXED0 = 0x%llx).",
		  (unsigned long long)wrote, (unsigned long long)real,
		  (unsigned long long)p->caps.cr4_fixed0);
	demo_item(ctx, "guest saw", "0x%llx: VMXE clear.",
		  (unsigned long long)read);
	demo_vm_cost(vm, NULL);
	demo_fact(ctx, DEMO_FACT_HEX, read, "guest_cr4");
	demo_fact(ctx, DEMO_FACT_HEX, real, "real_cr4");
	demo_check(ctx, read == wrote, "the guest reads back the CR4 it wrote");
	demo_check(ctx, !(read & X86_CR4_VMXE) && (real & X86_CR4_VMXE),
		   "CR4.VMXE: clear for the guest, set in the real register");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_CR_ACCESS] == 1,
		   "one CR-access exit (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_CR_ACCESS]);
	return 0;
}

/* Step 3: the guest may not set CR4.VMXE: #GP. */
static int cr_vmxe(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	__u64 rip = demo_vm_value(vm, "gp_rip");
	__u64 insn = demo_vm_value(vm, "mov_rip");

	demo_item(ctx, "guest",
		  "MOV to CR4 with VMXE set: the guest wants to be a hypervisor itself.");
	demo_item(ctx, "trapped", "The MOV to CR4.");
	demo_item(ctx, "VMM",
		  "tvmm offers no nested VMX: it treats VMXE as a bit this CPU lacks and injects #GP, as the SDM says a MOV to CR4 that sets a reserved bit does.");
	demo_item(ctx, "guest saw",
		  "#GP at 0x%llx (the MOV is at 0x%llx); its handler skipped the MOV. CR4 still reads 0x%llx.",
		  (unsigned long long)rip, (unsigned long long)insn,
		  (unsigned long long)demo_vm_value(vm, "cr4_read"));
	demo_vm_cost(vm, NULL);
	demo_check(ctx, demo_vm_value(vm, "gp_count") == 1 && rip == insn,
		   "setting CR4.VMXE is a #GP at the MOV");
	demo_check(ctx, !(demo_vm_value(vm, "cr4_read") & X86_CR4_VMXE),
		   "CR4.VMXE stays clear for the guest");
	return 0;
}

/* The steps of demos/cr.c, in its order. */
static const demo_step_fn cr_steps[] = {
	cr_cr0,
	cr_cr4,
	cr_vmxe,
};

const struct demo demo_cr = {
	.name		= "cr",
	.summary	= "CR0/CR4: the guest's view and the CPU's real registers",
	.title		=
		"control registers: what the guest sees, what the CPU uses",
	.intro		=
		"CR0 and CR4 turn on protection, paging and CPU features. VMX needs some of their bits set while a guest runs, whatever the guest wants. VMX's answer: per bit, a guest/host mask says who owns it; for the VMM's bits the guest reads a shadow value, and writing them exits.",
	.image		= DEMO_IMAGE(cr),
	.guests		= { {
		.mem		= 1 << 20,
		.priv_size	= sizeof(struct cr_priv),
		.setup		= cr_setup,
		.steps		= cr_steps,
		.nr_steps	= ARRAY_SIZE(cr_steps),
	} },
};
