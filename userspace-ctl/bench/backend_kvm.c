// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM backend of tvmmctl bench: a minimal VMM on /dev/kvm, written to
 * give the guest what the tvmm backend gives it and nothing more. One
 * slot of RAM at GPA 0, one vCPU in long mode with the same registers and
 * the same CPUID table, no in-kernel interrupt controller, PIT or
 * ioeventfd: port I/O, MMIO and HLT exit to this loop as they do with
 * tvmm. KVM answers VMCALL itself (an unknown hypercall gets -KVM_ENOSYS
 * in RAX) and maps RAM on first touch (EPT violations), where tvmm pins
 * and maps a slot when it is added.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench/backend.h"

#define KVM_DEV			"/dev/kvm"
#define BENCH_SLOT_TOUCH	1
/* Where QEMU puts the TSS KVM needs for real mode without unrestricted guest. */
#define KVM_TSS_ADDR		0xfffbd000UL

static void kvm_seg(struct kvm_segment *k, const struct tvmm_segment *t)
{
	memset(k, 0, sizeof(*k));
	k->base = t->base;
	k->limit = t->limit;
	k->selector = t->selector;
	k->type = t->type;
	k->present = t->present;
	k->dpl = t->dpl;
	k->db = t->db;
	k->s = t->s;
	k->l = t->l;
	k->g = t->g;
	k->avl = t->avl;
	k->unusable = t->unusable;
}

static void kvm_dtable(struct kvm_dtable *k, const struct tvmm_dtable *t)
{
	memset(k, 0, sizeof(*k));
	k->base = t->base;
	k->limit = t->limit;
}

static int kvm_set_cpuid(struct bench_ctx *ctx)
{
	struct tvmm_cpuid_entry e[16];
	struct kvm_cpuid2 *cpuid;
	unsigned int i, n;
	int ret = 0;

	n = bench_cpuid_table(e, 16);
	cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = n;
	for (i = 0; i < n; i++) {
		cpuid->entries[i].function = e[i].function;
		cpuid->entries[i].index = e[i].index;
		cpuid->entries[i].eax = e[i].eax;
		cpuid->entries[i].ebx = e[i].ebx;
		cpuid->entries[i].ecx = e[i].ecx;
		cpuid->entries[i].edx = e[i].edx;
	}
	if (ioctl(ctx->kvm.vcpu_fd, KVM_SET_CPUID2, cpuid))
		ret = bench_errno(ctx, "KVM_SET_CPUID2");
	free(cpuid);
	return ret;
}

static int kvm_set_state(struct bench_ctx *ctx, const struct tvmm_regs *r,
			 const struct tvmm_sregs *s)
{
	struct kvm_sregs ks;
	struct kvm_regs kr;

	if (ioctl(ctx->kvm.vcpu_fd, KVM_GET_SREGS, &ks))
		return bench_errno(ctx, "KVM_GET_SREGS");
	kvm_seg(&ks.cs, &s->cs);
	kvm_seg(&ks.ds, &s->ds);
	kvm_seg(&ks.es, &s->es);
	kvm_seg(&ks.fs, &s->fs);
	kvm_seg(&ks.gs, &s->gs);
	kvm_seg(&ks.ss, &s->ss);
	kvm_seg(&ks.tr, &s->tr);
	kvm_seg(&ks.ldt, &s->ldt);
	kvm_dtable(&ks.gdt, &s->gdt);
	kvm_dtable(&ks.idt, &s->idt);
	ks.cr0 = s->cr0;
	ks.cr2 = s->cr2;
	ks.cr3 = s->cr3;
	ks.cr4 = s->cr4;
	ks.cr8 = s->cr8;
	ks.efer = s->efer;
	if (ioctl(ctx->kvm.vcpu_fd, KVM_SET_SREGS, &ks))
		return bench_errno(ctx, "KVM_SET_SREGS");

	memset(&kr, 0, sizeof(kr));
	kr.rax = r->rax;
	kr.rbx = r->rbx;
	kr.rcx = r->rcx;
	kr.rdx = r->rdx;
	kr.rsi = r->rsi;
	kr.rdi = r->rdi;
	kr.rsp = r->rsp;
	kr.rbp = r->rbp;
	kr.rip = r->rip;
	kr.rflags = r->rflags;
	if (ioctl(ctx->kvm.vcpu_fd, KVM_SET_REGS, &kr))
		return bench_errno(ctx, "KVM_SET_REGS");
	return 0;
}

