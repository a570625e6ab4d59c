// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of "tvmmctl run"'s vCPU threads (vmm/vmm.c) against a pretend
 * VM: fake_tvmm.c hands the VM and vCPU ioctls and mmap()s to this file,
 * whose TVMM_RUN plays a guest, one exit at a time, as a state machine:
 *
 *  - echo: programs the PIC and the UART's receive interrupt, then sleeps
 *    in HLT with interrupts on (or spins in the guest, to be kicked out);
 *    its "interrupt handler" reads LSR and RBR and echoes each byte until
 *    a newline. Input comes through a pipe on stdin. The pretend CPU
 *    delivers a TVMM_INTERRUPT vector only when it said it could take one
 *    (run->ready_for_interrupt_injection) and answers an interrupt window
 *    request when its "STI" opens one, as tvmm.ko does.
 *  - smp: vCPU 0 sends INIT, STARTUP, STARTUP through the local APIC and
 *    polls a flag; vCPU 1 must first run at 2000:0000, prints, sets the
 *    flag and halts with interrupts off.
 *  - pit: programs the PIT at 100 Hz and halts until three ticks came.
 *  - apic timer: programs its local APIC's periodic timer and halts (or
 *    spins, to be kicked out) until three ticks came.
 *  - msr: with TVMM_CAP_USER_MSRS, reads and writes IA32_APIC_BASE and
 *    IA32_TSC_DEADLINE (TVMM_EXIT_MSR), and halts until the deadline.
 *  - a halted guest and --timeout.
 *  - no guest: TVMM_CREATE_VM fails, and run and demo must say that, not
 *    that the device did not open.
 *  - the echo guest on a terminal (a pseudo-terminal): raw keys, the
 *    escape key, the terminal's settings back.
 *
 * What the pretend VM saw is kept in shared memory: tvmmctl runs in a
 * child process.
 */
#define _GNU_SOURCE	/* posix_openpt() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#include "tvmmctl.h"
#include "lib/tvmm_dev.h"
#include "vmm/term.h"
#include "fake_tvmm.h"
#include "vmm_test.h"
#include "check.h"

#define FAKE_VCPUS	2
#define FAKE_TSC_KHZ	2100000
#define RFLAGS_IF	0x200

/* The last two are no guest: TVMM_CREATE_VM fails (-EBUSY, -ENOMEM). */
enum guest_kind {
	GUEST_ECHO, GUEST_ECHO_SPIN, GUEST_SMP, GUEST_HALT, GUEST_PIT,
	GUEST_APIC_TIMER, GUEST_APIC_TIMER_SPIN, GUEST_MSR,
	GUEST_VMX_BUSY, GUEST_NO_MEMORY,
};

/* The echo guest's program counter. */
enum echo_pc {
	ECHO_INIT,		/* the OUTs of pic_uart_init[] */
	ECHO_MAIN,		/* sti; hlt (or spin) */
	ECHO_HALTED,		/* after HLT: only an interrupt wakes it */
	ECHO_ISR,		/* handler: read LSR */
	ECHO_LSR,		/* handler: IN LSR done, look at it */
	ECHO_RBR,		/* handler: IN RBR done, echo it */
	ECHO_DONE,		/* OUT to isa-debug-exit done */
};

struct fake_vcpu {
	int fd;
	struct tvmm_run *run;
	struct tvmm_regs regs;
	struct tvmm_sregs sregs;
	bool state_set;
	bool if_flag;
	int queued;		/* TVMM_INTERRUPT's vector, or -1 */
	enum echo_pc pc;
	unsigned int step;
	/* TVMM_SET_CPUID: entries, leaf 1 EBX, leaf 0x15 ECX. */
	unsigned int cpuid_nent;
	__u32 cpuid_1_ebx, cpuid_15_ecx;
	__u64 misc_enable;	/* TVMM_SET_MSRS of IA32_MISC_ENABLE */
};

/* In shared memory: the child's pretend VM, read by the parent after. */
struct fake_vm {
	enum guest_kind kind;
	int vm_fd;
	unsigned int nr_vcpus;
	struct fake_vcpu vcpu[FAKE_VCPUS];
	atomic_int flag;
	bool done;
	unsigned int injected;		/* interrupts the guest took */
	unsigned int busy;		/* TVMM_INTERRUPT -EBUSY */
	unsigned int bad_wakeups;	/* HLT left without an interrupt */
	unsigned int windows;		/* interrupt windows opened */
	unsigned int kicks;		/* runs ended by a signal */
	unsigned int ap_bad_start;	/* AP run before STARTUP, or elsewhere */
	unsigned int ap_extra_runs;	/* AP run after its HLT */
	unsigned int runs[FAKE_VCPUS];	/* TVMM_RUN calls */
	unsigned int ticks;		/* IRQ0s the PIT guest took */
	unsigned int apic_ticks;	/* the APIC timer guests' interrupts */
	struct tvmm_user_msrs user_msrs;	/* TVMM_SET_USER_MSRS's */
	unsigned int set_user_msrs;	/* how many times */
	__u64 msr_seen[8];		/* the MSR guest's RDMSR results */
	__u8 msr_error[8];		/* and each step's #GP */
};

