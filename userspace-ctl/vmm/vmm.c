// SPDX-License-Identifier: GPL-2.0
/*
 * Create the VM, give it RAM, run its vCPUs: one thread each, plus the
 * calling thread for input, the devices' timers and --timeout (vmm.h has
 * the picture).
 *
 * A vCPU thread's loop, with the device lock held except inside TVMM_RUN
 * and while printing the trace:
 *  1. the run is over: leave;
 *  2. INIT received: wait for STARTUP; STARTUP received: real mode at
 *     vector << 12; halted or parked: sleep until something is pending;
 *  3. an interrupt pending and run->ready_for_interrupt_injection:
 *     TVMM_INTERRUPT, and acknowledge it in the model; pending but not
 *     ready: ask for an interrupt window;
 *  4. TVMM_RUN, then hand the exit to the devices;
 *  5. --trace: print what the ring holds, this exit last.
 * A vCPU that ends the run (vCPU 0's HLT with interrupts off, debug-exit,
 * reset, a triple fault or error on any vCPU) sets vmm.done and wakes
 * everybody; vmm_run() joins the threads.
 */
#define _GNU_SOURCE	/* ppoll(), pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/x86.h"
#include "vmm/term.h"
#include "vmm/vmm.h"

#define VMM_KICK_SIGNAL	SIGUSR1
#define NSEC_PER_SEC	1000000000ULL

/* The struct tvmm_run of the vCPU this thread runs, for the kick. */
static __thread struct tvmm_run *kick_run;

static void kick_handler(int sig)
{
	if (kick_run)
		kick_run->immediate_exit = 1;
}

/*
 * opts.pause_signal arrived; only the input thread takes it, in ppoll(),
 * which returns then: a plain flag it reads after, with no other writer.
 */
static sig_atomic_t pause_signalled;

static void pause_handler(int sig)
{
	pause_signalled = 1;
}

/* Nothing open, nothing mapped. */
static void vmm_init(struct vmm *vmm)
{
	unsigned int i;

	memset(vmm, 0, sizeof(*vmm));
	vmm->dev.fd = -1;
	vmm->vm_fd = -1;
	vmm->wake[0] = -1;
	vmm->wake[1] = -1;
	for (i = 0; i < DEV_MAX_CPUS; i++) {
		vmm->vcpus[i].fd = -1;
		vmm->vcpus[i].trace.vcpu_fd = -1;
	}
}

int vmm_alloc_ram(struct vmm *vmm, __u64 size)
{
	void *p;

	vmm_init(vmm);
	if (!size || size & 4095 || size > (size_t)-1)
		return -EINVAL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	vmm->ram.hva = p;
	vmm->ram.size = size;
	return 0;
}

static int vmm_add_slot(struct vmm *vmm, __u32 slot, __u64 gpa, __u64 end,
			__u32 flags)
{
	struct tvmm_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = end - gpa,
		.userspace_addr = (__u64)(unsigned long)(vmm->ram.hva + gpa),
	};

	if (ioctl(vmm->vm_fd, TVMM_SET_MEMORY_REGION, &region))
		return -errno;
	return 0;
}

/*
 * RAM from 0, but for the IOAPIC's and the local APIC's pages: with more
 * than 4076 MiB they need holes, so that their accesses are MMIO exits.
 * One slot below each hole, and one after the last.
 */
bool vmm_ram_slot(const struct vmm *vmm, unsigned int slot, __u64 *start,
		  __u64 *end)
{
	static const __u64 holes[][2] = {
		{ IOAPIC_BASE, IOAPIC_BASE + IOAPIC_SIZE },
		{ LAPIC_BASE, LAPIC_BASE + 4096 },
	};
	unsigned int i;

	*start = 0;
	for (i = 0; i <= ARRAY_SIZE(holes) && *start < vmm->ram.size; i++) {
		*end = i < ARRAY_SIZE(holes) ? holes[i][0] : vmm->ram.size;
		if (*end > vmm->ram.size)
			*end = vmm->ram.size;
		if (i == slot)
			return true;
		if (i < ARRAY_SIZE(holes))
			*start = holes[i][1];
	}
	return false;
}

