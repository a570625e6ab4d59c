// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_errors_test - /dev/tvmm answers bad input with an errno and
 * changes nothing: -ENOTTY for an unknown ioctl, -EFAULT for a bad
 * pointer, -EINVAL for a wrong size or a non-zero flag or reserved field.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "tvmm_test.h"
#include "tvmm_dev_fixture.h"

TEST_F(dev, unknown_ioctls_are_enotty)
{
	unsigned long cmds[] = {
		0,
		_IO(TVMMIO, 0x7f),
		_IO(TVMMIO, 0x05),
		_IO(TVMMIO, 0x10),		/* a VM ioctl on /dev/tvmm */
		_IO(TVMMIO, 0x20),		/* a vCPU ioctl on /dev/tvmm */
		_IO(0xAE, 0x00),		/* KVM_GET_API_VERSION */
		_IOR(TVMMIO, 0x02, struct tvmm_vmx_caps),
		_IOWR(TVMMIO, 0x02, __u64),	/* right number, wrong size */
		_IO(TVMMIO, 0x02),
	};
	struct tvmm_vmx_caps caps = { .size = sizeof(caps) };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &caps));
		EXPECT_EQ(ENOTTY, errno) {
			TH_LOG("ioctl %#lx", cmds[i]);
		}
	}
}

TEST_F(dev, caps_bad_pointers_are_efault)
{
	void *ptrs[] = { NULL, (void *)1, (void *)0xffff888000000000UL,
			 (void *)-4096L };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, TVMM_GET_VMX_CAPS, ptrs[i]));
		EXPECT_EQ(EFAULT, errno);
	}
}

/* Valid input in a read-only page: read succeeds, the reply cannot land. */
TEST_F(dev, caps_read_only_buffer_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct tvmm_vmx_caps *caps;

	caps = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, caps);
	caps->size = sizeof(*caps);
	ASSERT_EQ(0, mprotect(caps, page, PROT_READ));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TVMM_GET_VMX_CAPS, caps));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, caps->basic);
	munmap(caps, page);
}

/* The struct runs off the end of the mapping into an unmapped page. */
TEST_F(dev, caps_straddling_unmapped_page_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct tvmm_vmx_caps *caps;
	char *map;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	caps = (struct tvmm_vmx_caps *)(map + page - 64);
	caps->size = sizeof(*caps);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TVMM_GET_VMX_CAPS, caps));
	EXPECT_EQ(EFAULT, errno);
	munmap(map, page);
}

/* Issue @in; expect -EINVAL and the buffer exactly as it was. */
static void expect_einval_unchanged(struct __test_metadata *_metadata,
				    int fd, const struct tvmm_vmx_caps *in,
				    const char *what)
{
	struct tvmm_vmx_caps buf = *in;

	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, TVMM_GET_VMX_CAPS, &buf)) {
		TH_LOG("%s was accepted", what);
	}
	EXPECT_EQ(EINVAL, errno) {
		TH_LOG("%s", what);
	}
	EXPECT_EQ(0, memcmp(&buf, in, sizeof(buf))) {
		TH_LOG("%s: the buffer was written", what);
	}
}

TEST_F(dev, caps_wrong_size_is_einval)
{
	__u32 sizes[] = { 0, 1, sizeof(struct tvmm_vmx_caps) - 1,
			  sizeof(struct tvmm_vmx_caps) + 8, 0xffffffffu };
	struct tvmm_vmx_caps caps;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(&caps, 0, sizeof(caps));
		caps.size = sizes[i];
		expect_einval_unchanged(_metadata, self->fd, &caps, "size");
	}
}

TEST_F(dev, caps_nonzero_flags_are_einval)
{
	__u32 flags[] = { 1, 0x80000000u, 0xffffffffu };
	struct tvmm_vmx_caps caps;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		memset(&caps, 0, sizeof(caps));
		caps.size = sizeof(caps);
		caps.flags = flags[i];
		expect_einval_unchanged(_metadata, self->fd, &caps, "flags");
	}
}

TEST_F(dev, caps_nonzero_reserved_is_einval)
{
	struct tvmm_vmx_caps caps;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps.reserved); i++) {
		memset(&caps, 0, sizeof(caps));
		caps.size = sizeof(caps);
		caps.reserved[i] = 1ULL << (i * 8);
		expect_einval_unchanged(_metadata, self->fd, &caps,
					"a reserved word");
	}
}

/* The output fields are outputs: garbage in them is not an error. */
TEST_F(dev, caps_output_fields_ignored_on_input)
{
	struct tvmm_vmx_caps caps;

	memset(&caps, 0xa5, sizeof(caps));
	caps.size = sizeof(caps);
	caps.flags = 0;
	memset(caps.reserved, 0, sizeof(caps.reserved));
	ASSERT_EQ(0, ioctl(self->fd, TVMM_GET_VMX_CAPS, &caps));
	EXPECT_EQ(sizeof(caps), caps.size);
	EXPECT_NE(0xa5a5a5a5a5a5a5a5ULL, caps.basic);
	EXPECT_EQ(0, caps.reserved[0]);
}

TEST_HARNESS_MAIN