static struct fake_vm *vm;

/* Linux's PIC initialization, IRQ4 unmasked, then the UART's. */
static const struct {
	__u16 port;
	__u8 val;
} pic_uart_init[] = {
	{ 0x20, 0x11 }, { 0x21, 0x20 }, { 0x21, 0x04 }, { 0x21, 0x01 },
	{ 0xa0, 0x11 }, { 0xa1, 0x28 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
	{ 0x21, 0xef }, { 0xa1, 0xff },
	{ 0x3fa, 0x07 }, { 0x3fc, 0x0b }, { 0x3f9, 0x01 },
};

static struct fake_vcpu *fake_vcpu(int fd)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpu[i].fd == fd)
			return &vm->vcpu[i];
	return NULL;
}

static void exit_io(struct tvmm_run *run, __u8 dir, __u16 port, __u32 val)
{
	run->exit_reason = TVMM_EXIT_IO;
	run->io.direction = dir;
	run->io.size = 1;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = TVMM_RUN_IO_DATA_OFFSET;
	*((__u8 *)run + TVMM_RUN_IO_DATA_OFFSET) = val;
}

static __u8 io_data(struct tvmm_run *run)
{
	return *((__u8 *)run + TVMM_RUN_IO_DATA_OFFSET);
}

static void exit_mmio_write(struct tvmm_run *run, __u64 gpa, __u32 val)
{
	run->exit_reason = TVMM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = 4;
	run->mmio.is_write = 1;
	memcpy(run->mmio.data, &val, 4);
}

static void exit_hlt(struct fake_vcpu *v, bool if_flag)
{
	v->if_flag = if_flag;
	v->run->exit_reason = TVMM_EXIT_HLT;
}

/* The guest running for a while: -EINTR if a signal comes meanwhile. */
static int guest_spin(struct fake_vcpu *v, int ms)
{
	if (v->run->immediate_exit)
		return -EINTR;
	if (poll(NULL, 0, ms) < 0 && errno == EINTR)
		return -EINTR;
	return 0;
}

static int run_echo(struct fake_vcpu *v)
{
	struct tvmm_run *run = v->run;
	__u8 c;
	int ret;

	/* The CPU takes a queued interrupt where IF = 1: main loop only. */
	if (v->queued >= 0 && (v->pc == ECHO_MAIN || v->pc == ECHO_HALTED)) {
		if (v->queued == 0x24)
			vm->injected++;
		v->queued = -1;
		v->pc = ECHO_LSR;
		run->ready_for_interrupt_injection = 0;
		exit_io(run, TVMM_IO_IN, 0x3fd, 0);
		return 0;
	}
	switch (v->pc) {
	case ECHO_INIT:
		exit_io(run, TVMM_IO_OUT, pic_uart_init[v->step].port,
			pic_uart_init[v->step].val);
		if (++v->step == ARRAY_SIZE(pic_uart_init))
			v->pc = ECHO_MAIN;
		return 0;
	case ECHO_HALTED:
		vm->bad_wakeups++;
		v->pc = ECHO_MAIN;
		return run_echo(v);
	case ECHO_MAIN:
		if (vm->done) {
			exit_io(run, TVMM_IO_OUT, 0xf4, 0x10);
			v->pc = ECHO_DONE;
			return 0;
		}
		run->ready_for_interrupt_injection = 1;
		if (run->request_interrupt_window) {
			/* STI opened it. */
			vm->windows++;
			run->exit_reason = TVMM_EXIT_IRQ_WINDOW_OPEN;
			return 0;
		}
		if (vm->kind == GUEST_ECHO_SPIN) {
			ret = guest_spin(v, 5000);
			if (ret) {
				vm->kicks++;
				run->exit_reason = TVMM_EXIT_INTR;
				return ret;
			}
			exit_io(run, TVMM_IO_IN, 0x1234, 0);
			return 0;
		}
		exit_hlt(v, true);
		v->pc = ECHO_HALTED;
		return 0;
	case ECHO_LSR:
		if (io_data(run) & 1) {
			exit_io(run, TVMM_IO_IN, 0x3f8, 0);
			v->pc = ECHO_RBR;
		} else {
			/* EOI, and IRET with it: IF = 1 again. */
			exit_io(run, TVMM_IO_OUT, 0x20, 0x20);
			run->ready_for_interrupt_injection = 1;
			v->pc = ECHO_MAIN;
		}
		return 0;
	case ECHO_ISR:
		exit_io(run, TVMM_IO_IN, 0x3fd, 0);
		v->pc = ECHO_LSR;
		return 0;
	case ECHO_RBR:
		c = io_data(run);
		if (c == '\n')
			vm->done = true;
		exit_io(run, TVMM_IO_OUT, 0x3f8, c);
		v->pc = ECHO_ISR;
		return 0;
	default:
		/* The run should be over: keep the guest quiet. */
		exit_io(run, TVMM_IO_OUT, 0xf4, 0x10);
		return 0;
	}
}

