// SPDX-License-Identifier: GPL-2.0
/*
 * demo cpuid: the guest asks the CPU who it is (demos/cpuid.c); tvmm.ko
 * answers with its own identity, beside what the host's CPU says.
 */
#include <string.h>

#include "demo/demo.h"
#include "uapi/tvmm_para.h"

#define CPUID_1_ECX_VMX		BIT(5)
#define CPUID_1_ECX_HYPERVISOR	BIT(31)

static void regs_to_str(char s[13], __u32 a, __u32 b, __u32 c)
{
	memcpy(s, &a, 4);
	memcpy(s + 4, &b, 4);
	memcpy(s + 8, &c, 4);
	s[12] = '\0';
}

static bool printable(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* Step 1, CPUID leaf 0: the guest is told the host's vendor. */
static int cpuid_vendor(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	const char *guest = demo_vm_str(vm, "cpu_vendor");
	char host[13];
	__u32 r[4];

	demo_host_cpuid(0, 0, r);
	regs_to_str(host, r[1], r[3], r[2]);
	demo_item(ctx, "guest",
		  "CPUID with EAX = 0: the highest basic leaf, and the vendor's name in EBX, EDX, ECX.");
	demo_item(ctx, "trapped",
		  "CPUID exits unconditionally in VMX non-root operation (SDM Vol. 3C, 26.1.2 \"Instructions That Cause VM Exits Unconditionally\"). It is sensitive: run natively it describes the host's processor, but a guest must see the processor its VMM chooses to give it, the same on every host it may move to.");
	demo_item(ctx, "VMM",
		  "tvmm.ko answered in the kernel, from its table, and entered the guest again: tvmmctl never saw this exit. The vendor is the host's, so that code written for it keeps working; the highest leaf is cut to the leaves tvmm describes.");
	demo_item(ctx, "guest saw",
		  "\"%s\", highest leaf %llu. The host's CPU, asked by tvmmctl natively: \"%s\", highest leaf %u.",
		  guest, (unsigned long long)demo_vm_value(vm, "max_leaf"),
		  host, r[0]);
	demo_vm_cost(vm, "the one CPUID, exit included");
	demo_fact_str(ctx, guest, "guest_cpu_vendor");
	demo_fact_str(ctx, host, "host_cpu_vendor");
	demo_check(ctx, !strcmp(guest, host),
		   "the guest sees the host's CPU vendor");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_CPUID] == 1,
		   "one CPUID, one CPUID exit (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_CPUID]);
	return 0;
}

/* Step 2, leaf 1: VMX hidden, the hypervisor bit set. */
static int cpuid_features(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	__u64 vmx = demo_vm_value(vm, "vmx_bit");
	__u64 hv = demo_vm_value(vm, "hypervisor_bit");
	__u32 r[4];

	demo_host_cpuid(1, 0, r);
	demo_item(ctx, "guest",
		  "CPUID with EAX = 1: the feature flags. ECX bit 5 says the CPU has VMX; bit 31 is 0 on real hardware and 1 under a hypervisor.");
	demo_item(ctx, "trapped",
		  "CPUID again: every leaf exits, there is no way to let some through.");
	demo_item(ctx, "VMM",
		  "tvmm.ko took the host's flags, cleared what it does not virtualize (VMX itself, XSAVE/AVX, x2APIC and more) and set the hypervisor bit.");
	demo_item(ctx, "guest saw",
		  "ECX = 0x%08llx: VMX %s, hypervisor bit %s. The host's CPU: ECX = 0x%08x, VMX %s, hypervisor bit %s.",
		  (unsigned long long)demo_vm_value(vm, "leaf1_ecx"),
		  vmx ? "on" : "off", hv ? "on" : "off", r[2],
		  r[2] & CPUID_1_ECX_VMX ? "on" : "off",
		  r[2] & CPUID_1_ECX_HYPERVISOR ? "on" : "off");
	demo_vm_cost(vm, "the CPUID");
	demo_fact(ctx, DEMO_FACT_UINT, vmx, "guest_vmx_bit");
	demo_fact(ctx, DEMO_FACT_UINT, hv, "guest_hypervisor_bit");
	demo_fact(ctx, DEMO_FACT_UINT, !!(r[2] & CPUID_1_ECX_VMX),
		  "host_vmx_bit");
	demo_check(ctx, hv == 1, "the guest sees the hypervisor bit");
	demo_check(ctx, vmx == 0, "the guest does not see VMX");
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_CPUID] == 1,
		   "one CPUID exit (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_CPUID]);
	return 0;
}

