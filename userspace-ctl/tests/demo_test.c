// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of "tvmmctl demo" without a VM: the demo table and its
 * embedded guest images (each loads as the ELF64 it must be), the JSON
 * lines of the facts and checks (parsed by json_check.c), the text's
 * wrapping, and the guest's reports through the exit hook, with the
 * pretend tvmm.ko answering TVMM_GET_VCPU_STATS.
 */
#include <errno.h>
#include <linux/elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"

#include "demo/demo.h"
#include "fake_tvmm.h"
#include "check.h"
#include "json_check.h"
#include "demo_test.h"

#define RAM_SIZE	0x100000ULL

static __u8 ram_buf[RAM_SIZE];

bool test_demo_table(void)
{
	unsigned int i, j, k;
	bool ok = true;

	ok &= EXPECT(demo_count == 15);
	for (i = 0; i < demo_count; i++) {
		const struct demo *d = demo_list[i];

		ok &= EXPECT(d->name && d->summary && d->title && d->intro);
		/*
		 * At least one guest, and a function for each of its steps;
		 * or a run() and no guest: an operating system's demo, with
		 * no image, or one that runs its image with tvmmctl's own
		 * commands.
		 */
		ok &= EXPECT(!d->guests[0].mem != !d->run);
		ok &= EXPECT(!d->run || !d->image.start ||
			     d == &demo_snapshot);
		ok &= EXPECT(d->image.start || d->run);
		for (j = 0; j < DEMO_MAX_GUESTS; j++)
			for (k = 0; k < d->guests[j].nr_steps; k++)
				ok &= EXPECT(d->guests[j].steps[k]);
		ok &= EXPECT(demo_find(d->name) == d);
		/* --list: "  NAME(17) SUMMARY" within 78 columns. */
		ok &= EXPECT(strlen(d->name) <= 17);
		ok &= EXPECT(strlen(d->summary) > 0 && strlen(d->summary) <= 58);
		for (j = 0; j < i; j++)
			ok &= EXPECT(strcmp(d->name, demo_list[j]->name));
	}
	ok &= EXPECT(!demo_find("all"));
	ok &= EXPECT(!demo_find("nope"));
	ok &= EXPECT(!demo_find(""));
	ok &= EXPECT(demo_find("resource-control") == &demo_resource_control);
	ok &= EXPECT(demo_find("snapshot") == &demo_snapshot);
	/* The snapshot demo comes before linux, the last, as in --list. */
	ok &= EXPECT(demo_list[demo_count - 2] == &demo_snapshot);
	ok &= EXPECT(!strcmp(demo_exit_name(10), "CPUID"));
	ok &= EXPECT(!strcmp(demo_exit_name(30), "IO_INSTRUCTION"));
	ok &= EXPECT(!strcmp(demo_exit_name(79), "UNKNOWN"));
	ok &= EXPECT(!strcmp(demo_exit_name(1000), "UNKNOWN"));
	return ok;
}

/*
 * Every guest is built into tvmmctl, loads as an ELF64 at DEMO_LOAD_ADDR
 * into 1 MiB of RAM and starts there: with _start's 64-bit LEA (REX.W),
 * but the modes demo, whose 16-bit code starts with CLI.
 */
bool test_demo_images(void)
{
	struct guest_ram ram = { ram_buf, RAM_SIZE };
	unsigned int i;
	bool ok = true;

	for (i = 0; i < demo_count; i++) {
		const struct demo_image *img = &demo_list[i]->image;
		size_t len = img->end - img->start;
		const struct elf64_hdr *e = (const void *)img->start;
		struct boot_info boot;
		const char *why = "";
		int ret;

		if (!img->start)
			continue;	/* its guest is the user's */
		memset(ram_buf, 0xcc, sizeof(ram_buf));
		ret = load_elf(&ram, img->start, len, &boot, &why);
		if (!EXPECT(ret == 0)) {
			ksft_print_msg("%s: %s\n", demo_list[i]->name, why);
			ok = false;
			continue;
		}
		ok &= EXPECT(e->e_ident[EI_CLASS] == ELFCLASS64);
		ok &= EXPECT(e->e_machine == EM_X86_64);
		ok &= EXPECT(boot.mode == BOOT_LONG);
		ok &= EXPECT(boot.entry == DEMO_LOAD_ADDR);
		ok &= EXPECT(ram_buf[DEMO_LOAD_ADDR] ==
			     (demo_list[i] == &demo_modes ? 0xfa : 0x48));
		/* Nothing below the image: tvmmctl's boot area stays its own. */
		ok &= EXPECT(ram_buf[DEMO_LOAD_ADDR - 1] == 0xcc);
	}
	return ok;
}

