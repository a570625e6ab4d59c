// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of tvmmctl, no /dev/tvmm needed.
 *
 * What is checked, with exact strings so that a change shows:
 *  - the decoding of hand-made struct tvmm_vmx_caps (a Skylake-like host,
 *    a CPU without EPT, one without the TRUE_* MSRs, VMXON deferred, a
 *    host with more CPUs than the ABI carries, bits from a newer module),
 *    as text and as JSON, the JSON parsed by json_check.c;
 *  - CPU list formatting ("0-1,3");
 *  - the command dispatch (exit statuses 0, 1, 2 and the messages), and
 *    the command lines of run, demo and bench, as tables of cases
 *    (struct cli_case): arguments, exit status, what stdout and stderr
 *    hold;
 *  - what the user reads when /dev/tvmm is missing, is not tvmm, or
 *    speaks another API version (the device path comes from TVMM_DEV).
 *
 * Output is kselftest TAP. With TVMMCTL_BIN set (make test sets it), the
 * static ./tvmmctl is also run; TVMMCTL_TEST_VERBOSE=1 prints what each
 * decoding test looked at.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"

#include "uapi/tvmm.h"
#include "tvmmctl.h"
#include "lib/cpulist.h"
#include "lib/json_out.h"
#include "lib/tvmm_dev.h"
#include "lib/vmx_caps.h"
#include "check.h"
#include "fake_tvmm.h"
#include "json_check.h"
#include "run_test.h"
#include "demo_test.h"
#include "trace_test.h"
#include "devices_test.h"
#include "apic_test.h"
#include "vmm_test.h"
#include "multiboot_test.h"
#include "linux_test.h"
#include "bench_test.h"
#include "cpuid_test.h"
#include "legacy_test.h"
#include "snapshot_test.h"
#include "migrate_test.h"

#define F(name)		(1ULL << TVMM_VMX_##name)

static bool verbose;

/* ---- fixtures ---------------------------------------------------------- */

static void set_cpus(__u64 *map, unsigned int first, unsigned int last)
{
	unsigned int cpu;

	for (cpu = first; cpu <= last; cpu++)
		tvmm_cpu_set(map, cpu);
}

/*
 * A 4-CPU Skylake-like client host: TRUE controls, 4-level EPT with 2M and
 * 1G pages and A/D bits, VPID, unrestricted guest, preemption timer at
 * TSC >> 7; no 5-level EPT, no posted interrupts. tvmm is in VMX root
 * mode on every CPU.
 */
static void skylake_caps(struct tvmm_vmx_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->basic = 0x00da040000000004ULL;
	c->pinbased_ctls = 0x0000007f00000016ULL;
	c->procbased_ctls = 0xfff9fffe04006172ULL;
	c->procbased_ctls2 = 0x00157cff00000000ULL;
	c->exit_ctls = 0x01ffffff00036dfbULL;
	c->entry_ctls = 0x0003ffff000011fbULL;
	c->misc = 0x000000007004c1e7ULL;
	c->cr0_fixed0 = 0x80000021ULL;
	c->cr0_fixed1 = 0xffffffffULL;
	c->cr4_fixed0 = 0x00002000ULL;
	c->cr4_fixed1 = 0x003767ffULL;
	c->ept_vpid_cap = 0x00000f0106734141ULL;
	c->vmfunc = 0x1ULL;
	c->features = F(TRUE_CTLS) | F(EPT) | F(EPT_4LEVEL) | F(EPT_WB) |
		      F(EPT_2M) | F(EPT_1G) | F(EPT_AD) | F(EPT_X_ONLY) |
		      F(INVEPT) | F(VPID) | F(INVVPID) |
		      F(UNRESTRICTED_GUEST) | F(PREEMPTION_TIMER) | F(VNMI) |
		      F(TSC_OFFSET) | F(TSC_SCALING) | F(RDTSCP) |
		      F(MSR_BITMAPS) | F(IO_BITMAPS) | F(TPR_SHADOW) |
		      F(VIRT_APIC_ACCESSES) | F(MTF) | F(PAUSE_LOOP_EXITING) |
		      F(SHADOW_VMCS) | F(PML) | F(LOAD_EFER) | F(ACTIVITY_HLT);
	c->vmcs_revision = 4;
	c->vmcs_size = 1024;
	c->vmcs_memtype = 6;
	c->preemption_timer_shift = 7;
	c->nr_cpu_ids = 4;
	set_cpus(c->online_cpus, 0, 3);
	set_cpus(c->vmxon_cpus, 0, 3);
}

/*
 * An old (Core 2 era) CPU: no secondary controls, so no EPT, VPID or
 * unrestricted guest; no TRUE controls, no preemption timer; a 4 KiB VMCS.
 */
static void no_ept_caps(struct tvmm_vmx_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->basic = 0x0018100000000007ULL;
	c->pinbased_ctls = 0x0000003f00000016ULL;
	c->procbased_ctls = 0x77fbfffe0401e172ULL;
	c->exit_ctls = 0x0003ffff00036dffULL;
	c->entry_ctls = 0x00003fff000011ffULL;
	c->misc = 0x00000000000403c0ULL;
	c->cr0_fixed0 = 0x80000021ULL;
	c->cr0_fixed1 = 0xffffffffULL;
	c->cr4_fixed0 = 0x00002000ULL;
	c->cr4_fixed1 = 0x000027ffULL;
	c->features = F(TSC_OFFSET) | F(MSR_BITMAPS) | F(IO_BITMAPS) |
		      F(TPR_SHADOW) | F(ACTIVITY_HLT);
	c->vmcs_revision = 7;
	c->vmcs_size = 4096;
	c->vmcs_memtype = 6;
	c->nr_cpu_ids = 2;
	set_cpus(c->online_cpus, 0, 1);
	set_cpus(c->vmxon_cpus, 0, 1);
}

/* ---- helpers ----------------------------------------------------------- */

/* What @print wrote about @caps, a malloc()ed string. */
static char *print_caps(void (*print)(FILE *f,
				      const struct tvmm_vmx_caps *caps),
			const struct tvmm_vmx_caps *caps)
{
	char *buf;
	size_t len;
	FILE *f = mem_stream(&buf, &len);

	print(f, caps);
	fclose(f);
	if (verbose) {
		char *line, *save = NULL, *copy = strdup(buf);

		for (line = strtok_r(copy, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			ksft_print_msg("| %s\n", line);
		free(copy);
	}
	return buf;
}

/* Does @text hold each of @subs (NULL-terminated), or none when !@want? */
static bool has_each(const char *text, const char *const *subs, bool want)
{
	bool ok = true;

	for (; subs && *subs; subs++) {
		if (!strstr(text, *subs) == want) {
			ksft_print_msg("%s: \"%s\"\n",
				       want ? "missing" : "unexpected", *subs);
			ok = false;
		}
	}
	return ok;
}

/* ---- tvmmctl on the command line ---------------------------------------- */

struct tvmmctl_argv {
	const char *bin;
	const char *dev;
	char **argv;
};

/*
 * In the child: TVMM_DEV set to @dev (unset when NULL), then
 * tvmmctl_main() when @bin is NULL, else the program @bin, with @argv
 * (NULL-terminated, argv[0] included).
 */
static int tvmmctl_child(void *arg)
{
	const struct tvmmctl_argv *a = arg;
	int argc = 0;

	while (a->argv[argc])
		argc++;
	if (a->dev)
		setenv(TVMM_DEV_ENV, a->dev, 1);
	else
		unsetenv(TVMM_DEV_ENV);
	if (a->bin) {
		execv(a->bin, a->argv);
		fprintf(stderr, "exec %s: %s\n", a->bin, strerror(errno));
		return 127;
	}
	return tvmmctl_main(argc, a->argv);
}

/*
 * One command line: tvmmctl @argv (argv[0] added) with TVMM_DEV=@dev,
 * unset when NULL, exits with @status; stdout matches each of @out and
 * has no line longer than @out_cols (when not 0), stderr each of @err.
 */
struct cli_case {
	const char *dev;
	char *argv[10];
	int status;
	struct match out[MAX_MATCHES];
	struct match err[MAX_MATCHES];
	size_t out_cols;
};

#define NOENT		"/nonexistent/tvmm"
#define OK		TVMMCTL_EXIT_OK
#define FAILURE		TVMMCTL_EXIT_FAILURE
#define USAGE		TVMMCTL_EXIT_USAGE

/* Run @c (the program @bin, or tvmmctl_main()); @r: what it did. */
static bool cli_check(const char *bin, const struct cli_case *c,
		      struct child_result *r)
{
	char *argv[ARRAY_SIZE(c->argv) + 2] = { "tvmmctl" };
	struct tvmmctl_argv a = { bin, c->dev, argv };
	bool ok;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c->argv) && c->argv[i]; i++)
		argv[i + 1] = c->argv[i];
	run_child(r, tvmmctl_child, &a, NULL);
	ok = child_is(r, c->status, c->out, c->err);
	if (c->out_cols)
		ok &= lines_fit(r->out, c->out_cols);
	if (!ok) {
		char line[512];
		size_t len = 0;

		line[0] = '\0';
		for (i = 1; argv[i] && len < sizeof(line); i++)
			len += snprintf(line + len, sizeof(line) - len, " %s",
					argv[i]);
		ksft_print_msg("in: TVMM_DEV=%s tvmmctl%s\n",
			       c->dev ? c->dev : "", line);
	}
	return ok;
}

