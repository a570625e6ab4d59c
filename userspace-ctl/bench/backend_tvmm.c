// SPDX-License-Identifier: GPL-2.0
/*
 * The tvmm backend of tvmmctl bench: /dev/tvmm opened with lib/tvmm_dev.c,
 * one VM with one slot of RAM at GPA 0 and one vCPU, made with the ioctls
 * of uapi/tvmm.h as the KVM backend makes its own with KVM's, and a vCPU
 * loop that only resumes the exits the cases cause. See backend.h. (Not
 * vmm/vmm.c: tvmmctl run's VMM has threads and device models the
 * benchmark must not measure.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/backend.h"
#include "uapi/tvmm_para.h"

#define BENCH_SLOT_RAM		0
#define BENCH_SLOT_TOUCH	1

static int tvmm_set_cpuid(struct bench_ctx *ctx)
{
	struct tvmm_cpuid *cpuid;
	int ret = 0;

	cpuid = calloc(1, sizeof(*cpuid) +
		       TVMM_MAX_CPUID_ENTRIES * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = bench_cpuid_table(cpuid->entries,
					TVMM_MAX_CPUID_ENTRIES);
	if (ioctl(ctx->tvmm.vcpu_fd, TVMM_SET_CPUID, cpuid))
		ret = bench_errno(ctx, "TVMM_SET_CPUID");
	free(cpuid);
	return ret;
}

static enum bench_exit tvmm_exit(struct bench_ctx *ctx)
{
	struct tvmm_run *run = ctx->tvmm.run;

	switch (run->exit_reason) {
	case TVMM_EXIT_IO:
		if (run->io.port == BENCH_PORT_NOP)
			return BENCH_EXIT_RESUME;
		if (run->io.port == BENCH_PORT_DONE)
			return BENCH_EXIT_DONE;
		break;
	case TVMM_EXIT_MMIO:
		if (run->mmio.phys_addr == BENCH_MMIO_GPA)
			return BENCH_EXIT_RESUME;
		break;
	case TVMM_EXIT_HLT:
		return BENCH_EXIT_RESUME;
	case TVMM_EXIT_HYPERCALL:
		/* No TVMM_CAP_KERNEL_HYPERCALLS: TVMM_HC_NOP is ours. */
		if (run->hypercall.nr != TVMM_HC_NOP)
			break;
		run->hypercall.ret = 0;
		return BENCH_EXIT_RESUME;
	case TVMM_EXIT_SHUTDOWN:
		snprintf(ctx->why, sizeof(ctx->why),
			 "guest stopped: triple fault");
		return BENCH_EXIT_STOP;
	case TVMM_EXIT_FAIL_ENTRY:
		snprintf(ctx->why, sizeof(ctx->why),
			 "guest stopped: VM entry failed (reason %llu, instruction error %u)",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			 run->fail_entry.vm_instruction_error);
		return BENCH_EXIT_STOP;
	case TVMM_EXIT_INTERNAL_ERROR:
		snprintf(ctx->why, sizeof(ctx->why),
			 "guest stopped: tvmm internal error %u, exit reason %u",
			 run->internal.suberror, run->internal.exit_reason);
		return BENCH_EXIT_STOP;
	}
	snprintf(ctx->why, sizeof(ctx->why),
		 "guest stopped: tvmm exit reason %u", run->exit_reason);
	return BENCH_EXIT_STOP;
}

static int tvmm_create(struct bench_ctx *ctx, const struct tvmm_regs *regs,
		       const struct tvmm_sregs *sregs)
{
	struct bench_tvmm *t = &ctx->tvmm;
	struct tvmm_memory_region region = {
		.slot = BENCH_SLOT_RAM,
		.guest_phys_addr = 0,
		.memory_size = ctx->ram.size,
		.userspace_addr = (__u64)(unsigned long)ctx->ram.hva,
	};
	void *run;
	int ret;

	t->dev.fd = -1;
	t->vm_fd = -1;
	t->vcpu_fd = -1;
	t->run = NULL;
	ret = tvmm_dev_open(&t->dev, tvmm_dev_path());
	if (ret) {
		tvmm_dev_strerror(&t->dev, ret, ctx->why, sizeof(ctx->why));
		return ret;
	}
	ctx->kernel_hypercalls =
		tvmm_check_extension(&t->dev, TVMM_CAP_KERNEL_HYPERCALLS) > 0;
	errno = 0;
	t->vm_fd = ioctl(t->dev.fd, TVMM_CREATE_VM, 0);
	if (t->vm_fd < 0) {
		/* bench_errno()'s words, and why for -EBUSY. */
		ret = errno ? -errno : -EIO;
		tvmm_ioctl_strerror("TVMM_CREATE_VM", ret, ctx->why,
				    sizeof(ctx->why));
		return ret;
	}
	if (ioctl(t->vm_fd, TVMM_SET_MEMORY_REGION, &region))
		return bench_errno(ctx, "TVMM_SET_MEMORY_REGION");
	ret = ioctl(t->dev.fd, TVMM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < (int)sizeof(struct tvmm_run))
		return bench_errno(ctx, "TVMM_GET_VCPU_MMAP_SIZE");
	t->run_size = ret;
	t->vcpu_fd = ioctl(t->vm_fd, TVMM_CREATE_VCPU, 0);
	if (t->vcpu_fd < 0)
		return bench_errno(ctx, "TVMM_CREATE_VCPU");
	run = mmap(NULL, t->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   t->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return bench_errno(ctx, "mmap of the vCPU");
	t->run = run;
	ctx->vcpu = (struct bench_vcpu){
		.fd = t->vcpu_fd,
		.run_ioctl = TVMM_RUN,
		.run_name = "TVMM_RUN",
		.immediate_exit = &t->run->immediate_exit,
		.exit = tvmm_exit,
	};
	ret = tvmm_set_cpuid(ctx);
	if (ret)
		return ret;
	if (ioctl(t->vcpu_fd, TVMM_SET_SREGS, sregs))
		return bench_errno(ctx, "TVMM_SET_SREGS");
	if (ioctl(t->vcpu_fd, TVMM_SET_REGS, regs))
		return bench_errno(ctx, "TVMM_SET_REGS");
	return 0;
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

	if (ioctl(ctx->tvmm.vm_fd, TVMM_SET_MEMORY_REGION, &region))
		return bench_errno(ctx, "TVMM_SET_MEMORY_REGION");
	return 0;
}

static void tvmm_destroy(struct bench_ctx *ctx)
{
	struct bench_tvmm *t = &ctx->tvmm;

	if (t->run)
		munmap(t->run, t->run_size);
	if (t->vcpu_fd >= 0)
		close(t->vcpu_fd);
	if (t->vm_fd >= 0)
		close(t->vm_fd);
	if (t->dev.fd >= 0)
		tvmm_dev_close(&t->dev);
	memset(t, 0, sizeof(*t));
}

const struct bench_backend bench_backend_tvmm = {
	.create		= tvmm_create,
	.run		= bench_vcpu_run,
	.set_slot	= tvmm_set_slot,
	.destroy	= tvmm_destroy,
};