/* PIC with IRQ0 only, PIT channel 0 mode 2 at 100 Hz. */
static const struct {
	__u16 port;
	__u8 val;
} pic_pit_init[] = {
	{ 0x20, 0x11 }, { 0x21, 0x20 }, { 0x21, 0x04 }, { 0x21, 0x01 },
	{ 0x21, 0xfe },
	{ 0x43, 0x34 }, { 0x40, 0x9c }, { 0x40, 0x2e },
};

static int run_pit(struct fake_vcpu *v)
{
	struct tvmm_run *run = v->run;

	if (v->step < ARRAY_SIZE(pic_pit_init)) {
		exit_io(run, TVMM_IO_OUT, pic_pit_init[v->step].port,
			pic_pit_init[v->step].val);
		v->step++;
		return 0;
	}
	if (v->queued >= 0) {
		/* The handler: count, EOI; IRET makes IF = 1 again. */
		vm->ticks += v->queued == 0x20;
		v->queued = -1;
		exit_io(run, TVMM_IO_OUT, 0x20, 0x20);
		run->ready_for_interrupt_injection = 1;
		return 0;
	}
	if (vm->ticks >= 3) {
		exit_io(run, TVMM_IO_OUT, 0xf4, 0x11);
		return 0;
	}
	run->ready_for_interrupt_injection = 1;
	if (run->request_interrupt_window) {
		run->exit_reason = TVMM_EXIT_IRQ_WINDOW_OPEN;
		return 0;
	}
	exit_hlt(v, true);
	return 0;
}

/* The APIC timer: enabled, divide by 1, periodic at vector 0x40. */
static const __u32 apic_timer_init[][2] = {
	{ 0xfee000f0, 0x1ff },
	{ 0xfee003e0, 0xb },
	{ 0xfee00320, 0x20040 },
	{ 0xfee00380, 2000000 },	/* about a millisecond of TSC */
};

static int run_apic_timer(struct fake_vcpu *v)
{
	struct tvmm_run *run = v->run;
	int ret;

	if (v->step < ARRAY_SIZE(apic_timer_init)) {
		exit_mmio_write(run, apic_timer_init[v->step][0],
				apic_timer_init[v->step][1]);
		v->step++;
		return 0;
	}
	if (v->queued >= 0) {
		/* The handler: count, EOI; IRET makes IF = 1 again. */
		vm->apic_ticks += v->queued == 0x40;
		v->queued = -1;
		exit_mmio_write(run, 0xfee000b0, 0);
		run->ready_for_interrupt_injection = 1;
		return 0;
	}
	if (vm->apic_ticks >= 3) {
		exit_io(run, TVMM_IO_OUT, 0xf4, 0x11);
		return 0;
	}
	run->ready_for_interrupt_injection = 1;
	if (run->request_interrupt_window) {
		run->exit_reason = TVMM_EXIT_IRQ_WINDOW_OPEN;
		return 0;
	}
	if (vm->kind == GUEST_APIC_TIMER_SPIN) {
		ret = guest_spin(v, 5000);
		if (ret) {
			vm->kicks++;
			run->exit_reason = TVMM_EXIT_INTR;
			return ret;
		}
		exit_io(run, TVMM_IO_IN, 0x1234, 0);
		return 0;
	}
	exit_hlt(v, true);
	return 0;
}

static void exit_msr(struct tvmm_run *run, __u32 index, bool wr, __u64 val)
{
	run->exit_reason = TVMM_EXIT_MSR;
	run->msr.index = index;
	run->msr.is_write = wr;
	run->msr.error = 0;
	run->msr.data = val;
}

#define FAR_DEADLINE	BIT_ULL(62)

/*
 * RDMSR/WRMSR as tvmm.ko hands them over: each step's result is read at
 * the next TVMM_RUN, where tvmm.ko completes the instruction.
 */
static int run_msr(struct fake_vcpu *v)
{
	struct tvmm_run *run = v->run;

	if (v->step && v->step <= ARRAY_SIZE(vm->msr_seen)) {
		vm->msr_seen[v->step - 1] = run->msr.data;
		vm->msr_error[v->step - 1] = run->msr.error;
	}
	switch (v->step++) {
	case 0:
		exit_msr(run, 0x1b, false, 0);
		return 0;
	case 1:
		exit_msr(run, 0x1b, true, 0xfed00900);	/* move it: #GP */
		return 0;
	case 2:
		exit_mmio_write(run, 0xfee000f0, 0x1ff);
		return 0;
	case 3:
		exit_mmio_write(run, 0xfee00320, 0x40043);
		return 0;
	case 4:
		exit_msr(run, 0x6e0, true, FAR_DEADLINE);
		return 0;
	case 5:
		exit_msr(run, 0x6e0, false, 0);
		return 0;
	case 6:
		exit_msr(run, 0x6e0, true, __builtin_ia32_rdtsc() + 1000000);
		return 0;
	case 7:
		exit_msr(run, 0x10, false, 0);		/* not the devices' */
		return 0;
	}
	v->step = 8;
	if (v->queued >= 0) {
		vm->apic_ticks += v->queued == 0x43;
		v->queued = -1;
		exit_io(run, TVMM_IO_OUT, 0xf4, 0x11);
		return 0;
	}
	run->ready_for_interrupt_injection = 1;
	if (run->request_interrupt_window) {
		run->exit_reason = TVMM_EXIT_IRQ_WINDOW_OPEN;
		return 0;
	}
	exit_hlt(v, true);
	return 0;
}

