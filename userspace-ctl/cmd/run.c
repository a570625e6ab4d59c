// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl run [options] IMAGE": boot a guest image in a VM with one vCPU
 * and the PC devices of devices/, until it exits, halts, resets, dies or
 * times out.
 *
 * Order: read and load the image (and a multiboot kernel's modules) into
 * freshly allocated guest RAM first, so that bad input is reported
 * without touching /dev/tvmm; then create the VM (vmm/) and run it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tvmmctl.h"
#include "lib/parse.h"
#include "vmm/vmm.h"

/* Exit statuses of "tvmmctl run" beyond enum tvmmctl_exit; all even, as
 * isa-debug-exit's (V << 1) | 1 is always odd.
 */
#define RUN_EXIT_TRIPLE_FAULT	4
#define RUN_EXIT_VM_ERROR	6	/* failed entry, internal error */
#define RUN_EXIT_TIMEOUT	8

#define RUN_DEFAULT_MEM		(64ULL << 20)
#define RUN_MIN_MEM		(64ULL << 10)
#define RUN_MAX_MEM		(4ULL << 30)
#define RUN_MAX_TIMEOUT		(24U * 3600)

struct run_opts {
	__u64 mem;
	__u64 load_addr;
	__u64 entry;
	unsigned int timeout;
	bool has_load_addr, has_entry, has_mode;
	enum boot_mode mode;
	const char *image;
	const char *cmdline;	/* NULL: not given */
	const char *initrd;	/* NULL: not given */
};

static const char *const run_later_opts[] = {
	"--cpus", "--trace", "--stats", "--json",
};

/* "--name VALUE" or "--name=VALUE": the value, or NULL if @arg is not it. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (!arg[n] || arg[n] == '=');
}

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	const char *v;
	__u64 n;
	size_t k;
	int i;

	memset(o, 0, sizeof(*o));
	o->mem = RUN_DEFAULT_MEM;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (arg[0] != '-' || !strcmp(arg, "-")) {
			if (o->image)
				return tvmmctl_usage_error(argv[0],
					"run: one image only ('%s')", arg);
			o->image = arg;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(run_later_opts); k++)
			if (opt_is(arg, run_later_opts[k]))
				return tvmmctl_usage_error(argv[0],
					"run: %s: not implemented yet",
					run_later_opts[k]);
		if (opt_is(arg, "--mem")) {
			v = opt_value(argc, argv, &i, "--mem");
			if (tvmm_parse_size(v, &o->mem) || o->mem & 4095 ||
			    o->mem < RUN_MIN_MEM || o->mem > RUN_MAX_MEM)
				return tvmmctl_usage_error(argv[0],
					"run: --mem: want a multiple of 4K from 64K to 4G, not '%s'",
					v ? v : "");
		} else if (opt_is(arg, "--timeout")) {
			v = opt_value(argc, argv, &i, "--timeout");
			if (tvmm_parse_u64(v, &n) || !n || n > RUN_MAX_TIMEOUT)
				return tvmmctl_usage_error(argv[0],
					"run: --timeout: want 1 to %u seconds, not '%s'",
					RUN_MAX_TIMEOUT, v ? v : "");
			o->timeout = n;
		} else if (opt_is(arg, "--load-addr")) {
			v = opt_value(argc, argv, &i, "--load-addr");
			if (tvmm_parse_u64(v, &o->load_addr))
				return tvmmctl_usage_error(argv[0],
					"run: --load-addr: bad address '%s'",
					v ? v : "");
			o->has_load_addr = true;
		} else if (opt_is(arg, "--entry")) {
			v = opt_value(argc, argv, &i, "--entry");
			if (tvmm_parse_u64(v, &o->entry))
				return tvmmctl_usage_error(argv[0],
					"run: --entry: bad address '%s'",
					v ? v : "");
			o->has_entry = true;
		} else if (opt_is(arg, "--mode")) {
			v = opt_value(argc, argv, &i, "--mode");
			if (v && !strcmp(v, "real"))
				o->mode = BOOT_REAL;
			else if (v && !strcmp(v, "protected"))
				o->mode = BOOT_PROTECTED;
			else if (v && !strcmp(v, "long"))
				o->mode = BOOT_LONG;
			else
				return tvmmctl_usage_error(argv[0],
					"run: --mode: want real, protected or long, not '%s'",
					v ? v : "");
			o->has_mode = true;
		} else if (opt_is(arg, "--cmdline")) {
			o->cmdline = opt_value(argc, argv, &i, "--cmdline");
			if (!o->cmdline)
				return tvmmctl_usage_error(argv[0],
					"run: --cmdline: a command line is missing");
		} else if (opt_is(arg, "--initrd")) {
			o->initrd = opt_value(argc, argv, &i, "--initrd");
			if (!o->initrd)
				return tvmmctl_usage_error(argv[0],
					"run: --initrd: the module files are missing");
		} else {
			return tvmmctl_usage_error(argv[0],
				"run: unknown option '%s'", arg);
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
 * Read the modules --initrd names ("FILE ARGS,FILE ARGS", ",," for a
 * comma, as QEMU's -initrd for a multiboot kernel) and load the kernel.
 * The one-line error is printed here.
 */
static int run_load_multiboot(const struct run_opts *o,
			      struct guest_ram *ram, const void *img,
			      size_t len, struct boot_info *boot)
{
	struct mb_args args = {
		.image = o->image,
		.cmdline = o->cmdline,
		.initrd = o->initrd,
	};
	struct mb_module *mods = NULL;
	const char *why = NULL;
	unsigned int n = 0, i;
	char *name;
	void *data;
	int ret = 0;

	if (o->has_load_addr || o->has_entry || o->has_mode) {
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image,
			"--load-addr, --entry and --mode are for raw images");
		return -EINVAL;
	}
	if (o->initrd)
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
		ret = read_image(name, ram->size, &data, &mods[i].len);
		if (ret)
			fprintf(stderr, "tvmmctl: run: module '%s': %s\n",
				name, read_error(ret));
		else
			mods[i].data = data;
		free(name);
	}
	if (!ret) {
		args.mods = mods;
		args.nmods = n;
		ret = load_multiboot(ram, img, len, &args, boot, &why);
		if (ret)
			fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image, why);
	}
	for (i = 0; i < n; i++)
		free((void *)mods[i].data);
	mb_free_modules(mods, n);
	return ret;
}

