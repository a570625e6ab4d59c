// SPDX-License-Identifier: GPL-2.0
/*
 * tvmmctl bench's driver: the metrics, the sizes, and running every case
 * opts asks for on every backend it names, one backend's VM at a time
 * (tvmm's is gone before KVM's exists: with defer_vmxon=1, tvmm.ko holds
 * VMX only while it has a VM, so both take turns in one boot).
 *
 * Every backend gets the same RAM: a 2 MiB-aligned mapping with
 * transparent huge pages asked for, so that both hypervisors can map it
 * with 2 MiB EPT pages; the guest image and the long-mode boot state of
 * loader/boot.c. The touch slot is new memory for each repetition, with
 * huge pages refused, so that its pages are 4 KiB everywhere.
 */
#include <cpuid.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/backend.h"
#include "bench/work.h"

#define SZ_2M			(2ULL << 20)
#define BENCH_TIMEOUT		300	/* seconds for one repetition */
#define BENCH_RFLAGS_IF		0x200ULL

#define ON_TVMM			BIT(BENCH_TVMM)
#define ON_KVM			BIT(BENCH_KVM)
#define ON_NATIVE		BIT(BENCH_NATIVE)

const char *const bench_backend_names[BENCH_NR_BACKENDS] = {
	[BENCH_TVMM]	= "tvmm",
	[BENCH_KVM]	= "kvm",
	[BENCH_NATIVE]	= "native",
};

const char *const bench_size_names[BENCH_NR_SIZES] = {
	[BENCH_SIZE_SMALL]	= "small",
	[BENCH_SIZE_FULL]	= "full",
};

const struct bench_metric_info bench_metrics[BENCH_NR_METRICS] = {
	[BENCH_M_CPUID] = {
		.name = "cpuid", .guest_case = BENCH_GUEST_CPUID,
		.unit = "exit",
		.what = "CPUID leaf 0, answered in the kernel",
		.backends = ON_TVMM | ON_KVM,
		.handled = { "kernel", "kernel" },
		.target = BENCH_TARGET_VS_KVM, .target_value = 0.5,
	},
	[BENCH_M_VMCALL] = {
		.name = "vmcall", .guest_case = BENCH_GUEST_VMCALL,
		.unit = "exit",
		.what = "VMCALL with RAX=0: TVMM_HC_NOP, to KVM an unknown hypercall",
		.backends = ON_TVMM | ON_KVM,
		.handled = { "kernel", "kernel" },
		.target = BENCH_TARGET_VS_KVM, .target_value = 0.5,
	},
	[BENCH_M_PIO] = {
		.name = "pio", .guest_case = BENCH_GUEST_PIO,
		.unit = "exit",
		.what = "OUT to a port the VMM handles: a round trip to userspace",
		.backends = ON_TVMM | ON_KVM,
		.handled = { "user", "user" },
		.target = BENCH_TARGET_VS_KVM, .target_value = 0.8,
	},
	[BENCH_M_MMIO] = {
		.name = "mmio", .guest_case = BENCH_GUEST_MMIO,
		.unit = "exit",
		.what = "a store outside RAM, decoded and handed to the VMM",
		.backends = ON_TVMM | ON_KVM,
		.handled = { "user", "user" },
		.target = BENCH_TARGET_VS_KVM, .target_value = 0.8,
	},
	[BENCH_M_HLT] = {
		.name = "hlt", .guest_case = BENCH_GUEST_HLT,
		.unit = "exit",
		.what = "HLT, resumed by the VMM (no interrupt controller in the kernels)",
		.backends = ON_TVMM | ON_KVM,
		.handled = { "user", "user" },
	},
	[BENCH_M_TOUCH] = {
		.name = "touch", .guest_case = BENCH_GUEST_TOUCH,
		.unit = "page",
		.what = "first store to each 4 KiB page of a slot just added",
		.backends = ON_TVMM | ON_KVM | ON_NATIVE,
		.handled = { "pre-mapped", "EPT fault", "page fault" },
	},
	[BENCH_M_SLOT] = {
		.name = "slot", .guest_case = BENCH_GUEST_TOUCH,
		.unit = "page",
		.what = "adding that slot, in host cycles: tvmm pins and maps it",
		.backends = ON_TVMM | ON_KVM,
		.handled = { "pin+map", "lazy" },
	},
	[BENCH_M_MEMLOOP] = {
		.name = "memloop", .guest_case = BENCH_GUEST_MEMLOOP,
		.unit = "read",
		.what = "a read of each 64-byte line of the buffer, pseudo-random order",
		.backends = ON_TVMM | ON_KVM | ON_NATIVE,
	},
	[BENCH_M_SIEVE] = {
		.name = "sieve", .guest_case = BENCH_GUEST_SIEVE,
		.unit = "run",
		.what = "a sieve of Eratosthenes, compute-bound",
		.backends = ON_TVMM | ON_KVM | ON_NATIVE,
		.target = BENCH_TARGET_VS_NATIVE, .target_value = 0.98,
	},
};

