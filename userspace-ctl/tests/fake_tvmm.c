// SPDX-License-Identifier: GPL-2.0
/*
 * The pretend tvmm.ko of fake_tvmm.h: ioctl() as the module answers it
 * (kmod/dev.c), including its checks of the input: TVMM_GET_VMX_CAPS wants
 * size = sizeof, flags = 0 and reserved zeroed, else -EINVAL.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/util.h"
#include "fake_tvmm.h"

struct fake_tvmm fake_tvmm;

static int fake_get_vmx_caps(struct tvmm_vmx_caps *caps)
{
	static const __u64 zero[ARRAY_SIZE(caps->reserved)];

	fake_tvmm.caps_in = *caps;
	if (caps->size != sizeof(*caps) || caps->flags ||
	    memcmp(caps->reserved, zero, sizeof(zero)))
		return -EINVAL;
	if (fake_tvmm.caps_errno)
		return -fake_tvmm.caps_errno;
	*caps = fake_tvmm.caps;
	caps->size = sizeof(*caps);
	return 0;
}

static int fake_ioctl(int fd, unsigned long request, unsigned long arg)
{
	fake_tvmm.calls++;
	switch (request) {
	case TVMM_GET_API_VERSION:
		fake_tvmm.version_arg = arg;
		return arg ? -EINVAL : fake_tvmm.api_version;
	case TVMM_CHECK_EXTENSION:
		if (arg == TVMM_CAP_VMX_CAPS || !fake_tvmm.vm_ioctl)
			return arg == TVMM_CAP_VMX_CAPS ?
			       fake_tvmm.has_vmx_caps : 0;
		break;
	case TVMM_GET_VMX_CAPS:
		return fake_get_vmx_caps((struct tvmm_vmx_caps *)arg);
	}
	if (fake_tvmm.vm_ioctl)
		return fake_tvmm.vm_ioctl(fd, request, arg);
	return -ENOTTY;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	unsigned long arg;
	va_list ap;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);

	if (!fake_tvmm.on)
		return __real_ioctl(fd, request, arg);
	ret = fake_ioctl(fd, request, arg);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	void *p;

	if (fake_tvmm.on && fake_tvmm.vm_mmap && fd >= 0) {
		p = fake_tvmm.vm_mmap(len, fd, off);
		if (p)
			return p;
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t len)
{
	if (fake_tvmm.on && fake_tvmm.vm_munmap &&
	    fake_tvmm.vm_munmap(addr, len))
		return 0;
	return __real_munmap(addr, len);
}
