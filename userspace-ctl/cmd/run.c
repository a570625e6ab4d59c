// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl run [options] IMAGE": boot a guest image in a VM with one or
 * more vCPUs and the PC devices of devices/, until it exits, halts,
 * resets, dies or times out; --trace and --stats show its VM exits.
 *
 * Order: read the image and find its format (loader/: the loader table),
 * which sets the default guest RAM; load it (and a multiboot kernel's
 * modules or a Linux kernel's initramfs) into freshly allocated guest RAM,
 * so that bad input is reported without touching /dev/tvmm; then create
 * the VM (vmm/), check the extensions the options need, and run it.
 *
 * Output: the guest's UART owns stdout. Everything tvmmctl says goes to
 * stderr: its errors ("tvmmctl: ..."), the --trace lines as exits happen,
 * the --stats table at the end, and with --json those two as JSON lines
 * plus a last {"type": "end"} line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tvmmctl.h"
#include "cmd/run.h"
#include "lib/jsonl.h"
#include "lib/parse.h"
#include "lib/vmx_caps.h"
#include "snapshot/snapshot.h"
#include "vmm/cpuid.h"
#include "vmm/vmm.h"

/* Exit statuses of "tvmmctl run" beyond enum tvmmctl_exit; all even, as
 * isa-debug-exit's (V << 1) | 1 is always odd.
 */
#define RUN_EXIT_TRIPLE_FAULT	4
#define RUN_EXIT_VM_ERROR	6	/* failed entry, internal error */
#define RUN_EXIT_TIMEOUT	8
#define RUN_EXIT_REBOOT		10	/* the i8042 reset the CPU */
#define RUN_EXIT_PANIC		12	/* Linux panicked: emergency restart, LEDs */
#define RUN_EXIT_QUIT		14	/* the user typed Ctrl-A x */

#define RUN_DEFAULT_MEM		(64ULL << 20)
#define RUN_MIN_MEM		(64ULL << 10)
#define RUN_MAX_MEM		(4ULL << 30)
#define RUN_MAX_TIMEOUT		(24U * 3600)

struct run_opts {
	__u64 mem;
	__u64 load_addr;
	__u64 entry;
	unsigned int timeout;
	unsigned int cpus;
	bool has_mem, has_load_addr, has_entry, has_mode;
	bool trace, stats, summary, json;
	enum boot_mode mode;
	const char *image;
	const char *cmdline;	/* NULL: not given */
	const char *initrd;	/* NULL: not given */
	struct run_save save;
};

/* run's options: the table parses them and prints them in the help. */
enum {
	RUN_OPT_MEM, RUN_OPT_CPUS, RUN_OPT_TIMEOUT, RUN_OPT_TRACE,
	RUN_OPT_STATS, RUN_OPT_SUMMARY, RUN_OPT_JSON, RUN_OPT_CMDLINE,
	RUN_OPT_INITRD, RUN_OPT_LOAD_ADDR, RUN_OPT_ENTRY, RUN_OPT_MODE,
	RUN_OPT_SAVE_ON, RUN_OPT_MIGRATE_ON,
};

static const struct tvmm_option run_options[] = {
	[RUN_OPT_MEM]		= { "--mem", NULL, "SIZE",
		"guest RAM, K/M/G suffix, 64K to 4G (default 64M,\n"
		"256M for a Linux kernel)" },
	[RUN_OPT_CPUS]		= { "--cpus", NULL, "N",
		"vCPUs, 1 (default) to 16" },
	[RUN_OPT_TIMEOUT]	= { "--timeout", NULL, "SECONDS",
		"stop the guest after this long" },
	[RUN_OPT_TRACE]		= { "--trace", NULL, NULL,
		"print every VM exit on stderr as it happens, those\n"
		"tvmm.ko handled included: vCPU, sequence number,\n"
		"exit reason, RIP, what the guest did, who handled it;\n"
		"then the summary of --summary" },
	[RUN_OPT_STATS]		= { "--stats", NULL, NULL,
		"print on stderr at the end each exit reason's count\n"
		"and cost in host TSC cycles, and the accesses to\n"
		"each device" },
	[RUN_OPT_SUMMARY]	= { "--summary", NULL, NULL,
		"print on stderr at the end every VM exit counted by\n"
		"reason, by what it touched (CPUID leaf, MSR, port,\n"
		"device register, vector) and by device: a long run,\n"
		"a Linux boot, in one screen" },
	[RUN_OPT_JSON]		= { "--json", NULL, NULL,
		"--trace, --stats and --summary as JSON lines, one\n"
		"object with a \"type\" per line, and a last\n"
		"{\"type\": \"end\"} line" },
	[RUN_OPT_CMDLINE]	= { "--cmdline", NULL, "STR",
		"the kernel command line: a multiboot kernel gets\n"
		"\"IMAGE STR\" in its info block (as from QEMU), a\n"
		"Linux kernel STR; all but multiboot kernels can\n"
		"also read STR from fw_cfg" },
	[RUN_OPT_INITRD]	= { "--initrd", NULL, "MODULES",
		"a Linux kernel's initramfs (one FILE); multiboot\n"
		"modules, QEMU's -initrd syntax: \"FILE ARGS\"\n"
		"separated by commas (,, for a comma in one)" },
	[RUN_OPT_LOAD_ADDR]	= { "--load-addr", NULL, "ADDR",
		"raw images: where to load (default 0x7c00)" },
	[RUN_OPT_ENTRY]		= { "--entry", NULL, "ADDR",
		"raw images: where to start (default: load address)" },
	[RUN_OPT_MODE]		= { "--mode", NULL, "MODE",
		"raw images: real (default), protected or long" },
	[RUN_OPT_SAVE_ON]	= RUN_SAVE_ON_OPTION,
	[RUN_OPT_MIGRATE_ON]	= RUN_MIGRATE_ON_OPTION,
};

/* One option of the table, @v its value; a usage error or 0. */
static int run_option(char **argv, int opt, const char *v,
		      struct run_opts *o)
{
	const char *val = v ? v : "";
	int mode;
	__u64 n;

	switch (opt) {
	case RUN_OPT_MEM:
		if (tvmm_parse_size(v, &o->mem) || o->mem & 4095 ||
		    o->mem < RUN_MIN_MEM || o->mem > RUN_MAX_MEM)
			return tvmmctl_usage_error(argv[0],
				"run: --mem: want a multiple of 4K from 64K to 4G, not '%s'",
				val);
		o->has_mem = true;
		break;
	case RUN_OPT_TIMEOUT:
		if (tvmm_parse_range(v, 1, RUN_MAX_TIMEOUT, &n))
			return tvmmctl_usage_error(argv[0],
				"run: --timeout: want 1 to %u seconds, not '%s'",
				RUN_MAX_TIMEOUT, val);
		o->timeout = n;
		break;
	case RUN_OPT_CPUS:
		if (tvmm_parse_range(v, 1, DEV_MAX_CPUS, &n))
			return tvmmctl_usage_error(argv[0],
				"run: --cpus: want 1 to %u, not '%s'",
				DEV_MAX_CPUS, val);
		o->cpus = n;
		break;
	case RUN_OPT_TRACE:
		o->trace = true;
		break;
	case RUN_OPT_STATS:
		o->stats = true;
		break;
	case RUN_OPT_SUMMARY:
		o->summary = true;
		break;
	case RUN_OPT_JSON:
		o->json = true;
		break;
	case RUN_OPT_LOAD_ADDR:
		if (tvmm_parse_u64(v, &o->load_addr))
			return tvmmctl_usage_error(argv[0],
				"run: --load-addr: bad address '%s'", val);
		o->has_load_addr = true;
		break;
	case RUN_OPT_ENTRY:
		if (tvmm_parse_u64(v, &o->entry))
			return tvmmctl_usage_error(argv[0],
				"run: --entry: bad address '%s'", val);
		o->has_entry = true;
		break;
	case RUN_OPT_MODE:
		mode = tvmm_parse_word(v, boot_mode_names, BOOT_NR_MODES);
		if (mode < 0)
			return tvmmctl_usage_error(argv[0],
				"run: --mode: want real, protected or long, not '%s'",
				val);
		o->mode = mode;
		o->has_mode = true;
		break;
	case RUN_OPT_CMDLINE:
		o->cmdline = v;
		if (!v)
			return tvmmctl_usage_error(argv[0],
				"run: --cmdline: a command line is missing");
		break;
	case RUN_OPT_INITRD:
		o->initrd = v;
		if (!v)
			return tvmmctl_usage_error(argv[0],
				"run: --initrd: the module files are missing");
		break;
	}
	return 0;
}

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	const char *v;
	int i, opt, ret;

	memset(o, 0, sizeof(*o));
	o->mem = RUN_DEFAULT_MEM;
	o->cpus = 1;
	for (i = 1; i < argc; i++) {
		opt = tvmm_opt_next(run_options, ARRAY_SIZE(run_options),
				    argc, argv, &i, &v);
		if (opt == TVMM_OPT_ARG) {
			if (o->image)
				return tvmmctl_usage_error(argv[0],
					"run: one image only ('%s')", v);
			o->image = v;
		} else if (opt == RUN_OPT_SAVE_ON ||
			   opt == RUN_OPT_MIGRATE_ON) {
			ret = run_parse_save_on(argc, argv, &i,
						run_options[opt].name, v,
						&o->save);
			if (ret)
				return ret;
		} else if (opt == TVMM_OPT_UNKNOWN) {
			return tvmmctl_usage_error(argv[0],
				"run: unknown option '%s'", v);
		} else {
			ret = run_option(argv, opt, v, o);
			if (ret)
				return ret;
		}
	}
	if (!o->image)
		return tvmmctl_usage_error(argv[0], "run: no image given");
	return TVMMCTL_EXIT_OK;
}