const struct bench_size_params bench_sizes[] = {
	[BENCH_SIZE_SMALL] = {
		.fast_exits = 200, .slow_exits = 100, .touch_pages = 64,
		.memloop_bytes = 1ULL << 20, .sieve_bytes = 1ULL << 14,
		.sieve_runs = 2,
	},
	[BENCH_SIZE_FULL] = {
		.fast_exits = 20000, .slow_exits = 4000, .touch_pages = 4096,
		.memloop_bytes = 64ULL << 20, .sieve_bytes = 1ULL << 20,
		.sieve_runs = 2,
	},
};

/* ---- the CPUID both guest backends answer ------------------------------ */

#define CPUID_1_ECX	BIT(0)			/* SSE3 */
/* FPU, TSC, MSR, PAE, CX8, CMOV, PAT, FXSR, SSE, SSE2 */
#define CPUID_1_EDX	(BIT(0) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | \
			 BIT(15) | BIT(16) | BIT(24) | BIT(25) | BIT(26))
/* SYSCALL, NX, LM: KVM refuses EFER.LME without LM */
#define CPUID_80000001_EDX (BIT(11) | BIT(20) | BIT(29))

unsigned int bench_cpuid_table(struct tvmm_cpuid_entry *e, unsigned int max)
{
	unsigned int a, b, c, d;

	if (max < 4)
		return 0;
	memset(e, 0, 4 * sizeof(*e));
	__cpuid_count(0, 0, a, b, c, d);
	e[0] = (struct tvmm_cpuid_entry){ .function = 0, .eax = 1,
					  .ebx = b, .ecx = c, .edx = d };
	__cpuid_count(1, 0, a, b, c, d);
	e[1] = (struct tvmm_cpuid_entry){ .function = 1, .eax = a,
					  .ecx = c & CPUID_1_ECX,
					  .edx = d & CPUID_1_EDX };
	e[2] = (struct tvmm_cpuid_entry){ .function = 0x80000000,
					  .eax = 0x80000001 };
	__cpuid_count(0x80000001, 0, a, b, c, d);
	e[3] = (struct tvmm_cpuid_entry){ .function = 0x80000001,
					  .edx = d & CPUID_80000001_EDX };
	return 4;
}

/* ---- the guard against a guest that never comes back -------------------- */

/* Lock-free atomics, so that the signal handler may touch them. */
static atomic_uintptr_t guard_kick;	/* the immediate_exit to set */
static atomic_int timed_out;

static void bench_alarm(int sig)
{
	__u8 *kick = (__u8 *)atomic_load(&guard_kick);

	atomic_store(&timed_out, 1);
	/* A signal that lands between two runs is seen by the next one. */
	if (kick)
		*kick = 1;
}

static void bench_guard_arm(__u8 *immediate_exit)
{
	atomic_store(&guard_kick, (uintptr_t)immediate_exit);
}