static int vmm_add_ram(struct vmm *vmm)
{
	__u64 start, end;
	__u32 slot;
	int ret;

	for (slot = 0; vmm_ram_slot(vmm, slot, &start, &end); slot++) {
		ret = vmm_add_slot(vmm, slot, start, end, 0);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The devices' MSRs (dev_msrs[]) to tvmmctl, when tvmm.ko can hand them
 * over; without it, tvmm.ko answers them as it does any MSR.
 */
static int vmm_claim_msrs(struct vmm *vmm)
{
	struct tvmm_user_msrs list = { .nmsrs = dev_nr_msrs };
	unsigned int i;

	if (tvmm_check_extension(&vmm->dev, TVMM_CAP_USER_MSRS) <= 0)
		return 0;
	if (dev_nr_msrs > TVMM_MAX_USER_MSRS)
		return -E2BIG;
	for (i = 0; i < dev_nr_msrs; i++)
		list.indices[i] = dev_msrs[i];
	if (ioctl(vmm->vm_fd, TVMM_SET_USER_MSRS, &list))
		return -errno;
	vmm->has_user_msrs = true;
	return 0;
}

/* vmm_create()'s failure @err in the step @what (NULL: tvmm_dev_open()). */
static int vmm_create_failed(struct vmm *vmm, const char *what, int err)
{
	vmm->err_what = what;
	vmm->err = -err;
	return err;
}

int vmm_create(struct vmm *vmm, const char *path, unsigned int nr_vcpus)
{
	struct vmm_vcpu *v;
	unsigned int i;
	void *run;
	int ret;

	if (!nr_vcpus || nr_vcpus > DEV_MAX_CPUS)
		return vmm_create_failed(vmm, "the number of vCPUs", -EINVAL);
	ret = tvmm_dev_open(&vmm->dev, path);
	if (ret)
		return vmm_create_failed(vmm, NULL, ret);
	vmm->vm_fd = ioctl(vmm->dev.fd, TVMM_CREATE_VM, 0);
	if (vmm->vm_fd < 0)
		return vmm_create_failed(vmm, "TVMM_CREATE_VM", -errno);
	ret = ioctl(vmm->dev.fd, TVMM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < (int)sizeof(struct tvmm_run))
		return vmm_create_failed(vmm, "TVMM_GET_VCPU_MMAP_SIZE",
					 ret < 0 ? -errno : -EPROTO);
	vmm->run_size = ret;
	vmm->has_intr = tvmm_check_extension(&vmm->dev, TVMM_CAP_INTERRUPT) > 0;
	vmm->has_events =
		tvmm_check_extension(&vmm->dev, TVMM_CAP_VCPU_EVENTS) > 0;
	vmm->has_xsave = tvmm_check_extension(&vmm->dev, TVMM_CAP_XSAVE) > 0;
	vmm->has_debugregs =
		tvmm_check_extension(&vmm->dev, TVMM_CAP_DEBUGREGS) > 0;
	vmm->has_msr_list =
		tvmm_check_extension(&vmm->dev, TVMM_CAP_MSR_INDEX_LIST) > 0;
	ret = tvmm_check_extension(&vmm->dev, TVMM_CAP_TSC_KHZ);
	vmm->tsc_khz = ret > 0 ? ret : 0;
	ret = vmm_claim_msrs(vmm);
	if (ret)
		return vmm_create_failed(vmm, "TVMM_SET_USER_MSRS", ret);
	ret = vmm_add_ram(vmm);
	if (ret)
		return vmm_create_failed(vmm, "TVMM_SET_MEMORY_REGION", ret);
	for (i = 0; i < nr_vcpus; i++) {
		v = &vmm->vcpus[i];
		v->vmm = vmm;
		v->id = i;
		v->fd = ioctl(vmm->vm_fd, TVMM_CREATE_VCPU, i);
		if (v->fd < 0)
			return vmm_create_failed(vmm, "TVMM_CREATE_VCPU",
						 -errno);
		run = mmap(NULL, vmm->run_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED, v->fd, 0);
		if (run == MAP_FAILED)
			return vmm_create_failed(vmm, "mmap of the vCPU",
						 -errno);
		v->run = run;
		vmm->nr_vcpus++;
	}
	return 0;
}

/*
 * The device that did not open says so in tvmm_dev_strerror()'s words;
 * any later step is the VM's creation failing, named with its errno. The
 * two used to be told apart by vm_fd < 0, which also holds when
 * TVMM_CREATE_VM itself fails, so a busy VMX read "cannot open /dev/tvmm".
 */
const char *vmm_create_strerror(const struct vmm *vmm, const char *who,
				int err, char *buf, size_t len)
{
	char why[256];
	int n;

	if (!vmm->err_what)
		return tvmm_dev_strerror(&vmm->dev, err, buf, len);
	n = snprintf(buf, len, "%s: cannot create the VM: ", who);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "%s",
			 tvmm_ioctl_strerror(vmm->err_what, err, why,
					     sizeof(why)));
	return buf;
}

void vmm_destroy(struct vmm *vmm)
{
	struct vmm_vcpu *v;
	unsigned int i;

	for (i = 0; i < DEV_MAX_CPUS; i++) {
		v = &vmm->vcpus[i];
		trace_ring_disable(&v->trace);
		if (v->run)
			munmap(v->run, vmm->run_size);
		if (v->fd >= 0)
			close(v->fd);
	}
	if (vmm->vm_fd >= 0)
		close(vmm->vm_fd);
	if (vmm->dev.fd >= 0)
		tvmm_dev_close(&vmm->dev);
	if (vmm->ram.hva)
		munmap(vmm->ram.hva, vmm->ram.size);
	vmm_init(vmm);
}

static int vcpu_set_state(struct vmm_vcpu *v, const struct tvmm_regs *regs,
			  const struct tvmm_sregs *sregs)
{
	if (ioctl(v->fd, TVMM_SET_SREGS, sregs) ||
	    ioctl(v->fd, TVMM_SET_REGS, regs))
		return -errno;
	return 0;
}

int vmm_set_state(struct vmm *vmm, const struct tvmm_regs *regs,
		  const struct tvmm_sregs *sregs)
{
	return vcpu_set_state(&vmm->vcpus[0], regs, sregs);
}

int vmm_get_regs(struct vmm *vmm, struct tvmm_regs *regs)
{
	return ioctl(vmm->vcpus[0].fd, TVMM_GET_REGS, regs) ? -errno : 0;
}

int vmm_set_regs(struct vmm *vmm, const struct tvmm_regs *regs)
{
	return ioctl(vmm->vcpus[0].fd, TVMM_SET_REGS, regs) ? -errno : 0;
}

int vmm_get_sregs(struct vmm *vmm, struct tvmm_sregs *sregs)
{
	return ioctl(vmm->vcpus[0].fd, TVMM_GET_SREGS, sregs) ? -errno : 0;
}

int vmm_add_memory(struct vmm *vmm, __u32 slot, __u64 gpa, void *hva,
		   __u64 size, __u32 flags)
{
	struct tvmm_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(unsigned long)hva,
	};

	if (ioctl(vmm->vm_fd, TVMM_SET_MEMORY_REGION, &region))
		return -errno;
	return 0;
}

int vmm_log_dirty(struct vmm *vmm, bool on)
{
	__u64 start, end;
	__u32 slot;
	int ret = 0;

	for (slot = 0; !ret && vmm_ram_slot(vmm, slot, &start, &end); slot++)
		ret = vmm_add_slot(vmm, slot, start, end,
				   on ? TVMM_MEM_LOG_DIRTY : 0);
	return ret;
}

int vmm_get_dirty_log(struct vmm *vmm, __u32 slot, __u64 *bitmap,
		      size_t bytes)
{
	struct tvmm_dirty_log log = {
		.slot = slot,
		.bitmap = (__u64)(unsigned long)bitmap,
		.bitmap_size = bytes,
	};

	if (ioctl(vmm->vm_fd, TVMM_GET_DIRTY_LOG, &log))
		return -errno;
	return 0;
}

