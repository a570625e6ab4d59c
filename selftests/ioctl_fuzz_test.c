// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz_test - random sequences of every ioctl of uapi/tvmm.h on
 * /dev/tvmm, VM and vCPU file descriptors, with random and boundary
 * arguments, and threads racing TVMM_RUN against TVMM_SET_MEMORY_REGION,
 * close(), munmap() and CPU hotplug: the host stays up (no oops, WARN or
 * BUG: testvm/run fails the machine on one), nothing leaks, and what
 * comes back is what the ABI allows.
 *
 * One execution is one operation, chosen at random:
 *  - open /dev/tvmm, close any of the fds (a vCPU's mapping may outlive
 *    its fd), fork a child that uses the inherited fds and exits;
 *  - any ioctl on a fd of its kind (and sometimes of the wrong kind, or a
 *    number tvmm does not define), its struct filled with valid values
 *    and then scribbled on, or the argument a bad pointer: NULL, a kernel
 *    address, a PROT_NONE page, a struct straddling into one, a read-only
 *    page for a struct tvmm fills;
 *  - TVMM_SET_MEMORY_REGION over a few host buffers, which are unmapped
 *    and mapped again behind tvmm's back;
 *  - mmap() of a vCPU fd at any offset, size and protection, and touching
 *    it (SIGBUS or SIGSEGV are answers, not failures), munmap();
 *  - TVMM_RUN with a timer (and the run page checked: fuzz_check_run());
 *  - a race: one or two threads in a TVMM_RUN loop while this one
 *    changes, moves and deletes slots, closes the vCPU or the VM, unmaps
 *    the run page or the slot's memory, and (with two CPUs) takes CPU 1
 *    offline and online under them.
 * Refusals are counted per ioctl and errno. Failures: an errno from the
 * kernel's internal range (512 and above), a count or version outside the
 * documented ones, a TVMM_RUN answer outside the ABI, a leak
 * (tvmm_fuzz.h: fuzz_mem_after()).
 *
 * Options: tvmm_fuzz.h (--seed, --seconds, --iterations).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tvmm_test.h"
#include "tvmm_vm.h"
#include "tvmm_fuzz.h"

#define DEFAULT_SEED		0x11f0c7
#define DEFAULT_ITERATIONS	2000

#define NR_DEVS		2
#define NR_VMS		3
#define NR_VCPUS	3		/* per VM */
#define NR_BUFS		4
#define NR_MAPS		8
#define KICK_USEC	10000
#define HOTCPU		1
#define LEAK_TOLERANCE_KB	2048

struct fvcpu {
	int fd;
	struct tvmm_run *run;		/* NULL when not mapped */
	size_t run_len;
	__u32 exits;			/* the last accepted exception exits */
	bool traced;			/* a TVMM_SET_TRACE ON was accepted */
};

struct fvm {
	int fd;
	struct fvcpu vcpus[NR_VCPUS];
};

struct buf {
	__u8 *p;
	size_t size;
};

static int devs[NR_DEVS] = { -1, -1 };
static struct fvm vms[NR_VMS];
static struct buf bufs[NR_BUFS];
static struct { void *p; size_t len; } maps[NR_MAPS];
static __u8 *guard;		/* a read-write page, then a PROT_NONE one */
static __u8 *rdonly;		/* a read-only page */
static struct tvmm_vm *layout;	/* vm_create_offline(): mode templates */
static bool two_cpus;
static size_t run_size;

/* ioctl results: per ioctl, per errno. */
enum { K_SYS, K_VM, K_VCPU, K_ANY };

struct ioctl_desc {
	unsigned long nr;
	const char *name;
	int kind;
};

#define D(nr, kind)	{ nr, #nr, kind }
static const struct ioctl_desc descs[] = {
	D(TVMM_GET_API_VERSION, K_SYS), D(TVMM_CHECK_EXTENSION, K_SYS),
	D(TVMM_GET_VMX_CAPS, K_SYS), D(TVMM_CREATE_VM, K_SYS),
	D(TVMM_GET_VCPU_MMAP_SIZE, K_SYS),
	D(TVMM_SET_MEMORY_REGION, K_VM), D(TVMM_CREATE_VCPU, K_VM),
	D(TVMM_SET_TSC_OFFSET, K_VM),
	D(TVMM_RUN, K_VCPU), D(TVMM_GET_REGS, K_VCPU),
	D(TVMM_SET_REGS, K_VCPU), D(TVMM_GET_SREGS, K_VCPU),
	D(TVMM_SET_SREGS, K_VCPU), D(TVMM_SET_CPUID, K_VCPU),
	D(TVMM_GET_MSRS, K_VCPU), D(TVMM_SET_MSRS, K_VCPU),
	D(TVMM_SET_EXCEPTION_EXITS, K_VCPU), D(TVMM_GET_VCPU_STATS, K_VCPU),
	D(TVMM_INTERRUPT, K_VCPU), D(TVMM_SET_TRACE, K_VCPU),
	D(TVMM_SET_INTERCEPTS, K_VCPU), D(TVMM_GET_VCPU_EVENTS, K_VCPU),
	D(TVMM_SET_VCPU_EVENTS, K_VCPU), D(TVMM_SET_USER_MSRS, K_VM),
	D(TVMM_GET_MSR_INDEX_LIST, K_SYS), D(TVMM_GET_DIRTY_LOG, K_VM),
	D(TVMM_GET_XSAVE, K_VCPU), D(TVMM_SET_XSAVE, K_VCPU),
	D(TVMM_GET_DEBUGREGS, K_VCPU), D(TVMM_SET_DEBUGREGS, K_VCPU),
	{ 0, "undefined ioctl", K_ANY },
};

