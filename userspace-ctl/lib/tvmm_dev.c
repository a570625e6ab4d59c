// SPDX-License-Identifier: GPL-2.0
/*
 * Open /dev/tvmm and wrap its system ioctls.
 *
 * The API version is checked first, before anything else is asked of the
 * device, as KVM's users do: a tvmmctl built for another ABI must stop
 * there with a clear sentence rather than misread a struct.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/tvmm_dev.h"

#define TVMM_LOAD_HINT \
	"is the module loaded? try: modprobe tvmm (or insmod kmod/tvmm.ko)"
#define TVMM_VMX_BUSY_HINT \
	"another hypervisor (kvm_intel, for one) holds VMX; stop its VMs or unload it"

/* The device node to use: $TVMM_DEV when set and not empty, else /dev/tvmm. */
const char *tvmm_dev_path(void)
{
	const char *path = getenv(TVMM_DEV_ENV);

	return path && path[0] ? path : TVMM_DEV_DEFAULT_PATH;
}

/**
 * tvmm_dev_open() - open the tvmm device and check its API version.
 * @dev:	filled in; on failure @dev->fd is -1 and @dev->path and
 *		@dev->api_version stay set for tvmm_dev_strerror().
 * @path:	the device node, usually tvmm_dev_path().
 *
 * Return: 0, -errno from open() or TVMM_GET_API_VERSION (-ENOTTY when
 * @path is not a tvmm device), or -EPROTO when the device speaks another
 * API version than TVMM_API_VERSION (@dev->api_version says which).
 */
int tvmm_dev_open(struct tvmm_dev *dev, const char *path)
{
	int version;
	int ret;

	dev->path = path;
	dev->api_version = -1;
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;

	version = ioctl(dev->fd, TVMM_GET_API_VERSION, 0);
	if (version < 0) {
		ret = -errno;
		goto err_close;
	}
	dev->api_version = version;
	if (version != TVMM_API_VERSION) {
		ret = -EPROTO;
		goto err_close;
	}
	return 0;

err_close:
	close(dev->fd);
	dev->fd = -1;
	return ret;
}

void tvmm_dev_close(struct tvmm_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

/**
 * tvmm_dev_strerror() - explain a failure of tvmm_dev_open() to a person.
 * @dev:	the device tvmm_dev_open() was given.
 * @err:	what it returned (a negative errno).
 * @buf:	where the sentence goes (no "tvmmctl: " prefix, no newline).
 * @len:	size of @buf; 256 bytes is plenty for a short path.
 *
 * Return: @buf.
 */
const char *tvmm_dev_strerror(const struct tvmm_dev *dev, int err,
			      char *buf, size_t len)
{
	const char *path = dev->path ? dev->path : TVMM_DEV_DEFAULT_PATH;

	if (err == -EPROTO && dev->api_version >= 0) {
		snprintf(buf, len,
			 "tvmmctl was built for tvmm API %d but %s speaks %d: rebuild tvmmctl or load the matching tvmm.ko",
			 TVMM_API_VERSION, path, dev->api_version);
		return buf;
	}

	switch (err) {
	case -ENOENT:
		snprintf(buf, len, "%s does not exist: " TVMM_LOAD_HINT, path);
		break;
	case -ENODEV:
	case -ENXIO:
		snprintf(buf, len,
			 "%s has no driver behind it: " TVMM_LOAD_HINT, path);
		break;
	case -EACCES:
	case -EPERM:
		snprintf(buf, len,
			 "permission denied opening %s: run tvmmctl as root, or give your user read and write access to it",
			 path);
		break;
	case -ENOTTY:
		snprintf(buf, len,
			 "%s is not a tvmm device: it does not answer TVMM_GET_API_VERSION",
			 path);
		break;
	default:
		snprintf(buf, len, "cannot open %s: %s", path, strerror(-err));
		break;
	}
	return buf;
}

/**
 * tvmm_ioctl_strerror() - explain a failed ioctl of an open device.
 * @what:	the ioctl's name, e.g. "TVMM_CREATE_VM".
 * @err:	its negative errno.
 * @buf:	"WHAT: the errno's text", and for an errno whose meaning tvmm
 *		documents, what it means here (no prefix, no newline).
 * @len:	size of @buf.
 *
 * Only TVMM_CREATE_VM's -EBUSY has a why today: the first VM takes VMX
 * root on every CPU, and under defer_vmxon=1 another hypervisor may hold
 * it (CR4.VMXE already set), which strerror() alone does not tell.
 *
 * Return: @buf.
 */
const char *tvmm_ioctl_strerror(const char *what, int err, char *buf,
				size_t len)
{
	const char *why = "";

	if (err == -EBUSY && !strcmp(what, "TVMM_CREATE_VM"))
		why = ": " TVMM_VMX_BUSY_HINT;
	snprintf(buf, len, "%s: %s%s", what, strerror(-err), why);
	return buf;
}

/*
 * Ask whether the module offers extension @cap (a TVMM_CAP_* number).
 * Return: > 0 when it does, 0 when it does not, -errno on failure.
 */
int tvmm_check_extension(const struct tvmm_dev *dev, unsigned int cap)
{
	int ret = ioctl(dev->fd, TVMM_CHECK_EXTENSION, (unsigned long)cap);

	return ret < 0 ? -errno : ret;
}

/**
 * tvmm_check_extensions() - check that a command's extensions are all there.
 * @dev:	an open device.
 * @exts:	the extensions needed, usually written with TVMM_EXT().
 * @n:		how many.
 * @missing:	set to the first one absent when -EOPNOTSUPP is returned.
 *
 * Return: 0 when all are present, -EOPNOTSUPP when one is absent, -errno
 * when the ioctl itself failed.
 */
int tvmm_check_extensions(const struct tvmm_dev *dev,
			  const struct tvmm_ext *exts, size_t n,
			  const struct tvmm_ext **missing)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = tvmm_check_extension(dev, exts[i].cap);
		if (ret < 0)
			return ret;
		if (!ret) {
			*missing = &exts[i];
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/*
 * TVMM_GET_VMX_CAPS: fill @caps, with size, flags and reserved set as the
 * ABI asks (size = sizeof, everything else zero).
 * Return: 0 or -errno.
 */
int tvmm_get_vmx_caps(const struct tvmm_dev *dev, struct tvmm_vmx_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->size = sizeof(*caps);
	if (ioctl(dev->fd, TVMM_GET_VMX_CAPS, caps) < 0)
		return -errno;
	return 0;
}
