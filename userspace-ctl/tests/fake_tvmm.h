/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pretend tvmm.ko for the unit tests. The test program is linked with
 * -Wl,--wrap=ioctl (and mmap, munmap), so every ioctl() of tvmmctl's code
 * comes here first:
 * while fake_tvmm.on, the tvmm ioctls are answered from fake_tvmm (on any
 * file descriptor, say one of /dev/null), and what tvmmctl asked is kept
 * for the test to check. Otherwise the real ioctl() runs.
 */
#ifndef TVMMCTL_TESTS_FAKE_TVMM_H
#define TVMMCTL_TESTS_FAKE_TVMM_H

#include <stdbool.h>
#include <sys/types.h>

#include "uapi/tvmm.h"

/**
 * struct fake_tvmm - what the pretend module answers, and what it was asked.
 * @on:			answer the tvmm ioctls.
 * @api_version:	TVMM_GET_API_VERSION's answer.
 * @has_vmx_caps:	TVMM_CHECK_EXTENSION(TVMM_CAP_VMX_CAPS)'s answer.
 * @caps_errno:		when not 0, TVMM_GET_VMX_CAPS fails with it.
 * @caps:		what TVMM_GET_VMX_CAPS returns.
 * @version_arg:	the argument TVMM_GET_API_VERSION was given.
 * @caps_in:		the struct TVMM_GET_VMX_CAPS was given.
 * @calls:		how many tvmm ioctls were made.
 * @vm_ioctl:		when set, answers every other ioctl (VM and vCPU
 *			ioctls, other extensions): a pretend VM (vmm_test.c).
 * @vm_mmap:		when set, asked first by mmap() of a file: a
 *			pointer, or NULL to let the real mmap() do it.
 * @vm_munmap:		when set, asked first by munmap(): true if it was
 *			one of @vm_mmap's.
 */
struct fake_tvmm {
	bool on;
	int api_version;
	int has_vmx_caps;
	int caps_errno;
	struct tvmm_vmx_caps caps;
	unsigned long version_arg;
	struct tvmm_vmx_caps caps_in;
	unsigned int calls;
	int (*vm_ioctl)(int fd, unsigned long request, unsigned long arg);
	void *(*vm_mmap)(size_t len, int fd, off_t off);
	bool (*vm_munmap)(void *addr, size_t len);
};

extern struct fake_tvmm fake_tvmm;

/* What --wrap=ioctl links: ioctl() calls go to __wrap_ioctl(). */
int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);

#endif /* TVMMCTL_TESTS_FAKE_TVMM_H */