/* What @fn wrote to a FILE, as a malloc()ed string. */
static char *capture(void (*fn)(FILE *f, void *arg), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		ksft_exit_fail_msg("open_memstream: %s\n", strerror(errno));
	fn(f, arg);
	fclose(f);
	return buf;
}

/* The JSON value at @path of one line must read @want. */
static bool line_is(const char *line, const char *path, const char *want)
{
	char got[512], err[128] = "";

	if (json_check(line, path, got, sizeof(got), err, sizeof(err))) {
		ksft_print_msg("'%s' in %s: %s\n", path, line, err);
		return false;
	}
	if (strcmp(got, want)) {
		ksft_print_msg("'%s': got %s, want %s\n", path, got, want);
		return false;
	}
	return true;
}

static void json_facts(FILE *f, void *arg)
{
	struct demo_ctx ctx = { .out = f, .json = true, .demo = &demo_cpuid };

	demo_fact(&ctx, DEMO_FACT_UINT, 3, "exits.CPUID");
	demo_fact(&ctx, DEMO_FACT_HEX, 0xffffffff81000000ULL, "rip");
	demo_fact(&ctx, DEMO_FACT_INT, -38, "ret");
	demo_fact_str(&ctx, "tvmm\"tvmm\\\n", "guest_vendor");
	demo_fact(&ctx, DEMO_FACT_BOOL, true, "intact");
	demo_check(&ctx, false, "the guest saw \"%s\"", "x");
	demo_para(&ctx, "no text in JSON mode");
	demo_item(&ctx, "guest", "nor this");
	*(unsigned int *)arg = ctx.failed;
}

bool test_demo_json(void)
{
	static const char *const want[][3] = {
		{ "fact", "exits.CPUID", "3" },
		{ "fact", "rip", "\"0xffffffff81000000\"" },
		{ "fact", "ret", "-38" },
		{ "fact", "guest_vendor", "\"tvmm\\\"tvmm\\\\\\u000a\"" },
		{ "fact", "intact", "true" },
		{ "check", "the guest saw \\\"x\\\"", "false" },
	};
	unsigned int failed = 0, i = 0;
	char *out = capture(json_facts, &failed), *line, *save = NULL;
	char key[64];
	bool ok = true;

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		if (!EXPECT(i < ARRAY_SIZE(want)))
			break;
		ok &= line_is(line, "demo", "\"cpuid\"");
		snprintf(key, sizeof(key), "\"%s\"", want[i][1]);
		ok &= line_is(line, want[i][0], key);
		ok &= line_is(line, strcmp(want[i][0], "fact") ? "ok" : "value",
			      want[i][2]);
	}
	ok &= EXPECT(i == ARRAY_SIZE(want));
	ok &= EXPECT(failed == 1);
	free(out);
	return ok;
}

static void wrap_text(FILE *f, void *arg)
{
	(void)arg;
	demo_wrap(f, "trapped",
		  "CPUID exits unconditionally in VMX non-root operation, whatever the leaf, and tvmm answers it from its table.\nA second line.");
	demo_wrap(f, NULL,
		  "A paragraph without a label, long enough to be wrapped at least once by the writer.");
}

