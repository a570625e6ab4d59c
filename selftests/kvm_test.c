// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_test - tvmm and KVM share one CPU feature and must not both hold it.
 *
 * While a KVM guest exists, KVM holds VMX (CR4.VMXE set on every CPU), so
 * tvmm must refuse to load with -EBUSY, say why in one log line, leave
 * nothing behind and leave the KVM guest running. While tvmm holds VMX,
 * KVM must fail to create a VM. With defer_vmxon=1 they take turns. And
 * kvm_intel may come and go while tvmm is loaded: both want the kernel's
 * one emergency-restart callback slot, and tvmm must yield it without the
 * kernel WARNing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tvmm_test.h"

#define GUEST_MEM	0x10000
#define GUEST_CODE	0x1000

/* A KVM VM with one vCPU in real mode at GUEST_CODE, which halts. */
struct kvm_guest {
	int vm, vcpu;
	void *mem;
	struct kvm_run *run;
	size_t run_size;
};

static int kvm_guest_create(int kvm, struct kvm_guest *g)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0, .memory_size = GUEST_MEM,
	};
	struct kvm_regs regs = { .rip = GUEST_CODE, .rflags = 2 };
	struct kvm_sregs sregs;
	int size;

	memset(g, 0, sizeof(*g));
	g->vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (g->vm < 0)
		return -errno;
	g->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		return -ENOMEM;
	((unsigned char *)g->mem)[GUEST_CODE] = 0xf4;	/* hlt */
	region.userspace_addr = (unsigned long)g->mem;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	if (g->vcpu < 0)
		return -errno;
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		return -EINVAL;
	g->run_size = size;
	g->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu,
		      0);
	if (g->run == MAP_FAILED)
		return -ENOMEM;
	if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(g->vcpu, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

/* Run from the HLT again; 0 when the guest halted. */
static int kvm_guest_run(struct kvm_guest *g)
{
	struct kvm_regs regs = { .rip = GUEST_CODE, .rflags = 2 };

	if (ioctl(g->vcpu, KVM_SET_REGS, &regs) || ioctl(g->vcpu, KVM_RUN, 0))
		return -errno;
	return g->run->exit_reason == KVM_EXIT_HLT ? 0 : -EIO;
}

static void kvm_guest_destroy(struct kvm_guest *g)
{
	if (g->run && g->run != MAP_FAILED)
		munmap(g->run, g->run_size);
	if (g->vcpu > 0)
		close(g->vcpu);
	if (g->vm > 0)
		close(g->vm);
	if (g->mem && g->mem != MAP_FAILED)
		munmap(g->mem, GUEST_MEM);
	memset(g, 0, sizeof(*g));
}

FIXTURE(kvm) {
	int kvm;
};

FIXTURE_SETUP(kvm)
{
	self->kvm = -1;
	TVMM_REQUIRE_UNLOADED();
	run_quiet("modprobe kvm_intel");
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (self->kvm < 0)
		TVMM_SKIP("no /dev/kvm (kvm_intel not available)");
}

FIXTURE_TEARDOWN(kvm)
{
	if (self->kvm >= 0)
		close(self->kvm);
	tvmm_ensure_unloaded();
}

TEST_F(kvm, load_refused_while_a_kvm_guest_holds_vmx)
{
	struct kvm_guest g;

	ASSERT_EQ(0, kvm_guest_create(self->kvm, &g));
	ASSERT_EQ(0, kvm_guest_run(&g));

	EXPECT_LOAD_REFUSED(-EBUSY, "in use by another hypervisor");

	/* KVM's guest is untouched and still runs. */
	EXPECT_EQ(0, kvm_guest_run(&g));
	kvm_guest_destroy(&g);

	/* KVM let go of VMX with its last VM: now tvmm may take it. */
	EXPECT_EQ(0, __tvmm_load(NULL));
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F(kvm, kvm_refused_while_tvmm_holds_vmx)
{
	struct kvm_guest g;

	ASSERT_EQ(0, __tvmm_load(NULL));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->kvm, KVM_CREATE_VM, 0));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, __tvmm_unload());

	/* tvmm gave VMX back at unload. */
	ASSERT_EQ(0, kvm_guest_create(self->kvm, &g));
	EXPECT_EQ(0, kvm_guest_run(&g));
	kvm_guest_destroy(&g);
}

TEST_F(kvm, defer_vmxon_takes_turns_with_kvm)
{
	struct kvm_guest g;

	ASSERT_EQ(0, __tvmm_load("defer_vmxon=1"));
	ASSERT_EQ(0, kvm_guest_create(self->kvm, &g));
	EXPECT_EQ(0, kvm_guest_run(&g));
	kvm_guest_destroy(&g);
	EXPECT_EQ(0, __tvmm_unload());
}

TEST_F(kvm, kvm_intel_comes_and_goes_while_tvmm_is_loaded)
{
	char line[512];
	int watch;

	close(self->kvm);
	self->kvm = -1;
	/* Without kvm.ko loaded, tvmm takes the emergency callback slot. */
	ASSERT_EQ(0, run_quiet("rmmod kvm_intel && rmmod kvm"));
	watch = kmsg_watch_start();
	ASSERT_LE(0, watch);

	ASSERT_EQ(0, __tvmm_load(NULL));
	EXPECT_EQ(0, run_quiet("modprobe kvm_intel"));
	EXPECT_EQ(0, run_quiet("rmmod kvm_intel"));
	EXPECT_EQ(0, __tvmm_unload());

	/* The other order of unloading. */
	EXPECT_EQ(0, run_quiet("rmmod kvm"));
	ASSERT_EQ(0, __tvmm_load(NULL));
	EXPECT_EQ(0, run_quiet("modprobe kvm_intel"));
	EXPECT_EQ(0, __tvmm_unload());
	EXPECT_EQ(0, run_quiet("rmmod kvm_intel"));

	EXPECT_EQ(0, kmsg_watch_count(watch, "WARNING", line, sizeof(line))) {
		TH_LOG("kernel log: \"%s\"", line);
	}
	kmsg_watch_stop(watch);
	run_quiet("modprobe kvm_intel");
}

TEST_HARNESS_MAIN
