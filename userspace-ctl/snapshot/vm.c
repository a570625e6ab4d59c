// SPDX-License-Identifier: GPL-2.0
/*
 * A whole VM in a snapshot and back (snapshot.h): which sections, in which
 * order, and how each vCPU's state goes through the ioctls of uapi/tvmm.h.
 * Saving: the input thread of vmm/ with ctx->lock held and every vCPU
 * paused; restoring: the command's thread, before the vCPUs run.
 *
 * A vCPU is saved as sections of one kind of state each (registers,
 * segment registers, MSRs, pending events, CPUID, the XSAVE area with
 * XCR0, debug registers, tvmmctl's own flags): one ioctl's struct each,
 * so that state tvmm.ko gains later slots in as a further section type.
 * The guest's TSC is one per VM: the clock section holds it, and a
 * restore writes it last (uapi/tvmm.h, IA32_TSC).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/util.h"
#include "lib/x86.h"
#include "vmm/cpuid.h"
#include "snapshot/snapshot.h"

/* Section layouts of this file's types (devices/state.c has the rest). */
#define SNAP_V_MACHINE	1
#define SNAP_V_CLOCK	1
#define SNAP_V_REGS	1
#define SNAP_V_SREGS	1
#define SNAP_V_MSRS	1
#define SNAP_V_EVENTS	1
#define SNAP_V_CPUID	1
#define SNAP_V_LOOP	1
#define SNAP_V_XSAVE	1
#define SNAP_V_DEBUGREGS 1

/*
 * The MSRs a vCPU's snapshot holds when tvmm.ko cannot list them
 * (TVMM_GET_MSR_INDEX_LIST): those it keeps for the guest beyond struct
 * tvmm_sregs (EFER, FS and GS bases). The devices' own (dev_msrs[]) are
 * their state.
 */
static const __u32 snap_vcpu_msrs[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_PAT, MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR,
	MSR_IA32_FMASK, MSR_IA32_KERNEL_GS_BASE, MSR_IA32_TSC_AUX,
	MSR_IA32_MISC_ENABLE,
};

/*
 * The MSRs to save, in tvmm.ko's order of restoring them: @max at most
 * into @idx; their number. IA32_TSC is left out: the clock section holds
 * it, and restoring it anywhere but last would count the restore's time.
 */
static unsigned int snap_vcpu_msr_list(const struct vmm *vmm, __u32 *idx,
				       unsigned int max)
{
	__u32 buf[(sizeof(struct tvmm_msr_list) +
		   TVMM_MAX_MSR_ENTRIES * sizeof(__u32)) / sizeof(__u32)];
	struct tvmm_msr_list *list = (struct tvmm_msr_list *)buf;
	unsigned int i, n = 0;

	memset(buf, 0, sizeof(buf));
	list->nmsrs = TVMM_MAX_MSR_ENTRIES;
	if (!vmm->has_msr_list ||
	    ioctl(vmm->dev.fd, TVMM_GET_MSR_INDEX_LIST, list)) {
		list->nmsrs = ARRAY_SIZE(snap_vcpu_msrs);
		memcpy(list->indices, snap_vcpu_msrs, sizeof(snap_vcpu_msrs));
	}
	for (i = 0; i < list->nmsrs && n < max; i++)
		if (list->indices[i] != MSR_IA32_TSC)
			idx[n++] = list->indices[i];
	return n;
}

int snap_machine_set_cpuid(struct snap_machine_info *m, unsigned int cpu,
			   const struct tvmm_cpuid_entry *e, unsigned int n)
{
	struct tvmm_cpuid_entry *copy;

	if (cpu >= DEV_MAX_CPUS)
		return -EINVAL;
	copy = malloc((n ? n : 1) * sizeof(*e));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, e, n * sizeof(*e));
	free(m->cpuid[cpu]);
	m->cpuid[cpu] = copy;
	m->nent[cpu] = n;
	return 0;
}

void snap_machine_free(struct snap_machine_info *m)
{
	unsigned int i;

	for (i = 0; i < DEV_MAX_CPUS; i++)
		free(m->cpuid[i]);
	free(m->cmdline);
	memset(m, 0, sizeof(*m));
}

/* ---- saving ------------------------------------------------------------- */