static void bench_guard_disarm(void)
{
	atomic_store(&guard_kick, 0);
}

static bool bench_timed_out(void)
{
	return atomic_load(&timed_out);
}

static int bench_guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_alarm;	/* no SA_RESTART: the run gets EINTR */
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGALRM, &sa, NULL) ? -errno : 0;
}

/* ---- the vCPU loop of both guest backends ------------------------------- */

int bench_errno(struct bench_ctx *ctx, const char *what)
{
	int err = errno ? -errno : -EIO;

	snprintf(ctx->why, sizeof(ctx->why), "%s: %s", what, strerror(-err));
	return err;
}

int bench_vcpu_run(struct bench_ctx *ctx, struct bench_cmd *cmd)
{
	const struct bench_vcpu *v = &ctx->vcpu;
	enum bench_exit e;
	int ret = 0;

	memcpy(ctx->ram.hva + BENCH_CMD_GPA, cmd, sizeof(*cmd));
	bench_guard_arm(v->immediate_exit);
	for (;;) {
		if (ioctl(v->fd, v->run_ioctl, 0)) {
			if (errno == EINTR && !bench_timed_out())
				continue;
			ret = -errno;
			snprintf(ctx->why, sizeof(ctx->why), "%s: %s",
				 v->run_name, bench_timed_out() ? "timed out" :
				 strerror(-ret));
			break;
		}
		e = v->exit(ctx);
		if (e == BENCH_EXIT_RESUME)
			continue;
		if (e == BENCH_EXIT_STOP)
			ret = -EIO;
		break;
	}
	bench_guard_disarm();
	memcpy(cmd, ctx->ram.hva + BENCH_CMD_GPA, sizeof(*cmd));
	return ret;
}

/* ---- memory ---------------------------------------------------------------- */