/* The whole file, in a malloc()ed buffer, at most @max bytes. */
static int read_image(const char *path, __u64 max, void **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t done = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	if ((__u64)st.st_size > max) {
		ret = -EFBIG;
		goto out;
	}
	*len = st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < *len) {
		n = read(fd, (char *)*buf + done, *len - done);
		if (n <= 0) {
			ret = n ? -errno : -EIO;
			free(*buf);
			goto out;
		}
		done += n;
	}
out:
	close(fd);
	return ret;
}

static const char *read_error(int err)
{
	return err == -EFBIG ? "larger than guest RAM (see --mem)" :
	       err == -EINVAL ? "not a regular file" : strerror(-err);
}

/*
 * Read the modules --initrd names for a multiboot kernel ("FILE ARGS,FILE
 * ARGS", ",," for a comma, as QEMU's -initrd) into @args. The one-line
 * error is printed here.
 */
static int run_read_modules(const struct run_opts *o, __u64 max,
			    struct load_args *args)
{
	struct mb_module *mods = NULL;
	unsigned int n = 0, i;
	char *name;
	void *data;
	int ret;

	ret = mb_parse_modules(o->initrd, &mods, &n);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: --initrd: %s\n", strerror(-ret));
		return ret;
	}
	for (i = 0; i < n && !ret; i++) {
		name = strndup(mods[i].string,
			       mb_module_name_len(mods[i].string));
		if (!name) {
			ret = -ENOMEM;
			fprintf(stderr, "tvmmctl: run: %s\n", strerror(-ret));
			break;
		}
		ret = read_image(name, max, &data, &mods[i].len);
		if (ret)
			fprintf(stderr, "tvmmctl: run: module '%s': %s\n",
				name, read_error(ret));
		else
			mods[i].data = data;
		free(name);
	}
	args->mods = mods;
	args->nmods = n;
	return ret;
}