/* ---- waking threads (called with ctx->lock held) ---------------------- */

static void vmm_wake_input(struct vmm *vmm)
{
	char c = 0;

	if (write(vmm->wake[1], &c, 1) < 0 && errno != EAGAIN)
		return;
}

static void vmm_kick(void *data, unsigned int cpu)
{
	struct vmm *vmm = data;
	struct vmm_vcpu *v;

	pthread_cond_broadcast(&vmm->cond);
	if (cpu >= vmm->nr_vcpus)
		return;
	v = &vmm->vcpus[cpu];
	if (v->started && v->in_run && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, VMM_KICK_SIGNAL);
}

static void vmm_wake_io(void *data)
{
	vmm_wake_input(data);
}

static __u64 vmm_now_ns(void *data)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* The guest's TSC: the host's plus the offset a restore set. */
static __u64 vmm_tsc(void *data)
{
	const struct vmm *vmm = data;

	return __builtin_ia32_rdtsc() + vmm->tsc_offset;
}

__u64 vmm_guest_tsc(const struct vmm *vmm)
{
	return vmm_tsc((void *)vmm);
}

int vmm_set_guest_tsc(struct vmm *vmm, __u64 tsc)
{
	struct tvmm_tsc_offset t = {
		.offset = tsc - __builtin_ia32_rdtsc(),
	};

	if (ioctl(vmm->vm_fd, TVMM_SET_TSC_OFFSET, &t))
		return -errno;
	vmm->tsc_offset = t.offset;
	return 0;
}

/*
 * End the run (the first reason wins) and wake every thread. For
 * VMM_STOP_ERROR, @what failed with errno @err.
 */
static void vmm_end_err(struct vmm *vmm, unsigned int cpu, enum vmm_stop stop,
			const char *what, int err)
{
	unsigned int i;

	if (vmm->done)
		return;
	vmm->done = true;
	vmm->stop = stop;
	vmm->stop_cpu = cpu;
	vmm->err_what = what;
	vmm->err = err;
	for (i = 0; i < vmm->nr_vcpus; i++)
		vmm_kick(vmm, i);
	vmm_wake_input(vmm);
}

static void vmm_end(struct vmm *vmm, unsigned int cpu, enum vmm_stop stop)
{
	vmm_end_err(vmm, cpu, stop, NULL, 0);
}

/* ---- --trace ------------------------------------------------------------ */

static void vcpu_trace_sink(const struct tvmm_trace_entry *e, void *data)
{
	struct vmm_vcpu *v = data;
	struct trace_record r = { .e = e, .vcpu = v->id };
	char line[TRACE_LINE_MAX];
	int n;

	if (v->vmm->opts.summary)
		summary_add(v->vmm->opts.summary, v->id, e);
	if (!v->vmm->opts.trace)
		return;
	if (e->handled_by == TVMM_TRACE_BY_USER && e->seq == v->action_seq &&
	    v->action[0])
		r.action = v->action;
	if (v->vmm->opts.json)
		n = trace_format_json(line, sizeof(line), &r);
	else
		n = trace_format_text(line, sizeof(line), &r);
	if (n > 0)
		fprintf(v->vmm->opts.trace_out, "%s\n", line);
}

/* Drain the ring into the sink, the lock dropped (printing may block). */
static void vcpu_trace_drain(struct vmm_vcpu *v)
{
	if (!v->trace.ring)
		return;
	pthread_mutex_unlock(&v->vmm->ctx->lock);
	trace_ring_drain(&v->trace, vcpu_trace_sink, v);
	if (v->vmm->opts.trace)
		fflush(v->vmm->opts.trace_out);
	pthread_mutex_lock(&v->vmm->ctx->lock);
}

/* What the loop did with this exit, for its trace line. */
static void vcpu_action(struct vmm_vcpu *v, const char *fmt, ...)
{
	va_list ap;

	if (!v->vmm->opts.trace)
		return;
	v->action_seq = v->run->exit_count;
	va_start(ap, fmt);
	vsnprintf(v->action, sizeof(v->action), fmt, ap);
	va_end(ap);
}

/* ---- exits -------------------------------------------------------------- */

/*
 * One port I/O exit, string and REP forms included; the device that took
 * it words its trace line (devices.c: io_trace()).
 */
static void vcpu_handle_io(struct vmm_vcpu *v)
{
	struct dev_ctx *ctx = v->vmm->ctx;
	struct tvmm_run *run = v->run;
	size_t run_size = v->vmm->run_size;
	unsigned int size = run->io.size, i;
	__u8 *data = (__u8 *)run + run->io.data_offset;
	const struct io_dev *dev = NULL;
	bool out = run->io.direction == TVMM_IO_OUT;
	__u32 val = 0, first = 0;
	char words[VMM_ACTION_MAX];

	if (size != 1 && size != 2 && size != 4)
		return;
	if (run->io.data_offset < sizeof(*run) ||
	    run->io.data_offset > run_size ||
	    (__u64)run->io.count * size > run_size - run->io.data_offset)
		return;
	for (i = 0; i < run->io.count && !ctx->stop; i++, data += size) {
		val = 0;
		if (out)
			memcpy(&val, data, size);
		dev = io_access(ctx, run->io.port, size, out, &val);
		if (!out)
			memcpy(data, &val, size);
		if (!i)
			first = val;
	}
	if (!v->vmm->opts.trace)
		return;
	io_trace(ctx, dev, out, first, words, sizeof(words));
	if (run->io.count > 1)
		vcpu_action(v, "%s, %u elements", words, run->io.count);
	else
		vcpu_action(v, "%s", words);
}