/* Every case of @c, run as cli_check() runs one. */
static bool cli_table(const char *bin, const struct cli_case *c, size_t n)
{
	struct child_result r;
	bool ok = true;
	size_t i;

	for (i = 0; i < n; i++)
		ok &= cli_check(bin, &c[i], &r);
	return ok;
}

/* ---- feature table ----------------------------------------------------- */

static bool test_feature_table(void)
{
	static const struct {
		enum tvmm_vmx_feature feature;
		const char *name;
		const char *flag;
	} want[] = {
#define TVMM_VMX_FEATURE(bit, flag)	{ bit, #bit, flag },
#include "uapi/tvmm_features.h"
#undef TVMM_VMX_FEATURE
	};
	char key[TVMM_VMX_KEY_LEN];
	const char *why;
	__u64 seen = 0;
	bool ok = true;
	size_t i, j;

	ok &= EXPECT(ARRAY_SIZE(want) == TVMM_VMX_NR_FEATURES);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct tvmm_vmx_feature_info *info =
			tvmm_vmx_feature_info(want[i].feature);

		/* In enum order, each bit once, all fitting in features. */
		ok &= EXPECT(want[i].feature == i && i < 64);
		ok &= EXPECT(!(seen & (1ULL << i)));
		seen |= 1ULL << i;

		if (!EXPECT(info && info->feature == want[i].feature))
			return false;
		ok &= EXPECT(!strcmp(info->name,
				     want[i].name + strlen("TVMM_VMX_")));
		ok &= EXPECT(info->linux_flag == want[i].flag ||
			     !strcmp(info->linux_flag, want[i].flag));
		/* "info" leaves 53 columns for the description. */
		why = tvmm_vmx_feature_why(want[i].feature);
		ok &= EXPECT(why && why[0] && strlen(why) <= 53);
		tvmm_vmx_feature_key(info, key, sizeof(key));
		ok &= EXPECT(strlen(key) == strlen(info->name));
		for (j = 0; key[j]; j++)
			ok &= EXPECT(key[j] == tolower(info->name[j]));
	}
	ok &= EXPECT(!strcmp(tvmm_vmx_features[TVMM_VMX_EPT_AD].name,
			     "EPT_AD"));
	ok &= EXPECT(!strcmp(tvmm_vmx_features[TVMM_VMX_EPT_1G].linux_flag,
			     "ept_1gb"));
	tvmm_vmx_feature_key(&tvmm_vmx_features[TVMM_VMX_EPT_AD], key,
			     sizeof(key));
	ok &= EXPECT(!strcmp(key, "ept_ad"));
	/* A short buffer gets a cut, terminated key. */
	tvmm_vmx_feature_key(&tvmm_vmx_features[TVMM_VMX_PML], key, 3);
	ok &= EXPECT(!strcmp(key, "pm"));
	ok &= EXPECT(!tvmm_vmx_feature_info(TVMM_VMX_NR_FEATURES));
	ok &= EXPECT(!tvmm_vmx_feature_why(TVMM_VMX_NR_FEATURES));
	return ok;
}

/* ---- CPU lists --------------------------------------------------------- */

static bool cpulist_is(const __u64 *map, const char *want)
{
	char *buf;
	size_t len;
	FILE *f = mem_stream(&buf, &len);
	bool ok;

	tvmm_cpulist_print(f, map, TVMM_MAX_CPUS);
	fclose(f);
	ok = !strcmp(buf, want);
	if (!ok)
		ksft_print_msg("cpulist: got \"%.60s\", want \"%.60s\"\n",
			       buf, want);
	free(buf);
	return ok;
}

static bool test_cpulist(void)
{
	static const struct {
		const char *want;
		unsigned int cpus[8];
		unsigned int n;
	} cases[] = {
		{ "", { 0 }, 0 },
		{ "0", { 0 }, 1 },
		{ "0-1", { 0, 1 }, 2 },
		{ "0-1,3", { 0, 1, 3 }, 3 },
		{ "0,2-3", { 0, 2, 3 }, 3 },
		{ "1,3,5", { 1, 3, 5 }, 3 },
		{ "63-64", { 63, 64 }, 2 },
		{ "0,63,1023", { 0, 63, 1023 }, 3 },
		{ "5-7,9-10", { 5, 6, 7, 9, 10 }, 5 },
	};
	__u64 map[TVMM_CPU_WORDS];
	bool ok = true;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(map, 0, sizeof(map));
		for (j = 0; j < cases[i].n; j++)
			tvmm_cpu_set(map, cases[i].cpus[j]);
		ok &= EXPECT(cpulist_is(map, cases[i].want));
		ok &= EXPECT(tvmm_cpu_count(map, TVMM_MAX_CPUS) == cases[i].n);
	}
	return ok;
}

static bool test_cpulist_many(void)
{
	__u64 map[TVMM_CPU_WORDS];
	char want[4096], *p = want, *buf;
	unsigned int cpu;
	bool ok = true;
	size_t len;
	FILE *f;

	memset(map, 0xff, sizeof(map));
	ok &= EXPECT(cpulist_is(map, "0-1023"));
	ok &= EXPECT(tvmm_cpu_count(map, TVMM_MAX_CPUS) == 1024);

	memset(map, 0, sizeof(map));
	for (cpu = 0; cpu < TVMM_MAX_CPUS; cpu += 2) {
		tvmm_cpu_set(map, cpu);
		p += sprintf(p, cpu ? ",%u" : "%u", cpu);
	}
	ok &= EXPECT(cpulist_is(map, want));
	ok &= EXPECT(!strncmp(want, "0,2,4,", 6));
	ok &= EXPECT(!strcmp(p - 10, ",1020,1022"));

	/* nbits cuts the list short, in the middle of a run too. */
	memset(map, 0xff, sizeof(map));
	f = mem_stream(&buf, &len);
	tvmm_cpulist_print(f, map, 70);
	fclose(f);
	ok &= EXPECT(!strcmp(buf, "0-69"));
	free(buf);
	return ok;
}

/* ---- text and JSON decoding --------------------------------------------- */

/* A line in @text, and a key in @json, for every feature (either NULL). */
static bool check_all_features(const char *text, const char *json,
			       const struct tvmm_vmx_caps *caps)
{
	const struct tvmm_vmx_feature_info *info;
	char key[TVMM_VMX_KEY_LEN], want[128];
	bool ok = true, has;
	size_t i;

	for (i = 0; i < TVMM_VMX_NR_FEATURES; i++) {
		info = &tvmm_vmx_features[i];
		has = tvmm_caps_has(caps, info->feature);
		tvmm_vmx_feature_key(info, key, sizeof(key));
		if (text) {
			snprintf(want, sizeof(want), "  %-18s %-3s  %s", key,
				 has ? "yes" : "no",
				 tvmm_vmx_feature_why(info->feature));
			ok &= has_line(text, want);
		}
		if (json) {
			snprintf(want, sizeof(want), "features.%s", key);
			ok &= json_is(json, want, has ? "true" : "false");
		}
	}
	return ok;
}

static const char *const skylake_text[] = {
	"VMX capabilities of this host, as tvmm.ko read them at load",
	"VMCS (from IA32_VMX_BASIC)",
	"  revision id          0x00000004 (heads every VMCS and the VMXON region)",
	"  region size          1024 bytes",
	"  memory type          6 (write-back)",
	"  control MSRs         TRUE_* MSRs: some default-1 controls may be 0",
	"At a glance",
	"  EPT                  yes: 4-level walks; pages 4K 2M 1G",
	"  VPID                 yes, with INVVPID",
	"  preemption timer     yes: 1 tick every 128 TSC cycles (TSC >> 7)",
	"  CR0 bits fixed to 1  PE NE PG; guests may clear PE and PG",
	"  CR4 bits fixed to 1  VMXE",
	"Features (names as in 'tvmmctl info --json')",
	"  ept                yes  extended page tables: the CPU maps guest memory",
	"  ept_5level         no   EPT walks 5 levels: 57-bit guest-physical addresses",
	"  unrestricted_guest yes  real mode and unpaged guest code run natively",
	"  posted_intr        no   posted interrupts: inject without a VM exit",
	"CPUs",
	"  nr_cpu_ids           4",
	"  online               0-3 (4 CPUs)",
	"  in VMX root mode     0-3 (4 CPUs)",
	"Raw capability MSRs (Intel SDM Vol. 3D, Appendix A)",
	"  0x480  IA32_VMX_BASIC                0x00da040000000004",
	"  0x48d  IA32_VMX_TRUE_PINBASED_CTLS   0x0000007f00000016",
	"  0x48e  IA32_VMX_TRUE_PROCBASED_CTLS  0xfff9fffe04006172",
	"  0x48b  IA32_VMX_PROCBASED_CTLS2      0x00157cff00000000",
	"  0x48f  IA32_VMX_TRUE_EXIT_CTLS       0x01ffffff00036dfb",
	"  0x490  IA32_VMX_TRUE_ENTRY_CTLS      0x0003ffff000011fb",
	"  0x485  IA32_VMX_MISC                 0x000000007004c1e7",
	"  0x486  IA32_VMX_CR0_FIXED0           0x0000000080000021",
	"  0x487  IA32_VMX_CR0_FIXED1           0x00000000ffffffff",
	"  0x488  IA32_VMX_CR4_FIXED0           0x0000000000002000",
	"  0x489  IA32_VMX_CR4_FIXED1           0x00000000003767ff",
	"  0x48c  IA32_VMX_EPT_VPID_CAP         0x00000f0106734141",
	"  0x491  IA32_VMX_VMFUNC               0x0000000000000001",
	NULL,
};