/* @size bytes, 2 MiB aligned, with huge pages or without. */
static void *bench_alloc(__u64 size, bool huge)
{
	size_t len = size + SZ_2M;
	__u8 *p, *start;
	size_t head;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (__u8 *)(((unsigned long)p + SZ_2M - 1) & ~(SZ_2M - 1));
	head = start - p;
	if (head)
		munmap(p, head);
	if (len - head - size)
		munmap(start + size, len - head - size);
	/* Advice only: a kernel without THP says EINVAL, and that is fine. */
	madvise(start, size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return start;
}

static __u64 bench_ram_size(const struct bench_size_params *p)
{
	__u64 end = BENCH_MEM_GPA + p->memloop_bytes;

	return (end + SZ_2M - 1) & ~(SZ_2M - 1);
}

/*
 * How much of the mapping at @addr the kernel backs with transparent huge
 * pages (AnonHugePages in /proc/self/smaps): both hypervisors can map
 * guest RAM with 2 MiB EPT pages only where the host has it in 2 MiB pages.
 * 0 when that cannot be read.
 */
static __u64 bench_huge_bytes(const void *addr)
{
	unsigned long start, end;
	unsigned long long kb;
	__u64 found = 0;
	bool in = false;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line: "START-END perms ..."; fields follow. */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start == (unsigned long)addr;
		else if (in && sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			found = kb * 1024;
	}
	fclose(f);
	return found;
}

/* ---- one repetition -------------------------------------------------------- */

struct bench_rep {
	double per_op;		/* the guest's cycles per operation */
	double slot_per_page;	/* touch: the host's cycles to add the slot */
};

static __u64 bench_ops(const struct bench_size_params *p,
		       enum bench_guest_case c)
{
	switch (c) {
	case BENCH_GUEST_CPUID:
	case BENCH_GUEST_VMCALL:
		return p->fast_exits;
	case BENCH_GUEST_TOUCH:
		return p->touch_pages;
	case BENCH_GUEST_MEMLOOP:
		return p->memloop_bytes / BENCH_LINE_SIZE;
	case BENCH_GUEST_SIEVE:
		return p->sieve_runs;
	default:
		return p->slow_exits;
	}
}

/* What a correct run of @c computes. */
static __u64 bench_expect(const struct bench_size_params *p,
			  enum bench_guest_case c, __u64 primes)
{
	switch (c) {
	case BENCH_GUEST_MEMLOOP:
		return bench_memloop_expect(p->memloop_bytes);
	case BENCH_GUEST_SIEVE:
		return primes;
	default:
		return bench_ops(p, c);
	}
}

static int bench_one(struct bench_ctx *ctx, const struct bench_size_params *p,
		     enum bench_guest_case c, __u64 primes,
		     struct bench_rep *rep)
{
	struct bench_cmd cmd = {
		.magic = BENCH_CMD_MAGIC,
		.case_id = c,
		.ops = bench_ops(p, c),
	};
	__u64 slot_size = p->touch_pages * BENCH_PAGE_SIZE, t0 = 0, t1 = 0;
	void *slot = NULL;
	int ret;

	if (c == BENCH_GUEST_TOUCH) {
		cmd.addr = BENCH_TOUCH_GPA;
		slot = bench_alloc(slot_size, false);
		if (!slot) {
			snprintf(ctx->why, sizeof(ctx->why),
				 "cannot allocate the touch slot");
			return -ENOMEM;
		}
		t0 = bench_rdtsc();
		ret = ctx->ops->set_slot(ctx, BENCH_TOUCH_GPA, slot, slot_size);
		t1 = bench_rdtsc();
		if (ret)
			goto out;
	} else if (c == BENCH_GUEST_MEMLOOP) {
		cmd.addr = BENCH_MEM_GPA;
		cmd.size = p->memloop_bytes;
	} else if (c == BENCH_GUEST_SIEVE) {
		cmd.addr = BENCH_SIEVE_GPA;
		cmd.size = p->sieve_bytes;
	}

	alarm(BENCH_TIMEOUT);
	ret = ctx->ops->run(ctx, &cmd);
	alarm(0);
	if (!ret && cmd.status != BENCH_STATUS_OK) {
		snprintf(ctx->why, sizeof(ctx->why),
			 "the guest refused the command (status %u)",
			 cmd.status);
		ret = -EPROTO;
	} else if (!ret && cmd.result != bench_expect(p, c, primes)) {
		snprintf(ctx->why, sizeof(ctx->why),
			 "wrong result: %llu, not %llu",
			 (unsigned long long)cmd.result,
			 (unsigned long long)bench_expect(p, c, primes));
		ret = -EPROTO;
	}
	rep->per_op = (double)cmd.cycles / cmd.ops;
	rep->slot_per_page = (double)(t1 - t0) / p->touch_pages;
	if (slot && ctx->ops->set_slot(ctx, BENCH_TOUCH_GPA, NULL, 0) && !ret)
		ret = -EIO;
out:
	if (slot)
		munmap(slot, slot_size);
	return ret;
}

/* ---- one backend ------------------------------------------------------- */

static const struct bench_backend *const backends[BENCH_NR_BACKENDS] = {
	[BENCH_TVMM]	= &bench_backend_tvmm,
	[BENCH_KVM]	= &bench_backend_kvm,
	[BENCH_NATIVE]	= &bench_backend_native,
};

/* Does the case run on the backend: does one of its metrics? */
static bool bench_case_on(enum bench_guest_case c, enum bench_backend_id b)
{
	int m;

	for (m = 0; m < BENCH_NR_METRICS; m++)
		if (bench_metrics[m].guest_case == c &&
		    (bench_metrics[m].backends & BIT(b)))
			return true;
	return false;
}

/* The metric a case measures in the guest (touch: not the slot). */
static enum bench_metric bench_case_metric(enum bench_guest_case c)
{
	int m;

	for (m = 0; m < BENCH_NR_METRICS; m++)
		if (bench_metrics[m].guest_case == c && m != BENCH_M_SLOT)
			break;
	return m;
}

static int bench_load_guest(struct bench_ctx *ctx, struct tvmm_regs *regs,
			    struct tvmm_sregs *sregs)
{
	struct boot_info boot = { .mode = BOOT_LONG, .entry = BENCH_IMAGE_GPA };
	size_t len = bench_guest_image_end - bench_guest_image;
	const char *why = NULL;

	if (len > BENCH_IMAGE_MAX) {
		snprintf(ctx->why, sizeof(ctx->why), "guest image too large");
		return -E2BIG;
	}
	memcpy(ctx->ram.hva + BENCH_IMAGE_GPA, bench_guest_image, len);
	if (boot_setup(&ctx->ram, &boot, regs, sregs, &why)) {
		snprintf(ctx->why, sizeof(ctx->why), "%s", why);
		return -EINVAL;
	}
	regs->rsp = BENCH_STACK_TOP;
	/*
	 * Interrupts on, as in a guest OS: no interrupt can reach the guest
	 * (neither VMM has an interrupt controller), but the host's own
	 * interrupts exit and cost what they cost. (Bochs makes no
	 * external-interrupt exit while the guest has RFLAGS.IF = 0.)
	 */
	regs->rflags |= BENCH_RFLAGS_IF;
	return 0;
}

static void bench_record(struct bench_results *r, enum bench_metric m,
			 enum bench_backend_id b, double v)
{
	struct bench_series *s = &r->series[m][b];

	if (s->n < BENCH_MAX_REPS)
		s->samples[s->n++] = v;
}

static void bench_fail(struct bench_results *r, enum bench_guest_case c,
		       enum bench_backend_id b, int err, const char *why)
{
	int m;

	for (m = 0; m < BENCH_NR_METRICS; m++) {
		struct bench_series *s = &r->series[m][b];

		if (bench_metrics[m].guest_case != c ||
		    !(bench_metrics[m].backends & BIT(b)))
			continue;
		s->err = err;
		snprintf(s->why, sizeof(s->why), "%s", why);
	}
}

static void bench_progress(const struct bench_results *r,
			   enum bench_backend_id b, enum bench_guest_case c)
{
	int m;

	if (!r->opts.verbose)
		return;
	for (m = 0; m < BENCH_NR_METRICS; m++) {
		const struct bench_series *s = &r->series[m][b];
		struct bench_stat st;

		if (bench_metrics[m].guest_case != c ||
		    !(bench_metrics[m].backends & BIT(b)))
			continue;
		if (s->err)
			fprintf(stderr, "bench: %s: %s: %s\n",
				bench_backend_names[b], bench_metrics[m].name,
				s->why);
		else if (!bench_stat_compute(s->samples, s->n, &st))
			fprintf(stderr, "bench: %s: %s: %.1f cycles/%s\n",
				bench_backend_names[b], bench_metrics[m].name,
				st.median, bench_metrics[m].unit);
	}
}

/* Run the cases on backend @b; false if its VM could not be made. */
static bool bench_backend(struct bench_results *r, enum bench_backend_id b,
			  __u64 primes)
{
	const struct bench_size_params *p = &bench_sizes[r->opts.size];
	struct bench_backend_state *st = &r->backend[b];
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct bench_ctx *ctx;
	struct bench_rep rep;
	unsigned int c, i, warm;
	int ret;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		snprintf(st->why, sizeof(st->why), "out of memory");
		return false;
	}
	ctx->id = b;
	ctx->ops = backends[b];
	ctx->ram.size = bench_ram_size(p);
	ctx->ram.hva = bench_alloc(ctx->ram.size, true);
	if (!ctx->ram.hva) {
		snprintf(st->why, sizeof(st->why),
			 "cannot allocate %llu bytes of RAM",
			 (unsigned long long)ctx->ram.size);
		free(ctx);
		return false;
	}
	ret = 0;
	if (b != BENCH_NATIVE)
		ret = bench_load_guest(ctx, &regs, &sregs);
	if (!ret)
		ret = ctx->ops->create(ctx, &regs, &sregs);
	if (ret) {
		snprintf(st->why, sizeof(st->why), "%s", ctx->why);
		goto out;
	}
	st->available = true;
	st->kernel_hypercalls = ctx->kernel_hypercalls;
	atomic_store(&timed_out, 0);

	for (c = 0; c < BENCH_GUEST_NR_CASES && !bench_timed_out(); c++) {
		if (!(r->opts.cases & BIT(c)) || !bench_case_on(c, b))
			continue;
		/*
		 * The memory cases' first run faults their buffer in, on
		 * every backend: it is not counted. The exit cases warm up
		 * inside each run (BENCH_WARMUP); touch must be cold.
		 */
		warm = c == BENCH_GUEST_MEMLOOP || c == BENCH_GUEST_SIEVE;
		for (i = 0; i < r->opts.reps + warm; i++) {
			ret = bench_one(ctx, p, c, primes, &rep);
			if (ret) {
				bench_fail(r, c, b, ret, ctx->why);
				break;
			}
			if (i < warm)
				continue;
			if (c == BENCH_GUEST_TOUCH && b != BENCH_NATIVE)
				bench_record(r, BENCH_M_SLOT, b,
					     rep.slot_per_page);
			bench_record(r, bench_case_metric(c), b, rep.per_op);
		}
		bench_progress(r, b, c);
	}
	st->ram_bytes = ctx->ram.size;
	st->ram_huge_bytes = bench_huge_bytes(ctx->ram.hva);
out:
	ctx->ops->destroy(ctx);
	munmap(ctx->ram.hva, ctx->ram.size);
	free(ctx);
	return st->available;
}

