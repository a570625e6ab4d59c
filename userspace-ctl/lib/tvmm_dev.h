/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to /dev/tvmm: open it, check that it speaks the API
 * this program was built for, and wrap its ioctls.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; none prints or exits. tvmm_dev_strerror() turns a failure of
 * tvmm_dev_open() into a sentence that tells the user what to do, and
 * tvmm_ioctl_strerror() one of a later ioctl.
 */
#ifndef TVMMCTL_LIB_TVMM_DEV_H
#define TVMMCTL_LIB_TVMM_DEV_H

#include <stddef.h>

#include "uapi/tvmm.h"

#define TVMM_DEV_DEFAULT_PATH	"/dev/tvmm"
#define TVMM_DEV_ENV		"TVMM_DEV"	/* overrides the path */

/**
 * struct tvmm_dev - an open /dev/tvmm.
 * @fd:		the file descriptor, -1 when closed.
 * @path:	the device node opened (or tried).
 * @api_version: what TVMM_GET_API_VERSION answered, -1 before it did.
 */
struct tvmm_dev {
	int fd;
	const char *path;
	int api_version;
};

/**
 * struct tvmm_ext - an extension (TVMM_CAP_*) a command needs, by name.
 * @cap:	the TVMM_CAP_* number.
 * @name:	"TVMM_CAP_...", for the error message.
 */
struct tvmm_ext {
	unsigned int cap;
	const char *name;
};

#define TVMM_EXT(cap)	{ TVMM_CAP_##cap, "TVMM_CAP_" #cap }

const char *tvmm_dev_path(void);
int tvmm_dev_open(struct tvmm_dev *dev, const char *path);
void tvmm_dev_close(struct tvmm_dev *dev);
const char *tvmm_dev_strerror(const struct tvmm_dev *dev, int err,
			      char *buf, size_t len);
const char *tvmm_ioctl_strerror(const char *what, int err, char *buf,
				size_t len);

int tvmm_check_extension(const struct tvmm_dev *dev, unsigned int cap);
int tvmm_check_extensions(const struct tvmm_dev *dev,
			  const struct tvmm_ext *exts, size_t n,
			  const struct tvmm_ext **missing);
int tvmm_get_vmx_caps(const struct tvmm_dev *dev, struct tvmm_vmx_caps *caps);

#endif /* TVMMCTL_LIB_TVMM_DEV_H */
