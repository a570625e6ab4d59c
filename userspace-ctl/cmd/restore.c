// SPDX-License-Identifier: GPL-2.0
/*
 * "tvmmctl restore [options] FILE": go on with a guest where "tvmmctl run
 * --save-on" (or an earlier restore) stopped it, in this process, with
 * the same devices, terminal and exit statuses as "tvmmctl run".
 * "tvmmctl restore --incoming ADDR": the same with a guest that "tvmmctl
 * run --migrate-on" sends while it runs (snapshot/migrate.h): its memory
 * as it comes, then its state, which goes through the same checks as a
 * file's; the sender learns whether the guest was taken.
 *
 * Order: read the file and check all of it (snapshot/: checksums, layout
 * versions, every section the machine needs, the devices' values) before
 * opening /dev/tvmm; then make the VM, check the CPU features the guest
 * was given against what this host's tvmm.ko can give; only then put the
 * state in and run. A file refused at any step runs nothing.
 *
 * The same file restored twice runs the same guest from the same state:
 * a snapshot is also a point to roll back to.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tvmmctl.h"
#include "cmd/run.h"
#include "lib/jsonl.h"
#include "lib/parse.h"
#include "lib/vmx_caps.h"

#define RESTORE_MAX_TIMEOUT	(24U * 3600)

struct restore_opts {
	__u64 start_ns;		/* when the restore began */
	unsigned int timeout;
	bool trace, stats, json;
	const char *file;
	const char *incoming;	/* --incoming ADDR, instead of FILE */
	struct mig_addr addr;
	struct run_save save;
};

enum {
	RESTORE_OPT_TIMEOUT, RESTORE_OPT_TRACE, RESTORE_OPT_STATS,
	RESTORE_OPT_JSON, RESTORE_OPT_SAVE_ON, RESTORE_OPT_MIGRATE_ON,
	RESTORE_OPT_INCOMING,
};

static const struct tvmm_option restore_options[] = {
	[RESTORE_OPT_TIMEOUT]	= { "--timeout", NULL, "SECONDS",
		"stop the guest after this long" },
	[RESTORE_OPT_TRACE]	= { "--trace", NULL, NULL,
		"print every VM exit on stderr, as tvmmctl run does" },
	[RESTORE_OPT_STATS]	= { "--stats", NULL, NULL,
		"print exit counts and device accesses at the end" },
	[RESTORE_OPT_JSON]	= { "--json", NULL, NULL,
		"--trace and --stats as JSON lines" },
	[RESTORE_OPT_SAVE_ON]	= RUN_SAVE_ON_OPTION,
	[RESTORE_OPT_MIGRATE_ON] = RUN_MIGRATE_ON_OPTION,
	[RESTORE_OPT_INCOMING]	= { "--incoming", NULL, "ADDR",
		"instead of FILE: listen at ADDR (unix:PATH or\n"
		"tcp:HOST:PORT) for one tvmmctl run --migrate-on,\n"
		"and go on with the guest it sends" },
};

