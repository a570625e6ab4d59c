/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backends of tvmmctl bench: what bench.c asks of a hypervisor (or of
 * none, for native runs). All three see the same guest-physical layout
 * (bench/abi.h) in the same RAM, allocated by bench.c: the guest backends
 * put it in slot 0 of their VM, the native one adds its address to guest
 * addresses.
 *
 * A guest backend's VM runs the benchmark guest: run() writes the command
 * block, resumes the vCPU until the guest writes BENCH_PORT_DONE and reads
 * the block back. Every other exit the cases cause (BENCH_PORT_NOP, a
 * store to BENCH_MMIO_GPA, HLT, a VMCALL that reaches userspace) is
 * resumed at once, without a system call more than TVMM_RUN/KVM_RUN: the
 * two runners do the same work, so their difference is the kernels'.
 */
#ifndef TVMMCTL_BENCH_BACKEND_H
#define TVMMCTL_BENCH_BACKEND_H

#include <stddef.h>

#include "bench/bench.h"
#include "lib/tvmm_dev.h"
#include "loader/loader.h"

struct bench_ctx;

/**
 * struct bench_backend - one way to run the cases.
 * @create:	make the VM around ctx->ram (loaded, vCPU state in @regs and
 *		@sregs); on error, @why says what happened.
 * @run:	run @cmd to the end; 0, or -errno with ctx->why set.
 * @set_slot:	map @size bytes at @hva to guest-physical @gpa in slot 1,
 *		or remove slot 1 (@size 0).
 * @destroy:	undo create (ctx->ram stays).
 */
struct bench_backend {
	int (*create)(struct bench_ctx *ctx, const struct tvmm_regs *regs,
		      const struct tvmm_sregs *sregs);
	int (*run)(struct bench_ctx *ctx, struct bench_cmd *cmd);
	int (*set_slot)(struct bench_ctx *ctx, __u64 gpa, void *hva,
			__u64 size);
	void (*destroy)(struct bench_ctx *ctx);
};

/* The native backend's memory: RAM, and the touch slot when there is one. */
struct bench_native {
	__u64 slot_gpa, slot_size;
	__u8 *slot_hva;
};

struct bench_tvmm {
	struct tvmm_dev dev;
	int vm_fd, vcpu_fd;
	struct tvmm_run *run;
	size_t run_size;
};

struct bench_kvm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
};

/* What a guest backend makes of the exit that ended one run of its vCPU. */
enum bench_exit {
	BENCH_EXIT_RESUME,	/* an exit the cases cause: run again */
	BENCH_EXIT_DONE,	/* the guest wrote BENCH_PORT_DONE */
	BENCH_EXIT_STOP,	/* anything else; ctx->why says what */
};

/**
 * struct bench_vcpu - a guest backend's vCPU, for bench_vcpu_run().
 * @fd:			the vCPU's file.
 * @run_ioctl:		TVMM_RUN or KVM_RUN, named @run_name in errors.
 * @immediate_exit:	its run structure's flag, which the guard sets.
 * @exit:		reads the run structure after a run.
 */
struct bench_vcpu {
	int fd;
	unsigned long run_ioctl;
	const char *run_name;
	__u8 *immediate_exit;
	enum bench_exit (*exit)(struct bench_ctx *ctx);
};

/**
 * struct bench_ctx - one backend's VM while it runs.
 * @ram:	guest RAM, slot 0 at GPA 0 (owned by bench.c).
 * @why:	what went wrong, for the report.
 * @kernel_hypercalls: tvmm handles TVMM_HC_NOP without userspace.
 * @vcpu:	a guest backend's vCPU, set by create() for bench_vcpu_run().
 */
struct bench_ctx {
	enum bench_backend_id id;
	const struct bench_backend *ops;
	struct guest_ram ram;
	char why[256];
	bool kernel_hypercalls;
	struct bench_vcpu vcpu;
	union {
		struct bench_tvmm tvmm;
		struct bench_kvm kvm;
		struct bench_native native;
	};
};

extern const struct bench_backend bench_backend_tvmm;
extern const struct bench_backend bench_backend_kvm;
extern const struct bench_backend bench_backend_native;

/* bench.c: the CPUID table both guest backends give the guest. */
struct tvmm_cpuid_entry;
unsigned int bench_cpuid_table(struct tvmm_cpuid_entry *e, unsigned int max);

/* bench.c: "@what: strerror(errno)" in ctx->why; returns -errno (or -EIO). */
int bench_errno(struct bench_ctx *ctx, const char *what);

/*
 * bench.c: the run() of both guest backends, so that they do the same
 * work: the command block written, ctx->vcpu run and resumed until its
 * exit() says done or stop, the block read back. A guard stops a guest
 * that never comes back: when a repetition takes too long, SIGALRM sets
 * immediate_exit and interrupts the run ("timed out" in ctx->why).
 * 0, or -errno.
 */
int bench_vcpu_run(struct bench_ctx *ctx, struct bench_cmd *cmd);

/* The guest image, bench/guest/ flattened (bench/image.S). */
extern const __u8 bench_guest_image[], bench_guest_image_end[];

#endif /* TVMMCTL_BENCH_BACKEND_H */