#define NR_DESCS	ARRAY_SIZE(descs)
#define MAX_ERRNO	140

static unsigned long calls[NR_DESCS], oks[NR_DESCS];
static unsigned long errs[NR_DESCS][MAX_ERRNO + 1];
static unsigned long forks, races, hotplugs, faults, mmaps;
static struct fuzz_hist hist;
static unsigned long bad;

#define BAD(...) do {							\
	ksft_print_msg(__VA_ARGS__);					\
	bad++;								\
} while (0)

/* ---- fds ---- */

static int *random_fd_of(int kind)
{
	struct fvm *vm = &vms[fuzz_below(NR_VMS)];

	switch (kind) {
	case K_SYS:
		return &devs[fuzz_below(NR_DEVS)];
	case K_VM:
		return &vm->fd;
	case K_VCPU:
		return &vm->vcpus[fuzz_below(NR_VCPUS)].fd;
	default:
		return random_fd_of(fuzz_below(K_ANY));
	}
}

static struct fvcpu *random_vcpu(struct fvm **vmp)
{
	unsigned int i, j, start = fuzz_below(NR_VMS * NR_VCPUS);

	for (i = 0; i < NR_VMS * NR_VCPUS; i++) {
		j = (start + i) % (NR_VMS * NR_VCPUS);
		if (vms[j / NR_VCPUS].vcpus[j % NR_VCPUS].fd >= 0) {
			if (vmp)
				*vmp = &vms[j / NR_VCPUS];
			return &vms[j / NR_VCPUS].vcpus[j % NR_VCPUS];
		}
	}
	return NULL;
}

/* The vCPU whose fd @fd is, if any. */
static struct fvcpu *vcpu_by_fd(int fd)
{
	unsigned int i, j;

	for (i = 0; i < NR_VMS; i++)
		for (j = 0; j < NR_VCPUS; j++)
			if (vms[i].vcpus[j].fd == fd)
				return &vms[i].vcpus[j];
	return NULL;
}

static void vcpu_unmap(struct fvcpu *c)
{
	if (c->run)
		munmap(c->run, c->run_len);
	c->run = NULL;
}

static void vcpu_close_fd(struct fvcpu *c)
{
	if (c->fd >= 0) {
		fuzz_hist_add_stats(&hist, c->fd);
		close(c->fd);
	}
	c->fd = -1;
}

static void close_all(void)
{
	unsigned int i, j;

	for (i = 0; i < NR_VMS; i++) {
		for (j = 0; j < NR_VCPUS; j++) {
			vcpu_unmap(&vms[i].vcpus[j]);
			vcpu_close_fd(&vms[i].vcpus[j]);
		}
		if (vms[i].fd >= 0)
			close(vms[i].fd);
		vms[i].fd = -1;
	}
	for (i = 0; i < NR_DEVS; i++) {
		if (devs[i] >= 0)
			close(devs[i]);
		devs[i] = -1;
	}
	for (i = 0; i < NR_MAPS; i++) {
		if (maps[i].p)
			munmap(maps[i].p, maps[i].len);
		maps[i].p = NULL;
	}
}

/* ---- memory behind slots ---- */

static void buf_map(struct buf *b)
{
	static const size_t sizes[] = { 0x1000, 0x4000, 0x10000, 0x200000 };
	size_t i;

	b->size = sizes[fuzz_below(ARRAY_SIZE(sizes))];
	b->p = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(b->p != MAP_FAILED, "mmap: %s", strerror(errno));
	/* Code for a guest: "out %al, $0x80; jmp ." in a loop, then noise. */
	for (i = 0; i < b->size; i += 4) {
		b->p[i] = 0xe6;
		b->p[i + 1] = 0x80;
		b->p[i + 2] = 0xeb;
		b->p[i + 3] = 0xfc;
	}
	for (i = 0; i < 64; i++)
		b->p[0x100 + fuzz_below(b->size - 0x100)] = fuzz_rnd();
}

static void buf_remap(struct buf *b)
{
	munmap(b->p, b->size);
	buf_map(b);
}

/* ---- arguments ---- */

/*
 * Where the ioctl's struct of @len bytes goes: @valid (filled), or now
 * and then a pointer the kernel must refuse to use.
 */
static void *arg_ptr(void *valid, size_t len)
{
	if (!fuzz_one_in(10))
		return valid;
	switch (fuzz_below(6)) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffffffff81000000UL;
	case 2:
		return guard + 4096;			/* PROT_NONE */
	case 3:						/* straddles */
		memcpy(guard + 4096 - len / 2, valid, len / 2);
		return guard + 4096 - len / 2;
	case 4:
		return rdonly;
	default:
		return (void *)(fuzz_rnd() & ~7UL);
	}
}