/*
 * Put the image in RAM; the one-line error is printed here. @fw_cmdline:
 * the command line for fw_cfg (none for a multiboot kernel, as in QEMU).
 */
static int run_load(const struct run_opts *o, struct guest_ram *ram,
		    struct boot_info *boot, const char **fw_cmdline)
{
	const char *why = NULL;
	void *img = NULL;
	size_t len = 0, off;
	int ret;

	memset(boot, 0, sizeof(*boot));
	*fw_cmdline = o->cmdline;
	ret = read_image(o->image, ram->size, &img, &len);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image,
			ret == -EFBIG ? "image larger than guest RAM (see --mem)" :
			read_error(ret));
		return ret;
	}
	if (mb_find_header(img, len, &off) != -ENOENT) {
		/* Even a corrupt header: that is no raw image either. */
		*fw_cmdline = NULL;
		ret = run_load_multiboot(o, ram, img, len, boot);
		free(img);
		return ret;
	}
	if (o->initrd) {
		why = "--initrd is for multiboot kernels";
		ret = -EINVAL;
	} else if (image_is_elf(img, len)) {
		ret = load_elf(ram, img, len, boot, &why);
		if (!ret && (o->has_load_addr || o->has_entry || o->has_mode)) {
			why = "--load-addr, --entry and --mode are for raw images";
			ret = -EINVAL;
		}
	} else {
		__u64 addr = o->has_load_addr ? o->load_addr : RAW_LOAD_ADDR;

		boot->mode = o->has_mode ? o->mode : BOOT_REAL;
		boot->entry = o->has_entry ? o->entry : addr;
		if (boot->mode != BOOT_REAL && addr < BOOT_AREA_END) {
			why = "raw image overlaps tvmmctl's boot area below 0x7c00";
			ret = -EINVAL;
		} else {
			ret = load_raw(ram, img, len, addr, &why);
		}
	}
	free(img);
	if (ret)
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o->image, why);
	return ret;
}

static int run_status(struct vmm *vmm, struct dev_ctx *ctx,
		      enum vmm_stop stop)
{
	char why[256];

	switch (stop) {
	case VMM_STOP_DEVICE:
		return ctx->status;
	case VMM_STOP_HALT:
		return TVMMCTL_EXIT_OK;
	default:
		break;
	}
	fprintf(stderr, "tvmmctl: run: %s\n",
		vmm_stop_reason(vmm, stop, why, sizeof(why)));
	vmm_dump_regs(vmm, stderr);
	if (stop == VMM_STOP_SHUTDOWN)
		return RUN_EXIT_TRIPLE_FAULT;
	if (stop == VMM_STOP_TIMEOUT)
		return RUN_EXIT_TIMEOUT;
	return RUN_EXIT_VM_ERROR;
}