/* What run_read_initrd() read. */
static void run_free_initrd(struct load_args *args)
{
	unsigned int i;

	for (i = 0; i < args->nmods; i++)
		free((void *)args->mods[i].data);
	mb_free_modules((struct mb_module *)args->mods, args->nmods);
	free((void *)args->initrd_data);
}

/* --initrd as @ld takes it; the one-line error is printed here. */
static int run_read_initrd(const struct run_opts *o, const struct loader *ld,
			   __u64 max, struct load_args *args)
{
	void *data;
	int ret;

	if (!o->initrd)
		return 0;
	switch (ld->initrd) {
	case LOADER_INITRD_MODULES:
		return run_read_modules(o, max, args);
	case LOADER_INITRD_FILE:
		ret = read_image(o->initrd, max, &data, &args->initrd_len);
		if (ret) {
			fprintf(stderr, "tvmmctl: run: --initrd '%s': %s\n",
				o->initrd, read_error(ret));
			return ret;
		}
		args->initrd_data = data;
		return 0;
	default:
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image,
			"--initrd is for multiboot kernels and Linux images");
		return -EINVAL;
	}
}

/*
 * Read the image and find its format; without --mem, the guest RAM the
 * format wants (o->mem). The one-line error is printed here.
 */
static int run_read_image(struct run_opts *o, void **img, size_t *len,
			  const struct loader **ld)
{
	int ret;

	ret = read_image(o->image, RUN_MAX_MEM, img, len);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image,
			ret == -EFBIG ? "image larger than the most guest RAM (4G)" :
			read_error(ret));
		return ret;
	}
	*ld = loader_find(*img, *len);
	if (!o->has_mem && (*ld)->default_mem)
		o->mem = (*ld)->default_mem;
	return 0;
}

/*
 * Put the image of format @ld in RAM; the one-line error is printed here.
 * @fw_cmdline: the command line for fw_cfg (none for a multiboot kernel,
 * as in QEMU).
 */
static int run_load(const struct run_opts *o, const struct loader *ld,
		    struct guest_ram *ram, const void *img, size_t len,
		    struct boot_info *boot, const char **fw_cmdline)
{
	char why_buf[LOADER_WHY_MAX];
	struct load_args args = {
		.image		= o->image,
		.cmdline	= o->cmdline,
		.initrd		= o->initrd,
		.nr_cpus	= o->cpus,
		.has_load_addr	= o->has_load_addr,
		.has_entry	= o->has_entry,
		.has_mode	= o->has_mode,
		.load_addr	= o->load_addr,
		.entry		= o->entry,
		.mode		= o->mode,
		.why_buf	= why_buf,
	};
	const char *why = NULL;
	int ret;

	memset(boot, 0, sizeof(*boot));
	*fw_cmdline = ld->fw_cfg_cmdline ? o->cmdline : NULL;
	if (!ld->raw_opts &&
	    (o->has_load_addr || o->has_entry || o->has_mode)) {
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image,
			"--load-addr, --entry and --mode are for raw images");
		return -EINVAL;
	}
	ret = run_read_initrd(o, ld, ram->size, &args);
	if (!ret) {
		ret = ld->load(ram, img, len, &args, boot, &why);
		if (ret)
			fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image,
				why);
	}
	run_free_initrd(&args);
	return ret;
}