/* A few random changes to a filled struct: bytes, or whole fields. */
static void scribble(void *p, size_t len)
{
	unsigned int i, n = fuzz_below(4);
	__u64 v;

	if (!len)
		return;
	for (i = 0; i < n; i++) {
		size_t at = fuzz_below(len);

		if (fuzz_one_in(2) || at + 8 > len) {
			((__u8 *)p)[at] = fuzz_rnd();
		} else {
			v = fuzz_boundary();
			memcpy((__u8 *)p + (at & ~3UL), &v,
			       at + 8 <= len ? 8 : 4);
		}
	}
}

static void fill_random(void *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		((__u8 *)p)[i] = fuzz_rnd();
}

static __u32 msr_index(void)
{
	static const __u32 msrs[] = {
		0x10, 0x1b, 0x3a, 0x48, 0x49, 0xfe, 0x10a, 0x174, 0x175,
		0x176, 0x1d9, 0x277, 0x2ff, 0x480, 0x6e0, 0xc0000080,
		0xc0000081, 0xc0000082, 0xc0000100, 0xc0000101, 0xc0000102,
		0xc0000103, 0x40000000, 0xffffffff,
	};

	return fuzz_one_in(4) ? fuzz_rnd() : msrs[fuzz_below(ARRAY_SIZE(msrs))];
}

/* ---- one ioctl ---- */

static void account(unsigned int d, long ret, int err)
{
	calls[d]++;
	if (ret >= 0) {
		oks[d]++;
		return;
	}
	if (err >= 512)
		BAD("%s: errno %d, a kernel-internal code, reached userspace\n",
		    descs[d].name, err);
	errs[d][err > MAX_ERRNO ? MAX_ERRNO : err]++;
}

static sigjmp_buf touch_env;
static int touching;