static void vcpu_handle_mmio(struct vmm_vcpu *v)
{
	struct dev_ctx *ctx = v->vmm->ctx;
	struct tvmm_run *run = v->run;
	const struct mmio_dev *dev;
	unsigned int len = run->mmio.len;
	char words[VMM_ACTION_MAX];
	__u64 val = 0;

	if (!len || len > sizeof(run->mmio.data))
		return;
	if (run->mmio.is_write)
		memcpy(&val, run->mmio.data, len);
	dev = mmio_access(ctx, v->id, run->mmio.phys_addr, len,
			  run->mmio.is_write, &val);
	if (!run->mmio.is_write)
		memcpy(run->mmio.data, &val, len);
	if (!v->vmm->opts.trace)
		return;
	mmio_trace(ctx, dev, run->mmio.is_write, val, words, sizeof(words));
	vcpu_action(v, "%s", words);
}

/*
 * RDMSR or WRMSR of an MSR the devices own (dev_msrs[], handed over by
 * TVMM_SET_USER_MSRS): the device's value, or #GP(0) when it refuses;
 * the next TVMM_RUN completes the instruction.
 */
static void vcpu_handle_msr(struct vmm_vcpu *v)
{
	struct dev_ctx *ctx = v->vmm->ctx;
	struct tvmm_run *run = v->run;
	const char *name = trace_msr_name(run->msr.index);
	bool wr = run->msr.is_write;
	char num[16];
	int ret;

	if (wr)
		ret = dev_msr_write(ctx, v->id, run->msr.index, run->msr.data);
	else
		ret = dev_msr_read(ctx, v->id, run->msr.index, &run->msr.data);
	run->msr.error = ret < 0;
	if (!name) {
		snprintf(num, sizeof(num), "0x%x", run->msr.index);
		name = num;
	}
	if (ret < 0)
		vcpu_action(v, "local-apic: %s %s: #GP", wr ? "WRMSR" : "RDMSR",
			    name);
	else
		vcpu_action(v, "local-apic: %s %s 0x%llx", name,
			    wr ? "<-" : "->",
			    (unsigned long long)run->msr.data);
}

static int vcpu_irq_enabled(struct vmm_vcpu *v)
{
	struct tvmm_regs regs;

	if (ioctl(v->fd, TVMM_GET_REGS, &regs))
		return -errno;
	return !!(regs.rflags & X86_RFLAGS_IF);
}

/*
 * HLT: with interrupts off, vCPU 0's ends the run and an AP's parks it
 * until INIT; with interrupts on, the vCPU sleeps until one is pending
 * (without TVMM_CAP_INTERRUPT none can come: resume, as before).
 */
static void vcpu_handle_hlt(struct vmm_vcpu *v)
{
	struct vmm *vmm = v->vmm;
	int ret = vcpu_irq_enabled(v);

	if (ret < 0) {
		vmm_end_err(vmm, v->id, VMM_STOP_ERROR, "TVMM_GET_REGS", -ret);
	} else if (!ret && v->id == 0) {
		vcpu_action(v, "interrupts off: the run ends");
		vmm_end(vmm, v->id, VMM_STOP_HALT);
	} else if (!ret) {
		vcpu_action(v, "interrupts off: the AP stops");
		v->parked = true;
	} else if (vmm->has_intr) {
		vcpu_action(v, "wait for an interrupt");
		v->halted = true;
	} else {
		vcpu_action(v, "resumed (no interrupt injection in tvmm.ko)");
	}
}

static void vcpu_handle_exit(struct vmm_vcpu *v)
{
	struct vmm *vmm = v->vmm;
	struct dev_ctx *ctx = vmm->ctx;

	switch (v->run->exit_reason) {
	case TVMM_EXIT_IO:
		vcpu_handle_io(v);
		if (ctx->stop)
			vmm_end(vmm, v->id, VMM_STOP_DEVICE);
		break;
	case TVMM_EXIT_MMIO:
		vcpu_handle_mmio(v);
		break;
	case TVMM_EXIT_MSR:
		vcpu_handle_msr(v);
		break;
	case TVMM_EXIT_HLT:
		vcpu_handle_hlt(v);
		break;
	case TVMM_EXIT_IRQ_WINDOW_OPEN:
		vcpu_action(v, "interrupt window open");
		break;
	case TVMM_EXIT_INTR:
	case TVMM_EXIT_TRACE_FULL:
		break;
	case TVMM_EXIT_SHUTDOWN:
		vcpu_action(v, "triple fault: the run ends");
		vmm_end(vmm, v->id, VMM_STOP_SHUTDOWN);
		break;
	case TVMM_EXIT_FAIL_ENTRY:
		vmm_end(vmm, v->id, VMM_STOP_FAIL_ENTRY);
		break;
	case TVMM_EXIT_INTERNAL_ERROR:
		vmm_end(vmm, v->id, VMM_STOP_INTERNAL);
		break;
	default:
		vcpu_action(v, "unexpected: the run ends");
		vmm_end(vmm, v->id, VMM_STOP_UNEXPECTED);
		break;
	}
}

/* The exit hook's turn: true when it took the exit or ended the run. */
static bool vcpu_exit_hook(struct vmm_vcpu *v)
{
	struct vmm *vmm = v->vmm;
	int ret;

	if (!vmm->exit_hook)
		return false;
	ret = vmm->exit_hook(v, vmm->hook_data);
	if (ret < 0)
		vmm_end_err(vmm, v->id, VMM_STOP_ERROR, "the exit hook", -ret);
	else if (ret == VMM_HOOK_STOP)
		vmm_end(vmm, v->id, VMM_STOP_HOOK);
	return ret != VMM_HOOK_PASS;
}

/* ---- pausing at an instruction boundary ---------------------------------- */

/*
 * Whether tvmm.ko finishes @run's exit at the next TVMM_RUN, before any
 * guest instruction (uapi/tvmm.h, struct tvmm_run): until then, the
 * registers are not those of an instruction boundary (an IN's RAX, an
 * MMIO read's or RDMSR's destination and RIP).
 */
static bool vcpu_exit_owed(const struct tvmm_run *run)
{
	switch (run->exit_reason) {
	case TVMM_EXIT_IO:
		return run->io.direction == TVMM_IO_IN;
	case TVMM_EXIT_MMIO:
		return !run->mmio.is_write;
	case TVMM_EXIT_MSR:
	case TVMM_EXIT_HYPERCALL:
		return true;
	default:
		return false;
	}
}