static const char *const run_stop_names[] = {
	[VMM_STOP_DEVICE]	= "device",
	[VMM_STOP_HALT]		= "halt",
	[VMM_STOP_SHUTDOWN]	= "triple_fault",
	[VMM_STOP_FAIL_ENTRY]	= "fail_entry",
	[VMM_STOP_INTERNAL]	= "internal_error",
	[VMM_STOP_UNEXPECTED]	= "unexpected_exit",
	[VMM_STOP_TIMEOUT]	= "timeout",
	[VMM_STOP_ERROR]	= "error",
	[VMM_STOP_HOOK]		= "hook",
	[VMM_STOP_QUIT]		= "quit",
	[VMM_STOP_MIGRATED]	= "migrated",
};

static int run_status(struct vmm *vmm, struct dev_ctx *ctx,
		      enum vmm_stop stop, const char *who)
{
	char reason[256];
	const char *why;

	switch (stop) {
	case VMM_STOP_DEVICE:
		if (ctx->stop == DEV_STOP_RESET)
			return RUN_EXIT_REBOOT;
		if (ctx->stop == DEV_STOP_EMERGENCY)
			why = "an emergency restart: it reset with its keyboard still enabled";
		else if (ctx->stop == DEV_STOP_PANIC)
			why = "its keyboard LEDs blink";
		else
			return ctx->status;
		fprintf(stderr, "tvmmctl: %s: the guest panicked (%s)\n", who,
			why);
		return RUN_EXIT_PANIC;
	case VMM_STOP_HALT:
	case VMM_STOP_MIGRATED:		/* said by run_save_end() */
		return TVMMCTL_EXIT_OK;
	case VMM_STOP_QUIT:
		fprintf(stderr, "tvmmctl: %s: quit (Ctrl-A x)\n", who);
		return RUN_EXIT_QUIT;
	default:
		break;
	}
	fprintf(stderr, "tvmmctl: %s: %s\n", who,
		vmm_stop_reason(vmm, stop, reason, sizeof(reason)));
	vmm_dump_regs(vmm, stderr);
	if (stop == VMM_STOP_SHUTDOWN)
		return RUN_EXIT_TRIPLE_FAULT;
	if (stop == VMM_STOP_TIMEOUT)
		return RUN_EXIT_TIMEOUT;
	return RUN_EXIT_VM_ERROR;
}

/* --stats: tvmm's counts per vCPU, then tvmmctl's per device. */
static void run_print_stats(struct vmm *vmm, struct dev_ctx *ctx, bool json,
			    const char *who)
{
	const struct dev_count *count;
	struct tvmm_vcpu_stats st;
	const char *name;
	unsigned int i;
	int ret;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		ret = trace_stats_read(vmm->vcpus[i].fd, &st);
		if (ret) {
			fprintf(stderr, "tvmmctl: %s: TVMM_GET_VCPU_STATS: %s\n",
				who, strerror(-ret));
			continue;
		}
		trace_stats_print(stderr, &st, i, json);
		trace_stats_print_value(stderr, i, "interrupts injected",
					vmm->vcpus[i].injected, json);
	}
	for (i = 0; dev_count_get(ctx, i, &name, &count); i++)
		if (count->reads || count->writes)
			trace_stats_print_count(stderr, name, count->reads,
						count->writes, json);
}

/* --json: the last line says how the run ended. */
static void run_print_end(struct vmm *vmm, enum vmm_stop stop, int status)
{
	char line[TRACE_LINE_MAX];
	struct jsonl j;

	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", "end");
	jsonl_str(&j, "reason", run_stop_names[stop]);
	jsonl_uint(&j, "vcpu", vmm->stop_cpu);
	jsonl_uint(&j, "status", status);
	if (jsonl_end(&j) > 0)
		fprintf(stderr, "%s\n", line);
}

/* A signal by name (USR2, SIGUSR2, HUP...) or number: it, or -1. */
static int run_signal(const char *name)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "USR2", SIGUSR2 }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
		{ "CONT", SIGCONT }, { "TSTP", SIGTSTP }, { "WINCH", SIGWINCH },
	};
	unsigned int i;
	__u64 n;

	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (!strcmp(name, sigs[i].name))
			return sigs[i].sig;
	if (!tvmm_parse_range(name, 1, SIGRTMAX, &n))
		return n == SIGKILL || n == SIGSTOP || n == SIGUSR1 ||
		       n == SIGSEGV || n == SIGBUS || n == SIGFPE ||
		       n == SIGILL || n == SIGPIPE ? -1 : (int)n;
	return -1;
}

