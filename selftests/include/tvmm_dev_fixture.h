/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvmm_dev_fixture.h - the fixture "dev" of the tests of the system ioctls:
 * each TEST_F(dev, ...) runs with the module loaded and /dev/tvmm open in
 * self->fd, and skips on a CPU without VMX. Include it once, in the test
 * file, after tvmm_test.h: it defines the fixture.
 */
#ifndef TVMM_SELFTEST_DEV_FIXTURE_H
#define TVMM_SELFTEST_DEV_FIXTURE_H

#include <unistd.h>

#include "tvmm_test.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = -1;
	TVMM_REQUIRE_MODULE();
	self->fd = __tvmm_open();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

#endif /* TVMM_SELFTEST_DEV_FIXTURE_H */