static void on_fault(int sig)
{
	if (__atomic_load_n(&touching, __ATOMIC_RELAXED))
		siglongjmp(touch_env, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static struct tvmm_run *kick_run;

static void on_alarm(int sig)
{
	struct tvmm_run *run = __atomic_load_n(&kick_run, __ATOMIC_RELAXED);

	if (run)
		run->immediate_exit = 1;
}

static void on_usr1(int sig)
{
}

/* A new VM's fd into a free place, or closed. */
static void keep_vm(int fd)
{
	unsigned int i;

	for (i = 0; i < NR_VMS; i++)
		if (vms[i].fd < 0) {
			vms[i].fd = fd;
			return;
		}
	close(fd);
}

static void keep_vcpu(struct fvm *vm, int fd)
{
	unsigned int i;
	struct fvcpu *c;

	for (i = 0; i < NR_VCPUS; i++) {
		c = &vm->vcpus[i];
		if (c->fd >= 0)
			continue;
		vcpu_unmap(c);		/* a mapping that outlived its fd */
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->run_len = run_size;
		c->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, fd, 0);
		if (c->run == MAP_FAILED)
			c->run = NULL;
		return;
	}
	close(fd);
}

/* Put a slot of code at guest-physical 0 and the vCPU in real mode at 0. */
static void point_at_code(struct fvm *vm, struct fvcpu *c)
{
	struct buf *b = &bufs[fuzz_below(NR_BUFS)];
	struct tvmm_memory_region r = {
		.slot = fuzz_below(4),
		.memory_size = b->size,
		.userspace_addr = (unsigned long)b->p,
	};
	struct tvmm_regs regs = { .rflags = 2 };
	struct tvmm_sregs s;

	ioctl(vm->fd, TVMM_SET_MEMORY_REGION, &r);
	switch (fuzz_below(3)) {
	case 0:
		vm_sregs_real_mode(layout, &s, 0);
		break;
	case 1:
		vm_sregs_protected_mode(layout, &s);
		break;
	default:
		vm_sregs_long_mode(layout, &s);
		break;
	}
	ioctl(c->fd, TVMM_SET_SREGS, &s);
	ioctl(c->fd, TVMM_SET_REGS, &regs);
}

static void check_run(struct fvcpu *c, int ret, bool window)
{
	const char *why;

	if (!c->run || (ret && ret != -EINTR))
		return;
	why = fuzz_check_run(c->run, ret, c->exits, window, c->traced);
	if (why) {
		BAD("TVMM_RUN %d, exit %u: %s\n", ret, c->run->exit_reason,
		    why);
		return;
	}
	fuzz_hist_add_run(&hist, c->run);
	if (ret)
		return;
	if (c->run->exit_reason == TVMM_EXIT_IO &&
	    c->run->io.direction == TVMM_IO_IN)
		fill_random((__u8 *)c->run + TVMM_RUN_IO_DATA_OFFSET,
			    c->run->io.count * c->run->io.size);
	if (c->run->exit_reason == TVMM_EXIT_MMIO && !c->run->mmio.is_write)
		fill_random(c->run->mmio.data, 8);
	if (c->run->exit_reason == TVMM_EXIT_MSR) {
		c->run->msr.data = fuzz_rnd();
		c->run->msr.error = fuzz_one_in(4) ? fuzz_rnd() : 0;
	}
}

static void do_run(struct fvcpu *c)
{
	struct itimerval kick = { .it_value.tv_usec = KICK_USEC };
	struct itimerval off = { 0 };
	bool window = false;
	long ret;

	if (c->run) {
		c->run->immediate_exit = fuzz_one_in(16);
		window = fuzz_one_in(8);
		c->run->request_interrupt_window = window;
	}
	__atomic_store_n(&kick_run, c->run, __ATOMIC_RELAXED);
	setitimer(ITIMER_REAL, &kick, NULL);
	ret = ioctl(c->fd, TVMM_RUN, fuzz_one_in(16) ? fuzz_rnd() : 0);
	setitimer(ITIMER_REAL, &off, NULL);
	__atomic_store_n(&kick_run, NULL, __ATOMIC_RELAXED);
	account(8, ret, errno);
	if (ret < 0)
		ret = -errno;
	check_run(c, ret, window);
	if (c->run) {
		c->run->immediate_exit = 0;
		c->run->request_interrupt_window = 0;
	}
}

/*
 * An ioctl of descs[@d] on a fd of its kind (or not): its argument built
 * as for a correct call, then perhaps spoiled.
 */
static void do_ioctl(unsigned int d)
{
	static __u64 argbuf[1024];
	__u8 *arg = (__u8 *)argbuf;
	const struct ioctl_desc *desc = &descs[d];
	struct fvm *vm = &vms[fuzz_below(NR_VMS)];
	struct fvcpu *c = random_vcpu(&vm);
	unsigned long nr = desc->nr;
	size_t size = _IOC_SIZE(nr);
	void *p = arg;
	long ret, uarg = 0;
	bool spoil = fuzz_one_in(3);
	int fd, kind = desc->kind;

	if (fuzz_one_in(12))
		kind = K_ANY;
	if (kind == K_VCPU && c)
		fd = c->fd;
	else if (kind == K_VM)
		fd = vm->fd;
	else
		fd = *random_fd_of(kind);
	if (fd < 0)
		return;
	memset(arg, 0, sizeof(argbuf));

	switch (desc->nr) {
	case TVMM_GET_API_VERSION:
	case TVMM_GET_VCPU_MMAP_SIZE:
	case TVMM_CREATE_VM:
		uarg = spoil ? fuzz_boundary() : 0;
		break;
	case TVMM_CHECK_EXTENSION:
		uarg = spoil ? fuzz_boundary() :
			fuzz_below(TVMM_CAP_DIRTY_LOG + 2);
		break;
	case TVMM_GET_VMX_CAPS: {
		struct tvmm_vmx_caps *caps = (void *)arg;

		caps->size = sizeof(*caps);
		break;
	}
	case TVMM_SET_MEMORY_REGION: {
		struct tvmm_memory_region *r = (void *)arg;
		struct buf *b = &bufs[fuzz_below(NR_BUFS)];

		r->slot = fuzz_one_in(8) ? fuzz_boundary() : fuzz_below(6);
		r->flags = (fuzz_one_in(4) ? TVMM_MEM_READONLY : 0) |
			   (fuzz_one_in(3) ? TVMM_MEM_LOG_DIRTY : 0);
		r->guest_phys_addr = fuzz_below(16) << 21;
		r->memory_size = fuzz_one_in(4) ? 0 : b->size;
		r->userspace_addr = (unsigned long)b->p;
		if (fuzz_one_in(3)) {
			switch (fuzz_below(5)) {
			case 0:
				r->memory_size = fuzz_boundary();
				break;
			case 1:
				r->guest_phys_addr = fuzz_boundary();
				break;
			case 2:
				r->userspace_addr = (unsigned long)(fuzz_one_in(2) ?
					rdonly : guard);
				r->memory_size = fuzz_one_in(2) ? 0x1000 : 0x2000;
				break;
			case 3:
				r->memory_size = 1ULL << (30 + fuzz_below(12));
				break;
			default:
				scribble(r, sizeof(*r));
				break;
			}
		}
		spoil = false;
		break;
	}
	case TVMM_CREATE_VCPU:
		uarg = spoil ? fuzz_boundary() : fuzz_below(NR_VCPUS + 1);
		break;
	case TVMM_SET_TSC_OFFSET:
		fill_random(arg, size);
		if (!spoil)
			memset(arg + 8, 0, 8);
		break;
	case TVMM_RUN:
		if (c && fd == c->fd) {
			do_run(c);
			return;
		}
		break;
	case TVMM_SET_REGS:
		ioctl(fd, TVMM_GET_REGS, arg);
		if (fuzz_one_in(2))
			fill_random(arg, size);
		break;
	case TVMM_SET_SREGS:
		if (fuzz_one_in(2))
			ioctl(fd, TVMM_GET_SREGS, arg);
		else if (fuzz_one_in(2))
			vm_sregs_long_mode(layout, (void *)arg);
		else
			vm_sregs_real_mode(layout, (void *)arg, fuzz_rnd());
		break;
	case TVMM_SET_CPUID: {
		struct tvmm_cpuid *cp = (void *)arg;
		__u32 i, n = fuzz_below(8);

		cp->nent = spoil ? fuzz_boundary() : n;
		for (i = 0; i < n; i++) {
			cp->entries[i].function = fuzz_one_in(2) ?
				fuzz_below(0x20) : fuzz_rnd();
			cp->entries[i].flags = fuzz_below(2);
			fill_random(&cp->entries[i].eax, 16);
		}
		size = sizeof(*cp) + n * sizeof(cp->entries[0]);
		spoil = false;
		break;
	}
	case TVMM_GET_MSRS:
	case TVMM_SET_MSRS: {
		struct tvmm_msrs *m = (void *)arg;
		__u32 i, n = fuzz_below(TVMM_MAX_MSR_ENTRIES + 2);

		m->nmsrs = spoil ? fuzz_boundary() : n;
		for (i = 0; i < n; i++) {
			m->entries[i].index = msr_index();
			m->entries[i].data = fuzz_value(64);
		}
		size = sizeof(*m) + n * sizeof(m->entries[0]);
		spoil = false;
		break;
	}
	case TVMM_SET_EXCEPTION_EXITS:
		fill_random(arg, 4);
		break;
	case TVMM_GET_VCPU_STATS:
		*(__u32 *)arg = sizeof(struct tvmm_vcpu_stats);
		break;
	case TVMM_INTERRUPT:
		*(__u32 *)arg = fuzz_below(300);
		break;
	case TVMM_SET_TRACE:
	case TVMM_SET_INTERCEPTS:
		*(__u32 *)arg = fuzz_below(2);
		break;
	case TVMM_SET_VCPU_EVENTS:
		if (fuzz_one_in(2))
			ioctl(fd, TVMM_GET_VCPU_EVENTS, arg);
		else
			fill_random(arg, size);
		break;
	case TVMM_SET_USER_MSRS: {
		struct tvmm_user_msrs *u = (void *)arg;
		__u32 i;

		u->nmsrs = fuzz_below(TVMM_MAX_USER_MSRS + 2);
		for (i = 0; i < u->nmsrs && i < TVMM_MAX_USER_MSRS; i++)
			u->indices[i] = msr_index();
		break;
	}
	case TVMM_GET_MSR_INDEX_LIST:
		*(__u32 *)arg = spoil ? fuzz_boundary() : fuzz_below(40);
		size = sizeof(struct tvmm_msr_list) + 40 * sizeof(__u32);
		spoil = false;
		break;
	case TVMM_GET_DIRTY_LOG: {
		struct tvmm_dirty_log *log = (void *)arg;
		struct buf *b = &bufs[fuzz_below(NR_BUFS)];

		log->slot = fuzz_one_in(8) ? fuzz_boundary() : fuzz_below(6);
		log->bitmap = (unsigned long)(fuzz_one_in(8) ? guard : b->p);
		log->bitmap_size = fuzz_one_in(4) ? fuzz_boundary() : b->size;
		break;
	}
	case TVMM_SET_XSAVE:
		/* A state it had, one bit changed, or random. */
		ioctl(fd, TVMM_GET_XSAVE, arg);
		if (fuzz_one_in(2))
			((__u8 *)arg)[fuzz_below(size)] ^= 1 << fuzz_below(8);
		else if (fuzz_one_in(4))
			fill_random(arg, size);
		spoil = false;
		break;
	case TVMM_SET_DEBUGREGS:
		ioctl(fd, TVMM_GET_DEBUGREGS, arg);
		if (fuzz_one_in(2))
			fill_random(arg, 6 * 8);
		break;
	case 0:		/* a number tvmm does not define, or one it does */
		nr = _IOC(fuzz_below(4),
			  fuzz_one_in(8) ? fuzz_below(256) : TVMMIO,
			  fuzz_below(0x40), fuzz_below(600));
		size = _IOC_SIZE(nr);
		fill_random(arg, size);
		uarg = fuzz_one_in(2) ? (long)arg : (long)fuzz_boundary();
		break;
	default:
		break;
	}
	if (spoil && size)
		scribble(arg, size);
	if (size)
		uarg = (long)arg_ptr(p, size);
	ret = ioctl(fd, nr, uarg);
	account(d, ret, errno);
	if (ret < 0)
		return;

	/* What succeeded: results to check, fds to keep. */
	switch (nr) {
	case TVMM_GET_API_VERSION:
		if (!uarg && ret != TVMM_API_VERSION)
			BAD("TVMM_GET_API_VERSION returned %ld\n", ret);
		break;
	case TVMM_GET_VCPU_MMAP_SIZE:
		if (ret < 4096)
			BAD("TVMM_GET_VCPU_MMAP_SIZE returned %ld\n", ret);
		break;
	case TVMM_CREATE_VM:
		keep_vm(ret);
		break;
	case TVMM_CREATE_VCPU:
		if (fd == vm->fd)
			keep_vcpu(vm, ret);
		else
			close(ret);
		break;
	case TVMM_GET_MSRS:
	case TVMM_SET_MSRS:
		if (uarg == (long)arg &&
		    ret > ((struct tvmm_msrs *)arg)->nmsrs)
			BAD("%s processed %ld of %u entries\n", desc->name,
			    ret, ((struct tvmm_msrs *)arg)->nmsrs);
		break;
	case TVMM_GET_MSR_INDEX_LIST:
		if (uarg == (long)arg &&
		    (!*(__u32 *)arg || *(__u32 *)arg > 40))
			BAD("TVMM_GET_MSR_INDEX_LIST gave %u MSRs\n",
			    *(__u32 *)arg);
		break;
	case TVMM_SET_EXCEPTION_EXITS:
		c = vcpu_by_fd(fd);
		if (c && uarg == (long)arg)
			c->exits = *(__u32 *)arg;
		break;
	case TVMM_SET_TRACE:
		c = vcpu_by_fd(fd);
		if (c)		/* on, or it was, or a bad pointer */
			c->traced = true;
		break;
	default:
		break;
	}
}

/* The log of one of the race's slots, read and cleared under the runners. */
static void do_dirty_log(struct fvm *vm)
{
	static __u64 bitmap[64];
	struct tvmm_dirty_log log = {
		.slot = fuzz_below(4),
		.bitmap = (unsigned long)bitmap,
		.bitmap_size = sizeof(bitmap),
	};
	unsigned int d;
	long ret;

	for (d = 0; d < NR_DESCS; d++) {
		if (descs[d].nr != TVMM_GET_DIRTY_LOG)
			continue;
		ret = ioctl(vm->fd, TVMM_GET_DIRTY_LOG, &log);
		account(d, ret, errno);
	}
}

/* ---- mappings ---- */

static void do_mmap(void)
{
	struct fvcpu *c = random_vcpu(NULL);
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_WRITE,
		PROT_READ | PROT_EXEC, PROT_NONE,
	};
	unsigned int i = fuzz_below(NR_MAPS);
	size_t len = (1 + fuzz_below(20)) * 4096, off = 0, at;
	int fd = c ? c->fd : *random_fd_of(K_ANY);
	void *p;

	if (fd < 0)
		return;
	if (maps[i].p) {
		munmap(maps[i].p, maps[i].len);
		maps[i].p = NULL;
		if (fuzz_one_in(2))
			return;
	}
	switch (fuzz_below(4)) {
	case 0:
		off = TVMM_TRACE_MMAP_OFFSET;
		len = fuzz_one_in(2) ? TVMM_TRACE_MMAP_SIZE : len;
		break;
	case 1:
		off = fuzz_below(64) * 4096;
		break;
	default:
		break;
	}
	mmaps++;
	p = mmap(NULL, len, prots[fuzz_below(ARRAY_SIZE(prots))],
		 fuzz_one_in(4) ? MAP_PRIVATE : MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return;
	maps[i].p = p;
	maps[i].len = len;
	/* Touch every page: a fault is an answer, the host must survive. */
	for (at = 0; at < len; at += 4096) {
		__atomic_store_n(&touching, 1, __ATOMIC_RELAXED);
		if (!sigsetjmp(touch_env, 1)) {
			__atomic_load_n((__u8 *)p + at, __ATOMIC_RELAXED);
			/* Not run->immediate_exit and its neighbours. */
			if (off + at && fuzz_one_in(4))
				__atomic_store_n((__u8 *)p + at, fuzz_rnd(),
						 __ATOMIC_RELAXED);
		} else {
			faults++;
		}
		__atomic_store_n(&touching, 0, __ATOMIC_RELAXED);
	}
}

/* ---- the race ---- */

struct runner {
	pthread_t thread;
	int fd;
	bool stop, done;		/* __atomic */
	unsigned long runs;
};

static void *runner_fn(void *arg)
{
	struct runner *r = arg;
	sigset_t set;

	/* SIGALRM is the main thread's TVMM_RUN timer. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		ioctl(r->fd, TVMM_RUN, 0);
		r->runs++;
	}
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void runner_stop(struct runner *r)
{
	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
	/* A guest that never exits to userspace: a signal brings it back. */
	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		pthread_kill(r->thread, SIGUSR1);
		usleep(1000);
	}
	pthread_join(r->thread, NULL);
}