bool test_demo_wrap(void)
{
	char *out = capture(wrap_text, NULL), *p;
	bool ok = true;
	int lines = 0;

	ok &= EXPECT(!strncmp(out, "  trapped    CPUID exits", 24));
	ok &= EXPECT(strstr(out, "\n             A second line.\n"));
	for (p = out; *p; lines++) {
		char *nl = strchr(p, '\n');

		ok &= EXPECT(nl && nl - p <= 78);
		ok &= EXPECT(nl && (nl == p || nl[-1] != ' '));
		if (!nl)
			break;
		p = nl + 1;
	}
	ok &= EXPECT(lines == 5);
	ok &= EXPECT(strstr(out, "\nA paragraph without"));
	free(out);
	return ok;
}

/* ---- the guest's reports, through the exit hook ---- */

struct report_fixture {
	struct demo_guest guest;
	struct demo_vm vm;
	struct demo_ctx ctx;
	__u8 run[4096];
	unsigned int ends;
	__u64 end_cpuid, end_io;
	char *out;
	size_t out_len;
};

static int count_end(struct demo_vm *vm)
{
	struct report_fixture *fx = vm->priv;

	fx->ends++;
	fx->end_cpuid = vm->exits[TVMM_VMX_EXIT_CPUID];
	fx->end_io = vm->exits[TVMM_VMX_EXIT_IO_INSTRUCTION];
	return 0;
}

/* The fixture's guest: two steps, each counted. */
static const demo_step_fn fixture_steps[] = {
	count_end,
	count_end,
};

static struct tvmm_vcpu_stats fake_stats;

/* The pretend tvmm.ko's vCPU: TVMM_GET_VCPU_STATS answers fake_stats. */
static int fake_vcpu_ioctl(int fd, unsigned long request, unsigned long arg)
{
	struct tvmm_vcpu_stats *st = (void *)arg;

	if (request != TVMM_GET_VCPU_STATS)
		return -ENOTTY;
	if (st->size != sizeof(*st))
		return -EINVAL;
	*st = fake_stats;
	return 0;
}

static void fixture_init(struct report_fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	memset(ram_buf, 0, sizeof(ram_buf));
	fx->ctx.out = open_memstream(&fx->out, &fx->out_len);
	fx->ctx.json = true;
	fx->ctx.demo = &demo_cpuid;
	fx->vm.ctx = &fx->ctx;
	fx->vm.vmm.ram.hva = ram_buf;
	fx->vm.vmm.ram.size = RAM_SIZE;
	fx->vm.vmm.vcpus[0].run = (struct tvmm_run *)fx->run;
	fx->vm.vmm.vcpus[0].fd = -1;
	fx->vm.vmm.run_size = sizeof(fx->run);
	fx->guest.mem = RAM_SIZE;
	fx->guest.steps = fixture_steps;
	fx->guest.nr_steps = ARRAY_SIZE(fixture_steps);
	fx->vm.guest = &fx->guest;
	fx->vm.priv = fx;
	memset(&fake_tvmm, 0, sizeof(fake_tvmm));
	memset(&fake_stats, 0, sizeof(fake_stats));
	fake_tvmm.on = true;
	fake_tvmm.vm_ioctl = fake_vcpu_ioctl;
	fake_stats.size = sizeof(fake_stats);
}

/* The guest's OUT of @gpa to DEMO_PORT, as TVMM_RUN reports it. */
static int report(struct report_fixture *fx, __u32 gpa)
{
	struct tvmm_run *run = fx->vm.vmm.vcpus[0].run;

	run->exit_reason = TVMM_EXIT_IO;
	run->io.direction = TVMM_IO_OUT;
	run->io.size = 4;
	run->io.port = DEMO_PORT;
	run->io.count = 1;
	run->io.data_offset = TVMM_RUN_IO_DATA_OFFSET;
	memcpy(fx->run + TVMM_RUN_IO_DATA_OFFSET, &gpa, 4);
	fake_stats.exits[TVMM_VMX_EXIT_IO_INSTRUCTION]++;
	return demo_vm_exit_hook(&fx->vm.vmm.vcpus[0], &fx->vm);
}

#define MBOX_GPA	0x10000

static struct demo_mailbox *mbox(__u32 op, const char *text)
{
	struct demo_mailbox *m = (void *)(ram_buf + MBOX_GPA);

	m->op = op;
	snprintf(m->text, sizeof(m->text), "%s", text);
	return m;
}

