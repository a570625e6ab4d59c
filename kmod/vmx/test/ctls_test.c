// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of vmx_ctls_adjust(), kmod/vmx/ctls.h: how tvmm chooses
 * a VMX control word from what it requires, what it would like, and the
 * control's capability MSR (SDM Vol. 3D, A.3 "VM-Execution Controls":
 * "Bits 31:0 indicate the allowed 0-settings of these controls. [...]
 * Bits 63:32 indicate the allowed 1-settings of these controls. VM entry
 * allows control X to be 1 if bit 32+X in the MSR is set to 1").
 *
 * The case that matters: a required control the CPU does not allow is
 * refused, never silently dropped (a guest would otherwise run without,
 * say, CR8-load exiting and write the host's TPR). Bit values below are
 * IA32_VMX_PROCBASED_CTLS's (Vol. 3C, Table 25-6), written from the SDM.
 *
 * Output is kselftest TAP.
 */
#include <errno.h>
#include <stdio.h>

#include "kselftest.h"

#include "ctls.h"

#define HLT_EXITING		0x00000080U	/* bit 7 */
#define CR8_LOAD_EXITING	0x00080000U	/* bit 19 */
#define MOV_DR_EXITING		0x00800000U	/* bit 23 */
#define TSC_OFFSETTING		0x00000008U	/* bit 3 */
#define FORCED			0x00000002U	/* bit 1, a default1 bit */

/* An MSR value: @may_be_1 in bits 63:32, @must_be_1 in bits 31:0. */
#define cap(may_be_1, must_be_1)	((u64)(may_be_1) << 32 | (must_be_1))

struct ctls_case {
	const char *name;
	u64 cap;
	u32 required, optional;
	int err;
	u32 ctls;		/* when err is 0 */
};

static const struct ctls_case cases[] = {
	{ "everything allowed: required and optional set",
	  cap(HLT_EXITING | CR8_LOAD_EXITING | TSC_OFFSETTING | FORCED, 0),
	  HLT_EXITING | CR8_LOAD_EXITING, TSC_OFFSETTING,
	  0, HLT_EXITING | CR8_LOAD_EXITING | TSC_OFFSETTING },
	{ "an optional control the CPU lacks is left out",
	  cap(HLT_EXITING, 0), HLT_EXITING, TSC_OFFSETTING,
	  0, HLT_EXITING },
	{ "a control the CPU forces is set unasked",
	  cap(HLT_EXITING | FORCED, FORCED), HLT_EXITING, 0,
	  0, HLT_EXITING | FORCED },
	{ "a required control the CPU lacks is refused",
	  cap(HLT_EXITING | TSC_OFFSETTING, 0),
	  HLT_EXITING | CR8_LOAD_EXITING, TSC_OFFSETTING, -EOPNOTSUPP, 0 },
	{ "one required control missing among several is refused",
	  cap(HLT_EXITING | CR8_LOAD_EXITING, 0),
	  HLT_EXITING | CR8_LOAD_EXITING | MOV_DR_EXITING, 0,
	  -EOPNOTSUPP, 0 },
	{ "nothing allowed, nothing required: only forced bits",
	  cap(FORCED, FORCED), 0, TSC_OFFSETTING, 0, FORCED },
};

int main(void)
{
	size_t i;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct ctls_case *c = &cases[i];
		const u32 untouched = 0xa5a5a5a5;
		u32 ctls = untouched;
		int err = vmx_ctls_adjust(c->cap, c->required, c->optional,
					  &ctls);
		u32 want = c->err ? untouched : c->ctls;

		if (err != c->err || ctls != want)
			ksft_print_msg("got %d, %#x; want %d, %#x\n", err, ctls,
				       c->err, want);
		ksft_test_result(err == c->err && ctls == want, "%s\n",
				 c->name);
	}
	ksft_finished();
}
