// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl bench": the cost of VM exits, memory and compute under tvmm and
 * under KVM, the same guest code on both, and natively (bench/).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tvmmctl.h"
#include "bench/bench.h"

static int bench_write_json_file(const char *path,
				 const struct bench_results *r)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "tvmmctl: bench: %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	bench_print_json(f, r);
	if (fclose(f)) {
		fprintf(stderr, "tvmmctl: bench: %s: %s\n", path,
			strerror(errno));
		return -EIO;
	}
	return 0;
}

static int bench_cmd_run(int argc, char **argv)
{
	struct bench_results *r;
	struct bench_opts o;
	int ret, status;

	ret = bench_parse(argc, argv, &o);
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "tvmmctl: bench: out of memory\n");
		return TVMMCTL_EXIT_FAILURE;
	}
	ret = bench_run(&o, r);
	status = ret ? TVMMCTL_EXIT_FAILURE : TVMMCTL_EXIT_OK;
	if (ret && ret != -EIO)
		fprintf(stderr, "tvmmctl: bench: %s\n", strerror(-ret));
	if (o.json)
		bench_print_json(stdout, r);
	else
		bench_print_table(stdout, r);
	if (o.json_file && bench_write_json_file(o.json_file, r))
		status = TVMMCTL_EXIT_FAILURE;
	free(r);
	return status;
}

const struct tvmmctl_cmd tvmmctl_cmd_bench = {
	.name		= "bench",
	.usage		= "[--json] [--json-file FILE] [--verbose] [--reps N]\n"
			  "             [--size small|full] [--backend tvmm,kvm,native] [CASE...]",
	.summary	= "time VM exits, memory and compute under tvmm, KVM and natively",
	.help		=
"Runs the same guest code (bench/guest/) in a VM of tvmm (/dev/tvmm) and in\n"
"one of KVM (/dev/kvm, through a minimal runner of tvmmctl's own), and the\n"
"memory and compute cases also natively, one backend after the other.\n"
"Prints one table of TSC cycles per operation, as the guest measured them:\n"
"the median of the repetitions and their spread (half the range, in % of\n"
"the median), and the ratios tvmm/kvm, tvmm/native and kvm/native, with\n"
"the targets of docs/BENCHMARKS.md. tvmm must be loaded with\n"
"defer_vmxon=1 for KVM to run in the same boot.\n"
"\n"
"Cases: cpuid, vmcall (kernel exits), pio, mmio, hlt (userspace round\n"
"trips), touch (first touch of new pages; also gives 'slot', the cost of\n"
"adding them), memloop (reads all over 64 MiB), sieve (compute).\n"
"\n",
	.opts		= bench_options,
	.nr_opts	= BENCH_NR_OPTS,
	.help_end	=
"\n"
"Exit status: 0 when every case ran on every backend asked for, 1 when\n"
"one could not (the table says why), 2 bad command line.\n",
	.run		= bench_cmd_run,
};