/* Create the VM around the loaded RAM and run it; the exit status. */
static int run_vm(struct vmm *vmm, const struct run_opts *o,
		  const struct boot_info *boot, const struct tvmm_regs *regs,
		  const struct tvmm_sregs *sregs, const char *fw_cmdline)
{
	struct dev_ctx ctx;
	enum vmm_stop stop;
	char msg[512];
	int ret;

	ret = vmm_create(vmm, tvmm_dev_path());
	if (ret) {
		if (vmm->vm_fd < 0)
			fprintf(stderr, "tvmmctl: %s\n",
				tvmm_dev_strerror(&vmm->dev, ret, msg,
						  sizeof(msg)));
		else
			fprintf(stderr, "tvmmctl: run: cannot create the VM: %s\n",
				strerror(-ret));
		return TVMMCTL_EXIT_FAILURE;
	}
	ret = vmm_set_state(vmm, regs, sregs);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: cannot set the vCPU's %s-mode state: %s\n",
			boot_mode_name(boot->mode), strerror(-ret));
		return TVMMCTL_EXIT_FAILURE;
	}
	dev_ctx_init(&ctx, stdout, false);
	ctx.ram_size = o->mem;
	ctx.cmdline = fw_cmdline;
	ret = vmm_run(vmm, &ctx, o->timeout, &stop);
	fflush(stdout);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: TVMM_RUN: %s\n", strerror(-ret));
		vmm_dump_regs(vmm, stderr);
		return RUN_EXIT_VM_ERROR;
	}
	return run_status(vmm, &ctx, stop);
}

static int run_run(int argc, char **argv)
{
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	struct boot_info boot;
	struct run_opts o;
	struct vmm vmm;
	const char *why = NULL, *fw_cmdline;
	int ret;

	ret = run_parse(argc, argv, &o);
	if (ret)
		return ret;
	ret = vmm_alloc_ram(&vmm, o.mem);
	if (ret) {
		fprintf(stderr, "tvmmctl: run: cannot allocate %llu bytes of guest RAM: %s\n",
			(unsigned long long)o.mem, strerror(-ret));
		return TVMMCTL_EXIT_FAILURE;
	}
	if (run_load(&o, &vmm.ram, &boot, &fw_cmdline)) {
		ret = TVMMCTL_EXIT_FAILURE;
	} else if (boot_setup(&vmm.ram, &boot, &regs, &sregs, &why)) {
		fprintf(stderr, "tvmmctl: run: %s: %s\n", o.image, why);
		ret = TVMMCTL_EXIT_FAILURE;
	} else {
		ret = run_vm(&vmm, &o, &boot, &regs, &sregs, fw_cmdline);
	}
	vmm_destroy(&vmm);
	return ret;
}

const struct tvmmctl_cmd tvmmctl_cmd_run = {
	.name		= "run",
	.usage		= "[--mem SIZE] [--timeout SECONDS] [--cmdline STR]\n"
			  "           [--initrd \"FILE ARGS,FILE ARGS\"] [--load-addr ADDR]\n"
			  "           [--entry ADDR] [--mode real|protected|long] IMAGE",
	.summary	= "boot a guest image in a VM with one vCPU",
	.help		=
"IMAGE is a multiboot kernel (a multiboot header in its first 8 KiB; ELF32\n"
"or a.out kludge), an ELF32 or ELF64 executable (loaded by its program\n"
"headers at p_paddr, started at e_entry in 32-bit flat protected mode or in\n"
"long mode with the first 4 GiB identity-mapped) or else a raw image,\n"
"loaded at 0x7c00 and started in real mode at 0000:7c00 like a boot sector.\n"
"A multiboot kernel is loaded as QEMU's -kernel loads it: same info block,\n"
"memory map, module and string addresses.\n"
"Guest RAM is one slot at address 0. Below 0x7c00 tvmmctl keeps a GDT,\n"
"page tables and a stack for protected and long mode.\n"
"Devices: a 16550A UART at 0x3f8 (output to stdout), isa-debug-exit at\n"
"0xf4, POST codes at 0x80, the i8042's reset (0xfe to port 0x64), QEMU's\n"
"fw_cfg at 0x510 (signature, RAM size, CPU count, command line; no DMA).\n"
"Other ports read as all ones; writes to them are dropped.\n"
"\n"
"  --mem SIZE          guest RAM, K/M/G suffix (default 64M, 64K to 4G)\n"
"  --timeout SECONDS   stop the guest after this long\n"
"  --cmdline STR       the kernel command line: multiboot kernels get\n"
"                      \"IMAGE STR\" in their info block (as from QEMU),\n"
"                      other images STR from fw_cfg\n"
"  --initrd MODULES    multiboot modules, QEMU's -initrd syntax: \"FILE ARGS\"\n"
"                      separated by commas (,, for a comma in one)\n"
"  --load-addr ADDR    raw images: where to load (default 0x7c00)\n"
"  --entry ADDR        raw images: where to start (default: load address)\n"
"  --mode MODE         raw images: real (default), protected or long\n"
"\n"
"Exit status: (V << 1) | 1 when the guest writes V to port 0xf4;\n"
"0 when it halts with interrupts disabled or resets; 1 bad image or\n"
"no device; 2 bad command line; 4 triple fault; 6 failed VM entry or\n"
"internal error; 8 timeout. 4, 6 and 8 print a register dump.\n",
	.run		= run_run,
};
