// SPDX-License-Identifier: GPL-2.0
/*
 * Create the VM, give it RAM, run its one vCPU. The loop only decodes
 * exits: port I/O goes to devices/, everything else ends the run with a
 * reason. A timer signal kicks the vCPU out for --timeout: its handler
 * sets run->immediate_exit, so a signal that lands while tvmmctl is busy
 * with an exit is not lost, and TVMM_RUN returns -EINTR.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "vmm/vmm.h"

#define X86_RFLAGS_IF	0x200ULL

/* Lock-free atomics, so that the signal handler may touch them. */
static atomic_uintptr_t timer_run;	/* the struct tvmm_run to kick */
static atomic_int timed_out;

static void timer_handler(int sig)
{
	struct tvmm_run *run = (struct tvmm_run *)atomic_load(&timer_run);

	atomic_store(&timed_out, 1);
	if (run)
		run->immediate_exit = 1;
}

int vmm_alloc_ram(struct vmm *vmm, __u64 size)
{
	void *p;

	memset(vmm, 0, sizeof(*vmm));
	vmm->dev.fd = -1;
	vmm->vm_fd = -1;
	vmm->vcpu_fd = -1;
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

int vmm_create(struct vmm *vmm, const char *path)
{
	struct tvmm_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vmm->ram.size,
		.userspace_addr = (__u64)(unsigned long)vmm->ram.hva,
	};
	void *run;
	int ret;

	ret = tvmm_dev_open(&vmm->dev, path);
	if (ret)
		return ret;
	vmm->vm_fd = ioctl(vmm->dev.fd, TVMM_CREATE_VM, 0);
	if (vmm->vm_fd < 0)
		return -errno;
	ret = ioctl(vmm->dev.fd, TVMM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < (int)sizeof(struct tvmm_run))
		return ret < 0 ? -errno : -EPROTO;
	vmm->run_size = ret;
	if (ioctl(vmm->vm_fd, TVMM_SET_MEMORY_REGION, &region))
		return -errno;
	vmm->vcpu_fd = ioctl(vmm->vm_fd, TVMM_CREATE_VCPU, 0);
	if (vmm->vcpu_fd < 0)
		return -errno;
	run = mmap(NULL, vmm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vmm->vcpu_fd, 0);
	if (run == MAP_FAILED)
		return -errno;
	vmm->run = run;
	return 0;
}

void vmm_destroy(struct vmm *vmm)
{
	if (vmm->run)
		munmap(vmm->run, vmm->run_size);
	if (vmm->vcpu_fd >= 0)
		close(vmm->vcpu_fd);
	if (vmm->vm_fd >= 0)
		close(vmm->vm_fd);
	if (vmm->dev.fd >= 0)
		tvmm_dev_close(&vmm->dev);
	if (vmm->ram.hva)
		munmap(vmm->ram.hva, vmm->ram.size);
	memset(vmm, 0, sizeof(*vmm));
	vmm->dev.fd = -1;
	vmm->vm_fd = -1;
	vmm->vcpu_fd = -1;
}

/* One more slot of guest memory (slot 0 is RAM), backed by @hva. */
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

int vmm_set_state(struct vmm *vmm, const struct tvmm_regs *regs,
		  const struct tvmm_sregs *sregs)
{
	if (ioctl(vmm->vcpu_fd, TVMM_SET_SREGS, sregs) ||
	    ioctl(vmm->vcpu_fd, TVMM_SET_REGS, regs))
		return -errno;
	return 0;
}

int vmm_get_regs(struct vmm *vmm, struct tvmm_regs *regs)
{
	return ioctl(vmm->vcpu_fd, TVMM_GET_REGS, regs) ? -errno : 0;
}

int vmm_set_regs(struct vmm *vmm, const struct tvmm_regs *regs)
{
	return ioctl(vmm->vcpu_fd, TVMM_SET_REGS, regs) ? -errno : 0;
}

int vmm_get_sregs(struct vmm *vmm, struct tvmm_sregs *sregs)
{
	return ioctl(vmm->vcpu_fd, TVMM_GET_SREGS, sregs) ? -errno : 0;
}

/* One port I/O exit, string and REP forms included. */
static void vmm_handle_io(struct vmm *vmm, struct dev_ctx *ctx)
{
	struct tvmm_run *run = vmm->run;
	unsigned int size = run->io.size, i;
	__u8 *data = (__u8 *)run + run->io.data_offset;
	__u32 val;

	if (size != 1 && size != 2 && size != 4)
		return;
	if (run->io.data_offset < sizeof(*run) ||
	    run->io.data_offset > vmm->run_size ||
	    (__u64)run->io.count * size > vmm->run_size - run->io.data_offset)
		return;
	for (i = 0; i < run->io.count && !ctx->stop; i++, data += size) {
		if (run->io.direction == TVMM_IO_OUT) {
			val = 0;
			memcpy(&val, data, size);
			io_out(ctx, run->io.port, size, val);
		} else {
			val = io_in(ctx, run->io.port, size);
			memcpy(data, &val, size);
		}
	}
}