int run_parse_save_on(int argc, char **argv, int *i, const char *opt_name,
		      const char *sig, struct run_save *s)
{
	bool migrate = !strcmp(opt_name, "--migrate-on");
	char why[MIG_WHY_MAX];

	if (s->signal)
		return tvmmctl_usage_error(argv[0],
			"%s: --save-on and --migrate-on: one of them, once",
			argv[0]);
	if (!sig || *i + 1 >= argc)
		return tvmmctl_usage_error(argv[0],
			"%s: %s: want a signal and %s", argv[0], opt_name,
			migrate ? "an address" : "a file");
	s->signal = run_signal(sig);
	if (s->signal < 0)
		return tvmmctl_usage_error(argv[0],
			"%s: %s: '%s' is no signal tvmmctl can take (USR1 is its own)",
			argv[0], opt_name, sig);
	++*i;
	if (!migrate) {
		s->path = argv[*i];
		return TVMMCTL_EXIT_OK;
	}
	if (mig_parse_addr(argv[*i], &s->mig.addr, why, sizeof(why)))
		return tvmmctl_usage_error(argv[0], "%s: --migrate-on: %s",
					   argv[0], why);
	s->migrate = true;
	return TVMMCTL_EXIT_OK;
}

/*
 * vmm.pause_fn of --save-on: every vCPU stopped at an instruction
 * boundary, the device lock held. A snapshot that cannot be written is
 * said, and the guest goes on.
 */
static int run_save_pause(struct vmm *vmm, void *data)
{
	struct run_save *s = data;
	char why[SNAP_WHY_MAX + 64], line[512];
	__u64 start = run_now_ns(), ns;
	struct jsonl j;
	struct stat st;

	if (snap_save(s->path, vmm, s->machine, why, sizeof(why))) {
		fprintf(stderr, "tvmmctl: %s: --save-on: %s\n", s->who, why);
		return 0;
	}
	ns = run_now_ns() - start;
	s->count++;
	if (stat(s->path, &st))
		st.st_size = 0;
	fprintf(stderr,
		"tvmmctl: %s: snapshot %u saved to %s (%.1f MiB of RAM, a file of %.1f MiB, in %.3f s)\n",
		s->who, s->count, s->path, vmm->ram.size / 1048576.0,
		st.st_size / 1048576.0, ns / 1e9);
	if (!s->json)
		return 0;
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", "snapshot");
	jsonl_str(&j, "path", s->path);
	jsonl_uint(&j, "ram_bytes", vmm->ram.size);
	jsonl_uint(&j, "file_bytes", st.st_size);
	jsonl_uint(&j, "ns", ns);
	if (jsonl_end(&j) > 0)
		fprintf(stderr, "%s\n", line);
	return 0;
}

/* Have vmm_run() save or migrate on the signal: 0 or -errno, said. */
static int run_save_setup(struct vmm *vmm, struct vmm_opts *vo,
			  struct run_save *s)
{
	int ret;

	if (!s->path && !s->migrate)
		return 0;
	vo->pause_signal = s->signal;
	s->json = vo->json;
	if (s->path) {
		vmm->pause_fn = run_save_pause;
		vmm->pause_data = s;
		return 0;
	}
	ret = mig_send_init(&s->mig, vmm, s->who);
	if (ret) {
		fprintf(stderr, "tvmmctl: %s: --migrate-on: %s\n", s->who,
			strerror(-ret));
		return ret;
	}
	s->mig.machine = s->machine;
	s->mig.json = vo->json;
	vmm->pause_fn = mig_pause;
	vmm->pause_data = &s->mig;
	return 0;
}

/* After the run: a migration's thread stopped, and what it did said. */
static void run_save_end(struct run_save *s, enum vmm_stop stop)
{
	if (!s->migrate)
		return;
	mig_send_end(&s->mig);
	if (stop == VMM_STOP_MIGRATED)
		mig_print_stats(stderr, &s->mig);
}

/* --summary's lines of what the exits touched. */
#define RUN_SUMMARY_TOP		20

__u64 run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* After vmm_run(): --stats, the exit status, the --json end line. */
static int run_finish(struct vmm *vmm, struct dev_ctx *ctx,
		      enum vmm_stop stop, bool stats, bool json,
		      const char *who)
{
	int status;

	if (stats)
		run_print_stats(vmm, ctx, json, who);
	status = run_status(vmm, ctx, stop, who);
	if (json)
		run_print_end(vmm, stop, status);
	return status;
}

int run_go(struct vmm *vmm, struct dev_ctx *ctx, struct vmm_opts *vo,
	   struct run_save *save, bool summary, bool stats, const char *who)
{
	struct exit_summary sum = { 0 };
	enum vmm_stop stop;
	int ret, status;

	if (save && run_save_setup(vmm, vo, save))
		return TVMMCTL_EXIT_FAILURE;
	if (summary && summary_init(&sum, vmm->nr_vcpus, who, run_now_ns())) {
		fprintf(stderr, "tvmmctl: %s: no memory for the exit summary\n",
			who);
		if (save)
			run_save_end(save, VMM_STOP_ERROR);
		return TVMMCTL_EXIT_FAILURE;
	}
	vo->summary = summary ? &sum : NULL;
	ret = vmm_run(vmm, ctx, vo, &stop);
	fflush(stdout);
	if (save)
		run_save_end(save, ret ? VMM_STOP_ERROR : stop);
	if (ret) {
		fprintf(stderr, "tvmmctl: %s: cannot start the vCPUs: %s\n",
			who, strerror(-ret));
		summary_free(&sum);
		return TVMMCTL_EXIT_FAILURE;
	}
	status = run_finish(vmm, ctx, stop, stats, vo->json, who);
	if (summary) {
		summary_end(&sum, run_now_ns());
		summary_print(stderr, &sum, -1, RUN_SUMMARY_TOP, vo->json);
		summary_free(&sum);
	}
	return status;
}