static const struct json_want skylake_json[] = {
	{ "vmcs_revision", "4" },
	{ "vmcs_size", "1024" },
	{ "vmcs_memtype", "6" },
	{ "vmcs_memtype_name", "\"write-back\"" },
	{ "preemption_timer_shift", "7" },
	{ "features.true_ctls", "true" },
	{ "features.ept", "true" },
	{ "features.ept_5level", "false" },
	{ "features.posted_intr", "false" },
	{ "features_raw", "\"0x000000001fbffff7\"" },
	{ "msrs.basic", "\"0x00da040000000004\"" },
	{ "msrs.pinbased_ctls", "\"0x0000007f00000016\"" },
	{ "msrs.procbased_ctls", "\"0xfff9fffe04006172\"" },
	{ "msrs.procbased_ctls2", "\"0x00157cff00000000\"" },
	{ "msrs.exit_ctls", "\"0x01ffffff00036dfb\"" },
	{ "msrs.entry_ctls", "\"0x0003ffff000011fb\"" },
	{ "msrs.misc", "\"0x000000007004c1e7\"" },
	{ "msrs.cr0_fixed0", "\"0x0000000080000021\"" },
	{ "msrs.cr0_fixed1", "\"0x00000000ffffffff\"" },
	{ "msrs.cr4_fixed0", "\"0x0000000000002000\"" },
	{ "msrs.cr4_fixed1", "\"0x00000000003767ff\"" },
	{ "msrs.ept_vpid_cap", "\"0x00000f0106734141\"" },
	{ "msrs.vmfunc", "\"0x0000000000000001\"" },
	{ "nr_cpu_ids", "4" },
	{ "online_cpus", "[0, 1, 2, 3]" },
	{ "vmxon_cpus", "[0, 1, 2, 3]" },
	{ "state.raw", "0" },
	{ "state.vmxon_deferred", "false" },
	{ "state.cpus_truncated", "false" },
	{ NULL },
};

static const char *const no_ept_text[] = {
	"  EPT                  no (guest memory needs shadow page tables)",
	"  VPID                 no",
	"  preemption timer     no",
	"  CR0 bits fixed to 1  PE NE PG",
	"  region size          4096 bytes",
	"  ept                no   extended page tables: the CPU maps guest memory",
	"  unrestricted_guest no   real mode and unpaged guest code run natively",
	"  0x48b  IA32_VMX_PROCBASED_CTLS2      0x0000000000000000 (none)",
	"  0x48c  IA32_VMX_EPT_VPID_CAP         0x0000000000000000 (none)",
	"  0x491  IA32_VMX_VMFUNC               0x0000000000000000 (none)",
	"  online               0-1 (2 CPUs)",
	NULL,
};

static const struct json_want no_ept_json[] = {
	{ "features.ept", "false" },
	{ "features.vpid", "false" },
	{ "features.msr_bitmaps", "true" },
	{ "vmcs_revision", "7" },
	{ "vmcs_size", "4096" },
	{ "preemption_timer_shift", "0" },
	{ "msrs.ept_vpid_cap", "\"0x0000000000000000\"" },
	{ NULL },
};

/* The no-EPT fixture lacks TRUE_* MSRs: the plain names and numbers show. */
static const char *const no_true_text[] = {
	"  control MSRs         no TRUE_* MSRs: every default-1 control stays 1",
	"  0x481  IA32_VMX_PINBASED_CTLS        0x0000003f00000016",
	"  0x482  IA32_VMX_PROCBASED_CTLS       0x77fbfffe0401e172",
	"  0x483  IA32_VMX_EXIT_CTLS            0x0003ffff00036dff",
	"  0x484  IA32_VMX_ENTRY_CTLS           0x00003fff000011ff",
	"  true_ctls          no   TRUE_*_CTLS MSRs: some default-1 controls may be 0",
	NULL,
};

static const struct json_want no_true_json[] = {
	{ "features.true_ctls", "false" },
	{ "msrs.pinbased_ctls", "\"0x0000003f00000016\"" },
	{ NULL },
};

static const char *const deferred_text[] = {
	"  online               0-3 (4 CPUs)",
	"  in VMX root mode     none",
	"  VMXON is deferred until the first VM is created (defer_vmxon=1)",
	NULL,
};

static const struct json_want deferred_json[] = {
	{ "vmxon_cpus", "[]" },
	{ "online_cpus", "[0, 1, 2, 3]" },
	{ "state.raw", "1" },
	{ "state.vmxon_deferred", "true" },
	{ "state.cpus_truncated", "false" },
	{ NULL },
};

static const char *const partial_text[] = {
	"  online               0-1,3 (3 CPUs)",
	"  in VMX root mode     3 (1 CPU)",
	NULL,
};

static const struct json_want partial_json[] = {
	{ "online_cpus", "[0, 1, 3]" },
	{ "online_cpus[2]", "3" },
	{ "vmxon_cpus", "[3]" },
	{ NULL },
};

static const char *const many_text[] = {
	"  nr_cpu_ids           4096",
	"  online               0-1023 (1024 CPUs)",
	"  Only CPUs 0-1023 are listed: this host has more.",
	NULL,
};

static const struct json_want many_json[] = {
	{ "nr_cpu_ids", "4096" },
	{ "online_cpus[0]", "0" },
	{ "online_cpus[1023]", "1023" },
	{ "vmxon_cpus[511]", "1022" },
	{ "state.cpus_truncated", "true" },
	{ "state.vmxon_deferred", "false" },
	{ "online_cpus[1024]", NULL },
	{ NULL },
};

static const char *const unknown_text[] = {
	"  also bits 0x10000000000, unknown to this tvmmctl",
	"  Also state bits 0x20, unknown to this tvmmctl.",
	"  memory type          3 (reserved)",
	NULL,
};

static const struct json_want unknown_json[] = {
	{ "features_raw", "\"0x000001001fbffff7\"" },
	{ "state.raw", "32" },
	{ "vmcs_memtype_name", "\"reserved\"" },
	{ NULL },
};

/*
 * One host's "tvmmctl info", as text and as JSON: @caps makes the host;
 * the text holds the lines @text, the strings @text_has and none of
 * @text_lacks, and fits in 80 columns if @fits; the JSON is valid and
 * holds @json and passes @json_more; with @all_features, each output has
 * a line or a key for every feature.
 */
struct info_case {
	void (*caps)(struct tvmm_vmx_caps *c);
	const char *const *text;
	const char *const *text_has;
	const char *const *text_lacks;
	const struct json_want *json;
	bool all_features;
	bool fits;
	bool (*json_more)(const char *json);
};

static bool check_info(const struct info_case *c)
{
	struct tvmm_vmx_caps caps;
	bool ok = true;
	char *t, *j;

	c->caps(&caps);
	t = print_caps(tvmm_caps_print, &caps);
	j = print_caps(tvmm_caps_print_json, &caps);
	if (c->text)
		ok &= has_lines(t, c->text);
	ok &= has_each(t, c->text_has, true);
	ok &= has_each(t, c->text_lacks, false);
	if (c->fits)
		ok &= lines_fit(t, 80);
	if (c->json)
		ok &= json_valid(j) && json_has(j, c->json);
	if (c->all_features)
		ok &= check_all_features(c->text ? t : NULL,
					 c->json ? j : NULL, &caps);
	if (c->json_more)
		ok &= c->json_more(j);
	free(t);
	free(j);
	return ok;
}

static const struct info_case skylake_text_case = {
	.caps = skylake_caps, .text = skylake_text,
	.text_lacks = (const char *const []){ "deferred", "unknown", NULL },
	.all_features = true, .fits = true,
};

/* The layout: two-space indent, one member a line, a final newline. */
static bool skylake_json_layout(const char *j)
{
	bool ok = true;

	ok &= starts_with(j, "{\n  \"vmcs_revision\": 4,\n  \"vmcs_size\"");
	ok &= EXPECT(strstr(j, "\n  \"state\": {\n    \"raw\": 0,\n"));
	ok &= EXPECT(!strcmp(j + strlen(j) - 4, "}\n}\n"));
	return ok;
}

static const struct info_case skylake_json_case = {
	.caps = skylake_caps, .json = skylake_json, .all_features = true,
	.json_more = skylake_json_layout,
};

static const struct info_case no_ept_case = {
	.caps = no_ept_caps, .text = no_ept_text, .json = no_ept_json,
	.all_features = true, .fits = true,
};