bool test_demo_reports(void)
{
	static const char *const want[] = {
		"{\"demo\": \"cpuid\", \"fact\": \"s1.vendor\", \"value\": \"tvmmtvmmtvmm\"}\n",
		"{\"demo\": \"cpuid\", \"fact\": \"s1.exits.CPUID\", \"value\": 1}\n",
		"demos/cpuid.c:42: x == 1",
		"\"the demo knows the guest's step 3\", \"ok\": false",
	};
	struct report_fixture fx;
	unsigned int i;
	struct demo_mailbox *m;
	bool ok = true;

	fixture_init(&fx);
	/* BEGIN, one CPUID, END with a fact: the step costs one CPUID. */
	mbox(DEMO_OP_BEGIN, "step one");
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_HANDLED);
	ok &= EXPECT(fx.vm.step == 1);
	fake_stats.exits[TVMM_VMX_EXIT_CPUID]++;
	m = mbox(DEMO_OP_END, "");
	m->nr_facts = 1;
	strcpy(m->facts[0].key, "vendor");
	m->facts[0].kind = DEMO_FACT_STR;
	strcpy(m->facts[0].str, "tvmmtvmmtvmm");
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_HANDLED);
	ok &= EXPECT(fx.ends == 1 && fx.end_cpuid == 1 && fx.end_io == 0);
	ok &= EXPECT(!strcmp(demo_vm_str(&fx.vm, "vendor"), "tvmmtvmmtvmm"));

	/* Unterminated strings and too many facts are cut, not trusted. */
	mbox(DEMO_OP_BEGIN, "step two");
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_HANDLED);
	m = mbox(DEMO_OP_END, "");
	m->nr_facts = 1000;
	memset(m->facts[0].key, 'k', sizeof(m->facts[0].key));
	m->facts[0].kind = DEMO_FACT_STR;
	memset(m->facts[0].str, 's', sizeof(m->facts[0].str));
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_HANDLED);
	ok &= EXPECT(fx.vm.mbox.nr_facts == DEMO_MAX_FACTS);
	ok &= EXPECT(strlen(fx.vm.mbox.facts[0].key) == DEMO_KEY_LEN - 1);
	ok &= EXPECT(strlen(fx.vm.mbox.facts[0].str) == DEMO_STR_LEN - 1);

	/* A mailbox outside RAM, or crossing its end: a failed check. */
	ok &= EXPECT(report(&fx, RAM_SIZE - 8) == VMM_HOOK_STOP);
	ok &= EXPECT(report(&fx, 0xfffffff0) == VMM_HOOK_STOP);
	ok &= EXPECT(fx.ctx.failed == 2);

	/* FAIL and DONE end the run. */
	m = mbox(DEMO_OP_FAIL, "x == 1");
	m->line = 42;
	m->nr_facts = 0;
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_STOP);
	ok &= EXPECT(fx.vm.failed && fx.ctx.failed == 3);
	mbox(DEMO_OP_DONE, "");
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_STOP);
	ok &= EXPECT(fx.vm.done && fx.vm.reports == 8);

	/* A step the demo has no function for stops the run, failed. */
	mbox(DEMO_OP_BEGIN, "step three");
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_HANDLED);
	m = mbox(DEMO_OP_END, "");
	m->nr_facts = 0;
	ok &= EXPECT(report(&fx, MBOX_GPA) == VMM_HOOK_STOP);
	ok &= EXPECT(fx.ends == 2 && fx.ctx.failed == 4 && !fx.vm.stopped);

	/* Other exits are not reports: the demo's or the loop's. */
	fx.vm.vmm.vcpus[0].run->io.port = 0x3f8;
	ok &= EXPECT(demo_vm_exit_hook(&fx.vm.vmm.vcpus[0], &fx.vm) ==
		     VMM_HOOK_PASS);

	fake_tvmm.vm_ioctl = NULL;
	fclose(fx.ctx.out);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		ok &= EXPECT(strstr(fx.out, want[i]));
	free(fx.out);
	fake_tvmm.on = false;
	return ok;
}