static int restore_parse(int argc, char **argv, struct restore_opts *o)
{
	char why[MIG_WHY_MAX];
	const char *v;
	int i, opt, ret;
	__u64 n;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		opt = tvmm_opt_next(restore_options,
				    ARRAY_SIZE(restore_options), argc, argv,
				    &i, &v);
		switch (opt) {
		case TVMM_OPT_ARG:
			if (o->file)
				return tvmmctl_usage_error(argv[0],
					"restore: one snapshot only ('%s')", v);
			o->file = v;
			break;
		case TVMM_OPT_UNKNOWN:
			return tvmmctl_usage_error(argv[0],
				"restore: unknown option '%s'", v);
		case RESTORE_OPT_TIMEOUT:
			if (tvmm_parse_range(v, 1, RESTORE_MAX_TIMEOUT, &n))
				return tvmmctl_usage_error(argv[0],
					"restore: --timeout: want 1 to %u seconds, not '%s'",
					RESTORE_MAX_TIMEOUT, v ? v : "");
			o->timeout = n;
			break;
		case RESTORE_OPT_TRACE:
			o->trace = true;
			break;
		case RESTORE_OPT_STATS:
			o->stats = true;
			break;
		case RESTORE_OPT_JSON:
			o->json = true;
			break;
		case RESTORE_OPT_SAVE_ON:
		case RESTORE_OPT_MIGRATE_ON:
			ret = run_parse_save_on(argc, argv, &i,
						restore_options[opt].name, v,
						&o->save);
			if (ret)
				return ret;
			break;
		case RESTORE_OPT_INCOMING:
			if (mig_parse_addr(v, &o->addr, why, sizeof(why)))
				return tvmmctl_usage_error(argv[0],
					"restore: --incoming: %s", why);
			o->incoming = v;
			break;
		}
	}
	if (o->file && o->incoming)
		return tvmmctl_usage_error(argv[0],
			"restore: a snapshot file or --incoming, not both");
	if (!o->file && !o->incoming)
		return tvmmctl_usage_error(argv[0],
					   "restore: no snapshot file given");
	return TVMMCTL_EXIT_OK;
}

/* What the guest came from, for messages: the file, or the address. */
static const char *restore_source(const struct restore_opts *o)
{
	return o->file ? o->file : o->addr.text;
}

static int restore_refuse(const struct restore_opts *o,
			  const struct snap_file *f)
{
	fprintf(stderr, "tvmmctl: restore: %s: %s\n", restore_source(o),
		f->why);
	return TVMMCTL_EXIT_FAILURE;
}

/* snap_host_features_fn: vCPU 0 of the CPU model this host would give. */
static int restore_host_features(void *data,
				 __u32 words[SNAP_NR_FEATURE_WORDS])
{
	struct tvmm_cpuid_entry e[CPU_MODEL_MAX_ENTRIES];
	struct cpu_model_opts mo;
	int n;

	run_cpu_model_opts(data, &mo);
	n = cpu_model_build(e, ARRAY_SIZE(e), &cpu_host_native, &mo, 0);
	if (n < 0)
		return n;
	snap_features_from_cpuid(e, n, words);
	return 0;
}

/* What this host's tvmm.ko gives a vCPU, for snap_check_host(). */
static int restore_host(struct vmm *vmm, struct snap_host *h)
{
	__u32 words[SNAP_NR_FEATURE_WORDS];
	int ret;

	ret = restore_host_features(vmm, words);
	if (ret)
		return ret;
	h->events = vmm->has_events;
	h->xsave = vmm->has_xsave;
	h->debugregs = vmm->has_debugregs;
	h->xcr0 = words[SNAP_FW_D_EAX];
	return 0;
}

/* The extensions the options and the machine need: 0, or says why not. */
static int restore_check_extensions(struct vmm *vmm,
				    const struct restore_opts *o,
				    unsigned int nr_vcpus)
{
	const char *need = NULL;

	if (o->trace && tvmm_check_extension(&vmm->dev, TVMM_CAP_TRACE) <= 0)
		need = "TVMM_CAP_TRACE";
	else if (o->stats &&
		 tvmm_check_extension(&vmm->dev, TVMM_CAP_VCPU_STATS) <= 0)
		need = "TVMM_CAP_VCPU_STATS";
	else if (nr_vcpus > 1 &&
		 tvmm_check_extension(&vmm->dev, TVMM_CAP_MAX_VCPUS) <
		 (int)nr_vcpus)
		need = "TVMM_CAP_MAX_VCPUS of the snapshot's vCPUs";
	if (!need)
		return 0;
	fprintf(stderr, "tvmmctl: restore: %s: needs %s, which this tvmm.ko lacks\n",
		restore_source(o), need);
	return -EOPNOTSUPP;
}

/*
 * The guest's TSC goes on from the snapshot's where tvmm.ko can offset
 * it; elsewhere it is the host's, and jumps (the devices' timers do not:
 * they are relative).
 */