/* The extensions the options need: 0, or prints why not and fails. */
static int run_check_extensions(struct vmm *vmm, const struct run_opts *o)
{
	int n;

	if ((o->trace || o->summary) &&
	    tvmm_check_extension(&vmm->dev, TVMM_CAP_TRACE) <= 0) {
		fprintf(stderr, "tvmmctl: run: --%s needs %s, which this tvmm.ko lacks\n",
			o->trace ? "trace" : "summary", "TVMM_CAP_TRACE");
		return -EOPNOTSUPP;
	}
	if (o->stats &&
	    tvmm_check_extension(&vmm->dev, TVMM_CAP_VCPU_STATS) <= 0) {
		fprintf(stderr, "tvmmctl: run: --stats needs %s, which this tvmm.ko lacks\n",
			"TVMM_CAP_VCPU_STATS");
		return -EOPNOTSUPP;
	}
	n = tvmm_check_extension(&vmm->dev, TVMM_CAP_MAX_VCPUS);
	if (o->cpus > 1 && n < (int)o->cpus) {
		fprintf(stderr, "tvmmctl: run: --cpus %u: this tvmm.ko allows %d vCPUs per VM\n",
			o->cpus, n < 0 ? 1 : n);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* IA32_MISC_ENABLE as the CPU model has it; a module without it: none. */
static void run_set_misc_enable(struct vmm_vcpu *v)
{
	__u64 buf[(sizeof(struct tvmm_msrs) +
		   sizeof(struct tvmm_msr_entry)) / sizeof(__u64)] = { 0 };
	struct tvmm_msrs *msrs = (struct tvmm_msrs *)buf;

	msrs->nmsrs = 1;
	msrs->entries[0].index = MSR_IA32_MISC_ENABLE;
	msrs->entries[0].data = CPU_MODEL_MISC_ENABLE;
	ioctl(v->fd, TVMM_SET_MSRS, msrs);
}

void run_cpu_model_opts(struct vmm *vmm, struct cpu_model_opts *mo)
{
	struct tvmm_vmx_caps caps;

	memset(mo, 0, sizeof(*mo));
	mo->nr_cpus = vmm->nr_vcpus;
	cpu_host_native_init();
	mo->tsc_khz = cpu_model_tsc_khz(&vmm->dev);
	mo->rdtscp = tvmm_check_extension(&vmm->dev, TVMM_CAP_VMX_CAPS) > 0 &&
		     !tvmm_get_vmx_caps(&vmm->dev, &caps) &&
		     tvmm_caps_has(&caps, TVMM_VMX_RDTSCP);
	/* Only when the local APIC model sees IA32_TSC_DEADLINE (vmm.c). */
	mo->tsc_deadline = vmm->has_user_msrs;
}

/*
 * Every vCPU's CPU model (vmm/cpuid.c): its CPUID, the host's processor
 * as far as tvmm.ko virtualizes it, its vCPU id as APIC ID, the TSC's
 * rate; fast strings in IA32_MISC_ENABLE. A copy of each table goes to
 * @m, for snapshots, unless it is NULL. 0, or prints why not and fails.
 */
static int run_set_cpuid(struct vmm *vmm, struct snap_machine_info *m)
{
	struct cpu_model_opts mo;
	struct tvmm_cpuid *cpuid;
	unsigned int i;
	int n = 0;

	run_cpu_model_opts(vmm, &mo);
	/* The APIC timers count at the rate leaf 0x15 gives, measured or not. */
	vmm->tsc_khz = mo.tsc_khz;
	if (m)
		m->tsc_khz = mo.tsc_khz;
	cpuid = calloc(1, sizeof(*cpuid) +
		       CPU_MODEL_MAX_ENTRIES * sizeof(cpuid->entries[0]));
	if (!cpuid)
		n = -ENOMEM;
	for (i = 0; i < vmm->nr_vcpus && n >= 0; i++) {
		n = cpu_model_build(cpuid->entries, CPU_MODEL_MAX_ENTRIES,
				    &cpu_host_native, &mo, i);
		if (n < 0)
			break;
		cpuid->nent = n;
		if (ioctl(vmm->vcpus[i].fd, TVMM_SET_CPUID, cpuid))
			n = -errno;
		else if (m)
			n = snap_machine_set_cpuid(m, i, cpuid->entries,
						   cpuid->nent);
		run_set_misc_enable(&vmm->vcpus[i]);
	}
	free(cpuid);
	if (n >= 0)
		return 0;
	fprintf(stderr, "tvmmctl: run: cannot set the vCPUs' CPUID: %s\n",
		strerror(-n));
	return n;
}

/*
 * The guest of @o, ready to run: its image read and loaded with its
 * initramfs or modules into new RAM, the VM created with its vCPUs, the
 * extensions the options need checked, vCPU 0's first state and every
 * vCPU's CPU model set; what a snapshot needs of it in @m (NULL: none).
 * 0, or prints why not and returns -errno; either way vmm_destroy() and
 * snap_machine_free() undo it.
 */
static int run_prepare(struct vmm *vmm, struct run_opts *o,
		       const char **fw_cmdline, struct snap_machine_info *m)
{
	const struct loader *ld;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct boot_info boot;
	const char *why = NULL;
	char msg[512];
	void *img;
	size_t len;
	int ret;

	vmm_alloc_ram(vmm, 0);	/* nothing yet, but vmm_destroy() works */
	ret = run_read_image(o, &img, &len, &ld);
	if (ret)
		return ret;
	ret = vmm_alloc_ram(vmm, o->mem);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: cannot allocate %llu bytes of guest RAM: %s\n",
			(unsigned long long)o->mem, strerror(-ret));
		free(img);
		return ret;
	}
	ret = run_load(o, ld, &vmm->ram, img, len, &boot, fw_cmdline);
	free(img);
	if (ret)
		return ret;
	if (m) {
		m->nr_vcpus = o->cpus;
		m->ram_size = o->mem;
		m->cmdline = *fw_cmdline ? strdup(*fw_cmdline) : NULL;
		if (*fw_cmdline && !m->cmdline)
			return -ENOMEM;
	}
	if (boot_setup(&vmm->ram, &boot, &regs, &sregs, &why)) {
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image, why);
		return -EINVAL;
	}
	ret = vmm_create(vmm, tvmm_dev_path(), o->cpus);
	if (ret) {
		fprintf(stderr, "tvmmctl: %s\n",
			vmm_create_strerror(vmm, "run", ret, msg, sizeof(msg)));
		return ret;
	}
	ret = run_check_extensions(vmm, o);
	if (ret)
		return ret;
	ret = vmm_set_state(vmm, &regs, &sregs);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: cannot set the vCPU's %s-mode state: %s\n",
			boot_mode_names[boot.mode], strerror(-ret));
		return ret;
	}
	return run_set_cpuid(vmm, m);
}

