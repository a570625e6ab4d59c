// SPDX-License-Identifier: GPL-2.0
/*
 * host_state_test - what a task keeps across TVMM_RUN that the VM exit
 * takes from the CPU (audit-kmod.md, section 16).
 *
 * A VM exit loads null FS and GS selectors and the bases in HOST_FS_BASE
 * and HOST_GS_BASE (SDM 28.5.2); tvmm then reloads the task's selectors
 * (kmod/vmx/run.c). A 64-bit task may have a non-null selector and a base
 * of its own, set with WRFSBASE/WRGSBASE, which the selector's descriptor
 * does not hold: both must come back as they were.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"

#define USER_DS		0x2b	/* Linux's flat 64-bit user data selector */
#define GS_MARK		0x7e57ca00ULL
#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE	2
#endif

static void guest_done(void)
{
	GUEST_DONE();
}

static inline unsigned long read_fs_base(void)
{
	unsigned long v;

	asm volatile("rdfsbase %0" : "=r" (v));
	return v;
}

static inline unsigned long read_gs_base(void)
{
	unsigned long v;

	asm volatile("rdgsbase %0" : "=r" (v));
	return v;
}

/* ioctl() without libc: FS holds libc's TLS, which this may break. */
static long raw_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	long ret;

	asm volatile("syscall"
		     : "=a" (ret)
		     : "0" ((long)SYS_ioctl), "D" ((long)fd), "S" (cmd),
		       "d" (arg)
		     : "rcx", "r11", "memory");
	return ret;
}

/*
 * In a thread of its own (a VM is its creator's process's), which may lose
 * its TLS: FS and GS get USER_DS and bases that descriptor does not have;
 * one TVMM_RUN; each check that fails sets a bit of the result, once FS's
 * base is repaired.
 */
static void *run_with_own_bases(void *arg)
{
	struct tvmm_vcpu *vcpu = arg;
	unsigned long tls = read_fs_base(), fs_after, gs_after;
	unsigned short fs_sel, gs_sel;
	long ret;

	asm volatile("mov %0, %%fs\n\t"
		     "wrfsbase %1\n\t"
		     "mov %0, %%gs\n\t"
		     "wrgsbase %2"
		     : : "r" (USER_DS), "r" (tls), "r" (GS_MARK) : "memory");
	ret = raw_ioctl(vcpu->fd, TVMM_RUN, 0);
	fs_after = read_fs_base();
	gs_after = read_gs_base();
	asm volatile("mov %%fs, %0\n\t"
		     "mov %%gs, %1\n\t"
		     "wrfsbase %2"
		     : "=&r" (fs_sel), "=&r" (gs_sel) : "r" (tls) : "memory");
	return (void *)(uintptr_t)((ret != 0) | (fs_after != tls) << 1 |
				   (gs_after != GS_MARK) << 2 |
				   (fs_sel != USER_DS) << 3 |
				   (gs_sel != USER_DS) << 4);
}

TEST(fs_gs_selectors_and_bases_survive_run)
{
	struct tvmm_vcpu *vcpu;
	struct tvmm_vm *vm;
	pthread_t thread;
	uintptr_t status;
	void *result;

	if (!host_has_vmx())
		SKIP(return, "this CPU has no VMX");
	if (!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE))
		SKIP(return, "the kernel does not offer FSGSBASE");
	ASSERT_EQ(0, tvmm_ensure_loaded());
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_with_own_bases, vcpu));
	ASSERT_EQ(0, pthread_join(thread, &result));
	status = (uintptr_t)result;
	EXPECT_EQ(0, status & 1) TH_LOG("TVMM_RUN failed");
	EXPECT_EQ(0, status & 2) TH_LOG("FS base lost");
	EXPECT_EQ(0, status & 4) TH_LOG("GS base lost");
	EXPECT_EQ(0, status & 8) TH_LOG("FS selector lost");
	EXPECT_EQ(0, status & 16) TH_LOG("GS selector lost");
	vm_free(vm);
}

TEST_HARNESS_MAIN