static int run_smp(struct fake_vcpu *v, unsigned int id)
{
	static const __u32 bsp_icr[][2] = {
		{ 0xfee00310, 0x01000000 },
		{ 0xfee00300, 0x00004500 },	/* INIT */
		{ 0xfee00300, 0x00004620 },	/* STARTUP, 0x20000 */
		{ 0xfee00300, 0x00004620 },
	};
	static const char msg[] = "AP\n";
	struct tvmm_run *run = v->run;
	int ret;

	if (id == 0) {
		if (v->step < ARRAY_SIZE(bsp_icr)) {
			exit_mmio_write(run, bsp_icr[v->step][0],
					bsp_icr[v->step][1]);
			v->step++;
			return 0;
		}
		if (atomic_load(&vm->flag)) {
			exit_io(run, TVMM_IO_OUT, 0xf4, 0x11);
			return 0;
		}
		ret = guest_spin(v, 2);
		if (ret) {
			run->exit_reason = TVMM_EXIT_INTR;
			return ret;
		}
		exit_io(run, TVMM_IO_IN, 0x1234, 0);	/* polling */
		return 0;
	}
	if (!v->step && (!v->state_set || v->sregs.cs.selector != 0x2000 ||
			 v->sregs.cs.base != 0x20000 || v->regs.rip))
		vm->ap_bad_start++;
	if (v->step < sizeof(msg) - 1) {
		exit_io(run, TVMM_IO_OUT, 0x3f8, msg[v->step++]);
		return 0;
	}
	if (v->step++ == sizeof(msg) - 1)
		atomic_store(&vm->flag, 1);
	else
		vm->ap_extra_runs++;	/* parked: it should not run */
	exit_hlt(v, false);
	return 0;
}

static int fake_run(struct fake_vcpu *v)
{
	struct tvmm_run *run = v->run;
	int ret;

	vm->runs[v - vm->vcpu]++;
	if (run->immediate_exit) {
		run->exit_reason = TVMM_EXIT_INTR;
		return -EINTR;
	}
	switch (vm->kind) {
	case GUEST_ECHO:
	case GUEST_ECHO_SPIN:
		ret = run_echo(v);
		break;
	case GUEST_SMP:
		ret = run_smp(v, v - vm->vcpu);
		break;
	case GUEST_PIT:
		ret = run_pit(v);
		break;
	case GUEST_APIC_TIMER:
	case GUEST_APIC_TIMER_SPIN:
		ret = run_apic_timer(v);
		break;
	case GUEST_MSR:
		ret = run_msr(v);
		break;
	default:
		exit_hlt(v, true);
		ret = 0;
		break;
	}
	if (!ret)
		run->exit_count++;
	return ret;
}

/* What the guest would read from CPUID leaves 1 and 0x15. */
static void fake_set_cpuid(struct fake_vcpu *v, const struct tvmm_cpuid *c)
{
	unsigned int i;

	v->cpuid_nent = c->nent;
	for (i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1)
			v->cpuid_1_ebx = c->entries[i].ebx;
		if (c->entries[i].function == 0x15)
			v->cpuid_15_ecx = c->entries[i].ecx;
	}
}

