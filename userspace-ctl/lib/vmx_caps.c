// SPDX-License-Identifier: GPL-2.0
/*
 * What struct tvmm_vmx_caps means, for "tvmmctl info" (words)
 * and "tvmmctl info --json".
 *
 * tvmm.ko reads the VMX capability MSRs once at load and decodes the
 * features itself (tvmm_vmx_caps.features); this file puts names and
 * reasons on them, and shows the raw MSRs for whoever wants to decode them
 * by hand with the SDM open: Intel SDM Vol. 3D, Appendix A "VMX Capability
 * Reporting Facility".
 */
#include <assert.h>
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "lib/cpulist.h"
#include "lib/json_out.h"
#include "lib/util.h"
#include "lib/vmx_caps.h"

/* The features' names, from the list in uapi/tvmm_features.h. */
#define TVMM_VMX_PREFIX_LEN	(sizeof("TVMM_VMX_") - 1)
const struct tvmm_vmx_feature_info tvmm_vmx_features[] = {
#define TVMM_VMX_FEATURE(bit, flag)					\
	{ bit, #bit + TVMM_VMX_PREFIX_LEN, flag },
#include "uapi/tvmm_features.h"
#undef TVMM_VMX_FEATURE
};

static_assert(ARRAY_SIZE(tvmm_vmx_features) == TVMM_VMX_NR_FEATURES,
	      "uapi/tvmm_features.h must list every TVMM_VMX_* feature");

/*
 * What each feature is and why it matters, in the 53 columns "tvmmctl
 * info" leaves. Features are append-only, so a feature added to
 * uapi/tvmm.h without its line here makes this array too short, and the
 * static_assert below fails the build.
 */
static const char *const feature_why[] = {
	[TVMM_VMX_TRUE_CTLS] =
		"TRUE_*_CTLS MSRs: some default-1 controls may be 0",
	[TVMM_VMX_EPT] =
		"extended page tables: the CPU maps guest memory",
	[TVMM_VMX_EPT_4LEVEL] =
		"EPT walks 4 levels: 48-bit guest-physical addresses",
	[TVMM_VMX_EPT_5LEVEL] =
		"EPT walks 5 levels: 57-bit guest-physical addresses",
	[TVMM_VMX_EPT_WB] =
		"EPT tables may live in write-back (cached) memory",
	[TVMM_VMX_EPT_2M] =
		"EPT maps 2 MiB pages: fewer tables, fewer TLB misses",
	[TVMM_VMX_EPT_1G] =
		"EPT maps 1 GiB pages",
	[TVMM_VMX_EPT_AD] =
		"EPT accessed/dirty bits: see what the guest touched",
	[TVMM_VMX_EPT_X_ONLY] =
		"EPT pages may be execute-only (no read, no write)",
	[TVMM_VMX_INVEPT] =
		"INVEPT flushes translations cached from EPT",
	[TVMM_VMX_VPID] =
		"VPID tags TLB entries: no TLB flush on entry/exit",
	[TVMM_VMX_INVVPID] =
		"INVVPID flushes the TLB entries of one VPID",
	[TVMM_VMX_UNRESTRICTED_GUEST] =
		"real mode and unpaged guest code run natively",
	[TVMM_VMX_PREEMPTION_TIMER] =
		"VMX-preemption timer: VM exit after a set time",
	[TVMM_VMX_VNMI] =
		"virtual NMIs: the CPU tracks the guest's NMI blocking",
	[TVMM_VMX_TSC_OFFSET] =
		"TSC offsetting: guest TSC = host TSC + offset",
	[TVMM_VMX_TSC_SCALING] =
		"TSC scaling: the guest TSC may tick at another rate",
	[TVMM_VMX_RDTSCP] =
		"the guest may run RDTSCP (else it gets #UD)",
	[TVMM_VMX_MSR_BITMAPS] =
		"MSR bitmaps: pick which RDMSR/WRMSR cause VM exits",
	[TVMM_VMX_IO_BITMAPS] =
		"I/O bitmaps: pick which IN/OUT ports cause VM exits",
	[TVMM_VMX_TPR_SHADOW] =
		"TPR shadow: guest CR8 writes need not exit",
	[TVMM_VMX_VIRT_APIC_ACCESSES] =
		"APIC page accesses get their own exit reason",
	[TVMM_VMX_POSTED_INTR] =
		"posted interrupts: inject without a VM exit",
	[TVMM_VMX_MTF] =
		"monitor trap flag: exit after one guest instruction",
	[TVMM_VMX_PAUSE_LOOP_EXITING] =
		"PAUSE-loop exiting: catch vCPUs spinning on a lock",
	[TVMM_VMX_SHADOW_VMCS] =
		"shadow VMCS: nested VMREAD/VMWRITE without exits",
	[TVMM_VMX_PML] =
		"page-modification log: the CPU lists dirty pages",
	[TVMM_VMX_LOAD_EFER] =
		"VM entry/exit load IA32_EFER (long-mode guests)",
	[TVMM_VMX_ACTIVITY_HLT] =
		"the VMCS can hold a halted guest (activity state)",
};

static_assert(ARRAY_SIZE(feature_why) == TVMM_VMX_NR_FEATURES,
	      "describe every TVMM_VMX_* feature in feature_why[]");

/* The state bits this tvmmctl knows. */
#define KNOWN_STATE	(TVMM_CAPS_VMXON_DEFERRED | TVMM_CAPS_CPUS_TRUNCATED)

/*
 * The raw MSRs, in struct order. @true_name is the MSR the field holds
 * instead when IA32_VMX_BASIC[55] says the TRUE_* controls MSRs exist;
 * @optional ones are 0 when the CPU lacks the MSR.
 */
struct vmx_msr_info {
	const char *field;
	size_t offset;
	unsigned int index;
	const char *name;
	unsigned int true_index;
	const char *true_name;
	bool optional;
};

#define VMX_MSR(fld, idx, nm, opt)					\
	{ .field = #fld, .offset = offsetof(struct tvmm_vmx_caps, fld),	\
	  .index = idx, .name = nm, .optional = opt }
#define VMX_CTLS_MSR(fld, idx, nm, true_idx, true_nm)			\
	{ .field = #fld, .offset = offsetof(struct tvmm_vmx_caps, fld),	\
	  .index = idx, .name = nm,					\
	  .true_index = true_idx, .true_name = true_nm }

static const struct vmx_msr_info vmx_msrs[] = {
	VMX_MSR(basic, 0x480, "IA32_VMX_BASIC", false),
	VMX_CTLS_MSR(pinbased_ctls, 0x481, "IA32_VMX_PINBASED_CTLS",
		     0x48d, "IA32_VMX_TRUE_PINBASED_CTLS"),
	VMX_CTLS_MSR(procbased_ctls, 0x482, "IA32_VMX_PROCBASED_CTLS",
		     0x48e, "IA32_VMX_TRUE_PROCBASED_CTLS"),
	VMX_MSR(procbased_ctls2, 0x48b, "IA32_VMX_PROCBASED_CTLS2", true),
	VMX_CTLS_MSR(exit_ctls, 0x483, "IA32_VMX_EXIT_CTLS",
		     0x48f, "IA32_VMX_TRUE_EXIT_CTLS"),
	VMX_CTLS_MSR(entry_ctls, 0x484, "IA32_VMX_ENTRY_CTLS",
		     0x490, "IA32_VMX_TRUE_ENTRY_CTLS"),
	VMX_MSR(misc, 0x485, "IA32_VMX_MISC", false),
	VMX_MSR(cr0_fixed0, 0x486, "IA32_VMX_CR0_FIXED0", false),
	VMX_MSR(cr0_fixed1, 0x487, "IA32_VMX_CR0_FIXED1", false),
	VMX_MSR(cr4_fixed0, 0x488, "IA32_VMX_CR4_FIXED0", false),
	VMX_MSR(cr4_fixed1, 0x489, "IA32_VMX_CR4_FIXED1", false),
	VMX_MSR(ept_vpid_cap, 0x48c, "IA32_VMX_EPT_VPID_CAP", true),
	VMX_MSR(vmfunc, 0x491, "IA32_VMX_VMFUNC", true),
};

#undef VMX_MSR
#undef VMX_CTLS_MSR

/* Control register bits by name, for the CRn_FIXED0 ("must be 1") lines. */
static const char *const cr0_bits[64] = {
	[0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET",
	[5] = "NE", [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD",
	[31] = "PG",
};

static const char *const cr4_bits[64] = {
	[0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE", [4] = "PSE",
	[5] = "PAE", [6] = "MCE", [7] = "PGE", [8] = "PCE", [9] = "OSFXSR",
	[10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57", [13] = "VMXE",
	[14] = "SMXE", [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE",
	[19] = "KL", [20] = "SMEP", [21] = "SMAP", [22] = "PKE", [23] = "CET",
	[24] = "PKS",
};

const struct tvmm_vmx_feature_info *
tvmm_vmx_feature_info(enum tvmm_vmx_feature feature)
{
	if ((unsigned int)feature >= ARRAY_SIZE(tvmm_vmx_features))
		return NULL;
	return &tvmm_vmx_features[feature];
}

/* What @feature is and why it matters, or NULL when it is not known. */
const char *tvmm_vmx_feature_why(enum tvmm_vmx_feature feature)
{
	if ((unsigned int)feature >= ARRAY_SIZE(feature_why))
		return NULL;
	return feature_why[feature];
}

/* The feature's name in lower case ("ept_ad"), in @buf. Return: @buf. */
const char *tvmm_vmx_feature_key(const struct tvmm_vmx_feature_info *info,
				 char *buf, size_t len)
{
	size_t i;

	for (i = 0; info->name[i] && i + 1 < len; i++)
		buf[i] = tolower((unsigned char)info->name[i]);
	if (len)
		buf[i] = '\0';
	return buf;
}

/* The feature bits this tvmmctl has names for. */
static __u64 known_features(void)
{
	__u64 known = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tvmm_vmx_features); i++)
		known |= 1ULL << tvmm_vmx_features[i].feature;
	return known;
}

bool tvmm_caps_has(const struct tvmm_vmx_caps *caps,
		   enum tvmm_vmx_feature feature)
{
	return (unsigned int)feature < 64 && ((caps->features >> feature) & 1);
}

/*
 * The memory type the CPU uses for the VMCS and the VMXON region, from
 * IA32_VMX_BASIC[53:50]. SDM Vol. 3D, A.1 "Basic VMX Information": only
 * 0 (UC) and 6 (WB) are used, the other values are not.
 */
const char *tvmm_memtype_name(unsigned int memtype)
{
	switch (memtype) {
	case 0:
		return "uncacheable";
	case 6:
		return "write-back";
	default:
		return "reserved";
	}
}

static __u64 msr_value(const struct tvmm_vmx_caps *caps,
		       const struct vmx_msr_info *msr)
{
	__u64 value;

	memcpy(&value, (const char *)caps + msr->offset, sizeof(value));
	return value;
}

/* The label column of "tvmmctl info". */
#define LABEL	"  %-20s "

static void print_cr_fixed(FILE *f, const char *label,
			   const char *const names[64], __u64 fixed0)
{
	unsigned int bit;
	bool any = false;

	fprintf(f, LABEL, label);
	for (bit = 0; bit < 64; bit++) {
		if (!((fixed0 >> bit) & 1))
			continue;
		if (any)
			fputc(' ', f);
		if (names[bit])
			fputs(names[bit], f);
		else
			fprintf(f, "bit%u", bit);
		any = true;
	}
	if (!any)
		fputs("none", f);
}

static void print_vmcs(FILE *f, const struct tvmm_vmx_caps *caps)
{
	fputs("VMCS (from IA32_VMX_BASIC)\n", f);
	fprintf(f, LABEL "0x%08x (heads every VMCS and the VMXON region)\n",
		"revision id", caps->vmcs_revision);
	fprintf(f, LABEL "%u bytes\n", "region size", caps->vmcs_size);
	fprintf(f, LABEL "%u (%s)\n", "memory type", caps->vmcs_memtype,
		tvmm_memtype_name(caps->vmcs_memtype));
	fprintf(f, LABEL "%s\n", "control MSRs",
		tvmm_caps_has(caps, TVMM_VMX_TRUE_CTLS) ?
		"TRUE_* MSRs: some default-1 controls may be 0" :
		"no TRUE_* MSRs: every default-1 control stays 1");
}

static void print_ept(FILE *f, const struct tvmm_vmx_caps *caps)
{
	bool l4 = tvmm_caps_has(caps, TVMM_VMX_EPT_4LEVEL);
	bool l5 = tvmm_caps_has(caps, TVMM_VMX_EPT_5LEVEL);

	fprintf(f, LABEL, "EPT");
	if (!tvmm_caps_has(caps, TVMM_VMX_EPT)) {
		fputs("no (guest memory needs shadow page tables)\n", f);
		return;
	}
	fputs("yes: ", f);
	if (l4 && l5)
		fputs("4- and 5-level walks", f);
	else if (l4 || l5)
		fprintf(f, "%d-level walks", l4 ? 4 : 5);
	else
		fputs("no walk length reported", f);
	fprintf(f, "; pages 4K%s%s\n",
		tvmm_caps_has(caps, TVMM_VMX_EPT_2M) ? " 2M" : "",
		tvmm_caps_has(caps, TVMM_VMX_EPT_1G) ? " 1G" : "");
}

static void print_summary(FILE *f, const struct tvmm_vmx_caps *caps)
{
	fputs("At a glance\n", f);
	print_ept(f, caps);

	fprintf(f, LABEL "%s\n", "VPID",
		!tvmm_caps_has(caps, TVMM_VMX_VPID) ? "no" :
		tvmm_caps_has(caps, TVMM_VMX_INVVPID) ?
		"yes, with INVVPID" : "yes, without INVVPID");

	fprintf(f, LABEL, "preemption timer");
	if (tvmm_caps_has(caps, TVMM_VMX_PREEMPTION_TIMER))
		fprintf(f, "yes: 1 tick every %llu TSC cycles (TSC >> %u)\n",
			1ULL << (caps->preemption_timer_shift & 63),
			caps->preemption_timer_shift);
	else
		fputs("no\n", f);

	print_cr_fixed(f, "CR0 bits fixed to 1", cr0_bits, caps->cr0_fixed0);
	if (tvmm_caps_has(caps, TVMM_VMX_UNRESTRICTED_GUEST))
		fputs("; guests may clear PE and PG", f);
	fputc('\n', f);
	print_cr_fixed(f, "CR4 bits fixed to 1", cr4_bits, caps->cr4_fixed0);
	fputc('\n', f);
}

static void print_features(FILE *f, const struct tvmm_vmx_caps *caps)
{
	const struct tvmm_vmx_feature_info *info;
	char key[TVMM_VMX_KEY_LEN];
	__u64 unknown = caps->features & ~known_features();
	size_t i;

	fputs("Features (names as in 'tvmmctl info --json')\n", f);
	for (i = 0; i < ARRAY_SIZE(tvmm_vmx_features); i++) {
		info = &tvmm_vmx_features[i];
		fprintf(f, "  %-18s %-3s  %s\n",
			tvmm_vmx_feature_key(info, key, sizeof(key)),
			tvmm_caps_has(caps, info->feature) ? "yes" : "no",
			tvmm_vmx_feature_why(info->feature));
	}
	if (unknown)
		fprintf(f, "  also bits 0x%llx, unknown to this tvmmctl\n",
			unknown);
}

static void print_cpu_map(FILE *f, const char *label, const __u64 *map)
{
	unsigned int n = tvmm_cpu_count(map, TVMM_MAX_CPUS);

	fprintf(f, LABEL, label);
	if (!n) {
		fputs("none\n", f);
		return;
	}
	tvmm_cpulist_print(f, map, TVMM_MAX_CPUS);
	fprintf(f, " (%u CPU%s)\n", n, n == 1 ? "" : "s");
}

static const char vmxon_deferred[] =
	"VMXON is deferred until the first VM is created (defer_vmxon=1)";

static void print_cpus(FILE *f, const struct tvmm_vmx_caps *caps)
{
	unsigned int unknown = caps->state & ~KNOWN_STATE;

	fputs("CPUs\n", f);
	fprintf(f, LABEL "%u\n", "nr_cpu_ids", caps->nr_cpu_ids);
	print_cpu_map(f, "online", caps->online_cpus);
	print_cpu_map(f, "in VMX root mode", caps->vmxon_cpus);
	if (caps->state & TVMM_CAPS_VMXON_DEFERRED)
		fprintf(f, "  %s\n", vmxon_deferred);
	if (caps->state & TVMM_CAPS_CPUS_TRUNCATED)
		fprintf(f, "  Only CPUs 0-%u are listed: this host has more.\n",
			TVMM_MAX_CPUS - 1);
	if (unknown)
		fprintf(f, "  Also state bits 0x%x, unknown to this tvmmctl.\n",
			unknown);
}

static void print_msrs(FILE *f, const struct tvmm_vmx_caps *caps)
{
	bool true_ctls = tvmm_caps_has(caps, TVMM_VMX_TRUE_CTLS);
	size_t i;

	fputs("Raw capability MSRs (Intel SDM Vol. 3D, Appendix A)\n", f);
	for (i = 0; i < ARRAY_SIZE(vmx_msrs); i++) {
		const struct vmx_msr_info *msr = &vmx_msrs[i];
		bool use_true = true_ctls && msr->true_name;
		__u64 value = msr_value(caps, msr);

		fprintf(f, "  0x%03x  %-28s  0x%016llx%s\n",
			use_true ? msr->true_index : msr->index,
			use_true ? msr->true_name : msr->name, value,
			msr->optional && !value ? " (none)" : "");
	}
}

/**
 * tvmm_caps_print() - "tvmmctl info": @caps in words a student follows.
 * @f:		where to write.
 * @caps:	what TVMM_GET_VMX_CAPS returned.
 *
 * Sections: the VMCS, a summary (EPT, VPID, preemption timer, fixed CR
 * bits), one line per feature, the CPUs, and the raw MSRs.
 */
void tvmm_caps_print(FILE *f, const struct tvmm_vmx_caps *caps)
{
	fputs("VMX capabilities of this host, as tvmm.ko read them at load\n\n",
	      f);
	print_vmcs(f, caps);
	fputc('\n', f);
	print_summary(f, caps);
	fputc('\n', f);
	print_features(f, caps);
	fputc('\n', f);
	print_cpus(f, caps);
	fputc('\n', f);
	print_msrs(f, caps);
}

static void json_cpu_array(struct json_out *j, const char *key,
			   const __u64 *map)
{
	unsigned int cpu;

	json_array_begin(j, key);
	for (cpu = 0; cpu < TVMM_MAX_CPUS; cpu++) {
		if (tvmm_cpu_isset(map, cpu))
			json_uint(j, NULL, cpu);
	}
	json_array_end(j);
}

/**
 * tvmm_caps_print_json() - "tvmmctl info --json": @caps as one JSON object.
 * @f:		where to write.
 * @caps:	what TVMM_GET_VMX_CAPS returned.
 *
 * Keys follow struct tvmm_vmx_caps. MSRs are strings, "0x" and 16 hex
 * digits, so that no JSON parser rounds them. README.md has the schema.
 */
void tvmm_caps_print_json(FILE *f, const struct tvmm_vmx_caps *caps)
{
	const struct tvmm_vmx_feature_info *info;
	char key[TVMM_VMX_KEY_LEN];
	struct json_out j;
	size_t i;

	json_out_init(&j, f);
	json_object_begin(&j, NULL);

	json_uint(&j, "vmcs_revision", caps->vmcs_revision);
	json_uint(&j, "vmcs_size", caps->vmcs_size);
	json_uint(&j, "vmcs_memtype", caps->vmcs_memtype);
	json_string(&j, "vmcs_memtype_name",
		    tvmm_memtype_name(caps->vmcs_memtype));
	json_uint(&j, "preemption_timer_shift", caps->preemption_timer_shift);

	json_object_begin(&j, "features");
	for (i = 0; i < ARRAY_SIZE(tvmm_vmx_features); i++) {
		info = &tvmm_vmx_features[i];
		json_bool(&j, tvmm_vmx_feature_key(info, key, sizeof(key)),
			  tvmm_caps_has(caps, info->feature));
	}
	json_object_end(&j);
	json_hex64(&j, "features_raw", caps->features);

	json_object_begin(&j, "msrs");
	for (i = 0; i < ARRAY_SIZE(vmx_msrs); i++)
		json_hex64(&j, vmx_msrs[i].field,
			   msr_value(caps, &vmx_msrs[i]));
	json_object_end(&j);

	json_uint(&j, "nr_cpu_ids", caps->nr_cpu_ids);
	json_cpu_array(&j, "online_cpus", caps->online_cpus);
	json_cpu_array(&j, "vmxon_cpus", caps->vmxon_cpus);

	json_object_begin(&j, "state");
	json_uint(&j, "raw", caps->state);
	json_bool(&j, "vmxon_deferred",
		  caps->state & TVMM_CAPS_VMXON_DEFERRED);
	json_bool(&j, "cpus_truncated",
		  caps->state & TVMM_CAPS_CPUS_TRUNCATED);
	json_object_end(&j);

	json_object_end(&j);
}