static enum bench_exit kvm_exit(struct bench_ctx *ctx)
{
	struct kvm_run *run = ctx->kvm.run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.port == BENCH_PORT_NOP)
			return BENCH_EXIT_RESUME;
		if (run->io.port == BENCH_PORT_DONE)
			return BENCH_EXIT_DONE;
		break;
	case KVM_EXIT_MMIO:
		if (run->mmio.phys_addr == BENCH_MMIO_GPA)
			return BENCH_EXIT_RESUME;
		break;
	case KVM_EXIT_HLT:
	case KVM_EXIT_INTR:
		return BENCH_EXIT_RESUME;
	}
	snprintf(ctx->why, sizeof(ctx->why),
		 "guest stopped: KVM exit reason %u", run->exit_reason);
	return BENCH_EXIT_STOP;
}

static int kvm_create(struct bench_ctx *ctx, const struct tvmm_regs *regs,
		      const struct tvmm_sregs *sregs)
{
	struct bench_kvm *k = &ctx->kvm;
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = ctx->ram.size,
		.userspace_addr = (__u64)(unsigned long)ctx->ram.hva,
	};
	void *run;
	int ret;

	k->kvm_fd = -1;
	k->vm_fd = -1;
	k->vcpu_fd = -1;
	k->run = NULL;
	errno = 0;
	k->kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (k->kvm_fd < 0)
		return bench_errno(ctx, KVM_DEV);
	ret = ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION) {
		snprintf(ctx->why, sizeof(ctx->why),
			 "%s: KVM API version %d, not %d", KVM_DEV, ret,
			 KVM_API_VERSION);
		return -EPROTO;
	}
	k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0)
		return bench_errno(ctx, "KVM_CREATE_VM");
	if (ioctl(k->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR))
		return bench_errno(ctx, "KVM_SET_TSS_ADDR");
	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return bench_errno(ctx, "KVM_SET_USER_MEMORY_REGION");
	ret = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < (int)sizeof(struct kvm_run))
		return bench_errno(ctx, "KVM_GET_VCPU_MMAP_SIZE");
	k->run_size = ret;
	k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
	if (k->vcpu_fd < 0)
		return bench_errno(ctx, "KVM_CREATE_VCPU");
	run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   k->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return bench_errno(ctx, "mmap of the vCPU");
	k->run = run;
	ctx->vcpu = (struct bench_vcpu){
		.fd = k->vcpu_fd,
		.run_ioctl = KVM_RUN,
		.run_name = "KVM_RUN",
		.immediate_exit = &k->run->immediate_exit,
		.exit = kvm_exit,
	};
	ret = kvm_set_cpuid(ctx);
	if (ret)
		return ret;
	return kvm_set_state(ctx, regs, sregs);
}

static int kvm_set_slot(struct bench_ctx *ctx, __u64 gpa, void *hva,
			__u64 size)
{
	struct kvm_userspace_memory_region region = {
		.slot = BENCH_SLOT_TOUCH,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(unsigned long)hva,
	};

	if (ioctl(ctx->kvm.vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		return bench_errno(ctx, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static void kvm_destroy(struct bench_ctx *ctx)
{
	struct bench_kvm *k = &ctx->kvm;

	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu_fd >= 0)
		close(k->vcpu_fd);
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->kvm_fd >= 0)
		close(k->kvm_fd);
	memset(k, 0, sizeof(*k));
}

const struct bench_backend bench_backend_kvm = {
	.create		= kvm_create,
	.run		= bench_vcpu_run,
	.set_slot	= kvm_set_slot,
	.destroy	= kvm_destroy,
};
