// SPDX-License-Identifier: GPL-2.0
/*
 * The native backend of tvmmctl bench: the cases of work.c called in
 * tvmmctl itself, on the same RAM the guests get, guest addresses turned
 * into tvmmctl's. Only the cases that can run outside a guest: touch,
 * memloop and sieve.
 */
#include <errno.h>
#include <string.h>

#include "bench/backend.h"
#include "bench/work.h"

static int native_create(struct bench_ctx *ctx, const struct tvmm_regs *regs,
			 const struct tvmm_sregs *sregs)
{
	memset(&ctx->native, 0, sizeof(ctx->native));
	return 0;
}

/* tvmmctl's address of @size bytes at guest-physical @gpa, or NULL. */
static void *native_addr(struct bench_ctx *ctx, __u64 gpa, __u64 size)
{
	struct bench_native *n = &ctx->native;

	if (gpa < ctx->ram.size && size <= ctx->ram.size - gpa)
		return ctx->ram.hva + gpa;
	if (n->slot_size && gpa >= n->slot_gpa &&
	    gpa - n->slot_gpa < n->slot_size &&
	    size <= n->slot_size - (gpa - n->slot_gpa))
		return n->slot_hva + (gpa - n->slot_gpa);
	return NULL;
}

static int native_run(struct bench_ctx *ctx, struct bench_cmd *cmd)
{
	__u64 bytes = cmd->size;
	void *buf;

	if (cmd->case_id == BENCH_GUEST_TOUCH)
		bytes = cmd->ops * BENCH_PAGE_SIZE;
	buf = native_addr(ctx, cmd->addr, bytes);
	if (!buf) {
		snprintf(ctx->why, sizeof(ctx->why),
			 "no memory at 0x%llx, %llu bytes",
			 (unsigned long long)cmd->addr,
			 (unsigned long long)bytes);
		return -EFAULT;
	}
	cmd->status = BENCH_STATUS_OK;
	switch (cmd->case_id) {
	case BENCH_GUEST_TOUCH:
		cmd->cycles = bench_touch(buf, cmd->ops, &cmd->result);
		break;
	case BENCH_GUEST_MEMLOOP:
		bench_memloop_init(buf, cmd->size);
		cmd->cycles = bench_memloop(buf, cmd->size, &cmd->result);
		break;
	case BENCH_GUEST_SIEVE:
		cmd->cycles = bench_sieve(buf, cmd->size, cmd->ops,
					  &cmd->result);
		break;
	default:
		snprintf(ctx->why, sizeof(ctx->why),
			 "case %u cannot run natively", cmd->case_id);
		return -EOPNOTSUPP;
	}
	cmd->seq++;
	return 0;
}

static int native_set_slot(struct bench_ctx *ctx, __u64 gpa, void *hva,
			   __u64 size)
{
	ctx->native.slot_gpa = gpa;
	ctx->native.slot_hva = hva;
	ctx->native.slot_size = size;
	return 0;
}

static void native_destroy(struct bench_ctx *ctx)
{
}

const struct bench_backend bench_backend_native = {
	.create		= native_create,
	.run		= native_run,
	.set_slot	= native_set_slot,
	.destroy	= native_destroy,
};
