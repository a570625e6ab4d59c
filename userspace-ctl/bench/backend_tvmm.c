// SPDX-License-Identifier: GPL-2.0
/*
 * The tvmm backend of tvmmctl bench: the VM of vmm/vmm.c (one slot of RAM
 * at GPA 0, one vCPU) and a vCPU loop that only resumes the exits the
 * cases cause. See backend.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "bench/backend.h"

#define BENCH_SLOT_TOUCH	1

static int tvmm_create(struct bench_ctx *ctx, const struct tvmm_regs *regs,
		       const struct tvmm_sregs *sregs)
{
	struct vmm *vmm = &ctx->tvmm;
	struct tvmm_cpuid *cpuid;
	unsigned int n;
	int ret;

	memset(vmm, 0, sizeof(*vmm));
	vmm->dev.fd = -1;
	vmm->vm_fd = -1;
	vmm->vcpu_fd = -1;
	vmm->ram = ctx->ram;
	ret = vmm_create(vmm, tvmm_dev_path());
	if (ret) {
		if (vmm->vm_fd < 0)
			tvmm_dev_strerror(&vmm->dev, ret, ctx->why,
					  sizeof(ctx->why));
		else
			snprintf(ctx->why, sizeof(ctx->why),
				 "cannot create the VM: %s", strerror(-ret));
		return ret;
	}
	ctx->kernel_hypercalls =
		tvmm_check_extension(&vmm->dev, TVMM_CAP_KERNEL_HYPERCALLS) > 0;

	cpuid = calloc(1, sizeof(*cpuid) +
		       TVMM_MAX_CPUID_ENTRIES * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -ENOMEM;
	n = bench_cpuid_table(cpuid->entries, TVMM_MAX_CPUID_ENTRIES);
	cpuid->nent = n;
	ret = ioctl(vmm->vcpu_fd, TVMM_SET_CPUID, cpuid) ? -errno : 0;
	free(cpuid);
	if (ret) {
		snprintf(ctx->why, sizeof(ctx->why), "TVMM_SET_CPUID: %s",
			 strerror(-ret));
		return ret;
	}
	ret = vmm_set_state(vmm, regs, sregs);
	if (ret)
		snprintf(ctx->why, sizeof(ctx->why),
			 "cannot set the vCPU's long-mode state: %s",
			 strerror(-ret));
	return ret;
}

static int tvmm_unexpected(struct bench_ctx *ctx)
{
	struct tvmm_run *run = ctx->tvmm.run;
	enum vmm_stop stop = VMM_STOP_UNEXPECTED;
	char buf[200];

	if (run->exit_reason == TVMM_EXIT_SHUTDOWN)
		stop = VMM_STOP_SHUTDOWN;
	else if (run->exit_reason == TVMM_EXIT_FAIL_ENTRY)
		stop = VMM_STOP_FAIL_ENTRY;
	else if (run->exit_reason == TVMM_EXIT_INTERNAL_ERROR)
		stop = VMM_STOP_INTERNAL;
	snprintf(ctx->why, sizeof(ctx->why), "guest stopped: %s",
		 vmm_stop_reason(&ctx->tvmm, stop, buf, sizeof(buf)));
	return -EIO;
}

static int tvmm_run(struct bench_ctx *ctx, struct bench_cmd *cmd)
{
	struct vmm *vmm = &ctx->tvmm;
	struct tvmm_run *run = vmm->run;
	int ret = 0;

	memcpy(ctx->ram.hva + BENCH_CMD_GPA, cmd, sizeof(*cmd));
	bench_guard_arm(&run->immediate_exit);
	for (;;) {
		if (ioctl(vmm->vcpu_fd, TVMM_RUN, 0)) {
			if (errno == EINTR && !bench_timed_out())
				continue;
			ret = -errno;
			snprintf(ctx->why, sizeof(ctx->why), "TVMM_RUN: %s",
				 bench_timed_out() ? "timed out" :
				 strerror(-ret));
			break;
		}
		switch (run->exit_reason) {
		case TVMM_EXIT_IO:
			if (run->io.port == BENCH_PORT_NOP)
				continue;
			if (run->io.port != BENCH_PORT_DONE)
				break;
			goto done;
		case TVMM_EXIT_MMIO:
			if (run->mmio.phys_addr != BENCH_MMIO_GPA)
				break;
			continue;
		case TVMM_EXIT_HLT:
			continue;
		case TVMM_EXIT_HYPERCALL:
			/* No TVMM_CAP_KERNEL_HYPERCALLS: TVMM_HC_NOP is ours. */
			if (run->hypercall.nr != TVMM_HC_NOP)
				break;
			run->hypercall.ret = 0;
			continue;
		}
		ret = tvmm_unexpected(ctx);
		break;
	}
done:
	bench_guard_disarm();
	memcpy(cmd, ctx->ram.hva + BENCH_CMD_GPA, sizeof(*cmd));
	return ret;
}

static int tvmm_set_slot(struct bench_ctx *ctx, __u64 gpa, void *hva,
			 __u64 size)
{
	struct tvmm_memory_region region = {
		.slot = BENCH_SLOT_TOUCH,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(unsigned long)hva,
	};

	int ret = 0;

	if (ioctl(ctx->tvmm.vm_fd, TVMM_SET_MEMORY_REGION, &region)) {
		ret = -errno;
		snprintf(ctx->why, sizeof(ctx->why),
			 "TVMM_SET_MEMORY_REGION: %s", strerror(-ret));
	}
	return ret;
}

static void tvmm_destroy(struct bench_ctx *ctx)
{
	/* The RAM is bench.c's. */
	ctx->tvmm.ram.hva = NULL;
	vmm_destroy(&ctx->tvmm);
}

const struct bench_backend bench_backend_tvmm = {
	.create		= tvmm_create,
	.run		= tvmm_run,
	.set_slot	= tvmm_set_slot,
	.destroy	= tvmm_destroy,
};