static const struct info_case no_true_case = {
	.caps = no_ept_caps, .text = no_true_text,
	.text_lacks = (const char *const []){ "IA32_VMX_TRUE_", NULL },
	.json = no_true_json,
};

static void deferred_caps(struct tvmm_vmx_caps *c)
{
	skylake_caps(c);
	memset(c->vmxon_cpus, 0, sizeof(c->vmxon_cpus));
	c->state = TVMM_CAPS_VMXON_DEFERRED;
}

static const struct info_case deferred_case = {
	.caps = deferred_caps, .text = deferred_text, .json = deferred_json,
	.fits = true,
};

/* CPU 2 offline, and VMXON on CPU 3 only (the others just came up). */
static void partial_caps(struct tvmm_vmx_caps *c)
{
	skylake_caps(c);
	memset(c->online_cpus, 0, sizeof(c->online_cpus));
	memset(c->vmxon_cpus, 0, sizeof(c->vmxon_cpus));
	tvmm_cpu_set(c->online_cpus, 0);
	tvmm_cpu_set(c->online_cpus, 1);
	tvmm_cpu_set(c->online_cpus, 3);
	tvmm_cpu_set(c->vmxon_cpus, 3);
}

static const struct info_case partial_case = {
	.caps = partial_caps, .text = partial_text, .json = partial_json,
};

static void many_caps(struct tvmm_vmx_caps *c)
{
	unsigned int cpu;

	skylake_caps(c);
	c->nr_cpu_ids = 4096;
	c->state = TVMM_CAPS_CPUS_TRUNCATED;
	memset(c->online_cpus, 0xff, sizeof(c->online_cpus));
	memset(c->vmxon_cpus, 0, sizeof(c->vmxon_cpus));
	for (cpu = 0; cpu < TVMM_MAX_CPUS; cpu += 2)
		tvmm_cpu_set(c->vmxon_cpus, cpu);
}

static const struct info_case many_case = {
	.caps = many_caps, .text = many_text,
	.text_has = (const char *const []){
		"\n  in VMX root mode     0,2,4,6,",
		",1020,1022 (512 CPUs)\n",
		NULL,
	},
	.json = many_json,
};

/* A newer tvmm.ko may set bits this tvmmctl has no name for. */
static void unknown_caps(struct tvmm_vmx_caps *c)
{
	skylake_caps(c);
	c->features |= 1ULL << 40;
	c->state |= 1u << 5;
	c->vmcs_memtype = 3;
}

static const struct info_case unknown_case = {
	.caps = unknown_caps, .text = unknown_text, .json = unknown_json,
};

/* ---- the JSON writer and checker themselves ----------------------------- */

static bool test_json_writer(void)
{
	struct json_out jo;
	char *buf;
	size_t len;
	FILE *f = mem_stream(&buf, &len);
	bool ok;

	json_out_init(&jo, f);
	json_object_begin(&jo, NULL);
	json_string(&jo, "s", "a\"b\\c\nd");
	json_object_begin(&jo, "empty");
	json_object_end(&jo);
	json_array_begin(&jo, "none");
	json_array_end(&jo);
	json_array_begin(&jo, "two");
	json_bool(&jo, NULL, true);
	json_uint(&jo, NULL, 18446744073709551615ULL);
	json_array_end(&jo);
	json_hex64(&jo, "hex", 0xabcULL);
	json_object_end(&jo);
	fclose(f);

	ok = EXPECT(!strcmp(buf,
			    "{\n"
			    "  \"s\": \"a\\\"b\\\\c\\u000ad\",\n"
			    "  \"empty\": {},\n"
			    "  \"none\": [],\n"
			    "  \"two\": [true, 18446744073709551615],\n"
			    "  \"hex\": \"0x0000000000000abc\"\n"
			    "}\n"));
	ok &= json_valid(buf);
	if (!ok)
		ksft_print_msg("got: %s\n", buf);
	free(buf);
	return ok;
}

static bool test_json_checker(void)
{
	static const char *const bad[] = {
		"", "{", "{\"a\": 1,}", "[1, 2,]", "[01]", "{\"a\" 1}",
		"{\"a\": 1, \"a\": 2}", "\"x", "\"a\tb\"", "tru", "[1] [2]",
		"{\"a\": 0x10}", "[-]", "[1.]", "\"\\x\"",
	};
	char out[64], err[128];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (json_check(bad[i], NULL, NULL, 0, err, sizeof(err)) !=
		    -EINVAL) {
			ksft_print_msg("accepted bad JSON '%s'\n", bad[i]);
			ok = false;
		}
	}
	ok &= json_is(" {\"a\": {\"b\": [1, {\"c\": -1.5e3}]}} ", "a.b[1].c",
		      "-1.5e3");
	ok &= json_is("[true, null, \"\\u00e9\"]", "[2]", "\"\\u00e9\"");
	ok &= json_is("{\"a\": [1, 2]}", "", "{\"a\": [1, 2]}");
	ok &= EXPECT(json_check("{\"a\": 1}", "b", out, sizeof(out), err,
				sizeof(err)) == -ENOENT);
	return ok;
}

/* ---- command dispatch --------------------------------------------------- */

/* What tvmmctl prints when TVMM_DEV=/nonexistent/tvmm. */
#define MISSING_WHY \
	"/nonexistent/tvmm does not exist: is the module loaded? try: modprobe tvmm (or insmod kmod/tvmm.ko)"
#define MISSING_MSG	"tvmmctl: " MISSING_WHY "\n"

static bool test_unknown_command(void)
{
	static const struct cli_case cases[] = {
		{ NULL, { "bogus" }, USAGE,
		  .out = { EMPTY },
		  .err = { STARTS("tvmmctl: unknown command 'bogus'\n"
				  "usage: tvmmctl [--help] [--version] COMMAND"),
			   HAS("\n  info       ") } },
		{ NULL, { NULL }, USAGE,
		  .err = { STARTS("tvmmctl: no command given\nusage: ") } },
	};

	return cli_table(NULL, cases, ARRAY_SIZE(cases));
}

#define HELP_LINE	"  help       list the commands, or show how to use one"
#define INFO_LINE	"  info       show the host's VMX capabilities, as tvmm sees them"
#define INFO_USAGE	"usage: tvmmctl info [--json]\n\nShows "

static bool test_help_and_version(void)
{
	static const struct cli_case cases[] = {
		{ NULL, { "--version" }, OK,
		  .out = { IS("tvmmctl 0.1.0 (built for tvmm API 1)\n") } },
		{ NULL, { "--help" }, OK,
		  .out = { STARTS("usage: tvmmctl [--help] [--version] COMMAND"),
			   LINE(HELP_LINE), LINE(INFO_LINE) } },
		{ NULL, { "help" }, OK,
		  .out = { LINE(HELP_LINE), LINE(INFO_LINE) } },
		{ NULL, { "help", "info" }, OK,
		  .out = { STARTS(INFO_USAGE),
			   LINE("  TVMM_DEV   the device node to open, not /dev/tvmm") } },
		{ NULL, { "info", "--help" }, OK,
		  .out = { STARTS(INFO_USAGE) } },
		{ NULL, { "help", "bogus" }, USAGE,
		  .err = { STARTS("tvmmctl: unknown command 'bogus'\nusage: ") } },
		{ NULL, { "help", "info", "extra" }, USAGE,
		  .err = { IS("tvmmctl: help takes one command name\n"
			      "usage: tvmmctl help [COMMAND]\n") } },
	};
	char version[128];
	bool ok;

	/* The version the table expects is the one tvmmctl is built as. */
	snprintf(version, sizeof(version),
		 "tvmmctl %s (built for tvmm API %d)\n", TVMMCTL_VERSION,
		 TVMM_API_VERSION);
	ok = EXPECT(!strcmp(version, cases[0].out[0].text));
	return ok & cli_table(NULL, cases, ARRAY_SIZE(cases));
}

static bool test_info_bad_option(void)
{
	static const struct cli_case cases[] = {
		{ NOENT, { "info", "--jsn" }, USAGE,
		  .out = { EMPTY },
		  .err = { IS("tvmmctl: info: unknown option '--jsn'\n"
			      "usage: tvmmctl info [--json]\n") } },
	};

	return cli_table(NULL, cases, ARRAY_SIZE(cases));
}

/* ---- the device --------------------------------------------------------- */

static bool test_dev_path(void)
{
	bool ok = true;

	unsetenv(TVMM_DEV_ENV);
	ok &= EXPECT(!strcmp(tvmm_dev_path(), "/dev/tvmm"));
	setenv(TVMM_DEV_ENV, "", 1);
	ok &= EXPECT(!strcmp(tvmm_dev_path(), "/dev/tvmm"));
	setenv(TVMM_DEV_ENV, "/tmp/x", 1);
	ok &= EXPECT(!strcmp(tvmm_dev_path(), "/tmp/x"));
	unsetenv(TVMM_DEV_ENV);
	return ok;
}