static int restore_tsc(struct vmm *vmm, const struct snap_file *f)
{
	struct tvmm_vmx_caps caps;

	if (tvmm_check_extension(&vmm->dev, TVMM_CAP_VMX_CAPS) <= 0 ||
	    tvmm_get_vmx_caps(&vmm->dev, &caps) ||
	    !tvmm_caps_has(&caps, TVMM_VMX_TSC_OFFSET))
		return 0;
	return vmm_set_guest_tsc(vmm, snap_saved_tsc(f));
}

/* The VM as the snapshot has it; 0, or says why not. */
static int restore_vm(struct vmm *vmm, struct snap_file *f,
		      const struct snap_machine_info *m,
		      const struct restore_opts *o)
{
	struct tvmm_cpuid *cpuid;
	struct snap_host host;
	unsigned int i;
	char msg[512];
	int ret;

	/* A migration's VM was made when the stream began. */
	if (vmm->vm_fd >= 0 && vmm->nr_vcpus != m->nr_vcpus) {
		snprintf(f->why, sizeof(f->why),
			 "the state has %u vCPUs, the stream said %u",
			 m->nr_vcpus, vmm->nr_vcpus);
		return -EINVAL;
	}
	ret = vmm->vm_fd >= 0 ? 0 :
	      vmm_create(vmm, tvmm_dev_path(), m->nr_vcpus);
	if (ret) {
		vmm_create_strerror(vmm, "restore", ret, msg, sizeof(msg));
		fprintf(stderr, "tvmmctl: %s\n", msg);
		snprintf(f->why, sizeof(f->why), "%.*s", SNAP_WHY_MAX - 1,
			 msg);
		return ret;
	}
	ret = restore_check_extensions(vmm, o, m->nr_vcpus);
	if (ret)
		return ret;
	if (snap_check_features(f, restore_host_features, vmm)) {
		restore_refuse(o, f);
		return -EOPNOTSUPP;
	}
	ret = restore_host(vmm, &host);
	if (ret) {
		fprintf(stderr, "tvmmctl: restore: this host's CPU model: %s\n",
			strerror(-ret));
		return ret;
	}
	if (snap_check_host(f, m, &host)) {
		restore_refuse(o, f);
		return -EOPNOTSUPP;
	}
	cpuid = calloc(1, sizeof(*cpuid) + TVMM_MAX_CPUID_ENTRIES *
		       sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -ENOMEM;
	for (i = 0; i < m->nr_vcpus && !ret; i++) {
		cpuid->nent = m->nent[i];
		memcpy(cpuid->entries, m->cpuid[i],
		       m->nent[i] * sizeof(cpuid->entries[0]));
		if (ioctl(vmm->vcpus[i].fd, TVMM_SET_CPUID, cpuid)) {
			ret = -errno;
			snprintf(f->why, sizeof(f->why),
				 "vCPU %u: TVMM_SET_CPUID: %s", i,
				 strerror(errno));
		}
	}
	free(cpuid);
	if (!ret)
		ret = snap_load_vcpus(f, vmm);
	if (!ret) {
		ret = restore_tsc(vmm, f);
		if (ret)
			snprintf(f->why, sizeof(f->why),
				 "TVMM_SET_TSC_OFFSET: %s", strerror(-ret));
	}
	if (ret)
		restore_refuse(o, f);
	/* The guest was told this rate: its timers count at it. */
	vmm->tsc_khz = m->tsc_khz;
	return ret;
}

/*
 * A migration's answer: @why NULL takes the guest. A refusal the sender
 * does not hear only costs it the wait; an acceptance it does not hear
 * would leave the guest running twice, so the guest runs here only when
 * the answer went out.
 */
static int restore_answer(const struct restore_opts *o, struct mig_recv *in,
			  const char *why)
{
	int ret;

	if (!in)
		return 0;
	ret = mig_recv_answer(in, why);
	if (ret && !why)
		fprintf(stderr,
			"tvmmctl: restore: %s: cannot answer the sender (%s): the guest does not go on here\n",
			o->addr.text, in->stream.why);
	return ret;
}

/*
 * With --stats or --json: how long the restore took, from the start of the
 * command to the guest ready to run (a file: reading and checking it
 * included; a migration: from the state's arrival).
 */
static void restore_report(const struct restore_opts *o,
			   const struct snap_machine_info *m,
			   const struct snap_file *f)
{
	__u64 ns = run_now_ns() - o->start_ns;
	char line[512];
	struct jsonl j;

	if (o->stats)
		fprintf(stderr,
			"tvmmctl: restore: %s: %.1f MiB of RAM from %.1f MiB of state in %.3f s\n",
			restore_source(o), m->ram_size / 1048576.0,
			f->size / 1048576.0, ns / 1e9);
	if (!o->json)
		return;
	jsonl_begin(&j, line, sizeof(line));
	jsonl_str(&j, "type", "restore");
	jsonl_str(&j, "from", restore_source(o));
	jsonl_uint(&j, "ram_bytes", m->ram_size);
	jsonl_uint(&j, "file_bytes", f->size);
	jsonl_uint(&j, "ns", ns);
	if (jsonl_end(&j) > 0)
		fprintf(stderr, "%s\n", line);
}

/* @in: the migration the guest came by, or NULL for a file. */
static int restore_run_vm(struct vmm *vmm, struct snap_file *f,
			  struct snap_machine_info *m,
			  struct restore_opts *o, struct mig_recv *in)
{
	struct vmm_opts vo = {
		.timeout	= o->timeout,
		.trace		= o->trace,
		.json		= o->json,
		.trace_out	= stderr,
		.input_fd	= fcntl(STDIN_FILENO, F_GETFD) < 0 ? -1 :
				  STDIN_FILENO,
		.resume		= true,
	};
	struct dev_clock clk;
	struct dev_ctx ctx;

	f->why[0] = '\0';
	if (restore_vm(vmm, f, m, o)) {
		restore_answer(o, in, f->why[0] ? f->why :
			       "the receiver cannot make the VM (its messages say why)");
		return TVMMCTL_EXIT_FAILURE;
	}
	dev_ctx_init(&ctx, stdout, o->trace);
	ctx.nr_cpus = m->nr_vcpus;
	ctx.ram_size = m->ram_size;
	ctx.cmdline = m->cmdline;
	ctx.tsc_khz = m->tsc_khz;
	clk.ns = dev_now_ns(&ctx);
	clk.tsc = vmm_guest_tsc(vmm);
	if (snap_load_devices(f, &ctx, &clk)) {
		restore_answer(o, in, f->why);
		return restore_refuse(o, f);
	}
	if (restore_answer(o, in, NULL))
		return TVMMCTL_EXIT_FAILURE;
	restore_report(o, m, f);
	if (in) {
		fprintf(stderr,
			"tvmmctl: restore: the guest from %s goes on here (%llu pages received)\n",
			o->addr.text, (unsigned long long)in->pages);
		mig_recv_free(in);
	}
	o->save.machine = m;
	o->save.who = "restore";
	return run_go(vmm, &ctx, &vo, &o->save, false, o->stats, "restore");
}

/* --incoming: the guest's RAM and state from the sender, then as a file. */
static int restore_incoming(struct restore_opts *o)
{
	struct snap_machine_info m = { 0 };
	struct snap_file f = { 0 };
	char why[MIG_WHY_MAX];
	struct mig_recv in = { .make_vm = tvmm_dev_path() };
	struct vmm vmm;
	int ret;

	ret = mig_receive(&in, &o->addr, &vmm, stderr, "restore", why,
			  sizeof(why));
	if (ret) {
		fprintf(stderr, "tvmmctl: restore: %s: %s\n", o->addr.text,
			why);
		mig_recv_answer(&in, why);
		ret = TVMMCTL_EXIT_FAILURE;
		goto out;
	}
	o->start_ns = run_now_ns();
	if (snap_parse(&f, in.state, in.state_len) ||
	    snap_load_machine(&f, &m) || snap_check_state(&f, &m)) {
		mig_recv_answer(&in, f.why);
		ret = restore_refuse(o, &f);
		goto out;
	}
	if (m.ram_size != in.ram_size) {
		snprintf(f.why, sizeof(f.why),
			 "the state has %llu bytes of RAM, the stream %llu",
			 (unsigned long long)m.ram_size,
			 (unsigned long long)in.ram_size);
		mig_recv_answer(&in, f.why);
		ret = restore_refuse(o, &f);
		goto out;
	}
	ret = restore_run_vm(&vmm, &f, &m, o, &in);
out:
	if (in.ram_size)
		vmm_destroy(&vmm);
	snap_machine_free(&m);
	snap_file_free(&f);
	mig_recv_free(&in);
	return ret;
}

static int restore_run(int argc, char **argv)
{
	struct snap_machine_info m = { 0 };
	struct restore_opts o;
	struct snap_file f;
	struct vmm vmm;
	int ret;

	ret = restore_parse(argc, argv, &o);
	if (ret)
		return ret;
	o.start_ns = run_now_ns();
	if (o.incoming)
		return restore_incoming(&o);
	if (snap_read(&f, o.file) || snap_load_machine(&f, &m) ||
	    snap_check_state(&f, &m)) {
		ret = restore_refuse(&o, &f);
		goto out;
	}
	ret = vmm_alloc_ram(&vmm, m.ram_size);
	if (ret) {
		fprintf(stderr, "tvmmctl: restore: cannot allocate %llu bytes of guest RAM: %s\n",
			(unsigned long long)m.ram_size, strerror(-ret));
		ret = TVMMCTL_EXIT_FAILURE;
		goto out;
	}
	snap_load_memory(&f, &vmm.ram);
	ret = restore_run_vm(&vmm, &f, &m, &o, NULL);
	vmm_destroy(&vmm);
out:
	snap_machine_free(&m);
	snap_file_free(&f);
	return ret;
}

const struct tvmmctl_cmd tvmmctl_cmd_restore = {
	.name		= "restore",
	.usage		= "[--timeout SECONDS] [--trace] [--stats] [--json]\n"
			  "               [--save-on SIGNAL FILE | --migrate-on SIGNAL ADDR]\n"
			  "               FILE | --incoming ADDR",
	.summary	= "go on with a guest from a snapshot file",
	.help		=
"FILE is a snapshot that \"tvmmctl run --save-on SIGNAL FILE\" (or restore's\n"
"own --save-on) wrote. The guest goes on from the instruction where it\n"
"stopped, with its vCPUs, memory and devices as they were: the UART, the\n"
"PIC pair, the PIT (counter 2 and port 0x61 included), the local APICs and\n"
"their timers (TSC-deadline included), the IOAPIC, the RTC (the guest's\n"
"date goes on from the snapshot's, not the host's), the i8042 and fw_cfg,\n"
"and the CPU model it was given. Timers are saved relative to the guest's\n"
"clocks: one due 2 ms after the snapshot fires 2 ms after the restore. The\n"
"guest's TSC goes on from the snapshot's where the CPU offsets it.\n"
"The same file may be restored any number of times: each run starts from\n"
"the same state.\n"
"A file is refused, and nothing runs, when it is not a snapshot, is of\n"
"another format version, is shorter than it says (truncated), has a\n"
"section whose checksum does not match (corrupted), holds a section this\n"
"tvmmctl does not know or values a device cannot hold, or when the guest\n"
"was given a CPU feature this host's tvmm.ko cannot give (an XCR0 state\n"
"component, the XSAVE or debug-register ioctls): the message says which.\n"
"\"tvmmctl snapshot info FILE\" shows what a file holds.\n"
"\n",
	.opts		= restore_options,
	.nr_opts	= ARRAY_SIZE(restore_options),
	.help_end	=
"\n"
"The terminal, the escape key (Ctrl-A x) and the exit statuses are those\n"
"of tvmmctl run; 1 also when the file is refused.\n",
	.run		= restore_run,
};