static int fake_vm_ioctl(int fd, unsigned long request, unsigned long arg)
{
	struct fake_vcpu *v = fake_vcpu(fd);
	const struct tvmm_msrs *msrs;
	struct tvmm_interrupt *irq;

	switch (request) {
	case TVMM_CHECK_EXTENSION:
		if (arg == TVMM_CAP_MAX_VCPUS)
			return FAKE_VCPUS;
		if (vm->kind == GUEST_MSR && arg == TVMM_CAP_USER_MSRS)
			return 1;
		if (arg == TVMM_CAP_TSC_KHZ)
			return FAKE_TSC_KHZ;
		return arg == TVMM_CAP_INTERRUPT || arg == TVMM_CAP_VCPU_STATS;
	case TVMM_SET_USER_MSRS:
		if (fd != vm->vm_fd)
			return -ENOTTY;
		vm->user_msrs = *(struct tvmm_user_msrs *)arg;
		vm->set_user_msrs++;
		return 0;
	case TVMM_CREATE_VM:
		if (vm->kind == GUEST_VMX_BUSY)
			return -EBUSY;
		if (vm->kind == GUEST_NO_MEMORY)
			return -ENOMEM;
		vm->vm_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		return vm->vm_fd;
	case TVMM_GET_VCPU_MMAP_SIZE:
		return 4096;
	case TVMM_SET_MEMORY_REGION:
		return fd == vm->vm_fd ? 0 : -EBADF;
	case TVMM_CREATE_VCPU:
		if (fd != vm->vm_fd || arg >= FAKE_VCPUS ||
		    arg != vm->nr_vcpus)
			return -EINVAL;
		v = &vm->vcpu[vm->nr_vcpus++];
		v->fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		v->queued = -1;
		return v->fd;
	}
	if (!v)
		return -ENOTTY;
	switch (request) {
	case TVMM_SET_REGS:
		v->regs = *(struct tvmm_regs *)arg;
		v->state_set = true;
		return 0;
	case TVMM_SET_SREGS:
		v->sregs = *(struct tvmm_sregs *)arg;
		return 0;
	case TVMM_GET_REGS:
		v->regs.rflags = 0x2 | (v->if_flag ? RFLAGS_IF : 0);
		*(struct tvmm_regs *)arg = v->regs;
		return 0;
	case TVMM_GET_SREGS:
		*(struct tvmm_sregs *)arg = v->sregs;
		return 0;
	case TVMM_INTERRUPT:
		irq = (struct tvmm_interrupt *)arg;
		if (irq->vector > 255 || irq->flags || irq->reserved)
			return -EINVAL;
		if (v->queued >= 0) {
			vm->busy++;
			return -EBUSY;
		}
		v->queued = irq->vector;
		return 0;
	case TVMM_SET_CPUID:
		fake_set_cpuid(v, (const struct tvmm_cpuid *)arg);
		return 0;
	case TVMM_SET_MSRS:
		msrs = (const struct tvmm_msrs *)arg;
		if (msrs->nmsrs != 1 || msrs->entries[0].index != 0x1a0)
			return 0;
		v->misc_enable = msrs->entries[0].data;
		return 1;
	case TVMM_GET_VCPU_STATS:
		memset((void *)arg, 0, sizeof(struct tvmm_vcpu_stats));
		((struct tvmm_vcpu_stats *)arg)->size =
			sizeof(struct tvmm_vcpu_stats);
		return 0;
	case TVMM_RUN:
		return fake_run(v);
	}
	return -ENOTTY;
}

static void *fake_vm_mmap(size_t len, int fd, off_t off)
{
	struct fake_vcpu *v = fake_vcpu(fd);
	void *p;

	if (!v || off || len != 4096)
		return NULL;
	p = aligned_alloc(4096, 4096);
	if (p)
		memset(p, 0, 4096);
	v->run = p;
	return p;
}

static bool fake_vm_munmap(void *addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpu[i].run == addr) {
			free(addr);
			return true;
		}
	return false;
}

static bool vm_setup(void)
{
	if (vm)
		return true;
	vm = mmap(NULL, sizeof(*vm), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm == MAP_FAILED) {
		vm = NULL;
		return false;
	}
	return true;
}

/* In the child: tvmmctl @argv against the pretend VM. */
static int fake_child(void *arg)
{
	char **argv = arg;
	int argc = 0;

	while (argv[argc])
		argc++;
	setenv(TVMM_DEV_ENV, "/dev/null", 1);
	memset(&fake_tvmm, 0, sizeof(fake_tvmm));
	fake_tvmm.on = true;
	fake_tvmm.api_version = TVMM_API_VERSION;
	fake_tvmm.vm_ioctl = fake_vm_ioctl;
	fake_tvmm.vm_mmap = fake_vm_mmap;
	fake_tvmm.vm_munmap = fake_vm_munmap;
	return tvmmctl_main(argc, argv);
}

/*
 * tvmmctl run @opts IMAGE against the pretend VM @kind, @input on a pipe
 * into its stdin.
 */
static void run_fake(struct child_result *r, enum guest_kind kind,
		     const char *input, const char *opts1, const char *opts2)
{
	char image[] = "/tmp/tvmmctl_vmm_test_XXXXXX";
	char *argv[6] = { "tvmmctl", "run", (char *)opts1 };
	int fd, argc = 3;

	if (!vm_setup())
		ksft_exit_fail_msg("shared memory: %s\n", strerror(errno));
	if (opts2[0])
		argv[argc++] = (char *)opts2;
	argv[argc++] = image;
	memset(vm, 0, sizeof(*vm));
	vm->kind = kind;
	fd = mkstemp(image);
	if (fd < 0 || write(fd, "\xf4", 1) != 1 || close(fd))
		ksft_exit_fail_msg("cannot write %s\n", image);
	run_child(r, fake_child, argv, input ? input : "");
	unlink(image);
}

/* Longer than the UART's FIFO: tvmmctl must wait for the guest. */
#define ECHO_INPUT	"hello from a pipe, more than sixteen bytes\n"