/*
 * Signal the runners every few milliseconds: a guest that loops without
 * an exit to userspace would hold its vCPU, and the main thread's ioctls
 * on it would wait for as long.
 */
struct kicker {
	pthread_t thread;
	struct runner *r;
	unsigned int nr;
	bool stop;			/* __atomic */
};

static void *kicker_fn(void *arg)
{
	struct kicker *k = arg;
	unsigned int i;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE)) {
		for (i = 0; i < k->nr; i++)
			pthread_kill(k->r[i].thread, SIGUSR1);
		usleep(5000);
	}
	return NULL;
}

static void set_hotcpu(bool online)
{
	if (!two_cpus || cpu_is_online(HOTCPU) == online)
		return;
	hotplugs++;
	__cpu_set_online(HOTCPU, online);
}

static void do_race(void)
{
	struct runner r[2] = { 0 };
	struct kicker k = { .r = r };
	struct fvm *vm;
	struct fvcpu *c = random_vcpu(&vm), *c2;
	unsigned int i, n = 2 + fuzz_below(20), nr = 1 + fuzz_one_in(2);
	struct tvmm_memory_region mr;
	struct buf *b;

	if (!c || vm->fd < 0)
		return;
	races++;
	point_at_code(vm, c);
	c2 = &vm->vcpus[fuzz_below(NR_VCPUS)];
	if (c2->fd < 0 || c2 == c)
		nr = 1;
	else
		point_at_code(vm, c2);
	for (i = 0; i < nr; i++) {
		r[i].fd = i ? c2->fd : c->fd;
		TEST_ASSERT(!pthread_create(&r[i].thread, NULL, runner_fn,
					    &r[i]), "pthread_create");
		if (two_cpus && fuzz_one_in(2))
			pin_thread(r[i].thread, fuzz_below(2));
	}
	k.nr = nr;
	TEST_ASSERT(!pthread_create(&k.thread, NULL, kicker_fn, &k),
		    "pthread_create");
	for (i = 0; i < n; i++) {
		switch (fuzz_below(10)) {
		case 0:
		case 1:		/* add, move or delete a slot */
			b = &bufs[fuzz_below(NR_BUFS)];
			memset(&mr, 0, sizeof(mr));
			mr.slot = fuzz_below(4);
			mr.guest_phys_addr = fuzz_below(4) << 21;
			mr.memory_size = fuzz_one_in(3) ? 0 : b->size;
			mr.userspace_addr = (unsigned long)b->p;
			/* Logged: the runners' writes fault, under GET_DIRTY_LOG */
			mr.flags = fuzz_one_in(2) ? TVMM_MEM_LOG_DIRTY : 0;
			account(5, ioctl(vm->fd, TVMM_SET_MEMORY_REGION, &mr),
				errno);
			break;
		case 2:		/* the slot's memory goes away */
			buf_remap(&bufs[fuzz_below(NR_BUFS)]);
			break;
		case 3:		/* the run page goes away */
			vcpu_unmap(fuzz_one_in(2) ? c : c2);
			break;
		case 4:		/* the vCPU fd, under the runner */
			if (fuzz_one_in(3))
				vcpu_close_fd(fuzz_one_in(2) ? c : c2);
			break;
		case 5:		/* the VM fd */
			if (fuzz_one_in(4) && vm->fd >= 0) {
				close(vm->fd);
				vm->fd = -1;
			}
			break;
		case 6:
			set_hotcpu(!cpu_is_online(HOTCPU));
			break;
		case 7:
			do_ioctl(fuzz_below(NR_DESCS));
			break;
		case 8:
			if (fuzz_one_in(2))
				do_mmap();
			else
				do_dirty_log(vm);
			break;
		default:
			usleep(fuzz_below(3000));
			break;
		}
	}
	__atomic_store_n(&k.stop, true, __ATOMIC_RELEASE);
	pthread_join(k.thread, NULL);
	for (i = 0; i < nr; i++)
		runner_stop(&r[i]);
	set_hotcpu(true);
}

