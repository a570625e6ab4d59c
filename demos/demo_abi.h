/* SPDX-License-Identifier: GPL-2.0 */
/*
 * demo_abi.h - what a demo guest (demos/) and "tvmmctl demo"
 * (userspace-ctl/demo/) agree on: the report channel, the mailbox the
 * guest reports through, and the hypercalls tvmmctl answers.
 *
 * The guest reports by writing the guest-physical address of its mailbox
 * to DEMO_PORT (OUT, 32 bits): one VM exit per report. A step of a demo is
 * a BEGIN report, the work the step shows, then an END report carrying the
 * facts the guest saw. tvmmctl takes the vCPU's exit statistics at both
 * reports, so a step's cost is the difference, less the END report's own
 * exit. Facts collect in the mailbox between reports and cost no exit.
 */
#ifndef DEMOS_DEMO_ABI_H
#define DEMOS_DEMO_ABI_H

#include <linux/types.h>

#define DEMO_PORT		0x0dd0

/* Where demo guests are linked (demos/guest.lds): above tvmmctl's boot area. */
#define DEMO_LOAD_ADDR		0x8000

/* struct demo_mailbox.op */
#define DEMO_OP_BEGIN		1	/* a step starts; text is its title */
#define DEMO_OP_END		2	/* the step is over; facts are its results */
#define DEMO_OP_FAIL		3	/* a guest check failed: text, line */
#define DEMO_OP_DONE		4	/* demo_main() returned */

#define DEMO_MAX_FACTS		16
#define DEMO_KEY_LEN		24
#define DEMO_STR_LEN		48
#define DEMO_TEXT_LEN		96

/* struct demo_fact.kind */
#define DEMO_FACT_UINT		0	/* a count or a small number */
#define DEMO_FACT_HEX		1	/* an address or a register */
#define DEMO_FACT_INT		2	/* signed */
#define DEMO_FACT_STR		3	/* str[] */
#define DEMO_FACT_BOOL		4	/* false (0) or true */

struct demo_fact {
	char key[DEMO_KEY_LEN];
	__u32 kind;
	__u32 padding;
	__u64 value;
	char str[DEMO_STR_LEN];
};

struct demo_mailbox {
	__u32 op;
	__u32 nr_facts;
	__u32 line;			/* DEMO_OP_FAIL: the guest source line */
	__u32 padding;
	char text[DEMO_TEXT_LEN];
	struct demo_fact facts[DEMO_MAX_FACTS];
};

/*
 * Hypercalls tvmmctl answers (VMCALL: number in RAX, arguments in RBX, RCX,
 * RDX; the result in RAX). Far from the numbers tvmm.ko handles itself
 * (TVMM_HC_* in uapi/tvmm_para.h), which never reach tvmmctl.
 */
#define DEMO_HC_BASE		0x64656d00	/* "dem" */
#define DEMO_HC_PING		(DEMO_HC_BASE + 1)	/* RBX + 1 */
#define DEMO_HC_HOST_CPUS	(DEMO_HC_BASE + 2)	/* the host's online CPUs */
#define DEMO_HC_HOST_TIME	(DEMO_HC_BASE + 3)	/* host UNIX time, seconds */
#define DEMO_HC_WRITE		(DEMO_HC_BASE + 4)	/* print RCX bytes at GPA RBX */
#define DEMO_HC_ENOSYS		38	/* RAX = -38 for a number tvmmctl lacks */

/* The MMIO device of the ept demo, outside guest RAM. */
#define DEMO_MMIO_BASE		0xd0000000ULL
#define DEMO_MMIO_ID		0x0	/* read: DEMO_MMIO_MAGIC */
#define DEMO_MMIO_SCRATCH	0x8	/* read/write: 64 bits the device keeps */
#define DEMO_MMIO_MAGIC		0x7665642d6d6d7674ULL	/* "tvmm-dev" */

/* The read-only slot of the ept demo, and its first bytes. */
#define DEMO_ROM_BASE		0x400000ULL
#define DEMO_ROM_TEXT		"written by the host"

#endif /* DEMOS_DEMO_ABI_H */
