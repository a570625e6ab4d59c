// SPDX-License-Identifier: GPL-2.0
/*
 * api_test - the system ioctls that say which ABI /dev/tvmm speaks.
 *
 * TVMM_GET_API_VERSION returns TVMM_API_VERSION and takes no argument;
 * TVMM_CHECK_EXTENSION is positive for what exists and 0 for anything else.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "tvmm_test.h"
#include "tvmm_dev_fixture.h"

TEST_F(dev, api_version)
{
	ASSERT_EQ(TVMM_API_VERSION, ioctl(self->fd, TVMM_GET_API_VERSION, 0));
}

TEST_F(dev, api_version_refuses_an_argument)
{
	unsigned long args[] = { 1, 0x100, ~0UL };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, TVMM_GET_API_VERSION, args[i]));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(dev, extension_vmx_caps_present)
{
	ASSERT_LT(0, ioctl(self->fd, TVMM_CHECK_EXTENSION, TVMM_CAP_VMX_CAPS));
}

TEST_F(dev, extension_limits)
{
	EXPECT_EQ(TVMM_MAX_MEMSLOTS,
		  ioctl(self->fd, TVMM_CHECK_EXTENSION, TVMM_CAP_NR_MEMSLOTS));
	EXPECT_EQ(TVMM_MAX_VCPUS,
		  ioctl(self->fd, TVMM_CHECK_EXTENSION, TVMM_CAP_MAX_VCPUS));
}

/* Each present extension answers with a positive value. */
TEST_F(dev, extensions_present)
{
	unsigned long exts[] = { TVMM_CAP_VCPU_STATS, TVMM_CAP_INTERRUPT,
				 TVMM_CAP_TRACE, TVMM_CAP_KERNEL_HYPERCALLS,
				 TVMM_CAP_INTERCEPTS, TVMM_CAP_VCPU_EVENTS,
				 TVMM_CAP_TSC_KHZ, TVMM_CAP_USER_MSRS,
				 TVMM_CAP_XSAVE, TVMM_CAP_DEBUGREGS,
				 TVMM_CAP_MSR_INDEX_LIST, TVMM_CAP_DIRTY_LOG };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exts); i++)
		EXPECT_LT(0, ioctl(self->fd, TVMM_CHECK_EXTENSION, exts[i]));
}

TEST_F(dev, unknown_extensions_are_zero)
{
	unsigned long exts[] = { 0, TVMM_CAP_DIRTY_LOG + 1, 1000, 0xffffffffUL,
				 ~0UL };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exts); i++)
		EXPECT_EQ(0, ioctl(self->fd, TVMM_CHECK_EXTENSION, exts[i]));
}

TEST_HARNESS_MAIN
