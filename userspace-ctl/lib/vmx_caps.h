/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The struct tvmm_vmx_caps of TVMM_GET_VMX_CAPS in words and in
 * JSON. Pure functions of the struct: no device is needed, which is how
 * the unit tests check them.
 */
#ifndef TVMMCTL_LIB_VMX_CAPS_H
#define TVMMCTL_LIB_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "uapi/tvmm.h"

/* Room for the longest feature key and its NUL. */
#define TVMM_VMX_KEY_LEN	32

/**
 * struct tvmm_vmx_feature_info - a feature of uapi/tvmm_features.h.
 * @feature:	its TVMM_VMX_* number, the bit in tvmm_vmx_caps.features.
 * @name:	its name without TVMM_VMX_, e.g. "EPT_AD"; in lower case
 *		(tvmm_vmx_feature_key()) it is the JSON key and the name
 *		"tvmmctl info" shows.
 * @linux_flag:	the name /proc/cpuinfo gives it, or NULL.
 */
struct tvmm_vmx_feature_info {
	enum tvmm_vmx_feature feature;
	const char *name;
	const char *linux_flag;
};

/* Indexed by enum tvmm_vmx_feature. */
extern const struct tvmm_vmx_feature_info
	tvmm_vmx_features[TVMM_VMX_NR_FEATURES];

const struct tvmm_vmx_feature_info *
tvmm_vmx_feature_info(enum tvmm_vmx_feature feature);
const char *tvmm_vmx_feature_why(enum tvmm_vmx_feature feature);
const char *tvmm_vmx_feature_key(const struct tvmm_vmx_feature_info *info,
				 char *buf, size_t len);
bool tvmm_caps_has(const struct tvmm_vmx_caps *caps,
		   enum tvmm_vmx_feature feature);
const char *tvmm_memtype_name(unsigned int memtype);
void tvmm_caps_print(FILE *f, const struct tvmm_vmx_caps *caps);
void tvmm_caps_print_json(FILE *f, const struct tvmm_vmx_caps *caps);

#endif /* TVMMCTL_LIB_VMX_CAPS_H */
