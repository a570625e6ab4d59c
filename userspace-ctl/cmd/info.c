// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl info [--json]": what VMX can do on this host, as
 * tvmm.ko found it, and which CPUs tvmm has put in VMX root mode.
 *
 * The decoding lives in lib/vmx_caps.c; this file only opens the device,
 * asks, and picks the output format.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tvmmctl.h"
#include "lib/tvmm_dev.h"
#include "lib/vmx_caps.h"

static const struct tvmm_ext info_exts[] = {
	TVMM_EXT(VMX_CAPS),
};

enum { INFO_OPT_JSON };

static const struct tvmm_option info_options[] = {
	[INFO_OPT_JSON]	= { "--json", NULL, NULL,
		"one JSON object instead; MSRs are strings\n"
		"of 16 hex digits (\"0x00da040000000004\")" },
};

static int info_get_caps(struct tvmm_vmx_caps *caps)
{
	const struct tvmm_ext *missing = NULL;
	struct tvmm_dev dev;
	char msg[512];
	int ret;

	ret = tvmm_dev_open(&dev, tvmm_dev_path());
	if (ret) {
		fprintf(stderr, "tvmmctl: %s\n",
			tvmm_dev_strerror(&dev, ret, msg, sizeof(msg)));
		return ret;
	}

	ret = tvmm_check_extensions(&dev, info_exts, ARRAY_SIZE(info_exts),
				    &missing);
	if (ret == -EOPNOTSUPP)
		fprintf(stderr, "tvmmctl: %s lacks %s: load a newer tvmm.ko\n",
			dev.path, missing->name);
	else if (ret)
		fprintf(stderr, "tvmmctl: TVMM_CHECK_EXTENSION on %s: %s\n",
			dev.path, strerror(-ret));
	if (ret)
		goto out_close;

	ret = tvmm_get_vmx_caps(&dev, caps);
	if (ret)
		fprintf(stderr, "tvmmctl: TVMM_GET_VMX_CAPS on %s: %s\n",
			dev.path, strerror(-ret));

out_close:
	tvmm_dev_close(&dev);
	return ret;
}

static int info_run(int argc, char **argv)
{
	struct tvmm_vmx_caps caps;
	bool json = false;
	const char *v;
	int i;

	/* No arguments but options: anything else is an unknown option. */
	for (i = 1; i < argc; i++) {
		if (tvmm_opt_next(info_options, ARRAY_SIZE(info_options),
				  argc, argv, &i, &v) != INFO_OPT_JSON)
			return tvmmctl_usage_error(argv[0],
						   "info: unknown option '%s'",
						   v);
		json = true;
	}

	if (info_get_caps(&caps))
		return TVMMCTL_EXIT_FAILURE;

	if (json)
		tvmm_caps_print_json(stdout, &caps);
	else
		tvmm_caps_print(stdout, &caps);
	return TVMMCTL_EXIT_OK;
}

const struct tvmmctl_cmd tvmmctl_cmd_info = {
	.name		= "info",
	.usage		= "[--json]",
	.summary	= "show the host's VMX capabilities, as tvmm sees them",
	.help		=
		"Shows the VMX capabilities tvmm.ko read from the CPU\n"
		"when it was loaded: the VMCS revision, size and memory\n"
		"type, each feature with why it matters, which CPUs are\n"
		"online and which are in VMX root mode, and the raw\n"
		"capability MSRs with their SDM names.\n"
		"\n"
		"Options:\n",
	.opts		= info_options,
	.nr_opts	= ARRAY_SIZE(info_options),
	.help_end	=
		"\n"
		"Environment:\n"
		"  TVMM_DEV   the device node to open, not /dev/tvmm\n",
	.run		= info_run,
};