/* ---- a child with the fds ---- */

static void do_fork(void)
{
	struct fvcpu *c = random_vcpu(NULL);
	struct tvmm_memory_region mr = {
		.slot = 5, .memory_size = bufs[0].size,
		.userspace_addr = (unsigned long)bufs[0].p,
	};
	pid_t pid;
	int status;

	forks++;
	fflush(NULL);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (c)
		c->traced = true;	/* the child may turn it on */
	if (!pid) {
		/* Another mm: whatever tvmm answers, it must not crash. */
		if (c) {
			ioctl(c->fd, TVMM_RUN, 0);
			ioctl(c->fd, TVMM_SET_TRACE, &(struct tvmm_trace_config){
				.flags = TVMM_TRACE_ON });
		}
		if (vms[0].fd >= 0) {
			ioctl(vms[0].fd, TVMM_SET_MEMORY_REGION, &mr);
			ioctl(vms[0].fd, TVMM_CREATE_VCPU, NR_VCPUS);
		}
		if (devs[0] >= 0)
			close(ioctl(devs[0], TVMM_CREATE_VM, 0));
		_exit(0);
	}
	waitpid(pid, &status, 0);
}

/* ---- the loop ---- */

static void one_op(void)
{
	unsigned int k = fuzz_below(100);
	struct fvcpu *c;
	int fd;

	if (k < 4) {
		if (devs[k & 1] < 0)
			devs[k & 1] = open(TVMM_DEV, O_RDWR | O_CLOEXEC);
	} else if (k < 8) {
		/* Close something: a fd, the run page with it or not. */
		c = random_vcpu(NULL);
		if (k == 4 && c) {
			if (fuzz_one_in(2))
				vcpu_unmap(c);
			vcpu_close_fd(c);
		} else if (k == 5) {
			fd = fuzz_below(NR_VMS);
			if (vms[fd].fd >= 0)
				close(vms[fd].fd);
			vms[fd].fd = -1;
		} else if (k == 6) {
			fd = fuzz_below(NR_DEVS);
			if (devs[fd] >= 0)
				close(devs[fd]);
			devs[fd] = -1;
		} else {
			buf_remap(&bufs[fuzz_below(NR_BUFS)]);
		}
	} else if (k < 14) {
		do_ioctl(fuzz_below(5));		/* system ioctls */
	} else if (k < 24) {
		do_ioctl(5 + fuzz_below(3));		/* VM ioctls */
	} else if (k < 78) {
		do_ioctl(8 + fuzz_below(NR_DESCS - 8));	/* vCPU, others */
	} else if (k < 86) {
		c = random_vcpu(NULL);
		if (c)
			do_run(c);
	} else if (k < 90) {
		struct fvm *vm;

		c = random_vcpu(&vm);
		if (c && vm->fd >= 0)
			point_at_code(vm, c);
	} else if (k < 96) {
		do_mmap();
	} else if (k < 98) {
		do_race();
	} else if (k == 98 && fuzz_one_in(4)) {
		do_fork();
	}
}