static bool test_dev_missing(void)
{
	static const struct cli_case cases[] = {
		{ NOENT, { "info" }, FAILURE,
		  .out = { EMPTY }, .err = { IS(MISSING_MSG) } },
		{ NOENT, { "info", "--json" }, FAILURE,
		  .out = { EMPTY }, .err = { IS(MISSING_MSG) } },
	};
	struct tvmm_dev dev;
	bool ok = true;
	char msg[256];

	ok &= EXPECT(tvmm_dev_open(&dev, NOENT) == -ENOENT);
	ok &= EXPECT(dev.fd == -1 && dev.api_version == -1);
	tvmm_dev_strerror(&dev, -ENOENT, msg, sizeof(msg));
	ok &= EXPECT(!strcmp(msg, MISSING_WHY));
	return ok & cli_table(NULL, cases, ARRAY_SIZE(cases));
}

#define NOT_TVMM_MSG \
	"tvmmctl: /dev/null is not a tvmm device: it does not answer TVMM_GET_API_VERSION\n"

static bool test_dev_not_tvmm(void)
{
	static const struct cli_case cases[] = {
		{ "/dev/null", { "info" }, FAILURE, .err = { IS(NOT_TVMM_MSG) } },
	};
	struct tvmm_dev dev;
	bool ok = true;

	/* /dev/null opens, but knows no tvmm ioctl. */
	ok &= EXPECT(tvmm_dev_open(&dev, "/dev/null") == -ENOTTY);
	ok &= EXPECT(dev.fd == -1);
	return ok & cli_table(NULL, cases, ARRAY_SIZE(cases));
}

static bool strerror_is(const struct tvmm_dev *dev, int err, const char *want)
{
	char got[256];

	tvmm_dev_strerror(dev, err, got, sizeof(got));
	if (!strcmp(got, want))
		return true;
	ksft_print_msg("error %d: got \"%s\", want \"%s\"\n", err, got, want);
	return false;
}

#define NO_ACCESS \
	"permission denied opening /dev/tvmm: run tvmmctl as root, or give your user read and write access to it"
#define NO_DRIVER \
	"/dev/tvmm has no driver behind it: is the module loaded? try: modprobe tvmm (or insmod kmod/tvmm.ko)"

static bool test_dev_messages(void)
{
	static const struct {
		int err;
		const char *want;
	} cases[] = {
		{ -EACCES, NO_ACCESS },
		{ -EPERM, NO_ACCESS },
		{ -ENODEV, NO_DRIVER },
		{ -EBUSY, "cannot open /dev/tvmm: Device or resource busy" },
		/* -EPROTO before the version is known is a plain errno. */
		{ -EPROTO, "cannot open /dev/tvmm: Protocol error" },
	};
	struct tvmm_dev dev = {
		.fd = -1, .path = "/dev/tvmm", .api_version = -1,
	};
	char want[256], msg[10];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ok &= strerror_is(&dev, cases[i].err, cases[i].want);

	dev.api_version = TVMM_API_VERSION + 1;
	snprintf(want, sizeof(want),
		 "tvmmctl was built for tvmm API %d but /dev/tvmm speaks %d: rebuild tvmmctl or load the matching tvmm.ko",
		 TVMM_API_VERSION, TVMM_API_VERSION + 1);
	ok &= strerror_is(&dev, -EPROTO, want);

	/* A short buffer is cut, not overrun. */
	tvmm_dev_strerror(&dev, -ENOENT, msg, sizeof(msg));
	ok &= EXPECT(!strcmp(msg, "/dev/tvmm"));
	return ok;
}

/* ---- info against a pretend tvmm.ko (fake_tvmm.c) ----------------------- */

/* A tvmm.ko that speaks our API and reports the Skylake-like host. */
static void fake_tvmm_skylake(void)
{
	memset(&fake_tvmm, 0, sizeof(fake_tvmm));
	fake_tvmm.on = true;
	fake_tvmm.api_version = TVMM_API_VERSION;
	fake_tvmm.has_vmx_caps = 1;
	skylake_caps(&fake_tvmm.caps);
}

static bool test_fake_info(void)
{
	struct tvmm_vmx_caps caps;
	struct child_result r;
	char *want, *want_json;
	bool ok = true;
	size_t i;

	skylake_caps(&caps);
	want = print_caps(tvmm_caps_print, &caps);
	want_json = print_caps(tvmm_caps_print_json, &caps);

	fake_tvmm_skylake();
	ok &= cli_check(NULL, &(struct cli_case){
		"/dev/null", { "info" }, OK,
		.out = { IS(want) }, .err = { EMPTY } }, &r);

	/* The child had its own fake_tvmm: ask here to see the input. */
	ok &= EXPECT(tvmm_get_vmx_caps(&(struct tvmm_dev){ .fd = -1 },
				       &caps) == 0);
	ok &= EXPECT(fake_tvmm.caps_in.size == 464);
	ok &= EXPECT(fake_tvmm.caps_in.flags == 0);
	for (i = 0; i < ARRAY_SIZE(caps.reserved); i++)
		ok &= EXPECT(fake_tvmm.caps_in.reserved[i] == 0);
	ok &= EXPECT(!memcmp(caps.online_cpus, fake_tvmm.caps.online_cpus,
			     sizeof(caps.online_cpus)));

	ok &= cli_check(NULL, &(struct cli_case){
		"/dev/null", { "info", "--json" }, OK,
		.out = { IS(want_json) } }, &r);
	ok &= json_valid(r.out);

	fake_tvmm.on = false;
	free(want);
	free(want_json);
	return ok;
}

static bool test_fake_open(void)
{
	struct tvmm_dev dev;
	bool ok = true;

	fake_tvmm_skylake();
	ok &= EXPECT(tvmm_dev_open(&dev, "/dev/null") == 0);
	ok &= EXPECT(dev.fd >= 0 && dev.api_version == TVMM_API_VERSION);
	ok &= EXPECT(fake_tvmm.version_arg == 0);
	ok &= EXPECT(tvmm_check_extension(&dev, TVMM_CAP_VMX_CAPS) == 1);
	ok &= EXPECT(tvmm_check_extension(&dev, 9999) == 0);
	tvmm_dev_close(&dev);
	ok &= EXPECT(dev.fd == -1);

	/* Another API version: refused before anything else is asked. */
	fake_tvmm.api_version = TVMM_API_VERSION + 1;
	fake_tvmm.calls = 0;
	ok &= EXPECT(tvmm_dev_open(&dev, "/dev/null") == -EPROTO);
	ok &= EXPECT(dev.fd == -1);
	ok &= EXPECT(dev.api_version == TVMM_API_VERSION + 1);
	ok &= EXPECT(fake_tvmm.calls == 1);
	fake_tvmm.on = false;
	return ok;
}

#define NO_CAPS_MSG \
	"tvmmctl: /dev/null lacks TVMM_CAP_VMX_CAPS: load a newer tvmm.ko\n"

static bool test_fake_errors(void)
{
	struct child_result r;
	char want[256];
	bool ok = true;

	fake_tvmm_skylake();
	fake_tvmm.api_version = TVMM_API_VERSION + 1;
	snprintf(want, sizeof(want),
		 "tvmmctl: tvmmctl was built for tvmm API %d but /dev/null speaks %d: rebuild tvmmctl or load the matching tvmm.ko\n",
		 TVMM_API_VERSION, TVMM_API_VERSION + 1);
	ok &= cli_check(NULL, &(struct cli_case){
		"/dev/null", { "info" }, FAILURE,
		.out = { EMPTY }, .err = { IS(want) } }, &r);

	fake_tvmm_skylake();
	fake_tvmm.has_vmx_caps = 0;
	ok &= cli_check(NULL, &(struct cli_case){
		"/dev/null", { "info" }, FAILURE,
		.err = { IS(NO_CAPS_MSG) } }, &r);

	fake_tvmm_skylake();
	fake_tvmm.caps_errno = EFAULT;
	ok &= cli_check(NULL, &(struct cli_case){
		"/dev/null", { "info", "--json" }, FAILURE,
		.out = { EMPTY },
		.err = { IS("tvmmctl: TVMM_GET_VMX_CAPS on /dev/null: Bad address\n") } },
		&r);
	fake_tvmm.on = false;
	return ok;
}

/* ---- option tables -------------------------------------------------------- */

/*
 * Every option a command accepts is in its usage line and in its help,
 * which the table prints: neither can forget one.
 */
static bool test_cmd_opt_tables(void)
{
	static const char *const names[] = {
		"bench", "demo", "help", "info", "run",
	};
	const struct tvmmctl_cmd *cmd;
	char *help = NULL, line[64];
	bool ok = true;
	unsigned int k;
	size_t i, len;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		cmd = tvmmctl_find_cmd(names[i]);
		if (!EXPECT(cmd))
			continue;
		f = mem_stream(&help, &len);
		tvmmctl_print_cmd_help(f, cmd);
		fclose(f);
		ok &= lines_fit(help, 80);
		for (k = 0; k < cmd->nr_opts; k++) {
			const struct tvmm_option *o = &cmd->opts[k];

			snprintf(line, sizeof(line), "\n  %s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
			ok &= EXPECT(strstr(cmd->usage, o->name));
			ok &= EXPECT(strstr(help, line));
		}
		free(help);
		help = NULL;
	}
	return ok;
}

/* ---- the static binary -------------------------------------------------- */