/*
 * tvmmctl run @opts IMAGE against the pretend VM @kind, @input on its
 * stdin, exits with @status; its stdout and stderr match @out and @err.
 */
struct vmm_case {
	enum guest_kind kind;
	const char *input;
	const char *opts[2];
	int status;
	struct match out[MAX_MATCHES];
	struct match err[MAX_MATCHES];
};

/* Run @c; then *vm is what the pretend VM saw, and @r what tvmmctl did. */
static bool vmm_check(const struct vmm_case *c, struct child_result *r)
{
	run_fake(r, c->kind, c->input, c->opts[0],
		 c->opts[1] ? c->opts[1] : "");
	return child_is(r, c->status, c->out, c->err);
}

bool test_vmm_echo_halted(void)
{
	static const struct vmm_case run = {
		GUEST_ECHO, ECHO_INPUT, { "--timeout=20" }, 0x21,
		.out = { IS(ECHO_INPUT) }, .err = { EMPTY },
	};
	struct child_result r;
	bool ok = vmm_check(&run, &r);

	ok &= EXPECT(vm->injected >= 1);
	ok &= EXPECT(vm->injected <= strlen(ECHO_INPUT));
	ok &= EXPECT(vm->bad_wakeups == 0);
	ok &= EXPECT(vm->busy == 0);
	return ok;
}

bool test_vmm_echo_kicked(void)
{
	static const struct vmm_case run = {
		GUEST_ECHO_SPIN, ECHO_INPUT, { "--timeout=20", "--stats" }, 0x21,
		.out = { IS(ECHO_INPUT) },
		.err = { HAS("stats: cpu0 interrupts injected"),
			 HAS("stats: uart-16550a") },
	};
	struct child_result r;
	bool ok = vmm_check(&run, &r);

	/* Interrupts reached a vCPU that never halted: it was kicked. */
	ok &= EXPECT(vm->injected >= 1);
	ok &= EXPECT(vm->kicks >= 1);
	return ok;
}

#define END_TIMEOUT \
	"{\"type\": \"end\", \"reason\": \"timeout\", \"vcpu\": 0, \"status\": 8}\n"

bool test_vmm_smp_start(void)
{
	static const struct vmm_case two = {
		GUEST_SMP, NULL, { "--cpus=2", "--timeout=20" }, 0x23,
		.out = { IS("AP\n") },
	};
	/* With one vCPU nobody answers: the BSP polls until --timeout. */
	static const struct vmm_case one = {
		GUEST_SMP, NULL, { "--timeout=1", "--json" }, 8,
		.err = { HAS("tvmmctl: run: timeout\n"),
			 HAS(END_TIMEOUT) },
	};
	struct child_result r;
	bool ok = vmm_check(&two, &r);

	ok &= EXPECT(vm->nr_vcpus == 2);
	/* Each vCPU has its CPU model: its APIC ID, the TSC's rate. */
	ok &= EXPECT(vm->vcpu[0].cpuid_nent && vm->vcpu[1].cpuid_nent);
	ok &= EXPECT(vm->vcpu[0].cpuid_1_ebx >> 24 == 0);
	ok &= EXPECT(vm->vcpu[1].cpuid_1_ebx >> 24 == 1);
	ok &= EXPECT(vm->vcpu[1].cpuid_15_ecx == FAKE_TSC_KHZ * 1000u);
	/* Fast strings, no BTS, no PEBS. */
	ok &= EXPECT(vm->vcpu[0].misc_enable == 0x1801 &&
		     vm->vcpu[1].misc_enable == 0x1801);
	ok &= EXPECT(vm->ap_bad_start == 0);
	ok &= EXPECT(vm->ap_extra_runs == 0);
	ok &= vmm_check(&one, &r);
	ok &= EXPECT(vm->nr_vcpus == 1);
	return ok;
}

bool test_vmm_pit_ticks(void)
{
	static const struct vmm_case run = {
		GUEST_PIT, NULL, { "--timeout=20" }, 0x23,
	};
	struct child_result r;
	bool ok = vmm_check(&run, &r);

	ok &= EXPECT(vm->ticks == 3);
	return ok;
}

/* The local APIC's periodic timer wakes a halted vCPU, kicks a running one. */
bool test_vmm_apic_timer(void)
{
	static const struct vmm_case cases[] = {
		{ GUEST_APIC_TIMER, NULL, { "--timeout=20" }, 0x23,
		  .err = { EMPTY } },
		{ GUEST_APIC_TIMER_SPIN, NULL, { "--timeout=20" }, 0x23,
		  .err = { EMPTY } },
	};
	struct child_result r;
	bool ok = vmm_check(&cases[0], &r);

	ok &= EXPECT(vm->apic_ticks == 3);
	ok &= EXPECT(vm->bad_wakeups == 0);
	ok &= EXPECT(vm->set_user_msrs == 0);	/* no TVMM_CAP_USER_MSRS */
	ok &= vmm_check(&cases[1], &r);
	ok &= EXPECT(vm->apic_ticks == 3);
	ok &= EXPECT(vm->kicks >= 1);
	return ok;
}