static void print_results(unsigned long done)
{
	char line[1024];
	unsigned int d, e;
	int n;

	fuzz_print_rate("operations", done);
	ksft_print_msg("races %lu, forks %lu, hotplugs %lu, mmaps %lu (faults %lu)\n",
		       races, forks, hotplugs, mmaps, faults);
	for (d = 0; d < NR_DESCS; d++) {
		if (!calls[d])
			continue;
		n = snprintf(line, sizeof(line), "%-26s %5lu calls, %5lu ok",
			     descs[d].name, calls[d], oks[d]);
		for (e = 1; e <= MAX_ERRNO && n < (int)sizeof(line) - 32; e++)
			if (errs[d][e])
				n += snprintf(line + n, sizeof(line) - n,
					      ", %s %lu", strerrorname_np(e) ?:
					      "?", errs[d][e]);
		ksft_print_msg("%s\n", line);
	}
	fuzz_hist_print(&hist);
}

TEST(ioctl_fuzz)
{
	struct sigaction alarm_sa = { .sa_handler = on_alarm };
	struct sigaction usr1_sa = { .sa_handler = on_usr1 };
	struct sigaction fault_sa = { .sa_handler = on_fault };
	struct fuzz_mem mem;
	struct stat st;
	unsigned long done;
	unsigned int i, j;
	int fd;

	TVMM_REQUIRE_MODULE();
	/* No SA_RESTART: the signals must bring TVMM_RUN back. */
	ASSERT_EQ(0, sigaction(SIGALRM, &alarm_sa, NULL));
	ASSERT_EQ(0, sigaction(SIGUSR1, &usr1_sa, NULL));
	ASSERT_EQ(0, sigaction(SIGBUS, &fault_sa, NULL));
	ASSERT_EQ(0, sigaction(SIGSEGV, &fault_sa, NULL));
	fuzz_srand(fuzz_opts.seed);
	ksft_print_msg("seed %#llx, %lu operations, %.0f s\n",
		       (unsigned long long)fuzz_opts.seed, fuzz_opts.iterations,
		       fuzz_opts.seconds);
	two_cpus = !stat("/sys/devices/system/cpu/cpu1/online", &st) &&
		   online_cpu_count() >= 2;

	guard = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, guard);
	ASSERT_EQ(0, mprotect(guard + 4096, 4096, PROT_NONE));
	rdonly = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		      0);
	ASSERT_NE(MAP_FAILED, rdonly);
	layout = vm_create_offline();
	for (i = 0; i < NR_VMS; i++) {
		vms[i].fd = -1;
		for (j = 0; j < NR_VCPUS; j++)
			vms[i].vcpus[j].fd = -1;
	}
	fd = __tvmm_open();
	ASSERT_LE(0, fd);
	run_size = ioctl(fd, TVMM_GET_VCPU_MMAP_SIZE, 0);
	close(fd);

	/* A warm-up, so that the caches it fills count as before. */
	for (i = 0; i < NR_BUFS; i++)
		buf_map(&bufs[i]);
	for (done = 0; done < 200; done++)
		one_op();
	close_all();
	for (i = 0; i < NR_BUFS; i++)
		munmap(bufs[i].p, bufs[i].size);
	fuzz_mem_before(&mem);
	for (i = 0; i < NR_BUFS; i++)
		buf_map(&bufs[i]);
	memset(calls, 0, sizeof(calls));
	memset(oks, 0, sizeof(oks));
	memset(errs, 0, sizeof(errs));
	memset(&hist, 0, sizeof(hist));
	races = 0;
	forks = 0;
	hotplugs = 0;
	faults = 0;
	mmaps = 0;

	fuzz_start();
	for (done = 0; !fuzz_done(done) && bad < 10; done++)
		one_op();
	close_all();
	set_hotcpu(true);
	print_results(done);
	EXPECT_EQ(0, bad);
	for (i = 0; i < NR_BUFS; i++)
		munmap(bufs[i].p, bufs[i].size);
	EXPECT_TRUE(fuzz_mem_after(&mem, LEAK_TOLERANCE_KB));
	/* The sequences got past tvmm's checks, not only into them. */
	EXPECT_LT(0, oks[8]);		/* TVMM_RUN */
	EXPECT_LT(0, oks[5]);		/* TVMM_SET_MEMORY_REGION */
}

TVMM_FUZZ_MAIN(ioctl_fuzz, DEFAULT_SEED, DEFAULT_ITERATIONS)