static int snap_why(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

static int snap_save_machine(struct snap_writer *w,
			     const struct snap_machine_info *m)
{
	struct snap_machine sm = {
		.nr_vcpus = m->nr_vcpus,
		.ram_size = m->ram_size,
		.tsc_khz = m->tsc_khz,
		.flags = m->cmdline ? SNAP_MACHINE_CMDLINE : 0,
		.cmdline_len = m->cmdline ? strlen(m->cmdline) : 0,
	};

	snap_section_begin(w, SNAP_SEC_MACHINE, 0, SNAP_V_MACHINE);
	snap_write(w, &sm, sizeof(sm));
	snap_write(w, m->cmdline ? m->cmdline : "", sm.cmdline_len);
	return snap_section_end(w);
}

/* One vCPU's sections; what failed in @what. */
static int snap_save_vcpu(struct snap_writer *w, struct vmm *vmm,
			  const struct snap_machine_info *m, unsigned int cpu,
			  const char **what)
{
	struct vmm_vcpu *v = &vmm->vcpus[cpu];
	struct snap_vcpu_loop loop = {
		.flags = (v->halted ? SNAP_VCPU_HALTED : 0) |
			 (v->parked ? SNAP_VCPU_PARKED : 0),
	};
	__u64 buf[(sizeof(struct tvmm_msrs) + TVMM_MAX_MSR_ENTRIES *
		   sizeof(struct tvmm_msr_entry)) / sizeof(__u64)];
	struct tvmm_msrs *one = (struct tvmm_msrs *)buf;
	struct tvmm_msr_entry got[TVMM_MAX_MSR_ENTRIES];
	struct tvmm_vcpu_events events;
	struct tvmm_debugregs dregs;
	struct tvmm_xsave xsave;
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;
	__u32 idx[TVMM_MAX_MSR_ENTRIES];
	unsigned int n, i, kept = 0;

	*what = "TVMM_GET_REGS";
	if (ioctl(v->fd, TVMM_GET_REGS, &regs))
		return -errno;
	*what = "TVMM_GET_SREGS";
	if (ioctl(v->fd, TVMM_GET_SREGS, &sregs))
		return -errno;
	/* One at a time: an MSR this tvmm.ko does not keep is left out. */
	*what = "TVMM_GET_MSRS";
	n = snap_vcpu_msr_list(vmm, idx, ARRAY_SIZE(idx));
	for (i = 0; i < n; i++) {
		memset(buf, 0, sizeof(buf));
		one->nmsrs = 1;
		one->entries[0].index = idx[i];
		if (ioctl(v->fd, TVMM_GET_MSRS, one) == 1)
			got[kept++] = one->entries[0];
	}
	*what = "TVMM_GET_VCPU_EVENTS";
	if (vmm->has_events && ioctl(v->fd, TVMM_GET_VCPU_EVENTS, &events))
		return -errno;
	*what = "TVMM_GET_XSAVE";
	if (vmm->has_xsave && ioctl(v->fd, TVMM_GET_XSAVE, &xsave))
		return -errno;
	*what = "TVMM_GET_DEBUGREGS";
	if (vmm->has_debugregs && ioctl(v->fd, TVMM_GET_DEBUGREGS, &dregs))
		return -errno;
	/* Write errors are the writer's, found by snap_writer_close(). */
	snap_section(w, SNAP_SEC_VCPU_CPUID, cpu, SNAP_V_CPUID, m->cpuid[cpu],
		     m->nent[cpu] * sizeof(*m->cpuid[cpu]));
	snap_section(w, SNAP_SEC_VCPU_REGS, cpu, SNAP_V_REGS, &regs,
		     sizeof(regs));
	snap_section(w, SNAP_SEC_VCPU_SREGS, cpu, SNAP_V_SREGS, &sregs,
		     sizeof(sregs));
	snap_section(w, SNAP_SEC_VCPU_MSRS, cpu, SNAP_V_MSRS, got,
		     kept * sizeof(got[0]));
	if (vmm->has_events)
		snap_section(w, SNAP_SEC_VCPU_EVENTS, cpu, SNAP_V_EVENTS,
			     &events, sizeof(events));
	if (vmm->has_xsave)
		snap_section(w, SNAP_SEC_VCPU_XSAVE, cpu, SNAP_V_XSAVE, &xsave,
			     sizeof(xsave));
	if (vmm->has_debugregs)
		snap_section(w, SNAP_SEC_VCPU_DEBUGREGS, cpu, SNAP_V_DEBUGREGS,
			     &dregs, sizeof(dregs));
	snap_section(w, SNAP_SEC_VCPU_LOOP, cpu, SNAP_V_LOOP, &loop,
		     sizeof(loop));
	return 0;
}

static int snap_save_devices(struct snap_writer *w, const struct vmm *vmm,
			     const struct dev_clock *clk)
{
	const struct dev_state_type *t;
	struct dev_state_buf b = { 0 };
	unsigned int i, id, n;
	int ret = 0;

	for (i = 0; i < dev_nr_state_types && !ret; i++) {
		t = &dev_state_types[i];
		n = t->per_cpu ? vmm->nr_vcpus : 1;
		for (id = 0; id < n && !ret; id++) {
			b.len = 0;
			ret = t->save(vmm->ctx, id, &b, clk);
			if (!ret)
				ret = snap_section(w, t->section, id,
						   t->version, b.data, b.len);
		}
	}
	dev_state_buf_free(&b);
	return ret;
}

/* Everything but guest memory, which @memory adds: 0 or -errno, @why. */
static int snap_save_to(struct snap_writer *w, struct vmm *vmm,
			const struct snap_machine_info *m, bool memory,
			char *why, size_t len)
{
	struct snap_clock sc = {
		.tsc = vmm_guest_tsc(vmm),
		.ns = dev_now_ns(vmm->ctx),
	};
	struct dev_clock clk = { .ns = sc.ns, .tsc = sc.tsc };
	const char *what;
	__u64 start, end;
	unsigned int i;
	int ret;

	snap_save_machine(w, m);
	snap_section(w, SNAP_SEC_CLOCK, 0, SNAP_V_CLOCK, &sc, sizeof(sc));
	for (i = 0; i < vmm->nr_vcpus; i++) {
		ret = snap_save_vcpu(w, vmm, m, i, &what);
		if (ret)
			return snap_why(why, len, ret, "vCPU %u: %s: %s", i,
					what, strerror(-ret));
	}
	snap_save_devices(w, vmm, &clk);
	for (i = 0; memory && vmm_ram_slot(vmm, i, &start, &end); i++)
		snap_write_memory(w, i, start, vmm->ram.hva + start,
				  end - start);
	return 0;
}

int snap_save(const char *path, struct vmm *vmm,
	      const struct snap_machine_info *m, char *why, size_t len)
{
	__u32 features[SNAP_NR_FEATURE_WORDS];
	struct snap_writer w;
	int ret;

	snap_features_from_cpuid(m->cpuid[0], m->nent[0], features);
	ret = snap_writer_open(&w, path, features);
	if (!ret)
		ret = snap_save_to(&w, vmm, m, true, why, len);
	if (ret) {
		snap_writer_abort(&w);
		return w.err ? snap_why(why, len, ret, "%s: %s", path,
					strerror(-ret)) : ret;
	}
	ret = snap_writer_close(&w);
	if (ret)
		return snap_why(why, len, ret, "%s: %s", path, strerror(-ret));
	return 0;
}

int snap_save_state(struct vmm *vmm, const struct snap_machine_info *m,
		    void **buf, size_t *size, char *why, size_t len)
{
	__u32 features[SNAP_NR_FEATURE_WORDS];
	struct snap_writer w;
	int ret;

	snap_features_from_cpuid(m->cpuid[0], m->nent[0], features);
	ret = snap_writer_open_mem(&w, features);
	if (!ret)
		ret = snap_save_to(&w, vmm, m, false, why, len);
	if (ret) {
		snap_writer_abort(&w);
		return w.err ? snap_why(why, len, ret, "the state: %s",
					strerror(-ret)) : ret;
	}
	ret = snap_writer_close_mem(&w, buf, size);
	if (ret)
		return snap_why(why, len, ret, "the state: %s", strerror(-ret));
	return 0;
}

/* ---- restoring ---------------------------------------------------------- */

static enum snap_error snap_bad(struct snap_file *f,
				const struct snap_section *s,
				const char *fmt, ...)
{
	char label[64];
	va_list ap;
	int n;

	n = snprintf(f->why, sizeof(f->why), "%s: ",
		     snap_section_label(s, label, sizeof(label)));
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(f->why))
		vsnprintf(f->why + n, sizeof(f->why) - n, fmt, ap);
	va_end(ap);
	return SNAP_ERR_LAYOUT;
}