/* TVMM_EXIT_MSR: the devices' answers, #GP as run->msr.error. */
bool test_vmm_user_msrs(void)
{
	static const struct vmm_case run = {
		GUEST_MSR, NULL, { "--timeout=20" }, 0x23, .err = { EMPTY },
	};
	struct child_result r;
	bool ok = vmm_check(&run, &r);

	ok &= EXPECT(vm->set_user_msrs == 1);
	ok &= EXPECT(vm->user_msrs.nmsrs == 2 && !vm->user_msrs.flags);
	ok &= EXPECT(vm->user_msrs.indices[0] == 0x1b &&
		     vm->user_msrs.indices[1] == 0x6e0 &&
		     !vm->user_msrs.indices[2]);
	ok &= EXPECT(vm->msr_seen[0] == 0xfee00900 && !vm->msr_error[0]);
	ok &= EXPECT(vm->msr_error[1] == 1);
	ok &= EXPECT(!vm->msr_error[4]);
	ok &= EXPECT(vm->msr_seen[5] == FAR_DEADLINE && !vm->msr_error[5]);
	ok &= EXPECT(!vm->msr_error[6]);
	ok &= EXPECT(vm->msr_error[7] == 1);
	ok &= EXPECT(vm->apic_ticks == 1);
	return ok;
}

#define NO_TRACE \
	"tvmmctl: run: --trace needs TVMM_CAP_TRACE, which this tvmm.ko lacks\n"

bool test_vmm_halt_timeout(void)
{
	static const struct vmm_case cases[] = {
		/* Halted with interrupts on and nothing to wake it. */
		{ GUEST_HALT, NULL, { "--timeout=1" }, 8,
		  .err = { STARTS("tvmmctl: run: timeout\n") } },
		/* --trace needs TVMM_CAP_TRACE, which the pretend VM lacks. */
		{ GUEST_HALT, NULL, { "--trace" }, TVMMCTL_EXIT_FAILURE,
		  .err = { IS(NO_TRACE) } },
		/* More vCPUs than tvmm.ko allows: said below. */
		{ GUEST_HALT, NULL, { "--cpus=3" }, TVMMCTL_EXIT_FAILURE },
	};
	struct child_result r;
	bool ok = vmm_check(&cases[0], &r);

	ok &= EXPECT(vm->runs[0] == 1);
	ok &= vmm_check(&cases[1], &r);
	ok &= vmm_check(&cases[2], &r);
	ok &= EXPECT(strstr(r.err, "cannot create the VM") ||
		     strstr(r.err, "allows 2 vCPUs"));
	return ok;
}

#define VMX_BUSY \
	"cannot create the VM: TVMM_CREATE_VM: Device or resource busy: another hypervisor (kvm_intel, for one) holds VMX; stop its VMs or unload it\n"
#define NO_MEMORY \
	"cannot create the VM: TVMM_CREATE_VM: Cannot allocate memory\n"

/*
 * The device opened but TVMM_CREATE_VM failed: the error names the VM's
 * creation and the errno, and for -EBUSY who holds VMX. It once read
 * "cannot open /dev/null: Device or resource busy".
 */
bool test_vmm_create_fails(void)
{
	static const struct vmm_case cases[] = {
		{ GUEST_VMX_BUSY, NULL, { "--cpus=2" }, TVMMCTL_EXIT_FAILURE,
		  .out = { EMPTY }, .err = { IS("tvmmctl: run: " VMX_BUSY) } },
		{ GUEST_NO_MEMORY, NULL, { "--trace" }, TVMMCTL_EXIT_FAILURE,
		  .out = { EMPTY },
		  .err = { IS("tvmmctl: run: " NO_MEMORY) } },
	};
	static const struct match demo_out[] = { { MATCH_END } };
	static const struct match demo_err[] = {
		IS("tvmmctl: demo cpuid: " VMX_BUSY), { MATCH_END }
	};
	static const char *const argv[] = { "tvmmctl", "demo", "cpuid", NULL };
	struct child_result r;
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ok &= vmm_check(&cases[i], &r);

	/* The demos create their VMs through the same vmm_create(). */
	memset(vm, 0, sizeof(*vm));
	vm->kind = GUEST_VMX_BUSY;
	run_child(&r, fake_child, (void *)argv, "");
	ok &= child_is(&r, TVMMCTL_EXIT_FAILURE, demo_out, demo_err);
	return ok;
}

/* ---- a terminal on stdin ------------------------------------------------ */

struct tty_run {
	const char *first;	/* typed once the terminal is raw */
	const char *echo;	/* then wait until the guest echoed this */
	const char *second;	/* then typed, */
	int sig;		/* or this signal sent */
	int wstatus;		/* how tvmmctl ended */
	char out[256], err[1024];
	bool restored;		/* the terminal's settings as before */
};