int run_make_guest(struct vmm *vmm, const struct run_guest *g,
		   const char **fw_cmdline)
{
	struct run_opts o = {
		.mem		= g->mem ? g->mem : RUN_DEFAULT_MEM,
		.has_mem	= g->mem,
		.cpus		= g->cpus ? g->cpus : 1,
		.summary	= g->summary,
		.image		= g->image,
		.initrd		= g->initrd,
		.cmdline	= g->cmdline,
	};

	return run_prepare(vmm, &o, fw_cmdline, NULL);
}

/* Run the guest run_prepare() made (@m: for --save-on); the exit status. */
static int run_vm(struct vmm *vmm, const struct run_opts *o,
		  const char *fw_cmdline, struct snap_machine_info *m)
{
	struct vmm_opts vo = {
		.timeout	= o->timeout,
		.trace		= o->trace,
		.json		= o->json,
		.trace_out	= stderr,
		/* A closed stdin: its number may become /dev/tvmm's. */
		.input_fd	= fcntl(STDIN_FILENO, F_GETFD) < 0 ? -1 :
				  STDIN_FILENO,
	};
	struct run_save save = o->save;
	struct dev_ctx ctx;

	dev_ctx_init(&ctx, stdout, o->trace);
	ctx.ram_size = o->mem;
	ctx.cmdline = fw_cmdline;
	save.machine = m;
	save.who = "run";
	return run_go(vmm, &ctx, &vo, &save, o->trace || o->summary, o->stats,
		      "run");
}

static int run_run(int argc, char **argv)
{
	struct snap_machine_info m = { 0 };
	const char *fw_cmdline = NULL;
	struct run_opts o;
	struct vmm vmm;
	int ret;

	ret = run_parse(argc, argv, &o);
	if (ret)
		return ret;
	ret = run_prepare(&vmm, &o, &fw_cmdline, &m);
	if (ret)
		ret = TVMMCTL_EXIT_FAILURE;
	else
		ret = run_vm(&vmm, &o, fw_cmdline, &m);
	vmm_destroy(&vmm);
	snap_machine_free(&m);
	return ret;
}

