/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table of tvmmctl: one TVMMCTL_CMD(NAME) line per command.
 *
 * To add a command NAME, write cmd/NAME.c defining
 *
 *	const struct tvmmctl_cmd tvmmctl_cmd_NAME = { ... };
 *
 * (see tvmmctl.h) and add TVMMCTL_CMD(NAME) below. The Makefile builds every
 * .c file in cmd/. "tvmmctl help" lists the commands in the order of this
 * table: keep it alphabetical.
 *
 * Like KVM's kvm-x86-ops.h, this file has no include guard: it is read
 * twice, with two meanings of TVMMCTL_CMD(): by tvmmctl.h to declare the
 * commands, and by tvmmctl.c to build the table.
 */
TVMMCTL_CMD(bench)
TVMMCTL_CMD(demo)
TVMMCTL_CMD(help)
TVMMCTL_CMD(info)
TVMMCTL_CMD(restore)
TVMMCTL_CMD(run)
TVMMCTL_CMD(snapshot)

#undef TVMMCTL_CMD