/*
 * Exits whose instruction has done nothing yet, RIP at it: an MMIO read,
 * a user MSR's RDMSR or WRMSR. Left unhandled, they are an instruction
 * boundary: the snapshot is taken before them, and the guest executes
 * them again after a restore. An IN's RIP has moved on: it must be
 * completed instead (a run of the vCPU, below).
 */
static bool vcpu_exit_at_insn(const struct tvmm_run *run)
{
	return (run->exit_reason == TVMM_EXIT_MMIO && !run->mmio.is_write) ||
	       run->exit_reason == TVMM_EXIT_MSR;
}

/*
 * Stop here until the pause is over. A vCPU owing a completion runs once
 * more instead (interrupt window asked, nothing injected), so that tvmm.ko
 * completes it and the guest exits again soon after.
 */
static void vcpu_pause(struct vmm_vcpu *v)
{
	struct vmm *vmm = v->vmm;

	v->paused = true;
	v->completing = false;
	pthread_cond_broadcast(&vmm->pause_cond);
	while (vmm->pausing && !vmm->done)
		pthread_cond_wait(&vmm->cond, &vmm->ctx->lock);
	v->paused = false;
}

static bool vmm_all_paused(const struct vmm *vmm)
{
	unsigned int i;

	for (i = 0; i < vmm->nr_vcpus; i++)
		if (vmm->vcpus[i].started && !vmm->vcpus[i].paused)
			return false;
	return true;
}

/* Rounds of 10 ms a pause waits for its vCPUs before it lets them go. */
#define VMM_PAUSE_ROUNDS	20
/* Then the vCPUs run this long before the next try. */
#define VMM_PAUSE_RETRY_NS	(20 * 1000000LL)

/*
 * opts.pause_signal came, or vmm_request_pause(): stop every vCPU at an
 * instruction boundary, call pause_fn, let them go on (or end the run). A
 * vCPU completing an exit is left alone: a kick could come before tvmm.ko
 * completed it (TVMM_RUN's -EINTR does not say), and the vCPU would only
 * have to run again. The others are kicked every 10 ms until they
 * stopped, which the first kick should do.
 *
 * The completing vCPU may not exit for as long as the others are stopped:
 * a guest that read a port with interrupts off can then spin on a lock a
 * stopped vCPU holds (a Linux guest writing to its UART on two vCPUs
 * did). So after VMM_PAUSE_ROUNDS the pause gives up and lets every vCPU
 * go: false, and the caller tries again VMM_PAUSE_RETRY_NS later.
 */
static bool vmm_pause(struct vmm *vmm)
{
	struct dev_ctx *ctx = vmm->ctx;
	unsigned int i, rounds = 0;
	struct timespec ts;
	int ret;

	if (!vmm->pause_fn || vmm->done)
		return true;
	vmm->pausing = true;
	while (!vmm->done && !vmm_all_paused(vmm)) {
		if (rounds++ == VMM_PAUSE_ROUNDS) {
			vmm->pausing = false;
			pthread_cond_broadcast(&vmm->cond);
			return false;
		}
		for (i = 0; i < vmm->nr_vcpus; i++)
			if (!vmm->vcpus[i].completing)
				vmm_kick(vmm, i);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000;
		if (ts.tv_nsec >= (long)NSEC_PER_SEC) {
			ts.tv_sec++;
			ts.tv_nsec -= NSEC_PER_SEC;
		}
		pthread_cond_timedwait(&vmm->pause_cond, &ctx->lock, &ts);
	}
	if (!vmm->done) {
		ret = vmm->pause_fn(vmm, vmm->pause_data);
		if (ret < 0)
			vmm_end_err(vmm, 0, VMM_STOP_ERROR, "the pause", -ret);
		else if (ret == VMM_PAUSE_END)
			vmm_end(vmm, 0, VMM_STOP_MIGRATED);
	}
	/* A request made during this pause was served by it. */
	__atomic_store_n(&vmm->pause_requested, false, __ATOMIC_RELEASE);
	vmm->pausing = false;
	pthread_cond_broadcast(&vmm->cond);
	return true;
}

/* ---- the vCPU loop ------------------------------------------------------ */

/* STARTUP: real mode at CS = vector << 8, IP = 0 (SDM 9.4.4.1). */
static int vcpu_startup(struct vmm_vcpu *v, __u8 vector)
{
	struct boot_info boot = {
		.mode = BOOT_REAL,
		.entry = (__u64)vector << 12,
	};
	struct tvmm_vcpu_events events = { 0 };
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	const char *why;

	if (boot_setup(&v->vmm->ram, &boot, &regs, &sregs, &why))
		return -EINVAL;
	/* INIT drops what was pending: no event, no interrupt, no shadow. */
	if (v->vmm->has_events &&
	    ioctl(v->fd, TVMM_SET_VCPU_EVENTS, &events))
		return -errno;
	/* CS = VV00:0000 whatever boot_setup() prefers for a boot sector. */
	sregs.cs.selector = (__u16)vector << 8;
	sregs.cs.base = (__u64)vector << 12;
	regs.rip = 0;
	regs.rdx = 0;
	return vcpu_set_state(v, &regs, &sregs);
}

/*
 * Whether the vCPU may enter the guest now; if not, the caller sleeps.
 * INIT and STARTUP come from other vCPUs' APICs (lapic.c).
 */
static bool vcpu_runnable(struct vmm_vcpu *v)
{
	struct dev_ctx *ctx = v->vmm->ctx;
	__u8 vector;
	int ret;

	if (lapic_take_init(ctx, v->id)) {
		/* Whatever it waited for, it now waits for STARTUP. */
		v->halted = false;
		v->parked = false;
	}
	switch (lapic_take_sipi(ctx, v->id, &vector)) {
	case LAPIC_WAITING:
		return false;
	case LAPIC_STARTED:
		ret = vcpu_startup(v, vector);
		if (ret) {
			vmm_end_err(v->vmm, v->id, VMM_STOP_ERROR,
				    "setting the state of STARTUP", -ret);
			return false;
		}
		break;
	case LAPIC_RUNNING:
		break;
	}
	if (v->parked)
		return false;
	if (v->halted) {
		if (dev_intr_peek(ctx, v->id) < 0)
			return false;
		v->halted = false;
	}
	return true;
}