const struct tvmmctl_cmd tvmmctl_cmd_run = {
	.name		= "run",
	.usage		= "[--mem SIZE] [--cpus N] [--timeout SECONDS] [--trace]\n"
			  "           [--stats] [--summary] [--json] [--cmdline STR]\n"
			  "           [--initrd \"FILE ARGS,FILE ARGS\"] [--load-addr ADDR]\n"
			  "           [--entry ADDR] [--mode real|protected|long]\n"
			  "           [--save-on SIGNAL FILE | --migrate-on SIGNAL ADDR]\n"
			  "           IMAGE",
	.summary	= "boot a guest image in a VM",
	.help		=
"IMAGE is, in the order tvmmctl tells them apart:\n"
"- a multiboot kernel (a multiboot header in its first 8 KiB; ELF32 or\n"
"  a.out kludge), loaded as QEMU's -kernel loads it: same info block,\n"
"  memory map, module and string addresses; --initrd gives its modules;\n"
"- a Linux bzImage (\"HdrS\" at 0x202, boot protocol 2.12 or later), loaded\n"
"  at its pref_address and started through the 64-bit boot protocol: the\n"
"  zero page at 0x8000 (RSI), the command line at 0x20000, --initrd's\n"
"  initramfs at the top of RAM below 4 GiB, an MP table at 0x9fc00 with\n"
"  one processor per vCPU, long mode at the kernel + 0x200;\n"
"- a Linux vmlinux ELF with a Xen PVH entry note, as QEMU's -kernel starts\n"
"  one: hvm_start_info at 0x8000 (EBX), 32-bit protected mode at the\n"
"  note's entry; the command line, initramfs and MP table as for a bzImage;\n"
"- an ELF32 or ELF64 executable, loaded by its program headers at p_paddr\n"
"  and started at e_entry in 32-bit flat protected mode or in long mode\n"
"  with the first 4 GiB identity-mapped;\n"
"- else a raw image, loaded at 0x7c00 and started in real mode at\n"
"  0000:7c00 like a boot sector.\n"
"Linux kernels get an e820 map, and 256M of RAM unless --mem says otherwise.\n"
"Guest RAM starts at address 0. For protected and long mode tvmmctl keeps\n"
"a GDT, page tables and a stack below 0x7c00, or beside an image that\n"
"wants that place.\n"
"Devices: a 16550A UART at 0x3f8 on IRQ4 (output to stdout, input from\n"
"stdin), the 8259A PIC pair (0x20, 0xa0; vCPU 0's ExtINT), the 8254 PIT\n"
"(counter 0 on IRQ0, counter 2 gated through port 0x61), a CMOS RTC at\n"
"0x70 with the host's UTC time, a local APIC per vCPU at 0xfee00000\n"
"(IPIs, INIT, STARTUP, a timer counting at the TSC's rate, TSC-deadline\n"
"mode), an IOAPIC at 0xfec00000 (24 pins, ISA IRQs on their own pins,\n"
"IRQ0 on pin 2), an i8042 keyboard controller with a keyboard and no\n"
"mouse at 0x60 and 0x64, isa-debug-exit at 0xf4, POST codes at 0x80,\n"
"QEMU's fw_cfg at 0x510 (signature, RAM size, CPU count, command line;\n"
"no DMA). Other ports and addresses read as all ones; writes to them are\n"
"dropped. With --cpus N, vCPU 0 starts the image and the others wait for\n"
"INIT and STARTUP IPIs, as a PC's application processors do. HLT with\n"
"interrupts on waits for an interrupt.\n"
"Each vCPU's CPUID is the host's processor as far as tvmm virtualizes it\n"
"(no VMX, PCID, x2APIC, MCE, MTRR, PMU or speculation-control MSRs;\n"
"XSAVE with SSE and AVX state only), the vCPU's number as its APIC ID,\n"
"and the TSC's rate in leaves 0x15 and 0x16.\n"
"When stdin is a terminal it is raw: every key goes to the guest, Ctrl-C\n"
"included. Ctrl-A x quits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends\n"
"Ctrl-A. The terminal is put back on every way out.\n"
"Live migration: \"tvmmctl restore --incoming ADDR\" listens, here or on\n"
"another host; SIGNAL to \"tvmmctl run --migrate-on SIGNAL ADDR\" sends it\n"
"the guest's memory while the guest runs, then again the pages the guest\n"
"wrote meanwhile, round after round, until a round is small (64 pages) or\n"
"stops shrinking; then it stops the guest, sends the last pages and the\n"
"vCPUs' and devices' state, and ends with 0 once the receiver took the\n"
"guest, saying how many rounds, bytes and how long the guest stood still.\n"
"If the receiver is not there, refuses the guest or goes away before,\n"
"the guest goes on here and SIGNAL tries again.\n"
"\n",
	.opts		= run_options,
	.nr_opts	= ARRAY_SIZE(run_options),
	.help_end	=
"\n"
"The guest's UART has stdout to itself: everything tvmmctl prints goes\n"
"to stderr.\n"
"Exit status: (V << 1) | 1 when the guest writes V to port 0xf4;\n"
"0 when vCPU 0 halts with interrupts disabled (Linux's poweroff without\n"
"ACPI); 1 bad image or no device; 2 bad command line; 4 triple fault;\n"
"6 failed VM entry or internal error; 8 timeout; 10 the guest reset the\n"
"machine through the i8042 (Linux's reboot); 12 the guest panicked: it\n"
"reset with its keyboard still enabled, as Linux's emergency restart\n"
"after a panic does with panic=-1 or panic=N (with the default panic=0\n"
"Debian's kernel spins: 8), or it blinked the keyboard LEDs as other\n"
"kernels do; 14 Ctrl-A x. 4, 6 and 8 print a register dump.\n",
	.run		= run_run,
};