static bool test_static_binary(const char *bin)
{
	static const struct cli_case cases[] = {
		{ NOENT, { "info" }, FAILURE, .err = { IS(MISSING_MSG) } },
		{ NULL, { "--version" }, OK,
		  .out = { IS("tvmmctl 0.1.0 (built for tvmm API 1)\n") } },
		{ NULL, { "bogus" }, USAGE },
	};

	return cli_table(bin, cases, ARRAY_SIZE(cases));
}

/* ---- run: bad input, no device needed ----------------------------------- */

static bool write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(buf, 1, len, f) == len;
	return !fclose(f) && ok;
}

#define RUN_IMG		"/tmp/tvmmctl_test_run.img"

static bool test_run_bad_input(void)
{
	static const char elf_start[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	static char big[128 << 10];
	static const struct cli_case no_image[] = {
		{ NOENT, { "run", "/nonexistent/image" }, FAILURE,
		  .err = { IS("tvmmctl: run: /nonexistent/image: No such file or directory\n") } },
	};
	static const struct cli_case big_image[] = {
		{ NOENT, { "run", "--mem", "64K", RUN_IMG }, FAILURE,
		  .err = { HAS("image larger than guest RAM") } },
		/* Fits in 1M: loaded, then the device is missing. */
		{ NOENT, { "run", "--mem=1M", RUN_IMG }, FAILURE,
		  .err = { IS(MISSING_MSG) } },
		/* ...but not at 0xf0000. */
		{ NOENT, { "run", "--mem=1M", "--load-addr", "0xf0000", RUN_IMG },
		  FAILURE, .err = { HAS("does not fit in guest RAM") } },
	};
	static const struct cli_case cut_elf[] = {
		{ NOENT, { "run", RUN_IMG }, FAILURE,
		  .err = { HAS(": truncated ELF header\n") } },
	};
	static const struct cli_case bad_options[] = {
		{ NULL, { "run", "--mem", "1X", RUN_IMG }, USAGE },
		{ NULL, { "run", "--mode", "weird", RUN_IMG }, USAGE },
		{ NULL, { "run", "--timeout", "0", RUN_IMG }, USAGE },
		{ NULL, { "run", RUN_IMG, "--initrd" }, USAGE },
		{ NULL, { "run", RUN_IMG, "--cmdline" }, USAGE },
		{ NULL, { "run" }, USAGE },
	};
	bool ok = true;

	ok &= cli_table(NULL, no_image, ARRAY_SIZE(no_image));
	ok &= EXPECT(write_file(RUN_IMG, big, sizeof(big)));
	ok &= cli_table(NULL, big_image, ARRAY_SIZE(big_image));
	ok &= EXPECT(write_file(RUN_IMG, elf_start, sizeof(elf_start)));
	ok &= cli_table(NULL, cut_elf, ARRAY_SIZE(cut_elf));
	unlink(RUN_IMG);
	ok &= cli_table(NULL, bad_options, ARRAY_SIZE(bad_options));
	return ok;
}

#define DEMO_CPUID \
	"  cpuid             the guest asks who it is; tvmm answers, beside the host"
#define DEMO_RESOURCE \
	"  resource-control  a runaway guest stopped; no memory but its own"
#define DEMO_SNAPSHOT \
	"  snapshot          a VM saved section by section, rolled back, moved"
#define DEMO_LINUX \
	"  linux             Linux boots to a shell: what a real OS makes the VMM do"
#define DEMO_USAGE \
	"usage: tvmmctl demo [--json] [--kernel FILE] [--initrd FILE] [--cpus N]\n" \
	"            NAME... | all | --list\n"
#define DEMO_EPT \
	"  ept               memory: EPT, a read-only page, MMIO, no way out"

/* "tvmmctl demo": the list, and its command-line errors, with no device. */
static bool test_demo_list(void)
{
	static const struct cli_case cases[] = {
		{ NOENT, { "demo", "--list" }, OK,
		  .out = { STARTS("Demos (tvmmctl demo NAME..., or all):\n"),
			   LINE(DEMO_CPUID), LINE(DEMO_RESOURCE) },
		  .err = { EMPTY }, .out_cols = 78 },
		/* No argument: the list too. */
		{ NOENT, { "demo" }, OK,
		  .out = { LINE(DEMO_EPT) } },
		{ NULL, { "demo", "nope" }, USAGE,
		  .err = { STARTS("tvmmctl: demo: no demo 'nope' (tvmmctl demo --list)\n") } },
		{ NULL, { "demo", "--bogus" }, USAGE },
		{ NULL, { "demo", "all", "cpuid" }, USAGE },
		{ NULL, { "demo", "--list", "cpuid" }, USAGE },
		/* The linux demo's options. */
		{ NULL, { "demo", "--cpus", "0", "linux" }, USAGE,
		  .err = { STARTS("tvmmctl: demo: --cpus: want 1 to 16, not '0'\n") } },
		{ NULL, { "demo", "linux", "--kernel" }, USAGE,
		  .err = { STARTS("tvmmctl: demo: --kernel: a file is missing\n") } },
		{ NOENT, { "demo", "--list" }, OK,
		  .out = { LINE(DEMO_LINUX) } },
		{ NOENT, { "demo", "--list" }, OK,
		  .out = { LINE(DEMO_SNAPSHOT) } },
		/* Nor does the snapshot demo start a command without it. */
		{ NOENT, { "demo", "snapshot" }, FAILURE,
		  .out = { EMPTY }, .err = { IS(MISSING_MSG) } },
		/* A demo needs tvmm: said once, before any demo runs. */
		{ NOENT, { "demo", "--json", "all" }, FAILURE,
		  .out = { EMPTY }, .err = { IS(MISSING_MSG) } },
		{ NULL, { "help", "demo" }, OK,
		  .out = { STARTS(DEMO_USAGE) } },
	};

	return cli_table(NULL, cases, ARRAY_SIZE(cases));
}

#define OPTS_IMG	"/tmp/tvmmctl_test_opts.img"

/* The options of run: accepted ones reach the device, bad ones exit 2. */
static bool test_run_options(void)
{
	static const char img[] = { 0xfa, 0xf4 };
	static const struct cli_case with_image[] = {
		{ NOENT, { "run", "--cpus", "2", "--trace", "--stats", "--json",
			   OPTS_IMG }, FAILURE,
		  .err = { IS(MISSING_MSG) } },
		{ NOENT, { "run", "--cpus=16", OPTS_IMG }, FAILURE },
		{ NULL, { "run", "--cpus", "0", OPTS_IMG }, USAGE,
		  .err = { STARTS("tvmmctl: run: --cpus: want 1 to 16, not '0'\n") } },
		{ NULL, { "run", "--cpus=17", OPTS_IMG }, USAGE,
		  .err = { HAS("not '17'") } },
		{ NULL, { "run", "--cpus", "two", OPTS_IMG }, USAGE },
		{ NULL, { "run", OPTS_IMG, "--cpus" }, USAGE,
		  .err = { HAS("not ''") } },
		{ NULL, { "run", "--trace=yes", OPTS_IMG }, USAGE,
		  .err = { HAS("unknown option '--trace=yes'") } },
	};
	static const struct cli_case help[] = {
		{ NULL, { "help", "run" }, OK,
		  .out = { HAS("--trace"), HAS("--stats"), HAS("--json"),
			   HAS("--cpus N") },
		  .out_cols = 80 },
	};
	bool ok = true;

	ok &= EXPECT(write_file(OPTS_IMG, img, sizeof(img)));
	ok &= cli_table(NULL, with_image, ARRAY_SIZE(with_image));
	unlink(OPTS_IMG);
	ok &= cli_table(NULL, help, ARRAY_SIZE(help));
	return ok;
}

#define MB_IMG		"/tmp/tvmmctl_test_mb.img"
#define MB_MOD		"/tmp/tvmmctl_test_mb.mod"
#define MB_RAW		"/tmp/tvmmctl_test_mb.raw"

static bool test_run_mb_bad_input(void)
{
	/* An a.out kludge kernel: header, load 0x100000, entry 0x100020. */
	static const __u32 mb[] = {
		0x1badb002, 0x10003, -(0x1badb002U + 0x10003),
		0x100000, 0x100000, 0, 0, 0x100020,
		0xfeebfeeb,
	};
	static const struct cli_case good_kernel[] = {
		/* Loaded: then the device is missing. */
		{ NOENT, { "run", "--cmdline", "a b", "--initrd",
			   MB_MOD " x," MB_MOD, MB_IMG }, FAILURE,
		  .err = { IS(MISSING_MSG) } },
		{ NOENT, { "run", "--initrd", MB_MOD ",/nonexistent/mod arg",
			   MB_IMG }, FAILURE,
		  .err = { RUN_ERROR("module '/nonexistent/mod': No such file") } },
		{ NOENT, { "run", "--initrd", "/tmp", MB_IMG }, FAILURE,
		  .err = { RUN_ERROR("module '/tmp': not a regular file") } },
		{ NOENT, { "run", "--mem", "1M", MB_IMG }, FAILURE,
		  .err = { RUN_ERROR("need --mem 2M") } },
		{ NOENT, { "run", "--mode", "real", MB_IMG }, FAILURE,
		  .err = { RUN_ERROR("are for raw images") } },
		{ NOENT, { "run", "--initrd", MB_MOD, MB_RAW }, FAILURE,
		  .err = { RUN_ERROR("--initrd is for multiboot kernels") } },
	};
	static const struct cli_case bad_checksum[] = {
		{ NOENT, { "run", MB_IMG }, FAILURE,
		  .err = { RUN_ERROR("bad checksum") } },
	};
	char bad[sizeof(mb)];
	bool ok = true;

	ok &= EXPECT(write_file(MB_IMG, mb, sizeof(mb)));
	ok &= EXPECT(write_file(MB_MOD, "m", 1));
	ok &= EXPECT(write_file(MB_RAW, "\xf4", 1));
	ok &= cli_table(NULL, good_kernel, ARRAY_SIZE(good_kernel));
	memcpy(bad, mb, sizeof(bad));
	bad[8] ^= 1;
	ok &= EXPECT(write_file(MB_IMG, bad, sizeof(bad)));
	ok &= cli_table(NULL, bad_checksum, ARRAY_SIZE(bad_checksum));
	unlink(MB_IMG);
	unlink(MB_MOD);
	unlink(MB_RAW);
	return ok;
}

#define LX_IMG		"/tmp/tvmmctl_test_linux.img"
#define LX_INITRD	"/tmp/tvmmctl_test_linux.cpio"

/*
 * A bzImage on the command line: the default RAM is 256M (a kernel that
 * needs 217M loads without --mem, then the device is missing), --mem too
 * small says what is needed, --initrd is one file, the raw options are
 * refused; a raw image takes no --initrd.
 */
static bool test_run_linux_bad_input(void)
{
	static const struct cli_case cases[] = {
		{ NOENT, { "run", LX_IMG }, FAILURE,
		  .err = { IS(MISSING_MSG) } },
		{ NOENT, { "run", "--initrd", LX_INITRD, "--cpus", "2",
			   "--cmdline", "console=ttyS0", LX_IMG }, FAILURE,
		  .err = { IS(MISSING_MSG) } },
		{ NOENT, { "run", "--mem", "64M", LX_IMG }, FAILURE,
		  .err = { RUN_ERROR("this kernel needs --mem 217M or more") } },
		{ NOENT, { "run", "--mem", "216M", LX_IMG }, FAILURE,
		  .err = { RUN_ERROR("needs --mem 217M") } },
		{ NOENT, { "run", "--mem", "217M", LX_IMG }, FAILURE,
		  .err = { IS(MISSING_MSG) } },
		{ NOENT, { "run", "--initrd", "/nonexistent/initrd", LX_IMG },
		  FAILURE,
		  .err = { RUN_ERROR("--initrd '/nonexistent/initrd': No such file") } },
		{ NOENT, { "run", "--entry", "0x1000000", LX_IMG }, FAILURE,
		  .err = { RUN_ERROR("are for raw images") } },
		{ NOENT, { "run", "--initrd", LX_INITRD, LX_INITRD }, FAILURE,
		  .err = { RUN_ERROR("--initrd is for multiboot kernels and Linux images") } },
	};
	static __u8 img[BZ_SIZE];
	bool ok = true;

	make_bzimage(img);
	set(img, H_INIT_SIZE, 200 << 20);
	ok &= EXPECT(write_file(LX_IMG, img, sizeof(img)));
	ok &= EXPECT(write_file(LX_INITRD, "07070", 5));
	ok &= cli_table(NULL, cases, ARRAY_SIZE(cases));
	unlink(LX_IMG);
	unlink(LX_INITRD);
	return ok;
}

/* ---- bench end to end -------------------------------------------------- */

/*
 * What needs no VM: usage errors, a missing /dev/tvmm (the table says why,
 * exit 1), and the native backend, which runs here, in JSON. /dev/kvm is
 * not tried: this host's could be real.
 */
static bool test_bench_cmd(void)
{
	static const struct cli_case cases[] = {
		{ NULL, { "bench", "--reps", "0" }, USAGE,
		  .err = { STARTS("tvmmctl: bench: --reps: want 1 to 100, not '0'\n") } },
		{ NULL, { "bench", "nosuchcase" }, USAGE,
		  .err = { STARTS("tvmmctl: bench: unknown case 'nosuchcase'\n") } },
		{ NOENT, { "bench", "--backend", "tvmm", "--size", "small",
			   "cpuid" }, FAILURE,
		  .out = { HAS("\ncpuid              n/a              -     "),
			   HAS("  <=0.50 n/a\n"),
			   HAS("\ntvmm: not run: /nonexistent/tvmm") } },
	};
	static const struct json_want native[] = {
		{ "size", "\"small\"" },
		{ "reps", "2" },
		{ "ok", "true" },
		{ "backends.native.available", "true" },
		{ "backends.tvmm.used", "false" },
		{ "metrics.sieve.ops", "2" },
		{ "metrics.sieve.tvmm", "null" },
		{ "metrics.sieve.tvmm_native", "null" },
		{ "metrics.touch.native.handled", "\"page fault\"" },
		{ NULL, NULL },
	};
	struct child_result r;
	bool ok = cli_table(NULL, cases, ARRAY_SIZE(cases));
	char got[64];

	ok &= cli_check(NULL, &(struct cli_case){
		NULL, { "bench", "--backend=native", "--size=small",
			"--reps=2", "--json", "sieve", "memloop", "touch" },
		OK }, &r);
	ok &= EXPECT(json_valid(r.out));
	ok &= EXPECT(json_has(r.out, native));
	ok &= EXPECT(!json_check(r.out, "metrics.sieve.native.median", got,
				 sizeof(got), NULL, 0) && atof(got) > 0);
	ok &= EXPECT(!json_check(r.out, "metrics.memloop.native.samples[1]",
				 got, sizeof(got), NULL, 0) && atof(got) > 0);
	return ok;
}

/* ---- main --------------------------------------------------------------- */

/*
 * Each test: @fn, or else the "info" case @info; skipped when @skip says
 * why it cannot run here.
 */
static const struct {
	const char *name;
	bool (*fn)(void);
	const struct info_case *info;
	const char *(*skip)(void);
} tests[] = {
	{ "feature table matches uapi/tvmm_features.h", test_feature_table },
	{ "cpulist: runs and singles", test_cpulist },
	{ "cpulist: 1024 CPUs", test_cpulist_many },
	{ "info text: Skylake-like host", .info = &skylake_text_case },
	{ "info json: Skylake-like host", .info = &skylake_json_case },
	{ "info: CPU without EPT", .info = &no_ept_case },
	{ "info: no TRUE_* control MSRs", .info = &no_true_case },
	{ "info: VMXON deferred", .info = &deferred_case },
	{ "info: CPU lists 0-1,3", .info = &partial_case },
	{ "info: more CPUs than the ABI carries", .info = &many_case },
	{ "info: bits from a newer tvmm.ko", .info = &unknown_case },
	{ "json writer", test_json_writer },
	{ "json checker rejects bad JSON", test_json_checker },
	{ "dispatch: unknown command exits 2", test_unknown_command },
	{ "dispatch: help and --version", test_help_and_version },
	{ "dispatch: info with a bad option exits 2", test_info_bad_option },
	{ "device path from TVMM_DEV", test_dev_path },
	{ "device missing: message and exit 1", test_dev_missing },
	{ "device is not tvmm (/dev/null)", test_dev_not_tvmm },
	{ "device error messages", test_dev_messages },
	{ "pretend tvmm.ko: open, version, extensions", test_fake_open },
	{ "pretend tvmm.ko: info and info --json", test_fake_info },
	{ "pretend tvmm.ko: API mismatch, missing extension, ioctl error",
	  test_fake_errors },
	{ "run: --mem sizes, ranges, words", test_run_parse_size },
	{ "run: --name VALUE and --name=VALUE", test_run_parse_opt },
	{ "options: a table parses and prints its help", test_opt_table },
	{ "options: every command's usage and help list its table",
	  test_cmd_opt_tables },
	{ "run: raw image placement", test_run_raw },
	{ "run: ELF64 with two segments and BSS", test_run_elf64_good },
	{ "run: ELF32 with two segments and BSS", test_run_elf32_good },
	{ "run: bad ELF images rejected, RAM untouched", test_run_elf_bad },
	{ "run: long-mode page tables and boot state", test_run_boot_long },
	{ "run: the boot area moves out of an image's way", test_run_boot_area },
	{ "run: UART registers and output", test_run_uart },
	{ "run: debug-exit, POST, i8042 reset", test_run_debug_exit },
	{ "run: bad input and bad options", test_run_bad_input },
	{ "demo: the table and --list", test_demo_list },
	{ "demo: every guest image loads", test_demo_images },
	{ "demo: the demo table", test_demo_table },
	{ "demo: facts and checks as JSON lines", test_demo_json },
	{ "demo: the text's wrapping", test_demo_wrap },
	{ "demo: the guest's reports and each step's cost", test_demo_reports },
	{ "run: --cpus, --trace, --stats, --json parsed", test_run_options },
	{ "trace: every exit reason as a text line", test_trace_text },
	{ "trace: vCPU, handler, small buffers", test_trace_text_edges },
	{ "trace: every exit reason as a JSON line", test_trace_json },
	{ "trace: decoded JSON members", test_trace_json_members },
	{ "trace: exit, vector and MSR names", test_trace_names },
	{ "trace: draining a ring that wraps", test_trace_ring_drain },
	{ "trace: --stats text and JSON lines", test_trace_stats },
	{ "summary: exits grouped by reason, what they touched, device",
	  test_summary_rows },
	{ "summary: a full table loses no exit", test_summary_overflow },
	{ "summary: --summary text and JSON lines", test_summary_print },
	{ "pic: init sequence, masks, edges", test_pic_init_and_mask },
	{ "pic: priorities, nesting, EOI, cascade, rotation",
	  test_pic_priority_and_eoi },
	{ "pic: AEOI, poll, level-triggered", test_pic_modes },
	{ "uart: IIR priorities, FIFO trigger, THRE, OUT2",
	  test_uart_interrupts },
	{ "uart: loopback", test_uart_loopback },
	{ "lapic: registers per vCPU", test_lapic_registers },
	{ "lapic: ICR INIT and STARTUP", test_lapic_init_sipi },
	{ "lapic: fixed IPIs, destinations, PPR, EOI", test_lapic_fixed_ipi },
	{ "pit: mode 2 and mode 0 on a pretend clock", test_pit },
	{ "apic timer: one-shot on a pretend TSC", test_apic_timer_one_shot },
	{ "apic timer: periodic, without drift", test_apic_timer_periodic },
	{ "apic timer: every divider, TDCR while counting",
	  test_apic_timer_divide },
	{ "apic timer: masked, TMICT 0, mode changes",
	  test_apic_timer_masked_and_stopped },
	{ "apic timer: TSC-deadline mode and IA32_TSC_DEADLINE",
	  test_apic_tsc_deadline },
	{ "lapic: IA32_APIC_BASE, disabled and enabled again",
	  test_apic_base_msr },
	{ "lapic: SVR software disable masks the LVT", test_apic_svr_disable },
	{ "lapic: the PIC through LVT0 in ExtINT mode only",
	  test_apic_lint0_extint },
	{ "lapic: cluster, flat, lowest priority, ESR",
	  test_apic_destinations },
	{ "ioapic: registers, reset, --trace words", test_ioapic_registers },
	{ "ioapic: edge pins, masking, ISA wiring", test_ioapic_edge_and_isa },
	{ "ioapic: level pins, remote IRR, EOI", test_ioapic_level },
	{ "ioapic: physical, logical, lowest priority",
	  test_ioapic_destinations },
	{ "devices: access counts for --stats", test_device_counts },
	{ "devices: each words its own --trace line", test_device_trace_words },
	{ "cpuid: what the model keeps of a host with every bit",
	  test_cpuid_masked },
	{ "cpuid: what the model adds to a host with none", test_cpuid_added },
	{ "cpuid: XSAVE as the host enabled it", test_cpuid_xsave },
	{ "cpuid: APIC IDs and topology per vCPU", test_cpuid_topology },
	{ "cpuid: leaves 0x15 and 0x16 in Linux's arithmetic",
	  test_cpuid_tsc_leaves },
	{ "pit: counter 2 in mode 0, gated, OUT2 on port 0x61",
	  test_pit_counter2_mode0 },
	{ "pit: counter 2's MSB as quick_pit_calibrate() reads it",
	  test_pit_counter2_msb },
	{ "pit: counter 2 in modes 1, 2, 3; the gate's edge",
	  test_pit_counter2_modes },
	{ "pit: latch, read-back, status, BCD", test_pit_read_back },
	{ "pit: port 0x61's bits; counter 0 in mode 4",
	  test_pit_port_b_and_mode4 },
	{ "rtc: the time as Linux reads it, BCD, binary, 12 hours",
	  test_rtc_read_time },
	{ "rtc: the time as Linux sets it, held, then running",
	  test_rtc_set_time },
	{ "rtc: register C's flags, D, CMOS RAM, the NMI bit",
	  test_rtc_flags_and_ram },
	{ "i8042: Linux's controller probe, then atkbd's",
	  test_i8042_linux_probe },
	{ "i8042: keyboard and controller commands", test_i8042_commands },
	{ "i8042: the reset line and Linux's panic blink",
	  test_i8042_reset_and_panic },
	{ "vmm: input by interrupt to a halted vCPU (pretend VM)",
	  test_vmm_echo_halted },
	{ "vmm: input by interrupt to a running vCPU, kicked",
	  test_vmm_echo_kicked },
	{ "vmm: INIT-SIPI-SIPI starts vCPU 1 at VV00:0000",
	  test_vmm_smp_start },
	{ "vmm: HLT woken by PIT ticks", test_vmm_pit_ticks },
	{ "vmm: the APIC timer wakes a halted vCPU, kicks a running one",
	  test_vmm_apic_timer },
	{ "vmm: TVMM_EXIT_MSR answered by the devices, #GP",
	  test_vmm_user_msrs },
	{ "vmm: HLT waits until --timeout; missing extensions",
	  test_vmm_halt_timeout },
	{ "vmm: TVMM_CREATE_VM failing is not a missing device",
	  test_vmm_create_fails },
	{ "vmm: a terminal: raw keys, Ctrl-A x, settings restored",
	  test_vmm_terminal },
	{ "multiboot: header search", test_mb_header_search },
	{ "multiboot: --initrd syntax", test_mb_parse_modules },
	{ "multiboot: memory map and info block", test_mb_mmap },
	{ "multiboot: a.out kludge", test_mb_aout },
	{ "multiboot: layout as QEMU's", test_mb_layout_like_qemu },
	{ "multiboot: ELF kernel with a module", test_mb_elf },
	{ "multiboot: bad kernels refused, RAM untouched", test_mb_bad },
	{ "multiboot: kernels at 0x8000 and over the boot area", test_mb_low },
	{ "multiboot: bad input on the command line", test_run_mb_bad_input },
	{ "linux: RAM, --initrd and options on the command line",
	  test_run_linux_bad_input },
	{ "fw_cfg: items, selectors, reads past the end", test_fw_cfg },
	{ "e820: the map for every RAM size", test_e820 },
	{ "linux: bad bzImages and options refused, RAM untouched",
	  test_bzimage_bad },
	{ "linux: the zero page, byte by byte, and the boot state",
	  test_bzimage_zero_page },
	{ "linux: PVH vmlinux, hvm_start_info, memmap, module", test_pvh },
	{ "linux: bad PVH vmlinux files refused, RAM untouched", test_pvh_bad },
	{ "mptable: decoded back for 1 to 40 vCPUs", test_mptable },
	{ "loaders: the order formats are told apart in", test_loader_order },
	{ "linux: Debian's bzImage", test_debian_bzimage,
	  .skip = skip_no_debian_bzimage },
	{ "linux: Debian's vmlinux through PVH", test_debian_vmlinux,
	  .skip = skip_no_debian_vmlinux },
	{ "bench: median and spread", test_bench_stats },
	{ "bench: command line", test_bench_parse },
	{ "bench: ratios and targets", test_bench_verdicts },
	{ "bench: the table", test_bench_table },
	{ "bench: the JSON", test_bench_json },
	{ "bench: sieve, memloop and touch", test_bench_work },
	{ "bench: the guest image and its layout", test_bench_guest_image },
	{ "bench: errors, no device, native end to end", test_bench_cmd },
	{ "snapshot: CRC-32", test_snap_crc32 },
	{ "snapshot: written, read back, zero pages left out",
	  test_snap_round_trip },
	{ "snapshot: version, truncation, flipped bytes, unknown types refused",
	  test_snap_refusals },
	{ "snapshot: CPU features the host lacks refused",
	  test_snap_features },
	{ "snapshot: XSAVE, debug registers, capabilities the host lacks refused",
	  test_snap_vcpu_refusals },
	{ "snapshot: devices saved, loaded, saved again: same bytes",
	  test_snap_devices_round_trip },
	{ "snapshot: bad device state refused, device unchanged",
	  test_snap_devices_refused },
	{ "snapshot: timers go on after a load under another clock",
	  test_snap_timers_go_on },
	{ "snapshot: written into memory, read back as a file",
	  test_snap_state_in_memory },
	{ "migration: addresses", test_mig_addr },
	{ "migration: records whole, corrupt ones refused", test_mig_records },
	{ "migration: the receiver fills RAM as the pages say",
	  test_mig_receive },
	{ "migration: the receiver refuses a bad stream, saying why",
	  test_mig_receive_refused },
};

int main(void)
{
	const char *bin = getenv("TVMMCTL_BIN");
	const char *why;
	size_t i;

	verbose = getenv("TVMMCTL_TEST_VERBOSE");
	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(tests) + 1);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		why = tests[i].skip ? tests[i].skip() : NULL;
		if (why)
			ksft_test_result_skip("%s: %s\n", tests[i].name, why);
		else
			ksft_test_result(tests[i].fn ? tests[i].fn() :
					 check_info(tests[i].info),
					 "%s\n", tests[i].name);
	}

	if (!bin || !bin[0])
		ksft_test_result_skip("static tvmmctl (set TVMMCTL_BIN)\n");
	else
		ksft_test_result(test_static_binary(bin),
				 "static tvmmctl: %s\n", bin);
	ksft_finished();
	return 0;
}