/* Inject what is pending if the guest can take it, else ask when it can. */
static void vcpu_inject(struct vmm_vcpu *v)
{
	struct dev_ctx *ctx = v->vmm->ctx;
	struct tvmm_run *run = v->run;
	struct tvmm_interrupt intr = { 0 };
	int vector, irq;

	run->request_interrupt_window = 0;
	if (!v->vmm->has_intr)
		return;
	vector = dev_intr_peek(ctx, v->id);
	if (vector < 0)
		return;
	if (!run->ready_for_interrupt_injection) {
		run->request_interrupt_window = 1;
		return;
	}
	intr.vector = vector;
	if (ioctl(v->fd, TVMM_INTERRUPT, &intr)) {
		/* -EBUSY: one is queued already; it goes first. */
		if (errno != EBUSY)
			vmm_end_err(v->vmm, v->id, VMM_STOP_ERROR,
				    "TVMM_INTERRUPT", errno);
		return;
	}
	irq = dev_intr_ack(ctx, v->id, vector);
	v->injected++;
	if (v->vmm->opts.trace && irq >= 0)
		fprintf(v->vmm->opts.trace_out, v->vmm->opts.json ?
			"{\"type\": \"interrupt\", \"vcpu\": %u, \"vector\": %d, \"irq\": %d}\n" :
			"cpu%u inject vector 0x%x (IRQ%d)\n", v->id, vector, irq);
	else if (v->vmm->opts.trace)
		fprintf(v->vmm->opts.trace_out, v->vmm->opts.json ?
			"{\"type\": \"interrupt\", \"vcpu\": %u, \"vector\": %d}\n" :
			"cpu%u inject vector 0x%x (local APIC)\n", v->id, vector);
}

/* Hand the exit to the hook, then to the devices. */
static void vcpu_exit(struct vmm_vcpu *v)
{
	if (!vcpu_exit_hook(v))
		vcpu_handle_exit(v);
	v->owed = vcpu_exit_owed(v->run);
}

static void *vcpu_thread(void *arg)
{
	struct vmm_vcpu *v = arg;
	struct vmm *vmm = v->vmm;
	struct dev_ctx *ctx = vmm->ctx;
	int ret;

	kick_run = v->run;
	pthread_mutex_lock(&ctx->lock);
	while (!vmm->done) {
		if (vmm->pausing && !v->owed) {
			vcpu_pause(v);
			continue;
		}
		if (v->deferred) {
			v->deferred = false;
			vcpu_exit(v);
			continue;
		}
		if (!vcpu_runnable(v)) {
			/* It waits: whatever was owed, its state is set anew. */
			if (vmm->pausing)
				v->owed = false;
			else if (!vmm->done)
				pthread_cond_wait(&vmm->cond, &ctx->lock);
			continue;
		}
		/* Pausing: only to complete the last exit, and back soon. */
		if (vmm->pausing) {
			v->run->request_interrupt_window = 1;
			v->completing = true;
		} else {
			vcpu_inject(v);
		}
		if (vmm->done)
			break;
		v->in_run = true;
		pthread_mutex_unlock(&ctx->lock);
		ret = ioctl(v->fd, TVMM_RUN, 0) ? -errno : 0;
		pthread_mutex_lock(&ctx->lock);
		v->in_run = false;
		/* Kicks are for it again (a pause may have given up). */
		v->completing = false;
		v->action[0] = '\0';
		if (ret == -EINTR) {
			/* Completed or not, the last exit still counts. */
			v->run->immediate_exit = 0;
			vcpu_action(v, "kicked: look at interrupts and INIT");
		} else if (ret) {
			vmm_end_err(vmm, v->id, VMM_STOP_ERROR, "TVMM_RUN",
				    -ret);
		} else if (vmm->pausing && vcpu_exit_at_insn(v->run)) {
			v->owed = false;
			v->deferred = true;
		} else {
			vcpu_exit(v);
		}
		vcpu_trace_drain(v);
	}
	pthread_mutex_unlock(&ctx->lock);
	return NULL;
}

/* ---- the input thread --------------------------------------------------- */

/* What is left of --timeout, in ns; -1 without one. */
static __s64 vmm_time_left(__u64 deadline)
{
	__u64 now = vmm_now_ns(NULL);

	if (!deadline)
		return -1;
	return deadline > now ? (__s64)(deadline - now) : 0;
}

/*
 * A terminal: what is typed is read at once, so that the escape key
 * works whatever the guest does, and waits in vmm->term until the UART
 * has room.
 */
static void vmm_read_tty(struct vmm *vmm, int *fd, bool readable)
{
	__u8 buf[TERM_QUEUE_SIZE];
	unsigned int room = uart_rx_room(vmm->ctx);
	ssize_t n = 0;

	if (readable)
		n = read(*fd, buf, sizeof(buf));
	if (n < 0 && errno != EINTR && errno != EAGAIN)
		*fd = -1;
	if (readable && !n)
		*fd = -1;	/* hung up */
	switch (n > 0 ? term_input_feed(&vmm->term, buf, n) : TERM_NONE) {
	case TERM_QUIT:
		vmm_end(vmm, 0, VMM_STOP_QUIT);
		return;
	case TERM_HELP:
		fputs(term_help, stderr);
		break;
	case TERM_NONE:
		break;
	}
	n = term_input_take(&vmm->term, buf, room < sizeof(buf) ? room :
			    sizeof(buf));
	if (n)
		uart_rx_push(vmm->ctx, buf, n);
}