static enum snap_error snap_missing(struct snap_file *f, __u32 type,
				    __u32 id)
{
	snprintf(f->why, sizeof(f->why), "no %s section for %u: incomplete",
		 snap_type_name(type), id);
	return SNAP_ERR_LAYOUT;
}

/* The section @type/@id in version @version, @size bytes (0: any). */
static const struct snap_section *snap_need(struct snap_file *f, __u32 type,
					    __u32 id, __u32 version,
					    size_t size, enum snap_error *err)
{
	const struct snap_section *s = snap_find(f, type, id);

	*err = SNAP_OK;
	if (!s) {
		*err = snap_missing(f, type, id);
	} else if (s->version != version) {
		*err = snap_bad(f, s, "layout version %u; this tvmmctl reads %u",
				s->version, version);
		s = NULL;
	} else if (size && s->length != size) {
		*err = snap_bad(f, s, "%llu bytes, not %zu",
				(unsigned long long)s->length, size);
		s = NULL;
	}
	return s;
}

enum snap_error snap_load_machine(struct snap_file *f,
				  struct snap_machine_info *m)
{
	const struct snap_section *s;
	struct snap_machine sm;
	enum snap_error err;
	unsigned int cpu;

	memset(m, 0, sizeof(*m));
	s = snap_need(f, SNAP_SEC_MACHINE, 0, SNAP_V_MACHINE, 0, &err);
	if (!s)
		return err;
	if (s->length < sizeof(sm))
		return snap_bad(f, s, "too short");
	memcpy(&sm, s->data, sizeof(sm));
	if (s->length != sizeof(sm) + sm.cmdline_len ||
	    sm.flags & ~SNAP_MACHINE_CMDLINE ||
	    (!(sm.flags & SNAP_MACHINE_CMDLINE) && sm.cmdline_len) ||
	    memchr((const char *)s->data + sizeof(sm), '\0', sm.cmdline_len))
		return snap_bad(f, s, "not a machine of layout version 1");
	if (!sm.nr_vcpus || sm.nr_vcpus > DEV_MAX_CPUS || !sm.ram_size ||
	    sm.ram_size % SNAP_PAGE_SIZE || sm.ram_size > (size_t)-1)
		return snap_bad(f, s, "%u vCPUs, %llu bytes of RAM",
				sm.nr_vcpus, (unsigned long long)sm.ram_size);
	m->nr_vcpus = sm.nr_vcpus;
	m->ram_size = sm.ram_size;
	m->tsc_khz = sm.tsc_khz;
	if (sm.flags & SNAP_MACHINE_CMDLINE) {
		m->cmdline = strndup((const char *)s->data + sizeof(sm),
				     sm.cmdline_len);
		if (!m->cmdline)
			goto nomem;
	}
	for (cpu = 0; cpu < m->nr_vcpus; cpu++) {
		s = snap_need(f, SNAP_SEC_VCPU_CPUID, cpu, SNAP_V_CPUID, 0,
			      &err);
		if (!s)
			goto fail;
		if (s->length % sizeof(struct tvmm_cpuid_entry) ||
		    s->length / sizeof(struct tvmm_cpuid_entry) >
		    TVMM_MAX_CPUID_ENTRIES) {
			err = snap_bad(f, s, "not a CPUID table");
			goto fail;
		}
		if (snap_machine_set_cpuid(m, cpu, s->data, s->length /
					   sizeof(struct tvmm_cpuid_entry)))
			goto nomem;
	}
	return SNAP_OK;
nomem:
	snprintf(f->why, sizeof(f->why), "%s", strerror(ENOMEM));
	err = SNAP_ERR_IO;
fail:
	snap_machine_free(m);
	return err;
}

