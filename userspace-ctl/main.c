// SPDX-License-Identifier: GPL-2.0
/*
 * The entry point of tvmmctl. Everything else is in tvmmctl.c, which
 * the unit tests link without this file.
 */
#include "tvmmctl.h"

int main(int argc, char **argv)
{
	return tvmmctl_main(argc, argv);
}