static void vmm_read_input(struct vmm *vmm, int *fd, bool readable)
{
	__u8 buf[UART_FIFO_SIZE];
	unsigned int room = uart_rx_room(vmm->ctx);
	ssize_t n;

	if (vmm->tty) {
		vmm_read_tty(vmm, fd, readable);
		return;
	}
	if (!room || !readable)
		return;
	n = read(*fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		*fd = -1;	/* end of input, or unreadable: no more */
		return;
	}
	uart_rx_push(vmm->ctx, buf, n);
}

/*
 * Sleep until input, a wake-up (wake_io), the devices' next timer event
 * or --timeout, whichever comes first; then read, raise what is due.
 */
static void vmm_input_loop(struct vmm *vmm)
{
	struct dev_ctx *ctx = vmm->ctx;
	__u64 deadline = 0;
	int input = vmm->opts.input_fd;
	struct pollfd pfd[2];
	__u64 retry_at = 0;	/* a pause gave up: when to try again */
	struct timespec ts;
	__s64 wait, next;
	sigset_t mask;
	char buf[64];
	int n, slack;

	/* opts.pause_signal is blocked but while this thread polls. */
	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	if (vmm->opts.pause_signal)
		sigdelset(&mask, vmm->opts.pause_signal);

	/* The host's 50 us default timer slack would delay every guest tick. */
	slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);

	if (vmm->opts.timeout_ms)
		deadline = vmm_now_ns(NULL) +
			   vmm->opts.timeout_ms * (NSEC_PER_SEC / 1000);
	else if (vmm->opts.timeout)
		deadline = vmm_now_ns(NULL) +
			   vmm->opts.timeout * NSEC_PER_SEC;
	pthread_mutex_lock(&ctx->lock);
	while (!vmm->done) {
		wait = vmm_time_left(deadline);
		if (!wait) {
			vmm_end(vmm, 0, VMM_STOP_TIMEOUT);
			break;
		}
		next = dev_next_event_ns(ctx);
		if (next >= 0 && (wait < 0 || next < wait))
			wait = next;
		if (retry_at) {
			next = vmm_time_left(retry_at);
			if (wait < 0 || next < wait)
				wait = next;
		}
		pfd[0] = (struct pollfd){ .fd = vmm->wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = -1 };
		if (input >= 0 && (vmm->tty || uart_rx_room(ctx)))
			pfd[1] = (struct pollfd){ .fd = input, .events = POLLIN };
		ts.tv_sec = wait / NSEC_PER_SEC;
		ts.tv_nsec = wait % NSEC_PER_SEC;
		pthread_mutex_unlock(&ctx->lock);
		n = ppoll(pfd, 2, wait < 0 ? NULL : &ts, &mask);
		if (n > 0 && pfd[0].revents & POLLIN)
			while (read(vmm->wake[0], buf, sizeof(buf)) > 0)
				;
		pthread_mutex_lock(&ctx->lock);
		if (pause_signalled || (retry_at && !vmm_time_left(retry_at)) ||
		    __atomic_exchange_n(&vmm->pause_requested, false,
					__ATOMIC_ACQ_REL)) {
			pause_signalled = 0;
			retry_at = vmm_pause(vmm) ? 0 : vmm_now_ns(NULL) +
						     VMM_PAUSE_RETRY_NS;
		}
		dev_update(ctx);
		vmm_read_input(vmm, &input, n > 0 && pfd[1].revents);
	}
	pthread_mutex_unlock(&ctx->lock);
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
}

void vmm_request_pause(struct vmm *vmm)
{
	__atomic_store_n(&vmm->pause_requested, true, __ATOMIC_RELEASE);
	vmm_wake_input(vmm);
}

/* ---- the run ------------------------------------------------------------ */

/*
 * opts.pause_signal: its handler, and blocked in this thread, so in the
 * vCPU threads it starts; the input loop unblocks it while it polls.
 */
static int vmm_pause_signal(struct vmm *vmm, sigset_t *old)
{
	struct sigaction sa;
	sigset_t set;
	int sig = vmm->opts.pause_signal;

	pthread_sigmask(SIG_SETMASK, NULL, old);
	if (!sig)
		return 0;
	if (sig == VMM_KICK_SIGNAL || !vmm->pause_fn)
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pause_handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		return -errno;
	pause_signalled = 0;
	sigemptyset(&set);
	sigaddset(&set, sig);
	return -pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static int vmm_start(struct vmm *vmm)
{
	struct sigaction sa;
	unsigned int i;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;	/* no SA_RESTART: TVMM_RUN -EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(VMM_KICK_SIGNAL, &sa, NULL))
		return -errno;
	if (pipe2(vmm->wake, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (!vmm->opts.trace && !vmm->opts.summary)
			continue;
		ret = trace_ring_enable(&vmm->vcpus[i].trace,
					vmm->vcpus[i].fd);
		if (ret)
			return ret;
	}
	/* The APs wait for INIT-SIPI-SIPI, as a PC's do (a snapshot's: as
	 * they were).
	 */
	for (i = 1; i < vmm->nr_vcpus && !vmm->opts.resume; i++)
		lapic_wait_startup(vmm->ctx, i);
	return 0;
}

int vmm_run(struct vmm *vmm, struct dev_ctx *ctx, const struct vmm_opts *o,
	    enum vmm_stop *stop)
{
	sigset_t old_mask;
	unsigned int i;
	int ret, tty;

	vmm->ctx = ctx;
	vmm->opts = *o;
	vmm->done = false;
	vmm->pause_requested = false;
	ctx->nr_cpus = vmm->nr_vcpus;
	ctx->tsc_khz = vmm->tsc_khz;
	vmm->hooks = (struct dev_hooks) {
		.kick		= vmm_kick,
		.wake_io	= vmm_wake_io,
		.now_ns		= vmm_now_ns,
		.tsc		= vmm_tsc,
		.data		= vmm,
	};
	ctx->hooks = &vmm->hooks;
	ret = vmm_start(vmm);
	if (ret)
		goto out_close;
	ret = pthread_cond_init(&vmm->cond, NULL);
	if (ret) {
		ret = -ret;
		goto out_close;
	}
	ret = -pthread_cond_init(&vmm->pause_cond, NULL);
	if (ret)
		goto out_cond;
	ret = vmm_pause_signal(vmm, &old_mask);
	if (ret)
		goto out_pause_cond;
	tty = o->input_fd >= 0 ? term_raw_begin(o->input_fd) : 0;
	if (tty < 0)
		vmm->opts.input_fd = -1;
	vmm->tty = tty > 0;
	memset(&vmm->term, 0, sizeof(vmm->term));
	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < vmm->nr_vcpus; i++) {
		ret = -pthread_create(&vmm->vcpus[i].thread, NULL, vcpu_thread,
				      &vmm->vcpus[i]);
		if (ret) {
			vmm_end_err(vmm, i, VMM_STOP_ERROR,
				    "starting a vCPU thread", -ret);
			break;
		}
		vmm->vcpus[i].started = true;
	}
	pthread_mutex_unlock(&ctx->lock);
	if (!ret)
		vmm_input_loop(vmm);
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (vmm->vcpus[i].started)
			pthread_join(vmm->vcpus[i].thread, NULL);
	term_restore();
	/* Exits recorded after a thread's last look (another vCPU ended). */
	for (i = 0; i < vmm->nr_vcpus; i++) {
		vmm->vcpus[i].action[0] = '\0';
		trace_ring_drain(&vmm->vcpus[i].trace, vcpu_trace_sink,
				 &vmm->vcpus[i]);
	}
	if (vmm->opts.trace)
		fflush(vmm->opts.trace_out);
	*stop = vmm->stop;
	ret = 0;
	/* One more, too late for this run, must not kill the process. */
	if (o->pause_signal)
		signal(o->pause_signal, SIG_IGN);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
out_pause_cond:
	pthread_cond_destroy(&vmm->pause_cond);
out_cond:
	pthread_cond_destroy(&vmm->cond);
out_close:
	ctx->hooks = NULL;
	for (i = 0; i < 2; i++) {
		if (vmm->wake[i] >= 0)
			close(vmm->wake[i]);
		vmm->wake[i] = -1;
	}
	return ret;
}