static bool snap_all_zero(const void *p, size_t len)
{
	const __u8 *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

/* XSTATE_BV, the first field of the area's XSAVE header. */
static __u64 snap_xstate_bv(const struct tvmm_xsave *xs)
{
	__u64 bv;

	memcpy(&bv, xs->area + XSAVE_HDR_OFFSET, sizeof(bv));
	return bv;
}

/*
 * An XSAVE section that XRSTOR and XSETBV could take on some host (SDM
 * Vol. 1, 13.3 and 13.8): x87 in XCR0, AVX only with SSE, the standard
 * format (XCOMP_BV 0), no component beyond x87, SSE and XCR0's, the
 * header's reserved bytes 0. What this host gives is snap_check_host()'s.
 */
static enum snap_error snap_check_xsave(struct snap_file *f,
					const struct snap_section *s)
{
	const struct tvmm_xsave *xs = s->data;
	const __u8 *hdr = xs->area + XSAVE_HDR_OFFSET;
	__u64 bv = snap_xstate_bv(xs);

	if (xs->flags || xs->padding ||
	    !snap_all_zero(xs->reserved, sizeof(xs->reserved)))
		return snap_bad(f, s, "flags or reserved not 0");
	if (!(xs->xcr0 & XCR0_X87) ||
	    ((xs->xcr0 & XCR0_AVX) && !(xs->xcr0 & XCR0_SSE)))
		return snap_bad(f, s, "XCR0 0x%llx, which XSETBV refuses",
				(unsigned long long)xs->xcr0);
	if (!snap_all_zero(hdr + 8, XSAVE_HDR_SIZE - 8))
		return snap_bad(f, s,
				"not the standard XSAVE format (XCOMP_BV or reserved bytes not 0)");
	if (bv & ~(xs->xcr0 | XCR0_X87 | XCR0_SSE))
		return snap_bad(f, s,
				"XSTATE_BV 0x%llx holds components its XCR0 0x%llx does not enable",
				(unsigned long long)bv,
				(unsigned long long)xs->xcr0);
	return SNAP_OK;
}

/* Debug registers as MOV DR could have left them (Vol. 3B, 18.2). */
static enum snap_error snap_check_debugregs(struct snap_file *f,
					    const struct snap_section *s)
{
	const struct tvmm_debugregs *d = s->data;

	if (d->flags || d->padding ||
	    !snap_all_zero(d->reserved, sizeof(d->reserved)))
		return snap_bad(f, s, "flags or reserved not 0");
	if ((d->dr6 | d->dr7) >> 32)
		return snap_bad(f, s, "DR6 0x%llx, DR7 0x%llx: bits 63:32 set",
				(unsigned long long)d->dr6,
				(unsigned long long)d->dr7);
	return SNAP_OK;
}

/* The optional section @type of @cpu: checked by @check if there. */
static enum snap_error snap_check_optional(struct snap_file *f, __u32 type,
					   unsigned int cpu, __u32 version,
					   size_t size,
					   enum snap_error (*check)(struct snap_file *,
								    const struct snap_section *))
{
	const struct snap_section *s = snap_find(f, type, cpu);
	enum snap_error err;

	if (!s)
		return SNAP_OK;
	s = snap_need(f, type, cpu, version, size, &err);
	if (!s)
		return err;
	return check ? check(f, s) : SNAP_OK;
}

enum snap_error snap_check_vcpus(struct snap_file *f,
				 const struct snap_machine_info *m)
{
	const struct tvmm_msr_entry *msr;
	__u64 i;
	const struct snap_section *s;
	const struct snap_vcpu_loop *loop;
	enum snap_error err;
	unsigned int cpu;

	for (cpu = 0; cpu < m->nr_vcpus; cpu++) {
		if (!snap_need(f, SNAP_SEC_VCPU_REGS, cpu, SNAP_V_REGS,
			       sizeof(struct tvmm_regs), &err) ||
		    !snap_need(f, SNAP_SEC_VCPU_SREGS, cpu, SNAP_V_SREGS,
			       sizeof(struct tvmm_sregs), &err))
			return err;
		s = snap_need(f, SNAP_SEC_VCPU_MSRS, cpu, SNAP_V_MSRS, 0, &err);
		if (!s)
			return err;
		if (s->length % sizeof(struct tvmm_msr_entry) ||
		    s->length / sizeof(struct tvmm_msr_entry) >
		    TVMM_MAX_MSR_ENTRIES)
			return snap_bad(f, s, "not a list of MSRs");
		msr = s->data;
		for (i = 0; i < s->length / sizeof(*msr); i++)
			if (msr[i].index == MSR_IA32_TSC)
				return snap_bad(f, s,
						"IA32_TSC, which only the clock section holds");
		err = snap_check_optional(f, SNAP_SEC_VCPU_EVENTS, cpu,
					  SNAP_V_EVENTS,
					  sizeof(struct tvmm_vcpu_events),
					  NULL);
		if (!err)
			err = snap_check_optional(f, SNAP_SEC_VCPU_XSAVE, cpu,
						  SNAP_V_XSAVE,
						  sizeof(struct tvmm_xsave),
						  snap_check_xsave);
		if (!err)
			err = snap_check_optional(f, SNAP_SEC_VCPU_DEBUGREGS,
						  cpu, SNAP_V_DEBUGREGS,
						  sizeof(struct tvmm_debugregs),
						  snap_check_debugregs);
		if (err)
			return err;
		s = snap_need(f, SNAP_SEC_VCPU_LOOP, cpu, SNAP_V_LOOP,
			      sizeof(*loop), &err);
		if (!s)
			return err;
		loop = s->data;
		if (loop->flags & ~(SNAP_VCPU_HALTED | SNAP_VCPU_PARKED) ||
		    loop->reserved)
			return snap_bad(f, s, "flags 0x%x", loop->flags);
	}
	return SNAP_OK;
}

/* Each device loads into @scratch. */
static enum snap_error snap_check_devices_in(struct snap_file *f,
					     const struct snap_machine_info *m,
					     struct dev_ctx *scratch)
{
	const struct dev_clock clk = { 0 };
	const struct dev_state_type *t;
	const struct snap_section *s;
	unsigned int i, id, n;

	for (i = 0; i < dev_nr_state_types; i++) {
		t = &dev_state_types[i];
		n = t->per_cpu ? m->nr_vcpus : 1;
		for (id = 0; id < n; id++) {
			s = snap_find(f, t->section, id);
			if (!s)
				return snap_missing(f, t->section, id);
			if (s->version != t->version)
				return snap_bad(f, s,
						"layout version %u; this tvmmctl reads %u",
						s->version, t->version);
			if (dev_state_load(scratch, t, id, s->version,
					   s->data, s->length, &clk))
				return snap_bad(f, s,
						"values a %s cannot hold",
						snap_type_name(t->section));
		}
	}
	return SNAP_OK;
}

/* Each device loads into a scratch set of devices. */
static enum snap_error snap_check_devices(struct snap_file *f,
					  const struct snap_machine_info *m)
{
	static struct dev_ctx scratch;
	enum snap_error err;

	dev_ctx_init(&scratch, NULL, false);
	scratch.nr_cpus = m->nr_vcpus;
	err = snap_check_devices_in(f, m, &scratch);
	pthread_mutex_destroy(&scratch.lock);
	return err;
}

/* No section the machine has no place for: it would be lost. */
static enum snap_error snap_check_extra(struct snap_file *f,
					const struct snap_machine_info *m)
{
	const struct dev_state_type *t;
	const struct snap_section *s;
	unsigned int i;

	for (i = 0; i < f->nr; i++) {
		s = &f->sec[i];
		t = dev_state_type_find(s->type);
		if (s->type == SNAP_SEC_MACHINE || s->type == SNAP_SEC_CLOCK ||
		    s->type == SNAP_SEC_MEMORY)
			continue;
		if (t ? (t->per_cpu ? s->id >= m->nr_vcpus : s->id != 0) :
		    s->id >= m->nr_vcpus)
			return snap_bad(f, s, "for a vCPU or device the machine has not");
	}
	return SNAP_OK;
}

enum snap_error snap_check_state(struct snap_file *f,
				 const struct snap_machine_info *m)
{
	struct snap_memory mem;
	enum snap_error err;
	unsigned int i;

	if (!snap_need(f, SNAP_SEC_CLOCK, 0, SNAP_V_CLOCK,
		       sizeof(struct snap_clock), &err))
		return err;
	err = snap_check_vcpus(f, m);
	if (!err)
		err = snap_check_devices(f, m);
	if (!err)
		err = snap_check_extra(f, m);
	for (i = 0; i < f->nr && !err; i++)
		if (f->sec[i].type == SNAP_SEC_MEMORY)
			err = snap_memory_check(&f->sec[i], m->ram_size, &mem,
						f->why, sizeof(f->why));
	return err;
}

/* XCR0's state components, by bit (SDM Vol. 1, 13.1). */
static const char *const snap_xstate_names[] = {
	[0] = "x87", [1] = "SSE", [2] = "AVX", [3] = "MPX BNDREGS",
	[4] = "MPX BNDCSR", [5] = "AVX-512 opmask", [6] = "AVX-512 ZMM_Hi256",
	[7] = "AVX-512 Hi16_ZMM", [9] = "PKRU",
};

static enum snap_error snap_host_lacks(struct snap_file *f,
				       const struct snap_section *s,
				       const char *what, const char *cap)
{
	char label[64];

	snprintf(f->why, sizeof(f->why), "%s: %s needs %s, which this tvmm.ko lacks",
		 snap_section_label(s, label, sizeof(label)), what, cap);
	return SNAP_ERR_FEATURE;
}

enum snap_error snap_check_host(struct snap_file *f,
				const struct snap_machine_info *m,
				const struct snap_host *h)
{
	const struct snap_section *s;
	const struct tvmm_xsave *xs;
	unsigned int cpu, bit;
	__u64 lacks;
	char label[64];

	for (cpu = 0; cpu < m->nr_vcpus; cpu++) {
		s = snap_find(f, SNAP_SEC_VCPU_EVENTS, cpu);
		if (s && !h->events)
			return snap_host_lacks(f, s, "its pending events",
					       "TVMM_CAP_VCPU_EVENTS");
		s = snap_find(f, SNAP_SEC_VCPU_DEBUGREGS, cpu);
		if (s && !h->debugregs)
			return snap_host_lacks(f, s, "its debug registers",
					       "TVMM_CAP_DEBUGREGS");
		s = snap_find(f, SNAP_SEC_VCPU_XSAVE, cpu);
		if (!s)
			continue;
		if (!h->xsave)
			return snap_host_lacks(f, s, "its x87/SSE/AVX state",
					       "TVMM_CAP_XSAVE");
		xs = s->data;
		lacks = (xs->xcr0 | snap_xstate_bv(xs)) &
			~(h->xcr0 | XCR0_X87 | XCR0_SSE);
		if (!lacks)
			continue;
		bit = __builtin_ctzll(lacks);
		snprintf(f->why, sizeof(f->why),
			 "%s: XCR0 0x%llx; this host gives guests 0x%llx, without state component %u (%s)",
			 snap_section_label(s, label, sizeof(label)),
			 (unsigned long long)xs->xcr0,
			 (unsigned long long)h->xcr0, bit,
			 bit < ARRAY_SIZE(snap_xstate_names) &&
			 snap_xstate_names[bit] ? snap_xstate_names[bit] :
			 "unnamed");
		return SNAP_ERR_FEATURE;
	}
	return SNAP_OK;
}

void snap_load_memory(const struct snap_file *f, struct guest_ram *ram)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		if (f->sec[i].type == SNAP_SEC_MEMORY)
			snap_memory_load(&f->sec[i], ram->hva);
}

