/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pretend tvmm.ko for the unit tests. The test program is linked with
 * -Wl,--wrap=ioctl, so every ioctl() of tvmmctl's code comes here first:
 * while fake_tvmm.on, the tvmm ioctls are answered from fake_tvmm (on any
 * file descriptor, say one of /dev/null), and what tvmmctl asked is kept
 * for the test to check. Otherwise the real ioctl() runs.
 */
#ifndef TVMMCTL_TESTS_FAKE_TVMM_H
#define TVMMCTL_TESTS_FAKE_TVMM_H

#include <stdbool.h>

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
 * @stats:		what TVMM_GET_VCPU_STATS returns.
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
	struct tvmm_vcpu_stats stats;
};

extern struct fake_tvmm fake_tvmm;

/* What --wrap=ioctl links: ioctl() calls go to __wrap_ioctl(). */
int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);

#endif /* TVMMCTL_TESTS_FAKE_TVMM_H */