/* Poll @fd for up to 10 s for more output, appended to @buf: false at EOF. */
static bool read_some(int fd, char *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = strlen(buf);
	ssize_t n;

	if (poll(&p, 1, 10000) <= 0)
		return false;
	n = read(fd, buf + len, size - len - 1);
	if (n <= 0)
		return false;
	buf[len + n] = '\0';
	return true;
}

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

/* tvmmctl run IMAGE, the echo guest, stdin a pseudo-terminal. */
static bool tty_check(struct tty_run *t)
{
	char image[] = "/tmp/tvmmctl_vmm_test_XXXXXX";
	char *argv[5] = { "tvmmctl", "run", "--timeout=20", image, NULL };
	struct termios before, now;
	int master, slave, out[2], err, i;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		ksft_exit_fail_msg("pseudo-terminal: %s\n", strerror(errno));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	err = fileno(tmpfile());
	if (slave < 0 || err < 0 || pipe(out) || tcgetattr(slave, &before) ||
	    !vm_setup())
		ksft_exit_fail_msg("terminal setup: %s\n", strerror(errno));
	memset(vm, 0, sizeof(*vm));
	vm->kind = GUEST_ECHO;
	i = mkstemp(image);
	if (i < 0 || write(i, "\xf4", 1) != 1 || close(i))
		ksft_exit_fail_msg("cannot write %s\n", image);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (!pid) {
		dup2(slave, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		close(master);
		close(out[0]);
		_exit(fake_child(argv));
	}
	close(out[1]);
	/* Typed before tvmmctl made the terminal raw, keys would be flushed. */
	for (i = 0; i < 1000; i++) {
		if (!tcgetattr(slave, &now) && !(now.c_lflag & ICANON))
			break;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	t->out[0] = '\0';
	if (write(master, t->first, strlen(t->first)) < 0)
		ksft_print_msg("write to the terminal: %s\n", strerror(errno));
	while (!strstr(t->out, t->echo) &&
	       read_some(out[0], t->out, sizeof(t->out)))
		;
	if (t->sig)
		kill(pid, t->sig);
	else if (write(master, t->second, strlen(t->second)) < 0)
		ksft_print_msg("write to the terminal: %s\n", strerror(errno));
	waitpid(pid, &t->wstatus, 0);
	while (read_some(out[0], t->out, sizeof(t->out)))
		;
	memset(t->err, 0, sizeof(t->err));
	if (pread(err, t->err, sizeof(t->err) - 1, 0) < 0)
		t->err[0] = '\0';
	t->restored = !tcgetattr(slave, &now) && same_termios(&before, &now);
	close(out[0]);
	close(err);
	close(slave);
	close(master);
	unlink(image);
	if (getenv("TVMMCTL_TEST_VERBOSE"))
		ksft_print_msg("status 0x%x, stdout \"%s\", stderr \"%s\"\n",
			       t->wstatus, t->out, t->err);
	return true;
}

bool test_vmm_terminal(void)
{
	struct tty_run quit = {
		/* Ctrl-C is the guest's; Ctrl-A Ctrl-A is one Ctrl-A. */
		.first = "ab\003\001\001c\001h", .echo = "ab\003\001c",
		.second = "\x01x",
	};
	struct tty_run term = { .first = "z", .echo = "z", .sig = SIGTERM };
	bool ok = true;

	tty_check(&quit);
	ok &= EXPECT(WIFEXITED(quit.wstatus) &&
		     WEXITSTATUS(quit.wstatus) == 14);
	ok &= EXPECT(!strcmp(quit.out, "ab\003\001c"));
	ok &= EXPECT(strstr(quit.err, "Ctrl-A x  quit"));
	ok &= EXPECT(strstr(quit.err, "tvmmctl: run: quit (Ctrl-A x)\n"));
	ok &= EXPECT(quit.restored);
	/* Killed, the terminal is put back all the same. */
	tty_check(&term);
	ok &= EXPECT(WIFSIGNALED(term.wstatus) &&
		     WTERMSIG(term.wstatus) == SIGTERM);
	ok &= EXPECT(!strcmp(term.out, "z"));
	ok &= EXPECT(term.restored);

	/* The escape key's parser alone. */
	{
		struct term_input in = { 0 };
		__u8 buf[8];

		ok &= EXPECT(term_input_feed(&in, (const __u8 *)"a\x01", 2) ==
			     TERM_NONE);
		ok &= EXPECT(term_input_feed(&in, (const __u8 *)"qb", 2) ==
			     TERM_NONE);	/* Ctrl-A q: dropped */
		ok &= EXPECT(term_input_take(&in, buf, 1) == 1 &&
			     buf[0] == 'a');
		ok &= EXPECT(term_input_take(&in, buf, 8) == 1 &&
			     buf[0] == 'b');
		ok &= EXPECT(term_input_feed(&in, (const __u8 *)"\x01?", 2) ==
			     TERM_HELP);
		ok &= EXPECT(term_input_feed(&in, (const __u8 *)"\x01Xy", 3) ==
			     TERM_QUIT);
		ok &= EXPECT(!in.len);
	}
	return ok;
}