__u64 snap_saved_tsc(const struct snap_file *f)
{
	const struct snap_section *s = snap_find(f, SNAP_SEC_CLOCK, 0);
	struct snap_clock sc = { 0 };

	if (s && s->length == sizeof(sc))
		memcpy(&sc, s->data, sizeof(sc));
	return sc.tsc;
}

static int snap_vcpu_failed(struct snap_file *f, unsigned int cpu,
			    const char *what, int err)
{
	snprintf(f->why, sizeof(f->why), "vCPU %u: %s: %s", cpu, what,
		 strerror(-err));
	return err;
}

/* Sections checked by snap_check_state(). */
static int snap_load_vcpu(struct snap_file *f, struct vmm *vmm,
			  unsigned int cpu)
{
	__u64 buf[(sizeof(struct tvmm_msrs) + TVMM_MAX_MSR_ENTRIES *
		   sizeof(struct tvmm_msr_entry)) / sizeof(__u64)] = { 0 };
	struct tvmm_msrs *msrs = (struct tvmm_msrs *)buf;
	struct vmm_vcpu *v = &vmm->vcpus[cpu];
	const struct snap_vcpu_loop *loop;
	const struct snap_section *s;
	int n;

	s = snap_find(f, SNAP_SEC_VCPU_SREGS, cpu);
	if (ioctl(v->fd, TVMM_SET_SREGS, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_SREGS", -errno);
	s = snap_find(f, SNAP_SEC_VCPU_REGS, cpu);
	if (ioctl(v->fd, TVMM_SET_REGS, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_REGS", -errno);
	s = snap_find(f, SNAP_SEC_VCPU_MSRS, cpu);
	msrs->nmsrs = s->length / sizeof(struct tvmm_msr_entry);
	memcpy(msrs->entries, s->data, s->length);
	n = ioctl(v->fd, TVMM_SET_MSRS, msrs);
	if (n < 0)
		return snap_vcpu_failed(f, cpu, "TVMM_SET_MSRS", -errno);
	if ((__u32)n < msrs->nmsrs) {
		snprintf(f->why, sizeof(f->why),
			 "vCPU %u: TVMM_SET_MSRS refused MSR 0x%x", cpu,
			 msrs->entries[n].index);
		return -EINVAL;
	}
	/* After CPUID, which says what XCR0 the guest may have. */
	s = snap_find(f, SNAP_SEC_VCPU_XSAVE, cpu);
	if (s && ioctl(v->fd, TVMM_SET_XSAVE, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_XSAVE", -errno);
	s = snap_find(f, SNAP_SEC_VCPU_DEBUGREGS, cpu);
	if (s && ioctl(v->fd, TVMM_SET_DEBUGREGS, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_DEBUGREGS", -errno);
	/* snap_check_host() found TVMM_CAP_VCPU_EVENTS if it is needed. */
	s = snap_find(f, SNAP_SEC_VCPU_EVENTS, cpu);
	if (s && ioctl(v->fd, TVMM_SET_VCPU_EVENTS, s->data))
		return snap_vcpu_failed(f, cpu, "TVMM_SET_VCPU_EVENTS", -errno);
	loop = snap_find(f, SNAP_SEC_VCPU_LOOP, cpu)->data;
	v->halted = loop->flags & SNAP_VCPU_HALTED;
	v->parked = loop->flags & SNAP_VCPU_PARKED;
	return 0;
}

int snap_load_vcpus(struct snap_file *f, struct vmm *vmm)
{
	unsigned int cpu;
	int ret;

	for (cpu = 0; cpu < vmm->nr_vcpus; cpu++) {
		ret = snap_load_vcpu(f, vmm, cpu);
		if (ret)
			return ret;
	}
	return 0;
}

int snap_load_devices(struct snap_file *f, struct dev_ctx *ctx,
		      const struct dev_clock *clk)
{
	const struct dev_state_type *t;
	const struct snap_section *s;
	unsigned int i, id, n;

	for (i = 0; i < dev_nr_state_types; i++) {
		t = &dev_state_types[i];
		n = t->per_cpu ? ctx->nr_cpus : 1;
		for (id = 0; id < n; id++) {
			s = snap_find(f, t->section, id);
			if (!s || dev_state_load(ctx, t, id, s->version,
						 s->data, s->length, clk)) {
				snprintf(f->why, sizeof(f->why),
					 "%s %u does not load",
					 snap_type_name(t->section), id);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* ---- snapshot info ------------------------------------------------------ */

static const char *snap_mode(const struct tvmm_sregs *s)
{
	if (!(s->cr0 & X86_CR0_PE))
		return "real";
	if (s->efer & EFER_LMA)
		return s->cs.l ? "long" : "compatibility";
	return "protected";
}

static void snap_print_vcpu(FILE *out, const struct snap_file *f,
			    unsigned int cpu)
{
	const struct snap_section *r = snap_find(f, SNAP_SEC_VCPU_REGS, cpu);
	const struct snap_section *s = snap_find(f, SNAP_SEC_VCPU_SREGS, cpu);
	const struct snap_section *l = snap_find(f, SNAP_SEC_VCPU_LOOP, cpu);
	const struct snap_section *e = snap_find(f, SNAP_SEC_VCPU_EVENTS, cpu);
	const struct snap_section *x = snap_find(f, SNAP_SEC_VCPU_XSAVE, cpu);
	struct tvmm_vcpu_events ev = { 0 };
	__u64 xcr0 = 0;
	struct snap_vcpu_loop loop = { 0 };
	struct tvmm_sregs sregs;
	struct tvmm_regs regs;

	if (!r || r->length != sizeof(regs) || !s ||
	    s->length != sizeof(sregs)) {
		fprintf(out, "vCPU %u: no registers\n", cpu);
		return;
	}
	memcpy(&regs, r->data, sizeof(regs));
	memcpy(&sregs, s->data, sizeof(sregs));
	if (l && l->length == sizeof(loop))
		memcpy(&loop, l->data, sizeof(loop));
	if (e && e->length == sizeof(ev))
		memcpy(&ev, e->data, sizeof(ev));
	if (x && x->length == sizeof(struct tvmm_xsave))
		xcr0 = ((const struct tvmm_xsave *)x->data)->xcr0;
	fprintf(out, "vCPU %u: %s mode, rip 0x%llx, rflags 0x%llx, XCR0 %s0x%llx%s%s%s\n",
		cpu, snap_mode(&sregs), (unsigned long long)regs.rip,
		(unsigned long long)regs.rflags, x ? "" : "(not saved) ",
		(unsigned long long)xcr0,
		loop.flags & SNAP_VCPU_HALTED ? ", halted" : "",
		loop.flags & SNAP_VCPU_PARKED ? ", parked" : "",
		ev.interrupt.queued ? ", an interrupt queued" : "");
}

void snap_print_info(FILE *out, const char *path, const struct snap_file *f)
{
	const struct snap_section *ms = snap_find(f, SNAP_SEC_MACHINE, 0);
	const struct snap_section *s;
	struct snap_machine sm = { 0 };
	struct snap_clock sc = { 0 };
	char label[64], word[64];
	__u64 pages = 0, stored = 0;
	const struct snap_memory *mem;
	unsigned int i, w;

	fprintf(out, "%s: tvmm snapshot, format version %u, written by tvmmctl %.*s\n",
		path, f->hdr.format_version, SNAP_VERSION_LEN,
		f->hdr.tvmmctl_version);
	fprintf(out, "size: %llu bytes, %u sections, checksums good\n",
		(unsigned long long)f->hdr.file_size, f->nr);
	if (ms && ms->length >= sizeof(sm))
		memcpy(&sm, ms->data, sizeof(sm));
	s = snap_find(f, SNAP_SEC_CLOCK, 0);
	if (s && s->length == sizeof(sc))
		memcpy(&sc, s->data, sizeof(sc));
	fprintf(out, "machine: %u vCPUs, %llu MiB of RAM, TSC at %u kHz\n",
		sm.nr_vcpus, (unsigned long long)(sm.ram_size >> 20),
		sm.tsc_khz);
	if (sm.flags & SNAP_MACHINE_CMDLINE && ms &&
	    ms->length == sizeof(sm) + sm.cmdline_len)
		fprintf(out, "command line: %.*s\n", (int)sm.cmdline_len,
			(const char *)ms->data + sizeof(sm));
	fprintf(out, "guest TSC when saved: %llu\n",
		(unsigned long long)sc.tsc);
	fprintf(out, "CPU features needed:\n");
	for (w = 0; w < SNAP_NR_FEATURE_WORDS; w++)
		fprintf(out, "  %-26s 0x%08x\n",
			snap_feature_word_name(w, word, sizeof(word)),
			f->hdr.features[w]);
	for (i = 0; i < sm.nr_vcpus && i < DEV_MAX_CPUS; i++)
		snap_print_vcpu(out, f, i);
	for (i = 0; i < f->nr; i++) {
		s = &f->sec[i];
		if (s->type != SNAP_SEC_MEMORY || s->length < sizeof(*mem))
			continue;
		mem = s->data;
		pages += mem->size / SNAP_PAGE_SIZE;
		stored += mem->nr_stored;
	}
	fprintf(out, "memory: %llu pages, %llu stored, %llu of zeros left out\n",
		(unsigned long long)pages, (unsigned long long)stored,
		(unsigned long long)(pages - stored));
	fprintf(out, "sections:\n");
	for (i = 0; i < f->nr; i++) {
		s = &f->sec[i];
		fprintf(out, "  %-36s version %u, %llu bytes at %llu\n",
			snap_section_label(s, label, sizeof(label)),
			s->version, (unsigned long long)s->length,
			(unsigned long long)s->offset);
	}
}