/* Step 3, leaf 0x40000000: tvmm's own signature. */
static int cpuid_hypervisor(struct demo_vm *vm)
{
	struct demo_ctx *ctx = vm->ctx;
	const char *sig = demo_vm_str(vm, "hv_signature");
	char host[13];
	__u32 r[4];

	demo_host_cpuid(TVMM_CPUID_SIGNATURE, 0, r);
	regs_to_str(host, r[1], r[2], r[3]);
	demo_item(ctx, "guest",
		  "CPUID with EAX = 0x40000000, the leaf hypervisors answer with their name (KVM says \"KVMKVMKVM\", Hyper-V \"Microsoft Hv\").");
	demo_item(ctx, "trapped", "CPUID.");
	demo_item(ctx, "VMM",
		  "tvmm.ko answered with its signature. A guest kernel that finds it may use tvmm's para-virtual interfaces (see the hypercall demo).");
	demo_item(ctx, "guest saw",
		  "\"%s\", highest hypervisor leaf 0x%llx. The host's CPU, asked the same: %s%s%s.",
		  sig, (unsigned long long)demo_vm_value(vm, "hv_max_leaf"),
		  printable(host) ? "\"" : "", printable(host) ? host :
		  "no signature (no hypervisor under tvmmctl announces itself)",
		  printable(host) ? "\"" : "");
	demo_vm_cost(vm, "the CPUID");
	demo_fact_str(ctx, sig, "guest_vendor");
	demo_check(ctx, !strcmp(sig, TVMM_SIGNATURE),
		   "the guest sees tvmm's signature \"" TVMM_SIGNATURE
		   "\" (\"%s\")", sig);
	demo_check(ctx, vm->exits[TVMM_VMX_EXIT_CPUID] == 1,
		   "one CPUID exit (%llu)",
		   (unsigned long long)vm->exits[TVMM_VMX_EXIT_CPUID]);
	return 0;
}

/* After the run: every CPUID exited, not only those of the steps. */
static void cpuid_after(struct demo_vm *vm)
{
	demo_check(vm->ctx, vm->total[TVMM_VMX_EXIT_CPUID] == 3,
		   "three CPUIDs in all, three CPUID exits (%llu)",
		   (unsigned long long)vm->total[TVMM_VMX_EXIT_CPUID]);
}

/* The steps of demos/cpuid.c, in its order. */
static const demo_step_fn cpuid_steps[] = {
	cpuid_vendor,
	cpuid_features,
	cpuid_hypervisor,
};

const struct demo demo_cpuid = {
	.name		= "cpuid",
	.summary	= "the guest asks who it is; tvmm answers, beside the host",
	.title		= "the guest asks who it is",
	.intro		=
		"A program learns which processor it runs on, and what that processor can do, from the CPUID instruction. Under a VMM the answer must come from the VMM: the guest is given a virtual CPU, which may differ from the host's, and must stay the same when the guest moves to another host.",
	.image		= DEMO_IMAGE(cpuid),
	.guests		= { {
		.mem		= 1 << 20,
		.steps		= cpuid_steps,
		.nr_steps	= ARRAY_SIZE(cpuid_steps),
		.after		= cpuid_after,
	} },
};