const char *vmm_stop_reason(const struct vmm *vmm, enum vmm_stop stop,
			    char *buf, size_t len)
{
	const struct vmm_vcpu *v = &vmm->vcpus[vmm->stop_cpu];
	const struct tvmm_run *run = v->run;
	char cpu[32] = "";

	if (vmm->nr_vcpus > 1)
		snprintf(cpu, sizeof(cpu), "vCPU %u: ", vmm->stop_cpu);
	switch (stop) {
	case VMM_STOP_SHUTDOWN:
		snprintf(buf, len, "%striple fault (shutdown)", cpu);
		break;
	case VMM_STOP_FAIL_ENTRY:
		snprintf(buf, len,
			 "%sVM entry failed: reason %llu, instruction error %u, guest-state check %u",
			 cpu,
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			 run->fail_entry.vm_instruction_error,
			 run->fail_entry.guest_state_check);
		break;
	case VMM_STOP_INTERNAL:
		snprintf(buf, len,
			 "%stvmm internal error: suberror %u, exit reason %u, qualification 0x%llx",
			 cpu, run->internal.suberror, run->internal.exit_reason,
			 (unsigned long long)run->internal.qualification);
		break;
	case VMM_STOP_UNEXPECTED:
		snprintf(buf, len, "%sunexpected exit reason %u", cpu,
			 run->exit_reason);
		break;
	case VMM_STOP_TIMEOUT:
		snprintf(buf, len, "timeout");
		break;
	case VMM_STOP_QUIT:
		snprintf(buf, len, "quit (Ctrl-A x)");
		break;
	case VMM_STOP_MIGRATED:
		snprintf(buf, len, "migrated: the guest went on elsewhere");
		break;
	case VMM_STOP_ERROR:
		snprintf(buf, len, "%s%s: %s", cpu, vmm->err_what,
			 strerror(vmm->err));
		break;
	default:
		snprintf(buf, len, "guest stopped");
		break;
	}
	return buf;
}

static void dump_seg(FILE *f, const char *name, const struct tvmm_segment *s)
{
	fprintf(f, "  %-3s %04x base %016llx limit %08x type %x%s%s%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->l ? " L" : "", s->db ? " D" : "",
		s->unusable ? " unusable" : "");
}

void vmm_dump_regs(const struct vmm *vmm, FILE *f)
{
	int fd = vmm->vcpus[vmm->stop_cpu].fd;
	struct tvmm_regs r;
	struct tvmm_sregs s;

	if (ioctl(fd, TVMM_GET_REGS, &r) || ioctl(fd, TVMM_GET_SREGS, &s)) {
		fprintf(f, "  (registers unavailable: %s)\n", strerror(errno));
		return;
	}
	fprintf(f, "  rip %016llx rflags %016llx\n",
		(unsigned long long)r.rip, (unsigned long long)r.rflags);
	fprintf(f, "  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
		(unsigned long long)r.rax, (unsigned long long)r.rbx,
		(unsigned long long)r.rcx, (unsigned long long)r.rdx);
	fprintf(f, "  rsi %016llx rdi %016llx rsp %016llx rbp %016llx\n",
		(unsigned long long)r.rsi, (unsigned long long)r.rdi,
		(unsigned long long)r.rsp, (unsigned long long)r.rbp);
	fprintf(f, "  cr0 %016llx cr3 %016llx cr4 %016llx efer %016llx\n",
		(unsigned long long)s.cr0, (unsigned long long)s.cr3,
		(unsigned long long)s.cr4, (unsigned long long)s.efer);
	dump_seg(f, "cs", &s.cs);
	dump_seg(f, "ss", &s.ss);
	dump_seg(f, "ds", &s.ds);
	fprintf(f, "  gdt %016llx/%04x idt %016llx/%04x\n",
		(unsigned long long)s.gdt.base, s.gdt.limit,
		(unsigned long long)s.idt.base, s.idt.limit);
}