int bench_run(const struct bench_opts *opts, struct bench_results *r)
{
	const struct bench_size_params *p = &bench_sizes[opts->size];
	__u64 primes = 0;
	bool ok = true;
	unsigned int b, m, c;
	int ret;

	memset(r, 0, sizeof(*r));
	r->opts = *opts;
	for (m = 0; m < BENCH_NR_METRICS; m++)
		r->ops[m] = bench_ops(p, bench_metrics[m].guest_case);
	ret = bench_guard_install();
	if (ret)
		return ret;
	/* The sieve's answer, from the same code, to check the guests'. */
	if (opts->cases & BIT(BENCH_GUEST_SIEVE)) {
		__u8 *buf = malloc(p->sieve_bytes);

		if (!buf)
			return -ENOMEM;
		bench_sieve(buf, p->sieve_bytes, 1, &primes);
		free(buf);
	}

	for (b = 0; b < BENCH_NR_BACKENDS; b++) {
		bool wanted = false;

		for (c = 0; c < BENCH_GUEST_NR_CASES; c++)
			if ((opts->cases & BIT(c)) && bench_case_on(c, b))
				wanted = true;
		if (!(opts->backends & BIT(b)) || !wanted)
			continue;
		r->backend[b].used = true;
		if (!bench_backend(r, b, primes)) {
			ok = false;
			if (opts->verbose)
				fprintf(stderr, "bench: %s: %s\n",
					bench_backend_names[b],
					r->backend[b].why);
		}
	}

	for (m = 0; m < BENCH_NR_METRICS; m++) {
		for (b = 0; b < BENCH_NR_BACKENDS; b++) {
			struct bench_series *s = &r->series[m][b];

			if (!r->backend[b].available ||
			    !(bench_metrics[m].backends & BIT(b)) ||
			    !(opts->cases & BIT(bench_metrics[m].guest_case)))
				continue;
			s->handled = bench_metrics[m].handled[b];
			if (m == BENCH_M_VMCALL && b == BENCH_TVMM &&
			    !r->backend[b].kernel_hypercalls)
				s->handled = "user";
			if (!s->err && s->n == opts->reps &&
			    !bench_stat_compute(s->samples, s->n, &s->stat))
				s->measured = true;
			else
				ok = false;
		}
	}
	return ok ? 0 : -EIO;
}
