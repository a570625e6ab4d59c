// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark guest: freestanding, 64-bit, no interrupts, no C library.
 * It runs commands from the VMM (bench/abi.h) until the VM is destroyed.
 *
 * The exit cases run BENCH_WARMUP untimed operations and then @ops timed
 * ones, each the one instruction that exits, inlined in its loop: the
 * loop around it is a few instructions, the same under every hypervisor. The memory and compute
 * cases are in work.c, which tvmmctl also runs natively.
 */
#include "bench/abi.h"
#include "bench/work.h"
#include "uapi/tvmm_para.h"

static inline void guest_out32(__u16 port, __u32 val)
{
	asm volatile("outl %0, %1" : : "a" (val), "Nd" (port) : "memory");
}

static inline void one_cpuid(void)
{
	__u32 a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a" (a), "=b" (b), "+c" (c), "=d" (d));
}

/* KVM answers an unknown hypercall itself, tvmm TVMM_HC_NOP likewise. */
static inline void one_vmcall(void)
{
	unsigned long rax = TVMM_HC_NOP;

	asm volatile("vmcall" : "+a" (rax) : : "rbx", "rcx", "rdx", "rsi",
		     "memory");
}

static inline void one_pio(void)
{
	guest_out32(BENCH_PORT_NOP, 0);
}

static inline void one_mmio(void)
{
	__u32 *reg = (__u32 *)BENCH_MMIO_GPA;

	asm volatile("movl %1, %0" : "=m" (*reg) : "r" (0));
}

static inline void one_hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

static inline __u64 time_exits(void (*one)(void), __u64 ops)
{
	__u64 t0, i;

	for (i = 0; i < BENCH_WARMUP; i++)
		one();
	t0 = bench_rdtsc();
	for (i = 0; i < ops; i++)
		one();
	return bench_rdtsc() - t0;
}

/*
 * The command block is read after every OUT to BENCH_PORT_DONE, whose asm
 * clobbers memory: the compiler reads what the VMM wrote.
 */
static void run_cmd(struct bench_cmd *cmd)
{
	__u64 ops = cmd->ops, result = ops, cycles;
	void *buf = (void *)cmd->addr;

	cmd->status = BENCH_STATUS_OK;
	if (cmd->magic != BENCH_CMD_MAGIC) {
		cmd->status = BENCH_STATUS_BAD_CMD;
		return;
	}
	switch (cmd->case_id) {
	case BENCH_GUEST_CPUID:
		cycles = time_exits(one_cpuid, ops);
		break;
	case BENCH_GUEST_VMCALL:
		cycles = time_exits(one_vmcall, ops);
		break;
	case BENCH_GUEST_PIO:
		cycles = time_exits(one_pio, ops);
		break;
	case BENCH_GUEST_MMIO:
		cycles = time_exits(one_mmio, ops);
		break;
	case BENCH_GUEST_HLT:
		cycles = time_exits(one_hlt, ops);
		break;
	case BENCH_GUEST_TOUCH:
		cycles = bench_touch(buf, ops, &result);
		break;
	case BENCH_GUEST_MEMLOOP:
		bench_memloop_init(buf, cmd->size);
		cycles = bench_memloop(buf, cmd->size, &result);
		break;
	case BENCH_GUEST_SIEVE:
		cycles = bench_sieve(buf, cmd->size, ops, &result);
		break;
	default:
		cmd->status = BENCH_STATUS_BAD_CMD;
		return;
	}
	cmd->cycles = cycles;
	cmd->result = result;
}

void bench_guest_main(void)
{
	struct bench_cmd *cmd = (struct bench_cmd *)BENCH_CMD_GPA;

	for (;;) {
		run_cmd(cmd);
		cmd->seq++;
		guest_out32(BENCH_PORT_DONE, cmd->seq);
	}
}