static int vmm_irq_enabled(struct vmm *vmm)
{
	struct tvmm_regs regs;

	if (ioctl(vmm->vcpu_fd, TVMM_GET_REGS, &regs))
		return -errno;
	return !!(regs.rflags & X86_RFLAGS_IF);
}

static int vmm_start_timer(struct vmm *vmm, unsigned int timeout_ms)
{
	struct sigaction sa;
	struct itimerval it = {
		.it_value.tv_sec = timeout_ms / 1000,
		.it_value.tv_usec = timeout_ms % 1000 * 1000,
	};

	atomic_store(&timed_out, 0);
	atomic_store(&timer_run, (unsigned long)vmm->run);
	if (!timeout_ms)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = timer_handler;	/* no SA_RESTART: TVMM_RUN -EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL))
		return -errno;
	return 0;
}

static void vmm_stop_timer(void)
{
	struct itimerval it = { 0 };

	setitimer(ITIMER_REAL, &it, NULL);
	atomic_store(&timer_run, 0);
}

static int vmm_loop(struct vmm *vmm, struct dev_ctx *ctx,
		    enum vmm_stop *stop)
{
	struct tvmm_run *run = vmm->run;
	int ret;

	for (;;) {
		if (ioctl(vmm->vcpu_fd, TVMM_RUN, 0)) {
			if (errno != EINTR)
				return -errno;
			if (atomic_load(&timed_out)) {
				*stop = VMM_STOP_TIMEOUT;
				return 0;
			}
			run->immediate_exit = 0;
			continue;
		}
		if (vmm->exit_hook) {
			ret = vmm->exit_hook(vmm, ctx);
			if (ret < 0)
				return ret;
			if (ret == VMM_HOOK_STOP) {
				*stop = VMM_STOP_HOOK;
				return 0;
			}
			if (ret == VMM_HOOK_HANDLED)
				continue;
		}
		switch (run->exit_reason) {
		case TVMM_EXIT_IO:
			vmm_handle_io(vmm, ctx);
			if (ctx->stop) {
				*stop = VMM_STOP_DEVICE;
				return 0;
			}
			break;
		case TVMM_EXIT_MMIO:
			/* No MMIO devices yet: reads all ones, writes lost. */
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff,
				       sizeof(run->mmio.data));
			break;
		case TVMM_EXIT_HLT:
			/*
			 * No interrupt can come yet: HLT with IF = 1 is
			 * resumed, the guest may be polling.
			 */
			ret = vmm_irq_enabled(vmm);
			if (ret < 0)
				return ret;
			if (!ret) {
				*stop = VMM_STOP_HALT;
				return 0;
			}
			break;
		case TVMM_EXIT_SHUTDOWN:
			*stop = VMM_STOP_SHUTDOWN;
			return 0;
		case TVMM_EXIT_FAIL_ENTRY:
			*stop = VMM_STOP_FAIL_ENTRY;
			return 0;
		case TVMM_EXIT_INTERNAL_ERROR:
			*stop = VMM_STOP_INTERNAL;
			return 0;
		case TVMM_EXIT_INTR:
			break;
		default:
			*stop = VMM_STOP_UNEXPECTED;
			return 0;
		}
	}
}

/* Run until a device, the guest or the hook stops it, or @timeout_ms (0: never). */
int vmm_run_ms(struct vmm *vmm, struct dev_ctx *ctx, unsigned int timeout_ms,
	       enum vmm_stop *stop)
{
	int ret = vmm_start_timer(vmm, timeout_ms);

	if (!ret)
		ret = vmm_loop(vmm, ctx, stop);
	vmm_stop_timer();
	return ret;
}

int vmm_run(struct vmm *vmm, struct dev_ctx *ctx, unsigned int timeout,
	    enum vmm_stop *stop)
{
	return vmm_run_ms(vmm, ctx, timeout * 1000, stop);
}

const char *vmm_stop_reason(const struct vmm *vmm, enum vmm_stop stop,
			    char *buf, size_t len)
{
	const struct tvmm_run *run = vmm->run;

	switch (stop) {
	case VMM_STOP_SHUTDOWN:
		snprintf(buf, len, "triple fault (shutdown)");
		break;
	case VMM_STOP_FAIL_ENTRY:
		snprintf(buf, len,
			 "VM entry failed: reason %llu, instruction error %u, guest-state check %u",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			 run->fail_entry.vm_instruction_error,
			 run->fail_entry.guest_state_check);
		break;
	case VMM_STOP_INTERNAL:
		snprintf(buf, len,
			 "tvmm internal error: suberror %u, exit reason %u, qualification 0x%llx",
			 run->internal.suberror, run->internal.exit_reason,
			 (unsigned long long)run->internal.qualification);
		break;
	case VMM_STOP_UNEXPECTED:
		snprintf(buf, len, "unexpected exit reason %u",
			 run->exit_reason);
		break;
	case VMM_STOP_TIMEOUT:
		snprintf(buf, len, "timeout");
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
	struct tvmm_regs r;
	struct tvmm_sregs s;

	if (ioctl(vmm->vcpu_fd, TVMM_GET_REGS, &r) ||
	    ioctl(vmm->vcpu_fd, TVMM_GET_SREGS, &s)) {
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
